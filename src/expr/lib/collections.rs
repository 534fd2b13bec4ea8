//! Generic collections (`System.Collections.Generic`): `List<T>`, `T[]`, `HashSet<T>`,
//! `Dictionary<TKey, TValue>` and `KeyValuePair<TKey, TValue>`: their values, members,
//! constructors and initialisers, element assignment, `TryGetValue`, and the LINQ operators
//! that build them (`ToList`, `ToArray`, `ToHashSet`, `ToDictionary`, indexed `Select`/`Where`).
//!
//! Collections are .NET reference objects: a [`Collection`] is shared (`Arc`) and mutable behind
//! a mutex, so `var b = a; b.Add(1);` changes `a` too. A lock is never held while another
//! collection (or the same one) is read, so `l.AddRange(l)` cannot deadlock, and a poisoned
//! lock is recovered rather than unwrapped. Every element a collection receives counts against
//! the evaluation's step budget (see [`Frame::charge`]) and no collection grows beyond
//! [`MAX_COLLECTION_ITEMS`] elements (`OutOfMemoryException`).
//!
//! Sets and dictionaries keep insertion order when enumerated, as .NET's do while nothing is
//! removed, and compare keys with .NET's default equality (ordinal for strings, or
//! `StringComparer.OrdinalIgnoreCase` when given).

// `Value` is not `Send` (it borrows request objects that hold `Cell`s), so clippy flags every
// `Arc` of one; the `Arc` + `Mutex` representation is kept so collections become shareable
// across threads as soon as values are.
#![allow(clippy::arc_with_non_send_sync)]

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering as Atomic};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::linq::{comparison, item_at as sequence_item};
use crate::diagnostic::Span;
use crate::expr::eval::{
    CompareOp, Exception, ExceptionKind, Frame, GrowFn, IndexerFn, InstanceOutFn, MemberFn,
    MethodFn, compare_values,
};
use crate::expr::types::{Type, array_of, intern};
use crate::expr::value::Value;

/// Most elements one collection may hold.
pub const MAX_COLLECTION_ITEMS: usize = 1 << 20;

/// A hashable form of the keys .NET compares by value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Text(Box<str>),
    Integer(i64),
    Double(u64),
    Bool(bool),
    Char(char),
    Guid([u8; 16]),
    Ticks(i64),
}

fn key_of(value: &Value<'_>, ignore_case: bool) -> Option<Key> {
    Some(match value {
        Value::Str(_) | Value::String(_) => {
            let text = value.as_str()?;
            if ignore_case {
                Key::Text(text.to_uppercase().into())
            } else {
                Key::Text(text.into())
            }
        }
        Value::Int(i) => Key::Integer(i64::from(*i)),
        Value::Long(i) => Key::Integer(*i),
        Value::Byte(b) => Key::Integer(i64::from(*b)),
        // Double.Equals: 0.0 equals -0.0 and NaN equals NaN.
        Value::Double(d) if *d == 0.0 => Key::Double(0),
        Value::Double(d) if d.is_nan() => Key::Double(f64::NAN.to_bits()),
        Value::Double(d) => Key::Double(d.to_bits()),
        Value::Bool(b) => Key::Bool(*b),
        Value::Char(c) => Key::Char(*c),
        Value::Guid(g) => Key::Guid(*g),
        Value::DateTime(d) => Key::Ticks(d.ticks),
        Value::TimeSpan(t) => Key::Ticks(*t),
        _ => return None,
    })
}

/// `EqualityComparer<T>.Default.Equals`: by value for strings and value types, by reference
/// otherwise.
fn equal(a: &Value<'_>, b: &Value<'_>, ignore_case: bool) -> bool {
    match (key_of(a, ignore_case), key_of(b, ignore_case)) {
        (Some(x), Some(y)) => x == y,
        (None, None) => compare_values(
            CompareOp::Equal,
            crate::expr::eval::CompareKind::Reference,
            a,
            b,
        ),
        _ => false,
    }
}

/// The elements of a collection; for dictionaries, keys and values side by side.
#[derive(Debug, Default)]
struct Items {
    keys: Vec<Value<'static>>,
    values: Vec<Value<'static>>,
    /// Positions of the keys that hash (sets and dictionaries only).
    index: HashMap<Key, usize>,
    keyed: bool,
    ignore_case: bool,
    /// Bumped by every change that invalidates enumerators, as .NET's `_version`.
    version: u64,
}

impl Items {
    fn find(&self, key: &Value<'_>) -> Option<usize> {
        if self.keyed
            && let Some(k) = key_of(key, self.ignore_case)
        {
            return self.index.get(&k).copied();
        }
        self.keys
            .iter()
            .position(|k| equal(k, key, self.ignore_case))
    }

    fn push(&mut self, key: Value<'static>, value: Option<Value<'static>>) {
        self.version = self.version.wrapping_add(1);
        if self.keyed
            && let Some(k) = key_of(&key, self.ignore_case)
        {
            self.index.insert(k, self.keys.len());
        }
        self.keys.push(key);
        if let Some(v) = value {
            self.values.push(v);
        }
    }

    fn remove_at(&mut self, position: usize) {
        if position < self.keys.len() {
            self.keys.remove(position);
        }
        if position < self.values.len() {
            self.values.remove(position);
        }
        if self.keyed {
            self.reindex();
        }
    }

    fn reindex(&mut self) {
        let ignore_case = self.ignore_case;
        self.index = self
            .keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| key_of(k, ignore_case).map(|k| (k, i)))
            .collect();
    }

    fn clear(&mut self) {
        self.version = self.version.wrapping_add(1);
        self.keys.clear();
        self.values.clear();
        self.index.clear();
    }
}

/// A `List<T>`, `T[]`, `HashSet<T>` or `Dictionary<TKey, TValue>` object.
#[derive(Debug)]
pub struct Collection {
    /// Its .NET type (`Type::List`, `Type::Array`, `Type::HashSet` or `Type::Dictionary`).
    pub ty: Type,
    items: Mutex<Items>,
    /// Whether it was ever stored in a collection (only then can another collection's
    /// elements lead to it).
    contained: AtomicBool,
}

