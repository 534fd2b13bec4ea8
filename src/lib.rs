//! # apim-policy
//!
//! Evaluates Azure API Management (APIM) policy documents the way the APIM gateway does, with
//! mutual-TLS client-certificate authentication at its heart.
//!
//! Layers, lowest first: [`diagnostic`] (positions), [`cert`] (certificates as .NET shows them and
//! chain verification), [`xml`] (APIM's loose XML dialect), [`expr`] (the C# expression subset),
//! [`context`] (the per-request `context`), [`policy`] (loading documents), [`runtime`]
//! (running the pipeline). See `src/README.md` for a map of every file.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod cert;
pub mod context;
pub mod diagnostic;
pub mod expr;
pub mod policy;
pub mod runtime;
pub mod xml;
