//! `string`: the members the certificate policies lean on (ordinal comparisons, emptiness tests,
//! case changes). Culture-sensitive .NET methods are evaluated with invariant, ordinal rules.

use std::sync::Arc;

use super::{MemberDef, MethodDef, StaticDef, StaticMethodDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::Value;

fn text<'v>(value: &'v Value<'_>) -> Option<&'v str> {
    value.as_str()
}

fn arg_text<'v>(args: &'v [Value<'_>], name: &'static str) -> Result<&'v str, Exception> {
    args.first().and_then(Value::as_str).ok_or_else(|| {
        Exception::new(
            ExceptionKind::ArgumentNull,
            format!("Value cannot be null. (Parameter '{name}')"),
            Span::default(),
        )
    })
}

fn owned(s: String) -> Value<'static> {
    Value::String(Arc::from(s))
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Message",
        owner: Type::Exception,
        ty: Type::String,
        get: |t, _| Ok(t.clone()),
    },
    MemberDef {
        name: "Length",
        owner: Type::String,
        ty: Type::Int32,
        get: |t, _| {
            let units = text(t).map_or(0, |s| s.encode_utf16().count());
            Ok(Value::Int(i32::try_from(units).unwrap_or(i32::MAX)))
        },
    },
];

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "ToUpper",
        owner: Type::String,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(text(t).unwrap_or("").to_uppercase())),
    },
    MethodDef {
        name: "ToUpperInvariant",
        owner: Type::String,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(text(t).unwrap_or("").to_uppercase())),
    },
    MethodDef {
        name: "ToLower",
        owner: Type::String,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(text(t).unwrap_or("").to_lowercase())),
    },
    MethodDef {
        name: "ToLowerInvariant",
        owner: Type::String,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(text(t).unwrap_or("").to_lowercase())),
    },
    MethodDef {
        name: "Trim",
        owner: Type::String,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(text(t).unwrap_or("").trim().to_owned())),
    },
    MethodDef {
        name: "ToString",
        owner: Type::String,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(t.clone()),
    },
    MethodDef {
        name: "Contains",
        owner: Type::String,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, args, _| {
            let needle = arg_text(args, "value")?;
            Ok(Value::Bool(text(t).unwrap_or("").contains(needle)))
        },
    },
    MethodDef {
        name: "StartsWith",
        owner: Type::String,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, args, _| {
            let prefix = arg_text(args, "value")?;
            Ok(Value::Bool(text(t).unwrap_or("").starts_with(prefix)))
        },
    },
    MethodDef {
        name: "EndsWith",
        owner: Type::String,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, args, _| {
            let suffix = arg_text(args, "value")?;
            Ok(Value::Bool(text(t).unwrap_or("").ends_with(suffix)))
        },
    },
    MethodDef {
        name: "Equals",
        owner: Type::String,
        params: &[Type::String],
        result: Type::Boolean,
        call: |t, args, _| {
            let other = args.first().and_then(Value::as_str);
            Ok(Value::Bool(other == text(t)))
        },
    },
];

pub(crate) const STATICS: &[StaticDef] = &[StaticDef {
    name: "Empty",
    owner: StaticType::String,
    ty: Type::String,
    get: |_| Ok(Value::Str("")),
}];

pub(crate) const STATIC_METHODS: &[StaticMethodDef] = &[
    StaticMethodDef {
        name: "IsNullOrEmpty",
        owner: StaticType::String,
        params: &[Type::String],
        result: Type::Boolean,
        call: |args, _| {
            Ok(Value::Bool(
                args.first()
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty),
            ))
        },
    },
    StaticMethodDef {
        name: "IsNullOrWhiteSpace",
        owner: StaticType::String,
        params: &[Type::String],
        result: Type::Boolean,
        call: |args, _| {
            Ok(Value::Bool(
                args.first()
                    .and_then(Value::as_str)
                    .is_none_or(|s| s.chars().all(char::is_whitespace)),
            ))
        },
    },
    StaticMethodDef {
        name: "Equals",
        owner: StaticType::String,
        params: &[Type::String, Type::String],
        result: Type::Boolean,
        call: |args, _| {
            let a = args.first().and_then(Value::as_str);
            let b = args.get(1).and_then(Value::as_str);
            Ok(Value::Bool(a == b))
        },
    },
];
