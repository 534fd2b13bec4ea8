//! Certificate containers: PEM, a DER certificate, PKCS#7 `.p7b` certificate bags (DER or PEM
//! `PKCS7`) and PFX/PKCS#12 files, as `X509Certificate2Collection.Import` reads them.
//!
//! This file owns format detection ([`Certificate::load_any`]), the PKCS#7 SignedData walk
//! (certificates only; DER or BER with indefinite lengths) and the PFX
//! reading on the `p12-keystore` crate (PBES2/AES as current OpenSSL writes, and the legacy
//! RC2-40 and 3DES schemes of `openssl pkcs12 -legacy`), with typed errors for a wrong password,
//! corrupt or truncated input.

use crate::cert::certificate::{CertError, Certificate, MAX_INPUT_LEN};
use crate::cert::name::{DerReader, NameStyle, decode_oid};

const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// The container format [`Certificate::load_any`] detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerFormat {
    /// PEM text (`CERTIFICATE` and/or `PKCS7` blocks).
    Pem,
    /// One DER certificate.
    Der,
    /// A DER or BER PKCS#7 ContentInfo holding SignedData.
    Pkcs7,
    /// A PFX / PKCS#12 file.
    Pkcs12,
}

/// The tag of the first element inside an outer SEQUENCE, read leniently (any length form).
fn first_inner_tag(bytes: &[u8]) -> Option<u8> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    let len_byte = *bytes.get(1)?;
    // Short form and BER indefinite form (0x80) both have a two-byte header.
    let header = if len_byte <= 0x80 {
        2
    } else {
        2usize.checked_add(usize::from(len_byte & 0x7F))?
    };
    bytes.get(header).copied()
}

/// Detects the container format of `bytes`, or `None` when it is none of them.
pub fn detect(bytes: &[u8]) -> Option<ContainerFormat> {
    match first_inner_tag(bytes) {
        Some(0x30) => Some(ContainerFormat::Der),
        Some(0x06) => Some(ContainerFormat::Pkcs7),
        Some(0x02) => Some(ContainerFormat::Pkcs12),
        Some(_) => None,
        None => {
            let text = std::str::from_utf8(bytes).ok()?;
            text.contains("-----BEGIN ").then_some(ContainerFormat::Pem)
        }
    }
}

fn p7_err(message: impl Into<String>) -> CertError {
    CertError::Pkcs7 {
        message: message.into(),
    }
}

/// Deepest BER nesting the PKCS#7 reader follows.
const MAX_BER_DEPTH: usize = 64;

/// One BER TLV: definite or indefinite length (`content` excludes the end-of-contents octets).
struct BerTlv<'a> {
    tag: u8,
    content: &'a [u8],
    raw: &'a [u8],
}

/// Reads one BER TLV from the start of `data` at byte `offset` of the whole input; returns it
/// and the bytes after it. Single-byte tags only; indefinite lengths on constructed values.
fn ber_next(data: &[u8], offset: usize, depth: usize) -> Result<(BerTlv<'_>, &[u8]), CertError> {
    let bad = |m: &str| p7_err(format!("at byte {offset}: {m}"));
    if depth > MAX_BER_DEPTH {
        return Err(bad("nesting too deep"));
    }
    let tag = *data.first().ok_or_else(|| bad("unexpected end of data"))?;
    if tag & 0x1F == 0x1F {
        return Err(bad("multi-byte tags are not supported"));
    }
    let len_byte = *data.get(1).ok_or_else(|| bad("truncated length"))?;
    if len_byte == 0x80 {
        if tag & 0x20 == 0 {
            return Err(bad("indefinite length on a primitive value"));
        }
        let mut pos = 2usize;
        loop {
            let rest = data.get(pos..).ok_or_else(|| bad("truncated value"))?;
            if rest.starts_with(&[0, 0]) {
                let content = data.get(2..pos).ok_or_else(|| bad("truncated value"))?;
                let end = pos.saturating_add(2);
                let raw = data.get(..end).ok_or_else(|| bad("truncated value"))?;
                let after = data.get(end..).unwrap_or(&[]);
                return Ok((BerTlv { tag, content, raw }, after));
            }
            let (child, _) = ber_next(rest, offset.saturating_add(pos), depth.saturating_add(1))?;
            pos = pos.saturating_add(child.raw.len());
        }
    }
    let (len, header) = if len_byte < 0x80 {
        (usize::from(len_byte), 2usize)
    } else {
        let n = usize::from(len_byte & 0x7F);
        if n > 4 {
            return Err(bad("length too long"));
        }
        let bytes = data
            .get(2..2usize.saturating_add(n))
            .ok_or_else(|| bad("truncated length"))?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2usize.saturating_add(n))
    };
    let end = header
        .checked_add(len)
        .ok_or_else(|| bad("length overflow"))?;
    let content = data
        .get(header..end)
        .ok_or_else(|| bad("truncated value"))?;
    let raw = data.get(..end).ok_or_else(|| bad("truncated value"))?;
    let after = data.get(end..).unwrap_or(&[]);
    Ok((BerTlv { tag, content, raw }, after))
}