impl Collection {
    fn new(ty: Type, ignore_case: bool) -> Self {
        Self {
            ty,
            items: Mutex::new(Items {
                keyed: matches!(ty, Type::HashSet(_) | Type::Dictionary(_)),
                ignore_case,
                ..Items::default()
            }),
            contained: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Items> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many elements it holds.
    pub fn len(&self) -> usize {
        self.lock().keys.len()
    }

    /// Whether it holds no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `index` as enumeration yields it (a `KeyValuePair` for dictionaries).
    pub(crate) fn item_at(&self, index: usize) -> Option<Value<'static>> {
        let items = self.lock();
        let key = items.keys.get(index)?.clone();
        if let Type::Dictionary(_) = self.ty {
            let value = items.values.get(index).cloned().unwrap_or(Value::Null);
            return Some(pair(key, value));
        }
        Some(key)
    }
}

impl Drop for Collection {
    /// Frees nested collections one after another rather than recursively, so a deeply nested
    /// `List<object>` cannot overflow the stack when it is dropped.
    fn drop(&mut self) {
        let items = self.items.get_mut().unwrap_or_else(PoisonError::into_inner);
        let mut stack: Vec<Value<'static>> = std::mem::take(&mut items.keys);
        stack.append(&mut items.values);
        while let Some(value) = stack.pop() {
            match value {
                Value::Collection(arc) => {
                    if let Some(mut inner) = Arc::into_inner(arc) {
                        let items = inner
                            .items
                            .get_mut()
                            .unwrap_or_else(PoisonError::into_inner);
                        stack.append(&mut items.keys);
                        stack.append(&mut items.values);
                    }
                }
                Value::KeyValuePair(pair) => {
                    if let Some((key, value)) = Arc::into_inner(pair) {
                        stack.push(key);
                        stack.push(value);
                    }
                }
                Value::Sequence(mut sequence) => {
                    if let Some(values) = Arc::get_mut(&mut sequence) {
                        stack.extend(values.iter_mut().map(|v| std::mem::replace(v, Value::Null)));
                    }
                }
                _ => {}
            }
        }
    }
}

/// A `KeyValuePair<K, V>` value.
pub(crate) fn pair<'a>(key: Value<'a>, value: Value<'a>) -> Value<'a> {
    Value::KeyValuePair(Arc::new((key, value)))
}

/// The .NET full name of a type, as `GetType().ToString()` prints it.
pub(crate) fn clr_name(ty: Type) -> String {
    let generic = |name: &str, args: &[Type]| {
        let args: Vec<String> = args.iter().map(|t| clr_name(*t)).collect();
        format!(
            "System.Collections.Generic.{name}`{}[{}]",
            args.len(),
            args.join(",")
        )
    };
    match ty {
        Type::List(t) => generic("List", &[*t]),
        Type::HashSet(t) => generic("HashSet", &[*t]),
        Type::Sequence(t) => generic("IEnumerable", &[*t]),
        Type::Dictionary((k, v)) => generic("Dictionary", &[*k, *v]),
        Type::KeyValuePair((k, v)) => generic("KeyValuePair", &[*k, *v]),
        Type::Array(t) => format!("{}[]", clr_name(*t)),
        Type::StringArray => "System.String[]".to_owned(),
        Type::ByteArray => "System.Byte[]".to_owned(),
        Type::CharArray => "System.Char[]".to_owned(),
        Type::String => "System.String".to_owned(),
        Type::Boolean => "System.Boolean".to_owned(),
        Type::Int32 => "System.Int32".to_owned(),
        Type::Int64 => "System.Int64".to_owned(),
        Type::Double => "System.Double".to_owned(),
        Type::Char => "System.Char".to_owned(),
        Type::Byte => "System.Byte".to_owned(),
        Type::DateTime => "System.DateTime".to_owned(),
        Type::TimeSpan => "System.TimeSpan".to_owned(),
        Type::Guid => "System.Guid".to_owned(),
        Type::JToken | Type::JObject | Type::JArray | Type::JValue | Type::JProperty => {
            format!("Newtonsoft.Json.Linq.{ty}")
        }
        Type::X509Certificate2 => {
            "System.Security.Cryptography.X509Certificates.X509Certificate2".to_owned()
        }
        _ => "System.Object".to_owned(),
    }
}

fn collection<'v>(value: &'v Value<'_>) -> Option<&'v Arc<Collection>> {
    match value {
        Value::Collection(c) => Some(c),
        _ => None,
    }
}

fn out_of_memory() -> Exception {
    Exception::new(
        ExceptionKind::OutOfMemory,
        "Exception of type 'System.OutOfMemoryException' was thrown.",
        Span::default(),
    )
}

fn null_argument(name: &str) -> Exception {
    Exception::new(
        ExceptionKind::ArgumentNull,
        format!("Value cannot be null. (Parameter '{name}')"),
        Span::default(),
    )
}

fn index_out_of_range() -> Exception {
    Exception::new(
        ExceptionKind::ArgumentOutOfRange,
        "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
        Span::default(),
    )
}

fn array_index_out_of_range() -> Exception {
    Exception::new(
        ExceptionKind::IndexOutOfRange,
        "Index was outside the bounds of the array.",
        Span::default(),
    )
}

fn key_not_found(key: &Value<'_>) -> Exception {
    Exception::new(
        ExceptionKind::KeyNotFound,
        format!(
            "The given key '{}' was not present in the dictionary.",
            key.to_display_string()
        ),
        Span::default(),
    )
}

fn duplicate_key(key: &Value<'_>) -> Exception {
    Exception::new(
        ExceptionKind::Argument,
        format!(
            "An item with the same key has already been added. Key: {}",
            key.to_display_string()
        ),
        Span::default(),
    )
}

/// What adding `value` costs against the evaluation budget: one step, plus one per KiB of a
/// string (so a loop cannot pile up gigabytes of text in a list).
fn cost(value: &Value<'_>) -> u64 {
    let size = match value {
        Value::Sequence(items) => items.len(),
        Value::Strings(items) => items.len(),
        Value::Chars(items) => items.len() / 1024,
        Value::ByteArray(bytes) => bytes.len() / 1024,
        other => other.as_str().map_or(0, str::len) / 1024,
    };
    1 + u64::try_from(size).unwrap_or(u64::MAX)
}

fn charge(frame: &mut Frame<'_>, values: &[Value<'_>], span: Span) -> Result<(), Exception> {
    let total = values.iter().map(cost).fold(0u64, u64::saturating_add);
    if total > 0 {
        frame.charge(total, span)?;
    }
    Ok(())
}

fn room(current: usize, adding: usize) -> Result<(), Exception> {
    if current.saturating_add(adding) > MAX_COLLECTION_ITEMS {
        return Err(out_of_memory());
    }
    Ok(())
}

/// The elements of any enumerable value (a snapshot), at most [`MAX_COLLECTION_ITEMS`].
fn elements<'a>(source: &Value<'a>, span: Span) -> Result<Vec<Value<'a>>, Exception> {
    if let Value::Collection(c) = source {
        let items = c.lock();
        if let Type::Dictionary(_) = c.ty {
            return Ok(items
                .keys
                .iter()
                .zip(&items.values)
                .map(|(k, v)| pair(k.clone(), v.clone()))
                .collect());
        }
        return Ok(items.keys.clone());
    }
    let mut out = Vec::new();
    while let Some(item) = sequence_item(source, out.len(), span)? {
        room(out.len(), 1)?;
        out.push(item);
    }
    Ok(out)
}

