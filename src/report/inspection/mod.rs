//! The inspector's print pack (立入検査, rules §12): what the prefecture's
//! checklist 「令和6年度 病院立入検査重点項目」 (医師の働き方改革) asks the
//! hospital to show, assembled from the stored rows and the rule book.
//!
//! - [`over_100_list`]: every doctor with a month ≥ 100 h in the twelve
//!   months ending a month, with the interview, the pre-check, the opinion
//!   and the measures of that month (rules §8, §10).
//! - [`checklist()`]: the checklist's items of a fiscal year, filled in from
//!   the data (規則第61条〜第71条).
//! - [`documents()`]: the five documents of the inspection day, (ア)〜(オ);
//!   [`work_status()`] (ア) alone, the raw records, per month or doctor.
//! - [`permits_use`]: the 宿日直許可 register and its use in the period
//!   (rules §13), as `kinmu report duties` counts it.
//!
//! Every figure is the monthly report's (`month`): the same rows,
//! the same rule book, each month as of its last day — or as of today for
//! the month that is not over yet. No HTTP here: `report::pack` makes the
//! pack's tables of it, which the screens and the API render.
//!
//! Health data (the pre-check, the interview's check items, the opinion) is
//! only put in where the [`Scope`] may see it (the access policy,
//! [`crate::policy`], per interview); otherwise only whether it was
//! recorded.
//!
//! By concern: `scope.rs` who the pack is for; `dates.rs` fiscal years,
//! 和暦 and as-of dates; `labels.rs` the Japanese words of codes;
//! `records.rs` interviews, pre-checks and measures as the pack shows
//! them; `figures.rs` the monthly report's lines; `over100.rs`,
//! `checklist.rs` (with `checklist_rows.rs`, its printed lines),
//! `documents.rs` and `permits.rs` the four kinds of content.

mod checklist;
mod checklist_rows;
mod dates;
mod documents;
mod figures;
mod labels;
mod over100;
mod permits;
mod records;
mod rest;
mod scope;

pub use checklist::{checklist, Checklist, ExpectedCount, FrozenCount, InterviewCounts, MeasureCounts, PhysicianLine};
pub use checklist_rows::{ChecklistRow, CHECKED, NOT_APPLICABLE, UNCHECKED};
pub use dates::{
    as_of_for, date_both, fiscal_bounds, fiscal_months, fiscal_year_ja, fiscal_year_of, last_12_months, month_both,
    month_ja, months_between,
};
pub use documents::{
    documents, work_status, Documents, InterviewResult, MeasureLine, PcEntry, SubjectLine, TimecardEntry, WorkStatusDay,
};
pub use figures::MonthLine;
pub use labels::{correction_reason_ja, interview_reason_ja, measure_reason_ja, resolution_ja};
pub use over100::{over_100_list, Over100Line};
pub use permits::{permits_use, PermitsUse};
pub use records::{name_of_login, InterviewHealth, InterviewRecord, MeasureRecord, PersonRef, PreCheckRecord};
pub use rest::{rest_records, RestRecords};
pub use scope::{doctor_in_scope, Scope};
