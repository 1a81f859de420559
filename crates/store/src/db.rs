//! One way to run SQL on either engine, so a store method is its SQL and nothing else.
//!
//! A statement is built once with [`sql`] and its values ([`Sql::bind`]); it runs on whatever
//! [`Conn`] it is given — the store's pool for reads, a [`Tx`] for writes — and the engine is
//! chosen there, once, instead of in every method. Rows decode into `#[derive(sqlx::FromRow)]`
//! structs (or tuples), which sqlx implements for both engines from one definition.
//!
//! Every write goes through [`Store::write`]: it opens the transaction (on SQLite with the write
//! lock taken at once), runs the method's statements, appends the audit record and commits — so a
//! state change and its audit record are stored together or not at all, and no method repeats
//! that sequence.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::Actor;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Decode, FromRow, Postgres, Sqlite, Transaction, Type};

use crate::audit::AuditEntry;
use crate::{Pool, Store, StoreError};

/// A value for one `$n` placeholder. Nulls keep their type, because PostgreSQL needs it.
#[derive(Debug, Clone)]
pub(crate) enum Arg<'a> {
    Bool(Option<bool>),
    I32(Option<i32>),
    I64(Option<i64>),
    F64(Option<f64>),
    Text(Option<Cow<'a, str>>),
    Bytes(Option<&'a [u8]>),
    Date(Option<NaiveDate>),
    Time(Option<DateTime<Utc>>),
}

/// A Rust value that can fill a placeholder.
pub(crate) trait Bind<'a> {
    /// The value.
    fn arg(self) -> Arg<'a>;
    /// A null of this type.
    fn null() -> Arg<'a>;
}

macro_rules! bind_copy {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl<'a> Bind<'a> for $t {
            fn arg(self) -> Arg<'a> { Arg::$variant(Some(self.into())) }
            fn null() -> Arg<'a> { Arg::$variant(None) }
        }
    )*};
}
bind_copy!(bool => Bool, i32 => I32, i64 => I64, f64 => F64, NaiveDate => Date, DateTime<Utc> => Time);

impl<'a> Bind<'a> for u32 {
    fn arg(self) -> Arg<'a> {
        Arg::I64(Some(i64::from(self)))
    }
    fn null() -> Arg<'a> {
        Arg::I64(None)
    }
}

impl<'a> Bind<'a> for &'a str {
    fn arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Borrowed(self)))
    }
    fn null() -> Arg<'a> {
        Arg::Text(None)
    }
}

impl<'a> Bind<'a> for &'a String {
    fn arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Borrowed(self.as_str())))
    }
    fn null() -> Arg<'a> {
        Arg::Text(None)
    }
}

impl<'a> Bind<'a> for String {
    fn arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Owned(self)))
    }
    fn null() -> Arg<'a> {
        Arg::Text(None)
    }
}

impl<'a> Bind<'a> for &'a [u8] {
    fn arg(self) -> Arg<'a> {
        Arg::Bytes(Some(self))
    }
    fn null() -> Arg<'a> {
        Arg::Bytes(None)
    }
}

impl<'a> Bind<'a> for &'a &'a str {
    fn arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Borrowed(*self)))
    }
    fn null() -> Arg<'a> {
        Arg::Text(None)
    }
}

impl<'a> Bind<'a> for &'a Option<String> {
    fn arg(self) -> Arg<'a> {
        self.as_deref().arg()
    }
    fn null() -> Arg<'a> {
        Arg::Text(None)
    }
}

impl<'a> Bind<'a> for &'a Vec<u8> {
    fn arg(self) -> Arg<'a> {
        Arg::Bytes(Some(self.as_slice()))
    }
    fn null() -> Arg<'a> {
        Arg::Bytes(None)
    }
}

impl<'a, T: Bind<'a>> Bind<'a> for Option<T> {
    fn arg(self) -> Arg<'a> {
        self.map_or_else(T::null, T::arg)
    }
    fn null() -> Arg<'a> {
        T::null()
    }
}

/// A statement with its values.
#[derive(Debug, Clone)]
#[must_use = "a statement does nothing until it is run"]
pub(crate) struct Sql<'a> {
    text: Cow<'a, str>,
    args: Vec<Arg<'a>>,
}

/// SQL's list of the kinds that are 规章 or 行政规范性文件 (`DocKind::DOCUMENTS`, the core's
/// one list), for `kind IN …`: `('rule', 'normative_document')`.
pub(crate) fn documents_sql() -> &'static str {
    static LIST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let keys: Vec<String> = gongkai_core::item::DocKind::DOCUMENTS
            .iter()
            .map(|k| format!("'{}'", k.key()))
            .collect();
        format!("({})", keys.join(", "))
    });
    &LIST
}

