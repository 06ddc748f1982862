//! Tests of the real `allo-collector` executable: exit codes, stderr, the start-up line, signals.
mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn collector() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_allo-collector"));
    // The tests decide every setting; none may leak in from the environment.
    for var in [
        "ALLO_LISTEN",
        "ALLO_DB",
        "ALLO_SITE",
        "ALLO_ALLOW_ORIGINS",
        "ALLO_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

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
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let rest = line
        .strip_prefix("Allo collector listening on http://")
        .unwrap_or_else(|| panic!("unexpected start-up line {line:?}"));
    let (addr, db_part) = rest.split_once("/ (database: ").unwrap();
    assert_eq!(db_part.trim_end(), format!("{})", db.display()));
    let addr: SocketAddr = addr.parse().unwrap();
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

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(
                status.success(),
                "graceful shutdown exits 0, got {status:?}"
            );
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("no exit within 20 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
