//! The three documented client-certificate policies (spec seed article), in every quoting form,
//! against every certificate of the test PKI, through the library API.

mod common;

use apim_policy::policy::Policy;
use apim_policy::runtime::Outcome;
use common::*;

const POLICIES: [&str; 3] = ["issuer-subject", "thumbprint", "deployment-certificates"];
const FORMS: [&str; 4] = ["xml", "quot.xml", "single-quoted.xml", "amp.xml"];

/// What the gateway answers: forwarded, or the policy's 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Forwarded,
    Forbidden,
}
use Expect::*;

/// One request scenario.
struct Case {
    what: &'static str,
    client: Option<&'static str>,
    with_crls: bool,
    /// Fill the placeholders ("trusted-issuer", the thumbprint) with the good certificate's values.
    fill: bool,
    /// Use `VerifyNoRevocation()` instead of `Verify()`.
    no_revocation: bool,
    /// Upload the presented certificate to `Deployment.Certificates`.
    uploaded: bool,
    /// Upload the self-signed certificate as a trusted root.
    self_signed_root: bool,
    /// Write the thumbprint in lower case.
    lowercase_thumbprint: bool,
    /// Whether the certificate passes the policy's `Verify()` / `VerifyNoRevocation()` call.
    expect: Expect,
}

const BASE: Case = Case {
    what: "",
    client: Some("good"),
    with_crls: true,
    fill: true,
    no_revocation: false,
    uploaded: true,
    self_signed_root: false,
    lowercase_thumbprint: false,
    expect: Forbidden,
};

fn cases() -> Vec<Case> {
    vec![
        Case {
            what: "no certificate",
            client: None,
            ..BASE
        },
        Case {
            what: "good chain with CRLs",
            expect: Forwarded,
            ..BASE
        },
        Case {
            what: "good chain without CRLs, Verify()",
            with_crls: false,
            ..BASE
        },
        Case {
            what: "good chain without CRLs, VerifyNoRevocation()",
            with_crls: false,
            no_revocation: true,
            expect: Forwarded,
            ..BASE
        },
        Case {
            what: "expired",
            client: Some("expired"),
            ..BASE
        },
        Case {
            what: "not yet valid",
            client: Some("not-yet-valid"),
            ..BASE
        },
        Case {
            what: "revoked",
            client: Some("revoked"),
            ..BASE
        },
        Case {
            what: "revoked, VerifyNoRevocation()",
            client: Some("revoked"),
            no_revocation: true,
            expect: Forwarded,
            ..BASE
        },
        Case {
            what: "EKU serverAuth only (Verify() checks no EKU)",
            client: Some("server-auth-only"),
            expect: Forwarded,
            ..BASE
        },
        Case {
            what: "untrusted chain with identical names",
            client: Some("untrusted-good"),
            ..BASE
        },
        Case {
            what: "untrusted chain with identical names, VerifyNoRevocation()",
            client: Some("untrusted-good"),
            no_revocation: true,
            ..BASE
        },
        Case {
            what: "self-signed, not uploaded as a root",
            client: Some("self-signed"),
            ..BASE
        },
        Case {
            what: "self-signed, uploaded as a root",
            client: Some("self-signed"),
            self_signed_root: true,
            expect: Forwarded,
            ..BASE
        },
        Case {
            what: "placeholders left as documented",
            fill: false,
            expect: Forwarded,
            ..BASE
        },
        Case {
            what: "thumbprint written in lower case",
            lowercase_thumbprint: true,
            expect: Forwarded,
            ..BASE
        },
        Case {
            what: "certificate not uploaded",
            uploaded: false,
            expect: Forwarded,
            ..BASE
        },
    ]
}

