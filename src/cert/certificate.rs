//! A client or CA certificate as .NET's `X509Certificate2` presents it to policy expressions.
//!
//! This file owns: loading certificates from DER or PEM ([`Certificate::load`],
//! [`Certificate::from_der`]) with an input-size limit, a strict hand-written DER walk of the
//! X.509 structure, and every .NET string (`Subject`, `Issuer`, `Thumbprint`, `SerialNumber`,
//! `GetNameInfo`, ...) computed once at construction (`dotnet-x509.md` §1, §2), and the other
//! `X509Certificate2` members (`GetSerialNumber`, `GetCertHash(alg)`, `SignatureAlgorithm`,
//! `PublicKey`, `Extensions[...]`, `HasPrivateKey`, `FriendlyName`, `Equals`, `ToString`).
//! Containers (PKCS#7, PFX) are read in [`crate::cert::container`]. Name strings
//! come from [`crate::cert::name`] reading the raw `Name` bytes, so invalid strings behave as in
//! .NET.

use sha1::{Digest, Sha1};

pub use crate::cert::extension::Extension;
use crate::cert::name::{
    AttributeValue, DerError, DerReader, DistinguishedName, NameFlags, NameStyle, Tlv, decode_oid,
    hex_upper, oid_friendly_name,
};
pub use crate::cert::oids::Oid;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// Largest input [`Certificate::load`] and [`Certificate::from_der`] accept (1 MiB).
pub const MAX_INPUT_LEN: usize = 1 << 20;

const OID_CN: &str = "2.5.4.3";
const OID_OU: &str = "2.5.4.11";
const OID_O: &str = "2.5.4.10";
const OID_EMAIL: &str = "1.2.840.113549.1.9.1";
const OID_SAN: &str = "2.5.29.17";
const OID_IAN: &str = "2.5.29.18";
const OID_UPN: &str = "1.3.6.1.4.1.311.20.2.3";

/// Why certificate bytes could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// The input is empty.
    #[error("empty certificate input")]
    Empty,
    /// The input is larger than the limit.
    #[error("certificate input of {len} bytes exceeds the {limit}-byte limit")]
    TooLarge {
        /// Input length.
        len: usize,
        /// The limit ([`MAX_INPUT_LEN`]).
        limit: usize,
    },
    /// The PEM text is malformed.
    #[error("invalid PEM: {message}")]
    Pem {
        /// The PEM reader's message.
        message: String,
    },
    /// The PEM text holds no `CERTIFICATE` block.
    #[error("no CERTIFICATE block in PEM input")]
    NoCertificate,
    /// The DER structure is invalid.
    #[error("invalid certificate DER at byte {offset}: {message}")]
    Der {
        /// Byte offset in the DER certificate.
        offset: usize,
        /// What was wrong.
        message: String,
    },
    /// The PFX/PKCS#12 password is wrong (the MAC does not verify, or decryption fails).
    #[error("the PFX password is wrong")]
    WrongPassword,
    /// The PFX/PKCS#12 file is corrupt, truncated or uses an unsupported scheme.
    #[error("invalid PKCS#12/PFX: {message}")]
    Pkcs12 {
        /// What was wrong.
        message: String,
    },
    /// The PKCS#7 certificate bag is corrupt or truncated.
    #[error("invalid PKCS#7: {message}")]
    Pkcs7 {
        /// What was wrong.
        message: String,
    },
    /// The input is none of PEM, DER certificate, PKCS#7 or PKCS#12.
    #[error("unrecognized certificate format (expected PEM, DER, PKCS#7 or PFX)")]
    UnknownFormat,
}

impl From<DerError> for CertError {
    fn from(e: DerError) -> Self {
        CertError::Der {
            offset: e.offset,
            message: e.message.to_owned(),
        }
    }
}

/// `X509NameType`: which name `GetNameInfo` looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum X509NameType {
    /// `SimpleName` (0).
    SimpleName = 0,
    /// `EmailName` (1).
    EmailName = 1,
    /// `UpnName` (2).
    UpnName = 2,
    /// `DnsName` (3).
    DnsName = 3,
    /// `DnsFromAlternativeName` (4).
    DnsFromAlternativeName = 4,
    /// `UrlName` (5).
    UrlName = 5,
}

impl X509NameType {
    /// All six values, in numeric order.
    pub const ALL: [X509NameType; 6] = [
        X509NameType::SimpleName,
        X509NameType::EmailName,
        X509NameType::UpnName,
        X509NameType::DnsName,
        X509NameType::DnsFromAlternativeName,
        X509NameType::UrlName,
    ];

    /// The .NET enum value for a number, if valid.
    pub fn from_i32(v: i32) -> Option<X509NameType> {
        usize::try_from(v)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }
}

