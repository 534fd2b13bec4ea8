//! Chain verification with .NET `X509Certificate2.Verify()` semantics and APIM's
//! `VerifyNoRevocation()`, on rustls-webpki.
//!
//! All webpki usage is behind [`verify_chain`] (and [`verify_general`], the entry point with
//! every knob), because webpki 0.104 changes this API. The `path` submodule is our own path
//! builder for the chains webpki cannot validate (see below).
//!
//! # The target: .NET on Linux = OpenSSL 3 with .NET's flags
//!
//! `Verify()` builds an `X509Chain` with the default policy (spec: dotnet-x509.md §5); on Linux
//! that is OpenSSL's `X509_verify_cert` with `X509_V_FLAG_CHECK_SS_SIGNATURE` and the CRL flags,
//! and nothing else: no `X509_V_FLAG_X509_STRICT`, no `X509_V_FLAG_PARTIAL_CHAIN` (dotnet/runtime
//! `System.Security.Cryptography.Native/pal_x509.c`, `CryptoNative_X509StoreCtxInit` and
//! `CryptoNative_X509StoreSetRevocationFlag`). The rules we add to webpki:
//!
//! - **No EKU check** (empty `ApplicationPolicy`): an accept-all EKU validator is used, so a
//!   certificate with only serverAuth verifies. [`GeneralOptions::required_eku`] adds one.
//! - **Trust anchors are self-signed certificates.** Without `PARTIAL_CHAIN`, OpenSSL's default
//!   trust (`X509_TRUST_DO_SS_COMPAT`) only stops at a self-signed certificate from the store:
//!   subject = issuer and its own AKI (key id, serial, directoryName) does not contradict that
//!   (`X509_check_akid`). An uploaded "root" that is not self-signed is used as an intermediate
//!   only, so a path through it must still reach a self-signed root (else PartialChain).
//! - **The root's own signature must verify** (`X509_V_FLAG_CHECK_SS_SIGNATURE`; BadSignature).
//! - **A self-signed leaf** is a one-element chain: it verifies only if it is itself an uploaded
//!   self-signed root (byte-identical) and `at` is within its validity. Revocation is not
//!   checked for it, except with [`RevocationScope::EntireChain`].
//! - **Roots must be within their validity period**: webpki does not check trust-anchor dates;
//!   we do, through webpki's path callback, so another valid root with the same name can still
//!   be chosen.
//! - **The root of a chain of two or more certificates is checked as OpenSSL checks it**
//!   (`check_chain_extensions` covers the trust anchor): no critical extension OpenSSL does not
//!   handle (HasNotSupportedCriticalExtension), `X509_check_ca` (KeyUsage allows keyCertSign;
//!   BasicConstraints cA, or no BasicConstraints on a self-issued v1 certificate or one with
//!   KeyUsage; else InvalidBasicConstraints), and when one of its CRLs is used, cRLSign in its
//!   KeyUsage (its CRL cannot be trusted otherwise: RevocationStatusUnknown). webpki ignores
//!   all of these for trust anchors.
//! - **Intermediates must assert keyCertSign** when they carry KeyUsage (OpenSSL's
//!   `X509_V_ERR_KEYUSAGE_NO_CERTSIGN`, which .NET reports as InvalidBasicConstraints); webpki
//!   ignores KeyUsage on CA certificates.
//! - **Where webpki is stricter than OpenSSL** (a `cA=TRUE` leaf, self-issued intermediates
//!   counted towards path length and put under name constraints, more than 6 intermediates,
//!   rfc822Name and directoryName name constraints), and webpki fails while such a feature is
//!   present, our own path builder (`path`) searches again with OpenSSL's rules for exactly
//!   those points and webpki's (or stricter) rules for everything else, revocation included. It
//!   can turn a rejection into an acceptance only for those reasons.
//! - **Name constraints also bind a host-like CN** of a leaf without SAN dNSName (OpenSSL
//!   `check_name_constraints` → `NAME_CONSTRAINTS_check_CN`, `cn2dnsid` syntax); webpki only
//!   constrains the SAN and subject DN. [`GeneralOptions::skip_cn_name_constraints`] turns this
//!   off (the RFC 5280 reading, used for the x509-limbo ledger).
//! - **Revocation** ([`RevocationMode::Online`]): the certificates named by
//!   [`GeneralOptions::revocation_scope`] (`Verify()`: the leaf and every intermediate,
//!   `ExcludeRoot`) must have a definite status from a usable CRL of their issuer: current at
//!   `at` (`thisUpdate <= at < nextUpdate`) and without a critical CRL extension OpenSSL does
//!   not handle (`X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION`, e.g. a critical cRLNumber). No
//!   such CRL is RevocationStatusUnknown, a failure for `Verify()`.
//!   [`RevocationMode::NoCheck`] skips revocation entirely.
//! - Time is always an explicit parameter (Unix seconds; times before 1970 are treated as
//!   1970-01-01T00:00:00Z, since webpki cannot represent them).
//!
//! # Known differences from .NET (for the divergence ledger)
//!
//! - No network: CRL distribution points, OCSP and AIA issuer downloads are never fetched; the
//!   uploaded CRLs are the only revocation source and the uploaded intermediates the only
//!   intermediates.
//! - On the own path builder's paths, and for the root with [`RevocationScope::EntireChain`],
//!   only full CRLs (no issuingDistributionPoint) are used; a partitioned CRL leaves the status
//!   unknown there.
//! - webpki rejects an EKU extension that is present but empty, and critical extensions it does
//!   not know (it knows fewer than OpenSSL: e.g. a critical certificatePolicies or
//!   policyConstraints) on the leaf and intermediates; the own path builder does the same.
//! - The own path builder searches at most 12 intermediates (OpenSSL's default depth is 100).
//! - Path building is exhaustive (webpki and ours backtrack); OpenSSL takes the first matching
//!   untrusted issuer and does not backtrack, so for some inputs .NET fails where we find a
//!   valid path (see bettertls cases in the ledger).
//! - Issuers are matched by byte-exact name (no AKID/SKI preference, no OpenSSL name
//!   canonicalisation); paths that exist in both give the same answer, but the error reported
//!   for a failed path may differ.
//! - RSA keys under 1024 or over 8192 bits are rejected (see `algorithms`).
//! - notAfter is inclusive (webpki, RFC 5280, Windows CryptoAPI); OpenSSL's `X509_cmp_time`
//!   treats a certificate as expired at exactly its notAfter second, so .NET on Linux fails one
//!   second earlier (x509-limbo `rfc5280::validity::notafter-exact`, which we pass).
//! - Peer names ([`GeneralOptions::subject_name`]) are not part of `Verify()`; DNS and IP names
//!   follow webpki (SAN only, never the CN), e-mail addresses OpenSSL's `X509_check_email`.