/// The children of a constructed BER value.
fn ber_children<'a>(parent: &BerTlv<'a>, depth: usize) -> Result<Vec<BerTlv<'a>>, CertError> {
    let mut out = Vec::new();
    let mut rest = parent.content;
    while !rest.is_empty() {
        let (child, after) = ber_next(rest, 0, depth)?;
        out.push(child);
        rest = after;
    }
    Ok(out)
}

fn expect<'a, 'b>(
    items: &'b [BerTlv<'a>],
    index: usize,
    tag: u8,
    what: &str,
) -> Result<&'b BerTlv<'a>, CertError> {
    match items.get(index) {
        Some(t) if t.tag == tag => Ok(t),
        _ => Err(p7_err(format!("expected {what}"))),
    }
}

/// The certificates of a PKCS#7 ContentInfo/SignedData (DER or BER, e.g. the indefinite
/// lengths Windows and `openssl cms -stream` write), in encoded order. Non-X.509
/// `CertificateChoices` (attribute and extended certificates) are skipped.
pub fn read_pkcs7(der: &[u8], style: NameStyle) -> Result<Vec<Certificate>, CertError> {
    let (ci, _trailing) = ber_next(der, 0, 0)?;
    if ci.tag != 0x30 {
        return Err(p7_err("expected ContentInfo SEQUENCE"));
    }
    let ci_items = ber_children(&ci, 1)?;
    let oid_tlv = expect(&ci_items, 0, 0x06, "contentType OBJECT IDENTIFIER")?;
    let oid = decode_oid(oid_tlv.content).map_err(p7_err)?;
    if oid != OID_SIGNED_DATA {
        return Err(p7_err(format!(
            "content type {oid} is not signedData ({OID_SIGNED_DATA})"
        )));
    }
    let explicit = expect(&ci_items, 1, 0xA0, "[0] content")?;
    if ci_items.len() != 2 {
        return Err(p7_err("data after content"));
    }
    let explicit_items = ber_children(explicit, 2)?;
    let sd = expect(&explicit_items, 0, 0x30, "SignedData SEQUENCE")?;
    if explicit_items.len() != 1 {
        return Err(p7_err("data after SignedData"));
    }
    let items = ber_children(sd, 3)?;
    expect(&items, 0, 0x02, "SignedData version")?;
    expect(&items, 1, 0x31, "digestAlgorithms SET")?;
    expect(&items, 2, 0x30, "encapContentInfo SEQUENCE")?;
    let mut next = 3usize;
    let mut out = Vec::new();
    if let Some(certs) = items.get(next).filter(|t| t.tag == 0xA0) {
        for choice in ber_children(certs, 4)? {
            if choice.tag == 0x30 {
                out.push(Certificate::from_der_with_style(choice.raw, style)?);
            }
        }
        next = next.saturating_add(1);
    }
    if items.get(next).is_some_and(|t| t.tag == 0xA1) {
        next = next.saturating_add(1);
    }
    expect(&items, next, 0x31, "signerInfos SET")?;
    if items.len() != next.saturating_add(1) {
        return Err(p7_err("data after signerInfos"));
    }
    Ok(out)
}

/// Upper bound on the key-derivation iterations one PFX may ask for (MAC plus every PBKDF2 and
/// PKCS#12 PBE found before decryption). OpenSSL writes 2048 per derivation.
pub const MAX_PFX_KDF_ITERATIONS: u64 = 5_000_000;

const OID_PBKDF2: &str = "1.2.840.113549.1.5.12";
const OID_SCRYPT: &str = "1.3.6.1.4.1.11591.4.11";
const OID_PKCS12_PBE_PREFIX: &str = "1.2.840.113549.1.12.1.";
const MAX_SCAN_DEPTH: usize = 32;

