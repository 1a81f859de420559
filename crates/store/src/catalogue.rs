//! Each agency's 主动公开目录: its columns (栏目) in order, one level of sub-columns, each with
//! what goes in it, its time limit and basis; kept as a version per year (主动公开基本目录（年版）).

use chrono::Datelike;
use gongkai_core::Slug;
use gongkai_core::audit::Entry;
use gongkai_core::catalogue::{Column, tree_order};

use crate::db::{By, Json, json, sql};
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct ColumnRow {
    name: String,
    parent_name: Option<String>,
    description: String,
    deadline: String,
    basis: String,
    not_involved: bool,
    items: i64,
}

impl Store {
    /// Sets the agency's catalogue columns in order by name; existing ones keep their id, items
    /// and description (the editor's [`set_catalogue`](Self::set_catalogue) sets the rest).
    pub async fn set_categories(
        &self,
        slug: &Slug,
        names: &[String],
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let existing = self.catalogue(slug).await?;
        let columns: Vec<Column> = names
            .iter()
            .map(|n| {
                existing
                    .iter()
                    .find(|c| &c.name == n)
                    .cloned()
                    .unwrap_or_else(|| Column {
                        name: n.clone(),
                        ..Column::default()
                    })
            })
            .collect();
        self.set_catalogue(slug, &columns, by).await
    }

    /// Sets the agency's catalogue: the columns given, in that order, then any column left out
    /// (its items must keep a column). Existing columns keep their id and items. The catalogue as
    /// it then stands is this year's version.
    pub async fn set_catalogue(
        &self,
        slug: &Slug,
        columns: &[Column],
        by: By<'_>,
    ) -> Result<(), StoreError> {
        self.edit_catalogue(slug, &[], columns, by).await
    }

