//! The deployment's trust material: uploaded root and intermediate CA certificates and CRLs,
//! and the verification cache.
//!
//! APIM verifies client certificates against the CA certificates uploaded to the service
//! ("If client certificate is self-signed, root (or intermediate) CA certificate(s) must be
//! uploaded to API Management for `Verify()` and `VerifyNoRevocation()` to work"). A
//! [`TrustStore`] holds exactly that, built once with [`TrustStore::builder`], `Send + Sync`,
//! meant to sit in an `Arc` shared by every request.
//!
//! Roots are trust anchors only when self-signed, as OpenSSL's default trust has it (see
//! `verify`); others are kept as intermediates.
//!
//! CRLs stand in for .NET's online revocation fetching: the store never goes to the network, so
//! the uploaded CRLs are the only revocation source (see `verify` for the rules).
//!
//! # Cache
//!
//! [`TrustStore::verify`] caches answers per (leaf thumbprint, [`RevocationMode`]). Every
//! time-dependent decision in a verification compares the evaluation time against one of a
//! fixed set of instants: the notBefore and notAfter(+1 s) of the leaf and of every certificate
//! in the store, and the thisUpdate and nextUpdate of every CRL. Between two consecutive instants
//! the answer cannot change, so each entry stores the result with that window `[from, until)`
//! and a later call at a time inside the window is a hash lookup. The cache is bounded
//! ([`TrustStoreBuilder::cache_capacity`]): when full, entries whose window has passed are dropped
//! first, then everything.
//!
//! This file also holds the small DER reader the certificate module needs for facts webpki
//! does not expose (validity dates, key usage, CRL thisUpdate).

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{OnceLock, PoisonError, RwLock};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, TrustAnchor};
use webpki::{CertRevocationList, EndEntityCert, OwnedCertRevocationList};

use super::verify::{
    AnchorKind, RevocationMode, VerifyError, openssl_self_signed, root_path_len, self_signature_ok,
    verify_chain,
};

/// Default maximum number of cached verification results.
pub const DEFAULT_CACHE_CAPACITY: usize = 10_000;

/// Bad input while loading CRLs or building a [`TrustStore`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The CRL input is neither DER nor PEM containing an `X509 CRL` block.
    #[error("no CRL found in the input (expected DER or PEM \"X509 CRL\")")]
    NoCrl,
    /// A PEM block could not be decoded.
    #[error("malformed PEM: {reason}")]
    BadPem {
        /// What went wrong.
        reason: String,
    },
    /// A CRL could not be parsed (webpki supports v2 CRLs with a nextUpdate, not delta CRLs).
    #[error("CRL #{index} is not usable: {reason}")]
    BadCrl {
        /// Position of the CRL in the input (0-based).
        index: usize,
        /// Why it was rejected.
        reason: String,
    },
    /// A root certificate cannot be used as a trust anchor.
    #[error("root certificate #{index} is not usable: {reason}")]
    BadRoot {
        /// Position in the order of `add_root` calls (0-based).
        index: usize,
        /// Why it was rejected.
        reason: String,
    },
    /// An intermediate certificate could not be parsed.
    #[error("intermediate certificate #{index} is not usable: {reason}")]
    BadIntermediate {
        /// Position in the order of `add_intermediate` calls (0-based).
        index: usize,
        /// Why it was rejected.
        reason: String,
    },
}

/// A parsed certificate revocation list, with its validity window.
#[derive(Debug)]
pub struct Crl {
    pub(crate) list: CertRevocationList<'static>,
    this_update: i64,
    next_update: i64,
    /// Has a critical CRL extension OpenSSL does not handle: never used.
    unhandled_critical: bool,
    der: Vec<u8>,
}

impl Crl {
    /// Loads every CRL in `bytes`: DER (one CRL) or PEM (one or more `X509 CRL` blocks).
    ///
    /// # Errors
    /// [`StoreError::NoCrl`], [`StoreError::BadPem`] or [`StoreError::BadCrl`].
    pub fn load(bytes: &[u8]) -> Result<Vec<Crl>, StoreError> {
        if bytes.first() == Some(&0x30) {
            return Ok(vec![Crl::from_der(bytes, 0)?]);
        }
        let mut out = Vec::new();
        for (index, item) in CertificateRevocationListDer::pem_slice_iter(bytes).enumerate() {
            let der = item.map_err(|e| StoreError::BadPem {
                reason: e.to_string(),
            })?;
            out.push(Crl::from_der(der.as_ref(), index)?);
        }
        if out.is_empty() {
            return Err(StoreError::NoCrl);
        }
        Ok(out)
    }

