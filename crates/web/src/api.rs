//! The JSON API (`/api/v1/…`) and its OpenAPI document, generated from the handlers' annotations
//! (utoipa) so the document cannot drift from the code. Errors are `application/problem+json`
//! (RFC 9457) with Chinese `title`/`detail` for the people who read them and stable field keys for
//! programs.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::error::AppError;
use crate::requests::{IntakeFailure, RequestForm, register_online};

/// A request for government information (条例 第二十九条), submitted through the API.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestBody {
    /// The agency asked (its slug, as in `/agencies/{slug}`).
    #[schema(example = "yiyuan-xili")]
    pub agency: String,
    /// Requester kind: `natural_person`, `business`, `research`, `non_profit`, `legal_service`
    /// or `other_org`.
    #[schema(example = "natural_person")]
    pub kind: String,
    /// Name, or the organisation's name.
    pub name: String,
    /// Identity document number, or 统一社会信用代码.
    pub id_document: String,
    /// Telephone or e-mail (also the key, with the tracking code, to the tracking page).
    pub contact: String,
    /// Postal address.
    pub address: String,
    /// The information wanted: title, 文号 or other identifying features.
    pub description: String,
    /// Form of delivery: 纸质文本, 电子邮件, 电子数据拷贝 or 现场查阅.
    #[schema(example = "电子邮件")]
    pub delivery: String,
}

/// A registered request.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredBody {
    /// The tracking code (查询码), shown to the requester and needed with the contact to track.
    pub tracking_code: String,
    /// The agency.
    pub agency: String,
    /// 收到申请之日 (YYYY-MM-DD): the day the system confirmed the request.
    pub received_on: String,
    /// The statutory answer date (YYYY-MM-DD), 20 working days after receipt.
    pub due: Option<String>,
    /// Whether `due` reaches a year whose official calendar is not yet known.
    pub provisional: bool,
    /// The public tracking page.
    pub track_url: String,
}

/// An error (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What to do.
    pub detail: String,
    /// Per field: what is wrong (for 422).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub errors: std::collections::BTreeMap<String, String>,
}

fn problem(status: StatusCode, kind: &str, title: &str, detail: String) -> Problem {
    Problem {
        kind: format!("https://gongkai.invalid/problems/{kind}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        errors: std::collections::BTreeMap::new(),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            serde_json::to_string(&self).unwrap_or_default(),
        )
            .into_response()
    }
}

fn app_problem(e: AppError) -> Problem {
    match e {
        AppError::NotFound(what) => problem(
            StatusCode::NOT_FOUND,
            "not-found",
            "不存在",
            format!("{what}请检查机关标识（agency）。"),
        ),
        other => {
            tracing::error!(error = %other, "API request failed");
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "服务器内部错误",
                "申请未登记。请稍后重试；如仍失败，请联系网站管理员。".into(),
            )
        }
    }
}

/// Registers a request for government information.
#[utoipa::path(
    post,
    path = "/api/v1/requests",
    tag = "依申请公开",
    request_body = NewRequestBody,
    responses(
        (status = 201, description = "已登记；收到申请之日为系统确认之日（条例 第三十一条）", body = RegisteredBody),
        (status = 400, description = "请求不是有效的 JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "没有这个机关", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "有字段需要更正；errors 按字段说明", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_request(
    State(state): State<AppState>,
    body: Result<Json<NewRequestBody>, JsonRejection>,
) -> Response {
    let Json(body) = match body {
        Ok(b) => b,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "bad-json",
                "请求格式不正确",
                format!(
                    "请求体须为 JSON（Content-Type: application/json），字段见 /api/openapi.json：{}",
                    e.body_text()
                ),
            )
            .into_response();
        }
    };
    let a = match crate::pages::find(&state, &body.agency).await {
        Ok(a) => a,
        Err(e) => return app_problem(e).into_response(),
    };
    let form = RequestForm {
        kind: body.kind,
        name: body.name,
        id_document: body.id_document,
        contact: body.contact,
        address: body.address,
        description: body.description,
        delivery: body.delivery,
    };
    match register_online(&state, &a, &form).await {
        Ok(done) => (
            StatusCode::CREATED,
            [(
                header::LOCATION,
                format!("/agencies/{}/requests/track?code={}", a.slug, done.code),
            )],
            Json(RegisteredBody {
                track_url: format!("/agencies/{}/requests/track", a.slug),
                tracking_code: done.code,
                agency: a.slug.to_string(),
                received_on: done.received.to_string(),
                due: done.due.map(|d| d.to_string()),
                provisional: done.provisional,
            }),
        )
            .into_response(),
        Err(IntakeFailure::Invalid(errors)) => {
            let mut p = problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-request",
                "申请内容需要更正",
                "申请未登记。请按 errors 中各字段的说明更正后重新提交。".into(),
            );
            p.errors = errors.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            p.into_response()
        }
        Err(IntakeFailure::App(e)) => app_problem(e).into_response(),
    }
}

