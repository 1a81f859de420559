//! Extractors: what a handler needs before it starts — or the answer that it may not start.
//!
//! - [`AgencyScope<R>`] stands before every staff page of one agency (`/admin/agencies/{slug}/…`).
//!   It reads `{slug}` and the signed-in session, loads the agency and the agencies above it in one
//!   query ([`Store::lineage`](gongkai_store::Store::lineage)) and asks `gongkai_core::auth` two
//!   questions: may this person read the agency (no: **404**, so that its existence does not leak),
//!   and may they do what the route does, the [`Requirement`] `R` (no: **403** with the duty's
//!   Chinese refusal). A handler that receives the scope has both answers; it never checks a role
//!   by hand.
//! - [`Empowered<R>`] stands before the staff pages that span agencies (accounts, new agencies,
//!   the audit trail): the person must hold the [`Power`] `R` names (403 otherwise).
//! - [`UserScope<R>`] stands before the pages of one account (`/admin/users/{id}`): 404 for an
//!   account the person may not see, 403 when `R` asks to manage it and they may not.
//! - [`PublicAgency`] stands before every portal page of one agency (`/agencies/{slug}/…`): the
//!   agency, or the public 404.
//!
//! The rules themselves are in `gongkai_core::auth` ([`Duty`], [`Power`], `Principal::can_read_lineage`);
//! this module only asks.

use std::marker::PhantomData;

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use gongkai_core::auth::{Duty, Grant, NOT_YOUR_ACCOUNT, Power, Principal};
use gongkai_core::{Agency, Slug};
use gongkai_store::{By, User};

use crate::AppState;
use crate::error::AppError;
use crate::session::{ActiveSession, Staff};

/// What a route does beyond reading its agency: a [`Duty`] of `gongkai_core::auth`, or none.
pub trait Requirement: Send + Sync + 'static {
    /// The duty asked of the person (`None`: reading is enough).
    const DUTY: Option<Duty>;
}

/// Reading the agency is enough: anyone with a role in it, the oversight office above it, a
/// system administrator.
#[derive(Debug)]
pub struct Read;

impl Requirement for Read {
    const DUTY: Option<Duty> = None;
}

/// Declares marker types, each implementing `$trait` with its constant: what a route asks.
macro_rules! requirements {
    ($trait:ident :: $constant:ident : $kind:ty = { $($(#[$doc:meta])* $name:ident => $value:expr,)* }) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        impl $trait for $name {
            const $constant: $kind = $value;
        }
    )*};
}

requirements! { Requirement::DUTY: Option<Duty> = {
    /// 起草人: drafts and edits items ([`Duty::Draft`]).
    Drafter => Some(Duty::Draft),
    /// 起草人, 科室负责人 or 分管领导: takes review steps ([`Duty::Review`]).
    ItemReviewer => Some(Duty::Review),
    /// 依申请公开经办人: registers and handles requests ([`Duty::HandleRequests`]).
    CaseOfficer => Some(Duty::HandleRequests),
    /// 依申请公开经办人 or 机关管理员: assigns and answers messages ([`Duty::AnswerMessages`]).
    CaseOfficerOrAdmin => Some(Duty::AnswerMessages),
    /// 机关管理员 (or a system administrator): the agency's settings ([`Duty::Administer`]).
    AgencyAdmin => Some(Duty::Administer),
    /// 机关管理员 or 分管领导: the annual report ([`Duty::EditReport`]).
    ReportEditor => Some(Duty::EditReport),
    /// 分管领导: approves the annual report's publication ([`Duty::ApproveReport`]).
    ReportApprover => Some(Duty::ApproveReport),
}}

/// One agency as a signed-in person may see it, with the assurance that they meet `R`.
#[derive(Debug)]
pub struct AgencyScope<R: Requirement = Read> {
    /// The agency of `{slug}`.
    pub agency: Agency,
    /// The agencies above it, nearest first (its parent is the first).
    pub above: Vec<Agency>,
    /// The person, signed in.
    pub staff: ActiveSession,
    requirement: PhantomData<R>,
}

impl<R: Requirement> AgencyScope<R> {
    /// The person as permission checks see them.
    pub fn principal(&self) -> &Principal {
        &self.staff.principal
    }

    /// Whether the person may also do `duty` here (what a page offers beyond its requirement).
    pub fn may(&self, duty: Duty) -> bool {
        self.staff.principal.may(duty, &self.agency.slug)
    }

    /// The agency directly above, if any.
    pub fn parent(&self) -> Option<&Agency> {
        self.above.first()
    }

    /// Who writes, and now: what every write of this person records.
    pub fn by(&self, state: &AppState) -> By<'_> {
        self.staff.by(state.clock.now())
    }
}