/// Adds up the KDF iteration counts visible in `der` (descending into OCTET STRINGs that hold
/// DER), so hostile files cannot make the PKCS#12 reader spin. `Err` on scrypt parameters.
fn kdf_work(der: &[u8], depth: usize, total: &mut u64) -> Result<(), CertError> {
    if depth > MAX_SCAN_DEPTH {
        return Ok(());
    }
    let mut r = DerReader::new(der, 0);
    let mut previous_oid: Option<String> = None;
    while !r.is_empty() {
        let Ok(tlv) = r.read() else { return Ok(()) };
        if tlv.tag == 0x06 {
            let oid = decode_oid(tlv.content).ok();
            if oid.as_deref() == Some(OID_SCRYPT) {
                return Err(CertError::Pkcs12 {
                    message: "unsupported: scrypt key derivation".to_owned(),
                });
            }
            previous_oid = oid;
            continue;
        }
        if tlv.tag == 0x30
            && let Some(oid) = previous_oid.take()
            && (oid == OID_PBKDF2 || oid.starts_with(OID_PKCS12_PBE_PREFIX))
        {
            // PBKDF2-params / pkcs-12PbeParams: SEQUENCE { salt, iterationCount INTEGER, ... }
            let mut p = tlv.reader();
            let _salt = p.read();
            if let Ok(iter) = p.read_expect(0x02, "") {
                *total = total.saturating_add(integer_u64(iter.content));
            }
        }
        previous_oid = None;
        // Constructed values, and OCTET STRINGs that wrap DER (AuthenticatedSafe, SafeContents).
        if tlv.tag & 0x20 != 0 || (tlv.tag == 0x04 && tlv.content.first() == Some(&0x30)) {
            kdf_work(tlv.content, depth.saturating_add(1), total)?;
        }
    }
    Ok(())
}

/// An INTEGER's value, saturating at `u64::MAX`; negative values count as zero.
fn integer_u64(content: &[u8]) -> u64 {
    if content.first().is_some_and(|b| b & 0x80 != 0) {
        return 0;
    }
    content.iter().fold(0u64, |acc, b| {
        if acc > (u64::MAX >> 8) {
            u64::MAX
        } else {
            (acc << 8) | u64::from(*b)
        }
    })
}

/// The MacData iteration count of a PFX (third element of the outer SEQUENCE; default 1).
fn mac_iterations(der: &[u8]) -> u64 {
    let mut top = DerReader::new(der, 0);
    let Ok(pfx) = top.read_expect(0x30, "") else {
        return 0;
    };
    let mut r = pfx.reader();
    let _version = r.read();
    let _auth_safe = r.read();
    let Ok(mac) = r.read_expect(0x30, "") else {
        return 0;
    };
    let mut m = mac.reader();
    let _digest = m.read();
    let _salt = m.read();
    match m.read_expect(0x02, "") {
        Ok(i) => integer_u64(i.content),
        Err(_) => 1,
    }
}

fn pfx_error(e: &p12_keystore::error::Error) -> CertError {
    use p12_keystore::error::Error as E;
    match e {
        E::MacError(_) => CertError::WrongPassword,
        // Without a MAC, a wrong password shows up as bad padding after decryption.
        E::UnpadError => CertError::WrongPassword,
        E::Pkcs5Error(m) if m.to_ascii_lowercase().contains("decrypt") => CertError::WrongPassword,
        E::UnsupportedEncryptionScheme | E::UnsupportedMacAlgorithm => CertError::Pkcs12 {
            message: format!("unsupported: {e}"),
        },
        _ => CertError::Pkcs12 {
            message: e.to_string(),
        },
    }
}

/// The certificates of a PFX / PKCS#12 file, in bag order. `HasPrivateKey` is set on a
/// certificate whose `localKeyId` matches a key bag's; on Windows the bag's `friendlyName`
/// becomes `FriendlyName`. A missing password is read as the empty password.
pub fn read_pkcs12(
    der: &[u8],
    password: Option<&str>,
    style: NameStyle,
) -> Result<Vec<Certificate>, CertError> {
    let password = password.unwrap_or("");
    let mut work = mac_iterations(der);
    kdf_work(der, 0, &mut work)?;
    if work > MAX_PFX_KDF_ITERATIONS {
        return Err(CertError::Pkcs12 {
            message: format!(
                "key derivation asks for {work} iterations, more than the {MAX_PFX_KDF_ITERATIONS} allowed"
            ),
        });
    }
    // Defence in depth: a third-party parser on hostile input must not take the process down.
    let parsed = std::panic::catch_unwind(|| {
        p12_keystore::Pkcs12Archive::from_pkcs12(der, password).map_err(|e| pfx_error(&e))
    })
    .map_err(|_| CertError::Pkcs12 {
        message: "the PKCS#12 parser failed on this input".to_owned(),
    })??;
    let mut out = Vec::with_capacity(parsed.certs.len());
    for bag in &parsed.certs {
        let mut cert = Certificate::from_der_with_style(bag.cert.as_der(), style)?;
        let has_key = bag.local_key_id.as_ref().is_some_and(|id| {
            parsed
                .keys
                .iter()
                .any(|k| k.local_key_id.as_ref().is_some_and(|k| k.0 == *id))
        });
        cert.set_pfx_attributes(has_key, bag.friendly_name.as_deref());
        out.push(cert);
    }
    Ok(out)
}

