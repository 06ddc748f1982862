//! The schema's steps, written once for both backends.
//!
//! SQLite and PostgreSQL run the same statements except for a few type words (an
//! auto-numbered key, a boolean and its false, a 64-bit integer): each step names those with
//! a `{word}` marker and [`Dialect::steps`] writes them in the backend's words. The
//! applied-migration bookkeeping (SQLite's `user_version`, PostgreSQL's
//! `allo_schema_version`) counts steps by position only; the tests below pin the text each
//! backend receives to what released builds ran, byte for byte.

/// The schema, one step per entry: entry `n` takes the schema version from `n` to `n + 1`.
/// Append new steps; never change a released one, databases in the field already ran it.
const STEPS: &[&str] = &[
    // 1: the submissions table.
    "CREATE TABLE submissions (
        id                    TEXT PRIMARY KEY NOT NULL,
        reference             TEXT NOT NULL,
        kind                  TEXT NOT NULL CHECK (kind IN ('feedback', 'callback')),
        created_at            TEXT NOT NULL,
        received_at           TEXT NOT NULL,
        locale                TEXT NOT NULL,
        page_url              TEXT,
        page_title            TEXT,
        visitor_name          TEXT,
        visitor_email         TEXT,
        visitor_phone         TEXT,
        feedback_metric       TEXT,
        feedback_score        INTEGER,
        feedback_category     TEXT,
        feedback_message      TEXT,
        callback_phone_e164   TEXT,
        callback_country      TEXT,
        callback_when_mode    TEXT,
        callback_slot_from    TEXT,
        callback_slot_to      TEXT,
        callback_timezone     TEXT,
        callback_reason       TEXT,
        callback_urgent       {flag},
        callback_promise_text TEXT,
        callback_due_by       TEXT,
        consent_given_at      TEXT,
        consent_text          TEXT,
        consent_version       TEXT,
        status                TEXT NOT NULL DEFAULT 'new',
        body                  TEXT NOT NULL
    );
    -- The shop's usual questions: what is new, what is due, and 'my reference is 3F25-04E0'.
    CREATE INDEX submissions_status_received ON submissions (status, received_at);
    CREATE INDEX submissions_kind_received ON submissions (kind, received_at);
    CREATE INDEX submissions_due_by ON submissions (callback_due_by) WHERE callback_due_by IS NOT NULL;
    CREATE INDEX submissions_reference ON submissions (reference);",
    // 2: status history, the per-number callback checks, the webhook outbox.
    "CREATE TABLE status_history (
        id            {serial},
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        changed_at    TEXT NOT NULL,
        changed_by    TEXT NOT NULL,
        from_status   TEXT NOT NULL,
        to_status     TEXT NOT NULL,
        note          TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX status_history_submission ON status_history (submission_id, id);
    CREATE INDEX submissions_callback_phone ON submissions (callback_phone_e164, received_at)
        WHERE callback_phone_e164 IS NOT NULL;
    CREATE TABLE outbox (
        id              {serial},
        submission_id   TEXT NOT NULL,
        url             TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        payload         TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        delivered_at    TEXT,
        failed_at       TEXT,
        last_error      TEXT
    );
    CREATE INDEX outbox_pending ON outbox (next_attempt_at)
        WHERE delivered_at IS NULL AND failed_at IS NULL;",
    // 3: what the visitor is told (status endpoint), email deliveries, server settings.
    "ALTER TABLE submissions ADD COLUMN visitor_message TEXT;
    ALTER TABLE submissions ADD COLUMN rescheduled_due_by TEXT;
    ALTER TABLE submissions ADD COLUMN status_updated_at TEXT;
    ALTER TABLE status_history ADD COLUMN visitor_message TEXT;
    ALTER TABLE status_history ADD COLUMN due_by TEXT;
    ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'webhook';
    CREATE INDEX outbox_submission ON outbox (submission_id, id);
    CREATE TABLE settings (
        name  TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    );",
    // 4: calls to callbacks' visitors, what they changed, and the search text (filled for
    // older rows by the code after migrating: it is folded in Rust, see crate::search).
    "CREATE TABLE call_attempts (
        id            {serial},
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        at            TEXT NOT NULL,
        by_name       TEXT NOT NULL,
        outcome       TEXT NOT NULL,
        retry_at      TEXT,
        note          TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX call_attempts_submission ON call_attempts (submission_id, id);
    ALTER TABLE submissions ADD COLUMN retry_at TEXT;
    ALTER TABLE submissions ADD COLUMN attempts_failed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE submissions ADD COLUMN first_attempt_at TEXT;
    ALTER TABLE submissions ADD COLUMN promise_kept {flag};
    ALTER TABLE submissions ADD COLUMN last_attempt_at TEXT;
    ALTER TABLE submissions ADD COLUMN last_outcome TEXT;
    ALTER TABLE submissions ADD COLUMN other_channel {flag} NOT NULL DEFAULT {false};
    ALTER TABLE submissions ADD COLUMN search_text TEXT;",
    // 5: inbox accounts, their sessions (only the id's hash is kept), failed logins counted
    // per account and per address, and who took each submission.
    "CREATE TABLE accounts (
        id            {serial},
        email         TEXT NOT NULL UNIQUE,
        name          TEXT NOT NULL DEFAULT '',
        role          TEXT NOT NULL CHECK (role IN ('owner', 'agent')),
        password_hash TEXT NOT NULL,
        disabled_at   TEXT,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id_hash    TEXT PRIMARY KEY NOT NULL,
        account_id {bigint} NOT NULL REFERENCES accounts (id),
        csrf       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX sessions_account ON sessions (account_id);
    CREATE TABLE login_failures (
        id    {serial},
        key   TEXT NOT NULL,
        at_ms {bigint} NOT NULL
    );
    CREATE INDEX login_failures_key ON login_failures (key, at_ms);
    ALTER TABLE submissions ADD COLUMN assigned_to {bigint} REFERENCES accounts (id);
    CREATE INDEX submissions_assigned ON submissions (assigned_to);",
    // 6: emails to visitors: each one's event key (unique: queued once whichever collector
    // queues it), the owner's replies, when the shop last answered, unsubscribing.
    "ALTER TABLE outbox ADD COLUMN event_key TEXT;
    CREATE UNIQUE INDEX outbox_event_key ON outbox (event_key);
    ALTER TABLE submissions ADD COLUMN answered_at TEXT;
    ALTER TABLE submissions ADD COLUMN unsubscribed_at TEXT;
    CREATE TABLE replies (
        id            {serial},
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        at            TEXT NOT NULL,
        by_name       TEXT NOT NULL,
        body          TEXT NOT NULL,
        message_id    TEXT NOT NULL,
        event_key     TEXT NOT NULL
    );
    CREATE INDEX replies_submission ON replies (submission_id, id);",
    // 7: Insights reads by received time.
    "CREATE INDEX submissions_received ON submissions (received_at);",
    // 8: the owner's context of each submission (compact JSON, see crate::context).
    "ALTER TABLE submissions ADD COLUMN context TEXT;",
];

