//! Newtonsoft.Json's `JToken`/`JObject`/`JArray`/`JValue` as policies read them: `Parse`,
//! indexers, `Value<T>`, `ToObject<T>`, `SelectToken`, `Count`, `Type`, explicit conversions,
//! and `ToString()` with Newtonsoft's formatting (indented by default, two spaces).
//!
//! Tokens are reference types, as in Newtonsoft: a [`JsonNode`] is a live handle (the tree it
//! belongs to and the path from the tree's root), so `body["a"]["b"] = 1`, `JObject.Add`,
//! `JArray.Add`, `Remove`, `Replace` and `Merge` change the tree every handle to it sees.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value as Json;

use super::{GenericMethodDef, IndexerDef, MemberDef, MethodDef, StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

/// Largest size (tokens plus the bytes of names and strings) a JSON tree may grow to: beyond
/// it, building or changing JSON throws `OutOfMemoryException` instead of exhausting memory.
const MAX_JSON_WEIGHT: usize = 1 << 23;

/// One step from a container to a child: a property name or an array position.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(Arc<str>),
    Index(usize),
    /// The property `name` itself (a `JProperty`), always the last step; reads as its value.
    Property(Arc<str>),
}

/// A JSON tree and its running size (only ever grows: removals are not subtracted).
#[derive(Debug)]
struct Tree {
    json: Json,
    weight: usize,
}

/// A live Newtonsoft `JToken`: the tree it belongs to and its path from the tree's root.
/// Clones are the same token (a .NET reference); changing the tree through any handle is
/// seen through all. A handle whose path no longer leads anywhere (its token was removed or
/// replaced) reads as a null token.
#[derive(Debug, Clone)]
pub struct JsonNode {
    tree: Arc<Mutex<Tree>>,
    path: Arc<[Step]>,
}

/// The size [`MAX_JSON_WEIGHT`] limits: one per token, plus names and string lengths.
fn weight(json: &Json) -> usize {
    match json {
        Json::String(s) => 1 + s.len(),
        Json::Array(items) => items.iter().fold(1, |w, i| w.saturating_add(weight(i))),
        Json::Object(map) => map.iter().fold(1, |w, (k, v)| {
            w.saturating_add(k.len()).saturating_add(weight(v))
        }),
        _ => 1,
    }
}

fn too_large() -> Exception {
    Exception::new(
        ExceptionKind::OutOfMemory,
        "Insufficient memory to continue the execution of the program.",
        Span::default(),
    )
}

