//! The audit trail's hash chain. Every record carries the hash of the one before it, so editing or
//! deleting a row breaks the chain at that row, and the chain head (kept apart) catches a truncated
//! tail. The canonical form below is what is hashed; it never changes once records exist.
//!
//! **Anchored outside the database.** Anyone with write access to the database could otherwise
//! edit a row and recompute every hash after it. So each record's hash is an HMAC-SHA256 under a
//! secret kept outside the database (an [`AuditKey`], named in the record by its id; rotation is
//! itself a record), and the chain head is published as signed [`Checkpoint`]s (an append-only file
//! beside the server, a page and a feed on the portal): a rewrite contradicts a checkpoint somebody
//! already holds. Records written before any key existed keep their plain SHA-256.

use serde::{Deserialize, Serialize};

use crate::auth::sha256_hex;

/// Who did something: a signed-in person, or the system itself (CLI, demo loader, migrations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user's id; `None` for the system.
    pub user_id: Option<i64>,
    /// The name recorded: the person's display name and login, or what the system was doing.
    pub name: String,
}

impl Actor {
    /// The system acting on an operator's command, e.g. `Actor::system("命令行 gongkai user add")`.
    pub fn system(what: &str) -> Self {
        Self {
            user_id: None,
            name: format!("系统：{what}"),
        }
    }

    /// A signed-in person.
    pub fn user(user_id: i64, display_name: &str, username: &str) -> Self {
        Self {
            user_id: Some(user_id),
            name: format!("{display_name}（{username}）"),
        }
    }
}

/// What a state change records about itself: the decision's own account, returned by the rules
/// with the decision, to which the store adds who and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The agency concerned (its slug), if any.
    pub agency: Option<String>,
    /// A stable key such as `role.grant`.
    pub action: &'static str,
    /// What, e.g. `user:12`.
    pub target: String,
    /// Before/after in a few words.
    pub summary: String,
}

impl Entry {
    /// An entry about something of `agency`.
    pub fn new(
        agency: Option<&str>,
        action: &'static str,
        target: impl Into<String>,
        summary: impl Into<String>,
    ) -> Self {
        Self {
            agency: agency.map(str::to_owned),
            action,
            target: target.into(),
            summary: summary.into(),
        }
    }
}

/// Actions that change nothing a public page shows: staff signing in and out, their passwords
/// and roles, and the handling of requests for information (a request's progress is shown to its
/// requester alone, by tracking code, and never kept; the annual report's figures are a
/// publication of their own). A `prefix.` stands for every action under it. Every other action,
/// any added later included, counts as a change of the portal: a page may be rendered more often
/// than needed, never kept past a change. Kept pages then outlast the day's sign-ins and
/// requests, which move the database's version a hundred times for each publication.
pub const UNSEEN_ON_PORTAL: [&str; 7] = [
    "session.",
    "request.",
    "requests.",
    "role.",
    "user.password_change",
    "user.password_reset",
    "user.sign_in_failures",
];

/// Whether an action may change what a public page shows ([`UNSEEN_ON_PORTAL`]).
pub fn changes_portal(action: &str) -> bool {
    !UNSEEN_ON_PORTAL.iter().any(|unseen| {
        if unseen.ends_with('.') {
            action.starts_with(unseen)
        } else {
            action == *unseen
        }
    })
}

