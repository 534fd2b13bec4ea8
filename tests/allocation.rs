//! The hot path does not allocate: evaluating each seed condition (`Program::evaluate`) on a
//! warmed context (the `Verify()` result cached) makes no heap allocation. Values borrow from
//! the context and the certificate; nothing is copied.
//!
//! A counting global allocator wraps `System` in this test binary only (the crate itself is
//! `forbid(unsafe_code)`; implementing `GlobalAlloc` needs `unsafe`, kept to plain delegation).
//! Counts are per thread, so tests running in parallel do not disturb each other.

mod common;
mod conditions;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use apim_policy::context::Context;
use apim_policy::expr::{ExpressionForm, ParseLimits, Program};
use common::*;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the slot may be gone while the thread shuts down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

struct Counting;

// SAFETY: every method delegates to `System` with the caller's arguments unchanged, so `System`'s
// guarantees hold; the only addition is a thread-local counter that does not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged (see above).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations_in(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// The main chain with its CRLs; the good leaf uploaded last among three certificates.
fn warm_context(client: Option<&str>) -> Context {
    let deployment = main_chain(true)
        .certificate("expired", cert("expired"))
        .certificate("revoked", cert("revoked"))
        .certificate("good", cert("good"))
        .build()
        .unwrap();
    Context::new(Arc::new(deployment))
        .with_client_certificate(client.map(cert))
        .at(apim_policy::context::EvaluationTime::from_unix_seconds(AT))
}

fn compiled_seed_conditions() -> Vec<(String, String, Program)> {
    let conditions = conditions::seed_conditions();
    assert!(conditions.len() >= 10, "{conditions:?}");
    conditions
        .into_iter()
        .map(|(name, text)| {
            let program =
                Program::compile(&text, ExpressionForm::Single, &ParseLimits::default()).unwrap();
            (name, text, program)
        })
        .collect()
}

fn assert_no_allocation(client: Option<&str>) {
    let context = warm_context(client);
    for (name, text, program) in compiled_seed_conditions() {
        // The first evaluation warms the Verify() cache.
        let first = program.evaluate(&context).map(|v| v.to_display_string());
        let n = allocations_in(|| {
            for _ in 0..100 {
                let value = program.evaluate(&context);
                std::hint::black_box(&value);
            }
        });
        assert_eq!(
            n, 0,
            "{name} ({client:?}): {n} allocations in 100 evaluations of {text} (first gave {first:?})"
        );
    }
}

#[test]
fn the_counter_counts() {
    let n = allocations_in(|| {
        let v: Vec<u8> = Vec::with_capacity(std::hint::black_box(16));
        std::hint::black_box(v);
    });
    assert_eq!(n, 1);
}

#[test]
fn seed_conditions_with_the_good_certificate_do_not_allocate() {
    assert_no_allocation(Some("good"));
}

/// A revoked certificate's cached answer is a `VerifyError` holding a `String`: `Verify()` reads
/// only whether it is an error (`TrustStore::is_valid`), so nothing is copied.
#[test]
fn seed_conditions_with_a_revoked_certificate_do_not_allocate() {
    assert_no_allocation(Some("revoked"));
}

#[test]
fn seed_conditions_without_a_certificate_do_not_allocate() {
    assert_no_allocation(None);
}

/// The hot path's fused forms (member chains, `== null`, string constants, `Any` with a side
/// evaluated once) keep C#'s semantics: the invariant side of `Any`'s lambda is evaluated at
/// the first item, so an empty sequence never evaluates it, and a null in a chain still throws.
#[test]
fn fused_forms_keep_csharp_semantics() {
    let any = "context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint)";
    let all = "context.Deployment.Certificates.All(c => c.Value.Thumbprint != context.Request.Certificate.Thumbprint)";
    let empty = context(main_chain(true).build().unwrap(), None);
    assert_eq!(
        evaluate(any, ExpressionForm::Single, &empty),
        Ok("False".to_owned())
    );
    assert_eq!(
        evaluate(all, ExpressionForm::Single, &empty),
        Ok("True".to_owned())
    );
    let one = context(
        main_chain(true)
            .certificate("a", cert("good"))
            .build()
            .unwrap(),
        None,
    );
    let error = evaluate(any, ExpressionForm::Single, &one).unwrap_err();
    assert!(
        error.starts_with("System.NullReferenceException: "),
        "{error}"
    );
    let one = context(
        main_chain(true)
            .certificate("a", cert("root"))
            .certificate("b", cert("good"))
            .build()
            .unwrap(),
        Some("good"),
    );
    assert_eq!(
        evaluate(any, ExpressionForm::Single, &one),
        Ok("True".to_owned())
    );
    assert_eq!(
        evaluate(all, ExpressionForm::Single, &one),
        Ok("False".to_owned())
    );
    assert_eq!(
        evaluate(
            "context.Deployment.Certificates.Any(c => c.Value.Thumbprint == \"none\")",
            ExpressionForm::Single,
            &one
        ),
        Ok("False".to_owned())
    );
    assert_eq!(
        evaluate(
            "null != context.Request.Certificate && \"x\" != context.Request.Certificate.Thumbprint",
            ExpressionForm::Single,
            &one
        ),
        Ok("True".to_owned())
    );
    let error = evaluate(
        "context.Request.Certificate.Thumbprint == \"ABC\"",
        ExpressionForm::Single,
        &empty,
    )
    .unwrap_err();
    assert!(
        error.starts_with("System.NullReferenceException: "),
        "{error}"
    );
    assert_eq!(
        evaluate(
            "context.Request.Certificate?.Thumbprint == null",
            ExpressionForm::Single,
            &empty
        ),
        Ok("True".to_owned())
    );
}