fn resolve<'j>(mut json: &'j Json, path: &[Step]) -> Option<&'j Json> {
    for step in path {
        json = match (step, json) {
            (Step::Key(k) | Step::Property(k), Json::Object(map)) => map.get(k.as_ref())?,
            (Step::Index(i), Json::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(json)
}

fn resolve_mut<'j>(mut json: &'j mut Json, path: &[Step]) -> Option<&'j mut Json> {
    for step in path {
        json = match (step, json) {
            (Step::Key(k) | Step::Property(k), Json::Object(map)) => map.get_mut(k.as_ref())?,
            (Step::Index(i), Json::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(json)
}

impl JsonNode {
    /// A new root token holding `json`.
    pub(crate) fn new(json: Json) -> Result<Self, Exception> {
        let weight = weight(&json);
        if weight > MAX_JSON_WEIGHT {
            return Err(too_large());
        }
        Ok(Self {
            tree: Arc::new(Mutex::new(Tree { json, weight })),
            path: Arc::from(Vec::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Tree> {
        // A panic elsewhere cannot leave a half-changed tree (changes are single calls), so a
        // poisoned lock is still usable.
        self.tree
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on the token (a null token when the path leads nowhere).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&Json) -> R) -> R {
        let tree = self.lock();
        f(resolve(&tree.json, &self.path).unwrap_or(&Json::Null))
    }

    /// Changes the token in place; `f` returns the result and how much it added. Nothing
    /// happens when the path leads nowhere (the handle's token left the tree).
    fn change<R: Default>(
        &self,
        f: impl FnOnce(&mut Json) -> Result<(R, usize), Exception>,
    ) -> Result<R, Exception> {
        let mut tree = self.lock();
        let Some(json) = resolve_mut(&mut tree.json, &self.path) else {
            return Ok(R::default());
        };
        let (result, added) = f(json)?;
        tree.weight = tree.weight.saturating_add(added);
        if tree.weight > MAX_JSON_WEIGHT {
            return Err(too_large());
        }
        Ok(result)
    }

    /// The parent container and this token's step in it (`None` for a root token).
    fn parent(&self) -> Option<(Self, Step)> {
        let (last, rest) = self.path.split_last()?;
        Some((
            Self {
                tree: Arc::clone(&self.tree),
                path: Arc::from(rest),
            },
            last.clone(),
        ))
    }

    /// The name of the property this handle is (`None` for other tokens).
    pub(crate) fn property_name(&self) -> Option<&str> {
        match self.path.last() {
            Some(Step::Property(name)) => Some(name),
            _ => None,
        }
    }

    /// The token as Newtonsoft's `ToString()` writes it (a property as `"name": value`).
    pub(crate) fn to_text(&self, indented: bool) -> String {
        match self.property_name() {
            Some(name) => {
                let value = self.with(|j| property_value_text(j, indented));
                let colon = if indented { ": " } else { ":" };
                format!("{}{colon}{value}", Json::String(name.to_owned()))
            }
            None => self.with(|j| json_to_string(j, indented)),
        }
    }

    /// Whether both handles are the same token (.NET reference equality).
    pub(crate) fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.tree, &other.tree) && self.path == other.path
    }
}

/// A property's value as it is written after `"name": `: JSON text, strings quoted.
fn property_value_text(json: &Json, indented: bool) -> String {
    let text = if indented {
        serde_json::to_string_pretty(json)
    } else {
        serde_json::to_string(json)
    };
    text.unwrap_or_default()
}

/// Runs `f` on the JSON of a token value (live or detached); `None` for other values.
fn with_json<R>(value: &Value<'_>, f: impl FnOnce(&Json) -> R) -> Option<R> {
    match value {
        Value::Json(j) => Some(f(j)),
        Value::JsonNode(n) => Some(n.with(f)),
        _ => None,
    }
}

/// A new root token value.
fn new_token(json: Json) -> Result<Value<'static>, Exception> {
    Ok(Value::JsonNode(JsonNode::new(json)?))
}

/// Whether a value of type `ty` converts implicitly to `JToken` (Newtonsoft's implicit
/// operators from primitives, and tokens themselves).
pub(crate) fn converts_to_token(ty: Type) -> bool {
    matches!(
        ty,
        Type::Null
            | Type::String
            | Type::Boolean
            | Type::Int32
            | Type::Int64
            | Type::Double
            | Type::Byte
            | Type::DateTime
            | Type::Guid
            | Type::TimeSpan
            | Type::ByteArray
            | Type::JToken
            | Type::JObject
            | Type::JArray
            | Type::JValue
            | Type::JProperty
    )
}

/// `JToken.ToString()`: a string value prints bare, other values as .NET prints them, objects
/// and arrays as JSON (`indented` like `Formatting.Indented`).
pub(crate) fn json_to_string(token: &Json, indented: bool) -> String {
    match token {
        Json::Null => String::new(),
        Json::Bool(true) => "True".to_owned(),
        Json::Bool(false) => "False".to_owned(),
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        Json::Object(_) | Json::Array(_) => {
            let text = if indented {
                serde_json::to_string_pretty(token)
            } else {
                serde_json::to_string(token)
            };
            text.unwrap_or_default()
        }
    }
}

fn reader_error(message: String) -> Exception {
    Exception::new(ExceptionKind::JsonReader, message, Span::default())
}

/// Parses JSON text into a token; `expect` restricts the root (`JObject.Parse`).
pub(crate) fn parse(text: &str, expect: Type) -> Result<Value<'static>, Exception> {
    let token: Json = serde_json::from_str(text).map_err(|e| {
        reader_error(format!(
            "Error reading JToken from JsonReader: {e} (line {}, position {}).",
            e.line(),
            e.column()
        ))
    })?;
    let ok = match expect {
        Type::JObject => token.is_object(),
        Type::JArray => token.is_array(),
        _ => true,
    };
    if !ok {
        let found = token_type(&token);
        let wanted = if expect == Type::JObject {
            "JObject"
        } else {
            "JArray"
        };
        return Err(reader_error(format!(
            "Error reading {wanted} from JsonReader. Current JsonReader item is not an {}: {found}.",
            if expect == Type::JObject {
                "object"
            } else {
                "array"
            }
        )));
    }
    new_token(token)
}

fn token_type(token: &Json) -> &'static str {
    match token {
        Json::Null => "Null",
        Json::Bool(_) => "Boolean",
        Json::Number(n) if n.is_f64() => "Float",
        Json::Number(_) => "Integer",
        Json::String(_) => "String",
        Json::Array(_) => "Array",
        Json::Object(_) => "Object",
    }
}

fn invalid_object_key() -> Exception {
    Exception::new(
        ExceptionKind::Argument,
        "Accessed JObject values with invalid key value. Object property name expected.",
        Span::default(),
    )
}

fn no_child_value(verb: &str) -> Exception {
    Exception::new(
        ExceptionKind::InvalidOperation,
        format!("Cannot {verb} child value on Newtonsoft.Json.Linq.JValue."),
        Span::default(),
    )
}

/// The step `token[key]` takes, with Newtonsoft's rules for each token kind; `None` when an
/// object has no such property.
fn index_step(token: &Json, key: &Value<'_>) -> Result<Option<Step>, Exception> {
    match (token, key) {
        (Json::Object(map), k) => match k.as_str() {
            Some(name) => Ok(map.contains_key(name).then(|| Step::Key(Arc::from(name)))),
            None => Err(invalid_object_key()),
        },
        (Json::Array(items), Value::Int(i)) => usize::try_from(*i)
            .ok()
            .filter(|i| *i < items.len())
            .map(|i| Some(Step::Index(i)))
            .ok_or_else(|| {
                Exception::new(
                    ExceptionKind::ArgumentOutOfRange,
                    "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
                    Span::default(),
                )
            }),
        (Json::Array(_), k) => Err(Exception::new(
            ExceptionKind::Argument,
            format!(
                "Accessed JArray values with invalid key value: \"{}\". Int32 array index expected.",
                k.to_display_string()
            ),
            Span::default(),
        )),
        _ => Err(no_child_value("access")),
    }
}

/// The token at `steps` below `target`: a handle for a live token, a copy for a detached one.
fn descend(target: &Value<'_>, steps: Vec<Step>) -> Value<'static> {
    match target {
        Value::JsonNode(n) => {
            let mut path = n.path.to_vec();
            path.extend(steps);
            Value::JsonNode(JsonNode {
                tree: Arc::clone(&n.tree),
                path: Arc::from(path),
            })
        }
        Value::Json(j) => {
            resolve(j, &steps).map_or(Value::Null, |c| Value::Json(Arc::new(c.clone())))
        }
        _ => Value::Null,
    }
}

/// `token[key]`.
fn index(target: &Value<'_>, key: &Value<'_>) -> Result<Value<'static>, Exception> {
    match with_json(target, |j| index_step(j, key)) {
        Some(step) => Ok(step?.map_or(Value::Null, |s| descend(target, vec![s]))),
        None => Ok(Value::Null),
    }
}

/// Newtonsoft's explicit conversion of a token to `ty` (`(string)token`, `Value<T>`, `ToObject<T>`).
pub(crate) fn convert(token: &Json, ty: Type) -> Result<Value<'static>, Exception> {
    let cannot = || {
        Exception::new(
            ExceptionKind::Argument,
            format!(
                "Can not convert {} to {}.",
                token_type(token),
                dotnet_name(ty)
            ),
            Span::default(),
        )
    };
    let number = |n: &serde_json::Number| n.as_f64().unwrap_or(0.0);
    Ok(match (ty, token) {
        (Type::JToken | Type::Object, t) => new_token(t.clone())?,
        (Type::JObject, t @ Json::Object(_)) | (Type::JArray, t @ Json::Array(_)) => {
            new_token(t.clone())?
        }
        (Type::JValue, t) if !t.is_object() && !t.is_array() => new_token(t.clone())?,
        (_, Json::Null) if ty.is_reference() => Value::Null,
        (Type::String, Json::String(s)) => Value::String(Arc::from(s.as_str())),
        (Type::String, Json::Number(_) | Json::Bool(_)) => {
            Value::String(Arc::from(json_to_string(token, false)))
        }
        (Type::Boolean, Json::Bool(b)) => Value::Bool(*b),
        (Type::Boolean, Json::String(s))
            if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
        {
            Value::Bool(s.eq_ignore_ascii_case("true"))
        }
        (Type::Int32, Json::Number(n)) => match n.as_i64() {
            Some(i) => Value::Int(i32::try_from(i).map_err(|_| overflow("Int32"))?),
            None => Value::Int(round_even(number(n), i32::MIN.into(), i32::MAX.into())? as i32),
        },
        (Type::Int64, Json::Number(n)) => match n.as_i64() {
            Some(i) => Value::Long(i),
            None => Value::Long(round_even(number(n), -9.2e18, 9.2e18)?),
        },
        (Type::Double, Json::Number(n)) => Value::Double(number(n)),
        (Type::Int32, Json::String(s)) => {
            Value::Int(s.trim().parse().map_err(|_| format_error(s))?)
        }
        (Type::Int64, Json::String(s)) => {
            Value::Long(s.trim().parse().map_err(|_| format_error(s))?)
        }
        (Type::Double, Json::String(s)) => {
            Value::Double(s.trim().parse().map_err(|_| format_error(s))?)
        }
        (Type::Int32, Json::Bool(b)) => Value::Int(i32::from(*b)),
        (
            Type::List(_)
            | Type::Array(_)
            | Type::HashSet(_)
            | Type::Dictionary(_)
            | Type::StringArray
            | Type::CharArray,
            _,
        ) => return super::collections::from_json(token, ty).unwrap_or_else(|| Err(cannot())),
        (Type::Decimal, Json::Number(n)) => match n.as_i64() {
            Some(i) => Value::Decimal(i.into()),
            // Newtonsoft reads JSON reals as double, then converts (15 significant digits).
            None => Value::Decimal(
                super::decimal::from_number(&Value::Double(number(n)))?.unwrap_or_default(),
            ),
        },
        (Type::Decimal, Json::Bool(b)) => Value::Decimal(u8::from(*b).into()),
        (Type::Decimal, Json::String(s)) => {
            Value::Decimal(super::decimal::parse(s).map_err(|_| format_error(s))?)
        }
        // A cast between token classes is a reference conversion: the wrong class throws
        // InvalidCastException.
        (Type::JObject | Type::JArray | Type::JValue | Type::JProperty, t) => {
            return Err(Exception::new(
                ExceptionKind::InvalidCast,
                format!(
                    "Unable to cast object of type '{}' to type 'Newtonsoft.Json.Linq.{ty}'.",
                    runtime_token_name(t)
                ),
                Span::default(),
            ));
        }
        _ => return Err(cannot()),
    })
}