/// What people read for an action key in the audit trail (the key stays in the record; pages
/// show this). An unknown key — from a newer version, or a hand-made record — shows as itself.
pub fn action_label(action: &str) -> &str {
    match action {
        "agency.create" => "新增机关",
        "site.save" => "修改网站设置",
        "site.agency" => "修改机关的主办单位和联系方式",
        "site.logo" => "上传网站标志图片",
        "agency.update" => "修改机关信息",
        "agency.index_pattern" => "修改索引号格式",
        "agency.letter_settings" => "修改文书设置",
        "agency.report_deadline" => "设置年度报告发布期限",
        "audit.key" => "启用审计密钥",
        "case.record" => "登记复议诉讼案件",
        "case.conclude" => "登记案件审结",
        "catalogue.set" => "修改主动公开目录",
        "channel.add" => "新增发布渠道",
        "channel.set_active" => "启用或停用发布渠道",
        "evaluation.add" => "收到社会评议",
        "guide.save" => "修订公开指南",
        "item.draft" => "新建信息草稿",
        "item.save" => "保存信息草稿",
        "item.attach" => "上传附件",
        "item.detach" => "删除附件",
        "item.submit" => "提交初审",
        "item.approve_first" => "初审通过",
        "item.publish" => "终审通过并发布",
        "item.send_back" => "退回修改",
        "item.withdraw" => "撤回信息",
        "item.revise" => "发起更正",
        "item.validity" => "标注有效性",
        "message.receive" => "收到咨询投诉",
        "message.assign" => "交办咨询投诉",
        "message.reply" => "答复咨询投诉",
        "proposal.save" => "登记建议提案",
        "report.import" => "导入往年年度报告",
        "report.publish" => "发布年度报告",
        "report.propose" => "提请批准发布年度报告",
        "report.return" => "退回年度报告发布申请",
        "report.texts.set" => "保存年度报告正文",
        "report.table2.set" => "录入表二数据",
        "request.register" => "登记政府信息公开申请",
        "request.assign" => "指派经办人",
        "request.accept" => "受理申请",
        "request.clarification_request" => "发出补正告知",
        "request.clarified" => "收到补正",
        "request.clarification_lapsed" => "逾期未补正",
        "request.consultation_start" => "征求第三方意见",
        "request.consultation_end" => "征求意见结束",
        "request.extend" => "延期答复",
        "request.fee_notice" => "发出收费通知",
        "request.fee_paid" => "收到缴费",
        "request.fee_lapsed" => "逾期未缴费",
        "request.decide" => "作出答复",
        "request.file_add" => "上传随答复提供的文件",
        "request.file_remove" => "删除随答复提供的文件",
        "request.close" => "办结",
        "requests.import" => "导入申请记录",
        "role.grant" => "授予角色",
        "role.revoke" => "撤销角色",
        "session.sign_in" => "登录",
        "session.sign_out" => "退出登录",
        "user.create" => "新建账号",
        "user.disable" => "停用账号",
        "user.enable" => "启用账号",
        "user.email" => "设置通知邮箱",
        "user.password_change" => "修改密码",
        "user.password_reset" => "重置密码",
        other => other,
    }
}

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Sequence number, from 1, without gaps.
    pub id: i64,
    /// When, in milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
    /// The acting user's id, or `None` for the system (CLI, demo loader).
    pub actor_id: Option<i64>,
    /// The actor's name as it was then.
    pub actor: String,
    /// The agency concerned, if any.
    pub agency: Option<String>,
    /// What was done, a stable key such as `role.grant`.
    pub action: String,
    /// What it was done to, e.g. `user:12`.
    pub target: String,
    /// Before/after in a few words or JSON.
    pub summary: String,
    /// The previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
    /// The key its hash is keyed with (`None`: a plain SHA-256, from before keys).
    pub key_id: Option<String>,
}

/// The action of the record that brings a key into use (its summary names the key id).
pub const KEY_ACTION: &str = "audit.key";

/// A secret the audit chain is keyed with, kept outside the database (a file readable only by the
/// server, or an environment variable). Its id — the first 16 hex digits of the secret's SHA-256 —
/// is what records and checkpoints name; the secret itself is never stored with them.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey {
    id: String,
    secret: Vec<u8>,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl AuditKey {
    /// A key from its secret bytes.
    pub fn from_secret(secret: Vec<u8>) -> Self {
        let id = sha256_hex(&secret)[..16].to_owned();
        Self { id, secret }
    }

    /// A new random key (256 bits).
    pub fn generate() -> Self {
        let mut secret = vec![0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system provides randomness");
        Self::from_secret(secret)
    }

    /// Its id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// HMAC-SHA256 of `text` under this key, in hex.
    pub fn mac(&self, text: &str) -> String {
        use hmac::{KeyInit, Mac};
        let mut m =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key");
        m.update(text.as_bytes());
        crate::auth::to_hex(&m.finalize().into_bytes())
    }
}

/// The keys a chain was written with, oldest first; the last is the one in use. Kept as text, one
/// key per line in hex (blank lines and `#` comments allowed), so rotation appends a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keyring {
    keys: Vec<AuditKey>,
}

/// A key file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("审计密钥文件第{line}行无法识别：每行应为一个十六进制密钥（至少32个字节）")]
pub struct KeyringError {
    /// The line, from 1.
    pub line: usize,
}

