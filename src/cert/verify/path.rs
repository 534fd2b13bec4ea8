//! Own path builder and validator for the chains rustls-webpki cannot validate although
//! .NET (OpenSSL 3 `X509_verify_cert`, default flags) accepts them.
//!
//! webpki is the primary verifier (see the parent module). It has limitations that make it
//! reject valid chains:
//!
//! - a certificate with `cA=TRUE` in leaf position is always rejected (`CaUsedAsEndEntity`);
//! - self-issued intermediates are counted towards `pathLenConstraint`, and name constraints are
//!   applied to them (RFC 5280 §4.2.1.9 / §6.1.4 and OpenSSL exclude them);
//! - at most 6 intermediates;
//! - no rfc822Name (e-mail) or directoryName name constraints (it rejects every name of those
//!   types under such a constraint).
//!
//! When webpki fails with one of those errors while such a feature is present
//! ([`limitation_present`]), [`find_path`] searches the candidate paths itself and accepts
//! one only if *every* check below holds. It is deliberately at least as strict as webpki
//! everywhere else, so it can never accept a chain for a reason other than the limitations
//! above:
//!
//! - every certificate in the path parses with webpki (`EndEntityCert::try_from`) and with the
//!   strict reader here; each link's issuer name equals its parent's subject (byte-exact, as
//!   webpki compares) and its signature verifies under the parent's key with the same
//!   [`ALL`] algorithms webpki uses; the signature AlgorithmIdentifier inside the TBS equals the
//!   outer one (OpenSSL `X509_verify`);
//! - leaf and intermediates are within their validity at `at`, and carry no critical extension
//!   webpki does not process (it knows fewer than OpenSSL, so this is the stricter set);
//! - every intermediate has BasicConstraints `cA=TRUE` and, when it has KeyUsage, keyCertSign
//!   (OpenSSL `X509_check_ca() == 1` for non-top certificates);
//! - `pathLenConstraint` as OpenSSL `check_chain_extensions` checks it: for the certificate at
//!   position `i > 1` (the root included), the number of non-self-issued certificates at
//!   positions `1..i` must not exceed it;
//! - EKU on the leaf and every intermediate exactly as the webpki validator used by the primary
//!   path (present-but-empty fails; a required EKU must be listed when the extension is present);
//! - name constraints of every intermediate and of the root as OpenSSL `check_name_constraints`
//!   applies them: to every certificate below except self-issued intermediates, over the subject
//!   (directoryName, and its emailAddress attributes as rfc822Name), every SAN entry, and for
//!   the leaf without a SAN dNSName, a host-like subject CN as dNSName (unless the caller skips
//!   that check). dNSName, rfc822Name and
//!   iPAddress are matched as OpenSSL does (`nc_dns`, `nc_email`, `nc_ip`); a permitted
//!   directoryName must be an RDN-wise byte-exact prefix (stricter than OpenSSL's canonical
//!   form); an excluded directoryName, any other constrained name form, or a subtree with
//!   minimum/maximum fails closed;
//! - the root passes the same trust-anchor checks as on the primary path (`check_root`);
//! - with revocation checking, each certificate in the scope has a definite status from a
//!   usable, full (no issuingDistributionPoint) CRL that its issuer signed, the issuer's
//!   KeyUsage allowing cRLSign; a listed serial is Revoked, no such CRL RevocationStatusUnknown.
//!
//! Path search is depth-first, bounded by [`MAX_INTERMEDIATES`] and a signature budget, and
//! never revisits a certificate.

use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm};
use webpki::EndEntityCert;

use super::super::algorithms::ALL;
use super::super::store::der::tlv;
use super::super::store::{Crl, Root};
use super::RevocationScope;
use super::VerifyError;

/// Longest path searched, in intermediates (OpenSSL's default depth is 100; this bounds work).
pub(crate) const MAX_INTERMEDIATES: usize = 12;
/// Maximum number of signature verifications per search.
const MAX_SIGNATURE_CHECKS: usize = 200;

const SEQUENCE: u8 = 0x30;
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
const OID_EKU: &[u8] = &[0x55, 0x1d, 0x25];
const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];
const OID_NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x1e];
const OID_CRL_DP: &[u8] = &[0x55, 0x1d, 0x1f];
const OID_AKI: &[u8] = &[0x55, 0x1d, 0x23];
const OID_SKI: &[u8] = &[0x55, 0x1d, 0x0e];
/// emailAddress (1.2.840.113549.1.9.1).
const OID_EMAIL_ADDRESS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];
/// commonName (2.5.4.3).
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];

/// GeneralName tags (context-specific, as encoded).
const GN_RFC822: u8 = 0x81;
const GN_DNS: u8 = 0x82;
const GN_DIRECTORY: u8 = 0xa4;
const GN_IP: u8 = 0x87;

/// One TLV with its raw encoding.
struct Tlv<'a> {
    tag: u8,
    contents: &'a [u8],
    raw: &'a [u8],
    rest: &'a [u8],
}

/// Reads one TLV and also returns the raw encoding.
fn tlv_raw(input: &[u8]) -> Option<Tlv<'_>> {
    let (tag, contents, rest) = tlv(input)?;
    let raw = input.get(..input.len().checked_sub(rest.len())?)?;
    Some(Tlv {
        tag,
        contents,
        raw,
        rest,
    })
}

fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (t, contents, rest) = tlv(input)?;
    (t == tag).then_some((contents, rest))
}