#[allow(clippy::cast_possible_truncation)]
fn round_even(d: f64, min: f64, max: f64) -> Result<i64, Exception> {
    let r = d.round_ties_even();
    if !(min..=max).contains(&r) {
        return Err(overflow("Int64"));
    }
    Ok(r as i64)
}

fn overflow(ty: &str) -> Exception {
    Exception::new(
        ExceptionKind::Overflow,
        format!("Value was either too large or too small for an {ty}."),
        Span::default(),
    )
}

fn format_error(s: &str) -> Exception {
    Exception::new(
        ExceptionKind::Format,
        format!("The input string '{s}' was not in a correct format."),
        Span::default(),
    )
}

fn dotnet_name(ty: Type) -> &'static str {
    match ty {
        Type::String => "String",
        Type::Boolean => "Boolean",
        Type::Int32 => "Int32",
        Type::Int64 => "Int64",
        Type::Double => "Double",
        Type::Decimal => "Decimal",
        Type::JObject => "JObject",
        Type::JArray => "JArray",
        _ => "Object",
    }
}

/// `SelectToken(path)`: `$`, `.name`, `['name']`, `[n]`; the steps to the token, `None` when
/// nothing is there.
fn select(token: &Json, path: &str) -> Result<Option<Vec<Step>>, Exception> {
    let bad = || {
        Exception::new(
            ExceptionKind::InvalidOperation,
            format!("Unexpected character while parsing path: {path}"),
            Span::default(),
        )
    };
    let mut steps = Vec::new();
    let mut found = true;
    let mut rest = path.trim();
    rest = rest.strip_prefix('$').unwrap_or(rest);
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
            continue;
        }
        let step = if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']').ok_or_else(bad)?;
            let inner = r.get(..close).ok_or_else(bad)?.trim();
            rest = r.get(close + 1..).unwrap_or("");
            if let Some(name) = inner.strip_prefix('\'').and_then(|n| n.strip_suffix('\'')) {
                Step::Key(Arc::from(name))
            } else {
                Step::Index(inner.parse().map_err(|_| bad())?)
            }
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let name = rest.get(..end).ok_or_else(bad)?;
            rest = rest.get(end..).unwrap_or("");
            Step::Key(Arc::from(name))
        };
        steps.push(step);
        found = found && resolve(token, &steps).is_some();
    }
    Ok(found.then_some(steps))
}

const fn member(
    owner: Type,
    name: &'static str,
    ty: Type,
    get: super::super::eval::MemberFn,
) -> MemberDef {
    MemberDef {
        name,
        owner,
        ty,
        get,
    }
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    member(Type::JObject, "Count", Type::Int32, count),
    member(Type::JArray, "Count", Type::Int32, count),
    member(Type::JToken, "Type", Type::JTokenType, |t, _| {
        if let Value::JsonNode(n) = t
            && n.property_name().is_some()
        {
            return Ok(Value::JsonType("Property"));
        }
        Ok(with_json(t, |j| Value::JsonType(token_type(j))).unwrap_or(Value::Null))
    }),
    member(Type::JToken, "HasValues", Type::Boolean, |t, _| {
        Ok(Value::Bool(
            with_json(t, |j| match j {
                Json::Object(m) => !m.is_empty(),
                Json::Array(a) => !a.is_empty(),
                _ => false,
            }) == Some(true),
        ))
    }),
    member(Type::JToken, "Path", Type::String, |t, _| {
        Ok(Value::String(Arc::from(token_path(t))))
    }),
    member(Type::JToken, "Parent", Type::JToken, |t, _| {
        Ok(match t {
            Value::JsonNode(n) => n.parent().map_or(Value::Null, |(p, _)| Value::JsonNode(p)),
            _ => Value::Null,
        })
    }),
    member(Type::JProperty, "Name", Type::String, |t, _| {
        if let Value::JsonNode(n) = t {
            return Ok(n
                .property_name()
                .map_or(Value::Null, |k| Value::String(Arc::from(k))));
        }
        Ok(
            with_json(t, |j| property_parts(j).map(|(k, _)| k.to_owned()))
                .flatten()
                .map_or(Value::Null, |k| Value::String(Arc::from(k))),
        )
    }),
    member(Type::JProperty, "Value", Type::JToken, |t, _| {
        if let Value::JsonNode(n) = t
            && let Some((parent, Step::Property(k))) = n.parent()
        {
            return Ok(descend(&Value::JsonNode(parent), vec![Step::Key(k)]));
        }
        with_json(t, |j| property_parts(j).map(|(_, v)| v.clone()))
            .flatten()
            .map_or(Ok(Value::Null), new_token)
    }),
];

