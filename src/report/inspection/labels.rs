//! The Japanese words the print pack (rules §12) uses for codes: an
//! interview's reason (rules §8; its status is `InterviewRecord::status_words`),
//! a measures case's reason (§10), a discrepancy's resolution (§9) and
//! the reasons kinmu itself writes on a corrected timecard row.

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

/// The reasons kinmu writes itself on a timecard row it corrects (stored
/// as `日本語 / English`): an import's correction, confirmation or removal,
/// and the doctor's own correction of a declaration.
const SYSTEM_REASONS: [&str; 4] = [
    crate::ingest::TIMECARD_CORRECTED,
    crate::ingest::TIMECARD_CONFIRMED,
    crate::ingest::TIMECARD_REMOVED,
    crate::declarations::CORRECTED,
];

/// A correction's reason as a Japanese document prints it: kinmu's own
/// reasons in their Japanese words only (「再取込による訂正」, no English),
/// a person's reason exactly as they wrote it.
pub fn correction_reason_ja(reason: &str) -> String {
    if SYSTEM_REASONS.contains(&reason) {
        crate::domain::text::Message::from_pair(reason).ja
    } else {
        reason.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinmus_own_correction_reasons_print_in_japanese_only_and_a_persons_as_written() {
        assert_eq!(
            correction_reason_ja(crate::ingest::TIMECARD_CORRECTED),
            "再取込による訂正"
        );
        assert_eq!(correction_reason_ja(crate::declarations::CORRECTED), "本人による訂正");
        for r in SYSTEM_REASONS {
            let ja = correction_reason_ja(r);
            assert!(!ja.is_empty() && !ja.chars().any(|c| c.is_ascii_alphabetic()), "{ja}");
        }
        assert_eq!(correction_reason_ja("打刻忘れ / forgot"), "打刻忘れ / forgot");
    }
}
