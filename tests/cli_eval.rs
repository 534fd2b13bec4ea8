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
    json!({"outcome":"returned","status":403,"reason":"Invalid client certificate","headers":{},"body":null,
           "variables":{},"last_error":null,"traces":[]})
}

/// Forwarded unchanged: the default backend response (an empty 200) and the default request.
fn forwarded() -> Value {
    json!({"outcome":"forwarded",
           "response":{"status":200,"reason":"OK","headers":{},"body":null},
           "request":{"method":"GET","url":"https://localhost/","headers":{}},
           "variables":{},"last_error":null,"traces":[]})
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
        },
        "variables":{},
        "last_error":{
            "source":"choose",
            "reason":"ExpressionValueEvaluationFailure",
            "message":"Expression evaluation failed. Object reference not set to an instance of an object.",
            "scope":"operation",
            "section":"inbound",
            "path":"choose[1]/when[1]",
            "policy_id":"thumbprint-check"
        },
        "traces":[]})
    );
}

#[test]
fn an_expression_failure_runs_on_error() {
    let (code, got) = eval("null-certificate-on-error.xml", None, true, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        got,
        json!({"outcome":"returned","status":401,"reason":"Unauthorized",
               "headers":{"X-Error":["certificate check failed"]},"body":"no certificate",
               "variables":{},
               "last_error":{"source":"choose","reason":"ExpressionValueEvaluationFailure",
                   "message":"Expression evaluation failed. Object reference not set to an instance of an object.",
                   "scope":"operation","section":"inbound","path":"choose[1]/when[1]","policy_id":null},
               "traces":[]})
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
        vec!["eval", &policy, "--header", "no-colon"],
        vec!["eval", &policy, "--header", ":empty-name"],
        vec!["eval", &policy, "--backend-header", "no-colon"],
        vec!["eval", &policy, "--variable", "no-equals-sign"],
        vec!["eval", &policy, "--named-value", "=value"],
        vec!["eval", &policy, "--fragment", "f"],
        vec!["eval", &policy, "--fragment", &format!("f={missing}")],
        vec!["eval", &policy, "--parent", &missing],
        vec![
            "eval",
            &policy,
            "--parent",
            &format!("api={policy}"),
            "--parent",
            &format!("global={policy}"),
        ],
        vec!["eval", &policy, "--url", "/relative"],
        vec!["eval", &policy, "--backend-status", "abc"],
        vec!["eval", &policy, "--backend-status", "42"],
        vec!["eval", &policy, "--negotiate-client-certificate", "maybe"],
        vec!["eval", &policy, "--unimplemented", "sometimes"],
        vec!["eval", &policy, "--body", &missing],
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

fn pipeline(name: &str) -> String {
    path(data("pipeline").join(name))
}

/// Runs `eval` on tests/data/pipeline/operation.xml inside its three parent scopes.
fn eval_pipeline(extra: &[&str]) -> (i32, Value, String) {
    let scopes = [
        format!("--parent={}", pipeline("global.xml")),
        format!("--parent={}", pipeline("product.xml")),
        format!("--parent=api={}", pipeline("api.xml")),
        format!("--fragment=markers={}", pipeline("markers.fragment.xml")),
    ];
    let operation = pipeline("operation.xml");
    let mut args = vec![
        "eval",
        operation.as_str(),
        "--named-value",
        "gateway-name=gw-1",
    ];
    args.extend(scopes.iter().map(String::as_str));
    args.extend_from_slice(extra);
    let out = apim_policy(&args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let json = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (out.status.code().unwrap(), json, stderr)
}

#[test]
fn eval_runs_a_request_through_scopes_fragments_and_the_backend_response() {
    let body = pipeline("request-body.txt");
    let backend_body = pipeline("backend-body.txt");
    let client = path(pki("good.pem"));
    let (code, got, stderr) = eval_pipeline(&[
        "--method",
        "POST",
        "--url",
        "https://api.contoso.com/orders?x=1",
        "--header",
        "X-Api-Key: secret",
        "--header",
        "Accept:application/json",
        "--ip",
        "10.1.2.3",
        "--body",
        &body,
        "--variable",
        "tenant=contoso",
        "--backend-status",
        "201",
        "--backend-header",
        "Server: kestrel",
        "--backend-body",
        &backend_body,
        "--client-cert",
        &client,
        "--negotiate-client-certificate",
        "false",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let want = json!({
        "outcome": "forwarded",
        "response": {
            "status": 201,
            "reason": "Created",
            "headers": {"Server": ["kestrel"], "X-Served-By": ["gw-1"], "X-Backend-Server": ["kestrel"]},
            "body": "backend said: created"
        },
        "request": {
            "method": "POST",
            "url": "https://api.contoso.com/orders?x=1&tenant=contoso",
            "headers": {
                "Accept": ["application/json"],
                "X-Order": ["api-before", "global", "product", "fragment", "operation"]
            }
        },
        "variables": {
            "tenant": "contoso",
            "caller": "10.1.2.3",
            "is-post": "True",
            "body": "hello",
            "has-certificate": "False",
            "backend-status": "201"
        },
        "last_error": null,
        "traces": [{"source": "markers", "severity": "information", "message": "tenant contoso"}]
    });
    assert_eq!(got, want);
    // The keys come in the documented order, the existing ones first.
    let keys: Vec<&str> = got
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "outcome",
            "response",
            "request",
            "variables",
            "last_error",
            "traces"
        ]
    );
    let keys: Vec<&str> = got["response"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["status", "reason", "headers", "body"]);
    let keys: Vec<&str> = got["request"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["method", "url", "headers"]);

    // negotiateClientCertificate defaults to true: the certificate is visible.
    let (code, got, _) = eval_pipeline(&["--client-cert", &client]);
    assert_eq!(code, 0);
    assert_eq!(got["variables"]["has-certificate"], "True");
    assert_eq!(got["request"]["url"], "https://localhost/?tenant=none");
    assert_eq!(got["response"]["body"], "backend said: nothing");
}

#[test]
fn eval_reports_an_error_with_last_error_and_traces() {
    let (code, got, stderr) = eval_pipeline(&["--header", "X-Fail: yes"]);
    assert_eq!(code, 0, "{stderr}");
    let message =
        "Expression evaluation failed. Object reference not set to an instance of an object.";
    assert_eq!(
        got,
        json!({
            "outcome": "error",
            "status": 500,
            "error": {"source": "set-variable", "reason": "ExpressionValueEvaluationFailure", "message": message},
            "variables": {
                "caller": "", "is-post": "False", "body": "(none)", "has-certificate": "False"
            },
            "last_error": {
                "source": "set-variable",
                "reason": "ExpressionValueEvaluationFailure",
                "message": message,
                "scope": "operation",
                "section": "inbound",
                "path": "choose[1]/when[1]/set-variable[1]",
                "policy_id": null
            },
            "traces": [{"source": "markers", "severity": "information", "message": "tenant none"}]
        })
    );
    let keys: Vec<&str> = got
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "outcome",
            "status",
            "error",
            "variables",
            "last_error",
            "traces"
        ]
    );
}

#[test]
fn eval_reads_pkcs7_certificates() {
    // tests/data/containers/single.p7b: one certificate in a PKCS#7 bundle.
    let p7b = path(data("containers").join("single.p7b"));
    let policy = pipeline("subject.xml");
    let out = apim_policy(&["eval", &policy, "--client-cert", &p7b, "--at", AT_RFC3339]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The leaf of tests/data/containers (its README).
    assert_eq!(
        got["variables"]["subject"],
        "CN=container.client.test, O=apim-policy tests, C=US"
    );
}

#[test]
fn eval_reports_load_errors_in_the_file_they_are_in() {
    let bad = pipeline("bad.fragment.xml");
    let operation = pipeline("operation.xml");
    // A parent that does not load: its file.
    let parent = format!("global={bad}");
    let out = apim_policy(&["eval", &operation, "--parent", &parent]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with(&format!("{bad}:1:1: ")), "{stderr}");
    // A fragment that breaks the rules: the fragment's file and its own positions.
    let (code, got, stderr) = eval_pipeline(&["--fragment", &format!("markers={bad}")]);
    assert_eq!((code, got), (1, Value::Null));
    assert!(stderr.contains(&format!("{bad}:2:6: ")), "{stderr}");
    assert!(stderr.contains(&format!("{bad}:3:5: ")), "{stderr}");
}

#[test]
fn check_accepts_fragments() {
    let good = pipeline("markers.fragment.xml");
    let bad = pipeline("bad.fragment.xml");
    let api = pipeline("api.xml");
    let out = apim_policy(&["check", &good, &api]);
    // api.xml includes a fragment `check` does not know: a load error in api.xml only.
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!("{api}:5:9: the policy fragment 'markers' is not defined\n")
    );
    let out = apim_policy(&["check", &good]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
    // With the fragment given, api.xml loads; global.xml needs its named value.
    let global = pipeline("global.xml");
    let fragment = format!("markers={good}");
    let out = apim_policy(&[
        "check",
        &api,
        &global,
        "--fragment",
        &fragment,
        "--named-value",
        "gateway-name=gw",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = apim_policy(&["check", &global]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!("{global}:6:72: the named value 'gateway-name' is not defined\n")
    );
    // An included fragment's errors are reported in its own file.
    let fragment = format!("markers={bad}");
    let out = apim_policy(&["check", &api, "--fragment", &fragment]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with(&format!("{bad}:2:6: ")), "{stderr}");
    let out = apim_policy(&["check", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        format!(
            "{bad}:2:6: a policy fragment cannot contain <base>\n{bad}:3:5: a policy fragment cannot include another fragment\n"
        )
    );
}
