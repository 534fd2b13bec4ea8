//! `apim-policy verify LEAF [--intermediate FILE]... [--ca-cert FILE]... [--crl FILE]...
//! [--at RFC3339] [--no-revocation] [--eku clientAuth|serverAuth|OID]
//! [--peer-name DNS:name|IP:addr] [--max-depth N]`: verifies a certificate chain with the
//! library's .NET `Verify()` rules and prints `{"valid":bool,"errors":[...]}`.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use apim_policy::cert::certificate::Certificate;
use apim_policy::cert::name::encode_oid;
use apim_policy::cert::store::{Crl, TrustStore};
use apim_policy::cert::verify::{GeneralOptions, RevocationMode, VerifyError, verify_general};
use clap::Args;
use serde_json::json;

use super::{Fail, bad_input, read, silent};

/// Arguments of `verify`.
#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// The certificate to verify (PEM, DER, PKCS#7 or PFX; the first certificate; further
    /// certificates in the file are offered as intermediates, like a TLS peer's chain).
    leaf: PathBuf,
    /// The password when LEAF is a PFX file.
    #[arg(long, value_name = "P")]
    password: Option<String>,
    /// An intermediate CA certificate file (every certificate in it).
    #[arg(long, value_name = "FILE")]
    intermediate: Vec<PathBuf>,
    /// A trusted root CA certificate file (every certificate in it).
    #[arg(long, value_name = "FILE")]
    ca_cert: Vec<PathBuf>,
    /// A certificate revocation list (PEM or DER).
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
    /// The verification time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Skip revocation checks (APIM `VerifyNoRevocation()`); by default every certificate but
    /// the root needs a current CRL from its issuer (.NET `Verify()`).
    #[arg(long)]
    no_revocation: bool,
    /// Require this extended key usage: clientAuth, serverAuth or a dotted OID (a leaf without
    /// an EKU extension is valid for any purpose).
    #[arg(long, value_name = "EKU")]
    eku: Option<String>,
    /// Require the leaf to be valid for DNS:name or IP:address (EMAIL: is not supported).
    #[arg(long, value_name = "KIND:VALUE")]
    peer_name: Option<String>,
    /// At most N intermediate certificates in the path.
    #[arg(long, value_name = "N")]
    max_depth: Option<usize>,
}

fn load(path: &Path, password: Option<&str>) -> Result<Vec<Certificate>, Fail> {
    let certs = Certificate::load_any(&read(path)?, password)
        .map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(bad_input(format!(
            "{}: no certificate found",
            path.display()
        )));
    }
    Ok(certs)
}

/// `Name: detail` for a verification error: the variant name, then its message.
fn error_text(e: &VerifyError) -> String {
    let debug = format!("{e:?}");
    let name: String = debug
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    format!("{name}: {e}")
}

fn eku_oid(text: &str) -> Result<Vec<u8>, Fail> {
    let dotted = match text {
        "clientAuth" => "1.3.6.1.5.5.7.3.2",
        "serverAuth" => "1.3.6.1.5.5.7.3.1",
        other => other,
    };
    encode_oid(dotted).ok_or_else(|| {
        bad_input(format!(
            "--eku {text}: expected clientAuth, serverAuth or a dotted OID"
        ))
    })
}

fn peer_name(text: &str) -> Result<String, Fail> {
    let Some((kind, value)) = text.split_once(':') else {
        return Err(bad_input(format!(
            "--peer-name {text}: expected DNS:name or IP:address"
        )));
    };
    match kind.to_ascii_uppercase().as_str() {
        "DNS" if !value.is_empty() => Ok(value.to_owned()),
        "IP" => value
            .parse::<IpAddr>()
            .map(|ip| ip.to_string())
            .map_err(|_| bad_input(format!("--peer-name {text}: not an IP address"))),
        "EMAIL" => Err(bad_input(format!(
            "--peer-name {text}: EMAIL peer names are not supported (the verifier checks DNS names and IP addresses only)"
        ))),
        _ => Err(bad_input(format!(
            "--peer-name {text}: expected DNS:name or IP:address"
        ))),
    }
}

/// Runs `verify`.
pub(crate) fn run(args: &VerifyArgs) -> Result<(), Fail> {
    let at = match args.at.as_deref() {
        Some(text) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map_err(|e| bad_input(format!("--at {text}: not an RFC 3339 time: {e}")))?
                .unix_timestamp()
        }
        None => time::OffsetDateTime::now_utc().unix_timestamp(),
    };
    let required_eku = args.eku.as_deref().map(eku_oid).transpose()?;
    let subject_name = args.peer_name.as_deref().map(peer_name).transpose()?;

    let mut chain = load(&args.leaf, args.password.as_deref())?.into_iter();
    let Some(leaf) = chain.next() else {
        return Err(bad_input(format!(
            "{}: no certificate found",
            args.leaf.display()
        )));
    };
    let presented: Vec<Certificate> = chain.collect();

    let mut builder = TrustStore::builder();
    for path in &args.ca_cert {
        for cert in load(path, None)? {
            builder = builder.add_root(cert.der());
        }
    }
    for path in &args.intermediate {
        for cert in load(path, None)? {
            builder = builder.add_intermediate(cert.der());
        }
    }
    for path in &args.crl {
        let crls =
            Crl::load(&read(path)?).map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
        builder = builder.add_crls(crls);
    }
    let store = builder
        .build()
        .map_err(|e| bad_input(format!("trust store: {e}")))?;

    let extra: Vec<&[u8]> = presented.iter().map(Certificate::der).collect();
    let options = GeneralOptions {
        at,
        extra_intermediates: &extra,
        revocation: if args.no_revocation {
            None
        } else {
            Some(RevocationMode::Online)
        },
        required_eku: required_eku.as_deref(),
        eku_must_be_present: false,
        subject_name: subject_name.as_deref(),
        max_intermediates: args.max_depth,
        ..GeneralOptions::default()
    };
    let result = verify_general(leaf.der(), &store, &options);
    let (valid, errors) = match &result {
        Ok(()) => (true, Vec::new()),
        Err(e) => (false, vec![error_text(e)]),
    };
    println!("{}", json!({ "valid": valid, "errors": errors }));
    if valid { Ok(()) } else { Err(silent(1)) }
}