use std::time::Duration;

use rustls_pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};
use webpki::{
    CertRevocationList, EndEntityCert, ExpirationPolicy, ExtendedKeyUsageValidator,
    KeyPurposeIdIter, RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy,
    VerifiedPath,
};

mod path;

pub(crate) use path::{
    AnchorKind, openssl_self_signed, path_len as root_path_len, self_signature_ok, signed_by,
};

use super::algorithms::ALL;
use super::store::der::CertFacts;
use super::store::{Crl, Root, TrustStore};

/// Which revocation policy a verification uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevocationMode {
    /// .NET `Verify()`: `X509RevocationMode.Online` with `ExcludeRoot`: the leaf and every
    /// intermediate must have a definite CRL status; unknown is a failure.
    Online,
    /// APIM `VerifyNoRevocation()`: `X509RevocationMode.NoCheck`.
    NoCheck,
}

/// Which certificates of the chain have their revocation status checked: .NET
/// `X509ChainPolicy.RevocationFlag` (`X509RevocationFlag`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RevocationScope {
    /// `EndCertificateOnly`: only the leaf needs a definite status.
    EndCertificateOnly,
    /// `ExcludeRoot`, the .NET default: the leaf and every intermediate.
    #[default]
    ExcludeRoot,
    /// `EntireChain`: the leaf, every intermediate and the root, whose status comes from a
    /// current CRL the root itself issued (OpenSSL `X509_V_FLAG_CRL_CHECK_ALL` covers the
    /// top of the chain too).
    EntireChain,
}

