//! APIM's `AsBasic()` string extension: an HTTP Basic `Authorization` header value to
//! `BasicAuthCredentials { UserId, Password }`, or `null` when it is not one; and
//! `TryParseBasic(out BasicAuthCredentials)`.

use std::sync::Arc;

use super::{ExtensionOutMethodDef, MemberDef, MethodDef};
use crate::expr::types::Type;
use crate::expr::value::Value;

/// Parses `Basic <base64(user:password)>`; `None` for anything else.
fn parse(header: &str) -> Option<(Arc<str>, Arc<str>)> {
    let (scheme, token) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bytes = super::convert::from_base64(token.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((Arc::from(user), Arc::from(password)))
}

pub(crate) const METHODS: &[MethodDef] = &[MethodDef {
    name: "AsBasic",
    owner: Type::String,
    params: &[],
    result: Type::BasicAuthCredentials,
    call: |t, _, _| {
        Ok(t.as_str()
            .and_then(parse)
            .map_or(Value::Null, |(u, p)| Value::Basic(Arc::new((u, p)))))
    },
}];

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "UserId",
        owner: Type::BasicAuthCredentials,
        ty: Type::String,
        get: |t, _| match t {
            Value::Basic(c) => Ok(Value::String(Arc::clone(&c.0))),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Password",
        owner: Type::BasicAuthCredentials,
        ty: Type::String,
        get: |t, _| match t {
            Value::Basic(c) => Ok(Value::String(Arc::clone(&c.1))),
            _ => Ok(Value::Null),
        },
    },
];

pub(crate) const EXTENSION_OUT_METHODS: &[ExtensionOutMethodDef] = &[ExtensionOutMethodDef {
    name: "TryParseBasic",
    owner: Type::String,
    params: &[],
    out: Type::BasicAuthCredentials,
    result: Type::Boolean,
    call: |a, _| {
        Ok(match a.first().and_then(Value::as_str).and_then(parse) {
            Some((u, p)) => (Value::Bool(true), Value::Basic(Arc::new((u, p)))),
            None => (Value::Bool(false), Value::Null),
        })
    },
}];
