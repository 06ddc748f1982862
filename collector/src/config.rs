//! Command-line and environment configuration.
//!
//! Every flag has an environment variable twin so the collector runs unchanged from a shell,
//! a systemd unit or a container. Values are checked here, while parsing, so a typo in an
//! origin or an address stops the process before it binds anything (clap then exits with 2).
use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

use crate::owner_zone::Zone;
use crate::time::parse_duration;
use crate::webhook::{WebhookFormat, WebhookSecret};

/// The collector's configuration.
#[derive(Clone, Debug, Parser)]
#[command(
    name = "allo-collector",
    version,
    about = "Allo's reference endpoint: receives widget submissions, stores them (SQLite or PostgreSQL), \
             shows them in an owner's inbox and forwards them to webhooks.",
    long_about = "Allo's reference endpoint: receives widget submissions on POST /v1/submissions, \
                  validates them with the widget's own rules and stores them in a SQLite file \
                  (or PostgreSQL with --database-url). Limits floods per client address and per \
                  phone number, refuses duplicate callback requests, serves a password-protected \
                  inbox at /inbox (people log in with accounts made by `allo-collector user add`; \
                  see `allo-collector user --help`) with CSV/JSON export, forwards each new \
                  submission to signed webhooks (--webhook-url) and by email to the owner \
                  (--smtp-host), answers visitors' status requests on \
                  GET /v1/submissions/{id}/status with the token each submission's answer \
                  carries, and optionally serves the built widget (and its demo page) from --site.",
    after_help = "Every option can also be set through the environment variable shown with it. \
                  DATABASE_URL is read too when ALLO_DATABASE_URL is not set (postgres:// URLs only). \
                  Durations take a unit: 500ms, 90s, 10m, 1h, 2d. Bad values exit with status 2."
)]
pub struct Config {
    /// Address to listen on, `HOST:PORT`; port 0 picks a free port (the real one is printed).
    #[arg(long, env = "ALLO_LISTEN", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    pub listen: SocketAddr,

    /// Path of the SQLite database file; created (with its tables) when missing.
    #[arg(long, env = "ALLO_DB", default_value = "allo.sqlite", global = true)]
    pub db: PathBuf,

    /// Database URL: `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` stores in PostgreSQL instead
    /// of --db (plain TCP, no TLS: keep the database on the same host or a private network);
    /// `sqlite:PATH` is the same as --db PATH. Tables are created or migrated at start.
    #[arg(long, env = "ALLO_DATABASE_URL", value_name = "URL", value_parser = parse_database_url, hide_env_values = true, global = true)]
    pub database_url: Option<DatabaseUrl>,

    /// Directory served at `/` as static files, e.g. the widget's built `dist/` with its demo page.
    #[arg(long, env = "ALLO_SITE", value_name = "DIR")]
    pub site: Option<PathBuf>,

