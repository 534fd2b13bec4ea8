//! `apim-policy cert FILE [--password P] [--names windows|linux]`: prints every certificate in
//! a PEM, DER, PKCS#7 or PFX file as a JSON array of objects with .NET `X509Certificate2`
//! property names.

use std::path::PathBuf;

use apim_policy::cert::certificate::{Certificate, Extension, Oid, X509NameType};
use apim_policy::cert::extension::ExtensionKind;
use apim_policy::cert::name::{NameStyle, hex_upper};
use clap::{Args, ValueEnum};
use serde_json::{Map, Value, json};

use super::{Fail, bad_input, read};

/// Which OS's .NET the names and friendly names follow.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Names {
    /// .NET on Windows (crypt32): the default.
    Windows,
    /// .NET on Linux (OpenSSL), as in the self-hosted gateway container.
    Linux,
}

impl Names {
    pub(crate) fn style(self) -> NameStyle {
        match self {
            Names::Windows => NameStyle::Windows,
            Names::Linux => NameStyle::Linux,
        }
    }
}

/// Arguments of `cert`.
#[derive(Args)]
pub(crate) struct CertArgs {
    /// A PEM, DER, PKCS#7 (.p7b) or PFX/PKCS#12 file.
    file: PathBuf,
    /// The PFX password (default: the empty password).
    #[arg(long, value_name = "P")]
    password: Option<String>,
    /// Render names as .NET on Windows (default) or on Linux.
    #[arg(long, value_enum, default_value = "windows")]
    names: Names,
}

fn oid_json(oid: &Oid) -> Value {
    json!({ "Value": oid.value, "FriendlyName": oid.friendly_name })
}

fn rfc3339(unix: i64) -> Value {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .map_or(Value::Null, Value::String)
}

fn extension_json(e: &Extension) -> Value {
    let mut m = Map::new();
    m.insert("Oid".into(), oid_json(&e.oid()));
    m.insert("Critical".into(), Value::Bool(e.critical));
    m.insert("RawData".into(), Value::String(hex_upper(&e.value)));
    let undecodable = |m: &mut Map<String, Value>, kind: &str| {
        m.insert(
            "DecodeError".into(),
            Value::String(format!("the {kind} value does not decode")),
        );
    };
    match &e.kind {
        ExtensionKind::Plain => {}
        ExtensionKind::BasicConstraints(Some(bc)) => {
            m.insert(
                "CertificateAuthority".into(),
                Value::Bool(bc.certificate_authority),
            );
            m.insert(
                "HasPathLengthConstraint".into(),
                Value::Bool(bc.has_path_length_constraint),
            );
            m.insert(
                "PathLengthConstraint".into(),
                Value::from(bc.path_length_constraint),
            );
        }
        ExtensionKind::KeyUsage(Some(bits)) => {
            m.insert("KeyUsages".into(), Value::from(*bits));
        }
        ExtensionKind::EnhancedKeyUsage(Some(oids)) => {
            m.insert(
                "EnhancedKeyUsages".into(),
                Value::Array(oids.iter().map(oid_json).collect()),
            );
        }
        ExtensionKind::SubjectKeyIdentifier(Some((ski, _))) => {
            m.insert("SubjectKeyIdentifier".into(), Value::String(ski.clone()));
        }
        ExtensionKind::BasicConstraints(None) => undecodable(&mut m, "basic constraints"),
        ExtensionKind::KeyUsage(None) => undecodable(&mut m, "key usage"),
        ExtensionKind::EnhancedKeyUsage(None) => undecodable(&mut m, "enhanced key usage"),
        ExtensionKind::SubjectKeyIdentifier(None) => {
            undecodable(&mut m, "subject key identifier");
        }
    }
    Value::Object(m)
}

fn name_info(c: &Certificate, for_issuer: bool) -> Value {
    let mut m = Map::new();
    for (key, nt) in [
        ("SimpleName", X509NameType::SimpleName),
        ("EmailName", X509NameType::EmailName),
        ("UpnName", X509NameType::UpnName),
        ("DnsName", X509NameType::DnsName),
        (
            "DnsFromAlternativeName",
            X509NameType::DnsFromAlternativeName,
        ),
        ("UrlName", X509NameType::UrlName),
    ] {
        m.insert(
            key.into(),
            Value::String(c.get_name_info(nt, for_issuer).into()),
        );
    }
    Value::Object(m)
}

/// One certificate as a JSON object with .NET property names (the `cert` output contract).
pub(crate) fn certificate_json(c: &Certificate) -> Value {
    json!({
        "Subject": c.subject(),
        "Issuer": c.issuer(),
        "Thumbprint": c.thumbprint(),
        "SerialNumber": c.serial_number(),
        "NotBefore": rfc3339(c.not_before()),
        "NotAfter": rfc3339(c.not_after()),
        "Version": c.version(),
        "SignatureAlgorithm": oid_json(&c.signature_algorithm()),
        "PublicKey": {
            "Oid": oid_json(&c.public_key_algorithm()),
            "EncodedKeyValue": hex_upper(c.get_public_key()),
            "EncodedParameters": hex_upper(c.get_key_algorithm_parameters()),
        },
        "Extensions": c.extensions().iter().map(extension_json).collect::<Vec<_>>(),
        "SubjectName": { "Name": c.subject_name() },
        "IssuerName": { "Name": c.issuer_name() },
        "HasPrivateKey": c.has_private_key(),
        "FriendlyName": c.friendly_name(),
        "GetNameInfo": {
            "Subject": name_info(c, false),
            "Issuer": name_info(c, true),
        },
    })
}

/// Runs `cert`.
pub(crate) fn run(args: &CertArgs) -> Result<(), Fail> {
    let bytes = read(&args.file)?;
    let certs =
        Certificate::load_any_with_style(&bytes, args.password.as_deref(), args.names.style())
            .map_err(|e| bad_input(format!("{}: {e}", args.file.display())))?;
    let out = Value::Array(certs.iter().map(certificate_json).collect());
    println!(
        "{}",
        serde_json::to_string_pretty(&out).unwrap_or_else(|_| "[]".to_owned())
    );
    Ok(())
}
