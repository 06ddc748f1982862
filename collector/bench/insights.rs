//! Insights page server time (see BENCHMARKS.md): seeds a database with N submissions spread
//! over the year before now (4 in 5 feedback, the shop switching from NPS to CSAT half-way;
//! 1 in 5 callback requests, 70 % of them called), then times the whole server side of
//! `/inbox/insights` (the store reads, the figures, the HTML with its charts) for each period,
//! and prints p50 and p99.
//!
//! `cargo run --release -p allo-collector --example insights -- [ROWS] [RUNS]` (defaults
//! 100,000 and 40) on SQLite in a temp dir; with `DATABASE_URL=postgres://…` on that
//! database instead (its `submissions` table must be empty: use a fresh test cluster).
use std::sync::Arc;
use std::time::Instant;

use allo_collector::config::DatabaseUrl;
use allo_collector::insights::InsightsQuery;
use allo_collector::owner_zone::Zone;
use allo_collector::store::Store;
use allo_collector::{html, inbox, open_store};

const DAY_MS: i64 = 86_400_000;

/// One seeded row: the columns Insights reads, plus the ones the schema requires.
struct Seed {
    id: String,
    kind: &'static str,
    at: String,
    locale: &'static str,
    page: String,
    metric: Option<&'static str>,
    score: Option<i32>,
    category: Option<&'static str>,
    message: Option<String>,
    email: String,
    phone: Option<String>,
    due: Option<String>,
    first: Option<String>,
    kept: Option<bool>,
    status: &'static str,
}

fn fmt(ms: i64) -> String {
    allo_collector::time::format_millis(ms as u64)
}

fn seeds(rows: u64, now: i64) -> impl Iterator<Item = Seed> {
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |m: u64| {
        // xorshift64*: deterministic, good enough to spread test data.
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        rng.wrapping_mul(0x2545_f491_4f6c_dd1d) % m
    };
    (0..rows).map(move |n| {
        let mut bytes = [0u8; 16];
        bytes[8..].copy_from_slice(&n.to_be_bytes());
        let id = allo_core::id::uuid_v4(bytes);
        let received =
            now - 365 * DAY_MS + (365 * DAY_MS) * n as i64 / rows as i64 + next(60_000) as i64;
        let at = fmt(received);
        let locale = ["en", "fr-FR", "de-DE"][next(3) as usize];
        let page = format!("https://shop.example/p/{}", next(30));
        if n % 5 == 0 {
            let due = received + 15 * 60_000;
            let called = next(10) < 7;
            let first = received + (1 + next(60) as i64) * 60_000;
            let status = if called {
                "called_back"
            } else if received < now - 3 * DAY_MS {
                "handled"
            } else {
                "new"
            };
            Seed {
                id,
                kind: "callback",
                at,
                locale,
                page,
                metric: None,
                score: None,
                category: None,
                message: None,
                email: format!("v{}@example.com", next(5000)),
                phone: Some(format!("+336{:08}", next(100_000_000))),
                due: Some(fmt(due)),
                first: called.then(|| fmt(first)),
                kept: called.then_some(first <= due),
                status,
            }
        } else {
            let nps = received < now - 182 * DAY_MS;
            let (metric, score) = if nps {
                ("nps", next(11) as i32)
            } else {
                ("csat", 1 + next(5) as i32)
            };
            Seed {
                id,
                kind: "feedback",
                at,
                locale,
                page,
                metric: Some(metric),
                score: Some(score),
                category: Some(["Livraison", "Produit", "Site", "Prix", "Autre"][next(5) as usize]),
                message: (next(3) > 0).then(|| format!("Commentaire numéro {n}, score {score}")),
                email: format!("v{}@example.com", next(5000)),
                phone: None,
                due: None,
                first: None,
                kept: None,
                status: "new",
            }
        }
    })
}

const INSERT: &str = "INSERT INTO submissions (id, reference, kind, created_at, received_at, \
    locale, page_url, feedback_metric, feedback_score, feedback_category, feedback_message, \
    visitor_email, callback_phone_e164, callback_country, callback_due_by, first_attempt_at, \
    promise_kept, status, body) VALUES ";

