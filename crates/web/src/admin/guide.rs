//! The editors of the 政府信息公开指南 and the 主动公开基本目录 (机关管理员): each save is a new version,
//! and the portal shows the newest.

use axum::extract::{Form, State};
use axum::response::{IntoResponse, Response};
use gongkai_core::Rejection;
use gongkai_core::catalogue::{self, Row};
use gongkai_core::guide::GuideFields;
use gongkai_store::GuideVersion;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::back_to;
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyAdmin, AgencyScope, Requirement};
use crate::portal::guide::{catalogue_rows, default_fields, render_guide, versions};
use crate::views::AgencyView;
use gongkai_core::auth::Duty;

/// The guide editor: the form of the newest version, or the generated guide's, to revise.
pub async fn edit(State(state): State<AppState>, scope: AgencyScope) -> Result<Response, AppError> {
    let agency = &scope.agency;
    let versions = state.store.guide_versions(&agency.slug).await?;
    let (fields, free_html) = match versions.first() {
        Some(GuideVersion {
            fields: Some(fields),
            ..
        }) => (fields.clone(), None),
        Some(v) => (
            default_fields(&state, agency).await?,
            Some(v.body_html.clone()),
        ),
        None => (default_fields(&state, agency).await?, None),
    };
    render_guide_editor(&state, &scope, &GuideForm::from(fields), free_html, &[]).await
}

async fn render_guide_editor<R: Requirement>(
    state: &AppState,
    scope: &AgencyScope<R>,
    form: &GuideForm,
    free_html: Option<String>,
    problems: &[Rejection],
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let versions = state.store.guide_versions(&agency.slug).await?;
    let errors: Vec<(&str, String)> = problems
        .iter()
        .map(|r| (r.field.unwrap_or("note"), r.message.clone()))
        .collect();
    super::form_page(
        s,
        "admin/guide.html",
        crate::views::form_status(!problems.is_empty()),
        context! {
            agency => AgencyView::from(agency),
            form => Serde(form),
            errors => crate::views::field_errors(&errors),
            free_html => free_html.map(minijinja::Value::from_safe_string),
            confirmed => !versions.is_empty(),
            can_edit => scope.may(Duty::Administer),
            versions => versions.iter().map(|v| context! { version => v.version, note => v.note.clone(), actor => v.actor.clone(), saved => gongkai_store::audit_time(v.saved.timestamp_millis()) }).collect::<Vec<_>>(),
        },
    )
}

/// The guide form: the fields of [`GuideFields`] and what changed.
#[derive(Debug, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct GuideForm {
    #[serde(flatten)]
    fields: GuideFields,
    note: String,
}

impl From<GuideFields> for GuideForm {
    fn from(fields: GuideFields) -> Self {
        Self {
            fields,
            note: String::new(),
        }
    }
}

impl GuideForm {
    /// The form with its rich-text parts through the sanitiser and its lines trimmed.
    fn cleaned(&self) -> GuideFields {
        let f = &self.fields;
        let line = |v: &String| v.trim().to_owned();
        GuideFields {
            office: line(&f.office),
            address: line(&f.address),
            postcode: line(&f.postcode),
            hours: line(&f.hours),
            phone: line(&f.phone),
            fax: line(&f.fax),
            email: line(&f.email),
            online: line(&f.online),
            preface: crate::rich_text::clean(&f.preface),
            proactive: crate::rich_text::clean(&f.proactive),
            on_request: crate::rich_text::clean(&f.on_request),
            supervision: crate::rich_text::clean(&f.supervision),
        }
    }
}

/// Saves a new version of the guide (机关管理员), rendered from the form; a form with problems
/// comes back as typed, each message at its field. The first version is the agency's
/// confirmation of its guide (until then the portal says the guide is being prepared).
pub async fn save(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(form): Form<GuideForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let fields = form.cleaned();
    let problems = fields.revision_problems(&form.note);
    if !problems.is_empty() {
        return render_guide_editor(&state, &scope, &form, None, &problems).await;
    }
    let body = render_guide(&fields)?;
    gongkai_core::guide::check_revision(&body, &form.note)?;
    state
        .store
        .save_guide(
            &agency.slug,
            &body,
            Some(&fields),
            form.note.trim(),
            s.by(state.clock.now()),
        )
        .await?;
    Ok(back_to(agency, "/guide"))
}

/// The whole guide as the portal will show it, from the form as it stands (nothing saved), for
/// those who may save it.
pub async fn preview(
    scope: AgencyScope<AgencyAdmin>,
    Form(form): Form<GuideForm>,
) -> Result<Response, AppError> {
    let body = render_guide(&form.cleaned())?;
    let html = super::page(
        &scope.staff,
        "admin/preview.html",
        context! { body => minijinja::Value::from_safe_string(body) },
    )?;
    Ok(html.into_response())
}

