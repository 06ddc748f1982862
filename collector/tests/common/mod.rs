//! Test support: a real collector on 127.0.0.1:0 with a throwaway SQLite file or PostgreSQL
//! schema, and a tiny HTTP/1.1 client over `std::net::TcpStream`. Hand-rolled on purpose: it
//! sends exactly the bytes a test writes (oversized, chunked, malformed), which polished
//! clients refuse to do. Also a tiny HTTP server that records webhook deliveries.
//!
//! PostgreSQL tests need `ALLO_TEST_DATABASE_URL` (see `tests/start-postgres.sh`); each test
//! gets its own schema in that database, dropped afterwards. Without the variable they are
//! skipped with a message on stderr that `cargo test` does not swallow.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use allo_collector::config::DatabaseUrl;
use allo_collector::{Collector, Config};

pub mod pg;
pub mod smtp;
pub mod tls;
pub use pg::Backend;

/// The password of every account the tests add.
pub const PASSWORD: &str = "correct horse battery staple";

/// Adds an account with [`PASSWORD`] to `database` (if its email is free); its id.
pub fn add_account(database: &DatabaseUrl, email: &str, role: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = allo_collector::open_store(database).await.unwrap();
        let new = allo_collector::users::new_account(email, "", role, PASSWORD)
            .await
            .unwrap();
        let email = new.email.clone();
        match store.create_account(new).await.unwrap() {
            Some(a) => a.id,
            None => store.account_by_email(email).await.unwrap().unwrap().0.id,
        }
    })
}

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("allo-collector-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A database for one test: a SQLite file in a temp dir, or a fresh PostgreSQL schema.
pub struct TestDb {
    /// The SQLite file (empty for PostgreSQL).
    pub path: PathBuf,
    /// The PostgreSQL URL (with its schema), if PostgreSQL.
    pub pg_url: Option<String>,
    _dir: Option<TempDir>,
    _schema: Option<pg::Schema>,
}

impl TestDb {
    pub fn new(backend: &Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = TempDir::new("api");
                TestDb {
                    path: dir.path().join("allo.sqlite"),
                    pg_url: None,
                    _dir: Some(dir),
                    _schema: None,
                }
            }
            Backend::Postgres(base) => {
                let schema = pg::Schema::new(base);
                TestDb {
                    path: PathBuf::new(),
                    pg_url: Some(schema.url.clone()),
                    _dir: None,
                    _schema: Some(schema),
                }
            }
        }
    }

    /// Points `config` at this database.
    pub fn configure(&self, config: &mut Config) {
        config.db = self.path.clone();
        config.database_url = self.pg_url.clone().map(DatabaseUrl::Postgres);
    }
}