impl Keyring {
    /// Reads a key file's text.
    pub fn parse(text: &str) -> Result<Self, KeyringError> {
        let mut keys = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bytes = from_hex(line)
                .filter(|b| b.len() >= 32)
                .ok_or(KeyringError { line: n + 1 })?;
            keys.push(AuditKey::from_secret(bytes));
        }
        Ok(Self { keys })
    }

    /// The line a key is written as in the key file.
    pub fn line(key: &AuditKey) -> String {
        crate::auth::to_hex(&key.secret)
    }

    /// Adds a key; it becomes the one in use.
    pub fn push(&mut self, key: AuditKey) {
        self.keys.push(key);
    }

    /// The key in use, if any.
    pub fn current(&self) -> Option<&AuditKey> {
        self.keys.last()
    }

    /// The key with this id.
    pub fn get(&self, id: &str) -> Option<&AuditKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// Every key, oldest first.
    pub fn keys(&self) -> &[AuditKey] {
        &self.keys
    }
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl AuditRecord {
    /// The canonical form this record's hash covers: every field but the hash and the key, each
    /// prefixed with its length and separated by U+001F, so no two field lists share a form.
    pub fn canonical(&self) -> String {
        let fields = [
            self.id.to_string(),
            self.at_ms.to_string(),
            self.actor_id.map_or_else(String::new, |i| i.to_string()),
            self.actor.clone(),
            self.agency.clone().unwrap_or_default(),
            self.action.clone(),
            self.target.clone(),
            self.summary.clone(),
            self.prev_hash.clone(),
        ];
        let canonical: Vec<String> = fields.iter().map(|f| format!("{}:{f}", f.len())).collect();
        canonical.join("\u{1f}")
    }

    /// Gives the record its hash: the HMAC under `key`, or without a key the plain SHA-256 (as
    /// records from before keys carry, and as anyone could compute — which is why keys exist).
    pub fn seal(&mut self, key: Option<&AuditKey>) {
        let canonical = self.canonical();
        self.key_id = key.map(|k| k.id().to_owned());
        self.hash = key.map_or_else(|| sha256_hex(canonical.as_bytes()), |k| k.mac(&canonical));
    }

    /// The hash this record should carry: the HMAC under its key, or for a record from before
    /// keys the plain SHA-256; `None` when its key is not in `keys`.
    pub fn expected_hash(&self, keys: &Keyring) -> Option<String> {
        match &self.key_id {
            None => Some(sha256_hex(self.canonical().as_bytes())),
            Some(id) => keys.get(id).map(|k| k.mac(&self.canonical())),
        }
    }
}

/// A signed statement of the chain head at a moment: record `record_id` has hash `hash`. Kept
/// outside the database (an append-only file, the portal's page and feed), so a rewrite of the
/// records up to it contradicts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The record.
    pub record_id: i64,
    /// Its hash.
    pub hash: String,
    /// When the checkpoint was made (ms since the epoch).
    pub at_ms: i64,
    /// The key it is signed with.
    pub key_id: String,
    /// HMAC-SHA256 of the statement.
    pub mac: String,
}

impl Checkpoint {
    fn statement(record_id: i64, hash: &str, at_ms: i64) -> String {
        format!("gongkai-audit-checkpoint|{record_id}|{hash}|{at_ms}")
    }

    /// Signs the head `(record_id, hash)` at `at_ms`.
    pub fn sign(key: &AuditKey, record_id: i64, hash: &str, at_ms: i64) -> Self {
        Self {
            record_id,
            hash: hash.to_owned(),
            at_ms,
            key_id: key.id.clone(),
            mac: key.mac(&Self::statement(record_id, hash, at_ms)),
        }
    }

    /// Whether the signature is good under `keys`.
    pub fn is_signed(&self, keys: &Keyring) -> bool {
        keys.get(&self.key_id).is_some_and(|k| {
            crate::auth::secrets_equal(
                &k.mac(&Self::statement(self.record_id, &self.hash, self.at_ms)),
                &self.mac,
            )
        })
    }

    /// One line of the checkpoint file.
    pub fn line(&self) -> String {
        format!(
            "{} {} {} {} {}",
            self.record_id, self.hash, self.at_ms, self.key_id, self.mac
        )
    }

    /// A line of the checkpoint file, if it is one.
    pub fn parse(line: &str) -> Option<Self> {
        let mut parts = line.split_whitespace();
        let c = Self {
            record_id: parts.next()?.parse().ok()?,
            hash: parts.next()?.to_owned(),
            at_ms: parts.next()?.parse().ok()?,
            key_id: parts.next()?.to_owned(),
            mac: parts.next()?.to_owned(),
        };
        parts.next().is_none().then_some(c)
    }
}