/// Entries of a SubjectAltName / IssuerAltName extension, in certificate order, read up to the
/// first malformed entry (.NET stops there too).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct AltNames {
    dns: Vec<String>,
    email: Vec<String>,
    uri: Vec<String>,
    upn: Vec<String>,
    directory_names: Vec<Vec<u8>>,
}

/// A parsed certificate with every .NET string computed at construction.
#[derive(Debug, Clone)]
pub struct Certificate {
    der: Vec<u8>,
    style: NameStyle,
    version: i32,
    serial_number: String,
    serial_number_bytes: Vec<u8>,
    signature_algorithm_oid: String,
    signature_algorithm_name: Option<&'static str>,
    issuer_name_der: Vec<u8>,
    subject_name_der: Vec<u8>,
    issuer: String,
    subject: String,
    issuer_dn: Option<DistinguishedName>,
    subject_dn: Option<DistinguishedName>,
    not_before: i64,
    not_after: i64,
    public_key_oid: String,
    public_key_name: Option<&'static str>,
    public_key_parameters: Vec<u8>,
    public_key: Vec<u8>,
    extensions: Vec<Extension>,
    thumbprint: String,
    thumbprint_bytes: [u8; 20],
    dns_names: Vec<String>,
    common_names: Vec<String>,
    name_info_subject: [String; 6],
    name_info_issuer: [String; 6],
    has_private_key: bool,
    friendly_name: String,
    subject_name_name: String,
}

fn check_len(bytes: &[u8]) -> Result<(), CertError> {
    if bytes.is_empty() {
        return Err(CertError::Empty);
    }
    if bytes.len() > MAX_INPUT_LEN {
        return Err(CertError::TooLarge {
            len: bytes.len(),
            limit: MAX_INPUT_LEN,
        });
    }
    Ok(())
}

impl Certificate {
    /// Parses one DER certificate with the default ([`NameStyle::Windows`]) rendering. Bytes
    /// after the certificate are ignored, as .NET does; [`Certificate::der`] excludes them.
    pub fn from_der(der: &[u8]) -> Result<Certificate, CertError> {
        Self::from_der_with_style(der, NameStyle::Windows)
    }

    /// Parses one DER certificate, rendering names as .NET on `style`.
    pub fn from_der_with_style(der: &[u8], style: NameStyle) -> Result<Certificate, CertError> {
        check_len(der)?;
        parse_certificate(der, style)
    }

    /// Loads every certificate from `bytes`: PEM (one or many `CERTIFICATE` blocks; other
    /// blocks are skipped) or a single DER certificate (input starting with a SEQUENCE byte).
    pub fn load(bytes: &[u8]) -> Result<Vec<Certificate>, CertError> {
        Self::load_with_style(bytes, NameStyle::Windows)
    }

    /// [`Certificate::load`] with an explicit rendering style.
    pub fn load_with_style(bytes: &[u8], style: NameStyle) -> Result<Vec<Certificate>, CertError> {
        check_len(bytes)?;
        if bytes.first() == Some(&0x30) {
            return Ok(vec![parse_certificate(bytes, style)?]);
        }
        let mut out = Vec::new();
        for item in CertificateDer::pem_slice_iter(bytes) {
            let der = item.map_err(|e| CertError::Pem {
                message: e.to_string(),
            })?;
            out.push(Self::from_der_with_style(der.as_ref(), style)?);
        }
        if out.is_empty() {
            return Err(CertError::NoCertificate);
        }
        Ok(out)
    }

    /// The rendering style the strings were computed with.
    pub fn style(&self) -> NameStyle {
        self.style
    }

    /// The DER certificate (`RawData`).
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// `Subject`: the subject name, most specific RDN first (`SubjectName.Name`).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// `SubjectName.Name`: the same as [`Certificate::subject`] except on Windows for an empty
    /// subject, where `Subject` shows the SAN's first directoryName and this stays `""`.
    pub fn subject_name(&self) -> &str {
        &self.subject_name_name
    }

    /// `IssuerName.Name`: the same as [`Certificate::issuer`].
    pub fn issuer_name(&self) -> &str {
        &self.issuer
    }

    /// `Issuer`: the issuer name, most specific RDN first.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `SubjectName.RawData`: the DER subject `Name`.
    pub fn subject_name_der(&self) -> &[u8] {
        &self.subject_name_der
    }

    /// `IssuerName.RawData`: the DER issuer `Name`.
    pub fn issuer_name_der(&self) -> &[u8] {
        &self.issuer_name_der
    }

    /// The parsed subject name, or `None` when it does not decode (then `subject()` is `""`).
    pub fn subject_dn(&self) -> Option<&DistinguishedName> {
        self.subject_dn.as_ref()
    }

    /// The parsed issuer name, or `None` when it does not decode.
    pub fn issuer_dn(&self) -> Option<&DistinguishedName> {
        self.issuer_dn.as_ref()
    }

