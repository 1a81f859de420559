//! The review workflow (起草 → 科室负责人初审 → 分管领导终审 → 发布) as a state machine that only lets an
//! item out after two other people holding the two reviewer roles approved it.

use serde::{Deserialize, Serialize};

use super::{Correction, ItemStatus, Validity};

/// Who acts on an item, with the roles they hold in its agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reviewer {
    /// User id.
    pub user_id: i64,
    /// Holds the drafter role.
    pub drafter: bool,
    /// Holds the 初审 role.
    pub first: bool,
    /// Holds the 终审 role.
    pub final_: bool,
}

/// A review step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ReviewStep {
    /// The drafter sends the draft to review.
    Submit,
    /// 初审 approved.
    ApproveFirst,
    /// 终审 approved: the item is published.
    ApproveFinal,
    /// Sent back to the drafter from either review, with what to change.
    SendBack {
        /// Why.
        reason: String,
    },
    /// Taken off the portal, with a reason, which the portal's notice shows if `public`.
    Withdraw {
        /// Why.
        reason: String,
        /// Whether the withdrawn item's notice on the portal shows the reason.
        #[serde(default)]
        public: bool,
    },
    /// 更正: a published item is written again as a new version and goes through both reviews;
    /// the published version stays on the portal until the 终审 approves the correction, which
    /// then shows `note` as what was corrected.
    Revise {
        /// What is corrected and why (shown on the portal once the correction is published).
        note: String,
    },
    /// 有效性 recorded on the published item at once (a 废止 or 失效 decided elsewhere, by the
    /// document that repealed it or by its own term): the portal shows it with its date.
    MarkValidity {
        /// The item's 有效性 from now on.
        validity: Validity,
    },
}

impl ReviewStep {
    /// Audit key.
    pub const fn key(&self) -> &'static str {
        match self {
            Self::Submit => "item.submit",
            Self::ApproveFirst => "item.approve_first",
            Self::ApproveFinal => "item.publish",
            Self::SendBack { .. } => "item.send_back",
            Self::Withdraw { .. } => "item.withdraw",
            Self::Revise { .. } => "item.revise",
            Self::MarkValidity { .. } => "item.validity",
        }
    }

    /// What the history shows.
    pub fn summary(&self) -> String {
        match self {
            Self::Submit => "提交初审".to_owned(),
            Self::ApproveFirst => "初审通过，提交终审".to_owned(),
            Self::ApproveFinal => "终审通过，发布".to_owned(),
            Self::SendBack { reason } => format!("退回修改：{reason}"),
            Self::Withdraw { reason, public } => format!(
                "撤回：{reason}{}",
                if *public {
                    "（理由向公众公开）"
                } else {
                    ""
                }
            ),
            Self::Revise { note } => format!("发起更正：{note}"),
            Self::MarkValidity { validity } => format!("标注有效性：{}", validity.label()),
        }
    }
}