/// `value` without borrows, as a collection stores it: objects of the request context
/// (certificates, headers, ...) cannot be stored in a collection here.
fn stored(value: &Value<'_>) -> Result<Value<'static>, Exception> {
    if pair_depth(value, MAX_PAIR_DEPTH) > MAX_PAIR_DEPTH {
        return Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "Key/value pairs nested this deeply cannot be stored in a collection in policy expressions.",
            Span::default(),
        ));
    }
    value.to_static().ok_or_else(|| {
        Exception::new(
            ExceptionKind::InvalidOperation,
            format!(
                "A '{}' of the request context cannot be stored in a collection in policy expressions.",
                crate::expr::convert::runtime_type_name(value)
            ),
            Span::default(),
        )
    })
}

/// How deeply `KeyValuePair`s may nest inside each other in stored values (they are copied and
/// dropped recursively, so their depth must stay small).
const MAX_PAIR_DEPTH: usize = 32;

/// How deeply `value` nests `KeyValuePair`s, counting no further than `limit + 1`.
fn pair_depth(value: &Value<'_>, limit: usize) -> usize {
    let Value::KeyValuePair(pair) = value else {
        return 0;
    };
    match limit.checked_sub(1) {
        None => 1,
        Some(rest) => 1 + pair_depth(&pair.0, rest).max(pair_depth(&pair.1, rest)),
    }
}

/// Whether elements of a collection of type `ty` can hold other collections.
fn may_nest(ty: Type) -> bool {
    let nests = |t: Type| {
        matches!(
            t,
            Type::Object
                | Type::Array(_)
                | Type::List(_)
                | Type::HashSet(_)
                | Type::Dictionary(_)
                | Type::KeyValuePair(_)
                | Type::Sequence(_)
        )
    };
    match ty {
        Type::Dictionary((k, v)) => nests(*k) || nests(*v),
        other => nests(element_of(other)),
    }
}

/// Whether `target` is reachable from `value` through nested collections (storing `value` in
/// `target` would make a reference cycle, which `Arc` could never free).
/// `visits` counts the collections opened, for the caller to charge to the budget.
fn reaches(value: &Value<'_>, target: &Collection, visits: &mut u64) -> bool {
    // Only a collection stored somewhere can be found inside another collection's elements;
    // otherwise only the sequences and pairs around `value` need a look.
    let descend = target.contained.load(Atomic::Relaxed);
    let mut seen: HashSet<*const Collection> = HashSet::new();
    let mut stack: Vec<Value<'static>> = Vec::new();
    let mut visit = |v: &Value<'_>, stack: &mut Vec<Value<'static>>| -> bool {
        match v {
            Value::Collection(x) => {
                if std::ptr::eq(Arc::as_ptr(x), target) {
                    return true;
                }
                if descend && may_nest(x.ty) && seen.insert(Arc::as_ptr(x)) {
                    *visits = visits.saturating_add(1);
                    let items = x.lock();
                    stack.extend(
                        items
                            .keys
                            .iter()
                            .chain(&items.values)
                            .filter(|i| {
                                matches!(
                                    i,
                                    Value::Collection(_)
                                        | Value::KeyValuePair(_)
                                        | Value::Sequence(_)
                                )
                            })
                            .cloned(),
                    );
                }
                false
            }
            Value::KeyValuePair(pair) => {
                stack.extend(pair.0.to_static());
                stack.extend(pair.1.to_static());
                false
            }
            Value::Sequence(items) => {
                stack.extend(
                    items
                        .iter()
                        .filter(|i| {
                            matches!(
                                i,
                                Value::Collection(_) | Value::KeyValuePair(_) | Value::Sequence(_)
                            )
                        })
                        .filter_map(Value::to_static),
                );
                false
            }
            _ => false,
        }
    };
    if visit(value, &mut stack) {
        return true;
    }
    while let Some(v) = stack.pop() {
        if visit(&v, &mut stack) {
            return true;
        }
    }
    false
}

/// `value` as collection `c` stores it: without borrows, and never `c` itself (directly or
/// nested), which would be a reference cycle.
fn stored_in(
    c: &Collection,
    value: &Value<'_>,
    visits: &mut u64,
) -> Result<Value<'static>, Exception> {
    if !may_nest(c.ty) {
        return stored(value);
    }
    if reaches(value, c, visits) {
        return Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "A collection cannot contain itself in policy expressions.",
            Span::default(),
        ));
    }
    mark_contained(value);
    stored(value)
}

/// Marks the collections `value` holds directly (or through sequences and pairs) as stored.
fn mark_contained(value: &Value<'_>) {
    let mut stack: Vec<Value<'_>> = vec![value.clone()];
    while let Some(v) = stack.pop() {
        match v {
            Value::Collection(x) => x.contained.store(true, Atomic::Relaxed),
            Value::KeyValuePair(pair) => {
                stack.push(pair.0.clone());
                stack.push(pair.1.clone());
            }
            Value::Sequence(items) => stack.extend(items.iter().cloned()),
            _ => {}
        }
    }
}

/// Adds `key` (and `value`, for dictionaries) to `c`: `Add` semantics (`overwrite` false: a
/// set ignores a duplicate and reports `false`, a dictionary throws) or indexer semantics.
fn insert<'a>(
    c: &Collection,
    key: Value<'a>,
    value: Option<Value<'a>>,
    overwrite: bool,
    visits: &mut u64,
) -> Result<bool, Exception> {
    let is_dictionary = matches!(c.ty, Type::Dictionary(_));
    if is_dictionary && key.is_null() {
        return Err(null_argument("key"));
    }
    let key = stored_in(c, &key, visits)?;
    let value = if is_dictionary {
        Some(stored_in(c, &value.unwrap_or(Value::Null), visits)?)
    } else {
        None
    };
    let mut items = c.lock();
    if items.keyed
        && let Some(at) = items.find(&key)
    {
        if !is_dictionary {
            return Ok(false);
        }
        if !overwrite {
            return Err(duplicate_key(&key));
        }
        if let Some(slot) = items.values.get_mut(at) {
            *slot = value.unwrap_or(Value::Null);
        }
        return Ok(true);
    }
    room(items.keys.len(), 1)?;
    items.push(key, value);
    Ok(true)
}

