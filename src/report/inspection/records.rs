//! Interviews (面接指導, rules §8), the manager's pre-checks (事前確認) and
//! measures cases (就業上の措置, §10) as the print pack shows them, read
//! for some months at once; health data only where the [`Scope`] may see
//! it, otherwise whether it was recorded.

use super::scope::Scope;
use crate::db::inspection as db;
use crate::db::models::{Doctor, Interview, Measure, PreCheck, User};
use crate::db::AnyConnection;
use crate::domain::due::Due;
use crate::domain::interview::{MeasureTaken, Status};
use crate::domain::time::YearMonth;
use crate::month::DoctorMonth;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryResult;
use std::collections::HashMap;

/// A person named in the pack (the interview physician).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    pub login: String,
    pub name: String,
    pub trained_on: Option<NaiveDate>,
}

/// What the physician recorded (health data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewHealth {
    pub check_work: String,
    pub check_sleep: String,
    pub check_fatigue: String,
    pub check_mental_physical: String,
    pub opinion: String,
}

/// An interview (面接指導) as the pack shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewRecord {
    pub id: i64,
    pub month: String,
    pub reason: String,
    pub reach_100_date: NaiveDate,
    pub deadline: NaiveDate,
    pub held_on: Option<NaiveDate>,
    pub status: Status,
    /// Opened after its deadline (the data came late): not in time.
    pub opened_late: bool,
    /// Days it was held after its deadline, when held late.
    pub days_late: Option<i64>,
    /// The case as rules §8.2–§8.5 judge it: the minute 100 h was reached,
    /// the minute it was held, in time, the A-level exception.
    pub due: Due,
    /// The planning deadline passed while the month stayed below 100 h.
    pub past_planning_deadline: bool,
    pub physician: Option<PersonRef>,
    /// Who recorded it: their name (the login for an account without one).
    pub recorded_by: Option<String>,
    pub recorded_at: Option<NaiveDateTime>,
    pub retention_until: Option<NaiveDate>,
    /// Which of the check items ア〜エ were recorded (work, sleep, fatigue,
    /// other mental and physical state).
    pub checks_recorded: [bool; 4],
    pub opinion_recorded: bool,
    /// The check items and the opinion, when the scope may see health data.
    pub health: Option<InterviewHealth>,
}

fn filled(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|t| !t.trim().is_empty())
}

impl InterviewRecord {
    /// The status as the pack prints it: 「期限後実施（N日遅延）」 for a late
    /// interview, and 「違反（期限後に判明）」 for a case opened after its
    /// deadline.
    pub fn status_words(&self) -> String {
        let words = if self.past_planning_deadline {
            "予定期限経過（100時間未到達）".to_string()
        } else {
            self.status.words(self.days_late, true)
        };
        if self.opened_late {
            format!("{words}・違反（期限後に判明）")
        } else {
            words
        }
    }

    /// `computed` is the doctor's month as just computed, when the caller
    /// has it: its minute of 100 h and exception are fresher than those the
    /// last daily run stored, if rows came in since.
    pub(super) fn of(
        i: &Interview,
        people: &HashMap<i64, User>,
        today: NaiveDate,
        health: bool,
        computed: Option<&DoctorMonth>,
    ) -> InterviewRecord {
        let due = match computed {
            Some(m) => i.due_as_computed(m.reach_100_at, m.a_level_exception),
            None => i.due(),
        };
        let physician = i.physician_id.and_then(|p| people.get(&p)).map(|u| PersonRef {
            login: u.login.clone(),
            name: u.name.clone().unwrap_or_else(|| u.login.clone()),
            trained_on: u.trained_on,
        });
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        InterviewRecord {
            id: i.id,
            month: i.month.clone(),
            reason: i.reason.clone(),
            reach_100_date: i.reach_100_date,
            deadline: i.deadline,
            held_on: i.held_on,
            status: due.status(crate::domain::due::end_of(today)),
            opened_late: i.opened_late(),
            days_late: due.days_late(),
            past_planning_deadline: due.past_planning_deadline(crate::domain::due::end_of(today)),
            due,
            physician,
            recorded_by: i.recorded_by.clone(),
            recorded_at: i.recorded_at,
            retention_until: i.retention_until,
            checks_recorded: [
                filled(&i.check_work),
                filled(&i.check_sleep),
                filled(&i.check_fatigue),
                filled(&i.check_mental_physical),
            ],
            opinion_recorded: filled(&i.opinion),
            health: health.then(|| InterviewHealth {
                check_work: text(&i.check_work),
                check_sleep: text(&i.check_sleep),
                check_fatigue: text(&i.check_fatigue),
                check_mental_physical: text(&i.check_mental_physical),
                opinion: text(&i.opinion),
            }),
        }
    }

