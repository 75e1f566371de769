//! Loading what is stored about doctors' months, before the rules run:
//! the rows of all doctors are read in a few queries (timecard, roster, PC
//! sessions, discrepancy and PC review resolutions, other employers, roster ranges) over
//! the month's window and grouped by doctor; one doctor's are read by the
//! same queries narrowed to its id.

use super::ReportError;
use crate::db::models::Doctor;
use crate::db::{employers, interviews, permits, queries, reads, roster, shifts, AnyConnection};
use crate::domain::count::Interval;
use crate::domain::discrepancy::{PcClass, PcSession};
use crate::domain::due::PreCheckMark;
use crate::domain::hours::{earliest_relevant_start, RuleConfig};
use crate::domain::permits::{permitted_for, Permit, PermitsRegister};
use crate::domain::profile::{Employer, RosterView};
use crate::domain::shift::Shift;
use crate::domain::time::{midnight, YearMonth};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::{HashMap, HashSet};

/// Everything stored about one doctor's month, before the rules run.
#[derive(Debug, Clone, Default)]
pub struct DoctorRows {
    pub timecard: Vec<Shift>,
    pub roster: Vec<Shift>,
    pub pc: Vec<PcSession>,
    /// PC sessions of the two days before the month and after the as-of
    /// date: not counted themselves, but merged with the month's where they
    /// share minutes (rules §9: a merged interval counts whole, on the day
    /// of its earliest session), so the month's figure and a resolution of
    /// the day see the same interval.
    pub pc_around: Vec<PcSession>,
    pub resolved_days: HashSet<NaiveDate>,
    /// The PC review items resolved (rules §9): day and kind.
    pub resolved_reviews: HashSet<(NaiveDate, PcClass)>,
    /// The manager's pre-checks of the month (rules §8.4), oldest first.
    pub prechecks: Vec<PreCheckMark>,
    /// The month's interview: when it was held, if it was (rules §8.3).
    pub held: Option<Held>,
    /// The doctor's other employers (employers file, rules §5b.3, §16):
    /// `Doctor::profile`'s second argument.
    pub profile_employers: Vec<Employer>,
    /// The current roster from [`earliest_relevant_start`] to two days
    /// after the month (rows of every kind, and the dates roster imports
    /// covered): the doctor's schedule where a roster covers a date (rules
    /// §2.1 rule 2). Unlike [`DoctorRows::roster`] it is not cut at the
    /// as-of date: the schedule is known in advance.
    pub schedule_roster: RosterView,
    /// The roster as published at each 変形 period's first day (§5a.2).
    pub published: Vec<(NaiveDate, RosterView)>,
    /// The permit occurrences matching the doctor (§13.2), dated from the
    /// day before the earliest row read to two days after the month.
    pub permitted: Vec<Interval>,
    /// Config `permits_register = off`: every minute of permitted duty is
    /// permitted, `permitted` is not read (§13.2).
    pub permits_off: bool,
    /// The register itself (§13.4: which permit a duty is of).
    pub permits: std::sync::Arc<Vec<Permit>>,
    /// What rest between shifts (§11) reads besides the month's rows.
    pub rest: super::rest::RestRows,
}

impl From<shifts::ReadError> for ReportError {
    fn from(e: shifts::ReadError) -> Self {
        match e {
            shifts::ReadError::Query(e) => e.into(),
            shifts::ReadError::Corrupt(e) => e.into(),
        }
    }
}

/// The longest 変形 period: a month from any day (at most 31 days).
const LONGEST_PERIOD_DAYS: i64 = 31;

