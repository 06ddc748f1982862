//! `allo-collector user add|list|disable|enable|reset-password|role`: managing inbox
//! accounts from the command line, and the account-making steps the inbox's accounts page
//! shares with it.
//!
//! Passwords never come from argv (other users of the machine can read a process's command
//! line): on a terminal they are read from a no-echo prompt, typed twice; otherwise the first
//! line of stdin is the password (`printf '%s\n' "$PW" | allo-collector user add …`).
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::accounts::{self, AccountError, Role};
use crate::config::{parse_database_url, DatabaseUrl};
use crate::store::accounts::{AccountChange, Changed, NewAccount};
use crate::StartError;

/// `allo-collector user …`.
#[derive(Debug, Parser)]
#[command(
    name = "allo-collector user",
    about = "Manage inbox accounts (the password is read from a prompt or stdin, never argv)"
)]
pub struct UserCli {
    /// Path of the SQLite database file (the same as the server's --db).
    #[arg(long, env = "ALLO_DB", default_value = "allo.sqlite", global = true)]
    pub db: PathBuf,

    /// Database URL (the same as the server's --database-url); DATABASE_URL is read too.
    #[arg(long, env = "ALLO_DATABASE_URL", value_name = "URL", value_parser = parse_database_url, hide_env_values = true, global = true)]
    pub database_url: Option<DatabaseUrl>,

    /// What to do.
    #[command(subcommand)]
    pub command: UserCommand,
}

/// The account commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account.
    Add {
        /// The login email.
        email: String,
        /// `owner` (everything) or `agent` (the queue and items only).
        #[arg(long, default_value = "agent")]
        role: String,
        /// The name shown beside the email.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List the accounts (email, role, state, name).
    List,
    /// Disable an account: no more logins, its sessions end now.
    Disable {
        /// The account's email.
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// The account's email.
        email: String,
    },
    /// Set a new password; the account's sessions end now.
    ResetPassword {
        /// The account's email.
        email: String,
    },
    /// Change an account's role.
    Role {
        /// The account's email.
        email: String,
        /// `owner` or `agent`.
        role: String,
    },
}

/// True when the command line is `allo-collector user …` (the binary dispatches on it).
pub fn is_user_command(args: &[String]) -> bool {
    args.get(1).is_some_and(|a| a == "user")
}

/// A new account from typed values, its password hashed off the async threads.
pub async fn new_account(
    email: &str,
    name: &str,
    role: &str,
    password: &str,
) -> Result<NewAccount, AccountError> {
    let email = accounts::normalize_email(email)?;
    let name = accounts::normalize_name(name)?;
    let role: Role = role.parse()?;
    let password_hash = hash_new_password(password.to_owned()).await?;
    Ok(NewAccount {
        email,
        name,
        role,
        password_hash,
        created_at: crate::time::now_rfc3339(),
    })
}

/// Checks a new password and hashes it on the blocking pool.
pub async fn hash_new_password(password: String) -> Result<String, AccountError> {
    accounts::check_password(&password)?;
    tokio::task::spawn_blocking(move || accounts::hash_password(&password))
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))?
}

/// Reads a password: a no-echo prompt typed twice on a terminal, else stdin's first line.
fn read_password() -> Result<String, StartError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")
            .map_err(|e| StartError(format!("cannot read the password: {e}")))?;
        let again = rpassword::prompt_password("Again: ")
            .map_err(|e| StartError(format!("cannot read the password: {e}")))?;
        if first != again {
            return Err(StartError("the two passwords differ".into()));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| StartError(format!("cannot read the password from stdin: {e}")))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// Runs `allo-collector user …` (`args` is the whole command line); what it prints goes to
/// stdout, errors come back for stderr and exit status 2.
pub fn run(args: Vec<String>) -> Result<(), StartError> {
    // `allo-collector user add …` → clap sees `allo-collector-user add …`.
    let cli = UserCli::parse_from(
        std::iter::once("allo-collector user".to_owned()).chain(args.into_iter().skip(2)),
    );
    let mut config = crate::Config::new(cli.db.clone());
    config.database_url = cli.database_url.clone();
    let database = config.with_env_fallbacks().database();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StartError(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        let store = crate::open_store(&database).await?;
        let fail = |e: crate::store::StoreError| StartError(e.to_string());
        let find = |email: String| {
            let store = std::sync::Arc::clone(&store);
            async move {
                let email =
                    accounts::normalize_email(&email).map_err(|e| StartError(e.to_string()))?;
                store
                    .account_by_email(email.clone())
                    .await
                    .map_err(|e| StartError(e.to_string()))?
                    .map(|(a, _)| a)
                    .ok_or_else(|| StartError(format!("no account has the email {email}")))
            }
        };
        let change = |id: i64, change: AccountChange| {
            let store = std::sync::Arc::clone(&store);
            async move {
                match store.change_account(id, change).await.map_err(fail)? {
                    Changed::Done(a) => Ok(a),
                    Changed::NotFound => Err(StartError(AccountError::NotFound.to_string())),
                    Changed::LastOwner => Err(StartError(AccountError::LastOwner.to_string())),
                }
            }
        };
        match cli.command {
            UserCommand::Add { email, role, name } => {
                // Check what can be checked before asking for the password.
                accounts::normalize_email(&email).map_err(|e| StartError(e.to_string()))?;
                role.parse::<Role>()
                    .map_err(|e| StartError(e.to_string()))?;
                let password = read_password()?;
                let new = new_account(&email, &name, &role, &password)
                    .await
                    .map_err(|e| StartError(e.to_string()))?;
                match store.create_account(new).await.map_err(fail)? {
                    Some(a) => println!("added {} ({})", a.email, a.role.as_str()),
                    None => return Err(StartError(AccountError::EmailTaken.to_string())),
                }
            }
            UserCommand::List => {
                for a in store.accounts().await.map_err(fail)? {
                    println!(
                        "{}\t{}\t{}\t{}",
                        a.email,
                        a.role.as_str(),
                        if a.disabled { "disabled" } else { "enabled" },
                        a.name
                    );
                }
            }
            UserCommand::Disable { email } => {
                let a = change(find(email).await?.id, AccountChange::Disable).await?;
                println!("disabled {} (its sessions ended)", a.email);
            }
            UserCommand::Enable { email } => {
                let a = change(find(email).await?.id, AccountChange::Enable).await?;
                println!("enabled {}", a.email);
            }
            UserCommand::ResetPassword { email } => {
                let a = find(email).await?;
                let hash = hash_new_password(read_password()?)
                    .await
                    .map_err(|e| StartError(e.to_string()))?;
                let a = change(a.id, AccountChange::Password(hash)).await?;
                println!("new password for {} (its sessions ended)", a.email);
            }
            UserCommand::Role { email, role } => {
                let role: Role = role
                    .parse()
                    .map_err(|e: AccountError| StartError(e.to_string()))?;
                let a = change(find(email).await?.id, AccountChange::Role(role)).await?;
                println!("{} is now {}", a.email, a.role.as_str());
            }
        }
        Ok(())
    })
}
