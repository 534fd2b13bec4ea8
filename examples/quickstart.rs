//! Quick start: evaluates the bundled example policy (`examples/policies/client-certificate.xml`)
//! against the bundled test PKI (`tests/data/pki/`) for a few requests and prints each outcome.
//!
//! Run with `cargo run --example quickstart`.

use std::error::Error;
use std::path::Path;
use std::sync::Arc;

use apim_policy::cert::certificate::Certificate;
use apim_policy::cert::store::Crl;
use apim_policy::context::{Context, Deployment, EvaluationTime};
use apim_policy::policy::Policy;

fn main() -> Result<(), Box<dyn Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pki = root.join("tests/data/pki");
    let load = |name: &str| -> Result<Certificate, Box<dyn Error>> {
        let bytes = std::fs::read(pki.join(name))?;
        Certificate::load(&bytes)?
            .into_iter()
            .next()
            .ok_or_else(|| format!("{name}: no certificate").into())
    };

    // Built once per gateway: the uploaded CA certificates and CRLs, and the uploaded client certificate.
    let good = Arc::new(load("good.pem")?);
    let mut deployment = Deployment::builder()
        .root(Arc::new(load("root.pem")?))
        .intermediate(Arc::new(load("intermediate.pem")?))
        .certificate("partner-a", Arc::clone(&good));
    for crl in ["root.crl", "intermediate.crl"] {
        for crl in Crl::load(&std::fs::read(pki.join(crl))?)? {
            deployment = deployment.crl(crl);
        }
    }
    let deployment = Arc::new(deployment.build()?);

    // Loaded once: the policy, with every expression compiled.
    let text = std::fs::read_to_string(root.join("examples/policies/client-certificate.xml"))?;
    let policy = Policy::load(&text)?;

    // Per request: a context and an evaluation. The fixtures are valid 2020-2120; evaluate in 2030.
    let at = EvaluationTime::from_unix_seconds(1_893_456_000); // 2030-01-01T00:00:00Z
    let requests = [
        ("no client certificate", None),
        ("the uploaded, valid certificate", Some(good)),
        (
            "an expired certificate",
            Some(Arc::new(load("expired.pem")?)),
        ),
        (
            "a revoked certificate",
            Some(Arc::new(load("revoked.pem")?)),
        ),
    ];
    for (what, certificate) in requests {
        let mut context = Context::new(Arc::clone(&deployment))
            .with_client_certificate(certificate)
            .at(at);
        println!("{what}: {}", policy.evaluate(&mut context).to_json());
    }
    Ok(())
}
