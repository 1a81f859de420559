//! Keeping the search index in step with the database. The index is derived: every publication
//! and withdrawal through this process updates it at once ([`refresh_item`]), [`follow_others`]
//! applies what other processes changed (after rebuilding the index at start-up when it is
//! incomplete), and [`rebuild`] makes it anew from the items on the portal (also run by
//! `gongkai search reindex`).

use std::sync::Arc;
use std::time::Duration;

use gongkai_core::Slug;
use gongkai_core::clock::Clock;
use gongkai_search::{SearchDoc, SearchIndex};
use gongkai_store::{PublishedItem, Store, StoreError};

/// The index's view of an item.
pub fn document(agency: &str, item: &PublishedItem) -> SearchDoc {
    let c = item.content.as_ref();
    SearchDoc {
        id: item.id,
        agency: agency.to_owned(),
        category: item.category.clone(),
        kind: c
            .and_then(|c| c.kind)
            .map(|k| k.key().to_owned())
            .unwrap_or_default(),
        published_on: item.published_on,
        title: item.title.clone(),
        body: c
            .map(|c| gongkai_core::text::plain_text(&c.body_html))
            .unwrap_or_default(),
        doc_number: c.map(|c| c.doc_number.clone()).unwrap_or_default(),
        index_no: item.index_no.clone().unwrap_or_default(),
    }
}

/// Brings one item's entry in line with the database: added or replaced if it is on the portal,
/// removed if not. Failures are logged; the write that caused them still succeeds (the index is
/// derived and can be rebuilt).
pub async fn refresh_item(store: &Store, index: &SearchIndex, slug: &Slug, item_id: i64) {
    let result = async {
        let agency = store.find_agency(slug).await?;
        let item = store.published_item(slug, item_id).await?;
        Ok::<_, StoreError>((agency, item))
    }
    .await;
    let outcome = match result {
        Ok((Some(agency), Some(item))) => index.upsert(&document(agency.slug.as_str(), &item)),
        Ok(_) => index.remove(item_id),
        Err(e) => {
            tracing::error!(error = %e, item_id, "search index not updated");
            return;
        }
    };
    if let Err(e) = outcome {
        tracing::error!(error = %e, item_id, "search index not updated");
    }
}

/// Keeps the index in step with publications and withdrawals made by *other* processes (a second
/// server on the same database, the command line): every `every`, the items changed since the
/// last round are read by their change position (`updated_ms`, id) and applied in one commit per
/// batch. Changes through this process are already applied by [`refresh_item`]; applying them
/// again is harmless. Where to follow from is [`start_following`]'s.
pub async fn follow_others(
    store: Store,
    index: Arc<SearchIndex>,
    clock: Arc<dyn Clock>,
    every: Duration,
) {
    let mut follower = loop {
        match start_following(&store, &index).await {
            Ok(f) => break f,
            Err(_) if store.is_closed() => return,
            Err(e) => {
                // A database that is briefly unreachable at start-up must not leave this index
                // behind for the life of the process; a failing rebuild is not run every round.
                tracing::error!(error = %e, "search index not checked or rebuilt; will retry in 30 s");
                tokio::time::sleep(every.max(Duration::from_secs(30))).await;
            }
        }
    };
    loop {
        if let Err(e) = follower
            .round(&store, &index, clock.now().timestamp_millis())
            .await
        {
            if store.is_closed() {
                // The server is stopping.
                return;
            }
            tracing::warn!(error = %e, "search index not brought up to date; will retry");
        }
        tokio::time::sleep(every).await;
    }
}

/// Where this process's index follows other processes' changes from. An index records with each
/// commit the newest change it holds every change up to ([`SearchIndex::followed`]); a server
/// started again follows on from there, so what another server changed while it was down
/// reaches it. When the index does not hold every item on the portal (first start, an index from
/// before positions were recorded, a restored backup), it is rebuilt first, and the rebuild
/// records the position it read *before* reading the items: read after, a publication another
/// process committed meanwhile fell between the two (two servers started together on a new
/// database, one loading the demo, showed it every time).
pub async fn start_following(store: &Store, index: &Arc<SearchIndex>) -> anyhow::Result<Follower> {
    let newest = store.items_change_position().await?;
    // The count walks every item (seconds at a million); this runs beside the server, which
    // answers meanwhile.
    let count = store.published_count().await?;
    if i64::try_from(index.len()).ok() != Some(count) {
        let n = rebuild(store, index, |_, _| {}).await?;
        tracing::info!(items = n, "search index rebuilt");
    }
    Ok(Follower::new(index.followed().unwrap_or(newest)))
}

/// How far behind the present a change may still be committed, in milliseconds. A change's
/// `updated_ms` is its writer's clock when the write began, so a change can be committed *behind*
/// a position already passed: by a server whose clock is a little behind, or by a transaction
/// that began first and committed last (an import commits every 2,000 items, each batch stamped
/// when it begins). Ten seconds covers both with room; the changes stamped inside it are read
/// again each round, and those applied already are skipped. A write held up longer (waiting on a
/// lock) is covered on PostgreSQL by looking back to the oldest write open on the database too
/// ([`Store::oldest_open_write_ms`]).
pub const LOOK_BACK_MS: i64 = 10_000;

