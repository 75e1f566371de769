//! The discrepancy (乖離) queue's read model (rules §9): every open day of
//! the month on which PC use outside the timecard exceeds the configured
//! minutes, with the day's timecard rows, PC sessions and the uncovered
//! stretches a `work` resolution would add. The screen (`web::ui::
//! discrepancies`, with its day chart) and the API (`GET /api/v1/
//! discrepancies`) both render this.
//!
//! The days are those the monthly report counts as open (the same
//! `month::compute`, the same resolutions) and their minutes come from the
//! one coverage function (`domain::discrepancy::uncovered`) that the
//! resolution also uses, so resolving one lowers the dashboard's figure by
//! exactly one and adds exactly the minutes shown.
//!
//! A page costs only its cards: the open days are listed from the month's
//! computation (the report cache's, on the screen: the one the dashboard
//! and the report use), filtered and cut to the page, and only the page's
//! doctors' rows and PC sessions are read for the cards ([`page`]).
//! Before, every visit recomputed every doctor's month and read every PC
//! session of the month, whatever was shown.

use crate::db::models::{Doctor, StoredPcSession};
use crate::db::{queries, AnyConnection};
use crate::discrepancies::{self, ResolutionRecord};
use crate::domain::discrepancy::{uncovered, PcSession, Uncovered};
use crate::domain::hours::RuleConfig;
use crate::domain::shift::Shift;
use crate::domain::time::{midnight, Minutes, YearMonth};
use crate::month::{load_rows_of, DoctorComputation, DoctorRows, ReportError};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A PC session of the day, as listed.
#[derive(Debug, Clone)]
pub struct QueueSession {
    pub pc_name: String,
    pub logon: NaiveDateTime,
    pub logoff: NaiveDateTime,
    /// Its minutes outside every timecard row, on its own.
    pub uncovered: Minutes,
}

/// One open discrepancy day.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub date: NaiveDate,
    /// The day's uncovered minutes, as the monthly report counts them.
    pub uncovered: Minutes,
    /// The timecard rows (any kind) around the day's PC use.
    pub rows: Vec<Shift>,
    pub sessions: Vec<QueueSession>,
    /// What a `work` resolution would add.
    pub gaps: Vec<Uncovered>,
}

impl QueueItem {
    /// The element id and form key of the day.
    pub fn key(&self) -> String {
        format!("{}_{}", self.staff_id, self.date)
    }

    /// A time of the day's records as listed: the date only when it is not
    /// the day, the seconds only when the export had them (they explain the
    /// rounding of rules §1 in the uncovered minutes).
    pub fn at(&self, t: NaiveDateTime) -> String {
        clock_of(self.date, t)
    }

    /// The stretches a `work` resolution would add, as `HH:MM–HH:MM`.
    pub fn gap_texts(&self) -> Vec<String> {
        self.gaps
            .iter()
            .map(|g| format!("{}–{}", self.at(g.start), self.at(g.end)))
            .collect()
    }
}

/// A time of a day's records as listed: the date only when it is not
/// `day`, the seconds only when the export had them.
pub fn clock_of(day: NaiveDate, t: NaiveDateTime) -> String {
    let clock = if chrono::Timelike::second(&t) == 0 {
        "%H:%M"
    } else {
        "%H:%M:%S"
    };
    if t.date() == day {
        t.format(clock).to_string()
    } else {
        t.format(&format!("%m/%d {clock}")).to_string()
    }
}

/// The queue of a month as of a date.
#[derive(Debug, Clone)]
pub struct Queue {
    pub month: YearMonth,
    pub as_of: NaiveDate,
    /// Open days, by date then staff id.
    pub items: Vec<QueueItem>,
    /// The month's resolutions.
    pub resolved: Vec<ResolutionRecord>,
}

/// One open day as the month's computation counts it, before any of its
/// records are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDay {
    pub doctor_id: i64,
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub date: NaiveDate,
    pub uncovered: Minutes,
}

impl OpenDay {
    /// The element id and form key of the day (as [`QueueItem::key`]).
    pub fn key(&self) -> String {
        format!("{}_{}", self.staff_id, self.date)
    }
}

/// What the screen narrows the queue to; every part optional, all combined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The department, exactly (empty: every department).
    pub department: String,
    /// Part of the doctor's name or staff id, any case (empty: everyone).
    pub doctor: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The least unexplained minutes of a day shown (0: every day).
    pub min_minutes: Minutes,
}

impl Filter {
    /// Whether a day of this doctor passes; `minutes` is `None` where the
    /// size is not known (a resolved day), which the size does not filter.
    pub fn admits(
        &self,
        staff_id: &str,
        name: &str,
        department: &str,
        date: NaiveDate,
        minutes: Option<Minutes>,
    ) -> bool {
        let who = self.doctor.trim().to_lowercase();
        (self.department.is_empty() || self.department == department)
            && (who.is_empty()
                || staff_id.to_lowercase().contains(&who)
                || name.to_lowercase().contains(&who)
                || name
                    .replace([' ', '　'], "")
                    .to_lowercase()
                    .contains(&who.replace([' ', '　'], "")))
            && self.from.is_none_or(|f| date >= f)
            && self.to.is_none_or(|t| date <= t)
            && minutes.is_none_or(|m| m >= self.min_minutes)
    }

