//! `apim-policy check FILE...`: loads each policy document (`<policies>` root) or policy
//! fragment (`<fragment>` root) as APIM does when it is saved.

use std::path::PathBuf;
use std::sync::Arc;

use apim_policy::policy::{LoadOptions, Policy};
use clap::Args;

use super::{Fail, bad_input, read_text, silent};

/// Arguments of `check`.
#[derive(Args)]
pub(crate) struct CheckArgs {
    /// Policy documents (<policies> root) or policy fragments (<fragment> root).
    #[arg(required = true)]
    policies: Vec<PathBuf>,
    /// A named value, for {{NAME}} in the files (APIM refuses undefined named values).
    #[arg(long, value_name = "NAME=VALUE")]
    named_value: Vec<String>,
    /// A policy fragment the policies include (<include-fragment fragment-id="ID" />).
    #[arg(long, value_name = "ID=FILE")]
    fragment: Vec<String>,
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

/// Splits `NAME=VALUE`; the name must not be empty.
fn split<'a>(option: &str, spec: &'a str) -> Result<(&'a str, &'a str), Fail> {
    match spec.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim(), value)),
        _ => Err(bad_input(format!("--{option} {spec}: expected NAME=VALUE"))),
    }
}

/// Runs `check`.
pub(crate) fn run(args: &CheckArgs) -> Result<(), Fail> {
    let mut options = LoadOptions::default();
    for spec in &args.named_value {
        let (name, value) = split("named-value", spec)?;
        options
            .named_values
            .insert(name.to_owned(), value.to_owned());
    }
    let mut fragment_files = Vec::new();
    for spec in &args.fragment {
        let (id, file) = split("fragment", spec)?;
        let path = PathBuf::from(file);
        options
            .fragments
            .insert(id.to_owned(), Arc::from(read_text(&path)?.as_str()));
        fragment_files.push((id.to_owned(), path));
    }
    let mut failed = false;
    for path in &args.policies {
        let text = read_text(path)?;
        let result = if is_fragment(&text) {
            Policy::check_fragment(&text, &options)
        } else {
            Policy::load_with(&text, &options).map(|_| ())
        };
        if let Err(errors) = result {
            failed = true;
            for e in &errors.errors {
                // An error inside an included fragment is reported in the fragment's file.
                let file = e
                    .fragment
                    .as_ref()
                    .and_then(|id| fragment_files.iter().rev().find(|(f, _)| f == id))
                    .map_or(path, |(_, p)| p);
                eprintln!("{}:{}: {}", file.display(), e.position, e.message);
            }
        }
    }
    if failed { Err(silent(1)) } else { Ok(()) }
}
