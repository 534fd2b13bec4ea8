//! Enumerations as values: `DayOfWeek.Monday`, `(int)` and `(Enum)` casts, `Enum.Parse` and
//! `Enum.IsDefined` over the enums expressions can name, and `typeof(T)` with `Name`/`FullName`.

use super::{MemberDef, MethodDef, OutMethodDef, StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const COMPARISONS: [&str; 6] = [
    "CurrentCulture",
    "CurrentCultureIgnoreCase",
    "InvariantCulture",
    "InvariantCultureIgnoreCase",
    "Ordinal",
    "OrdinalIgnoreCase",
];
const MIDPOINTS: [&str; 5] = [
    "ToEven",
    "AwayFromZero",
    "ToZero",
    "ToNegativeInfinity",
    "ToPositiveInfinity",
];

/// The .NET full name of a type `typeof` may name.
pub(crate) fn full_type_name(ty: Type) -> Option<&'static str> {
    Some(match ty {
        Type::Object => "System.Object",
        Type::Boolean => "System.Boolean",
        Type::Int32 => "System.Int32",
        Type::Int64 => "System.Int64",
        Type::Double => "System.Double",
        Type::Decimal => "System.Decimal",
        Type::Char => "System.Char",
        Type::Byte => "System.Byte",
        Type::String => "System.String",
        Type::DateTime => "System.DateTime",
        Type::DateTimeOffset => "System.DateTimeOffset",
        Type::TimeSpan => "System.TimeSpan",
        Type::Guid => "System.Guid",
        Type::DayOfWeek => "System.DayOfWeek",
        Type::StringComparison => "System.StringComparison",
        Type::StringSplitOptions => "System.StringSplitOptions",
        Type::MidpointRounding => "System.MidpointRounding",
        Type::StringArray => "System.String[]",
        Type::ByteArray => "System.Byte[]",
        Type::CharArray => "System.Char[]",
        Type::JToken => "Newtonsoft.Json.Linq.JToken",
        Type::JObject => "Newtonsoft.Json.Linq.JObject",
        Type::JArray => "Newtonsoft.Json.Linq.JArray",
        Type::JValue => "Newtonsoft.Json.Linq.JValue",
        Type::XDocument => "System.Xml.Linq.XDocument",
        Type::XElement => "System.Xml.Linq.XElement",
        Type::X509Certificate2 => "System.Security.Cryptography.X509Certificates.X509Certificate2",
        _ => return None,
    })
}

/// `typeof(T)`: the `System.Type` named by the constant full name in `args[0]`.
pub(crate) fn type_of<'a>(
    args: &[Value<'a>],
    _: &crate::context::Context,
) -> Result<Value<'a>, Exception> {
    Ok(match args.first() {
        Some(Value::Str(name)) => Value::SystemType(name),
        _ => Value::Null,
    })
}

/// Whether `(to)value` between `from` and `to` is an enum ↔ integer conversion.
pub(crate) fn is_enum_conversion(from: Type, to: Type) -> bool {
    let integral = |t: Type| matches!(t, Type::Int32 | Type::Int64 | Type::Byte | Type::Char);
    (is_enum(from) && (integral(to) || is_enum(to))) || (integral(from) && is_enum(to))
}

/// Whether `ty` is an enum whose values are small integers here.
pub(crate) fn is_enum(ty: Type) -> bool {
    matches!(
        ty,
        Type::DayOfWeek
            | Type::StringComparison
            | Type::StringSplitOptions
            | Type::MidpointRounding
            | Type::X509KeyUsageFlags
    )
}

/// The underlying integer of an enum value.
pub(crate) fn enum_number(value: &Value<'_>) -> Option<i64> {
    match value {
        Value::DayOfWeek(d) => Some(i64::from(*d)),
        Value::StringComparison(c) | Value::SplitOptions(c) | Value::MidpointRounding(c) => {
            Some(i64::from(*c))
        }
        Value::KeyUsageFlags(f) => Some(i64::from(*f)),
        _ => None,
    }
}

/// The enum value of type `ty` with underlying integer `n` (C# allows undefined values).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub(crate) fn enum_value(ty: Type, n: i64) -> Option<Value<'static>> {
    Some(match ty {
        Type::DayOfWeek => Value::DayOfWeek(n as u8),
        Type::StringComparison => Value::StringComparison(n as u8),
        Type::StringSplitOptions => Value::SplitOptions(n as u8),
        Type::MidpointRounding => Value::MidpointRounding(n as u8),
        Type::X509KeyUsageFlags => Value::KeyUsageFlags(n as u32),
        _ => return None,
    })
}

/// The member names of an enum by its full name, and the builder of its values.
fn enum_table(full_name: &str) -> Option<(&'static [&'static str], Type)> {
    Some(match full_name {
        "System.DayOfWeek" => (&DAYS, Type::DayOfWeek),
        "System.StringComparison" => (&COMPARISONS, Type::StringComparison),
        "System.MidpointRounding" => (&MIDPOINTS, Type::MidpointRounding),
        _ => return None,
    })
}