/// The certificate fields the validator needs.
#[derive(Debug)]
pub(crate) struct Parsed<'a> {
    der: &'a [u8],
    /// Raw TLV of tbsCertificate: the signed message.
    tbs: &'a [u8],
    /// Contents of the outer signatureAlgorithm.
    sig_alg: &'a [u8],
    /// Signature bits (no unused bits).
    signature: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    not_before: i64,
    not_after: i64,
    /// Contents of the SPKI AlgorithmIdentifier.
    spki_alg: &'a [u8],
    /// subjectPublicKey bits.
    spki_key: &'a [u8],
    /// BasicConstraints: (cA, pathLenConstraint).
    basic_constraints: Option<(bool, Option<u64>)>,
    /// KeyUsage BIT STRING contents.
    key_usage: Option<&'a [u8]>,
    /// EKU SEQUENCE contents.
    eku: Option<&'a [u8]>,
    /// SAN GeneralNames contents.
    san: Option<&'a [u8]>,
    /// NameConstraints SEQUENCE contents.
    name_constraints: Option<&'a [u8]>,
    /// A critical extension webpki does not process.
    unknown_critical: bool,
    /// serialNumber contents.
    serial: &'a [u8],
    /// AuthorityKeyIdentifier SEQUENCE contents.
    aki: Option<&'a [u8]>,
    /// SubjectKeyIdentifier OCTET STRING contents.
    ski: Option<&'a [u8]>,
}

/// A BIT STRING with no unused bits.
fn bit_string_bytes(contents: &[u8]) -> Option<&[u8]> {
    let (&unused, bits) = contents.split_first()?;
    (unused == 0).then_some(bits)
}

fn parse_uint(contents: &[u8]) -> Option<u64> {
    if contents.is_empty() || contents.len() > 9 || contents.first().is_some_and(|b| b & 0x80 != 0)
    {
        return None;
    }
    let mut v: u64 = 0;
    for &b in contents {
        v = v.checked_mul(256)?.checked_add(u64::from(b))?;
    }
    Some(v)
}

impl<'a> Parsed<'a> {
    /// Parses a DER certificate; `None` if malformed or not also accepted by webpki's parser.
    pub(crate) fn parse(der: &'a [u8]) -> Option<Self> {
        let parsed = Self::parse_fields(der)?;
        // webpki's parser is the reference for well-formedness.
        EndEntityCert::try_from(&CertificateDer::from(der)).ok()?;
        Some(parsed)
    }

    /// Parses a trusted root: as [`Parsed::parse`] without webpki's end-entity parser, which
    /// rejects v1 certificates that webpki (and OpenSSL) accept as trust anchors.
    pub(crate) fn parse_root(der: &'a [u8]) -> Option<Self> {
        Self::parse_fields(der)
    }

    fn parse_fields(der: &'a [u8]) -> Option<Self> {
        let (cert, trailing) = expect(der, SEQUENCE)?;
        if !trailing.is_empty() {
            return None;
        }
        let Tlv {
            tag,
            contents: tbs_contents,
            raw: tbs,
            rest,
        } = tlv_raw(cert)?;
        if tag != SEQUENCE {
            return None;
        }
        let (sig_alg, rest) = expect(rest, SEQUENCE)?;
        let (sig_bits, rest) = expect(rest, 0x03)?;
        if !rest.is_empty() {
            return None;
        }
        let signature = bit_string_bytes(sig_bits)?;

        let mut rest = tbs_contents;
        if rest.first() == Some(&0xa0) {
            rest = tlv(rest)?.2;
        }
        let (serial, rest) = expect(rest, 0x02)?;
        let (inner_sig_alg, rest) = expect(rest, SEQUENCE)?;
        if inner_sig_alg != sig_alg {
            return None;
        }
        let (issuer, rest) = expect(rest, SEQUENCE)?;
        let (validity, rest) = expect(rest, SEQUENCE)?;
        let (nb_tag, nb, v) = tlv(validity)?;
        let (na_tag, na, _) = tlv(v)?;
        let not_before = super::super::store::der::time(nb_tag, nb)?;
        let not_after = super::super::store::der::time(na_tag, na)?;
        let (subject, rest) = expect(rest, SEQUENCE)?;
        let (spki, mut rest) = expect(rest, SEQUENCE)?;
        let (spki_alg, key_rest) = expect(spki, SEQUENCE)?;
        let (key_bits, _) = expect(key_rest, 0x03)?;
        let spki_key = bit_string_bytes(key_bits)?;

        let mut parsed = Parsed {
            der,
            tbs,
            sig_alg,
            signature,
            issuer,
            subject,
            not_before,
            not_after,
            spki_alg,
            spki_key,
            basic_constraints: None,
            key_usage: None,
            eku: None,
            san: None,
            name_constraints: None,
            unknown_critical: false,
            serial,
            aki: None,
            ski: None,
        };
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
                if oid == OID_BASIC_CONSTRAINTS {
                    let (bc, _) = expect(value, SEQUENCE)?;
                    let mut ca = false;
                    let mut r = bc;
                    if r.first() == Some(&0x01) {
                        let (_, flag, after) = tlv(r)?;
                        ca = flag.iter().any(|b| *b != 0);
                        r = after;
                    }
                    let path_len = match expect(r, 0x02) {
                        Some((n, _)) => Some(parse_uint(n)?),
                        None => None,
                    };
                    parsed.basic_constraints = Some((ca, path_len));
                } else if oid == OID_KEY_USAGE {
                    parsed.key_usage = Some(expect(value, 0x03)?.0);
                } else if oid == OID_EKU {
                    parsed.eku = Some(expect(value, SEQUENCE)?.0);
                } else if oid == OID_SAN {
                    parsed.san = Some(expect(value, SEQUENCE)?.0);
                } else if oid == OID_NAME_CONSTRAINTS {
                    parsed.name_constraints = Some(expect(value, SEQUENCE)?.0);
                } else if oid == OID_AKI {
                    parsed.aki = Some(expect(value, SEQUENCE)?.0);
                    parsed.unknown_critical |= critical;
                } else if oid == OID_SKI {
                    parsed.ski = Some(expect(value, 0x04)?.0);
                    parsed.unknown_critical |= critical;
                } else if critical && oid != OID_CRL_DP {
                    parsed.unknown_critical = true;
                }
            }
        }
        Some(parsed)
    }

    /// OpenSSL `X509_check_akid(self, self.akid) == X509_V_OK`: the certificate's own AKI
    /// (key id, serial, first directoryName) does not contradict it being its own issuer.
    fn akid_matches_self(&self) -> bool {
        let Some(mut aki) = self.aki else {
            return true;
        };
        while !aki.is_empty() {
            let Some((tag, contents, rest)) = tlv(aki) else {
                return false;
            };
            aki = rest;
            match tag {
                0x80 => {
                    if self.ski.is_some_and(|ski| ski != contents) {
                        return false;
                    }
                }
                0x82 => {
                    if contents != self.serial {
                        return false;
                    }
                }
                0xa1 => {
                    let mut names = contents;
                    while let Some((gn_tag, gn, next)) = tlv(names) {
                        names = next;
                        if gn_tag == GN_DIRECTORY {
                            if expect(gn, SEQUENCE).is_none_or(|(name, _)| name != self.issuer) {
                                return false;
                            }
                            break;
                        }
                    }
                }
                _ => return false,
            }
        }
        true
    }

    fn self_issued(&self) -> bool {
        self.issuer == self.subject
    }

    fn may_sign_certificates(&self) -> bool {
        match self.key_usage {
            None => true,
            Some(bits) => bits.get(1).is_some_and(|b| b & 0x04 != 0),
        }
    }

    fn path_len(&self) -> Option<u64> {
        self.basic_constraints.and_then(|(_, len)| len)
    }
}

