//! The `allo-collector` binary: parse the configuration, run the library, map failure to exit 2.
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // clap prints its own message and exits with 2 for a bad command line.
    let config = allo_collector::Config::parse().with_env_fallbacks();
    match allo_collector::run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("allo-collector: error: {e}");
            ExitCode::from(2)
        }
    }
}
