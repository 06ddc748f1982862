//! A small SMTP client (RFC 5321) for owner notifications.
//!
//! Hand-written rather than `lettre`: lettre always pulls `url`, `idna` (with the ICU
//! normalisation tables), `nom` and an email parser, a large share of this crate's build for
//! what is, here, ten commands on one connection: greeting, `EHLO`, optionally `STARTTLS`
//! and `AUTH`, `MAIL FROM`, `RCPT TO`, `DATA` with dot-stuffing, `QUIT`. Messages are
//! rendered (and encoded as 7-bit quoted-printable) by [`crate::mail`], so no extension
//! beyond `AUTH` is needed. Every step's failure is reported with the server's answer, which
//! is what the inbox then shows as the delivery's last error.
//!
//! `STARTTLS` uses rustls with the settings of [`crate::tls`]: the server's certificate is
//! checked against Mozilla's roots (bundled, so a bare container works) plus an optional CA
//! file for a private relay. Once asked for, TLS is required: a server that does not offer
//! it is an error, never a silent fall-back to plain text.
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

/// How to reach the owner's mail server.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpServer {
    /// Host name or address.
    pub host: String,
    /// Port (25, 587 with STARTTLS, 2525 …).
    pub port: u16,
    /// Login, when the server wants one.
    pub username: Option<String>,
    /// Password for `username`.
    pub password: Option<String>,
    /// Upgrade the connection with `STARTTLS` before anything else (required when set).
    pub starttls: bool,
    /// The name this client gives in `EHLO`.
    pub helo: String,
    /// Extra trusted CA certificates (PEM) for `STARTTLS`, beside Mozilla's roots.
    pub ca_file: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("SmtpServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("starttls", &self.starttls)
            .finish_non_exhaustive()
    }
}

/// How long the connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest reply line accepted (RFC 5321 allows 512; servers sometimes exceed it a little).
const MAX_LINE: usize = 4096;

/// One reply: its code and text (lines joined with a space).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The three-digit code.
    pub code: u16,
    /// The text after the code.
    pub text: String,
}

/// Something SMTP can be spoken over: plain TCP, or TLS after `STARTTLS`.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

struct Conn {
    io: BufReader<Box<dyn Stream>>,
}

impl Conn {
    async fn reply(&mut self) -> Result<Reply, String> {
        let mut text = Vec::new();
        loop {
            let mut line = Vec::new();
            let n = (&mut self.io)
                .take(MAX_LINE as u64)
                .read_until(b'\n', &mut line)
                .await
                .map_err(|e| format!("reading the server's answer: {e}"))?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            let code = line
                .get(..3)
                .and_then(|c| c.parse::<u16>().ok())
                .ok_or_else(|| format!("not an SMTP answer: {line:?}"))?;
            let more = line.as_bytes().get(3) == Some(&b'-');
            text.push(line.get(4..).unwrap_or("").to_owned());
            if !more {
                return Ok(Reply {
                    code,
                    text: text.join(" "),
                });
            }
        }
    }

    async fn send(&mut self, line: &str) -> Result<(), String> {
        let stream = self.io.get_mut();
        stream
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .map_err(|e| format!("sending to the server: {e}"))?;
        stream
            .flush()
            .await
            .map_err(|e| format!("sending to the server: {e}"))
    }

    /// Sends `line` and expects one of `ok`; `what` names the step in the error
    /// (`shown` is logged instead of the line, so a password never appears).
    async fn command(&mut self, line: &str, shown: &str, ok: &[u16]) -> Result<Reply, String> {
        self.send(line).await?;
        let reply = self.reply().await?;
        if ok.contains(&reply.code) {
            Ok(reply)
        } else {
            Err(format!(
                "{shown}: the server answered {} {}",
                reply.code, reply.text
            ))
        }
    }
}

/// The lines of an `EHLO` answer's text that name extensions, upper-cased.
fn extensions(reply: &Reply) -> String {
    reply.text.to_ascii_uppercase()
}

/// `DATA` content: every line starting with `.` gets another one, and the message ends with
/// `CRLF . CRLF`.
pub fn dot_stuff(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 8);
    for line in message.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out
}

