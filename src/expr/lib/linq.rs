//! LINQ (`System.Linq.Enumerable`) over the sequences policies meet: `string[]`, `byte[]`,
//! `JArray`/`JToken`, `context.Deployment.Certificates`, certificate extensions and OIDs, a
//! string's characters, and the results of LINQ itself. Also the dictionary members of
//! `context.Deployment.Certificates` and its `KeyValuePair` items.
//!
//! Counting and searching operators walk the source in place (no allocation, so
//! `Certificates.Any(...)` on the hot path stays allocation-free); operators that produce a
//! sequence materialise it.

use std::cmp::Ordering;
use std::sync::Arc;

use super::MemberDef;
use crate::diagnostic::Span;
use crate::expr::eval::{CompareKind, CompareOp, Exception, ExceptionKind, compare_values};
use crate::expr::types::Type;
use crate::expr::value::Value;

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Count",
        owner: Type::CertificateDictionary,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::CertificateDictionary(items) => {
                Ok(Value::Int(i32::try_from(items.len()).unwrap_or(i32::MAX)))
            }
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Key",
        owner: Type::CertificateEntry,
        ty: Type::String,
        get: |t, _| match t {
            Value::CertificateEntry(entry) => Ok(Value::Str(&entry.id)),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Value",
        owner: Type::CertificateEntry,
        ty: Type::X509Certificate2,
        get: |t, _| match t {
            Value::CertificateEntry(entry) => Ok(Value::Certificate(&entry.certificate)),
            _ => Ok(Value::Null),
        },
    },
];

/// The `IEnumerable<T>` element type of a type, if LINQ can walk it.
pub(crate) fn element_type(ty: Type) -> Option<Type> {
    Some(match ty {
        Type::StringArray => Type::String,
        Type::ByteArray => Type::Byte,
        Type::CertificateDictionary => Type::CertificateEntry,
        Type::OidCollection => Type::Oid,
        Type::X509ExtensionCollection => Type::X509Extension,
        Type::JArray | Type::JToken | Type::JObject => Type::JToken,
        Type::String | Type::CharArray => Type::Char,
        Type::Sequence(element) => *element,
        Type::Array(element) | Type::List(element) | Type::HashSet(element) => *element,
        Type::Dictionary(pair) => Type::KeyValuePair(pair),
        Type::MatchCollection => Type::Match,
        Type::GroupCollection => Type::Group,
        _ => return None,
    })
}

/// `IEnumerable<element>` as a type (`None` once the type interner is full).
pub(crate) fn sequence_of(element: Type) -> Option<Type> {
    crate::expr::types::intern(element).map(Type::Sequence)
}

/// Item `index` of a sequence, or `None` past its end.
pub(crate) fn item_at<'a>(
    collection: &Value<'a>,
    index: usize,
    span: Span,
) -> Result<Option<Value<'a>>, Exception> {
    Ok(match collection {
        Value::Null => {
            return Err(Exception::new(
                ExceptionKind::ArgumentNull,
                "Value cannot be null. (Parameter 'source')",
                span,
            ));
        }
        Value::StringSlice(items) => items.get(index).map(|s| Value::Str(s)),
        Value::Bytes(b) => b.get(index).map(|b| Value::Byte(*b)),
        Value::ByteArray(b) => b.get(index).map(|b| Value::Byte(*b)),
        Value::CertificateDictionary(items) => items.get(index).map(Value::CertificateEntry),
        Value::Oids(items) => items
            .get(index)
            .map(|o| Value::Oid(&o.value, o.friendly_name)),
        Value::Extensions(items) => items.get(index).map(Value::Extension),
        Value::Str(s) => s.chars().nth(index).map(Value::Char),
        Value::String(s) => s.chars().nth(index).map(Value::Char),
        Value::Sequence(items) => items.get(index).cloned(),
        Value::Strings(items) => items.get(index).map(|s| {
            s.as_ref()
                .map_or(Value::Null, |s| Value::String(Arc::clone(s)))
        }),
        Value::Chars(items) => items.get(index).map(|c| Value::Char(*c)),
        Value::Collection(c) => c.item_at(index),
        Value::JsonNode(_) => super::json::item(collection, index, span)?,
        Value::Json(token) => match &**token {
            serde_json::Value::Array(items) => {
                items.get(index).map(|t| Value::Json(Arc::new(t.clone())))
            }
            serde_json::Value::Object(map) => map.iter().nth(index).map(|(k, v)| {
                let mut property = serde_json::Map::new();
                property.insert(k.clone(), v.clone());
                Value::Json(Arc::new(serde_json::Value::Object(property)))
            }),
            _ => {
                return Err(Exception::new(
                    ExceptionKind::InvalidOperation,
                    "Cannot access child value on Newtonsoft.Json.Linq.JValue.",
                    span,
                ));
            }
        },
        _ => None,
    })
}

