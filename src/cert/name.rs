//! X.500 distinguished names exactly as .NET's `X500DistinguishedName` shows them.
//!
//! This file owns: a small strict DER reader (shared with `certificate`), the reader for an X.500
//! `Name` (SEQUENCE OF SET OF AttributeTypeAndValue), the .NET text formatter
//! ([`format_name`], `X500DistinguishedName.Decode(flags)`), the parsed form
//! [`DistinguishedName`] used to compare names, and the parser for the `CertNameToStr` text
//! syntax ([`parse_dn_string`]) plus .NET's string-to-DER encoder ([`encode_dn_string`]).
//!
//! Behaviour follows `dotnet-x509.md` §1. Where Windows (crypt32) and Linux (.NET's managed
//! decoder plus OpenSSL names) differ, [`NameStyle`] selects one; `Windows` is the default.
//! Differences implemented:
//!
//! - attribute keys for OIDs outside .NET's table: `OID.x.y` (Windows) or the OpenSSL long name
//!   (Linux, e.g. `businessCategory`);
//! - PrintableString / NumericString / IA5String with characters outside their set: decoded
//!   leniently as Latin-1 (Windows, unconfirmed) or the whole name is `""` (Linux);
//! - VisibleString, GraphicString, GeneralString, VideotexString (Latin-1) and UniversalString
//!   (UCS-4) print as text on Windows (unconfirmed) and as `#HEX` on Linux (.NET 8+);
//! - BMPString with a valid surrogate pair: decoded on Windows, an error (`""`) on Linux;
//! - `Environment.NewLine` for `UseNewLines`: `"\r\n"` (Windows) or `"\n"` (Linux).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::BitOr;

// ---------------------------------------------------------------------------------------------
// DER reader (crate-internal, also used by `certificate`)
// ---------------------------------------------------------------------------------------------

/// A DER structural error: where it happened (absolute byte offset) and what was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DerError {
    /// Absolute byte offset of the offending element.
    pub(crate) offset: usize,
    /// What was wrong.
    pub(crate) message: &'static str,
}

impl DerError {
    pub(crate) fn new(offset: usize, message: &'static str) -> Self {
        DerError { offset, message }
    }
}

/// One decoded tag-length-value element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The first identifier octet (class, constructed bit, and the tag number when it is < 31).
    pub(crate) tag: u8,
    /// Absolute offset of the element's first byte.
    pub(crate) offset: usize,
    /// The whole element (identifier, length and contents).
    pub(crate) raw: &'a [u8],
    /// The contents octets.
    pub(crate) content: &'a [u8],
    /// Absolute offset of the contents.
    pub(crate) content_offset: usize,
}

impl<'a> Tlv<'a> {
    /// A reader over this element's contents.
    pub(crate) fn reader(&self) -> DerReader<'a> {
        DerReader::new(self.content, self.content_offset)
    }
}

