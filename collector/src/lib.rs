//! `allo-collector`: Allo's reference endpoint.
//!
//! It receives the widget's submissions (`POST /v1/submissions`), validates them with the
//! widget's own rules from `allo-core`, stores them durably (SQLite, or PostgreSQL with
//! `--database-url`) and answers with the short reference the visitor sees. Floods are
//! limited per client address and per phone number, duplicate callback requests refused.
//! The shop owner reads and works through submissions in a server-rendered inbox (`/inbox`,
//! each person with their own account, see [`accounts`] and [`users`]; `--inbox-token` is the
//! API credential for scripts), exports them as CSV or JSON, and can have each new one forwarded
//! to signed webhooks from a durable outbox. It can also serve the built widget and its demo
//! page (`--site`), so one process is enough to try Allo end to end.
//!
//! The binary is a thin shell over this library so tests run the very same server in-process:
//! [`Collector::bind`] opens the database and the socket, [`Collector::serve`] runs until a
//! shutdown future resolves, and [`run`] adds the runtime, the start-up line and signals.
//!
//! The visitor is kept informed too: each accepted submission comes back with a status
//! token that reads its status, the owner's message and whether its promise is overdue
//! (`GET /v1/submissions/{id}/status`), and the owner can be emailed about each new
//! submission (`--smtp-host`) through the same durable outbox as webhooks. With
//! `--public-url` the visitor who left an email hears from the shop too (`visitor_mail`):
//! receipts, delay and missed-call notices, the owner's replies, each linking to a status
//! page for people (`visitor_page`, `GET /status/{id}`) and unsubscribable in one click.
#![deny(missing_docs)]

pub mod accounts;
pub mod attempts;
pub mod auth;
pub mod backup;
pub mod config;
pub mod context;
pub mod cors;
pub mod digest;
pub mod error;
pub mod export;
pub mod forwarder;
pub mod html;
pub mod inbox;
pub mod insights;
pub mod intake;
pub mod limits;
pub mod mail;
pub mod numbering_plan;
pub mod owner_zone;
pub mod queue;
pub mod ratelimit;
pub mod routes;
pub mod search;
pub mod serve;
pub mod smtp;
pub mod static_files;
// The statuses are part of the wire contract with the widget: one list, in allo-core.
pub use allo_core::status;
pub mod status_token;
pub mod store;
pub mod time;
pub mod tls;
pub mod users;
pub mod visitor_mail;
pub mod visitor_page;
pub mod visitor_status;
pub mod visitor_text;
pub mod webhook;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::{middleware, Router};
use tokio::sync::Notify;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use config::Config;
use config::{DatabaseUrl, OriginPolicy};
use forwarder::Forwarder;
use inbox::InboxState;
use limits::Limits;
use mail::Mailer;
use ratelimit::{Limiter, Rate};
use routes::{AppState, Webhooks};
use status_token::StatusKey;
use store::{PgStore, SqliteStore, Store};

