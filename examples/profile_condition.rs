//! A profiling driver for the hot path, for `valgrind --tool=callgrind` (instruction counts are
//! stable on a shared machine where wall and CPU times are not).
//!
//! `cargo build --release --example profile_condition`, then
//! `valgrind --tool=callgrind target/release/examples/profile_condition <what> <n>` where
//! `<what>` is a seed condition's index (see `list`), `any100` (`Any` over 100 deployment
//! certificates) or `load` (loading every seed policy); subtract a run with `n = 0` and divide
//! by `n` for the cost of one evaluation.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/conditions/mod.rs"]
mod conditions;

use std::hint::black_box;
use std::sync::Arc;

use apim_policy::context::{Context, EvaluationTime};
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use apim_policy::policy::Policy;
use common::*;

fn context_with(n: usize) -> Context {
    let mut builder = main_chain(true);
    for i in 0..n {
        let c = if i + 1 == n {
            cert("good")
        } else {
            cert("root")
        };
        builder = builder.certificate(format!("partner-{i}"), c);
    }
    Context::new(Arc::new(builder.build().unwrap()))
        .with_client_certificate(Some(cert("good")))
        .at(EvaluationTime::from_unix_seconds(AT))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("list", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let compile = |text: &str| {
        Program::compile(text, ExpressionForm::Single, &ParseLimits::default()).unwrap()
    };
    match what {
        "list" => {
            for (i, (name, text)) in conditions::seed_conditions().iter().enumerate() {
                println!("{i}: {name}: {text}");
            }
        }
        "load" => {
            let policies = conditions::seed_policies();
            for _ in 0..n {
                for (_, text) in &policies {
                    black_box(Policy::load(black_box(text)).is_ok());
                }
            }
        }
        "any100" => {
            let program = compile(
                "context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint)",
            );
            let context = context_with(100);
            for _ in 0..n {
                black_box(program.evaluate(black_box(&context)).is_ok());
            }
        }
        index => {
            let conditions = conditions::seed_conditions();
            let (_, text) = &conditions[index.parse::<usize>().unwrap()];
            let program = compile(text);
            let context = context_with(3);
            let _ = program.evaluate(&context);
            for _ in 0..n {
                black_box(program.evaluate(black_box(&context)).is_ok());
            }
        }
    }
}
