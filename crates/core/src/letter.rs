//! Reply letters (答复书) and procedural notices (告知书) of disclosure on request, composed from a
//! request's facts (`spec/letters-guide-catalogue.md` §1). A letter is composed once, when its step
//! is recorded, numbered and kept unchanged — what the requester received is what the file shows.
//! `docs` renders the [`Letter`] as HTML and DOCX; no wording lives anywhere else.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::agency::AgencyKind;
use crate::calendar::Calendar;
use crate::deadline::{Periods, deadlines};
use crate::intake::Channel;
use crate::request::{DecisionDetails, Outcome, OutcomeGroup};
use crate::workflow::{Event, RequestState};

/// Which letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// 政府信息公开申请接收回执 (P1).
    Receipt,
    /// 政府信息公开申请补正告知书 (P2).
    Clarification,
    /// 政府信息公开申请延期答复告知书 (P3).
    Extension,
    /// 政府信息公开申请征求意见告知书（给申请人） (P5b).
    Consultation,
    /// 政府信息公开申请收费通知书 (P7).
    FeeNotice,
    /// 政府信息公开申请答复书 (D1–D7).
    Decision,
}

impl LetterKind {
    /// Machine key (URLs, database).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Receipt => "receipt",
            Self::Clarification => "clarification",
            Self::Extension => "extension",
            Self::Consultation => "consultation",
            Self::FeeNotice => "fee_notice",
            Self::Decision => "decision",
        }
    }

    /// The title after the agency's name.
    pub const fn title(self) -> &'static str {
        match self {
            Self::Receipt => "政府信息公开申请接收回执",
            Self::Clarification => "政府信息公开申请补正告知书",
            Self::Extension => "政府信息公开申请延期答复告知书",
            Self::Consultation => "政府信息公开申请征求意见告知书",
            Self::FeeNotice => "政府信息公开申请收费通知书",
            Self::Decision => "政府信息公开申请答复书",
        }
    }

    /// The short name for lists (回执, 补正告知书 …).
    pub const fn short(self) -> &'static str {
        match self {
            Self::Receipt => "接收回执",
            Self::Clarification => "补正告知书",
            Self::Extension => "延期答复告知书",
            Self::Consultation => "征求意见告知书",
            Self::FeeNotice => "收费通知书",
            Self::Decision => "答复书",
        }
    }

    /// The suffix of its number, so each kind reads apart in the agency's one yearly series.
    const fn number_tag(self) -> &'static str {
        match self {
            Self::Receipt => "收",
            Self::Clarification => "补",
            Self::Extension => "延",
            Self::Consultation => "征",
            Self::FeeNotice => "费",
            Self::Decision => "复",
        }
    }

    /// The letter a recorded step calls for, if any.
    pub const fn for_event(event: &Event) -> Option<Self> {
        match event {
            Event::RequestClarification { .. } => Some(Self::Clarification),
            Event::Extend { .. } => Some(Self::Extension),
            Event::StartConsultation { .. } => Some(Self::Consultation),
            Event::NotifyFee { .. } => Some(Self::FeeNotice),
            Event::Decide { .. } | Event::ClarificationLapsed { .. } | Event::FeeLapsed { .. } => {
                Some(Self::Decision)
            }
            _ => None,
        }
    }
}

/// A composed letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// Which letter.
    pub kind: LetterKind,
    /// Full title: agency name + document type.
    pub title: String,
    /// 文号, e.g. `西里镇依申公〔2025〕3号-复`.
    pub number: String,
    /// 称谓: the requester's name or organisation (never an ID number).
    pub addressee: String,
    /// Body paragraphs, in order.
    pub paragraphs: Vec<String>,
    /// The remedies paragraph (decision letters only).
    pub remedies: Option<String>,
    /// 落款: the agency's full legal name.
    pub signatory: String,
    /// Date of signature.
    pub date: NaiveDate,
}

