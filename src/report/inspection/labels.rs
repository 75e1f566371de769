//! The Japanese words the print pack (rules §12) uses for codes: an
//! interview's reason (rules §8; its status is `InterviewRecord::status_words`),
//! a measures case's reason (§10) and a discrepancy's resolution (§9).

use crate::domain::interview::{MeasureReason, Reason};

/// Why an interview was opened, in Japanese (its one label table).
pub fn interview_reason_ja(reason: &str) -> &'static str {
    Reason::label_of(reason).ja
}

/// Why a measures case was opened, in Japanese (its one label table).
pub fn measure_reason_ja(reason: &str) -> &'static str {
    MeasureReason::label_of(reason).ja
}

/// A discrepancy resolution (rules §9), in Japanese (its one label table;
/// an unknown code as written).
pub fn resolution_ja(code: &str) -> &str {
    crate::discrepancies::Resolution::parse(code).map_or(code, |r| r.label().ja)
}