/// A forward-only reader over a run of DER elements. Lengths must be definite and minimal
/// (DER); nothing is read recursively.
#[derive(Debug, Clone)]
pub(crate) struct DerReader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> DerReader<'a> {
    /// A reader over `data`, whose first byte sits at absolute offset `base`.
    pub(crate) fn new(data: &'a [u8], base: usize) -> Self {
        DerReader { data, pos: 0, base }
    }

    /// True when every byte has been consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Absolute offset of the next unread byte.
    pub(crate) fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    /// The identifier octet of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Fails unless everything has been consumed.
    pub(crate) fn finish(&self, message: &'static str) -> Result<(), DerError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DerError::new(self.offset(), message))
        }
    }

    /// Reads the next element.
    pub(crate) fn read(&mut self) -> Result<Tlv<'a>, DerError> {
        let start = self.pos;
        let at = self.offset();
        let err = |m| DerError::new(at, m);
        let tag = *self.data.get(start).ok_or(err("unexpected end of data"))?;
        let mut p = start.checked_add(1).ok_or(err("length overflow"))?;
        if tag & 0x1F == 0x1F {
            // High-tag-number form: base-128, minimal, value >= 31, fits in u32.
            let mut number: u32 = 0;
            let mut first = true;
            loop {
                let b = *self.data.get(p).ok_or(err("truncated tag"))?;
                p = p.checked_add(1).ok_or(err("length overflow"))?;
                if first && b == 0x80 {
                    return Err(err("non-minimal tag encoding"));
                }
                first = false;
                number = number
                    .checked_mul(128)
                    .and_then(|n| n.checked_add(u32::from(b & 0x7F)))
                    .ok_or(err("tag number too large"))?;
                if b & 0x80 == 0 {
                    break;
                }
            }
            if number < 31 {
                return Err(err("non-minimal tag encoding"));
            }
        }
        let first_len = *self.data.get(p).ok_or(err("truncated length"))?;
        p = p.checked_add(1).ok_or(err("length overflow"))?;
        let len: usize = if first_len < 0x80 {
            usize::from(first_len)
        } else if first_len == 0x80 {
            return Err(err("indefinite length is not DER"));
        } else {
            let n = usize::from(first_len & 0x7F);
            if n > 4 {
                return Err(err("length too large"));
            }
            let mut v: usize = 0;
            for i in 0..n {
                let b = *self.data.get(p).ok_or(err("truncated length"))?;
                p = p.checked_add(1).ok_or(err("length overflow"))?;
                if i == 0 && b == 0 {
                    return Err(err("non-minimal length encoding"));
                }
                v = v
                    .checked_mul(256)
                    .and_then(|x| x.checked_add(usize::from(b)))
                    .ok_or(err("length overflow"))?;
            }
            if v < 0x80 {
                return Err(err("non-minimal length encoding"));
            }
            v
        };
        let end = p.checked_add(len).ok_or(err("length overflow"))?;
        let content = self
            .data
            .get(p..end)
            .ok_or(err("element runs past the end of its container"))?;
        let raw = self
            .data
            .get(start..end)
            .ok_or(err("element runs past the end of its container"))?;
        self.pos = end;
        Ok(Tlv {
            tag,
            offset: at,
            raw,
            content,
            content_offset: self.base.saturating_add(p),
        })
    }

    /// Reads the next element and checks its identifier octet.
    pub(crate) fn read_expect(
        &mut self,
        tag: u8,
        message: &'static str,
    ) -> Result<Tlv<'a>, DerError> {
        let at = self.offset();
        match self.peek_tag() {
            Some(t) if t == tag => self.read(),
            _ => Err(DerError::new(at, message)),
        }
    }

    /// Reads the next element if its identifier octet is `tag`.
    pub(crate) fn read_optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, DerError> {
        if self.peek_tag() == Some(tag) {
            self.read().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Most 7-bit groups accepted in one OID arc (arcs are held in a `u128`).
const MAX_ARC_GROUPS: usize = 18;

/// Decodes the contents of an OBJECT IDENTIFIER into dotted form, validating it as .NET's
/// `AsnReader.ReadObjectIdentifier` does (non-empty, minimal sub-identifiers, complete last
/// sub-identifier). Arcs larger than 2^126 are refused (a documented limit).
pub(crate) fn decode_oid(content: &[u8]) -> Result<String, &'static str> {
    if content.is_empty() {
        return Err("empty OBJECT IDENTIFIER");
    }
    let mut out = String::new();
    let mut value: u128 = 0;
    let mut groups = 0usize;
    let mut first = true;
    for &b in content {
        if groups == 0 && b == 0x80 {
            return Err("non-minimal OBJECT IDENTIFIER sub-identifier");
        }
        groups = groups.saturating_add(1);
        if groups > MAX_ARC_GROUPS {
            return Err("OBJECT IDENTIFIER arc too large");
        }
        value = (value << 7) | u128::from(b & 0x7F);
        if b & 0x80 == 0 {
            if first {
                let (a, rest) = if value < 40 {
                    (0u128, value)
                } else if value < 80 {
                    (1, value.saturating_sub(40))
                } else {
                    (2, value.saturating_sub(80))
                };
                let _ = write!(out, "{a}.{rest}");
                first = false;
            } else {
                let _ = write!(out, ".{value}");
            }
            value = 0;
            groups = 0;
        }
    }
    if groups != 0 {
        return Err("truncated OBJECT IDENTIFIER");
    }
    Ok(out)
}

/// Encodes a dotted OID string as OBJECT IDENTIFIER contents, with .NET's validation (at least
/// two arcs, decimal digits without leading zeros, first arc 0..=2, second arc < 40 under 0/1).
pub fn encode_oid(dotted: &str) -> Option<Vec<u8>> {
    let mut arcs = Vec::new();
    for part in dotted.split('.') {
        if part.is_empty()
            || !part.bytes().all(|b| b.is_ascii_digit())
            || (part.len() > 1 && part.starts_with('0'))
        {
            return None;
        }
        arcs.push(part.parse::<u128>().ok()?);
    }
    let mut it = arcs.into_iter();
    let a = it.next()?;
    let b = it.next()?;
    if a > 2 || (a < 2 && b >= 40) {
        return None;
    }
    let mut out = Vec::new();
    let first = a.checked_mul(40)?.checked_add(b)?;
    push_base128(&mut out, first);
    for arc in it {
        push_base128(&mut out, arc);
    }
    Some(out)
}

fn push_base128(out: &mut Vec<u8>, mut v: u128) {
    let mut tmp = [0u8; 19];
    let mut n = 0usize;
    loop {
        if let Some(slot) = tmp.get_mut(n) {
            *slot = (v & 0x7F) as u8;
        }
        n = n.saturating_add(1);
        v >>= 7;
        if v == 0 || n >= tmp.len() {
            break;
        }
    }
    for i in (0..n).rev() {
        let b = tmp.get(i).copied().unwrap_or(0);
        out.push(if i == 0 { b } else { b | 0x80 });
    }
}

/// Appends a DER element with identifier `tag` and the given contents.
pub(crate) fn write_tlv(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or(&[]);
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
}

/// Uppercase hexadecimal, as .NET's `Convert.ToHexString`.
pub fn hex_upper(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len().saturating_mul(2));
    for b in bytes {
        s.push(char::from(
            DIGITS.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
        ));
        s.push(char::from(
            DIGITS.get(usize::from(b & 0x0F)).copied().unwrap_or(b'0'),
        ));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/// Which platform's rendering to reproduce where Windows and Linux .NET differ (see the module
/// documentation for the list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NameStyle {
    /// crypt32 behaviour (the managed APIM gateway, probably). The default.
    #[default]
    Windows,
    /// .NET on Linux (the self-hosted gateway container): managed decoder, OpenSSL long names.
    Linux,
}

impl NameStyle {
    /// `Environment.NewLine` on that platform.
    pub fn new_line(self) -> &'static str {
        match self {
            NameStyle::Windows => "\r\n",
            NameStyle::Linux => "\n",
        }
    }
}

/// `X500DistinguishedNameFlags`: a set of .NET flag bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NameFlags(u32);

impl NameFlags {
    /// `None` (0): DER order, `", "` separators, quoting on.
    pub const NONE: NameFlags = NameFlags(0);
    /// `Reversed` (0x1): most specific RDN first, as `.Name`/`Subject`.
    pub const REVERSED: NameFlags = NameFlags(0x1);
    /// `UseSemicolons` (0x10): `"; "` between RDNs.
    pub const USE_SEMICOLONS: NameFlags = NameFlags(0x10);
    /// `DoNotUsePlusSign` (0x20): `" "` inside a multi-valued RDN instead of `" + "`.
    pub const DO_NOT_USE_PLUS_SIGN: NameFlags = NameFlags(0x20);
    /// `DoNotUseQuotes` (0x40): never quote values.
    pub const DO_NOT_USE_QUOTES: NameFlags = NameFlags(0x40);
    /// `UseCommas` (0x80): `", "` between RDNs (wins over `UseNewLines`).
    pub const USE_COMMAS: NameFlags = NameFlags(0x80);
    /// `UseNewLines` (0x100): `Environment.NewLine` between RDNs.
    pub const USE_NEW_LINES: NameFlags = NameFlags(0x100);
    /// `UseUTF8Encoding` (0x1000): encoder hint, no effect on decoding.
    pub const USE_UTF8_ENCODING: NameFlags = NameFlags(0x1000);
    /// `UseT61Encoding` (0x2000): encoder hint, no effect on decoding.
    pub const USE_T61_ENCODING: NameFlags = NameFlags(0x2000);
    /// `ForceUTF8Encoding` (0x4000): the encoder writes UTF8String values.
    pub const FORCE_UTF8_ENCODING: NameFlags = NameFlags(0x4000);
    /// Every bit .NET accepts (`ThrowIfInvalid`).
    pub const VALID_MASK: u32 = 0x71F1;

    /// Flags from raw bits; any bit outside [`NameFlags::VALID_MASK`] is an error, as .NET's
    /// `ArgumentException`.
    pub fn from_bits(bits: u32) -> Result<NameFlags, NameError> {
        if bits & !Self::VALID_MASK != 0 {
            Err(NameError::InvalidFlags { bits })
        } else {
            Ok(NameFlags(bits))
        }
    }