fn count<'a>(t: &Value<'a>, _: &'a crate::context::Context) -> Result<Value<'a>, Exception> {
    Ok(with_json(t, |j| match j {
        Json::Object(m) => m.len(),
        Json::Array(a) => a.len(),
        _ => 0,
    })
    .map_or(Value::Null, |n| {
        Value::Int(i32::try_from(n).unwrap_or(i32::MAX))
    }))
}

/// A `JProperty` (held as a one-property object): its name and value.
fn property_parts(json: &Json) -> Option<(&str, &Json)> {
    match json {
        Json::Object(map) if map.len() == 1 => map.iter().next().map(|(k, v)| (k.as_str(), v)),
        _ => None,
    }
}

/// `JToken.Path`: `a.b[0]`, with `['...']` for names that are not plain identifiers.
fn token_path(t: &Value<'_>) -> String {
    let Value::JsonNode(n) = t else {
        return String::new();
    };
    let mut out = String::new();
    for step in n.path.iter() {
        match step {
            Step::Key(k) | Step::Property(k) => {
                let plain = !k.is_empty()
                    && k.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && !k.starts_with(|c: char| c.is_ascii_digit());
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                } else {
                    out.push_str(&format!(
                        "['{}']",
                        k.replace('\\', "\\\\").replace('\'', "\\'")
                    ));
                }
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn to_string_call<'a>(t: &Value<'a>, args: &[Value<'a>]) -> Result<Value<'a>, Exception> {
    let indented = !matches!(args.first(), Some(Value::Formatting(false)));
    if let Value::JsonNode(n) = t {
        return Ok(Value::String(Arc::from(n.to_text(indented))));
    }
    Ok(with_json(t, |j| json_to_string(j, indented))
        .map_or(Value::Null, |s| Value::String(Arc::from(s))))
}

const TO_STRING: MethodDef = MethodDef {
    owner: Type::JToken,
    name: "ToString",
    params: &[],
    result: Type::String,
    call: |t, a, _| to_string_call(t, a),
};
const TO_STRING_FORMATTED: MethodDef = MethodDef {
    owner: Type::JToken,
    name: "ToString",
    params: &[Type::Formatting],
    result: Type::String,
    call: |t, a, _| to_string_call(t, a),
};
const SELECT_TOKEN: MethodDef = MethodDef {
    owner: Type::JToken,
    name: "SelectToken",
    params: &[Type::String],
    result: Type::JToken,
    call: |t, a, _| {
        let Some(path) = a.first().and_then(Value::as_str) else {
            return Ok(Value::Null);
        };
        Ok(
            match with_json(t, |j| select(j, path)).transpose()?.flatten() {
                Some(steps) => descend(t, steps),
                None => Value::Null,
            },
        )
    },
};

pub(crate) const METHODS: &[MethodDef] = &[
    TO_STRING,
    TO_STRING_FORMATTED,
    SELECT_TOKEN,
    MethodDef {
        name: "ContainsKey",
        owner: Type::JObject,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, a, _| {
            let key = a.first().and_then(Value::as_str).unwrap_or("");
            Ok(Value::Bool(
                with_json(t, |j| j.as_object().is_some_and(|m| m.contains_key(key))) == Some(true),
            ))
        },
    },
    MethodDef {
        name: "GetValue",
        owner: Type::JObject,
        params: &[Type::String],
        result: Type::JToken,
        call: |t, a, _| match a.first() {
            Some(key) if key.as_str().is_some() => index(t, key),
            _ => Ok(Value::Null),
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::JTokenType,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(Value::String(Arc::from(t.to_display_string()))),
    },
];

/// `Value<T>(key)`: the child converted to `T`; a missing child gives `default(T)`.
fn value_of<'a>(t: &Value<'a>, args: &[Value<'a>], ty: Type) -> Result<Value<'a>, Exception> {
    let item = match args.first() {
        Some(key) => index(t, key)?,
        None => t.clone(),
    };
    match with_json(&item, |j| (!j.is_null()).then(|| convert(j, ty))).flatten() {
        Some(converted) => converted,
        None => Ok(crate::expr::convert::default_of(ty)),
    }
}

const VALUE_WITH_KEY: GenericMethodDef = GenericMethodDef {
    owner: Type::JToken,
    name: "Value",
    params: &[Type::Object],
    result: Type::TypeParameter,
    call: |t, a, ty, _| value_of(t, a, ty),
};
const VALUE_SELF: GenericMethodDef = GenericMethodDef {
    owner: Type::JToken,
    name: "Value",
    params: &[],
    result: Type::TypeParameter,
    call: |t, a, ty, _| value_of(t, a, ty),
};
const TO_OBJECT: GenericMethodDef = GenericMethodDef {
    owner: Type::JToken,
    name: "ToObject",
    params: &[],
    result: Type::TypeParameter,
    call: |t, _, ty, _| with_json(t, |j| convert(j, ty)).unwrap_or(Ok(Value::Null)),
};

pub(crate) const GENERIC_METHODS: &[GenericMethodDef] = &[VALUE_WITH_KEY, VALUE_SELF, TO_OBJECT];

const INDEX_BY_NAME: IndexerDef = IndexerDef {
    owner: Type::JToken,
    index: Type::String,
    result: Type::JToken,
    get: index,
};
const INDEX_BY_POSITION: IndexerDef = IndexerDef {
    owner: Type::JToken,
    index: Type::Int32,
    result: Type::JToken,
    get: index,
};

pub(crate) const INDEXERS: &[IndexerDef] = &[INDEX_BY_NAME, INDEX_BY_POSITION];

pub(crate) const STATICS: &[StaticDef] = &[
    StaticDef {
        name: "None",
        owner: StaticType::Formatting,
        ty: Type::Formatting,
        get: |_| Ok(Value::Formatting(false)),
    },
    StaticDef {
        name: "Indented",
        owner: StaticType::Formatting,
        ty: Type::Formatting,
        get: |_| Ok(Value::Formatting(true)),
    },
];

fn text_arg<'v>(args: &'v [Value<'_>]) -> Result<&'v str, Exception> {
    args.first().and_then(Value::as_str).ok_or_else(|| {
        Exception::new(
            ExceptionKind::ArgumentNull,
            "Value cannot be null. (Parameter 'json')",
            Span::default(),
        )
    })
}

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::JObject,
        params: &[Type::String],
        result: Type::JObject,
        call: |args, _| parse(text_arg(args)?, Type::JObject),
    },
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::JArray,
        params: &[Type::String],
        result: Type::JArray,
        call: |args, _| parse(text_arg(args)?, Type::JArray),
    },
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::JToken,
        params: &[Type::String],
        result: Type::JToken,
        call: |args, _| parse(text_arg(args)?, Type::JToken),
    },
];

/// A value as Newtonsoft writes it into a token (`new JValue(value)`, `new JProperty(name,
/// value)`, initialisers): strings, numbers, booleans and null as themselves, tokens as they
/// are, dates in ISO 8601 (`o`), anything else by its `ToString()`.
pub(crate) fn to_json(value: &Value<'_>) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Long(i) => Json::from(*i),
        Value::Byte(b) => Json::from(*b),
        Value::Double(d) => serde_json::Number::from_f64(*d)
            .map_or_else(|| Json::String(value.to_display_string()), Json::Number),
        Value::Json(j) => (**j).clone(),
        Value::JsonNode(n) => match n.property_name() {
            Some(name) => {
                let mut map = serde_json::Map::new();
                map.insert(name.to_owned(), n.with(Json::clone));
                Json::Object(map)
            }
            None => n.with(Json::clone),
        },
        Value::DateTime(d) => Json::String(super::format_datetime(*d, "o")),
        Value::Collection(_) | Value::Sequence(_) | Value::KeyValuePair(_) => {
            super::collections::json_of(value)
                .unwrap_or_else(|| Json::String(value.to_display_string()))
        }
        other => Json::String(other.to_display_string()),
    }
}

fn key_of(value: &Value<'_>) -> Result<String, Exception> {
    value.as_str().map(str::to_owned).ok_or_else(|| {
        Exception::new(
            ExceptionKind::Argument,
            "Set JObject values with invalid key value. Object property name expected.",
            Span::default(),
        )
    })
}

/// `new JObject { [k1] = v1, [k2] = v2 }`: the arguments are keys and values in turn.
pub(crate) fn build_object<'a>(
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let mut map = serde_json::Map::new();
    for pair in args.chunks(2) {
        if let [key, value] = pair {
            map.insert(key_of(key)?, to_json(value));
        }
    }
    new_token(Json::Object(map))
}

/// `new JArray { v1, v2 }` / `new JArray(v1, v2)`.
pub(crate) fn build_array<'a>(
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let mut items = Vec::with_capacity(args.len());
    for arg in args {
        // A collection argument adds its items (Newtonsoft's multi content).
        match super::collections::multi_content(arg) {
            Some(values) => items.extend(values.iter().map(to_json)),
            None => items.push(to_json(arg)),
        }
    }
    new_token(Json::Array(items))
}

