//! Fixtures shared by the fuzz targets: the test PKI (tests/data/pki) compiled in, a deployment
//! that trusts it, and contexts at the PKI's evaluation time (2030-01-01T00:00:00Z).
#![allow(dead_code)]

use std::sync::Arc;

use apim_policy::cert::certificate::Certificate;
use apim_policy::cert::store::Crl;
use apim_policy::context::{Context, Deployment, EvaluationTime};

/// 2030-01-01T00:00:00Z (tests/data/pki/README.md).
pub const AT: i64 = 1_893_456_000;

macro_rules! pki {
    ($name:literal) => {
        include_bytes!(concat!("../../tests/data/pki/", $name))
    };
}

pub fn cert(bytes: &[u8]) -> Arc<Certificate> {
    Arc::new(Certificate::load(bytes).unwrap().remove(0))
}

pub fn root() -> Arc<Certificate> {
    cert(pki!("root.pem"))
}
pub fn intermediate() -> Arc<Certificate> {
    cert(pki!("intermediate.pem"))
}
pub fn good() -> Arc<Certificate> {
    cert(pki!("good.pem"))
}
pub fn expired() -> Arc<Certificate> {
    cert(pki!("expired.pem"))
}
pub fn revoked() -> Arc<Certificate> {
    cert(pki!("revoked.pem"))
}

fn crl(bytes: &[u8]) -> Crl {
    Crl::load(bytes).unwrap().remove(0)
}

/// A deployment trusting the main chain (root, intermediate, both CRLs) with `n` uploaded
/// certificates (the last one the good leaf).
pub fn deployment(n: usize) -> Arc<Deployment> {
    let mut builder = Deployment::builder()
        .root(root())
        .intermediate(intermediate())
        .crl(crl(pki!("root.crl")))
        .crl(crl(pki!("intermediate.crl")));
    let others = [expired(), revoked(), root()];
    for i in 0..n {
        let c = if i + 1 == n {
            good()
        } else {
            others[i % others.len()].clone()
        };
        builder = builder.certificate(format!("cert-{i}"), c);
    }
    Arc::new(builder.build().unwrap())
}

/// Contexts to evaluate against: no client certificate, the good, expired and revoked leaves,
/// over deployments with 0, 1 and 3 uploaded certificates.
/// (`Context` is not `Sync`: one leaked set per thread.)
pub fn contexts() -> &'static [Context] {
    thread_local! {
        static CONTEXTS: &'static [Context] = Box::leak(make_contexts().into_boxed_slice());
    }
    CONTEXTS.with(|c| *c)
}

fn make_contexts() -> Vec<Context> {
    {
        let deployments = [deployment(0), deployment(1), deployment(3)];
        let clients = [None, Some(good()), Some(expired()), Some(revoked())];
        let mut out = Vec::new();
        for (i, client) in clients.iter().enumerate() {
            let d = deployments[i % deployments.len()].clone();
            out.push(
                Context::new(d)
                    .with_client_certificate(client.clone())
                    .at(EvaluationTime::from_unix_seconds(AT)),
            );
        }
        out
    }
}