    fn from_der(der: &[u8], index: usize) -> Result<Crl, StoreError> {
        let bad = |reason: String| StoreError::BadCrl { index, reason };
        let list = OwnedCertRevocationList::from_der(der).map_err(|e| bad(format!("{e:?}")))?;
        let (this_update, next_update) =
            der::crl_dates(der).ok_or_else(|| bad("cannot read thisUpdate/nextUpdate".into()))?;
        Ok(Crl {
            list: CertRevocationList::from(list),
            this_update,
            next_update,
            unhandled_critical: der::crl_unhandled_critical(der),
            der: der.to_vec(),
        })
    }

    /// thisUpdate, in seconds since the Unix epoch.
    pub fn this_update(&self) -> i64 {
        self.this_update
    }

    /// nextUpdate, in seconds since the Unix epoch.
    pub fn next_update(&self) -> i64 {
        self.next_update
    }

    /// Whether the CRL may be used at `at`: `thisUpdate <= at < nextUpdate` (OpenSSL treats a
    /// CRL outside this window as "not yet valid" / "expired", which .NET reports as
    /// RevocationStatusUnknown).
    pub fn is_current(&self, at: i64) -> bool {
        self.this_update <= at && at < self.next_update
    }

    /// Whether the CRL may be used for revocation checking at `at`: [`Crl::is_current`], and
    /// no critical CRL extension that OpenSSL does not handle (such as a critical cRLNumber:
    /// OpenSSL fails with `X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION`, so .NET cannot
    /// determine the status).
    pub fn is_usable(&self, at: i64) -> bool {
        self.is_current(at) && !self.unhandled_critical
    }

    /// The CRL as uploaded (DER).
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The DER-encoded issuer name (contents of the Name SEQUENCE).
    pub fn issuer(&self) -> &[u8] {
        self.list.issuer()
    }
}

/// An uploaded root, kept with the facts webpki's `TrustAnchor` drops.
#[derive(Debug)]
pub(crate) struct Root {
    pub(crate) der: Vec<u8>,
    pub(crate) subject: Vec<u8>,
    pub(crate) spki: Vec<u8>,
    pub(crate) not_before: i64,
    pub(crate) not_after: i64,
    /// OpenSSL would accept it as the issuer of a chain (`X509_check_ca`).
    pub(crate) may_be_ca: bool,
    /// KeyUsage, if present, allows cRLSign.
    pub(crate) may_sign_crls: bool,
    /// Carries a critical extension OpenSSL does not handle.
    pub(crate) unhandled_critical: bool,
    /// Self-signed in OpenSSL's structural sense (only those are trust anchors).
    pub(crate) self_signed: bool,
    /// Whether its own signature verifies; computed when first needed.
    self_signature: OnceLock<bool>,
    /// Its pathLenConstraint: OpenSSL enforces it on the top of the chain too.
    pub(crate) path_len: Option<u64>,
}

impl Root {
    /// How OpenSSL, as .NET configures it, sees this root (see `verify`).
    pub(crate) fn kind(&self) -> AnchorKind {
        if !self.self_signed {
            AnchorKind::NotSelfSigned
        } else if *self
            .self_signature
            .get_or_init(|| self_signature_ok(&self.der))
        {
            AnchorKind::SelfSigned
        } else {
            AnchorKind::BadSelfSignature
        }
    }
}

/// Builder for [`TrustStore`]; inputs are checked in [`TrustStoreBuilder::build`].
#[derive(Debug)]
pub struct TrustStoreBuilder {
    roots: Vec<Vec<u8>>,
    intermediates: Vec<Vec<u8>>,
    crls: Vec<Crl>,
    cache_capacity: usize,
}

impl TrustStoreBuilder {
    /// Adds a trusted root (trust anchor), DER-encoded. As in .NET on Linux (OpenSSL without
    /// `X509_V_FLAG_PARTIAL_CHAIN`), only a self-signed certificate ends a chain; a certificate
    /// added here that is not self-signed serves as an intermediate, and a self-signed one whose
    /// own signature does not verify fails every chain that ends at it.
    #[must_use]
    pub fn add_root(mut self, der: &[u8]) -> Self {
        self.roots.push(der.to_vec());
        self
    }

