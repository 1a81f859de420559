//! The public pages' reads on SQLite, run on the calling thread.
//!
//! sqlx runs each SQLite connection on a thread of its own: every statement is sent to it over a
//! channel and every row sent back, each a thread wake-up, and each row's text copied and checked
//! again on the way. On this project's 2-core machines a profile of distinct item and list pages
//! put about half the CPU there, not in SQLite. The portal's hot reads are single statements found
//! by key (tens of microseconds), so they run here instead: on a connection of the same file, on
//! the thread that asks, with the rows decoded straight from SQLite's buffers. Everything else —
//! every write, every transaction — keeps going through sqlx, and PostgreSQL is not concerned.
//!
//! The connections are opened with `query_only`, so nothing can write through them; in WAL mode a
//! reader sees every transaction committed before its statement starts, as sqlx's would.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OpenFlags, Row};

use crate::StoreError;
use crate::db::{Arg, Json};

/// At most this many idle connections are kept; more exist only while as many threads read at
/// once (the runtime's workers and its blocking threads).
const KEEP: usize = 16;

/// Prepared statements kept per connection: the portal's reads are few, but list statements
/// differ by filter.
const STATEMENTS: usize = 64;

/// Read-only connections to one SQLite file, opened when first needed.
#[derive(Debug)]
pub(crate) struct Reader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// A row type read by [`Reader::all`]: the same columns as its `sqlx::FromRow`, decoded here
/// (implemented with [`direct_row!`]).
pub(crate) trait Direct: Sized {
    /// The columns the fields are read from, by name, in the order of the fields.
    const COLUMNS: &'static [&'static str];
    /// A row, its fields read from the columns at `at` (found once per statement from
    /// [`COLUMNS`](Self::COLUMNS): by name for every field of every row, the lookup was a
    /// hundredth of a list page).
    fn from_direct(row: &Row<'_>, at: &[usize]) -> rusqlite::Result<Self>;
}

/// Implements [`Direct`] for a `#[derive(sqlx::FromRow)]` struct the way the derive reads it:
/// each field from the column of its name.
macro_rules! direct_row {
    ($row:ty { $($field:ident),* $(,)? }) => {
        impl $crate::direct::Direct for $row {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
            #[allow(unused_assignments, reason = "the count after the last field")]
            fn from_direct(row: &rusqlite::Row<'_>, at: &[usize]) -> rusqlite::Result<Self> {
                let mut k = 0;
                Ok(Self {
                    $($field: {
                        let v = row.get(at[k])?;
                        k += 1;
                        v
                    }),*
                })
            }
        }
    };
}
pub(crate) use direct_row;

impl Reader {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "query_only", true)?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        Ok(conn)
    }

    /// Every row of `text` with `args` bound to its `$n` placeholders.
    pub(crate) fn all<T: Direct>(
        &self,
        text: &str,
        args: &[Arg<'_>],
    ) -> Result<Vec<T>, StoreError> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let conn = match idle {
            Some(c) => c,
            None => self.open().map_err(StoreError::from)?,
        };
        let rows = run(&conn, text, args);
        // A connection that failed is dropped rather than kept: the next read opens a fresh one.
        if rows.is_ok()
            && let Ok(mut v) = self.idle.lock()
            && v.len() < KEEP
        {
            v.push(conn);
        }
        rows.map_err(StoreError::from)
    }
}

fn run<T: Direct>(conn: &Connection, text: &str, args: &[Arg<'_>]) -> rusqlite::Result<Vec<T>> {
    let mut statement = conn.prepare_cached(text)?;
    for i in 1..=statement.parameter_count() {
        // Placeholders are `$n` on both engines (as sqlx binds them on SQLite).
        let n = statement
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(i);
        match args.get(n - 1) {
            Some(a) => bind(&mut statement, i, a)?,
            None => statement.raw_bind_parameter(i, rusqlite::types::Null)?,
        }
    }
    let at = T::COLUMNS
        .iter()
        .map(|name| statement.column_index(name))
        .collect::<rusqlite::Result<Vec<usize>>>()?;
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(T::from_direct(row, &at)?);
    }
    Ok(out)
}

/// Binds a value as sqlx's SQLite encoding does, so a statement finds the same rows either way.
fn bind(
    statement: &mut rusqlite::CachedStatement<'_>,
    i: usize,
    arg: &Arg<'_>,
) -> rusqlite::Result<()> {
    match arg {
        Arg::Bool(v) => statement.raw_bind_parameter(i, v.map(i64::from)),
        Arg::I32(v) => statement.raw_bind_parameter(i, v),
        Arg::I64(v) => statement.raw_bind_parameter(i, v),
        Arg::F64(v) => statement.raw_bind_parameter(i, v),
        Arg::Text(v) => statement.raw_bind_parameter(i, v.as_deref()),
        Arg::Bytes(v) => statement.raw_bind_parameter(i, v),
        // `YYYY-MM-DD`, as both write it.
        Arg::Date(v) => statement.raw_bind_parameter(i, v),
        // rusqlite would write `YYYY-MM-DD HH:MM:SS`; sqlx writes RFC 3339.
        Arg::Time(v) => statement.raw_bind_parameter(
            i,
            v.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)),
        ),
    }
}

