//! `X509Extension` and the typed extensions .NET substitutes for it (`dotnet-x509.md` §2.4):
//! `X509BasicConstraintsExtension`, `X509KeyUsageExtension`, `X509EnhancedKeyUsageExtension`
//! and `X509SubjectKeyIdentifierExtension`.
//!
//! This file owns decoding those four extension values once, at certificate construction. A
//! value that does not decode keeps its typed kind with no data: in .NET the extension object
//! exists but its typed properties throw `CryptographicException`.

use crate::cert::name::{DerReader, NameStyle, decode_oid, hex_upper};
use crate::cert::oids::Oid;

/// `X509KeyUsageFlags` bits.
pub mod key_usage {
    /// `EncipherOnly`.
    pub const ENCIPHER_ONLY: u32 = 0x01;
    /// `CrlSign`.
    pub const CRL_SIGN: u32 = 0x02;
    /// `KeyCertSign`.
    pub const KEY_CERT_SIGN: u32 = 0x04;
    /// `KeyAgreement`.
    pub const KEY_AGREEMENT: u32 = 0x08;
    /// `DataEncipherment`.
    pub const DATA_ENCIPHERMENT: u32 = 0x10;
    /// `KeyEncipherment`.
    pub const KEY_ENCIPHERMENT: u32 = 0x20;
    /// `NonRepudiation`.
    pub const NON_REPUDIATION: u32 = 0x40;
    /// `DigitalSignature`.
    pub const DIGITAL_SIGNATURE: u32 = 0x80;
    /// `DecipherOnly`.
    pub const DECIPHER_ONLY: u32 = 0x8000;
}

/// `X509BasicConstraintsExtension` properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicConstraints {
    /// `CertificateAuthority`.
    pub certificate_authority: bool,
    /// `HasPathLengthConstraint`.
    pub has_path_length_constraint: bool,
    /// `PathLengthConstraint` (0 when absent).
    pub path_length_constraint: i32,
}

/// What .NET makes of an extension: a plain `X509Extension` or one of the typed subclasses.
/// `None` inside a typed kind means the value does not decode (the typed properties throw).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionKind {
    /// A plain `X509Extension`.
    Plain,
    /// `X509BasicConstraintsExtension` (2.5.29.19; on Windows also the legacy 2.5.29.10).
    BasicConstraints(Option<BasicConstraints>),
    /// `X509KeyUsageExtension` (2.5.29.15): `KeyUsages` as `X509KeyUsageFlags` bits.
    KeyUsage(Option<u32>),
    /// `X509EnhancedKeyUsageExtension` (2.5.29.37): `EnhancedKeyUsages` in certificate order.
    EnhancedKeyUsage(Option<Vec<Oid>>),
    /// `X509SubjectKeyIdentifierExtension` (2.5.29.14): `SubjectKeyIdentifier` (uppercase hex)
    /// and `SubjectKeyIdentifierBytes`.
    SubjectKeyIdentifier(Option<(String, Vec<u8>)>),
}

/// One certificate extension (`X509Extension`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// `Oid.Value`: the dotted extension OID.
    pub oid: String,
    /// `Oid.FriendlyName` under the certificate's [`NameStyle`].
    pub friendly_name: Option<&'static str>,
    /// `Critical`.
    pub critical: bool,
    /// `RawData`: the extnValue OCTET STRING contents.
    pub value: Vec<u8>,
    /// The typed view .NET substitutes, decoded once.
    pub kind: ExtensionKind,
}

impl Extension {
    /// Builds the extension and decodes its typed view as .NET on `style` does.
    pub fn new(oid: String, critical: bool, value: Vec<u8>, style: NameStyle) -> Extension {
        let kind = match oid.as_str() {
            "2.5.29.19" => ExtensionKind::BasicConstraints(decode_basic_constraints(&value)),
            "2.5.29.10" if style == NameStyle::Windows => {
                ExtensionKind::BasicConstraints(decode_legacy_basic_constraints(&value))
            }
            "2.5.29.15" => ExtensionKind::KeyUsage(decode_key_usage(&value)),
            "2.5.29.37" => ExtensionKind::EnhancedKeyUsage(decode_eku(&value, style)),
            "2.5.29.14" => ExtensionKind::SubjectKeyIdentifier(decode_ski(&value)),
            _ => ExtensionKind::Plain,
        };
        Extension {
            friendly_name: crate::cert::oids::friendly_name(&oid, style),
            oid,
            critical,
            value,
            kind,
        }
    }

    /// `Oid` with value and friendly name.
    pub fn oid(&self) -> Oid {
        Oid {
            value: self.oid.clone(),
            friendly_name: self.friendly_name,
        }
    }