    /// [`set_catalogue`](Self::set_catalogue) after renaming columns (old name, new name): a
    /// renamed column keeps its row, so its items stay in it under the new name, and its
    /// sub-columns follow it.
    pub async fn edit_catalogue(
        &self,
        slug: &Slug,
        renames: &[(String, String)],
        columns: &[Column],
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let mut all = columns.to_vec();
        let existing = self.catalogue(slug).await?;
        let renames: Vec<&(String, String)> = renames
            .iter()
            .filter(|(old, new)| {
                existing.iter().any(|c| &c.name == old) && !existing.iter().any(|c| &c.name == new)
            })
            .collect();
        for old in existing {
            if !all.iter().any(|c| c.name == old.name)
                && !renames.iter().any(|(o, _)| *o == old.name)
            {
                all.push(old);
            }
        }
        let all = tree_order(all);
        let mut summary = all
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join("、");
        for (old, new) in &renames {
            summary.extend(["（“", old, "”更名为“", new, "”）"]);
        }
        let entry = Entry::new(
            Some(slug.as_str()),
            "catalogue.set",
            format!("catalogue:{slug}"),
            summary,
        );
        let year = gongkai_core::clock::china_date(by.now).year();
        let version = json(&all)?;
        self.write(by, entry, async |tx| {
            for (old, new) in &renames {
                sql("UPDATE catalogue_categories SET name = $3 WHERE agency_id = $1 AND name = $2")
                    .bind(agency_id)
                    .bind(old)
                    .bind(new)
                    .execute(&mut *tx)
                    .await?;
                sql("UPDATE catalogue_categories SET parent_name = $3 WHERE agency_id = $1 AND parent_name = $2")
                    .bind(agency_id)
                    .bind(old)
                    .bind(new)
                    .execute(&mut *tx)
                    .await?;
                refile_drafts(tx, agency_id, old, new).await?;
            }
            for (position, c) in (1_i32..).zip(&all) {
                sql("INSERT INTO catalogue_categories \
                     (agency_id, position, name, parent_name, description, deadline, basis, not_involved) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (agency_id, name) DO UPDATE SET position = excluded.position, \
                     parent_name = excluded.parent_name, description = excluded.description, \
                     deadline = excluded.deadline, basis = excluded.basis, not_involved = excluded.not_involved")
                .bind(agency_id)
                .bind(position)
                .bind(&c.name)
                .bind(c.parent.as_deref())
                .bind(&c.description)
                .bind(&c.deadline)
                .bind(&c.basis)
                .bind(c.not_involved)
                .execute(&mut *tx)
                .await?;
            }
            sql("INSERT INTO catalogue_versions (agency_id, year, categories_json, saved_ms) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (agency_id, year) DO UPDATE SET categories_json = excluded.categories_json, \
                 saved_ms = excluded.saved_ms")
            .bind(agency_id)
            .bind(year)
            .bind(&version)
            .bind(by.ms())
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// The agency's catalogue columns' names, in order.
    pub async fn categories(&self, slug: &Slug) -> Result<Vec<String>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        Ok(self
            .category_ids(agency_id)
            .await?
            .iter()
            .map(|(_, name)| name.clone())
            .collect())
    }

    /// The agency's catalogue columns (row id, name), in order; kept ready between writes.
    pub(crate) async fn category_ids(
        &self,
        agency_id: i64,
    ) -> Result<crate::ready::Catalogue, StoreError> {
        self.kept(crate::ready::Ready::CATALOGUES, agency_id, async {
            Ok(std::sync::Arc::new(
                sql("SELECT id, name FROM catalogue_categories WHERE agency_id = $1 ORDER BY position, id")
                    .bind(agency_id)
                    .all(self)
                    .await?,
            ))
        })
        .await
    }

    /// The agency's catalogue, in order, each sub-column after its column.
    pub async fn catalogue(&self, slug: &Slug) -> Result<Vec<Column>, StoreError> {
        Ok(self
            .columns(slug, false)
            .await?
            .into_iter()
            .map(|(c, _)| c)
            .collect())
    }

    /// The agency's catalogue in order, each column with how many items on the portal it holds.
    pub async fn catalogue_counts(&self, slug: &Slug) -> Result<Vec<(Column, i64)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let counts = self
            .kept(crate::ready::Ready::COUNTS, agency_id, async {
                Ok(std::sync::Arc::new(self.columns(slug, true).await?))
            })
            .await?;
        Ok(Vec::clone(&counts))
    }

    /// The catalogue's columns, with their items counted only when `counted` (0 otherwise):
    /// counting walks every item of the agency, 1–3 s at a million, and an import resolves the
    /// catalogue once per chunk.
    async fn columns(&self, slug: &Slug, counted: bool) -> Result<Vec<(Column, i64)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let (items, join) = if counted {
            (
                "COUNT(i.id)",
                "LEFT JOIN items i ON i.category_id = c.id AND i.withdrawn_on IS NULL",
            )
        } else {
            ("CAST(0 AS BIGINT)", "")
        };
        let rows: Vec<ColumnRow> = sql(format!(
            "SELECT c.name, c.parent_name, c.description, c.deadline, c.basis, c.not_involved, \
             {items} AS items FROM catalogue_categories c {join} \
             WHERE c.agency_id = $1 \
             GROUP BY c.id, c.name, c.parent_name, c.description, c.deadline, c.basis, c.not_involved, c.position \
             ORDER BY c.position, c.id"
        ))
        .bind(agency_id)
        .all(self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    Column {
                        name: r.name,
                        parent: r.parent_name,
                        description: r.description,
                        deadline: r.deadline,
                        basis: r.basis,
                        not_involved: r.not_involved,
                    },
                    r.items,
                )
            })
            .collect())
    }

    /// The catalogue's yearly versions: (year, columns), newest first.
    pub async fn catalogue_versions(
        &self,
        slug: &Slug,
    ) -> Result<Vec<(i32, Vec<Column>)>, StoreError> {
        /// Versions saved before columns had descriptions hold names only.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Saved {
            Columns(Vec<Column>),
            Names(Vec<String>),
        }
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i32, Json<Saved>)> = sql(
            "SELECT year, categories_json FROM catalogue_versions WHERE agency_id = $1 ORDER BY year DESC",
        )
        .bind(agency_id)
        .all(self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(y, Json(saved))| {
                let columns = match saved {
                    Saved::Columns(c) => c,
                    Saved::Names(n) => n
                        .into_iter()
                        .map(|name| Column {
                            name,
                            ..Column::default()
                        })
                        .collect(),
                };
                (y, columns)
            })
            .collect())
    }
}

/// Drafts name their column as the drafter chose it: a renamed column takes its drafts (those being
/// written, in review, or kept for the next correction) with it, so none is left filed under a
/// name the catalogue no longer has. Saved versions keep the name they had.
async fn refile_drafts(
    tx: &mut crate::db::Tx,
    agency_id: i64,
    old: &str,
    new: &str,
) -> Result<(), StoreError> {
    // The text a draft holds its column as, to find the few that may (`LIKE` only narrows).
    let held = serde_json::to_string(&serde_json::json!({ "category": old }))?;
    let pattern = format!("%{}%", held.trim_start_matches('{').trim_end_matches('}'));
    let drafts: Vec<(i64, String)> = sql(
        "SELECT id, content_json FROM item_drafts WHERE agency_id = $1 AND content_json LIKE $2",
    )
    .bind(agency_id)
    .bind(&pattern)
    .all(&mut *tx)
    .await?;
    for (id, content) in drafts {
        let mut content: serde_json::Value = serde_json::from_str(&content)?;
        if content.get("category").and_then(serde_json::Value::as_str) != Some(old) {
            continue;
        }
        content["category"] = serde_json::Value::from(new);
        sql("UPDATE item_drafts SET content_json = $2 WHERE id = $1")
            .bind(id)
            .bind(content.to_string())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
