//! Policy text → `Policy::load`; a policy that loads is run once through the pipeline.
#![no_main]

#[path = "common.rs"]
mod common;

use apim_policy::policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = Policy::load(text) {
        for context in common::contexts() {
            let mut context = context.clone();
            let _ = policy.evaluate(&mut context);
        }
    }
});