/// A collector running in-process on its own runtime thread; dropping it shuts it down.
pub struct TestServer {
    pub addr: SocketAddr,
    pub db: PathBuf,
    /// The database it runs on (to add accounts to it).
    pub database: DatabaseUrl,
    pub banner: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _db: Option<TestDb>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::start_with(|_| {})
    }

    /// Starts a server on SQLite after `configure` adjusted the default test configuration.
    pub fn start_with(configure: impl FnOnce(&mut Config)) -> TestServer {
        TestServer::start_on(&Backend::Sqlite, configure)
    }

    /// Starts a server on a fresh database of `backend`.
    pub fn start_on(backend: &Backend, configure: impl FnOnce(&mut Config)) -> TestServer {
        let db = TestDb::new(backend);
        let mut server = TestServer::start_db(&db, configure);
        server._db = Some(db);
        server
    }

    /// Starts a server on an existing test database (to restart on the same data).
    pub fn start_db(db: &TestDb, configure: impl FnOnce(&mut Config)) -> TestServer {
        let mut config = Config::new(&db.path);
        db.configure(&mut config);
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        // Every test request comes from 127.0.0.1: the per-address limit would trip on the
        // bursts some tests send. Tests of the limit turn it back on.
        config.rate_limit = 0;
        configure(&mut config);
        let database = config.database();
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let collector = match Collector::bind(&config).await {
                    Ok(c) => c,
                    Err(e) => {
                        tx.send(Err(e.to_string())).unwrap();
                        return;
                    }
                };
                tx.send(Ok((collector.local_addr(), collector.banner())))
                    .unwrap();
                // Runs until the TestServer is stopped or dropped.
                collector
                    .serve(async {
                        let _ = stop_rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let (addr, banner) = rx.recv_timeout(Duration::from_secs(60)).unwrap().unwrap();
        TestServer {
            addr,
            db: db.path.clone(),
            database,
            banner,
            stop: Some(stop_tx),
            thread: Some(thread),
            _db: None,
        }
    }

    /// Adds an inbox account with [`PASSWORD`] straight to the database, as
    /// `allo-collector user add` does; its id.
    pub fn add_account(&self, email: &str, role: &str) -> i64 {
        add_account(&self.database, email, role)
    }

    /// Logs in through the form as `email` with [`PASSWORD`], adding it as `role` first when
    /// it has no account; the `Cookie` header value.
    pub fn login_as(&self, email: &str, role: &str) -> String {
        let _ = self.add_account(email, role);
        let r = post_form(
            self.addr,
            "/inbox/login",
            &[],
            &[("email", email), ("password", PASSWORD)],
        );
        assert_eq!(r.status, 303, "login as {email}: {r:?}");
        assert_eq!(r.header("location"), Some("/inbox"));
        let cookie = r.header("set-cookie").expect("a session cookie").to_owned();
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/inbox"] {
            assert!(cookie.contains(attr), "{attr} missing: {cookie}");
        }
        cookie.split(';').next().unwrap().to_owned()
    }

    /// Shuts the server down gracefully and waits until it stopped.
    pub fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        send(self.addr, "GET", path, headers, b"")
    }

    /// POSTs `body` as `application/json`.
    pub fn post_json(&self, body: &[u8], headers: &[(&str, &str)]) -> Response {
        let mut all = vec![("Content-Type", "application/json")];
        all.extend_from_slice(headers);
        send(self.addr, "POST", "/v1/submissions", &all, body)
    }

    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).unwrap()
    }

    pub fn row_count(&self) -> i64 {
        self.db()
            .query_row("SELECT COUNT(*) FROM submissions", [], |r| r.get(0))
            .unwrap()
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of a header (names compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `name=value` of the cookie the answer sets (its attributes cut off).
    pub fn cookie(&self) -> String {
        let set = self.header("set-cookie").expect("a Set-Cookie header");
        set.split(';').next().unwrap().to_owned()
    }

    pub fn has_header(&self, name: &str) -> bool {
        self.header(name).is_some()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
}

/// Sends one request on a fresh connection (`Connection: close`) and reads the answer.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut raw = head.into_bytes();
    raw.extend_from_slice(body);
    send_raw(addr, &raw).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// Writes `raw` as is and parses whatever comes back.
pub fn send_raw(addr: SocketAddr, raw: &[u8]) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    // The server may answer (413) and close before reading everything: a failed write is
    // fine as long as the answer arrives.
    let write_result = stream.write_all(raw);
    let mut buf = Vec::new();
    match stream.read_to_end(&mut buf) {
        Ok(_) => {}
        // A reset after the answer arrived (the server closed with our bytes unread).
        Err(e) if !buf.is_empty() && e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => return Err(e),
    }
    if buf.is_empty() {
        write_result?;
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "no answer",
        ));
    }
    parse_response(&buf)
}

fn parse_response(buf: &[u8]) -> std::io::Result<Response> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = std::str::from_utf8(&buf[..end]).map_err(|_| bad("head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(status_line))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = buf[end + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body).ok_or_else(|| bad("bad chunked body"))?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// A valid feedback submission with the given id.
pub fn feedback(id: &str) -> serde_json::Value {
    serde_json::json!({
        "schema": "allo.submission/1",
        "id": id,
        "kind": "feedback",
        "created_at": "2026-11-23T18:00:00.000Z",
        "locale": "fr-FR",
        "page": { "url": "https://shop.example/checkout?step=2", "title": "Paiement", "referrer": "" },
        "visitor": { "name": "Ada", "email": "ada@example.com" },
        "feedback": { "metric": "nps", "score": 9, "category": "Livraison", "message": "Très bien" },
        "consent": { "given_at": "2026-11-23T17:59:58.000Z", "text": "J'accepte d'être recontacté", "version": "2026-01" },
        "client": { "widget_version": "0.1.0", "user_agent": "test", "viewport": "1280x720" }
    })
}

/// A valid callback submission (slot, urgent) with the given id.
pub fn callback(id: &str) -> serde_json::Value {
    serde_json::json!({
        "schema": "allo.submission/1",
        "id": id,
        "kind": "callback",
        "created_at": "2026-11-23T18:00:00.000Z",
        "locale": "en",
        "visitor": { "name": "Grace", "phone": "06 12 34 56 78" },
        "callback": {
            "phone_e164": "+33612345678",
            "phone_raw": "06 12 34 56 78",
            "country": "FR",
            "when": { "mode": "slot", "from": "2026-11-24T09:00:00.000Z", "to": "2026-11-24T10:00:00.000Z" },
            "timezone": "Europe/Paris",
            "reason": "Order 1234",
            "urgent": true,
            "promise": { "text": "We will call you tomorrow between 10:00 and 11:00.", "due_by": "2026-11-24T10:00:00.000Z" }
        }
    })
}

/// A UUID v4 made from a counter, unique within a test run.
pub fn uuid(n: u64) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&n.to_be_bytes());
    bytes[8..].copy_from_slice(&(std::process::id() as u64).to_be_bytes());
    allo_core::id::uuid_v4(bytes)
}