/// The catalogue editor (机关管理员): a table of the columns in order, one row each, edited
/// with forms (works without JavaScript); the text format stays as import and export.
pub async fn edit_catalogue(
    State(state): State<AppState>,
    scope: AgencyScope,
) -> Result<Response, AppError> {
    let columns = state.store.catalogue(&scope.agency.slug).await?;
    let suggested = columns.is_empty();
    let columns = if suggested {
        catalogue::parse(catalogue::default_text(scope.agency.kind)).unwrap_or_default()
    } else {
        columns
    };
    let mut rows: Vec<Row> = columns.iter().map(Row::of).collect();
    if suggested {
        for r in &mut rows {
            r.was.clear();
        }
    }
    let editor = CatalogueEditor {
        text: catalogue::to_text(&columns),
        rows,
        suggested,
        ..CatalogueEditor::default()
    };
    render_catalogue_editor(&state, &scope, editor).await
}

/// The catalogue editor as it comes back: the rows as typed, their problems, the text.
#[derive(Debug, Default)]
struct CatalogueEditor {
    rows: Vec<Row>,
    problems: Vec<(usize, String)>,
    text: String,
    text_error: Option<String>,
    suggested: bool,
    notice: Option<&'static str>,
}

async fn render_catalogue_editor<R: Requirement>(
    state: &AppState,
    scope: &AgencyScope<R>,
    editor: CatalogueEditor,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let counts = state.store.catalogue_counts(&agency.slug).await?;
    let refused = !editor.problems.is_empty() || editor.text_error.is_some();
    let rows: Vec<minijinja::Value> = editor
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut deadlines: Vec<String> = catalogue::DEADLINE_CHOICES
                .iter()
                .map(|d| (*d).to_owned())
                .collect();
            let typed = r.deadline.trim().to_owned();
            if !typed.is_empty() && !deadlines.contains(&typed) {
                deadlines.push(typed);
            }
            context! {
                i,
                row => Serde(r),
                deadlines,
                items => counts.iter().find(|(c, _)| !r.was.is_empty() && c.name == r.was).map_or(0, |(_, n)| *n),
                error => editor.problems.iter().find(|(at, _)| *at == i).map(|(_, m)| m.clone()),
            }
        })
        .collect();
    super::form_page(
        s,
        "admin/catalogue.html",
        crate::views::form_status(refused),
        context! {
            agency => AgencyView::from(agency),
            rows,
            has_problems => !editor.problems.is_empty(),
            text => editor.text,
            text_error => editor.text_error,
            suggested => editor.suggested,
            saved_rows => catalogue_rows(state, &agency.slug).await?,
            can_edit => scope.may(Duty::Administer),
            year => chrono::Datelike::year(&state.clock.today()),
            versions => versions(state, &agency.slug).await?,
            default_deadline => catalogue::DEFAULT_DEADLINE_TEXT,
            editing_notice => editor.notice,
        },
    )
}

/// What the table's form sends: `name.3`, `child.3`… for each row, and `op`: `save`, `add`, or
/// `up.3` / `down.3` / `remove.3` for a row's buttons. (The text import sends `categories`.)
fn read_rows(body: &[u8]) -> (Vec<Row>, String, Option<String>) {
    let mut rows: Vec<Row> = Vec::new();
    let (mut op, mut text) = (String::new(), None);
    for (key, value) in form_urlencoded::parse(body) {
        match key.as_ref() {
            "op" => {
                op = value.into_owned();
                continue;
            }
            "categories" => {
                text = Some(value.into_owned());
                continue;
            }
            _ => {}
        }
        let Some((field, index)) = key.split_once('.') else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        if index >= 500 {
            continue;
        }
        if rows.len() <= index {
            rows.resize_with(index + 1, Row::default);
        }
        let row = &mut rows[index];
        let value = value.into_owned();
        match field {
            "name" => row.name = value,
            "was" => row.was = value,
            "child" => row.child = value == "on",
            "description" => row.description = value,
            "deadline" => row.deadline = value,
            "basis" => row.basis = value,
            "not_involved" => row.not_involved = value == "on",
            _ => {}
        }
    }
    (rows, op, text)
}