/// Where a follower of other processes' changes is ([`follow_others`]): the newest change
/// applied, and the changes applied that are stamped within [`LOOK_BACK_MS`] of the present.
#[derive(Debug, Clone)]
pub struct Follower {
    position: (i64, i64),
    /// Item id → the `updated_ms` applied, for the changes inside the look-back.
    recent: std::collections::HashMap<i64, i64>,
    /// When the oldest write open on the database at the last round began
    /// ([`Store::oldest_open_write_ms`]): the next round looks back to it too, since it may
    /// have committed since, behind both the position and the present's look-back.
    open_write: Option<i64>,
}

/// What one [`Follower::round`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Changes read from the database.
    pub read: usize,
    /// Changes applied to the index (those read less those applied before).
    pub applied: usize,
}

impl Follower {
    /// A follower that starts at `position` ([`Store::items_change_position`]).
    pub fn new(position: (i64, i64)) -> Self {
        Self {
            position,
            recent: std::collections::HashMap::new(),
            open_write: None,
        }
    }

    /// The newest change applied.
    pub fn position(&self) -> (i64, i64) {
        self.position
    }

    /// One round at `now_ms`: applies the changes after the position, and those stamped within
    /// the look-back of `now_ms` not applied yet, in one commit per batch.
    ///
    /// The look-back is measured from the present, not from the position: measured from the
    /// position, an import whose items all carry one stamp (as one did) kept every item inside
    /// it for good, and each round, every two seconds, read the whole import again with its
    /// bodies (100,000 items: searches at half speed and 100 MB more memory, for ever).
    pub async fn round(
        &mut self,
        store: &Store,
        index: &SearchIndex,
        now_ms: i64,
    ) -> anyhow::Result<Round> {
        const BATCH: i64 = 500;
        // Read before the changes are: a write open now and committed while they are read is
        // looked for again at the next round.
        let open = store.oldest_open_write_ms().await?;
        let horizon = [Some(now_ms), self.open_write, open]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(now_ms)
            .saturating_sub(LOOK_BACK_MS);
        let mut after = self.position.min((horizon, 0));
        let mut done = Round {
            read: 0,
            applied: 0,
        };
        loop {
            let changes = store.items_changed_after(after, BATCH).await?;
            let Some(last) = changes.last().map(|c| c.0) else {
                break;
            };
            let batch: Vec<Result<SearchDoc, i64>> = changes
                .iter()
                .filter(|((ms, id), _, _)| self.recent.get(id) != Some(ms))
                .map(|(_, slug, item)| match item {
                    Ok(item) => Ok(document(slug, item)),
                    Err(id) => Err(*id),
                })
                .collect();
            let position = self.position.max(last);
            if !batch.is_empty() || position > self.position {
                index.apply(&batch, position)?;
            }
            done.read += changes.len();
            done.applied += batch.len();
            for ((ms, id), _, _) in &changes {
                if *ms >= horizon {
                    self.recent.insert(*id, *ms);
                }
            }
            self.position = position;
            after = last;
            if changes.len() < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                break;
            }
        }
        self.recent.retain(|_, ms| *ms >= horizon);
        self.open_write = open;
        Ok(done)
    }
}

/// Rebuilds the index from every item on the portal; `progress(done, total)`. The items are read
/// in batches by id and handed to the index writer (on a blocking thread) as they come, so memory
/// stays bounded at any number of items and no async worker is held; if a read fails, the index
/// is left as it was.
pub async fn rebuild(
    store: &Store,
    index: &Arc<SearchIndex>,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<usize> {
    const BATCH: usize = 1_000;
    // Read before the items are: what changes while they are read is followed from here.
    let followed = store.items_change_position().await?;
    let total = usize::try_from(store.published_count().await?).unwrap_or(0);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<SearchDoc, StoreError>>(BATCH);
    let writer = {
        let index = index.clone();
        tokio::task::spawn_blocking(move || {
            index.try_rebuild(
                std::iter::from_fn(|| rx.blocking_recv()),
                Some(followed),
                |_| {},
            )
        })
    };
    let (mut after, mut sent) = (0, 0);
    loop {
        let batch = match store
            .items_for_index(after, i64::try_from(BATCH).unwrap_or(i64::MAX))
            .await
        {
            Ok(batch) => batch,
            Err(e) => {
                // The writer rolls back; if it has stopped already, its own error is the answer.
                let _ = tx.send(Err(e)).await;
                break;
            }
        };
        let Some(last) = batch.last().map(|(_, item)| item.id) else {
            break;
        };
        let full = batch.len() == BATCH;
        for (slug, item) in &batch {
            if tx.send(Ok(document(slug, item))).await.is_err() {
                // The writer failed: its error is reported below.
                break;
            }
            sent += 1;
        }
        progress(sent, total.max(sent));
        after = last;
        if !full {
            break;
        }
    }
    drop(tx);
    writer.await??.map_err(anyhow::Error::from)
}
