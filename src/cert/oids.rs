//! `System.Security.Cryptography.Oid` as `X509Certificate2` members return it: an OID value with
//! the friendly name .NET shows on Windows or on Linux.
//!
//! This file owns the extension and extended-key-usage friendly-name table and the
//! name-to-OID resolution `new Oid(string)` performs (used by `Extensions[string]`). Attribute
//! and algorithm names come from [`crate::cert::name::oid_friendly_name`] (.NET's own table,
//! identical on both OSes); the names below are what the OS adds: crypt32's `CryptFindOIDInfo`
//! on Windows (English; not confirmed on a live system) and OpenSSL 3's `OBJ_nid2ln` on Linux
//! (checked with `openssl asn1parse -genstr OID:...`).

use crate::cert::name::{NameStyle, encode_oid, oid_friendly_name};

/// An OID and its friendly name (`System.Security.Cryptography.Oid`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Oid {
    /// `Value`: the dotted OID.
    pub value: String,
    /// `FriendlyName`: `None` where .NET returns `null`.
    pub friendly_name: Option<&'static str>,
}

impl Oid {
    /// The OID `value` with the friendly name .NET shows under `style`.
    pub fn new(value: &str, style: NameStyle) -> Oid {
        Oid {
            value: value.to_owned(),
            friendly_name: friendly_name(value, style),
        }
    }
}

/// (OID, Windows name, OpenSSL long name, OpenSSL short name).
type NameRow = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// Friendly names of extensions and EKU purposes.
const EXTENSION_NAMES: &[NameRow] = &[
    (
        "2.5.29.14",
        Some("Subject Key Identifier"),
        Some("X509v3 Subject Key Identifier"),
        Some("subjectKeyIdentifier"),
    ),
    (
        "2.5.29.15",
        Some("Key Usage"),
        Some("X509v3 Key Usage"),
        Some("keyUsage"),
    ),
    (
        "2.5.29.16",
        Some("Private Key Usage Period"),
        Some("X509v3 Private Key Usage Period"),
        Some("privateKeyUsagePeriod"),
    ),
    (
        "2.5.29.17",
        Some("Subject Alternative Name"),
        Some("X509v3 Subject Alternative Name"),
        Some("subjectAltName"),
    ),
    (
        "2.5.29.18",
        Some("Issuer Alternative Name"),
        Some("X509v3 Issuer Alternative Name"),
        Some("issuerAltName"),
    ),
    (
        "2.5.29.19",
        Some("Basic Constraints"),
        Some("X509v3 Basic Constraints"),
        Some("basicConstraints"),
    ),
    (
        "2.5.29.20",
        Some("CRL Number"),
        Some("X509v3 CRL Number"),
        Some("crlNumber"),
    ),
    (
        "2.5.29.21",
        Some("CRL Reason Code"),
        Some("X509v3 CRL Reason Code"),
        Some("CRLReason"),
    ),
    (
        "2.5.29.30",
        Some("Name Constraints"),
        Some("X509v3 Name Constraints"),
        Some("nameConstraints"),
    ),
    (
        "2.5.29.31",
        Some("CRL Distribution Points"),
        Some("X509v3 CRL Distribution Points"),
        Some("crlDistributionPoints"),
    ),
    (
        "2.5.29.32",
        Some("Certificate Policies"),
        Some("X509v3 Certificate Policies"),
        Some("certificatePolicies"),
    ),
    (
        "2.5.29.33",
        Some("Policy Mappings"),
        Some("X509v3 Policy Mappings"),
        Some("policyMappings"),
    ),
    (
        "2.5.29.35",
        Some("Authority Key Identifier"),
        Some("X509v3 Authority Key Identifier"),
        Some("authorityKeyIdentifier"),
    ),
    (
        "2.5.29.36",
        Some("Policy Constraints"),
        Some("X509v3 Policy Constraints"),
        Some("policyConstraints"),
    ),
    (
        "2.5.29.37",
        Some("Enhanced Key Usage"),
        Some("X509v3 Extended Key Usage"),
        Some("extendedKeyUsage"),
    ),
    (
        "2.5.29.37.0",
        Some("Any Purpose"),
        Some("Any Extended Key Usage"),
        Some("anyExtendedKeyUsage"),
    ),
    (
        "2.5.29.46",
        Some("Freshest CRL"),
        Some("X509v3 Freshest CRL"),
        Some("freshestCRL"),
    ),
    (
        "2.5.29.54",
        None,
        Some("X509v3 Inhibit Any Policy"),
        Some("inhibitAnyPolicy"),
    ),
    (
        "1.3.6.1.5.5.7.1.1",
        Some("Authority Information Access"),
        Some("Authority Information Access"),
        Some("authorityInfoAccess"),
    ),
    (
        "1.3.6.1.5.5.7.1.11",
        Some("Subject Information Access"),
        Some("Subject Information Access"),
        Some("subjectInfoAccess"),
    ),
    (
        "1.3.6.1.5.5.7.1.24",
        None,
        Some("TLS Feature"),
        Some("tlsfeature"),
    ),
    (
        "1.3.6.1.4.1.11129.2.4.2",
        Some("SCT List"),
        Some("CT Precertificate SCTs"),
        Some("ct_precert_scts"),
    ),
    (
        "1.3.6.1.5.5.7.48.1.5",
        Some("OCSP No Revocation Checking"),
        Some("OCSP No Check"),
        Some("noCheck"),
    ),
    (
        "2.16.840.1.113730.1.1",
        Some("Netscape Cert Type"),
        Some("Netscape Cert Type"),
        Some("nsCertType"),
    ),
    (
        "2.16.840.1.113730.1.13",
        Some("Netscape Comment"),
        Some("Netscape Comment"),
        Some("nsComment"),
    ),
    (
        "1.3.6.1.4.1.311.20.2",
        Some("Certificate Template Name"),
        None,
        None,
    ),
    (
        "1.3.6.1.4.1.311.21.7",
        Some("Certificate Template Information"),
        None,
        None,
    ),
    (
        "1.3.6.1.4.1.311.21.10",
        Some("Application Policies"),
        None,
        None,
    ),
    ("1.3.6.1.4.1.311.21.1", Some("CA Version"), None, None),
    // Extended key usage purposes.
    (
        "1.3.6.1.5.5.7.3.1",
        Some("Server Authentication"),
        Some("TLS Web Server Authentication"),
        Some("serverAuth"),
    ),
    (
        "1.3.6.1.5.5.7.3.2",
        Some("Client Authentication"),
        Some("TLS Web Client Authentication"),
        Some("clientAuth"),
    ),
    (
        "1.3.6.1.5.5.7.3.3",
        Some("Code Signing"),
        Some("Code Signing"),
        Some("codeSigning"),
    ),
    (
        "1.3.6.1.5.5.7.3.4",
        Some("Secure Email"),
        Some("E-mail Protection"),
        Some("emailProtection"),
    ),
    (
        "1.3.6.1.5.5.7.3.5",
        Some("IP security end system"),
        Some("IPSec End System"),
        Some("ipsecEndSystem"),
    ),
    (
        "1.3.6.1.5.5.7.3.6",
        Some("IP security tunnel termination"),
        Some("IPSec Tunnel"),
        Some("ipsecTunnel"),
    ),
    (
        "1.3.6.1.5.5.7.3.7",
        Some("IP security user"),
        Some("IPSec User"),
        Some("ipsecUser"),
    ),
    (
        "1.3.6.1.5.5.7.3.8",
        Some("Time Stamping"),
        Some("Time Stamping"),
        Some("timeStamping"),
    ),
    (
        "1.3.6.1.5.5.7.3.9",
        Some("OCSP Signing"),
        Some("OCSP Signing"),
        Some("OCSPSigning"),
    ),
    (
        "1.3.6.1.5.5.7.3.17",
        Some("IP security IKE intermediate"),
        Some("ipsec Internet Key Exchange"),
        Some("ipsecIKE"),
    ),
    (
        "1.3.6.1.4.1.311.20.2.2",
        Some("Smart Card Logon"),
        Some("Microsoft Smartcard Login"),
        Some("msSmartcardLogin"),
    ),
    (
        "1.3.6.1.4.1.311.10.3.4",
        Some("Encrypting File System"),
        Some("Microsoft Encrypted File System"),
        Some("msEFS"),
    ),
    (
        "1.3.6.1.4.1.311.10.3.12",
        Some("Document Signing"),
        None,
        None,
    ),
    (
        "1.3.6.1.4.1.311.20.2.3",
        None,
        Some("Microsoft User Principal Name"),
        Some("msUPN"),
    ),
    // Legacy forms last, so a name resolves to the current OID.
    ("2.5.29.1", Some("Authority Key Identifier"), None, None),
    ("2.5.29.10", Some("Basic Constraints"), None, None),
];

