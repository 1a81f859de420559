#![doc = include_str!("../README.md")]

pub mod accountability;
pub mod agency;
pub mod application;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod case;
pub mod catalogue;
pub mod channel;
pub mod clock;
pub mod deadline;
pub mod fee;
pub mod guide;
pub mod handling;
pub mod inspection;
pub mod intake;
pub mod item;
pub mod letter;
pub mod money;
pub mod notice;
pub mod rejection;
pub mod report;
pub mod request;
pub mod site;
pub mod supervision;
pub mod text;
pub mod workflow;

pub use agency::{Agency, AgencyKind, AgencyRef, CreditCode, Slug};
pub use case::{CaseFacts, CaseKind, CaseResult};
pub use clock::{Clock, FixedClock, SystemClock};
pub use intake::Channel;
pub use money::WanYuan;
pub use rejection::{Refusal, Rejection};
pub use request::{DecisionDetails, Outcome, OutcomeGroup, RequestFacts, RequesterKind};
