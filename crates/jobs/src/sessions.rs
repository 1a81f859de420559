//! Housekeeping: removes expired staff sessions (expiry is also checked on every request; this
//! only keeps the table small) and counted events past their retention period.

use std::sync::Arc;
use std::time::Duration;

use gongkai_core::Clock;
use gongkai_store::Store;

/// Every ten minutes, removes sessions idle longer than `idle` or older than `absolute`.
pub async fn purge(
    store: Store,
    clock: Arc<dyn Clock>,
    idle: chrono::Duration,
    absolute: chrono::Duration,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = clock.now();
        match store.purge_sessions(now - idle, now - absolute).await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
        }
        let retention = chrono::Duration::days(gongkai_core::auth::RATE_RETENTION_DAYS);
        if let Err(e) = store.purge_hits(now - retention).await {
            tracing::warn!(error = %e, "could not remove old rate-limit events");
        }
    }
}