/// The LINQ operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinqOp {
    Any,
    All,
    Count,
    First,
    FirstOrDefault,
    Last,
    LastOrDefault,
    Single,
    SingleOrDefault,
    Where,
    Select,
    Contains,
    ToArray,
    Distinct,
    Skip,
    Take,
    ElementAt,
    OrderBy,
    OrderByDescending,
    Sum,
    Min,
    Max,
}

/// What a LINQ call takes besides its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinqArg {
    /// Nothing.
    None,
    /// A lambda over the element: a predicate (`bool`), a selector or a key.
    Lambda,
    /// A value (`Contains(x)`, `Skip(n)`).
    Value,
}

/// The operator `name` with `count` arguments, and whether its argument is a lambda.
pub(crate) fn operator(name: &str, count: usize, lambda: bool) -> Option<(LinqOp, LinqArg)> {
    use LinqOp::*;
    let op = match name {
        "Any" => Any,
        "All" => All,
        "Count" => Count,
        "First" => First,
        "FirstOrDefault" => FirstOrDefault,
        "Last" => Last,
        "LastOrDefault" => LastOrDefault,
        "Single" => Single,
        "SingleOrDefault" => SingleOrDefault,
        "Where" => Where,
        "Select" => Select,
        "Contains" => Contains,
        "ToArray" | "ToList" => ToArray,
        "Distinct" => Distinct,
        "Skip" => Skip,
        "Take" => Take,
        "ElementAt" => ElementAt,
        "OrderBy" => OrderBy,
        "OrderByDescending" => OrderByDescending,
        "Sum" => Sum,
        "Min" => Min,
        "Max" => Max,
        _ => return None,
    };
    let arg = match (count, lambda) {
        (0, _) => LinqArg::None,
        (1, true) => LinqArg::Lambda,
        (1, false) => LinqArg::Value,
        _ => return None,
    };
    let fits = match op {
        All | Where | Select | OrderBy | OrderByDescending => arg == LinqArg::Lambda,
        Any | Count | First | FirstOrDefault | Last | LastOrDefault | Single | SingleOrDefault
        | Sum | Min | Max => arg != LinqArg::Value,
        Contains | Skip | Take | ElementAt => arg == LinqArg::Value,
        ToArray | Distinct => arg == LinqArg::None,
    };
    fits.then_some((op, arg))
}

/// How elements of `ty` compare (equality for Contains/Distinct, order for OrderBy/Min/Max).
pub(crate) fn comparison(ty: Type) -> CompareKind {
    match ty {
        Type::String => CompareKind::String,
        Type::Boolean => CompareKind::Bool,
        Type::Double => CompareKind::Double,
        Type::DateTime => CompareKind::DateTime,
        Type::Decimal => CompareKind::Decimal,
        Type::DateTimeOffset => CompareKind::DateTimeOffset,
        t if t.is_numeric() => CompareKind::Integer,
        _ => CompareKind::Reference,
    }
}

fn no_elements(span: Span) -> Exception {
    Exception::new(
        ExceptionKind::InvalidOperation,
        "Sequence contains no elements",
        span,
    )
}

fn truth(value: &Value<'_>, span: Span) -> Result<bool, Exception> {
    match value {
        Value::Bool(b) => Ok(*b),
        _ => Err(Exception::new(
            ExceptionKind::InvalidCast,
            "Specified cast is not valid.",
            span,
        )),
    }
}