    /// The raw bits.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// True when every bit of `other` is set in `self`.
    pub fn contains(self, other: NameFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for NameFlags {
    type Output = NameFlags;
    fn bitor(self, rhs: NameFlags) -> NameFlags {
        NameFlags(self.0 | rhs.0)
    }
}

/// Why a name could not be read, parsed or encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The DER structure is invalid.
    #[error("invalid DER in distinguished name at byte {offset}: {message}")]
    Der {
        /// Byte offset in the input.
        offset: usize,
        /// What was wrong.
        message: &'static str,
    },
    /// A string value breaks the rules of its ASN.1 string type.
    #[error("invalid {kind} value at byte {offset}")]
    InvalidString {
        /// Byte offset of the value in the input.
        offset: usize,
        /// The ASN.1 string type.
        kind: &'static str,
    },
    /// Flag bits .NET rejects.
    #[error("invalid X500DistinguishedNameFlags value 0x{bits:X}")]
    InvalidFlags {
        /// The rejected bits.
        bits: u32,
    },
    /// The distinguished-name text does not parse.
    #[error("invalid distinguished name text at character {position}: {message}")]
    Syntax {
        /// Character index in the text.
        position: usize,
        /// What was wrong.
        message: &'static str,
    },
}

impl From<DerError> for NameError {
    fn from(e: DerError) -> Self {
        NameError::Der {
            offset: e.offset,
            message: e.message,
        }
    }
}

/// An attribute value as .NET shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttributeValue {
    /// A decoded directory string (trailing NULs removed).
    Text(String),
    /// A value that is not a string: uppercase hex (without the `#`) of the whole TLV, or of the
    /// contents of a primitive OCTET STRING.
    Hex(String),
}

impl AttributeValue {
    /// The text, when this value is a string.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            AttributeValue::Text(s) => Some(s),
            AttributeValue::Hex(_) => None,
        }
    }
}

/// One `AttributeTypeAndValue`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attribute {
    /// Dotted attribute-type OID, e.g. `2.5.4.3`.
    pub oid: String,
    /// The value.
    pub value: AttributeValue,
}

/// A parsed distinguished name: RDNs in their order (DER order when read from DER, written order
/// when parsed from text), each a list of attributes in encoded/written order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DistinguishedName {
    rdns: Vec<Vec<Attribute>>,
}

// ---------------------------------------------------------------------------------------------
// OID tables
// ---------------------------------------------------------------------------------------------

