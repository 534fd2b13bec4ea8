//! `System.Text.Encoding` (`Encoding.UTF8`, `.ASCII`, `.Unicode` with `GetBytes(string)` and
//! `GetString(byte[])`) and `BitConverter.ToString(byte[])`.
//!
//! Invalid input is replaced as .NET's default replacement fallbacks do: `?` for characters
//! ASCII cannot encode and for bytes above 0x7F, U+FFFD for malformed UTF-8/UTF-16.

use super::convert::bytes_of;
use super::string::{argument_null, owned};
use super::{MethodDef, StaticDef, StaticMethodDef};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

/// A text encoding `Encoding.X` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextEncoding {
    /// `Encoding.UTF8`
    Utf8,
    /// `Encoding.ASCII`
    Ascii,
    /// `Encoding.Unicode` (UTF-16 little endian)
    Unicode,
}

impl TextEncoding {
    /// The .NET runtime type name (`ToString()` of the encoding object).
    pub fn type_name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "System.Text.UTF8Encoding+UTF8EncodingSealed",
            TextEncoding::Ascii => "System.Text.ASCIIEncoding+ASCIIEncodingSealed",
            TextEncoding::Unicode => "System.Text.UnicodeEncoding",
        }
    }

    /// `GetBytes(string)`.
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            TextEncoding::Utf8 => text.as_bytes().to_vec(),
            TextEncoding::Ascii => text
                .chars()
                .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
                .collect(),
            TextEncoding::Unicode => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        }
    }

    /// `GetString(byte[])`.
    pub fn decode(self, bytes: &[u8]) -> String {
        match self {
            TextEncoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            TextEncoding::Ascii => bytes
                .iter()
                .map(|b| if b.is_ascii() { char::from(*b) } else { '?' })
                .collect(),
            TextEncoding::Unicode => {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|p| {
                        u16::from_le_bytes([
                            p.first().copied().unwrap_or(0),
                            p.get(1).copied().unwrap_or(0),
                        ])
                    })
                    .collect();
                let mut s = String::from_utf16_lossy(&units);
                if bytes.len() % 2 == 1 {
                    s.push('\u{FFFD}');
                }
                s
            }
        }
    }
}

fn encoding(t: &Value<'_>) -> TextEncoding {
    match t {
        Value::Encoding(e) => *e,
        _ => TextEncoding::Utf8,
    }
}

pub(crate) const STATICS: &[StaticDef] = &[
    StaticDef {
        name: "UTF8",
        owner: StaticType::Encoding,
        ty: Type::Encoding,
        get: |_| Ok(Value::Encoding(TextEncoding::Utf8)),
    },
    StaticDef {
        name: "ASCII",
        owner: StaticType::Encoding,
        ty: Type::Encoding,
        get: |_| Ok(Value::Encoding(TextEncoding::Ascii)),
    },
    StaticDef {
        name: "Unicode",
        owner: StaticType::Encoding,
        ty: Type::Encoding,
        get: |_| Ok(Value::Encoding(TextEncoding::Unicode)),
    },
];

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "GetBytes",
        owner: Type::Encoding,
        params: &[Type::String],
        result: Type::ByteArray,
        call: |t, a, _| {
            let s = a
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| argument_null("s"))?;
            Ok(Value::ByteArray(encoding(t).encode(s).into()))
        },
    },
    MethodDef {
        name: "GetString",
        owner: Type::Encoding,
        params: &[Type::ByteArray],
        result: Type::String,
        call: |t, a, _| {
            let b = bytes_of(a.first()).ok_or_else(|| argument_null("bytes"))?;
            Ok(owned(encoding(t).decode(b)))
        },
    },
    MethodDef {
        name: "GetByteCount",
        owner: Type::Encoding,
        params: &[Type::String],
        result: Type::Int32,
        call: |t, a, _| {
            let s = a
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| argument_null("s"))?;
            Ok(Value::Int(
                i32::try_from(encoding(t).encode(s).len()).unwrap_or(i32::MAX),
            ))
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::Encoding,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(t.to_display_string())),
    },
];

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[StaticMethodDef {
    name: "ToString",
    owner: StaticType::BitConverter,
    params: &[Type::ByteArray],
    result: Type::String,
    call: |a, _| {
        let b = bytes_of(a.first()).ok_or_else(|| argument_null("value"))?;
        let parts: Vec<String> = b.iter().map(|x| format!("{x:02X}")).collect();
        Ok(owned(parts.join("-")))
    },
}];