fn not_enum() -> Exception {
    Exception::new(
        ExceptionKind::Argument,
        "Type provided must be an Enum. (Parameter 'enumType')",
        Span::default(),
    )
}

/// `Enum.Parse(type, text, ignoreCase)`: a member name or an integer.
fn parse<'a>(args: &[Value<'a>], ignore_case: bool) -> Result<Value<'a>, Exception> {
    let Some(Value::SystemType(type_name)) = args.first() else {
        return Err(Exception::new(
            ExceptionKind::ArgumentNull,
            "Value cannot be null. (Parameter 'enumType')",
            Span::default(),
        ));
    };
    let (names, ty) = enum_table(type_name).ok_or_else(not_enum)?;
    let text = args.get(1).and_then(Value::as_str).ok_or_else(|| {
        Exception::new(
            ExceptionKind::ArgumentNull,
            "Value cannot be null. (Parameter 'value')",
            Span::default(),
        )
    })?;
    let trimmed = text.trim();
    let found = names
        .iter()
        .position(|n| {
            if ignore_case {
                n.eq_ignore_ascii_case(trimmed)
            } else {
                *n == trimmed
            }
        })
        .and_then(|i| i64::try_from(i).ok())
        .or_else(|| trimmed.parse::<i64>().ok());
    match found.and_then(|n| enum_value(ty, n)) {
        Some(v) => Ok(v),
        None if trimmed.is_empty() => Err(Exception::new(
            ExceptionKind::Argument,
            "Must specify valid information for parsing in the string. (Parameter 'value')",
            Span::default(),
        )),
        None => Err(Exception::new(
            ExceptionKind::Argument,
            format!("Requested value '{text}' was not found."),
            Span::default(),
        )),
    }
}

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::Enum,
        params: &[Type::SystemType, Type::String],
        result: Type::Object,
        call: |a, _| parse(a, false),
    },
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::Enum,
        params: &[Type::SystemType, Type::String, Type::Boolean],
        result: Type::Object,
        call: |a, _| parse(a, matches!(a.get(2), Some(Value::Bool(true)))),
    },
    StaticMethodDef {
        name: "IsDefined",
        owner: StaticType::Enum,
        params: &[Type::SystemType, Type::Object],
        result: Type::Boolean,
        call: |a, _| {
            let Some(Value::SystemType(type_name)) = a.first() else {
                return Err(not_enum());
            };
            let (names, _) = enum_table(type_name).ok_or_else(not_enum)?;
            Ok(Value::Bool(match a.get(1) {
                Some(v @ (Value::Str(_) | Value::String(_))) => {
                    names.contains(&v.as_str().unwrap_or(""))
                }
                Some(Value::Int(n)) => usize::try_from(*n).is_ok_and(|n| n < names.len()),
                Some(other) => enum_number(other)
                    .and_then(|n| usize::try_from(n).ok())
                    .is_some_and(|n| n < names.len()),
                None => false,
            }))
        },
    },
];

pub(crate) const OUT_METHODS: &[OutMethodDef] = &[];

macro_rules! day {
    ($name:literal, $n:literal) => {
        StaticDef {
            name: $name,
            owner: StaticType::DayOfWeek,
            ty: Type::DayOfWeek,
            get: |_| Ok(Value::DayOfWeek($n)),
        }
    };
}

pub(crate) const STATICS: &[StaticDef] = &[
    day!("Sunday", 0),
    day!("Monday", 1),
    day!("Tuesday", 2),
    day!("Wednesday", 3),
    day!("Thursday", 4),
    day!("Friday", 5),
    day!("Saturday", 6),
];

fn type_name_of<'v>(value: &'v Value<'_>) -> &'v str {
    match value {
        Value::SystemType(name) => name,
        _ => "",
    }
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Name",
        owner: Type::SystemType,
        ty: Type::String,
        get: |t, _| {
            let full = type_name_of(t);
            let name = full.rsplit('.').next().unwrap_or(full);
            Ok(Value::String(name.into()))
        },
    },
    MemberDef {
        name: "FullName",
        owner: Type::SystemType,
        ty: Type::String,
        get: |t, _| Ok(Value::String(type_name_of(t).into())),
    },
    MemberDef {
        name: "Namespace",
        owner: Type::SystemType,
        ty: Type::String,
        get: |t, _| {
            let full = type_name_of(t);
            Ok(Value::String(
                full.rsplit_once('.').map_or("", |(ns, _)| ns).into(),
            ))
        },
    },
];

pub(crate) const METHODS: &[MethodDef] = &[MethodDef {
    name: "ToString",
    owner: Type::SystemType,
    params: &[],
    result: Type::String,
    call: |t, _, _| Ok(Value::String(type_name_of(t).into())),
}];