    /// `Thumbprint`: uppercase hex SHA-1 of the DER certificate, 40 characters.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// `GetCertHash()`: the SHA-1 of the DER certificate.
    pub fn thumbprint_bytes(&self) -> &[u8; 20] {
        &self.thumbprint_bytes
    }

    /// `SerialNumber`: uppercase hex of the INTEGER contents as encoded (leading `00` kept).
    pub fn serial_number(&self) -> &str {
        &self.serial_number
    }

    /// `SerialNumberBytes`: the INTEGER contents, big-endian as encoded.
    pub fn serial_number_bytes(&self) -> &[u8] {
        &self.serial_number_bytes
    }

    /// `NotBefore` as UTC Unix seconds.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// `NotAfter` as UTC Unix seconds.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    /// `Version`: 1, 2 or 3.
    pub fn version(&self) -> i32 {
        self.version
    }

    /// `SignatureAlgorithm.Value`: the outer signature algorithm OID.
    pub fn signature_algorithm_oid(&self) -> &str {
        &self.signature_algorithm_oid
    }

    /// `SignatureAlgorithm.FriendlyName` (`sha256RSA`, `sha256ECDSA`, ...), `None` when unknown.
    pub fn signature_algorithm_friendly_name(&self) -> Option<&'static str> {
        self.signature_algorithm_name
    }

    /// `PublicKey.Oid.Value` / `GetKeyAlgorithm()`.
    pub fn public_key_oid(&self) -> &str {
        &self.public_key_oid
    }

    /// `PublicKey.Oid.FriendlyName` (`RSA`, `ECC`, ...), `None` when unknown.
    pub fn public_key_friendly_name(&self) -> Option<&'static str> {
        self.public_key_name
    }

    /// `PublicKey.EncodedParameters.RawData`: the algorithm parameters TLV, empty when absent.
    pub fn public_key_parameters(&self) -> &[u8] {
        &self.public_key_parameters
    }

    /// `PublicKey.EncodedKeyValue.RawData`: the subjectPublicKey BIT STRING contents without the
    /// unused-bits octet.
    pub fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    /// `Extensions`, in certificate order.
    pub fn extensions(&self) -> &[Extension] {
        &self.extensions
    }

    /// The SubjectAltName dNSName entries, in order.
    pub fn dns_names(&self) -> &[String] {
        &self.dns_names
    }

    /// The subject's CN values in DER order.
    pub fn common_names(&self) -> &[String] {
        &self.common_names
    }

    /// `GetNameInfo(nameType, forIssuer)` (`dotnet-x509.md` §2.5), `""` when nothing matches.
    pub fn get_name_info(&self, name_type: X509NameType, for_issuer: bool) -> &str {
        let table = if for_issuer {
            &self.name_info_issuer
        } else {
            &self.name_info_subject
        };
        table
            .get(name_type as usize)
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// `HashAlgorithmName` values `GetCertHash(HashAlgorithmName)` accepts here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithmName {
    /// `SHA1` (the `Thumbprint` hash).
    Sha1,
    /// `SHA256`.
    Sha256,
    /// `SHA384`.
    Sha384,
    /// `SHA512`.
    Sha512,
}

impl HashAlgorithmName {
    /// Parses a `HashAlgorithmName.Name` (`SHA1`, `SHA256`, `SHA384`, `SHA512`; .NET compares
    /// the name ordinally, so only the uppercase spelling is accepted).
    pub fn from_name(name: &str) -> Option<HashAlgorithmName> {
        match name {
            "SHA1" => Some(HashAlgorithmName::Sha1),
            "SHA256" => Some(HashAlgorithmName::Sha256),
            "SHA384" => Some(HashAlgorithmName::Sha384),
            "SHA512" => Some(HashAlgorithmName::Sha512),
            _ => None,
        }
    }
}

/// The type name `X509Certificate.ToString(false)` prints.
pub const X509_CERTIFICATE2_TYPE_NAME: &str =
    "System.Security.Cryptography.X509Certificates.X509Certificate2";

impl Certificate {
    /// `GetSerialNumber()`: the serial INTEGER contents, **little-endian** (reversed).
    pub fn get_serial_number(&self) -> Vec<u8> {
        self.serial_number_bytes.iter().rev().copied().collect()
    }

    /// `GetCertHash(hashAlgorithm)`: the hash of the DER certificate.
    pub fn get_cert_hash(&self, algorithm: HashAlgorithmName) -> Vec<u8> {
        use sha2::{Sha256, Sha384, Sha512};
        match algorithm {
            HashAlgorithmName::Sha1 => self.thumbprint_bytes.to_vec(),
            HashAlgorithmName::Sha256 => Sha256::digest(&self.der).to_vec(),
            HashAlgorithmName::Sha384 => Sha384::digest(&self.der).to_vec(),
            HashAlgorithmName::Sha512 => Sha512::digest(&self.der).to_vec(),
        }
    }

