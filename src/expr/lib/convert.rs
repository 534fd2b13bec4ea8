//! `System.Convert`: Base64 (`ToBase64String`, `FromBase64String`), hex (`ToHexString`,
//! `FromHexString`), `ToString(value, toBase)`, and the common numeric,
//! boolean and string conversions with .NET's rules (`ToInt32(string)` parses like `int.Parse`
//! but gives 0 for `null`; `ToInt32(double)` rounds half to even and throws `OverflowException`
//! out of range).

use super::StaticMethodDef;
use super::numbers::{parse_bool, parse_double, parse_integer};
use super::string::{argument_null, format_error, int_of, owned};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

use Type::{
    Boolean as B, ByteArray as BA, Double as D, Int32 as I, Int64 as L, Object as O, String as S,
};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard Base64 with padding, as `Convert.ToBase64String`.
pub(crate) fn to_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    let sym = |i: u32| char::from(ALPHABET.get((i & 63) as usize).copied().unwrap_or(b'A'));
    for chunk in bytes.chunks(3) {
        let b0 = u32::from(chunk.first().copied().unwrap_or(0));
        let b1 = u32::from(chunk.get(1).copied().unwrap_or(0));
        let b2 = u32::from(chunk.get(2).copied().unwrap_or(0));
        let n = (b0 << 16) | (b1 << 8) | b2;
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if chunk.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(n) } else { '=' });
    }
    out
}

fn bad_base64() -> Exception {
    format_error(
        "The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters.",
    )
}

/// `Convert.FromBase64String`: white space is ignored; at most two `=` at the end.
pub(crate) fn from_base64(text: &str) -> Result<Vec<u8>, Exception> {
    let symbols: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .collect();
    if !symbols.len().is_multiple_of(4) {
        return Err(bad_base64());
    }
    let padding = symbols.iter().rev().take_while(|b| **b == b'=').count();
    if padding > 2 {
        return Err(bad_base64());
    }
    let data = symbols.get(..symbols.len() - padding).unwrap_or(&[]);
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in data {
        let v = ALPHABET
            .iter()
            .position(|a| a == b)
            .ok_or_else(bad_base64)?;
        acc = (acc << 6) | u32::try_from(v).unwrap_or(0);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    Ok(out)
}

/// The bytes of a `byte[]` value.
pub(crate) fn bytes_of<'v>(value: Option<&'v Value<'_>>) -> Option<&'v [u8]> {
    match value {
        Some(Value::Bytes(b)) => Some(b),
        Some(Value::ByteArray(b)) => Some(b),
        _ => None,
    }
}

fn overflow(type_name: &str) -> Exception {
    Exception::new(
        ExceptionKind::Overflow,
        format!("Value was either too large or too small for an {type_name}."),
        Span::default(),
    )
}

/// `Convert.ToInt64`/`ToInt32` of any supported value, within `[min, max]`.
fn to_integer(value: Option<&Value<'_>>, min: i64, max: i64, name: &str) -> Result<i64, Exception> {
    let v = match value {
        None | Some(Value::Null) => 0,
        Some(Value::Str(s)) => parse_integer(s, min, max, name)?,
        Some(Value::String(s)) => parse_integer(s, min, max, name)?,
        Some(Value::Bool(b)) => i64::from(*b),
        Some(Value::Double(d)) => {
            let r = d.round_ties_even();
            #[allow(clippy::cast_precision_loss)]
            if r.is_nan() || r < min as f64 || r > max as f64 || r >= 9.223_372_036_854_776e18 {
                return Err(overflow(name));
            }
            r as i64
        }
        Some(Value::Decimal(d)) => {
            super::decimal::to_integer(*d, min, max).ok_or_else(|| overflow(name))?
        }
        other => int_of(other),
    };
    if v < min || v > max {
        return Err(overflow(name));
    }
    Ok(v)
}

fn to_double(value: Option<&Value<'_>>) -> Result<f64, Exception> {
    Ok(match value {
        None | Some(Value::Null) => 0.0,
        Some(Value::Str(s)) => parse_double(s)?,
        Some(Value::String(s)) => parse_double(s)?,
        Some(Value::Bool(b)) => f64::from(u8::from(*b)),
        Some(Value::Double(d)) => *d,
        Some(Value::Decimal(d)) => super::decimal::to_double(*d),
        #[allow(clippy::cast_precision_loss)]
        other => int_of(other) as f64,
    })
}

fn to_boolean(value: Option<&Value<'_>>) -> Result<bool, Exception> {
    Ok(match value {
        None | Some(Value::Null) => false,
        Some(Value::Str(s)) => parse_bool(s)?,
        Some(Value::String(s)) => parse_bool(s)?,
        Some(Value::Bool(b)) => *b,
        Some(Value::Double(d)) => *d != 0.0,
        Some(Value::Decimal(d)) => !d.is_zero(),
        other => int_of(other) != 0,
    })
}

fn bad_hex(message: &str) -> Exception {
    format_error(format!("The input is not a valid hex string as {message}"))
}

/// `Convert.FromHexString`.
fn from_hex(text: &str) -> Result<Vec<u8>, Exception> {
    if !text.len().is_multiple_of(2) {
        return Err(bad_hex("its length is not a multiple of 2."));
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .filter(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| bad_hex("it contains a non-hex character."))
        })
        .collect()
}

