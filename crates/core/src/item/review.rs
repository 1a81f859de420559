//! The review workflow (起草 → 科室负责人初审 → 分管领导终审 → 发布) as a state machine that only lets an
//! item out after two other people holding the two reviewer roles approved it.

use serde::{Deserialize, Serialize};

use super::ItemStatus;

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
    /// Taken off the portal (or repealed), with a reason.
    Withdraw {
        /// Why.
        reason: String,
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
        }
    }

    /// What the history shows.
    pub fn summary(&self) -> String {
        match self {
            Self::Submit => "提交初审".to_owned(),
            Self::ApproveFirst => "初审通过，提交终审".to_owned(),
            Self::ApproveFinal => "终审通过，发布".to_owned(),
            Self::SendBack { reason } => format!("退回修改：{reason}"),
            Self::Withdraw { reason } => format!("撤回：{reason}"),
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
        }
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
            ReviewStep::Withdraw { reason } => {
                if self.status != S::Published {
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

    /// An attachment can be removed only from a draft never published: a published item's
    /// attachments are what the public saw.
    pub fn may_remove_attachment(&self, published_once: bool) -> Result<(), crate::Rejection> {
        self.may_edit("删除附件")?;
        if published_once {
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
    /// Published before and sent back since: its content is replaced, its 索引号 kept.
    Replace(i64),
    /// Taken off the portal.
    Withdraw(i64),
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
                (Some(super::Attribute::Proactive), Some(item)) => Portal::Replace(item),
                (Some(super::Attribute::Proactive), None) => Portal::Publish {
                    period: index.period(today),
                },
                _ => Portal::Unchanged,
            }
        }
        ReviewStep::Withdraw { .. } => under.item.map_or(Portal::Unchanged, Portal::Withdraw),
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
        assert_eq!(r.portal, Portal::Replace(4));
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

    fn arb_step() -> impl Strategy<Value = ReviewStep> {
        prop_oneof![
            Just(ReviewStep::Submit),
            Just(ReviewStep::ApproveFirst),
            Just(ReviewStep::ApproveFinal),
            Just(ReviewStep::SendBack {
                reason: "改".into()
            }),
            Just(ReviewStep::Withdraw {
                reason: "撤".into()
            }),
        ]
    }

    fn arb_person() -> impl Strategy<Value = Reviewer> {
        (1i64..5, any::<bool>(), any::<bool>(), any::<bool>())
            .prop_map(|(id, d, f, l)| person(id, d, f, l))
    }

    proptest! {
        /// Whatever anyone attempts, an item reaches the portal only after a 初审 by someone holding
        /// that role and a 终审 by someone else holding that role, neither of them the drafter.
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
                    if matches!(step, ReviewStep::Submit | ReviewStep::SendBack { .. }) {
                        approvals.clear();
                    }
                    if next.status == ItemStatus::Published && s.status != ItemStatus::Published {
                        prop_assert_eq!(approvals.len(), 2);
                        let (first, final_) = (approvals[0].1, approvals[1].1);
                        prop_assert!(first.first && final_.final_);
                        prop_assert!(first.user_id != 1 && final_.user_id != 1);
                        prop_assert!(first.user_id != final_.user_id);
                    }
                    s = next;
                }
            }
        }
    }
}
