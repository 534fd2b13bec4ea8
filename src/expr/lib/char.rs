//! `char`: the classification statics (`char.IsDigit`, `IsLetter`, ...), case mapping, and
//! `ToString()`.
//!
//! Classification uses Rust's Unicode properties: they agree with .NET for ASCII and the common
//! scripts; for rare characters `IsDigit` follows Rust's `is_numeric` (also letter-like numbers
//! such as `½`, which .NET's `DecimalDigitNumber` test rejects) and `IsLetter`/`IsUpper`/
//! `IsLower` follow the `Alphabetic`/`Uppercase`/`Lowercase` properties.

use super::string::{lower, owned, upper};
use super::{MemberDef, MethodDef, StaticMethodDef};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

fn ch(args: &[Value<'_>]) -> char {
    match args.first() {
        Some(Value::Char(c)) => *c,
        _ => '\0',
    }
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

macro_rules! test {
    ($name:literal, $f:expr) => {
        StaticMethodDef {
            name: $name,
            owner: StaticType::Char,
            params: &[Type::Char],
            result: Type::Boolean,
            call: |a, _| {
                let f: fn(char) -> bool = $f;
                Ok(Value::Bool(f(ch(a))))
            },
        }
    };
}

pub(crate) const MEMBERS: &[MemberDef] = &[];

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "ToString",
        owner: Type::Char,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(t.to_display_string())),
    },
    MethodDef {
        name: "Equals",
        owner: Type::Char,
        params: &[Type::Char],
        result: Type::Boolean,
        call: |t, a, _| Ok(Value::Bool(matches!(t, Value::Char(c) if *c == ch(a)))),
    },
];

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    test!("IsDigit", is_digit),
    test!("IsNumber", char::is_numeric),
    test!("IsLetter", char::is_alphabetic),
    test!("IsLetterOrDigit", |c| c.is_alphabetic() || is_digit(c)),
    test!("IsWhiteSpace", char::is_whitespace),
    test!("IsUpper", char::is_uppercase),
    test!("IsLower", char::is_lowercase),
    test!("IsControl", char::is_control),
    test!("IsPunctuation", |c| c.is_ascii_punctuation()
        && !matches!(
            c,
            '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~'
        )),
    StaticMethodDef {
        name: "ToUpper",
        owner: StaticType::Char,
        params: &[Type::Char],
        result: Type::Char,
        call: |a, _| Ok(Value::Char(upper(ch(a)))),
    },
    StaticMethodDef {
        name: "ToLower",
        owner: StaticType::Char,
        params: &[Type::Char],
        result: Type::Char,
        call: |a, _| Ok(Value::Char(lower(ch(a)))),
    },
    StaticMethodDef {
        name: "ToUpperInvariant",
        owner: StaticType::Char,
        params: &[Type::Char],
        result: Type::Char,
        call: |a, _| Ok(Value::Char(upper(ch(a)))),
    },
    StaticMethodDef {
        name: "ToLowerInvariant",
        owner: StaticType::Char,
        params: &[Type::Char],
        result: Type::Char,
        call: |a, _| Ok(Value::Char(lower(ch(a)))),
    },
    StaticMethodDef {
        name: "ToString",
        owner: StaticType::Char,
        params: &[Type::Char],
        result: Type::String,
        call: |a, _| Ok(owned(ch(a).to_string())),
    },
];