/// An agency.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyBody {
    /// Its slug (URL name).
    pub slug: String,
    /// Full official name.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// `town`, `street`, `county_government` or `department`.
    pub kind: String,
    /// The supervising agency's slug.
    pub parent: Option<String>,
}

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

/// A published annual report: its year and the versions published.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportEntry {
    /// Report year.
    pub year: i32,
    /// Versions published (1, then one per correction); 0 if the report is only computed.
    pub versions: usize,
    /// The report as JSON (spec §9).
    pub json_url: String,
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

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        app_problem(e)
    }
}

impl From<gongkai_store::StoreError> for Problem {
    fn from(e: gongkai_store::StoreError) -> Self {
        app_problem(e.into())
    }
}

/// What a read handler answers: JSON, or a problem document.
type ApiResult<T> = Result<Json<T>, Problem>;

/// Every agency.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "公开目录",
    responses((status = 200, description = "全部机关", body = [AgencyBody])))]
pub async fn agencies(State(state): State<AppState>) -> ApiResult<Vec<AgencyBody>> {
    Ok(Json(
        state
            .store
            .list_agencies()
            .await?
            .into_iter()
            .map(|a| AgencyBody {
                slug: a.slug.to_string(),
                name: a.name,
                credit_code: a.credit_code.as_str().to_owned(),
                kind: a.kind.key().to_owned(),
                parent: a.parent.map(|p| p.to_string()),
            })
            .collect(),
    ))
}

/// An agency's catalogue categories (主动公开目录), in order.
#[utoipa::path(get, path = "/api/v1/agencies/{slug}/categories", tag = "公开目录",
    params(("slug" = String, Path, description = "机关简称")),
    responses((status = 200, description = "栏目", body = [String]),
        (status = 404, description = "没有这个机关", body = Problem, content_type = "application/problem+json")))]
pub async fn categories(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> ApiResult<Vec<String>> {
    let a = crate::pages::find(&state, &slug).await?;
    Ok(Json(state.store.categories(&a.slug).await?))
}

/// `?category=&page=&per_page=`.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
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
    params(("slug" = String, Path, description = "机关简称"), ItemsQuery),
    responses((status = 200, description = "一页信息", body = ItemPage),
        (status = 404, description = "没有这个机关", body = Problem, content_type = "application/problem+json")))]
pub async fn items(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<ItemsQuery>,
) -> ApiResult<ItemPage> {
    let a = crate::pages::find(&state, &slug).await?;
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
#[utoipa::path(get, path = "/api/v1/agencies/{slug}/items/{id}", tag = "公开目录",
    params(("slug" = String, Path, description = "机关简称"), ("id" = i64, Path, description = "信息编号")),
    responses((status = 200, description = "信息", body = ItemBody),
        (status = 404, description = "没有这条信息或已撤回", body = Problem, content_type = "application/problem+json")))]
pub async fn item(
    State(state): State<AppState>,
    axum::extract::Path((slug, id)): axum::extract::Path<(String, i64)>,
) -> ApiResult<ItemBody> {
    let a = crate::pages::find(&state, &slug).await?;
    let item = state
        .store
        .published_item(&a.slug, id)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这条信息，或它已撤回。".into()))?;
    Ok(Json(item_body(a.slug.as_str(), &item, true)))
}

/// The agency's annual reports by year (links to each report's JSON, spec §9).
#[utoipa::path(get, path = "/api/v1/agencies/{slug}/reports", tag = "年度报告",
    params(("slug" = String, Path, description = "机关简称")),
    responses((status = 200, description = "各年度报告", body = [ReportEntry]),
        (status = 404, description = "没有这个机关", body = Problem, content_type = "application/problem+json")))]
pub async fn reports(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> ApiResult<Vec<ReportEntry>> {
    let a = crate::pages::find(&state, &slug).await?;
    let versions = state.store.publication_counts(&a.slug).await?;
    Ok(Json(
        state
            .store
            .report_years(&a.slug, state.clock.today())
            .await?
            .into_iter()
            .map(|year| ReportEntry {
                year,
                versions: versions
                    .iter()
                    .find(|(y, _)| *y == year)
                    .map_or(0, |(_, n)| usize::try_from(*n).unwrap_or(0)),
                json_url: format!("/agencies/{}/reports/{year}/report.json", a.slug),
            })
            .collect(),
    ))
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai API",
        description = "政府信息公开平台接口：机关、主动公开目录和信息、年度报告（只读），以及依申请公开的网上申请。日期均为中国日期（YYYY-MM-DD）。"
    ),
    paths(create_request, agencies, categories, items, item, reports),
    components(schemas(
        NewRequestBody,
        RegisteredBody,
        Problem,
        AgencyBody,
        ItemBody,
        ItemPage,
        ReportEntry
    ))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_openapi_document_is_what_was_reviewed() {
        let doc = super::ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_default();
        insta::assert_snapshot!(doc);
    }

    use utoipa::OpenApi as _;
}