impl Letter {
    /// Lists the files provided with a decision letter (their names, in order) after its decision
    /// paragraph, and says where the requester downloads them. Files go only with a reply that
    /// provides information (（一）予以公开、（二）部分公开); for any other outcome, or a letter
    /// other than the reply, attached files are refused so that nothing is sent unannounced.
    pub fn list_files(
        &mut self,
        outcome: Outcome,
        names: &[String],
    ) -> Result<(), crate::Rejection> {
        if names.is_empty() {
            return Ok(());
        }
        let provides = matches!(
            outcome.group(),
            OutcomeGroup::Disclosed | OutcomeGroup::PartlyDisclosed
        );
        if self.kind != LetterKind::Decision || !provides {
            return Err(crate::Rejection::new(
                "只有予以公开或部分公开的答复才能随附提供的文件；请先删除已上传的文件，或改选办理结果。",
            ));
        }
        let list: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}.{}", i + 1, n.trim()))
            .collect();
        let text = format!(
            "随本答复书提供的政府信息（共{}件）：{}。申请人可凭查询码和联系方式在本机关政府信息公开网站“查询办理进度”页面下载。",
            names.len(),
            list.join("；")
        );
        // The decision is the last body paragraph; the remedies follow separately.
        self.paragraphs.push(text);
        Ok(())
    }

    /// The date as letters print it (2025年3月5日).
    pub fn date_text(&self) -> String {
        chinese_date(self.date)
    }
}

/// A date as Chinese official letters write it in Arabic numerals.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Per-county settings for letters: the remedies paragraph (letters-guide §1.3). Unset fields fall back to
/// what the law gives for the agency's kind; where the law gives nothing gongkai can know (a
/// county government's own 复议机关 when no parent is recorded), composing a decision fails closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LetterSettings {
    /// The 复议机关, overriding the default (the parent government).
    pub reconsideration_body: String,
    /// The court to name for direct suits (optional in practice).
    pub court: String,
    /// Where a 复议 application can be filed online (行政复议法 第二十二条第二款).
    pub online_channel: String,
    /// Use 复议前置 wording (variant A) for 无法提供 and 不予处理 too, where the county reads
    /// 行政复议法 第二十三条 that way ([U] in the spec).
    pub prior_reconsideration_for_all_refusals: bool,
    /// How fees are paid (fee notices).
    pub payment_method: String,
    /// The agency's short name in letter numbers (default: [`default_number_prefix`]).
    pub number_prefix: String,
}

/// The most each text of [`LetterSettings`] holds, in characters (a name or an address, quoted in
/// a letter's paragraph).
pub const SETTING_MAX_CHARS: usize = 200;

impl LetterSettings {
    /// The settings as an administrator typed them: each text trimmed and cut to
    /// [`SETTING_MAX_CHARS`].
    #[must_use]
    pub fn typed(self) -> Self {
        let cap = |v: String| v.trim().chars().take(SETTING_MAX_CHARS).collect::<String>();
        Self {
            reconsideration_body: cap(self.reconsideration_body),
            court: cap(self.court),
            online_channel: cap(self.online_channel),
            prior_reconsideration_for_all_refusals: self.prior_reconsideration_for_all_refusals,
            payment_method: cap(self.payment_method),
            number_prefix: cap(self.number_prefix),
        }
    }

    /// The settings in force for an agency, from its own up through the agencies above it
    /// (nearest first): the first that set any — a county sets them once for its towns and
    /// departments — else the defaults.
    pub fn in_force(chain: impl IntoIterator<Item = Option<Self>>) -> Self {
        chain.into_iter().flatten().next().unwrap_or_default()
    }
}

/// The short name in letter numbers, from the agency's full name: the county part and
/// "人民政府" dropped (沂源县西里镇人民政府 → 西里镇, 沂源县民政局 → 民政局, 沂源县人民政府 → 沂源县).
pub fn default_number_prefix(agency_name: &str) -> String {
    let name = agency_name.trim().trim_end_matches("人民政府");
    for mark in ['县', '区', '市'] {
        if let Some(i) = name.find(mark) {
            let rest = &name[i + mark.len_utf8()..];
            if !rest.is_empty() {
                return rest.to_owned();
            }
        }
    }
    name.to_owned()
}

/// Why a letter cannot be composed. Messages are for the case officer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    /// No 复议机关 can be determined.
    #[error(
        "无法确定行政复议机关：本机关没有上级机关，也未配置复议机关。请系统管理员在机关设置中填写“行政复议机关”后再作出答复"
    )]
    NoReconsiderationBody,
    /// The step has no letter.
    #[error("该办理步骤不需要出具文书")]
    NoLetter,
}