/// Starts a statement. Placeholders are `$1`, `$2`… on both engines.
pub(crate) fn sql<'a>(text: impl Into<Cow<'a, str>>) -> Sql<'a> {
    Sql {
        text: text.into(),
        args: Vec::new(),
    }
}

/// Where a statement runs: a pool (each statement on its own connection) or an open transaction.
pub(crate) enum Conn<'c> {
    SqlitePool(&'c sqlx::SqlitePool),
    PgPool(&'c sqlx::PgPool),
    SqliteTx(&'c mut SqliteConnection),
    PgTx(&'c mut PgConnection),
}

impl<'c> From<&'c Store> for Conn<'c> {
    fn from(store: &'c Store) -> Self {
        match store.pool() {
            Pool::Sqlite(pool) => Conn::SqlitePool(pool),
            Pool::Postgres(pool) => Conn::PgPool(pool),
        }
    }
}

impl<'c> From<&'c mut Tx> for Conn<'c> {
    fn from(tx: &'c mut Tx) -> Self {
        match tx {
            Tx::Sqlite(t) => Conn::SqliteTx(t),
            Tx::Postgres(t) => Conn::PgTx(t),
        }
    }
}

/// A row type both engines can decode: a `#[derive(sqlx::FromRow)]` struct or a tuple.
pub(crate) trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single value both engines can decode.
pub(crate) trait Value:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Value for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// Builds the engine's query from a statement: one body, compiled for each engine.
macro_rules! bound {
    ($sql:expr) => {{
        let mut q = sqlx::query(&$sql.text);
        for a in &$sql.args {
            q = match a {
                Arg::Bool(v) => q.bind(*v),
                Arg::I32(v) => q.bind(*v),
                Arg::I64(v) => q.bind(*v),
                Arg::F64(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_deref()),
                Arg::Bytes(v) => q.bind(*v),
                Arg::Date(v) => q.bind(*v),
                Arg::Time(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// Runs `$body` with `$q` (the bound query) and `$exec` (the pool or connection) of whichever
/// engine `$conn` is.
macro_rules! on_conn {
    ($sql:expr, $conn:expr, |$q:ident, $exec:ident| $body:expr) => {
        match $conn {
            Conn::SqlitePool($exec) => {
                let $q = bound!($sql);
                $body
            }
            Conn::PgPool($exec) => {
                let $q = bound!($sql);
                $body
            }
            Conn::SqliteTx($exec) => {
                let $q = bound!($sql);
                $body
            }
            Conn::PgTx($exec) => {
                let $q = bound!($sql);
                $body
            }
        }
    };
}

impl<'a> Sql<'a> {
    /// Adds the value of the next placeholder.
    pub(crate) fn bind(mut self, value: impl Bind<'a>) -> Self {
        self.args.push(value.arg());
        self
    }

    /// Appends text to the statement (for statements built from optional parts).
    pub(crate) fn push(mut self, text: &str) -> Self {
        self.text.to_mut().push_str(text);
        self
    }

    /// Appends the next placeholder and its value.
    pub(crate) fn push_bind(mut self, value: impl Bind<'a>) -> Self {
        let n = self.args.len() + 1;
        let text = self.text.to_mut();
        text.push('$');
        text.push_str(&n.to_string());
        self.bind(value)
    }

    /// Refuses text no database should keep: a NUL (PostgreSQL cannot store it; it truncates C
    /// strings) or another control character than tab, newline and carriage return (it makes XML
    /// documents — a letter's DOCX — invalid). The edges refuse such input field by field; this is
    /// the last line, so nothing of the kind is ever stored.
    fn check_text(&self) -> Result<(), StoreError> {
        let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
        for a in &self.args {
            if let Arg::Text(Some(t)) = a
                && t.chars().any(bad)
            {
                return Err(StoreError::Rejected(gongkai_core::Rejection::new(
                    "提交的内容含有不可见的控制字符（如 NUL），无法保存；请删除后重新提交",
                )));
            }
        }
        Ok(())
    }

    /// Runs the statement; the number of rows it changed.
    pub(crate) async fn execute<'c>(self, on: impl Into<Conn<'c>>) -> Result<u64, StoreError> {
        self.check_text()?;
        Ok(on_conn!(self, on.into(), |q, e| q
            .execute(e)
            .await?
            .rows_affected()))
    }

    /// Every row.
    pub(crate) async fn all<'c, T: Record>(
        self,
        on: impl Into<Conn<'c>>,
    ) -> Result<Vec<T>, StoreError> {
        self.check_text()?;
        on_conn!(self, on.into(), |q, e| {
            q.fetch_all(e)
                .await?
                .iter()
                .map(|r| T::from_row(r).map_err(StoreError::from))
                .collect()
        })
    }

    /// Every row, read on the calling thread when the store is a SQLite file ([`crate::direct`]):
    /// for the public pages' bounded reads by key.
    pub(crate) async fn all_direct<T: Record + crate::direct::Direct>(
        self,
        store: &Store,
    ) -> Result<Vec<T>, StoreError> {
        match store.reader() {
            Some(reader) => {
                self.check_text()?;
                reader.all(&self.text, &self.args)
            }
            None => self.all(store).await,
        }
    }

    /// The one row, or `None`.
    pub(crate) async fn optional<'c, T: Record>(
        self,
        on: impl Into<Conn<'c>>,
    ) -> Result<Option<T>, StoreError> {
        self.check_text()?;
        on_conn!(self, on.into(), |q, e| {
            q.fetch_optional(e)
                .await?
                .map(|r| T::from_row(&r))
                .transpose()
                .map_err(StoreError::from)
        })
    }

    /// The one row (a missing row is a bug in the caller's SQL, reported as such).
    pub(crate) async fn one<'c, T: Record>(self, on: impl Into<Conn<'c>>) -> Result<T, StoreError> {
        self.check_text()?;
        on_conn!(self, on.into(), |q, e| {
            let row = q.fetch_one(e).await?;
            T::from_row(&row).map_err(StoreError::from)
        })
    }

    /// The first column of the one row.
    pub(crate) async fn scalar<'c, T: Value>(
        self,
        on: impl Into<Conn<'c>>,
    ) -> Result<T, StoreError> {
        Ok(self.one::<(T,)>(on).await?.0)
    }

    /// The first column of the one row, or `None` when there is no row.
    pub(crate) async fn scalar_opt<'c, T: Value>(
        self,
        on: impl Into<Conn<'c>>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.optional::<(T,)>(on).await?.map(|(v,)| v))
    }

    /// The value kept as JSON in the first column of the first row, if there is a row.
    pub(crate) async fn json_opt<'c, T>(
        self,
        on: impl Into<Conn<'c>>,
    ) -> Result<Option<T>, StoreError>
    where
        T: serde::de::DeserializeOwned + Send + Unpin,
    {
        Ok(self.scalar_opt::<Json<T>>(on).await?.map(|Json(v)| v))
    }

    /// The first column of every row.
    pub(crate) async fn scalars<'c, T: Value>(
        self,
        on: impl Into<Conn<'c>>,
    ) -> Result<Vec<T>, StoreError> {
        Ok(self
            .all::<(T,)>(on)
            .await?
            .into_iter()
            .map(|(v,)| v)
            .collect())
    }
}