/// What each policy should answer for a case. `case.expect` says whether the certificate
/// passes `Verify()`/`VerifyNoRevocation()`; each policy then adds its own comparison, made with
/// the good certificate's values.
fn expected(policy: &str, case: &Case) -> Expect {
    if case.expect == Forbidden {
        return Forbidden;
    }
    let same_names_as_good = matches!(case.client, Some("good" | "untrusted-good"));
    let identity = match policy {
        // Issuer and SubjectName.Name compared ordinally; placeholders never match.
        "issuer-subject" => case.fill && same_names_as_good,
        // Thumbprint compared ordinally: only the good certificate, in upper case.
        "thumbprint" => case.fill && !case.lowercase_thumbprint && case.client == Some("good"),
        // The presented certificate must be among Deployment.Certificates.
        _ => case.uploaded,
    };
    if identity { Forwarded } else { Forbidden }
}

fn policy_source(policy: &str, form: &str, case: &Case) -> String {
    let good = cert("good");
    let mut text = policy_text(&format!("{policy}.{form}"));
    if case.fill {
        text = text
            .replace("trusted-issuer", good.issuer())
            .replace("expected-subject-name", good.subject());
        let thumbprint = if case.lowercase_thumbprint {
            good.thumbprint().to_lowercase()
        } else {
            good.thumbprint().to_owned()
        };
        text = text.replace("DESIRED-THUMBPRINT-IN-UPPER-CASE", &thumbprint);
    }
    if case.no_revocation {
        text = text.replace(".Verify()", ".VerifyNoRevocation()");
    }
    text
}

fn deployment(case: &Case) -> apim_policy::context::Deployment {
    let mut builder = main_chain(case.with_crls);
    if case.self_signed_root {
        builder = builder.root(cert("self-signed"));
    }
    if case.uploaded {
        if let Some(client) = case.client {
            builder = builder.certificate("presented", cert(client));
        }
        builder = builder.certificate("other", cert("rsa-sha384"));
    } else {
        builder = builder.certificate("other", cert("rsa-sha384"));
    }
    builder.build().unwrap()
}

fn run(policy: &Policy, case: &Case) -> Expect {
    let mut context = context(deployment(case), case.client);
    match policy.evaluate(&mut context) {
        Outcome::Forwarded => Forwarded,
        Outcome::Returned { response } => {
            assert_eq!(response.status_code, 403);
            assert_eq!(response.status_reason, "Invalid client certificate");
            assert!(response.body.is_none() && response.headers.is_empty());
            Forbidden
        }
        Outcome::Error { error, .. } => panic!("unexpected error outcome: {error:?}"),
    }
}

#[test]
fn every_seed_policy_in_every_form_gives_the_gateway_answer() {
    let mut checked = 0;
    for policy in POLICIES {
        for form in FORMS {
            for case in cases() {
                let text = policy_source(policy, form, &case);
                let loaded = Policy::load(&text).unwrap_or_else(|e| {
                    panic!("{policy}.{form} ({}) failed to load:\n{e}", case.what)
                });
                let got = run(&loaded, &case);
                let want = expected(policy, &case);
                assert_eq!(got, want, "{policy}.{form}: {}", case.what);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, POLICIES.len() * FORMS.len() * cases().len());
}

#[test]
fn the_documented_policies_load_verbatim() {
    for policy in POLICIES {
        for form in FORMS {
            let name = format!("{policy}.{form}");
            Policy::load(&policy_text(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn the_forms_compile_to_the_same_conditions() {
    // Raw, &quot; and single-quoted forms hold the very same expression text.
    for policy in POLICIES {
        let conditions: Vec<String> = ["xml", "quot.xml", "single-quoted.xml"]
            .iter()
            .map(|form| {
                let loaded = Policy::load(&policy_text(&format!("{policy}.{form}"))).unwrap();
                match &loaded.section(apim_policy::policy::Section::Inbound)[1] {
                    apim_policy::policy::Statement::Choose { branches, .. } => {
                        match &branches[0].condition {
                            apim_policy::policy::Condition::Expression(e) => e.source().to_owned(),
                            other => panic!("{other:?}"),
                        }
                    }
                    other => panic!("{other:?}"),
                }
            })
            .collect();
        assert_eq!(conditions[0], conditions[1], "{policy}");
        assert_eq!(conditions[0], conditions[2], "{policy}");
        assert!(conditions[0].starts_with("@(context.Request.Certificate == null"));
    }
}