/// A new collection of type `ty` holding `items` (pairs for dictionaries, `Add` semantics).
fn build<'a>(
    ty: Type,
    ignore_case: bool,
    items: Vec<Value<'a>>,
    overwrite: bool,
) -> Result<Value<'a>, Exception> {
    room(0, items.len())?;
    if let Type::StringArray | Type::ByteArray | Type::CharArray = ty {
        return Ok(special_array(ty, items));
    }
    let c = Collection::new(ty, ignore_case);
    if let Type::Dictionary(_) = ty {
        let mut items = items.into_iter();
        while let Some(key) = items.next() {
            let value = items.next().unwrap_or(Value::Null);
            insert(&c, key, Some(value), overwrite, &mut 0)?;
        }
    } else if let Type::HashSet(_) = ty {
        for item in items {
            insert(&c, item, None, false, &mut 0)?;
        }
    } else {
        for item in &items {
            mark_contained(item);
        }
        c.lock().keys = items.iter().map(stored).collect::<Result<_, _>>()?;
    }
    Ok(Value::Collection(Arc::new(c)))
}

/// `string[]`, `byte[]` and `char[]` keep the representations the string library reads.
fn special_array<'a>(ty: Type, items: Vec<Value<'a>>) -> Value<'a> {
    match ty {
        Type::ByteArray => Value::ByteArray(
            items
                .iter()
                .map(|v| match v {
                    Value::Byte(b) => *b,
                    Value::Int(i) => u8::try_from(*i).unwrap_or(0),
                    _ => 0,
                })
                .collect(),
        ),
        Type::CharArray => Value::Chars(
            items
                .iter()
                .map(|v| match v {
                    Value::Char(c) => *c,
                    _ => '\0',
                })
                .collect(),
        ),
        _ => Value::Strings(items.iter().map(|v| v.as_str().map(Arc::from)).collect()),
    }
}

/// Splits constructor arguments off initialiser items: the first argument is the
/// constructor's (`Value::Bool(false)` when there is none): a capacity, a comparer or a
/// collection to copy.
fn constructor_arguments<'a>(
    args: &[Value<'a>],
    ty: Type,
    span: Span,
) -> Result<(bool, Vec<Value<'a>>), Exception> {
    let (first, rest) = args.split_first().unwrap_or((&Value::Null, &[]));
    let mut ignore_case = false;
    let mut items = Vec::new();
    match first {
        Value::Bool(false) => {}
        Value::Int(n) if *n < 0 => {
            return Err(Exception::new(
                ExceptionKind::ArgumentOutOfRange,
                "Non-negative number required. (Parameter 'capacity')",
                span,
            ));
        }
        Value::Int(_) => {}
        Value::StringComparer(i) => ignore_case = *i,
        Value::Null => {
            let name = if let Type::Dictionary(_) = ty {
                "dictionary"
            } else {
                "collection"
            };
            return Err(null_argument(name));
        }
        source => {
            for item in elements(source, span)? {
                match (ty, item) {
                    (Type::Dictionary(_), Value::KeyValuePair(pair)) => {
                        items.push(pair.0.clone());
                        items.push(pair.1.clone());
                    }
                    (_, item) => items.push(item),
                }
            }
        }
    }
    items.extend(rest.iter().cloned());
    Ok((ignore_case, items))
}

/// `new T(...) { a, b }` / `new Dictionary<K, V> { { k, v } }`: see [`constructor_arguments`].
pub(crate) fn create_add<'a>(
    _: Option<&Value<'a>>,
    args: &[Value<'a>],
    ty: Type,
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let (ignore_case, items) = constructor_arguments(args, ty, span)?;
    charge(frame, &items, span)?;
    build(ty, ignore_case, items, false)
}

/// `new Dictionary<K, V> { [k] = v }`: later entries overwrite earlier ones.
pub(crate) fn create_set<'a>(
    _: Option<&Value<'a>>,
    args: &[Value<'a>],
    ty: Type,
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let (ignore_case, items) = constructor_arguments(args, ty, span)?;
    charge(frame, &items, span)?;
    build(ty, ignore_case, items, true)
}

/// `new KeyValuePair<K, V>(key, value)`.
pub(crate) fn create_pair<'a>(
    _: Option<&Value<'a>>,
    args: &[Value<'a>],
    _: Type,
    _: &mut Frame<'a>,
    _: Span,
) -> Result<Value<'a>, Exception> {
    let [key, value] = args else {
        return Ok(Value::Null);
    };
    Ok(pair(key.clone(), value.clone()))
}

/// `new T[n]`: `n` default values of the element type.
pub(crate) fn create_sized<'a>(
    _: Option<&Value<'a>>,
    args: &[Value<'a>],
    ty: Type,
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let n = match args.first() {
        Some(Value::Int(n)) => i64::from(*n),
        Some(Value::Long(n)) => *n,
        _ => 0,
    };
    let Ok(n) = usize::try_from(n) else {
        return Err(Exception::new(
            ExceptionKind::Overflow,
            "Arithmetic operation resulted in an overflow.",
            span,
        ));
    };
    room(0, n)?;
    frame.charge(u64::try_from(n).unwrap_or(u64::MAX).max(1), span)?;
    let element = element_of(ty);
    let default = crate::expr::convert::default_of(element);
    build(ty, false, vec![default; n], false)
}

/// The element type of a collection or array type.
fn element_of(ty: Type) -> Type {
    match ty {
        Type::Array(t) | Type::List(t) | Type::HashSet(t) | Type::Sequence(t) => *t,
        Type::StringArray => Type::String,
        Type::ByteArray => Type::Byte,
        Type::CharArray => Type::Char,
        Type::Dictionary(pair) => Type::KeyValuePair(pair),
        _ => Type::Object,
    }
}

/// `ToList()`, `ToArray()`, `ToHashSet()`, `ToDictionary(key[, value])` into `ty`: `select`
/// evaluates the key (`true`) or value (`false`) selector on an element (the element itself
/// without one); `charge` charges the copied elements to the budget.
pub(crate) fn collect<'a>(
    source: &Value<'a>,
    ty: Type,
    select: &mut dyn FnMut(bool, Value<'a>) -> Result<Value<'a>, Exception>,
    charge: &mut dyn FnMut(u64) -> Result<(), Exception>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    if source.is_null() {
        return Err(null_argument("source"));
    }
    let items = elements(source, span)?;
    charge(items.iter().map(cost).fold(0u64, u64::saturating_add))?;
    if let Type::Dictionary(_) = ty {
        let mut pairs = Vec::with_capacity(items.len().saturating_mul(2));
        for item in items {
            let key = select(true, item.clone())?;
            let value = select(false, item)?;
            if key.is_null() {
                return Err(null_argument("key"));
            }
            pairs.push(key);
            pairs.push(value);
        }
        return build(ty, false, pairs, false);
    }
    build(ty, false, items, false)
}