    /// `GetCertHashString(hashAlgorithm)`: [`Certificate::get_cert_hash`] as uppercase hex.
    pub fn get_cert_hash_string(&self, algorithm: HashAlgorithmName) -> String {
        hex_upper(&self.get_cert_hash(algorithm))
    }

    /// `GetRawCertDataString()`: the DER certificate as uppercase hex.
    pub fn get_raw_cert_data_string(&self) -> String {
        hex_upper(&self.der)
    }

    /// `SignatureAlgorithm`.
    pub fn signature_algorithm(&self) -> Oid {
        Oid {
            value: self.signature_algorithm_oid.clone(),
            friendly_name: self.signature_algorithm_name,
        }
    }

    /// `PublicKey.Oid`.
    pub fn public_key_algorithm(&self) -> Oid {
        Oid {
            value: self.public_key_oid.clone(),
            friendly_name: self.public_key_name,
        }
    }

    /// `GetKeyAlgorithm()`: the public key algorithm OID.
    pub fn get_key_algorithm(&self) -> &str {
        &self.public_key_oid
    }

    /// `GetKeyAlgorithmParameters()`: the algorithm parameters TLV, empty when absent.
    pub fn get_key_algorithm_parameters(&self) -> &[u8] {
        &self.public_key_parameters
    }

    /// `GetKeyAlgorithmParametersString()`: uppercase hex of the parameters.
    pub fn get_key_algorithm_parameters_string(&self) -> String {
        hex_upper(&self.public_key_parameters)
    }

    /// `GetPublicKey()`: the subjectPublicKey bits (same as `PublicKey.EncodedKeyValue`).
    pub fn get_public_key(&self) -> &[u8] {
        &self.public_key
    }

    /// `GetPublicKeyString()`: uppercase hex of [`Certificate::get_public_key`].
    pub fn get_public_key_string(&self) -> String {
        hex_upper(&self.public_key)
    }

    /// `GetFormat()`: always `"X509"`.
    pub fn get_format(&self) -> &'static str {
        "X509"
    }

    /// `Extensions[oidOrFriendlyName]`: the argument goes through `new Oid(arg).Value` (a
    /// friendly name of the certificate's style, or a dotted OID), then the first extension
    /// whose OID matches (ordinal, case-insensitive). `None` where .NET returns `null`.
    pub fn extension(&self, oid_or_name: &str) -> Option<&Extension> {
        let wanted = crate::cert::oids::resolve(oid_or_name, self.style)
            .unwrap_or_else(|| oid_or_name.to_owned());
        self.extensions
            .iter()
            .find(|e| e.oid.eq_ignore_ascii_case(&wanted))
    }

    /// The first `X509BasicConstraintsExtension`, if any (`None` also when it does not decode).
    pub fn basic_constraints(&self) -> Option<crate::cert::extension::BasicConstraints> {
        self.extensions
            .iter()
            .find(|e| {
                matches!(
                    e.kind,
                    crate::cert::extension::ExtensionKind::BasicConstraints(_)
                )
            })
            .and_then(|e| e.basic_constraints())
    }

    /// `HasPrivateKey`: false for a certificate read from PEM/DER/PKCS#7 (a TLS client
    /// certificate); true for a PFX certificate whose private key was in the file.
    pub fn has_private_key(&self) -> bool {
        self.has_private_key
    }

    /// `FriendlyName`: `""`, except a PFX `friendlyName` bag attribute on Windows (Linux .NET
    /// always returns `""`).
    pub fn friendly_name(&self) -> &str {
        &self.friendly_name
    }

    pub(crate) fn set_pfx_attributes(
        &mut self,
        has_private_key: bool,
        friendly_name: Option<&str>,
    ) {
        self.has_private_key = has_private_key;
        if self.style == NameStyle::Windows {
            self.friendly_name = friendly_name.unwrap_or_default().to_owned();
        }
    }

    /// `Archived`: always false (a Windows certificate-store property).
    pub fn archived(&self) -> bool {
        false
    }

    /// `GetEffectiveDateString()`: `NotBefore` as .NET's invariant culture prints a local
    /// `DateTime` (`MM/dd/yyyy HH:mm:ss`; local time taken as UTC).
    pub fn get_effective_date_string(&self) -> String {
        crate::cert::display::format_date(self.not_before)
    }

    /// `GetExpirationDateString()`: `NotAfter`, formatted as
    /// [`Certificate::get_effective_date_string`].
    pub fn get_expiration_date_string(&self) -> String {
        crate::cert::display::format_date(self.not_after)
    }

    /// Obsolete `GetName()`: the subject in DER order (`SubjectName.Decode(None)`), not reversed.
    pub fn get_name(&self) -> String {
        crate::cert::name::format_name(&self.subject_name_der, NameFlags::NONE, self.style)
    }

    /// Obsolete `GetIssuerName()`: the issuer in DER order, not reversed.
    pub fn get_issuer_name(&self) -> String {
        crate::cert::name::format_name(&self.issuer_name_der, NameFlags::NONE, self.style)
    }

    /// `Equals(X509Certificate)`: .NET compares the `Issuer` strings (ordinal) and the raw
    /// serial-number bytes, nothing else.
    pub fn dotnet_equals(&self, other: &Certificate) -> bool {
        self.issuer == other.issuer && self.serial_number_bytes == other.serial_number_bytes
    }

    /// `ToString()` and `ToString(verbose)` (`X509Certificate2` overrides `ToString()` to print
    /// `X509Certificate.ToString(true)`, and `ToString(false)` calls `ToString()`, so neither
    /// prints the type name). Lines end in `"\n"` (Linux `Environment.NewLine`; Windows uses
    /// `"\r\n"`); dates are printed as .NET's invariant culture does (`MM/dd/yyyy HH:mm:ss`,
    /// UTC as local time).
    pub fn to_string_dotnet(&self, verbose: bool) -> String {
        crate::cert::display::to_string(self, verbose)
    }
}