/// `Convert.ToString(value, toBase)` for bases 2, 8, 10 and 16 (two's complement of the
/// type's width for negative values outside base 10).
fn to_base(value: i64, bits: u32, base: i64) -> Result<String, Exception> {
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let raw = (value as u64) & mask;
    Ok(match base {
        10 => value.to_string(),
        2 => format!("{raw:b}"),
        8 => format!("{raw:o}"),
        16 => format!("{raw:x}"),
        _ => {
            return Err(Exception::new(
                ExceptionKind::Argument,
                "Invalid Base. (Parameter 'toBase')",
                Span::default(),
            ));
        }
    })
}

macro_rules! c {
    ($name:literal, [$($p:expr),*] => $r:expr, $f:expr) => {
        StaticMethodDef {
            name: $name,
            owner: StaticType::Convert,
            params: &[$($p),*],
            result: $r,
            call: $f,
        }
    };
}

fn int32(a: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    let v = to_integer(a.first(), i64::from(i32::MIN), i64::from(i32::MAX), "Int32")?;
    Ok(Value::Int(i32::try_from(v).unwrap_or(0)))
}

fn int64(a: &[Value<'_>]) -> Result<Value<'static>, Exception> {
    Ok(Value::Long(to_integer(
        a.first(),
        i64::MIN,
        i64::MAX,
        "Int64",
    )?))
}

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    c!("ToBase64String", [BA] => S, |a, _| {
        let bytes = bytes_of(a.first()).ok_or_else(|| argument_null("inArray"))?;
        Ok(owned(to_base64(bytes)))
    }),
    c!("FromBase64String", [S] => BA, |a, _| {
        let text = a.first().and_then(Value::as_str).ok_or_else(|| argument_null("s"))?;
        Ok(Value::ByteArray(from_base64(text)?.into()))
    }),
    c!("ToHexString", [BA] => S, |a, _| {
        let bytes = bytes_of(a.first()).ok_or_else(|| argument_null("inArray"))?;
        Ok(owned(bytes.iter().map(|b| format!("{b:02X}")).collect()))
    }),
    c!("FromHexString", [S] => BA, |a, _| {
        let text = a.first().and_then(Value::as_str).ok_or_else(|| argument_null("s"))?;
        Ok(Value::ByteArray(from_hex(text)?.into()))
    }),
    c!("ToString", [I, I] => S, |a, _| {
        Ok(owned(to_base(int_of(a.first()), 32, int_of(a.get(1)))?))
    }),
    c!("ToString", [L, I] => S, |a, _| {
        Ok(owned(to_base(int_of(a.first()), 64, int_of(a.get(1)))?))
    }),
    c!("ToInt32", [S] => I, |a, _| int32(a)),
    c!("ToInt32", [B] => I, |a, _| int32(a)),
    c!("ToInt32", [I] => I, |a, _| int32(a)),
    c!("ToInt32", [L] => I, |a, _| int32(a)),
    c!("ToInt32", [D] => I, |a, _| int32(a)),
    c!("ToInt32", [O] => I, |a, _| int32(a)),
    c!("ToInt64", [S] => L, |a, _| int64(a)),
    c!("ToInt64", [B] => L, |a, _| int64(a)),
    c!("ToInt64", [L] => L, |a, _| int64(a)),
    c!("ToInt64", [D] => L, |a, _| int64(a)),
    c!("ToInt64", [O] => L, |a, _| int64(a)),
    c!("ToDouble", [S] => D, |a, _| Ok(Value::Double(to_double(a.first())?))),
    c!("ToDouble", [B] => D, |a, _| Ok(Value::Double(to_double(a.first())?))),
    c!("ToDouble", [D] => D, |a, _| Ok(Value::Double(to_double(a.first())?))),
    c!("ToDouble", [O] => D, |a, _| Ok(Value::Double(to_double(a.first())?))),
    c!("ToBoolean", [S] => B, |a, _| Ok(Value::Bool(to_boolean(a.first())?))),
    c!("ToBoolean", [B] => B, |a, _| Ok(Value::Bool(to_boolean(a.first())?))),
    c!("ToBoolean", [D] => B, |a, _| Ok(Value::Bool(to_boolean(a.first())?))),
    c!("ToBoolean", [O] => B, |a, _| Ok(Value::Bool(to_boolean(a.first())?))),
    c!("ToString", [O] => S, |a, _| {
        Ok(owned(a.first().map(Value::to_display_string).unwrap_or_default()))
    }),
];

/// `BitConverter.GetBytes` of a value: its little-endian bytes, as .NET gives them on the
/// little-endian machines the gateway runs on.
fn get_bytes(value: Option<&Value<'_>>) -> Value<'static> {
    let bytes: Vec<u8> = match value {
        Some(Value::Bool(b)) => vec![u8::from(*b)],
        Some(Value::Char(c)) => u16::try_from(u32::from(*c))
            .unwrap_or(0xFFFD)
            .to_le_bytes()
            .to_vec(),
        Some(Value::Int(i)) => i.to_le_bytes().to_vec(),
        Some(Value::Byte(b)) => i32::from(*b).to_le_bytes().to_vec(),
        Some(Value::Long(l)) => l.to_le_bytes().to_vec(),
        Some(Value::Double(d)) => d.to_le_bytes().to_vec(),
        _ => Vec::new(),
    };
    Value::ByteArray(bytes.into())
}

/// `size` bytes of `args[0]` from `args[1]`, with .NET's argument checks.
fn read_bytes<const N: usize>(args: &[Value<'_>]) -> Result<[u8; N], Exception> {
    let bytes = bytes_of(args.first()).ok_or_else(|| argument_null("value"))?;
    let start = match args.get(1) {
        Some(Value::Int(i)) => *i,
        _ => 0,
    };
    let start = usize::try_from(start)
        .ok()
        .filter(|s| *s < bytes.len())
        .ok_or_else(|| {
            Exception::new(
                ExceptionKind::ArgumentOutOfRange,
                "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'startIndex')",
                Span::default(),
            )
        })?;
    bytes
        .get(start..)
        .and_then(|rest| rest.get(..N))
        .and_then(|slice| <[u8; N]>::try_from(slice).ok())
        .ok_or_else(|| {
            Exception::new(
                ExceptionKind::Argument,
                "Destination array is not long enough to copy all the items in the collection. Check array index and length. (Parameter 'value')",
                Span::default(),
            )
        })
}

/// `BitConverter.GetBytes`, `ToInt32`, `ToInt64`, `ToDouble`, `ToBoolean`.
pub(crate) const BIT_CONVERTER_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "GetBytes",
        owner: StaticType::BitConverter,
        params: &[B],
        result: BA,
        call: |a, _| Ok(get_bytes(a.first())),
    },
    StaticMethodDef {
        name: "GetBytes",
        owner: StaticType::BitConverter,
        params: &[Type::Char],
        result: BA,
        call: |a, _| Ok(get_bytes(a.first())),
    },
    StaticMethodDef {
        name: "GetBytes",
        owner: StaticType::BitConverter,
        params: &[I],
        result: BA,
        call: |a, _| Ok(get_bytes(a.first())),
    },
    StaticMethodDef {
        name: "GetBytes",
        owner: StaticType::BitConverter,
        params: &[L],
        result: BA,
        call: |a, _| Ok(get_bytes(a.first())),
    },
    StaticMethodDef {
        name: "GetBytes",
        owner: StaticType::BitConverter,
        params: &[D],
        result: BA,
        call: |a, _| Ok(get_bytes(a.first())),
    },
    StaticMethodDef {
        name: "ToInt32",
        owner: StaticType::BitConverter,
        params: &[BA, I],
        result: I,
        call: |a, _| Ok(Value::Int(i32::from_le_bytes(read_bytes::<4>(a)?))),
    },
    StaticMethodDef {
        name: "ToInt64",
        owner: StaticType::BitConverter,
        params: &[BA, I],
        result: L,
        call: |a, _| Ok(Value::Long(i64::from_le_bytes(read_bytes::<8>(a)?))),
    },
    StaticMethodDef {
        name: "ToDouble",
        owner: StaticType::BitConverter,
        params: &[BA, I],
        result: D,
        call: |a, _| Ok(Value::Double(f64::from_le_bytes(read_bytes::<8>(a)?))),
    },
    StaticMethodDef {
        name: "ToBoolean",
        owner: StaticType::BitConverter,
        params: &[BA, I],
        result: B,
        call: |a, _| Ok(Value::Bool(read_bytes::<1>(a)? != [0])),
    },
];

/// `BitConverter.IsLittleEndian`.
pub(crate) const BIT_CONVERTER_STATICS: &[super::StaticDef] = &[super::StaticDef {
    name: "IsLittleEndian",
    owner: StaticType::BitConverter,
    ty: B,
    get: |_| Ok(Value::Bool(true)),
}];