    /// Held on or before its deadline (before reaching 100 h, or for the
    /// A-level exception without delay after it).
    /// Held, and not late (rules §8.3: before the minute 100 h was
    /// reached, or within the A-level exception's deadline; an interview
    /// held while the month stayed below 100 h was before it).
    pub fn in_time(&self) -> bool {
        self.held_on.is_some() && self.due.in_time() != Some(false)
    }
}

/// The manager's latest pre-check (事前確認) of a doctor's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreCheckRecord {
    pub recorded_at: NaiveDateTime,
    /// Who recorded it: their name (the login for an account without one).
    pub recorded_by: Option<String>,
    /// Which of the items ア〜オ were recorded (work, sleep, fatigue, mental
    /// and physical state, the wish to be interviewed).
    pub items_recorded: [bool; 5],
    /// The pre-check itself, when the scope may see health data.
    pub facts: Option<PreCheck>,
}

impl PreCheckRecord {
    pub(super) fn of(p: &PreCheck, health: bool) -> PreCheckRecord {
        PreCheckRecord {
            recorded_at: p.recorded_at,
            recorded_by: p.recorded_by.clone(),
            items_recorded: [
                !p.work_status.trim().is_empty(),
                // Sleep, fatigue and the wish are required fields of the form.
                true,
                !p.fatigue_symptom.trim().is_empty(),
                !p.mental_physical.trim().is_empty(),
                true,
            ],
            facts: health.then(|| p.clone()),
        }
    }
}

/// A measures case (就業上の措置) and what was recorded in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRecord {
    pub id: i64,
    pub month: String,
    pub reason: String,
    /// The second reason of a case both reasons call for (one case per
    /// doctor-month).
    pub extra_reason: Option<String>,
    pub shorter_hours: bool,
    pub fewer_night_duties: bool,
    pub other: bool,
    pub other_text: Option<String>,
    /// Who recorded it: their name (the login for an account without one).
    pub recorded_by: Option<String>,
    pub recorded_at: Option<NaiveDateTime>,
    pub retention_until: Option<NaiveDate>,
}

impl MeasureRecord {
    pub(super) fn of(m: &Measure) -> MeasureRecord {
        MeasureRecord {
            id: m.id,
            month: m.month.clone(),
            reason: m.reason.clone(),
            extra_reason: m.extra_reason.clone(),
            shorter_hours: m.shorter_hours != 0,
            fewer_night_duties: m.fewer_night_duties != 0,
            other: m.other != 0,
            other_text: m.other_text.clone(),
            recorded_by: m.recorded_by.clone(),
            recorded_at: m.recorded_at,
            retention_until: m.retention_until,
        }
    }

    pub fn recorded(&self) -> bool {
        self.recorded_at.is_some()
    }

    /// The measures taken, in the checklist's words, or 未記録.
    pub fn taken_ja(&self) -> String {
        if !self.recorded() {
            return "未記録".into();
        }
        let mut parts = Vec::new();
        for (taken, kind) in [
            (self.shorter_hours, MeasureTaken::ShorterHours),
            (self.fewer_night_duties, MeasureTaken::FewerNightDuties),
            (self.other, MeasureTaken::Other),
        ] {
            if taken {
                parts.push(kind.label().ja.to_string());
            }
        }
        match self.other_text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => format!("{}：{text}", parts.join("、")),
            None => parts.join("、"),
        }
    }
}

/// The name of the person whose login is `login` (who recorded a record),
/// as the pack prints people: the account's name, the login only for an
/// account without one (or one no longer there).
pub fn name_of_login<'a>(people: impl IntoIterator<Item = &'a User>, login: &str) -> String {
    people
        .into_iter()
        .find(|u| u.login == login)
        .and_then(|u| u.name.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| login.to_string())
}

