//! Command-line and environment configuration.
//!
//! Every flag has an environment variable twin so the collector runs unchanged from a shell,
//! a systemd unit or a container. Values are checked here, while parsing, so a typo in an
//! origin or an address stops the process before it binds anything (clap then exits with 2).
use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::str::FromStr;

use clap::Parser;

/// The collector's configuration.
#[derive(Clone, Debug, Parser)]
#[command(
    name = "allo-collector",
    version,
    about = "Allo's reference endpoint: receives widget submissions and stores them in SQLite.",
    long_about = "Allo's reference endpoint: receives widget submissions on POST /v1/submissions, \
                  validates them with the widget's own rules and stores them in a SQLite file. \
                  Optionally serves the built widget (and its demo page) from --site."
)]
pub struct Config {
    /// Address to listen on, `HOST:PORT`; port 0 picks a free port (the real one is printed).
    #[arg(long, env = "ALLO_LISTEN", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    pub listen: SocketAddr,

    /// Path of the SQLite database file; created (with its tables) when missing.
    #[arg(long, env = "ALLO_DB", default_value = "allo.sqlite")]
    pub db: PathBuf,

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

    /// Log verbosity on stderr: error, warn, info, debug or trace.
    #[arg(long, env = "ALLO_LOG", default_value = "info", value_name = "LEVEL")]
    pub log: tracing::Level,
}

impl Config {
    /// A configuration with the defaults, for embedding and tests.
    pub fn new(db: impl Into<PathBuf>) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: db.into(),
            site: None,
            allow_origins: Vec::new(),
            log: tracing::Level::INFO,
        }
    }

    /// The origins as one policy, ready for the CORS middleware.
    pub fn origin_policy(&self) -> OriginPolicy {
        OriginPolicy::new(self.allow_origins.iter().cloned())
    }
}

/// Accepts `IP:PORT` as well as `localhost:PORT` (resolved once, first address wins).
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
    fn bad_listen_address_is_rejected() {
        assert!(parse(&["--listen", "nonsense"]).is_err());
        assert_eq!(parse(&["--listen", "0.0.0.0:0"]).unwrap().listen.port(), 0);
    }
}
