//! Who may do what. Roles are granted per agency; the county 政务公开办's oversight officers read
//! everything of the agencies below them and change nothing; system administrators manage accounts
//! and agencies everywhere. The rules are pure functions so every route asks the same question the
//! same way.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::agency::{Agency, Slug};

/// A role a person holds in one agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 起草人: drafts information items.
    Drafter,
    /// 科室负责人: first review (初审).
    FirstReviewer,
    /// 分管领导: final review (终审).
    FinalReviewer,
    /// 依申请公开经办人: registers and handles requests.
    CaseOfficer,
    /// 机关管理员: manages the agency's accounts and settings.
    AgencyAdmin,
    /// 政务公开办 (county oversight): reads everything of the agencies below, changes none of it.
    OversightOfficer,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: [Self; 6] = [
        Self::Drafter,
        Self::FirstReviewer,
        Self::FinalReviewer,
        Self::CaseOfficer,
        Self::AgencyAdmin,
        Self::OversightOfficer,
    ];

    /// The stable machine key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Drafter => "drafter",
            Self::FirstReviewer => "first_reviewer",
            Self::FinalReviewer => "final_reviewer",
            Self::CaseOfficer => "case_officer",
            Self::AgencyAdmin => "agency_admin",
            Self::OversightOfficer => "oversight_officer",
        }
    }

    /// What a person reads.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Drafter => "起草人",
            Self::FirstReviewer => "科室负责人（初审）",
            Self::FinalReviewer => "分管领导（终审）",
            Self::CaseOfficer => "依申请公开经办人",
            Self::AgencyAdmin => "机关管理员",
            Self::OversightOfficer => "政务公开办（监督）",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A role key that names no role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "角色“{0}”无效：应为 drafter、first_reviewer、final_reviewer、case_officer、agency_admin 或 oversight_officer"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.key() == s || r.label() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// One role in one agency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    /// Where.
    pub agency: Slug,
    /// What.
    pub role: Role,
}

/// The signed-in person, as permission checks see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Database id.
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the audit trail and on pages.
    pub display_name: String,
    /// Manages accounts and agencies everywhere.
    pub is_system_admin: bool,
    /// Roles held.
    pub grants: Vec<Grant>,
}

/// The agency tree: who supervises whom.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    parent: HashMap<Slug, Slug>,
}

impl Hierarchy {
    /// Builds the tree from the agencies' parent links.
    pub fn new(agencies: &[Agency]) -> Self {
        Self {
            parent: agencies
                .iter()
                .filter_map(|a| a.parent.clone().map(|p| (a.slug.clone(), p)))
                .collect(),
        }
    }

    /// Whether `ancestor` is `agency` or above it. Stops on a cycle rather than looping.
    pub fn is_within(&self, agency: &Slug, ancestor: &Slug) -> bool {
        let mut current = agency;
        for _ in 0..=self.parent.len() {
            if current == ancestor {
                return true;
            }
            match self.parent.get(current) {
                Some(p) => current = p,
                None => return false,
            }
        }
        false
    }

    /// Whether making `parent` the parent of `agency` would create a cycle.
    pub fn would_cycle(&self, agency: &Slug, parent: &Slug) -> bool {
        self.is_within(parent, agency)
    }

    /// Refuses a new parent for `agency` that is the agency itself or below it.
    pub fn check_parent(
        &self,
        agency: &Slug,
        parent: Option<&Slug>,
    ) -> Result<(), crate::Rejection> {
        if parent.is_some_and(|p| self.would_cycle(agency, p)) {
            Err(crate::Rejection::field(
                "parent",
                "上级机关不能是本机关或其下属机关。",
            ))
        } else {
            Ok(())
        }
    }
}

impl Principal {
    /// Whether the person holds `role` in `agency` itself.
    pub fn has_role(&self, agency: &Slug, role: Role) -> bool {
        self.grants
            .iter()
            .any(|g| &g.agency == agency && g.role == role)
    }

    /// Whether the person may see the agency's internal records: a role in it, an oversight role at
    /// it or above it, or system administration.
    pub fn can_read(&self, agency: &Slug, tree: &Hierarchy) -> bool {
        self.reads(agency, |oversight| tree.is_within(agency, oversight))
    }

    /// [`Self::can_read`] for the first agency of `lineage` — that agency and the agencies above
    /// it, nearest first — so a single page need not load the whole tree to ask.
    pub fn can_read_lineage(&self, lineage: &[Agency]) -> bool {
        lineage.first().is_some_and(|agency| {
            self.reads(&agency.slug, |oversight| {
                lineage.iter().any(|a| &a.slug == oversight)
            })
        })
    }

    /// The one reading rule: system administration, any role in the agency itself, or an oversight
    /// role at an agency that `at_or_above` says is the agency or above it.
    fn reads(&self, agency: &Slug, at_or_above: impl Fn(&Slug) -> bool) -> bool {
        self.is_system_admin
            || self.grants.iter().any(|g| {
                &g.agency == agency || (g.role == Role::OversightOfficer && at_or_above(&g.agency))
            })
    }

    /// Whether the person may do `duty` in `agency` (reading it is asked apart, and first).
    pub fn may(&self, duty: Duty, agency: &Slug) -> bool {
        let acts = |role| self.can_act(agency, role);
        match duty {
            Duty::Draft => acts(Role::Drafter),
            Duty::Review => {
                acts(Role::Drafter) || acts(Role::FirstReviewer) || acts(Role::FinalReviewer)
            }
            Duty::HandleRequests => acts(Role::CaseOfficer),
            Duty::AnswerMessages | Duty::SeePersonalData => {
                acts(Role::CaseOfficer) || self.can_administer(agency)
            }
            Duty::Administer => self.can_administer(agency),
            Duty::EditReport => {
                self.is_system_admin || acts(Role::AgencyAdmin) || acts(Role::FinalReviewer)
            }
            Duty::ApproveReport => acts(Role::FinalReviewer),
        }
    }