/// Why a chain did not verify. The names follow .NET's `X509ChainStatusFlags` where one fits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The certificate is self-signed and not an uploaded root (`UntrustedRoot`).
    #[error("the certificate is self-signed and not a trusted root")]
    UntrustedRoot,
    /// No issuer could be found for some certificate in the chain (`PartialChain`).
    #[error("no path to a trusted root: an issuer certificate was not found")]
    PartialChain,
    /// A certificate in the chain had expired at `at` (`NotTimeValid`).
    #[error("a certificate in the chain expired at {not_after} (checked at {at})")]
    Expired {
        /// notAfter of the expired certificate (Unix seconds).
        not_after: i64,
        /// Evaluation time (Unix seconds).
        at: i64,
    },
    /// A certificate in the chain was not yet valid at `at` (`NotTimeValid`).
    #[error("a certificate in the chain is not valid before {not_before} (checked at {at})")]
    NotYetValid {
        /// notBefore of the certificate (Unix seconds).
        not_before: i64,
        /// Evaluation time (Unix seconds).
        at: i64,
    },
    /// A certificate's notBefore is after its notAfter.
    #[error("a certificate in the chain has notBefore after notAfter")]
    InvalidValidityPeriod,
    /// A certificate in the chain is revoked (`Revoked`).
    #[error("certificate with serial number {serial} is revoked")]
    Revoked {
        /// Serial number of the revoked certificate, uppercase hex as .NET `SerialNumber`
        /// shows it (empty if it could not be determined).
        serial: String,
    },
    /// The revocation status of the leaf or an intermediate is unknown: no current CRL from
    /// its issuer, or the CRL is not valid (`RevocationStatusUnknown` + `OfflineRevocation`).
    #[error("revocation status unknown (no current CRL from the issuer)")]
    RevocationStatusUnknown,
    /// A signature in the chain does not verify (`NotSignatureValid`).
    #[error("a signature in the chain is not valid")]
    BadSignature,
    /// A signature algorithm or public key type in the chain is not supported.
    #[error("unsupported signature algorithm or key in the chain")]
    UnsupportedSignatureAlgorithm,
    /// Basic constraints, path length or CA key usage violated (`InvalidBasicConstraints`).
    #[error("basic constraints violated (CA flag, path length or key usage)")]
    InvalidBasicConstraints,
    /// A name constraint is violated (`HasNotPermittedNameConstraint` and friends).
    #[error("a name constraint is violated")]
    NameConstraints,
    /// An unknown critical extension is present (`HasNotSupportedCriticalExtension`).
    #[error("unsupported critical extension")]
    UnsupportedCriticalExtension,
    /// The required extended key usage is missing (only with [`GeneralOptions::required_eku`]).
    #[error("required extended key usage not present")]
    RequiredEkuNotFound,
    /// The certificate is not valid for the requested name (only with
    /// [`GeneralOptions::subject_name`]).
    #[error("certificate is not valid for the requested name")]
    NameMismatch,
    /// The certificate is distrusted.
    #[error("certificate is distrusted")]
    Distrusted,
    /// Path building gave up (too many candidates or signatures, or the path is too long).
    #[error("path building limit exceeded")]
    PathBuildingLimit,
    /// The certificate (or one in the chain) cannot be parsed.
    #[error("malformed certificate: {0}")]
    Malformed(String),
    /// Any other webpki error.
    #[error("certificate verification failed: {0}")]
    Other(String),
}

/// Accepts any (well-formed) EKU: .NET's default chain policy has no application policy.
struct AnyEku;

impl ExtendedKeyUsageValidator for AnyEku {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        for id in iter {
            id?;
        }
        Ok(())
    }
}

/// Requires one EKU OID (DER contents) when the extension is present, or always.
struct RequiredEku<'a> {
    oid: &'a [u8],
    always: bool,
}

impl ExtendedKeyUsageValidator for RequiredEku<'_> {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        let wanted = webpki::KeyPurposeId::new(self.oid);
        let mut empty = true;
        for id in iter {
            empty = false;
            if id? == wanted {
                return Ok(());
            }
        }
        if empty && !self.always {
            return Ok(());
        }
        #[allow(deprecated)]
        Err(webpki::Error::RequiredEkuNotFound)
    }
}

fn unix_time(at: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(at).unwrap_or(0)))
}

fn seconds(t: UnixTime) -> i64 {
    i64::try_from(t.as_secs()).unwrap_or(i64::MAX)
}

/// webpki's inclusive validity check, for certificates it does not check itself.
fn check_validity(not_before: i64, not_after: i64, at: i64) -> Result<(), VerifyError> {
    if not_before > not_after {
        return Err(VerifyError::InvalidValidityPeriod);
    }
    if at < not_before {
        return Err(VerifyError::NotYetValid { not_before, at });
    }
    if at > not_after {
        return Err(VerifyError::Expired { not_after, at });
    }
    Ok(())
}