    /// Whether anything is filtered.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// The days of the month resolved so far (doctor id, day), as the report
/// reads them (`month::rows`: resolutions from the month's first day to
/// the as-of date).
pub fn resolved_days(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<HashSet<(i64, NaiveDate)>, ReportError> {
    let month = rules.calendar.month(month);
    Ok(
        queries::resolutions_between(conn, month.first_day(), month.clamp(as_of))?
            .into_iter()
            .map(|r| (r.doctor_id, r.day))
            .collect(),
    )
}

/// Every open day of the computed month, by date then staff id: the days
/// each doctor's `open_discrepancies` counts.
pub fn open_days(computed: &[(Doctor, DoctorComputation)], resolved: &HashSet<(i64, NaiveDate)>) -> Vec<OpenDay> {
    let mut days: Vec<OpenDay> = computed
        .iter()
        .flat_map(|(d, c)| {
            c.discrepancies
                .iter()
                .filter(|x| !resolved.contains(&(d.id, x.date)))
                .map(|x| OpenDay {
                    doctor_id: d.id,
                    staff_id: d.staff_id.clone(),
                    name: d.name.clone(),
                    department: d.department.clone().unwrap_or_default(),
                    date: x.date,
                    uncovered: x.uncovered_minutes,
                })
        })
        .collect();
    days.sort_by(|a, b| (a.date, &a.staff_id).cmp(&(b.date, &b.staff_id)));
    days
}

/// One page of the queue: the open days matching a filter, cut to the page,
/// with the cards of that page only.
#[derive(Debug, Clone)]
pub struct QueuePage {
    /// Every open day of the month (the report's figure).
    pub total_open: usize,
    /// The open days matching the filter.
    pub matching: usize,
    /// The page shown, 1-based (clamped to the last page).
    pub page: usize,
    pub pages: usize,
    pub per_page: usize,
    /// The cards of the page, in the queue's order.
    pub items: Vec<QueueItem>,
    /// Every department with a doctor in the month (for the filter).
    pub departments: Vec<String>,
}

impl QueuePage {
    /// The 1-based place of the page's first and last card.
    pub fn range(&self) -> (usize, usize) {
        if self.items.is_empty() {
            (0, 0)
        } else {
            let first = (self.page - 1) * self.per_page.max(1) + 1;
            (first, first + self.items.len() - 1)
        }
    }
}

/// The page `page` (1-based) of `per_page` cards (none for 0: the counts
/// only) of the open days matching `filter`, from the month's computation `computed` (every doctor's, as
/// the report cache keeps it). Reads the rows and PC sessions of the
/// page's doctors only.
#[allow(clippy::too_many_arguments)]
pub fn page(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    computed: &[(Doctor, DoctorComputation)],
    month: YearMonth,
    as_of: NaiveDate,
    filter: &Filter,
    page: usize,
    per_page: usize,
) -> Result<QueuePage, ReportError> {
    let resolved = resolved_days(conn, rules, month, as_of)?;
    let all = open_days(computed, &resolved);
    let total_open = all.len();
    let matching: Vec<OpenDay> = all
        .into_iter()
        .filter(|d| filter.admits(&d.staff_id, &d.name, &d.department, d.date, Some(d.uncovered)))
        .collect();
    // No cards asked (`per_page` 0): the counts only.
    let pages = matching.len().div_ceil(per_page.max(1)).max(1);
    let page = page.clamp(1, pages);
    let shown: Vec<OpenDay> = matching
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .cloned()
        .collect();
    let items = details(conn, rules, computed, &shown, month, as_of)?;
    let departments: BTreeSet<String> = computed.iter().filter_map(|(d, _)| d.department.clone()).collect();
    Ok(QueuePage {
        total_open,
        matching: matching.len(),
        page,
        pages,
        per_page,
        items,
        departments: departments.into_iter().collect(),
    })
}

/// The cards of `days`: each day's timecard rows, PC sessions (with their
/// names) and uncovered stretches, read for those days' doctors only and
/// measured against the doctor's computed coverage.
pub fn details(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    computed: &[(Doctor, DoctorComputation)],
    days: &[OpenDay],
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<Vec<QueueItem>, ReportError> {
    if days.is_empty() {
        return Ok(Vec::new());
    }
    let month = rules.calendar.month(month);
    let t = month.clamp(as_of);
    let ids: Vec<i64> = days
        .iter()
        .map(|d| d.doctor_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (_, rows) = load_rows_of(conn, Some(&ids), month, t, rules)?;
    let computations: HashMap<i64, &DoctorComputation> = computed
        .iter()
        .filter(|(d, _)| ids.contains(&d.id))
        .map(|(d, c)| (d.id, c))
        .collect();
    // The sessions again, with their PC names, for the tables — as the
    // month's coverage reads them (month::rows): with the sessions around
    // the month that may merge into one of its days.
    let mut named: HashMap<i64, Vec<StoredPcSession>> = HashMap::new();
    for s in queries::pc_sessions_between(
        conn,
        Some(&ids),
        midnight(month.first_day()) - Duration::days(2),
        midnight(t + Duration::days(3)),
    )? {
        named.entry(s.doctor_id).or_default().push(s);
    }
    let empty = DoctorRows::default();
    let mut spans_of: HashMap<i64, Vec<Uncovered>> = HashMap::new();
    let mut items = Vec::with_capacity(days.len());
    for day in days {
        let Some(c) = computations.get(&day.doctor_id) else {
            continue;
        };
        let r = rows.get(&day.doctor_id).unwrap_or(&empty);
        let spans = spans_of
            .entry(day.doctor_id)
            .or_insert_with(|| uncovered(&r.pc_for_coverage(), &c.coverage));
        let gaps: Vec<Uncovered> = spans.iter().filter(|u| u.day == day.date).copied().collect();
        // The day's sessions: those starting on it, and any of another
        // day merged into one of its stretches.
        let sessions: Vec<&StoredPcSession> = named
            .get(&day.doctor_id)
            .map(|v| {
                v.iter()
                    .filter(|s| {
                        s.logon_at.date() == day.date
                            || gaps.iter().any(|g| s.logon_at < g.end && s.logoff_at > g.start)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let window_start = midnight(day.date);
        let window_end = sessions
            .iter()
            .map(|s| s.logoff_at)
            .max()
            .unwrap_or(window_start)
            .max(midnight(day.date + Duration::days(1)));
        // Coverage as the report takes it (rows starting on or before T).
        let day_rows: Vec<Shift> = r
            .timecard
            .iter()
            .filter(|s| s.start_date() <= c.projection.as_of)
            .filter(|s| s.end() > window_start && s.start() < window_end)
            .cloned()
            .collect();
        items.push(QueueItem {
            staff_id: day.staff_id.clone(),
            name: day.name.clone(),
            department: day.department.clone(),
            date: day.date,
            uncovered: day.uncovered,
            rows: day_rows,
            sessions: sessions
                .iter()
                .map(|s| {
                    let alone = PcSession {
                        logon: s.logon_at,
                        logoff: s.logoff_at,
                    };
                    QueueSession {
                        pc_name: s.pc_name.clone(),
                        logon: s.logon_at,
                        logoff: s.logoff_at,
                        uncovered: uncovered(&[alone], &c.coverage).iter().map(Uncovered::minutes).sum(),
                    }
                })
                .collect(),
            gaps,
        });
    }
    Ok(items)
}

/// The open discrepancy days of every doctor for the month as of a date,
/// each with its card (the API's whole queue).
pub fn queue(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<Queue, ReportError> {
    let computed = crate::month::compute_all(conn, month, as_of, rules)?;
    let resolved = resolved_days(conn, rules, month, as_of)?;
    let days = open_days(&computed, &resolved);
    let items = details(conn, rules, &computed, &days, month, as_of)?;
    let resolved = discrepancies::resolutions_of_month(conn, month)?;
    Ok(Queue {
        month,
        as_of,
        items,
        resolved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_filter_combines_department_doctor_days_and_size() {
        let f = Filter {
            department: "内科".into(),
            doctor: "yamada".into(),
            from: Some(d("2024-06-03")),
            to: Some(d("2024-06-10")),
            min_minutes: 60,
        };
        let ok = |dep: &str, sid: &str, name: &str, day: &str, m: Option<Minutes>| f.admits(sid, name, dep, d(day), m);
        assert!(ok("内科", "D01", "Yamada Taro", "2024-06-03", Some(60)));
        assert!(!ok("外科", "D01", "Yamada Taro", "2024-06-03", Some(60)), "department");
        assert!(!ok("内科", "D02", "Sato", "2024-06-03", Some(60)), "doctor");
        assert!(!ok("内科", "D01", "Yamada Taro", "2024-06-02", Some(60)), "before from");
        assert!(!ok("内科", "D01", "Yamada Taro", "2024-06-11", Some(60)), "after to");
        assert!(!ok("内科", "D01", "Yamada Taro", "2024-06-05", Some(59)), "too small");
        assert!(
            ok("内科", "D01", "Yamada Taro", "2024-06-05", None),
            "a resolved day has no size"
        );
        let by_id = Filter {
            doctor: "d0".into(),
            ..Filter::default()
        };
        assert!(by_id.admits("D01", "山田 太郎", "", d("2024-06-01"), Some(31)));
        let by_name = Filter {
            doctor: "山田太郎".into(),
            ..Filter::default()
        };
        assert!(
            by_name.admits("D01", "山田　太郎", "", d("2024-06-01"), Some(31)),
            "spaces ignored"
        );
        assert!(Filter::default().is_empty() && !by_name.is_empty());
    }
}
