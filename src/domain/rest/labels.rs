//! The words people read for §11's codes, Japanese and English (the codes
//! themselves are the JSON's, formats.md R.8): one table per code, used by
//! the screens, the print pack and the mails alike.

use super::ledger::EntryStatus;
use super::window::Rule;
use super::{Cause, EntryCause, EntryKind, PlannedStatus, Reason, Severity};

/// A code's words: Japanese first, English for the language switch.
pub type Words = (&'static str, &'static str);

impl Rule {
    pub fn words(self) -> Words {
        match self {
            Rule::Std9h24h => ("始業から24時間以内に9時間", "9 h within 24 h"),
            Rule::Duty18h46h => (
                "宿日直許可のない宿日直：46時間以内に18時間",
                "duty without permit: 18 h within 46 h",
            ),
            Rule::C1_24h48h => (
                "臨床研修医の連続勤務：48時間以内に24時間",
                "clinical trainee: 24 h within 48 h",
            ),
        }
    }
}

impl Severity {
    pub fn words(self) -> Words {
        match self {
            Severity::Violation => ("違反", "violation"),
            Severity::Warning => ("注意", "warning"),
            Severity::Info => ("記録", "record"),
        }
    }
}

impl PlannedStatus {
    pub fn words(self) -> Words {
        match self {
            PlannedStatus::RestShort => ("勤務予定で休息が不足", "the roster plans too little rest"),
            PlannedStatus::Excepted => (
                "15時間超の予定業務（直後に代償休息）",
                "planned work over 15 h (rest given right after)",
            ),
            PlannedStatus::ExceptionRestShort => (
                "15時間超の予定業務の後の休息が不足",
                "too little rest after planned work over 15 h",
            ),
        }
    }
}

impl Cause {
    pub fn words(self) -> Words {
        match self {
            Cause::NoRoster => ("勤務予定がない日の休息不足", "short rest on a day with no roster"),
            Cause::Exception => ("15時間超の予定業務", "planned work over 15 h"),
            Cause::Planned => ("勤務予定どおりの休息不足", "short rest as the roster planned"),
            Cause::Compensated => (
                "予定された休息中の業務（代償休息の対象）",
                "work in a planned rest (compensatory rest owed)",
            ),
            Cause::Unplanned => ("予定外の休息不足", "unplanned short rest"),
        }
    }
}

impl EntryKind {
    pub fn words(self) -> Words {
        match self {
            EntryKind::Compensatory => ("代償休息", "compensatory rest"),
            EntryKind::Consideration => ("休息の配慮", "rest as consideration"),
        }
    }
}

impl EntryCause {
    /// The code of the JSON (rules §11.13).
    pub fn code(self) -> &'static str {
        match self {
            EntryCause::RestIntrusion => "rest_intrusion",
            EntryCause::PermittedDutyWork => "permitted_duty_work",
            EntryCause::LongWorkException => "long_work_exception",
        }
    }

    pub fn words(self) -> Words {
        match self {
            EntryCause::RestIntrusion => ("予定された休息中の業務", "work in a planned rest"),
            EntryCause::PermittedDutyWork => ("許可宿日直中の業務", "work during permitted duty"),
            EntryCause::LongWorkException => ("15時間超の予定業務", "planned work over 15 h"),
        }
    }
}

impl EntryStatus {
    pub fn words(self) -> Words {
        match self {
            EntryStatus::Granted => ("付与済", "granted"),
            EntryStatus::GrantedLate => ("期限後に付与", "granted late"),
            EntryStatus::Overdue => ("期限超過", "overdue"),
            EntryStatus::PartlyGranted => ("一部付与", "partly granted"),
            EntryStatus::Open => ("未付与", "open"),
            EntryStatus::Missed => ("不履行", "missed"),
        }
    }
}

impl Reason {
    pub const ALL: [Reason; 3] = [Reason::Emergency, Reason::TrainingEmergency, Reason::Other];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Emergency => "emergency",
            Reason::TrainingEmergency => "training_emergency",
            Reason::Other => "other",
        }
    }

    pub fn words(self) -> Words {
        match self {
            Reason::Emergency => ("緊急の業務", "emergency work"),
            Reason::TrainingEmergency => ("研修に必要な緊急の業務", "emergency work needed for training"),
            Reason::Other => ("その他", "other"),
        }
    }
}