/// Moves, adds or removes rows as a row's button asks; a first-level column moves with its
/// sub-columns. Gives the message to show.
fn apply_op(rows: &mut Vec<Row>, op: &str) -> Option<&'static str> {
    if op == "add" {
        rows.push(Row::default());
        return Some("已在表格末尾添加一行，填写后请保存。");
    }
    let (action, index) = op.split_once('.')?;
    let i: usize = index.parse().ok().filter(|i| *i < rows.len())?;
    // The block a row moves as: itself, and its sub-columns if it is a first-level column.
    let block_end = |rows: &[Row], start: usize| {
        if rows[start].child {
            start + 1
        } else {
            (start + 1..rows.len())
                .find(|&j| !rows[j].child)
                .unwrap_or(rows.len())
        }
    };
    match action {
        "remove" => {
            rows.remove(i);
            Some("已从表格中删除这一行；保存后生效（已有信息的栏目仍会保留）。")
        }
        "up" if i > 0 => {
            let end = block_end(rows, i);
            let start = if rows[i].child {
                i - 1
            } else {
                (0..i).rev().find(|&j| !rows[j].child).unwrap_or(0)
            };
            rows[start..end].rotate_left(i - start);
            Some("已上移；保存后生效。")
        }
        "down" => {
            let end = block_end(rows, i);
            if end >= rows.len() {
                return None;
            }
            let next_end = if rows[i].child {
                end + 1
            } else {
                block_end(rows, end)
            };
            rows[i..next_end].rotate_left(end - i);
            Some("已下移；保存后生效。")
        }
        _ => None,
    }
}

/// The catalogue's form: a row's button changes the table and shows it again (nothing saved);
/// 保存 saves it (the order given, renamed columns keep their items, columns left out keep
/// theirs); rows with problems come back as typed, each with its message. The text import
/// replaces the table with the lines given.
pub async fn save_catalogue(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let (mut rows, op, text) = read_rows(&body);
    if let Some(text) = text {
        return match catalogue::parse(&text) {
            Ok(columns) => {
                state
                    .store
                    .set_catalogue(&agency.slug, &columns, s.by(state.clock.now()))
                    .await?;
                Ok(back_to(agency, "/catalogue"))
            }
            Err(e) => {
                let columns = state.store.catalogue(&agency.slug).await?;
                let editor = CatalogueEditor {
                    rows: columns.iter().map(Row::of).collect(),
                    text,
                    text_error: Some(format!("{e}（目录未保存，请改正后再提交。）")),
                    ..CatalogueEditor::default()
                };
                render_catalogue_editor(&state, &scope, editor).await
            }
        };
    }
    if op != "save" && !op.is_empty() {
        let notice = apply_op(&mut rows, &op);
        let editor = CatalogueEditor {
            text: catalogue::to_text(&catalogue::from_rows(&rows).unwrap_or_default()),
            rows,
            notice,
            ..CatalogueEditor::default()
        };
        return render_catalogue_editor(&state, &scope, editor).await;
    }
    match catalogue::from_rows(&rows) {
        Ok(columns) => {
            state
                .store
                .edit_catalogue(
                    &agency.slug,
                    &catalogue::renames(&rows),
                    &columns,
                    s.by(state.clock.now()),
                )
                .await?;
            Ok(back_to(agency, "/catalogue"))
        }
        Err(problems) => {
            let editor = CatalogueEditor {
                text: catalogue::to_text(&catalogue::from_rows(&rows).unwrap_or_default()),
                rows,
                problems,
                ..CatalogueEditor::default()
            };
            render_catalogue_editor(&state, &scope, editor).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Row, apply_op, read_rows};

    fn rows(spec: &[(&str, bool)]) -> Vec<Row> {
        spec.iter()
            .map(|(name, child)| Row {
                name: (*name).into(),
                child: *child,
                ..Row::default()
            })
            .collect()
    }

    fn names(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn a_column_moves_with_its_sub_columns() {
        let mut table = rows(&[
            ("甲", false),
            ("甲1", true),
            ("乙", false),
            ("乙1", true),
            ("丙", false),
        ]);
        apply_op(&mut table, "up.2");
        assert_eq!(names(&table), ["乙", "乙1", "甲", "甲1", "丙"]);
        apply_op(&mut table, "down.0");
        assert_eq!(names(&table), ["甲", "甲1", "乙", "乙1", "丙"]);
        apply_op(&mut table, "down.1");
        assert_eq!(
            names(&table),
            ["甲", "乙", "甲1", "乙1", "丙"],
            "a sub-column moves alone"
        );
        assert_eq!(apply_op(&mut table, "down.4"), None);
        assert_eq!(apply_op(&mut table, "up.0"), None);
        assert_eq!(apply_op(&mut table, "up.99"), None);
        apply_op(&mut table, "remove.4");
        apply_op(&mut table, "add");
        assert_eq!(names(&table), ["甲", "乙", "甲1", "乙1", ""]);
    }

    #[test]
    fn the_form_is_read_row_by_row() {
        let (table, op, text) = read_rows(
            "csrf=x&name.0=%E7%94%B2&was.0=%E7%94%B2&deadline.0=10%E4%B8%AA%E5%B7%A5%E4%BD%9C%E6%97%A5&name.1=%E4%B9%99&child.1=on&not_involved.1=on&op=up.1&name.99999=x"
                .as_bytes(),
        );
        assert_eq!(op, "up.1");
        assert_eq!(text, None);
        assert_eq!(names(&table), ["甲", "乙"]);
        assert_eq!(table[0].deadline, "10个工作日");
        assert!(table[1].child && table[1].not_involved && !table[0].child);
    }
}