    /// Origin allowed to POST from a browser, e.g. `https://shop.example` or `http://localhost:3000`;
    /// repeat the flag or separate with commas; `*` allows any origin. Same-origin pages need none.
    #[arg(
        long = "allow-origin",
        env = "ALLO_ALLOW_ORIGINS",
        value_name = "ORIGIN",
        value_delimiter = ',',
        value_parser = clap::value_parser!(OriginRule)
    )]
    pub allow_origins: Vec<OriginRule>,

    /// Submissions accepted per minute from one client address (token bucket); 0 turns the
    /// per-address limit off. Over the limit: 429 with Retry-After.
    #[arg(
        long,
        env = "ALLO_RATE_LIMIT",
        default_value_t = 20,
        value_name = "PER_MINUTE"
    )]
    pub rate_limit: u32,

    /// How many submissions one client address may send at once before --rate-limit applies.
    #[arg(long, env = "ALLO_RATE_BURST", default_value_t = 10, value_name = "N")]
    pub rate_burst: u32,

    /// Take the client address from the last X-Forwarded-For hop (only behind a reverse proxy
    /// that sets it; otherwise visitors could forge it). Also trusts X-Forwarded-Proto for
    /// the inbox cookie's Secure flag.
    #[arg(long, env = "ALLO_TRUST_PROXY")]
    pub trust_proxy: bool,

    /// Callback requests accepted per phone number (E.164) per hour; 0 turns it off.
    /// Over the limit: 429 with Retry-After.
    #[arg(
        long,
        env = "ALLO_PHONE_LIMIT",
        default_value_t = 3,
        value_name = "PER_HOUR"
    )]
    pub phone_limit: u32,

    /// A callback request for a number that already has an open request (not called back or
    /// handled) received within this window is refused with 409 `duplicate`; 0 turns it off.
    #[arg(long, env = "ALLO_DUPLICATE_WINDOW", default_value = "10m", value_name = "DURATION", value_parser = parse_duration)]
    pub duplicate_window: Duration,

    /// The inbox's API credential for scripts (at least 16 characters), sent as
    /// `Authorization: Bearer TOKEN`, with an owner's rights. People log in with their own
    /// accounts instead (`allo-collector user add`). With neither a token nor an account the
    /// inbox is disabled (404).
    #[arg(long, env = "ALLO_INBOX_TOKEN", value_name = "TOKEN", value_parser = parse_inbox_token, hide_env_values = true)]
    pub inbox_token: Option<String>,

    /// URL that receives every new submission as a signed POST (Standard Webhooks); repeat
    /// the flag or separate with commas. http:// or https:// (e.g. a Slack incoming webhook);
    /// https receivers' certificates are checked against the bundled Mozilla roots (and
    /// --webhook-ca-file), and an https URL is never sent to in plain text. Deliveries are
    /// queued in the database and retried with exponential backoff, also across restarts.
    #[arg(long = "webhook-url", env = "ALLO_WEBHOOK_URLS", value_name = "URL", value_delimiter = ',', value_parser = parse_webhook_url)]
    pub webhook_urls: Vec<String>,

    /// Signing secret for webhooks in the Standard Webhooks format `whsec_<base64>`; adds the
    /// `webhook-signature` header. Without it deliveries are unsigned.
    #[arg(
        long,
        env = "ALLO_WEBHOOK_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub webhook_secret: Option<WebhookSecret>,

    /// PEM file of extra CA certificates trusted for https webhooks (a receiver behind an
    /// internal CA), beside the bundled Mozilla roots. Read at start: a missing or broken
    /// file is an error.
    #[arg(long, env = "ALLO_WEBHOOK_CA_FILE", value_name = "PATH")]
    pub webhook_ca_file: Option<PathBuf>,

    /// Webhook body: `standard` (JSON event with the whole submission) or `slack`
    /// (`{"text": …}` for Slack-compatible incoming webhooks).
    #[arg(long, env = "ALLO_WEBHOOK_FORMAT", value_enum, default_value_t = WebhookFormat::Standard, value_name = "FORMAT")]
    pub webhook_format: WebhookFormat,

    /// Delay before the first webhook retry; it doubles per attempt up to an hour, and a
    /// delivery is abandoned after 30 attempts (about a day).
    #[arg(long, env = "ALLO_WEBHOOK_RETRY", default_value = "5s", value_name = "DURATION", value_parser = parse_duration)]
    pub webhook_retry: Duration,

    /// Status requests (`GET /v1/submissions/{id}/status`) accepted per minute from one
    /// client address, after a burst of as many; 0 turns the limit off. Over it: 429.
    #[arg(
        long,
        env = "ALLO_STATUS_RATE_LIMIT",
        default_value_t = 60,
        value_name = "PER_MINUTE"
    )]
    pub status_rate_limit: u32,

    /// Wrong credentials accepted per minute from one client address, all kinds together
    /// (inbox Bearer token, login form, session cookie, visitors' status tokens), after a
    /// burst of as many. Over it, every credential from that address is answered 429 with
    /// Retry-After without being checked. Each wrong one is logged at warn with the address
    /// (never the credential). 0 turns the limit off (failures are still logged).
    #[arg(
        long,
        env = "ALLO_AUTH_FAILURE_LIMIT",
        default_value_t = crate::ratelimit::DEFAULT_AUTH_FAILURES,
        value_name = "PER_MINUTE"
    )]
    pub auth_failure_limit: u32,

    /// Time a client has to send a request's headers, counted from when the connection
    /// waits for a request (so it is also how long an idle keep-alive connection stays open).
    #[arg(long, env = "ALLO_HEADER_TIMEOUT", default_value = "10s", value_name = "DURATION", value_parser = parse_duration)]
    pub header_timeout: Duration,

    /// Time a client has to send a request's whole body, once its headers arrived; a slower
    /// submission is answered 408.
    #[arg(long, env = "ALLO_BODY_TIMEOUT", default_value = "20s", value_name = "DURATION", value_parser = parse_duration)]
    pub body_timeout: Duration,

    /// A connection that moves no byte either way for this long is closed (a client that
    /// stopped reading its answer, for instance).
    #[arg(long, env = "ALLO_IDLE_TIMEOUT", default_value = "60s", value_name = "DURATION", value_parser = parse_duration)]
    pub idle_timeout: Duration,

    /// Most connections open at once from one client address; more are closed as soon as
    /// they are accepted. 0 turns the cap off. Behind --trust-proxy the connections all come
    /// from the proxy: raise it (or 0) there.
    #[arg(
        long,
        env = "ALLO_MAX_CONNECTIONS_PER_IP",
        default_value_t = crate::serve::DEFAULT_PER_ADDRESS,
        value_name = "N"
    )]
    pub max_connections_per_ip: usize,

    /// SMTP server for owner notifications: with --smtp-from and --smtp-to, every new
    /// submission is emailed (plain text: the request, its promise and due time, urgency in
    /// the subject, a link to the inbox item with --public-url). Queued in the database with
    /// the submission and retried with backoff; failures show in the inbox.
    #[arg(long, env = "ALLO_SMTP_HOST", value_name = "HOST")]
    pub smtp_host: Option<String>,

    /// SMTP port: 25 for a local relay, 587 for a provider's submission port (with
    /// --smtp-starttls).
    #[arg(
        long,
        env = "ALLO_SMTP_PORT",
        default_value_t = 25,
        value_name = "PORT"
    )]
    pub smtp_port: u16,

    /// Sender address of notifications (`From:` and envelope sender).
    #[arg(long, env = "ALLO_SMTP_FROM", value_name = "ADDRESS", value_parser = crate::mail::parse_address)]
    pub smtp_from: Option<String>,

    /// Recipient of notifications; repeat the flag or separate with commas.
    #[arg(long = "smtp-to", env = "ALLO_SMTP_TO", value_name = "ADDRESS", value_delimiter = ',', value_parser = crate::mail::parse_address)]
    pub smtp_to: Vec<String>,

    /// SMTP login (AUTH PLAIN, or LOGIN when only that is offered); needs --smtp-password.
    #[arg(long, env = "ALLO_SMTP_USERNAME", value_name = "USER")]
    pub smtp_username: Option<String>,

    /// SMTP password for --smtp-username.
    #[arg(
        long,
        env = "ALLO_SMTP_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,

    /// Upgrade the SMTP connection with STARTTLS before logging in or sending; the server's
    /// certificate is checked against the bundled Mozilla roots (and --smtp-ca-file).
    #[arg(long, env = "ALLO_SMTP_STARTTLS")]
    pub smtp_starttls: bool,

    /// Speak TLS from the first byte ("implicit TLS", SMTPS, usually port 465) instead of
    /// plain text; the certificate is checked like --smtp-starttls's.
    #[arg(long, env = "ALLO_SMTP_TLS", conflicts_with = "smtp_starttls")]
    pub smtp_tls: bool,

    /// PEM file of extra CA certificates trusted for --smtp-starttls or --smtp-tls (a private
    /// relay's own CA), beside the bundled Mozilla roots.
    #[arg(long, env = "ALLO_SMTP_CA_FILE", value_name = "PATH")]
    pub smtp_ca_file: Option<PathBuf>,

    /// Delay before the first notification retry; it doubles per attempt up to an hour, and
    /// a notification is abandoned after 30 attempts.
    #[arg(long, env = "ALLO_SMTP_RETRY", default_value = "30s", value_name = "DURATION", value_parser = parse_duration)]
    pub smtp_retry: Duration,

    /// Public base URL of this collector's inbox, e.g. `https://shop.example` (behind a
    /// proxy) or `http://127.0.0.1:8080`; notifications link to `URL/inbox/item/ID`.
    #[arg(long, env = "ALLO_PUBLIC_URL", value_name = "URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,

    /// Where visitors' answers to the shop's emails go (`Reply-To`); default: the first
    /// --smtp-to.
    #[arg(long, env = "ALLO_SMTP_REPLY_TO", value_name = "ADDRESS", value_parser = crate::mail::parse_address)]
    pub smtp_reply_to: Option<String>,

    /// Also email each visitor who left an address a receipt of their request: the
    /// reference, what they asked, the promise exactly as the widget showed it, a link to
    /// their status page. (Delay and missed-call notices and the inbox's replies go to them
    /// whenever --smtp-host and --public-url are set.)
    #[arg(long, env = "ALLO_VISITOR_RECEIPTS")]
    pub visitor_receipts: bool,

    /// JSON file of the owner's wording for visitor emails and pages, like the widget's
    /// `strings`: `{"label_promise": "…", "fr": {"label_promise": "…"}}` (keys: see
    /// docs/inbox.md); an unknown key or language stops the collector at start.
    #[arg(long, env = "ALLO_VISITOR_STRINGS", value_name = "PATH")]
    pub visitor_strings: Option<PathBuf>,

    /// Time zone the inbox shows times in and reads typed times and dates in, also used for
    /// the times in notification emails and Slack-format webhooks: an IANA name such as
    /// `Europe/Paris` or `America/New_York` (with daylight saving), or `UTC`. Storage, Standard
    /// Webhooks payloads and CSV/JSON exports stay in UTC (RFC 3339 with `Z`).
    #[arg(long, env = "ALLO_TIMEZONE", default_value = "UTC", value_name = "ZONE", value_parser = parse_timezone)]
    pub timezone: Zone,

    /// Calls to a callback's visitor that may fail (no answer, voicemail) before calling is
    /// given up and the request is flagged for another channel (email, when known); a wrong
    /// number gives up at once.
    #[arg(long, env = "ALLO_CALLBACK_ATTEMPTS", default_value_t = crate::attempts::DEFAULT_MAX_FAILED, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub callback_attempts: u32,

    /// The shop's opening hours, in --timezone, the same spec as the widget's `data-hours`
    /// (`Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-13:00`): retries after a missed call are
    /// offered inside them ("in 30 minutes" at closing time is the next opening). Without
    /// them any time is offered.
    #[arg(long, env = "ALLO_OPENING_HOURS", value_name = "SPEC", value_parser = parse_hours)]
    pub opening_hours: Option<allo_core::hours::OpeningHours>,

    /// Dates the shop is closed all day, comma-separated `YYYY-MM-DD` (the widget's
    /// `data-closed`), skipped when offering retries.
    #[arg(long, env = "ALLO_CLOSED_DATES", value_name = "DATES", value_parser = parse_closed)]
    pub closed_dates: Option<allo_core::hours::ClosedDates>,

    /// Email a weekly digest (last week's scores, promises kept, overdue requests, the
    /// lowest-scored comments) to the --smtp-to recipients every Monday from 09:00 in
    /// --timezone, once per week even with several collectors on one database. Needs
    /// --smtp-host.
    #[arg(long, env = "ALLO_DIGEST")]
    pub digest: bool,

    /// Log verbosity on stderr: error, warn, info, debug or trace.
    #[arg(long, env = "ALLO_LOG", default_value = "info", value_name = "LEVEL")]
    pub log: tracing::Level,

    /// A one-off command instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A setting that is wrong or half given, found when the collector starts; each message