    /// The person as an item's review sees them in `agency`: the roles they act with there.
    pub fn reviewer(&self, agency: &Slug) -> crate::item::Reviewer {
        crate::item::Reviewer {
            user_id: self.user_id,
            drafter: self.can_act(agency, Role::Drafter),
            first: self.can_act(agency, Role::FirstReviewer),
            final_: self.can_act(agency, Role::FinalReviewer),
        }
    }

    /// [`Self::may`], or the refusal that says who may.
    pub fn require(&self, duty: Duty, agency: &Slug) -> Result<(), Forbidden> {
        if self.may(duty, agency) {
            Ok(())
        } else {
            Err(Forbidden(duty.refusal().to_owned()))
        }
    }

    /// Whether the person may act in `agency` with `role`. Oversight never acts: it reads.
    pub fn can_act(&self, agency: &Slug, role: Role) -> bool {
        role != Role::OversightOfficer && self.has_role(agency, role)
    }

    /// Whether the person may manage the agency's settings, accounts and roles.
    pub fn can_administer(&self, agency: &Slug) -> bool {
        self.is_system_admin || self.has_role(agency, Role::AgencyAdmin)
    }

    /// Whether the person may grant `role` in `agency`. Only system administrators hand out
    /// oversight, since it reaches beyond the agency.
    pub fn can_grant(&self, agency: &Slug, role: Role) -> bool {
        self.is_system_admin
            || (role != Role::OversightOfficer && self.has_role(agency, Role::AgencyAdmin))
    }

    /// Whether the person may add an agency under `parent` (or at the top, for `None`).
    pub fn can_create_agency(&self, parent: Option<&Slug>) -> bool {
        self.is_system_admin || parent.is_some_and(|p| self.has_role(p, Role::AgencyAdmin))
    }

    /// [`Self::can_create_agency`], or the refusal.
    pub fn require_create_agency(&self, parent: Option<&Slug>) -> Result<(), Forbidden> {
        if self.can_create_agency(parent) {
            Ok(())
        } else {
            Err(Forbidden("您不能在所选上级机关下添加机关。".to_owned()))
        }
    }

    /// Whether the person holds `power` (which spans agencies): system administrators hold every
    /// power; an agency's administrators manage accounts and add agencies below theirs; they and
    /// the oversight office read the audit trail.
    pub fn has(&self, power: Power) -> bool {
        let holds = |role| self.grants.iter().any(|g| g.role == role);
        self.is_system_admin
            || match power {
                Power::ManageAccounts | Power::AddAgencies => holds(Role::AgencyAdmin),
                Power::ReadAudit => holds(Role::AgencyAdmin) || holds(Role::OversightOfficer),
                Power::ManageSite => false,
            }
    }

    /// [`Self::has`], or the refusal that says who does.
    pub fn require_power(&self, power: Power) -> Result<(), Forbidden> {
        if self.has(power) {
            Ok(())
        } else {
            Err(Forbidden(power.refusal().to_owned()))
        }
    }

    /// Whether the person may read the audit records of `agency`: its administrators, the
    /// oversight office at it or above it, system administrators.
    pub fn can_audit(&self, agency: &Slug, tree: &Hierarchy) -> bool {
        self.can_administer(agency)
            || self
                .grants
                .iter()
                .any(|g| g.role == Role::OversightOfficer && tree.is_within(agency, &g.agency))
    }

    /// Whether the person reads the whole audit trail, records of no agency (accounts, sign-ins)
    /// among them: only system administrators; others read the agencies of [`Self::can_audit`].
    pub fn reads_whole_audit_trail(&self) -> bool {
        self.is_system_admin
    }

    /// Whether the person may move an agency to another parent: only system administrators, since
    /// it changes who oversees whom.
    pub fn can_move_agency(&self) -> bool {
        self.is_system_admin
    }

    /// The role a new account created by this person starts with, from the agency and role keys
    /// chosen. An administrator's new account needs one, in an agency they administer (else no
    /// administrator could see it); a system administrator may create an account without one, or
    /// a system administrator's account.
    pub fn first_role(&self, agency: &str, role: &str) -> Result<Option<Grant>, FirstRoleError> {
        let (agency, role) = match (agency.trim(), role.trim()) {
            ("", "") if self.is_system_admin => return Ok(None),
            ("", _) | (_, "") => return Err(FirstRoleError::Invalid("请选择所属机关和角色。")),
            pair => pair,
        };
        let agency =
            Slug::parse(agency).map_err(|_| FirstRoleError::Invalid("所选机关不存在。"))?;
        let role = role
            .parse::<Role>()
            .map_err(|_| FirstRoleError::Invalid("所选角色无效。"))?;
        if !self.can_grant(&agency, role) {
            return Err(FirstRoleError::Forbidden(Forbidden(
                "您不能在所选机关授予该角色。".to_owned(),
            )));
        }
        Ok(Some(Grant { agency, role }))
    }

    /// Whether a new account this person creates is a system administrator's, when `asked`: only
    /// a system administrator makes another.
    pub fn makes_system_admin(&self, asked: bool) -> bool {
        asked && self.is_system_admin
    }

