//! Agencies and their tree: who they are, where they sit, and the settings an agency keeps for
//! itself (its 索引号 pattern) or sets for the agencies below it (the report deadline; letter
//! settings are in `letters`).

use gongkai_core::audit::Entry;
use gongkai_core::item::{DEFAULT_INDEX_PATTERN, check_index_pattern};
use gongkai_core::report::workspace::MonthDay;
use gongkai_core::{Agency, AgencyKind, CreditCode, Rejection, Slug};

use crate::db::{By, sql};
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct AgencyRow {
    slug: String,
    name: String,
    credit_code: String,
    kind: String,
    parent: Option<String>,
}

impl TryFrom<AgencyRow> for Agency {
    type Error = StoreError;
    fn try_from(r: AgencyRow) -> Result<Self, StoreError> {
        let corrupt = |e: gongkai_core::agency::AgencyError| StoreError::Corrupt(e.to_string());
        Ok(Self {
            slug: Slug::parse(&r.slug).map_err(corrupt)?,
            name: r.name,
            credit_code: CreditCode::parse(&r.credit_code).map_err(corrupt)?,
            kind: r.kind.parse::<AgencyKind>().map_err(corrupt)?,
            parent: r
                .parent
                .map(|p| Slug::parse(&p))
                .transpose()
                .map_err(corrupt)?,
        })
    }
}

const AGENCY_SELECT: &str = "SELECT a.slug, a.name, a.credit_code, a.kind, p.slug AS parent \
     FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id";

/// An agency and those above it, nearest first (at most this many levels: a loop in a
/// hand-edited tree cannot run away).
const LINEAGE: &str = "WITH RECURSIVE up (id, parent_id, depth) AS ( \
     SELECT id, parent_id, 0 FROM agencies WHERE slug = $1 \
     UNION ALL SELECT a.id, a.parent_id, up.depth + 1 FROM agencies a JOIN up ON a.id = up.parent_id \
     WHERE up.depth < 8)";

fn describe(a: &Agency) -> String {
    format!(
        "{}，{}，{}，上级：{}",
        a.name,
        a.kind.label(),
        a.credit_code.as_str(),
        a.parent.as_ref().map_or("无", Slug::as_str)
    )
}

impl Store {
    /// Adds an agency. Its parent, if any, must exist already.
    pub async fn insert_agency(&self, agency: &Agency, by: By<'_>) -> Result<(), StoreError> {
        self.save_agency(agency, None, by).await
    }

    /// Changes an agency's name, credit code, kind and parent (the slug stays: it is in every URL).
    pub async fn update_agency(&self, agency: &Agency, by: By<'_>) -> Result<(), StoreError> {
        let before = self.agency(&agency.slug).await?;
        self.save_agency(agency, Some(&before), by).await
    }

    /// Inserts `agency` (no `before`) or updates it from `before`.
    async fn save_agency(
        &self,
        agency: &Agency,
        before: Option<&Agency>,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let parent_id = match &agency.parent {
            Some(p) => Some(self.agency_id(p).await?),
            None => None,
        };
        let slug = agency.slug.as_str();
        let code = agency.credit_code.as_str();
        let (action, summary, statement, taken) = match before {
            None => (
                "agency.create",
                describe(agency),
                "INSERT INTO agencies (name, credit_code, kind, parent_id, slug, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                format!("机关简称“{slug}”或统一社会信用代码“{code}”已被使用"),
            ),
            Some(before) => (
                "agency.update",
                format!("{} → {}", describe(before), describe(agency)),
                "UPDATE agencies SET name = $1, credit_code = $2, kind = $3, parent_id = $4 WHERE slug = $5",
                format!("统一社会信用代码“{code}”已被其他机关使用"),
            ),
        };
        let entry = Entry::new(Some(slug), action, format!("agency:{slug}"), summary);
        self.write(by, entry, async |tx| {
            let mut q = sql(statement)
                .bind(&agency.name)
                .bind(code)
                .bind(agency.kind.key())
                .bind(parent_id)
                .bind(slug);
            if before.is_none() {
                q = q.bind(by.now);
            }
            q.execute(&mut *tx)
                .await
                .map_err(|e| StoreError::conflict_as(e, || taken))?;
            Ok(())
        })
        .await
    }

    /// The agency with this slug.
    pub async fn find_agency(&self, slug: &Slug) -> Result<Option<Agency>, StoreError> {
        let stamp = self.ready_stamp().await;
        let place = crate::ready::Ready::AGENCIES;
        if let Some(kept) = stamp.and_then(|s| self.ready.kept(place, s, &slug.to_string())) {
            return Ok(Some(Agency::clone(&kept)));
        }
        let row: Option<AgencyRow> = sql(format!("{AGENCY_SELECT} WHERE a.slug = $1"))
            .bind(slug.as_str())
            .optional(self)
            .await?;
        let agency = row.map(Agency::try_from).transpose()?;
        if let (Some(s), Some(a)) = (stamp, &agency) {
            self.ready
                .keep(place, s, slug.to_string(), std::sync::Arc::new(a.clone()));
        }
        Ok(agency)
    }