fn order(kind: CompareKind, a: &Value<'_>, b: &Value<'_>) -> Ordering {
    if compare_values(CompareOp::Less, kind, a, b) {
        Ordering::Less
    } else if compare_values(CompareOp::Greater, kind, a, b) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn index_arg(arg: Option<&Value<'_>>) -> i64 {
    match arg {
        Some(Value::Int(n)) => i64::from(*n),
        Some(Value::Long(n)) => *n,
        _ => 0,
    }
}

/// Runs `op` over `source`. `lambda` evaluates the call's lambda for one item; `arg` is the
/// call's value argument; `kind` compares elements (or keys, for `OrderBy`).
pub(crate) fn run<'a>(
    op: LinqOp,
    source: &Value<'a>,
    lambda: &mut dyn FnMut(Value<'a>) -> Result<Value<'a>, Exception>,
    has_lambda: bool,
    arg: Option<Value<'a>>,
    kind: CompareKind,
    span: Span,
) -> Result<Value<'a>, Exception> {
    use LinqOp::*;
    let mut i = 0usize;
    let next = |i: &mut usize| -> Result<Option<Value<'a>>, Exception> {
        let item = item_at(source, *i, span)?;
        *i += 1;
        Ok(item)
    };
    let mut test = |item: &Value<'a>| -> Result<bool, Exception> {
        if has_lambda {
            truth(&lambda(item.clone())?, span)
        } else {
            Ok(true)
        }
    };
    match op {
        Any => {
            while let Some(item) = next(&mut i)? {
                if test(&item)? {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        All => {
            while let Some(item) = next(&mut i)? {
                if !test(&item)? {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        }
        Count => {
            let mut n = 0i32;
            while let Some(item) = next(&mut i)? {
                if test(&item)? {
                    n = n.checked_add(1).ok_or_else(|| {
                        Exception::new(
                            ExceptionKind::Overflow,
                            "Arithmetic operation resulted in an overflow.",
                            span,
                        )
                    })?;
                }
            }
            Ok(Value::Int(n))
        }
        First | FirstOrDefault => {
            while let Some(item) = next(&mut i)? {
                if test(&item)? {
                    return Ok(item);
                }
            }
            if op == FirstOrDefault {
                return Ok(crate::expr::convert::default_of(element_default(source)));
            }
            Err(if has_lambda {
                Exception::new(
                    ExceptionKind::InvalidOperation,
                    "Sequence contains no matching element",
                    span,
                )
            } else {
                no_elements(span)
            })
        }
        Last | LastOrDefault | Single | SingleOrDefault => {
            let mut found: Option<Value<'a>> = None;
            while let Some(item) = next(&mut i)? {
                if test(&item)? {
                    if matches!(op, Single | SingleOrDefault) && found.is_some() {
                        return Err(Exception::new(
                            ExceptionKind::InvalidOperation,
                            if has_lambda {
                                "Sequence contains more than one matching element"
                            } else {
                                "Sequence contains more than one element"
                            },
                            span,
                        ));
                    }
                    found = Some(item);
                }
            }
            match (found, op) {
                (Some(item), _) => Ok(item),
                (None, LastOrDefault | SingleOrDefault) => Ok(Value::Null),
                (None, _) if has_lambda => Err(Exception::new(
                    ExceptionKind::InvalidOperation,
                    "Sequence contains no matching element",
                    span,
                )),
                (None, _) => Err(no_elements(span)),
            }
        }
        Contains => {
            let wanted = arg.unwrap_or(Value::Null);
            while let Some(item) = next(&mut i)? {
                if compare_values(CompareOp::Equal, kind, &item, &wanted) {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        ElementAt => {
            let n = index_arg(arg.as_ref());
            usize::try_from(n)
                .ok()
                .map(|n| item_at(source, n, span))
                .transpose()?
                .flatten()
                .ok_or_else(|| Exception::new(ExceptionKind::Argument, "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')", span))
        }
        Where | ToArray | Distinct | Skip | Take => {
            let (skip, take) = match op {
                Skip => (
                    usize::try_from(index_arg(arg.as_ref())).unwrap_or(0),
                    usize::MAX,
                ),
                Take => (0, usize::try_from(index_arg(arg.as_ref())).unwrap_or(0)),
                _ => (0, usize::MAX),
            };
            let mut out: Vec<Value<'a>> = Vec::new();
            let mut position = 0usize;
            while let Some(item) = next(&mut i)? {
                position += 1;
                if position <= skip {
                    continue;
                }
                if out.len() >= take {
                    break;
                }
                if op == Where && !test(&item)? {
                    continue;
                }
                if op == Distinct
                    && out
                        .iter()
                        .any(|seen| compare_values(CompareOp::Equal, kind, seen, &item))
                {
                    continue;
                }
                out.push(item);
            }
            Ok(Value::Sequence(Arc::from(out)))
        }
        Select => {
            let mut out = Vec::new();
            while let Some(item) = next(&mut i)? {
                out.push(lambda(item)?);
            }
            Ok(Value::Sequence(Arc::from(out)))
        }
        OrderBy | OrderByDescending => {
            let mut keyed = Vec::new();
            while let Some(item) = next(&mut i)? {
                let key = lambda(item.clone())?;
                keyed.push((key, item));
            }
            // A stable sort, as Enumerable.OrderBy is.
            keyed.sort_by(|(a, _), (b, _)| {
                let o = order(kind, a, b);
                if op == OrderByDescending {
                    o.reverse()
                } else {
                    o
                }
            });
            Ok(Value::Sequence(
                keyed.into_iter().map(|(_, item)| item).collect(),
            ))
        }
        Sum | Min | Max => {
            let mut acc: Option<Value<'a>> = None;
            while let Some(item) = next(&mut i)? {
                let value = if has_lambda { lambda(item)? } else { item };
                acc = Some(match (acc, op) {
                    (None, _) => value,
                    (Some(a), Sum) => add(&a, &value, span)?,
                    (Some(a), Min) => {
                        if order(kind, &value, &a) == Ordering::Less {
                            value
                        } else {
                            a
                        }
                    }
                    (Some(a), _) => {
                        if order(kind, &value, &a) == Ordering::Greater {
                            value
                        } else {
                            a
                        }
                    }
                });
            }
            match (acc, op) {
                (Some(v), _) => Ok(v),
                (None, Sum) => Ok(Value::Int(0)),
                (None, _) => Err(no_elements(span)),
            }
        }
    }
}

fn add<'a>(a: &Value<'a>, b: &Value<'a>, span: Span) -> Result<Value<'a>, Exception> {
    let overflow = || {
        Exception::new(
            ExceptionKind::Overflow,
            "Arithmetic operation resulted in an overflow.",
            span,
        )
    };
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(x.checked_add(*y).ok_or_else(overflow)?),
        (Value::Long(x), Value::Long(y)) => Value::Long(x.checked_add(*y).ok_or_else(overflow)?),
        (Value::Double(x), Value::Double(y)) => Value::Double(x + y),
        (Value::Decimal(_), _) | (_, Value::Decimal(_)) => {
            match (super::decimal::decimal_of(a), super::decimal::decimal_of(b)) {
                (Some(x), Some(y)) => {
                    Value::Decimal(x.checked_add(y).ok_or_else(super::decimal::overflow)?)
                }
                _ => Value::Null,
            }
        }
        _ => {
            return Err(Exception::new(
                ExceptionKind::InvalidOperation,
                "Sum is defined for numbers only.",
                span,
            ));
        }
    })
}

/// The default element of a sequence for `FirstOrDefault` (value-type elements give 0/false).
fn element_default(source: &Value<'_>) -> Type {
    match source {
        Value::Bytes(_) | Value::ByteArray(_) => Type::Byte,
        Value::Str(_) | Value::String(_) => Type::Char,
        Value::Collection(c) => element_type(c.ty).unwrap_or(Type::Object),
        _ => Type::Object,
    }
}

/// The LINQ operators and `List<T>` methods beyond [`LinqOp`]: sequence combination, set
/// operators, `OrderBy(...).ThenBy(...)` chains, aggregation, casts, `Enumerable.Range` /
/// `Repeat` / `Empty`, `JToken.Values<T>()` and the `List<T>` predicate methods. They
/// materialise their results (see the ledger: no deferred execution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinqEx {
    Concat,
    Union,
    Intersect,
    Except,
    SequenceEqual,
    /// `Zip(second, (a, b) => ...)`.
    Zip,
    Reverse,
    /// `DefaultIfEmpty()` / `DefaultIfEmpty(value)`.
    DefaultIfEmpty,
    SkipWhile,
    TakeWhile,
    LongCount,
    Average,
    /// `Aggregate((acc, x) => ...)`.
    Aggregate,
    /// `Aggregate(seed, (acc, x) => ...)`.
    AggregateSeed,
    SelectMany,
    MinBy,
    MaxBy,
    /// `OrderBy(k1)[.ThenBy(k2)...]`: one key lambda per level.
    Order,
    Cast(Type),
    OfType(Type),
    /// `JToken.Values<T>()`.
    Values(Type),
    Range,
    Repeat,
    Empty,
    Append,
    Prepend,
    Find,
    FindLast,
    FindAll,
    FindIndex,
    Exists,
    TrueForAll,
    ForEach,
    RemoveAll,
    ConvertAll,
}

/// The extra operator named `name` (instance call on a sequence), if any.
pub(crate) fn ex_operator(name: &str, list: bool) -> Option<LinqEx> {
    use LinqEx::*;
    Some(match name {
        "Concat" => Concat,
        "Union" => Union,
        "Intersect" => Intersect,
        "Except" => Except,
        "SequenceEqual" => SequenceEqual,
        "Zip" => Zip,
        "Reverse" => Reverse,
        "DefaultIfEmpty" => DefaultIfEmpty,
        "SkipWhile" => SkipWhile,
        "TakeWhile" => TakeWhile,
        "LongCount" => LongCount,
        "Average" => Average,
        "Aggregate" => Aggregate,
        "SelectMany" => SelectMany,
        "MinBy" => MinBy,
        "MaxBy" => MaxBy,
        "Append" => Append,
        "Prepend" => Prepend,
        "Find" if list => Find,
        "FindLast" if list => FindLast,
        "FindAll" if list => FindAll,
        "FindIndex" if list => FindIndex,
        "Exists" if list => Exists,
        "TrueForAll" if list => TrueForAll,
        "ForEach" if list => ForEach,
        "RemoveAll" if list => RemoveAll,
        "ConvertAll" if list => ConvertAll,
        _ => return None,
    })
}

/// What an extra operator's run may ask of the evaluator.
pub(crate) trait LinqEnv<'a> {
    /// Calls lambda `which` with `args` (counted against the step budget).
    fn call(&mut self, which: usize, args: &[Value<'a>]) -> Result<Value<'a>, Exception>;
    /// Counts one element that no lambda sees against the step budget.
    fn tick(&mut self) -> Result<(), Exception>;
}

/// The compile-time facts an extra operator runs with.
#[derive(Debug)]
pub(crate) struct LinqExInfo {
    /// The source's element type (defaults for `Find`, `MinBy`, `DefaultIfEmpty`).
    pub element: Type,
    /// The type `FindAll`/`ConvertAll` build.
    pub result: Type,
    /// How elements (or, for `Order`/`MinBy`/`MaxBy`, keys per level) compare.
    pub kinds: Box<[CompareKind]>,
    /// Per `Order` level: whether it sorts descending.
    pub descending: Box<[bool]>,
    /// Whether the call has a lambda (`LongCount(predicate)`, `Average(selector)`).
    pub lambda: bool,
}

fn out_of_memory() -> Exception {
    Exception::new(
        ExceptionKind::OutOfMemory,
        "Insufficient memory to continue the execution of the program.",
        Span::default(),
    )
}

/// All items of `source`, each counted against the budget, at most
/// [`super::collections::MAX_COLLECTION_ITEMS`].
fn walk<'a>(
    source: &Value<'a>,
    parameter: &str,
    env: &mut dyn LinqEnv<'a>,
    span: Span,
) -> Result<Vec<Value<'a>>, Exception> {
    if source.is_null() {
        return Err(Exception::new(
            ExceptionKind::ArgumentNull,
            format!("Value cannot be null. (Parameter '{parameter}')"),
            span,
        ));
    }
    let mut out = Vec::new();
    while let Some(item) = item_at(source, out.len(), span)? {
        env.tick()?;
        if out.len() >= super::collections::MAX_COLLECTION_ITEMS {
            return Err(out_of_memory());
        }
        out.push(item);
    }
    Ok(out)
}

fn sequence(items: Vec<Value<'_>>) -> Result<Value<'_>, Exception> {
    if items.len() > super::collections::MAX_COLLECTION_ITEMS {
        return Err(out_of_memory());
    }
    Ok(Value::Sequence(Arc::from(items)))
}

fn count_arg(arg: Option<&Value<'_>>) -> i64 {
    index_arg(arg)
}

fn out_of_range(parameter: &str, span: Span) -> Exception {
    Exception::new(
        ExceptionKind::ArgumentOutOfRange,
        format!(
            "Specified argument was out of the range of valid values. (Parameter '{parameter}')"
        ),
        span,
    )
}

fn average<'a>(values: &[Value<'a>], span: Span) -> Result<Value<'a>, Exception> {
    if values.is_empty() {
        return Err(no_elements(span));
    }
    let n = values.len();
    if values.iter().any(|v| matches!(v, Value::Decimal(_))) {
        let mut sum = Value::Decimal(rust_decimal::Decimal::ZERO);
        for v in values {
            sum = add(&sum, v, span)?;
        }
        let count = rust_decimal::Decimal::from(u64::try_from(n).unwrap_or(u64::MAX));
        return match sum {
            Value::Decimal(d) => Ok(Value::Decimal(
                d.checked_div(count).ok_or_else(super::decimal::overflow)?,
            )),
            other => Ok(other),
        };
    }
    let mut integer: i64 = 0;
    let mut double = 0.0f64;
    for v in values {
        match v {
            Value::Int(x) => {
                integer = integer.checked_add(i64::from(*x)).ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::Overflow,
                        "Arithmetic operation resulted in an overflow.",
                        span,
                    )
                })?;
            }
            Value::Long(x) => {
                integer = integer.checked_add(*x).ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::Overflow,
                        "Arithmetic operation resulted in an overflow.",
                        span,
                    )
                })?;
            }
            Value::Byte(x) => integer += i64::from(*x),
            Value::Double(x) => {
                double += x;
            }
            _ => {
                return Err(Exception::new(
                    ExceptionKind::InvalidOperation,
                    "Average is defined for numbers only.",
                    span,
                ));
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let total = double + integer as f64;
    #[allow(clippy::cast_precision_loss)]
    let count = n as f64;
    Ok(Value::Double(total / count))
}