/// A JSON text column decoded straight from SQLite's buffer (no copy of the text first). The text
/// is checked as UTF-8 once, vectorised, and parsed as a `str`: parsed from bytes, `serde_json`
/// checks every string with the standard check, which on an item's body (about 10 KB of mostly
/// three-byte characters) was a twentieth of an item page.
impl<T: serde::de::DeserializeOwned> FromSql for Json<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = simdutf8::basic::from_utf8(value.as_bytes()?)
            .map_err(|e| FromSqlError::Other(Box::new(e)))?;
        serde_json::from_str(text)
            .map(Json)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..) => Self::Corrupt(e.to_string()),
            other => Self::Direct(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::sql;
    use crate::testing::TestDb;
    use chrono::NaiveDate;

    #[derive(Debug, PartialEq, sqlx::FromRow)]
    struct Row3 {
        a: i64,
        b: Option<String>,
        c: Option<NaiveDate>,
    }

    direct_row!(Row3 { a, b, c });

    /// Both paths bind `$n` by its number (not by order of appearance), nulls as NULL and dates
    /// as sqlx stores them, and both see what sqlx just committed.
    #[tokio::test]
    async fn reads_on_the_calling_thread_find_what_sqlx_finds() {
        let db = TestDb::sqlite().await;
        let store = &db.store;
        assert!(store.reader().is_some(), "a SQLite file reads directly");
        sql("CREATE TABLE t (a INTEGER, b TEXT, c TEXT)")
            .execute(store)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap_or_default();
        sql("INSERT INTO t VALUES ($1, $2, $3), (2, NULL, NULL)")
            .bind(1_i64)
            .bind("一")
            .bind(day)
            .execute(store)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let query = || {
            sql("SELECT a, b, c FROM t WHERE (c = $2 OR b IS NULL) AND a >= $1 AND $3 IS NULL ORDER BY a")
                .bind(1_i64)
                .bind(day)
                .bind(Option::<&str>::None)
        };
        let direct: Vec<Row3> = query()
            .all_direct(store)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let via_sqlx: Vec<Row3> = query().all(store).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(direct, via_sqlx);
        assert_eq!(
            direct,
            vec![
                Row3 {
                    a: 1,
                    b: Some("一".into()),
                    c: Some(day)
                },
                Row3 {
                    a: 2,
                    b: None,
                    c: None
                },
            ]
        );
    }

    /// Nothing can be written through these connections.
    #[tokio::test]
    async fn the_connections_only_read() {
        let db = TestDb::sqlite().await;
        let reader = db.store.reader().unwrap_or_else(|| panic!("a file"));
        let err = reader
            .all::<Row3>(
                "DELETE FROM agencies RETURNING id AS a, NULL AS b, NULL AS c",
                &[],
            )
            .err();
        assert!(matches!(err, Some(StoreError::Direct(_))), "{err:?}");
    }

    /// A bad JSON or date column is a corrupt row, said as such.
    #[tokio::test]
    async fn a_bad_stored_value_is_corrupt() {
        let db = TestDb::sqlite().await;
        let reader = db.store.reader().unwrap_or_else(|| panic!("a file"));
        let err = reader
            .all::<Row3>("SELECT 1 AS a, 'x' AS b, '2024-13-01' AS c", &[])
            .err();
        assert!(matches!(err, Some(StoreError::Corrupt(_))), "{err:?}");
    }

    #[derive(Debug)]
    struct Doc {
        j: Json<std::collections::BTreeMap<String, String>>,
    }

    direct_row!(Doc { j });

    /// A JSON column decodes escapes and multi-byte text; bytes that are not UTF-8, and text that
    /// is not JSON, are a corrupt row rather than a panic or a half-read value.
    #[tokio::test]
    async fn a_json_column_is_checked_and_decoded() {
        let db = TestDb::sqlite().await;
        let reader = db.store.reader().unwrap_or_else(|| panic!("a file"));
        let docs = reader
            .all::<Doc>(
                r#"SELECT '{"body":"<p class=\"a\">西里镇 𠀀</p>"}' AS j"#,
                &[],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            docs.first()
                .and_then(|d| d.j.0.get("body"))
                .map(String::as_str),
            Some("<p class=\"a\">西里镇 𠀀</p>")
        );
        for bad in [
            // A lone continuation byte and a cut three-byte character, stored as text.
            "SELECT CAST(X'7B2262223A2280227D' AS TEXT) AS j",
            "SELECT CAST(X'7B2262223A22E8A5227D' AS TEXT) AS j",
            "SELECT '{\"b\":' AS j",
        ] {
            let err = reader.all::<Doc>(bad, &[]).err();
            assert!(
                matches!(err, Some(StoreError::Corrupt(_))),
                "{bad}: {err:?}"
            );
        }
    }
}