/// The published schedule of a 変形 period starting on `period_first_day`
/// (rules §5a.2): the doctor's roster as it stood at 00:00 of that day
/// (imports made, or stated published, before it), over the period's
/// longest span — `period_first_day` and the 30 days after it; the caller
/// reads the days of its period. An empty view when nothing was published.
pub fn published_roster(
    conn: &mut AnyConnection,
    doctor_id: i64,
    period_first_day: NaiveDate,
) -> Result<RosterView, ReportError> {
    let last = period_first_day + Duration::days(LONGEST_PERIOD_DAYS - 1);
    let mut views = roster::views_at(
        conn,
        Some(&[doctor_id]),
        period_first_day,
        last,
        midnight(period_first_day),
    )?;
    Ok(views.remove(&doctor_id).unwrap_or_default())
}

/// When an interview was held: the date, and the minute when recorded so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub on: NaiveDate,
    pub at: Option<NaiveDateTime>,
}

/// Loads every doctor's rows for `month` as of `as_of` (clamped into the month).
pub fn load_rows(
    conn: &mut AnyConnection,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<(Vec<Doctor>, HashMap<i64, DoctorRows>), ReportError> {
    load_rows_of(conn, None, month, as_of, cfg)
}

/// As [`load_rows`], for some doctors only (all when `doctor_ids` is `None`).
pub fn load_rows_of(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<(Vec<Doctor>, HashMap<i64, DoctorRows>), ReportError> {
    load_rows_on(conn, Vec::new(), doctor_ids, month, as_of, cfg)
}

/// As [`load_rows_of`]; with `spare` connections, the timecard and the
/// roster are read on them by other threads while `conn` reads the PC
/// sessions and the rest (most of a large month's time is these three
/// reads, each one connection's work). One spare reads both in turn.
/// Each read sees the data as committed when it runs, as the reads on one
/// connection always did (no transaction spans them); the report cache
/// keys what it keeps by the data version read before them.
pub fn load_rows_on(
    conn: &mut AnyConnection,
    spare: Vec<&mut AnyConnection>,
    doctor_ids: Option<&[i64]>,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<(Vec<Doctor>, HashMap<i64, DoctorRows>), ReportError> {
    let w = Window::new(month, as_of, cfg);
    let mut spare = spare.into_iter();
    let (timecard, roster, rest) = match (spare.next(), spare.next()) {
        (Some(c1), Some(c2)) => std::thread::scope(|s| {
            let timecard = s.spawn(|| load_timecard(c1, doctor_ids, &w));
            let roster = s.spawn(|| load_roster(c2, doctor_ids, &w, cfg));
            let rest = load_records(conn, doctor_ids, &w);
            (joined(timecard), joined(roster), rest)
        }),
        (Some(c1), None) => std::thread::scope(|s| {
            let shifts = s.spawn(|| (load_timecard(c1, doctor_ids, &w), load_roster(c1, doctor_ids, &w, cfg)));
            let rest = load_records(conn, doctor_ids, &w);
            let (timecard, roster) = joined(shifts);
            (timecard, roster, rest)
        }),
        _ => (
            load_timecard(conn, doctor_ids, &w),
            load_roster(conn, doctor_ids, &w, cfg),
            load_records(conn, doctor_ids, &w),
        ),
    };
    let (doctors, mut rows) = rest?;
    for (doctor_id, timecard) in timecard? {
        rows.entry(doctor_id).or_default().timecard = timecard;
    }
    let (roster, histories) = roster?;
    for (doctor_id, (plan, schedule)) in roster {
        let r = rows.entry(doctor_id).or_default();
        r.roster = plan;
        r.schedule_roster = schedule;
    }
    // 1か月変形: the roster as published before each period (rules §5a.2).
    for d in &doctors {
        let regime = d.regime();
        let mut day = w.from.date();
        while day <= w.schedule_to {
            let Some((first, last)) = regime.period_of(day) else {
                day += Duration::days(1);
                continue;
            };
            let view = published_roster(conn, d.id, first)?;
            rows.entry(d.id).or_default().published.push((first, view));
            day = last + Duration::days(1);
        }
    }
    // 宿日直許可 (rules §13.2): the register, read once, and each doctor's
    // permitted intervals over the dates read (one computation per
    // department).
    let register = std::sync::Arc::new(permits::register(conn)?);
    let off = cfg.permits_register == PermitsRegister::Off;
    let mut by_department: HashMap<Option<String>, Vec<Interval>> = HashMap::new();
    let first_date = w.from.date() - Duration::days(1);
    for d in &doctors {
        let r = rows.entry(d.id).or_default();
        r.permits_off = off;
        r.permits = register.clone();
        if off {
            continue;
        }
        r.permitted = by_department
            .entry(d.department.clone())
            .or_insert_with(|| permitted_for(&register, d.department.as_deref(), first_date, w.schedule_to))
            .clone();
    }
    // Rest between shifts (§11): the roster's versions, the grants and
    // reasons, and rows older than the month's window.
    let departments: Vec<(i64, Option<String>)> = doctors.iter().map(|d| (d.id, d.department.clone())).collect();
    let reach = super::rest::Reach {
        timecard_from: w.from,
        last_day: w.month.last_day(),
        t: w.t,
    };
    let rest_rows = super::rest::load(conn, doctor_ids, (&departments, &register), reach, cfg)?;
    for (doctor_id, r) in rest_rows {
        rows.entry(doctor_id).or_default().rest = r;
    }
    for (doctor_id, history) in histories {
        rows.entry(doctor_id).or_default().rest.history = history;
    }
    Ok((doctors, rows))
}

/// A thread's result; its panic goes on in the caller.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// The stretch of time a month's report reads.
struct Window {
    month: YearMonth,
    /// The as-of date, clamped into the month.
    t: NaiveDate,
    /// The first instant after `t`.
    after_t: NaiveDateTime,
    /// The earliest row start that can change the month's or its agreement
    /// year's figures.
    from: NaiveDateTime,
    /// The last date of the schedule read (the month's end and two days).
    schedule_to: NaiveDate,
}

impl Window {
    fn new(month: YearMonth, as_of: NaiveDate, cfg: &RuleConfig) -> Window {
        let month = cfg.calendar.month(month);
        let t = month.clamp(as_of);
        Window {
            month,
            t,
            after_t: midnight(t + Duration::days(1)),
            from: earliest_relevant_start(t, cfg).min(midnight(month.first_day()) - Duration::days(40)),
            schedule_to: month.last_day() + Duration::days(2),
        }
    }
}

/// The timecard rows to the as-of date, by doctor.
fn load_timecard(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    w: &Window,
) -> Result<HashMap<i64, Vec<Shift>>, ReportError> {
    Ok(shifts::current_timecard(conn, doctor_ids, w.from, w.after_t)?)
}

/// By doctor, the current roster's rows for the rest of the month after the
/// as-of day (the plan, rules §8.1) and the current roster over the window
/// (the schedule, rules v2 §2.1): read once for both.
fn load_roster(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    w: &Window,
    cfg: &RuleConfig,
) -> Result<RosterRead, ReportError> {
    let month_end = midnight(w.month.next().first_day());
    // The current roster and, for rest between shifts (§11.6), its stored
    // versions: one read, on this connection while the others read the rest.
    let history_from = super::rest::history_from(w.month.last_day(), cfg);
    let roster::RosterRead { views, histories } =
        roster::current_and_histories(conn, doctor_ids, w.from.date(), history_from, w.schedule_to)?;
    let plans = views
        .into_iter()
        .map(|(doctor_id, view)| {
            let plan = view
                .rows
                .iter()
                .filter(|s| w.after_t <= s.start() && s.start() < month_end)
                .cloned()
                .collect();
            (doctor_id, (plan, view))
        })
        .collect();
    Ok((plans, histories))
}

/// By doctor, the roster's plan after the as-of day with the current
/// roster (see [`load_roster`]), and the roster's stored versions (§11.6).
type RosterRead = (
    HashMap<i64, (Vec<Shift>, RosterView)>,
    HashMap<i64, crate::db::roster::RosterHistory>,
);

/// The doctors, and by doctor everything else stored about the month: PC
/// sessions, resolutions, pre-checks, the interview, other employers.
fn load_records(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    w: &Window,
) -> Result<(Vec<Doctor>, HashMap<i64, DoctorRows>), ReportError> {
    let (month, t, after_t) = (w.month, w.t, w.after_t);
    // One doctor's page reads one doctor, not the hospital's list.
    let doctors = match doctor_ids {
        Some(ids) => queries::doctors_by_ids(conn, ids)?,
        None => queries::all_doctors(conn)?,
    };
    let mut rows: HashMap<i64, DoctorRows> = HashMap::new();
    for (doctor_id, pc) in reads::pc_sessions_in(conn, doctor_ids, midnight(month.first_day()), after_t)? {
        rows.entry(doctor_id).or_default().pc = pc;
    }
    let month_start = midnight(month.first_day());
    let around = [
        (month_start - Duration::days(2), month_start),
        (after_t, after_t + Duration::days(2)),
    ];
    for (from, to) in around {
        for (doctor_id, pc) in reads::pc_sessions_in(conn, doctor_ids, from, to)? {
            rows.entry(doctor_id).or_default().pc_around.extend(pc);
        }
    }
    for r in rows.values_mut() {
        if !r.pc.is_sorted() {
            r.pc.sort_unstable();
        }
    }
    for r in queries::resolutions_between(conn, month.first_day(), t)?
        .into_iter()
        .filter(|r| doctor_ids.is_none_or(|ids| ids.contains(&r.doctor_id)))
    {
        rows.entry(r.doctor_id).or_default().resolved_days.insert(r.day);
    }
    for (doctor_id, day, kind) in crate::db::pc_reviews::reviews_resolved_between(conn, month.first_day(), t)?
        .into_iter()
        .filter(|r| doctor_ids.is_none_or(|ids| ids.contains(&r.0)))
    {
        if let Some(kind) = PcClass::parse(&kind) {
            rows.entry(doctor_id).or_default().resolved_reviews.insert((day, kind));
        }
    }
    // What decides the interview's timeliness (rules §8): the pre-checks
    // and the interview as recorded. They are not cut at the as-of day: an
    // interview under the A-level exception, and a risk found after 100 h,
    // come after the day 100 h was reached, often after the month (the
    // rules of §8.4 say which pre-checks count at a moment).
    let month_code = month.to_string();
    let wanted = |id: i64| doctor_ids.is_none_or(|ids| ids.contains(&id));
    for (doctor_id, mark) in interviews::precheck_marks_of_month(conn, &month_code)? {
        if wanted(doctor_id) {
            rows.entry(doctor_id).or_default().prechecks.push(mark);
        }
    }
    for i in interviews::interviews_in_month(conn, &month_code)? {
        let held = i.held_on.map(|on| Held { on, at: i.held_at });
        if wanted(i.doctor_id) && held.is_some() {
            rows.entry(i.doctor_id).or_default().held = held;
        }
    }
    // Rule book v2: the doctors' other employers, and their schedule
    // where a roster covers it (rules §2.1, §5b).
    for (doctor_id, list) in employers::employers_of(conn, doctor_ids)? {
        rows.entry(doctor_id).or_default().profile_employers = list;
    }
    Ok((doctors, rows))
}

impl DoctorRows {
    /// The permitted intervals as the count engine takes them: `None` when
    /// the register is off (every minute of permitted duty is permitted).
    pub fn permitted(&self) -> Option<&[Interval]> {
        (!self.permits_off).then_some(self.permitted.as_slice())
    }

    /// The PC sessions the month's coverage is computed from: the month's,
    /// with those around it for merging (`domain::discrepancy` counts only
    /// the month's days up to the as-of date).
    pub fn pc_for_coverage(&self) -> Vec<PcSession> {
        let mut all = Vec::with_capacity(self.pc_around.len() + self.pc.len());
        all.extend_from_slice(&self.pc_around);
        all.extend_from_slice(&self.pc);
        all
    }
}