/// Everything a letter says about the request and its agency.
#[derive(Debug, Clone)]
pub struct LetterFacts<'a> {
    /// The agency's full legal name.
    pub agency_name: &'a str,
    /// Its kind (decides the 复议机关).
    pub agency_kind: AgencyKind,
    /// The parent agency's full name, if recorded.
    pub parent_name: Option<&'a str>,
    /// The county's remedy settings.
    pub remedy: &'a LetterSettings,
    /// The requester's name or organisation.
    pub requester_name: &'a str,
    /// Whether the requester is an organisation (贵单位 rather than 您).
    pub organisation: bool,
    /// How the request arrived.
    pub channel: Channel,
    /// What was asked for.
    pub description: &'a str,
    /// The form of delivery asked for.
    pub delivery: &'a str,
    /// The tracking code.
    pub code: &'a str,
    /// The request after the step.
    pub state: &'a RequestState,
}

/// Composes the letter `kind` for the request as it stands after `event` (or after registration,
/// for the receipt), numbered `serial` in the agency's series for the year of `on`.
pub fn compose(
    kind: LetterKind,
    facts: &LetterFacts<'_>,
    event: Option<&Event>,
    on: NaiveDate,
    serial: u32,
    calendar: &Calendar,
    periods: Periods,
) -> Result<Letter, LetterError> {
    let you = if facts.organisation {
        "贵单位"
    } else {
        "您"
    };
    let s = facts.state;
    let received = chinese_date(s.received_on);
    let opener = format!(
        "{you}于{received}通过{}提出的政府信息公开申请（查询码：{}）收悉。{you}申请获取：“{}”。",
        facts.channel.label(),
        facts.code,
        facts.description
    );
    let clock = deadlines(calendar, &s.clock_facts(on), periods).ok();
    let due_text = |d: Option<NaiveDate>| {
        d.map_or_else(
            || "收到补正后的申请之日起20个工作日内".to_owned(),
            chinese_date,
        )
    };
    let provisional = if clock.is_some_and(|c| c.provisional) {
        "（该日期按已公布的节假日安排推算；次年安排公布后如有变化，以实际工作日为准）"
    } else {
        ""
    };
    let mut remedies = None;
    let paragraphs = match kind {
        LetterKind::Receipt => vec![
            format!(
                "本机关于{received}收到{you}通过{}提交的政府信息公开申请，登记查询码为{}。根据《中华人民共和国政府信息公开条例》第三十一条的规定，{}。",
                facts.channel.label(),
                facts.code,
                facts.channel.receipt_rule()
            ),
            format!(
                "申请获取的政府信息：“{}”；获取信息的方式：{}。",
                facts.description, facts.delivery
            ),
            format!(
                "本机关将自收到申请之日起20个工作日内，即{}前作出答复{provisional}；需要延长答复期限的，经政府信息公开工作机构负责人同意后将另行告知，延长的期限最长不超过20个工作日。征求第三方和其他机关意见所需时间不计算在答复期限内。",
                due_text(clock.and_then(|c| c.due))
            ),
            format!("{you}可以凭查询码和申请时填写的联系方式查询办理进度。"),
        ],
        LetterKind::Clarification => {
            let items = match event {
                Some(Event::RequestClarification { items, .. }) => items.as_str(),
                _ => "",
            };
            let reply_by = s.clarification_reply_due(calendar, periods).unwrap_or(on);
            vec![
                opener,
                format!(
                    "经审查，{you}的申请内容不够明确，本机关无法据此确定所需的政府信息。根据《中华人民共和国政府信息公开条例》第三十条的规定，请{you}对申请作出补正：{}",
                    if items.trim().is_empty() {
                        "写明所需政府信息的名称、文号或者便于本机关查询的其他特征性描述。"
                    } else {
                        items.trim()
                    }
                ),
                format!(
                    "请于{}前提交补正后的申请。答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
                    chinese_date(reply_by)
                ),
            ]
        }
        LetterKind::Extension => {
            let reason = match event {
                Some(Event::Extend { reason, .. }) if !reason.trim().is_empty() => {
                    format!("因{}，", clause(reason))
                }
                _ => "因申请内容较多、需要检索核实，".to_owned(),
            };
            vec![
                opener,
                format!(
                    "{reason}本机关不能在法定期限内作出答复。根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长20个工作日，延长后的答复期限为{}{provisional}。",
                    due_text(clock.and_then(|c| c.due))
                ),
            ]
        }
        LetterKind::Consultation => vec![
            opener,
            format!(
                "{you}申请获取的政府信息涉及第三方合法权益或者需要征求其他机关意见，本机关已于{}书面征求意见。根据《中华人民共和国政府信息公开条例》第三十二条、第三十三条第三款的规定，征求意见所需时间不计算在答复期限内，待收到意见后本机关将依法作出答复。",
                chinese_date(on)
            ),
        ],
        LetterKind::FeeNotice => {
            let fee = s.fee;
            let charge = fee.map(|f| f.charge.describe()).unwrap_or_default();
            let pay_by = s
                .fee_payment_due(calendar, periods)
                .map(chinese_date)
                .unwrap_or_default();
            let method = if facts.remedy.payment_method.trim().is_empty() {
                "请持本通知书到本机关政府信息公开工作机构办理缴费手续".to_owned()
            } else {
                facts.remedy.payment_method.trim().to_owned()
            };
            vec![
                opener,
                format!(
                    "{you}的申请数量、频次明显超过合理范围。根据《中华人民共和国政府信息公开条例》第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本机关依法收取信息处理费：{charge}。"
                ),
                format!(
                    "缴费方式：{method}。请自收到本通知书次日起20个工作日内（即{pay_by}前）缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。缴费期间不计算在答复期限内。"
                ),
            ]
        }
        LetterKind::Decision => {
            let decided = s.decided.ok_or(LetterError::NoLetter)?;
            let details = match event {
                Some(Event::Decide { details, .. }) => details.clone(),
                _ => DecisionDetails::default(),
            };
            let mut ps = vec![opener];
            if let Some((sent, Some(got))) = s.clarification {
                ps.push(format!(
                    "本机关于{}向{you}发出补正告知书，{you}于{}提交了补正后的申请。",
                    chinese_date(sent),
                    chinese_date(got)
                ));
            }
            ps.push(decision_text(
                decided.outcome,
                &details,
                s,
                you,
                calendar,
                periods,
            ));
            remedies = Some(remedy_paragraph(facts, decided.outcome)?);
            ps
        }
    };
    let year = on.year();
    Ok(Letter {
        kind,
        title: format!("{}{}", facts.agency_name, kind.title()),
        number: format!(
            "{}依申公〔{year}〕{serial}号-{}",
            if facts.remedy.number_prefix.trim().is_empty() {
                default_number_prefix(facts.agency_name)
            } else {
                facts.remedy.number_prefix.trim().to_owned()
            },
            kind.number_tag()
        ),
        addressee: facts.requester_name.to_owned(),
        paragraphs,
        remedies,
        signatory: facts.agency_name.to_owned(),
        date: on,
    })
}

