//! `X509Certificate2` and `X500DistinguishedName` members, including `Verify()` and APIM's
//! `VerifyNoRevocation()`.

use super::{MemberDef, MethodDef};
use crate::cert::certificate::Certificate;
use crate::cert::verify::RevocationMode;
use crate::context::Context;
use crate::expr::eval::Exception;
use crate::expr::types::Type;
use crate::expr::value::{DateTime, Value};

fn cert<'a>(target: &Value<'a>) -> Option<&'a Certificate> {
    match target {
        Value::Certificate(c) => Some(c),
        _ => None,
    }
}

fn string_member<'a>(
    target: &Value<'a>,
    get: impl FnOnce(&'a Certificate) -> &'a str,
) -> Result<Value<'a>, Exception> {
    Ok(cert(target).map_or(Value::Null, |c| Value::Str(get(c))))
}

fn verify<'a>(target: &Value<'a>, context: &'a Context, mode: RevocationMode) -> Value<'a> {
    let Some(certificate) = cert(target) else {
        return Value::Bool(false);
    };
    Value::Bool(
        context
            .deployment()
            .verify(certificate, context.time(), mode)
            .is_ok(),
    )
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Subject",
        owner: Type::X509Certificate2,
        ty: Type::String,
        get: |t, _| string_member(t, Certificate::subject),
    },
    MemberDef {
        name: "Issuer",
        owner: Type::X509Certificate2,
        ty: Type::String,
        get: |t, _| string_member(t, Certificate::issuer),
    },
    MemberDef {
        name: "Thumbprint",
        owner: Type::X509Certificate2,
        ty: Type::String,
        get: |t, _| string_member(t, Certificate::thumbprint),
    },
    MemberDef {
        name: "SerialNumber",
        owner: Type::X509Certificate2,
        ty: Type::String,
        get: |t, _| string_member(t, Certificate::serial_number),
    },
    MemberDef {
        name: "SubjectName",
        owner: Type::X509Certificate2,
        ty: Type::X500DistinguishedName,
        get: |t, _| Ok(cert(t).map_or(Value::Null, |c| Value::DistinguishedName(c.subject()))),
    },
    MemberDef {
        name: "IssuerName",
        owner: Type::X509Certificate2,
        ty: Type::X500DistinguishedName,
        get: |t, _| Ok(cert(t).map_or(Value::Null, |c| Value::DistinguishedName(c.issuer()))),
    },
    MemberDef {
        name: "NotBefore",
        owner: Type::X509Certificate2,
        ty: Type::DateTime,
        get: |t, _| {
            Ok(cert(t).map_or(Value::Null, |c| {
                Value::DateTime(DateTime::from_unix_seconds(c.not_before()))
            }))
        },
    },
    MemberDef {
        name: "NotAfter",
        owner: Type::X509Certificate2,
        ty: Type::DateTime,
        get: |t, _| {
            Ok(cert(t).map_or(Value::Null, |c| {
                Value::DateTime(DateTime::from_unix_seconds(c.not_after()))
            }))
        },
    },
    MemberDef {
        name: "Version",
        owner: Type::X509Certificate2,
        ty: Type::Int32,
        get: |t, _| Ok(cert(t).map_or(Value::Null, |c| Value::Int(c.version()))),
    },
    MemberDef {
        name: "Name",
        owner: Type::X500DistinguishedName,
        ty: Type::String,
        get: |t, _| match t {
            Value::DistinguishedName(name) => Ok(Value::Str(name)),
            _ => Ok(Value::Null),
        },
    },
];

pub(crate) const METHODS: &[MethodDef] = &[
    MethodDef {
        name: "Verify",
        owner: Type::X509Certificate2,
        params: &[],
        result: Type::Boolean,
        call: |t, _, context| Ok(verify(t, context, RevocationMode::Online)),
    },
    MethodDef {
        name: "VerifyNoRevocation",
        owner: Type::X509Certificate2,
        params: &[],
        result: Type::Boolean,
        call: |t, _, context| Ok(verify(t, context, RevocationMode::NoCheck)),
    },
];