/// names the flag to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--smtp-from` or `--smtp-to` without a server.
    #[error("--smtp-from/--smtp-to need --smtp-host")]
    SmtpWithoutHost,
    /// `--smtp-host ""`.
    #[error("--smtp-host is empty")]
    SmtpHostEmpty,
    /// A server without a sender.
    #[error("--smtp-host needs --smtp-from (the sender address)")]
    SmtpWithoutFrom,
    /// A server without anyone to notify.
    #[error("--smtp-host needs at least one --smtp-to (who gets notified)")]
    SmtpWithoutTo,
    /// Both ways of encrypting.
    #[error("--smtp-starttls and --smtp-tls: choose one")]
    SmtpTlsTwice,
    /// A CA file for a plain connection.
    #[error("--smtp-ca-file is only used with --smtp-starttls or --smtp-tls")]
    SmtpCaWithoutTls,
    /// One half of the SMTP credentials.
    #[error("--smtp-username and --smtp-password go together")]
    SmtpHalfCredentials,
    /// Receipts without a mail server.
    #[error("--visitor-receipts needs --smtp-host")]
    ReceiptsWithoutSmtp,
    /// Receipts without the status page they link to.
    #[error("--visitor-receipts needs --public-url (receipts link to the visitor's status page)")]
    ReceiptsWithoutPublicUrl,
    /// A webhook CA file without a webhook.
    #[error("--webhook-ca-file is only used with --webhook-url")]
    WebhookCaWithoutUrl,
    /// The webhook CA file cannot be used.
    #[error(transparent)]
    WebhookTls(#[from] crate::tls::TlsError),
    /// `--visitor-strings` cannot be read.
    #[error("{flag}: {source}")]
    StringsUnreadable {
        /// `--visitor-strings` and the path.
        flag: String,
        /// Why.
        source: std::io::Error,
    },
    /// `--visitor-strings` is not JSON.
    #[error("{flag}: not JSON: {source}")]
    StringsNotJson {
        /// `--visitor-strings` and the path.
        flag: String,
        /// Where and why.
        source: serde_json::Error,
    },
    /// `--visitor-strings` is JSON but not the object it should be; `problem` says where.
    #[error("{flag}: {problem}")]
    StringsShape {
        /// `--visitor-strings` and the path.
        flag: String,
        /// What is wrong, naming the key or language.
        problem: String,
    },
}