    /// Adds an intermediate CA certificate available for path building, DER-encoded. It is not
    /// trusted by itself: a path must still end at a root.
    #[must_use]
    pub fn add_intermediate(mut self, der: &[u8]) -> Self {
        self.intermediates.push(der.to_vec());
        self
    }

    /// Adds a CRL (see [`Crl::load`]).
    #[must_use]
    pub fn add_crl(mut self, crl: Crl) -> Self {
        self.crls.push(crl);
        self
    }

    /// Adds several CRLs.
    #[must_use]
    pub fn add_crls(mut self, crls: impl IntoIterator<Item = Crl>) -> Self {
        self.crls.extend(crls);
        self
    }

    /// Maximum number of cached verification results (default [`DEFAULT_CACHE_CAPACITY`]);
    /// 0 disables the cache.
    #[must_use]
    pub fn cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }

    /// Checks every input and builds the store.
    ///
    /// # Errors
    /// [`StoreError::BadRoot`] or [`StoreError::BadIntermediate`] for a certificate that cannot
    /// be parsed.
    pub fn build(self) -> Result<TrustStore, StoreError> {
        let mut boundaries = Vec::new();
        let mut roots = Vec::with_capacity(self.roots.len());
        let mut anchors = Vec::with_capacity(self.roots.len());
        for (index, der) in self.roots.into_iter().enumerate() {
            let bad = |reason: String| StoreError::BadRoot { index, reason };
            let anchor = {
                let cert = CertificateDer::from(der.as_slice());
                webpki::anchor_from_trusted_cert(&cert)
                    .map_err(|e| bad(format!("{e:?}")))?
                    .to_owned()
            };
            let facts = der::CertFacts::parse(&der)
                .ok_or_else(|| bad("cannot read the certificate fields".into()))?;
            push_validity(&mut boundaries, facts.not_before, facts.not_after);
            roots.push(Root {
                subject: facts.subject.to_vec(),
                spki: facts.spki.to_vec(),
                not_before: facts.not_before,
                not_after: facts.not_after,
                may_be_ca: facts.openssl_may_be_ca(),
                may_sign_crls: facts.may_sign_crls(),
                unhandled_critical: facts.unhandled_critical,
                self_signed: openssl_self_signed(&der),
                self_signature: OnceLock::new(),
                path_len: root_path_len(&der),
                der: der.clone(),
            });
            anchors.push(anchor);
        }
        let mut intermediates = Vec::with_capacity(self.intermediates.len());
        // OpenSSL continues a path through a trusted certificate that is not self-signed.
        for root in &roots {
            if !root.self_signed {
                intermediates.push(CertificateDer::from(root.der.clone()));
            }
        }
        for (index, der) in self.intermediates.into_iter().enumerate() {
            let bad = |reason: String| StoreError::BadIntermediate { index, reason };
            {
                let cert = CertificateDer::from(der.as_slice());
                EndEntityCert::try_from(&cert).map_err(|e| bad(format!("{e:?}")))?;
            }
            let facts = der::CertFacts::parse(&der)
                .ok_or_else(|| bad("cannot read the certificate fields".into()))?;
            push_validity(&mut boundaries, facts.not_before, facts.not_after);
            intermediates.push(CertificateDer::from(der));
        }
        for crl in &self.crls {
            boundaries.push(crl.this_update);
            boundaries.push(crl.next_update);
        }
        boundaries.sort_unstable();
        boundaries.dedup();
        Ok(TrustStore {
            roots,
            anchors,
            intermediates,
            crls: self.crls,
            boundaries,
            cache: RwLock::new(HashMap::default()),
            cache_capacity: self.cache_capacity,
        })
    }
}

/// A certificate valid on `[not_before, not_after]` (inclusive, as webpki and OpenSSL check it)
/// changes state at `not_before` and at `not_after + 1`.
fn push_validity(boundaries: &mut Vec<i64>, not_before: i64, not_after: i64) {
    boundaries.push(not_before);
    boundaries.push(not_after.saturating_add(1));
}

type CacheKey = ([u8; 20], RevocationMode);

#[derive(Debug, Clone)]
struct CacheEntry {
    result: Result<(), VerifyError>,
    from: i64,
    until: i64,
}