/// Uppercase hex, as .NET's `SerialNumber`.
fn hex_upper(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(bytes.len().saturating_mul(2));
    for &b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            if let Some(&c) = HEX.get(usize::from(nibble)) {
                s.push(char::from(c));
            }
        }
    }
    s
}

/// The trust-anchor rules webpki does not apply (see the module docs): no unhandled critical
/// extension, OpenSSL's `X509_check_ca`, cRLSign when revocation is checked, validity at `at`.
fn check_root(root: &Root, at: i64, revocation_checked: bool) -> Result<(), VerifyError> {
    match root.kind() {
        AnchorKind::SelfSigned => {}
        AnchorKind::BadSelfSignature => return Err(VerifyError::BadSignature),
        AnchorKind::NotSelfSigned => return Err(VerifyError::PartialChain),
    }
    if root.unhandled_critical {
        return Err(VerifyError::UnsupportedCriticalExtension);
    }
    if !root.may_be_ca {
        return Err(VerifyError::InvalidBasicConstraints);
    }
    if revocation_checked && !root.may_sign_crls {
        return Err(VerifyError::RevocationStatusUnknown);
    }
    check_validity(root.not_before, root.not_after, at)
}

/// Our error as the closest webpki error, for the path callback (webpki keeps the most
/// relevant error across candidate paths).
fn to_webpki(err: VerifyError, at: i64) -> webpki::Error {
    match err {
        VerifyError::UnsupportedCriticalExtension => webpki::Error::UnsupportedCriticalExtension,
        VerifyError::InvalidBasicConstraints => webpki::Error::EndEntityUsedAsCa,
        VerifyError::RevocationStatusUnknown => webpki::Error::IssuerNotCrlSigner,
        VerifyError::BadSignature => webpki::Error::InvalidSignatureForPublicKey,
        VerifyError::PartialChain => webpki::Error::UnknownIssuer,
        VerifyError::NotYetValid { not_before, .. } => webpki::Error::CertNotValidYet {
            time: unix_time(at),
            not_before: unix_time(not_before),
        },
        VerifyError::Expired { not_after, .. } => webpki::Error::CertExpired {
            time: unix_time(at),
            not_after: unix_time(not_after),
        },
        _ => webpki::Error::InvalidCertValidity,
    }
}

/// Number of intermediates that are not self-issued (RFC 5280 path length semantics).
fn logical_intermediates<'a>(certs: impl Iterator<Item = CertificateDer<'a>>) -> usize {
    certs
        .filter(|c| CertFacts::parse(c.as_ref()).is_none_or(|f| f.issuer != f.subject))
        .count()
}

/// The .NET checks webpki does not do, run on each candidate path that webpki has otherwise
/// verified: CA key usage of the intermediates; for the root (which webpki takes on trust):
/// [`check_root`] for some uploaded root with the anchor's subject and key.
fn check_path(
    path: &VerifiedPath<'_>,
    roots: &[Root],
    at: i64,
    revocation_checked: bool,
) -> Result<(), webpki::Error> {
    for cert in path.intermediate_certificates() {
        let der = cert.der();
        let facts = CertFacts::parse(der.as_ref()).ok_or(webpki::Error::BadDer)?;
        if !facts.may_sign_certificates() {
            return Err(webpki::Error::EndEntityUsedAsCa);
        }
    }
    // OpenSSL check_chain_extensions checks the top certificate's pathLenConstraint as well
    // (webpki ignores it for trust anchors): the non-self-issued intermediates below it.
    let below = logical_intermediates(path.intermediate_certificates().map(|c| c.der()));
    let below = u64::try_from(below).unwrap_or(u64::MAX);
    let anchor = path.anchor();
    let mut result = Ok(());
    for root in roots.iter().filter(|r| {
        r.subject == anchor.subject.as_ref() && r.spki == anchor.subject_public_key_info.as_ref()
    }) {
        if below > 0 && root.path_len.is_some_and(|max| below > max) {
            result = Err(webpki::Error::PathLenConstraintViolated);
            continue;
        }
        match check_root(root, at, revocation_checked) {
            Ok(()) => return Ok(()),
            Err(e) => result = Err(to_webpki(e, at)),
        }
    }
    result
}