/// .NET's hard-coded OID to friendly-name table (`OidLookup.cs`, Windows names, used on every
/// OS), followed by its compat entries.
const DOTNET_OIDS: &[(&str, &str)] = &[
    ("1.2.840.113549.3.7", "3des"),
    ("2.16.840.1.101.3.4.1.2", "aes128"),
    ("2.16.840.1.101.3.4.1.5", "aes128wrap"),
    ("2.16.840.1.101.3.4.1.22", "aes192"),
    ("2.16.840.1.101.3.4.1.25", "aes192wrap"),
    ("2.16.840.1.101.3.4.1.42", "aes256"),
    ("2.16.840.1.101.3.4.1.45", "aes256wrap"),
    ("1.3.36.3.3.2.8.1.1.1", "brainpoolP160r1"),
    ("1.3.36.3.3.2.8.1.1.2", "brainpoolP160t1"),
    ("1.3.36.3.3.2.8.1.1.3", "brainpoolP192r1"),
    ("1.3.36.3.3.2.8.1.1.4", "brainpoolP192t1"),
    ("1.3.36.3.3.2.8.1.1.5", "brainpoolP224r1"),
    ("1.3.36.3.3.2.8.1.1.6", "brainpoolP224t1"),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
    ("1.3.36.3.3.2.8.1.1.8", "brainpoolP256t1"),
    ("1.3.36.3.3.2.8.1.1.9", "brainpoolP320r1"),
    ("1.3.36.3.3.2.8.1.1.10", "brainpoolP320t1"),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"),
    ("1.3.36.3.3.2.8.1.1.12", "brainpoolP384t1"),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"),
    ("1.3.36.3.3.2.8.1.1.14", "brainpoolP512t1"),
    ("2.5.4.6", "C"),
    ("1.2.840.113549.1.9.16.3.6", "CMS3DESwrap"),
    ("1.2.840.113549.1.9.16.3.7", "CMSRC2wrap"),
    ("2.5.4.3", "CN"),
    ("1.3.6.1.5.5.7.2.1", "CPS"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("1.3.14.3.2.7", "des"),
    ("2.5.4.13", "Description"),
    ("1.2.840.10046.2.1", "DH"),
    ("2.5.4.46", "dnQualifier"),
    ("1.2.840.10040.4.1", "DSA"),
    ("1.3.14.3.2.27", "dsaSHA1"),
    ("1.2.840.113549.1.9.1", "E"),
    ("1.2.156.11235.1.1.2.1", "ec192wapi"),
    ("1.2.840.10045.2.1", "ECC"),
    ("1.3.133.16.840.63.0.2", "ECDH_STD_SHA1_KDF"),
    ("1.3.132.1.11.1", "ECDH_STD_SHA256_KDF"),
    ("1.3.132.1.11.2", "ECDH_STD_SHA384_KDF"),
    ("1.2.840.10045.3.1.7", "ECDSA_P256"),
    ("1.3.132.0.34", "ECDSA_P384"),
    ("1.3.132.0.35", "ECDSA_P521"),
    ("1.2.840.113549.1.9.16.3.5", "ESDH"),
    ("2.5.4.42", "G"),
    ("2.5.4.43", "I"),
    ("2.5.4.7", "L"),
    ("1.2.840.113549.2.2", "md2"),
    ("1.2.840.113549.1.1.2", "md2RSA"),
    ("1.2.840.113549.2.4", "md4"),
    ("1.2.840.113549.1.1.3", "md4RSA"),
    ("1.2.840.113549.2.5", "md5"),
    ("1.2.840.113549.1.1.4", "md5RSA"),
    ("1.2.840.113549.1.1.8", "mgf1"),
    ("2.16.840.1.101.2.1.1.20", "mosaicKMandUpdSig"),
    ("2.16.840.1.101.2.1.1.19", "mosaicUpdatedSig"),
    ("1.2.840.10045.3.1.1", "nistP192"),
    ("1.3.132.0.33", "nistP224"),
    ("1.3.6.1.5.5.7.6.2", "NO_SIGN"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.20", "Phone"),
    ("2.5.4.18", "POBox"),
    ("2.5.4.17", "PostalCode"),
    ("1.2.840.113549.3.2", "rc2"),
    ("1.2.840.113549.3.4", "rc4"),
    ("1.2.840.113549.1.1.1", "RSA"),
    ("1.2.840.113549.1.1.7", "RSAES_OAEP"),
    ("1.2.840.113549.1.1.10", "RSASSA-PSS"),
    ("2.5.4.8", "S"),
    ("1.3.132.0.9", "secP160k1"),
    ("1.3.132.0.8", "secP160r1"),
    ("1.3.132.0.30", "secP160r2"),
    ("1.3.132.0.31", "secP192k1"),
    ("1.3.132.0.32", "secP224k1"),
    ("1.3.132.0.10", "secP256k1"),
    ("2.5.4.5", "SERIALNUMBER"),
    ("1.3.14.3.2.26", "sha1"),
    ("1.2.840.10040.4.3", "sha1DSA"),
    ("1.2.840.10045.4.1", "sha1ECDSA"),
    ("1.2.840.113549.1.1.5", "sha1RSA"),
    ("2.16.840.1.101.3.4.2.1", "sha256"),
    ("1.2.840.10045.4.3.2", "sha256ECDSA"),
    ("1.2.840.113549.1.1.11", "sha256RSA"),
    ("2.16.840.1.101.3.4.2.2", "sha384"),
    ("1.2.840.10045.4.3.3", "sha384ECDSA"),
    ("1.2.840.113549.1.1.12", "sha384RSA"),
    ("2.16.840.1.101.3.4.2.3", "sha512"),
    ("1.2.840.10045.4.3.4", "sha512ECDSA"),
    ("1.2.840.113549.1.1.13", "sha512RSA"),
    ("2.5.4.4", "SN"),
    ("1.2.840.10045.4.3", "specifiedECDSA"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.12", "T"),
    ("2.23.133.2.1", "TPMManufacturer"),
    ("2.23.133.2.2", "TPMModel"),
    ("2.23.133.2.3", "TPMVersion"),
    ("2.23.43.1.4.9", "wtls9"),
    ("2.5.4.24", "X21Address"),
    ("1.2.840.10045.3.1.2", "x962P192v2"),
    ("1.2.840.10045.3.1.3", "x962P192v3"),
    ("1.2.840.10045.3.1.4", "x962P239v1"),
    ("1.2.840.10045.3.1.5", "x962P239v2"),
    ("1.2.840.10045.3.1.6", "x962P239v3"),
    // s_compatOids
    ("1.2.840.113549.1.3.1", "DH"),
    ("1.3.14.3.2.12", "DSA"),
    ("1.3.14.3.2.13", "sha1DSA"),
    ("1.3.14.3.2.15", "shaRSA"),
    ("1.3.14.3.2.18", "sha"),
    ("1.3.14.3.2.2", "md4RSA"),
    ("1.3.14.3.2.22", "RSA_KEYX"),
    ("1.3.14.3.2.29", "sha1RSA"),
    ("1.3.14.3.2.3", "md5RSA"),
    ("1.3.14.3.2.4", "md4RSA"),
    ("1.3.14.7.2.3.1", "md2RSA"),
];

/// Extra names .NET's table accepts when mapping a name to an OID (`additionalFriendlyNames`).
const DOTNET_NAME_ALIASES: &[(&str, &str)] = &[
    ("ST", "2.5.4.8"),
    ("nistP256", "1.2.840.10045.3.1.7"),
    ("secP256r1", "1.2.840.10045.3.1.7"),
    ("x962P256v1", "1.2.840.10045.3.1.7"),
    ("ECDH_P256", "1.2.840.10045.3.1.7"),
    ("nistP384", "1.3.132.0.34"),
    ("secP384r1", "1.3.132.0.34"),
    ("ECDH_P384", "1.3.132.0.34"),
    ("nistP521", "1.3.132.0.35"),
    ("secP521r1", "1.3.132.0.35"),
    ("ECDH_P521", "1.3.132.0.35"),
];

/// OpenSSL 3 long names (`OBJ_nid2ln`) for OIDs outside .NET's table that can plausibly appear
/// in names or certificates: what Linux .NET prints as the key. A subset of OpenSSL's list.
const OPENSSL_LONG_NAMES: &[(&str, &str)] = &[
    ("2.5.4.0", "objectClass"),
    ("2.5.4.1", "aliasedEntryName"),
    ("2.5.4.2", "knowledgeInformation"),
    ("2.5.4.14", "searchGuide"),
    ("2.5.4.15", "businessCategory"),
    ("2.5.4.16", "postalAddress"),
    ("2.5.4.19", "physicalDeliveryOfficeName"),
    ("2.5.4.21", "telexNumber"),
    ("2.5.4.22", "teletexTerminalIdentifier"),
    ("2.5.4.23", "facsimileTelephoneNumber"),
    ("2.5.4.25", "internationaliSDNNumber"),
    ("2.5.4.26", "registeredAddress"),
    ("2.5.4.27", "destinationIndicator"),
    ("2.5.4.28", "preferredDeliveryMethod"),
    ("2.5.4.29", "presentationAddress"),
    ("2.5.4.30", "supportedApplicationContext"),
    ("2.5.4.31", "member"),
    ("2.5.4.32", "owner"),
    ("2.5.4.33", "roleOccupant"),
    ("2.5.4.34", "seeAlso"),
    ("2.5.4.35", "userPassword"),
    ("2.5.4.36", "userCertificate"),
    ("2.5.4.37", "cACertificate"),
    ("2.5.4.38", "authorityRevocationList"),
    ("2.5.4.39", "certificateRevocationList"),
    ("2.5.4.40", "crossCertificatePair"),
    ("2.5.4.41", "name"),
    ("2.5.4.44", "generationQualifier"),
    ("2.5.4.45", "x500UniqueIdentifier"),
    ("2.5.4.47", "enhancedSearchGuide"),
    ("2.5.4.48", "protocolInformation"),
    ("2.5.4.49", "distinguishedName"),
    ("2.5.4.50", "uniqueMember"),
    ("2.5.4.51", "houseIdentifier"),
    ("2.5.4.52", "supportedAlgorithms"),
    ("2.5.4.53", "deltaRevocationList"),
    ("2.5.4.54", "dmdName"),
    ("2.5.4.65", "pseudonym"),
    ("2.5.4.72", "role"),
    ("2.5.4.97", "organizationIdentifier"),
    ("2.5.4.98", "countryCode3c"),
    ("2.5.4.99", "countryCode3n"),
    ("2.5.4.100", "dnsName"),
    ("0.9.2342.19200300.100.1.1", "userId"),
    ("0.9.2342.19200300.100.1.2", "textEncodedORAddress"),
    ("0.9.2342.19200300.100.1.3", "rfc822Mailbox"),
    ("0.9.2342.19200300.100.1.4", "info"),
    ("0.9.2342.19200300.100.1.5", "favouriteDrink"),
    ("0.9.2342.19200300.100.1.6", "roomNumber"),
    ("0.9.2342.19200300.100.1.10", "manager"),
    ("0.9.2342.19200300.100.1.20", "homeTelephoneNumber"),
    ("0.9.2342.19200300.100.1.37", "associatedDomain"),
    ("0.9.2342.19200300.100.1.41", "mobileTelephoneNumber"),
    ("0.9.2342.19200300.100.1.44", "uniqueIdentifier"),
    ("0.9.2342.19200300.100.1.45", "organizationalStatus"),
    ("1.2.840.113549.1.9.2", "unstructuredName"),
    ("1.2.840.113549.1.9.7", "challengePassword"),
    ("1.2.840.113549.1.9.8", "unstructuredAddress"),
    ("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionLocalityName"),
    (
        "1.3.6.1.4.1.311.60.2.1.2",
        "jurisdictionStateOrProvinceName",
    ),
    ("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionCountryName"),
    ("1.3.6.1.5.5.7.9.1", "dateOfBirth"),
    ("1.3.6.1.5.5.7.9.2", "placeOfBirth"),
    ("1.3.6.1.5.5.7.9.3", "gender"),
    ("1.3.6.1.5.5.7.9.4", "countryOfCitizenship"),
    ("1.3.6.1.5.5.7.9.5", "countryOfResidence"),
    ("1.3.101.112", "ED25519"),
    ("1.3.101.113", "ED448"),
    ("1.3.101.110", "X25519"),
    ("1.3.101.111", "X448"),
];

/// Additional key spellings accepted by [`parse_dn_string`] (CertStrToName and OpenSSL short
/// names), matched case-insensitively.
const EXTRA_KEY_ALIASES: &[(&str, &str)] = &[
    ("EMAIL", "1.2.840.113549.1.9.1"),
    ("EMAILADDRESS", "1.2.840.113549.1.9.1"),
    ("TITLE", "2.5.4.12"),
    ("GN", "2.5.4.42"),
    ("GIVENNAME", "2.5.4.42"),
    ("INITIALS", "2.5.4.43"),
    ("SURNAME", "2.5.4.4"),
    ("UID", "0.9.2342.19200300.100.1.1"),
    ("DOMAINCOMPONENT", "0.9.2342.19200300.100.1.25"),
    ("COMMONNAME", "2.5.4.3"),
    ("COUNTRYNAME", "2.5.4.6"),
    ("LOCALITYNAME", "2.5.4.7"),
    ("STATEORPROVINCENAME", "2.5.4.8"),
    ("ORGANIZATIONNAME", "2.5.4.10"),
    ("ORGANIZATIONALUNITNAME", "2.5.4.11"),
    ("STREETADDRESS", "2.5.4.9"),
];

/// The OID's friendly name as .NET's `Oid.FriendlyName` gives it under `style`, if any.
pub fn oid_friendly_name(oid: &str, style: NameStyle) -> Option<&'static str> {
    if let Some((_, name)) = DOTNET_OIDS.iter().find(|(o, _)| *o == oid) {
        return Some(name);
    }
    match style {
        NameStyle::Windows => None,
        NameStyle::Linux => OPENSSL_LONG_NAMES
            .iter()
            .find(|(o, _)| *o == oid)
            .map(|(_, n)| *n),
    }
}

/// The attribute key .NET prints for an attribute-type OID (`X500NameEncoder.AppendOid`): the
/// friendly name, or `OID.` + the dotted OID.
pub fn attribute_key(oid: &str, style: NameStyle) -> Cow<'static, str> {
    match oid_friendly_name(oid, style) {
        Some(name) if !name.is_empty() && name != oid => Cow::Borrowed(name),
        _ => Cow::Owned(format!("OID.{oid}")),
    }
}

/// Resolves an attribute key written in text (`CN`, `ST`, `OID.2.5.4.3`, `2.5.4.3`, `E`,
/// `businessCategory`, ...) to a validated dotted OID. Names compare case-insensitively.
pub fn resolve_attribute_key(key: &str) -> Option<String> {
    let oid: Cow<'_, str> =
        if key.len() > 4 && key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("OID.")) {
            Cow::Borrowed(key.get(4..).unwrap_or(""))
        } else if let Some((o, _)) = DOTNET_OIDS
            .iter()
            .map(|(o, n)| (*o, *n))
            .chain(DOTNET_NAME_ALIASES.iter().map(|(n, o)| (*o, *n)))
            .chain(EXTRA_KEY_ALIASES.iter().map(|(n, o)| (*o, *n)))
            .chain(OPENSSL_LONG_NAMES.iter().map(|(o, n)| (*o, *n)))
            .find(|(_, n)| n.eq_ignore_ascii_case(key))
        {
            Cow::Borrowed(o)
        } else {
            Cow::Borrowed(key)
        };
    encode_oid(&oid).map(|_| oid.into_owned())
}

