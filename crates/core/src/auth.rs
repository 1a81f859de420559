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
        self.is_system_admin
            || self.grants.iter().any(|g| {
                &g.agency == agency
                    || (g.role == Role::OversightOfficer && tree.is_within(agency, &g.agency))
            })
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

    /// Agencies the person administers (all, for a system administrator: `None`).
    pub fn administered(&self) -> Option<Vec<&Slug>> {
        (!self.is_system_admin).then(|| {
            self.grants
                .iter()
                .filter(|g| g.role == Role::AgencyAdmin)
                .map(|g| &g.agency)
                .collect()
        })
    }
}

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

/// A password a person can type from a printed sheet: 16 characters from an unambiguous alphabet.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    let mut s: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    // Guarantee two kinds of character for check_password_strength.
    s.replace_range(0..1, "k");
    s.replace_range(1..2, "7");
    s
}

/// SHA-256 of a secret, hex: what the database stores instead of a session id.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    to_hex(&sha2::Sha256::digest(data))
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
    }

    #[test]
    fn a_cycle_in_the_tree_is_detected() {
        let tree = Hierarchy::new(&[agency("county", None), agency("town-a", Some("county"))]);
        assert!(tree.would_cycle(&slug("county"), &slug("town-a")));
        assert!(!tree.would_cycle(&slug("town-a"), &slug("county")));
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
    fn usernames_are_normalised_and_checked() {
        assert_eq!(parse_username(" ZhangSan ").unwrap(), "zhangsan");
        assert!(parse_username("1abc").is_err());
        assert!(parse_username("ab").is_err());
        assert!(parse_username("张三").is_err());
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
