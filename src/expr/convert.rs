//! Type tests and conversions at run time: `(T)x`, `x as T`, `x is T`, and the checks behind
//! `GetValueOrDefault<T>`, with .NET's rules (unboxing needs the exact type; numeric casts
//! between numeric types truncate, unchecked).

use std::borrow::Cow;

use super::eval::{Exception, ExceptionKind};
use super::types::Type;
use super::value::Value;
use crate::diagnostic::Span;

/// The .NET runtime type name of a value, for `InvalidCastException` messages.
pub(crate) fn runtime_type_name(value: &Value<'_>) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "System.Boolean",
        Value::Int(_) => "System.Int32",
        Value::Long(_) => "System.Int64",
        Value::Double(_) => "System.Double",
        Value::Char(_) => "System.Char",
        Value::Str(_) | Value::String(_) => "System.String",
        Value::DateTime(_) => "System.DateTime",
        Value::Guid(_) => "System.Guid",
        Value::StringSlice(_) => "System.String[]",
        Value::Certificate(_) => "System.Security.Cryptography.X509Certificates.X509Certificate2",
        Value::Extension(_) => "System.Security.Cryptography.X509Certificates.X509Extension",
        Value::Strings(_) => "System.String[]",
        Value::Chars(_) => "System.Char[]",
        Value::Bytes(_) | Value::ByteArray(_) => "System.Byte[]",
        Value::Byte(_) => "System.Byte",
        Value::StringComparison(_) => "System.StringComparison",
        Value::SplitOptions(_) => "System.StringSplitOptions",
        Value::MidpointRounding(_) => "System.MidpointRounding",
        Value::Random(_) => "System.Random",
        Value::Decimal(_) => "System.Decimal",
        Value::DateTimeOffset(_) => "System.DateTimeOffset",
        Value::DayOfWeek(_) => "System.DayOfWeek",
        Value::XDocument(_) => "System.Xml.Linq.XDocument",
        Value::XElement(_) => "System.Xml.Linq.XElement",
        Value::XAttribute(_) => "System.Xml.Linq.XAttribute",
        _ => "System.Object",
    }
}

/// The .NET type name of a static type, for messages.
fn type_name(ty: Type) -> &'static str {
    match ty {
        Type::Boolean => "System.Boolean",
        Type::Int32 => "System.Int32",
        Type::Int64 => "System.Int64",
        Type::Double => "System.Double",
        Type::Char => "System.Char",
        Type::String => "System.String",
        Type::DateTime => "System.DateTime",
        Type::Guid => "System.Guid",
        Type::Decimal => "System.Decimal",
        Type::DateTimeOffset => "System.DateTimeOffset",
        Type::DayOfWeek => "System.DayOfWeek",
        Type::XDocument => "System.Xml.Linq.XDocument",
        Type::XElement => "System.Xml.Linq.XElement",
        Type::StringArray => "System.String[]",
        Type::X509Certificate2 => "System.Security.Cryptography.X509Certificates.X509Certificate2",
        Type::X509BasicConstraintsExtension => {
            "System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension"
        }
        Type::X509KeyUsageExtension => {
            "System.Security.Cryptography.X509Certificates.X509KeyUsageExtension"
        }
        Type::X509EnhancedKeyUsageExtension => {
            "System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension"
        }
        Type::X509SubjectKeyIdentifierExtension => {
            "System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension"
        }
        _ => "System.Object",
    }
}

