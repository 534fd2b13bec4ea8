//! Hot-path benchmarks, driven by tables: every seed condition (compiled alone, evaluated against
//! a prepared context with the good certificate, `Verify()` cached), `Any` over 10, 100 and 1000
//! deployment certificates, `Verify()` cold and cached, and the whole pipeline
//! (`Policy::evaluate`) for seed policies and the large policy in `benches/data`.
//!
//! Times are thread CPU time (`benches/support/cpu_time.rs`), not wall time.
//!
//! Run: `cargo bench --bench evaluate -- --warm-up-time 1 --measurement-time 3`.
//! Targets (issue 6): each seed condition ≤ 50 ns with `Verify()` cached; `Any` over 100 ≤ 1 µs.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/conditions/mod.rs"]
mod conditions;

use std::hint::black_box;
use std::sync::Arc;

use apim_policy::cert::store::TrustStore;
use apim_policy::cert::verify::RevocationMode;
use apim_policy::context::{Context, EvaluationTime};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use apim_policy::policy::Policy;
use common::*;
#[path = "support/cpu_time.rs"]
mod cpu_time;

use cpu_time::CpuTime;
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

/// A deployment trusting the main chain with `n` uploaded certificates: the PKI's other leaves
/// and CAs reused under distinct ids, the good leaf last (so `Any` scans them all).
fn context_with(n: usize, client: Option<&str>) -> Context {
    let others = [
        "expired",
        "revoked",
        "root",
        "intermediate",
        "not-yet-valid",
    ];
    let others: Vec<_> = others.iter().map(|name| cert(name)).collect();
    let mut builder = main_chain(true);
    for i in 0..n {
        let c = if i + 1 == n {
            cert("good")
        } else {
            others[i % others.len()].clone()
        };
        builder = builder.certificate(format!("partner-{i}"), c);
    }
    Context::new(Arc::new(builder.build().unwrap()))
        .with_client_certificate(client.map(cert))
        .at(EvaluationTime::from_unix_seconds(AT))
}

fn compile(text: &str) -> Program {
    Program::compile(text, ExpressionForm::Single, &ParseLimits::default()).unwrap()
}

fn seed_conditions(c: &mut Criterion<CpuTime>) {
    let context = context_with(3, Some("good"));
    let mut group = c.benchmark_group("condition");
    for (i, (name, text)) in conditions::seed_conditions().iter().enumerate() {
        let program = compile(text);
        // The first evaluation warms the Verify() cache.
        let _ = program.evaluate(&context);
        group.bench_function(BenchmarkId::new(name.as_str(), i), |b| {
            b.iter(|| program.evaluate(black_box(&context)).is_ok())
        });
    }
    group.finish();
}

fn any_over_deployment_certificates(c: &mut Criterion<CpuTime>) {
    let program = compile(
        "context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint)",
    );
    let mut group = c.benchmark_group("any");
    for n in [10usize, 100, 1000] {
        let context = context_with(n, Some("good"));
        assert_eq!(
            program.evaluate(&context).unwrap().to_display_string(),
            "True"
        );
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| program.evaluate(black_box(&context)).is_ok())
        });
    }
    group.finish();
}

fn verify(c: &mut Criterion<CpuTime>) {
    let good = cert("good");
    let store = |capacity: usize| {
        TrustStore::builder()
            .add_root(cert("root").der())
            .add_intermediate(cert("intermediate").der())
            .add_crl(crl("root"))
            .add_crl(crl("intermediate"))
            .cache_capacity(capacity)
            .build()
            .unwrap()
    };
    let mut group = c.benchmark_group("verify");
    let cold = store(0);
    group.bench_function("cold", |b| {
        b.iter(|| {
            cold.verify(
                good.der(),
                good.thumbprint_bytes(),
                black_box(AT),
                RevocationMode::Online,
            )
        })
    });
    let cached = store(apim_policy::cert::store::DEFAULT_CACHE_CAPACITY);
    cached
        .verify(
            good.der(),
            good.thumbprint_bytes(),
            AT,
            RevocationMode::Online,
        )
        .unwrap();
    group.bench_function("cached", |b| {
        b.iter(|| {
            cached.verify(
                good.der(),
                good.thumbprint_bytes(),
                black_box(AT),
                RevocationMode::Online,
            )
        })
    });
    let program = compile("context.Request.Certificate.Verify()");
    let context = context_with(1, Some("good"));
    let _ = program.evaluate(&context);
    group.bench_function("expression-cached", |b| {
        b.iter(|| program.evaluate(black_box(&context)).is_ok())
    });
    group.finish();
}

fn pipeline(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("pipeline");
    let large = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/large-policy.xml"),
    )
    .unwrap();
    let cases = [
        (
            "deployment-certificates.xml",
            policy_text("deployment-certificates.xml"),
        ),
        ("thumbprint.xml", policy_text("thumbprint.xml")),
        ("large-policy.xml", large),
    ];
    for (name, text) in cases {
        let policy = Policy::load(&text).unwrap();
        let context = context_with(3, Some("good"));
        let _ = policy.evaluate(&mut context.clone());
        group.bench_function(name, |b| {
            b.iter_batched(
                || context.clone(),
                |mut context| policy.evaluate(&mut context),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets =
    seed_conditions,
    any_over_deployment_certificates,
    verify,
    pipeline
}
criterion_main!(benches);