    /// The roles the person may hand out somewhere (the new-account form offers these): all for a
    /// system administrator, all but oversight for an agency's administrator.
    pub fn grantable_roles(&self) -> impl Iterator<Item = Role> + '_ {
        Role::ALL
            .into_iter()
            .filter(|r| self.is_system_admin || *r != Role::OversightOfficer)
    }

    /// Whether the person may see the account `user_id` whose roles are `grants`: a system
    /// administrator, the person themself, or an administrator of an agency where it holds a role.
    pub fn can_see_account(&self, user_id: i64, grants: &[Grant]) -> bool {
        self.is_system_admin
            || self.user_id == user_id
            || grants.iter().any(|g| self.can_administer(&g.agency))
    }

    /// Whether the person may reset the password of, disable, or set the address of the account
    /// `user_id`: a system administrator (never on their own account); or, for an ordinary account
    /// whose every role is in agencies the person administers, that agency's administrator.
    pub fn can_manage_account(
        &self,
        user_id: i64,
        is_system_admin: bool,
        grants: &[Grant],
    ) -> bool {
        self.user_id != user_id
            && (self.is_system_admin
                || (!is_system_admin
                    && !grants.is_empty()
                    && grants.iter().all(|g| self.can_administer(&g.agency))))
    }
}

/// What a person does in one agency beyond reading it. Each duty names the roles that allow it, so
/// every page and form asks the same question the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Draft and edit items: 起草人.
    Draft,
    /// Take a step of an item's review: 起草人 (submitting), 科室负责人 or 分管领导.
    Review,
    /// Register and handle requests, and record their cases: 依申请公开经办人.
    HandleRequests,
    /// Assign and answer enquiries and complaints: 依申请公开经办人, 机关管理员 or a system
    /// administrator.
    AnswerMessages,
    /// See a requester's personal data: the same people as [`Self::AnswerMessages`] — never the
    /// oversight office, which reads everything else.
    SeePersonalData,
    /// Change the agency's details, settings, roles, guide, catalogue, channels and proposals:
    /// 机关管理员 or a system administrator.
    Administer,
    /// Write the annual report and ask for its publication: 机关管理员, 分管领导 or a system
    /// administrator.
    EditReport,
    /// Approve the annual report's publication (the second person): 分管领导 only.
    ApproveReport,
}

impl Duty {
    /// Who may, in a sentence for the person refused.
    pub const fn refusal(self) -> &'static str {
        match self {
            Self::Draft => "只有本机关的起草人可以起草和修改信息。",
            Self::Review => "只有本机关的起草人和审核人可以办理信息审核。",
            Self::HandleRequests => "只有本机关的依申请公开经办人可以办理申请。",
            Self::AnswerMessages => "只有本机关的依申请公开经办人或机关管理员可以交办和答复留言。",
            Self::SeePersonalData => "只有本机关的依申请公开经办人或机关管理员可以查看申请人信息。",
            Self::Administer => "只有本机关的机关管理员或系统管理员可以进行此项操作。",
            Self::EditReport => "只有本机关的机关管理员或分管领导可以编辑和发布年度报告。",
            Self::ApproveReport => "只有本机关的分管领导（终审）可以批准发布年度报告。",
        }
    }
}

/// What a person does across agencies rather than in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// List, create and manage accounts (within the agencies one administers).
    ManageAccounts,
    /// Add agencies (below the agencies one administers).
    AddAgencies,
    /// Read the audit trail (of the agencies one administers or oversees).
    ReadAudit,
    /// Set the site's identity (name, 标识码, record numbers, footer): system administrators only.
    ManageSite,
}

impl Power {
    /// Who holds it, in a sentence for the person refused.
    pub const fn refusal(self) -> &'static str {
        match self {
            Self::ManageAccounts => "只有系统管理员和机关管理员可以管理用户。",
            Self::AddAgencies => "只有系统管理员或上级机关的机关管理员可以添加机关。",
            Self::ReadAudit => "只有系统管理员、机关管理员和政务公开办可以查看审计日志。",
            Self::ManageSite => "只有系统管理员可以修改网站设置。",
        }
    }
}

/// Why a new account's first role was refused: a choice to correct, or one the person may not make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstRoleError {
    /// The form's choice is missing or names nothing.
    Invalid(&'static str),
    /// The person may not grant this role there.
    Forbidden(Forbidden),
}

/// The refusal to manage an account the person may see.
pub const NOT_YOUR_ACCOUNT: &str =
    "您不能管理这个账号：它在您管理范围以外的机关也有角色，或是您本人、系统管理员。";

/// A person's name as accounts show it: trimmed, 1 to 50 characters.
pub fn parse_display_name(s: &str) -> Result<String, AccountError> {
    let name = s.trim();
    if name.is_empty() || name.chars().count() > 50 {
        Err(AccountError::BadDisplayName)
    } else {
        Ok(name.to_owned())
    }
}

/// A person may see the thing but not do this to it; the message says who may. (What the person
/// may not even see is not refused but absent, so its existence does not leak.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Forbidden(pub String);

/// A login name: 3 to 32 lower-case letters, digits, '.', '_' or '-', starting with a letter.
pub fn parse_username(s: &str) -> Result<String, AccountError> {
    let name = s.trim().to_lowercase();
    let ok = (3..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(name)
    } else {
        Err(AccountError::BadUsername(s.trim().to_owned()))
    }
}

/// The least a password must be: 10 characters, not all one kind, not the login name.
pub fn check_password_strength(password: &str, username: &str) -> Result<(), AccountError> {
    let n = password.chars().count();
    if n < 10 {
        return Err(AccountError::WeakPassword("至少10个字符"));
    }
    if n > 256 {
        return Err(AccountError::WeakPassword("不超过256个字符"));
    }
    let kinds = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    if kinds < 2 {
        return Err(AccountError::WeakPassword(
            "至少包含字母、数字、符号中的两类",
        ));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(AccountError::WeakPassword("不能包含用户名"));
    }
    Ok(())
}

/// A staff member's notification address as typed: empty for none, else an e-mail address.
pub fn parse_notification_address(s: &str) -> Result<Option<&str>, AccountError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    crate::intake::email_address(s)
        .map(Some)
        .ok_or(AccountError::BadEmail)
}