/// Why a review step cannot happen. Messages are for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// Not from this status.
    #[error("信息当前状态为“{}”，不能{what}", status.label())]
    NotAllowed {
        /// The status.
        status: ItemStatus,
        /// What was attempted.
        what: &'static str,
    },
    /// The person lacks the role.
    #[error("{0}")]
    NoRole(&'static str),
    /// The drafter (or the first reviewer) cannot review their own work.
    #[error("{0}")]
    SamePerson(&'static str),
    /// A reason is required.
    #[error("请写明{0}")]
    NoReason(&'static str),
}

/// An item's review state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewState {
    /// Where it stands.
    pub status: ItemStatus,
    /// Who drafted it.
    pub drafter: i64,
    /// Who approved the first review (this round).
    pub first_reviewer: Option<i64>,
    /// Who approved the final review (this round).
    pub final_reviewer: Option<i64>,
    /// Why it was last sent back or withdrawn.
    pub reason: Option<String>,
    /// While a published item is being corrected: the correction note. The published version
    /// stays on the portal meanwhile.
    #[serde(default)]
    pub correcting: Option<String>,
}

impl ReviewState {
    /// A new draft by `drafter`.
    pub fn new(drafter: i64) -> Self {
        Self {
            status: ItemStatus::Draft,
            drafter,
            first_reviewer: None,
            final_reviewer: None,
            reason: None,
            correcting: None,
        }
    }

    /// An item published before gongkai (imported, or the demo's), taken into the back office by
    /// `user` to be corrected, withdrawn or marked: it is on the portal, reviewed by no one here.
    pub fn adopted(user: i64) -> Self {
        Self {
            status: ItemStatus::Published,
            ..Self::new(user)
        }
    }

    /// Whether a version of the item is on the portal now: published, or being corrected (the
    /// published version stays until the correction is approved).
    pub const fn live(&self) -> bool {
        matches!(self.status, ItemStatus::Published) || self.correcting.is_some()
    }

    /// The state after `who` takes `step`, or why not.
    pub fn apply(&self, step: &ReviewStep, who: Reviewer) -> Result<Self, ReviewError> {
        use ItemStatus as S;
        let not = |what| ReviewError::NotAllowed {
            status: self.status,
            what,
        };
        let mut next = self.clone();
        match step {
            ReviewStep::Submit => {
                if self.status != S::Draft {
                    return Err(not("提交审核"));
                }
                if !who.drafter {
                    return Err(ReviewError::NoRole("只有本机关的起草人可以提交审核"));
                }
                next.status = S::FirstReview;
                next.first_reviewer = None;
                next.final_reviewer = None;
            }
            ReviewStep::ApproveFirst => {
                self.approval(S::FirstReview, who.first, who.user_id)?;
                next.status = S::FinalReview;
                next.first_reviewer = Some(who.user_id);
            }
            ReviewStep::ApproveFinal => {
                self.approval(S::FinalReview, who.final_, who.user_id)?;
                if Some(who.user_id) == self.first_reviewer {
                    return Err(ReviewError::SamePerson("初审和终审须由不同的人完成"));
                }
                next.status = S::Published;
                next.final_reviewer = Some(who.user_id);
                next.reason = None;
                next.correcting = None;
            }
            ReviewStep::SendBack { reason } => {
                let may = match self.status {
                    S::FirstReview => who.first,
                    S::FinalReview => who.final_,
                    _ => return Err(not("退回")),
                };
                if !may {
                    return Err(ReviewError::NoRole("只有当前环节的审核人可以退回"));
                }
                if reason.trim().is_empty() {
                    return Err(ReviewError::NoReason("退回理由"));
                }
                next.status = S::Draft;
                next.first_reviewer = None;
                next.final_reviewer = None;
                next.reason = Some(reason.trim().to_owned());
            }
            ReviewStep::Withdraw { reason, .. } => {
                if !self.live() {
                    return Err(not("撤回"));
                }
                if !who.final_ {
                    return Err(ReviewError::NoRole(
                        "只有分管领导（终审）可以撤回已发布的信息",
                    ));
                }
                if reason.trim().is_empty() {
                    return Err(ReviewError::NoReason("撤回理由"));
                }
                next.status = S::Withdrawn;
                next.reason = Some(reason.trim().to_owned());
                next.correcting = None;
            }
            ReviewStep::Revise { note } => {
                if self.status != S::Published {
                    return Err(not("更正"));
                }
                if !who.drafter {
                    return Err(ReviewError::NoRole("只有本机关的起草人可以起草更正"));
                }
                if note.trim().is_empty() {
                    return Err(ReviewError::NoReason("更正说明（更正了什么、为什么）"));
                }
                // The corrector writes the new version; both reviews start afresh.
                next = Self {
                    correcting: Some(note.trim().to_owned()),
                    ..Self::new(who.user_id)
                };
            }
            ReviewStep::MarkValidity { .. } => {
                if !self.live() {
                    return Err(not("标注有效性"));
                }
                if !who.final_ {
                    return Err(ReviewError::NoRole(
                        "只有分管领导（终审）可以标注已发布信息的有效性",
                    ));
                }
            }
        }
        Ok(next)
    }
}

impl ReviewState {
    /// Whether an approval at `stage` by someone holding (`has_role`) its role may be given: the
    /// item waits there, and the reviewer is not its drafter.
    fn approval(&self, stage: ItemStatus, has_role: bool, user: i64) -> Result<(), ReviewError> {
        let (what, role) = if stage == ItemStatus::FirstReview {
            ("初审", "只有科室负责人（初审）可以初审")
        } else {
            ("终审", "只有分管领导（终审）可以终审")
        };
        if self.status != stage {
            return Err(ReviewError::NotAllowed {
                status: self.status,
                what,
            });
        }
        if !has_role {
            return Err(ReviewError::NoRole(role));
        }
        if user == self.drafter {
            return Err(ReviewError::SamePerson("起草人不能审核自己起草的信息"));
        }
        Ok(())
    }

    /// Whether `who` may take `step` now (the rule of [`Self::apply`], nothing else).
    pub fn may(&self, step: &ReviewStep, who: Reviewer) -> bool {
        self.apply(step, who).is_ok()
    }

    /// Whether the item waits for `who`: their draft to finish, or their review to give.
    pub fn waits_for(&self, who: Reviewer) -> bool {
        match self.status {
            ItemStatus::Draft => self.drafter == who.user_id,
            ItemStatus::FirstReview => self.may(&ReviewStep::ApproveFirst, who),
            ItemStatus::FinalReview => self.may(&ReviewStep::ApproveFinal, who),
            ItemStatus::Published | ItemStatus::Withdrawn => false,
        }
    }
}

impl ReviewState {
    /// Whether `who` may change the item's content now: their own draft, while it is being
    /// written, as a drafter of the agency.
    pub fn editable_by(&self, who: Reviewer) -> bool {
        self.status == ItemStatus::Draft && self.drafter == who.user_id && who.drafter
    }

    /// Only the person who started the draft writes it; the others review it.
    pub fn may_write(&self, user_id: i64) -> Result<(), crate::auth::Forbidden> {
        if self.drafter == user_id {
            Ok(())
        } else {
            Err(crate::auth::Forbidden(
                "只有起草人本人可以修改草稿。".to_owned(),
            ))
        }
    }

    /// Content and attachments change only while the item is being written (a draft, or sent
    /// back): what reviewers approved is what gets published. `what` names the refused change.
    pub fn may_edit(&self, what: &str) -> Result<(), crate::Rejection> {
        if self.status == ItemStatus::Draft {
            Ok(())
        } else {
            Err(crate::Rejection::new(format!(
                "信息已提交审核或已发布，不能{what}；退回后才能修改"
            )))
        }
    }

    /// An attachment can be added only while the item is being written. One added to a
    /// correction reaches the portal with the correction's 终审, not before (the store keeps it
    /// pending).
    pub fn may_attach(&self) -> Result<(), crate::Rejection> {
        self.may_edit("添加附件")
    }

    /// An attachment can be removed only while the item is being written, and only if the public
    /// never saw it (`public`: it was on the portal): a published item's attachments are what the
    /// public saw, while one added to a correction not yet approved may go again.
    pub fn may_remove_attachment(&self, public: bool) -> Result<(), crate::Rejection> {
        self.may_edit("删除附件")?;
        if public {
            return Err(crate::Rejection::new(
                "这条信息已经发布过，附件是公众看到的内容，不能删除；如需更正，请上传更正后的附件并在正文中说明",
            ));
        }
        Ok(())
    }
}

/// What happens on the portal when a review step is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Portal {
    /// Nothing changes there.
    Unchanged,
    /// Published for the first time, numbered in this period of the agency's 索引号 series.
    Publish {
        /// The serial's period (see [`super::IndexTemplate::period`]).
        period: String,
    },
    /// Published before and corrected since: its content is replaced, its 索引号 kept, and the
    /// correction (if one was started with a note) added to what the portal lists as corrected.
    Replace {
        /// The item.
        item: i64,
        /// The correction the portal shows from now on.
        correction: Option<Correction>,
    },
    /// Taken off the portal on `on`; the notice shows `reason` only if it is public.
    Withdraw {
        /// The item.
        item: i64,
        /// 撤回日期.
        on: chrono::NaiveDate,
        /// The reason the public may read.
        public_reason: Option<String>,
    },
    /// The item's 有效性 changes on the portal at once (and in the working copy).
    Validity {
        /// The item.
        item: i64,
        /// Its 有效性 from now on.
        validity: Validity,
    },
}