/// The in-place reads of the context tree and of certificates (`Request`, `Certificate`,
/// `Thumbprint`, `SubjectName.Name`, `c.Key`, `c.Value.Issuer`, ...) and the `Any`/`All` loop
/// over the deployment's certificates comparing entry texts keep C#'s semantics: `?.`, nulls on
/// either side, `!=`, and one budget step per lambda call.
#[test]
fn in_place_reads_keep_csharp_semantics() {
    let two = |client: Option<&str>| {
        context(
            main_chain(true)
                .certificate("a", cert("root"))
                .certificate("b", cert("good"))
                .build()
                .unwrap(),
            client,
        )
    };
    let with = two(Some("good"));
    let without = two(None);
    let eval = |text: &str, context: &Context| evaluate(text, ExpressionForm::Single, context);
    assert_eq!(
        eval(
            "context.Deployment.Certificates.Any(c => c.Key == \"b\")",
            &with
        ),
        Ok("True".to_owned())
    );
    assert_eq!(
        eval(
            "context.Deployment.Certificates.All(c => c.Key != \"c\")",
            &with
        ),
        Ok("True".to_owned())
    );
    assert_eq!(
        eval(
            "context.Deployment.Certificates.Any(c => c.Value.Issuer == context.Request.Certificate.Issuer)",
            &with
        ),
        Ok("True".to_owned())
    );
    assert_eq!(
        eval(
            "context.Deployment.Certificates.Any(c => c.Value.Subject == context.Request.Certificate.Subject)",
            &with
        ),
        Ok("True".to_owned())
    );
    // A null right side: no thumbprint equals null, every thumbprint differs from it.
    assert_eq!(
        eval(
            "context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate?.Thumbprint)",
            &without
        ),
        Ok("False".to_owned())
    );
    assert_eq!(
        eval(
            "context.Deployment.Certificates.All(c => c.Value.Thumbprint != context.Request.Certificate?.Thumbprint)",
            &without
        ),
        Ok("True".to_owned())
    );
    let error = eval(
        "context.Deployment.Certificates.All(c => c.Value.Thumbprint != context.Request.Certificate.Thumbprint)",
        &without,
    )
    .unwrap_err();
    assert!(
        error.starts_with("System.NullReferenceException: "),
        "{error}"
    );
    // Chains through the certificate.
    assert_eq!(
        eval(
            "context.Request.Certificate.SubjectName.Name == context.Request.Certificate.Subject",
            &with
        ),
        Ok("True".to_owned())
    );
    assert_eq!(
        eval(
            "context.Request.Certificate.NotAfter > context.Request.Certificate.NotBefore",
            &with
        ),
        Ok("True".to_owned())
    );
    let error = eval("context.Request.Certificate.SubjectName.Name", &without).unwrap_err();
    assert!(
        error.starts_with("System.NullReferenceException: "),
        "{error}"
    );
    assert_eq!(
        eval("context.Request.Certificate == null", &without),
        Ok("True".to_owned())
    );
    // Every item is one lambda call against the budget, also in the in-place loop.
    let limited = two(Some("good")).with_limits(apim_policy::expr::EvaluationLimits {
        max_steps: 1,
        ..Default::default()
    });
    let error = eval(
        "context.Deployment.Certificates.Any(c => c.Key == \"b\")",
        &limited,
    )
    .unwrap_err();
    assert!(
        error.starts_with("System.InvalidOperationException: "),
        "{error}"
    );
    assert_eq!(
        eval(
            "context.Deployment.Certificates.Any(c => c.Key == \"a\")",
            &limited
        ),
        Ok("True".to_owned())
    );
}