/// `token.ToObject<List<T>>()` (and arrays, sets, `Dictionary<string, V>`): a JSON array's
/// items (or an object's properties) converted to the element type; `None` when the token's
/// shape does not fit the type.
pub(crate) fn from_json(
    token: &serde_json::Value,
    ty: Type,
) -> Option<Result<Value<'static>, Exception>> {
    let convert = |t: &serde_json::Value, to: Type| super::json_convert(t, to);
    let built = match (ty, token) {
        (Type::Dictionary((Type::String, v)), serde_json::Value::Object(map)) => {
            let mut pairs = Vec::with_capacity(map.len().saturating_mul(2));
            for (key, value) in map {
                pairs.push(Value::String(Arc::from(key.as_str())));
                match convert(value, *v) {
                    Ok(value) => pairs.push(value),
                    Err(e) => return Some(Err(e)),
                }
            }
            build(ty, false, pairs, true)
        }
        (Type::Dictionary(_), _) => return None,
        (_, serde_json::Value::Array(items)) => {
            let element = element_of(ty);
            let mut values = Vec::with_capacity(items.len());
            for item in items {
                match convert(item, element) {
                    Ok(value) => values.push(value),
                    Err(e) => return Some(Err(e)),
                }
            }
            build(ty, false, values, false)
        }
        _ => return None,
    };
    Some(built)
}

/// How deeply nested collections become nested JSON (deeper ones become their type name).
const MAX_JSON_DEPTH: usize = 64;

/// Newtonsoft's token for a collection, sequence or pair (`JToken.FromObject`, `new
/// JProperty(name, list)`): lists, arrays, sets and sequences as arrays, dictionaries as
/// objects keyed by their keys' text, pairs as `{"Key": k, "Value": v}`; `None` for other values.
pub(crate) fn json_of(value: &Value<'_>) -> Option<serde_json::Value> {
    json_at(value, 0)
}

fn json_at(value: &Value<'_>, depth: usize) -> Option<serde_json::Value> {
    let nested = |v: &Value<'_>| json_at(v, depth + 1).unwrap_or_else(|| super::json::to_json(v));
    if !matches!(
        value,
        Value::Collection(_) | Value::Sequence(_) | Value::KeyValuePair(_)
    ) {
        return None;
    }
    if depth >= MAX_JSON_DEPTH {
        return Some(serde_json::Value::String(value.to_display_string()));
    }
    Some(match value {
        Value::KeyValuePair(pair) => {
            let mut map = serde_json::Map::new();
            map.insert("Key".to_owned(), nested(&pair.0));
            map.insert("Value".to_owned(), nested(&pair.1));
            serde_json::Value::Object(map)
        }
        Value::Collection(c) if matches!(c.ty, Type::Dictionary(_)) => {
            let (keys, values) = {
                let items = c.lock();
                (items.keys.clone(), items.values.clone())
            };
            let mut map = serde_json::Map::new();
            for (key, value) in keys.iter().zip(&values) {
                map.insert(key.to_display_string(), nested(value));
            }
            serde_json::Value::Object(map)
        }
        _ => serde_json::Value::Array(
            multi_content(value)
                .unwrap_or_default()
                .iter()
                .map(nested)
                .collect(),
        ),
    })
}

/// The items a `JArray` adds for one content argument that is a collection or sequence
/// (Newtonsoft's "multi content"), or `None` for a single value.
pub(crate) fn multi_content(value: &Value<'_>) -> Option<Vec<Value<'static>>> {
    match value {
        Value::Collection(c) => {
            Some(elements(&Value::Collection(Arc::clone(c)), Span::default()).ok()?)
        }
        Value::Sequence(items) => Some(
            items
                .iter()
                .map(|v| {
                    v.to_static()
                        .unwrap_or_else(|| Value::String(v.to_display_string().into()))
                })
                .collect(),
        ),
        _ => None,
    }
}

/// `Select((x, i) => ...)` and `Where((x, i) => ...)`.
pub(crate) fn indexed<'a>(
    select: bool,
    source: &Value<'a>,
    call: &mut dyn FnMut(Value<'a>, i32) -> Result<Value<'a>, Exception>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    if source.is_null() {
        return Err(null_argument("source"));
    }
    let mut out = Vec::new();
    let mut position = 0usize;
    while let Some(item) = sequence_item(source, position, span)? {
        let index = i32::try_from(position).map_err(|_| out_of_memory())?;
        position += 1;
        let result = call(item.clone(), index)?;
        if select {
            out.push(result);
        } else if matches!(result, Value::Bool(true)) {
            out.push(item);
        }
    }
    Ok(Value::Sequence(Arc::from(out)))
}

fn count_member<'a>(
    target: &Value<'a>,
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let n = collection(target).map_or(0, |c| c.len());
    Ok(Value::Int(i32::try_from(n).unwrap_or(i32::MAX)))
}

fn key_member<'a>(
    target: &Value<'a>,
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    match target {
        Value::KeyValuePair(pair) => Ok(pair.0.clone()),
        _ => Ok(Value::Null),
    }
}

fn value_member<'a>(
    target: &Value<'a>,
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    match target {
        Value::KeyValuePair(pair) => Ok(pair.1.clone()),
        _ => Ok(Value::Null),
    }
}

fn keys_member<'a>(
    target: &Value<'a>,
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let keys = collection(target)
        .map(|c| c.lock().keys.clone())
        .unwrap_or_default();
    Ok(Value::Sequence(Arc::from(keys)))
}

fn values_member<'a>(
    target: &Value<'a>,
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let values = collection(target)
        .map(|c| c.lock().values.clone())
        .unwrap_or_default();
    Ok(Value::Sequence(Arc::from(values)))
}

/// The instance property `name` of a collection type, with its type.
pub(crate) fn member(owner: Type, name: &str) -> Option<(MemberFn, Type)> {
    Some(match (owner, name) {
        (Type::List(_) | Type::HashSet(_) | Type::Dictionary(_), "Count")
        | (Type::Array(_), "Length") => (count_member, Type::Int32),
        (Type::KeyValuePair((k, _)), "Key") => (key_member, *k),
        (Type::KeyValuePair((_, v)), "Value") => (value_member, *v),
        (Type::Dictionary((k, _)), "Keys") => (keys_member, Type::Sequence(intern(*k)?)),
        (Type::Dictionary((_, v)), "Values") => (values_member, Type::Sequence(intern(*v)?)),
        _ => return None,
    })
}

