//! [`AccountStore`] on SQLite: the same one-writer transactions as the submissions.
use async_trait::async_trait;
use rusqlite::{params, params_from_iter, OptionalExtension, Row, TransactionBehavior};

use super::{placeholder, SqliteStore};
use crate::accounts::{Account, Tally};
use crate::store::accounts::{
    account_from, assignees_sql, ends_sessions, removes_an_owner, sql, sqlite_placeholders as q,
    AccountChange, AccountStore, Changed, NewAccount, NewSession, OTHER_OWNERS_SQL,
};
use crate::store::StoreError;

fn account_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(account_from(
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        &row.get::<_, String>(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn account_by_id(conn: &rusqlite::Connection, id: i64) -> rusqlite::Result<Option<Account>> {
    conn.prepare_cached(&q(&sql::account_by_id()))?
        .query_row([id], account_row)
        .optional()
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_account(&self, a: NewAccount) -> Result<Option<Account>, StoreError> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached(&q(&sql::create_account()))?
                .query_row(
                    params![
                        a.email,
                        a.name,
                        a.role.as_str(),
                        a.password_hash,
                        a.created_at
                    ],
                    account_row,
                )
                .optional()?)
        })
        .await
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.run(|conn| {
            Ok(conn
                .prepare_cached(&sql::accounts())?
                .query_map([], account_row)?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn account_by_email(
        &self,
        email: String,
    ) -> Result<Option<(Account, String)>, StoreError> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached(&q(&sql::account_by_email()))?
                .query_row([email], |row| Ok((account_row(row)?, row.get(6)?)))
                .optional()?)
        })
        .await
    }

    async fn change_account(&self, id: i64, change: AccountChange) -> Result<Changed, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(before) = account_by_id(&tx, id)? else {
                return Ok(Changed::NotFound);
            };
            if removes_an_owner(&change, before.role, before.disabled) {
                let others: i64 =
                    tx.query_row(&format!("{OTHER_OWNERS_SQL}?1"), [id], |r| r.get(0))?;
                if others == 0 {
                    return Ok(Changed::LastOwner);
                }
            }
            match &change {
                AccountChange::Disable => {
                    tx.execute(&q(sql::DISABLE), params![id, crate::time::now_rfc3339()])?
                }
                AccountChange::Enable => tx.execute(&q(sql::ENABLE), [id])?,
                AccountChange::Password(hash) => {
                    tx.execute(&q(sql::PASSWORD), params![id, hash])?
                }
                AccountChange::Role(role) => {
                    tx.execute(&q(sql::ROLE), params![id, role.as_str()])?
                }
            };
            if ends_sessions(&change) {
                tx.execute(&q(sql::END_SESSIONS), [id])?;
            }
            let after = account_by_id(&tx, id)?;
            tx.commit()?;
            Ok(after.map_or(Changed::NotFound, Changed::Done))
        })
        .await
    }

    async fn create_session(&self, s: NewSession) -> Result<(), StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(&q(sql::DROP_EXPIRED_SESSIONS), [&s.created_at])?;
            tx.execute(
                &q(sql::CREATE_SESSION),
                params![s.id_hash, s.account_id, s.csrf, s.created_at, s.expires_at],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn session(
        &self,
        id_hash: String,
        now: String,
    ) -> Result<Option<(Account, String)>, StoreError> {
        self.run(move |conn| {
            Ok(conn
                .prepare_cached(&q(sql::SESSION))?
                .query_row([id_hash, now], |row| Ok((account_row(row)?, row.get(6)?)))
                .optional()?)
        })
        .await
    }

    async fn end_session(&self, id_hash: String) -> Result<(), StoreError> {
        self.run(move |conn| {
            conn.execute(&q(sql::END_SESSION), [id_hash])?;
            Ok(())
        })
        .await
    }

    async fn end_sessions(&self, account_id: i64) -> Result<u64, StoreError> {
        self.run(move |conn| Ok(conn.execute(&q(sql::END_SESSIONS), [account_id])? as u64))
            .await
    }

    async fn login_failed(
        &self,
        keys: Vec<String>,
        at_ms: i64,
        forget_before_ms: i64,
    ) -> Result<(), StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(&q(sql::FORGET_OLD_FAILURES), [forget_before_ms])?;
            for key in keys {
                tx.prepare_cached(&q(sql::LOGIN_FAILED))?
                    .execute(params![key, at_ms])?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn login_tally(&self, key: String, since_ms: i64) -> Result<Tally, StoreError> {
        self.run(move |conn| {
            Ok(conn.prepare_cached(&q(sql::LOGIN_TALLY))?.query_row(
                params![key, since_ms],
                |row| {
                    Ok(Tally {
                        count: u32::try_from(row.get::<_, i64>(0)?).unwrap_or(u32::MAX),
                        oldest_ms: row.get(1)?,
                    })
                },
            )?)
        })
        .await
    }

    async fn login_forget(&self, key: String) -> Result<(), StoreError> {
        self.run(move |conn| {
            conn.execute(&q(sql::LOGIN_FORGET), [key])?;
            Ok(())
        })
        .await
    }

    async fn assign(
        &self,
        id: String,
        to: Option<i64>,
        by: String,
        note: String,
        at: String,
    ) -> Result<bool, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(status) = super::status_of(&tx, &id)? else {
                return Ok(false);
            };
            tx.execute(&q(sql::ASSIGN), params![id, to])?;
            tx.execute(&q(sql::ASSIGN_HISTORY), params![id, at, by, status, note])?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn assignees(&self, ids: Vec<String>) -> Result<Vec<(String, i64)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.run(move |conn| {
            Ok(conn
                .prepare(&assignees_sql(ids.len(), placeholder))?
                .query_map(params_from_iter(ids.iter()), |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}