/// Checks a change of one's own password: the current one given right (against its `stored`
/// hash), the new one typed the same twice, different from the current one, and strong enough.
pub fn check_password_change(
    stored: &str,
    current: &str,
    new: &str,
    confirm: &str,
    username: &str,
) -> Result<(), AccountError> {
    if !verify_password(current, stored) {
        return Err(AccountError::WrongPassword);
    }
    if new != confirm {
        return Err(AccountError::Mismatch);
    }
    if new == current {
        return Err(AccountError::Unchanged);
    }
    check_password_strength(new, username)
}

/// Why account data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// Bad login name.
    #[error(
        "用户名“{0}”无效：3至32个字符，以小写字母开头，只能使用小写字母、数字、点、下划线和连字符"
    )]
    BadUsername(String),
    /// Empty or over-long display name.
    #[error("姓名不能为空，且不超过50个字")]
    BadDisplayName,
    /// The password is too weak; the text says which rule failed.
    #[error("密码不符合要求：{0}")]
    WeakPassword(&'static str),
    /// A notification address that is not an e-mail address.
    #[error("邮箱地址格式不正确，应形如 name@example.gov.cn；留空则不发通知。")]
    BadEmail,
    /// The current password given is not the account's.
    #[error("当前密码不正确。")]
    WrongPassword,
    /// The new password was typed differently the second time.
    #[error("两次输入的新密码不一致。")]
    Mismatch,
    /// The new password is the current one.
    #[error("新密码不能与当前密码相同。")]
    Unchanged,
    /// Hashing failed (never expected).
    #[error("密码处理失败：{0}")]
    Hash(String),
}

/// Argon2id parameters. The defaults are OWASP's recommendation (19 MiB, 2 passes, 1 lane); tests
/// use [`HashParams::fast_for_tests`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for HashParams {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl HashParams {
    /// Cheap parameters, only for tests.
    pub const fn fast_for_tests() -> Self {
        Self {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        }
    }

    fn hasher(self) -> Result<argon2::Argon2<'static>, AccountError> {
        let params = argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| AccountError::Hash(e.to_string()))?;
        Ok(argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }
}

/// Hashes a password (Argon2id, random salt, PHC string).
pub fn hash_password(password: &str, params: HashParams) -> Result<String, AccountError> {
    use argon2::password_hash::PasswordHasher;
    Ok(params
        .hasher()?
        .hash_password(password.as_bytes())
        .map_err(|e| AccountError::Hash(e.to_string()))?
        .to_string())
}

/// Whether `password` matches a stored PHC hash (with the parameters stored in it).
pub fn verify_password(password: &str, stored: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    use argon2::password_hash::phc::PasswordHash;
    PasswordHash::new(stored).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A random secret of 32 bytes as 64 hex characters (session ids, CSRF tokens, first passwords).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    to_hex(&bytes)
}

/// How long counted events of visitors (failed sign-ins, submissions, evaluations) are kept for
/// limits: long enough for any window a limit looks back over, then removed (the subjects are
/// keyed hashes of addresses, but even those are not kept longer than needed).
pub const RATE_RETENTION_DAYS: i64 = 30;

/// A growing delay: the first `free` failures cost nothing, then each one doubles the wait
/// (`first` seconds, then twice that, …) up to `max` seconds. Nothing is ever locked: once the
/// wait since the last failure has passed, the next attempt is judged on its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Failures allowed without a wait.
    pub free: i64,
    /// The first wait, in seconds.
    pub first: i64,
    /// The longest wait, in seconds.
    pub max: i64,
}

impl Backoff {
    /// The wait after `failures` failures.
    pub fn delay(self, failures: i64) -> chrono::Duration {
        if failures < self.free {
            return chrono::Duration::zero();
        }
        let doublings = u32::try_from((failures - self.free).min(40)).unwrap_or(40);
        let secs = self.first.saturating_mul(2_i64.saturating_pow(doublings));
        chrono::Duration::seconds(secs.min(self.max))
    }
}

/// How sign-in slows down guessing without letting anyone lock a member of staff out: delays,
/// never a refusal of the right password once the wait is over.
///
/// - **The address** (all accounts it tries): a guesser from one place is slowed down to one try
///   every `per_address.max` seconds.
/// - **The account from this address**: failures for one account from one place.
/// - **The account from everywhere**: a slower, short-capped delay for many guessers at once —
///   which does not apply at an address the account has signed in from before, so guessing
///   elsewhere never keeps the person out at their own desk.
///
/// The account holder is told by mail when failures for the account reach `notify_at` within the
/// window (once per window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInPolicy {
    /// How far back failures are counted.
    pub window: chrono::Duration,
    /// Failures from one address, any account.
    pub per_address: Backoff,
    /// Failures for one account from one address.
    pub per_pair: Backoff,
    /// Failures for one account from anywhere (not applied at a known address).
    pub per_account: Backoff,
    /// Failures for the account at which its holder is told.
    pub notify_at: i64,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        Self {
            window: chrono::Duration::hours(1),
            per_address: Backoff {
                free: 10,
                first: 2,
                max: 15 * 60,
            },
            per_pair: Backoff {
                free: 3,
                first: 2,
                max: 5 * 60,
            },
            per_account: Backoff {
                free: 5,
                first: 1,
                max: 30,
            },
            notify_at: 5,
        }
    }
}

/// Failures counted within the policy's window: how many, and the latest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// How many.
    pub count: i64,
    /// The latest.
    pub last: Option<chrono::DateTime<chrono::Utc>>,
}

impl Failures {
    fn wait(self, backoff: Backoff, now: chrono::DateTime<chrono::Utc>) -> chrono::Duration {
        let Some(last) = self.last else {
            return chrono::Duration::zero();
        };
        (last + backoff.delay(self.count) - now).max(chrono::Duration::zero())
    }
}