fn read_alg_id(r: &mut DerReader<'_>) -> Result<(String, Vec<u8>), CertError> {
    let seq = r.read_expect(0x30, "expected AlgorithmIdentifier SEQUENCE")?;
    let mut a = seq.reader();
    let oid_tlv = a.read_expect(0x06, "expected algorithm OBJECT IDENTIFIER")?;
    let oid = decode_oid(oid_tlv.content).map_err(|m| DerError::new(oid_tlv.offset, m))?;
    let params = if a.is_empty() {
        Vec::new()
    } else {
        a.read()?.raw.to_vec()
    };
    a.finish("data after algorithm parameters")?;
    Ok((oid, params))
}

fn check_integer(tlv: &Tlv<'_>) -> Result<(), DerError> {
    let c = tlv.content;
    match (c.first(), c.get(1)) {
        (None, _) => Err(DerError::new(tlv.offset, "empty INTEGER")),
        (Some(0x00), Some(b)) if b & 0x80 == 0 => {
            Err(DerError::new(tlv.offset, "non-minimal INTEGER encoding"))
        }
        (Some(0xFF), Some(b)) if b & 0x80 != 0 => {
            Err(DerError::new(tlv.offset, "non-minimal INTEGER encoding"))
        }
        _ => Ok(()),
    }
}

fn digits(bytes: &[u8], offset: usize) -> Result<u32, DerError> {
    let mut v: u32 = 0;
    for b in bytes {
        if !b.is_ascii_digit() {
            return Err(DerError::new(offset, "invalid digit in time"));
        }
        v = v.saturating_mul(10).saturating_add(u32::from(b - b'0'));
    }
    Ok(v)
}

