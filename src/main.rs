//! The `apim-policy` command line: a thin shell over the library for scripts and CI.
//!
//! Exit codes: 0 success (for `eval`: the evaluation ran, whatever its outcome); 1 a policy
//! failed to load (`check`, `eval`) or a certificate did not verify (`verify`); 2 bad arguments
//! or unreadable files.
#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