/// The API's Content-Security-Policy: JSON is never a document, so nothing may load or frame.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Builds the whole application: API (with CORS), the inbox when configured, the optional
/// static site, shared headers.
pub fn app(
    state: AppState,
    inbox: Option<InboxState>,
    origins: OriginPolicy,
    site: Option<&Path>,
) -> Router {
    let pages = visitor_page::router(state.clone());
    let api = routes::router(state)
        .layer(middleware::from_fn_with_state(
            Arc::new(origins),
            cors::cors,
        ))
        // Outside CORS so preflights get it too. Submissions carry personal data: no proxy
        // or browser cache may keep a copy of any API answer.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CSP),
        ));
    // The visitor's pages are documents with their own CSP, outside the API's headers.
    let api = api.merge(pages);
    // Not mounted at all without a token: /inbox is then an ordinary 404.
    let api = match inbox {
        Some(inbox) => api.merge(inbox::router(inbox)),
        None => api,
    };
    let app = match site {
        Some(dir) => api.merge(static_files::router(dir)),
        // Without a site every answer is JSON, the 404 included.
        None => api
            .fallback(routes::not_found)
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(API_CSP),
            )),
    };
    app.layer(CompressionLayer::new())
        // Nothing this server answers is meant to be framed by another site (clickjacking
        // of the inbox's forms above all); the widget is a script, not a frame.
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Headers every answer carries, static or API: no MIME sniffing (an uploaded-looking
        // text must never run as script) and no full URLs (with their query) leaked to
        // other sites in Referer.
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(
            TraceLayer::new_for_http()
                // The path without its query: status tokens may travel as `?token=` and have
                // no business in logs.
                .make_span_with(|req: &axum::http::Request<_>| {
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        version = ?req.version()
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

/// A start-up failure: bad configuration or an unusable resource. One line, for stderr.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A setting is wrong or half given; the message names the flag.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// `--site` is not a directory.
    #[error("--site {0}: not a readable directory")]
    Site(String),
    /// `--digest` without the mail settings it is sent with.
    #[error("--digest needs --smtp-host, --smtp-from and --smtp-to (who gets it)")]
    DigestWithoutMail,
    /// The address cannot be bound (in use, not ours).
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The `--listen` address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The task opening the database panicked.
    #[error("opening the database failed: {0}")]
    OpenTask(#[from] tokio::task::JoinError),
    /// The database cannot be opened, migrated or read.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The accounts cannot be read (to decide whether the inbox opens).
    #[error("cannot read the accounts: {0}")]
    Accounts(store::StoreError),
    /// A CA file or the TLS settings are unusable.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// The SMTP settings are unusable.
    #[error(transparent)]
    Smtp(#[from] smtp::SmtpError),
    /// No randomness for the status-token key.
    #[error("no randomness for the status-token key: {0}")]
    Randomness(getrandom::Error),
    /// The status-token key cannot be read or stored.
    #[error("cannot read the status-token key: {0}")]
    StatusKey(store::StoreError),
    /// The stored status-token key is not one.
    #[error(
        "the stored setting {} is not a usable key (hex, at least 16 bytes); delete it to make a new one",
        status_token::SETTING
    )]
    BadStatusKey,
    /// The async runtime cannot start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// Serving stopped with an error.
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

/// A collector with its database open and its socket bound, ready to serve.
pub struct Collector {
    listener: tokio::net::TcpListener,
    app: Router,
    db: String,
    forwarder: Option<Forwarder>,
    connections: serve::ConnectionLimits,
    /// The weekly digest's task inputs, with `--digest`.
    digest: Option<(Arc<dyn Store>, mail::MailSettings, Arc<Notify>)>,
}

/// Opens the configured database, creating and migrating its tables.
pub async fn open_store(database: &DatabaseUrl) -> Result<Arc<dyn Store>, StartError> {
    Ok(match database {
        DatabaseUrl::Sqlite(path) => {
            let path = path.clone();
            // Opening may create the file and run migrations: blocking work.
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(&path)).await??;
            Arc::new(store)
        }
        DatabaseUrl::Postgres(url) => Arc::new(PgStore::open(url).await?),
    })
}

impl Collector {
    /// Checks `--site`, binds the address and opens (and migrates) the database.
    ///
    /// Everything that can be wrong with the configuration fails here, before serving.
    pub async fn bind(config: &Config) -> Result<Collector, StartError> {
        if let Some(site) = &config.site {
            if !site.is_dir() {
                return Err(StartError::Site(site.display().to_string()));
            }
        }
        let mail = config.mail()?;
        let visitor_mail = config.visitor_mail()?.map(Arc::new);
        if mail.is_some() && visitor_mail.is_none() {
            tracing::info!(
                "no --public-url: no emails to visitors (they link to the visitor's status page)"
            );
        }
        if config.digest && mail.is_none() {
            return Err(StartError::DigestWithoutMail);
        }
        let webhook_tls = config.webhook_tls()?;
        // The socket first: a port in use is then reported before the database file is
        // created or migrated.
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartError::Listen {
                addr: config.listen,
                source,
            })?;
        let database = config.database();
        let store = open_store(&database).await?;
        let db = match &database {
            DatabaseUrl::Sqlite(path) => path.display().to_string(),
            DatabaseUrl::Postgres(url) => url
                .parse::<tokio_postgres::Config>()
                .map(|c| store::postgres::redact(&c))
                .unwrap_or_else(|_| "postgres".into()),
        };
        let per_ip = (config.rate_limit > 0 && config.rate_burst > 0).then(|| {
            Limiter::new(Rate {
                per_minute: config.rate_limit,
                burst: config.rate_burst,
            })
        });
        let status_key = status_key(&store).await?;
        // One count of wrong credentials for every door: inbox and status tokens alike.
        let failures = Arc::new(ratelimit::Failures::new(config.auth_failure_limit));
        let wake = Arc::new(Notify::new());
        let state = AppState {
            store: Arc::clone(&store),
            limits: Arc::new(Limits {
                per_ip,
                trust_proxy: config.trust_proxy,
                callbacks: intake::CallbackPolicy {
                    per_hour: config.phone_limit,
                    duplicate_window: config.duplicate_window,
                },
                status_per_ip: (config.status_rate_limit > 0).then(|| {
                    Limiter::new(Rate {
                        per_minute: config.status_rate_limit,
                        burst: config.status_rate_limit,
                    })
                }),
                failures: Arc::clone(&failures),
            }),
            webhooks: Arc::new(Webhooks {
                urls: config.webhook_urls.clone(),
                format: config.webhook_format,
                zone: config.timezone.clone(),
                wake: Arc::clone(&wake),
            }),
            mail: mail
                .as_ref()
                .map(|(_, settings)| Arc::new(settings.clone())),
            status_key: Arc::new(status_key),
            visitor_mail: visitor_mail.clone(),
        };
        // The inbox opens for people with an account and for scripts with the token; with
        // neither there is nobody to let in, and /inbox stays a plain 404.
        let has_accounts = !store
            .accounts()
            .await
            .map_err(StartError::Accounts)?
            .is_empty();
        let inbox = (config.inbox_token.is_some() || has_accounts).then(|| {
            InboxState::new(
                Arc::clone(&store),
                config.inbox_token.as_deref(),
                config.trust_proxy,
            )
            .with_zone(config.timezone.clone())
            .with_failures(Arc::clone(&failures))
            .with_calls(config.call_policy())
            .with_visitor_emails(visitor_mail.as_ref().map(|mail| inbox::VisitorEmails {
                mail: Arc::clone(mail),
                key: Arc::clone(&state.status_key),
                wake: Arc::clone(&wake),
            }))
        });
        if inbox.is_none() {
            tracing::info!(
                "no account and no --inbox-token: the inbox is disabled (add one with `allo-collector user add`)"
            );
        }
        if !config.webhook_urls.is_empty() && config.webhook_secret.is_none() {
            tracing::warn!("--webhook-url without --webhook-secret: deliveries are unsigned");
        }
        let sender = match &mail {
            Some((server, _)) => {
                if server.security != smtp::Security::Plain {
                    // Read and checked here for a clear start-up error naming the file.
                    tls::client_config(server.ca_file.as_deref(), "--smtp-ca-file")?;
                }
                Some(smtp::Sender::new(server)?)
            }
            None => None,
        };
        // The numbering-plan metadata loads on first use: do it now, not in a visitor's
        // request.
        let _warm_up = tokio::task::spawn_blocking(|| numbering_plan::check("+33612345678"));
        let digest = mail
            .as_ref()
            .filter(|_| config.digest)
            .map(|(_, settings)| (Arc::clone(&store), settings.clone(), Arc::clone(&wake)));
        let mailer = mail.zip(sender).map(|((server, settings), sender)| {
            if server.username.is_some()
                && server.security == smtp::Security::Plain
                && !is_loopback(&server.host)
            {
                tracing::warn!(host = %server.host,
                    "SMTP password sent without --smtp-starttls or --smtp-tls to a host that is not this machine");
            }
            tracing::info!(host = %server.host, port = server.port, to = ?settings.to,
                "email notifications on");
            Mailer {
                sender,
                from: settings.from,
                retry: config.smtp_retry,
            }
        });
        let forwarder = (!config.webhook_urls.is_empty() || mailer.is_some()).then(|| {
            Forwarder::new(
                Arc::clone(&store),
                config.webhook_secret.clone(),
                config.webhook_retry,
                webhook_tls,
                mailer,
                wake,
            )
        });
        let app = app(state, inbox, config.origin_policy(), config.site.as_deref());
        Ok(Collector {
            listener,
            app,
            db,
            forwarder,
            connections: config.connection_limits(),
            digest,
        })
    }

    /// The address actually bound (the real port when the configuration said 0).
    pub fn local_addr(&self) -> SocketAddr {
        // A bound listener always has an address; the fallback only satisfies the type.
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
    }

    /// The start-up line: `Allo collector listening on http://ADDR/ (database: PATH)`.
    pub fn banner(&self) -> String {
        format!(
            "Allo collector listening on http://{}/ (database: {})",
            self.local_addr(),
            self.db
        )
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish. The webhook
    /// forwarder runs alongside and stops with the server after finishing the deliveries it
    /// was making; one cut short anyway is retried on a later start (the row is still pending).
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let digest = self.digest.map(|(store, settings, wake)| {
            tokio::spawn(digest::run(store, settings, wake, stopped.clone()))
        });
        let forwarder = self.forwarder.map(|f| tokio::spawn(f.run(stopped)));
        // Our own accept loop: timeouts, a per-address cap, and it survives EMFILE.
        let result = serve::serve(self.listener, self.app, self.connections, shutdown).await;
        if let Some(mut task) = forwarder {
            let _ = stop.send(true);
            // Let the batch under way finish so nothing stays leased; never wait forever.
            let grace = forwarder::ATTEMPT_TIMEOUT + std::time::Duration::from_secs(1);
            if tokio::time::timeout(grace, &mut task).await.is_err() {
                task.abort();
            }
        }
        if let Some(task) = digest {
            let _ = stop.send(true);
            // A digest being queued is one transaction: let it finish, briefly.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), task).await;
        }
        result
    }
}

/// The status-token key stored in the database, made (256 random bits) on first use.
async fn status_key(store: &Arc<dyn Store>) -> Result<StatusKey, StartError> {
    let candidate = auth::random_hex(32).map_err(StartError::Randomness)?;
    let stored = store
        .setting(status_token::SETTING.to_owned(), candidate)
        .await
        .map_err(StartError::StatusKey)?;
    StatusKey::from_hex(&stored).ok_or(StartError::BadStatusKey)
}

/// True for `localhost` and loopback addresses, where a plain-text SMTP login stays on the
/// machine.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (systemd, containers). The handlers are installed
/// when this is called, not when the future is first polled: [`run`] calls it before printing
/// the start-up line, so a stop that comes right after start (a service manager, a test) is
/// already a graceful one instead of the default, immediate kill. Call it inside a runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        [
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ]
    };
    async move {
        #[cfg(unix)]
        {
            // A handler that could not be installed never resolves rather than stop at once.
            let [interrupt, terminate] = signals.map(|s| async move {
                match s {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            });
            tokio::select! {
                () = interrupt => {}
                () = terminate => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    }
}

/// Logs to stderr (stdout is kept for the start-up line) at the given level.
pub fn init_tracing(level: tracing::Level) {
    // `try_init`: a second call (tests, embedding) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Runs the collector as the binary does: runtime, bind, start-up line, serve until a signal.
pub fn run(config: Config) -> Result<(), StartError> {
    init_tracing(config.log);
    // Two workers are plenty for a form endpoint, and the build machines have two cores;
    // SQLite work goes to the blocking pool anyway.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(StartError::Runtime)?;
    runtime.block_on(async {
        let collector = Collector::bind(&config).await?;
        let shutdown = shutdown_signal();
        println!("{}", collector.banner());
        collector.serve(shutdown).await.map_err(StartError::Serve)
    })
}