fn position(index: &Value<'_>, len: usize, array: bool) -> Result<usize, Exception> {
    let i = match index {
        Value::Int(i) => i64::from(*i),
        Value::Long(i) => *i,
        _ => -1,
    };
    usize::try_from(i).ok().filter(|i| *i < len).ok_or_else(|| {
        if array {
            array_index_out_of_range()
        } else {
            index_out_of_range()
        }
    })
}

fn get_index<'a>(target: &Value<'a>, index: &Value<'a>) -> Result<Value<'a>, Exception> {
    let Some(c) = collection(target) else {
        return Ok(Value::Null);
    };
    let items = c.lock();
    if let Type::Dictionary(_) = c.ty {
        if index.is_null() {
            return Err(null_argument("key"));
        }
        return match items.find(index) {
            Some(at) => Ok(items.values.get(at).cloned().unwrap_or(Value::Null)),
            None => Err(key_not_found(index)),
        };
    }
    let at = position(index, items.keys.len(), matches!(c.ty, Type::Array(_)))?;
    Ok(items.keys.get(at).cloned().unwrap_or(Value::Null))
}

/// The indexer of a collection type: index type, element type and getter.
pub(crate) fn indexer(owner: Type) -> Option<(Type, Type, IndexerFn)> {
    Some(match owner {
        Type::List(t) | Type::Array(t) => (Type::Int32, *t, get_index),
        Type::Dictionary((k, v)) => (*k, *v, get_index),
        _ => return None,
    })
}

fn set_index<'a>(
    target: Option<&Value<'a>>,
    args: &[Value<'a>],
    _: Type,
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let (Some(Value::Collection(c)), [index, value]) = (target, args) else {
        return Ok(Value::Null);
    };
    charge(frame, std::slice::from_ref(value), span)?;
    let mut visits = 0;
    if let Type::Dictionary(_) = c.ty {
        insert(c, index.clone(), Some(value.clone()), true, &mut visits)?;
        return frame.charge(visits, span).map(|()| Value::Null);
    }
    let value = stored_in(c, value, &mut visits)?;
    frame.charge(visits, span)?;
    let mut items = c.lock();
    let at = position(index, items.keys.len(), matches!(c.ty, Type::Array(_)))?;
    if let Some(slot) = items.keys.get_mut(at) {
        *slot = value;
    }
    items.version = items.version.wrapping_add(1);
    Ok(Value::Null)
}

/// `target[index] = value` on a collection type: index type, element type and setter.
pub(crate) fn setter(owner: Type) -> Option<(Type, Type, GrowFn)> {
    indexer(owner).map(|(index, element, _)| (index, element, set_index as GrowFn))
}

/// How a collection method is called.
#[derive(Clone, Copy)]
pub(crate) enum CollectionCall {
    /// A method that adds nothing.
    Plain(MethodFn),
    /// A method that may add elements (charged to the budget).
    Grow(GrowFn),
}

/// One overload of a collection method, its types substituted.
pub(crate) struct CollectionMethod {
    pub params: Vec<Type>,
    pub result: Type,
    pub call: CollectionCall,
}

fn add<'a>(
    target: Option<&Value<'a>>,
    args: &[Value<'a>],
    _: Type,
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let Some(Value::Collection(c)) = target else {
        return Ok(Value::Null);
    };
    charge(frame, args, span)?;
    let mut visits = 0;
    let result = match (c.ty, args) {
        (Type::Dictionary(_), [key, value]) => {
            insert(c, key.clone(), Some(value.clone()), false, &mut visits)?;
            Ok(Value::Null)
        }
        (Type::HashSet(_), [item]) => Ok(Value::Bool(insert(
            c,
            item.clone(),
            None,
            false,
            &mut visits,
        )?)),
        (_, [item]) => {
            let item = stored_in(c, item, &mut visits)?;
            let mut items = c.lock();
            room(items.keys.len(), 1)?;
            items.keys.push(item);
            items.version = items.version.wrapping_add(1);
            Ok(Value::Null)
        }
        _ => Ok(Value::Null),
    };
    frame.charge(visits, span)?;
    result
}

/// `Dictionary.TryAdd(key, value)`: adds unless the key is present.
fn try_add<'a>(
    target: Option<&Value<'a>>,
    args: &[Value<'a>],
    _: Type,
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let (Some(Value::Collection(c)), [key, value]) = (target, args) else {
        return Ok(Value::Bool(false));
    };
    if key.is_null() {
        return Err(null_argument("key"));
    }
    if c.lock().find(key).is_some() {
        return Ok(Value::Bool(false));
    }
    charge(frame, args, span)?;
    let mut visits = 0;
    insert(c, key.clone(), Some(value.clone()), false, &mut visits)?;
    frame.charge(visits, span)?;
    Ok(Value::Bool(true))
}

fn add_range<'a>(
    target: Option<&Value<'a>>,
    args: &[Value<'a>],
    _: Type,
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let (Some(Value::Collection(c)), [source]) = (target, args) else {
        return Ok(Value::Null);
    };
    if source.is_null() {
        return Err(null_argument("collection"));
    }
    let added = elements(source, span)?;
    charge(frame, &added, span)?;
    let mut visits = 0;
    if let Type::HashSet(_) = c.ty {
        for item in added {
            insert(c, item, None, false, &mut visits)?;
        }
        return frame.charge(visits, span).map(|()| Value::Null);
    }
    let added = added
        .iter()
        .map(|item| stored_in(c, item, &mut visits))
        .collect::<Result<Vec<_>, _>>()?;
    frame.charge(visits, span)?;
    let mut items = c.lock();
    room(items.keys.len(), added.len())?;
    items.keys.extend(added);
    items.version = items.version.wrapping_add(1);
    Ok(Value::Null)
}

fn insert_at<'a>(
    target: Option<&Value<'a>>,
    args: &[Value<'a>],
    _: Type,
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let (Some(Value::Collection(c)), [index, item]) = (target, args) else {
        return Ok(Value::Null);
    };
    charge(frame, std::slice::from_ref(item), span)?;
    let mut visits = 0;
    let item = stored_in(c, item, &mut visits)?;
    frame.charge(visits, span)?;
    let mut items = c.lock();
    let len = items.keys.len();
    let at = match index {
        Value::Int(i) => usize::try_from(*i).ok().filter(|i| *i <= len),
        _ => None,
    }
    .ok_or_else(|| {
        Exception::new(
            ExceptionKind::ArgumentOutOfRange,
            "Index must be within the bounds of the List. (Parameter 'index')",
            span,
        )
    })?;
    room(len, 1)?;
    items.keys.insert(at, item);
    items.version = items.version.wrapping_add(1);
    Ok(Value::Null)
}