/// Runs the extra operator `op` over `source` (`Value::Null` for static ones) with the call's
/// value arguments `args`.
pub(crate) fn run_ex<'a>(
    op: LinqEx,
    source: &Value<'a>,
    args: &[Value<'a>],
    info: &LinqExInfo,
    env: &mut dyn LinqEnv<'a>,
    span: Span,
) -> Result<Value<'a>, Exception> {
    use LinqEx::*;
    let kind = info
        .kinds
        .first()
        .copied()
        .unwrap_or(CompareKind::Reference);
    let first = args.first().cloned().unwrap_or(Value::Null);
    let truth_of = |v: Value<'a>| truth(&v, span);
    match op {
        Range => {
            let start = count_arg(args.first());
            let count = count_arg(args.get(1));
            if count < 0 || start + count - 1 > i64::from(i32::MAX) {
                return Err(out_of_range("count", span));
            }
            let mut out = Vec::new();
            for n in start..start + count {
                env.tick()?;
                out.push(Value::Int(
                    i32::try_from(n).map_err(|_| out_of_range("count", span))?,
                ));
            }
            sequence(out)
        }
        Repeat => {
            let count = count_arg(args.get(1));
            if count < 0 {
                return Err(out_of_range("count", span));
            }
            let mut out = Vec::new();
            for _ in 0..count {
                env.tick()?;
                if out.len() >= super::collections::MAX_COLLECTION_ITEMS {
                    return Err(out_of_memory());
                }
                out.push(first.clone());
            }
            sequence(out)
        }
        Empty => Ok(Value::Sequence(Arc::from(Vec::new()))),
        Values(ty) => {
            let out = super::json::values_of(source, ty, span)?;
            for _ in &out {
                env.tick()?;
            }
            sequence(out)
        }
        Concat | Union => {
            let mut items = walk(source, "first", env, span)?;
            items.extend(walk(&first, "second", env, span)?);
            if op == Union {
                let mut seen = super::collections::Seen::new();
                items.retain(|v| seen.insert(v));
            }
            sequence(items)
        }
        Intersect | Except => {
            let items = walk(source, "first", env, span)?;
            let other = walk(&first, "second", env, span)?;
            let mut second = super::collections::Seen::new();
            for v in &other {
                second.insert(v);
            }
            let mut seen = super::collections::Seen::new();
            let out = items
                .into_iter()
                .filter(|v| second.contains(v) == (op == Intersect) && seen.insert(v))
                .collect();
            sequence(out)
        }
        SequenceEqual => {
            let a = walk(source, "first", env, span)?;
            let b = walk(&first, "second", env, span)?;
            Ok(Value::Bool(
                a.len() == b.len()
                    && a.iter()
                        .zip(&b)
                        .all(|(x, y)| compare_values(CompareOp::Equal, kind, x, y)),
            ))
        }
        Zip => {
            let a = walk(source, "first", env, span)?;
            let b = walk(&first, "second", env, span)?;
            let mut out = Vec::new();
            for (x, y) in a.into_iter().zip(b) {
                out.push(env.call(0, &[x, y])?);
            }
            sequence(out)
        }
        Reverse => {
            let mut items = walk(source, "source", env, span)?;
            items.reverse();
            sequence(items)
        }
        Append | Prepend => {
            let mut items = walk(source, "source", env, span)?;
            if op == Append {
                items.push(first);
            } else {
                items.insert(0, first);
            }
            sequence(items)
        }
        DefaultIfEmpty => {
            let items = walk(source, "source", env, span)?;
            if items.is_empty() {
                let value = if args.is_empty() {
                    crate::expr::convert::default_of(info.element)
                } else {
                    first
                };
                return sequence(vec![value]);
            }
            sequence(items)
        }
        SkipWhile | TakeWhile => {
            let items = walk(source, "source", env, span)?;
            let mut out = Vec::new();
            let mut skipping = true;
            for item in items {
                if op == TakeWhile {
                    if !truth_of(env.call(0, std::slice::from_ref(&item))?)? {
                        break;
                    }
                    out.push(item);
                } else {
                    if skipping && truth_of(env.call(0, std::slice::from_ref(&item))?)? {
                        continue;
                    }
                    skipping = false;
                    out.push(item);
                }
            }
            sequence(out)
        }
        LongCount => {
            let items = walk(source, "source", env, span)?;
            let mut n = 0i64;
            for item in items {
                if !info.lambda || truth_of(env.call(0, &[item])?)? {
                    n += 1;
                }
            }
            Ok(Value::Long(n))
        }
        Average => {
            let items = walk(source, "source", env, span)?;
            let values = if info.lambda {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(env.call(0, &[item])?);
                }
                values
            } else {
                items
            };
            average(&values, span)
        }
        Aggregate | AggregateSeed => {
            let items = walk(source, "source", env, span)?;
            let mut items = items.into_iter();
            let mut acc = if op == AggregateSeed {
                first
            } else {
                items.next().ok_or_else(|| no_elements(span))?
            };
            for item in items {
                acc = env.call(0, &[acc, item])?;
            }
            Ok(acc)
        }
        SelectMany => {
            let items = walk(source, "source", env, span)?;
            let mut out = Vec::new();
            for item in items {
                let inner = env.call(0, &[item])?;
                out.extend(walk(&inner, "collectionSelector", env, span)?);
                if out.len() > super::collections::MAX_COLLECTION_ITEMS {
                    return Err(out_of_memory());
                }
            }
            sequence(out)
        }
        MinBy | MaxBy => {
            let items = walk(source, "source", env, span)?;
            let mut best: Option<(Value<'a>, Value<'a>)> = None;
            for item in items {
                let key = env.call(0, std::slice::from_ref(&item))?;
                let better = match &best {
                    None => true,
                    Some((k, _)) => {
                        let o = order(kind, &key, k);
                        if op == MinBy {
                            o == Ordering::Less
                        } else {
                            o == Ordering::Greater
                        }
                    }
                };
                if better {
                    best = Some((key, item));
                }
            }
            match best {
                Some((_, item)) => Ok(item),
                None if info.element.is_reference() => Ok(Value::Null),
                None => Err(no_elements(span)),
            }
        }
        Order => {
            let items = walk(source, "source", env, span)?;
            let levels = info.kinds.len();
            let mut keyed = Vec::with_capacity(items.len());
            for item in items {
                let mut keys = Vec::with_capacity(levels);
                for level in 0..levels {
                    keys.push(env.call(level, std::slice::from_ref(&item))?);
                }
                keyed.push((keys, item));
            }
            // Stable, as Enumerable.OrderBy/ThenBy are.
            keyed.sort_by(|(a, _), (b, _)| {
                for (level, (x, y)) in a.iter().zip(b).enumerate() {
                    let kind = info
                        .kinds
                        .get(level)
                        .copied()
                        .unwrap_or(CompareKind::Reference);
                    let mut o = order(kind, x, y);
                    if info.descending.get(level) == Some(&true) {
                        o = o.reverse();
                    }
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
            sequence(keyed.into_iter().map(|(_, item)| item).collect())
        }
        Cast(ty) => {
            let items = walk(source, "source", env, span)?;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(crate::expr::convert::cast(item, ty).map_err(|e| at(e, span))?);
            }
            sequence(out)
        }
        OfType(ty) => {
            let items = walk(source, "source", env, span)?;
            sequence(
                items
                    .into_iter()
                    .filter(|v| !v.is_null() && crate::expr::convert::is_instance(v, ty))
                    .collect(),
            )
        }
        Find | FindLast | FindIndex | Exists | TrueForAll => {
            let items = walk(source, "source", env, span)?;
            let mut found: Option<(usize, Value<'a>)> = None;
            for (i, item) in items.into_iter().enumerate() {
                let hit = truth_of(env.call(0, std::slice::from_ref(&item))?)?;
                if op == TrueForAll {
                    if !hit {
                        return Ok(Value::Bool(false));
                    }
                    continue;
                }
                if hit {
                    found = Some((i, item));
                    if op != FindLast {
                        break;
                    }
                }
            }
            Ok(match op {
                TrueForAll => Value::Bool(true),
                Exists => Value::Bool(found.is_some()),
                FindIndex => {
                    Value::Int(found.map_or(-1, |(i, _)| i32::try_from(i).unwrap_or(i32::MAX)))
                }
                _ => found.map_or_else(
                    || crate::expr::convert::default_of(info.element),
                    |(_, v)| v,
                ),
            })
        }
        FindAll | ConvertAll => {
            let items = walk(source, "source", env, span)?;
            let mut out = Vec::new();
            for item in items {
                let result = env.call(0, std::slice::from_ref(&item))?;
                if op == ConvertAll {
                    out.push(result);
                } else if truth_of(result)? {
                    out.push(item);
                }
            }
            super::collections::new_list(info.result, out)
        }
        ForEach => {
            let version = super::collections::version(source);
            let items = walk(source, "source", env, span)?;
            for item in items {
                env.call(0, &[item])?;
                if super::collections::version(source) != version {
                    return Err(super::collections::modified(span));
                }
            }
            Ok(Value::Null)
        }
        RemoveAll => {
            let items = walk(source, "source", env, span)?;
            let mut remove = Vec::with_capacity(items.len());
            for item in items {
                remove.push(truth_of(env.call(0, &[item])?)?);
            }
            let removed = super::collections::remove_flagged(source, &remove);
            Ok(Value::Int(i32::try_from(removed).unwrap_or(i32::MAX)))
        }
    }
}

fn at(mut e: Exception, span: Span) -> Exception {
    if e.span == Span::default() {
        e.span = span;
    }
    e
}