/// Everything a review step leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewed {
    /// The item's review state after the step.
    pub state: ReviewState,
    /// What changes on the portal.
    pub portal: Portal,
    /// The audit record.
    pub audit: crate::audit::Entry,
}

/// A draft as a review step sees it.
#[derive(Debug, Clone, Copy)]
pub struct Under<'a> {
    /// The agency's slug.
    pub agency: &'a str,
    /// The draft's id.
    pub draft: i64,
    /// What it says.
    pub content: &'a super::ItemContent,
    /// Where its review stands.
    pub state: &'a ReviewState,
    /// The item it was published as, if ever.
    pub item: Option<i64>,
}

/// Takes `step` by `who` on a draft: refused (incomplete metadata before review or publication, a
/// step the workflow does not allow, a column not in the agency's catalogue), or the next state
/// and what changes on the portal. Only 主动公开 items reach the portal; 依申请公开 and 不予公开
/// items are reviewed and kept.
pub fn review(
    under: Under<'_>,
    step: &ReviewStep,
    who: Reviewer,
    catalogue: &[String],
    index: &super::IndexTemplate,
    today: chrono::NaiveDate,
) -> Result<Reviewed, crate::Rejection> {
    let content = under.content;
    if matches!(step, ReviewStep::Submit | ReviewStep::ApproveFinal)
        && let Some(mut r) = crate::Rejection::from_problems(content.problems())
    {
        r.message = format!("信息不完整：{}", r.message);
        return Err(r);
    }
    if under.item.is_some()
        && matches!(step, ReviewStep::Submit | ReviewStep::ApproveFinal)
        && content.attribute != Some(super::Attribute::Proactive)
    {
        return Err(crate::Rejection::field(
            "attribute",
            "已发布的信息更正后仍须主动公开；如不应再公开，请由分管领导撤回",
        ));
    }
    if let ReviewStep::MarkValidity { validity } = step {
        validity.check(content.written_on, today)?;
    }
    let state = under.state.apply(step, who)?;
    let portal = match step {
        ReviewStep::ApproveFinal => {
            if !catalogue.contains(&content.category) {
                return Err(crate::Rejection::field(
                    "category",
                    format!("栏目“{}”不在本机关的主动公开目录中", content.category),
                ));
            }
            match (content.attribute, under.item) {
                (Some(super::Attribute::Proactive), Some(item)) => Portal::Replace {
                    item,
                    correction: under
                        .state
                        .correcting
                        .clone()
                        .map(|note| Correction { on: today, note }),
                },
                (Some(super::Attribute::Proactive), None) => Portal::Publish {
                    period: index.period(today),
                },
                _ => Portal::Unchanged,
            }
        }
        ReviewStep::Withdraw { reason, public } => {
            under
                .item
                .map_or(Portal::Unchanged, |item| Portal::Withdraw {
                    item,
                    on: today,
                    public_reason: public.then(|| reason.trim().to_owned()),
                })
        }
        ReviewStep::MarkValidity { validity } => {
            under
                .item
                .map_or(Portal::Unchanged, |item| Portal::Validity {
                    item,
                    validity: *validity,
                })
        }
        _ => Portal::Unchanged,
    };
    Ok(Reviewed {
        state,
        portal,
        audit: crate::audit::Entry::new(
            Some(under.agency),
            step.key(),
            format!("item-draft:{}", under.draft),
            step.summary(),
        ),
    })
}

