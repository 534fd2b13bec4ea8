//! The members every .NET value has through `System.Object`: `ToString()`, `Equals(object)`,
//! `GetHashCode()` and `GetType()` (with `Name`/`FullName` from the `System.Type` members in
//! `enums.rs`). A type's own overloads (`int.ToString(format)`, `string.Equals(string)`) are
//! found first; these are the fallback for every type.

use std::sync::Arc;

use super::MethodDef;
use crate::expr::eval::{CompareKind, CompareOp, compare_values};
use crate::expr::types::Type;
use crate::expr::value::Value;

/// `object.Equals(object)`: value equality for strings and value types of the same type,
/// `Uri` by its text, reference equality otherwise.
fn equals(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (_, Value::Null) => false,
        (Value::Str(_) | Value::String(_), Value::Str(_) | Value::String(_)) => {
            a.as_str() == b.as_str()
        }
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Long(x), Value::Long(y)) => x == y,
        (Value::Byte(x), Value::Byte(y)) => x == y,
        // Double.Equals: NaN equals NaN, 0.0 equals -0.0.
        (Value::Double(x), Value::Double(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Char(x), Value::Char(y)) => x == y,
        (Value::Guid(x), Value::Guid(y)) => x == y,
        (Value::DateTime(x), Value::DateTime(y)) => x.ticks == y.ticks,
        (Value::DateTimeOffset(x), Value::DateTimeOffset(y)) => x.utc_ticks() == y.utc_ticks(),
        (Value::TimeSpan(x), Value::TimeSpan(y)) => x == y,
        (Value::Decimal(x), Value::Decimal(y)) => x == y,
        (Value::DayOfWeek(x), Value::DayOfWeek(y))
        | (Value::StringComparison(x), Value::StringComparison(y))
        | (Value::SplitOptions(x), Value::SplitOptions(y))
        | (Value::MidpointRounding(x), Value::MidpointRounding(y)) => x == y,
        (Value::RegexOptions(x), Value::RegexOptions(y)) => x == y,
        (Value::SystemType(x), Value::SystemType(y)) => x == y,
        (Value::Uri(_), Value::Uri(_)) => {
            super::uri::ordering(a, b) == Some(std::cmp::Ordering::Equal)
        }
        _ => compare_values(CompareOp::Equal, CompareKind::Reference, a, b),
    }
}

/// `GetHashCode()`: .NET's value for the integral types, booleans and chars; a stable hash of
/// the text otherwise (.NET randomises string hashes per process, so no value is "the" one).
fn hash_code(value: &Value<'_>) -> i32 {
    match value {
        Value::Int(i) => *i,
        Value::Byte(b) => i32::from(*b),
        Value::Bool(b) => i32::from(*b),
        Value::Char(c) => {
            let c = u32::from(*c) & 0xFFFF;
            i32::from_ne_bytes((c | (c << 16)).to_ne_bytes())
        }
        Value::Long(l) => {
            let bits = u64::from_ne_bytes(l.to_ne_bytes());
            let folded = (bits ^ (bits >> 32)) & 0xFFFF_FFFF;
            i32::from_ne_bytes(u32::try_from(folded).unwrap_or(0).to_ne_bytes())
        }
        other => {
            // FNV-1a over the display text.
            let mut h: u32 = 0x811C_9DC5;
            for b in other.to_display_string().bytes() {
                h ^= u32::from(b);
                h = h.wrapping_mul(0x0100_0193);
            }
            i32::from_ne_bytes(h.to_ne_bytes())
        }
    }
}