    /// The agency with this slug, which must exist.
    pub async fn agency(&self, slug: &Slug) -> Result<Agency, StoreError> {
        self.find_agency(slug)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("机关“{slug}”")))
    }

    /// Every agency, in the order they were added (a county before its members). Shared, as
    /// kept, not copied: the search page, the home page and the sitemap read it at every request,
    /// and at a province's 5,000 agencies a copy was 5,000 agencies cloned per page.
    pub async fn list_agencies(&self) -> Result<std::sync::Arc<Vec<Agency>>, StoreError> {
        self.kept(crate::ready::Ready::EVERY_AGENCY, (), async {
            let rows: Vec<AgencyRow> = sql(format!("{AGENCY_SELECT} ORDER BY a.id"))
                .all(self)
                .await?;
            Ok(std::sync::Arc::new(
                rows.into_iter()
                    .map(Agency::try_from)
                    .collect::<Result<Vec<_>, _>>()?,
            ))
        })
        .await
    }

    /// The agency and the agencies above it, nearest first.
    pub async fn lineage(&self, slug: &Slug) -> Result<Vec<Agency>, StoreError> {
        let rows: Vec<AgencyRow> = sql(format!(
            "{LINEAGE} SELECT a.slug, a.name, a.credit_code, a.kind, p.slug AS parent FROM up \
             JOIN agencies a ON a.id = up.id LEFT JOIN agencies p ON p.id = a.parent_id ORDER BY up.depth"
        ))
        .bind(slug.as_str())
        .all(self)
        .await?;
        rows.into_iter().map(Agency::try_from).collect()
    }

    pub(crate) async fn agency_id(&self, slug: &Slug) -> Result<i64, StoreError> {
        if let Some(id) = self.cached_id(slug) {
            return Ok(id);
        }
        let id = sql("SELECT id FROM agencies WHERE slug = $1")
            .bind(slug.as_str())
            .scalar_opt(self)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("机关“{slug}”")))?;
        if let Ok(mut ids) = self.ids.write() {
            ids.insert(slug.as_str().to_owned(), id);
        }
        Ok(id)
    }

    fn cached_id(&self, slug: &Slug) -> Option<i64> {
        self.ids.read().ok()?.get(slug.as_str()).copied()
    }

    /// The agency's 索引号 pattern (the default unless set).
    pub async fn index_pattern(&self, slug: &Slug) -> Result<String, StoreError> {
        let pattern: Option<Option<String>> =
            sql("SELECT index_pattern FROM agencies WHERE slug = $1")
                .bind(slug.as_str())
                .scalar_opt(self)
                .await?;
        let pattern = pattern.ok_or_else(|| StoreError::NotFound(format!("机关“{slug}”")))?;
        Ok(pattern.unwrap_or_else(|| DEFAULT_INDEX_PATTERN.to_owned()))
    }

    /// Sets the agency's 索引号 pattern for items published from now on (published numbers stay).
    pub async fn set_index_pattern(
        &self,
        slug: &Slug,
        pattern: &str,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        check_index_pattern(pattern).map_err(Rejection::from)?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "agency.index_pattern",
            format!("agency:{slug}"),
            format!("索引号格式改为“{pattern}”"),
        );
        self.write(by, entry, async |tx| {
            let done = sql("UPDATE agencies SET index_pattern = $1 WHERE slug = $2")
                .bind(pattern)
                .bind(slug.as_str())
                .execute(&mut *tx)
                .await?;
            if done == 0 {
                return Err(StoreError::NotFound(format!("机关“{slug}”")));
            }
            Ok(())
        })
        .await
    }

    /// Sets (or clears) the reporting date an agency sets for the agencies below it.
    pub async fn set_report_deadline(
        &self,
        slug: &Slug,
        deadline: Option<MonthDay>,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let text = deadline.map(|d| d.to_string());
        let entry = Entry::new(
            Some(slug.as_str()),
            "agency.report_deadline",
            format!("agency:{slug}"),
            format!(
                "所属机关年度报告发布期限：{}",
                text.as_deref().unwrap_or("按条例默认")
            ),
        );
        self.write(by, entry, async |tx| {
            sql("UPDATE agencies SET report_deadline = $1 WHERE id = $2")
                .bind(&text)
                .bind(agency_id)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
        .await
    }

    /// The reporting date that applies to an agency (`MonthDay::in_force` over its own and those
    /// of the agencies above it).
    pub async fn report_deadline_for(&self, slug: &Slug) -> Result<Option<MonthDay>, StoreError> {
        let set: Vec<Option<String>> = sql(format!(
            "{LINEAGE} SELECT a.report_deadline FROM up JOIN agencies a ON a.id = up.id ORDER BY up.depth"
        ))
        .bind(slug.as_str())
        .scalars(self)
        .await?;
        let chain = set
            .into_iter()
            .map(|d| {
                d.map(|d| MonthDay::parse(&d).map_err(StoreError::Corrupt))
                    .transpose()
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MonthDay::in_force(chain))
    }
}