/// `new JObject(new JProperty(...), ...)`: merges the properties in order.
fn merge_properties<'a>(
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    let mut map = serde_json::Map::new();
    for arg in args {
        if let Value::Json(token) = arg
            && let Json::Object(property) = &**token
        {
            for (k, v) in property {
                if map.contains_key(k) {
                    return Err(Exception::new(
                        ExceptionKind::Argument,
                        format!(
                            "Can not add property {k} to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object."
                        ),
                        Span::default(),
                    ));
                }
                map.insert(k.clone(), v.clone());
            }
        }
    }
    new_token(Json::Object(map))
}

const P: Type = Type::JProperty;
const O: Type = Type::Object;

pub(crate) const CONSTRUCTORS: &[super::ConstructorDef] = &[
    super::ConstructorDef {
        type_name: "JObject",
        params: &[],
        result: Type::JObject,
        call: merge_properties,
    },
    super::ConstructorDef {
        type_name: "JObject",
        params: &[P],
        result: Type::JObject,
        call: merge_properties,
    },
    super::ConstructorDef {
        type_name: "JObject",
        params: &[P, P],
        result: Type::JObject,
        call: merge_properties,
    },
    super::ConstructorDef {
        type_name: "JObject",
        params: &[P, P, P],
        result: Type::JObject,
        call: merge_properties,
    },
    super::ConstructorDef {
        type_name: "JObject",
        params: &[P, P, P, P],
        result: Type::JObject,
        call: merge_properties,
    },
    super::ConstructorDef {
        type_name: "JArray",
        params: &[],
        result: Type::JArray,
        call: build_array,
    },
    super::ConstructorDef {
        type_name: "JArray",
        params: &[O],
        result: Type::JArray,
        call: build_array,
    },
    super::ConstructorDef {
        type_name: "JArray",
        params: &[O, O],
        result: Type::JArray,
        call: build_array,
    },
    super::ConstructorDef {
        type_name: "JArray",
        params: &[O, O, O],
        result: Type::JArray,
        call: build_array,
    },
    super::ConstructorDef {
        type_name: "JProperty",
        params: &[Type::String, O],
        result: Type::JProperty,
        call: |args, _| {
            // A property is held as a one-property object, detached from any tree.
            let mut map = serde_json::Map::new();
            if let [key, value] = args {
                map.insert(key_of(key)?, to_json(value));
            }
            let property = Json::Object(map);
            if weight(&property) > MAX_JSON_WEIGHT {
                return Err(too_large());
            }
            Ok(Value::Json(Arc::new(property)))
        },
    },
    super::ConstructorDef {
        type_name: "JValue",
        params: &[O],
        result: Type::JValue,
        call: |args, _| new_token(args.first().map_or(Json::Null, to_json)),
    },
];

// ------------------------------------------------------------------ changing tokens ----

type Ctx = crate::context::Context;

/// `MiscellaneousUtils.ToString`: how Newtonsoft quotes a key in its messages.
fn quoted_key(key: &Value<'_>) -> String {
    match key {
        Value::Null => "{null}".to_owned(),
        k if k.as_str().is_some() => format!("\"{}\"", k.to_display_string()),
        k => k.to_display_string(),
    }
}

fn out_of_range(message: &str) -> Exception {
    Exception::new(
        ExceptionKind::ArgumentOutOfRange,
        format!("{message} (Parameter 'index')"),
        Span::default(),
    )
}