/// The full name of the runtime type of `value` (`GetType().FullName`).
pub(crate) fn runtime_type_name(value: &Value<'_>) -> &'static str {
    match value {
        Value::Null => "System.Object",
        Value::Bool(_) => "System.Boolean",
        Value::Int(_) => "System.Int32",
        Value::Long(_) => "System.Int64",
        Value::Double(_) => "System.Double",
        Value::Char(_) => "System.Char",
        Value::Byte(_) => "System.Byte",
        Value::Decimal(_) => "System.Decimal",
        Value::Str(_) | Value::String(_) => "System.String",
        Value::DateTime(_) => "System.DateTime",
        Value::DateTimeOffset(_) => "System.DateTimeOffset",
        Value::TimeSpan(_) => "System.TimeSpan",
        Value::Guid(_) => "System.Guid",
        Value::DayOfWeek(_) => "System.DayOfWeek",
        Value::StringComparison(_) => "System.StringComparison",
        Value::SplitOptions(_) => "System.StringSplitOptions",
        Value::MidpointRounding(_) => "System.MidpointRounding",
        Value::StringSlice(_) | Value::Strings(_) => "System.String[]",
        Value::Bytes(_) | Value::ByteArray(_) => "System.Byte[]",
        Value::Chars(_) => "System.Char[]",
        Value::Uri(_) => "System.Uri",
        Value::SystemType(_) => "System.RuntimeType",
        Value::Random(_) => "System.Random",
        Value::Regex(_) => "System.Text.RegularExpressions.Regex",
        Value::Match(_) => "System.Text.RegularExpressions.Match",
        Value::Group(_, _) => "System.Text.RegularExpressions.Group",
        Value::RegexOptions(_) => "System.Text.RegularExpressions.RegexOptions",
        Value::Certificate(_) => "System.Security.Cryptography.X509Certificates.X509Certificate2",
        Value::DistinguishedName(_) => {
            "System.Security.Cryptography.X509Certificates.X500DistinguishedName"
        }
        Value::XDocument(_) => "System.Xml.Linq.XDocument",
        Value::XElement(_) => "System.Xml.Linq.XElement",
        Value::XAttribute(_) => "System.Xml.Linq.XAttribute",
        Value::XName(_) => "System.Xml.Linq.XName",
        Value::XNamespace(_) => "System.Xml.Linq.XNamespace",
        Value::Json(j) => json_type_name(j),
        Value::JsonNode(_) => {
            // Live tokens: their kind decides the class, as their display does.
            "Newtonsoft.Json.Linq.JToken"
        }
        Value::Collection(_) => "System.Collections.Generic.Collection",
        Value::KeyValuePair(_) => "System.Collections.Generic.KeyValuePair`2",
        Value::Basic(_) => {
            "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.BasicAuthCredentials"
        }
        Value::Jwt(_) => {
            "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Jwt"
        }
        Value::Context(_) => {
            "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Context"
        }
        Value::Request(_) => {
            "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Request"
        }
        Value::Response(_) => {
            "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Response"
        }
        Value::Url(_) => {
            "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Url"
        }
        Value::Body(_) => {
            "Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.MessageBody"
        }
        _ => "System.Object",
    }
}

fn json_type_name(token: &serde_json::Value) -> &'static str {
    match token {
        serde_json::Value::Object(_) => "Newtonsoft.Json.Linq.JObject",
        serde_json::Value::Array(_) => "Newtonsoft.Json.Linq.JArray",
        _ => "Newtonsoft.Json.Linq.JValue",
    }
}

/// The `System.Object` methods, found after a type's own overloads.
pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "ToString",
        owner: Type::Object,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(Value::String(Arc::from(t.to_display_string()))),
    },
    MethodDef {
        name: "Equals",
        owner: Type::Object,
        params: &[Type::Object],
        result: Type::Boolean,
        call: |t, a, _| Ok(Value::Bool(a.first().is_some_and(|b| equals(t, b)))),
    },
    MethodDef {
        name: "GetHashCode",
        owner: Type::Object,
        params: &[],
        result: Type::Int32,
        call: |t, _, _| Ok(Value::Int(hash_code(t))),
    },
    MethodDef {
        name: "GetType",
        owner: Type::Object,
        params: &[],
        result: Type::SystemType,
        call: |t, _, _| Ok(Value::SystemType(runtime_type_name(t))),
    },
];
