//! LINQ over collections (`Any`, `All`) and the dictionary members of
//! `context.Deployment.Certificates` and its `KeyValuePair` items.

use super::{LambdaMethodDef, MemberDef};
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::Type;
use crate::expr::value::Value;

fn truth(value: &Value<'_>) -> Result<bool, Exception> {
    match value {
        Value::Bool(b) => Ok(*b),
        _ => Err(Exception::new(
            ExceptionKind::InvalidCast,
            "Specified cast is not valid.",
            Span::default(),
        )),
    }
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Count",
        owner: Type::CertificateDictionary,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::CertificateDictionary(items) => {
                Ok(Value::Int(i32::try_from(items.len()).unwrap_or(i32::MAX)))
            }
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Key",
        owner: Type::CertificateEntry,
        ty: Type::String,
        get: |t, _| match t {
            Value::CertificateEntry(entry) => Ok(Value::Str(&entry.id)),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Value",
        owner: Type::CertificateEntry,
        ty: Type::X509Certificate2,
        get: |t, _| match t {
            Value::CertificateEntry(entry) => Ok(Value::Certificate(&entry.certificate)),
            _ => Ok(Value::Null),
        },
    },
];

pub(crate) const LAMBDA_METHODS: &[LambdaMethodDef] = &[
    LambdaMethodDef {
        name: "Any",
        owner: Type::CertificateDictionary,
        item: Type::CertificateEntry,
        lambda_result: Type::Boolean,
        result: Type::Boolean,
        call: |target, lambda| {
            if let Value::CertificateDictionary(items) = target {
                for entry in *items {
                    if truth(&lambda(Value::CertificateEntry(entry))?)? {
                        return Ok(Value::Bool(true));
                    }
                }
            }
            Ok(Value::Bool(false))
        },
    },
    LambdaMethodDef {
        name: "All",
        owner: Type::CertificateDictionary,
        item: Type::CertificateEntry,
        lambda_result: Type::Boolean,
        result: Type::Boolean,
        call: |target, lambda| {
            if let Value::CertificateDictionary(items) = target {
                for entry in *items {
                    if !truth(&lambda(Value::CertificateEntry(entry))?)? {
                        return Ok(Value::Bool(false));
                    }
                }
            }
            Ok(Value::Bool(true))
        },
    },
];
