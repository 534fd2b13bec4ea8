//! Newtonsoft.Json's `JToken`/`JObject`/`JArray`/`JValue` as policies read them: `Parse`,
//! indexers, `Value<T>`, `ToObject<T>`, `SelectToken`, `Count`, `Type`, explicit conversions,
//! and `ToString()` with Newtonsoft's formatting (indented by default, two spaces).
//!
//! Tokens are immutable here (building JSON with `new JObject { ... }` comes later).

use std::sync::Arc;

use serde_json::Value as Json;

use super::{GenericMethodDef, IndexerDef, MemberDef, MethodDef, StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

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
    Exception::new(ExceptionKind::InvalidOperation, message, Span::default())
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
    Ok(Value::Json(Arc::new(token)))
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

fn json<'v>(value: &'v Value<'_>) -> Option<&'v Json> {
    match value {
        Value::Json(j) => Some(j),
        _ => None,
    }
}

fn child(token: Option<&Json>) -> Value<'static> {
    match token {
        Some(t) => Value::Json(Arc::new(t.clone())),
        None => Value::Null,
    }
}

/// `token[key]` with Newtonsoft's rules for each token kind.
fn index(token: &Json, key: &Value<'_>) -> Result<Value<'static>, Exception> {
    match (token, key) {
        (Json::Object(map), k) => match k.as_str() {
            Some(name) => Ok(child(map.get(name))),
            None => Err(Exception::new(
                ExceptionKind::Argument,
                "Accessed JObject values with invalid key value. Object property name expected.",
                Span::default(),
            )),
        },
        (Json::Array(items), Value::Int(i)) => usize::try_from(*i)
            .ok()
            .and_then(|i| items.get(i))
            .map(|t| child(Some(t)))
            .ok_or_else(|| {
                Exception::new(
                    ExceptionKind::Argument,
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
        _ => Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "Cannot access child value on Newtonsoft.Json.Linq.JValue.",
            Span::default(),
        )),
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
        (Type::JToken | Type::Object, t) => Value::Json(Arc::new(t.clone())),
        (Type::JObject, t @ Json::Object(_)) | (Type::JArray, t @ Json::Array(_)) => {
            Value::Json(Arc::new(t.clone()))
        }
        (Type::JValue, t) if !t.is_object() && !t.is_array() => Value::Json(Arc::new(t.clone())),
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

/// `SelectToken(path)`: `$`, `.name`, `['name']`, `[n]`.
fn select<'j>(token: &'j Json, path: &str) -> Result<Option<&'j Json>, Exception> {
    let bad = || {
        Exception::new(
            ExceptionKind::InvalidOperation,
            format!("Unexpected character while parsing path: {path}"),
            Span::default(),
        )
    };
    let mut current = Some(token);
    let mut rest = path.trim();
    rest = rest.strip_prefix('$').unwrap_or(rest);
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']').ok_or_else(bad)?;
            let inner = r.get(..close).ok_or_else(bad)?.trim();
            rest = r.get(close + 1..).unwrap_or("");
            current = match current {
                Some(t) => {
                    if let Some(name) = inner.strip_prefix('\'').and_then(|n| n.strip_suffix('\''))
                    {
                        t.get(name)
                    } else {
                        let i: usize = inner.parse().map_err(|_| bad())?;
                        t.get(i)
                    }
                }
                None => None,
            };
            continue;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = rest.get(..end).ok_or_else(bad)?;
        rest = rest.get(end..).unwrap_or("");
        current = current.and_then(|t| t.get(name));
    }
    Ok(current)
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
    member(Type::JObject, "Count", Type::Int32, |t, _| {
        Ok(json(t).and_then(Json::as_object).map_or(Value::Null, |m| {
            Value::Int(i32::try_from(m.len()).unwrap_or(i32::MAX))
        }))
    }),
    member(Type::JArray, "Count", Type::Int32, |t, _| {
        Ok(json(t).and_then(Json::as_array).map_or(Value::Null, |a| {
            Value::Int(i32::try_from(a.len()).unwrap_or(i32::MAX))
        }))
    }),
    member(Type::JToken, "Type", Type::JTokenType, |t, _| {
        Ok(json(t).map_or(Value::Null, |j| Value::JsonType(token_type(j))))
    }),
];

fn to_string_call<'a>(t: &Value<'a>, args: &[Value<'a>]) -> Result<Value<'a>, Exception> {
    let indented = !matches!(args.first(), Some(Value::Formatting(false)));
    Ok(json(t).map_or(Value::Null, |j| {
        Value::String(Arc::from(json_to_string(j, indented)))
    }))
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
        let (Some(j), Some(path)) = (json(t), a.first().and_then(Value::as_str)) else {
            return Ok(Value::Null);
        };
        Ok(child(select(j, path)?))
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
                json(t)
                    .and_then(Json::as_object)
                    .is_some_and(|m| m.contains_key(key)),
            ))
        },
    },
    MethodDef {
        name: "GetValue",
        owner: Type::JObject,
        params: &[Type::String],
        result: Type::JToken,
        call: |t, a, _| {
            let key = a.first().and_then(Value::as_str).unwrap_or("");
            Ok(child(json(t).and_then(|j| j.get(key))))
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
    let Some(token) = json(t) else {
        return Ok(Value::Null);
    };
    let item = match args.first() {
        Some(key) => index(token, key)?,
        None => Value::Json(Arc::new(token.clone())),
    };
    match item {
        Value::Json(j) if !j.is_null() => convert(&j, ty),
        _ => Ok(crate::expr::convert::default_of(ty)),
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
    call: |t, _, ty, _| match json(t) {
        Some(j) => convert(j, ty),
        None => Ok(Value::Null),
    },
};

pub(crate) const GENERIC_METHODS: &[GenericMethodDef] = &[VALUE_WITH_KEY, VALUE_SELF, TO_OBJECT];

const INDEX_BY_NAME: IndexerDef = IndexerDef {
    owner: Type::JToken,
    index: Type::String,
    result: Type::JToken,
    get: |t, i| match json(t) {
        Some(j) => index(j, i),
        None => Ok(Value::Null),
    },
};
const INDEX_BY_POSITION: IndexerDef = IndexerDef {
    owner: Type::JToken,
    index: Type::Int32,
    result: Type::JToken,
    get: |t, i| match json(t) {
        Some(j) => index(j, i),
        None => Ok(Value::Null),
    },
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
        Value::DateTime(d) => Json::String(super::format_datetime(*d, "o")),
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
    Ok(Value::Json(Arc::new(Json::Object(map))))
}

/// `new JArray { v1, v2 }` / `new JArray(v1, v2)`.
pub(crate) fn build_array<'a>(
    args: &[Value<'a>],
    _: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    Ok(Value::Json(Arc::new(Json::Array(
        args.iter().map(to_json).collect(),
    ))))
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
    Ok(Value::Json(Arc::new(Json::Object(map))))
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
        call: |args, context| build_object(args, context),
    },
    super::ConstructorDef {
        type_name: "JValue",
        params: &[O],
        result: Type::JValue,
        call: |args, _| {
            Ok(Value::Json(Arc::new(
                args.first().map_or(Json::Null, to_json),
            )))
        },
    },
];