/// What is known of recent failures when someone tries to sign in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignInFacts {
    /// From this address, any account.
    pub address: Failures,
    /// For this account from this address.
    pub pair: Failures,
    /// For this account from anywhere.
    pub account: Failures,
    /// The account has signed in from this address before.
    pub known_address: bool,
}

impl SignInPolicy {
    /// How long the person must wait before this attempt is judged (`None`: judge it now).
    pub fn wait(
        &self,
        facts: &SignInFacts,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::Duration> {
        let mut wait = facts
            .address
            .wait(self.per_address, now)
            .max(facts.pair.wait(self.per_pair, now));
        if !facts.known_address {
            wait = wait.max(facts.account.wait(self.per_account, now));
        }
        (wait > chrono::Duration::zero()).then_some(wait)
    }

    /// Whether the failure that brought the account's count to `account_failures` is the one to
    /// tell its holder about.
    pub fn notify(&self, account_failures: i64) -> bool {
        account_failures == self.notify_at
    }
}

/// The refusal shown while a wait lasts: how long, in words a person reads, and that the right
/// password will work afterwards.
pub fn wait_message(wait: chrono::Duration) -> String {
    let secs = wait.num_seconds().max(1);
    let how_long = if secs < 60 {
        format!("{secs}秒")
    } else {
        format!("{}分钟", (secs + 59) / 60)
    };
    format!(
        "登录失败次数较多，为防止密码被猜测，请{how_long}后再试；届时输入正确的密码即可登录。如忘记密码，请联系机关管理员重置。"
    )
}

/// What one address may submit to the public forms and the API within an hour, per kind: requests
/// for information, enquiries and complaints, evaluations. Past it the address waits; others are
/// not affected. Counted in the database (shared by every server), the address kept only as a
/// keyed hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    /// A request for government information (the form or the API).
    Request,
    /// An enquiry or complaint.
    Message,
    /// An evaluation.
    Evaluation,
}

impl Submission {
    /// The bucket its events are counted in.
    pub fn bucket(self) -> &'static str {
        match self {
            Self::Request => "submit-request",
            Self::Message => "submit-message",
            Self::Evaluation => "submit-evaluation",
        }
    }

    /// How many one address may make per hour: generous for a person or an office sending many,
    /// far below a flood.
    pub fn per_hour(self) -> i64 {
        match self {
            Self::Request => 20,
            Self::Message => 10,
            Self::Evaluation => 30,
        }
    }

    /// The refusal past the limit.
    pub fn refusal(self) -> &'static str {
        "本网络地址一小时内提交次数过多，这次提交未被接收，未做任何更改。请一小时后再试；急事请拨打政府信息公开指南中的联系电话。"
    }
}

/// A password a person can type from a printed sheet: 16 characters from an unambiguous alphabet.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    let pick = |set: &[u8], b: u8| char::from(set[usize::from(b) % set.len()]);
    // Two kinds of character for check_password_strength: a letter first, then a digit, each
    // drawn like the rest (they were the same "k7" in every password).
    std::iter::once(pick(LETTERS, bytes[0]))
        .chain(std::iter::once(pick(DIGITS, bytes[1])))
        .chain(bytes[2..].iter().map(|b| pick(ALPHABET, *b)))
        .collect()
}

/// SHA-256 of a secret, hex: what the database stores instead of a session id.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    to_hex(&sha2::Sha256::digest(data))
}

/// Whether an account may be given the requests and messages of `agency` to handle: enabled, and
/// holding 依申请公开经办人 there (`grants` are the account's).
pub fn assignable<'a>(
    disabled: bool,
    grants: impl IntoIterator<Item = &'a Grant>,
    agency: &Slug,
) -> bool {
    !disabled
        && grants
            .into_iter()
            .any(|g| &g.agency == agency && g.role == Role::CaseOfficer)
}

/// Whether the contact given to look up one's own request or message is the one given with it:
/// with the tracking code it is the key to a person's own records, so it is compared in constant
/// time, spaces at the ends ignored.
pub fn contact_matches(stored: &str, given: &str) -> bool {
    // Both in their normal form (`intake::Contact`): "138-0013-8000" is the number 13800138000
    // was stored as; what is none of the three is compared as typed.
    let normal = |s: &str| {
        crate::intake::Contact::parse(s)
            .map_or_else(|_| s.trim().to_owned(), |c| c.normalized().to_owned())
    };
    let given = normal(given);
    !given.is_empty() && secrets_equal(&normal(stored), &given)
}

/// Constant-time comparison of two secrets.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

impl crate::Refusal for AccountError {}
impl crate::Refusal for UnknownRole {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agency::{AgencyKind, CreditCode};

