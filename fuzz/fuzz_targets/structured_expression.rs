//! Structured: bytes drive two tree generators (`tests/generators/mod.rs`). A syntactically
//! varied tree is pretty-printed (`Display` on `ast::Expr`), re-parsed and must give the same
//! tree modulo spans; a well-typed condition over the certificate context is printed, compiled
//! (it must compile) and evaluated against contexts with and without a client certificate and
//! with 0, 1 and 3 deployment certificates.
#![no_main]

#[path = "common.rs"]
mod common;
#[path = "../../tests/generators/mod.rs"]
mod generators;

use apim_policy::expr::parser::parse_expression;
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use generators::{Scope, Src, any_expr, bool_expr, strip_spans};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ParseLimits::default();
    let (first, rest) = data.split_first().map_or((0, data), |(f, r)| (*f, r));
    let mut src = Src::new(rest);
    if first % 2 == 0 {
        let tree = any_expr(&mut src, 5);
        let text = tree.to_string();
        let parsed = parse_expression(&text, &limits)
            .unwrap_or_else(|e| panic!("printed tree does not parse: {text}\n{e}\n{tree:?}"));
        assert_eq!(
            strip_spans(&format!("{parsed:?}")),
            strip_spans(&format!("{tree:?}")),
            "round trip changed the tree: {text}"
        );
        let _ = Program::compile(&text, ExpressionForm::Single, &limits);
    } else {
        let tree = bool_expr(&mut src, 5, Scope { pair: None });
        let text = tree.to_string();
        let program = Program::compile(&text, ExpressionForm::Single, &limits)
            .unwrap_or_else(|e| panic!("well-typed condition does not compile: {text}\n{e}"));
        for context in common::contexts() {
            let _ = program.evaluate(context);
        }
    }
});