/// How many steps there are: the schema version this build creates and understands.
pub const SCHEMA_VERSION: usize = STEPS.len();

/// A backend's words for the markers in [`STEPS`].
#[derive(Clone, Copy, Debug)]
pub struct Dialect {
    /// `{serial}`: an auto-numbered 64-bit primary key.
    serial: &'static str,
    /// `{flag}`: a nullable boolean column's type.
    flag: &'static str,
    /// `{false}`: the false of that type, for defaults.
    falsity: &'static str,
    /// `{bigint}`: a 64-bit integer (account ids, milliseconds).
    bigint: &'static str,
}

/// SQLite's words: its `INTEGER` is already 64-bit, and booleans are integers.
pub const SQLITE: Dialect = Dialect {
    serial: "INTEGER PRIMARY KEY AUTOINCREMENT",
    flag: "INTEGER",
    falsity: "0",
    bigint: "INTEGER",
};

/// PostgreSQL's words, where it has a better type than SQLite (BOOLEAN, BIGSERIAL, BIGINT).
pub const POSTGRES: Dialect = Dialect {
    serial: "BIGSERIAL PRIMARY KEY",
    flag: "BOOLEAN",
    falsity: "FALSE",
    bigint: "BIGINT",
};

impl Dialect {
    /// Every step in this backend's words.
    pub fn steps(&self) -> Vec<String> {
        STEPS
            .iter()
            .map(|step| {
                step.replace("{serial}", self.serial)
                    .replace("{flag}", self.flag)
                    .replace("{false}", self.falsity)
                    .replace("{bigint}", self.bigint)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    /// SHA-256 of the steps joined by newlines, `--` comment lines left out (they are not
    /// statements, and the old PostgreSQL list lacked one the SQLite list had).
    fn digest(steps: &[String]) -> String {
        let text = steps.join("\n");
        let statements: Vec<&str> = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect();
        Sha256::digest(statements.join("\n"))
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Each backend's statements as the two hand-written lists of the releases up to schema
    /// version 7 had them (digests taken from those lists): nothing changed when they became
    /// one. Later steps are not pinned here; a released step must never change.
    #[test]
    fn each_backend_receives_the_released_statements() {
        const { assert!(SCHEMA_VERSION >= 7) };
        assert_eq!(
            digest(&SQLITE.steps()[..7]),
            "256bb4b7e9ac5b1885d936e04711487da590e3500d4f0c0f019b48ef92e1fa2b"
        );
        assert_eq!(
            digest(&POSTGRES.steps()[..7]),
            "fe3a7f0fac6d741eb3141d5de487fc3a596fa83b0d78a567afc0c889671e99a6"
        );
    }

    #[test]
    fn no_marker_is_left_unwritten() {
        for dialect in [SQLITE, POSTGRES] {
            for step in dialect.steps() {
                assert!(!step.contains('{'), "{step}");
            }
        }
    }
}