/// How OpenSSL (as .NET configures it: `X509_V_FLAG_CHECK_SS_SIGNATURE`, no
/// `X509_V_FLAG_PARTIAL_CHAIN`) sees a certificate in the trust store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnchorKind {
    /// Self-signed (`EXFLAG_SS`: self-issued and its AKI does not contradict that) with a
    /// valid self-signature: a trust anchor.
    SelfSigned,
    /// Self-signed by OpenSSL's definition, but its own signature does not verify: OpenSSL
    /// reports `X509_V_ERR_CERT_SIGNATURE_FAILURE` (.NET NotSignatureValid).
    BadSelfSignature,
    /// Not self-signed: OpenSSL's default trust (`X509_TRUST_DO_SS_COMPAT`) does not make it a
    /// trust anchor; a path through it must continue to a self-signed root.
    NotSelfSigned,
}

/// Whether a trusted certificate is self-signed in OpenSSL's structural sense (`EXFLAG_SS`:
/// self-issued, and its own AKI does not contradict that); `false` if it cannot be parsed.
/// The signature itself is checked by [`self_signature_ok`].
pub(crate) fn openssl_self_signed(der: &[u8]) -> bool {
    Parsed::parse_root(der).is_some_and(|c| c.self_issued() && c.akid_matches_self())
}

/// Whether a self-signed certificate's own signature verifies
/// (`X509_V_FLAG_CHECK_SS_SIGNATURE`).
///
/// A self-signature in an algorithm we do not implement (e.g. md5WithRSAEncryption on an old
/// root) cannot be checked and is not held against the root: its key still has to verify every
/// signature below it with a supported algorithm.
pub(crate) fn self_signature_ok(der: &[u8]) -> bool {
    let Some(cert) = Parsed::parse_root(der) else {
        return false;
    };
    match find_algorithm(cert.sig_alg, cert.spki_alg) {
        None => true,
        Some(alg) => alg
            .verify_signature(cert.spki_key, cert.tbs, cert.signature)
            .is_ok(),
    }
}

/// Whether `child_der`'s signature verifies with `issuer_der`'s public key (the issuer is read
/// like a root, so v1 CA certificates work too).
pub(crate) fn signed_by(child_der: &[u8], issuer_der: &[u8]) -> bool {
    match (Parsed::parse(child_der), Parsed::parse_root(issuer_der)) {
        (Some(child), Some(issuer)) => signature_ok(&child, issuer.spki_alg, issuer.spki_key),
        _ => false,
    }
}

/// The NameConstraints (SEQUENCE contents) of a certificate, if any.
pub(crate) fn name_constraints(der: &[u8]) -> Option<&[u8]> {
    Parsed::parse_root(der).and_then(|p| p.name_constraints)
}

/// The pathLenConstraint of a (root) certificate, if any.
pub(crate) fn path_len(der: &[u8]) -> Option<u64> {
    Parsed::parse_root(der).and_then(|p| p.path_len())
}

/// The serialNumber contents of a certificate.
pub(crate) fn serial(der: &[u8]) -> Option<&[u8]> {
    Parsed::parse_root(der).map(|p| p.serial)
}

/// Whether the DER CRL `crl_der` is signed by the key in `spki` (contents of a
/// SubjectPublicKeyInfo SEQUENCE), with the same algorithms as certificates, and its inner and
/// outer signature AlgorithmIdentifiers agree.
pub(crate) fn crl_signed_by(crl_der: &[u8], spki: &[u8]) -> bool {
    let Some((spki_alg, key_rest)) = expect(spki, SEQUENCE) else {
        return false;
    };
    let Some(key) = expect(key_rest, 0x03).and_then(|(bits, _)| bit_string_bytes(bits)) else {
        return false;
    };
    crl_signed_by_key(crl_der, spki_alg, key)
}

