//! `System.Uri` instances: `new Uri(string)` for absolute URIs, and the parts .NET names
//! (`Scheme`, `Host`, `Port`, `AbsolutePath`, `Query`, `PathAndQuery`, `AbsoluteUri`, ...).
//! Parsing follows the WHATWG URL standard (the `url` crate), which agrees with .NET's `Uri`
//! for the http(s) URLs policies handle; the static `Uri.EscapeDataString` family is in
//! `web.rs`.

use std::sync::Arc;

use super::{ConstructorDef, MemberDef, MethodDef};
use crate::context::Context;
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::Type;
use crate::expr::value::Value;

/// An absolute `System.Uri`: the parsed URL and the text it was made from.
#[derive(Debug, Clone)]
pub struct UriValue {
    url: url::Url,
    original: Box<str>,
}

fn uri_format(message: &'static str) -> Exception {
    Exception::new(ExceptionKind::UriFormat, message, Span::default())
}

/// `new Uri(text)`: absolute URIs only (a relative one needs `UriKind`, which is not offered).
fn construct<'a>(args: &[Value<'a>], _: &'a Context) -> Result<Value<'a>, Exception> {
    let Some(text) = args.first().and_then(Value::as_str) else {
        return Err(Exception::new(
            ExceptionKind::ArgumentNull,
            "Value cannot be null. (Parameter 'uriString')",
            Span::default(),
        ));
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(uri_format("Invalid URI: The URI is empty."));
    }
    let url = url::Url::parse(trimmed)
        .map_err(|_| uri_format("Invalid URI: The format of the URI could not be determined."))?;
    Ok(Value::Uri(Arc::new(UriValue {
        url,
        original: text.into(),
    })))
}

pub(crate) const CONSTRUCTORS: &[ConstructorDef] = &[ConstructorDef {
    type_name: "Uri",
    params: &[Type::String],
    result: Type::Uri,
    call: construct,
}];

fn uri<'v>(value: &'v Value<'_>) -> Option<&'v UriValue> {
    match value {
        Value::Uri(u) => Some(u),
        _ => None,
    }
}

fn text(s: impl Into<Arc<str>>) -> Value<'static> {
    Value::String(s.into())
}

fn query(url: &url::Url) -> String {
    url.query().map_or_else(String::new, |q| format!("?{q}"))
}

fn port(url: &url::Url) -> i32 {
    url.port_or_known_default().map_or(-1, i32::from)
}

fn authority(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// `Segments`: the path split after each `/` (`/a/b` → `/`, `a/`, `b`).
fn segments(path: &str) -> Vec<Option<Arc<str>>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in path.char_indices() {
        if c == '/' {
            out.push(path.get(start..=i).map(Arc::from));
            start = i + 1;
        }
    }
    if let Some(rest) = path.get(start..)
        && !rest.is_empty()
    {
        out.push(Some(Arc::from(rest)));
    }
    out
}

/// `ToString()`: the canonical form with escapes of characters that need none decoded (a
/// `%20` shows as a space); reserved characters stay escaped.
fn display(url: &url::Url) -> String {
    let raw = url.as_str();
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| char::from(*c).to_digit(16));
        if b == b'%'
            && let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2))
        {
            let decoded = u8::try_from(h * 16 + l).unwrap_or(b'%');
            let reserved = b":/?#[]@!$&'()*+,;=%".contains(&decoded);
            if (0x20..0x7F).contains(&decoded) && !reserved {
                out.push(decoded);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| raw.to_owned())
}

macro_rules! uri_member {
    ($name:literal, $ty:expr, |$u:ident| $body:expr) => {
        MemberDef {
            name: $name,
            owner: Type::Uri,
            ty: $ty,
            get: |t, _| Ok(uri(t).map_or(Value::Null, |$u| $body)),
        }
    };
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    uri_member!("AbsoluteUri", Type::String, |u| text(u.url.as_str())),
    uri_member!("Scheme", Type::String, |u| text(u.url.scheme())),
    uri_member!("Host", Type::String, |u| text(
        u.url.host_str().unwrap_or("")
    )),
    uri_member!("Port", Type::Int32, |u| Value::Int(port(&u.url))),
    uri_member!("IsDefaultPort", Type::Boolean, |u| Value::Bool(
        u.url.port().is_none()
    )),
    uri_member!("AbsolutePath", Type::String, |u| text(u.url.path())),
    uri_member!("Query", Type::String, |u| text(query(&u.url))),
    uri_member!("Fragment", Type::String, |u| text(
        u.url
            .fragment()
            .map_or_else(String::new, |f| format!("#{f}"))
    )),
    uri_member!("PathAndQuery", Type::String, |u| text(format!(
        "{}{}",
        u.url.path(),
        query(&u.url)
    ))),
    uri_member!("Authority", Type::String, |u| text(authority(&u.url))),
    uri_member!("UserInfo", Type::String, |u| text(match u.url.password() {
        Some(p) => format!("{}:{p}", u.url.username()),
        None => u.url.username().to_owned(),
    })),
    uri_member!("OriginalString", Type::String, |u| text(&*u.original)),
    uri_member!("IsAbsoluteUri", Type::Boolean, |_u| Value::Bool(true)),
    uri_member!("Segments", Type::StringArray, |u| Value::Strings(
        Arc::from(segments(u.url.path()))
    )),
];

pub(crate) const METHODS: &[MethodDef] = &[MethodDef {
    name: "ToString",
    owner: Type::Uri,
    params: &[],
    result: Type::String,
    call: |t, _, _| Ok(uri(t).map_or(Value::Null, |u| text(display(&u.url)))),
}];

/// `Uri.ToString()` for a value (the policy attribute's text).
pub(crate) fn uri_to_string(value: &UriValue) -> String {
    display(&value.url)
}

/// The URL `Uri.Equals` compares: without user info and fragment.
fn comparable(u: &UriValue) -> url::Url {
    let mut url = u.url.clone();
    url.set_fragment(None);
    // Setting user info fails only for URLs that cannot have it, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url
}

/// `Uri == Uri` (`Uri.Equals`): equal when the canonical URIs match, ignoring user info and
/// fragment; `null` equals only `null`. (`Equal` or not: `Uri` has no ordering.)
pub(crate) fn ordering(a: &Value<'_>, b: &Value<'_>) -> Option<std::cmp::Ordering> {
    let equal = match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Uri(x), Value::Uri(y)) => comparable(x) == comparable(y),
        _ => false,
    };
    Some(if equal {
        std::cmp::Ordering::Equal
    } else {
        std::cmp::Ordering::Less
    })
}
