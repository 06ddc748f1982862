//! Memory of the inbox's exports (see BENCHMARKS.md): seeds a SQLite database with N
//! submissions, serves it in this process, downloads the CSV and JSON exports (one, then
//! four at once) and reports the process's resident memory before and at its peak.
//!
//! `cargo run --release -p allo-collector --example export_memory -- [ROWS]` (default
//! 100,000). Linux only: it reads `/proc/self/status` and resets the peak through
//! `/proc/self/clear_refs`.
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use allo_collector::{Collector, Config};

const TOKEN: &str = "benchmark-inbox-token-0123456789";

fn main() {
    let rows: u64 = std::env::args()
        .nth(1)
        .map(|a| a.replace(['_', ','], "").parse().expect("ROWS is a number"))
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("allo-export-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("bench.sqlite");
    seed(&db, rows);

    let mut config = Config::new(&db);
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.inbox_token = Some(TOKEN.into());
    config.log = tracing::Level::WARN;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let collector = Collector::bind(&config).await.unwrap();
            tx.send(collector.local_addr()).unwrap();
            collector.serve(std::future::pending()).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    // Let the server settle (the phone metadata warms up at start).
    std::thread::sleep(Duration::from_secs(1));

    println!("rows: {rows}");
    println!("idle: RSS {} MB", mb(status("VmRSS")));
    for path in ["/inbox/export.csv", "/inbox/export.json"] {
        reset_peak();
        let before = status("VmRSS");
        let start = Instant::now();
        let bytes = download(addr, path);
        println!(
            "{path}: {:.1} MB in {:.1} s; RSS before {} MB, peak {} MB",
            bytes as f64 / 1e6,
            start.elapsed().as_secs_f64(),
            mb(before),
            mb(status("VmHWM"))
        );
    }
    reset_peak();
    let before = status("VmRSS");
    let start = Instant::now();
    let total: u64 = std::thread::scope(|s| {
        let downloads: Vec<_> = (0..4)
            .map(|_| s.spawn(|| download(addr, "/inbox/export.json")))
            .collect();
        downloads.into_iter().map(|d| d.join().unwrap()).sum()
    });
    println!(
        "4 x /inbox/export.json at once: {:.1} MB in {:.1} s; RSS before {} MB, peak {} MB",
        total as f64 / 1e6,
        start.elapsed().as_secs_f64(),
        mb(before),
        mb(status("VmHWM"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `rows` feedback submissions written straight into the database in one transaction (the
/// API would fsync each one: minutes for nothing this benchmark measures).
fn seed(db: &std::path::Path, rows: u64) {
    drop(allo_collector::store::SqliteStore::open(db).expect("the schema is created"));
    let mut conn = rusqlite::Connection::open(db).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO submissions (id, reference, kind, created_at, received_at, locale, \
                 page_url, page_title, visitor_name, visitor_email, feedback_metric, \
                 feedback_score, feedback_category, feedback_message, body) \
                 VALUES (?1, ?2, 'feedback', ?3, ?3, 'fr-FR', 'https://shop.example/checkout', \
                 'Paiement', 'Ada Lovelace', 'ada@example.com', 'nps', 9, 'Livraison', ?4, ?5)",
            )
            .unwrap();
        for n in 0..rows {
            // The counter in the last six bytes, which uuid_v4 leaves alone.
            let mut bytes = [0u8; 16];
            bytes[8..].copy_from_slice(&n.to_be_bytes());
            let id = allo_core::id::uuid_v4(bytes);
            let at = format!(
                "2026-11-{:02}T{:02}:{:02}:{:02}.000Z",
                1 + n / 86_400 % 28,
                n / 3600 % 24,
                n / 60 % 60,
                n % 60
            );
            let message = format!("Très bien, livraison rapide. Commande {n}; merci !");
            let body = serde_json::json!({
                "schema": "allo.submission/1", "id": id, "kind": "feedback",
                "created_at": at, "locale": "fr-FR",
                "page": { "url": "https://shop.example/checkout", "title": "Paiement", "referrer": "" },
                "visitor": { "name": "Ada Lovelace", "email": "ada@example.com" },
                "feedback": { "metric": "nps", "score": 9, "category": "Livraison", "message": message },
                "client": { "widget_version": "0.1.0", "user_agent": "Mozilla/5.0", "viewport": "1280x720" }
            })
            .to_string();
            insert
                .execute(rusqlite::params![
                    id,
                    allo_core::id::reference(&id),
                    at,
                    message,
                    body
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// Downloads `path` and returns how many bytes came (headers included), discarding them.
fn download(addr: SocketAddr, path: &str) -> u64 {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n as u64,
            Err(e) => panic!("{path}: {e}"),
        }
    }
}

/// A `/proc/self/status` field in kB.
fn status(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Resets VmHWM (the peak) to the current RSS.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mb(kb: u64) -> u64 {
    kb / 1024
}
