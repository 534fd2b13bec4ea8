//! `apim-policy check POLICY...`: loads each file as APIM does at save time.

use std::path::PathBuf;

use apim_policy::policy::Policy;
use clap::Args;

use super::{Fail, read_text, silent};

/// Arguments of `check`.
#[derive(Args)]
pub(crate) struct CheckArgs {
    /// Policy files.
    #[arg(required = true)]
    policies: Vec<PathBuf>,
}

/// Runs `check`.
pub(crate) fn run(args: &CheckArgs) -> Result<(), Fail> {
    let policies = &args.policies;
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
    if failed { Err(silent(1)) } else { Ok(()) }
}