fn parent_missing() -> Exception {
    Exception::new(
        ExceptionKind::InvalidOperation,
        "The parent is missing.",
        Span::default(),
    )
}

fn property_locked() -> Exception {
    Exception::new(
        ExceptionKind::Json,
        "Cannot add or remove items from Newtonsoft.Json.Linq.JProperty.",
        Span::default(),
    )
}

fn duplicate_property(name: &str) -> Exception {
    Exception::new(
        ExceptionKind::Argument,
        format!(
            "Can not add property {name} to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object."
        ),
        Span::default(),
    )
}

/// Changes a live token; a detached one (held by code outside this module) is left as it is.
fn change<'a, R: Default>(
    t: &Value<'a>,
    f: impl FnOnce(&mut Json) -> Result<(R, usize), Exception>,
) -> Result<R, Exception> {
    match t {
        Value::JsonNode(n) => n.change(f),
        _ => Ok(R::default()),
    }
}

/// `token[key] = value`: sets (or adds) an object's property, replaces an array item.
fn set_index<'a>(t: &Value<'a>, args: &[Value<'a>], _: &'a Ctx) -> Result<Value<'a>, Exception> {
    let [key, value] = args else {
        return Ok(Value::Null);
    };
    // Copy the value first: it may be a token of this very tree.
    let value = to_json(value);
    let added = weight(&value);
    change(t, |j| {
        match j {
            Json::Object(map) => {
                let name = key.as_str().ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::Argument,
                        format!(
                            "Set JObject values with invalid key value: {}. Object property name expected.",
                            quoted_key(key)
                        ),
                        Span::default(),
                    )
                })?;
                map.insert(name.to_owned(), value);
            }
            Json::Array(items) => {
                let Value::Int(i) = key else {
                    return Err(Exception::new(
                        ExceptionKind::Argument,
                        format!(
                            "Set JArray values with invalid key value: {}. Int32 array index expected.",
                            quoted_key(key)
                        ),
                        Span::default(),
                    ));
                };
                let Ok(i) = usize::try_from(*i) else {
                    return Err(out_of_range("Index is less than 0."));
                };
                let slot = items
                    .get_mut(i)
                    .ok_or_else(|| out_of_range("Index is equal to or greater than Count."))?;
                *slot = value;
            }
            _ => return Err(no_child_value("set")),
        }
        Ok(((), added))
    })?;
    Ok(Value::Null)
}

/// The setters `token[name] = value` and `token[index] = value`.
pub(crate) const INDEX_SETTERS: &[super::IndexSetterDef] = &[
    super::IndexSetterDef {
        owner: Type::JToken,
        index: Type::String,
        value: Type::JToken,
        set: set_index,
    },
    super::IndexSetterDef {
        owner: Type::JToken,
        index: Type::Int32,
        value: Type::JToken,
        set: set_index,
    },
];

/// What `JContainer.Add(object)` adds: the items of a sequence, or the value itself.
fn contents(value: &Value<'_>) -> Vec<Json> {
    let mut items = Vec::new();
    let mut index = 0;
    let multi = matches!(
        value,
        Value::Sequence(_) | Value::Strings(_) | Value::StringSlice(_)
    );
    if multi {
        while let Ok(Some(item)) = super::item_at(value, index, Span::default()) {
            items.push(to_json(&item));
            index += 1;
        }
    } else {
        items.push(to_json(value));
    }
    items
}

fn object_add<'a>(t: &Value<'a>, args: &[Value<'a>], _: &'a Ctx) -> Result<Value<'a>, Exception> {
    let pairs: Vec<(String, Json)> = match args {
        [name, value] => vec![(key_of(name)?, to_json(value))],
        [content] => {
            let mut pairs = Vec::new();
            for item in contents(content) {
                match property_parts(&item) {
                    Some((k, v))
                        if matches!(content, Value::Json(_) | Value::Sequence(_))
                            || matches!(content, Value::JsonNode(n) if n.property_name().is_some()) =>
                    {
                        pairs.push((k.to_owned(), v.clone()));
                    }
                    _ => {
                        return Err(Exception::new(
                            ExceptionKind::Argument,
                            format!(
                                "Can not add {} to Newtonsoft.Json.Linq.JObject.",
                                runtime_token_name(&item)
                            ),
                            Span::default(),
                        ));
                    }
                }
            }
            pairs
        }
        _ => return Ok(Value::Null),
    };
    let added = pairs
        .iter()
        .fold(0usize, |w, (k, v)| w.saturating_add(k.len() + weight(v)));
    change(t, |j| {
        let Json::Object(map) = j else {
            return Ok(((), 0));
        };
        for (k, v) in pairs {
            if map.contains_key(&k) {
                return Err(duplicate_property(&k));
            }
            map.insert(k, v);
        }
        Ok(((), added))
    })?;
    Ok(Value::Null)
}

fn runtime_token_name(json: &Json) -> &'static str {
    match json {
        Json::Object(_) => "Newtonsoft.Json.Linq.JObject",
        Json::Array(_) => "Newtonsoft.Json.Linq.JArray",
        _ => "Newtonsoft.Json.Linq.JValue",
    }
}

fn array_add<'a>(t: &Value<'a>, args: &[Value<'a>], _: &'a Ctx) -> Result<Value<'a>, Exception> {
    let items = args.first().map(contents).unwrap_or_default();
    let added = items
        .iter()
        .fold(0usize, |w, i| w.saturating_add(weight(i)));
    change(t, |j| {
        if let Json::Array(list) = j {
            list.extend(items);
        }
        Ok(((), added))
    })?;
    Ok(Value::Null)
}

fn array_insert<'a>(t: &Value<'a>, args: &[Value<'a>], _: &'a Ctx) -> Result<Value<'a>, Exception> {
    let [Value::Int(at), value] = args else {
        return Ok(Value::Null);
    };
    let items = contents(value);
    let added = items
        .iter()
        .fold(0usize, |w, i| w.saturating_add(weight(i)));
    change(t, |j| {
        let Json::Array(list) = j else {
            return Ok(((), 0));
        };
        let at = usize::try_from(*at)
            .ok()
            .filter(|i| *i <= list.len())
            .ok_or_else(|| out_of_range("Index must be within the bounds of the List."))?;
        for (offset, item) in items.into_iter().enumerate() {
            list.insert(at + offset, item);
        }
        Ok(((), added))
    })?;
    Ok(Value::Null)
}

