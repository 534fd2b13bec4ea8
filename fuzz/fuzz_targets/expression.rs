//! Expression text → `Program::compile` in both forms; what compiles is evaluated against
//! fixed contexts (with and without a client certificate).
#![no_main]

#[path = "common.rs"]
mod common;

use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = ParseLimits::default();
    for form in [ExpressionForm::Single, ExpressionForm::Block] {
        if let Ok(program) = Program::compile(text, form, &limits) {
            let _ = program.result_type();
            for context in common::contexts() {
                if let Ok(value) = program.evaluate(context) {
                    let _ = value.to_display_string();
                    let _ = value.to_static();
                }
            }
        }
    }
});