/// Reads `--visitor-strings`: `{"key": "text", "fr": {"key": "text"}}` into (language or
/// `*`, key, text), refusing unknown keys and languages by name.
pub fn read_visitor_strings(
    path: &std::path::Path,
) -> Result<Vec<(String, String, String)>, ConfigError> {
    use allo_core::mail_text::MailStrings;
    let flag = format!("--visitor-strings {}", path.display());
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::StringsUnreadable {
        flag: flag.clone(),
        source,
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| ConfigError::StringsNotJson {
            flag: flag.clone(),
            source,
        })?;
    let shape = |problem: String| ConfigError::StringsShape {
        flag: flag.clone(),
        problem,
    };
    let top = value
        .as_object()
        .ok_or_else(|| shape("expected an object of strings".into()))?;
    let known = |key: &str| {
        if MailStrings::KEYS.contains(&key) {
            Ok(())
        } else {
            Err(shape(format!("unknown key `{key}`")))
        }
    };
    let mut out = Vec::new();
    for (name, v) in top {
        match v {
            serde_json::Value::String(text) => {
                known(name)?;
                out.push(("*".to_owned(), name.clone(), text.clone()));
            }
            serde_json::Value::Object(per_lang) => {
                let lang = allo_core::i18n::Lang::ALL
                    .into_iter()
                    .find(|l| l.code() == name)
                    .ok_or_else(|| shape(format!("unknown language `{name}`")))?;
                for (key, text) in per_lang {
                    known(key)?;
                    let text = text
                        .as_str()
                        .ok_or_else(|| shape(format!("`{name}.{key}` is not a string")))?;
                    out.push((lang.code().to_owned(), key.clone(), text.to_owned()));
                }
            }
            _ => return Err(shape(format!("`{name}` is not a string or an object"))),
        }
    }
    Ok(out)
}

/// Checks `--public-url`: an absolute `http(s)://host[:port][/path]`, kept without a trailing
/// slash.
// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
pub fn parse_public_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let uri: axum::http::Uri = s.parse().map_err(|e| format!("`{s}` is not a URL: {e}"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none_or(str::is_empty) {
        return Err(format!("`{s}` must be an absolute http:// or https:// URL"));
    }
    if uri.query().is_some() || s.contains('#') {
        return Err(format!("`{s}`: a base URL has no query or fragment"));
    }
    Ok(s.trim_end_matches('/').to_owned())
}

/// Parses `--opening-hours` with the widget's own parser.
// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
fn parse_hours(s: &str) -> Result<allo_core::hours::OpeningHours, String> {
    allo_core::hours::OpeningHours::parse(s).map_err(|e| e.to_string())
}

/// Parses `--closed-dates` with the widget's own parser.
// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
fn parse_closed(s: &str) -> Result<allo_core::hours::ClosedDates, String> {
    allo_core::hours::ClosedDates::parse(s).map_err(|e| e.to_string())
}

/// Parses `--timezone`: a name the time zone database knows.
// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
fn parse_timezone(s: &str) -> Result<Zone, String> {
    Zone::named(s).map_err(|e| e.to_string())
}

/// Where submissions are stored.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A PostgreSQL connection URL (checked to parse).
    Postgres(String),
    /// A SQLite file.
    Sqlite(PathBuf),
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Never print the password, not even in debug output.
            DatabaseUrl::Postgres(url) => match url.parse::<tokio_postgres::Config>() {
                Ok(c) => write!(f, "Postgres({})", crate::store::postgres::redact(&c)),
                Err(_) => f.write_str("Postgres(…)"),
            },
            DatabaseUrl::Sqlite(p) => write!(f, "Sqlite({})", p.display()),
        }
    }
}

/// Parses `--database-url`.
// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
pub fn parse_database_url(s: &str) -> Result<DatabaseUrl, String> {
    let s = s.trim();
    if crate::store::postgres::is_postgres_url(s) {
        s.parse::<tokio_postgres::Config>()
            .map_err(|e| format!("not a usable PostgreSQL URL: {e}"))?;
        return Ok(DatabaseUrl::Postgres(s.to_owned()));
    }
    if let Some(path) = s
        .strip_prefix("sqlite://")
        .or_else(|| s.strip_prefix("sqlite:"))
    {
        if path.is_empty() {
            return Err("sqlite: needs a file path, e.g. sqlite:allo.sqlite".into());
        }
        return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
    }
    Err("use postgres://USER@HOST:PORT/DB (or sqlite:PATH)".into())
}