fn array_remove_at<'a>(
    t: &Value<'a>,
    args: &[Value<'a>],
    _: &'a Ctx,
) -> Result<Value<'a>, Exception> {
    let Some(Value::Int(at)) = args.first() else {
        return Ok(Value::Null);
    };
    change(t, |j| {
        let Json::Array(list) = j else {
            return Ok(((), 0));
        };
        let Ok(at) = usize::try_from(*at) else {
            return Err(out_of_range("Index is less than 0."));
        };
        if at >= list.len() {
            return Err(out_of_range("Index is equal to or greater than Count."));
        }
        list.remove(at);
        Ok(((), 0))
    })?;
    Ok(Value::Null)
}

/// The position of `item` among `container`'s children, by reference.
fn position_of(container: &Value<'_>, item: &Value<'_>) -> Option<usize> {
    let (Value::JsonNode(c), Value::JsonNode(i)) = (container, item) else {
        return None;
    };
    let (parent, Step::Index(at)) = i.parent()? else {
        return None;
    };
    parent.same(c).then_some(at)
}

fn remove_all<'a>(t: &Value<'a>, _: &[Value<'a>], _: &'a Ctx) -> Result<Value<'a>, Exception> {
    change(t, |j| {
        match j {
            Json::Array(list) => list.clear(),
            Json::Object(map) => map.clear(),
            _ => {}
        }
        Ok(((), 0))
    })?;
    Ok(Value::Null)
}

/// `JToken.Remove()`: takes the token out of its parent.
fn remove_self<'a>(t: &Value<'a>, _: &[Value<'a>], _: &'a Ctx) -> Result<Value<'a>, Exception> {
    let Value::JsonNode(n) = t else {
        return Err(parent_missing());
    };
    let Some((parent, step)) = n.parent() else {
        return Err(parent_missing());
    };
    match step {
        // The value of a property: its parent is the JProperty, which keeps its value.
        Step::Key(_) => Err(property_locked()),
        Step::Property(name) => {
            parent.change(|j| {
                if let Json::Object(map) = j {
                    map.shift_remove(name.as_ref());
                }
                Ok(((), 0))
            })?;
            Ok(Value::Null)
        }
        Step::Index(at) => {
            parent.change(|j| {
                if let Json::Array(list) = j
                    && at < list.len()
                {
                    list.remove(at);
                }
                Ok(((), 0))
            })?;
            Ok(Value::Null)
        }
    }
}

/// `JToken.Replace(value)`: puts `value` where the token is.
fn replace<'a>(t: &Value<'a>, args: &[Value<'a>], _: &'a Ctx) -> Result<Value<'a>, Exception> {
    let value = args.first().map_or(Json::Null, to_json);
    let added = weight(&value);
    let Value::JsonNode(n) = t else {
        return Err(parent_missing());
    };
    if n.parent().is_none() {
        return Err(parent_missing());
    }
    let mut tree = n.lock();
    if let Some(slot) = resolve_mut(&mut tree.json, &n.path) {
        *slot = value;
        tree.weight = tree.weight.saturating_add(added);
        if tree.weight > MAX_JSON_WEIGHT {
            return Err(too_large());
        }
    }
    Ok(Value::Null)
}

/// `JContainer.Merge(content)` with default settings: properties merge recursively, arrays
/// concatenate, a null value does not overwrite.
fn merge_into(target: &mut Json, content: Json) {
    match (target, content) {
        (Json::Object(map), Json::Object(other)) => {
            for (k, v) in other {
                match map.get_mut(&k) {
                    None => {
                        map.insert(k, v);
                    }
                    Some(existing) => {
                        let same_container = matches!(
                            (&*existing, &v),
                            (Json::Object(_), Json::Object(_)) | (Json::Array(_), Json::Array(_))
                        );
                        if same_container {
                            merge_into(existing, v);
                        } else if !v.is_null() {
                            *existing = v;
                        }
                    }
                }
            }
        }
        (Json::Array(list), Json::Array(other)) => list.extend(other),
        _ => {}
    }
}

fn merge<'a>(t: &Value<'a>, args: &[Value<'a>], _: &'a Ctx) -> Result<Value<'a>, Exception> {
    let content = args.first().map_or(Json::Null, to_json);
    let added = weight(&content);
    change(t, |j| {
        merge_into(j, content);
        Ok(((), added))
    })?;
    Ok(Value::Null)
}

fn properties_of<'a>(t: &Value<'a>) -> Vec<Value<'a>> {
    if let Value::JsonNode(n) = t {
        let names: Vec<Arc<str>> = n.with(|j| match j {
            Json::Object(map) => map.keys().map(|k| Arc::from(k.as_str())).collect(),
            _ => Vec::new(),
        });
        return names
            .into_iter()
            .map(|k| descend(t, vec![Step::Property(k)]))
            .collect();
    }
    with_json(t, |j| match j {
        Json::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let mut property = serde_json::Map::new();
                property.insert(k.clone(), v.clone());
                Value::Json(Arc::new(Json::Object(property)))
            })
            .collect(),
        _ => Vec::new(),
    })
    .unwrap_or_default()
}

/// `Children()`: an object's properties, an array's items (live).
fn children<'a>(t: &Value<'a>, _: &[Value<'a>], _: &'a Ctx) -> Result<Value<'a>, Exception> {
    let count = with_json(t, |j| match j {
        Json::Array(items) => Some(items.len()),
        _ => None,
    })
    .flatten();
    let items: Vec<Value<'a>> = match count {
        Some(n) => (0..n).map(|i| descend(t, vec![Step::Index(i)])).collect(),
        None => properties_of(t),
    };
    Ok(Value::Sequence(Arc::from(items)))
}

