//! The `allo-collector` binary: `allo-collector user …` manages inbox accounts; anything else
//! parses the server's configuration and runs it. Failure exits with 2.
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let result = if allo_collector::users::is_user_command(&args) {
        allo_collector::users::run(args)
    } else {
        // clap prints its own message and exits with 2 for a bad command line.
        allo_collector::run(allo_collector::Config::parse().with_env_fallbacks())
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("allo-collector: error: {e}");
            ExitCode::from(2)
        }
    }
}
