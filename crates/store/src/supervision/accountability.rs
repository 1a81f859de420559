//! The 责任考核 figures: the records `core::accountability` counts, read for one agency.

use gongkai_core::Slug;
use gongkai_core::accountability::{
    Accountability, HandledRequest, Records, RepliedMessage, ReviewRecord, compute,
};
use gongkai_core::calendar::Calendar;
use gongkai_core::clock::china_date;
use gongkai_core::deadline::Periods;
use gongkai_core::item::{ItemContent, ReviewStep};
use gongkai_core::workflow::RequestState;

use crate::db::{Json, Millis, sql};
use crate::{Store, StoreError};

/// A review step with its draft's content: (draft, content, step, actor, when).
type StepRow = (i64, Json<ItemContent>, Json<ReviewStep>, String, Millis);

impl Store {
    /// The 责任考核 figures of `year` (`core::accountability::compute`).
    pub async fn accountability(
        &self,
        slug: &Slug,
        year: i32,
        calendar: &Calendar,
        periods: Periods,
    ) -> Result<Accountability, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let columns = self.catalogue(slug).await?;
        let steps: Vec<StepRow> = sql(
            "SELECT d.id, d.content_json, s.step_json, s.actor, s.at_ms FROM item_drafts d \
             JOIN item_steps s ON s.draft_id = d.id WHERE d.agency_id = $1 ORDER BY d.id, s.seq",
        )
        .bind(agency_id)
        .all(self)
        .await?;
        let reviews: Vec<ReviewRecord> = steps
            .into_iter()
            .map(
                |(draft, Json(content), Json(step), actor, Millis(at))| ReviewRecord {
                    draft,
                    content,
                    step,
                    actor,
                    on: china_date(at),
                },
            )
            .collect();
        let requests: Vec<(Json<RequestState>, Option<String>)> = sql(
            "SELECT r.state_json, u.display_name FROM requests r LEFT JOIN users u ON u.id = r.assignee_id \
             WHERE r.agency_id = $1 AND r.state_json IS NOT NULL",
        )
        .bind(agency_id)
        .all(self)
        .await?;
        let requests: Vec<HandledRequest> = requests
            .into_iter()
            .map(|(Json(state), officer)| HandledRequest { state, officer })
            .collect();
        let messages: Vec<RepliedMessage> = self
            .messages(slug)
            .await?
            .into_iter()
            .map(|m| RepliedMessage {
                received_on: m.received_on,
                replied: m.replied_on.zip(m.replied_by),
            })
            .collect();
        let records = Records {
            reviews: &reviews,
            requests: &requests,
            messages: &messages,
        };
        Ok(compute(year, calendar, periods, &columns, records))
    }
}
