//! STUB until verification lands (replaced at merge).
#![allow(missing_docs, dead_code)]
use thiserror::Error;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevocationMode {
    Online,
    NoCheck,
}
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VerifyError {
    #[error("untrusted root")]
    UntrustedRoot,
}
