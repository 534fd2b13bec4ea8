//! Every input that crashed a fuzz target (`fuzz/`), replayed with the target's own steps.
//! Inputs live in `tests/data/fuzz/<target>/` (see the README there); a new crash is fixed by
//! adding its file and making this test pass.

mod common;
mod generators;

use std::path::PathBuf;
use std::sync::Arc;

use apim_policy::cert::certificate::{Certificate, X509NameType};
use apim_policy::cert::name::{NameFlags, NameStyle};
use apim_policy::cert::store::{Crl, TrustStore};
use apim_policy::cert::verify::RevocationMode;
use apim_policy::context::{Context, EvaluationTime};
use apim_policy::expr::parser::parse_expression;
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use apim_policy::policy::Policy;
use common::*;
use generators::{Scope, Src, any_expr, bool_expr, strip_spans};

/// The crash inputs of one target, with their names.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir: PathBuf = data("fuzz").join(target);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read(&p).unwrap())
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The fuzz targets' contexts: no certificate, good, expired, revoked; 0, 1 and 3 uploaded
/// certificates.
fn contexts() -> Vec<Context> {
    let deployment = |n: usize| {
        let mut builder = main_chain(true);
        let others = ["expired", "revoked", "root"];
        for i in 0..n {
            let name = if i + 1 == n { "good" } else { others[i % 3] };
            builder = builder.certificate(format!("cert-{i}"), cert(name));
        }
        Arc::new(builder.build().unwrap())
    };
    let deployments = [deployment(0), deployment(1), deployment(3)];
    [None, Some("good"), Some("expired"), Some("revoked")]
        .iter()
        .enumerate()
        .map(|(i, client)| {
            Context::new(deployments[i % 3].clone())
                .with_client_certificate(client.map(cert))
                .at(EvaluationTime::from_unix_seconds(AT))
        })
        .collect()
}

#[test]
fn policy_load_crashes_stay_fixed() {
    let contexts = contexts();
    for (_name, bytes) in inputs("policy_load") {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        if let Ok(policy) = Policy::load(text) {
            for context in &contexts {
                let _ = policy.evaluate(&mut context.clone());
            }
        }
    }
}

#[test]
fn expression_crashes_stay_fixed() {
    let contexts = contexts();
    for (_name, bytes) in inputs("expression") {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        for form in [ExpressionForm::Single, ExpressionForm::Block] {
            if let Ok(program) = Program::compile(text, form, &ParseLimits::default()) {
                for context in &contexts {
                    if let Ok(value) = program.evaluate(context) {
                        let _ = value.to_display_string();
                    }
                }
            }
        }
    }
}

fn exercise(cert: &Certificate, context: &Context) {
    let _ = (
        cert.subject(),
        cert.issuer(),
        cert.thumbprint(),
        cert.serial_number(),
    );
    for dn in [cert.subject_dn(), cert.issuer_dn()].into_iter().flatten() {
        for bits in [0, 0x1, 0x11, 0x100, 0xE0] {
            let flags = NameFlags::from_bits(bits).unwrap();
            let _ = dn.format(flags, NameStyle::Windows);
            let _ = dn.format(flags, NameStyle::Linux);
        }
    }
    let _ = (cert.not_before(), cert.not_after(), cert.version());
    let _ = (
        cert.signature_algorithm_friendly_name(),
        cert.public_key_friendly_name(),
    );
    let _ = (cert.extensions(), cert.dns_names(), cert.common_names());
    for t in X509NameType::ALL {
        let _ = cert.get_name_info(t, false);
        let _ = cert.get_name_info(t, true);
    }
    for mode in [RevocationMode::Online, RevocationMode::NoCheck] {
        let _ = context.deployment().verify(cert, context.time(), mode);
    }
}

#[test]
fn certificate_crashes_stay_fixed() {
    let context = contexts().remove(1);
    for (_name, bytes) in inputs("certificate") {
        for style in [NameStyle::Windows, NameStyle::Linux] {
            if let Ok(certs) = Certificate::load_with_style(&bytes, style) {
                for c in &certs {
                    exercise(c, &context);
                    if let Ok(store) = TrustStore::builder()
                        .add_root(c.der())
                        .add_intermediate(c.der())
                        .cache_capacity(0)
                        .build()
                    {
                        let _ =
                            store.verify(c.der(), c.thumbprint_bytes(), AT, RevocationMode::Online);
                    }
                }
            }
        }
        if let Ok(crls) = Crl::load(&bytes) {
            let _ = TrustStore::builder()
                .add_root(cert("root").der())
                .add_crls(crls)
                .build()
                .map(|s| {
                    let good = cert("good");
                    s.verify(
                        good.der(),
                        good.thumbprint_bytes(),
                        AT,
                        RevocationMode::Online,
                    )
                });
        }
    }
}

#[test]
fn structured_expression_crashes_stay_fixed() {
    let contexts = contexts();
    let limits = ParseLimits::default();
    for (name, bytes) in inputs("structured_expression") {
        let (first, rest) = bytes
            .split_first()
            .map_or((0, &bytes[..]), |(f, r)| (*f, r));
        let mut src = Src::new(rest);
        if first % 2 == 0 {
            let tree = any_expr(&mut src, 5);
            let text = tree.to_string();
            let parsed = parse_expression(&text, &limits)
                .unwrap_or_else(|e| panic!("{name}: printed tree does not parse: {text}\n{e}"));
            assert_eq!(
                strip_spans(&format!("{parsed:?}")),
                strip_spans(&format!("{tree:?}")),
                "{name}: {text}"
            );
        } else {
            let tree = bool_expr(&mut src, 5, Scope { pair: None });
            let text = tree.to_string();
            let program = Program::compile(&text, ExpressionForm::Single, &limits)
                .unwrap_or_else(|e| panic!("{name}: does not compile: {text}\n{e}"));
            for context in &contexts {
                let _ = program.evaluate(context);
            }
        }
    }
}