/// An open write transaction on either engine.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(t) => t.commit().await?,
            Self::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Who writes, and when: what every write records in the audit trail besides its own entry.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    /// The person (or the system task) acting.
    pub actor: &'a Actor,
    /// The moment of the write.
    pub now: DateTime<Utc>,
}

impl<'a> By<'a> {
    /// `actor` at `now`.
    pub fn new(actor: &'a Actor, now: DateTime<Utc>) -> Self {
        Self { actor, now }
    }

    /// Milliseconds since the epoch, as stored.
    pub fn ms(&self) -> i64 {
        self.now.timestamp_millis()
    }
}

impl Store {
    /// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so a transaction that reads before it writes cannot fail on a stale snapshot.
    pub(crate) async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match self.pool() {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// One write: `body`'s statements and the audit record `entry`, committed together. Whatever
    /// `body` returns is returned; if it fails, nothing is stored.
    pub(crate) async fn write<T>(
        &self,
        by: By<'_>,
        entry: AuditEntry,
        body: impl AsyncFnOnce(&mut Tx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.write_with(by, async |tx| Ok((body(tx).await?, Some(entry))))
            .await
    }

    /// A write whose audit record depends on what it found or made (an id, a decision, or nothing
    /// changed at all — `None`: no record): `body` returns it with its result.
    pub(crate) async fn write_with<T>(
        &self,
        by: By<'_>,
        body: impl AsyncFnOnce(&mut Tx) -> Result<(T, Option<AuditEntry>), StoreError>,
    ) -> Result<T, StoreError> {
        let mut tx = self.begin_write().await?;
        let (out, entry) = body(&mut tx).await?;
        // A write the portal does not show (a sign-in, a step of a request) leaves what is kept
        // for it; any other, at once.
        let seen = entry
            .as_ref()
            .is_none_or(|e| gongkai_core::audit::changes_portal(e.action));
        if let Some(entry) = entry {
            crate::audit::append(&mut tx, by, &entry, self.audit_key()).await?;
        }
        tx.commit().await?;
        if seen {
            self.ready.invalidate();
        }
        Ok(out)
    }
}

/// A JSON text column, decoded into `T` (a value that does not decode is a corrupt row).
#[derive(Debug, Clone)]
pub(crate) struct Json<T>(pub T);

impl<DB: sqlx::Database, T> Type<DB> for Json<T>
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database, T: serde::de::DeserializeOwned> Decode<'r, DB> for Json<T>
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <&str as Decode<DB>>::decode(value)?;
        Ok(Self(serde_json::from_str(text)?))
    }
}

