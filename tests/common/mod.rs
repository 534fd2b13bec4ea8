//! Shared test helpers: the test PKI (tests/data/pki) and the seed policies (tests/data/policies).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use apim_policy::cert::certificate::Certificate;
use apim_policy::cert::store::Crl;
use apim_policy::context::{Context, Deployment, DeploymentBuilder, EvaluationTime};

/// 2030-01-01T00:00:00Z: every test evaluates at this time (tests/data/pki/README.md).
pub const AT: i64 = 1_893_456_000;
pub const AT_RFC3339: &str = "2030-01-01T00:00:00Z";

pub fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

pub fn pki(name: &str) -> PathBuf {
    data("pki").join(name)
}

pub fn cert(name: &str) -> Arc<Certificate> {
    let bytes = std::fs::read(pki(&format!("{name}.pem"))).unwrap();
    Arc::new(Certificate::load(&bytes).unwrap().remove(0))
}

pub fn crl(name: &str) -> Crl {
    Crl::load(&std::fs::read(pki(&format!("{name}.crl"))).unwrap())
        .unwrap()
        .remove(0)
}

/// The main chain's CA certificates uploaded, with or without its CRLs.
pub fn main_chain(with_crls: bool) -> DeploymentBuilder {
    let builder = Deployment::builder()
        .root(cert("root"))
        .intermediate(cert("intermediate"));
    if with_crls {
        builder.crl(crl("root")).crl(crl("intermediate"))
    } else {
        builder
    }
}

pub fn context(deployment: Deployment, client: Option<&str>) -> Context {
    Context::new(Arc::new(deployment))
        .with_client_certificate(client.map(cert))
        .at(EvaluationTime::from_unix_seconds(AT))
}

/// The text of a policy file under tests/data/policies.
pub fn policy_text(name: &str) -> String {
    std::fs::read_to_string(data("policies").join(name)).unwrap()
}

/// Compiles `text` in `form` and evaluates it against `context`: the value as .NET's
/// `ToString()` gives it, or `load: message` / `ExceptionType: message`.
pub fn evaluate(
    text: &str,
    form: apim_policy::expr::ExpressionForm,
    context: &Context,
) -> Result<String, String> {
    let program =
        apim_policy::expr::Program::compile(text, form, &apim_policy::expr::ParseLimits::default())
            .map_err(|e| format!("load: {}", e.message))?;
    program
        .evaluate(context)
        .map(|v| v.to_display_string())
        .map_err(|e| format!("{}: {}", e.kind.type_name(), e.message))
}

/// Evaluates `text` in `form` against a context with an empty deployment (see [`evaluate`]).
pub fn run_form(text: &str, form: apim_policy::expr::ExpressionForm) -> Result<String, String> {
    evaluate(text, form, &Context::new(Arc::new(Deployment::new())))
}

/// Evaluates an `@(...)` expression against a context with an empty deployment.
pub fn run(expression: &str) -> Result<String, String> {
    run_form(expression, apim_policy::expr::ExpressionForm::Single)
}

/// Checks each `@(...)` expression gives the expected .NET `ToString()` text.
pub fn check(cases: &[(&str, &str)]) {
    for (expression, expected) in cases {
        assert_eq!(
            run(expression),
            Ok(expected.to_string()),
            "expression: {expression}"
        );
    }
}

/// Checks each `@(...)` expression fails as expected (`load: ...` or `ExceptionType: ...`).
pub fn check_error(cases: &[(&str, &str)]) {
    for (expression, expected) in cases {
        assert_eq!(
            run(expression),
            Err(expected.to_string()),
            "expression: {expression}"
        );
    }
}

/// Checks each text in `form` against `context`: `Ok` must match exactly, `Err` must start
/// with the expected text (`load: ...` or `ExceptionType: ...`). Reports every failure at once.
pub fn check_cases(
    context: &Context,
    form: apim_policy::expr::ExpressionForm,
    cases: &[(&str, Result<&str, &str>)],
) {
    let mut failures = Vec::new();
    for (text, want) in cases {
        let got = evaluate(text, form, context);
        let want = want.map(str::to_owned).map_err(str::to_owned);
        let matches = match (&got, &want) {
            (Err(g), Err(w)) => g.starts_with(w.as_str()),
            _ => got == want,
        };
        if !matches {
            failures.push(format!("{text}\n   want {want:?}\n    got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