/// Maps a webpki error to ours; `leaf_self_issued` turns "issuer not found" into UntrustedRoot.
fn map_error(err: webpki::Error, leaf_self_issued: bool) -> VerifyError {
    use webpki::Error as E;
    #[allow(deprecated)]
    match err {
        E::UnknownIssuer if leaf_self_issued => VerifyError::UntrustedRoot,
        E::UnknownIssuer => VerifyError::PartialChain,
        E::CertExpired { time, not_after } => VerifyError::Expired {
            not_after: seconds(not_after),
            at: seconds(time),
        },
        E::CertNotValidYet { time, not_before } => VerifyError::NotYetValid {
            not_before: seconds(not_before),
            at: seconds(time),
        },
        E::InvalidCertValidity => VerifyError::InvalidValidityPeriod,
        E::CertRevoked => VerifyError::Revoked {
            serial: String::new(),
        },
        E::UnknownRevocationStatus
        | E::CrlExpired { .. }
        | E::InvalidCrlSignatureForPublicKey
        | E::IssuerNotCrlSigner
        | E::UnsupportedCrlSignatureAlgorithm
        | E::UnsupportedCrlSignatureAlgorithmContext(_)
        | E::UnsupportedCrlSignatureAlgorithmForPublicKey
        | E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_)
        | E::UnsupportedRevocationReasonsPartitioning
        | E::UnsupportedIndirectCrl
        | E::UnsupportedCrlIssuingDistributionPoint => VerifyError::RevocationStatusUnknown,
        E::InvalidSignatureForPublicKey => VerifyError::BadSignature,
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | E::SignatureAlgorithmMismatch => VerifyError::UnsupportedSignatureAlgorithm,
        E::CaUsedAsEndEntity | E::EndEntityUsedAsCa | E::PathLenConstraintViolated => {
            VerifyError::InvalidBasicConstraints
        }
        E::NameConstraintViolation
        | E::MalformedNameConstraint
        | E::InvalidNetworkMaskConstraint => VerifyError::NameConstraints,
        E::UnsupportedCriticalExtension => VerifyError::UnsupportedCriticalExtension,
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            VerifyError::RequiredEkuNotFound
        }
        E::CertNotValidForName(_) => VerifyError::NameMismatch,
        E::CertDistrusted => VerifyError::Distrusted,
        E::MaximumPathBuildCallsExceeded
        | E::MaximumSignatureChecksExceeded
        | E::MaximumNameConstraintComparisonsExceeded
        | E::MaximumPathDepthExceeded => VerifyError::PathBuildingLimit,
        E::BadDer
        | E::BadDerTime
        | E::TrailingData(_)
        | E::MalformedExtensions
        | E::ExtensionValueInvalid
        | E::InvalidSerialNumber
        | E::UnsupportedCertVersion
        | E::MalformedDnsIdentifier => VerifyError::Malformed(format!("{err:?}")),
        other => VerifyError::Other(format!("{other:?}")),
    }
}

