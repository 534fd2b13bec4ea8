//! APIM's `Jwt`: the `AsJwt()` and `TryParseJwt(out Jwt)` string extensions and the members
//! `Algorithm`, `Audiences`, `Claims`, `ExpirationTime`, `Id`, `Issuer`, `IssuedAt`,
//! `NotBefore`, `Subject`, `Type`, with `Claims.GetValueOrDefault(name, default)` (the values
//! joined by commas). The header and payload of a compact JWS are decoded (base64url JSON); the
//! signature is not checked, as APIM's `AsJwt` does not check it either.

use std::sync::Arc;

use super::string::{argument_null, owned};
use super::{ExtensionOutMethodDef, IndexerDef, MemberDef, MethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::Type;
use crate::expr::value::{DateTime, Value};

/// A claim's values.
type ClaimValues = Arc<[Option<Arc<str>>]>;

/// A decoded JWT.
#[derive(Debug)]
pub struct Jwt {
    algorithm: Option<Arc<str>>,
    token_type: Option<Arc<str>>,
    audiences: Arc<[Option<Arc<str>>]>,
    claims: Vec<(Arc<str>, ClaimValues)>,
    expiration: Option<DateTime>,
    issued_at: Option<DateTime>,
    not_before: Option<DateTime>,
    id: Option<Arc<str>>,
    issuer: Option<Arc<str>>,
    subject: Option<Arc<str>>,
}

/// Longest token `AsJwt` decodes (bytes); longer input is not a JWT APIM would accept.
const MAX_TOKEN_LENGTH: usize = 1 << 20;

/// Decodes unpadded (or padded) base64url.
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    let trimmed = text.trim_end_matches('=');
    for b in trimmed.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xFF).unwrap_or(0));
        }
    }
    // A single leftover symbol cannot encode a byte.
    if trimmed.len() % 4 == 1 {
        return None;
    }
    Some(out)
}

fn object(part: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = base64url(part)?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The text of one claim value, as a .NET `Claim.Value`.
fn claim_text(value: &serde_json::Value) -> Arc<str> {
    match value {
        serde_json::Value::String(s) => Arc::from(s.as_str()),
        serde_json::Value::Null => Arc::from(""),
        other => Arc::from(other.to_string()),
    }
}

fn claim_values(value: &serde_json::Value) -> Arc<[Option<Arc<str>>]> {
    match value {
        serde_json::Value::Array(items) => items.iter().map(|v| Some(claim_text(v))).collect(),
        other => Arc::from([Some(claim_text(other))]),
    }
}

fn text(map: &serde_json::Map<String, serde_json::Value>, key: &str) -> Option<Arc<str>> {
    map.get(key).map(claim_text)
}

#[allow(clippy::cast_possible_truncation)]
fn time(map: &serde_json::Map<String, serde_json::Value>, key: &str) -> Option<DateTime> {
    let seconds = match map.get(key)? {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?,
        serde_json::Value::String(s) => s.trim().parse::<i64>().ok()?,
        _ => return None,
    };
    Some(DateTime::from_unix_seconds(seconds))
}

/// Parses a compact JWS (`header.payload.signature`), optionally after `Bearer `; `None` when
/// the text is not one.
pub(crate) fn parse(input: &str) -> Option<Jwt> {
    let mut token = input.trim();
    if token.len() > MAX_TOKEN_LENGTH {
        return None;
    }
    if let Some((scheme, rest)) = token.split_once(' ')
        && scheme.eq_ignore_ascii_case("bearer")
    {
        token = rest.trim();
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let header = object(header)?;
    let payload = object(payload)?;
    let audiences = payload
        .get("aud")
        .map_or_else(|| Arc::from([]), claim_values);
    Some(Jwt {
        algorithm: text(&header, "alg"),
        token_type: text(&header, "typ"),
        audiences,
        claims: payload
            .iter()
            .map(|(k, v)| (Arc::from(k.as_str()), claim_values(v)))
            .collect(),
        expiration: time(&payload, "exp"),
        issued_at: time(&payload, "iat"),
        not_before: time(&payload, "nbf"),
        id: text(&payload, "jti"),
        issuer: text(&payload, "iss"),
        subject: text(&payload, "sub"),
    })
}

fn jwt_of<'v>(t: &'v Value<'_>) -> Option<&'v Arc<Jwt>> {
    match t {
        Value::Jwt(j) | Value::JwtClaims(j) => Some(j),
        _ => None,
    }
}

fn string(s: Option<&Arc<str>>) -> Value<'static> {
    s.map_or(Value::Null, |s| Value::String(Arc::clone(s)))
}

fn date(d: Option<DateTime>) -> Value<'static> {
    d.map_or(Value::Null, Value::DateTime)
}