    fn slug(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    fn agency(s: &str, parent: Option<&str>) -> Agency {
        let first17 = format!(
            "1137032300{:07}",
            s.len() * 1000 + usize::from(s.as_bytes()[0])
        );
        let code = format!("{first17}{}", CreditCode::check_char(&first17).unwrap());
        Agency::new(
            slug(s),
            s,
            CreditCode::parse(&code).unwrap(),
            AgencyKind::Town,
            parent.map(slug),
        )
        .unwrap()
    }

    fn person(grants: &[(&str, Role)]) -> Principal {
        Principal {
            user_id: 1,
            username: "p".into(),
            display_name: "P".into(),
            is_system_admin: false,
            grants: grants
                .iter()
                .map(|(a, r)| Grant {
                    agency: slug(a),
                    role: *r,
                })
                .collect(),
        }
    }

    fn at(secs: i64) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_740_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn delays_grow_by_doubling_after_the_free_tries_and_stop_at_the_cap() {
        let b = Backoff {
            free: 3,
            first: 2,
            max: 300,
        };
        let secs: Vec<i64> = (0..13).map(|n| b.delay(n).num_seconds()).collect();
        assert_eq!(secs, [0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(b.delay(i64::MAX).num_seconds(), 300, "no overflow");
    }

    #[test]
    fn the_right_password_is_judged_once_the_wait_is_over() {
        let p = SignInPolicy::default();
        let facts = SignInFacts {
            pair: Failures {
                count: 5,
                last: Some(at(0)),
            },
            ..SignInFacts::default()
        };
        // Five failures from here: 8 s to wait (2, 4, 8), then the attempt is judged.
        assert_eq!(p.wait(&facts, at(3)), Some(chrono::Duration::seconds(5)));
        assert_eq!(p.wait(&facts, at(8)), None);
        // However many failures, the wait is bounded: never a lock.
        let many = SignInFacts {
            address: Failures {
                count: 10_000,
                last: Some(at(0)),
            },
            ..facts
        };
        assert_eq!(p.wait(&many, at(15 * 60)), None);
    }

    #[test]
    fn guessing_elsewhere_does_not_slow_the_person_at_their_own_desk() {
        let p = SignInPolicy::default();
        let attacked = SignInFacts {
            account: Failures {
                count: 500,
                last: Some(at(0)),
            },
            ..SignInFacts::default()
        };
        assert_eq!(
            p.wait(&attacked, at(1)),
            Some(chrono::Duration::seconds(29))
        );
        let at_desk = SignInFacts {
            known_address: true,
            ..attacked
        };
        assert_eq!(p.wait(&at_desk, at(1)), None);
    }

    #[test]
    fn the_holder_is_told_once_when_failures_reach_the_threshold() {
        let p = SignInPolicy::default();
        let told: Vec<i64> = (1..=20).filter(|n| p.notify(*n)).collect();
        assert_eq!(told, [5]);
    }

    #[test]
    fn the_wait_is_said_in_seconds_or_whole_minutes() {
        assert!(wait_message(chrono::Duration::seconds(8)).contains("请8秒后再试"));
        assert!(wait_message(chrono::Duration::seconds(61)).contains("请2分钟后再试"));
        assert!(wait_message(chrono::Duration::zero()).contains("请1秒后再试"));
    }

    #[test]
    fn each_kind_of_submission_has_its_own_bucket_and_limit() {
        let kinds = [
            Submission::Request,
            Submission::Message,
            Submission::Evaluation,
        ];
        let buckets: std::collections::HashSet<_> = kinds.iter().map(|k| k.bucket()).collect();
        assert_eq!(buckets.len(), 3);
        assert!(kinds.iter().all(|k| k.per_hour() >= 10));
    }

    #[test]
    fn oversight_reads_below_and_acts_nowhere() {
        let tree = Hierarchy::new(&[
            agency("county", None),
            agency("town-a", Some("county")),
            agency("other", None),
        ]);
        let officer = person(&[("county", Role::OversightOfficer)]);
        assert!(officer.can_read(&slug("town-a"), &tree));
        assert!(officer.can_read(&slug("county"), &tree));
        assert!(!officer.can_read(&slug("other"), &tree));
        for role in Role::ALL {
            assert!(!officer.can_act(&slug("town-a"), role));
            assert!(!officer.can_act(&slug("county"), role));
        }
        assert!(!officer.can_administer(&slug("town-a")));
    }

    #[test]
    fn a_role_in_one_agency_gives_nothing_in_a_sibling() {
        let tree = Hierarchy::new(&[
            agency("county", None),
            agency("town-a", Some("county")),
            agency("town-b", Some("county")),
        ]);
        let admin = person(&[("town-a", Role::AgencyAdmin), ("town-a", Role::Drafter)]);
        assert!(admin.can_read(&slug("town-a"), &tree));
        assert!(!admin.can_read(&slug("town-b"), &tree));
        assert!(!admin.can_read(&slug("county"), &tree));
        assert!(!admin.can_administer(&slug("town-b")));
        assert!(admin.can_grant(&slug("town-a"), Role::CaseOfficer));
        assert!(!admin.can_grant(&slug("town-a"), Role::OversightOfficer));
        assert!(!admin.can_create_agency(None));
        assert!(admin.require_create_agency(None).is_err());
        assert!(admin.require_create_agency(Some(&slug("town-a"))).is_ok());
    }

    /// The county, two towns under it, and an agency elsewhere: each with its lineage.
    fn lineages() -> Vec<Vec<Agency>> {
        let county = agency("county", None);
        let a = agency("town-a", Some("county"));
        let b = agency("town-b", Some("county"));
        let other = agency("other", None);
        vec![
            vec![county.clone()],
            vec![a, county.clone()],
            vec![b, county],
            vec![other],
        ]
    }

    #[test]
    fn reading_by_lineage_answers_as_reading_by_the_whole_tree() {
        let all: Vec<Agency> = lineages().into_iter().map(|l| l[0].clone()).collect();
        let tree = Hierarchy::new(&all);
        let mut root = person(&[]);
        root.is_system_admin = true;
        let people = [
            person(&[]),
            person(&[("county", Role::OversightOfficer)]),
            person(&[("town-a", Role::OversightOfficer)]),
            person(&[("county", Role::AgencyAdmin)]),
            person(&[("town-a", Role::Drafter), ("other", Role::CaseOfficer)]),
            root,
        ];
        for p in &people {
            for lineage in lineages() {
                assert_eq!(
                    p.can_read_lineage(&lineage),
                    p.can_read(&lineage[0].slug, &tree),
                    "{:?} reading {}",
                    p.grants,
                    lineage[0].slug
                );
            }
        }
        assert!(!people[5].can_read_lineage(&[]), "nothing to read");
    }

    #[test]
    fn oversight_reads_the_agencies_below_by_their_lineage_and_not_above() {
        let officer = person(&[("town-a", Role::OversightOfficer)]);
        let l = lineages();
        assert!(officer.can_read_lineage(&l[1]));
        assert!(!officer.can_read_lineage(&l[0]), "the county is above");
        assert!(!officer.can_read_lineage(&l[2]), "a sibling is not below");
        let county = person(&[("county", Role::OversightOfficer)]);
        assert!(l.iter().take(3).all(|x| county.can_read_lineage(x)));
        assert!(!county.can_read_lineage(&l[3]));
    }

    #[test]
    fn duties_follow_the_roles_and_oversight_does_none() {
        let town = slug("town-a");
        let with = |role| person(&[("town-a", role)]);
        let may = |p: &Principal, d| p.may(d, &town);
        assert!(may(&with(Role::Drafter), Duty::Draft));
        assert!(may(&with(Role::Drafter), Duty::Review));
        assert!(may(&with(Role::FirstReviewer), Duty::Review));
        assert!(!may(&with(Role::FirstReviewer), Duty::Draft));
        assert!(may(&with(Role::CaseOfficer), Duty::HandleRequests));
        assert!(may(&with(Role::CaseOfficer), Duty::SeePersonalData));
        assert!(may(&with(Role::AgencyAdmin), Duty::AnswerMessages));
        assert!(!may(&with(Role::AgencyAdmin), Duty::HandleRequests));
        assert!(may(&with(Role::FinalReviewer), Duty::EditReport));
        assert!(!may(&with(Role::FirstReviewer), Duty::EditReport));
        let overseer = person(&[("town-a", Role::OversightOfficer)]);
        let every = [
            Duty::Draft,
            Duty::Review,
            Duty::HandleRequests,
            Duty::AnswerMessages,
            Duty::SeePersonalData,
            Duty::Administer,
            Duty::EditReport,
        ];
        for d in every {
            assert!(!may(&overseer, d), "{d:?}");
            assert!(
                !person(&[("town-b", Role::AgencyAdmin)]).may(d, &town),
                "{d:?}"
            );
            assert_eq!(
                overseer.require(d, &town),
                Err(Forbidden(d.refusal().to_owned()))
            );
        }
        let reviewer = person(&[("town-a", Role::FinalReviewer), ("town-b", Role::Drafter)]);
        let r = reviewer.reviewer(&town);
        assert!(
            r.final_ && !r.first && !r.drafter,
            "roles elsewhere do not count"
        );
        assert!(!overseer.reviewer(&town).drafter);
        let mut root = person(&[]);
        root.is_system_admin = true;
        assert!(may(&root, Duty::Administer) && may(&root, Duty::EditReport));
        assert!(
            !may(&root, Duty::Draft),
            "drafting is a role, not a privilege"
        );
    }

    #[test]
    fn powers_span_agencies_and_oversight_only_reads_the_audit_trail() {
        let admin = person(&[("town-a", Role::AgencyAdmin)]);
        let overseer = person(&[("county", Role::OversightOfficer)]);
        let drafter = person(&[("town-a", Role::Drafter)]);
        for power in [Power::ManageAccounts, Power::AddAgencies, Power::ReadAudit] {
            assert!(admin.has(power), "{power:?}");
            assert!(!drafter.has(power), "{power:?}");
            assert_eq!(
                drafter.require_power(power),
                Err(Forbidden(power.refusal().to_owned()))
            );
        }
        assert!(overseer.has(Power::ReadAudit));
        assert!(!overseer.has(Power::ManageAccounts) && !overseer.has(Power::AddAgencies));
        let tree = Hierarchy::new(&[agency("county", None), agency("town-a", Some("county"))]);
        assert!(overseer.can_audit(&slug("town-a"), &tree));
        assert!(admin.can_audit(&slug("town-a"), &tree));
        assert!(!admin.can_audit(&slug("county"), &tree));
        assert!(!drafter.can_audit(&slug("town-a"), &tree));
        assert!(!admin.reads_whole_audit_trail() && !overseer.reads_whole_audit_trail());
    }

    #[test]
    fn an_account_is_managed_only_where_every_role_is_administered() {
        let grant = |a: &str, role| Grant {
            agency: slug(a),
            role,
        };
        let mut admin = person(&[("town-a", Role::AgencyAdmin)]);
        admin.user_id = 10;
        let here = [grant("town-a", Role::Drafter)];
        let both = [
            grant("town-a", Role::Drafter),
            grant("town-b", Role::Drafter),
        ];
        assert!(admin.can_see_account(2, &both));
        assert!(admin.can_manage_account(2, false, &here));
        assert!(
            !admin.can_manage_account(2, false, &both),
            "a role elsewhere"
        );
        assert!(
            !admin.can_manage_account(2, true, &here),
            "a system administrator"
        );
        assert!(
            !admin.can_manage_account(2, false, &[]),
            "an account without roles"
        );
        assert!(!admin.can_manage_account(10, false, &here), "oneself");
        assert!(admin.can_see_account(10, &[]), "oneself is seen");
        assert!(!admin.can_see_account(3, &[grant("town-b", Role::Drafter)]));
        let mut root = person(&[]);
        root.is_system_admin = true;
        assert!(root.can_manage_account(2, true, &[]));
        assert!(root.can_move_agency() && !admin.can_move_agency());
    }

    #[test]
    fn a_new_account_starts_with_a_role_its_creator_may_grant() {
        let admin = person(&[("town-a", Role::AgencyAdmin)]);
        assert_eq!(
            admin.first_role("town-a", "drafter"),
            Ok(Some(Grant {
                agency: slug("town-a"),
                role: Role::Drafter
            }))
        );
        assert_eq!(
            admin.first_role("", ""),
            Err(FirstRoleError::Invalid("请选择所属机关和角色。"))
        );
        assert!(matches!(
            admin.first_role("town-b", "drafter"),
            Err(FirstRoleError::Forbidden(_))
        ));
        assert!(matches!(
            admin.first_role("town-a", "oversight_officer"),
            Err(FirstRoleError::Forbidden(_))
        ));
        assert_eq!(
            admin.first_role("Town A", "drafter"),
            Err(FirstRoleError::Invalid("所选机关不存在。"))
        );
        assert_eq!(
            admin.first_role("town-a", "boss"),
            Err(FirstRoleError::Invalid("所选角色无效。"))
        );
        assert!(!admin.grantable_roles().any(|r| r == Role::OversightOfficer));
        let mut root = person(&[]);
        root.is_system_admin = true;
        assert_eq!(root.first_role(" ", ""), Ok(None));
        assert!(root.makes_system_admin(true) && !root.makes_system_admin(false));
        assert!(!admin.makes_system_admin(true));
        assert_eq!(root.grantable_roles().count(), Role::ALL.len());
    }

    #[test]
    fn a_notification_address_is_an_email_address_or_nothing() {
        assert_eq!(parse_notification_address("  "), Ok(None));
        assert_eq!(
            parse_notification_address(" li@example.gov.cn "),
            Ok(Some("li@example.gov.cn"))
        );
        assert_eq!(
            parse_notification_address("13700000000"),
            Err(AccountError::BadEmail)
        );
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(parse_display_name(" 张三 ").unwrap(), "张三");
        assert_eq!(parse_display_name("  "), Err(AccountError::BadDisplayName));
        assert!(parse_display_name(&"长".repeat(51)).is_err());
        assert!(parse_display_name(&"长".repeat(50)).is_ok());
    }

    #[test]
    fn a_cycle_in_the_tree_is_detected() {
        let tree = Hierarchy::new(&[agency("county", None), agency("town-a", Some("county"))]);
        assert!(tree.would_cycle(&slug("county"), &slug("town-a")));
        assert!(!tree.would_cycle(&slug("town-a"), &slug("county")));
        assert!(
            tree.check_parent(&slug("county"), Some(&slug("town-a")))
                .is_err()
        );
        assert!(
            tree.check_parent(&slug("county"), Some(&slug("county")))
                .is_err()
        );
        assert!(
            tree.check_parent(&slug("town-a"), Some(&slug("county")))
                .is_ok()
        );
        assert!(tree.check_parent(&slug("county"), None).is_ok());
    }

    #[test]
    fn passwords_hash_and_verify_and_weak_ones_are_refused() {
        let h = hash_password("Correct horse 7", HashParams::fast_for_tests()).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Correct horse 7", &h));
        assert!(!verify_password("correct horse 7", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(check_password_strength("short1", "u").is_err());
        assert!(check_password_strength("alllowercaseletters", "u").is_err());
        assert!(check_password_strength("zhangsan-2024", "zhangsan").is_err());
        assert!(check_password_strength("Harbour-light-42", "zhangsan").is_ok());
        assert!(check_password_strength(&random_password(), "zhangsan").is_ok());
    }

    #[test]
    fn random_passwords_are_strong_and_share_no_fixed_start() {
        let drawn: Vec<String> = (0..64).map(|_| random_password()).collect();
        for p in &drawn {
            assert_eq!(p.chars().count(), 16, "{p}");
            assert!(check_password_strength(p, "zhangsan").is_ok(), "{p}");
        }
        // The first two characters vary like the rest (they were "k7" in every password); 64
        // draws giving one start by chance is (1/376)^63.
        let starts: std::collections::BTreeSet<&str> = drawn.iter().map(|p| &p[..2]).collect();
        assert!(starts.len() > 1, "{starts:?}");
    }

    #[test]
    fn a_password_change_needs_the_current_one_twice_the_new_one_and_a_change() {
        let h = hash_password("Harbour-light-42", HashParams::fast_for_tests()).unwrap();
        let change = |current, new, confirm| check_password_change(&h, current, new, confirm, "zs");
        assert_eq!(
            change("wrong", "Quiet-river-77", "Quiet-river-77"),
            Err(AccountError::WrongPassword)
        );
        assert_eq!(
            change("Harbour-light-42", "Quiet-river-77", "Quiet-river-78"),
            Err(AccountError::Mismatch)
        );
        assert_eq!(
            change("Harbour-light-42", "Harbour-light-42", "Harbour-light-42"),
            Err(AccountError::Unchanged)
        );
        assert!(matches!(
            change("Harbour-light-42", "short", "short"),
            Err(AccountError::WeakPassword(_))
        ));
        assert!(change("Harbour-light-42", "Quiet-river-77", "Quiet-river-77").is_ok());
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(parse_username(" ZhangSan ").unwrap(), "zhangsan");
        assert!(parse_username("1abc").is_err());
        assert!(parse_username("ab").is_err());
        assert!(parse_username("张三").is_err());
    }

    #[test]
    fn only_enabled_case_officers_of_the_agency_are_assigned_work() {
        let town = slug("town-a");
        let grant = |a: &str, role| Grant {
            agency: slug(a),
            role,
        };
        let officer = [grant("town-a", Role::CaseOfficer)];
        assert!(assignable(false, &officer, &town));
        assert!(!assignable(true, &officer, &town), "disabled");
        assert!(!assignable(
            false,
            &[grant("town-b", Role::CaseOfficer)],
            &town
        ));
        assert!(!assignable(
            false,
            &[grant("town-a", Role::AgencyAdmin)],
            &town
        ));
    }

    #[test]
    fn a_tracking_contact_matches_only_the_one_given() {
        assert!(contact_matches(" 13700000000", "13700000000 "));
        assert!(!contact_matches("13700000000", "13700000001"));
        assert!(!contact_matches("13700000000", ""));
        assert!(
            contact_matches("13800138000", "138-0013-8000"),
            "however the number is written"
        );
        assert!(contact_matches("wang@example.com", " Wang@Example.COM"));
    }

    #[test]
    fn tokens_are_random_hex() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(secrets_equal(&a, &a.clone()));
        assert!(!secrets_equal(&a, &b));
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
