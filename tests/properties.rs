//! Property tests (proptest): printed trees re-parse to the same tree, hostile bytes and mutated
//! seed policies never panic on load (or on evaluation when they load), and generated well-typed
//! conditions over the certificate context compile and evaluate without panicking.
//!
//! The tree generators are in `tests/generators/mod.rs`, shared with the `structured_expression`
//! fuzz target; proptest feeds them random bytes.

mod common;
mod generators;

use std::sync::Arc;

use apim_policy::cert::certificate::Certificate;
use apim_policy::context::Context;
use apim_policy::expr::parser::parse_expression;
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use apim_policy::policy::Policy;
use common::*;
use generators::{Scope, Src, any_expr, bool_expr, strip_spans};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Contexts with and without a client certificate, over deployments with 0, 1 and 3 uploaded
/// certificates (the good leaf last).
/// (`Context` is not `Sync`: one leaked set per thread.)
fn contexts() -> &'static [Context] {
    thread_local! {
        static CONTEXTS: &'static [Context] = Box::leak(make_contexts().into_boxed_slice());
    }
    CONTEXTS.with(|c| *c)
}

fn make_contexts() -> Vec<Context> {
    let deployments: Vec<_> = [0usize, 1, 3]
        .iter()
        .map(|&n| {
            let mut builder = main_chain(true);
            let others = ["expired", "revoked", "root"];
            for i in 0..n {
                let name = if i + 1 == n { "good" } else { others[i % 3] };
                builder = builder.certificate(format!("cert-{i}"), cert(name));
            }
            Arc::new(builder.build().unwrap())
        })
        .collect();
    let clients: [Option<Arc<Certificate>>; 4] = [
        None,
        Some(cert("good")),
        Some(cert("expired")),
        Some(cert("revoked")),
    ];
    let mut out = Vec::new();
    for d in &deployments {
        for c in &clients {
            out.push(
                Context::new(d.clone())
                    .with_client_certificate(c.clone())
                    .at(apim_policy::context::EvaluationTime::from_unix_seconds(AT)),
            );
        }
    }
    out
}

proptest! {
    #![proptest_config(config(20_000))]

    #[test]
    fn printed_trees_parse_back_to_the_same_tree(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let tree = any_expr(&mut Src::new(&bytes), 5);
        let text = tree.to_string();
        let parsed = parse_expression(&text, &ParseLimits::default());
        prop_assert!(parsed.is_ok(), "printed tree does not parse: {}\n{:?}\n{:?}", text, parsed, tree);
        prop_assert_eq!(
            strip_spans(&format!("{:?}", parsed.unwrap())),
            strip_spans(&format!("{tree:?}")),
            "round trip changed the tree: {}", text
        );
    }
}

proptest! {
    #![proptest_config(config(4000))]

    #[test]
    fn arbitrary_bytes_never_panic_on_load(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Policy::load(&text);
        let _ = Program::compile(&text, ExpressionForm::Single, &ParseLimits::default());
        let _ = Program::compile(&text, ExpressionForm::Block, &ParseLimits::default());
        let _ = Certificate::load(&bytes);
        let _ = apim_policy::cert::store::Crl::load(&bytes);
    }
}

const SEEDS: &[&str] = &[
    "deployment-certificates.amp.xml",
    "deployment-certificates.quot.xml",
    "deployment-certificates.single-quoted.xml",
    "issuer-subject.xml",
    "issuer-subject.amp.xml",
    "thumbprint.quot.xml",
    "null-certificate-on-error.xml",
    "null-certificate.xml",
    "misspelt-member.xml",
];

/// Fragments inserted by the mutator: the characters and constructs the loose XML dialect and
/// the expression scanner treat specially.
const SNIPPETS: &[&str] = &[
    "\"",
    "'",
    "<",
    ">",
    "&",
    "&amp;",
    "&quot;",
    "&#x22;",
    "@(",
    ")",
    "@{",
    "}",
    "(",
    "[",
    "]",
    "</when>",
    "<when condition=\"true\">",
    "<choose>",
    "<otherwise>",
    "<set-header name=\"X\" exists-action=\"append\"><value>@(context.Request.Certificate.Subject)</value></set-header>",
    "<set-variable name=\"v\" value=\"@(context.Request.Certificate?.Thumbprint)\" />",
    "<return-response><set-status code=\"401\" /></return-response>",
    "<validate-client-certificate validate-revocation=\"true\" validate-trust=\"true\" validate-not-before=\"true\" validate-not-after=\"true\" ignore-error=\"false\" />",
    "\"@(context.Request.Certificate.Verify())\"",
    "$\"{",
    "/*",
    "*/",
    "//",
    "\\",
    "\0",
    "é",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "=>",
    "??",
    "?.",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), 0..SNIPPETS.len()).prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<usize>(), 1usize..80).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
    ]
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, m: &Mutation) {
    match *m {
        Mutation::Delete(at, n) => {
            let a = floor_boundary(text, at % (text.len() + 1));
            let b = floor_boundary(text, a + n);
            text.replace_range(a..b, "");
        }
        Mutation::Insert(at, s) => {
            let a = floor_boundary(text, at % (text.len() + 1));
            text.insert_str(a, SNIPPETS[s]);
        }
        Mutation::Duplicate(at, n) => {
            let a = floor_boundary(text, at % (text.len() + 1));
            let b = floor_boundary(text, a + n);
            let piece = text[a..b].to_owned();
            text.insert_str(b, &piece);
        }
    }
}

proptest! {
    #![proptest_config(config(6000))]

    #[test]
    fn mutated_seed_policies_never_panic(
        seed in 0..SEEDS.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let mut text = policy_text(SEEDS[seed]);
        for m in &mutations {
            apply(&mut text, m);
        }
        if let Ok(policy) = Policy::load(&text) {
            for context in contexts().iter().step_by(5) {
                let mut context = context.clone();
                let _ = policy.evaluate(&mut context);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(4000))]

    #[test]
    fn well_typed_conditions_compile_and_evaluate(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let tree = bool_expr(&mut Src::new(&bytes), 4, Scope { pair: None });
        let text = tree.to_string();
        let program = Program::compile(&text, ExpressionForm::Single, &ParseLimits::default());
        prop_assert!(program.is_ok(), "does not compile: {}\n{:?}", text, program.err());
        let program = program.unwrap();
        for context in contexts() {
            let _ = program.evaluate(context);
        }
    }
}
