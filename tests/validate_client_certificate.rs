//! `validate-client-certificate`: every attribute alone and combined, several identities, every
//! failure reason, `ignore-error`, load-time checks, and the documented example verbatim.

mod common;

use std::sync::Arc;

use apim_policy::cert::certificate::Certificate;
use apim_policy::context::{Context, Deployment, EvaluationTime};
use apim_policy::policy::Policy;
use apim_policy::runtime::Outcome;
use common::*;

/// What the policy should do: pass, or fail with this `LastError.Reason`.
type Expect = Result<(), &'static str>;
const PASS: Expect = Ok(());
const NOT_FOUND: Expect = Err("ClientCertificateNotFound");
const EXPIRED: Expect = Err("ClientCertificateExpired");
const NOT_YET_VALID: Expect = Err("ClientCertificateNotYetValid");
const NOT_TRUSTED: Expect = Err("ClientCertificateNotTrusted");
const REVOKED: Expect = Err("ClientCertificateRevoked");
const NOT_MATCHED: Expect = Err("ClientCertificateIdentityNotMatched");

fn policy(attributes: &str, identities: &[&str]) -> Policy {
    let identities = if identities.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = identities
            .iter()
            .map(|i| format!("<identity {i} />"))
            .collect();
        format!("<identities>{}</identities>", list.join(""))
    };
    let text = format!(
        "<policies><inbound><validate-client-certificate {attributes}>{identities}</validate-client-certificate></inbound></policies>"
    );
    Policy::load(&text).unwrap_or_else(|e| panic!("{text}\n{e}"))
}

fn contoso(name: &str) -> Arc<Certificate> {
    let bytes = std::fs::read(data("dotnet-x500/certs").join(name)).unwrap();
    Arc::new(Certificate::load(&bytes).unwrap().remove(0))
}

/// The deployments the cases run against.
#[derive(Clone, Copy)]
enum Setup {
    /// The main chain with its CRLs; the intermediate uploaded as certificate "issuer", the
    /// root as "root".
    Main,
    /// The main chain without CRLs.
    MainNoCrls,
    /// The Contoso CA of dotnet-x509.md §7 (its leaf has SAN entries), no CRLs.
    Contoso,
}

fn deployment(setup: Setup) -> Deployment {
    match setup {
        Setup::Main | Setup::MainNoCrls => main_chain(matches!(setup, Setup::Main))
            .certificate("issuer", cert("intermediate"))
            .certificate("root", cert("root"))
            .build()
            .unwrap(),
        Setup::Contoso => Deployment::builder()
            .root(contoso("contoso_ca.pem"))
            .build()
            .unwrap(),
    }
}

fn run(policy: &Policy, setup: Setup, client: Option<Arc<Certificate>>) -> Expect {
    let mut context = Context::new(Arc::new(deployment(setup)))
        .with_client_certificate(client)
        .at(EvaluationTime::from_unix_seconds(AT));
    match policy.evaluate(&mut context) {
        Outcome::Forwarded => Ok(()),
        Outcome::Error { status, error, .. } => {
            assert_eq!(status, 401, "{error:?}");
            assert_eq!(error.source, "validate-client-certificate");
            assert_eq!(error.section.as_deref(), Some("inbound"));
            assert!(!error.message.is_empty());
            let reason = error.reason.unwrap();
            Err(Box::leak(reason.into_boxed_str()))
        }
        other => panic!("{other:?}"),
    }
}

const GOOD_SUBJECT: &str = "CN=good.client.test, O=apim-policy tests, C=US";
const INTERMEDIATE_SUBJECT: &str = "CN=APIM Test Intermediate CA, O=apim-policy tests, C=US";

