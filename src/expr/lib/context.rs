//! The `context` tree: `context.Request`, `context.Deployment` and what hangs off them.

use super::MemberDef;
use crate::expr::types::Type;
use crate::expr::value::Value;

pub(crate) const MEMBERS: &[MemberDef] = &[
    MemberDef {
        name: "Request",
        owner: Type::Context,
        ty: Type::Request,
        get: |target, _| match target {
            Value::Context(c) => Ok(Value::Request(c.request())),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Deployment",
        owner: Type::Context,
        ty: Type::Deployment,
        get: |target, _| match target {
            Value::Context(c) => Ok(Value::Deployment(c.deployment())),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Certificate",
        owner: Type::Request,
        ty: Type::X509Certificate2,
        get: |target, _| match target {
            Value::Request(r) => Ok(match &r.certificate {
                Some(c) => Value::Certificate(c),
                None => Value::Null,
            }),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Certificates",
        owner: Type::Deployment,
        ty: Type::CertificateDictionary,
        get: |target, _| match target {
            Value::Deployment(d) => Ok(Value::CertificateDictionary(d.certificates())),
            _ => Ok(Value::Null),
        },
    },
];