/// Finds which certificate a CRL revoked: the leaf, or else the first intermediate listed by a
/// current CRL of its issuer. Returns its serial in .NET's hex form.
fn revoked_serial(
    leaf: &EndEntityCert<'_>,
    intermediates: &[CertificateDer<'_>],
    crls: &[&CertRevocationList<'_>],
) -> String {
    let listed = |issuer: &[u8], serial: &[u8]| {
        crls.iter()
            .any(|crl| crl.issuer() == issuer && matches!(crl.find_serial(serial), Ok(Some(_))))
    };
    if listed(leaf.issuer(), leaf.serial()) {
        return hex_upper(leaf.serial());
    }
    for der in intermediates {
        if let Ok(cert) = EndEntityCert::try_from(der)
            && listed(cert.issuer(), cert.serial())
        {
            return hex_upper(cert.serial());
        }
    }
    String::new()
}

/// Options for [`verify_general`], the entry point behind both the .NET rules and the
/// x509-limbo conformance runner.
#[derive(Debug, Clone, Default)]
pub struct GeneralOptions<'a> {
    /// Evaluation time, Unix seconds.
    pub at: i64,
    /// Extra intermediates presented with the leaf (in addition to the store's).
    pub extra_intermediates: &'a [&'a [u8]],
    /// Revocation policy: `Some(Online)` checks CRLs as `Verify()` does; `None` or
    /// `Some(NoCheck)` skips revocation.
    pub revocation: Option<RevocationMode>,
    /// Required EKU OID (DER contents, e.g. serverAuth `2B 06 01 05 05 07 03 01`); `None` means
    /// any EKU (the .NET default).
    pub required_eku: Option<&'a [u8]>,
    /// When `required_eku` is set: also require the leaf to carry an EKU extension.
    pub eku_must_be_present: bool,
    /// Peer name the leaf must be valid for: a DNS name or IP address (webpki's rules: SAN
    /// only), or an e-mail address (contains `@`; OpenSSL `X509_check_email` rules: SAN
    /// rfc822Name entries, or the subject emailAddress when there are none; local part
    /// case-sensitive, domain case-insensitive).
    pub subject_name: Option<&'a str>,
    /// Maximum number of intermediates in the path, not counting self-issued ones (RFC 5280
    /// path length semantics; x509-limbo's `max_chain_depth`).
    pub max_intermediates: Option<usize>,
    /// With [`RevocationMode::Online`]: which certificates need a definite revocation status
    /// (default [`RevocationScope::ExcludeRoot`], as `Verify()`).
    pub revocation_scope: RevocationScope,
    /// Do not apply dNSName name constraints to the leaf's host-like subject CN when it has no
    /// SAN dNSName. `false` (the default) is .NET: OpenSSL `check_name_constraints` calls
    /// `NAME_CONSTRAINTS_check_CN` for the leaf. `true` is the RFC 5280 / webpki reading, in
    /// which constraints apply to the SAN and the subject DN only.
    pub skip_cn_name_constraints: bool,
}

/// Verifies `leaf_der` against `store` at `at_unix` with .NET `Verify()` ([`RevocationMode::Online`])
/// or `VerifyNoRevocation()` ([`RevocationMode::NoCheck`]) semantics (see the module docs).
/// Uncached; [`TrustStore::verify`] is the cached form.
///
/// # Errors
/// The reason the chain is not valid. Never panics, whatever the input.
pub fn verify_chain(
    leaf_der: &[u8],
    store: &TrustStore,
    at_unix: i64,
    mode: RevocationMode,
) -> Result<(), VerifyError> {
    verify_general(
        leaf_der,
        store,
        &GeneralOptions {
            at: at_unix,
            revocation: match mode {
                RevocationMode::Online => Some(RevocationMode::Online),
                RevocationMode::NoCheck => None,
            },
            ..GeneralOptions::default()
        },
    )
}