fn to_array<'a>(
    target: Option<&Value<'a>>,
    _: &[Value<'a>],
    ty: Type,
    frame: &mut Frame<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    let Some(Value::Collection(c)) = target else {
        return Ok(Value::Null);
    };
    let items = c.lock().keys.clone();
    charge(frame, &items, span)?;
    build(ty, false, items, false)
}

fn contains<'a>(
    target: &Value<'a>,
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let (Some(c), [item]) = (collection(target), args) else {
        return Ok(Value::Bool(false));
    };
    if let Type::Dictionary(_) = c.ty
        && item.is_null()
    {
        return Err(null_argument("key"));
    }
    Ok(Value::Bool(c.lock().find(item).is_some()))
}

fn contains_value<'a>(
    target: &Value<'a>,
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let (Some(c), [item]) = (collection(target), args) else {
        return Ok(Value::Bool(false));
    };
    let items = c.lock();
    Ok(Value::Bool(
        items.values.iter().any(|v| equal(v, item, false)),
    ))
}

fn index_of<'a>(
    target: &Value<'a>,
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let (Some(c), [item]) = (collection(target), args) else {
        return Ok(Value::Int(-1));
    };
    let found = c.lock().find(item);
    Ok(Value::Int(
        found.map_or(-1, |i| i32::try_from(i).unwrap_or(i32::MAX)),
    ))
}

fn remove<'a>(
    target: &Value<'a>,
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let (Some(c), [item]) = (collection(target), args) else {
        return Ok(Value::Bool(false));
    };
    if let Type::Dictionary(_) = c.ty
        && item.is_null()
    {
        return Err(null_argument("key"));
    }
    let mut items = c.lock();
    match items.find(item) {
        Some(at) => {
            items.remove_at(at);
            if !matches!(c.ty, Type::Dictionary(_)) {
                items.version = items.version.wrapping_add(1);
            }
            Ok(Value::Bool(true))
        }
        None => Ok(Value::Bool(false)),
    }
}

fn remove_at<'a>(
    target: &Value<'a>,
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let (Some(c), [index]) = (collection(target), args) else {
        return Ok(Value::Null);
    };
    let mut items = c.lock();
    let at = position(index, items.keys.len(), false)?;
    items.remove_at(at);
    items.version = items.version.wrapping_add(1);
    Ok(Value::Null)
}

fn clear<'a>(
    target: &Value<'a>,
    _: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    if let Some(c) = collection(target) {
        c.lock().clear();
    }
    Ok(Value::Null)
}

fn sort<'a>(
    target: &Value<'a>,
    _: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let Some(c) = collection(target) else {
        return Ok(Value::Null);
    };
    let kind = comparison(element_of(c.ty));
    let mut items = c.lock();
    items.version = items.version.wrapping_add(1);
    items.keys.sort_by(|a, b| {
        if compare_values(CompareOp::Less, kind, a, b) {
            std::cmp::Ordering::Less
        } else if compare_values(CompareOp::Greater, kind, a, b) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    Ok(Value::Null)
}

fn reverse<'a>(
    target: &Value<'a>,
    _: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    if let Some(c) = collection(target) {
        let mut items = c.lock();
        items.keys.reverse();
        items.version = items.version.wrapping_add(1);
    }
    Ok(Value::Null)
}

fn lookup<'a>(target: &Value<'a>, key: &Value<'a>) -> Result<Option<Value<'a>>, Exception> {
    let Some(c) = collection(target) else {
        return Ok(None);
    };
    if key.is_null() {
        return Err(null_argument("key"));
    }
    let items = c.lock();
    Ok(items
        .find(key)
        .map(|at| items.values.get(at).cloned().unwrap_or(Value::Null)))
}

fn value_default(target: &Value<'_>) -> Value<'static> {
    match collection(target).map(|c| c.ty) {
        Some(Type::Dictionary((_, v))) => crate::expr::convert::default_of(*v),
        _ => Value::Null,
    }
}

fn get_value_or_default<'a>(
    target: &Value<'a>,
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let (key, fallback) = match args {
        [key] => (key, value_default(target)),
        [key, fallback] => (key, fallback.clone()),
        _ => return Ok(Value::Null),
    };
    Ok(lookup(target, key)?.unwrap_or(fallback))
}

fn try_get_value<'a>(
    target: &Value<'a>,
    args: &[Value<'a>],
) -> Result<(Value<'a>, Value<'a>), Exception> {
    let Some(key) = args.first() else {
        return Ok((Value::Bool(false), Value::Null));
    };
    Ok(match lookup(target, key)? {
        Some(v) => (Value::Bool(true), v),
        None => (Value::Bool(false), value_default(target)),
    })
}

fn to_string<'a>(
    target: &Value<'a>,
    _: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    Ok(Value::String(target.to_display_string().into()))
}

/// The overloads of collection method `name` on `owner`.
pub(crate) fn methods(owner: Type, name: &str) -> Vec<CollectionMethod> {
    use CollectionCall::{Grow, Plain};
    let one = |params: &[Type], result: Type, call: CollectionCall| {
        vec![CollectionMethod {
            params: params.to_vec(),
            result,
            call,
        }]
    };
    match (owner, name) {
        (
            Type::List(_)
            | Type::Array(_)
            | Type::HashSet(_)
            | Type::Dictionary(_)
            | Type::KeyValuePair(_)
            | Type::StringArray
            | Type::ByteArray
            | Type::CharArray,
            "ToString",
        ) => one(&[], Type::String, Plain(to_string)),
        (Type::List(t), "Add") => one(&[*t], Type::Void, Grow(add)),
        (Type::List(t), "AddRange") => match intern(*t) {
            Some(e) => one(&[Type::Sequence(e)], Type::Void, Grow(add_range)),
            None => Vec::new(),
        },
        (Type::List(t), "Insert") => one(&[Type::Int32, *t], Type::Void, Grow(insert_at)),
        (Type::List(t) | Type::HashSet(t), "Contains") => {
            one(&[*t], Type::Boolean, Plain(contains))
        }
        (Type::List(t) | Type::HashSet(t), "Remove") => one(&[*t], Type::Boolean, Plain(remove)),
        (Type::List(t), "IndexOf") => one(&[*t], Type::Int32, Plain(index_of)),
        (Type::List(_), "RemoveAt") => one(&[Type::Int32], Type::Void, Plain(remove_at)),
        (Type::List(_) | Type::HashSet(_) | Type::Dictionary(_), "Clear") => {
            one(&[], Type::Void, Plain(clear))
        }
        (Type::List(_), "Sort") => one(&[], Type::Void, Plain(sort)),
        (Type::List(_), "Reverse") => one(&[], Type::Void, Plain(reverse)),
        (Type::List(t), "ToArray") => match array_of(*t) {
            Some(array) => one(&[], array, Grow(to_array)),
            None => Vec::new(),
        },
        (Type::HashSet(t), "Add") => one(&[*t], Type::Boolean, Grow(add)),
        (Type::HashSet(t), "UnionWith") => match intern(*t) {
            Some(e) => one(&[Type::Sequence(e)], Type::Void, Grow(add_range)),
            None => Vec::new(),
        },
        (Type::Dictionary((k, v)), "Add") => one(&[*k, *v], Type::Void, Grow(add)),
        (Type::Dictionary((k, v)), "TryAdd") => one(&[*k, *v], Type::Boolean, Grow(try_add)),
        (Type::Dictionary((k, _)), "ContainsKey") => one(&[*k], Type::Boolean, Plain(contains)),
        (Type::Dictionary((_, v)), "ContainsValue") => {
            one(&[*v], Type::Boolean, Plain(contains_value))
        }
        (Type::Dictionary((k, _)), "Remove") => one(&[*k], Type::Boolean, Plain(remove)),
        (Type::Dictionary((k, v)), "GetValueOrDefault") => vec![
            CollectionMethod {
                params: vec![*k],
                result: *v,
                call: Plain(get_value_or_default),
            },
            CollectionMethod {
                params: vec![*k, *v],
                result: *v,
                call: Plain(get_value_or_default),
            },
        ],
        _ => Vec::new(),
    }
}

