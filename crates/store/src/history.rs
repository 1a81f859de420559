//! The numbered histories kept beside a row: a draft's versions and review steps, a request's
//! steps. Each entry is the next number for its parent, a JSON value, who and when — appended in
//! the caller's transaction, never changed.

use crate::StoreError;
use crate::db::{By, Tx, sql};

/// One history table.
pub(crate) struct History {
    table: &'static str,
    parent: &'static str,
    number: &'static str,
    value: &'static str,
}

/// A draft's saved versions.
pub(crate) const ITEM_VERSIONS: History = History {
    table: "item_versions",
    parent: "draft_id",
    number: "version",
    value: "content_json",
};

/// A draft's review steps.
pub(crate) const ITEM_STEPS: History = History {
    table: "item_steps",
    parent: "draft_id",
    number: "seq",
    value: "step_json",
};

/// A request's recorded steps.
pub(crate) const REQUEST_EVENTS: History = History {
    table: "request_events",
    parent: "request_id",
    number: "seq",
    value: "event_json",
};

impl History {
    /// Appends `value` as the parent's next entry.
    pub(crate) async fn append(
        &self,
        tx: &mut Tx,
        parent: i64,
        value: &str,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let History {
            table,
            parent: column,
            number,
            value: value_column,
        } = self;
        sql(format!(
            "INSERT INTO {table} ({column}, {number}, {value_column}, actor, at_ms) \
             SELECT $1, COALESCE(MAX({number}), 0) + 1, $2, $3, $4 FROM {table} WHERE {column} = $1"
        ))
        .bind(parent)
        .bind(value)
        .bind(&by.actor.name)
        .bind(by.ms())
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}
