//! Sending one rendered message through the owner's SMTP server, with `lettre`.
//!
//! lettre speaks the protocol (EHLO, `STARTTLS` or TLS from the first byte, `AUTH PLAIN` or
//! `LOGIN`, dot-stuffing, the answers' codes); this module only turns the collector's flags
//! into one [`Sender`] built at start and maps lettre's errors to the line the inbox shows
//! as a delivery's last error. Messages arrive here already rendered (headers and body, see
//! the `mail` and `visitor_mail` modules) and are sent as they are, so every retry
//! from the outbox sends the same bytes with the same `Message-ID`.
//!
//! TLS is rustls on the `ring` provider (no OpenSSL) with Mozilla's roots bundled, plus an
//! optional CA file for a private relay (read and checked once at start by
//! [`crate::tls::client_config`], for a clear start-up error). Once asked for, TLS is
//! required: a server that does not offer `STARTTLS` is an error, never a silent fall-back
//! to plain text.
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// How the connection to the server is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Security {
    /// Plain text (a relay on this machine or a trusted network).
    #[default]
    Plain,
    /// Plain at first, upgraded with `STARTTLS` before anything else (port 587).
    StartTls,
    /// TLS from the first byte ("implicit TLS", SMTPS, port 465).
    Tls,
}

/// How to reach the owner's mail server.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpServer {
    /// Host name or address.
    pub host: String,
    /// Port (25, 587 with STARTTLS, 465 with TLS …).
    pub port: u16,
    /// Login, when the server wants one.
    pub username: Option<String>,
    /// Password for `username`.
    pub password: Option<String>,
    /// Plain, `STARTTLS` or TLS.
    pub security: Security,
    /// The name this client gives in `EHLO`.
    pub helo: String,
    /// Extra trusted CA certificates (PEM), beside Mozilla's roots.
    pub ca_file: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("SmtpServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

/// How long the connection and each command may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the SMTP settings could not be turned into a sender (a start-up error).
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// The CA file could not be read again after [`crate::tls::client_config`] accepted it.
    #[error("--smtp-ca-file {path}: {reason}")]
    CaFile {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// lettre refused the TLS parameters (a host name TLS cannot check, for one).
    #[error("SMTP TLS settings for {host}: {reason}")]
    Tls {
        /// The server.
        host: String,
        /// lettre's reason.
        reason: String,
    },
}

/// The transport built once from [`SmtpServer`]: cheap to clone, one connection per message
/// (the outbox sends a few messages a minute; a pool would only hold idle connections open).
#[derive(Clone)]
pub struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    host: String,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl Sender {
    /// The transport for `server`.
    pub fn new(server: &SmtpServer) -> Result<Sender, SmtpError> {
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server.host.as_str())
                .port(server.port)
                .timeout(Some(CONNECT_TIMEOUT))
                .hello_name(ClientId::Domain(server.helo.clone()));
        if server.security != Security::Plain {
            let mut tls = TlsParameters::builder(server.host.clone())
                .certificate_store(CertificateStore::WebpkiRoots);
            if let Some(path) = &server.ca_file {
                let shown = path.display().to_string();
                let pem = std::fs::read(path).map_err(|e| SmtpError::CaFile {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| SmtpError::CaFile {
                    path: shown,
                    reason: e.to_string(),
                })?;
                tls = tls.add_root_certificate(cert);
            }
            let parameters = tls.build_rustls().map_err(|e| SmtpError::Tls {
                host: server.host.clone(),
                reason: e.to_string(),
            })?;
            builder = builder.tls(match server.security {
                Security::Tls => Tls::Wrapper(parameters),
                _ => Tls::Required(parameters),
            });
        }
        if let (Some(user), Some(password)) = (&server.username, &server.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Sender {
            transport: builder.build(),
            host: server.host.clone(),
        })
    }

    /// Sends `message` (headers and body, CRLF line ends) from `from` to `to`. The error is
    /// one line for the inbox: the step that failed and the server's answer when it gave one.
    // The error is only ever the words stored as the delivery's `last_error` (shown in the inbox
    // and retried by the outbox), never matched on: a `String` is what it is used as.
    pub async fn send(&self, from: &str, to: &str, message: &str) -> Result<(), String> {
        let envelope = Envelope::new(
            Some(
                from.parse()
                    .map_err(|e| format!("sender address {from}: {e}"))?,
            ),
            vec![to
                .parse()
                .map_err(|e| format!("recipient address {to}: {e}"))?],
        )
        .map_err(|e| format!("envelope: {e}"))?;
        self.transport
            .send_raw(&envelope, message.as_bytes())
            .await
            .map(|_| ())
            .map_err(|e| self.explain(&e))
    }

    /// lettre's error with its causes, named after the step that failed: "TLS with HOST: …"
    /// for a refused handshake or certificate, as the inbox showed before lettre.
    fn explain(&self, e: &lettre::transport::smtp::Error) -> String {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            let cause_text = cause.to_string();
            if !text.contains(&cause_text) {
                text.push_str(": ");
                text.push_str(&cause_text);
            }
            source = cause.source();
        }
        let code = e.status().map(|c| c.to_string()).unwrap_or_default();
        if e.is_tls() || text.to_ascii_lowercase().contains("certificate") {
            format!("TLS with {}: {text}", self.host)
        } else if matches!(code.as_str(), "530" | "534" | "535" | "538")
            || text.contains("authentication mechanism")
        {
            // The login was refused (RFC 4954's codes): say which step, never the password.
            format!("AUTH with {}: {text}", self.host)
        } else {
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password() {
        let s = SmtpServer {
            host: "mail.example".into(),
            port: 587,
            username: Some("shop".into()),
            password: Some("hunter2".into()),
            security: Security::StartTls,
            helo: "localhost".into(),
            ca_file: None,
        };
        assert!(!format!("{s:?}").contains("hunter2"));
        let sender = Sender::new(&s).unwrap();
        assert!(!format!("{sender:?}").contains("hunter2"));
    }

    #[test]
    fn a_missing_ca_file_is_a_start_up_error() {
        let s = SmtpServer {
            host: "mail.example".into(),
            port: 465,
            username: None,
            password: None,
            security: Security::Tls,
            helo: "localhost".into(),
            ca_file: Some("/nonexistent/ca.pem".into()),
        };
        let e = Sender::new(&s).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--smtp-ca-file /nonexistent/ca.pem"),
            "{e}"
        );
    }
}