/// The general verifier: [`verify_chain`] plus the knobs a conformance suite needs (required
/// EKU, subject name, extra intermediates, path length). With default options (other than
/// `at` and `revocation`) it is exactly [`verify_chain`].
///
/// # Errors
/// The reason the chain is not valid. Never panics, whatever the input.
pub fn verify_general(
    leaf_der: &[u8],
    store: &TrustStore,
    options: &GeneralOptions<'_>,
) -> Result<(), VerifyError> {
    let at = options.at.max(0);
    let facts = CertFacts::parse(leaf_der)
        .ok_or_else(|| VerifyError::Malformed("cannot parse the certificate".into()))?;

    // A self-signed leaf that is itself an uploaded root: a one-element chain. ExcludeRoot
    // means no revocation check; only its dates matter.
    // OpenSSL only stops at a trusted certificate that is self-signed; one that is not
    // must chain further like any other leaf.
    let as_root = store
        .roots
        .iter()
        .find(|r| r.der == leaf_der && r.self_signed);
    if let Some(root) = as_root {
        if root.kind() == AnchorKind::BadSelfSignature {
            return Err(VerifyError::BadSignature);
        }
        if facts.unhandled_critical {
            return Err(VerifyError::UnsupportedCriticalExtension);
        }
        check_validity(facts.not_before, facts.not_after, at)?;
        if options.revocation == Some(RevocationMode::Online)
            && options.revocation_scope == RevocationScope::EntireChain
        {
            if !root.may_sign_crls {
                return Err(VerifyError::RevocationStatusUnknown);
            }
            root_status(root, &store.crls, at)?;
        }
        if options.subject_name.is_none() {
            return Ok(());
        }
        let leaf_cert = CertificateDer::from(leaf_der);
        let leaf = EndEntityCert::try_from(&leaf_cert).map_err(|e| map_error(e, false))?;
        return check_name(&leaf, options);
    }

    let leaf_cert = CertificateDer::from(leaf_der);
    let leaf = EndEntityCert::try_from(&leaf_cert).map_err(|e| map_error(e, false))?;

    let crls: Vec<&CertRevocationList<'static>> = match options.revocation {
        Some(RevocationMode::Online) => store
            .crls
            .iter()
            .filter(|c| c.is_usable(at))
            .map(|c: &Crl| &c.list)
            .collect(),
        _ => Vec::new(),
    };
    let revocation = RevocationOptionsBuilder::new(&crls).ok().map(|b| {
        b.with_depth(match options.revocation_scope {
            RevocationScope::EndCertificateOnly => RevocationCheckDepth::EndEntity,
            RevocationScope::ExcludeRoot | RevocationScope::EntireChain => {
                RevocationCheckDepth::Chain
            }
        })
        .with_status_policy(UnknownStatusPolicy::Deny)
        .with_expiration_policy(ExpirationPolicy::Enforce)
        .build()
    });

    let roots: &[Root] = &store.roots;
    let revocation_checked = revocation.is_some();
    let scope = options.revocation_scope;
    let max_intermediates = options.max_intermediates;
    let check_cn = !options.skip_cn_name_constraints;
    let callback = |path: &VerifiedPath<'_>| -> Result<(), webpki::Error> {
        if let Some(max) = max_intermediates
            && logical_intermediates(path.intermediate_certificates().map(|c| c.der())) > max
        {
            return Err(webpki::Error::MaximumPathDepthExceeded);
        }
        // The root issues a CRL that is used: the leaf's when it is directly under the root,
        // the first intermediate's unless only the leaf is checked, and its own for EntireChain.
        let root_crl_used = revocation_checked
            && (scope != RevocationScope::EndCertificateOnly
                || path.intermediate_certificates().next().is_none());
        check_path(path, roots, at, root_crl_used)?;
        if check_cn {
            // OpenSSL NAME_CONSTRAINTS_check_CN: in the callback, so that webpki can still
            // try another path.
            let intermediates: Vec<CertificateDer<'_>> =
                path.intermediate_certificates().map(|c| c.der()).collect();
            let constraints: Vec<&[u8]> = intermediates
                .iter()
                .filter_map(|d| path::name_constraints(d.as_ref()))
                .chain(path.anchor().name_constraints.as_ref().map(|d| d.as_ref()))
                .collect();
            path::check_cn_name_constraints(leaf_der, &constraints)
                .map_err(|_| webpki::Error::NameConstraintViolation)?;
        }
        Ok(())
    };

    let intermediates_storage: Vec<CertificateDer<'_>>;
    let intermediates: &[CertificateDer<'_>] = if options.extra_intermediates.is_empty() {
        &store.intermediates
    } else {
        intermediates_storage = options
            .extra_intermediates
            .iter()
            .map(|d| CertificateDer::from(*d))
            .chain(
                store
                    .intermediates
                    .iter()
                    .map(|c| CertificateDer::from(c.as_ref())),
            )
            .collect();
        &intermediates_storage
    };
    let anchors: &[TrustAnchor<'static>] = &store.anchors;
    let time = unix_time(at);
    let self_issued = facts.issuer == facts.subject;

    let result = match options.required_eku {
        None => leaf.verify_for_usage(
            ALL,
            anchors,
            intermediates,
            time,
            AnyEku,
            revocation,
            Some(&callback),
        ),
        Some(oid) => leaf.verify_for_usage(
            ALL,
            anchors,
            intermediates,
            time,
            RequiredEku {
                oid,
                always: options.eku_must_be_present,
            },
            revocation,
            Some(&callback),
        ),
    };
    match result {
        Ok(path) => {
            if revocation_checked && scope == RevocationScope::EntireChain {
                check_root_revocation(&path, roots, &store.crls, at)?;
            }
        }
        Err(webpki::Error::CertRevoked) => {
            return Err(VerifyError::Revoked {
                serial: revoked_serial(&leaf, intermediates, &crls),
            });
        }
        Err(e) => {
            let mapped = map_error(e.clone(), self_issued);
            if fallback_applies(&e) {
                let mut all: Vec<&[u8]> = options.extra_intermediates.to_vec();
                all.extend(store.intermediates.iter().map(|c| c.as_ref()));
                let request = path::Request {
                    at,
                    required_eku: options.required_eku,
                    eku_must_be_present: options.eku_must_be_present,
                    max_intermediates: options.max_intermediates,
                    revocation: (options.revocation == Some(RevocationMode::Online))
                        .then_some((scope, store.crls.as_slice())),
                    cn_name_constraints: !options.skip_cn_name_constraints,
                };
                let root_check = |root: &Root| check_root(root, at, false);
                if !path::limitation_present(leaf_der, roots, &all) {
                    return Err(mapped);
                }
                match path::find_path(leaf_der, roots, &all, &request, &root_check) {
                    Ok(()) => {}
                    // A complete candidate path failed: its reason is the accurate one (webpki's
                    // may be the limitation itself).
                    Err(own) if own != VerifyError::PartialChain => return Err(own),
                    Err(_) => return Err(mapped),
                }
            } else {
                return Err(mapped);
            }
        }
    }
    if options.revocation == Some(RevocationMode::Online) && crls.is_empty() {
        // The leaf (at least) needed a CRL and there is none current.
        return Err(VerifyError::RevocationStatusUnknown);
    }
    check_name(&leaf, options)
}