/// Text typed into a letter's sentence, without the punctuation that would end it twice: trailing
/// full stops, semicolons and commas go, also just inside a closing quote or bracket
/// (“……西里村部分。” → “……西里村部分”), so the letter's own punctuation follows cleanly.
pub fn clause(text: &str) -> String {
    const ENDS: &[char] = &['。', '．', '.', '；', ';', '，', ',', '、', '：', ':'];
    const CLOSERS: &[char] = &['”', '’', '）', ')', '」', '』', '》', '】'];
    let mut t = text.trim().trim_end_matches(ENDS).trim_end().to_owned();
    if let Some(last) = t.chars().last()
        && CLOSERS.contains(&last)
    {
        let inner = &t[..t.len() - last.len_utf8()];
        let inner = inner.trim_end().trim_end_matches(ENDS);
        t = format!("{inner}{last}");
    }
    t
}

fn decision_text(
    outcome: Outcome,
    d: &DecisionDetails,
    s: &RequestState,
    you: &str,
    calendar: &Calendar,
    periods: Periods,
) -> String {
    use Outcome as O;
    let other = clause(&d.other_basis);
    let cite = |basis: &str| {
        if other.is_empty() {
            basis.to_owned()
        } else {
            format!("{basis}和{other}")
        }
    };
    let basis = cite(outcome.legal_basis());
    let reasons = clause(&d.reasons);
    let provided = clause(&d.provided);
    match outcome.group() {
        OutcomeGroup::Disclosed => format!(
            "经审查，{you}申请获取的政府信息属于可以公开的政府信息。根据{basis}的规定，现答复如下：{provided}。"
        ),
        OutcomeGroup::PartlyDisclosed => {
            let withheld_basis = d
                .withheld_ground
                .map_or_else(|| basis.clone(), |g| cite(g.legal_basis()));
            format!(
                "经审查，{you}申请获取的政府信息中，下列内容予以提供：{provided}。下列内容不予公开：{}。不予公开的理由：{reasons}，根据{withheld_basis}的规定不予公开。根据{}的规定，本机关对可以公开的内容予以提供，对不予公开的部分说明理由如上。",
                clause(&d.withheld),
                outcome.legal_basis()
            )
        }
        OutcomeGroup::Withheld if outcome == O::WithheldQueryMatter => format!(
            "经审查，{reasons}。该信息属于行政查询事项，有关法律、行政法规对信息的获取有特别规定。根据{basis}的规定，请{you}依照有关法律、行政法规的规定办理。"
        ),
        OutcomeGroup::Withheld => {
            format!("经审查，{reasons}。根据{basis}的规定，本机关决定不予公开。")
        }
        OutcomeGroup::Unavailable => {
            let referral = clause(&d.referral);
            let tail = match outcome {
                O::UnavailableNotHeld if !referral.is_empty() => format!(
                    "本机关不掌握{you}所申请的政府信息。经了解，该信息由{referral}负责公开，建议{you}向其咨询或者申请。"
                ),
                O::UnavailableNotHeld => format!(
                    "经检索，本机关未制作或者获取{you}所申请公开的政府信息，告知{you}该政府信息不存在。"
                ),
                O::UnavailableNeedsCreation => format!(
                    "{you}的申请需要本机关对现有政府信息进行加工、分析或者另行制作，本机关不予提供。"
                ),
                _ => format!(
                    "{you}补正后的申请内容仍不明确，本机关无法确定所需的政府信息，无法提供。欢迎{you}重新提出内容明确的申请。"
                ),
            };
            format!("经审查，{reasons}。根据{basis}的规定，{tail}")
        }
        OutcomeGroup::NotProcessed => {
            let tail = match outcome {
                O::NotProcessedPetition => {
                    "您的申请不作为政府信息公开申请处理，可以通过信访、投诉、举报等相应渠道反映"
                }
                O::NotProcessedRepeated => "本机关已就相同内容作出答复，不予重复处理",
                O::NotProcessedPublication => {
                    "所申请的信息属于公开出版物，可以通过公开发行渠道或者查阅点获取"
                }
                O::NotProcessedExcessive => "本机关认为申请理由不合理，不予处理",
                _ => "该申请不属于获取政府信息的申请，不作为政府信息公开申请处理",
            }
            .replace("您", you);
            format!("经审查，{reasons}。根据{basis}的规定，{tail}。")
        }
        OutcomeGroup::Other => match outcome {
            O::OtherNoClarification => format!(
                "本机关于{}向{you}发出补正告知书，{you}无正当理由逾期未补正。根据{basis}的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
                s.clarification
                    .map(|c| chinese_date(c.0))
                    .unwrap_or_default()
            ),
            O::OtherFeeUnpaid => format!(
                "本机关于{}向{you}发出收费通知书，{you}未在缴费期限（{}）内缴纳信息处理费。根据{basis}的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
                s.fee
                    .map(|f| chinese_date(f.notified_on))
                    .unwrap_or_default(),
                s.fee_payment_due(calendar, periods)
                    .map(chinese_date)
                    .unwrap_or_default()
            ),
            _ => format!("经审查，{reasons}。根据{other}的规定，本机关作出上述处理。"),
        },
    }
}

