//! Requests for government information through the API: the same intake as the portal's form.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Problem, app_problem, problem};
use crate::AppState;
use crate::portal::requests::{IntakeFailure, RequestForm, register_online};

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

/// Registers a request for government information.
#[utoipa::path(
    post,
    path = "/api/v1/requests",
    tag = "依申请公开",
    request_body = NewRequestBody,
    responses(
        (status = 201, description = "已登记；收到申请之日为系统确认之日（条例 第三十一条）", body = RegisteredBody),
        (status = 400, description = "请求不是有效的 JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "请求体过大", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "请求头不是 Content-Type: application/json", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "没有这个机关", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "有字段需要更正；errors 按字段说明", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "本网络地址一小时内提交次数过多", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_request(
    State(state): State<AppState>,
    public: crate::session::PublicForm,
    body: Result<Json<NewRequestBody>, JsonRejection>,
) -> Response {
    let Json(body) = match body {
        Ok(b) => b,
        Err(e) => return json_refused(&e).into_response(),
    };
    let a = match crate::extract::public_agency(&state, &body.agency).await {
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
        submission: String::new(),
    };
    match register_online(&state, &a, &form, &public.address, None).await {
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

/// A body the JSON extractor refused, in Chinese: its status kept (400 not JSON, 413 too large,
/// 415 not declared as JSON, 422 fields missing or of the wrong type); serde's English is logged,
/// not sent.
fn json_refused(e: &JsonRejection) -> Problem {
    tracing::info!(status = e.status().as_u16(), detail = %e.body_text(), "API body refused");
    let status = e.status();
    let detail = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            return app_problem(crate::error::AppError::TooLarge);
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "申请未登记。请求头应为 Content-Type: application/json。"
        }
        StatusCode::UNPROCESSABLE_ENTITY => {
            "申请未登记。有字段缺少、多余或类型不对（每个字段都是字符串），字段见 /api/openapi.json。"
        }
        _ => {
            "申请未登记。请求体不是有效的 JSON（应为 UTF-8 编码的一个对象），字段见 /api/openapi.json。"
        }
    };
    problem(status, "bad-json", "请求格式不正确", detail.to_owned())
}
