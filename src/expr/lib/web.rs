//! URL and HTML encoding: `System.Net.WebUtility` (`UrlEncode`, `UrlDecode`, `HtmlEncode`,
//! `HtmlDecode`) and `System.Uri` (`EscapeDataString`, `UnescapeDataString`), with .NET's
//! character sets.

use std::sync::Arc;

use super::StaticMethodDef;
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

fn owned(s: String) -> Value<'static> {
    Value::String(Arc::from(s))
}

/// Percent-encodes every byte of `text` not kept by `keep`; `space_plus` writes ' ' as '+'.
fn encode(text: &str, keep: fn(u8) -> bool, space_plus: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if space_plus && b == b' ' {
            out.push('+');
        } else if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` (and `+` as a space when `plus_space`); malformed escapes stay as written;
/// bytes that are not UTF-8 become U+FFFD.
fn decode(text: &str, plus_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| char::from(*c).to_digit(16));
        match b {
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                    i += 3;
                    continue;
                }
                _ => out.push(b),
            },
            b'+' if plus_space => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn html_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{A0}'..='\u{FF}' => out.push_str(&format!("&#{};", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

fn html_decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp..).unwrap_or("");
        let Some(semi) = after.find(';').filter(|s| *s <= 10) else {
            out.push('&');
            rest = after.get(1..).unwrap_or("");
            continue;
        };
        let entity = after.get(1..semi).unwrap_or("");
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{A0}'),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after.get(semi + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

fn text_arg<'v>(args: &'v [Value<'_>]) -> Option<&'v str> {
    args.first().and_then(Value::as_str)
}

fn required<'v>(args: &'v [Value<'_>]) -> Result<&'v str, Exception> {
    text_arg(args).ok_or_else(|| {
        Exception::new(
            ExceptionKind::ArgumentNull,
            "Value cannot be null. (Parameter 'stringToEscape')",
            Span::default(),
        )
    })
}

macro_rules! web {
    ($owner:ident, $name:literal, |$args:ident| $e:expr) => {
        StaticMethodDef {
            name: $name,
            owner: StaticType::$owner,
            params: &[Type::String],
            result: Type::String,
            call: |$args, _| $e,
        }
    };
}

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    // WebUtility: null in, null out.
    web!(WebUtility, "UrlEncode", |a| Ok(text_arg(a).map_or(
        Value::Null,
        |t| {
            owned(encode(
                t,
                |b| b.is_ascii_alphanumeric() || b"-_.!*()".contains(&b),
                true,
            ))
        }
    ))),
    web!(WebUtility, "UrlDecode", |a| Ok(
        text_arg(a).map_or(Value::Null, |t| owned(decode(t, true)))
    )),
    web!(WebUtility, "HtmlEncode", |a| Ok(
        text_arg(a).map_or(Value::Null, |t| owned(html_encode(t)))
    )),
    web!(WebUtility, "HtmlDecode", |a| Ok(
        text_arg(a).map_or(Value::Null, |t| owned(html_decode(t)))
    )),
    // Uri: RFC 3986 unreserved characters are kept.
    web!(Uri, "EscapeDataString", |a| Ok(owned(encode(
        required(a)?,
        |b| b.is_ascii_alphanumeric() || b"-._~".contains(&b),
        false
    )))),
    web!(Uri, "UnescapeDataString", |a| Ok(owned(decode(
        required(a)?,
        false
    )))),
];
