//! Tests of the real `allo-collector` executable: exit codes, stderr, the start-up line, signals.
mod common;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{collector_command as collector, listening, Process};

/// Runs to completion and checks exit code 2 with one clear error line on stderr.
fn expect_config_error(args: &[&str], expected: &str) -> String {
    let out = collector()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr {stderr}");
    assert!(stderr.contains(expected), "{args:?}: stderr {stderr:?}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

#[test]
fn unusable_database_path_exits_2() {
    let stderr = expect_config_error(
        &[
            "--listen",
            "127.0.0.1:0",
            "--db",
            "/nonexistent-dir/x.sqlite",
        ],
        "cannot open database /nonexistent-dir/x.sqlite",
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.starts_with("allo-collector: error: "), "{stderr:?}");
}

#[test]
fn port_in_use_exits_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = common::TempDir::new("bin-port");
    let db = dir.path().join("x.sqlite");
    let stderr = expect_config_error(
        &["--listen", &addr, "--db", db.to_str().unwrap()],
        "cannot listen on",
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr:?}");
}

#[test]
fn bad_flags_exit_2() {
    expect_config_error(&["--allow-origin", "shop.example"], "--allow-origin");
    expect_config_error(&["--listen", "not-an-address"], "--listen");
    expect_config_error(
        &[
            "--site",
            "/nonexistent-dir",
            "--listen",
            "127.0.0.1:0",
            "--db",
            "/tmp/unused",
        ],
        "--site",
    );
}

#[test]
fn help_documents_flags_and_env() {
    let out = collector().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--listen",
        "ALLO_LISTEN",
        "--db",
        "ALLO_DB",
        "--site",
        "ALLO_SITE",
        "--allow-origin",
        "ALLO_ALLOW_ORIGINS",
        "--database-url",
        "ALLO_DATABASE_URL",
        "DATABASE_URL",
        "--rate-limit",
        "--rate-burst",
        "--trust-proxy",
        "--phone-limit",
        "--duplicate-window",
        "--inbox-token",
        "ALLO_INBOX_TOKEN",
        "--webhook-url",
        "--webhook-secret",
        "--webhook-format",
        "--webhook-retry",
        "--webhook-ca-file",
        "ALLO_WEBHOOK_CA_FILE",
        "https://",
        "--status-rate-limit",
        "--smtp-host",
        "ALLO_SMTP_HOST",
        "--smtp-port",
        "--smtp-from",
        "--smtp-to",
        "ALLO_SMTP_TO",
        "--smtp-username",
        "--smtp-password",
        "--smtp-starttls",
        "--smtp-ca-file",
        "--smtp-retry",
        "--public-url",
        "ALLO_PUBLIC_URL",
        "--timezone",
        "ALLO_TIMEZONE",
        "--log",
    ] {
        assert!(
            help.contains(needle),
            "{needle} missing from --help:\n{help}"
        );
    }
}

#[test]
fn serves_prints_the_bound_port_and_stops_on_sigterm() {
    let dir = common::TempDir::new("bin-run");
    let db = dir.path().join("run.sqlite");
    let mut child = collector()
        .args(["--listen", "127.0.0.1:0", "--log", "warn"])
        // Configuration through the environment works too, lists split on commas.
        .env("ALLO_DB", &db)
        .env(
            "ALLO_ALLOW_ORIGINS",
            "https://a.example,http://localhost:3000",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (addr, line) = listening(&mut child);
    let rest = line.strip_prefix(common::LISTENING).unwrap();
    let (addr_part, db_part) = rest.split_once("/ (database: ").unwrap();
    assert_eq!(db_part.trim_end(), format!("{})", db.display()));
    assert_eq!(addr_part.parse::<SocketAddr>().unwrap(), addr);
    assert_ne!(addr.port(), 0);

    let r = common::send(addr, "GET", "/healthz", &[], b"");
    assert_eq!(r.status, 200);
    assert!(db.exists());
    let preflight = [
        ("Origin", "http://localhost:3000"),
        ("Access-Control-Request-Method", "POST"),
    ];
    let r = common::send(addr, "OPTIONS", "/v1/submissions", &preflight, b"");
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000"),
        "{r:?}"
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));

    let mut server = Process { child, addr };
    server.terminate();
    let status = server.wait(Duration::from_secs(20));
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
}

#[test]
fn bad_new_configuration_exits_2() {
    expect_config_error(&["--database-url", "mysql://u@h/db"], "--database-url");
    expect_config_error(
        &["--database-url", "postgres://u@h:port/db"],
        "--database-url",
    );
    expect_config_error(&["--inbox-token", "short"], "at least 16 characters");
    expect_config_error(
        &["--webhook-url", "ftp://hooks.example/x"],
        "must start with http:// or https://",
    );
    expect_config_error(&["--webhook-secret", "plain-secret"], "whsec_");
    expect_config_error(&["--duplicate-window", "soon"], "--duplicate-window");
    expect_config_error(&["--smtp-to", "not an address"], "not an email address");
    expect_config_error(&["--public-url", "shop.example"], "--public-url");
    let stderr = expect_config_error(
        &["--timezone", "Europe/Pariss"],
        "`Europe/Pariss` is not a time zone name",
    );
    assert!(stderr.contains("--timezone"), "{stderr}");
}