/// UTCTime (`YYMMDDHHMMSSZ`, years 1950–2049) or GeneralizedTime (`YYYYMMDDHHMMSS[.f]Z`) to UTC
/// Unix seconds.
fn read_time(r: &mut DerReader<'_>) -> Result<i64, CertError> {
    let tlv = r.read()?;
    let c = tlv.content;
    let bad = |m| DerError::new(tlv.offset, m);
    let (year, rest) = match tlv.tag {
        0x17 => {
            if c.len() != 13 {
                return Err(bad("UTCTime must be YYMMDDHHMMSSZ").into());
            }
            let yy = digits(c.get(0..2).unwrap_or(&[]), tlv.offset)?;
            let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
            (year, c.get(2..).unwrap_or(&[]))
        }
        0x18 => {
            if c.len() < 15 {
                return Err(bad("GeneralizedTime too short").into());
            }
            let year = digits(c.get(0..4).unwrap_or(&[]), tlv.offset)?;
            (year, c.get(4..).unwrap_or(&[]))
        }
        _ => return Err(bad("expected UTCTime or GeneralizedTime").into()),
    };
    // rest: MMDDHHMMSS then optional fraction (GeneralizedTime only) then 'Z'.
    let fixed = rest.get(0..10).ok_or(bad("time too short"))?;
    let tail = rest.get(10..).unwrap_or(&[]);
    match tail {
        [b'Z'] => {}
        [b'.', frac @ .., b'Z']
            if tlv.tag == 0x18
                && !frac.is_empty()
                && frac.iter().all(u8::is_ascii_digit)
                && frac.last() != Some(&b'0') => {}
        _ => return Err(bad("time must end in Z (UTC)").into()),
    }
    let field = |i: usize| digits(fixed.get(i..i.saturating_add(2)).unwrap_or(&[]), tlv.offset);
    let (month, day, hour, minute, second) =
        (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    let month = time::Month::try_from(u8::try_from(month).map_err(|_| bad("invalid month"))?)
        .map_err(|_| bad("invalid month"))?;
    let year = i32::try_from(year).map_err(|_| bad("invalid year"))?;
    let date = time::Date::from_calendar_date(
        year,
        month,
        u8::try_from(day).map_err(|_| bad("invalid day"))?,
    )
    .map_err(|_| bad("invalid date"))?;
    let t = time::Time::from_hms(
        u8::try_from(hour).map_err(|_| bad("invalid hour"))?,
        u8::try_from(minute).map_err(|_| bad("invalid minute"))?,
        u8::try_from(second).map_err(|_| bad("invalid second"))?,
    )
    .map_err(|_| bad("invalid time of day"))?;
    Ok(time::PrimitiveDateTime::new(date, t)
        .assume_utc()
        .unix_timestamp())
}

fn ia5(tlv: &Tlv<'_>) -> Option<String> {
    if tlv.content.iter().all(|b| *b < 0x80) {
        Some(tlv.content.iter().map(|b| char::from(*b)).collect())
    } else {
        None
    }
}

/// Reads GeneralNames entries until the end or the first malformed entry.
fn read_alt_names(value: &[u8], into: &mut AltNames) {
    let mut outer = DerReader::new(value, 0);
    let Ok(seq) = outer.read_expect(0x30, "expected GeneralNames") else {
        return;
    };
    if !outer.is_empty() {
        return;
    }
    let mut r = seq.reader();
    let mut upn_stopped = false;
    while !r.is_empty() {
        let Ok(gn) = r.read() else { return };
        match gn.tag {
            0x81 | 0x82 | 0x86 => {
                let Some(s) = ia5(&gn) else { return };
                match gn.tag {
                    0x81 => into.email.push(s),
                    0x82 => into.dns.push(s),
                    _ => into.uri.push(s),
                }
            }
            0xA0 => {
                let mut o = gn.reader();
                let Ok(oid_tlv) = o.read_expect(0x06, "") else {
                    return;
                };
                let Ok(oid) = decode_oid(oid_tlv.content) else {
                    return;
                };
                let Ok(explicit) = o.read_expect(0xA0, "") else {
                    return;
                };
                if !o.is_empty() {
                    return;
                }
                if oid == OID_UPN && !upn_stopped {
                    let mut v = explicit.reader();
                    match (v.read_expect(0x0C, ""), v.is_empty()) {
                        (Ok(s), _) => match std::str::from_utf8(s.content) {
                            Ok(text) if v.is_empty() => into.upn.push(text.to_owned()),
                            _ => upn_stopped = true,
                        },
                        _ => upn_stopped = true,
                    }
                }
            }
            0xA4 => {
                let mut d = gn.reader();
                let Ok(name) = d.read_expect(0x30, "") else {
                    return;
                };
                if !d.is_empty() {
                    return;
                }
                into.directory_names.push(name.raw.to_vec());
            }
            0xA3 | 0xA5 | 0x87 | 0x88 => {}
            _ => return,
        }
    }
}

/// OpenSSL `ASN1_STRING_print_ex(flags = 0)` as read back by .NET: characters above U+FFFF
/// become `\WXXXXXXXX`, above U+00FF `\UXXXX`, U+0080–U+00FF a raw byte (then UTF-8-decoded).
fn openssl_flags0(s: &str) -> String {
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        let v = u32::from(c);
        if v > 0xFFFF {
            bytes.extend_from_slice(format!("\\W{v:08X}").as_bytes());
        } else if v > 0xFF {
            bytes.extend_from_slice(format!("\\U{v:04X}").as_bytes());
        } else {
            bytes.push(v as u8);
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn value_string(v: &AttributeValue) -> String {
    match v {
        AttributeValue::Text(t) => t.clone(),
        AttributeValue::Hex(h) => format!("#{h}"),
    }
}

/// The name's attributes most specific first. Windows: RDNs from last to first, each RDN's
/// attributes in encoded order (.NET's managed `ReadReverseRdns`). Linux: OpenSSL's flattened
/// entry list walked from its end, so a multi-valued RDN is also read backwards.
fn reverse_attrs(dn: &DistinguishedName, style: NameStyle) -> Vec<(&str, &AttributeValue)> {
    match style {
        NameStyle::Windows => dn
            .rdns()
            .iter()
            .rev()
            .flat_map(|rdn| rdn.iter().map(|a| (a.oid.as_str(), &a.value)))
            .collect(),
        NameStyle::Linux => dn
            .attributes()
            .map(|a| (a.oid.as_str(), &a.value))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect(),
    }
}

fn name_info(
    name_type: X509NameType,
    dn: Option<&DistinguishedName>,
    alt: &AltNames,
    style: NameStyle,
) -> String {
    let last_of = |oid: &str| -> Option<String> {
        dn.and_then(|d| {
            reverse_attrs(d, style)
                .into_iter()
                .find(|(o, _)| *o == oid)
                .map(|(_, v)| value_string(v))
        })
    };
    match name_type {
        X509NameType::SimpleName => {
            let mut cn = None;
            let mut ou = None;
            let mut o = None;
            let mut e = None;
            let mut first_rdn = None;
            if let Some(d) = dn {
                for (oid, v) in reverse_attrs(d, style) {
                    match oid {
                        OID_CN => {
                            cn = Some(value_string(v));
                            break;
                        }
                        OID_OU => ou = Some(value_string(v)),
                        OID_O => o = Some(value_string(v)),
                        OID_EMAIL => e = Some(value_string(v)),
                        _ => {
                            if first_rdn.is_none() {
                                first_rdn = Some(value_string(v));
                            }
                        }
                    }
                }
            }
            let email = alt.email.first().cloned();
            let answer = match style {
                // CertGetNameString: CN, OU, O, E, then SAN rfc822Name, then an attribute.
                NameStyle::Windows => cn.or(ou).or(o).or(e).or(email).or(first_rdn),
                // OpenSSL shim: the OU/O/E fallbacks only run when some other attribute exists.
                NameStyle::Linux => {
                    let from_dn = if cn.is_some() {
                        cn
                    } else if first_rdn.is_some() {
                        ou.or(o).or(e).or(first_rdn)
                    } else {
                        None
                    };
                    from_dn.or(email)
                }
            };
            answer.unwrap_or_default()
        }
        X509NameType::EmailName => alt
            .email
            .first()
            .cloned()
            .or_else(|| last_of(OID_EMAIL).map(|v| fallback_text(&v, style)))
            .unwrap_or_default(),
        X509NameType::UpnName => alt.upn.first().cloned().unwrap_or_default(),
        X509NameType::DnsName => alt
            .dns
            .first()
            .cloned()
            .or_else(|| last_of(OID_CN).map(|v| fallback_text(&v, style)))
            .unwrap_or_default(),
        X509NameType::DnsFromAlternativeName => alt.dns.first().cloned().unwrap_or_default(),
        X509NameType::UrlName => alt.uri.first().cloned().unwrap_or_default(),
    }
}

fn fallback_text(v: &str, style: NameStyle) -> String {
    match style {
        NameStyle::Windows => v.to_owned(),
        NameStyle::Linux => openssl_flags0(v),
    }
}

fn parse_certificate(input: &[u8], style: NameStyle) -> Result<Certificate, CertError> {
    let mut top = DerReader::new(input, 0);
    let cert = top.read_expect(0x30, "expected Certificate SEQUENCE")?;
    // Trailing bytes after the certificate are ignored (.NET: "Windows and Unix permit trailing
    // data after the DER contents of the certificate").
    let mut c = cert.reader();
    let tbs = c.read_expect(0x30, "expected TBSCertificate SEQUENCE")?;
    let (signature_algorithm_oid, _) = read_alg_id(&mut c)?;
    let _signature = c.read_expect(0x03, "expected signature BIT STRING")?;
    c.finish("data after the signature")?;

    let mut t = tbs.reader();
    let version = match t.read_optional(0xA0)? {
        Some(v) => {
            let mut vr = v.reader();
            let int = vr.read_expect(0x02, "expected version INTEGER")?;
            vr.finish("data after version")?;
            check_integer(&int)?;
            match int.content {
                [n @ 0..=2] => i32::from(*n) + 1,
                _ => {
                    return Err(DerError::new(int.offset, "unsupported certificate version").into());
                }
            }
        }
        None => 1,
    };
    let serial = t.read_expect(0x02, "expected serialNumber INTEGER")?;
    check_integer(&serial)?;
    let _tbs_sig = read_alg_id(&mut t)?;
    let issuer_tlv = t.read_expect(0x30, "expected issuer Name")?;
    let validity = t.read_expect(0x30, "expected Validity SEQUENCE")?;
    let mut vr = validity.reader();
    let not_before = read_time(&mut vr)?;
    let not_after = read_time(&mut vr)?;
    vr.finish("data after Validity")?;
    let subject_tlv = t.read_expect(0x30, "expected subject Name")?;
    let spki = t.read_expect(0x30, "expected SubjectPublicKeyInfo SEQUENCE")?;
    let mut sr = spki.reader();
    let (public_key_oid, public_key_parameters) = read_alg_id(&mut sr)?;
    let key_bits = sr.read_expect(0x03, "expected subjectPublicKey BIT STRING")?;
    sr.finish("data after subjectPublicKey")?;
    let public_key = match key_bits.content.split_first() {
        Some((unused, rest)) if *unused < 8 && !(rest.is_empty() && *unused != 0) => rest.to_vec(),
        _ => return Err(DerError::new(key_bits.offset, "invalid BIT STRING").into()),
    };
    let _issuer_uid = t.read_optional(0x81)?;
    let _subject_uid = t.read_optional(0x82)?;
    let mut extensions = Vec::new();
    if let Some(ext_wrapper) = t.read_optional(0xA3)? {
        let mut w = ext_wrapper.reader();
        let seq = w.read_expect(0x30, "expected Extensions SEQUENCE")?;
        w.finish("data after Extensions")?;
        let mut er = seq.reader();
        while !er.is_empty() {
            let ext = er.read_expect(0x30, "expected Extension SEQUENCE")?;
            let mut x = ext.reader();
            let oid_tlv = x.read_expect(0x06, "expected extnID")?;
            let oid = decode_oid(oid_tlv.content).map_err(|m| DerError::new(oid_tlv.offset, m))?;
            let critical = match x.read_optional(0x01)? {
                Some(b) => match b.content {
                    [0xFF] => true,
                    [0x00] => false,
                    _ => return Err(DerError::new(b.offset, "invalid BOOLEAN").into()),
                },
                None => false,
            };
            let value = x.read_expect(0x04, "expected extnValue OCTET STRING")?;
            x.finish("data after extnValue")?;
            extensions.push(Extension::new(oid, critical, value.content.to_vec(), style));
        }
    }
    t.finish("unexpected data at the end of TBSCertificate")?;

    let der = cert.raw.to_vec();
    let thumbprint_bytes: [u8; 20] = Sha1::digest(&der).into();

    let mut san = AltNames::default();
    let mut ian = AltNames::default();
    for e in &extensions {
        if e.oid == OID_SAN {
            read_alt_names(&e.value, &mut san);
        } else if e.oid == OID_IAN {
            read_alt_names(&e.value, &mut ian);
        }
    }

    let subject_dn = DistinguishedName::parse_with_style(subject_tlv.raw, style).ok();
    let issuer_dn = DistinguishedName::parse_with_style(issuer_tlv.raw, style).ok();
    let subject = match (&subject_dn, style) {
        // CERT_NAME_RDN_TYPE: an empty subject shows the SAN's first directoryName (Windows).
        (Some(dn), NameStyle::Windows) if dn.is_empty() => san
            .directory_names
            .first()
            .map(|d| crate::cert::name::format_name(d, NameFlags::REVERSED, style))
            .unwrap_or_default(),
        (Some(dn), _) => dn.name(style),
        (None, _) => String::new(),
    };
    let subject_name_name = subject_dn
        .as_ref()
        .map(|d| d.name(style))
        .unwrap_or_default();
    let issuer = issuer_dn
        .as_ref()
        .map(|d| d.name(style))
        .unwrap_or_default();

    // GetNameInfo reads values without the strict string checks (OpenSSL does not validate
    // PrintableString; crypt32 is lenient), so use the lenient reading here.
    let lenient_subject =
        DistinguishedName::parse_with_style(subject_tlv.raw, NameStyle::Windows).ok();
    let lenient_issuer =
        DistinguishedName::parse_with_style(issuer_tlv.raw, NameStyle::Windows).ok();
    let name_info_subject =
        X509NameType::ALL.map(|nt| name_info(nt, lenient_subject.as_ref(), &san, style));
    let name_info_issuer =
        X509NameType::ALL.map(|nt| name_info(nt, lenient_issuer.as_ref(), &ian, style));
    let common_names = lenient_subject
        .as_ref()
        .map(|d| d.text_values(OID_CN).map(str::to_owned).collect())
        .unwrap_or_default();

    Ok(Certificate {
        style,
        version,
        serial_number: hex_upper(serial.content),
        serial_number_bytes: serial.content.to_vec(),
        signature_algorithm_name: oid_friendly_name(&signature_algorithm_oid, style),
        signature_algorithm_oid,
        issuer_name_der: issuer_tlv.raw.to_vec(),
        subject_name_der: subject_tlv.raw.to_vec(),
        issuer,
        subject,
        issuer_dn,
        subject_dn,
        not_before,
        not_after,
        public_key_name: oid_friendly_name(&public_key_oid, style),
        public_key_oid,
        public_key_parameters,
        public_key,
        extensions,
        thumbprint: hex_upper(&thumbprint_bytes),
        thumbprint_bytes,
        dns_names: san.dns.clone(),
        common_names,
        name_info_subject,
        name_info_issuer,
        has_private_key: false,
        friendly_name: String::new(),
        subject_name_name,
        der,
    })
}
