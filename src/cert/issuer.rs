//! "Was this certificate issued by that one?": name chaining plus a real signature check, for
//! `validate-client-certificate`'s `issuer-thumbprint` and `issuer-certificate-id` identities.
//!
//! Matching an issuer by name alone would let anyone mint a certificate that names an uploaded
//! CA as its issuer, so the subject's signature is verified with the candidate's public key
//! (the verifier's own parser and algorithms, `verify::signed_by`).

use super::certificate::Certificate;
use super::verify::signed_by;

/// Whether `issuer` issued `subject`: the subject's issuer name equals the issuer's subject name
/// (byte for byte, as chain building matches them) and the signature verifies.
pub fn is_issued_by(subject: &Certificate, issuer: &Certificate) -> bool {
    subject.issuer_name_der() == issuer.subject_name_der() && signed_by(subject.der(), issuer.der())
}