/// Whether the outcome takes 复议前置 wording (variant A, 行政复议法 第二十三条第一款第（四）项).
pub fn prior_reconsideration(outcome: Outcome, settings: &LetterSettings) -> bool {
    match outcome.group() {
        OutcomeGroup::PartlyDisclosed | OutcomeGroup::Withheld => true,
        OutcomeGroup::Unavailable | OutcomeGroup::NotProcessed => {
            settings.prior_reconsideration_for_all_refusals
        }
        OutcomeGroup::Disclosed | OutcomeGroup::Other => false,
    }
}

/// The 复议机关 for an agency (行政复议法 2023 第二十四条): for a town, a street office and a county
/// department, the county government above it; for a county government, the government above it —
/// unless the county configured another body (vertically led organs, 第二十七条).
pub fn reconsideration_body(
    kind: AgencyKind,
    parent_name: Option<&str>,
    settings: &LetterSettings,
) -> Result<String, LetterError> {
    let configured = settings.reconsideration_body.trim();
    if !configured.is_empty() {
        return Ok(configured.to_owned());
    }
    let _ = kind; // every kind served resolves to the government above it (第二十四条第一款)
    parent_name
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .ok_or(LetterError::NoReconsiderationBody)
}

fn remedy_paragraph(facts: &LetterFacts<'_>, outcome: Outcome) -> Result<String, LetterError> {
    let body = reconsideration_body(facts.agency_kind, facts.parent_name, facts.remedy)?;
    let court = if facts.remedy.court.trim().is_empty() {
        "人民法院".to_owned()
    } else {
        facts.remedy.court.trim().to_owned()
    };
    let mut text = if prior_reconsideration(outcome, facts.remedy) {
        format!(
            "如对本答复不服，根据《中华人民共和国行政复议法》第二十三条第一款第（四）项的规定，应当自收到本答复书之日起六十日内先向{body}申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内依法向{court}提起行政诉讼。"
        )
    } else {
        format!(
            "如对本答复不服，可以自收到本答复书之日起六十日内向{body}申请行政复议，也可以自收到本答复书之日起六个月内依法向{court}提起行政诉讼。"
        )
    };
    let online = facts.remedy.online_channel.trim();
    if facts.channel == Channel::Online || facts.channel == Channel::Email {
        if online.is_empty() {
            text.push_str("行政复议申请可以通过互联网渠道提交。");
        } else {
            text.push_str("行政复议申请可以通过");
            text.push_str(online);
            text.push_str("在线提交。");
        }
    }
    Ok(text)
}

