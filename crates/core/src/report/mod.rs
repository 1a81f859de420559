//! The statutory annual report (政府信息公开工作年度报告, 国办公开办函〔2021〕30号).
//!
//! - [`model`]: the report as data — sections 一–六 and tables 二, 三, 四 — with the statutory
//!   labels and the machine keys of spec §9, and its JSON shape.
//! - [`compute()`]: the report of one agency and year, counted from request, case and item facts.
//! - [`check()`]: every cross-check (勾稽关系) as a named [`Relation`], run on any report, computed or
//!   imported.
//! - [`narrative`]: the sentences of sections 一 and 六 that are derived from the figures.
//! - [`text`]: the small line format staff write their parts in, and its HTML.

pub mod aggregate;
pub mod check;
pub mod compute;
pub mod model;
pub mod narrative;
pub mod text;
pub mod workspace;
pub mod year;

pub use aggregate::aggregate;
pub use check::{CheckContext, Finding, Relation, Severity, check};
pub use compute::{DocumentFacts, FeeSummary, ItemFacts, ReportInputs, StaffTexts, compute};
pub use model::{
    AnnualReport, CaseTally, Cell, Decisions, Fees, Narrative, Proactive, ProactiveCategory,
    ReportFormat, Stock, Table2, Table3, Table3Col, Table3Row, Table4, title,
};