/// The interviews, latest pre-checks and measures of some months, and the
/// people they name — read in four queries whatever the number of doctors.
pub(super) struct Records {
    pub(super) interviews: HashMap<(i64, String), Interview>,
    pub(super) prechecks: HashMap<(i64, String), PreCheck>,
    pub(super) measures: HashMap<(i64, String), Vec<Measure>>,
    pub(super) people: HashMap<i64, User>,
}

impl Records {
    pub(super) fn load(conn: &mut AnyConnection, months: &[YearMonth]) -> QueryResult<Records> {
        let codes: Vec<String> = months.iter().map(ToString::to_string).collect();
        let found = db::interviews_of_months(conn, &codes)?;
        let checks = db::prechecks_of_months(conn, &codes)?;
        let cases = db::measures_of_months(conn, &codes)?;
        let people = db::all_users(conn)?;
        let mut measures_by: HashMap<(i64, String), Vec<Measure>> = HashMap::new();
        for m in cases {
            measures_by.entry((m.doctor_id, m.month.clone())).or_default().push(m);
        }
        Ok(Records {
            interviews: found.into_iter().map(|i| ((i.doctor_id, i.month.clone()), i)).collect(),
            // In id order, so the last one written is the one kept: the latest.
            prechecks: checks
                .into_iter()
                .map(|p| ((p.doctor_id, p.month.clone()), p))
                .collect(),
            measures: measures_by,
            people: people.into_iter().map(|u| (u.id, u)).collect(),
        })
    }

    /// `login`'s name (see [`name_of_login`]).
    fn name(&self, login: &Option<String>) -> Option<String> {
        login.as_deref().map(|l| name_of_login(self.people.values(), l))
    }

    /// The login of the physician assigned to `d`'s interview of `month`.
    fn physician_of(&self, d: &Doctor, month: &str) -> Option<&str> {
        self.interviews
            .get(&(d.id, month.to_string()))
            .and_then(|i| i.physician_id)
            .and_then(|p| self.people.get(&p))
            .map(|u| u.login.as_str())
    }

    pub(super) fn interview(
        &self,
        d: &Doctor,
        month: &str,
        today: NaiveDate,
        scope: &Scope,
        computed: Option<&DoctorMonth>,
    ) -> Option<InterviewRecord> {
        let health = scope.health_of(d, self.physician_of(d, month));
        self.interviews.get(&(d.id, month.to_string())).map(|i| {
            let mut r = InterviewRecord::of(i, &self.people, today, health, computed);
            r.recorded_by = self.name(&r.recorded_by);
            r
        })
    }

    /// The pre-check of a doctor-month is health data of that month's
    /// interview (none open yet: of the doctor and their manager only).
    pub(super) fn precheck(&self, d: &Doctor, month: &str, scope: &Scope) -> Option<PreCheckRecord> {
        let health = scope.health_of(d, self.physician_of(d, month));
        self.prechecks.get(&(d.id, month.to_string())).map(|p| {
            let mut r = PreCheckRecord::of(p, health);
            r.recorded_by = self.name(&r.recorded_by);
            r
        })
    }

    pub(super) fn measures(&self, doctor: i64, month: &str, reason: &str) -> Vec<MeasureRecord> {
        self.measures
            .get(&(doctor, month.to_string()))
            .map(|ms| {
                ms.iter()
                    .filter(|m| m.has_reason(reason))
                    .map(|m| self.measure(m))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A measures case with the name of who recorded it.
    fn measure(&self, m: &Measure) -> MeasureRecord {
        let mut r = MeasureRecord::of(m);
        r.recorded_by = self.name(&r.recorded_by);
        r
    }

    /// Every measures case of a doctor-month, whatever its reasons.
    pub(super) fn all_measures(&self, doctor: i64, month: &str) -> Vec<MeasureRecord> {
        self.measures
            .get(&(doctor, month.to_string()))
            .map(|ms| ms.iter().map(|m| self.measure(m)).collect())
            .unwrap_or_default()
    }
}