/// A value as stored in a JSON text column.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    Ok(serde_json::to_string(value)?)
}

/// A moment stored as milliseconds since the epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Millis(pub DateTime<Utc>);

impl<DB: sqlx::Database> Type<DB> for Millis
where
    i64: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <i64 as Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <i64 as Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database> Decode<'r, DB> for Millis
where
    i64: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let ms = <i64 as Decode<DB>>::decode(value)?;
        Ok(Self(
            DateTime::from_timestamp_millis(ms).ok_or("timestamp out of range")?,
        ))
    }
}

/// The tables that keep uploaded files beside what owns them (same columns but the owner's).
#[derive(Debug, Clone, Copy)]
pub(crate) enum FileTable {
    /// An item draft's attachments.
    ItemAttachments,
    /// The files a request's reply provides.
    ReplyFiles,
}

impl FileTable {
    /// The audit action of an upload, and what its record calls the file.
    const fn upload(self) -> (&'static str, &'static str) {
        match self {
            Self::ItemAttachments => ("item.attach", "上传附件"),
            Self::ReplyFiles => ("request.file_add", "上传随答复提供的文件"),
        }
    }
}

/// An uploaded file whose type the caller checked (`core::item::attachment_type`).
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// The file's name, cleaned (`core::item::attachment_name`).
    pub name: &'a str,
    /// Its content type as checked.
    pub content_type: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

impl Store {
    /// Keeps `file` in `table` for the owner that `owner` finds — locking it and checking, in the
    /// same transaction, that it may take the file — with the upload's audit record on `target`.
    pub(crate) async fn upload(
        &self,
        slug: &gongkai_core::Slug,
        table: FileTable,
        target: String,
        file: Upload<'_>,
        by: By<'_>,
        owner: impl AsyncFnOnce(&mut Tx) -> Result<i64, StoreError>,
    ) -> Result<i64, StoreError> {
        let (action, what) = table.upload();
        let summary = format!("{what}：{}（{}字节）", file.name, file.bytes.len());
        let entry = AuditEntry::new(Some(slug.as_str()), action, target, summary);
        self.write(by, entry, async |tx| {
            let owner = owner(tx).await?;
            insert_file(
                tx,
                table,
                owner,
                file.name,
                file.content_type,
                file.bytes,
                by,
            )
            .await
        })
        .await
    }
}

/// Keeps an uploaded file for `owner` in `table`; returns its id. The caller has checked that the
/// owner may take it, in the same transaction.
pub(crate) async fn insert_file(
    tx: &mut Tx,
    table: FileTable,
    owner: i64,
    name: &str,
    content_type: &str,
    bytes: &[u8],
    by: By<'_>,
) -> Result<i64, StoreError> {
    let statement = match table {
        FileTable::ItemAttachments => {
            // Added to an item already on the portal (a correction): pending until 终审.
            "INSERT INTO item_attachments (draft_id, name, content_type, size, bytes, created_ms, pending) \
             VALUES ($1, $2, $3, $4, $5, $6, (SELECT item_id IS NOT NULL FROM item_drafts WHERE id = $1)) \
             RETURNING id"
        }
        FileTable::ReplyFiles => {
            "INSERT INTO request_files (request_id, name, content_type, size, bytes, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        }
    };
    sql(statement)
        .bind(owner)
        .bind(name)
        .bind(content_type)
        .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
        .bind(bytes)
        .bind(by.ms())
        .scalar(&mut *tx)
        .await
}