/// The same request as [`send`], with a `Bearer` token.
pub fn get_bearer(addr: SocketAddr, path: &str, token: &str) -> Response {
    send(
        addr,
        "GET",
        path,
        &[("Authorization", &format!("Bearer {token}"))],
        b"",
    )
}

/// `application/x-www-form-urlencoded` encoding of `pairs`.
pub fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// POSTs a form, with extra headers (a cookie, a bearer token).
pub fn post_form(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    pairs: &[(&str, &str)],
) -> Response {
    let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    send(addr, "POST", path, &all, &form(pairs))
}

/// Polls `check` every 20 ms until it returns `Some`, or panics after `limit`.
pub fn wait_for<T>(limit: Duration, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A port that was free a moment ago (for a receiver that starts later).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One request a [`Receiver`] (or a [`tls::TlsReceiver`]) got.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The server name the client asked for in its TLS hello (SNI); `None` over plain http.
    pub tls_server_name: Option<String>,
}

impl Delivery {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A tiny webhook receiver: answers every request 200 and records it. Stops on drop.
pub struct Receiver {
    pub addr: SocketAddr,
    pub deliveries: Arc<Mutex<Vec<Delivery>>>,
    stop: Arc<AtomicBool>,
}

impl Receiver {
    pub fn start() -> Receiver {
        Receiver::start_on(0)
    }

    pub fn start_on(port: u16) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let deliveries = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (d, s) = (Arc::clone(&deliveries), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if let Some(delivery) = read_request(stream) {
                            d.lock().unwrap().push(delivery);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Receiver {
            addr,
            deliveries,
            stop,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn received(&self) -> Vec<Delivery> {
        self.deliveries.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn read_request(mut stream: TcpStream) -> Option<Delivery> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    serve_request(&mut stream)
}

/// Reads one HTTP/1.1 request from `stream`, answers 200 and returns what came.
pub(crate) fn serve_request(stream: &mut (impl Read + Write)) -> Option<Delivery> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .ok()?;
    stream.flush().ok()?;
    Some(Delivery {
        path,
        headers,
        body,
        tls_server_name: None,
    })
}

/// An "as soon as possible" callback request for `phone` (E.164), urgent or not, promised by
/// `due_by`.
pub fn callback_for(id: &str, phone: &str, urgent: bool, due_by: &str) -> serde_json::Value {
    let mut c = callback(id);
    c["callback"]["when"] = serde_json::json!({ "mode": "asap" });
    c["callback"]["phone_e164"] = serde_json::json!(phone);
    c["callback"]["urgent"] = serde_json::json!(urgent);
    c["callback"]["promise"]["due_by"] = serde_json::json!(due_by);
    c
}

/// The collector binary with an empty environment: the tests decide every setting, none may
/// leak in from the environment.
pub fn collector_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_allo-collector"));
    cmd.env_clear();
    cmd
}

/// The flags of a collector under load from one address: any free port, warnings only, no
/// per-address rate limit.
pub const UNLIMITED: [&str; 6] = [
    "--listen",
    "127.0.0.1:0",
    "--log",
    "warn",
    "--rate-limit",
    "0",
];

/// How the collector's start-up line begins; the address and `/ (database: …)` follow.
pub const LISTENING: &str = "Allo collector listening on http://";

/// Reads the start-up line of `child` (its stdout piped): the address it serves, and the line.
pub fn listening(child: &mut Child) -> (SocketAddr, String) {
    let mut line = String::new();
    BufReader::new(
        child
            .stdout
            .take()
            .expect("the collector's stdout is piped"),
    )
    .read_line(&mut line)
    .unwrap();
    let addr = line
        .strip_prefix(LISTENING)
        .and_then(|rest| rest.split_once('/'))
        .map(|(addr, _)| addr.parse().unwrap())
        .unwrap_or_else(|| panic!("unexpected start-up line {line:?}"));
    (addr, line)
}

/// A collector process and the address it printed; killed when dropped.
pub struct Process {
    /// The process.
    pub child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Process {
    /// Starts `cmd` with its stdout piped and waits for its start-up line.
    pub fn spawn(cmd: &mut Command) -> Process {
        Process::ready(cmd.stdout(Stdio::piped()).spawn().unwrap())
    }

    /// Waits for the start-up line of `child`, started with its stdout piped.
    pub fn ready(mut child: Child) -> Process {
        let (addr, _) = listening(&mut child);
        Process { child, addr }
    }

    /// Sends SIGTERM, as a service manager stops it.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the exit, at most `limit` (then kills it and panics).
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("no exit within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
