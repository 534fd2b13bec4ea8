//! `System.Guid`: `Guid.NewGuid()` (random version 4 from the OS generator), `Guid.Parse`,
//! `Guid.TryParse`, `Guid.Empty`, and `ToString(format)` for the `D`, `N`, `B`, `P`, `X`
//! formats. Parsing accepts the `D`, `N`, `B` and `P` forms (not `X`).

use super::string::{argument_null, format_error, owned};
use super::{MethodDef, OutMethodDef, StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::{Value, format_guid};

/// `Guid.ToString(format)`.
pub(crate) fn format(g: &[u8; 16], spec: &str) -> Result<String, Exception> {
    let d = format_guid(g);
    Ok(match spec {
        "" | "D" | "d" => d,
        "N" | "n" => d.replace('-', ""),
        "B" | "b" => format!("{{{d}}}"),
        "P" | "p" => format!("({d})"),
        "X" | "x" => {
            let n = d.replace('-', "");
            let part = |a: usize, b: usize| n.get(a..b).unwrap_or("");
            let rest: Vec<String> = (0..8)
                .map(|i| format!("0x{}", part(16 + 2 * i, 18 + 2 * i)))
                .collect();
            format!(
                "{{0x{},0x{},0x{},{{{}}}}}",
                part(0, 8),
                part(8, 12),
                part(12, 16),
                rest.join(",")
            )
        }
        _ => {
            return Err(format_error(
                "Format string can be only \"D\", \"d\", \"N\", \"n\", \"P\", \"p\", \"B\", \"b\", \"X\" or \"x\".",
            ));
        }
    })
}

/// `Guid.Parse`: the `D`, `N`, `B` and `P` forms, surrounding white space allowed.
pub(crate) fn parse(input: &str) -> Result<[u8; 16], Exception> {
    let s = input.trim();
    let unrecognized = || format_error("Unrecognized Guid format.");
    let inner = match (s.len(), s.chars().next(), s.chars().last()) {
        (38, Some('{'), Some('}')) | (38, Some('('), Some(')')) => s.get(1..37).unwrap_or(""),
        (36, _, _) | (32, _, _) => s,
        _ => return Err(unrecognized()),
    };
    let hex: String = if inner.len() == 36 {
        let dashes = [8, 13, 18, 23];
        for (i, c) in inner.char_indices() {
            if (c == '-') != dashes.contains(&i) {
                return Err(format_error(
                    "Dashes are in the wrong position for GUID parsing.",
                ));
            }
        }
        inner.chars().filter(|c| *c != '-').collect()
    } else if s.len() == 32 {
        inner.to_owned()
    } else {
        return Err(unrecognized());
    };
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format_error(
            "Guid string should only contain hexadecimal characters.",
        ));
    }
    let byte = |i: usize| {
        hex.get(2 * i..2 * i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    let mut g = [0u8; 16];
    // Text order is big-endian; .NET stores the first three groups little-endian.
    let order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    for (slot, text_index) in g.iter_mut().zip(order) {
        *slot = byte(text_index);
    }
    Ok(g)
}

/// A random version-4 GUID.
fn new_guid() -> Result<[u8; 16], Exception> {
    let mut g = [0u8; 16];
    getrandom::fill(&mut g).map_err(|e| {
        Exception::new(
            ExceptionKind::InvalidOperation,
            format!("No random source: {e}"),
            Span::default(),
        )
    })?;
    if let Some(b) = g.get_mut(7) {
        *b = (*b & 0x0F) | 0x40;
    }
    if let Some(b) = g.get_mut(8) {
        *b = (*b & 0x3F) | 0x80;
    }
    Ok(g)
}

pub(crate) const STATICS: &[StaticDef] = &[StaticDef {
    name: "Empty",
    owner: StaticType::Guid,
    ty: Type::Guid,
    get: |_| Ok(Value::Guid([0; 16])),
}];

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "NewGuid",
        owner: StaticType::Guid,
        params: &[],
        result: Type::Guid,
        call: |_, _| Ok(Value::Guid(new_guid()?)),
    },
    StaticMethodDef {
        name: "Parse",
        owner: StaticType::Guid,
        params: &[Type::String],
        result: Type::Guid,
        call: |a, _| {
            let s = a
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| argument_null("input"))?;
            Ok(Value::Guid(parse(s)?))
        },
    },
];

pub(crate) const OUT_METHODS: &[OutMethodDef] = &[OutMethodDef {
    name: "TryParse",
    owner: StaticType::Guid,
    params: &[Type::String],
    out: Type::Guid,
    result: Type::Boolean,
    call: |a, _| {
        let parsed = a
            .first()
            .and_then(Value::as_str)
            .and_then(|s| parse(s).ok());
        Ok(match parsed {
            Some(g) => (Value::Bool(true), Value::Guid(g)),
            None => (Value::Bool(false), Value::Guid([0; 16])),
        })
    },
}];

pub(crate) const METHODS: &[MethodDef] = &[MethodDef {
    name: "ToString",
    owner: Type::Guid,
    params: &[Type::String],
    result: Type::String,
    call: |t, a, _| match t {
        Value::Guid(g) => Ok(owned(format(
            g,
            a.first().and_then(Value::as_str).unwrap_or(""),
        )?)),
        _ => Ok(Value::Null),
    },
}];
