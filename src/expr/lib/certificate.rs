//! `X509Certificate2` (every member APIM allows), `X500DistinguishedName` (only `Name`), `Oid`,
//! `PublicKey`, `AsnEncodedData`, the extension collection and the typed extensions, and the
//! enums they use (`X509NameType`, `HashAlgorithmName`, `X509KeyUsageFlags`), including
//! `Verify()` and APIM's `VerifyNoRevocation()`.

use std::sync::Arc;

use super::{IndexerDef, MemberDef, MethodDef, StaticDef};
use crate::cert::certificate::{Certificate, HashAlgorithmName, X509NameType};
use crate::cert::extension::{Extension, ExtensionKind, key_usage};
use crate::cert::verify::RevocationMode;
use crate::context::Context;
use crate::diagnostic::Span;
use crate::expr::eval::{Exception, ExceptionKind};
use crate::expr::types::{StaticType, Type};
use crate::expr::value::{DateTime, Value};

fn cert<'a>(target: &Value<'a>) -> Option<&'a Certificate> {
    match target {
        Value::Certificate(c) => Some(c),
        _ => None,
    }
}

fn owned(s: String) -> Value<'static> {
    Value::String(Arc::from(s))
}

fn verify<'a>(target: &Value<'a>, context: &'a Context, mode: RevocationMode) -> Value<'a> {
    let Some(certificate) = cert(target) else {
        return Value::Bool(false);
    };
    Value::Bool(
        context
            .deployment()
            .is_valid(certificate, context.time(), mode),
    )
}

/// `X509KeyUsageFlags.ToString()`: flag names in ascending value order, `None` for 0, the
/// number for bits no name covers.
pub(crate) fn key_usage_flags_text(flags: u32) -> String {
    const NAMES: [(u32, &str); 9] = [
        (key_usage::ENCIPHER_ONLY, "EncipherOnly"),
        (key_usage::CRL_SIGN, "CrlSign"),
        (key_usage::KEY_CERT_SIGN, "KeyCertSign"),
        (key_usage::KEY_AGREEMENT, "KeyAgreement"),
        (key_usage::DATA_ENCIPHERMENT, "DataEncipherment"),
        (key_usage::KEY_ENCIPHERMENT, "KeyEncipherment"),
        (key_usage::NON_REPUDIATION, "NonRepudiation"),
        (key_usage::DIGITAL_SIGNATURE, "DigitalSignature"),
        (key_usage::DECIPHER_ONLY, "DecipherOnly"),
    ];
    if flags == 0 {
        return "None".to_owned();
    }
    let known = NAMES.iter().fold(0, |acc, (bit, _)| acc | bit);
    if flags & !known != 0 {
        return flags.to_string();
    }
    NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `HashAlgorithmName.Name`.
pub(crate) fn hash_algorithm_name(h: HashAlgorithmName) -> &'static str {
    match h {
        HashAlgorithmName::Sha1 => "SHA1",
        HashAlgorithmName::Sha256 => "SHA256",
        HashAlgorithmName::Sha384 => "SHA384",
        HashAlgorithmName::Sha512 => "SHA512",
    }
}

fn extension<'a>(target: &Value<'a>) -> Option<&'a Extension> {
    match target {
        Value::Extension(e) => Some(e),
        _ => None,
    }
}

/// A typed extension whose value does not decode: .NET throws when the property is read.
fn undecodable() -> Exception {
    Exception::new(
        ExceptionKind::InvalidOperation,
        "ASN1 corrupted data.",
        Span::default(),
    )
}

/// A member of a typed extension: reads its decoded view, or throws as .NET does when the
/// extension's value does not decode.
macro_rules! typed {
    ($name:literal, $owner:ident => $ty:ident, $kind:ident($bind:pat) => $e:expr) => {
        MemberDef {
            name: $name,
            owner: Type::$owner,
            ty: Type::$ty,
            get: |t, _| match extension(t).map(|e| &e.kind) {
                Some(ExtensionKind::$kind(Some($bind))) => Ok($e),
                _ => Err(undecodable()),
            },
        }
    };
}

macro_rules! cert_member {
    ($name:literal => $ty:ident, |$c:ident| $e:expr) => {
        MemberDef {
            name: $name,
            owner: Type::X509Certificate2,
            ty: Type::$ty,
            get: |t, _| Ok(cert(t).map_or(Value::Null, |$c| $e)),
        }
    };
}