/// The route's parameter `name`, as written (empty when the route has none).
pub async fn path_param(
    parts: &mut Parts,
    state: &AppState,
    name: &str,
) -> Result<String, RawPathParamsRejection> {
    let params = RawPathParams::from_request_parts(parts, state).await?;
    Ok(params
        .iter()
        .find(|(param, _)| *param == name)
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default())
}

/// The answer to a request an extractor stops.
fn refuse(e: impl Into<AppError>) -> Response {
    e.into().into_response()
}

impl<R: Requirement> AgencyScope<R> {
    /// Admits `staff` to the route, or answers why not.
    async fn admit(
        staff: ActiveSession,
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        let raw = path_param(parts, state, "slug")
            .await
            .map_err(IntoResponse::into_response)?;
        let not_found = || refuse(AppError::NotFound(format!("没有您可以查看的机关“{raw}”。")));
        let slug = Slug::parse(&raw).map_err(|_| not_found())?;
        let mut lineage = state.store.lineage(&slug).await.map_err(refuse)?;
        if !staff.principal.can_read_lineage(&lineage) {
            return Err(not_found());
        }
        if let Some(duty) = R::DUTY {
            staff.principal.require(duty, &slug).map_err(refuse)?;
        }
        let agency = lineage.remove(0);
        Ok(Self {
            agency,
            above: lineage,
            staff,
            requirement: PhantomData,
        })
    }
}

/// A power that spans agencies ([`Power`]) asked of the person by a page that is not one
/// agency's.
pub trait PowerRequirement: Send + Sync + 'static {
    /// The power asked.
    const POWER: Power;
}

requirements! { PowerRequirement::POWER: Power = {
    /// A system administrator or any agency's 机关管理员: accounts ([`Power::ManageAccounts`]).
    AccountManager => Power::ManageAccounts,
    /// A system administrator or any agency's 机关管理员: new agencies ([`Power::AddAgencies`]).
    AgencyFounder => Power::AddAgencies,
    /// A system administrator, 机关管理员 or 政务公开办: the audit trail ([`Power::ReadAudit`]).
    Auditor => Power::ReadAudit,
    /// A system administrator: the site's identity ([`Power::ManageSite`]).
    SiteAdministrator => Power::ManageSite,
}}

/// A signed-in person who holds the power `R` names (403 with its refusal otherwise).
#[derive(Debug)]
pub struct Empowered<R: PowerRequirement> {
    /// The person, signed in.
    pub staff: ActiveSession,
    requirement: PhantomData<R>,
}

impl<R: PowerRequirement> Empowered<R> {
    /// Admits `staff` to the route, or answers why not.
    #[allow(
        clippy::unused_async,
        reason = "one signature for every staff extractor (`staff_extractors!`)"
    )]
    async fn admit(staff: ActiveSession, _: &mut Parts, _: &AppState) -> Result<Self, Response> {
        staff.principal.require_power(R::POWER).map_err(refuse)?;
        Ok(Self {
            staff,
            requirement: PhantomData,
        })
    }
}

/// What a page of one account (`/admin/users/{id}`) asks beyond seeing it.
pub trait AccountRequirement: Send + Sync + 'static {
    /// Whether the person must also manage the account (reset, disable, set its address).
    const MANAGE: bool;
}

impl AccountRequirement for Read {
    const MANAGE: bool = false;
}

impl AccountRequirement for AccountManager {
    const MANAGE: bool = true;
}