#[test]
fn unusable_webhook_ca_file_exits_2() {
    let dir = common::TempDir::new("bin-ca");
    let db = dir.path().join("x.sqlite");
    let not_pem = dir.path().join("notes.txt");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    let missing = dir.path().join("missing.pem");
    for (file, expected) in [
        (&missing, "missing.pem"),
        (&not_pem, "no PEM certificate in it"),
    ] {
        let stderr = expect_config_error(
            &[
                "--listen",
                "127.0.0.1:0",
                "--db",
                db.to_str().unwrap(),
                "--webhook-url",
                "https://hooks.slack.com/services/T/B/X",
                "--webhook-ca-file",
                file.to_str().unwrap(),
            ],
            expected,
        );
        assert!(
            stderr.starts_with("allo-collector: error: --webhook-ca-file "),
            "{stderr:?}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr:?}");
    }
    assert!(!db.exists(), "stopped before the database was created");
}

#[test]
fn half_configured_notifications_exit_2() {
    let dir = std::env::temp_dir().join(format!("allo-binary-smtp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("x.sqlite");
    let db = db.to_str().unwrap();
    let base = ["--listen", "127.0.0.1:0", "--db", db];
    for (extra, expected) in [
        (
            &["--smtp-host", "127.0.0.1", "--smtp-to", "o@shop.example"][..],
            "--smtp-from",
        ),
        (
            &["--smtp-host", "127.0.0.1", "--smtp-from", "a@shop.example"][..],
            "--smtp-to",
        ),
        (&["--smtp-to", "o@shop.example"][..], "--smtp-host"),
        (
            &[
                "--smtp-host",
                "127.0.0.1",
                "--smtp-from",
                "a@shop.example",
                "--smtp-to",
                "o@shop.example",
                "--smtp-username",
                "shop",
            ][..],
            "--smtp-password",
        ),
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        expect_config_error(&args, expected);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unreachable_postgres_exits_2() {
    // Port 1 on loopback: connection refused at once.
    let stderr = expect_config_error(
        &[
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "postgres://allo:secret-password@127.0.0.1:1/allo",
        ],
        "cannot use database postgres://allo@127.0.0.1:1/allo",
    );
    assert!(
        !stderr.contains("secret-password"),
        "the password never shows: {stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr:?}");
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    use std::io::{Read, Write};
    let dir = common::TempDir::new("bin-graceful");
    let db = dir.path().join("g.sqlite");
    let mut child = collector()
        .args([
            "--listen",
            "127.0.0.1:0",
            "--log",
            "warn",
            "--db",
            db.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (addr, _) = listening(&mut child);
    let id = common::uuid(4242);
    let body = serde_json::to_vec(&common::feedback(&id)).unwrap();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let head = format!(
        "POST /v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body[..body.len() / 2]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // Stop while the request is half sent; it must still be answered and stored.
    let mut server = Process { child, addr };
    server.terminate();
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(&body[body.len() / 2..]).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = server.wait(Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM submissions WHERE id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn wrong_credentials_are_logged_with_the_address_never_the_token() {
    let dir = common::TempDir::new("bin-auth-log");
    let db = dir.path().join("run.sqlite");
    let mut child = collector()
        .args(["--listen", "127.0.0.1:0", "--log", "warn"])
        .args(["--inbox-token", "the-right-token-0123456789"])
        .env("ALLO_DB", &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (addr, _) = listening(&mut child);
    let guesses: Vec<String> = (0..15).map(|n| format!("secret-guess-{n:04}")).collect();
    let statuses: Vec<u16> = guesses
        .iter()
        .map(|g| common::get_bearer(addr, "/inbox/export.json", g).status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 401).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 429).count(),
        5,
        "{statuses:?}"
    );
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warned: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("wrong credential") && !l.contains("too many"))
        .collect();
    assert_eq!(warned.len(), 10, "one warning per checked guess: {stderr}");
    assert!(
        warned
            .iter()
            .all(|l| l.contains("WARN") && l.contains("127.0.0.1") && l.contains("inbox bearer")),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("too many wrong credentials").count(),
        1,
        "the lock-out is said once: {stderr}"
    );
    for g in &guesses {
        assert!(!stderr.contains(g.as_str()), "a token in the log: {stderr}");
    }
}

#[test]
fn out_of_file_descriptors_it_keeps_accepting() {
    let dir = common::TempDir::new("bin-emfile");
    let db = dir.path().join("run.sqlite");
    // A low file limit (the process needs about 20 descriptors of its own), short timeouts,
    // no per-address cap: the idle sockets below exhaust the descriptors.
    let mut child = Command::new("prlimit")
        .arg("--nofile=40:40")
        .arg(env!("CARGO_BIN_EXE_allo-collector"))
        .args(["--listen", "127.0.0.1:0", "--log", "warn"])
        .args(["--header-timeout", "1s", "--max-connections-per-ip", "0"])
        .env("ALLO_DB", &db)
        .env_remove("ALLO_LISTEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (addr, _) = listening(&mut child);
    // Far more idle sockets than descriptors (the kernel queues what is not accepted).
    let idle: Vec<std::net::TcpStream> = (0..60)
        .filter_map(|_| std::net::TcpStream::connect(addr).ok())
        .collect();
    assert!(idle.len() >= 50, "{} connected", idle.len());
    // The health check gets through once the idle ones time out, without a restart.
    let start = Instant::now();
    let answered = loop {
        let r = common::send_raw(
            addr,
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        if matches!(&r, Ok(r) if r.status == 200) {
            break Some(start.elapsed());
        }
        if start.elapsed() > Duration::from_secs(20) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(idle);
    assert!(child.try_wait().unwrap().is_none(), "still running");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let answered = answered.unwrap_or_else(|| panic!("/healthz never answered: {stderr}"));
    assert!(
        stderr.contains("still accepting"),
        "the descriptor shortage was hit and logged: {stderr}"
    );
    assert!(
        stderr.matches("accept failed").count() <= 25,
        "logged at most once a second: {stderr}"
    );
    eprintln!("adversarial: 60 idle sockets against a 40-descriptor limit, /healthz answered after {answered:.1?}");
}
