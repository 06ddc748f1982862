//! The `allo-collector` binary: `allo-collector user …` manages inbox accounts, `backup`
//! copies the database; anything else parses the server's configuration and runs it.
//! Failure exits with 2.
use std::process::ExitCode;

use allo_collector::config::{Command, DatabaseUrl};
use clap::Parser;

fn main() -> ExitCode {
    // clap prints its own message and exits with 2 for a bad command line.
    let config = allo_collector::Config::parse().with_env_fallbacks();
    let result = match &config.command {
        None => allo_collector::run(config).map_err(|e| e.to_string()),
        Some(Command::Backup { out }) => backup(&config.database(), out),
        Some(Command::User { command }) => {
            allo_collector::users::run(&config, command).map_err(|e| e.to_string())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("allo-collector: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `allo-collector backup OUT`: one line on stdout naming the copy, for logs and scripts.
// The message is printed on stderr before exit code 1, never matched on.
fn backup(database: &DatabaseUrl, out: &std::path::Path) -> Result<(), String> {
    let DatabaseUrl::Sqlite(db) = database else {
        return Err(
            "backup copies a SQLite database; back PostgreSQL up with pg_dump (docs/deploy.md)"
                .to_owned(),
        );
    };
    let report = allo_collector::backup::backup(db, out).map_err(|e| e.to_string())?;
    println!(
        "backup: {} ({} bytes, {} submissions, integrity ok)",
        report.path.display(),
        report.bytes,
        report.submissions
    );
    Ok(())
}