/// The methods that change tokens, and `Properties`, `Children`, `DeepClone`.
pub(crate) const CHANGE_METHODS: &[MethodDef] = &[
    MethodDef {
        name: "Add",
        owner: Type::JObject,
        params: &[Type::String, Type::Object],
        result: Type::Void,
        call: object_add,
    },
    MethodDef {
        name: "Add",
        owner: Type::JObject,
        params: &[Type::Object],
        result: Type::Void,
        call: object_add,
    },
    MethodDef {
        name: "Remove",
        owner: Type::JObject,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, a, _| {
            let Some(name) = a.first().and_then(Value::as_str) else {
                return Ok(Value::Bool(false));
            };
            let removed = change(t, |j| {
                let removed = match j {
                    Json::Object(map) => map.shift_remove(name).is_some(),
                    _ => false,
                };
                Ok((removed, 0))
            })?;
            Ok(Value::Bool(removed))
        },
    },
    MethodDef {
        name: "Property",
        owner: Type::JObject,
        params: &[Type::String],
        result: Type::JProperty,
        call: |t, a, _| {
            let name = a.first().and_then(Value::as_str).unwrap_or("");
            Ok(properties_of(t)
                .into_iter()
                .find(|p| match p {
                    Value::JsonNode(n) => n.property_name() == Some(name),
                    other => {
                        with_json(other, |j| property_parts(j).is_some_and(|(k, _)| k == name))
                            == Some(true)
                    }
                })
                .unwrap_or(Value::Null))
        },
    },
    MethodDef {
        name: "Properties",
        owner: Type::JObject,
        params: &[],
        result: Type::Sequence(&Type::JProperty),
        call: |t, _, _| Ok(Value::Sequence(Arc::from(properties_of(t)))),
    },
    MethodDef {
        name: "RemoveAll",
        owner: Type::JObject,
        params: &[],
        result: Type::Void,
        call: remove_all,
    },
    MethodDef {
        name: "Merge",
        owner: Type::JObject,
        params: &[Type::Object],
        result: Type::Void,
        call: merge,
    },
    MethodDef {
        name: "Merge",
        owner: Type::JArray,
        params: &[Type::Object],
        result: Type::Void,
        call: merge,
    },
    MethodDef {
        name: "Add",
        owner: Type::JArray,
        params: &[Type::Object],
        result: Type::Void,
        call: array_add,
    },
    MethodDef {
        name: "Insert",
        owner: Type::JArray,
        params: &[Type::Int32, Type::Object],
        result: Type::Void,
        call: array_insert,
    },
    MethodDef {
        name: "RemoveAt",
        owner: Type::JArray,
        params: &[Type::Int32],
        result: Type::Void,
        call: array_remove_at,
    },
    MethodDef {
        name: "Remove",
        owner: Type::JArray,
        params: &[Type::JToken],
        result: Type::Boolean,
        call: |t, a, _| {
            let Some(at) = a.first().and_then(|i| position_of(t, i)) else {
                return Ok(Value::Bool(false));
            };
            change(t, |j| {
                if let Json::Array(list) = j
                    && at < list.len()
                {
                    list.remove(at);
                }
                Ok(((), 0))
            })?;
            Ok(Value::Bool(true))
        },
    },
    MethodDef {
        name: "IndexOf",
        owner: Type::JArray,
        params: &[Type::JToken],
        result: Type::Int32,
        call: |t, a, _| {
            Ok(Value::Int(
                a.first()
                    .and_then(|i| position_of(t, i))
                    .and_then(|i| i32::try_from(i).ok())
                    .unwrap_or(-1),
            ))
        },
    },
    MethodDef {
        name: "Clear",
        owner: Type::JArray,
        params: &[],
        result: Type::Void,
        call: remove_all,
    },
    MethodDef {
        name: "RemoveAll",
        owner: Type::JArray,
        params: &[],
        result: Type::Void,
        call: remove_all,
    },
    MethodDef {
        name: "Remove",
        owner: Type::JToken,
        params: &[],
        result: Type::Void,
        call: remove_self,
    },
    MethodDef {
        name: "Replace",
        owner: Type::JToken,
        params: &[Type::Object],
        result: Type::Void,
        call: replace,
    },
    MethodDef {
        name: "Children",
        owner: Type::JToken,
        params: &[],
        result: Type::Sequence(&Type::JToken),
        call: children,
    },
    MethodDef {
        name: "DeepClone",
        owner: Type::JToken,
        params: &[],
        result: Type::JToken,
        call: |t, _, _| match with_json(t, Json::clone) {
            Some(copy) => new_token(copy),
            None => Ok(Value::Null),
        },
    },
];

/// Item `index` of a token iterated as a sequence (`foreach`, LINQ): an array's items (live),
/// an object's properties; a `JValue` has no children.
pub(crate) fn item<'a>(
    token: &Value<'a>,
    index: usize,
    span: Span,
) -> Result<Option<Value<'a>>, Exception> {
    let kind = with_json(token, |j| match j {
        Json::Array(items) => Some(index < items.len()),
        Json::Object(_) => None,
        _ => Some(false),
    });
    match kind {
        Some(Some(true)) => Ok(Some(descend(token, vec![Step::Index(index)]))),
        Some(None) => Ok(properties_of(token).into_iter().nth(index)),
        _ if with_json(token, |j| j.is_array()) == Some(true) => Ok(None),
        _ => Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "Cannot access child value on Newtonsoft.Json.Linq.JValue.",
            span,
        )),
    }
}

/// `token.Values<T>()`: the children of an array, or the property values of an object, each
/// converted to `T` as `Value<T>()` converts it (a null token gives `default(T)`).
pub(crate) fn values_of(
    token: &Value<'_>,
    ty: Type,
    span: Span,
) -> Result<Vec<Value<'static>>, Exception> {
    let one = |t: &Json| -> Result<Value<'static>, Exception> {
        if matches!(ty, Type::JToken | Type::Object) {
            return Ok(Value::Json(Arc::new(t.clone())));
        }
        if t.is_null() {
            return Ok(crate::expr::convert::default_of(ty));
        }
        convert(t, ty)
    };
    let items = with_json(token, |j| match j {
        Json::Array(items) => items.iter().map(one).collect::<Result<Vec<_>, _>>(),
        Json::Object(map) => map.values().map(one).collect::<Result<Vec<_>, _>>(),
        _ => Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "Cannot access child value on Newtonsoft.Json.Linq.JValue.",
            span,
        )),
    });
    match items {
        Some(items) => items,
        None if token.is_null() => Err(Exception::new(
            ExceptionKind::ArgumentNull,
            "Value cannot be null. (Parameter 'source')",
            span,
        )),
        None => Ok(Vec::new()),
    }
}

/// `jobject.TryGetValue(name, out JToken value)`.
pub(crate) fn try_get_value<'a>(
    target: &Value<'a>,
    args: &[Value<'a>],
) -> Result<(Value<'a>, Value<'a>), Exception> {
    let Some(key) = args.first() else {
        return Ok((Value::Bool(false), Value::Null));
    };
    let step = with_json(target, |j| index_step(j, key))
        .transpose()?
        .flatten();
    Ok(match step {
        Some(step) => (Value::Bool(true), descend(target, vec![step])),
        None => (Value::Bool(false), Value::Null),
    })
}