impl crate::Refusal for LetterError {}

#[cfg(test)]
#[allow(
    clippy::many_single_char_names,
    reason = "short names keep the letter tests readable"
)]
mod tests {
    use super::*;
    use crate::request::RequesterKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts<'a>(
        state: &'a RequestState,
        remedy: &'a LetterSettings,
        parent: Option<&'a str>,
    ) -> LetterFacts<'a> {
        LetterFacts {
            agency_name: "沂源县西里镇人民政府",
            agency_kind: AgencyKind::Town,
            parent_name: parent,
            remedy,
            requester_name: "张三",
            organisation: false,
            channel: Channel::Online,
            description: "2024年西里镇低保资金发放名单",
            delivery: "电子邮件",
            code: "ABCDEFGH2345",
            state,
        }
    }

    #[test]
    fn typed_settings_are_trimmed_and_bounded() {
        let s = LetterSettings {
            court: format!("  {}  ", "院".repeat(300)),
            number_prefix: " 西里镇 ".into(),
            prior_reconsideration_for_all_refusals: true,
            ..LetterSettings::default()
        }
        .typed();
        assert_eq!(s.court.chars().count(), SETTING_MAX_CHARS);
        assert_eq!(s.number_prefix, "西里镇");
        assert!(s.prior_reconsideration_for_all_refusals);
    }

    /// A request received on 3 March 2025 and decided on 20 March with `outcome`.
    fn decided(outcome: Outcome, details: DecisionDetails) -> (RequestState, Event) {
        let e = Event::Decide {
            on: d("2025-03-20"),
            outcome,
            details,
        };
        let s = RequestState::new(RequesterKind::NaturalPerson, d("2025-03-03"))
            .apply(&e)
            .unwrap();
        (s, e)
    }

    /// The decision letter for `s` after `e`, numbered 1.
    fn decision(f: &LetterFacts<'_>, e: &Event) -> Result<Letter, LetterError> {
        compose(
            LetterKind::Decision,
            f,
            Some(e),
            d("2025-03-20"),
            1,
            &Calendar::built_in(),
            Periods::default(),
        )
    }

    #[test]
    fn a_reply_lists_the_files_it_provides_and_only_a_reply_that_provides_may() {
        let details = DecisionDetails {
            provided: "2024年低保资金发放汇总表".into(),
            ..DecisionDetails::default()
        };
        let (s, e) = decided(Outcome::Disclosed, details);
        let remedy = LetterSettings::default();
        let mut l = decision(&facts(&s, &remedy, Some("沂源县人民政府")), &e).unwrap();
        let before = l.paragraphs.len();
        l.list_files(
            Outcome::Disclosed,
            &[" 汇总表.xlsx".into(), "说明.pdf".into()],
        )
        .unwrap();
        assert_eq!(l.paragraphs.len(), before + 1);
        let last = l.paragraphs.last().unwrap();
        assert!(
            last.contains("（共2件）：1.汇总表.xlsx；2.说明.pdf。")
                && last.contains("查询办理进度"),
            "{last}"
        );
        let (s, e) = decided(
            Outcome::WithheldStateSecret,
            DecisionDetails {
                reasons: "属于国家秘密".into(),
                ..DecisionDetails::default()
            },
        );
        let mut refused = decision(&facts(&s, &remedy, Some("沂源县人民政府")), &e).unwrap();
        let text = refused.paragraphs.clone();
        assert!(
            refused
                .list_files(Outcome::WithheldStateSecret, &["名单.xlsx".into()])
                .is_err()
        );
        assert!(
            refused
                .list_files(Outcome::WithheldStateSecret, &[])
                .is_ok()
        );
        assert_eq!(
            refused.paragraphs, text,
            "nothing added when refused or empty"
        );
    }

    #[test]
    fn reply_files_change_only_until_the_reply_is_given() {
        let open = RequestState::new(RequesterKind::NaturalPerson, d("2025-03-03"));
        assert!(open.may_change_reply_files().is_ok());
        let (s, _) = decided(
            Outcome::Disclosed,
            DecisionDetails {
                provided: "汇总表".into(),
                ..DecisionDetails::default()
            },
        );
        assert!(s.may_change_reply_files().is_err());
    }

    #[test]
    fn typed_text_ends_once_whatever_punctuation_it_brought() {
        assert_eq!(clause(" 西里村低保名单。 "), "西里村低保名单");
        assert_eq!(
            clause("“涉及个人隐私的部分（西里村部分）。”。"),
            "“涉及个人隐私的部分（西里村部分）”"
        );
        assert_eq!(clause("见附件；"), "见附件");
        assert_eq!(clause("（第十五条）"), "（第十五条）");
    }

    #[test]
    fn a_partial_disclosure_gives_the_reasons_and_the_article_of_the_part_withheld() {
        let (s, e) = decided(
            Outcome::PartlyDisclosed,
            DecisionDetails {
                provided: "2024年低保资金发放总额".into(),
                withheld: "“各户姓名、身份证号和银行账号（西里村部分）。”".into(),
                reasons: "上述信息属于个人隐私，公开会对第三方合法权益造成损害。".into(),
                withheld_ground: Some(Outcome::WithheldThirdParty),
                other_basis: "《中华人民共和国个人信息保护法》第二十五条".into(),
                ..DecisionDetails::default()
            },
        );
        let remedy = LetterSettings::default();
        let l = decision(&facts(&s, &remedy, Some("沂源县人民政府")), &e).unwrap();
        let text = l.paragraphs.join("");
        for part in [
            "下列内容予以提供：2024年低保资金发放总额。",
            "下列内容不予公开：“各户姓名、身份证号和银行账号（西里村部分）”。",
            "不予公开的理由：上述信息属于个人隐私，公开会对第三方合法权益造成损害，",
            "第十五条、第三十二条和《中华人民共和国个人信息保护法》第二十五条的规定不予公开",
            "第三十七条的规定",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        assert!(!text.contains("。”。") && !text.contains("。。"), "{text}");
        // Without reasons the decision is refused before any letter is written.
        assert!(
            DecisionDetails {
                provided: "总额".into(),
                withheld: "姓名".into(),
                ..DecisionDetails::default()
            }
            .check(Outcome::PartlyDisclosed)
            .is_err()
        );
    }

    #[test]
    fn a_withholding_letter_cites_the_article_and_requires_reconsideration_first() {
        let (s, e) = decided(
            Outcome::WithheldProcessInfo,
            DecisionDetails {
                reasons: "所申请的信息为会议讨论记录".into(),
                ..DecisionDetails::default()
            },
        );
        let remedy = LetterSettings::default();
        let f = facts(&s, &remedy, Some("沂源县人民政府"));
        let l = compose(
            LetterKind::Decision,
            &f,
            Some(&e),
            d("2025-03-20"),
            7,
            &Calendar::built_in(),
            Periods::default(),
        )
        .unwrap();
        assert_eq!(l.title, "沂源县西里镇人民政府政府信息公开申请答复书");
        assert_eq!(l.number, "西里镇依申公〔2025〕7号-复");
        assert!(
            l.paragraphs[1].contains("第十六条第二款"),
            "{:?}",
            l.paragraphs
        );
        assert!(l.paragraphs[1].contains("会议讨论记录"));
        let r = l.remedies.clone().unwrap();
        assert!(r.contains("先向沂源县人民政府申请行政复议"), "{r}");
        assert!(
            r.contains("互联网渠道"),
            "online delivery offers online 复议"
        );
        assert_eq!(l.date_text(), "2025年3月20日");
    }

    #[test]
    fn a_disclosure_letter_lets_the_requester_choose_and_fails_closed_without_a_body() {
        let (s, e) = decided(
            Outcome::Disclosed,
            DecisionDetails {
                provided: "现将该名单通过电子邮件提供给您".into(),
                ..DecisionDetails::default()
            },
        );
        let remedy = LetterSettings::default();
        let f = facts(&s, &remedy, Some("沂源县人民政府"));
        let l = decision(&f, &e).unwrap();
        let r = l.remedies.unwrap();
        assert!(r.contains("也可以自收到本答复书之日起六个月内"), "{r}");
        let orphan = facts(&s, &remedy, None);
        assert_eq!(
            decision(&orphan, &e),
            Err(LetterError::NoReconsiderationBody)
        );
        let configured = LetterSettings {
            reconsideration_body: "淄博市人民政府".into(),
            prior_reconsideration_for_all_refusals: true,
            ..LetterSettings::default()
        };
        let f = facts(&s, &configured, None);
        let l = decision(&f, &e).unwrap();
        assert!(l.remedies.unwrap().contains("淄博市人民政府"));
        assert!(prior_reconsideration(
            Outcome::UnavailableNotHeld,
            &configured
        ));
        assert!(!prior_reconsideration(
            Outcome::UnavailableNotHeld,
            &LetterSettings::default()
        ));
    }

    #[test]
    fn number_prefixes_drop_the_county_and_the_word_government() {
        assert_eq!(default_number_prefix("沂源县西里镇人民政府"), "西里镇");
        assert_eq!(default_number_prefix("沂源县民政局"), "民政局");
        assert_eq!(default_number_prefix("沂源县人民政府"), "沂源县");
        assert_eq!(
            default_number_prefix("淄博市张店区公园街道办事处"),
            "张店区公园街道办事处".trim_start_matches("张店区")
        );
    }

    #[test]
    fn a_receipt_states_the_rule_of_article_31_and_the_due_date() {
        let s = RequestState::new(RequesterKind::Business, d("2025-03-03"));
        let remedy = LetterSettings::default();
        let mut f = facts(&s, &remedy, Some("沂源县人民政府"));
        f.organisation = true;
        let l = compose(
            LetterKind::Receipt,
            &f,
            None,
            d("2025-03-03"),
            1,
            &Calendar::built_in(),
            Periods::default(),
        )
        .unwrap();
        let text = l.paragraphs.join("");
        assert!(text.contains("以双方确认之日为收到申请之日"), "{text}");
        assert!(text.contains("2025年3月31日前"), "{text}");
        assert!(text.contains("贵单位"));
        assert!(l.remedies.is_none(), "procedural notices carry no remedies");
    }
}