/// Where a chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// A record's content does not match its hash (edited).
    #[error("第{id}条审计记录的内容与其哈希值不符：该记录被修改过")]
    Altered {
        /// The record.
        id: i64,
    },
    /// A record does not follow the one before it (deleted or inserted rows).
    #[error("第{id}条审计记录与上一条不衔接（应接在第{expected_prev}条之后）：有记录被删除或插入")]
    Broken {
        /// The record.
        id: i64,
        /// The id it should follow.
        expected_prev: i64,
    },
    /// A record names a key that is not in the key file.
    #[error(
        "第{id}条审计记录使用的密钥“{key}”不在审计密钥文件中：无法核验（请使用写入时的密钥文件）"
    )]
    UnknownKey {
        /// The record.
        id: i64,
        /// The key id it names.
        key: String,
    },
    /// A record without a key after keys came into use, or a key in the key file that the chain
    /// never brought into use: the records were rewritten without the key.
    #[error("第{id}条审计记录未按密钥签名，而此前已启用密钥：记录被改写过")]
    Unkeyed {
        /// The record.
        id: i64,
    },
    /// A key of the key file whose introduction the chain does not record.
    #[error("审计密钥“{key}”的启用记录不在审计日志中：记录被改写过")]
    KeyMissing {
        /// The key id.
        key: String,
    },
    /// A checkpoint whose signature does not hold.
    #[error("第{id}条记录的检查点签名无效：检查点被伪造或改动")]
    ForgedCheckpoint {
        /// The record the checkpoint names.
        id: i64,
    },
    /// A checkpoint that the records contradict.
    #[error(
        "检查点记载第{id}条审计记录的哈希为 {expected}，而数据库中为 {found}：此前的记录被改写过"
    )]
    Contradicted {
        /// The record.
        id: i64,
        /// The hash the checkpoint holds.
        expected: String,
        /// The hash in the database (empty if the record is gone).
        found: String,
    },
    /// The last record is not the chain head (rows deleted at the end).
    #[error("审计记录止于第{last_id}条，但链头记录为第{head_id}条：末尾的记录被删除")]
    Truncated {
        /// Last id present.
        last_id: i64,
        /// Last id the head remembers.
        head_id: i64,
    },
}

