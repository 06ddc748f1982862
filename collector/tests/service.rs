//! The collector as a shop installs and runs it (docs/deploy.md), tested on the real binary:
//! `--version`, the systemd units (`systemd-analyze verify`), SIGTERM under load (every
//! acknowledged submission stored, the outbox batch finished, exit 0) and `backup` under load
//! (a copy that passes `PRAGMA integrity_check`, holds every submission acknowledged before it
//! began, and that a collector opens as its database).
mod common;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{collector_command as collector, Process};

/// A running collector on the SQLite file `db`, with `extra` flags.
fn start(db: &Path, extra: &[&str]) -> Process {
    Process::spawn(
        collector()
            .args(common::UNLIMITED)
            .arg("--db")
            .arg(db)
            .args(extra)
            .stderr(Stdio::inherit()),
    )
}

/// Visitors submitting feedback from several threads, each on fresh connections, until
/// stopped or the server stops answering. Records every id the server acknowledged (201).
struct Load {
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<String>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start(addr: SocketAddr, threads: u64) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(Mutex::new(Vec::new()));
        let threads = (0..threads)
            .map(|t| {
                let (stop, acked) = (Arc::clone(&stop), Arc::clone(&acked));
                std::thread::spawn(move || {
                    for i in 0.. {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let id = common::uuid(t * 1_000_000 + i);
                        let body = serde_json::to_vec(&common::feedback(&id)).unwrap();
                        let head = format!(
                            "POST /v1/submissions HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        let mut raw = head.into_bytes();
                        raw.extend_from_slice(&body);
                        match common::send_raw(addr, &raw) {
                            Ok(r) if r.status == 201 => acked.lock().unwrap().push(id),
                            Ok(r) => panic!("{id}: {} {:?}", r.status, r.body),
                            // Refused or cut: only once the server stops (never acknowledged).
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        Load {
            stop,
            acked,
            threads,
        }
    }

    fn acked(&self) -> Vec<String> {
        self.acked.lock().unwrap().clone()
    }

    fn wait_for(&self, n: usize) {
        common::wait_for(Duration::from_secs(30), "acknowledged submissions", || {
            (self.acked.lock().unwrap().len() >= n).then_some(())
        });
    }

    /// Stops the visitors and returns every acknowledged id.
    fn finish(self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads {
            t.join().unwrap();
        }
        Arc::try_unwrap(self.acked).unwrap().into_inner().unwrap()
    }
}

/// A webhook receiver that takes a second to answer each delivery (on its own thread), so a
/// batch is always in flight when the collector is told to stop. Notes each `webhook-id` as
/// soon as the request is read, before answering.
struct SlowReceiver {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<String>>>,
}

impl SlowReceiver {
    fn start() -> SlowReceiver {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let log = Arc::clone(&log);
                std::thread::spawn(move || {
                    use std::io::{Read, Write};
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let head_end = loop {
                        match stream.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break end;
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                    let header = |name: &str| {
                        head.lines()
                            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
                    };
                    let len: usize = header("content-length:")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + 4 + len {
                        match stream.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    if let Some(id) = header("webhook-id:") {
                        log.lock().unwrap().push(id);
                    }
                    std::thread::sleep(Duration::from_secs(1));
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                });
            }
        });
        SlowReceiver { addr, received }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

fn ids_in(db: &Path) -> HashSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM submissions").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn missing(acked: &[String], stored: &HashSet<String>) -> Vec<String> {
    acked
        .iter()
        .filter(|id| !stored.contains(*id))
        .cloned()
        .collect()
}

#[test]
fn version_is_the_crate_version() {
    let out = collector().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("allo-collector {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn systemd_units_pass_systemd_analyze_verify() {
    let dir = common::TempDir::new("units");
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let units = [
        "allo-collector.service",
        "allo-collector-backup.service",
        "allo-collector-backup.timer",
    ];
    for unit in units {
        // The units name the installed binary; verify checks that it exists and runs.
        let text = std::fs::read_to_string(deploy.join(unit)).unwrap();
        assert!(
            unit.ends_with(".timer") || text.contains("/usr/local/bin/allo-collector"),
            "{unit}"
        );
        let text = text.replace(
            "/usr/local/bin/allo-collector",
            env!("CARGO_BIN_EXE_allo-collector"),
        );
        std::fs::write(dir.path().join(unit), text).unwrap();
    }
    let service = std::fs::read_to_string(deploy.join(units[0])).unwrap();
    for hardening in [
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "StateDirectory=allo",
        "NoNewPrivileges=yes",
        "EnvironmentFile=/etc/allo/collector.env",
    ] {
        assert!(
            service.lines().any(|l| l == hardening),
            "{hardening} in the unit"
        );
    }
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(units.iter().map(|u| dir.path().join(u)))
        .output()
        .expect("systemd-analyze (Debian's systemd package; scripts/setup.sh installs it)");
    // verify exits 0 after mere warnings (an unknown key, a bad value): any output fails.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
    // Every variable the environment file sets is one the collector reads.
    let help =
        String::from_utf8_lossy(&collector().arg("--help").output().unwrap().stdout).into_owned();
    let env = std::fs::read_to_string(deploy.join("collector.env")).unwrap();
    for line in env.lines() {
        let line = line.trim_start_matches('#');
        if let Some((name, _)) = line.split_once('=') {
            if name.starts_with("ALLO_") {
                // `[env: NAME=default]`, or `[env: NAME]` for secrets (values hidden).
                assert!(
                    help.contains(&format!("[env: {name}="))
                        || help.contains(&format!("[env: {name}]")),
                    "{name} is not a setting"
                );
            }
        }
    }
}

#[test]
fn sigterm_under_load_finishes_every_acknowledged_request_and_the_outbox_batch() {
    let dir = common::TempDir::new("sigterm-load");
    let db = dir.path().join("load.sqlite");
    let receiver = SlowReceiver::start();
    let mut server = start(&db, &["--webhook-url", &receiver.url()]);
    let load = Load::start(server.addr, 6);
    load.wait_for(60);
    common::wait_for(Duration::from_secs(10), "a delivery in flight", || {
        (!receiver.received().is_empty()).then_some(())
    });
    server.terminate();
    assert!(
        server.wait(Duration::from_secs(30)).success(),
        "SIGTERM under load exits 0"
    );
    let acked = load.finish();
    let stored = ids_in(&db);
    assert!(acked.len() >= 60, "{}", acked.len());
    assert_eq!(
        missing(&acked, &stored),
        Vec::<String>::new(),
        "acknowledged but lost"
    );

    // The outbox batch under way (the receiver answers each delivery after a second) was
    // finished: every delivery the receiver got is recorded as delivered, so none is sent
    // twice after a restart. (Checked to fail when the forwarder is aborted at once.)
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT message_id FROM outbox WHERE delivered_at IS NOT NULL")
        .unwrap();
    let delivered: HashSet<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let received = receiver.received();
    assert!(!received.is_empty(), "the outbox was working");
    let unrecorded: Vec<_> = received
        .iter()
        .filter(|m| !delivered.contains(*m))
        .collect();
    assert!(
        unrecorded.is_empty(),
        "delivered but not recorded: {unrecorded:?}"
    );
}

#[test]
fn backup_under_load_restores_to_a_sound_database_with_every_acknowledged_submission() {
    let dir = common::TempDir::new("backup-load");
    let db = dir.path().join("live.sqlite");
    let mut server = start(&db, &[]);
    let load = Load::start(server.addr, 4);
    load.wait_for(40);
    let before = load.acked();
    let copy = dir.path().join("copy.sqlite");
    let out = collector()
        .arg("backup")
        .arg(&copy)
        .env("ALLO_DB", &db)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.starts_with(&format!("backup: {} (", copy.display()))
            && said.trim_end().ends_with("submissions, integrity ok)"),
        "{said}"
    );
    // The load went on during the copy.
    load.wait_for(before.len() + 20);
    let acked = load.finish();
    server.terminate();
    assert!(server.wait(Duration::from_secs(30)).success());

    // Restore: the copy becomes a collector's database.
    let restored = dir.path().join("restored.sqlite");
    std::fs::copy(&copy, &restored).unwrap();
    let conn = rusqlite::Connection::open(&restored).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    let in_copy = ids_in(&restored);
    assert_eq!(
        missing(&before, &in_copy),
        Vec::<String>::new(),
        "acknowledged before the backup began, missing from it"
    );
    assert!(
        in_copy.len() < acked.len(),
        "a snapshot: the submissions after it are not in it"
    );
    let again = start(&restored, &[]);
    let r = common::send(again.addr, "GET", "/healthz", &[], b"");
    assert_eq!(r.status, 200);
    let id = common::uuid(9_999_999);
    let body = serde_json::to_vec(&common::feedback(&id)).unwrap();
    let r = common::send(
        again.addr,
        "POST",
        "/v1/submissions",
        &[("Content-Type", "application/json")],
        &body,
    );
    assert_eq!(r.status, 201, "the restored database takes new submissions");
    // And the live database still has everything.
    assert_eq!(missing(&acked, &ids_in(&db)), Vec::<String>::new());
}

/// Runs `backup` with `args` and `ALLO_DB=db`; checks exit 2 and one line naming the problem.
fn backup_fails(db: &Path, args: &[&str], expected: &str) -> Output {
    let out = collector()
        .arg("backup")
        .args(args)
        .env("ALLO_DB", db)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.starts_with("allo-collector: error: ") && stderr.contains(expected),
        "{args:?}: {stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    out
}

#[test]
fn backup_refuses_what_it_cannot_do_safely() {
    let dir = common::TempDir::new("backup-refusals");
    let db = dir.path().join("db.sqlite");
    let absent = dir.path().join("absent.sqlite");
    backup_fails(
        &absent,
        &[dir.path().join("x.sqlite").to_str().unwrap()],
        "no database at",
    );
    assert!(!absent.exists(), "never creates the source");

    // A real database, then a copy into a directory (named by the time), then no overwrite.
    let mut server = start(&db, &[]);
    server.terminate();
    assert!(server.wait(Duration::from_secs(20)).success());
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    // --db after the subcommand works as well as ALLO_DB (the other tests).
    let out = collector()
        .arg("backup")
        .arg("--db")
        .arg(&db)
        .arg(&backups)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let made: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(made.len(), 1);
    assert!(
        made[0].starts_with("allo-2") && made[0].ends_with("Z.sqlite"),
        "{made:?}"
    );
    let existing = backups.join(&made[0]);
    let before = std::fs::read(&existing).unwrap();
    backup_fails(&db, &[existing.to_str().unwrap()], "already exists");
    assert_eq!(std::fs::read(&existing).unwrap(), before, "left alone");

    let out = collector()
        .args([
            "--database-url",
            "postgres://allo:pw@127.0.0.1:1/allo",
            "backup",
            "/tmp/never",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pg_dump"),
        "{out:?}"
    );
}

#[test]
fn sigterm_right_after_start_is_still_graceful() {
    // The signal handlers are installed before the start-up line is printed: a service
    // manager stopping the collector at once gets exit 0, not a kill (before, this test failed
    // within its rounds; each round takes seconds in a debug build, which finishes warming up
    // the phone-number tables before it exits).
    let dir = common::TempDir::new("sigterm-early");
    let db = dir.path().join("early.sqlite");
    for round in 0..6 {
        let mut server = start(&db, &[]);
        server.terminate();
        assert!(
            server.wait(Duration::from_secs(20)).success(),
            "round {round}"
        );
    }
}
