//! `validate-client-certificate`: the checks in the order the gateway makes them, and identity
//! matching. Fails closed: anything that cannot be shown to match does not match.
//!
//! Order (spec `apim-policies.md` §3.4, observed on gateways): certificate present; validity
//! dates (`validate-not-after`, then `validate-not-before`); chain trust (`validate-trust`);
//! revocation (`validate-revocation`); identities (AND within one identity, OR across them).

use crate::cert::certificate::Certificate;
use crate::cert::issuer::is_issued_by;
use crate::cert::verify::{RevocationMode, VerifyError};
use crate::context::Context;
use crate::policy::{CertificateIdentity, ValidateClientCertificate};

/// Why the client certificate was refused: `context.LastError.Reason` and `.Message`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub reason: &'static str,
    pub message: &'static str,
}

const NOT_FOUND: Refusal = Refusal {
    reason: "ClientCertificateNotFound",
    message: "Client certificate missing.",
};
const EXPIRED: Refusal = Refusal {
    reason: "ClientCertificateExpired",
    message: "Client certificate has expired.",
};
const NOT_YET_VALID: Refusal = Refusal {
    reason: "ClientCertificateNotYetValid",
    message: "Client certificate is not yet valid.",
};
const NOT_TRUSTED: Refusal = Refusal {
    reason: "ClientCertificateNotTrusted",
    message: "A certificate chain could not be built to a trusted root authority.",
};
const REVOKED: Refusal = Refusal {
    reason: "ClientCertificateRevoked",
    message: "A certificate was explicitly revoked by its issuer.",
};
const REVOCATION_UNKNOWN: Refusal = Refusal {
    reason: "ClientCertificateNotTrusted",
    message: "The revocation function was unable to check revocation for the certificate.",
};
const IDENTITY_NOT_MATCHED: Refusal = Refusal {
    reason: "ClientCertificateIdentityNotMatched",
    message: "Certificate does not match any of allowed identities.",
};

/// Runs the policy's checks against the request's client certificate.
pub(crate) fn validate(
    policy: &ValidateClientCertificate,
    context: &Context,
) -> Result<(), Refusal> {
    let Some(certificate) = context.request().certificate.as_deref() else {
        return Err(NOT_FOUND);
    };
    let now = context.time().unix_seconds();
    if policy.validate_not_after && now > certificate.not_after() {
        return Err(EXPIRED);
    }
    if policy.validate_not_before && now < certificate.not_before() {
        return Err(NOT_YET_VALID);
    }
    if policy.validate_trust || policy.validate_revocation {
        // Dates the policy does not check must not fail the chain: build it at a time inside
        // the certificate's validity period instead.
        let at = now.clamp(
            certificate.not_before(),
            certificate.not_after().max(certificate.not_before()),
        );
        let mode = if policy.validate_revocation {
            RevocationMode::Online
        } else {
            RevocationMode::NoCheck
        };
        let result = context.deployment().verify(
            certificate,
            crate::context::EvaluationTime::from_unix_seconds(at),
            mode,
        );
        match result {
            Ok(()) => {}
            Err(VerifyError::Revoked { .. }) if policy.validate_revocation => return Err(REVOKED),
            Err(VerifyError::RevocationStatusUnknown) if policy.validate_trust => {
                return Err(REVOCATION_UNKNOWN);
            }
            Err(_) if policy.validate_trust => return Err(NOT_TRUSTED),
            // validate-trust="false": only a definite revocation fails.
            Err(_) => {}
        }
    }
    if policy.identities.is_empty()
        || policy
            .identities
            .iter()
            .any(|identity| matches(identity, certificate, context))
    {
        Ok(())
    } else {
        Err(IDENTITY_NOT_MATCHED)
    }
}

/// Hex as written in a policy: separators dropped, upper case.
fn normalize_hex(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-' | '\u{200e}' | '\u{200f}'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn same_serial(written: &str, actual: &str) -> bool {
    let written = normalize_hex(written);
    let actual = normalize_hex(actual);
    written.trim_start_matches('0') == actual.trim_start_matches('0')
}

fn matches(identity: &CertificateIdentity, certificate: &Certificate, context: &Context) -> bool {
    if let Some(t) = &identity.thumbprint
        && normalize_hex(t) != certificate.thumbprint()
    {
        return false;
    }
    if let Some(s) = &identity.serial_number
        && !same_serial(s, certificate.serial_number())
    {
        return false;
    }
    if let Some(cn) = &identity.common_name
        && !certificate
            .common_names()
            .iter()
            .any(|c| c.eq_ignore_ascii_case(cn))
    {
        return false;
    }
    if let Some(dn) = &identity.subject
        && !certificate.subject_dn().is_some_and(|s| s.equivalent(dn))
    {
        return false;
    }
    if let Some(dns) = &identity.dns_name
        && !certificate
            .dns_names()
            .iter()
            .any(|d| d.eq_ignore_ascii_case(dns))
    {
        return false;
    }
    if let Some(dn) = &identity.issuer_subject
        && !certificate.issuer_dn().is_some_and(|s| s.equivalent(dn))
    {
        return false;
    }
    let deployment = context.deployment();
    if let Some(t) = &identity.issuer_thumbprint {
        let wanted = normalize_hex(t);
        let issued = deployment
            .ca_certificates()
            .iter()
            .chain(deployment.certificates().iter().map(|c| &c.certificate))
            .any(|ca| ca.thumbprint() == wanted && is_issued_by(certificate, ca));
        if !issued {
            return false;
        }
    }
    if let Some(id) = &identity.issuer_certificate_id {
        let issued = deployment
            .certificates()
            .iter()
            .find(|c| &*c.id == id.as_str())
            .is_some_and(|c| is_issued_by(certificate, &c.certificate));
        if !issued {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_compared_without_separators_case_or_leading_zeros() {
        assert_eq!(normalize_hex("ab:cd ef"), "ABCDEF");
        assert!(same_serial("00c0ffee", "C0FFEE"));
        assert!(same_serial("c0:ff:ee", "00C0FFEE"));
        assert!(!same_serial("c0ffef", "00C0FFEE"));
    }
}
