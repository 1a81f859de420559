//! The portal's hottest reads on SQLite — an item's page, a page of a list — on synchronous
//! read-only connections, run on the thread that answers the request.
//!
//! sqlx-sqlite runs every statement on a worker thread of its connection and sends the rows back
//! through channels: each statement is a hand-off and a wake-up each way, and at thousands of
//! pages a second those cost more than the read itself (the kernel's scheduler took most of the
//! CPU in issue 17's profile). The reads here are a primary-key lookup or one index seek of at
//! most a page of rows: tens of microseconds, short enough to run where the request is. Writes,
//! PostgreSQL and every other read keep sqlx; the statements are the same text on both paths
//! (SQLite numbers `$1`, `$2`… by their first appearance, which is their order here).
//!
//! A reader sees what was committed when its statement starts (WAL), as sqlx's connections do,
//! so a write through this process is visible to the next page at once.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Params, Row};

use crate::{Store, StoreError};

/// Connections kept between reads (more are opened when more requests read at once, and closed
/// after).
const KEEP: usize = 8;

/// Read-only connections to one SQLite file, opened on first use.
#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    /// Readers of the database file at `path`.
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.set_prepared_statement_cache_capacity(32);
        Ok(conn)
    }

    /// Every row of `statement` with `params`, each made by `row`.
    fn rows<T>(
        &self,
        statement: &str,
        params: impl Params,
        row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let conn = match taken {
            Some(c) => c,
            None => self.open()?,
        };
        let out = conn
            .prepare_cached(statement)
            .and_then(|mut s| s.query_map(params, row)?.collect());
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < KEEP {
            idle.push(conn);
        }
        Ok(out?)
    }
}

impl Store {
    /// The rows of `statement` read at once on a synchronous connection (see the module), or
    /// `None` when this store is not a SQLite file: the caller then runs the same statement
    /// through sqlx.
    pub(crate) fn rows_now<T>(
        &self,
        statement: &str,
        params: impl Params,
        row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Option<Result<Vec<T>, StoreError>> {
        self.readers
            .as_ref()
            .map(|r| r.rows(statement, params, row))
    }
}

/// A JSON text column of a synchronous read, decoded.
pub(crate) fn json_column<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    index: usize,
) -> rusqlite::Result<Option<T>> {
    row.get_ref(index)?
        .as_str_or_null()?
        .map(|text| {
            serde_json::from_str(text).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    index,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_sqlite_file_is_read_on_synchronous_connections_that_cannot_write() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        let store = Store::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        crate::db::sql("CREATE TABLE t (n INTEGER, s TEXT)")
            .execute(&store)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        crate::db::sql("INSERT INTO t VALUES (1, '{\"a\":1}'), (2, NULL)")
            .execute(&store)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Written through sqlx, read at once here; `$1` as the tables use it.
        let rows = store
            .rows_now("SELECT n, s FROM t WHERE n >= $1 ORDER BY n", (1,), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    json_column::<serde_json::Value>(r, 1)?,
                ))
            })
            .map(|r| r.unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(
            rows,
            Some(vec![(1, Some(serde_json::json!({"a": 1}))), (2, None)])
        );
        let write = store.rows_now("INSERT INTO t VALUES (3, NULL) RETURNING n", (), |r| {
            r.get::<_, i64>(0)
        });
        assert!(matches!(write, Some(Err(StoreError::Read(_)))), "{write:?}");
        // A corrupt JSON value is named as such.
        crate::db::sql("INSERT INTO t VALUES (4, 'not json')")
            .execute(&store)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let bad = store.rows_now("SELECT s FROM t WHERE n = 4", (), |r| {
            json_column::<serde_json::Value>(r, 0)
        });
        assert!(matches!(bad, Some(Err(StoreError::Corrupt(_)))), "{bad:?}");
    }
}