fn read_pem(text: &[u8], style: NameStyle) -> Result<Vec<Certificate>, CertError> {
    let s = std::str::from_utf8(text).map_err(|_| CertError::Pem {
        message: "PEM input is not UTF-8 text".to_owned(),
    })?;
    let mut out = Vec::new();
    let mut rest = s;
    let mut containers = 0usize;
    while let Some(start) = rest.find("-----BEGIN ") {
        let from_begin = rest.get(start..).unwrap_or("");
        let label_end = from_begin
            .get(11..)
            .and_then(|t| t.find("-----"))
            .ok_or_else(|| CertError::Pem {
                message: "unterminated BEGIN line".to_owned(),
            })?;
        let label = from_begin
            .get(11..label_end.saturating_add(11))
            .unwrap_or("");
        let end_marker = format!("-----END {label}-----");
        let end = from_begin.find(&end_marker).ok_or_else(|| CertError::Pem {
            message: format!("no END line for {label}"),
        })?;
        let block_len = end.saturating_add(end_marker.len());
        let block = from_begin.get(..block_len).unwrap_or("");
        rest = from_begin.get(block_len..).unwrap_or("");
        match label {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                containers = containers.saturating_add(1);
                let normalized;
                let block = if label == "CERTIFICATE" {
                    block
                } else {
                    normalized = block.replace(label, "CERTIFICATE");
                    normalized.as_str()
                };
                out.extend(Certificate::load_with_style(block.as_bytes(), style)?);
            }
            "PKCS7" | "PKCS #7 SIGNED DATA" | "CMS" => {
                containers = containers.saturating_add(1);
                let (_, der) =
                    der::pem::decode_vec(block.as_bytes()).map_err(|e| CertError::Pem {
                        message: format!("{label}: {e}"),
                    })?;
                out.extend(read_pkcs7(&der, style)?);
            }
            _ => {}
        }
    }
    if containers == 0 {
        return Err(CertError::NoCertificate);
    }
    Ok(out)
}

impl Certificate {
    /// Loads every certificate from `bytes`, detecting the format: PEM (`CERTIFICATE` and
    /// `PKCS7` blocks, others skipped), a DER certificate, a DER PKCS#7 certificate bag, or a
    /// PFX/PKCS#12 file (decrypted with `password`; `None` means the empty password). The
    /// result may be empty (a PKCS#7 or PFX file without certificates), as in .NET.
    ///
    /// # Errors
    /// [`CertError::WrongPassword`] when the PFX MAC (or decryption) fails; [`CertError::Pkcs12`],
    /// [`CertError::Pkcs7`], [`CertError::Der`], [`CertError::Pem`] for corrupt or truncated
    /// input; [`CertError::UnknownFormat`] when the bytes are none of the formats.
    pub fn load_any(bytes: &[u8], password: Option<&str>) -> Result<Vec<Certificate>, CertError> {
        Self::load_any_with_style(bytes, password, NameStyle::Windows)
    }

    /// [`Certificate::load_any`] with an explicit rendering style.
    pub fn load_any_with_style(
        bytes: &[u8],
        password: Option<&str>,
        style: NameStyle,
    ) -> Result<Vec<Certificate>, CertError> {
        if bytes.is_empty() {
            return Err(CertError::Empty);
        }
        if bytes.len() > MAX_INPUT_LEN {
            return Err(CertError::TooLarge {
                len: bytes.len(),
                limit: MAX_INPUT_LEN,
            });
        }
        match detect(bytes) {
            Some(ContainerFormat::Der) => Ok(vec![Certificate::from_der_with_style(bytes, style)?]),
            Some(ContainerFormat::Pkcs7) => read_pkcs7(bytes, style),
            Some(ContainerFormat::Pkcs12) => read_pkcs12(bytes, password, style),
            Some(ContainerFormat::Pem) => read_pem(bytes, style),
            None => Err(CertError::UnknownFormat),
        }
    }
}