/// Uploaded roots, intermediates and CRLs, plus the verification cache. Immutable once built;
/// share it with `Arc<TrustStore>`.
pub struct TrustStore {
    pub(crate) roots: Vec<Root>,
    pub(crate) anchors: Vec<TrustAnchor<'static>>,
    pub(crate) intermediates: Vec<CertificateDer<'static>>,
    pub(crate) crls: Vec<Crl>,
    boundaries: Vec<i64>,
    cache: RwLock<HashMap<CacheKey, CacheEntry, ThumbprintHash>>,
    cache_capacity: usize,
}

impl fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustStore")
            .field("roots", &self.roots.len())
            .field("intermediates", &self.intermediates.len())
            .field("crls", &self.crls.len())
            .field("cache_capacity", &self.cache_capacity)
            .finish_non_exhaustive()
    }
}

impl TrustStore {
    /// Starts an empty store.
    pub fn builder() -> TrustStoreBuilder {
        TrustStoreBuilder {
            roots: Vec::new(),
            intermediates: Vec::new(),
            crls: Vec::new(),
            cache_capacity: DEFAULT_CACHE_CAPACITY,
        }
    }

    /// Number of uploaded roots.
    pub fn root_count(&self) -> usize {
        self.roots.len()
    }

    /// Number of uploaded intermediates.
    pub fn intermediate_count(&self) -> usize {
        self.intermediates.len()
    }

    /// Number of CRLs.
    pub fn crl_count(&self) -> usize {
        self.crls.len()
    }

