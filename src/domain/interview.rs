//! Interviews (面接指導) and measures: deadlines, the A-level exception, who
//! may be the interview physician, and retention (rules §8, §10).

use super::text::Label;
use super::time::Minutes;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::projection::INTERVIEW_LINE;

/// Average sleep below this (6 h a day over the last two weeks) is a risk factor.
pub const SHORT_SLEEP: Minutes = 360;
/// A fatigue-accumulation score (疲労蓄積度) of this or more is a risk factor.
pub const HIGH_FATIGUE_SCORE: i64 = 4;
/// Interview and measure records are kept five years (規則第64条, 第69–71条).
pub const HEALTH_RECORD_YEARS: i32 = 5;
/// Working-time records are kept at least three years from the end of their
/// month (医療法施行規則第61条; the wage-payment rule of 労基法109条 may keep
/// them longer: see `retention::WorkRetention`).
pub const WORK_RECORD_YEARS: i32 = 3;

/// 自覚症状 of the fatigue self-check (労働者の疲労蓄積度自己診断チェックリスト).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Symptom {
    I,
    II,
    III,
    IV,
}

impl Symptom {
    pub fn parse(s: &str) -> Option<Symptom> {
        Some(match s.trim() {
            "I" | "1" | "Ⅰ" => Symptom::I,
            "II" | "2" | "Ⅱ" => Symptom::II,
            "III" | "3" | "Ⅲ" => Symptom::III,
            "IV" | "4" | "Ⅳ" => Symptom::IV,
            _ => return None,
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            Symptom::I => "I",
            Symptom::II => "II",
            Symptom::III => "III",
            Symptom::IV => "IV",
        }
    }
}

/// What the manager's pre-check (事前確認) records that decides the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreCheckFacts {
    /// The doctor's overtime + holiday minutes of the previous month.
    pub previous_month_minutes: Minutes,
    /// Average sleep a day over the last two weeks, in minutes.
    pub sleep_average_minutes: Minutes,
    pub fatigue_symptom: Symptom,
    pub fatigue_score: i64,
    pub doctor_requests_interview: bool,
}

impl PreCheckFacts {
    /// Whether any of the four risk factors of rules §8 is recorded.
    pub fn has_risk_factor(&self) -> bool {
        self.previous_month_minutes >= INTERVIEW_LINE
            || self.sleep_average_minutes < SHORT_SLEEP
            || self.fatigue_symptom == Symptom::IV
            || self.fatigue_score >= HIGH_FATIGUE_SCORE
            || self.doctor_requests_interview
    }
}

/// Whether the manager's pre-check (事前確認) of a doctor's month is due
/// (rules §8): from the watch level (`watch_minutes` of actual overtime and
/// holiday work) on, or as soon as an interview of the month is open — the
/// A-level exception needs one. The daily job asks the manager for it; the
/// manager's list shows it until one is recorded.
pub fn precheck_due(actual_minutes: Minutes, watch_minutes: Minutes, interview_open: bool) -> bool {
    actual_minutes >= watch_minutes || interview_open
}

/// Where an interview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Scheduled,
    Done,
    /// The A-level exception turned due now: today is the deadline.
    DueNow,
    Overdue,
}

