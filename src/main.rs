//! The `apim-policy` command line: a thin shell over the library for scripts and CI.
//!
//! Exit codes: 0 success (for `eval`: the evaluation ran, whatever its outcome); 1 a policy
//! failed to load; 2 bad arguments or unreadable files.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use apim_policy::cert::certificate::Certificate;
use apim_policy::cert::store::Crl;
use apim_policy::context::{Context, Deployment, EvaluationTime};
use apim_policy::policy::Policy;
use clap::{Parser, Subcommand};

/// Evaluates Azure API Management policies as the APIM gateway does.
#[derive(Parser)]
#[command(
    name = "apim-policy",
    version,
    about,
    after_help = "Exit codes: 0 success (eval: the evaluation ran); 1 a policy failed to load; 2 bad arguments or unreadable files."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Loads policy files as APIM does when they are saved; prints FILE:LINE:COL: message for each error.
    Check {
        /// Policy files.
        #[arg(required = true)]
        policies: Vec<PathBuf>,
    },
    /// Runs the pipeline for one request and prints the outcome as one JSON object.
    Eval {
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
    },
}

/// A failure before evaluation, with its exit code.
struct Fail {
    code: u8,
    message: String,
}

fn bad_input(message: String) -> Fail {
    Fail { code: 2, message }
}

fn read(path: &Path) -> Result<Vec<u8>, Fail> {
    std::fs::read(path).map_err(|e| bad_input(format!("{}: cannot read: {e}", path.display())))
}

fn read_text(path: &Path) -> Result<String, Fail> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|_| bad_input(format!("{}: not UTF-8 text", path.display())))
}

fn certificates(path: &Path) -> Result<Vec<Certificate>, Fail> {
    let certs = Certificate::load(&read(path)?)
        .map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(bad_input(format!(
            "{}: no certificate found",
            path.display()
        )));
    }
    Ok(certs)
}

fn first_certificate(path: &Path) -> Result<Certificate, Fail> {
    certificates(path)?
        .into_iter()
        .next()
        .ok_or_else(|| bad_input(format!("{}: no certificate found", path.display())))
}

fn check(policies: &[PathBuf]) -> Result<(), Fail> {
    let mut failed = false;
    for path in policies {
        let text = read_text(path)?;
        if let Err(errors) = Policy::load(&text) {
            failed = true;
            for e in &errors.errors {
                eprintln!("{}:{}: {}", path.display(), e.position, e.message);
            }
        }
    }
    if failed {
        Err(Fail {
            code: 1,
            message: String::new(),
        })
    } else {
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn eval(
    policy: &Path,
    client_cert: Option<&Path>,
    deployment_certs: &[String],
    ca_certs: &[PathBuf],
    intermediates: &[PathBuf],
    crls: &[PathBuf],
    at: Option<&str>,
) -> Result<(), Fail> {
    let time = match at {
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
    let client = match client_cert {
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
            return Err(Fail {
                code: 1,
                message: String::new(),
            });
        }
    };
    let context = Context::new(Arc::new(deployment))
        .with_client_certificate(client)
        .at(time);
    let outcome = loaded.evaluate(&context);
    println!("{}", outcome.to_json());
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check { policies } => check(policies),
        Command::Eval {
            policy,
            client_cert,
            deployment_cert,
            ca_cert,
            intermediate,
            crl,
            at,
        } => eval(
            policy,
            client_cert.as_deref(),
            deployment_cert,
            ca_cert,
            intermediate,
            crl,
            at.as_deref(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(fail) => {
            if !fail.message.is_empty() {
                eprintln!("apim-policy: {}", fail.message);
            }
            ExitCode::from(fail.code)
        }
    }
}
