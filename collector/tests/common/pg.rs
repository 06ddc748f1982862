//! PostgreSQL for tests: the backend choice and a throwaway schema per test.
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Which database a test runs on.
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    /// With the base URL from `ALLO_TEST_DATABASE_URL`.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL when `ALLO_TEST_DATABASE_URL` is set; otherwise a loud skip notice and `None`.
    pub fn postgres(test: &str) -> Option<Backend> {
        match std::env::var("ALLO_TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => Some(Backend::Postgres(url)),
            _ => {
                // Straight to the process's stderr: the test harness captures eprintln!.
                let _ = writeln!(
                    std::io::stderr(),
                    "\n!!! SKIPPED {test} on PostgreSQL: ALLO_TEST_DATABASE_URL is not set \
                     (export ALLO_TEST_DATABASE_URL=\"$(collector/tests/start-postgres.sh)\")"
                );
                None
            }
        }
    }
}

/// Runs `f` on a small current-thread runtime (tests are synchronous).
pub fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Like [`block_on`], on a thread of its own, so it also works from inside async tests.
fn block_on_aside<T: Send>(f: impl std::future::Future<Output = T> + Send) -> T {
    std::thread::scope(|s| s.spawn(|| block_on(f)).join().unwrap())
}

/// A schema of its own in the test database, selected through the URL's `options`, so tests
/// run in parallel without seeing each other's rows. Dropped with everything in it.
pub struct Schema {
    pub url: String,
    base: String,
    name: String,
}

impl Schema {
    pub fn new(base: &str) -> Schema {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "t_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        exec(base, &format!("CREATE SCHEMA {name}"));
        let sep = if base.contains('?') { '&' } else { '?' };
        Schema {
            url: format!("{base}{sep}options=-c%20search_path%3D{name}"),
            base: base.to_owned(),
            name,
        }
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        exec(
            &self.base,
            &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
        );
    }
}

/// Runs one statement on `url`.
pub fn exec(url: &str, sql: &str) {
    block_on_aside(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to ALLO_TEST_DATABASE_URL {url}: {e}"));
        let conn = tokio::spawn(connection);
        client
            .batch_execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        drop(client);
        let _ = conn.await;
    });
}

/// Runs one query on `url` and returns the first column of each row as text.
pub fn query_strings(url: &str, sql: &str) -> Vec<Option<String>> {
    block_on_aside(async {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        let conn = tokio::spawn(connection);
        let rows = client.query(sql, &[]).await.unwrap();
        drop(client);
        let _ = conn.await;
        rows.iter().map(|r| r.get::<_, Option<String>>(0)).collect()
    })
}

/// Generates `sqlite::NAME` and `postgres::NAME` tests calling `NAME(backend)` for each
/// listed test function.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::common::Backend::Sqlite)
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(b) = $crate::common::Backend::postgres(stringify!($name)) {
                        super::$name(b)
                    }
                }
            )*
        }
    };
}
