//! `X509Certificate2.ToString()` / `ToString(bool)` text (dotnet/runtime `X509Certificate.cs`
//! `ToString(bool fVerbose)` and `X509Certificate2.cs` `ToString(bool verbose)`).
//!
//! This file owns that layout. Lines end in `\n` (Linux `Environment.NewLine`). Dates use .NET's
//! invariant culture (`MM/dd/yyyy HH:mm:ss`) and treat the gateway's local time as UTC.
//! Extension values in the verbose form follow Linux .NET (`OpenSslAsnFormatter`: the first line
//! of OpenSSL's `X509V3_EXT_print`) for basic constraints, key usage, EKU, SKI, a keyid-only
//! AKI and alternative names made of DNS, email, URI, IP and UPN entries; every other value falls back to `Convert.ToHexString` as .NET does when OpenSSL has no
//! printer. Windows' `CryptFormatObject` text is not reproduced.

use crate::cert::certificate::{Certificate, X509NameType};
use crate::cert::extension::{ExtensionKind, key_usage};
use crate::cert::name::{DerReader, hex_upper};

pub(crate) fn format_date(unix: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => format!(
            "{:02}/{:02}/{:04} {:02}:{:02}:{:02}",
            u8::from(t.month()),
            t.day(),
            t.year(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => String::new(),
    }
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// `X509Certificate.ToString(true)`.
fn base_verbose(c: &Certificate) -> String {
    let mut s = String::new();
    s.push_str("[Subject]\n  ");
    s.push_str(c.subject());
    s.push_str("\n\n[Issuer]\n  ");
    s.push_str(c.issuer());
    s.push_str("\n\n[Serial Number]\n  ");
    s.push_str(c.serial_number());
    s.push_str("\n\n[Not Before]\n  ");
    s.push_str(&format_date(c.not_before()));
    s.push_str("\n\n[Not After]\n  ");
    s.push_str(&format_date(c.not_after()));
    s.push_str("\n\n[Thumbprint]\n  ");
    s.push_str(c.thumbprint());
    s.push('\n');
    s
}

fn name_lines(s: &mut String, c: &Certificate, for_issuer: bool) {
    for (label, nt) in [
        ("Simple Name: ", X509NameType::SimpleName),
        ("Email Name: ", X509NameType::EmailName),
        ("UPN Name: ", X509NameType::UpnName),
        ("DNS Name: ", X509NameType::DnsName),
    ] {
        let v = c.get_name_info(nt, for_issuer);
        if !v.is_empty() {
            s.push_str("\n  ");
            s.push_str(label);
            s.push_str(v);
        }
    }
}

/// Bit length of an RSAPublicKey modulus (`RSA.KeySize`), if the key is RSA and parses.
fn rsa_key_size(c: &Certificate) -> Option<usize> {
    if c.get_key_algorithm() != "1.2.840.113549.1.1.1" {
        return None;
    }
    let mut r = DerReader::new(c.get_public_key(), 0);
    let seq = r.read_expect(0x30, "").ok()?;
    let mut s = seq.reader();
    let n = s.read_expect(0x02, "").ok()?;
    let digits = match n.content.split_first() {
        Some((0, rest)) => rest,
        _ => n.content,
    };
    let first = digits.first()?;
    let leading = usize::try_from(first.leading_zeros()).ok()?;
    digits.len().checked_mul(8)?.checked_sub(leading)
}

const KEY_USAGE_NAMES: &[(u32, &str)] = &[
    (key_usage::DIGITAL_SIGNATURE, "Digital Signature"),
    (key_usage::NON_REPUDIATION, "Non Repudiation"),
    (key_usage::KEY_ENCIPHERMENT, "Key Encipherment"),
    (key_usage::DATA_ENCIPHERMENT, "Data Encipherment"),
    (key_usage::KEY_AGREEMENT, "Key Agreement"),
    (key_usage::KEY_CERT_SIGN, "Certificate Sign"),
    (key_usage::CRL_SIGN, "CRL Sign"),
    (key_usage::ENCIPHER_ONLY, "Encipher Only"),
    (key_usage::DECIPHER_ONLY, "Decipher Only"),
];

/// Keyid-only AuthorityKeyIdentifier: OpenSSL 3 prints the bare colon-hex key id.
fn aki_keyid_only(value: &[u8]) -> Option<String> {
    let mut r = DerReader::new(value, 0);
    let seq = r.read_expect(0x30, "").ok()?;
    let mut s = seq.reader();
    let keyid = s.read_expect(0x80, "").ok()?;
    s.is_empty().then(|| colon_hex(keyid.content))
}

/// SubjectAltName / IssuerAltName as OpenSSL's `i2v_GENERAL_NAMES` prints them, for DNS, email,
/// URI, IP and UPN entries; `None` (hex fallback) for any other entry kind.
fn alt_names(value: &[u8]) -> Option<String> {
    let mut r = DerReader::new(value, 0);
    let seq = r.read_expect(0x30, "").ok()?;
    if !r.is_empty() {
        return None;
    }
    let mut g = seq.reader();
    let mut parts = Vec::new();
    while !g.is_empty() {
        let gn = g.read().ok()?;
        let ascii = || {
            gn.content
                .iter()
                .all(|b| (0x20..0x7F).contains(b))
                .then(|| {
                    gn.content
                        .iter()
                        .map(|b| char::from(*b))
                        .collect::<String>()
                })
        };
        let part = match gn.tag {
            0x82 => format!("DNS:{}", ascii()?),
            0x81 => format!("email:{}", ascii()?),
            0x86 => format!("URI:{}", ascii()?),
            0x87 => match gn.content.len() {
                4 => format!(
                    "IP Address:{}",
                    gn.content
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join(".")
                ),
                16 => format!(
                    "IP Address:{}",
                    gn.content
                        .chunks(2)
                        .map(|c| {
                            let hi = u16::from(c.first().copied().unwrap_or(0));
                            let lo = u16::from(c.get(1).copied().unwrap_or(0));
                            format!("{:X}", (hi << 8) | lo)
                        })
                        .collect::<Vec<_>>()
                        .join(":")
                ),
                _ => return None,
            },
            0xA0 => {
                let mut o = gn.reader();
                let oid = o.read_expect(0x06, "").ok()?;
                if crate::cert::name::decode_oid(oid.content).ok()? != "1.3.6.1.4.1.311.20.2.3" {
                    return None;
                }
                let explicit = o.read_expect(0xA0, "").ok()?;
                let mut v = explicit.reader();
                let utf8 = v.read_expect(0x0C, "").ok()?;
                format!(
                    "othername: UPN::{}",
                    std::str::from_utf8(utf8.content).ok()?
                )
            }
            _ => return None,
        };
        parts.push(part);
    }
    Some(parts.join(", "))
}

fn format_extension(e: &crate::cert::extension::Extension) -> String {
    let native = match &e.kind {
        ExtensionKind::BasicConstraints(Some(bc)) if e.oid == "2.5.29.19" => {
            let mut v = if bc.certificate_authority {
                "CA:TRUE".to_owned()
            } else {
                "CA:FALSE".to_owned()
            };
            if bc.has_path_length_constraint {
                v.push_str(&format!(", pathlen:{}", bc.path_length_constraint));
            }
            Some(v)
        }
        ExtensionKind::KeyUsage(Some(bits)) => Some(
            KEY_USAGE_NAMES
                .iter()
                .filter(|(b, _)| bits & b != 0)
                .map(|(_, n)| *n)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ExtensionKind::EnhancedKeyUsage(Some(oids)) => Some(
            oids.iter()
                .map(|o| {
                    crate::cert::oids::friendly_name(&o.value, crate::cert::name::NameStyle::Linux)
                        .map(str::to_owned)
                        .unwrap_or_else(|| o.value.clone())
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ExtensionKind::SubjectKeyIdentifier(Some((_, bytes))) => Some(colon_hex(bytes)),
        _ if e.oid == "2.5.29.35" => aki_keyid_only(&e.value),
        _ if e.oid == "2.5.29.17" || e.oid == "2.5.29.18" => alt_names(&e.value),
        _ => None,
    };
    native.unwrap_or_else(|| hex_upper(&e.value))
}

/// `ToString(verbose)` as `X509Certificate2` prints it.
pub(crate) fn to_string(c: &Certificate, verbose: bool) -> String {
    if !verbose {
        return base_verbose(c);
    }
    let mut s = String::new();
    s.push_str("[Version]\n  V");
    s.push_str(&c.version().to_string());
    s.push_str("\n\n[Subject]\n  ");
    s.push_str(c.subject_name());
    name_lines(&mut s, c, false);
    s.push_str("\n\n[Issuer]\n  ");
    s.push_str(c.issuer_name());
    name_lines(&mut s, c, true);
    s.push_str("\n\n[Serial Number]\n  ");
    s.push_str(c.serial_number());
    s.push_str("\n\n[Not Before]\n  ");
    s.push_str(&format_date(c.not_before()));
    s.push_str("\n\n[Not After]\n  ");
    s.push_str(&format_date(c.not_after()));
    s.push_str("\n\n[Thumbprint]\n  ");
    s.push_str(c.thumbprint());
    s.push_str("\n\n[Signature Algorithm]\n  ");
    let sig = c.signature_algorithm();
    s.push_str(sig.friendly_name.unwrap_or(""));
    s.push('(');
    s.push_str(&sig.value);
    s.push_str(")\n");
    s.push_str("\n[Public Key]");
    s.push_str("\n  Algorithm: ");
    s.push_str(c.public_key_algorithm().friendly_name.unwrap_or(""));
    s.push_str("\n  Length: ");
    if let Some(bits) = rsa_key_size(c) {
        s.push_str(&bits.to_string());
    }
    s.push_str("\n  Key Blob: ");
    s.push_str(&c.get_public_key_string());
    s.push_str("\n  Parameters: ");
    s.push_str(&c.get_key_algorithm_parameters_string());
    if c.has_private_key() {
        s.push_str("\n\n[Private Key]\n");
    }
    if !c.extensions().is_empty() {
        s.push_str("\n\n[Extensions]");
        for e in c.extensions() {
            s.push_str("\n* ");
            s.push_str(e.friendly_name.unwrap_or(""));
            s.push('(');
            s.push_str(&e.oid);
            s.push_str("):\n  ");
            s.push_str(&format_extension(e));
        }
    }
    s.push('\n');
    s
}
