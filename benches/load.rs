//! Load benchmarks, driven by a table: `Policy::load` of every seed policy (tests/data/policies
//! that load) and of the large real-world-sized policy in `benches/data/large-policy.xml`.
//!
//! Times are thread CPU time (`benches/support/cpu_time.rs`), not wall time.
//!
//! Run: `cargo bench --bench load -- --warm-up-time 1 --measurement-time 3`.
//! Target (issue 6): loading a seed policy ≤ 20 µs.

#[path = "../tests/conditions/mod.rs"]
mod conditions;

use std::hint::black_box;

use apim_policy::policy::Policy;
use apim_policy::xml::{XmlLimits, parse_document};
#[path = "support/cpu_time.rs"]
mod cpu_time;

use cpu_time::CpuTime;
use criterion::{Criterion, criterion_group, criterion_main};

fn load(c: &mut Criterion<CpuTime>) {
    let mut cases = conditions::seed_policies();
    let large = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/large-policy.xml"),
    )
    .unwrap();
    cases.push(("large-policy.xml".to_owned(), large));
    let mut group = c.benchmark_group("load");
    for (name, text) in &cases {
        Policy::load(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        group.bench_function(name.as_str(), |b| {
            b.iter(|| Policy::load(black_box(text)).is_ok())
        });
    }
    group.finish();
    // The XML layer alone (the loose-dialect pre-pass, roxmltree, decoding), to split the cost.
    let mut group = c.benchmark_group("xml");
    for (name, text) in cases.iter().filter(|(n, _)| {
        n == "deployment-certificates.xml" || n == "thumbprint.amp.xml" || n == "large-policy.xml"
    }) {
        group.bench_function(name.as_str(), |b| {
            b.iter(|| parse_document(black_box(text), &XmlLimits::default()).is_ok())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = load
}
criterion_main!(benches);