fn claim<'v>(t: &'v Value<'_>, name: &str) -> Option<&'v Arc<[Option<Arc<str>>]>> {
    jwt_of(t)?
        .claims
        .iter()
        .find(|(k, _)| &**k == name)
        .map(|(_, v)| v)
}

fn joined(values: &[Option<Arc<str>>]) -> Value<'static> {
    let parts: Vec<&str> = values.iter().map(|v| v.as_deref().unwrap_or("")).collect();
    owned(parts.join(","))
}

fn key_arg<'v>(a: &'v [Value<'_>]) -> Result<&'v str, Exception> {
    a.first()
        .and_then(Value::as_str)
        .ok_or_else(|| argument_null("key"))
}

macro_rules! member {
    ($name:literal, $ty:expr, |$j:ident| $body:expr) => {
        MemberDef {
            name: $name,
            owner: Type::Jwt,
            ty: $ty,
            get: |t, _| Ok(jwt_of(t).map_or(Value::Null, |$j| $body)),
        }
    };
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    member!("Algorithm", Type::String, |j| string(j.algorithm.as_ref())),
    member!("Type", Type::String, |j| string(j.token_type.as_ref())),
    member!("Id", Type::String, |j| string(j.id.as_ref())),
    member!("Issuer", Type::String, |j| string(j.issuer.as_ref())),
    member!("Subject", Type::String, |j| string(j.subject.as_ref())),
    member!("ExpirationTime", Type::DateTime, |j| date(j.expiration)),
    member!("IssuedAt", Type::DateTime, |j| date(j.issued_at)),
    member!("NotBefore", Type::DateTime, |j| date(j.not_before)),
    member!("Audiences", Type::Sequence(&Type::String), |j| {
        Value::Strings(Arc::clone(&j.audiences))
    }),
    member!("Claims", Type::JwtClaims, |j| Value::JwtClaims(Arc::clone(
        j
    ))),
    MemberDef {
        name: "Count",
        owner: Type::JwtClaims,
        ty: Type::Int32,
        get: |t, _| {
            Ok(jwt_of(t).map_or(Value::Null, |j| {
                Value::Int(i32::try_from(j.claims.len()).unwrap_or(i32::MAX))
            }))
        },
    },
    MemberDef {
        name: "Keys",
        owner: Type::JwtClaims,
        ty: Type::Sequence(&Type::String),
        get: |t, _| {
            Ok(jwt_of(t).map_or(Value::Null, |j| {
                Value::Strings(j.claims.iter().map(|(k, _)| Some(Arc::clone(k))).collect())
            }))
        },
    },
];

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "AsJwt",
        owner: Type::String,
        params: &[],
        result: Type::Jwt,
        call: |t, _, _| {
            Ok(t.as_str()
                .and_then(parse)
                .map_or(Value::Null, |j| Value::Jwt(Arc::new(j))))
        },
    },
    MethodDef {
        name: "GetValueOrDefault",
        owner: Type::JwtClaims,
        params: &[Type::String, Type::String],
        result: Type::String,
        call: |t, a, _| {
            Ok(match claim(t, key_arg(a)?) {
                Some(values) => joined(values),
                None => a.get(1).cloned().unwrap_or(Value::Null),
            })
        },
    },
    MethodDef {
        name: "GetValueOrDefault",
        owner: Type::JwtClaims,
        params: &[Type::String],
        result: Type::String,
        call: |t, a, _| Ok(claim(t, key_arg(a)?).map_or(Value::Null, |v| joined(v))),
    },
    MethodDef {
        name: "ContainsKey",
        owner: Type::JwtClaims,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, a, _| Ok(Value::Bool(claim(t, key_arg(a)?).is_some())),
    },
    MethodDef {
        name: "ToString",
        owner: Type::Jwt,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(t.to_display_string())),
    },
];

pub(crate) const INDEXERS: &[IndexerDef] = &[IndexerDef {
    owner: Type::JwtClaims,
    index: Type::String,
    result: Type::StringArray,
    get: |t, i| {
        let key = i.as_str().ok_or_else(|| argument_null("key"))?;
        claim(t, key)
            .map(|v| Value::Strings(Arc::clone(v)))
            .ok_or_else(|| {
                Exception::new(
                    ExceptionKind::KeyNotFound,
                    format!("The given key '{key}' was not present in the dictionary."),
                    Span::default(),
                )
            })
    },
}];

pub(crate) const EXTENSION_OUT_METHODS: &[ExtensionOutMethodDef] = &[ExtensionOutMethodDef {
    name: "TryParseJwt",
    owner: Type::String,
    params: &[],
    out: Type::Jwt,
    result: Type::Boolean,
    call: |a, _| {
        Ok(match a.first().and_then(Value::as_str).and_then(parse) {
            Some(j) => (Value::Bool(true), Value::Jwt(Arc::new(j))),
            None => (Value::Bool(false), Value::Null),
        })
    },
}];
