#![doc = include_str!("../README.md")]

pub mod deliver;
pub mod index;
pub mod mail;
pub mod sessions;

/// A name for this process as a worker of the shared queues (outbox, deliveries): unique among
/// the servers on one database, so a claim says whose it is.
pub fn worker_id() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        &gongkai_core::auth::random_token()[..12]
    )
}

/// How long a claim on outbound work lasts by default: longer than any one step takes (an SMTP
/// conversation, one API call), short enough that work a killed process held resumes soon.
pub const DEFAULT_LEASE: std::time::Duration = std::time::Duration::from_secs(60);