/// Checks records in id order against the chain head `(last_id, last_hash)`, the keys they were
/// written with, and checkpoints published before: `Ok(n)` for an intact chain of `n` records.
pub fn verify_chain<'a>(
    records: impl IntoIterator<Item = &'a AuditRecord>,
    head: (i64, &str),
    keys: &Keyring,
    checkpoints: &[Checkpoint],
) -> Result<i64, ChainBreak> {
    let (mut prev_id, mut prev_hash) = (0_i64, GENESIS.to_owned());
    let mut keyed = false;
    let mut introduced: Vec<String> = Vec::new();
    let mut by_id: std::collections::BTreeMap<i64, String> = std::collections::BTreeMap::new();
    let wanted: std::collections::BTreeSet<i64> = checkpoints.iter().map(|c| c.record_id).collect();
    for r in records {
        if r.id != prev_id + 1 || r.prev_hash != prev_hash {
            return Err(ChainBreak::Broken {
                id: r.id,
                expected_prev: prev_id,
            });
        }
        match (&r.key_id, keyed) {
            (None, true) => return Err(ChainBreak::Unkeyed { id: r.id }),
            (Some(_), _) => keyed = true,
            (None, false) => {}
        }
        let Some(expected) = r.expected_hash(keys) else {
            return Err(ChainBreak::UnknownKey {
                id: r.id,
                key: r.key_id.clone().unwrap_or_default(),
            });
        };
        if !crate::auth::secrets_equal(&r.hash, &expected) {
            return Err(ChainBreak::Altered { id: r.id });
        }
        if r.action == KEY_ACTION {
            // A key's introduction is written under that key: one without it was rewritten.
            if r.key_id.is_none() {
                return Err(ChainBreak::Unkeyed { id: r.id });
            }
            introduced.push(r.summary.clone());
        }
        if wanted.contains(&r.id) {
            by_id.insert(r.id, r.hash.clone());
        }
        prev_id = r.id;
        prev_hash.clone_from(&r.hash);
    }
    if let Some(k) = keys
        .keys()
        .iter()
        .find(|k| prev_id > 0 && !introduced.iter().any(|s| s.contains(k.id())))
    {
        return Err(ChainBreak::KeyMissing { key: k.id.clone() });
    }
    for c in checkpoints {
        if !c.is_signed(keys) {
            return Err(ChainBreak::ForgedCheckpoint { id: c.record_id });
        }
        let found = by_id.get(&c.record_id).cloned().unwrap_or_default();
        if found != c.hash {
            return Err(ChainBreak::Contradicted {
                id: c.record_id,
                expected: c.hash.clone(),
                found,
            });
        }
    }
    if prev_id != head.0 || prev_hash != head.1 {
        return Err(ChainBreak::Truncated {
            last_id: prev_id,
            head_id: head.0,
        });
    }
    Ok(prev_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sign_ins_passwords_roles_and_request_handling_leave_the_portal_as_it_was() {
        for unseen in [
            "session.sign_in",
            "request.decide",
            "requests.import",
            "role.grant",
            "user.password_change",
            "user.sign_in_failures",
        ] {
            assert!(!changes_portal(unseen), "{unseen}");
        }
        for seen in [
            "item.publish",
            "item.withdraw",
            "site.save",
            "agency.update",
            "message.reply",
            "report.publish",
            "catalogue.set",
            "user.create",
            "sessions",
            "requestx.y",
            "some.future_action",
        ] {
            assert!(changes_portal(seen), "{seen}");
        }
        // They go into SQL as `LIKE` patterns and literals: nothing in them may be a wildcard
        // or a quote.
        for unseen in UNSEEN_ON_PORTAL {
            assert!(
                unseen.chars().all(|c| c.is_ascii_lowercase()
                    || c == '.'
                    || (c == '_' && !unseen.ends_with('.'))),
                "{unseen}"
            );
        }
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|id| {
                let mut r = AuditRecord {
                    id,
                    at_ms: 1_700_000_000_000 + id,
                    actor_id: Some(1),
                    actor: "管理员".into(),
                    agency: Some("yiyuan-xili".into()),
                    action: "role.grant".into(),
                    target: format!("user:{id}"),
                    summary: "drafter".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                    key_id: None,
                };
                r.hash = r.expected_hash(&Keyring::default()).unwrap();
                prev.clone_from(&r.hash);
                r
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_any_tampering_is_located() {
        let none = Keyring::default();
        let c = chain(5);
        let head = (5, c[4].hash.as_str());
        assert_eq!(verify_chain(&c, head, &none, &[]), Ok(5));

        let mut edited = c.clone();
        edited[2].summary = "final_reviewer".into();
        assert_eq!(
            verify_chain(&edited, head, &none, &[]),
            Err(ChainBreak::Altered { id: 3 })
        );

        let mut deleted = c.clone();
        deleted.remove(1);
        assert_eq!(
            verify_chain(&deleted, head, &none, &[]),
            Err(ChainBreak::Broken {
                id: 3,
                expected_prev: 1
            })
        );

        let truncated = &c[..4];
        assert_eq!(
            verify_chain(truncated, head, &none, &[]),
            Err(ChainBreak::Truncated {
                last_id: 4,
                head_id: 5
            })
        );
        assert_eq!(verify_chain(&[], (0, GENESIS), &none, &[]), Ok(0));
    }

    #[test]
    fn the_canonical_form_separates_fields() {
        let record = |actor: &str, action: &str| {
            let mut r = AuditRecord {
                id: 1,
                at_ms: 2,
                actor_id: None,
                actor: actor.into(),
                agency: None,
                action: action.into(),
                target: String::new(),
                summary: String::new(),
                prev_hash: GENESIS.into(),
                hash: String::new(),
                key_id: None,
            };
            r.seal(None);
            r.hash
        };
        assert_ne!(record("ab", "c"), record("a", "bc"));
    }

    /// A chain written under `key` from its first record, which introduces the key.
    fn keyed_chain(key: &AuditKey, n: i64) -> Vec<AuditRecord> {
        let keys = Keyring {
            keys: vec![key.clone()],
        };
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|id| {
                let (action, summary) = if id == 1 {
                    (KEY_ACTION.to_owned(), format!("启用审计密钥 {}", key.id()))
                } else {
                    ("role.grant".to_owned(), "drafter".to_owned())
                };
                let mut r = AuditRecord {
                    id,
                    at_ms: 1_700_000_000_000 + id,
                    actor_id: None,
                    actor: "系统".into(),
                    agency: None,
                    action,
                    target: format!("user:{id}"),
                    summary,
                    prev_hash: prev.clone(),
                    hash: String::new(),
                    key_id: Some(key.id().to_owned()),
                };
                r.hash = r.expected_hash(&keys).unwrap();
                prev.clone_from(&r.hash);
                r
            })
            .collect()
    }

    #[test]
    fn a_rewrite_with_recomputed_hashes_is_caught_by_the_key_and_the_checkpoints() {
        let key = AuditKey::generate();
        let keys = Keyring {
            keys: vec![key.clone()],
        };
        let c = keyed_chain(&key, 6);
        let checkpoint = Checkpoint::sign(&key, 4, &c[3].hash, 1);
        let head = (6, c[5].hash.as_str());
        assert_eq!(
            verify_chain(&c, head, &keys, std::slice::from_ref(&checkpoint)),
            Ok(6)
        );

        // Someone with the database but not the key edits record 3 and recomputes every plain
        // hash and the head: the records no longer carry the key's HMAC.
        let mut rewritten = c.clone();
        rewritten[2].summary = "final_reviewer".into();
        let mut prev = rewritten[1].hash.clone();
        for r in &mut rewritten[2..] {
            r.prev_hash = prev.clone();
            r.key_id = None;
            r.hash = r.expected_hash(&Keyring::default()).unwrap();
            prev = r.hash.clone();
        }
        let head = (6, prev.as_str());
        assert_eq!(
            verify_chain(&rewritten, head, &keys, &[]),
            Err(ChainBreak::Unkeyed { id: 3 })
        );
        // The whole chain rewritten without keys: the key's introduction is gone.
        let mut all: Vec<AuditRecord> = c.clone();
        all.remove(0);
        let mut prev = GENESIS.to_owned();
        for (i, r) in all.iter_mut().enumerate() {
            r.id = i64::try_from(i).unwrap() + 1;
            r.prev_hash = prev.clone();
            r.key_id = None;
            r.hash = r.expected_hash(&Keyring::default()).unwrap();
            prev = r.hash.clone();
        }
        let head = (5, prev.as_str());
        assert_eq!(
            verify_chain(&all, head, &keys, &[]),
            Err(ChainBreak::KeyMissing {
                key: key.id().to_owned()
            })
        );
        // Even someone holding the key is caught by a checkpoint published before.
        let mut resigned = c.clone();
        resigned[2].summary = "final_reviewer".into();
        let mut prev = resigned[1].hash.clone();
        for r in &mut resigned[2..] {
            r.prev_hash = prev.clone();
            r.hash = r.expected_hash(&keys).unwrap();
            prev = r.hash.clone();
        }
        let head = (6, prev.as_str());
        assert!(matches!(
            verify_chain(&resigned, head, &keys, std::slice::from_ref(&checkpoint)),
            Err(ChainBreak::Contradicted { id: 4, .. })
        ));
        // A forged checkpoint is refused.
        let forged = Checkpoint {
            hash: "0".repeat(64),
            ..checkpoint
        };
        assert_eq!(
            verify_chain(&c, (6, c[5].hash.as_str()), &keys, &[forged]),
            Err(ChainBreak::ForgedCheckpoint { id: 4 })
        );
    }

    #[test]
    fn keys_and_checkpoints_round_trip_through_their_files() {
        let k = AuditKey::generate();
        let text = format!("# gongkai audit keys\n{}\n", Keyring::line(&k));
        let ring = Keyring::parse(&text).unwrap();
        assert_eq!(ring.current().unwrap().id(), k.id());
        assert_eq!(Keyring::parse("zz").unwrap_err().line, 1);
        assert!(Keyring::parse("abcd").is_err(), "too short");
        let c = Checkpoint::sign(&k, 7, "ab", 9);
        assert_eq!(Checkpoint::parse(&c.line()), Some(c.clone()));
        assert!(c.is_signed(&ring));
        assert!(
            !format!("{k:?}").contains(&Keyring::line(&k)),
            "the secret never prints"
        );
    }

    #[test]
    fn every_action_reads_in_chinese() {
        assert_eq!(action_label("item.publish"), "终审通过并发布");
        assert_eq!(action_label("user.password_change"), "修改密码");
        assert_eq!(action_label("some.future"), "some.future");
    }
}