impl Status {
    /// The status in words, with the delay of a late interview
    /// (「期限後実施（N日遅延）」).
    pub fn words(self, days_late: Option<i64>, lang_ja: bool) -> String {
        match (self, days_late) {
            (Status::Done, Some(n)) if lang_ja => format!("期限後実施（{n}日遅延）"),
            (Status::Done, Some(n)) => format!("held late ({n} days)"),
            (s, _) if lang_ja => s.label().ja.to_string(),
            (s, _) => s.label().en.to_string(),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::Done => "done",
            Status::DueNow => "due_now",
            Status::Overdue => "overdue",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        [Status::Scheduled, Status::Done, Status::DueNow, Status::Overdue]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// The one label table of interview statuses (screens, mails, print).
    pub fn label(self) -> Label {
        match self {
            Status::Scheduled => Label::new("予定", "scheduled"),
            Status::Done => Label::new("実施済み", "done"),
            Status::DueNow => Label::new("本日中に実施（リスク判明）", "due today (risk found)"),
            Status::Overdue => Label::new("期限超過（未実施）", "overdue (not held)"),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A candidate interview physician (面接指導実施医師).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Physician {
    pub id: i64,
    pub login: String,
    /// The date the MHLW training course was completed, if it was.
    pub trained_on: Option<NaiveDate>,
    /// The hospital's 管理者 may not interview.
    pub is_administrator: bool,
    pub active: bool,
    /// Interviews assigned and not yet done.
    pub open_interviews: usize,
}

impl Physician {
    /// Trained by `today`, not the 管理者, account active (rules §8).
    pub fn may_interview(&self, today: NaiveDate) -> bool {
        self.active && !self.is_administrator && self.trained_on.is_some_and(|d| d <= today)
    }
}

/// Chooses the eligible physician with the fewest open interviews (ties by
/// login), leaving out `exclude` (a doctor may ask for another physician).
pub fn choose_physician(candidates: &[Physician], exclude: Option<i64>, today: NaiveDate) -> Option<&Physician> {
    candidates
        .iter()
        .filter(|p| p.may_interview(today) && Some(p.id) != exclude)
        .min_by(|a, b| {
            a.open_interviews
                .cmp(&b.open_interviews)
                .then_with(|| a.login.cmp(&b.login))
        })
}

/// `years` after `from` on the same day of the month (29 February → 28).
pub fn years_after(from: NaiveDate, years: i32) -> NaiveDate {
    let year = from.year() + years;
    NaiveDate::from_ymd_opt(year, from.month(), from.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, from.month(), from.day() - 1))
        .unwrap_or(from)
}

/// When an interview or measure record may be purged: five years after its date.
pub fn health_record_retention(recorded_on: NaiveDate) -> NaiveDate {
    years_after(recorded_on, HEALTH_RECORD_YEARS)
}

/// Why an interview was opened (the code stored with it), weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The month is projected to reach 100 h (rules §8: before reaching it).
    ProjectedOver100,
    /// The month has reached 100 h.
    Over100,
}

impl Reason {
    pub const ALL: [Reason; 2] = [Reason::ProjectedOver100, Reason::Over100];

    pub fn code(self) -> &'static str {
        match self {
            Reason::ProjectedOver100 => "projected_over_100",
            Reason::Over100 => "over_100",
        }
    }

    pub fn parse(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The one label table of interview reasons (screens, mails, print).
    pub fn label(self) -> Label {
        match self {
            Reason::ProjectedOver100 => Label::new("100時間以上の見込み", "projected to reach 100 h"),
            Reason::Over100 => Label::new("100時間以上", "100 h or more"),
        }
    }

    /// The label of a stored code; an unknown code shows as "—".
    pub fn label_of(code: &str) -> Label {
        Reason::parse(code).map_or(Label::new("—", "—"), Reason::label)
    }
}

/// Why a measures case (就業上の措置) was opened (the code stored with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureReason {
    /// Over 155 h: the hours must be shortened (規則第70条).
    #[serde(rename = "over_155")]
    Over155,
    /// After an interview, on the physician's opinion (規則第69条).
    Interview,
}

impl MeasureReason {
    pub const ALL: [MeasureReason; 2] = [MeasureReason::Over155, MeasureReason::Interview];

    pub fn code(self) -> &'static str {
        match self {
            MeasureReason::Over155 => "over_155",
            MeasureReason::Interview => "interview",
        }
    }

    pub fn parse(code: &str) -> Option<MeasureReason> {
        MeasureReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The one label table of measures reasons (screens, mails, print).
    pub fn label(self) -> Label {
        match self {
            MeasureReason::Over155 => Label::new(
                "155時間超またはその見込み（労働時間短縮の措置）",
                "over 155 h, actual or projected (hours must be shortened)",
            ),
            MeasureReason::Interview => Label::new("面接指導後の就業上の措置", "measures after the interview"),
        }
    }

    /// The label of a stored code; an unknown code shows as "—".
    pub fn label_of(code: &str) -> Label {
        MeasureReason::parse(code).map_or(Label::new("—", "—"), MeasureReason::label)
    }
}

/// A measure taken in a measures case (rules §10): the statute's three
/// kinds, 医療法施行規則第70条 「労働時間の短縮、宿直の回数の減少その他の適切な措置」.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureTaken {
    ShorterHours,
    FewerNightDuties,
    Other,
}

impl MeasureTaken {
    pub const ALL: [MeasureTaken; 3] = [
        MeasureTaken::ShorterHours,
        MeasureTaken::FewerNightDuties,
        MeasureTaken::Other,
    ];

    /// The field of the measures form and of the API.
    pub fn code(self) -> &'static str {
        match self {
            MeasureTaken::ShorterHours => "shorter_hours",
            MeasureTaken::FewerNightDuties => "fewer_night_duties",
            MeasureTaken::Other => "other",
        }
    }

