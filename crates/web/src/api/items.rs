//! The items on the portal, paged, and one item with its body.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AgencySlug, ApiAgency, ApiResult, NoSuchAgency, Problem, problem};
use crate::AppState;
use crate::error::AppError;
use crate::extract::ItemPath;

/// An item on the portal.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemBody {
    /// Item id.
    pub id: i64,
    /// 索引号 (items from before gongkai may have none).
    pub index_no: Option<String>,
    /// 标题.
    pub title: String,
    /// 所属栏目.
    pub category: String,
    /// 发布日期 (YYYY-MM-DD).
    pub published_on: String,
    /// 发文字号.
    pub doc_number: Option<String>,
    /// 成文日期.
    pub written_on: Option<String>,
    /// 主题分类.
    pub topic: Option<String>,
    /// 文件类型 key.
    pub kind: Option<String>,
    /// 有效性 (有效 / 失效（日期） / 废止（日期）).
    pub validity: Option<String>,
    /// 关键词.
    pub keywords: Option<String>,
    /// 内容概述.
    pub summary: Option<String>,
    /// Body (sanitised HTML); only in the single-item response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_html: Option<String>,
    /// The item's page on the portal.
    pub url: String,
}

/// A page of items.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemPage {
    /// This page.
    pub items: Vec<ItemBody>,
    /// All matching items.
    pub total: i64,
    /// This page's number, from 1.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

fn item_body(slug: &str, i: &gongkai_store::PublishedItem, with_body: bool) -> ItemBody {
    let c = i.content.as_ref();
    ItemBody {
        id: i.id,
        index_no: i.index_no.clone(),
        title: i.title.clone(),
        category: i.category.clone(),
        published_on: i.published_on.to_string(),
        doc_number: c.map(|c| c.doc_number.clone()).filter(|s| !s.is_empty()),
        written_on: c.and_then(|c| c.written_on).map(|d| d.to_string()),
        topic: c.map(|c| c.topic.clone()).filter(|s| !s.is_empty()),
        kind: c.and_then(|c| c.kind).map(|k| k.key().to_owned()),
        validity: c
            .and_then(|c| c.validity)
            .map(gongkai_core::item::Validity::label),
        keywords: c.map(|c| c.keywords.clone()).filter(|s| !s.is_empty()),
        summary: c.map(|c| c.summary.clone()).filter(|s| !s.is_empty()),
        body_html: if with_body {
            c.map(|c| c.body_html.clone())
        } else {
            None
        },
        url: format!("/agencies/{slug}/items/{}", i.id),
    }
}

/// `?category=&page=&per_page=`.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ItemsQuery {
    /// Only this category.
    category: String,
    /// Page, from 1.
    page: u32,
    /// Items per page (1–100, default 20).
    per_page: u32,
}

/// An agency's items on the portal, newest first.
#[utoipa::path(get, path = "/api/v1/agencies/{slug}/items", tag = "公开目录",
    params(AgencySlug, ItemsQuery),
    responses((status = 200, description = "一页信息", body = ItemPage),
        (status = 400, description = "查询参数不是有效的数字", body = Problem, content_type = "application/problem+json"),
        NoSuchAgency))]
pub async fn items(
    State(state): State<AppState>,
    ApiAgency(a): ApiAgency,
    Query(q): Query<ItemsQuery>,
) -> ApiResult<ItemPage> {
    let page = q.page.max(1);
    let per_page = if q.per_page == 0 {
        20
    } else {
        q.per_page.min(100)
    };
    let category = q.category.trim();
    let (items, total) = state
        .store
        .published_items(
            &a.slug,
            (!category.is_empty()).then_some(category),
            page,
            per_page,
        )
        .await?;
    Ok(Json(ItemPage {
        items: items
            .iter()
            .map(|i| item_body(a.slug.as_str(), i, false))
            .collect(),
        total,
        page,
        per_page,
    }))
}

/// One item on the portal, with its body.
#[utoipa::path(get, path = "/api/v1/agencies/{slug}/items/{item}", tag = "公开目录",
    params(AgencySlug, ("item" = i64, Path, description = "信息编号")),
    responses((status = 200, description = "信息", body = ItemBody),
        (status = 404, description = "没有这条信息", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "信息已撤回（detail 写明撤回日期）", body = Problem, content_type = "application/problem+json")))]
pub async fn item(
    State(state): State<AppState>,
    ApiAgency(a): ApiAgency,
    Path(ItemPath { item: id }): Path<ItemPath>,
) -> ApiResult<ItemBody> {
    if let Some(item) = state.store.published_item(&a.slug, id).await? {
        return Ok(Json(item_body(a.slug.as_str(), &item, true)));
    }
    // Taken off the portal: gone, as the portal's page says, not "never was".
    match state.store.withdrawn_item(&a.slug, id).await? {
        Some(notice) => Err(problem(
            StatusCode::GONE,
            "gone",
            "信息已撤回",
            format!(
                "“{}”已于{}撤回{}。",
                notice.title,
                notice.withdrawn_on,
                notice
                    .reason
                    .map(|r| format!("，理由：{r}"))
                    .unwrap_or_default()
            ),
        )),
        None => Err(AppError::NotFound("没有这条信息。".into()).into()),
    }
}