// ---------------------------------------------------------------------------------------------
// Reading a Name
// ---------------------------------------------------------------------------------------------

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

fn is_printable_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b' ' | b'\'' | b'(' | b')' | b'+' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?'
        )
}

/// Decodes one attribute value (`ReadAnyAsnString` plus the .NET 8 non-string rule).
fn decode_value(tlv: &Tlv<'_>, style: NameStyle) -> Result<AttributeValue, NameError> {
    let bad = |kind| NameError::InvalidString {
        offset: tlv.offset,
        kind,
    };
    let c = tlv.content;
    let text = match tlv.tag {
        // PrintableString, NumericString, IA5String: strict sets on Linux, lenient on Windows.
        0x13 | 0x12 | 0x16 => {
            let (ok, kind) = match tlv.tag {
                0x13 => (c.iter().all(|b| is_printable_char(*b)), "PrintableString"),
                0x12 => (
                    c.iter().all(|b| b.is_ascii_digit() || *b == b' '),
                    "NumericString",
                ),
                _ => (c.iter().all(|b| *b < 0x80), "IA5String"),
            };
            if !ok && style == NameStyle::Linux {
                return Err(bad(kind));
            }
            latin1(c)
        }
        0x0C => std::str::from_utf8(c)
            .map_err(|_| bad("UTF8String"))?
            .to_owned(),
        0x1E => {
            if !c.len().is_multiple_of(2) {
                return Err(bad("BMPString"));
            }
            let units: Vec<u16> = c
                .chunks_exact(2)
                .map(|p| {
                    u16::from_be_bytes([
                        p.first().copied().unwrap_or(0),
                        p.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            if style == NameStyle::Linux && units.iter().any(|u| (0xD800..=0xDFFF).contains(u)) {
                return Err(bad("BMPString"));
            }
            String::from_utf16(&units).map_err(|_| bad("BMPString"))?
        }
        // T61String: UTF-8 when valid, else ISO-8859-1.
        0x14 => match std::str::from_utf8(c) {
            Ok(s) => s.to_owned(),
            Err(_) => latin1(c),
        },
        // Constructed forms of the string types are not DER.
        0x33 | 0x32 | 0x36 | 0x2C | 0x3E | 0x34 => return Err(bad("constructed string")),
        // Windows crypt32 prints the remaining 8-bit string types and UniversalString as text.
        0x1A | 0x19 | 0x1B | 0x15 if style == NameStyle::Windows => latin1(c),
        0x1C if style == NameStyle::Windows => {
            if !c.len().is_multiple_of(4) {
                return Err(bad("UniversalString"));
            }
            let mut s = String::new();
            for q in c.chunks_exact(4) {
                let v = q.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                s.push(char::from_u32(v).ok_or(bad("UniversalString"))?);
            }
            s
        }
        // Primitive OCTET STRING: one layer unwrapped.
        0x04 => return Ok(AttributeValue::Hex(hex_upper(c))),
        _ => return Ok(AttributeValue::Hex(hex_upper(tlv.raw))),
    };
    Ok(AttributeValue::Text(text.trim_end_matches('\0').to_owned()))
}

impl DistinguishedName {
    /// Reads a DER `Name` with the default ([`NameStyle::Windows`]) string rules.
    pub fn parse(der: &[u8]) -> Result<DistinguishedName, NameError> {
        Self::parse_with_style(der, NameStyle::Windows)
    }

    /// Reads a DER `Name`. Bytes after the outer SEQUENCE, a malformed element, an invalid OID,
    /// an AttributeTypeAndValue with extra elements, or an invalid string value are errors.
    /// Multi-valued RDN SETs keep their encoded order (not re-sorted, as .NET).
    pub fn parse_with_style(der: &[u8], style: NameStyle) -> Result<DistinguishedName, NameError> {
        let mut outer = DerReader::new(der, 0);
        let seq = outer.read_expect(0x30, "expected SEQUENCE (Name)")?;
        outer.finish("data after the Name")?;
        let mut rdn_reader = seq.reader();
        let mut rdns = Vec::new();
        while !rdn_reader.is_empty() {
            let set = rdn_reader.read_expect(0x31, "expected SET (RelativeDistinguishedName)")?;
            let mut atv_reader = set.reader();
            let mut rdn = Vec::new();
            while !atv_reader.is_empty() {
                let atv =
                    atv_reader.read_expect(0x30, "expected SEQUENCE (AttributeTypeAndValue)")?;
                let mut r = atv.reader();
                let oid_tlv = r.read_expect(0x06, "expected OBJECT IDENTIFIER")?;
                let oid = decode_oid(oid_tlv.content).map_err(|m| NameError::Der {
                    offset: oid_tlv.offset,
                    message: m,
                })?;
                let value_tlv = r.read()?;
                r.finish("data after the attribute value")?;
                let value = decode_value(&value_tlv, style)?;
                rdn.push(Attribute { oid, value });
            }
            rdns.push(rdn);
        }
        Ok(DistinguishedName { rdns })
    }

    /// Builds a name from RDNs directly.
    pub fn from_rdns(rdns: Vec<Vec<Attribute>>) -> DistinguishedName {
        DistinguishedName { rdns }
    }

    /// The RDNs in stored order.
    pub fn rdns(&self) -> &[Vec<Attribute>] {
        &self.rdns
    }

    /// True when there are no RDNs.
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }

    /// Every attribute, RDNs in stored order and each RDN's attributes in order.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.rdns.iter().flatten()
    }

    /// Text values of every attribute with this OID, in stored order.
    pub fn text_values<'s>(&'s self, oid: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.attributes()
            .filter(move |a| a.oid == oid)
            .filter_map(|a| a.value.as_text())
    }

    /// Formats as `X500DistinguishedName.Decode(flags)` (`dotnet-x509.md` §1.2–1.7). Flags are
    /// taken as given (use [`NameFlags::from_bits`] to validate raw bits).
    pub fn format(&self, flags: NameFlags, style: NameStyle) -> String {
        let reverse = flags.contains(NameFlags::REVERSED);
        let quote = !flags.contains(NameFlags::DO_NOT_USE_QUOTES);
        let dn_sep = if flags.contains(NameFlags::USE_SEMICOLONS) {
            "; "
        } else if flags.contains(NameFlags::USE_NEW_LINES) && !flags.contains(NameFlags::USE_COMMAS)
        {
            style.new_line()
        } else {
            ", "
        };
        let multi_sep = if flags.contains(NameFlags::DO_NOT_USE_PLUS_SIGN) {
            " "
        } else {
            " + "
        };
        let mut out = String::new();
        let ordered: Box<dyn Iterator<Item = &Vec<Attribute>>> = if reverse {
            Box::new(self.rdns.iter().rev())
        } else {
            Box::new(self.rdns.iter())
        };
        for (i, rdn) in ordered.enumerate() {
            if i > 0 {
                out.push_str(dn_sep);
            }
            for (j, atv) in rdn.iter().enumerate() {
                if j > 0 {
                    out.push_str(multi_sep);
                }
                out.push_str(&attribute_key(&atv.oid, style));
                out.push('=');
                match &atv.value {
                    AttributeValue::Text(v) => {
                        if quote && needs_quoting(v) {
                            out.push('"');
                            out.push_str(&v.replace('"', "\"\""));
                            out.push('"');
                        } else {
                            out.push_str(v);
                        }
                    }
                    AttributeValue::Hex(h) => {
                        out.push('#');
                        out.push_str(h);
                    }
                }
            }
        }
        out
    }

    /// `X500DistinguishedName.Name`: `format(Reversed)`.
    pub fn name(&self, style: NameStyle) -> String {
        self.format(NameFlags::REVERSED, style)
    }

    /// Compares two names as names. Chosen rules (documented, not from .NET):
    ///
    /// - the RDN sequences must match either in the same order or with one side reversed (so a
    ///   DER-order name equals its `Subject`-order text);
    /// - attribute types compare by OID (so `S`, `ST` and `OID.2.5.4.8` are the same key);
    /// - inside one multi-valued RDN, attributes match in any order (an RDN is a SET);
    /// - values compare exactly (ordinal, case-sensitive); text never equals hex.
    pub fn equivalent(&self, other: &DistinguishedName) -> bool {
        if self.rdns.len() != other.rdns.len() {
            return false;
        }
        let same = self
            .rdns
            .iter()
            .zip(other.rdns.iter())
            .all(|(a, b)| rdn_eq(a, b));
        same || self
            .rdns
            .iter()
            .zip(other.rdns.iter().rev())
            .all(|(a, b)| rdn_eq(a, b))
    }
}

fn rdn_eq(a: &[Attribute], b: &[Attribute]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter().all(|x| {
        let found = b.iter().zip(used.iter()).position(|(y, u)| !*u && x == y);
        match found.and_then(|i| used.get_mut(i)) {
            Some(slot) => {
                *slot = true;
                true
            }
            None => false,
        }
    })
}

/// `X500NameEncoder.NeedsQuoting`: empty, leading/trailing ASCII whitespace (space, \t \n \v
/// \f \r), or any of `, + = " \n < > # ;`.
pub fn needs_quoting(v: &str) -> bool {
    let ws = |c: char| c == ' ' || ('\u{9}'..='\u{d}').contains(&c);
    v.is_empty()
        || v.chars().next().is_some_and(ws)
        || v.chars().next_back().is_some_and(ws)
        || v.chars()
            .any(|c| matches!(c, ',' | '+' | '=' | '"' | '\n' | '<' | '>' | '#' | ';'))
}

/// `X500DistinguishedName.Decode(flags)`: the .NET string for a DER `Name`. Any DER or string
/// error makes the whole result `""` (.NET's "Windows compat").
pub fn format_name(der: &[u8], flags: NameFlags, style: NameStyle) -> String {
    match DistinguishedName::parse_with_style(der, style) {
        Ok(dn) => dn.format(flags, style),
        Err(_) => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Text syntax
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    SeekTag,
    SeekTagEnd,
    SeekEquals,
    SeekValueStart,
    SeekValueEnd,
    SeekEndQuote,
    MaybeEndQuote,
    SeekComma,
}

struct TextOptions<'s> {
    separators: &'s [char],
    no_quotes: bool,
    plus_is_separator: bool,
    /// .NET never clears `hadEscapedQuote`: once a value had `""`, every later value goes
    /// through `ExtractValue` too. Reproduced for the encoder only.
    sticky_escape: bool,
}

/// .NET `ExtractValue`: drops every quote not preceded by a dropped quote (`""` -> `"`).
fn extract_value(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut skipped = false;
    for &c in chars {
        if c == '"' && !skipped {
            skipped = true;
            continue;
        }
        skipped = false;
        out.push(c);
    }
    out
}

/// The .NET `ParseDistinguishedName` state machine, optionally extended with `+` between the
/// attributes of a multi-valued RDN. Returns RDNs in written order as (OID, value) pairs.
fn parse_text(s: &str, opts: &TextOptions<'_>) -> Result<Vec<Vec<(String, String)>>, NameError> {
    let chars: Vec<char> = s.chars().collect();
    let syntax = |position, message| NameError::Syntax { position, message };
    let mut rdns: Vec<Vec<(String, String)>> = Vec::new();
    let mut current: Vec<(String, String)> = Vec::new();
    let mut state = State::SeekTag;
    let mut tag_start = 0usize;
    let mut tag_end = 0usize;
    let mut oid: Option<String> = None;
    let mut value_start = 0usize;
    let mut value_end = 0usize;
    let mut escaped_quote = false;

    // Closes the current attribute; `end_rdn` also closes the RDN.
    let flush = |oid: &mut Option<String>,
                 current: &mut Vec<(String, String)>,
                 rdns: &mut Vec<Vec<(String, String)>>,
                 start: usize,
                 end: usize,
                 escaped: bool,
                 end_rdn: bool,
                 pos: usize|
     -> Result<(), NameError> {
        let o = oid.take().ok_or(syntax(pos, "missing attribute type"))?;
        let slice = chars.get(start..end).unwrap_or(&[]);
        let value = if escaped {
            extract_value(slice)
        } else {
            slice.iter().collect()
        };
        current.push((o, value));
        if end_rdn {
            rdns.push(std::mem::take(current));
        }
        Ok(())
    };

    let mut pos = 0usize;
    while let Some(&c) = chars.get(pos) {
        let mut st = state;
        // A small loop stands in for .NET's `goto case`.
        loop {
            match st {
                State::SeekTag => {
                    if c.is_whitespace() {
                        break;
                    }
                    if c.is_control() {
                        return Err(syntax(pos, "control character in attribute type"));
                    }
                    tag_start = pos;
                    tag_end = pos.saturating_add(1);
                    state = State::SeekTagEnd;
                    break;
                }
                State::SeekTagEnd => {
                    if c == '=' {
                        st = State::SeekEquals;
                        continue;
                    }
                    if c.is_whitespace() {
                        state = State::SeekEquals;
                        break;
                    }
                    if c.is_control() {
                        return Err(syntax(pos, "control character in attribute type"));
                    }
                    tag_end = pos.saturating_add(1);
                    state = State::SeekTagEnd;
                    break;
                }
                State::SeekEquals => {
                    if c == '=' {
                        let key: String = chars
                            .get(tag_start..tag_end)
                            .unwrap_or(&[])
                            .iter()
                            .collect();
                        oid = Some(
                            resolve_attribute_key(&key)
                                .ok_or(syntax(tag_start, "unknown or invalid attribute type"))?,
                        );
                        if !opts.sticky_escape {
                            escaped_quote = false;
                        }
                        state = State::SeekValueStart;
                        break;
                    }
                    if !c.is_whitespace() {
                        return Err(syntax(pos, "expected '='"));
                    }
                    state = State::SeekEquals;
                    break;
                }
                State::SeekValueStart => {
                    if c.is_whitespace() {
                        break;
                    }
                    if c == '"' && !opts.no_quotes {
                        state = State::SeekEndQuote;
                        value_start = pos.saturating_add(1);
                        break;
                    }
                    if opts.separators.contains(&c) || (opts.plus_is_separator && c == '+') {
                        value_start = pos;
                        value_end = pos;
                        st = State::SeekComma;
                        continue;
                    }
                    state = State::SeekValueEnd;
                    value_start = pos;
                    value_end = pos.saturating_add(1);
                    break;
                }
                State::SeekEndQuote => {
                    if c == '"' {
                        state = State::MaybeEndQuote;
                        value_end = pos;
                    }
                    break;
                }
                State::MaybeEndQuote => {
                    if c == '"' {
                        state = State::SeekEndQuote;
                        escaped_quote = true;
                        break;
                    }
                    state = State::SeekComma;
                    st = State::SeekComma;
                    continue;
                }
                State::SeekValueEnd => {
                    if opts.separators.contains(&c) || (opts.plus_is_separator && c == '+') {
                        st = State::SeekComma;
                        continue;
                    }
                    if !c.is_whitespace() {
                        value_end = pos.saturating_add(1);
                    }
                    break;
                }
                State::SeekComma => {
                    let is_sep = opts.separators.contains(&c);
                    let is_plus = opts.plus_is_separator && c == '+';
                    if is_sep || is_plus {
                        flush(
                            &mut oid,
                            &mut current,
                            &mut rdns,
                            value_start,
                            value_end,
                            escaped_quote,
                            is_sep,
                            pos,
                        )?;
                        if !opts.sticky_escape {
                            escaped_quote = false;
                        }
                        state = State::SeekTag;
                        break;
                    }
                    if !c.is_whitespace() {
                        return Err(syntax(pos, "expected a separator after the value"));
                    }
                    state = State::SeekComma;
                    break;
                }
            }
        }
        pos = pos.saturating_add(1);
    }

    let end = chars.len();
    match state {
        State::SeekValueStart => {
            flush(
                &mut oid,
                &mut current,
                &mut rdns,
                end,
                end,
                false,
                true,
                end,
            )?;
        }
        State::SeekValueEnd | State::MaybeEndQuote | State::SeekComma => {
            flush(
                &mut oid,
                &mut current,
                &mut rdns,
                value_start,
                value_end,
                escaped_quote,
                true,
                end,
            )?;
        }
        State::SeekTag => {
            if !current.is_empty() {
                return Err(syntax(end, "'+' without a following attribute"));
            }
        }
        State::SeekTagEnd | State::SeekEquals => return Err(syntax(end, "attribute without '='")),
        State::SeekEndQuote => return Err(syntax(end, "unterminated quoted value")),
    }
    Ok(rdns)
}

/// Parses the `CertNameToStr` text syntax (`C=US, ST=Illinois, O="Contoso, Inc.", CN=x`) into a
/// [`DistinguishedName`] whose RDNs are in **written** order. Separators are `,` and `;`; keys
/// are case-insensitive (.NET names such as `CN`, `S`/`ST`, `E`, `SERIALNUMBER`, CertStrToName
/// and OpenSSL names such as `Email`, `UID`, `businessCategory`, `OID.x.y` or a bare dotted OID);
/// values may be quoted with `""` for an embedded quote; unquoted values are trimmed; `+` joins
/// the attributes of a multi-valued RDN (unquoted). All values are text.
pub fn parse_dn_string(s: &str) -> Result<DistinguishedName, NameError> {
    let opts = TextOptions {
        separators: &[',', ';'],
        no_quotes: false,
        plus_is_separator: true,
        sticky_escape: false,
    };
    let rdns = parse_text(s, &opts)?;
    Ok(DistinguishedName {
        rdns: rdns
            .into_iter()
            .map(|rdn| {
                rdn.into_iter()
                    .map(|(oid, v)| Attribute {
                        oid,
                        value: AttributeValue::Text(v),
                    })
                    .collect()
            })
            .collect(),
    })
}

const OID_EMAIL: &str = "1.2.840.113549.1.9.1";

/// `new X500DistinguishedName(string, flags).RawData` as .NET's managed encoder builds it:
/// separators chosen by flags (`UseSemicolons` > `UseCommas` > `UseNewLines` > `,` and `;`),
/// quotes honoured unless `DoNotUseQuotes`, no multi-valued RDNs (`+` is an ordinary
/// character), `E` written as IA5String, other values as PrintableString when every character
/// fits, else UTF8String (always UTF8String with `ForceUTF8Encoding`), RDNs reversed when
/// `Reversed` is set.
pub fn encode_dn_string(s: &str, flags: NameFlags) -> Result<Vec<u8>, NameError> {
    let separators: &[char] = if flags.contains(NameFlags::USE_SEMICOLONS) {
        &[';']
    } else if flags.contains(NameFlags::USE_COMMAS) {
        &[',']
    } else if flags.contains(NameFlags::USE_NEW_LINES) {
        &['\r', '\n']
    } else {
        &[',', ';']
    };
    let opts = TextOptions {
        separators,
        no_quotes: flags.contains(NameFlags::DO_NOT_USE_QUOTES),
        plus_is_separator: false,
        sticky_escape: true,
    };
    let mut rdns = parse_text(s, &opts)?;
    if flags.contains(NameFlags::REVERSED) {
        rdns.reverse();
    }
    let force_utf8 = flags.contains(NameFlags::FORCE_UTF8_ENCODING);
    let mut body = Vec::new();
    for rdn in &rdns {
        let mut set = Vec::new();
        for (oid, value) in rdn {
            let oid_bytes = encode_oid(oid).ok_or(NameError::Syntax {
                position: 0,
                message: "invalid attribute type OID",
            })?;
            let mut atv = Vec::new();
            write_tlv(&mut atv, 0x06, &oid_bytes);
            if oid == OID_EMAIL {
                if !value.is_ascii() {
                    return Err(NameError::InvalidString {
                        offset: 0,
                        kind: "IA5String",
                    });
                }
                write_tlv(&mut atv, 0x16, value.as_bytes());
            } else if !force_utf8 && value.bytes().all(is_printable_char) {
                write_tlv(&mut atv, 0x13, value.as_bytes());
            } else {
                write_tlv(&mut atv, 0x0C, value.as_bytes());
            }
            write_tlv(&mut set, 0x30, &atv);
        }
        write_tlv(&mut body, 0x31, &set);
    }
    let mut out = Vec::new();
    write_tlv(&mut out, 0x30, &body);
    Ok(out)
}
