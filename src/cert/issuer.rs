//! "Was this certificate issued by that one?": name chaining plus a real signature check, for
//! `validate-client-certificate`'s `issuer-thumbprint` and `issuer-certificate-id` identities.
//!
//! Matching an issuer by name alone would let anyone mint a certificate that names an uploaded
//! CA as its issuer, so the leaf's signature is verified with the candidate's public key.

use rustls_pki_types::CertificateDer;
use webpki::EndEntityCert;

use super::algorithms;
use super::certificate::Certificate;

/// One DER TLV: tag, whole encoding, contents, and what follows.
type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// Splits the first DER TLV off `input`.
fn tlv(input: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let (bytes, rest) = rest.split_at_checked(count)?;
        let len = bytes.iter().try_fold(0usize, |acc, b| {
            acc.checked_mul(256)?.checked_add(usize::from(*b))
        })?;
        (len, rest)
    };
    let header = input.len().checked_sub(rest.len())?;
    let (contents, after) = rest.split_at_checked(len)?;
    let whole = input.get(..header.checked_add(len)?)?;
    Some((tag, whole, contents, after))
}

/// `(tbsCertificate encoding, signatureAlgorithm contents, signature bytes)` of a certificate.
fn signed_parts(der: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let (0x30, _, body, _) = tlv(der)? else {
        return None;
    };
    let (0x30, tbs, _, rest) = tlv(body)? else {
        return None;
    };
    let (0x30, _, algorithm, rest) = tlv(rest)? else {
        return None;
    };
    let (0x03, _, bits, _) = tlv(rest)? else {
        return None;
    };
    let (&0, signature) = bits.split_first()? else {
        return None;
    };
    Some((tbs, algorithm, signature))
}

/// Whether `subject_der`'s signature verifies with the public key of `issuer_der`.
pub fn signature_verifies(subject_der: &[u8], issuer_der: &[u8]) -> bool {
    let Some((tbs, algorithm, signature)) = signed_parts(subject_der) else {
        return false;
    };
    let issuer = CertificateDer::from(issuer_der);
    let Ok(issuer) = EndEntityCert::try_from(&issuer) else {
        return false;
    };
    algorithms::ALL
        .iter()
        .filter(|alg| alg.signature_alg_id().as_ref() == algorithm)
        .any(|alg| issuer.verify_signature(*alg, tbs, signature).is_ok())
}

/// Whether `issuer` issued `subject`: the subject's issuer name equals the issuer's subject name
/// (byte for byte, as chain building matches them) and the signature verifies.
pub fn is_issued_by(subject: &Certificate, issuer: &Certificate) -> bool {
    subject.issuer_name_der() == issuer.subject_name_der()
        && signature_verifies(subject.der(), issuer.der())
}
