//! `apim-policy eval POLICY ...`: runs the pipeline for one request and prints the outcome as JSON.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use apim_policy::cert::store::Crl;
use apim_policy::context::{Context, Deployment, EvaluationTime};
use apim_policy::policy::Policy;
use clap::Args;

use super::{Fail, bad_input, certificates, first_certificate, read, read_text, silent};

/// Arguments of `eval`.
#[derive(Args)]
pub(crate) struct EvalArgs {
    /// The policy file.
    policy: PathBuf,
    /// The client certificate presented in the TLS handshake (PEM or DER; the first certificate).
    #[arg(long, value_name = "FILE")]
    client_cert: Option<PathBuf>,
    /// A certificate uploaded to the instance, as context.Deployment.Certificates[ID].
    #[arg(long, value_name = "ID=FILE")]
    deployment_cert: Vec<String>,
    /// An uploaded trusted root CA certificate (PEM or DER; every certificate in the file).
    #[arg(long, value_name = "FILE")]
    ca_cert: Vec<PathBuf>,
    /// An uploaded intermediate CA certificate (PEM or DER; every certificate in the file).
    #[arg(long, value_name = "FILE")]
    intermediate: Vec<PathBuf>,
    /// A certificate revocation list (PEM or DER).
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,
    /// The evaluation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
}

/// Runs `eval`.
pub(crate) fn run(args: &EvalArgs) -> Result<(), Fail> {
    let EvalArgs {
        policy,
        client_cert,
        deployment_cert: deployment_certs,
        ca_cert: ca_certs,
        intermediate: intermediates,
        crl: crls,
        at,
    } = args;
    let time = match at.as_deref() {
        Some(text) => {
            let parsed =
                time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                    .map_err(|e| bad_input(format!("--at {text}: not an RFC 3339 time: {e}")))?;
            EvaluationTime::from_unix_seconds(parsed.unix_timestamp())
        }
        None => EvaluationTime::now(),
    };
    let mut deployment = Deployment::builder();
    for path in ca_certs {
        for cert in certificates(path)? {
            deployment = deployment.root(Arc::new(cert));
        }
    }
    for path in intermediates {
        for cert in certificates(path)? {
            deployment = deployment.intermediate(Arc::new(cert));
        }
    }
    for path in crls {
        let loaded =
            Crl::load(&read(path)?).map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
        for crl in loaded {
            deployment = deployment.crl(crl);
        }
    }
    for spec in deployment_certs {
        let Some((id, file)) = spec.split_once('=') else {
            return Err(bad_input(format!(
                "--deployment-cert {spec}: expected ID=FILE"
            )));
        };
        if id.is_empty() {
            return Err(bad_input(format!(
                "--deployment-cert {spec}: the ID is empty"
            )));
        }
        let cert = first_certificate(Path::new(file))?;
        deployment = deployment.certificate(id, Arc::new(cert));
    }
    let deployment = deployment
        .build()
        .map_err(|e| bad_input(format!("CA certificates: {e}")))?;
    let client = match client_cert.as_deref() {
        Some(path) => Some(Arc::new(first_certificate(path)?)),
        None => None,
    };
    let text = read_text(policy)?;
    let loaded = match Policy::load(&text) {
        Ok(p) => p,
        Err(errors) => {
            for e in &errors.errors {
                eprintln!("{}:{}: {}", policy.display(), e.position, e.message);
            }
            return Err(silent(1));
        }
    };
    let mut context = Context::new(Arc::new(deployment))
        .with_client_certificate(client)
        .at(time);
    let outcome = loaded.evaluate(&mut context);
    println!("{}", outcome.to_json());
    Ok(())
}
