//! The values of rule book v2's row columns (formats.md C.2): a
//! `self_study` row's status (rules §2.3) and an `external` row's 所定区分
//! (rules §5b.2). Apart from `profile` (which re-exports them) so that
//! `shift` can carry them without the two modules using each other.

/// The status of a `self_study` row (rules §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum StudyStatus {
    /// Declared by the doctor, not yet confirmed: counted.
    #[default]
    Unconfirmed,
    /// A superior confirmed it was voluntary 研鑽: excluded outside the schedule.
    Confirmed,
    /// A superior found it was work: counted.
    Rejected,
}

impl StudyStatus {
    pub fn code(self) -> &'static str {
        match self {
            StudyStatus::Unconfirmed => "unconfirmed",
            StudyStatus::Confirmed => "confirmed",
            StudyStatus::Rejected => "rejected",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            StudyStatus::Unconfirmed => "未確認",
            StudyStatus::Confirmed => "確認済（労働時間外）",
            StudyStatus::Rejected => "労働時間と判断",
        }
    }

    pub fn parse(s: &str) -> Option<StudyStatus> {
        Some(match s.trim() {
            "" | "unconfirmed" => StudyStatus::Unconfirmed,
            "confirmed" => StudyStatus::Confirmed,
            "rejected" => StudyStatus::Rejected,
            _ => return None,
        })
    }
}

/// 所定区分 of an `external` row (rules §5b.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum ScheduleClass {
    /// 所定: the other employer's scheduled hours.
    #[default]
    Scheduled,
    /// 所定外: overtime there, or work on its rest days.
    Extra,
}

impl ScheduleClass {
    pub fn code(self) -> &'static str {
        match self {
            ScheduleClass::Scheduled => "scheduled",
            ScheduleClass::Extra => "extra",
        }
    }

    pub fn parse(s: &str) -> Option<ScheduleClass> {
        match s {
            "scheduled" => return Some(ScheduleClass::Scheduled),
            "extra" => return Some(ScheduleClass::Extra),
            _ => {}
        }
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "" | "scheduled" | "所定" | "所定内" => ScheduleClass::Scheduled,
            "extra" | "所定外" | "残業" => ScheduleClass::Extra,
            _ => return None,
        })
    }
}
