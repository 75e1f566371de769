//! The Japanese words the print pack (rules §12) uses for codes: an
//! interview's status and reason (rules §8), a measures case's reason
//! (§10) and a discrepancy's resolution (§9).

use crate::domain::interview::{Status, MEASURES_OVER_155, OVER_100};

/// Where an interview stands, in Japanese.
pub fn status_ja(s: Status) -> &'static str {
    match s {
        Status::Scheduled => "予定",
        Status::Done => "実施済み",
        Status::Overdue => "期限超過（未実施）",
    }
}

/// Why an interview was opened, in Japanese.
pub fn interview_reason_ja(reason: &str) -> &'static str {
    if reason == OVER_100 {
        "100時間以上"
    } else {
        "100時間以上の見込み"
    }
}

/// Why a measures case was opened, in Japanese.
pub fn measure_reason_ja(reason: &str) -> &'static str {
    if reason == MEASURES_OVER_155 {
        "155時間超（労働時間短縮の措置）"
    } else {
        "面接指導後の就業上の措置"
    }
}

/// A discrepancy resolution (rules §9), in Japanese.
pub fn resolution_ja(code: &str) -> &str {
    match code {
        "work" => "労働時間",
        "self_study" => "自己研鑽",
        "not_work" => "労働時間外",
        other => other,
    }
}