/// Whether `value` is an instance of `ty` (`x is T`): never for `null`.
pub(crate) fn is_instance(value: &Value<'_>, ty: Type) -> bool {
    match (value, ty) {
        (Value::Null, _) => false,
        (_, Type::Object) => true,
        (Value::Bool(_), Type::Boolean)
        | (Value::Int(_), Type::Int32)
        | (Value::Long(_), Type::Int64)
        | (Value::Double(_), Type::Double)
        | (Value::Char(_), Type::Char)
        | (Value::Str(_) | Value::String(_), Type::String)
        | (Value::DateTime(_), Type::DateTime)
        | (Value::Guid(_), Type::Guid)
        | (Value::StringSlice(_), Type::StringArray)
        | (Value::Certificate(_), Type::X509Certificate2)
        | (Value::Bytes(_) | Value::ByteArray(_), Type::ByteArray)
        | (Value::Byte(_), Type::Byte)
        | (Value::Extension(_), Type::X509Extension)
        | (Value::KeyUsageFlags(_), Type::X509KeyUsageFlags)
        | (Value::NameType(_), Type::X509NameType)
        | (Value::Json(_), Type::JToken) => true,
        (Value::Json(j), Type::JObject) => j.is_object(),
        (Value::Json(j), Type::JArray) => j.is_array(),
        (Value::Json(j), Type::JValue) => !j.is_object() && !j.is_array(),
        (Value::JsonNode(_), Type::JToken) | (Value::Uri(_), Type::Uri) => true,
        (Value::JsonNode(n), Type::JProperty) => n.property_name().is_some(),
        (Value::JsonNode(n), _) if n.property_name().is_some() => false,
        (Value::JsonNode(n), Type::JObject) => n.with(serde_json::Value::is_object),
        (Value::JsonNode(n), Type::JArray) => n.with(serde_json::Value::is_array),
        (Value::JsonNode(n), Type::JValue) => n.with(|j| !j.is_object() && !j.is_array()),
        (Value::Json(j), Type::JProperty) => j.as_object().is_some_and(|m| m.len() == 1),
        (Value::Strings(_), Type::StringArray)
        | (Value::Chars(_), Type::CharArray)
        | (Value::StringComparison(_), Type::StringComparison)
        | (Value::SplitOptions(_), Type::StringSplitOptions)
        | (Value::MidpointRounding(_), Type::MidpointRounding)
        | (Value::Random(_), Type::Random)
        | (Value::Encoding(_), Type::Encoding) => true,
        (Value::Collection(_) | Value::StringComparer(_), ty) => {
            super::lib::collection_is_instance(value, ty)
        }
        (Value::Decimal(_), Type::Decimal)
        | (Value::DateTimeOffset(_), Type::DateTimeOffset)
        | (Value::DayOfWeek(_), Type::DayOfWeek)
        | (Value::XDocument(_), Type::XDocument)
        | (Value::XElement(_), Type::XElement)
        | (Value::XAttribute(_), Type::XAttribute)
        | (Value::XName(_), Type::XName)
        | (Value::XNamespace(_), Type::XNamespace)
        | (Value::SystemType(_), Type::SystemType) => true,
        (
            Value::Context(_)
            | Value::Request(_)
            | Value::Response(_)
            | Value::Url(_)
            | Value::Body(_)
            | Value::Api(_)
            | Value::Operation(_)
            | Value::Product(_)
            | Value::Subscription(_)
            | Value::User(_)
            | Value::LastError(_)
            | Value::Deployment(_),
            ty,
        ) if super::lib::context_interface_of(value) == Some(ty) => true,
        (Value::Regex(_), Type::Regex)
        | (Value::Match(_), Type::Match | Type::Group)
        | (Value::Group(..), Type::Group)
        | (Value::RegexOptions(_), Type::RegexOptions)
        | (Value::Jwt(_), Type::Jwt)
        | (Value::JwtClaims(_), Type::JwtClaims)
        | (Value::Basic(_), Type::BasicAuthCredentials) => true,
        (Value::Hash(kind, _), Type::HashAlgorithm(ty)) => {
            *kind == ty || ty == crate::expr::types::HashKind::HashAlgorithm
        }
        (Value::Extension(e), typed) => {
            use crate::cert::extension::ExtensionKind as K;
            matches!(
                (&e.kind, typed),
                (K::BasicConstraints(_), Type::X509BasicConstraintsExtension)
                    | (K::KeyUsage(_), Type::X509KeyUsageExtension)
                    | (K::EnhancedKeyUsage(_), Type::X509EnhancedKeyUsageExtension)
                    | (
                        K::SubjectKeyIdentifier(_),
                        Type::X509SubjectKeyIdentifierExtension
                    )
            )
        }
        _ => false,
    }
}

fn invalid_cast(value: &Value<'_>, ty: Type) -> Exception {
    Exception::new(
        ExceptionKind::InvalidCast,
        Cow::Owned(format!(
            "Unable to cast object of type '{}' to type '{}'.",
            runtime_type_name(value),
            type_name(ty)
        )),
        Span::default(),
    )
}