/// The shortest inbox token accepted: long enough that guessing it over HTTP is hopeless.
pub const INBOX_TOKEN_MIN: usize = 16;

// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
fn parse_inbox_token(s: &str) -> Result<String, String> {
    if s.chars().count() < INBOX_TOKEN_MIN || s.trim() != s {
        return Err(format!(
            "the inbox token must be at least {INBOX_TOKEN_MIN} characters without surrounding spaces \
             (e.g. the output of `openssl rand -hex 16`)"
        ));
    }
    Ok(s.to_owned())
}

/// Checks a webhook URL: absolute `http://` or `https://host[:port][/path]`.
// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
pub fn parse_webhook_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let uri: axum::http::Uri = s.parse().map_err(|e| format!("`{s}` is not a URL: {e}"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err(format!("`{s}` must start with http:// or https://"));
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(format!("`{s}` has no host"));
    }
    Ok(s.to_owned())
}

/// The collector's one-off commands (without one, it serves).
#[derive(Clone, Debug, clap::Subcommand)]
pub enum Command {
    /// Copies the SQLite database (--db) to OUT while the collector runs (VACUUM INTO), then
    /// checks the copy with PRAGMA integrity_check. OUT must not exist; when it is a
    /// directory, the copy is named allo-YYYYMMDDTHHMMSSZ.sqlite inside it.
    Backup {
        /// The file (or existing directory) to write the copy to.
        #[arg(value_name = "OUT")]
        out: PathBuf,
    },
    /// Manage inbox accounts (the password is read from a prompt or stdin, never argv) in the
    /// database --db or --database-url names.
    User {
        /// What to do.
        #[command(subcommand)]
        command: UserCommand,
    },
}

/// The account commands.
#[derive(Clone, Debug, clap::Subcommand)]
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

impl Config {
    /// A configuration with the defaults, for embedding and tests.
    pub fn new(db: impl Into<PathBuf>) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: db.into(),
            site: None,
            allow_origins: Vec::new(),
            database_url: None,
            rate_limit: 20,
            rate_burst: 10,
            trust_proxy: false,
            phone_limit: 3,
            duplicate_window: Duration::from_secs(600),
            inbox_token: None,
            webhook_urls: Vec::new(),
            webhook_secret: None,
            webhook_ca_file: None,
            webhook_format: WebhookFormat::Standard,
            webhook_retry: Duration::from_secs(5),
            status_rate_limit: 60,
            auth_failure_limit: crate::ratelimit::DEFAULT_AUTH_FAILURES,
            header_timeout: crate::serve::DEFAULT_TIMEOUTS.header_read,
            body_timeout: crate::serve::DEFAULT_TIMEOUTS.body_read,
            idle_timeout: crate::serve::DEFAULT_TIMEOUTS.idle,
            max_connections_per_ip: crate::serve::DEFAULT_PER_ADDRESS,
            smtp_host: None,
            smtp_port: 25,
            smtp_from: None,
            smtp_to: Vec::new(),
            smtp_username: None,
            smtp_password: None,
            smtp_starttls: false,
            smtp_tls: false,
            smtp_ca_file: None,
            smtp_retry: Duration::from_secs(30),
            public_url: None,
            smtp_reply_to: None,
            visitor_receipts: false,
            visitor_strings: None,
            timezone: Zone::utc(),
            callback_attempts: crate::attempts::DEFAULT_MAX_FAILED,
            opening_hours: None,
            closed_dates: None,
            digest: false,
            log: tracing::Level::INFO,
            command: None,
        }
    }

    /// The connection limits the accept loop applies (see [`crate::serve`]).
    pub fn connection_limits(&self) -> crate::serve::ConnectionLimits {
        crate::serve::ConnectionLimits {
            timeouts: crate::serve::Timeouts {
                header_read: self.header_timeout,
                body_read: self.body_timeout,
                idle: self.idle_timeout,
            },
            per_address: self.max_connections_per_ip,
        }
    }

    /// Fills `database_url` from `DATABASE_URL` when neither the flag nor
    /// `ALLO_DATABASE_URL` set it. Only PostgreSQL URLs are taken from there: the variable is
    /// common, and one meant for another program must not silently redirect this one.
    pub fn with_env_fallbacks(mut self) -> Config {
        if self.database_url.is_none() {
            if let Ok(url) = std::env::var("DATABASE_URL") {
                if crate::store::postgres::is_postgres_url(&url) {
                    self.database_url = parse_database_url(&url).ok();
                }
            }
        }
        self
    }

    /// Where submissions are stored, after `--database-url` and `--db`.
    pub fn database(&self) -> DatabaseUrl {
        self.database_url
            .clone()
            .unwrap_or_else(|| DatabaseUrl::Sqlite(self.db.clone()))
    }

    /// The email notification settings: `None` when notifications are off, an error naming
    /// the missing or contradictory flag when they are half configured.
    pub fn mail(
        &self,
    ) -> Result<Option<(crate::smtp::SmtpServer, crate::mail::MailSettings)>, ConfigError> {
        let Some(host) = self.smtp_host.as_deref().map(str::trim) else {
            if self.smtp_from.is_some() || !self.smtp_to.is_empty() {
                return Err(ConfigError::SmtpWithoutHost);
            }
            return Ok(None);
        };
        if host.is_empty() {
            return Err(ConfigError::SmtpHostEmpty);
        }
        let from = self.smtp_from.clone().ok_or(ConfigError::SmtpWithoutFrom)?;
        if self.smtp_to.is_empty() {
            return Err(ConfigError::SmtpWithoutTo);
        }
        if self.smtp_starttls && self.smtp_tls {
            return Err(ConfigError::SmtpTlsTwice);
        }
        if self.smtp_ca_file.is_some() && !self.smtp_starttls && !self.smtp_tls {
            return Err(ConfigError::SmtpCaWithoutTls);
        }
        if self.smtp_username.is_some() != self.smtp_password.is_some() {
            return Err(ConfigError::SmtpHalfCredentials);
        }
        let helo = from
            .rsplit_once('@')
            .map_or("localhost", |(_, domain)| domain)
            .to_owned();
        Ok(Some((
            crate::smtp::SmtpServer {
                host: host.to_owned(),
                port: self.smtp_port,
                username: self.smtp_username.clone(),
                password: self.smtp_password.clone(),
                security: if self.smtp_tls {
                    crate::smtp::Security::Tls
                } else if self.smtp_starttls {
                    crate::smtp::Security::StartTls
                } else {
                    crate::smtp::Security::Plain
                },
                helo,
                ca_file: self.smtp_ca_file.clone(),
            },
            crate::mail::MailSettings {
                from,
                to: self.smtp_to.clone(),
                public_url: self.public_url.clone(),
                zone: self.timezone.clone(),
            },
        )))
    }

    /// The settings of emails to visitors: `None` without SMTP or without --public-url (every
    /// email links to the visitor's status page), an error for a half-configured or broken
    /// --visitor-strings.
    pub fn visitor_mail(&self) -> Result<Option<crate::visitor_mail::VisitorMail>, ConfigError> {
        let overrides = match &self.visitor_strings {
            Some(path) => read_visitor_strings(path)?,
            None => Vec::new(),
        };
        let Some((_, settings)) = self.mail()? else {
            if self.visitor_receipts {
                return Err(ConfigError::ReceiptsWithoutSmtp);
            }
            return Ok(None);
        };
        let Some(public_url) = self.public_url.clone() else {
            if self.visitor_receipts {
                return Err(ConfigError::ReceiptsWithoutPublicUrl);
            }
            return Ok(None);
        };
        Ok(Some(crate::visitor_mail::VisitorMail {
            reply_to: self
                .smtp_reply_to
                .clone()
                .or_else(|| settings.to.first().cloned())
                .unwrap_or_else(|| settings.from.clone()),
            from: settings.from,
            public_url,
            receipts: self.visitor_receipts,
            overrides,
            zone: self.timezone.clone(),
        }))
    }

    /// The TLS settings for https webhooks: Mozilla's roots plus `--webhook-ca-file`. The
    /// file is read here, once, so a missing or broken one is a start-up error rather than
    /// a failure of every delivery; a CA file without any webhook is a mistake worth saying.
    pub fn webhook_tls(&self) -> Result<Arc<tokio_rustls::rustls::ClientConfig>, ConfigError> {
        if self.webhook_ca_file.is_some() && self.webhook_urls.is_empty() {
            return Err(ConfigError::WebhookCaWithoutUrl);
        }
        Ok(crate::tls::client_config(
            self.webhook_ca_file.as_deref(),
            "--webhook-ca-file",
        )?)
    }

    /// The rules for calling back, in the owner's zone.
    pub fn call_policy(&self) -> crate::attempts::CallPolicy {
        crate::attempts::CallPolicy {
            max_failed: self.callback_attempts,
            hours: crate::attempts::ShopHours {
                hours: self.opening_hours.clone().unwrap_or_default(),
                closed: self.closed_dates.clone().unwrap_or_default(),
                zone: self.timezone.clone(),
            },
        }
    }

    /// The origins as one policy, ready for the CORS middleware.
    pub fn origin_policy(&self) -> OriginPolicy {
        OriginPolicy::new(self.allow_origins.iter().cloned())
    }
}