#[test]
fn top_level_checks() {
    let no_revocation = r#"validate-revocation="false""#;
    let cases: &[(&str, &str, Setup, Option<&str>, Expect)] = &[
        ("no certificate", "", Setup::Main, None, NOT_FOUND),
        ("defaults, good chain", "", Setup::Main, Some("good"), PASS),
        ("expired", "", Setup::Main, Some("expired"), EXPIRED),
        (
            "not yet valid",
            "",
            Setup::Main,
            Some("not-yet-valid"),
            NOT_YET_VALID,
        ),
        ("revoked", "", Setup::Main, Some("revoked"), REVOKED),
        (
            "revoked, revocation not checked",
            no_revocation,
            Setup::Main,
            Some("revoked"),
            PASS,
        ),
        (
            "no CRLs: revocation unknown",
            "",
            Setup::MainNoCrls,
            Some("good"),
            NOT_TRUSTED,
        ),
        (
            "no CRLs, revocation not checked",
            no_revocation,
            Setup::MainNoCrls,
            Some("good"),
            PASS,
        ),
        (
            "untrusted chain, identical names",
            "",
            Setup::Main,
            Some("untrusted-good"),
            NOT_TRUSTED,
        ),
        (
            "untrusted chain, trust not checked",
            r#"validate-trust="false" validate-revocation="false""#,
            Setup::Main,
            Some("untrusted-good"),
            PASS,
        ),
        (
            "revoked, trust not checked, revocation checked",
            r#"validate-trust="false""#,
            Setup::Main,
            Some("revoked"),
            REVOKED,
        ),
        (
            "self-signed",
            "",
            Setup::Main,
            Some("self-signed"),
            NOT_TRUSTED,
        ),
        (
            "EKU serverAuth only",
            "",
            Setup::Main,
            Some("server-auth-only"),
            PASS,
        ),
        (
            "expired, trust not checked, dates checked",
            r#"validate-trust="false" validate-revocation="false""#,
            Setup::Main,
            Some("expired"),
            EXPIRED,
        ),
        (
            "expired, nothing checked",
            r#"validate-trust="false" validate-revocation="false" validate-not-after="false""#,
            Setup::Main,
            Some("expired"),
            PASS,
        ),
        (
            "not yet valid, not-after unchecked still checks not-before",
            r#"validate-not-after="false""#,
            Setup::Main,
            Some("not-yet-valid"),
            NOT_YET_VALID,
        ),
        (
            "not yet valid, nothing checked",
            r#"validate-trust="false" validate-revocation="false" validate-not-before="false""#,
            Setup::Main,
            Some("not-yet-valid"),
            PASS,
        ),
        (
            "expired, ignore-error",
            r#"ignore-error="true""#,
            Setup::Main,
            Some("expired"),
            PASS,
        ),
        (
            "no certificate, ignore-error",
            r#"ignore-error="true""#,
            Setup::Main,
            None,
            PASS,
        ),
    ];
    for (what, attributes, setup, client, expect) in cases {
        let got = run(&policy(attributes, &[]), *setup, client.map(cert));
        assert_eq!(got, *expect, "{what}");
    }
}

