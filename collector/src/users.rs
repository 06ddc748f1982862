//! `allo-collector user add|list|disable|enable|reset-password|role`: managing inbox
//! accounts from the command line, and the account-making steps the inbox's accounts page
//! shares with it.
//!
//! Passwords never come from argv (other users of the machine can read a process's command
//! line): on a terminal they are read from a no-echo prompt, typed twice; otherwise the first
//! line of stdin is the password (`printf '%s\n' "$PW" | allo-collector user add …`).
use std::io::{BufRead, IsTerminal};

use crate::accounts::{self, AccountError, Role};
use crate::config::{Config, UserCommand};
use crate::store::accounts::{AccountChange, Changed, NewAccount};
use crate::store::StoreError;
use crate::StartError;

/// Why an account command failed: one line for stderr (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The terminal prompt failed.
    #[error("cannot read the password: {0}")]
    Prompt(std::io::Error),
    /// The password and its repetition differ.
    #[error("the two passwords differ")]
    PasswordsDiffer,
    /// Stdin could not be read.
    #[error("cannot read the password from stdin: {0}")]
    Stdin(std::io::Error),
    /// The async runtime cannot start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// No account has this email.
    #[error("no account has the email {0}")]
    NoSuchEmail(String),
    /// The change was refused (bad email, password, role; last owner; taken email).
    #[error(transparent)]
    Account(#[from] AccountError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The database could not be opened.
    #[error(transparent)]
    Open(#[from] StartError),
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
fn read_password() -> Result<String, UserError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(UserError::Prompt)?;
        let again = rpassword::prompt_password("Again: ").map_err(UserError::Prompt)?;
        if first != again {
            return Err(UserError::PasswordsDiffer);
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(UserError::Stdin)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// Runs `allo-collector user …` on the database `config` names (its `--db` and
/// `--database-url`, the server's own flags); what it prints goes to stdout, errors come back
/// for stderr and exit status 2.
pub fn run(config: &Config, command: &UserCommand) -> Result<(), UserError> {
    let database = config.database();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(UserError::Runtime)?;
    runtime.block_on(async move {
        let store = crate::open_store(&database).await?;
        let find = |email: String| {
            let store = std::sync::Arc::clone(&store);
            async move {
                let email = accounts::normalize_email(&email)?;
                store
                    .account_by_email(email.clone())
                    .await?
                    .map(|(a, _)| a)
                    .ok_or(UserError::NoSuchEmail(email))
            }
        };
        let change = |id: i64, change: AccountChange| {
            let store = std::sync::Arc::clone(&store);
            async move {
                match store.change_account(id, change).await? {
                    Changed::Done(a) => Ok(a),
                    Changed::NotFound => Err(UserError::Account(AccountError::NotFound)),
                    Changed::LastOwner => Err(UserError::Account(AccountError::LastOwner)),
                }
            }
        };
        match command.clone() {
            UserCommand::Add { email, role, name } => {
                // Check what can be checked before asking for the password.
                accounts::normalize_email(&email)?;
                role.parse::<Role>()?;
                let password = read_password()?;
                let new = new_account(&email, &name, &role, &password).await?;
                match store.create_account(new).await? {
                    Some(a) => println!("added {} ({})", a.email, a.role.as_str()),
                    None => return Err(AccountError::EmailTaken.into()),
                }
            }
            UserCommand::List => {
                for a in store.accounts().await? {
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
                let hash = hash_new_password(read_password()?).await?;
                let a = change(a.id, AccountChange::Password(hash)).await?;
                println!("new password for {} (its sessions ended)", a.email);
            }
            UserCommand::Role { email, role } => {
                let role: Role = role.parse()?;
                let a = change(find(email).await?.id, AccountChange::Role(role)).await?;
                println!("{} is now {}", a.email, a.role.as_str());
            }
        }
        Ok(())
    })
}
