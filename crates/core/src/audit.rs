//! The audit trail's hash chain. Every record carries the hash of the one before it, so editing or
//! deleting a row breaks the chain at that row, and the chain head (kept apart) catches a truncated
//! tail. The canonical form below is what is hashed; it never changes once records exist.

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
}

/// The hash of a record with these fields after `prev_hash`.
#[expect(
    clippy::too_many_arguments,
    reason = "the canonical form lists every field"
)]
pub fn record_hash(
    id: i64,
    at_ms: i64,
    actor_id: Option<i64>,
    actor: &str,
    agency: Option<&str>,
    action: &str,
    target: &str,
    summary: &str,
    prev_hash: &str,
) -> String {
    // Fields are separated by U+001F, which text fields cannot usefully contain; each is prefixed
    // with its length so no two field lists share a canonical form.
    let fields = [
        id.to_string(),
        at_ms.to_string(),
        actor_id.map_or_else(String::new, |i| i.to_string()),
        actor.to_owned(),
        agency.unwrap_or_default().to_owned(),
        action.to_owned(),
        target.to_owned(),
        summary.to_owned(),
        prev_hash.to_owned(),
    ];
    let canonical: Vec<String> = fields.iter().map(|f| format!("{}:{f}", f.len())).collect();
    sha256_hex(canonical.join("\u{1f}").as_bytes())
}

impl AuditRecord {
    /// The hash this record should carry.
    pub fn expected_hash(&self) -> String {
        record_hash(
            self.id,
            self.at_ms,
            self.actor_id,
            &self.actor,
            self.agency.as_deref(),
            &self.action,
            &self.target,
            &self.summary,
            &self.prev_hash,
        )
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
    /// The last record is not the chain head (rows deleted at the end).
    #[error("审计记录止于第{last_id}条，但链头记录为第{head_id}条：末尾的记录被删除")]
    Truncated {
        /// Last id present.
        last_id: i64,
        /// Last id the head remembers.
        head_id: i64,
    },
}

/// Checks records in id order against the chain head `(last_id, last_hash)`.
pub fn verify_chain<'a>(
    records: impl IntoIterator<Item = &'a AuditRecord>,
    head: (i64, &str),
) -> Result<i64, ChainBreak> {
    let (mut prev_id, mut prev_hash) = (0_i64, GENESIS.to_owned());
    for r in records {
        if r.id != prev_id + 1 || r.prev_hash != prev_hash {
            return Err(ChainBreak::Broken {
                id: r.id,
                expected_prev: prev_id,
            });
        }
        if r.hash != r.expected_hash() {
            return Err(ChainBreak::Altered { id: r.id });
        }
        prev_id = r.id;
        prev_hash.clone_from(&r.hash);
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
                };
                r.hash = r.expected_hash();
                prev.clone_from(&r.hash);
                r
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_any_tampering_is_located() {
        let c = chain(5);
        let head = (5, c[4].hash.as_str());
        assert_eq!(verify_chain(&c, head), Ok(5));

        let mut edited = c.clone();
        edited[2].summary = "final_reviewer".into();
        assert_eq!(
            verify_chain(&edited, head),
            Err(ChainBreak::Altered { id: 3 })
        );

        let mut deleted = c.clone();
        deleted.remove(1);
        assert_eq!(
            verify_chain(&deleted, head),
            Err(ChainBreak::Broken {
                id: 3,
                expected_prev: 1
            })
        );

        let truncated = &c[..4];
        assert_eq!(
            verify_chain(truncated, head),
            Err(ChainBreak::Truncated {
                last_id: 4,
                head_id: 5
            })
        );
        assert_eq!(verify_chain(&[], (0, GENESIS)), Ok(0));
    }

    #[test]
    fn the_canonical_form_separates_fields() {
        let a = record_hash(1, 2, None, "ab", None, "c", "", "", GENESIS);
        let b = record_hash(1, 2, None, "a", None, "bc", "", "", GENESIS);
        assert_ne!(a, b);
    }
}
