//! The command line as scripts use it: `check` and `eval` on the seed policies and the test PKI,
//! JSON on stdout, `FILE:LINE:COL: message` on stderr, and the documented exit codes.

mod common;

use std::process::{Command, Output};

use common::*;
use serde_json::{Value, json};

fn apim_policy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apim-policy"))
        .args(args)
        .output()
        .unwrap()
}

fn path(p: std::path::PathBuf) -> String {
    p.to_string_lossy().into_owned()
}

/// Runs `eval` with the main chain uploaded and returns (exit code, JSON).
fn eval(policy: &str, client: Option<&str>, with_crls: bool, uploaded: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "eval".to_owned(),
        path(data("policies").join(policy)),
        "--ca-cert".to_owned(),
        path(pki("root.pem")),
        "--intermediate".to_owned(),
        path(pki("intermediate.der")),
        "--at".to_owned(),
        AT_RFC3339.to_owned(),
    ];
    if with_crls {
        for crl in ["root.crl", "intermediate.crl.pem"] {
            args.push("--crl".to_owned());
            args.push(path(pki(crl)));
        }
    }
    if let Some(client) = client {
        args.push("--client-cert".to_owned());
        args.push(path(pki(&format!("{client}.pem"))));
    }
    for (i, id) in uploaded.iter().enumerate() {
        args.push("--deployment-cert".to_owned());
        args.push(format!("cert-{i}={}", path(pki(&format!("{id}.pem")))));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = apim_policy(&args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (out.status.code().unwrap(), json)
}

fn forbidden() -> Value {
    json!({"outcome":"returned","status":403,"reason":"Invalid client certificate","headers":{},"body":null})
}

fn forwarded() -> Value {
    json!({"outcome":"forwarded"})
}

#[test]
fn eval_runs_the_deployment_certificates_policy() {
    let policy = "deployment-certificates.xml";
    let cases: &[(Option<&str>, bool, &[&str], Value)] = &[
        (None, true, &["good"], forbidden()),
        (Some("good"), true, &["good"], forwarded()),
        (Some("good"), true, &["rsa-sha384"], forbidden()),
        (Some("good"), false, &["good"], forbidden()),
        (Some("expired"), true, &["expired"], forbidden()),
        (Some("not-yet-valid"), true, &["not-yet-valid"], forbidden()),
        (Some("revoked"), true, &["revoked"], forbidden()),
        (
            Some("untrusted-good"),
            true,
            &["untrusted-good"],
            forbidden(),
        ),
        (Some("self-signed"), true, &["self-signed"], forbidden()),
    ];
    for (client, with_crls, uploaded, want) in cases {
        let (code, got) = eval(policy, *client, *with_crls, uploaded);
        assert_eq!(code, 0, "{client:?}");
        assert_eq!(
            &got, want,
            "{client:?} crls={with_crls} uploaded={uploaded:?}"
        );
    }
}

#[test]
fn eval_runs_every_seed_policy_in_every_form() {
    for policy in ["issuer-subject", "thumbprint", "deployment-certificates"] {
        for form in ["xml", "quot.xml", "single-quoted.xml", "amp.xml"] {
            let name = format!("{policy}.{form}");
            let (code, got) = eval(&name, None, true, &[]);
            assert_eq!(
                (code, got),
                (0, forbidden()),
                "{name} without a certificate"
            );
            // The documented placeholders never match a real certificate; the Any(...) policy
            // forwards the uploaded, valid one.
            let want = if policy == "deployment-certificates" {
                forwarded()
            } else {
                forbidden()
            };
            let (code, got) = eval(&name, Some("good"), true, &["good"]);
            assert_eq!((code, got), (0, want), "{name} with the good certificate");
        }
    }
}

#[test]
fn an_expression_failure_without_on_error_is_a_500() {
    let (code, got) = eval("null-certificate.xml", None, true, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        json!({"outcome":"error","status":500,"error":{
            "source":"choose",
            "reason":"ExpressionValueEvaluationFailure",
            "message":"Expression evaluation failed. Object reference not set to an instance of an object."
        }})
    );
}

#[test]
fn an_expression_failure_runs_on_error() {
    let (code, got) = eval("null-certificate-on-error.xml", None, true, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        json!({"outcome":"returned","status":401,"reason":"Unauthorized",
               "headers":{"X-Error":["certificate check failed"]},"body":"no certificate"})
    );
    // With a certificate the condition evaluates and the policy's own 403 applies.
    let (_, got) = eval("null-certificate-on-error.xml", Some("good"), true, &[]);
    assert_eq!(got, forbidden());
}

#[test]
fn check_accepts_the_seed_policies() {
    let files: Vec<String> = [
        "issuer-subject.xml",
        "thumbprint.quot.xml",
        "deployment-certificates.single-quoted.xml",
    ]
    .iter()
    .map(|f| path(data("policies").join(f)))
    .collect();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let out = apim_policy(&args);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
}

#[test]
fn check_reports_a_misspelt_member_with_line_and_column() {
    let file = path(data("policies").join("misspelt-member.xml"));
    let out = apim_policy(&["check", &file]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!("{file}:4:99: 'X509Certificate2' does not contain a definition for 'Thumbprnt'\n")
    );
    // eval refuses to run a policy that does not load, with the same report.
    let out = apim_policy(&["eval", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_arguments_and_unreadable_files_exit_2() {
    let policy = path(data("policies").join("thumbprint.xml"));
    let missing = path(data("no-such-file.pem"));
    let garbage = path(data("policies").join("thumbprint.xml"));
    for args in [
        vec!["eval", &policy, "--client-cert", &missing],
        vec!["eval", &policy, "--client-cert", &garbage],
        vec!["eval", &policy, "--crl", &garbage],
        vec!["eval", &policy, "--at", "yesterday"],
        vec!["eval", &policy, "--deployment-cert", "no-equals-sign"],
        vec!["eval", &missing],
        vec!["check", &missing],
        vec!["eval"],
        vec!["frobnicate"],
    ] {
        let out = apim_policy(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}