    /// The `X509BasicConstraintsExtension` values, when this is one and it decodes.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        match &self.kind {
            ExtensionKind::BasicConstraints(v) => *v,
            _ => None,
        }
    }

    /// `X509KeyUsageExtension.KeyUsages`, when this is one and it decodes.
    pub fn key_usages(&self) -> Option<u32> {
        match &self.kind {
            ExtensionKind::KeyUsage(v) => *v,
            _ => None,
        }
    }

    /// `X509EnhancedKeyUsageExtension.EnhancedKeyUsages`, when this is one and it decodes.
    pub fn enhanced_key_usages(&self) -> Option<&[Oid]> {
        match &self.kind {
            ExtensionKind::EnhancedKeyUsage(Some(v)) => Some(v),
            _ => None,
        }
    }

    /// `X509SubjectKeyIdentifierExtension.SubjectKeyIdentifier` (uppercase hex), when this is
    /// one and it decodes.
    pub fn subject_key_identifier(&self) -> Option<&str> {
        match &self.kind {
            ExtensionKind::SubjectKeyIdentifier(Some((s, _))) => Some(s),
            _ => None,
        }
    }
}

fn read_i32(content: &[u8]) -> Option<i32> {
    // Minimal two's-complement INTEGER that fits in an i32 (AsnReader.TryReadInt32).
    match (content.first(), content.get(1)) {
        (None, _) => return None,
        (Some(0x00), Some(b)) if b & 0x80 == 0 => return None,
        (Some(0xFF), Some(b)) if b & 0x80 != 0 => return None,
        _ => {}
    }
    if content.len() > 4 {
        return None;
    }
    let negative = content.first().is_some_and(|b| b & 0x80 != 0);
    let mut v: i64 = if negative { -1 } else { 0 };
    for b in content {
        v = (v << 8) | i64::from(*b);
    }
    i32::try_from(v).ok()
}

fn decode_basic_constraints(value: &[u8]) -> Option<BasicConstraints> {
    let mut outer = DerReader::new(value, 0);
    let seq = outer.read_expect(0x30, "").ok()?;
    if !outer.is_empty() {
        return None;
    }
    let mut r = seq.reader();
    let ca = match r.read_optional(0x01).ok()? {
        Some(b) => match b.content {
            [0x00] => false,
            [_] => true,
            _ => return None,
        },
        None => false,
    };
    let path = match r.read_optional(0x02).ok()? {
        Some(i) => Some(read_i32(i.content)?),
        None => None,
    };
    if !r.is_empty() {
        return None;
    }
    Some(BasicConstraints {
        certificate_authority: ca,
        has_path_length_constraint: path.is_some(),
        path_length_constraint: path.unwrap_or(0),
    })
}

/// The legacy 2.5.29.10 form: SEQUENCE { subjectType BIT STRING, pathLenConstraint INTEGER
/// OPTIONAL, subtreesConstraint OPTIONAL }; CA when the first subjectType bit (0x80) is set.
fn decode_legacy_basic_constraints(value: &[u8]) -> Option<BasicConstraints> {
    let mut outer = DerReader::new(value, 0);
    let seq = outer.read_expect(0x30, "").ok()?;
    let mut r = seq.reader();
    let bits = r.read_expect(0x03, "").ok()?;
    let ca = bits.content.get(1).is_some_and(|b| b & 0x80 != 0);
    let path = match r.read_optional(0x02).ok()? {
        Some(i) => Some(read_i32(i.content)?),
        None => None,
    };
    Some(BasicConstraints {
        certificate_authority: ca,
        has_path_length_constraint: path.is_some(),
        path_length_constraint: path.unwrap_or(0),
    })
}

fn decode_key_usage(value: &[u8]) -> Option<u32> {
    let mut outer = DerReader::new(value, 0);
    let bits = outer.read_expect(0x03, "").ok()?;
    if !outer.is_empty() {
        return None;
    }
    let (unused, rest) = bits.content.split_first()?;
    // Only nine bits are defined; .NET (managed and OpenSSL decoders) rejects longer values.
    if *unused > 7 || (rest.is_empty() && *unused != 0) || rest.len() > 2 {
        return None;
    }
    // The bytes read as a little-endian u16 are the `X509KeyUsageFlags` value.
    let first = u32::from(rest.first().copied().unwrap_or(0));
    let second = u32::from(rest.get(1).copied().unwrap_or(0));
    Some(first | (second << 8))
}

fn decode_eku(value: &[u8], style: NameStyle) -> Option<Vec<Oid>> {
    let mut outer = DerReader::new(value, 0);
    let seq = outer.read_expect(0x30, "").ok()?;
    if !outer.is_empty() {
        return None;
    }
    let mut r = seq.reader();
    let mut out = Vec::new();
    while !r.is_empty() {
        let oid = r.read_expect(0x06, "").ok()?;
        let dotted = decode_oid(oid.content).ok()?;
        out.push(Oid::new(&dotted, style));
    }
    Some(out)
}

fn decode_ski(value: &[u8]) -> Option<(String, Vec<u8>)> {
    let mut outer = DerReader::new(value, 0);
    let octets = outer.read_expect(0x04, "").ok()?;
    if !outer.is_empty() {
        return None;
    }
    Some((hex_upper(octets.content), octets.content.to_vec()))
}
