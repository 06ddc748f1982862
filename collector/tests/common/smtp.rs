//! A real SMTP server for the notification tests: `tests/smtp_server.py` on aiosmtpd.
//!
//! aiosmtpd comes from PyPI. When `python3` cannot import it, the first test that needs it
//! installs it once with `pip install --target` into the target directory
//! (`target/tmp/allo-aiosmtpd`), which needs only python3 and pip, no venv and no root, and
//! is reused by later runs.
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use super::{wait_for, TempDir};

/// Where aiosmtpd was installed (`None`: python3 already has it).
fn python_path() -> &'static Option<PathBuf> {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| {
        let has = |pythonpath: Option<&Path>| {
            let mut cmd = Command::new("python3");
            cmd.args(["-c", "import aiosmtpd"]).stderr(Stdio::null());
            if let Some(p) = pythonpath {
                cmd.env("PYTHONPATH", p);
            }
            cmd.status().is_ok_and(|s| s.success())
        };
        if has(None) {
            return None;
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("allo-aiosmtpd");
        if has(Some(&dir)) {
            return Some(dir);
        }
        // Installed beside, then renamed: a half-finished install is never used.
        let partial = dir.with_extension(format!("partial-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&partial);
        let status = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg("--target")
            .arg(&partial)
            .arg("aiosmtpd")
            .status()
            .expect("python3 is needed for the SMTP tests");
        assert!(
            status.success(),
            "pip install --target {} aiosmtpd failed",
            partial.display()
        );
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::rename(&partial, &dir).unwrap();
        assert!(has(Some(&dir)), "aiosmtpd installed but not importable");
        Some(dir)
    })
}

/// One message the server accepted, as Python's email parser read it.
#[derive(Clone, Debug)]
pub struct Mail {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub subject: String,
    pub headers: serde_json::Map<String, serde_json::Value>,
    pub body: String,
    /// The message exactly as received.
    pub raw: Vec<u8>,
}

impl Mail {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
    }
}

/// A running `smtp_server.py`; killed on drop.
pub struct SmtpServer {
    pub port: u16,
    child: Child,
    dir: TempDir,
}

impl SmtpServer {
    /// Starts the server on `port`, optionally requiring AUTH with `(user, password)`.
    pub fn start_on(port: u16, auth: Option<(&str, &str)>) -> SmtpServer {
        SmtpServer::start_with(port, auth, None)
    }

    /// Like [`SmtpServer::start_on`], requiring STARTTLS with `(cert, key)` PEM files.
    pub fn start_with(
        port: u16,
        auth: Option<(&str, &str)>,
        tls: Option<(&Path, &Path)>,
    ) -> SmtpServer {
        SmtpServer::spawn(port, auth, tls, false)
    }

    /// Like [`SmtpServer::start_with`], speaking TLS from the first byte (SMTPS).
    pub fn start_implicit_tls(
        port: u16,
        auth: Option<(&str, &str)>,
        tls: (&Path, &Path),
    ) -> SmtpServer {
        SmtpServer::spawn(port, auth, Some(tls), true)
    }

    fn spawn(
        port: u16,
        auth: Option<(&str, &str)>,
        tls: Option<(&Path, &Path)>,
        implicit: bool,
    ) -> SmtpServer {
        let dir = TempDir::new("smtp");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script)
            .arg("--port")
            .arg(port.to_string())
            .arg("--dir")
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if let Some((user, password)) = auth {
            cmd.args(["--user", user, "--password", password]);
        }
        if let Some((cert, key)) = tls {
            cmd.arg("--tls-cert").arg(cert).arg("--tls-key").arg(key);
            if implicit {
                cmd.arg("--implicit-tls");
            }
        }
        if let Some(path) = python_path() {
            cmd.env("PYTHONPATH", path);
        }
        let mut child = cmd.spawn().expect("python3 is needed for the SMTP tests");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "smtp_server.py did not start");
        SmtpServer { port, child, dir }
    }

    /// The messages received so far, in arrival order.
    pub fn received(&self) -> Vec<Mail> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        names
            .into_iter()
            .filter_map(|json| {
                let raw = std::fs::read(json.with_extension("eml")).ok()?;
                let v: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&json).ok()?).ok()?;
                Some(Mail {
                    mail_from: v["mail_from"].as_str()?.to_owned(),
                    rcpt_tos: v["rcpt_tos"]
                        .as_array()?
                        .iter()
                        .filter_map(|r| r.as_str().map(str::to_owned))
                        .collect(),
                    subject: v["subject"].as_str()?.to_owned(),
                    headers: v["headers"].as_object()?.clone(),
                    body: v["body"].as_str()?.to_owned(),
                    raw,
                })
            })
            .collect()
    }

    /// Waits until `n` messages arrived and returns them.
    pub fn wait_for(&self, n: usize, limit: Duration) -> Vec<Mail> {
        wait_for(limit, &format!("{n} messages"), || {
            let got = self.received();
            (got.len() >= n).then_some(got)
        })
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