/// Accepts `IP:PORT` as well as `localhost:PORT` (resolved once, first address wins).
// A clap value parser: clap prints its `String` after the flag's name, as a typed error would.
fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    s.to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| format!("`{s}` is not an address like 127.0.0.1:8080"))
}

/// One `--allow-origin` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginRule {
    /// `*`: any origin.
    Any,
    /// One exact origin, normalised to lowercase `scheme://host[:port]`.
    Exact(String),
}

impl FromStr for OriginRule {
    // Parsed by clap (`value_parser!(OriginRule)`): the `String` is printed after the flag.
    type Err = String;

    fn from_str(raw: &str) -> Result<OriginRule, String> {
        let s = raw.trim();
        if s == "*" {
            return Ok(OriginRule::Any);
        }
        let bad = |why: &str| {
            Err(format!(
                "`{raw}` is not an origin ({why}); use `scheme://host[:port]`, e.g. https://shop.example, or `*`"
            ))
        };
        // Browsers send the origin without a path; a trailing slash is a common copy-paste
        // from the address bar, so tolerate exactly that and nothing else.
        let s = s.strip_suffix('/').unwrap_or(s);
        let Some((scheme, rest)) = s.split_once("://") else {
            return bad("no scheme");
        };
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return bad("the scheme must be http or https");
        }
        if rest.is_empty() {
            return bad("no host");
        }
        if rest.contains(['/', '?', '#', '@', ' ', '*']) {
            return bad("only scheme, host and port belong in an origin");
        }
        let (host, port) = match rest.rsplit_once(':') {
            // `[::1]:8080` splits on the last colon; a bare `[::1]` has its colon inside brackets.
            Some((host, port)) if !port.contains(']') => (host, Some(port)),
            _ => (rest, None),
        };
        if host.is_empty() {
            return bad("no host");
        }
        if let Some(port) = port {
            if port.parse::<u16>().is_err() {
                return bad("the port must be a number up to 65535");
            }
        }
        Ok(OriginRule::Exact(format!(
            "{scheme}://{}",
            rest.to_ascii_lowercase()
        )))
    }
}