/// [`crl_signed_by`] with the key already split into its AlgorithmIdentifier contents and key
/// bits.
fn crl_signed_by_key(crl_der: &[u8], spki_alg: &[u8], key: &[u8]) -> bool {
    let check = || -> Option<bool> {
        let (list, _) = expect(crl_der, SEQUENCE)?;
        let Tlv {
            tag,
            contents: tbs_contents,
            raw: tbs,
            rest,
        } = tlv_raw(list)?;
        if tag != SEQUENCE {
            return None;
        }
        let (sig_alg, rest) = expect(rest, SEQUENCE)?;
        let (sig_bits, _) = expect(rest, 0x03)?;
        let signature = bit_string_bytes(sig_bits)?;
        let mut inner = tbs_contents;
        if inner.first() == Some(&0x02) {
            inner = tlv(inner)?.2;
        }
        let (inner_alg, _) = expect(inner, SEQUENCE)?;
        if inner_alg != sig_alg {
            return None;
        }
        let alg = find_algorithm(sig_alg, spki_alg)?;
        Some(alg.verify_signature(key, tbs, signature).is_ok())
    };
    check().unwrap_or(false)
}

/// OpenSSL `X509_check_email`: `email` (one `@`) equals a SAN rfc822Name, or, when the SAN has
/// none, a subject emailAddress; the local part compares case-sensitively, the domain
/// case-insensitively.
pub(crate) fn email_matches(der: &[u8], email: &str) -> bool {
    let wanted = email.as_bytes();
    if !valid_email(wanted) {
        return false;
    }
    let Some(cert) = Parsed::parse(der) else {
        return false;
    };
    let Some(names) = presented_names(&cert) else {
        return false;
    };
    let equal = |presented: &[u8]| {
        let (Some(p_at), Some(w_at)) = (
            presented.iter().rposition(|b| *b == b'@'),
            wanted.iter().rposition(|b| *b == b'@'),
        ) else {
            return false;
        };
        presented.get(..p_at) == wanted.get(..w_at)
            && presented
                .get(p_at..)
                .zip(wanted.get(w_at..))
                .is_some_and(|(a, b)| eq_ignore_case(a, b))
    };
    // presented_names lists the SAN entries first, then the subject's attributes.
    let san_emails: Vec<&[u8]> = cert
        .san
        .map(|mut san| {
            let mut out = Vec::new();
            while let Some((tag, contents, rest)) = tlv(san) {
                san = rest;
                if tag == GN_RFC822 {
                    out.push(contents);
                }
            }
            out
        })
        .unwrap_or_default();
    if san_emails.is_empty() {
        names
            .iter()
            .filter(|(t, _)| *t == GN_RFC822)
            .any(|(_, n)| equal(n))
    } else {
        san_emails.into_iter().any(equal)
    }
}

/// The algorithm webpki would pick for a signature AlgorithmIdentifier and a key's.
fn find_algorithm(
    sig_alg: &[u8],
    spki_alg: &[u8],
) -> Option<&'static dyn SignatureVerificationAlgorithm> {
    ALL.iter()
        .find(|a| {
            a.signature_alg_id().as_ref() == sig_alg && a.public_key_alg_id().as_ref() == spki_alg
        })
        .copied()
}

/// Verifies `child`'s signature with `issuer_spki_alg` / `issuer_key`, as webpki would.
fn signature_ok(child: &Parsed<'_>, issuer_spki_alg: &[u8], issuer_key: &[u8]) -> bool {
    find_algorithm(child.sig_alg, issuer_spki_alg).is_some_and(|a| {
        a.verify_signature(issuer_key, child.tbs, child.signature)
            .is_ok()
    })
}

/// EKU as the primary path's webpki validator checks it.
fn eku_ok(cert: &Parsed<'_>, required: Option<&[u8]>, must_be_present: bool) -> bool {
    let Some(mut list) = cert.eku else {
        return required.is_none() || !must_be_present;
    };
    if list.is_empty() {
        return false;
    }
    let mut found = false;
    while !list.is_empty() {
        let Some((oid, next)) = expect(list, 0x06) else {
            return false;
        };
        list = next;
        if Some(oid) == required {
            found = true;
        }
    }
    required.is_none() || found
}

/// What the caller asks of the path.
pub(crate) struct Request<'a> {
    pub(crate) at: i64,
    pub(crate) required_eku: Option<&'a [u8]>,
    pub(crate) eku_must_be_present: bool,
    pub(crate) max_intermediates: Option<usize>,
    /// Revocation checking: the scope and the uploaded CRLs (`None`: no checking).
    pub(crate) revocation: Option<(RevocationScope, &'a [Crl])>,
    /// Apply dNSName constraints to the leaf's host-like CN (OpenSSL, .NET).
    pub(crate) cn_name_constraints: bool,
}

struct Search<'s, 'a> {
    request: &'s Request<'s>,
    roots: &'s [(Parsed<'a>, &'s Root)],
    intermediates: &'s [Parsed<'a>],
    signatures: usize,
    /// Error of the last complete candidate path.
    error: Option<VerifyError>,
    root_check: &'s dyn Fn(&Root) -> Result<(), VerifyError>,
}