#[test]
fn identities() {
    let good = cert("good");
    let thumbprint = good.thumbprint().to_owned();
    let intermediate = cert("intermediate").thumbprint().to_owned();
    let root = cert("root").thumbprint().to_owned();
    let colons: String = thumbprint
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap().to_lowercase())
        .collect::<Vec<_>>()
        .join(":");
    let quote = |name: &str, value: &str| format!("{name}=\"{value}\"");
    let cases: Vec<(&str, Vec<String>, Expect)> = vec![
        ("thumbprint", vec![quote("thumbprint", &thumbprint)], PASS),
        (
            "thumbprint, lower case with colons",
            vec![quote("thumbprint", &colons)],
            PASS,
        ),
        (
            "thumbprint of another certificate",
            vec![quote("thumbprint", &root)],
            NOT_MATCHED,
        ),
        ("serial number", vec![quote("serial-number", "2000")], PASS),
        (
            "serial number with padding and colons",
            vec![quote("serial-number", "00:20:00")],
            PASS,
        ),
        (
            "wrong serial number",
            vec![quote("serial-number", "2001")],
            NOT_MATCHED,
        ),
        (
            "common name",
            vec![quote("common-name", "good.client.test")],
            PASS,
        ),
        (
            "common name, other case",
            vec![quote("common-name", "Good.Client.Test")],
            PASS,
        ),
        (
            "wrong common name",
            vec![quote("common-name", "expired.client.test")],
            NOT_MATCHED,
        ),
        (
            "subject in DER order",
            vec![quote("subject", GOOD_SUBJECT)],
            PASS,
        ),
        (
            "subject as .NET prints it",
            vec![quote("subject", good.subject())],
            PASS,
        ),
        (
            "wrong subject",
            vec![quote("subject", "CN=good.client.test, O=other, C=US")],
            NOT_MATCHED,
        ),
        (
            "issuer subject",
            vec![quote("issuer-subject", INTERMEDIATE_SUBJECT)],
            PASS,
        ),
        (
            "issuer subject of the root",
            vec![quote(
                "issuer-subject",
                "CN=APIM Test Root CA, O=apim-policy tests, C=US",
            )],
            NOT_MATCHED,
        ),
        (
            "issuer thumbprint",
            vec![quote("issuer-thumbprint", &intermediate)],
            PASS,
        ),
        (
            "issuer thumbprint of the root",
            vec![quote("issuer-thumbprint", &root)],
            NOT_MATCHED,
        ),
        (
            "issuer certificate id",
            vec![quote("issuer-certificate-id", "issuer")],
            PASS,
        ),
        (
            "issuer certificate id of the root",
            vec![quote("issuer-certificate-id", "root")],
            NOT_MATCHED,
        ),
        (
            "unknown issuer certificate id",
            vec![quote("issuer-certificate-id", "nope")],
            NOT_MATCHED,
        ),
        (
            "all claims of one identity",
            vec![format!(
                "{} {} {} {} {} {}",
                quote("thumbprint", &thumbprint),
                quote("serial-number", "2000"),
                quote("common-name", "good.client.test"),
                quote("subject", GOOD_SUBJECT),
                quote("issuer-subject", INTERMEDIATE_SUBJECT),
                quote("issuer-thumbprint", &intermediate)
            )],
            PASS,
        ),
        (
            "one claim of the identity fails",
            vec![format!(
                "{} {}",
                quote("thumbprint", &thumbprint),
                quote("common-name", "other")
            )],
            NOT_MATCHED,
        ),
        (
            "the second identity matches",
            vec![
                quote("thumbprint", &root),
                quote("common-name", "good.client.test"),
            ],
            PASS,
        ),
        (
            "no identity matches",
            vec![
                quote("thumbprint", &root),
                quote("common-name", "other"),
                quote("serial-number", "1"),
            ],
            NOT_MATCHED,
        ),
    ];
    for (what, identities, expect) in cases {
        let identities: Vec<&str> = identities.iter().map(String::as_str).collect();
        let got = run(
            &policy("", &identities),
            Setup::Main,
            Some(Arc::clone(&good)),
        );
        assert_eq!(got, expect, "{what}");
    }
}

#[test]
fn issuer_claims_need_the_real_signature() {
    // The untrusted leaf names the trusted intermediate as its issuer, byte for byte, but was
    // signed by another key: with trust not checked, the issuer claims must still not match.
    let intermediate = cert("intermediate").thumbprint().to_owned();
    let unchecked = r#"validate-trust="false" validate-revocation="false""#;
    for identity in [
        format!("issuer-thumbprint=\"{intermediate}\""),
        "issuer-certificate-id=\"issuer\"".to_owned(),
    ] {
        let got = run(
            &policy(unchecked, &[&identity]),
            Setup::Main,
            Some(cert("untrusted-good")),
        );
        assert_eq!(got, NOT_MATCHED, "{identity}");
        // The issuer-subject claim is only a name, and matches.
        let got = run(
            &policy(
                unchecked,
                &[&format!("issuer-subject=\"{INTERMEDIATE_SUBJECT}\"")],
            ),
            Setup::Main,
            Some(cert("untrusted-good")),
        );
        assert_eq!(got, PASS);
    }
}

#[test]
fn dns_name_claims_read_the_subject_alternative_name() {
    let leaf = contoso("contoso_leaf.pem");
    let unchecked = r#"validate-revocation="false""#;
    let cases = [
        ("dns-name=\"client.contoso.com\"", PASS),
        ("dns-name=\"CLIENT.contoso.com\"", PASS),
        ("dns-name=\"other.contoso.com\"", NOT_MATCHED),
        (
            "common-name=\"client.contoso.com\" dns-name=\"client.contoso.com\"",
            PASS,
        ),
        // The quoted O value of the §7 leaf, written as the docs ask.
        (
            "subject='E=alice@contoso.com, CN=client.contoso.com, OU=Eng, O=\"Contoso, Inc.\", L=Redmond, S=Washington, C=US'",
            PASS,
        ),
        (
            "subject='C=US, ST=Washington, L=Redmond, O=\"Contoso, Inc.\", OU=Eng, CN=client.contoso.com, E=alice@contoso.com'",
            PASS,
        ),
        ("issuer-subject=\"C=US, O=Contoso, CN=Contoso CA\"", PASS),
    ];
    for (identity, expect) in cases {
        let got = run(
            &policy(unchecked, &[identity]),
            Setup::Contoso,
            Some(Arc::clone(&leaf)),
        );
        assert_eq!(got, expect, "{identity}");
    }
}