    /// Number of cached verification results.
    pub fn cached_results(&self) -> usize {
        self.cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Verifies `leaf_der` at `at_unix` (seconds since the Unix epoch) with .NET `Verify()`
    /// ([`RevocationMode::Online`]) or APIM `VerifyNoRevocation()` ([`RevocationMode::NoCheck`])
    /// semantics; see [`verify_chain`] for the rules.
    ///
    /// Results are cached per (`leaf_thumbprint`, `mode`) for the window in which they cannot
    /// change. `leaf_thumbprint` must be the SHA-1 of `leaf_der` (the .NET `Thumbprint`); the
    /// caller computes it once when it parses the certificate.
    ///
    /// # Errors
    /// The reason the chain is not valid, as a [`VerifyError`].
    pub fn verify(
        &self,
        leaf_der: &[u8],
        leaf_thumbprint: &[u8; 20],
        at_unix: i64,
        mode: RevocationMode,
    ) -> Result<(), VerifyError> {
        if self.cache_capacity == 0 {
            return verify_chain(leaf_der, self, at_unix, mode);
        }
        let key = (*leaf_thumbprint, mode);
        {
            let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(hit) = cache.get(&key)
                && hit.from <= at_unix
                && at_unix < hit.until
            {
                return hit.result.clone();
            }
        }
        let result = verify_chain(leaf_der, self, at_unix, mode);
        let (from, until) = self.window(leaf_der, at_unix);
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= self.cache_capacity && !cache.contains_key(&key) {
            cache.retain(|_, e| e.until > at_unix);
            if cache.len() >= self.cache_capacity {
                cache.clear();
            }
        }
        cache.insert(
            key,
            CacheEntry {
                result: result.clone(),
                from,
                until,
            },
        );
        result
    }

    /// Whether `leaf_der` verifies, as [`TrustStore::verify`] decides it, answered from the
    /// cache without copying the error (what `Verify()` needs on every request).
    pub fn is_valid(
        &self,
        leaf_der: &[u8],
        leaf_thumbprint: &[u8; 20],
        at_unix: i64,
        mode: RevocationMode,
    ) -> bool {
        if self.cache_capacity > 0 {
            let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(hit) = cache.get(&(*leaf_thumbprint, mode))
                && hit.from <= at_unix
                && at_unix < hit.until
            {
                return hit.result.is_ok();
            }
        }
        self.verify(leaf_der, leaf_thumbprint, at_unix, mode)
            .is_ok()
    }

    /// The interval `[from, until)` around `at` that contains no instant at which a
    /// verification of `leaf_der` against this store can change its answer.
    pub fn window(&self, leaf_der: &[u8], at: i64) -> (i64, i64) {
        // Verification clamps times before the epoch to the epoch.
        let probe = at.max(0);
        let idx = self.boundaries.partition_point(|b| *b <= probe);
        let mut from = match idx.checked_sub(1) {
            Some(i) => self.boundaries.get(i).copied().unwrap_or(i64::MIN),
            None => i64::MIN,
        };
        let mut until = self.boundaries.get(idx).copied().unwrap_or(i64::MAX);
        if let Some(facts) = der::CertFacts::parse(leaf_der) {
            for b in [facts.not_before, facts.not_after.saturating_add(1)] {
                if b <= probe {
                    from = from.max(b);
                } else {
                    until = until.min(b);
                }
            }
        }
        if from <= 0 {
            // Everything before the epoch behaves like the epoch.
            from = i64::MIN;
        }
        (from, until)
    }
}

/// A minimal DER reader for the few certificate and CRL fields webpki does not expose.
pub(crate) mod der {
    /// Reads one TLV: `(tag, contents, rest)`. Definite lengths of up to 4 bytes only.
    pub(crate) fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = input.split_first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&len0, rest) = rest.split_first()?;
        let (len, rest) = if len0 < 0x80 {
            (usize::from(len0), rest)
        } else {
            let n = usize::from(len0 & 0x7f);
            if n == 0 || n > 4 {
                return None;
            }
            let (bytes, rest) = rest.split_at_checked(n)?;
            let mut len = 0usize;
            for &b in bytes {
                len = len.checked_mul(256)?.checked_add(usize::from(b))?;
            }
            (len, rest)
        };
        let (contents, rest) = rest.split_at_checked(len)?;
        Some((tag, contents, rest))
    }

    /// Reads a TLV that must have `tag`.
    fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        let (t, contents, rest) = tlv(input)?;
        (t == tag).then_some((contents, rest))
    }

    const SEQUENCE: u8 = 0x30;
    const UTC_TIME: u8 = 0x17;
    const GENERALIZED_TIME: u8 = 0x18;
    /// id-ce-keyUsage (2.5.29.15).
    const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    /// id-ce-basicConstraints (2.5.29.19).
    const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
    /// The extensions OpenSSL 3 handles when critical (`X509_supported_extension`): Netscape
    /// cert type, key usage, subject alt name, basic constraints, certificate policies, CRL
    /// distribution points, EKU, RFC 3779 IP and AS blocks, OCSP no-check, policy constraints,
    /// proxy cert info, name constraints, policy mappings, inhibit any-policy.
    const OPENSSL_HANDLED_EXTENSIONS: &[&[u8]] = &[
        &[0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x42, 0x01, 0x01],
        &[0x55, 0x1d, 0x0f],
        &[0x55, 0x1d, 0x11],
        &[0x55, 0x1d, 0x13],
        &[0x55, 0x1d, 0x20],
        &[0x55, 0x1d, 0x1f],
        &[0x55, 0x1d, 0x25],
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x07],
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x08],
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x05],
        &[0x55, 0x1d, 0x24],
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0e],
        &[0x55, 0x1d, 0x1e],
        &[0x55, 0x1d, 0x21],
        &[0x55, 0x1d, 0x36],
    ];

    fn digits(bytes: &[u8]) -> Option<i64> {
        let mut v: i64 = 0;
        for &b in bytes {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
        }
        Some(v)
    }

    /// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
    fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn days_in_month(y: i64, m: i64) -> i64 {
        match m {
            4 | 6 | 9 | 11 => 30,
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            _ => 31,
        }
    }

    /// Parses a UTCTime (`YYMMDDHHMMSSZ`, 50..99 → 19xx) or GeneralizedTime
    /// (`YYYYMMDDHHMMSSZ`) to Unix seconds, with webpki's rules (no fractions, `Z` only, no
    /// year before 1970).
    pub(crate) fn time(tag: u8, value: &[u8]) -> Option<i64> {
        let (year, rest) = match tag {
            UTC_TIME => {
                let (yy, rest) = value.split_at_checked(2)?;
                let yy = digits(yy)?;
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, rest)
            }
            GENERALIZED_TIME => {
                let (yyyy, rest) = value.split_at_checked(4)?;
                (digits(yyyy)?, rest)
            }
            _ => return None,
        };
        if rest.len() != 11 || rest.last() != Some(&b'Z') {
            return None;
        }
        let field = |i: usize| digits(rest.get(i..i + 2)?);
        let (month, day, hour, minute, second) =
            (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
        if year < 1970
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
    }

    /// Reads a Time TLV.
    fn read_time(input: &[u8]) -> Option<(i64, &[u8])> {
        let (tag, value, rest) = tlv(input)?;
        Some((time(tag, value)?, rest))
    }

    /// Facts about a certificate that webpki keeps private.
    #[derive(Debug)]
    pub(crate) struct CertFacts<'a> {
        /// Contents of the issuer Name SEQUENCE.
        pub(crate) issuer: &'a [u8],
        /// Contents of the subject Name SEQUENCE.
        pub(crate) subject: &'a [u8],
        /// Contents of the SubjectPublicKeyInfo SEQUENCE.
        pub(crate) spki: &'a [u8],
        pub(crate) not_before: i64,
        pub(crate) not_after: i64,
        /// The KeyUsage BIT STRING contents (first byte = unused bits), if present.
        pub(crate) key_usage: Option<&'a [u8]>,
        /// BasicConstraints `cA`, if the extension is present.
        pub(crate) basic_constraints_ca: Option<bool>,
        /// Whether the certificate is v1 (no version field).
        pub(crate) v1: bool,
        /// Whether a critical extension is present that OpenSSL does not handle
        /// (`X509_supported_extension`).
        pub(crate) unhandled_critical: bool,
    }

    impl<'a> CertFacts<'a> {
        /// Parses the fields from a DER certificate; `None` when it is malformed.
        pub(crate) fn parse(der: &'a [u8]) -> Option<Self> {
            let (cert, _) = expect(der, SEQUENCE)?;
            let (tbs, _) = expect(cert, SEQUENCE)?;
            let mut rest = tbs;
            let v1 = rest.first() != Some(&0xa0);
            if !v1 {
                rest = tlv(rest)?.2;
            }
            let (_serial, rest) = expect(rest, 0x02)?;
            let (_sig, rest) = expect(rest, SEQUENCE)?;
            let (issuer, rest) = expect(rest, SEQUENCE)?;
            let (validity, rest) = expect(rest, SEQUENCE)?;
            let (not_before, v) = read_time(validity)?;
            let (not_after, _) = read_time(v)?;
            let (subject, rest) = expect(rest, SEQUENCE)?;
            let (spki, mut rest) = expect(rest, SEQUENCE)?;
            let mut key_usage = None;
            let mut basic_constraints_ca = None;
            let mut unhandled_critical = false;
            while let Some((tag, contents, next)) = tlv(rest) {
                rest = next;
                if tag != 0xa3 {
                    continue;
                }
                let (mut exts, _) = expect(contents, SEQUENCE)?;
                while !exts.is_empty() {
                    let (ext, next) = expect(exts, SEQUENCE)?;
                    exts = next;
                    let (oid, mut body) = expect(ext, 0x06)?;
                    let mut critical = false;
                    if body.first() == Some(&0x01) {
                        let (_, flag, after) = tlv(body)?;
                        critical = flag.iter().any(|b| *b != 0);
                        body = after;
                    }
                    let (value, _) = expect(body, 0x04)?;
                    if oid == OID_KEY_USAGE {
                        key_usage = Some(expect(value, 0x03)?.0);
                    } else if oid == OID_BASIC_CONSTRAINTS {
                        let (bc, _) = expect(value, SEQUENCE)?;
                        basic_constraints_ca = Some(match tlv(bc) {
                            Some((0x01, flag, _)) => flag.iter().any(|b| *b != 0),
                            _ => false,
                        });
                    }
                    if critical && !OPENSSL_HANDLED_EXTENSIONS.contains(&oid) {
                        unhandled_critical = true;
                    }
                }
            }
            Some(CertFacts {
                issuer,
                subject,
                spki,
                not_before,
                not_after,
                key_usage,
                basic_constraints_ca,
                v1,
                unhandled_critical,
            })
        }

        /// Whether KeyUsage, when present, asserts keyCertSign (bit 5).
        pub(crate) fn may_sign_certificates(&self) -> bool {
            match self.key_usage {
                None => true,
                Some(bits) => bits.get(1).is_some_and(|b| b & 0x04 != 0),
            }
        }

        /// Whether KeyUsage, when present, asserts cRLSign (bit 6).
        pub(crate) fn may_sign_crls(&self) -> bool {
            match self.key_usage {
                None => true,
                Some(bits) => bits.get(1).is_some_and(|b| b & 0x02 != 0),
            }
        }

        /// OpenSSL's `X509_check_ca(x) != 0`, the test it applies to the trust anchor of a
        /// chain of two or more certificates: KeyUsage (if present) allows keyCertSign, and
        /// BasicConstraints says cA, or is absent on a self-issued v1 certificate or one with
        /// KeyUsage.
        pub(crate) fn openssl_may_be_ca(&self) -> bool {
            if !self.may_sign_certificates() {
                return false;
            }
            match self.basic_constraints_ca {
                Some(ca) => ca,
                None => (self.v1 && self.issuer == self.subject) || self.key_usage.is_some(),
            }
        }
    }

    /// CRL extensions OpenSSL 3 handles when critical (`crl_cb` in `x_crl.c`): issuing
    /// distribution point, authority key identifier, delta CRL indicator.
    const OPENSSL_HANDLED_CRL_EXTENSIONS: &[&[u8]] = &[
        &[0x55, 0x1d, 0x1c],
        &[0x55, 0x1d, 0x23],
        &[0x55, 0x1d, 0x1b],
    ];

    /// Whether a DER CRL has a critical CRL extension OpenSSL does not handle (OpenSSL:
    /// `X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION`, so the CRL cannot be used). Malformed
    /// input counts as unhandled.
    pub(crate) fn crl_unhandled_critical(der: &[u8]) -> bool {
        crl_extensions_critical(der).unwrap_or(true)
    }

    fn crl_extensions_critical(der: &[u8]) -> Option<bool> {
        let (list, _) = expect(der, SEQUENCE)?;
        let (tbs, _) = expect(list, SEQUENCE)?;
        let mut rest = tbs;
        if rest.first() == Some(&0x02) {
            rest = tlv(rest)?.2;
        }
        let (_sig, rest) = expect(rest, SEQUENCE)?;
        let (_issuer, rest) = expect(rest, SEQUENCE)?;
        let (_this_update, mut rest) = read_time(rest)?;
        if matches!(rest.first(), Some(&UTC_TIME) | Some(&GENERALIZED_TIME)) {
            rest = read_time(rest)?.1;
        }
        if rest.first() == Some(&SEQUENCE) {
            rest = tlv(rest)?.2;
        }
        let Some((extensions, _)) = expect(rest, 0xa0) else {
            return Some(false);
        };
        let (mut exts, _) = expect(extensions, SEQUENCE)?;
        while !exts.is_empty() {
            let (ext, next) = expect(exts, SEQUENCE)?;
            exts = next;
            let (oid, body) = expect(ext, 0x06)?;
            if body.first() == Some(&0x01) {
                let (_, flag, _) = tlv(body)?;
                if flag.iter().any(|b| *b != 0) && !OPENSSL_HANDLED_CRL_EXTENSIONS.contains(&oid) {
                    return Some(true);
                }
            }
        }
        Some(false)
    }

    /// thisUpdate and nextUpdate of a DER CRL (nextUpdate is required, as webpki requires it).
    pub(crate) fn crl_dates(der: &[u8]) -> Option<(i64, i64)> {
        let (list, _) = expect(der, SEQUENCE)?;
        let (tbs, _) = expect(list, SEQUENCE)?;
        let mut rest = tbs;
        if rest.first() == Some(&0x02) {
            rest = tlv(rest)?.2;
        }
        let (_sig, rest) = expect(rest, SEQUENCE)?;
        let (_issuer, rest) = expect(rest, SEQUENCE)?;
        let (this_update, rest) = read_time(rest)?;
        let (next_update, _) = read_time(rest)?;
        Some((this_update, next_update))
    }
}

/// Hashes cache keys by their first eight bytes: the key starts with a SHA-1 thumbprint, which is
/// already uniformly distributed, so the cache lookup on every `Verify()` skips SipHash.
#[derive(Debug, Default, Clone, Copy)]
pub struct ThumbprintHasher(u64);

impl Hasher for ThumbprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*b) << ((i % 8) * 8);
        }
        self.0 = self.0.rotate_left(5);
    }

    fn write_u8(&mut self, i: u8) {
        self.0 ^= u64::from(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.0 ^= i as u64;
    }
}

/// The cache's hasher (see [`ThumbprintHasher`]).
type ThumbprintHash = BuildHasherDefault<ThumbprintHasher>;