/// Sends one message from `from` to `to` through `server`; `tls` is needed when the server
/// is set to use `STARTTLS`. The caller bounds the whole exchange with a timeout.
pub async fn send(
    server: &SmtpServer,
    tls: Option<&Arc<rustls::ClientConfig>>,
    from: &str,
    to: &str,
    message: &str,
) -> Result<(), String> {
    let address = format!("{}:{}", server.host, server.port);
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&address))
        .await
        .map_err(|_| {
            format!(
                "connecting to {address}: no answer within {}s",
                CONNECT_TIMEOUT.as_secs()
            )
        })?
        .map_err(|e| format!("connecting to {address}: {e}"))?;
    let _ = tcp.set_nodelay(true);
    let mut conn = Conn {
        io: BufReader::new(Box::new(tcp)),
    };
    let greeting = conn.reply().await?;
    if greeting.code != 220 {
        return Err(format!(
            "{address} greeted with {} {}",
            greeting.code, greeting.text
        ));
    }
    let ehlo = format!("EHLO {}", server.helo);
    let mut caps = extensions(&conn.command(&ehlo, "EHLO", &[250]).await?);
    if server.starttls {
        if !caps.contains("STARTTLS") {
            return Err(format!(
                "{address} does not offer STARTTLS (--smtp-starttls is set)"
            ));
        }
        let config = tls.ok_or("STARTTLS is set but no TLS configuration was built")?;
        conn.command("STARTTLS", "STARTTLS", &[220]).await?;
        conn = upgrade(conn, &server.host, config).await?;
        caps = extensions(&conn.command(&ehlo, "EHLO after STARTTLS", &[250]).await?);
    }
    if let (Some(user), Some(password)) = (&server.username, &server.password) {
        if caps.contains("PLAIN") || !caps.contains("LOGIN") {
            let secret = BASE64.encode(format!("\0{user}\0{password}"));
            conn.command(&format!("AUTH PLAIN {secret}"), "AUTH PLAIN", &[235])
                .await?;
        } else {
            conn.command("AUTH LOGIN", "AUTH LOGIN", &[334]).await?;
            conn.command(&BASE64.encode(user), "AUTH LOGIN (user name)", &[334])
                .await?;
            conn.command(&BASE64.encode(password), "AUTH LOGIN (password)", &[235])
                .await?;
        }
    }
    conn.command(
        &format!("MAIL FROM:<{from}>"),
        &format!("MAIL FROM:<{from}>"),
        &[250],
    )
    .await?;
    conn.command(
        &format!("RCPT TO:<{to}>"),
        &format!("RCPT TO:<{to}>"),
        &[250, 251],
    )
    .await?;
    conn.command("DATA", "DATA", &[354]).await?;
    let data = dot_stuff(message);
    // The terminating ".\r\n" is part of `data`: send it without the extra line end.
    let stream = conn.io.get_mut();
    stream
        .write_all(data.as_bytes())
        .await
        .map_err(|e| format!("sending the message: {e}"))?;
    stream
        .flush()
        .await
        .map_err(|e| format!("sending the message: {e}"))?;
    let accepted = conn.reply().await?;
    if accepted.code != 250 {
        return Err(format!(
            "the message was refused: {} {}",
            accepted.code, accepted.text
        ));
    }
    // The message is accepted; a failed goodbye changes nothing.
    let _ = conn.command("QUIT", "QUIT", &[221]).await;
    Ok(())
}

/// Wraps the connection in TLS after the server's `220` to `STARTTLS`.
async fn upgrade(
    conn: Conn,
    host: &str,
    config: &Arc<rustls::ClientConfig>,
) -> Result<Conn, String> {
    // Bytes the server sent before the handshake would be trusted as if they came through
    // TLS (the STARTTLS command-injection attack): refuse.
    if !conn.io.buffer().is_empty() {
        return Err("the server sent data before the TLS handshake; refusing".into());
    }
    let name = rustls_pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| format!("`{host}` is not a name TLS can check: {e}"))?;
    let stream = tokio_rustls::TlsConnector::from(Arc::clone(config))
        .connect(name, conn.io.into_inner())
        .await
        .map_err(|e| format!("TLS with {host}: {e}"))?;
    Ok(Conn {
        io: BufReader::new(Box::new(stream)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_stuffing() {
        assert_eq!(dot_stuff("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n.\r\n");
        assert_eq!(dot_stuff("no end"), "no end\r\n.\r\n");
        assert_eq!(dot_stuff(".\r\n"), "..\r\n.\r\n");
    }

    #[test]
    fn debug_hides_the_password() {
        let s = SmtpServer {
            host: "mail.example".into(),
            port: 587,
            username: Some("shop".into()),
            password: Some("hunter2".into()),
            starttls: true,
            helo: "localhost".into(),
            ca_file: None,
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