/// Whether the inputs have a feature webpki cannot handle (so that its rejection may be wrong):
/// a `cA=TRUE` leaf, a self-issued intermediate, more intermediates than webpki's 6, or an
/// rfc822Name / directoryName name-constraint subtree. Only then does the caller try
/// [`find_path`].
pub(crate) fn limitation_present(leaf_der: &[u8], roots: &[Root], intermediates: &[&[u8]]) -> bool {
    let Some(leaf) = Parsed::parse(leaf_der) else {
        return false;
    };
    if matches!(leaf.basic_constraints, Some((true, _))) || intermediates.len() > 6 {
        return true;
    }
    let parsed: Vec<Parsed<'_>> = intermediates
        .iter()
        .filter_map(|d| Parsed::parse(d))
        .chain(roots.iter().filter_map(|r| Parsed::parse_root(&r.der)))
        .collect();
    let intermediate_count = intermediates.len();
    parsed.iter().enumerate().any(|(i, cert)| {
        (i < intermediate_count && cert.self_issued())
            || cert.name_constraints.is_some_and(|nc| {
                let mut rest = nc;
                while let Some((_, subtrees, next)) = tlv(rest) {
                    rest = next;
                    if bases(Some(subtrees)).is_none_or(|b| {
                        b.iter().any(|(t, _)| *t == GN_RFC822 || *t == GN_DIRECTORY)
                    }) {
                        return true;
                    }
                }
                false
            })
    })
}