#[test]
fn the_documented_example_loads_verbatim() {
    let text = r#"<policies>
    <inbound>
        <validate-client-certificate 
    validate-revocation="true" 
    validate-trust="true" 
    validate-not-before="true" 
    validate-not-after="true" 
    ignore-error="false">
    <identities>
        <identity
            subject="C=US, ST=Illinois, L=Chicago, O="Contoso, Inc.", CN=*.contoso.com"
            issuer-subject="C=BE, O=FabrikamSign nv-sa, OU=Root CA, CN=FabrikamSign Root CA" />
    </identities>
</validate-client-certificate> 
    </inbound>
</policies>"#;
    let policy = Policy::load(text).unwrap();
    // A valid certificate that is not the documented identity.
    assert_eq!(run(&policy, Setup::Main, Some(cert("good"))), NOT_MATCHED);
    assert_eq!(run(&policy, Setup::Main, None), NOT_FOUND);
}

#[test]
fn on_error_sees_the_failure() {
    let text = r#"<policies><inbound><validate-client-certificate /></inbound>
        <on-error><return-response><set-status code="418" reason="Teapot" /></return-response></on-error></policies>"#;
    let policy = Policy::load(text).unwrap();
    let mut context =
        Context::new(Arc::new(deployment(Setup::Main))).at(EvaluationTime::from_unix_seconds(AT));
    match policy.evaluate(&mut context) {
        Outcome::Returned { response } => {
            assert_eq!(response.status_code, 418);
            let error = context.last_error().unwrap();
            assert_eq!(error.reason.as_deref(), Some("ClientCertificateNotFound"));
            assert_eq!(
                error.path.as_deref(),
                Some("validate-client-certificate[1]")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn load_time_checks() {
    let cases = [
        (
            r#"<validate-client-certificate validate-trust="maybe" />"#,
            "must be true or false",
        ),
        (
            r#"<validate-client-certificate validate-trust="@(true)" />"#,
            "not allowed",
        ),
        (
            r#"<validate-client-certificate colour="red" />"#,
            "no attribute",
        ),
        (
            r#"<validate-client-certificate><identities><identity /></identities></validate-client-certificate>"#,
            "at least one claim",
        ),
        (
            r#"<validate-client-certificate><identities><identity thumbprint="@(x)" /></identities></validate-client-certificate>"#,
            "not allowed",
        ),
        (
            r#"<validate-client-certificate><identities><identity shoe-size="9" /></identities></validate-client-certificate>"#,
            "no attribute",
        ),
        (
            r#"<validate-client-certificate><identities><identity issuer-certificate-id="a" issuer-thumbprint="AB" /></identities></validate-client-certificate>"#,
            "mutually exclusive",
        ),
        (
            r#"<validate-client-certificate><identities><identity subject="CN" /></identities></validate-client-certificate>"#,
            "distinguished name",
        ),
        (
            r#"<validate-client-certificate><whatever /></validate-client-certificate>"#,
            "only <identities>",
        ),
    ];
    for (element, message) in cases {
        let text = format!("<policies><inbound>{element}</inbound></policies>");
        let errors = Policy::load(&text).unwrap_err();
        assert!(
            errors.errors.iter().any(|e| e.message.contains(message)),
            "{element}: {errors}"
        );
    }
    let eleven = "<identity common-name=\"x\" />".repeat(11);
    let text = format!(
        "<policies><inbound><validate-client-certificate><identities>{eleven}</identities></validate-client-certificate></inbound></policies>"
    );
    assert!(
        Policy::load(&text)
            .unwrap_err()
            .to_string()
            .contains("at most 10")
    );
    let text = "<policies><outbound><validate-client-certificate /></outbound></policies>";
    let errors = Policy::load(text).unwrap_err().to_string();
    assert!(
        errors.contains("not allowed in the outbound section"),
        "{errors}"
    );
}