/// `Oid.FriendlyName` for `oid` under `style`: .NET's own table first (same on both OSes),
/// then the OS names for extensions and key purposes.
pub fn friendly_name(oid: &str, style: NameStyle) -> Option<&'static str> {
    if let Some(n) = oid_friendly_name(oid, style) {
        return Some(n);
    }
    EXTENSION_NAMES.iter().find(|(o, ..)| *o == oid).and_then(
        |(_, windows, linux, _)| match style {
            NameStyle::Windows => *windows,
            NameStyle::Linux => *linux,
        },
    )
}

/// `new Oid(text).Value`: a friendly name resolved to its OID (case-insensitively; on Linux
/// also OpenSSL short names such as `basicConstraints`), otherwise `text` itself when it is a
/// valid dotted OID. `None` when it is neither.
pub fn resolve(text: &str, style: NameStyle) -> Option<String> {
    if let Some(oid) = crate::cert::name::resolve_attribute_key(text)
        && !text.contains('.')
    {
        return Some(oid);
    }
    let by_name = EXTENSION_NAMES.iter().find(|(_, windows, linux, short)| {
        let names: [Option<&str>; 2] = match style {
            NameStyle::Windows => [*windows, None],
            NameStyle::Linux => [*linux, *short],
        };
        names.iter().flatten().any(|n| n.eq_ignore_ascii_case(text))
    });
    if let Some((oid, ..)) = by_name {
        return Some((*oid).to_owned());
    }
    encode_oid(text).map(|_| text.to_owned())
}