impl crate::Refusal for ReviewError {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn person(user_id: i64, drafter: bool, first: bool, final_: bool) -> Reviewer {
        Reviewer {
            user_id,
            drafter,
            first,
            final_,
        }
    }

    fn complete() -> super::super::ItemContent {
        use super::super::{Attribute, DocKind, ItemContent};
        ItemContent {
            title: "关于春耕的通知".into(),
            attribute: Some(Attribute::Proactive),
            category: "通知公告".into(),
            kind: Some(DocKind::Other),
            formed_on: chrono::NaiveDate::from_ymd_opt(2025, 3, 1),
            summary: "春耕安排。".into(),
            body_html: "<p>正文</p>".into(),
            ..ItemContent::default()
        }
    }

    #[test]
    fn a_final_approval_publishes_once_and_a_republication_keeps_its_number() {
        let t = super::super::IndexTemplate::for_code("11370323004345133C");
        let today = chrono::NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        let catalogue = vec!["通知公告".to_owned()];
        let content = complete();
        let state = ReviewState {
            status: ItemStatus::FinalReview,
            first_reviewer: Some(2),
            ..ReviewState::new(1)
        };
        let under = |item| Under {
            agency: "xili",
            draft: 9,
            content: &content,
            state: &state,
            item,
        };
        let leader = person(3, false, false, true);
        let final_ = |under: Under<'_>, catalogue: &[String]| {
            review(
                under,
                &ReviewStep::ApproveFinal,
                leader,
                catalogue,
                &t,
                today,
            )
        };
        let r = final_(under(None), &catalogue).unwrap();
        assert_eq!(
            r.portal,
            Portal::Publish {
                period: "2025".into()
            }
        );
        assert_eq!(r.audit.action, "item.publish");
        let r = final_(under(Some(4)), &catalogue).unwrap();
        assert_eq!(
            r.portal,
            Portal::Replace {
                item: 4,
                correction: None
            }
        );
        // A column that is no longer in the catalogue: refused, nothing published.
        let e = review(
            under(None),
            &ReviewStep::ApproveFinal,
            leader,
            &[],
            &t,
            today,
        )
        .unwrap_err();
        assert_eq!(e.field, Some("category"));
        // Incomplete metadata is refused before anything else.
        let bare = super::super::ItemContent::default();
        let e = review(
            Under {
                content: &bare,
                ..under(None)
            },
            &ReviewStep::ApproveFinal,
            leader,
            &catalogue,
            &t,
            today,
        )
        .unwrap_err();
        assert!(e.message.starts_with("信息不完整："), "{e}");
    }

    #[test]
    fn items_not_disclosed_proactively_never_reach_the_portal() {
        let t = super::super::IndexTemplate::for_code("11370323004345133C");
        let today = chrono::NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        let content = super::super::ItemContent {
            attribute: Some(super::super::Attribute::OnRequest),
            attribute_reason: "涉及第三方".into(),
            ..complete()
        };
        let state = ReviewState {
            status: ItemStatus::FinalReview,
            first_reviewer: Some(2),
            ..ReviewState::new(1)
        };
        let under = Under {
            agency: "xili",
            draft: 9,
            content: &content,
            state: &state,
            item: None,
        };
        let r = review(
            under,
            &ReviewStep::ApproveFinal,
            person(3, false, false, true),
            &["通知公告".to_owned()],
            &t,
            today,
        )
        .unwrap();
        assert_eq!(r.portal, Portal::Unchanged);
        assert_eq!(r.state.status, ItemStatus::Published);
    }

    #[test]
    fn only_the_drafter_writes_a_draft() {
        let s = ReviewState::new(1);
        assert!(s.editable_by(person(1, true, false, false)));
        assert!(
            !s.editable_by(person(2, true, false, false)),
            "another drafter"
        );
        assert!(
            !s.editable_by(person(1, false, true, false)),
            "no longer a drafter"
        );
        let submitted = s
            .apply(&ReviewStep::Submit, person(1, true, false, false))
            .unwrap();
        assert!(
            !submitted.editable_by(person(1, true, false, false)),
            "in review"
        );
        assert!(s.may_write(1).is_ok());
        assert_eq!(
            s.may_write(2).unwrap_err().0,
            "只有起草人本人可以修改草稿。"
        );
    }

    #[test]
    fn an_item_goes_through_both_reviews_by_other_people() {
        let drafter = person(1, true, false, false);
        let head = person(2, false, true, false);
        let leader = person(3, false, false, true);
        let s = ReviewState::new(1);
        let s = s.apply(&ReviewStep::Submit, drafter).unwrap();
        assert!(matches!(
            s.apply(&ReviewStep::ApproveFinal, leader),
            Err(ReviewError::NotAllowed { .. })
        ));
        let s = s.apply(&ReviewStep::ApproveFirst, head).unwrap();
        let back = s
            .apply(
                &ReviewStep::SendBack {
                    reason: "请补充文号".into(),
                },
                leader,
            )
            .unwrap();
        assert_eq!(back.status, ItemStatus::Draft);
        assert_eq!(back.first_reviewer, None, "a new round needs a new 初审");
        let s = s.apply(&ReviewStep::ApproveFinal, leader).unwrap();
        assert_eq!(s.status, ItemStatus::Published);
        // A person with both roles cannot do both reviews.
        let both = person(4, false, true, true);
        let s2 = ReviewState::new(1)
            .apply(&ReviewStep::Submit, drafter)
            .unwrap()
            .apply(&ReviewStep::ApproveFirst, both)
            .unwrap();
        assert!(matches!(
            s2.apply(&ReviewStep::ApproveFinal, both),
            Err(ReviewError::SamePerson(_))
        ));
    }

    /// A review step on a published item `4` of draft `9`, with `content`.
    fn on_item(
        state: &ReviewState,
        content: &super::super::ItemContent,
        step: &ReviewStep,
        who: Reviewer,
    ) -> Result<Reviewed, crate::Rejection> {
        review(
            Under {
                agency: "xili",
                draft: 9,
                content,
                state,
                item: Some(4),
            },
            step,
            who,
            &["通知公告".to_owned()],
            &super::super::IndexTemplate::for_code("11370323004345133C"),
            chrono::NaiveDate::from_ymd_opt(2026, 5, 6).unwrap(),
        )
    }

    #[test]
    fn a_correction_is_reviewed_twice_and_the_published_version_stays_until_then() {
        let (drafter, head, leader) = (
            person(1, true, false, false),
            person(2, false, true, false),
            person(3, false, false, true),
        );
        let content = complete();
        // An item published before gongkai, taken in by the leader.
        let s = ReviewState::adopted(3);
        assert!(s.live() && !s.waits_for(leader));
        let revise = |note: &str| ReviewStep::Revise { note: note.into() };
        assert!(matches!(
            s.apply(&revise("改正日期"), head),
            Err(ReviewError::NoRole(_))
        ));
        assert_eq!(
            s.apply(&revise("  "), drafter),
            Err(ReviewError::NoReason("更正说明（更正了什么、为什么）"))
        );
        let r = on_item(&s, &content, &revise(" 改正日期 "), drafter).unwrap();
        assert_eq!(r.portal, Portal::Unchanged, "the published version stays");
        assert_eq!(r.audit.action, "item.revise");
        let s = r.state;
        assert_eq!(
            (s.status, s.drafter, s.correcting.as_deref()),
            (ItemStatus::Draft, 1, Some("改正日期"))
        );
        assert!(s.live() && s.editable_by(drafter) && s.waits_for(drafter));
        // Only one correction at a time.
        assert!(s.apply(&revise("再改"), drafter).is_err());
        let s = s.apply(&ReviewStep::Submit, drafter).unwrap();
        // The corrector cannot approve their own correction, even holding the role.
        let both = person(1, true, true, true);
        assert!(matches!(
            s.apply(&ReviewStep::ApproveFirst, both),
            Err(ReviewError::SamePerson(_))
        ));
        let s = s.apply(&ReviewStep::ApproveFirst, head).unwrap();
        let r = on_item(&s, &content, &ReviewStep::ApproveFinal, leader).unwrap();
        assert_eq!(
            r.portal,
            Portal::Replace {
                item: 4,
                correction: Some(Correction {
                    on: chrono::NaiveDate::from_ymd_opt(2026, 5, 6).unwrap(),
                    note: "改正日期".into()
                })
            }
        );
        assert_eq!(r.state.status, ItemStatus::Published);
        assert_eq!(r.state.correcting, None);
        // A correction cannot take the item off proactive disclosure: that is a withdrawal.
        let hidden = super::super::ItemContent {
            attribute: Some(super::super::Attribute::Withheld),
            attribute_reason: "涉及个人隐私".into(),
            ..complete()
        };
        let e = on_item(&s, &hidden, &ReviewStep::ApproveFinal, leader).unwrap_err();
        assert_eq!(e.field, Some("attribute"));
    }

    #[test]
    fn a_withdrawal_needs_the_leader_and_a_reason_shown_only_if_public() {
        let (drafter, leader) = (person(1, true, false, false), person(3, false, false, true));
        let content = complete();
        let s = ReviewState::adopted(3);
        let withdraw = |reason: &str, public| ReviewStep::Withdraw {
            reason: reason.into(),
            public,
        };
        assert!(matches!(
            s.apply(&withdraw("重复发布", true), drafter),
            Err(ReviewError::NoRole(_))
        ));
        assert_eq!(
            s.apply(&withdraw(" ", true), leader),
            Err(ReviewError::NoReason("撤回理由"))
        );
        let on = chrono::NaiveDate::from_ymd_opt(2026, 5, 6).unwrap();
        let r = on_item(&s, &content, &withdraw("含有个人信息", false), leader).unwrap();
        assert_eq!(
            r.portal,
            Portal::Withdraw {
                item: 4,
                on,
                public_reason: None
            }
        );
        assert_eq!(r.state.status, ItemStatus::Withdrawn);
        assert_eq!(r.state.reason.as_deref(), Some("含有个人信息"));
        assert!(!r.state.live());
        let r = on_item(&s, &content, &withdraw(" 重复发布 ", true), leader).unwrap();
        assert_eq!(
            r.portal,
            Portal::Withdraw {
                item: 4,
                on,
                public_reason: Some("重复发布".into())
            }
        );
        // Withdrawn is final: neither corrected nor withdrawn again.
        let gone = r.state;
        assert!(gone.apply(&withdraw("再撤", true), leader).is_err());
        assert!(
            gone.apply(&ReviewStep::Revise { note: "改".into() }, drafter)
                .is_err()
        );
        // An item being corrected is still on the portal and can still be withdrawn at once.
        let correcting = s
            .apply(&ReviewStep::Revise { note: "改".into() }, drafter)
            .unwrap();
        let r = on_item(&correcting, &content, &withdraw("紧急撤回", true), leader).unwrap();
        assert_eq!(r.state.status, ItemStatus::Withdrawn);
        assert_eq!(r.state.correcting, None);
        // A draft never published cannot be withdrawn.
        assert!(
            ReviewState::new(1)
                .apply(&withdraw("不需要", true), leader)
                .is_err()
        );
    }

    #[test]
    fn validity_is_marked_by_the_leader_on_a_published_item_with_a_sensible_date() {
        let leader = person(3, false, false, true);
        let content = super::super::ItemContent {
            written_on: chrono::NaiveDate::from_ymd_opt(2024, 2, 1),
            ..complete()
        };
        let s = ReviewState::adopted(3);
        let mark = |y, m, d| ReviewStep::MarkValidity {
            validity: Validity::Repealed {
                on: chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            },
        };
        let r = on_item(&s, &content, &mark(2026, 3, 1), leader).unwrap();
        assert_eq!(
            r.portal,
            Portal::Validity {
                item: 4,
                validity: Validity::Repealed {
                    on: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
                }
            }
        );
        assert_eq!(r.state, s, "the review state does not move");
        assert_eq!(r.audit.summary, "标注有效性：废止（2026-03-01）");
        assert!(matches!(
            s.apply(&mark(2026, 3, 1), person(1, true, true, false)),
            Err(ReviewError::NoRole(_))
        ));
        let e = on_item(&s, &content, &mark(2023, 12, 31), leader).unwrap_err();
        assert_eq!(e.field, Some("validity_on"));
        assert!(on_item(&s, &content, &mark(2028, 1, 1), leader).is_err());
        assert!(
            ReviewState::new(1)
                .apply(&mark(2026, 3, 1), leader)
                .is_err(),
            "not before publication: the draft's form carries its 有效性"
        );
    }

    fn arb_step() -> impl Strategy<Value = ReviewStep> {
        prop_oneof![
            Just(ReviewStep::Submit),
            Just(ReviewStep::ApproveFirst),
            Just(ReviewStep::ApproveFinal),
            Just(ReviewStep::SendBack {
                reason: "改".into()
            }),
            Just(ReviewStep::Withdraw {
                reason: "撤".into(),
                public: true,
            }),
            Just(ReviewStep::Revise {
                note: "更正".into()
            }),
            Just(ReviewStep::MarkValidity {
                validity: Validity::Valid
            }),
        ]
    }

    fn arb_person() -> impl Strategy<Value = Reviewer> {
        (1i64..5, any::<bool>(), any::<bool>(), any::<bool>())
            .prop_map(|(id, d, f, l)| person(id, d, f, l))
    }

    proptest! {
        /// Whatever anyone attempts, an item reaches the portal (first, or as a correction) only
        /// after a 初审 by someone holding that role and a 终审 by someone else holding that role,
        /// neither of them the drafter.
        #[test]
        fn nothing_is_published_without_both_reviews_by_two_other_people(
            steps in prop::collection::vec((arb_step(), arb_person()), 0..40)
        ) {
            let mut s = ReviewState::new(1);
            let mut approvals: Vec<(i64, Reviewer)> = Vec::new();
            for (step, who) in &steps {
                if let Ok(next) = s.apply(step, *who) {
                    if matches!(step, ReviewStep::ApproveFirst | ReviewStep::ApproveFinal) {
                        approvals.push((who.user_id, *who));
                    }
                    if matches!(step, ReviewStep::Submit | ReviewStep::SendBack { .. } | ReviewStep::Revise { .. }) {
                        approvals.clear();
                    }
                    if next.status == ItemStatus::Published && s.status != ItemStatus::Published {
                        prop_assert_eq!(approvals.len(), 2);
                        let (first, final_) = (approvals[0].1, approvals[1].1);
                        prop_assert!(first.first && final_.final_);
                        // Not the drafter of this round (a correction's drafter is its corrector).
                        prop_assert!(first.user_id != s.drafter && final_.user_id != s.drafter);
                        prop_assert!(first.user_id != final_.user_id);
                    }
                    s = next;
                }
            }
        }
    }
}