/// Searches for a valid path from `leaf_der` to one of `roots` through `intermediates` with
/// the rules in the module docs. `root_check` applies the trust-anchor rules of the primary
/// path. Returns `Ok` for the first valid path, else the error of the last complete
/// candidate (or `PartialChain` when no candidate reached a root).
pub(crate) fn find_path(
    leaf_der: &[u8],
    roots: &[Root],
    intermediates: &[&[u8]],
    request: &Request<'_>,
    root_check: &dyn Fn(&Root) -> Result<(), VerifyError>,
) -> Result<(), VerifyError> {
    let leaf = Parsed::parse(leaf_der)
        .ok_or_else(|| VerifyError::Malformed("cannot parse the certificate".into()))?;
    let parsed_roots: Vec<(Parsed<'_>, &Root)> = roots
        .iter()
        .filter_map(|r| Parsed::parse_root(&r.der).map(|p| (p, r)))
        .collect();
    let mut seen: Vec<&[u8]> = Vec::new();
    let parsed_intermediates: Vec<Parsed<'_>> = intermediates
        .iter()
        .filter(|d| {
            if seen.contains(d) {
                false
            } else {
                seen.push(d);
                true
            }
        })
        .filter_map(|d| Parsed::parse(d))
        .collect();
    let mut search = Search {
        request,
        roots: &parsed_roots,
        intermediates: &parsed_intermediates,
        signatures: 0,
        error: None,
        root_check,
    };
    let mut path: Vec<&Parsed<'_>> = vec![&leaf];
    if search.extend(&mut path) {
        return Ok(());
    }
    Err(search.error.unwrap_or(VerifyError::PartialChain))
}

impl<'s, 'a> Search<'s, 'a> {
    fn budget(&mut self) -> bool {
        self.signatures = self.signatures.saturating_add(1);
        self.signatures <= MAX_SIGNATURE_CHECKS
    }

    /// Depth-first extension of `path` (leaf first); true when a valid path was found.
    fn extend(&mut self, path: &mut Vec<&'s Parsed<'a>>) -> bool {
        let Some(top) = path.last().copied() else {
            return false;
        };
        let roots = self.roots;
        for (root, anchor) in roots {
            if root.subject != top.issuer || !self.budget() {
                continue;
            }
            if !signature_ok(top, root.spki_alg, root.spki_key) {
                self.error = Some(VerifyError::BadSignature);
                continue;
            }
            match self.check(path, root, anchor) {
                Ok(()) => return true,
                Err(e) => self.error = Some(e),
            }
        }
        if path.len() > MAX_INTERMEDIATES {
            return false;
        }
        let intermediates = self.intermediates;
        for cand in intermediates {
            if cand.subject != top.issuer || path.iter().any(|p| p.der == cand.der) {
                continue;
            }
            if !self.budget() {
                return false;
            }
            if !signature_ok(top, cand.spki_alg, cand.spki_key) {
                continue;
            }
            path.push(cand);
            if self.extend(path) {
                return true;
            }
            path.pop();
        }
        false
    }

    /// All checks on a complete path `path` (leaf first, intermediates) + `root`.
    fn check(
        &self,
        path: &[&Parsed<'_>],
        root: &Parsed<'_>,
        anchor: &Root,
    ) -> Result<(), VerifyError> {
        let at = self.request.at;
        for (i, cert) in path.iter().enumerate() {
            super::check_validity(cert.not_before, cert.not_after, at)?;
            if cert.unknown_critical {
                return Err(VerifyError::UnsupportedCriticalExtension);
            }
            if !eku_ok(
                cert,
                self.request.required_eku,
                self.request.eku_must_be_present,
            ) {
                return Err(VerifyError::RequiredEkuNotFound);
            }
            if i > 0
                && (!matches!(cert.basic_constraints, Some((true, _)))
                    || !cert.may_sign_certificates())
            {
                return Err(VerifyError::InvalidBasicConstraints);
            }
        }
        (self.root_check)(anchor)?;

        // The whole chain, leaf first, root last.
        let chain: Vec<&Parsed<'_>> = path.iter().copied().chain(std::iter::once(root)).collect();

        // OpenSSL check_chain_extensions path length.
        let mut plen: u64 = 0;
        for (i, cert) in chain.iter().enumerate() {
            if i > 1
                && let Some(max) = cert.path_len()
                && plen > max
            {
                return Err(VerifyError::InvalidBasicConstraints);
            }
            if i > 0 && !cert.self_issued() {
                plen = plen.saturating_add(1);
            }
        }
        if let Some(max) = self.request.max_intermediates {
            let logical = path.iter().skip(1).filter(|c| !c.self_issued()).count();
            if logical > max {
                return Err(VerifyError::PathBuildingLimit);
            }
        }

        // OpenSSL check_name_constraints.
        for (i, cert) in chain.iter().enumerate() {
            if i > 0 && cert.self_issued() {
                continue;
            }
            for constraining in chain.iter().skip(i.saturating_add(1)) {
                if let Some(nc) = constraining.name_constraints {
                    check_name_constraints(cert, nc, i == 0 && self.request.cn_name_constraints)?;
                }
            }
        }

        // Revocation, last (as OpenSSL checks it after the chain itself).
        if let Some((scope, crls)) = self.request.revocation {
            let checked = match scope {
                RevocationScope::EndCertificateOnly => 1,
                RevocationScope::ExcludeRoot | RevocationScope::EntireChain => path.len(),
            };
            for (cert, issuer) in chain.iter().zip(chain.iter().skip(1)).take(checked) {
                status(cert, issuer, crls, at)?;
            }
            if scope == RevocationScope::EntireChain {
                if !anchor.may_sign_crls {
                    return Err(VerifyError::RevocationStatusUnknown);
                }
                super::root_status(anchor, crls, at)?;
            }
        }
        Ok(())
    }
}

/// The revocation status of `cert` from the usable, full CRLs (no issuingDistributionPoint,
/// which we do not interpret here) that `issuer` issued and signed; the issuer's KeyUsage, if
/// present, must allow cRLSign (OpenSSL `X509_V_ERR_KEYUSAGE_NO_CRL_SIGN`). No such CRL is
/// RevocationStatusUnknown.
fn status(
    cert: &Parsed<'_>,
    issuer: &Parsed<'_>,
    crls: &[Crl],
    at: i64,
) -> Result<(), VerifyError> {
    let may_sign_crls = match issuer.key_usage {
        None => true,
        Some(bits) => bits.get(1).is_some_and(|b| b & 0x02 != 0),
    };
    if !may_sign_crls {
        return Err(VerifyError::RevocationStatusUnknown);
    }
    let mut known = false;
    for crl in crls.iter().filter(|c| {
        c.is_usable(at)
            && c.list.issuing_distribution_point().is_none()
            && c.issuer() == cert.issuer
            && crl_signed_by_key(c.der(), issuer.spki_alg, issuer.spki_key)
    }) {
        match crl.list.find_serial(cert.serial) {
            Ok(None) => known = true,
            Ok(Some(_)) => {
                return Err(VerifyError::Revoked {
                    serial: super::hex_upper(cert.serial),
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

// ---------------------------------------------------------------------------------------------
// Name constraints (OpenSSL v3_ncons.c semantics).

/// Outcome of matching one name against one subtree base.
enum Match {
    Yes,
    No,
    /// OpenSSL returns an error other than a permitted violation: the chain fails.
    Fail,
}

/// The names a certificate presents: (GeneralName tag, value).
fn presented_names<'a>(cert: &Parsed<'a>) -> Option<Vec<(u8, &'a [u8])>> {
    let mut names = Vec::new();
    if let Some(mut san) = cert.san {
        while !san.is_empty() {
            let (tag, contents, rest) = tlv(san)?;
            san = rest;
            if tag == GN_DIRECTORY {
                // [4] EXPLICIT Name: compare the RDN sequence, as for the subject.
                names.push((tag, expect(contents, SEQUENCE)?.0));
            } else {
                names.push((tag, contents));
            }
        }
    }
    if !cert.subject.is_empty() {
        names.push((GN_DIRECTORY, cert.subject));
        let mut rdns = cert.subject;
        while !rdns.is_empty() {
            let (set, rest) = expect(rdns, 0x31)?;
            rdns = rest;
            let mut atvs = set;
            while !atvs.is_empty() {
                let (atv, rest) = expect(atvs, SEQUENCE)?;
                atvs = rest;
                let (oid, value) = expect(atv, 0x06)?;
                let (_, text, _) = tlv(value)?;
                if oid == OID_EMAIL_ADDRESS {
                    names.push((GN_RFC822, text));
                }
            }
        }
    }
    Some(names)
}

/// OpenSSL `cn2dnsid` over every commonName of a subject: the CNs that look like host names
/// (ASCII letters, digits, `_`; internal `-` and `.`, no `..`, `.-`, `-.`; at least two labels),
/// after conversion to UTF-8. An embedded NUL fails (`X509_V_ERR_UNSUPPORTED_NAME_SYNTAX`).
fn cn_dns_ids(subject: &[u8]) -> Result<Vec<Vec<u8>>, VerifyError> {
    let malformed = || VerifyError::NameConstraints;
    let mut out = Vec::new();
    let mut rdns = subject;
    while !rdns.is_empty() {
        let (set, rest) = expect(rdns, 0x31).ok_or_else(malformed)?;
        rdns = rest;
        let mut atvs = set;
        while !atvs.is_empty() {
            let (atv, rest) = expect(atvs, SEQUENCE).ok_or_else(malformed)?;
            atvs = rest;
            let (oid, value) = expect(atv, 0x06).ok_or_else(malformed)?;
            if oid != OID_COMMON_NAME {
                continue;
            }
            let (tag, text, _) = tlv(value).ok_or_else(malformed)?;
            let mut utf8: Vec<u8> = match tag {
                // BMPString (UTF-16BE) and UniversalString (UTF-32BE).
                0x1e | 0x1c => {
                    let width = if tag == 0x1e { 2 } else { 4 };
                    let mut decoded = String::new();
                    for unit in text.chunks(width) {
                        let code = unit.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                        decoded.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    decoded.into_bytes()
                }
                _ => text.to_vec(),
            };
            while utf8.last() == Some(&0) {
                utf8.pop();
            }
            if utf8.contains(&0) {
                return Err(VerifyError::NameConstraints);
            }
            if looks_like_dns(&utf8) {
                out.push(utf8);
            }
        }
    }
    Ok(out)
}

/// The syntax test of OpenSSL `cn2dnsid`.
fn looks_like_dns(name: &[u8]) -> bool {
    let last = name.len().saturating_sub(1);
    let mut dns = false;
    for (i, &c) in name.iter().enumerate() {
        if c.is_ascii_alphanumeric() || c == b'_' {
            continue;
        }
        if i > 0 && i < last {
            if c == b'-' {
                continue;
            }
            let prev = name.get(i.saturating_sub(1)).copied();
            let next = name.get(i.saturating_add(1)).copied();
            if c == b'.' && next != Some(b'.') && prev != Some(b'-') && next != Some(b'-') {
                dns = true;
                continue;
            }
        }
        return false;
    }
    dns
}

/// OpenSSL `NAME_CONSTRAINTS_check_CN`, as `check_name_constraints` applies it to the leaf:
/// when the leaf has no SAN dNSName, each host-like CN must satisfy the dNSName subtrees of
/// every constraint in `constraints` (NameConstraints SEQUENCE contents of the certificates
/// above it).
pub(crate) fn check_cn_name_constraints(
    leaf_der: &[u8],
    constraints: &[&[u8]],
) -> Result<(), VerifyError> {
    if constraints.is_empty() {
        return Ok(());
    }
    // Unreadable with constraints present: fail closed.
    let leaf = Parsed::parse_root(leaf_der).ok_or(VerifyError::NameConstraints)?;
    let ids = cn_ids_if_no_san_dns(&leaf)?;
    if ids.is_empty() {
        return Ok(());
    }
    let names: Vec<(u8, &[u8])> = ids.iter().map(|id| (GN_DNS, id.as_slice())).collect();
    for nc in constraints {
        check_names(&names, nc)?;
    }
    Ok(())
}

/// The leaf's CN DNS ids, or none when its SAN has a dNSName.
fn cn_ids_if_no_san_dns(leaf: &Parsed<'_>) -> Result<Vec<Vec<u8>>, VerifyError> {
    let mut san = leaf.san.unwrap_or_default();
    while !san.is_empty() {
        let (tag, _, rest) = tlv(san).ok_or(VerifyError::NameConstraints)?;
        san = rest;
        if tag == GN_DNS {
            return Ok(Vec::new());
        }
    }
    cn_dns_ids(leaf.subject)
}

/// OpenSSL `NAME_CONSTRAINTS_check` of `cert` against `nc`; with `leaf_cn`, also
/// `NAME_CONSTRAINTS_check_CN`.
fn check_name_constraints(cert: &Parsed<'_>, nc: &[u8], leaf_cn: bool) -> Result<(), VerifyError> {
    let names = presented_names(cert).ok_or(VerifyError::NameConstraints)?;
    check_names(&names, nc)?;
    if leaf_cn {
        let ids = cn_ids_if_no_san_dns(cert)?;
        let names: Vec<(u8, &[u8])> = ids.iter().map(|id| (GN_DNS, id.as_slice())).collect();
        check_names(&names, nc)?;
    }
    Ok(())
}

/// `names` (GeneralName tag, value) against one NameConstraints (SEQUENCE contents).
fn check_names(names: &[(u8, &[u8])], nc: &[u8]) -> Result<(), VerifyError> {
    let mut permitted: Option<&[u8]> = None;
    let mut excluded: Option<&[u8]> = None;
    let mut rest = nc;
    while !rest.is_empty() {
        let (tag, contents, next) = tlv(rest).ok_or(VerifyError::NameConstraints)?;
        rest = next;
        match tag {
            0xa0 if permitted.is_none() && excluded.is_none() => permitted = Some(contents),
            0xa1 if excluded.is_none() => excluded = Some(contents),
            _ => return Err(VerifyError::NameConstraints),
        }
    }
    let permitted = bases(permitted).ok_or(VerifyError::NameConstraints)?;
    let excluded = bases(excluded).ok_or(VerifyError::NameConstraints)?;
    for &(tag, name) in names {
        if tag == GN_RFC822
            && (permitted.iter().chain(&excluded)).any(|(t, _)| *t == GN_RFC822)
            && !valid_email(name)
        {
            // OpenSSL would take the last '@'; an address with several is not a mailbox
            // (RFC 5280 §4.2.1.6), so fail closed.
            return Err(VerifyError::NameConstraints);
        }
        let mut any = false;
        let mut matched = false;
        for (_, base) in permitted.iter().filter(|(t, _)| *t == tag) {
            any = true;
            match match_single(tag, name, base, false) {
                Match::Yes => {
                    matched = true;
                    break;
                }
                Match::No => {}
                Match::Fail => return Err(VerifyError::NameConstraints),
            }
        }
        if any && !matched {
            return Err(VerifyError::NameConstraints);
        }
        // Excluded subtrees are matched at least as broadly as OpenSSL does: an absolute name
        // (trailing dot) is also compared without it.
        let absolute = match tag {
            GN_DNS | GN_RFC822 => name.strip_suffix(b".").filter(|n| !n.is_empty()),
            _ => None,
        };
        for (_, base) in excluded.iter().filter(|(t, _)| *t == tag) {
            if tag == GN_DNS
                && (wildcard_may_cover(name, base)
                    || absolute.is_some_and(|n| wildcard_may_cover(n, base)))
            {
                return Err(VerifyError::NameConstraints);
            }
            if let Some(n) = absolute
                && !matches!(match_single(tag, n, base, true), Match::No)
            {
                return Err(VerifyError::NameConstraints);
            }
            match match_single(tag, name, base, true) {
                Match::No => {}
                Match::Yes | Match::Fail => return Err(VerifyError::NameConstraints),
            }
        }
    }
    Ok(())
}

/// The (tag, base) of each GeneralSubtree; `None` if malformed or with minimum/maximum
/// (OpenSSL `X509_V_ERR_SUBTREE_MINMAX`).
fn bases(subtrees: Option<&[u8]>) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    let mut rest = subtrees.unwrap_or_default();
    while !rest.is_empty() {
        let (subtree, next) = expect(rest, SEQUENCE)?;
        rest = next;
        let (tag, base, extra) = tlv(subtree)?;
        if !extra.is_empty() {
            return None;
        }
        out.push((tag, base));
    }
    Some(out)
}

fn match_single(tag: u8, name: &[u8], base: &[u8], excluded: bool) -> Match {
    match tag {
        GN_DNS => nc_dns(name, base),
        GN_RFC822 => nc_email(name, base),
        GN_IP => nc_ip(name, base),
        GN_DIRECTORY if !excluded => nc_dn(name, base),
        _ => Match::Fail,
    }
}

/// `local@host` with exactly one `@` and both parts non-empty.
fn valid_email(name: &[u8]) -> bool {
    let mut parts = name.split(|b| *b == b'@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(host), None) if !local.is_empty() && !host.is_empty()
    )
}

/// Whether a wildcard SAN `*.rest` could stand for a name inside the excluded `base`
/// (webpki's stricter reading, CVE-2025-61727): `base` is `label.rest`, or `rest` lies in it.
fn wildcard_may_cover(name: &[u8], base: &[u8]) -> bool {
    let Some(rest) = name.strip_prefix(b"*.") else {
        return false;
    };
    if matches!(nc_dns(rest, base), Match::Yes) {
        return true;
    }
    let base = base.strip_prefix(b".").unwrap_or(base);
    let Some(split) = base.len().checked_sub(rest.len()) else {
        return false;
    };
    let (Some(label_dot), Some(tail)) = (base.get(..split), base.get(split..)) else {
        return false;
    };
    match label_dot.split_last() {
        Some((b'.', label)) => {
            !label.is_empty() && !label.contains(&b'.') && eq_ignore_case(tail, rest)
        }
        _ => false,
    }
}

fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// OpenSSL `nc_dns`.
fn nc_dns(dns: &[u8], base: &[u8]) -> Match {
    if base.is_empty() {
        return Match::Yes;
    }
    if dns.len() < base.len() {
        return Match::No;
    }
    let Some(start) = dns.len().checked_sub(base.len()) else {
        return Match::No;
    };
    let Some(tail) = dns.get(start..) else {
        return Match::No;
    };
    if start > 0 {
        let before = start.checked_sub(1).and_then(|i| dns.get(i));
        if base.first() != Some(&b'.') && before != Some(&b'.') {
            return Match::No;
        }
    }
    if eq_ignore_case(tail, base) {
        Match::Yes
    } else {
        Match::No
    }
}

/// OpenSSL `nc_email`.
fn nc_email(eml: &[u8], base: &[u8]) -> Match {
    let Some(eml_at) = eml.iter().rposition(|b| *b == b'@') else {
        return Match::Fail;
    };
    let base_at = base.iter().rposition(|b| *b == b'@');
    if base_at.is_none() && base.first() == Some(&b'.') {
        if eml.len() > base.len()
            && let Some(tail) = eml.get(eml.len().saturating_sub(base.len())..)
            && eq_ignore_case(tail, base)
        {
            return Match::Yes;
        }
        return Match::No;
    }
    let mut base_host = base;
    if let Some(at) = base_at {
        if at != 0 {
            let (Some(base_local), Some(eml_local)) = (base.get(..at), eml.get(..eml_at)) else {
                return Match::No;
            };
            if base_local.contains(&0) || eml_local.contains(&0) {
                return Match::Fail;
            }
            if base_local != eml_local {
                return Match::No;
            }
        }
        base_host = base.get(at.saturating_add(1)..).unwrap_or_default();
    }
    let eml_host = eml.get(eml_at.saturating_add(1)..).unwrap_or_default();
    if eq_ignore_case(base_host, eml_host) {
        Match::Yes
    } else {
        Match::No
    }
}

/// OpenSSL `nc_ip`.
fn nc_ip(ip: &[u8], base: &[u8]) -> Match {
    if (ip.len() != 4 && ip.len() != 16) || (base.len() != 8 && base.len() != 32) {
        return Match::Fail;
    }
    if ip.len().saturating_mul(2) != base.len() {
        return Match::No;
    }
    let Some((addr, mask)) = base.split_at_checked(ip.len()) else {
        return Match::Fail;
    };
    let ok = ip
        .iter()
        .zip(addr)
        .zip(mask)
        .all(|((h, b), m)| h & m == b & m);
    if ok { Match::Yes } else { Match::No }
}

/// Permitted directoryName: the base's RDNs are a byte-exact prefix of the subject's.
fn nc_dn(subject: &[u8], base: &[u8]) -> Match {
    // The base is a GeneralName [4] EXPLICIT Name: its contents are the Name SEQUENCE.
    let Some((base_rdns, rest)) = expect(base, SEQUENCE) else {
        return Match::Fail;
    };
    if !rest.is_empty() {
        return Match::Fail;
    }
    let mut name = subject;
    let mut base = base_rdns;
    while !base.is_empty() {
        let (Some(b), Some(n)) = (tlv_raw(base), tlv_raw(name)) else {
            return Match::No;
        };
        if b.raw != n.raw {
            return Match::No;
        }
        base = b.rest;
        name = n.rest;
    }
    Match::Yes
}
