//! The letters issued for requests (composed by `core::letter`, kept unchanged: what the requester
//! received is what the file shows) and the letter settings each agency may set for those below it.

use chrono::NaiveDate;
use gongkai_core::Slug;
use gongkai_core::audit::Entry;
use gongkai_core::letter::{Letter, LetterKind, LetterSettings};

use crate::db::{By, Json, json, sql};
use crate::{Store, StoreError};

/// A letter as lists show it.
#[derive(Debug, Clone)]
pub struct IssuedLetter {
    /// Row id (for download links).
    pub id: i64,
    /// Which letter.
    pub kind: LetterKind,
    /// Its 文号.
    pub number: String,
    /// Its date.
    pub issued_on: NaiveDate,
}

/// How far up the tree settings are looked for (town → county → city → province).
const SETTINGS_LEVELS: usize = 4;

impl Store {
    /// The letter settings in force for an agency (`core::letter::LetterSettings::in_force` over
    /// its own and those of the agencies above it).
    pub async fn letter_settings(&self, slug: &Slug) -> Result<LetterSettings, StoreError> {
        let mut chain = Vec::with_capacity(SETTINGS_LEVELS);
        let mut current = Some(slug.clone());
        while let Some(s) = current.take()
            && chain.len() < SETTINGS_LEVELS
        {
            chain.push(self.own_letter_settings(&s).await?);
            current = self.find_agency(&s).await?.and_then(|a| a.parent);
        }
        Ok(LetterSettings::in_force(chain))
    }

    /// The agency's own letter settings, if it set any.
    pub async fn own_letter_settings(
        &self,
        slug: &Slug,
    ) -> Result<Option<LetterSettings>, StoreError> {
        let id = self.agency_id(slug).await?;
        let settings: Option<Json<LetterSettings>> =
            sql("SELECT settings_json FROM remedy_settings WHERE agency_id = $1")
                .bind(id)
                .scalar_opt(self)
                .await?;
        Ok(settings.map(|Json(s)| s))
    }

    /// Sets an agency's letter settings (they apply to the agencies under it that set none).
    pub async fn set_letter_settings(
        &self,
        slug: &Slug,
        settings: &LetterSettings,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "agency.letter_settings",
            format!("agency:{slug}"),
            format!(
                "文书设置：复议机关“{}”，复议前置适用于全部不予提供情形：{}",
                settings.reconsideration_body,
                if settings.prior_reconsideration_for_all_refusals {
                    "是"
                } else {
                    "否"
                }
            ),
        );
        let settings = json(settings)?;
        self.write(by, entry, async |tx| {
            sql(
                "INSERT INTO remedy_settings (agency_id, settings_json) VALUES ($1, $2) \
                 ON CONFLICT (agency_id) DO UPDATE SET settings_json = excluded.settings_json",
            )
            .bind(id)
            .bind(&settings)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// The letters issued for a request, oldest first.
    pub async fn letters_of(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Vec<IssuedLetter>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i64, Json<Letter>, NaiveDate)> = sql(
            "SELECT l.id, l.letter_json, l.issued_on FROM letters l JOIN requests r ON r.id = l.request_id \
             WHERE r.agency_id = $1 AND r.tracking_code = $2 ORDER BY l.id",
        )
        .bind(agency_id)
        .bind(code)
        .all(self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, Json(l), issued_on)| IssuedLetter {
                id,
                kind: l.kind,
                number: l.number,
                issued_on,
            })
            .collect())
    }

    /// One letter of a request, as issued.
    pub async fn letter(
        &self,
        slug: &Slug,
        code: &str,
        id: i64,
    ) -> Result<Option<Letter>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql(
            "SELECT l.letter_json FROM letters l JOIN requests r ON r.id = l.request_id \
             WHERE r.agency_id = $1 AND r.tracking_code = $2 AND l.id = $3",
        )
        .bind(agency_id)
        .bind(code)
        .bind(id)
        .json_opt(self)
        .await
    }
}