impl fmt::Display for OriginRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginRule::Any => f.write_str("*"),
            OriginRule::Exact(o) => f.write_str(o),
        }
    }
}

/// Which browser origins may call the API cross-origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    any: bool,
    exact: Vec<String>,
}

impl OriginPolicy {
    /// Builds the policy from rules; an empty list allows no cross-origin caller.
    pub fn new(rules: impl IntoIterator<Item = OriginRule>) -> OriginPolicy {
        let mut policy = OriginPolicy::default();
        for rule in rules {
            match rule {
                OriginRule::Any => policy.any = true,
                OriginRule::Exact(o) if !policy.exact.contains(&o) => policy.exact.push(o),
                OriginRule::Exact(_) => {}
            }
        }
        policy
    }

    /// True when a request carrying this `Origin` header value may read the API's answers.
    pub fn allows(&self, origin: &str) -> bool {
        // `null` (sandboxed iframes, file: pages) is never an exact match and only `*` lets
        // it through, as browsers expect.
        self.any || self.exact.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }

    /// True when no origin at all is allowed cross-origin.
    pub fn is_empty(&self) -> bool {
        !self.any && self.exact.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        Config::try_parse_from(std::iter::once("allo-collector").chain(args.iter().copied()))
    }

    #[test]
    fn defaults() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(c.db, PathBuf::from("allo.sqlite"));
        assert!(c.site.is_none());
        assert!(c.allow_origins.is_empty());
        assert!(c.origin_policy().is_empty());
        // The flags' defaults and Config::new's are the same limits.
        let limits = crate::serve::ConnectionLimits {
            timeouts: crate::serve::DEFAULT_TIMEOUTS,
            per_address: crate::serve::DEFAULT_PER_ADDRESS,
        };
        assert_eq!(c.connection_limits(), limits);
        assert_eq!(Config::new("x").connection_limits(), limits);
        assert_eq!(c.auth_failure_limit, Config::new("x").auth_failure_limit);
    }

    #[test]
    fn origins_repeat_and_split_on_commas() {
        let c = parse(&[
            "--allow-origin",
            "http://localhost:3000",
            "--allow-origin=https://Shop.Example/,https://b.example:8443",
        ])
        .unwrap();
        assert_eq!(
            c.allow_origins,
            [
                OriginRule::Exact("http://localhost:3000".into()),
                OriginRule::Exact("https://shop.example".into()),
                OriginRule::Exact("https://b.example:8443".into()),
            ]
        );
        let p = c.origin_policy();
        assert!(p.allows("http://localhost:3000"));
        assert!(p.allows("https://shop.example"));
        assert!(!p.allows("http://localhost:3001"));
        assert!(!p.allows("https://shop.example.evil"));
        assert!(!p.allows("null"));
    }

    #[test]
    fn star_allows_any_origin() {
        let p = parse(&["--allow-origin", "*"]).unwrap().origin_policy();
        assert!(p.allows("https://anything.example"));
        assert!(p.allows("null"));
    }

    #[test]
    fn ipv6_origins() {
        assert_eq!(
            "http://[::1]:8080".parse(),
            Ok(OriginRule::Exact("http://[::1]:8080".into()))
        );
        assert_eq!(
            "http://[::1]".parse(),
            Ok(OriginRule::Exact("http://[::1]".into()))
        );
    }

    #[test]
    fn bad_origins_are_rejected() {
        for bad in [
            "",
            "localhost:3000",
            "ftp://x.example",
            "https://",
            "https://x.example/path",
            "https://x.example:99999",
            "https://x.example:port",
            "https://*.example",
            "https://user@x.example",
        ] {
            assert!(
                bad.parse::<OriginRule>().is_err(),
                "{bad:?} should be rejected"
            );
            assert!(
                parse(&["--allow-origin", bad]).is_err(),
                "{bad:?} should fail the command line"
            );
        }
    }

    #[test]
    fn visitor_emails_need_smtp_and_a_public_url_and_known_strings() {
        let smtp = [
            "--smtp-host",
            "127.0.0.1",
            "--smtp-from",
            "shop@example.com",
            "--smtp-to",
            "owner@example.com",
        ];
        assert!(
            parse(&smtp).unwrap().visitor_mail().unwrap().is_none(),
            "no --public-url"
        );
        let on = [&smtp[..], &["--public-url", "https://shop.example"]].concat();
        let m = parse(&on).unwrap().visitor_mail().unwrap().unwrap();
        assert_eq!(
            (m.reply_to.as_str(), m.receipts),
            ("owner@example.com", false)
        );
        let e = parse(&["--visitor-receipts"])
            .unwrap()
            .visitor_mail()
            .unwrap_err()
            .to_string();
        assert!(e.contains("--smtp-host"), "{e}");
        assert!(
            parse(&["--smtp-tls", "--smtp-starttls"]).is_err(),
            "one TLS mode"
        );

        let dir = std::env::temp_dir().join(format!("allo-strings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("strings.json");
        std::fs::write(
            &file,
            r#"{"label_promise": "Our word", "fr": {"label_promise": "Parole"}}"#,
        )
        .unwrap();
        let args = [&on[..], &["--visitor-strings", file.to_str().unwrap()]].concat();
        let m = parse(&args).unwrap().visitor_mail().unwrap().unwrap();
        assert_eq!(m.overrides.len(), 2);
        for (bad, named) in [
            (r#"{"no_such": "x"}"#, "unknown key `no_such`"),
            (r#"{"xx": {"label_promise": "x"}}"#, "unknown language `xx`"),
            ("[", "not JSON"),
        ] {
            std::fs::write(&file, bad).unwrap();
            let e = parse(&args)
                .unwrap()
                .visitor_mail()
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("--visitor-strings ") && e.contains(named),
                "{e}"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn new_flags_defaults_and_values() {
        let c = parse(&[]).unwrap();
        assert_eq!((c.rate_limit, c.rate_burst, c.phone_limit), (20, 10, 3));
        assert_eq!(c.duplicate_window, Duration::from_secs(600));
        assert!(!c.trust_proxy && c.inbox_token.is_none() && c.webhook_urls.is_empty());
        assert_eq!(c.database(), DatabaseUrl::Sqlite("allo.sqlite".into()));
        let d = Config::new("allo.sqlite");
        assert_eq!(
            (
                d.rate_limit,
                d.rate_burst,
                d.phone_limit,
                d.duplicate_window
            ),
            (
                c.rate_limit,
                c.rate_burst,
                c.phone_limit,
                c.duplicate_window
            ),
            "Config::new mirrors the command-line defaults"
        );

        let c = parse(&[
            "--database-url",
            "postgres://allo@127.0.0.1:5433/allo",
            "--rate-limit=0",
            "--trust-proxy",
            "--duplicate-window",
            "90s",
            "--inbox-token",
            "0123456789abcdef",
            "--webhook-url",
            "http://127.0.0.1:9000/hook,http://hooks.internal/x",
            "--webhook-format",
            "slack",
        ])
        .unwrap();
        assert_eq!(
            c.database(),
            DatabaseUrl::Postgres("postgres://allo@127.0.0.1:5433/allo".into())
        );
        assert_eq!(c.rate_limit, 0);
        assert!(c.trust_proxy);
        assert_eq!(c.duplicate_window, Duration::from_secs(90));
        assert_eq!(c.webhook_urls.len(), 2);
        assert_eq!(c.webhook_format, WebhookFormat::Slack);
        assert_eq!(
            parse(&["--database-url", "sqlite:x.db"])
                .unwrap()
                .database(),
            DatabaseUrl::Sqlite("x.db".into())
        );
    }

    #[test]
    fn bad_new_values_are_rejected() {
        for args in [
            &["--database-url", "mysql://x@y/z"][..],
            &["--database-url", "postgres://x@y:notaport/z"],
            &["--inbox-token", "short"],
            &["--webhook-url", "ftp://x.example/"],
            &["--webhook-url", "not a url"],
            &["--webhook-secret", "not-whsec"],
            &["--webhook-secret", "whsec_!!!"],
            &["--duplicate-window", "soon"],
            &["--rate-limit", "-1"],
        ] {
            assert!(parse(args).is_err(), "{args:?} should be rejected");
        }
    }

    #[test]
    fn https_webhooks_are_accepted_other_schemes_not() {
        let c = parse(&[
            "--webhook-url",
            "https://hooks.slack.com/services/T0/B0/X,http://127.0.0.1:9000/hook",
        ])
        .unwrap();
        assert_eq!(
            c.webhook_urls,
            [
                "https://hooks.slack.com/services/T0/B0/X",
                "http://127.0.0.1:9000/hook"
            ]
        );
        assert!(c.webhook_ca_file.is_none());
        assert!(c.webhook_tls().is_ok(), "Mozilla's roots alone");
        for bad in [
            "ftp://x.example/",
            "ws://x.example/",
            "hooks.slack.com/services/x",
            "https:///x",
        ] {
            let e = parse_webhook_url(bad).unwrap_err();
            assert!(e.contains(bad.trim()), "{bad}: {e}");
        }
    }

    #[test]
    fn webhook_ca_file_is_read_at_start() {
        let dir = std::env::temp_dir().join(format!("allo-config-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let not_pem = dir.join("key-by-mistake.pem");
        std::fs::write(
            &not_pem,
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        )
        .unwrap();
        let missing = dir.join("missing.pem");
        let hook = ["--webhook-url", "https://hooks.internal/x"];
        for (file, expected) in [(&missing, "missing.pem"), (&not_pem, "no PEM certificate")] {
            let args = [&hook[..], &["--webhook-ca-file", file.to_str().unwrap()]].concat();
            let c = parse(&args).unwrap();
            assert_eq!(c.webhook_ca_file.as_deref(), Some(file.as_path()));
            let e = c.webhook_tls().unwrap_err().to_string();
            assert!(
                e.starts_with("--webhook-ca-file ") && e.contains(expected),
                "{e}"
            );
        }
        // Without a webhook the file would never be used: say so instead of ignoring it.
        let c = parse(&["--webhook-ca-file", missing.to_str().unwrap()]).unwrap();
        assert_eq!(
            c.webhook_tls().unwrap_err().to_string(),
            "--webhook-ca-file is only used with --webhook-url"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn timezone_defaults_to_utc_and_takes_iana_names() {
        assert_eq!(parse(&[]).unwrap().timezone, Zone::utc());
        assert_eq!(Config::new("x").timezone, Zone::utc());
        let c = parse(&["--timezone", "Europe/Paris"]).unwrap();
        assert_eq!(c.timezone.name(), "Europe/Paris");
        assert_eq!(
            c.timezone.show("2026-07-14T10:00:00.000Z"),
            "2026-07-14 12:00 CEST"
        );
        for bad in ["Europe/Pariss", "", "GMT+25", "local"] {
            let e = parse(&["--timezone", bad]).unwrap_err();
            assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation, "{bad}");
            assert!(e.to_string().contains("--timezone"), "{e}");
        }
    }

    #[test]
    fn bad_listen_address_is_rejected() {
        assert!(parse(&["--listen", "nonsense"]).is_err());
        assert_eq!(parse(&["--listen", "0.0.0.0:0"]).unwrap().listen.port(), 0);
    }
}