/// The instance method `name` of `owner` with a trailing `out` parameter: the other
/// parameters, the `out` type, the result and the call.
pub(crate) fn out_method(
    owner: Type,
    name: &str,
) -> Option<(Vec<Type>, Type, Type, InstanceOutFn)> {
    match (owner, name) {
        (Type::Dictionary((k, v)), "TryGetValue") => {
            Some((vec![*k], *v, Type::Boolean, try_get_value))
        }
        (Type::JObject, "TryGetValue") => Some((
            vec![Type::String],
            Type::JToken,
            Type::Boolean,
            super::json::try_get_value,
        )),
        _ => None,
    }
}

/// The enumeration version of a list, set or dictionary (`None` for other values, arrays
/// included: they cannot change size).
pub(crate) fn version(value: &Value<'_>) -> Option<u64> {
    match value {
        Value::Collection(c) if !matches!(c.ty, Type::Array(_)) => Some(c.lock().version),
        _ => None,
    }
}

/// The exception `foreach` throws when its collection changed under it.
pub(crate) fn modified(span: Span) -> Exception {
    Exception::new(
        ExceptionKind::InvalidOperation,
        "Collection was modified; enumeration operation may not execute.",
        span,
    )
}

/// `StringComparer.Ordinal`, `.OrdinalIgnoreCase`, ... (culture-aware comparers compare
/// ordinally here).
pub(crate) const STATICS: &[super::StaticDef] = &[
    super::StaticDef {
        name: "Ordinal",
        owner: crate::expr::types::StaticType::StringComparer,
        ty: Type::StringComparer,
        get: |_| Ok(Value::StringComparer(false)),
    },
    super::StaticDef {
        name: "OrdinalIgnoreCase",
        owner: crate::expr::types::StaticType::StringComparer,
        ty: Type::StringComparer,
        get: |_| Ok(Value::StringComparer(true)),
    },
    super::StaticDef {
        name: "InvariantCultureIgnoreCase",
        owner: crate::expr::types::StaticType::StringComparer,
        ty: Type::StringComparer,
        get: |_| Ok(Value::StringComparer(true)),
    },
    super::StaticDef {
        name: "CurrentCultureIgnoreCase",
        owner: crate::expr::types::StaticType::StringComparer,
        ty: Type::StringComparer,
        get: |_| Ok(Value::StringComparer(true)),
    },
    super::StaticDef {
        name: "InvariantCulture",
        owner: crate::expr::types::StaticType::StringComparer,
        ty: Type::StringComparer,
        get: |_| Ok(Value::StringComparer(false)),
    },
    super::StaticDef {
        name: "CurrentCulture",
        owner: crate::expr::types::StaticType::StringComparer,
        ty: Type::StringComparer,
        get: |_| Ok(Value::StringComparer(false)),
    },
];

/// Whether `value` is an instance of collection type `ty` (`x is List<string>`).
pub(crate) fn is_instance(value: &Value<'_>, ty: Type) -> bool {
    match value {
        Value::Collection(c) => {
            c.ty == ty || matches!(ty, Type::Sequence(e) if *e == element_of(c.ty))
        }
        Value::StringComparer(_) => ty == Type::StringComparer,
        _ => false,
    }
}

/// The elements seen so far, compared as `EqualityComparer<T>.Default` does (hashed when
/// the value has a value-equality key, by reference otherwise): LINQ's set operators.
pub(crate) struct Seen<'a> {
    keys: HashSet<Key>,
    others: Vec<Value<'a>>,
}

impl<'a> Seen<'a> {
    /// An empty set.
    pub(crate) fn new() -> Self {
        Self {
            keys: HashSet::new(),
            others: Vec::new(),
        }
    }

    /// Whether `value` was already seen.
    pub(crate) fn contains(&self, value: &Value<'a>) -> bool {
        match key_of(value, false) {
            Some(key) => self.keys.contains(&key),
            None => self.others.iter().any(|o| equal(o, value, false)),
        }
    }

    /// Adds `value`; `false` when it was already there.
    pub(crate) fn insert(&mut self, value: &Value<'a>) -> bool {
        match key_of(value, false) {
            Some(key) => self.keys.insert(key),
            None if self.contains(value) => false,
            None => {
                self.others.push(value.clone());
                true
            }
        }
    }
}

/// A new `List<T>` (`ty`) holding `items` (`FindAll`, `ConvertAll`).
pub(crate) fn new_list<'a>(ty: Type, items: Vec<Value<'a>>) -> Result<Value<'a>, Exception> {
    build(ty, false, items, false)
}

/// Removes the elements of list `target` whose flag in `remove` is set (`RemoveAll`); the
/// count removed.
pub(crate) fn remove_flagged(target: &Value<'_>, remove: &[bool]) -> usize {
    let Some(c) = collection(target) else {
        return 0;
    };
    let mut items = c.lock();
    let before = items.keys.len();
    let mut flags = remove.iter();
    items
        .keys
        .retain(|_| !flags.next().copied().unwrap_or(false));
    let removed = before.saturating_sub(items.keys.len());
    if removed > 0 {
        items.version = items.version.wrapping_add(1);
    }
    removed
}
