//! Certificates as .NET's `X509Certificate2` presents them, and chain verification.
//!
//! `certificate` parses PEM/DER and computes the .NET strings once; `container` reads PKCS#7
//! and PFX files; `extension` and `oids` give the typed extensions and friendly names; `name`
//! formats X.500 names exactly as .NET; `store` holds the deployment's uploaded CA certificates and CRLs; `verify`
//! does path validation (rustls-webpki) with .NET `Verify()` rules; `algorithms` provides the
//! signature algorithms on RustCrypto.

pub mod algorithms;
pub mod certificate;
pub mod container;
mod display;
pub mod extension;
pub mod issuer;
pub mod name;
pub mod oids;
pub mod store;
pub mod verify;