/// `(T)value` where the static type did not prove it: reference conversions check the runtime
/// type; unboxing a value type needs exactly that type (`(long)(object)1` throws); numeric
/// values convert between numeric types (explicit numeric conversion, unchecked).
pub(crate) fn cast(value: Value<'_>, ty: Type) -> Result<Value<'_>, Exception> {
    if ty == Type::Object {
        return Ok(value);
    }
    if let Type::Nullable(inner) = ty {
        // Unboxing to `T?`: null stays null, a boxed `T` is its value.
        return if value.is_null() {
            Ok(Value::Null)
        } else {
            cast(value, *inner)
        };
    }
    if value.is_null() {
        return if ty.is_reference() {
            Ok(Value::Null)
        } else {
            Err(Exception::null_reference(Span::default()))
        };
    }
    if is_instance(&value, ty) {
        return Ok(value);
    }
    if let Value::Json(token) = &value {
        return super::lib::json_convert(token, ty);
    }
    if matches!(value, Value::XElement(_) | Value::XAttribute(_)) {
        return super::lib::xml_convert(&value, ty);
    }
    if let Value::JsonNode(node) = &value {
        return node.with(|token| super::lib::json_convert(token, ty));
    }
    Err(invalid_cast(&value, ty))
}

/// An explicit numeric conversion between numeric static types (`(int)3.9` is 3).
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
pub(crate) fn numeric(value: Value<'_>, ty: Type) -> Result<Value<'_>, Exception> {
    // `decimal` conversions: exact from integers, checked to integers.
    if let Value::Decimal(d) = value {
        if let Some(v) = super::lib::decimal_to_number(d, ty)? {
            return Ok(v);
        }
    } else if ty == Type::Decimal
        && let Some(d) = super::lib::decimal_from_number(&value)?
    {
        return Ok(Value::Decimal(d));
    }
    // Enum ↔ integer conversions.
    if let Some(n) = super::lib::enum_number(&value) {
        let as_int = if matches!(ty, Type::Int32 | Type::Int64 | Type::Byte | Type::Char) {
            Value::Long(n)
        } else {
            value.clone()
        };
        if let Some(v) = super::lib::enum_value(ty, n) {
            return Ok(v);
        }
        if matches!(as_int, Value::Long(_)) {
            return numeric(as_int, ty);
        }
    }
    if super::lib::is_enum(ty)
        && let Some(n) = match &value {
            Value::Int(i) => Some(i64::from(*i)),
            Value::Long(i) => Some(*i),
            Value::Byte(b) => Some(i64::from(*b)),
            Value::Char(c) => Some(i64::from(u32::from(*c))),
            _ => None,
        }
        && let Some(v) = super::lib::enum_value(ty, n)
    {
        return Ok(v);
    }
    let as_f64 = |v: &Value<'_>| match v {
        Value::Int(i) => Some(f64::from(*i)),
        Value::Long(i) => Some(*i as f64),
        Value::Double(d) => Some(*d),
        Value::Char(c) => Some(f64::from(u32::from(*c))),
        _ => None,
    };
    let as_i64 = |v: &Value<'_>| match v {
        Value::Int(i) => Some(i64::from(*i)),
        Value::Long(i) => Some(*i),
        // Unchecked double → integer conversion: NaN and out-of-range values are unspecified
        // in C#; .NET on x64 gives MinValue. Saturating `as` is the closest safe choice.
        Value::Double(d) => Some(*d as i64),
        Value::Char(c) => Some(i64::from(u32::from(*c))),
        _ => None,
    };
    let out = match ty {
        Type::Int32 => as_i64(&value).map(|i| Value::Int(i as i32)),
        Type::Int64 => as_i64(&value).map(Value::Long),
        Type::Double => as_f64(&value).map(Value::Double),
        Type::Char => as_i64(&value)
            .map(|i| Value::Char(char::from_u32(i as u32 & 0xFFFF).unwrap_or('\u{FFFD}'))),
        _ => None,
    };
    out.ok_or_else(|| invalid_cast(&value, ty))
}

/// `default(T)`.
pub(crate) fn default_of(ty: Type) -> Value<'static> {
    match ty {
        Type::Boolean => Value::Bool(false),
        Type::Int32 => Value::Int(0),
        Type::Int64 => Value::Long(0),
        Type::Double => Value::Double(0.0),
        Type::Char => Value::Char('\0'),
        Type::Guid => Value::Guid([0; 16]),
        Type::Decimal => Value::Decimal(rust_decimal::Decimal::ZERO),
        Type::DayOfWeek => Value::DayOfWeek(0),
        Type::DateTimeOffset => Value::DateTimeOffset(super::value::DateTimeOffset {
            ticks: 0,
            offset_minutes: 0,
        }),
        Type::DateTime => Value::DateTime(super::value::DateTime {
            ticks: 0,
            kind: super::value::DateTimeKind::Unspecified,
        }),
        _ => Value::Null,
    }
}

/// `x.Value` and `(T)x` on a `T?`: the value, or .NET's `InvalidOperationException` when
/// there is none.
pub(crate) fn nullable_value<'a>(
    args: &[Value<'a>],
    _context: &'a crate::context::Context,
) -> Result<Value<'a>, Exception> {
    match args.first() {
        Some(value) if !value.is_null() => Ok(value.clone()),
        _ => Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "Nullable object must have a value.",
            Span::default(),
        )),
    }
}