    /// The one label table of the measures taken (screens, print pack,
    /// checklist), in the statute's words: 「宿直の回数の減少」.
    pub fn label(self) -> Label {
        match self {
            MeasureTaken::ShorterHours => Label::new("労働時間の短縮", "shorter working hours"),
            MeasureTaken::FewerNightDuties => Label::new("宿直の回数の減少", "fewer night duties"),
            MeasureTaken::Other => Label::new("その他", "other"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measures_taken_are_named_in_the_statutes_words() {
        let ja: Vec<&str> = MeasureTaken::ALL.iter().map(|m| m.label().ja).collect();
        assert_eq!(ja, ["労働時間の短縮", "宿直の回数の減少", "その他"]);
        assert_eq!(MeasureTaken::FewerNightDuties.code(), "fewer_night_duties");
    }

    #[test]
    fn every_code_reads_back_and_is_the_code_stored() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.code()), Some(r));
        }
        for r in MeasureReason::ALL {
            assert_eq!(MeasureReason::parse(r.code()), Some(r));
        }
        for s in [Status::Scheduled, Status::Done, Status::DueNow, Status::Overdue] {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
        // The codes as stored in the database.
        assert_eq!(
            (Reason::Over100.code(), Reason::ProjectedOver100.code()),
            ("over_100", "projected_over_100")
        );
        assert_eq!(
            (MeasureReason::Over155.code(), MeasureReason::Interview.code()),
            ("over_155", "interview")
        );
        assert_eq!(Reason::label_of("other").ja, "—");
    }

    #[test]
    fn a_pre_check_is_due_from_the_watch_level_or_with_an_open_interview() {
        assert!(!precheck_due(4799, 4800, false));
        assert!(precheck_due(4800, 4800, false));
        assert!(precheck_due(0, 4800, true));
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn calm() -> PreCheckFacts {
        PreCheckFacts {
            previous_month_minutes: 4000,
            sleep_average_minutes: 420,
            fatigue_symptom: Symptom::II,
            fatigue_score: 2,
            doctor_requests_interview: false,
        }
    }

    #[test]
    fn each_risk_factor_alone_removes_the_a_level_exception() {
        let risky = [
            PreCheckFacts {
                previous_month_minutes: 6000,
                ..calm()
            },
            PreCheckFacts {
                sleep_average_minutes: 359,
                ..calm()
            },
            PreCheckFacts {
                fatigue_symptom: Symptom::IV,
                ..calm()
            },
            PreCheckFacts {
                fatigue_score: 4,
                ..calm()
            },
            PreCheckFacts {
                doctor_requests_interview: true,
                ..calm()
            },
        ];
        for p in risky {
            assert!(p.has_risk_factor(), "{p:?}");
        }
        assert!(!calm().has_risk_factor());
        // The boundaries themselves are not risks: 5999 min, exactly 6 h sleep, III, score 3.
        let edge = PreCheckFacts {
            previous_month_minutes: 5999,
            sleep_average_minutes: 360,
            fatigue_symptom: Symptom::III,
            fatigue_score: 3,
            doctor_requests_interview: false,
        };
        assert!(!edge.has_risk_factor());
    }

    fn physician(id: i64, login: &str, trained: Option<&str>, admin: bool, open: usize) -> Physician {
        Physician {
            id,
            login: login.into(),
            trained_on: trained.map(d),
            is_administrator: admin,
            active: true,
            open_interviews: open,
        }
    }

    #[test]
    fn untrained_physicians_and_the_hospitals_administrator_are_never_chosen() {
        let today = d("2024-06-10");
        let ps = [
            physician(1, "untrained", None, false, 0),
            physician(2, "director", Some("2023-01-01"), true, 0),
            physician(3, "trains-next-month", Some("2024-07-01"), false, 0),
        ];
        assert_eq!(choose_physician(&ps, None, today), None);
        let mut ok = physician(4, "kato", Some("2024-03-01"), false, 5);
        assert_eq!(
            choose_physician(&[ps[0].clone(), ok.clone()], None, today).map(|p| p.id),
            Some(4)
        );
        ok.active = false;
        assert_eq!(choose_physician(&[ok], None, today), None);
    }

    #[test]
    fn the_least_loaded_trained_physician_is_chosen_and_a_doctor_may_ask_for_another() {
        let today = d("2024-06-10");
        let ps = [
            physician(1, "b-ito", Some("2024-01-01"), false, 2),
            physician(2, "a-abe", Some("2024-01-01"), false, 1),
            physician(3, "c-ueda", Some("2024-01-01"), false, 1),
        ];
        assert_eq!(
            choose_physician(&ps, None, today).map(|p| p.login.as_str()),
            Some("a-abe")
        );
        assert_eq!(
            choose_physician(&ps, Some(2), today).map(|p| p.login.as_str()),
            Some("c-ueda")
        );
    }

    #[test]
    fn health_records_are_kept_five_years_from_their_date() {
        assert_eq!(health_record_retention(d("2024-07-22")), d("2029-07-22"));
        assert_eq!(health_record_retention(d("2024-02-29")), d("2029-02-28"));
    }
}
