//! `apim-policy check FILE...`: loads each policy document (`<policies>` root) or policy
//! fragment (`<fragment>` root) as APIM does when it is saved.

use std::path::PathBuf;

use apim_policy::policy::{LoadOptions, Policy};
use clap::Args;

use super::{Fail, read_text, silent};

/// Arguments of `check`.
#[derive(Args)]
pub(crate) struct CheckArgs {
    /// Policy documents (<policies> root) or policy fragments (<fragment> root).
    #[arg(required = true)]
    policies: Vec<PathBuf>,
}

/// Whether `text`'s root element is `<fragment>` (after the XML declaration, comments and
/// whitespace).
fn is_fragment(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("<?") {
            rest = after.split_once("?>").map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    rest.strip_prefix("<fragment")
        .is_some_and(|r| r.starts_with(|c: char| c == '>' || c == '/' || c.is_whitespace()))
}

/// Runs `check`.
pub(crate) fn run(args: &CheckArgs) -> Result<(), Fail> {
    let mut failed = false;
    let options = LoadOptions::default();
    for path in &args.policies {
        let text = read_text(path)?;
        let result = if is_fragment(&text) {
            Policy::check_fragment(&text, &options)
        } else {
            Policy::load(&text).map(|_| ())
        };
        if let Err(errors) = result {
            failed = true;
            for e in &errors.errors {
                eprintln!("{}:{}: {}", path.display(), e.position, e.message);
            }
        }
    }
    if failed { Err(silent(1)) } else { Ok(()) }
}
