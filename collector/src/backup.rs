//! `allo-collector backup OUT`: an online copy of the SQLite database, safe while it serves.
//!
//! Why `VACUUM INTO` and not `cp`: copying the file while the collector writes can catch a
//! half-applied transaction, and in WAL mode the newest commits are not in the main file at
//! all. `VACUUM INTO` reads one consistent snapshot inside a read transaction (writers carry
//! on meanwhile, WAL readers never block them) and writes a compact, self-contained database
//! with no `-wal` file beside it. The copy is then checked with `PRAGMA integrity_check`
//! before the command reports success, so a backup that exists is one that opens.
//!
//! PostgreSQL has its own tools (`pg_dump`, docs/deploy.md); this command refuses it.
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// Why a backup was not made. Each message names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The source database does not exist (the command never creates one).
    #[error("no database at {0}")]
    Missing(PathBuf),
    /// The output file is already there; a backup never overwrites one.
    #[error("{0} already exists; a backup never overwrites a file")]
    Exists(PathBuf),
    /// SQLite failed to read the source or write the copy.
    #[error("backing up {from} to {to} failed: {source}")]
    Sqlite {
        /// The database being copied.
        from: PathBuf,
        /// The file being written.
        to: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The copy was written but does not pass `PRAGMA integrity_check`.
    #[error("the copy {0} fails PRAGMA integrity_check: {1}")]
    Corrupt(PathBuf, String),
}

/// What a finished backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// The submissions in it.
    pub submissions: i64,
}

/// How long the copy waits for a writer's lock before failing (the collector's own writes
/// take milliseconds; the same wait as the store's).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Copies the database at `db` to `out` and checks the copy. When `out` is an existing
/// directory the copy is named `allo-YYYYMMDDTHHMMSSZ.sqlite` inside it, so a timer can run
/// the same command every day.
pub fn backup(db: &Path, out: &Path) -> Result<Report, BackupError> {
    let out = if out.is_dir() {
        out.join(file_name(&crate::time::now_rfc3339()))
    } else {
        out.to_owned()
    };
    if !db.is_file() {
        return Err(BackupError::Missing(db.to_owned()));
    }
    if out.exists() {
        return Err(BackupError::Exists(out));
    }
    let sqlite = |source| BackupError::Sqlite {
        from: db.to_owned(),
        to: out.clone(),
        source,
    };
    // Read-write without CREATE: a missing file is an error, not a new empty database, and
    // WAL needs its shared-memory file writable even to read.
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
    let target = out.to_string_lossy().into_owned();
    conn.execute("VACUUM INTO ?1", [&target]).map_err(sqlite)?;
    drop(conn);

    let copy =
        Connection::open_with_flags(&out, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sqlite)?;
    let verdict: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(sqlite)?;
    if verdict != "ok" {
        return Err(BackupError::Corrupt(out, verdict));
    }
    let submissions = copy
        .query_row("SELECT COUNT(*) FROM submissions", [], |r| r.get(0))
        .map_err(sqlite)?;
    drop(copy);
    let bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    Ok(Report {
        path: out,
        bytes,
        submissions,
    })
}

/// `allo-20261201T143250Z.sqlite` for `2026-12-01T14:32:50.123Z`: sortable, no colons
/// (which some file systems and `scp` treat specially).
fn file_name(rfc3339: &str) -> String {
    let stamp: String = rfc3339
        .split('.')
        .next()
        .unwrap_or(rfc3339)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("allo-{stamp}Z.sqlite")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time() {
        assert_eq!(
            file_name("2026-12-01T14:32:50.123Z"),
            "allo-20261201T143250Z.sqlite"
        );
    }
}