/// One account as a signed-in person may see it (404 otherwise), and manage it when `R` asks
/// (403 otherwise); the rules are `Principal::can_see_account` and `can_manage_account`.
#[derive(Debug)]
pub struct UserScope<R: AccountRequirement = Read> {
    /// The account of `{id}`.
    pub user: User,
    /// Its roles.
    pub grants: Vec<Grant>,
    /// The person, signed in.
    pub staff: ActiveSession,
    requirement: PhantomData<R>,
}

impl<R: AccountRequirement> UserScope<R> {
    /// Whether the person may manage the account (what the page offers).
    pub fn manageable(&self) -> bool {
        let u = &self.user;
        self.staff
            .principal
            .can_manage_account(u.id, u.is_system_admin, &self.grants)
    }
}

impl<R: AccountRequirement> UserScope<R> {
    /// Admits `staff` to the route, or answers why not.
    async fn admit(
        staff: ActiveSession,
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        let not_found = || refuse(AppError::NotFound("没有您可以查看的这个用户。".into()));
        let id: i64 = path_param(parts, state, "id")
            .await
            .map_err(IntoResponse::into_response)?
            .parse()
            .map_err(|_| not_found())?;
        let user = state
            .store
            .find_user(id)
            .await
            .map_err(refuse)?
            .ok_or_else(not_found)?;
        let grants = state.store.grants_of(id).await.map_err(refuse)?;
        if !staff.principal.can_see_account(id, &grants) {
            return Err(not_found());
        }
        let scope = Self {
            user,
            grants,
            staff,
            requirement: PhantomData,
        };
        if R::MANAGE && !scope.manageable() {
            return Err(refuse(AppError::Forbidden(NOT_YOUR_ACCOUNT.to_owned())));
        }
        Ok(scope)
    }
}

/// The session first (sign-in redirect otherwise), then the scope's own `admit`: one
/// `FromRequestParts` for every staff extractor.
macro_rules! staff_extractors {
    ($($scope:ident<R: $bound:ident>),*) => {$(
        impl<R: $bound> FromRequestParts<AppState> for $scope<R> {
            type Rejection = Response;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, Response> {
                let Staff(staff) = Staff::from_request_parts(parts, state).await?;
                Self::admit(staff, parts, state).await
            }
        }
    )*};
}

staff_extractors!(
    AgencyScope<R: Requirement>,
    Empowered<R: PowerRequirement>,
    UserScope<R: AccountRequirement>
);

/// The agency of a portal route's `{slug}`: any visitor may see every agency.
#[derive(Debug)]
pub struct PublicAgency(pub Agency);

/// The agency with this slug, or the public 404 saying so (also the API's, which words it as a
/// problem document).
pub async fn public_agency(state: &AppState, slug: &str) -> Result<Agency, AppError> {
    let not_found = || AppError::NotFound(format!("没有简称为“{slug}”的机关。"));
    let parsed = Slug::parse(slug).map_err(|_| not_found())?;
    state
        .store
        .find_agency(&parsed)
        .await?
        .ok_or_else(not_found)
}

impl FromRequestParts<AppState> for PublicAgency {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let slug = path_param(parts, state, "slug")
            .await
            .map_err(IntoResponse::into_response)?;
        public_agency(state, &slug).await.map(Self).map_err(refuse)
    }
}