macro_rules! cert_method {
    ($name:literal ($($param:ident),*) => $ty:ident, |$c:ident, $args:ident| $e:expr) => {
        MethodDef {
            name: $name,
            owner: Type::X509Certificate2,
            params: &[$(Type::$param),*],
            result: Type::$ty,
            call: |t, $args, _| {
                let _ = &$args;
                match cert(t) {
                    Some($c) => $e,
                    None => Ok(Value::Null),
                }
            },
        }
    };
}

fn hash_arg(args: &[Value<'_>]) -> Result<HashAlgorithmName, Exception> {
    match args.first() {
        Some(Value::HashAlgorithm(h)) => Ok(*h),
        _ => Err(Exception::new(
            ExceptionKind::Argument,
            "The hash algorithm name cannot be null or empty. (Parameter 'hashAlgorithm')",
            Span::default(),
        )),
    }
}

pub(crate) const MEMBERS: &[MemberDef] = &[
    cert_member!("Subject" => String, |c| Value::Str(c.subject())),
    cert_member!("Issuer" => String, |c| Value::Str(c.issuer())),
    cert_member!("Thumbprint" => String, |c| Value::Str(c.thumbprint())),
    cert_member!("SerialNumber" => String, |c| Value::Str(c.serial_number())),
    cert_member!("SubjectName" => X500DistinguishedName, |c| Value::DistinguishedName(c.subject_name())),
    cert_member!("IssuerName" => X500DistinguishedName, |c| Value::DistinguishedName(c.issuer_name())),
    cert_member!("NotBefore" => DateTime, |c| Value::DateTime(DateTime::from_unix_seconds(c.not_before()))),
    cert_member!("NotAfter" => DateTime, |c| Value::DateTime(DateTime::from_unix_seconds(c.not_after()))),
    cert_member!("Version" => Int32, |c| Value::Int(c.version())),
    cert_member!("RawData" => ByteArray, |c| Value::Bytes(c.der())),
    cert_member!("SignatureAlgorithm" => Oid, |c| Value::Oid(c.signature_algorithm_oid(), c.signature_algorithm_friendly_name())),
    cert_member!("PublicKey" => PublicKey, |c| Value::PublicKey(c)),
    cert_member!("Extensions" => X509ExtensionCollection, |c| Value::Extensions(c.extensions())),
    cert_member!("HasPrivateKey" => Boolean, |c| Value::Bool(c.has_private_key())),
    cert_member!("FriendlyName" => String, |c| Value::Str(c.friendly_name())),
    cert_member!("Archived" => Boolean, |c| Value::Bool(c.archived())),
    MemberDef {
        name: "Name",
        owner: Type::X500DistinguishedName,
        ty: Type::String,
        get: |t, _| match t {
            Value::DistinguishedName(name) => Ok(Value::Str(name)),
            _ => Ok(Value::Null),
        },
    },
    // Oid
    MemberDef {
        name: "Value",
        owner: Type::Oid,
        ty: Type::String,
        get: |t, _| match t {
            Value::Oid(v, _) => Ok(Value::Str(v)),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "FriendlyName",
        owner: Type::Oid,
        ty: Type::String,
        get: |t, _| match t {
            Value::Oid(_, Some(f)) => Ok(Value::Str(f)),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Count",
        owner: Type::OidCollection,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::Oids(o) => Ok(Value::Int(i32::try_from(o.len()).unwrap_or(i32::MAX))),
            _ => Ok(Value::Null),
        },
    },
    // PublicKey and AsnEncodedData
    MemberDef {
        name: "Oid",
        owner: Type::PublicKey,
        ty: Type::Oid,
        get: |t, _| match t {
            Value::PublicKey(c) => Ok(Value::Oid(c.public_key_oid(), c.public_key_friendly_name())),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "EncodedKeyValue",
        owner: Type::PublicKey,
        ty: Type::AsnEncodedData,
        get: |t, _| match t {
            Value::PublicKey(c) => Ok(Value::AsnEncoded(c, true)),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "EncodedParameters",
        owner: Type::PublicKey,
        ty: Type::AsnEncodedData,
        get: |t, _| match t {
            Value::PublicKey(c) => Ok(Value::AsnEncoded(c, false)),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "RawData",
        owner: Type::AsnEncodedData,
        ty: Type::ByteArray,
        get: |t, _| match t {
            Value::AsnEncoded(c, true) => Ok(Value::Bytes(c.public_key())),
            Value::AsnEncoded(c, false) => Ok(Value::Bytes(c.public_key_parameters())),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Oid",
        owner: Type::AsnEncodedData,
        ty: Type::Oid,
        get: |t, _| match t {
            Value::AsnEncoded(c, _) => {
                Ok(Value::Oid(c.public_key_oid(), c.public_key_friendly_name()))
            }
            _ => Ok(Value::Null),
        },
    },
    // Extensions
    MemberDef {
        name: "Count",
        owner: Type::X509ExtensionCollection,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::Extensions(e) => Ok(Value::Int(i32::try_from(e.len()).unwrap_or(i32::MAX))),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Oid",
        owner: Type::X509Extension,
        ty: Type::Oid,
        get: |t, _| Ok(extension(t).map_or(Value::Null, |e| Value::Oid(&e.oid, e.friendly_name))),
    },
    MemberDef {
        name: "Critical",
        owner: Type::X509Extension,
        ty: Type::Boolean,
        get: |t, _| Ok(extension(t).map_or(Value::Null, |e| Value::Bool(e.critical))),
    },
    MemberDef {
        name: "RawData",
        owner: Type::X509Extension,
        ty: Type::ByteArray,
        get: |t, _| Ok(extension(t).map_or(Value::Null, |e| Value::Bytes(&e.value))),
    },
    typed!("CertificateAuthority", X509BasicConstraintsExtension => Boolean, BasicConstraints(b) => Value::Bool(b.certificate_authority)),
    typed!("HasPathLengthConstraint", X509BasicConstraintsExtension => Boolean, BasicConstraints(b) => Value::Bool(b.has_path_length_constraint)),
    typed!("PathLengthConstraint", X509BasicConstraintsExtension => Int32, BasicConstraints(b) => Value::Int(b.path_length_constraint)),
    typed!("KeyUsages", X509KeyUsageExtension => X509KeyUsageFlags, KeyUsage(flags) => Value::KeyUsageFlags(*flags)),
    typed!("EnhancedKeyUsages", X509EnhancedKeyUsageExtension => OidCollection, EnhancedKeyUsage(oids) => Value::Oids(oids)),
    typed!("SubjectKeyIdentifier", X509SubjectKeyIdentifierExtension => String, SubjectKeyIdentifier((hex, _)) => Value::Str(hex)),
    MemberDef {
        name: "Length",
        owner: Type::ByteArray,
        ty: Type::Int32,
        get: |t, _| match t {
            Value::Bytes(b) => Ok(Value::Int(i32::try_from(b.len()).unwrap_or(i32::MAX))),
            Value::ByteArray(b) => Ok(Value::Int(i32::try_from(b.len()).unwrap_or(i32::MAX))),
            _ => Ok(Value::Null),
        },
    },
    MemberDef {
        name: "Name",
        owner: Type::HashAlgorithmName,
        ty: Type::String,
        get: |t, _| match t {
            Value::HashAlgorithm(h) => Ok(Value::Str(hash_algorithm_name(*h))),
            _ => Ok(Value::Null),
        },
    },
];

pub(crate) const METHODS: &[MethodDef] = &[
    cert_method!("GetNameInfo"(X509NameType, Boolean) => String, |c, args| {
        let (Some(Value::NameType(kind)), Some(Value::Bool(issuer))) = (args.first(), args.get(1)) else {
            return Ok(Value::Null);
        };
        Ok(Value::Str(c.get_name_info(*kind, *issuer)))
    }),
    cert_method!("GetCertHash"() => ByteArray, |c, args| Ok(Value::Bytes(c.thumbprint_bytes()))),
    cert_method!("GetCertHash"(HashAlgorithmName) => ByteArray, |c, args| Ok(Value::ByteArray(Arc::from(c.get_cert_hash(hash_arg(args)?))))),
    cert_method!("GetCertHashString"() => String, |c, args| Ok(Value::Str(c.thumbprint()))),
    cert_method!("GetCertHashString"(HashAlgorithmName) => String, |c, args| Ok(owned(c.get_cert_hash_string(hash_arg(args)?)))),
    cert_method!("GetSerialNumber"() => ByteArray, |c, args| Ok(Value::ByteArray(Arc::from(c.get_serial_number())))),
    cert_method!("GetSerialNumberString"() => String, |c, args| Ok(Value::Str(c.serial_number()))),
    cert_method!("GetRawCertData"() => ByteArray, |c, args| Ok(Value::Bytes(c.der()))),
    cert_method!("GetRawCertDataString"() => String, |c, args| Ok(owned(c.get_raw_cert_data_string()))),
    cert_method!("GetKeyAlgorithm"() => String, |c, args| Ok(Value::Str(c.get_key_algorithm()))),
    cert_method!("GetKeyAlgorithmParameters"() => ByteArray, |c, args| Ok(Value::Bytes(c.get_key_algorithm_parameters()))),
    cert_method!("GetKeyAlgorithmParametersString"() => String, |c, args| Ok(owned(c.get_key_algorithm_parameters_string()))),
    cert_method!("GetPublicKey"() => ByteArray, |c, args| Ok(Value::Bytes(c.get_public_key()))),
    cert_method!("GetPublicKeyString"() => String, |c, args| Ok(owned(c.get_public_key_string()))),
    cert_method!("GetFormat"() => String, |c, args| Ok(Value::Str(c.get_format()))),
    cert_method!("GetName"() => String, |c, args| Ok(owned(c.get_name()))),
    cert_method!("GetIssuerName"() => String, |c, args| Ok(owned(c.get_issuer_name()))),
    cert_method!("GetEffectiveDateString"() => String, |c, args| Ok(owned(c.get_effective_date_string()))),
    cert_method!("GetExpirationDateString"() => String, |c, args| Ok(owned(c.get_expiration_date_string()))),
    cert_method!("ToString"() => String, |c, args| Ok(owned(c.to_string_dotnet(false)))),
    cert_method!("ToString"(Boolean) => String, |c, args| Ok(owned(c.to_string_dotnet(matches!(args.first(), Some(Value::Bool(true))))))),
    cert_method!("Equals"(X509Certificate2) => Boolean, |c, args| Ok(Value::Bool(cert(args.first().unwrap_or(&Value::Null)).is_some_and(|o| c.dotnet_equals(o))))),
    cert_method!("Equals"(Object) => Boolean, |c, args| Ok(Value::Bool(cert(args.first().unwrap_or(&Value::Null)).is_some_and(|o| c.dotnet_equals(o))))),
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
    MethodDef {
        name: "HasFlag",
        owner: Type::X509KeyUsageFlags,
        params: &[Type::X509KeyUsageFlags],
        result: Type::Boolean,
        call: |t, args, _| match (t, args.first()) {
            (Value::KeyUsageFlags(a), Some(Value::KeyUsageFlags(b))) => {
                Ok(Value::Bool(a & b == *b))
            }
            _ => Ok(Value::Bool(false)),
        },
    },
    MethodDef {
        name: "ToString",
        owner: Type::X509KeyUsageFlags,
        params: &[],
        result: Type::String,
        call: |t, _, _| Ok(owned(t.to_display_string())),
    },
    MethodDef {
        name: "ToString",
        owner: Type::Oid,
        params: &[],
        result: Type::String,
        // Oid does not override ToString.
        call: |_, _, _| Ok(Value::Str("System.Security.Cryptography.Oid")),
    },
];

pub(crate) const INDEXERS: &[IndexerDef] = &[
    IndexerDef {
        owner: Type::X509ExtensionCollection,
        index: Type::String,
        result: Type::X509Extension,
        get: |t, i| {
            let (Value::Extensions(list), Some(key)) = (t, i.as_str()) else {
                return Ok(Value::Null);
            };
            // X509ExtensionCollection[string]: the key goes through `new Oid(key).Value`, so a
            // friendly name works too; the first match wins; no match is null.
            let found = list.iter().find(|e| {
                e.oid.eq_ignore_ascii_case(key)
                    || e.friendly_name.is_some_and(|f| f.eq_ignore_ascii_case(key))
            });
            Ok(found.map_or(Value::Null, Value::Extension))
        },
    },
    IndexerDef {
        owner: Type::X509ExtensionCollection,
        index: Type::Int32,
        result: Type::X509Extension,
        get: |t, i| {
            match (t, i) {
            (Value::Extensions(list), Value::Int(n)) => usize::try_from(*n)
                .ok()
                .and_then(|n| list.get(n))
                .map(Value::Extension)
                .ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::Argument,
                        "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
                        Span::default(),
                    )
                }),
            _ => Ok(Value::Null),
        }
        },
    },
    IndexerDef {
        owner: Type::OidCollection,
        index: Type::Int32,
        result: Type::Oid,
        get: |t, i| {
            match (t, i) {
            (Value::Oids(list), Value::Int(n)) => usize::try_from(*n)
                .ok()
                .and_then(|n| list.get(n))
                .map(|o| Value::Oid(&o.value, o.friendly_name))
                .ok_or_else(|| {
                    Exception::new(
                        ExceptionKind::Argument,
                        "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
                        Span::default(),
                    )
                }),
            _ => Ok(Value::Null),
        }
        },
    },
    IndexerDef {
        owner: Type::ByteArray,
        index: Type::Int32,
        result: Type::Byte,
        get: |t, i| {
            let bytes: &[u8] = match t {
                Value::Bytes(b) => b,
                Value::ByteArray(b) => b,
                _ => return Ok(Value::Null),
            };
            match i {
                Value::Int(n) => usize::try_from(*n)
                    .ok()
                    .and_then(|n| bytes.get(n))
                    .map(|b| Value::Byte(*b))
                    .ok_or_else(|| {
                        Exception::new(
                            ExceptionKind::IndexOutOfRange,
                            "Index was outside the bounds of the array.",
                            Span::default(),
                        )
                    }),
                _ => Ok(Value::Null),
            }
        },
    },
];

macro_rules! enum_static {
    ($owner:ident, $name:literal, $value:expr) => {
        StaticDef {
            name: $name,
            owner: StaticType::$owner,
            ty: Type::$owner,
            get: |_| Ok($value),
        }
    };
}

pub(crate) const STATICS: &[StaticDef] = &[
    enum_static!(
        X509NameType,
        "SimpleName",
        Value::NameType(X509NameType::SimpleName)
    ),
    enum_static!(
        X509NameType,
        "EmailName",
        Value::NameType(X509NameType::EmailName)
    ),
    enum_static!(
        X509NameType,
        "UpnName",
        Value::NameType(X509NameType::UpnName)
    ),
    enum_static!(
        X509NameType,
        "DnsName",
        Value::NameType(X509NameType::DnsName)
    ),
    enum_static!(
        X509NameType,
        "DnsFromAlternativeName",
        Value::NameType(X509NameType::DnsFromAlternativeName)
    ),
    enum_static!(
        X509NameType,
        "UrlName",
        Value::NameType(X509NameType::UrlName)
    ),
    enum_static!(
        HashAlgorithmName,
        "SHA1",
        Value::HashAlgorithm(HashAlgorithmName::Sha1)
    ),
    enum_static!(
        HashAlgorithmName,
        "SHA256",
        Value::HashAlgorithm(HashAlgorithmName::Sha256)
    ),
    enum_static!(
        HashAlgorithmName,
        "SHA384",
        Value::HashAlgorithm(HashAlgorithmName::Sha384)
    ),
    enum_static!(
        HashAlgorithmName,
        "SHA512",
        Value::HashAlgorithm(HashAlgorithmName::Sha512)
    ),
    enum_static!(X509KeyUsageFlags, "None", Value::KeyUsageFlags(0)),
    enum_static!(
        X509KeyUsageFlags,
        "EncipherOnly",
        Value::KeyUsageFlags(key_usage::ENCIPHER_ONLY)
    ),
    enum_static!(
        X509KeyUsageFlags,
        "CrlSign",
        Value::KeyUsageFlags(key_usage::CRL_SIGN)
    ),
    enum_static!(
        X509KeyUsageFlags,
        "KeyCertSign",
        Value::KeyUsageFlags(key_usage::KEY_CERT_SIGN)
    ),
    enum_static!(
        X509KeyUsageFlags,
        "KeyAgreement",
        Value::KeyUsageFlags(key_usage::KEY_AGREEMENT)
    ),
    enum_static!(
        X509KeyUsageFlags,
        "DataEncipherment",
        Value::KeyUsageFlags(key_usage::DATA_ENCIPHERMENT)
    ),
    enum_static!(
        X509KeyUsageFlags,
        "KeyEncipherment",
        Value::KeyUsageFlags(key_usage::KEY_ENCIPHERMENT)
    ),
    enum_static!(
        X509KeyUsageFlags,
        "NonRepudiation",
        Value::KeyUsageFlags(key_usage::NON_REPUDIATION)
    ),
    enum_static!(
        X509KeyUsageFlags,
        "DigitalSignature",
        Value::KeyUsageFlags(key_usage::DIGITAL_SIGNATURE)
    ),
    enum_static!(
        X509KeyUsageFlags,
        "DecipherOnly",
        Value::KeyUsageFlags(key_usage::DECIPHER_ONLY)
    ),
];