/// The revocation status of `root` itself ([`RevocationScope::EntireChain`]): from the usable,
/// full (no issuingDistributionPoint) CRLs that the root issued and signed; none is
/// RevocationStatusUnknown.
pub(crate) fn root_status(root: &Root, crls: &[Crl], at: i64) -> Result<(), VerifyError> {
    let serial = path::serial(&root.der).ok_or(VerifyError::RevocationStatusUnknown)?;
    let mut known = false;
    for crl in crls.iter().filter(|c| {
        // A CRL with an issuingDistributionPoint may be partitioned (e.g. user certificates
        // only) and not cover the root: only full CRLs give its status.
        c.is_usable(at)
            && c.list.issuing_distribution_point().is_none()
            && c.issuer() == root.subject
            && path::crl_signed_by(c.der(), &root.spki)
    }) {
        match crl.list.find_serial(serial) {
            Ok(None) => known = true,
            Ok(Some(_)) => {
                return Err(VerifyError::Revoked {
                    serial: hex_upper(serial),
                });
            }
            Err(_) => return Err(VerifyError::RevocationStatusUnknown),
        }
    }
    if known {
        Ok(())
    } else {
        Err(VerifyError::RevocationStatusUnknown)
    }
}

/// [`RevocationScope::EntireChain`] for the root of `path`: some uploaded root with the
/// anchor's subject and key that passes [`check_root`] must have a good status.
fn check_root_revocation(
    path: &VerifiedPath<'_>,
    roots: &[Root],
    crls: &[Crl],
    at: i64,
) -> Result<(), VerifyError> {
    let anchor = path.anchor();
    let mut result = Err(VerifyError::RevocationStatusUnknown);
    for root in roots.iter().filter(|r| {
        r.subject == anchor.subject.as_ref()
            && r.spki == anchor.subject_public_key_info.as_ref()
            && check_root(r, at, true).is_ok()
    }) {
        match root_status(root, crls, at) {
            Ok(()) => return Ok(()),
            Err(e) => result = Err(e),
        }
    }
    result
}

/// webpki errors that may come from one of its limitations (see [`path`]), after which our own
/// path builder gets a chance.
fn fallback_applies(err: &webpki::Error) -> bool {
    matches!(
        err,
        webpki::Error::CaUsedAsEndEntity
            | webpki::Error::PathLenConstraintViolated
            | webpki::Error::MaximumPathDepthExceeded
            | webpki::Error::NameConstraintViolation
            | webpki::Error::UnknownIssuer
            // webpki reports the most relevant error over all candidate paths: a self-issued
            // intermediate shares its name with its issuer, so a wrong-key candidate's
            // signature error can hide the limitation.
            | webpki::Error::InvalidSignatureForPublicKey
    )
}

fn check_name(leaf: &EndEntityCert<'_>, options: &GeneralOptions<'_>) -> Result<(), VerifyError> {
    let Some(name) = options.subject_name else {
        return Ok(());
    };
    if name.contains('@') {
        return if path::email_matches(leaf.der().as_ref(), name) {
            Ok(())
        } else {
            Err(VerifyError::NameMismatch)
        };
    }
    let server_name = ServerName::try_from(name)
        .map_err(|_| VerifyError::NameMismatch)?
        .to_owned();
    leaf.verify_is_valid_for_subject_name(&server_name)
        .map_err(|e| map_error(e, false))
}