macro_rules! path_params {
    ($($(#[$doc:meta])* $name:ident { $($field:ident: $ty:ty),* })*) => {$(
        $(#[$doc])*
        #[derive(Debug, serde::Deserialize)]
        pub struct $name {
            $(
                #[doc = concat!("The route's `{", stringify!($field), "}`.")]
                pub $field: $ty,
            )*
        }
    )*};
}

// The parameters a handler reads by name besides `{slug}` (which its scope has taken).
path_params! {
    /// `{code}`: a request's tracking code.
    RequestPath { code: String }
    /// `{code}/letters/{letter}`.
    LetterPath { code: String, letter: i64 }
    /// `{code}/files/{reply}`: a file provided with a reply.
    ReplyFilePath { code: String, reply: i64 }
    /// `{draft}`: an item in the back office.
    DraftPath { draft: i64 }
    /// `{draft}/attachments/{attachment}`.
    DraftAttachmentPath { draft: i64, attachment: i64 }
    /// `{draft}/versions/{version}`.
    VersionPath { draft: i64, version: i32 }
    /// `{message}`: an enquiry's or complaint's tracking code.
    MessagePath { message: String }
    /// `{channel}`: a publication channel.
    ChannelPath { channel: i64 }
    /// `{year}`: a report year, as written (checked by the handler's rule).
    YearPath { year: String }
    /// `{year}/{file}`: a report as a file.
    ReportFilePath { year: String, file: String }
    /// `{item}`: an item in the back office or the API.
    ItemPath { item: i64 }
    /// `{item}`: an item's page on the portal, as written (`portal::items::show` sends other
    /// spellings of a number to its one address, and answers anything else as not found).
    PortalItemPath { item: String }
    /// `{part}`: a part of the sitemap (`pages.xml`, `items-N.xml`).
    SitemapPath { part: String }
    /// `{item}/attachments/{attachment}`.
    ItemAttachmentPath { item: i64, attachment: i64 }
    /// `letters/{letter}`: a letter on the requester's tracking page.
    PublicLetterPath { letter: i64 }
    /// `files/{reply_file}`: a file provided with a reply, on the requester's tracking page.
    PublicReplyFilePath { reply_file: i64 }
}

/// A page number from a query (`deserialize_with`): what a page's 跳转 box sends. Browsers take
/// `1e2` or `3.0` in a number box and send it as typed, so any whole number the box could hold is
/// read; empty is page 1 (0, which the pagers raise to 1); anything else is refused as before.
pub fn page_number<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64> + Default,
{
    // Written with an exponent (the 跳转 box's `1e2`), as far as a float holds whole numbers
    // exactly (2⁵³): `5e9` was refused where `5000000000` was a page past the end (a helper's
    // walk).
    const EXACT: f64 = 9_007_199_254_740_992.0;
    use serde::de::Error as _;
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    let text = text.trim();
    if text.is_empty() {
        return Ok(T::default());
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "whole, not negative and within 2⁵³, checked before the cast: it is exact"
    )]
    let whole = text.parse::<u64>().ok().or_else(|| {
        text.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n <= EXACT)
            .map(|n| n as u64)
    });
    whole
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| D::Error::custom(format!("page: “{text}” is not a page number")))
}

#[cfg(test)]
mod page_number_tests {
    #[derive(serde::Deserialize, Default, Debug)]
    #[serde(default)]
    struct Q {
        #[serde(deserialize_with = "super::page_number")]
        page: u32,
    }

    fn read(query: &str) -> Option<u32> {
        let uri: axum::http::Uri = format!("/x?{query}").parse().ok()?;
        axum::extract::Query::<Q>::try_from_uri(&uri)
            .ok()
            .map(|q| q.0.page)
    }

    #[test]
    fn what_a_number_box_sends_is_read_as_a_page() {
        assert_eq!(read("page=42"), Some(42));
        assert_eq!(read("page=1e2"), Some(100));
        assert_eq!(read("page=3.0"), Some(3));
        assert_eq!(read("page=+7"), Some(7));
        assert_eq!(read("page="), Some(0));
        assert_eq!(read(""), Some(0));
        for bad in [
            "page=abc",
            "page=-1",
            "page=2.5",
            "page=1e40",
            "page=NaN",
            "page=inf",
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }

    #[derive(serde::Deserialize, Default, Debug)]
    #[serde(default)]
    struct Wide {
        #[serde(deserialize_with = "super::page_number")]
        page: u64,
    }

    /// A number past u32 reads the same written out or with an exponent, up to 2⁵³.
    #[test]
    fn a_wide_page_number_reads_alike_written_either_way() {
        let read = |query: &str| -> Option<u64> {
            let uri: axum::http::Uri = format!("/x?{query}").parse().ok()?;
            axum::extract::Query::<Wide>::try_from_uri(&uri)
                .ok()
                .map(|q| q.0.page)
        };
        assert_eq!(read("page=5000000000"), Some(5_000_000_000));
        assert_eq!(read("page=5e9"), Some(5_000_000_000));
        assert_eq!(read("page=1e10"), Some(10_000_000_000));
        assert_eq!(read("page=9007199254740992"), Some(1 << 53));
        assert_eq!(read("page=1e16"), None);
    }
}
