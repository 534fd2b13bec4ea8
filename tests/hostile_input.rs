//! Hostile input at the policy level: garbage, truncated and enormous policies and expressions,
//! deep nesting. Every one gives load errors with positions, never a panic or a stack overflow.

mod common;

use apim_policy::policy::Policy;
use common::*;

fn must_fail(text: &str) -> Vec<apim_policy::policy::LoadError> {
    match Policy::load(text) {
        Ok(_) => panic!("loaded: {}", text.chars().take(200).collect::<String>()),
        Err(e) => {
            assert!(!e.errors.is_empty());
            for error in &e.errors {
                assert!(error.offset <= text.len());
                assert!(error.position.line >= 1 && error.position.column >= 1);
                assert!(!error.message.is_empty());
            }
            e.errors
        }
    }
}

#[test]
fn every_truncation_of_the_seed_policies_fails_cleanly() {
    for name in [
        "issuer-subject.xml",
        "deployment-certificates.quot.xml",
        "thumbprint.amp.xml",
    ] {
        let text = policy_text(name);
        for end in 0..text.len() {
            let Some(prefix) = text.get(..end) else {
                continue;
            };
            // A prefix that stops inside trailing whitespace still loads; all others fail.
            if prefix.trim_end() == text.trim_end() {
                continue;
            }
            let _ = must_fail(prefix);
        }
    }
}

#[test]
fn garbage_never_panics() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let alphabet: Vec<char> = "<>/=\"'@(){}[]&;#!?-. abcxyz\n\tpoliciesinboundchoosewhen"
        .chars()
        .collect();
    for _ in 0..3000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 200) as usize;
        let text: String = (0..len)
            .map(|i| {
                let k = seed.rotate_left(i as u32 % 64).wrapping_mul(i as u64 + 1);
                alphabet[(k % alphabet.len() as u64) as usize]
            })
            .collect();
        let _ = Policy::load(&text);
    }
}

#[test]
fn broken_expressions_are_load_errors_with_positions() {
    let cases = [
        ("@(context.Request.Certificate == null", "unterminated"),
        ("@(context.Request.Certificate.Verify() ==)", "syntax"),
        ("@((((context)))", "unbalanced"),
        ("@(request.Headers)", "name"),
        ("@(context.Request.Certificate.Verify)", "method group"),
        ("@(context.Request.Certificate.Subject(1))", "non-invocable"),
        ("@(context.Request.Certificate.Subject)", "type"),
        ("@(1 + )", "syntax"),
        ("@(\"unterminated)", "string"),
        ("@(context.Request.Certificate.SubjectName.RawData)", "X500"),
    ];
    for (condition, what) in cases {
        let text = format!(
            "<policies>\n<inbound>\n<choose><when condition='{condition}'><base/></when></choose>\n</inbound>\n</policies>"
        );
        let errors = must_fail(&text);
        assert!(
            errors.iter().all(|e| e.position.line == 3),
            "{what}: {errors:?}"
        );
    }
}

#[test]
fn deep_nesting_hits_limits_not_the_stack() {
    let depth = 100_000;
    let elements = format!(
        "<policies><inbound>{}{}</inbound></policies>",
        "<choose><when condition=\"true\">".repeat(depth),
        "</when></choose>".repeat(depth)
    );
    let _ = must_fail(&elements);
    let parens = format!(
        "<policies><inbound><choose><when condition=\"@({}true{})\"><base/></when></choose></inbound></policies>",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let _ = must_fail(&parens);
    let nots = format!(
        "<policies><inbound><choose><when condition=\"@({}true)\"><base/></when></choose></inbound></policies>",
        "!".repeat(depth)
    );
    let _ = must_fail(&nots);
    // Long operator chains build deep trees without any parentheses.
    for chain in [
        "false || ".repeat(7000),
        "1 + ".repeat(15000),
        "x ?? ".repeat(10000),
    ] {
        let text = format!(
            "<policies><inbound><choose><when condition=\"@({chain}true)\"><base/></when></choose></inbound></policies>"
        );
        let _ = must_fail(&text);
    }
}

#[test]
fn enormous_inputs_are_refused() {
    let big = format!(
        "<policies><inbound>{}</inbound></policies>",
        " ".repeat(8 << 20)
    );
    let errors = must_fail(&big);
    assert!(
        errors[0].message.to_lowercase().contains("large") || errors[0].message.contains("limit"),
        "{errors:?}"
    );
    let long_expr = format!(
        "<policies><inbound><choose><when condition=\"@({}true)\"><base/></when></choose></inbound></policies>",
        "true || ".repeat(200_000)
    );
    let _ = must_fail(&long_expr);
}

#[test]
fn nesting_within_limits_still_loads() {
    let depth = 20;
    let text = format!(
        "<policies><inbound>{}<base/>{}</inbound></policies>",
        "<choose><when condition=\"true\">".repeat(depth),
        "</when></choose>".repeat(depth)
    );
    Policy::load(&text).unwrap();
    let parens = format!(
        "<policies><inbound><choose><when condition=\"@({}context.Request.Certificate == null{})\"><base/></when></choose></inbound></policies>",
        "(".repeat(50),
        ")".repeat(50)
    );
    Policy::load(&parens).unwrap();
}