fn seed_sqlite(path: &std::path::Path, rows: u64, now: i64) {
    drop(allo_collector::store::SqliteStore::open(path).expect("the schema is created"));
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let values: Vec<String> = (1..=19).map(|n| format!("?{n}")).collect();
        let mut insert = tx
            .prepare(&format!("{INSERT}({})", values.join(", ")))
            .unwrap();
        for s in seeds(rows, now) {
            insert
                .execute(rusqlite::params![
                    s.id,
                    allo_core::id::reference(&s.id),
                    s.kind,
                    s.at,
                    s.at,
                    s.locale,
                    s.page,
                    s.metric,
                    s.score,
                    s.category,
                    s.message,
                    s.email,
                    s.phone,
                    s.phone.as_ref().map(|_| "FR"),
                    s.due,
                    s.first,
                    s.kept,
                    s.status,
                    "{}",
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

async fn seed_postgres(url: &str, rows: u64, now: i64) {
    let (mut client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let tx = client.transaction().await.unwrap();
    let values: Vec<String> = (1..=19).map(|n| format!("${n}")).collect();
    let insert = tx
        .prepare(&format!("{INSERT}({})", values.join(", ")))
        .await
        .unwrap();
    for s in seeds(rows, now) {
        let reference = allo_core::id::reference(&s.id);
        let country = s.phone.as_ref().map(|_| "FR");
        tx.execute(
            &insert,
            &[
                &s.id,
                &reference,
                &s.kind,
                &s.at,
                &s.at,
                &s.locale,
                &s.page,
                &s.metric,
                &s.score,
                &s.category,
                &s.message,
                &s.email,
                &s.phone,
                &country,
                &s.due,
                &s.first,
                &s.kept,
                &s.status,
                &"{}",
            ],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    client.batch_execute("ANALYZE submissions").await.unwrap();
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let number = |a: Option<String>, default: u64| {
        a.map(|a| a.replace(['_', ','], "").parse().expect("a number"))
            .unwrap_or(default)
    };
    let rows = number(args.next(), 100_000);
    let runs = number(args.next(), 40) as usize;
    let now = allo_collector::time::now_millis() as i64;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("allo-insights-bench-{}", std::process::id()));
    let database = match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => DatabaseUrl::Postgres(url),
        _ => {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            DatabaseUrl::Sqlite(dir.join("bench.sqlite"))
        }
    };
    let started = Instant::now();
    let store: Arc<dyn Store> = runtime.block_on(async {
        let store = open_store(&database).await.unwrap();
        match &database {
            DatabaseUrl::Sqlite(path) => {
                let path = path.clone();
                tokio::task::spawn_blocking(move || seed_sqlite(&path, rows, now))
                    .await
                    .unwrap();
            }
            DatabaseUrl::Postgres(url) => seed_postgres(url, rows, now).await,
        }
        store
    });
    let backend = match database {
        DatabaseUrl::Sqlite(_) => "SQLite",
        DatabaseUrl::Postgres(_) => "PostgreSQL",
    };
    println!(
        "{backend}: seeded {rows} submissions over 365 days in {:.1} s; {runs} runs each",
        started.elapsed().as_secs_f64()
    );
    let zone = Zone::named("Europe/Paris").unwrap();
    let cases = [
        ("7 days", "period=7"),
        ("30 days (default)", ""),
        ("90 days", "period=90"),
        ("this year", "period=year"),
        ("30 days, path /p/1", "path=/p/1"),
    ];
    println!("| period | rows read | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|");
    for (label, query) in cases {
        let q: InsightsQuery = query_of(query);
        let scope = q.scope().unwrap();
        let mut times = Vec::with_capacity(runs);
        let mut bytes = 0;
        let mut read = 0;
        for run in 0..runs + 2 {
            let t = Instant::now();
            let ins = runtime
                .block_on(inbox::insights_for(store.as_ref(), &scope, &zone, now))
                .unwrap();
            let page = html::insights::page(&ins, &q, "csrf", &zone, &html::Team::default());
            let elapsed = t.elapsed().as_secs_f64() * 1000.0;
            bytes = page.len();
            read = ins.answers + ins.promises.requests;
            // The first two warm the caches, as a page seen before would.
            if run >= 2 {
                times.push(elapsed);
            }
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "| {label} | {read} in the period | {:.1} | {:.1} |  ({} KB of HTML)",
            percentile(&times, 50),
            percentile(&times, 99),
            bytes / 1024
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The few query strings above, parsed by hand (`key=value&…`).
fn query_of(query: &str) -> InsightsQuery {
    let mut q = InsightsQuery::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap();
        match k {
            "period" => q.period = v.into(),
            "path" => q.path = v.into(),
            _ => panic!("unknown key {k}"),
        }
    }
    q
}
