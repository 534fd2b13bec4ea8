//! Argument parsing and dispatch; each subcommand lives in its own file with its arguments.

mod cert;
mod check;
mod eval;
mod verify;

use std::path::Path;
use std::process::ExitCode;

use apim_policy::cert::certificate::Certificate;
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
    Check(check::CheckArgs),
    /// Runs the pipeline for one request and prints the outcome as one JSON object.
    Eval(Box<eval::EvalArgs>),
    /// Prints every certificate in a PEM, DER, PKCS#7 or PFX file as JSON with .NET property names.
    Cert(cert::CertArgs),
    /// Verifies a certificate chain as .NET Verify() does; prints {"valid":..,"errors":[..]}.
    Verify(verify::VerifyArgs),
}

/// Parses the arguments, runs the subcommand, and maps failures to exit codes.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Cert(args) => cert::run(args),
        Command::Verify(args) => verify::run(args),
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

/// A failure before evaluation, with its exit code.
pub(crate) struct Fail {
    pub(crate) code: u8,
    pub(crate) message: String,
}

pub(crate) fn bad_input(message: String) -> Fail {
    Fail { code: 2, message }
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, Fail> {
    std::fs::read(path).map_err(|e| bad_input(format!("{}: cannot read: {e}", path.display())))
}

pub(crate) fn read_text(path: &Path) -> Result<String, Fail> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|_| bad_input(format!("{}: not UTF-8 text", path.display())))
}

pub(crate) fn certificates(path: &Path) -> Result<Vec<Certificate>, Fail> {
    // PEM, DER, PKCS#7 (.p7b) or a password-less PFX.
    let certs = Certificate::load_any(&read(path)?, None)
        .map_err(|e| bad_input(format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(bad_input(format!(
            "{}: no certificate found",
            path.display()
        )));
    }
    Ok(certs)
}

pub(crate) fn first_certificate(path: &Path) -> Result<Certificate, Fail> {
    certificates(path)?
        .into_iter()
        .next()
        .ok_or_else(|| bad_input(format!("{}: no certificate found", path.display())))
}

/// A failure reported only through the exit code (its messages were already printed).
pub(crate) fn silent(code: u8) -> Fail {
    Fail {
        code,
        message: String::new(),
    }
}
