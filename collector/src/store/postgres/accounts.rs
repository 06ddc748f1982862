//! [`AccountStore`] on PostgreSQL. Account changes lock the row (`FOR UPDATE`) and the
//! last-owner check counts under the migration namespace's account lock, so two owners
//! demoting each other at once through two collectors cannot both succeed.
use async_trait::async_trait;
use tokio_postgres::Row;

use super::{as_params, placeholder, PgStore, LOCK_NAMESPACE};
use crate::accounts::{Account, Tally};
use crate::store::accounts::{
    account_from, assignees_sql, ends_sessions, removes_an_owner, sql, AccountChange, AccountStore,
    Changed, NewAccount, NewSession, ACCOUNT_COLUMNS, OTHER_OWNERS_SQL,
};
use crate::store::StoreError;

/// Second key of the lock that serialises account changes (the last-owner rule).
const ACCOUNTS_LOCK: i32 = 1;

fn account_row(row: &Row) -> Result<Account, StoreError> {
    Ok(account_from(
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        &row.try_get::<_, String>(3)?,
        row.try_get(4)?,
        row.try_get(5)?,
    ))
}

#[async_trait]
impl AccountStore for PgStore {
    async fn create_account(&self, a: NewAccount) -> Result<Option<Account>, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                &sql::create_account(),
                &[
                    &a.email,
                    &a.name,
                    &a.role.as_str(),
                    &a.password_hash,
                    &a.created_at,
                ],
            )
            .await?;
        row.as_ref().map(account_row).transpose()
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let client = self.pool.get().await?;
        client
            .query(&sql::accounts(), &[])
            .await?
            .iter()
            .map(account_row)
            .collect()
    }

    async fn account_by_email(
        &self,
        email: String,
    ) -> Result<Option<(Account, String)>, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(&sql::account_by_email(), &[&email])
            .await?;
        match row {
            Some(row) => Ok(Some((account_row(&row)?, row.try_get(6)?))),
            None => Ok(None),
        }
    }

    async fn change_account(&self, id: i64, change: AccountChange) -> Result<Changed, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&LOCK_NAMESPACE, &ACCOUNTS_LOCK],
        )
        .await?;
        let Some(before) = tx
            .query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1 FOR UPDATE"),
                &[&id],
            )
            .await?
        else {
            return Ok(Changed::NotFound);
        };
        let before = account_row(&before)?;
        if removes_an_owner(&change, before.role, before.disabled) {
            let others: i64 = tx
                .query_one(&format!("{OTHER_OWNERS_SQL}$1"), &[&id])
                .await?
                .try_get(0)?;
            if others == 0 {
                return Ok(Changed::LastOwner);
            }
        }
        match &change {
            AccountChange::Disable => {
                tx.execute(sql::DISABLE, &[&id, &crate::time::now_rfc3339()])
                    .await?
            }
            AccountChange::Enable => tx.execute(sql::ENABLE, &[&id]).await?,
            AccountChange::Password(hash) => tx.execute(sql::PASSWORD, &[&id, hash]).await?,
            AccountChange::Role(role) => tx.execute(sql::ROLE, &[&id, &role.as_str()]).await?,
        };
        if ends_sessions(&change) {
            tx.execute(sql::END_SESSIONS, &[&id]).await?;
        }
        let after = tx.query_one(&sql::account_by_id(), &[&id]).await?;
        let after = account_row(&after)?;
        tx.commit().await?;
        Ok(Changed::Done(after))
    }

    async fn create_session(&self, s: NewSession) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(sql::DROP_EXPIRED_SESSIONS, &[&s.created_at])
            .await?;
        client
            .execute(
                sql::CREATE_SESSION,
                &[
                    &s.id_hash,
                    &s.account_id,
                    &s.csrf,
                    &s.created_at,
                    &s.expires_at,
                ],
            )
            .await?;
        Ok(())
    }

    async fn session(
        &self,
        id_hash: String,
        now: String,
    ) -> Result<Option<(Account, String)>, StoreError> {
        let client = self.pool.get().await?;
        let row = client.query_opt(sql::SESSION, &[&id_hash, &now]).await?;
        match row {
            Some(row) => Ok(Some((account_row(&row)?, row.try_get(6)?))),
            None => Ok(None),
        }
    }

    async fn end_session(&self, id_hash: String) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client.execute(sql::END_SESSION, &[&id_hash]).await?;
        Ok(())
    }

    async fn end_sessions(&self, account_id: i64) -> Result<u64, StoreError> {
        let client = self.pool.get().await?;
        Ok(client.execute(sql::END_SESSIONS, &[&account_id]).await?)
    }

    async fn login_failed(
        &self,
        keys: Vec<String>,
        at_ms: i64,
        forget_before_ms: i64,
    ) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(sql::FORGET_OLD_FAILURES, &[&forget_before_ms])
            .await?;
        for key in keys {
            client.execute(sql::LOGIN_FAILED, &[&key, &at_ms]).await?;
        }
        Ok(())
    }

    async fn login_tally(&self, key: String, since_ms: i64) -> Result<Tally, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_one(sql::LOGIN_TALLY, &[&key, &since_ms])
            .await?;
        Ok(Tally {
            count: u32::try_from(row.try_get::<_, i64>(0)?).unwrap_or(u32::MAX),
            oldest_ms: row.try_get(1)?,
        })
    }

    async fn login_forget(&self, key: String) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client.execute(sql::LOGIN_FORGET, &[&key]).await?;
        Ok(())
    }

    async fn assign(
        &self,
        id: String,
        to: Option<i64>,
        by: String,
        note: String,
        at: String,
    ) -> Result<bool, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let Some(status) = super::locked_status(&tx, &id).await? else {
            return Ok(false);
        };
        tx.execute(sql::ASSIGN, &[&id, &to]).await?;
        tx.execute(sql::ASSIGN_HISTORY, &[&id, &at, &by, &status, &note])
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn assignees(&self, ids: Vec<String>) -> Result<Vec<(String, i64)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.pool.get().await?;
        client
            .query(&assignees_sql(ids.len(), placeholder), &as_params(&ids))
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }
}
