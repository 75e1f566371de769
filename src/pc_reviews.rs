//! Resolving PC review items (rules §9): PC use inside self-study outside
//! the schedule (`pc_during_self_study`) or inside the permitted part of
//! permitted duty (`pc_during_permitted_duty`), over `pc_review_minutes` on
//! a day, is checked by HR, an admin or the doctor's manager (所属長) — the
//! rule of the self-study confirmation (`self_study::may_decide`) — never by
//! the doctor themself, and resolved with a reason.
//!
//! The rule implemented here:
//! - The item must be a review item now: its minutes, computed exactly as
//!   the monthly report does (`domain::discrepancy::classify` over the
//!   coverage of `month::coverage_of_day`, the function the discrepancy
//!   resolution uses), are over `pc_review_minutes`; and it is resolved
//!   once (unique per doctor, day and kind; a second attempt is refused
//!   with the first decision named).
//! - **work** — it was work: `work` rows covering exactly the item's PC
//!   minutes are added as a correction, as the discrepancy `work`
//!   resolution adds them (`discrepancies::correction_rows`). For a
//!   self-study item this is the reading of §9 kinmu takes (the rule allows
//!   setting the self-study row `rejected` instead): the PC minutes become
//!   working time, exactly those and no more; the self-study row keeps its
//!   status for its other minutes. Those minutes are then no longer a
//!   review item (a working row covers them) and count in every figure.
//! - **self_study_confirmed** (self-study items only) — the current
//!   self-study rows under the item's PC minutes become `confirmed`
//!   (`confirmed_by` the resolver) if they were not: a new version of each
//!   row, written by `self_study::record_status` as the /self-study screen
//!   writes it.
//! - **permitted_light_duty** (permitted-duty items only) — the light or
//!   short duty the permit allows: recorded only, not working time.
//! - **not_work** — recorded only.
//!
//! A reason is required for every resolution. In every case one
//! `pc_review_resolutions` row and one audit-log entry are written, all in
//! one write transaction; a refused request writes nothing.
//! `open_pc_reviews` of the monthly report counts the items not resolved.

use crate::db::models::Doctor;
use crate::db::pc_reviews::{insert_review_resolution, resolution_of_item, NewReviewResolution};
use crate::db::{queries, write_transaction, AnyConnection};
use crate::discrepancies::{checked_reason, correction_rows, earlier, load_day, record, spans_json, ResolveError};
use crate::domain::discrepancy::{classify, PcClass, PcSession};
use crate::domain::profile::StudyStatus;
use crate::domain::shift::{Kind, Shift};
use crate::domain::text::Label;
use crate::domain::time::{midnight, Minutes, YearMonth};
use crate::domain::RuleConfig;
use crate::month::{compute, load_rows_of, ReportError};
use crate::policy::Who;
use crate::self_study::{may_decide, record_status, Decision, Myself};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

pub use crate::db::pc_reviews::ReviewRecord;

/// What a PC review item was found to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewResolution {
    /// 労働時間: the PC use was work.
    Work,
    /// 自己研鑽と確認: the superior confirms it was 研鑽 (self-study items).
    SelfStudyConfirmed,
    /// 許可の範囲内の軽度・短時間の業務 (permitted-duty items).
    PermittedLightDuty,
    /// 労働時間外: not work.
    NotWork,
}

impl ReviewResolution {
    pub const ALL: [ReviewResolution; 4] = [
        ReviewResolution::Work,
        ReviewResolution::SelfStudyConfirmed,
        ReviewResolution::PermittedLightDuty,
        ReviewResolution::NotWork,
    ];

    /// The stable code stored in `pc_review_resolutions.resolution`.
    pub fn code(self) -> &'static str {
        match self {
            ReviewResolution::Work => "work",
            ReviewResolution::SelfStudyConfirmed => crate::discrepancies::SELF_STUDY_CONFIRMED,
            ReviewResolution::PermittedLightDuty => "permitted_light_duty",
            ReviewResolution::NotWork => "not_work",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewResolution> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }

    /// The one label table of these resolutions.
    pub fn label(self) -> Label {
        match self {
            ReviewResolution::Work => Label::new("労働時間", "work"),
            ReviewResolution::SelfStudyConfirmed => Label::new("自己研鑽と確認", "self-study confirmed"),
            ReviewResolution::PermittedLightDuty => {
                Label::new("許可の範囲内の軽度・短時間の業務", "light duty within the permit")
            }
            ReviewResolution::NotWork => Label::new("労働時間外", "not work"),
        }
    }

    /// Whether this resolution may close an item of `kind` (rules §9).
    pub fn allowed_for(self, kind: PcClass) -> bool {
        match self {
            ReviewResolution::Work | ReviewResolution::NotWork => kind != PcClass::Uncovered,
            ReviewResolution::SelfStudyConfirmed => kind == PcClass::PcDuringSelfStudy,
            ReviewResolution::PermittedLightDuty => kind == PcClass::PcDuringPermittedDuty,
        }
    }

    /// The resolutions of an item of `kind`, in the order the form lists them.
    pub fn for_kind(kind: PcClass) -> Vec<ReviewResolution> {
        Self::ALL.into_iter().filter(|r| r.allowed_for(kind)).collect()
    }
}

impl ReviewRecord {
    /// The resolution's label (the stored code when unknown).
    pub fn label_ja(&self) -> &str {
        ReviewResolution::parse(&self.record.resolution).map_or(&self.record.resolution, |r| r.label().ja)
    }
    pub fn label_en(&self) -> &str {
        ReviewResolution::parse(&self.record.resolution).map_or(&self.record.resolution, |r| r.label().en)
    }
    /// The item kind's label (the stored code when unknown).
    pub fn kind_label(&self) -> Label {
        PcClass::parse(&self.kind).map_or(Label::new("?", "?"), |k| Label::new(k.label_ja(), k.label_en()))
    }
}

/// One resolution to record.
#[derive(Debug, Clone)]
pub struct ReviewRequest<'a> {
    pub staff_id: &'a str,
    pub day: NaiveDate,
    pub kind: PcClass,
    pub resolution: ReviewResolution,
    /// Required: why (kept with the rows and the audit log).
    pub reason: &'a str,
    pub who: Who<'a>,
    /// The hospital's local time now.
    pub now: NaiveDateTime,
    pub rules: &'a RuleConfig,
}

/// What a resolution wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewResolved {
    pub staff_id: String,
    pub day: NaiveDate,
    #[serde(serialize_with = "kind_code")]
    pub kind: PcClass,
    pub resolution: ReviewResolution,
    /// The item's minutes as the report counts them.
    pub minutes: Minutes,
    /// The `work` rows added (start, end).
    pub added: Vec<(NaiveDateTime, NaiveDateTime)>,
    /// The self-study rows confirmed (their old ids).
    pub confirmed_rows: Vec<i64>,
}

fn kind_code<S: serde::Serializer>(kind: &PcClass, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.code())
}

/// Who may resolve `doctor`'s items: not the doctor themself (whatever
/// their role, [`Myself::is`]), then HR, admin or the doctor's manager.
pub fn check_who(who: Who, me: &Myself, doctor: &Doctor) -> Result<(), ResolveError> {
    if me.is(doctor) {
        Err(ResolveError::Own)
    } else if !may_decide(who, doctor) {
        Err(ResolveError::NotAllowed)
    } else {
        Ok(())
    }
}

/// The row kind a review item's PC use lies inside.
fn row_kind(kind: PcClass) -> Kind {
    match kind {
        PcClass::PcDuringPermittedDuty => Kind::DutyPermitted,
        _ => Kind::SelfStudy,
    }
}

/// Whether `row` is one of the rows a review item of `kind` lies in.
fn concerns(row: &Shift, kind: PcClass, pieces: &[(NaiveDateTime, NaiveDateTime)]) -> bool {
    row.kind() == row_kind(kind)
        && pieces
            .iter()
            .any(|&(s, e)| row.rounded_start() < e && row.rounded_end() > s)
}

/// The PC stretches of `kind` counted on `day`, in time order.
pub fn item_pieces(
    sessions: &[PcSession],
    coverage: &crate::domain::discrepancy::Coverage,
    day: NaiveDate,
    kind: PcClass,
) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    classify(sessions, coverage)
        .into_iter()
        .filter(|p| p.day == day && p.class == kind)
        .map(|p| (p.start, p.end))
        .collect()
}

fn minutes_of(pieces: &[(NaiveDateTime, NaiveDateTime)]) -> Minutes {
    pieces.iter().map(|(s, e)| (*e - *s).num_minutes()).sum()
}

/// Records the decision on one review item (see the module docs for the
/// rule), in one write transaction.
pub fn resolve(conn: &mut AnyConnection, req: &ReviewRequest) -> Result<ReviewResolved, ResolveError> {
    let reason = checked_reason(req.reason)?;
    if !req.resolution.allowed_for(req.kind) {
        return Err(ResolveError::NotForKind {
            resolution_ja: req.resolution.label().ja,
            kind_ja: req.kind.label_ja(),
        });
    }
    crate::domain::input::past_date(("日付", "date"), req.day, req.now.date())?;
    let actor = (req.who.login, req.now);
    write_transaction(conn, |conn| {
        crate::db::bump_data_version(conn)?;
        let doctor = queries::doctor_by_staff_id(conn, req.staff_id)?
            .ok_or_else(|| ResolveError::UnknownDoctor(req.staff_id.to_string()))?;
        check_who(req.who, &Myself::of(conn, req.who)?, &doctor)?;
        if let Some((code, by)) = resolution_of_item(conn, doctor.id, req.day, req.kind.code())? {
            let label = ReviewResolution::parse(&code).map_or(code, |r| r.label().ja.to_string());
            return Err(ResolveError::ReviewAlreadyResolved {
                staff_id: doctor.staff_id,
                day: req.day,
                kind_ja: req.kind.label_ja(),
                earlier: earlier(&label, by.as_deref()),
            });
        }

        // The one coverage function the monthly report counts with.
        let day = load_day(conn, doctor.id, req.day)?;
        let coverage = crate::month::coverage_of_day(conn, &doctor, &day.timecard, req.day, req.rules)?;
        let pieces = item_pieces(&day.pc(), &coverage, req.day, req.kind);
        let minutes = minutes_of(&pieces);
        let threshold = req.rules.pc_review_minutes;
        if minutes <= threshold {
            return Err(ResolveError::NotAReviewItem {
                staff_id: doctor.staff_id,
                day: req.day,
                kind_ja: req.kind.label_ja(),
                minutes,
                threshold,
            });
        }

        let mut added = Vec::new();
        let mut confirmed_rows = Vec::new();
        match req.resolution {
            ReviewResolution::Work => {
                let rows = correction_rows(doctor.id, &pieces, Kind::Work, &day.timecard, reason, actor)?;
                queries::insert_timecard_rows(conn, &rows)?;
                added = pieces.clone();
            }
            ReviewResolution::SelfStudyConfirmed => {
                let last = pieces.iter().map(|p| p.1).max().unwrap_or(midnight(req.day));
                let from = midnight(req.day) - Duration::hours(48);
                for (stored, version, batch) in queries::current_timecard_batches(conn, Some(&[doctor.id]), from, last)?
                {
                    let shift = stored.shift("timecard_rows")?;
                    if concerns(&shift, req.kind, &pieces) && shift.study() != StudyStatus::Confirmed {
                        record_status::<ResolveError>(
                            conn,
                            &doctor,
                            &stored,
                            (version, batch),
                            Decision::Confirm,
                            reason,
                            actor,
                        )?;
                        confirmed_rows.push(stored.id);
                    }
                }
            }
            ReviewResolution::PermittedLightDuty | ReviewResolution::NotWork => {}
        }

        let conflict = || ResolveError::ReviewAlreadyResolved {
            staff_id: doctor.staff_id.clone(),
            day: req.day,
            kind_ja: req.kind.label_ja(),
            earlier: String::new(),
        };
        let new = NewReviewResolution {
            doctor_id: doctor.id,
            day: req.day,
            kind: req.kind.code().into(),
            resolution: req.resolution.code().into(),
            reason: reason.to_string(),
            resolved_by: Some(req.who.login.to_string()),
            resolved_at: req.now,
        };
        let detail = serde_json::json!({
            "staff_id": doctor.staff_id,
            "day": req.day,
            "kind": req.kind.code(),
            "resolution": req.resolution.code(),
            "reason": reason,
            "minutes": minutes,
            "rows_added": spans_json(&added),
            "rows_confirmed": confirmed_rows,
        });
        let insert = |c: &mut AnyConnection| insert_review_resolution(c, &new);
        record(conn, insert, conflict, actor, "pc_review_resolve", detail)?;
        tracing::info!(
            staff_id = %doctor.staff_id,
            day = %req.day,
            kind = req.kind.code(),
            resolution = req.resolution.code(),
            minutes,
            "PC review item resolved"
        );
        Ok(ReviewResolved {
            staff_id: doctor.staff_id,
            day: req.day,
            kind: req.kind,
            resolution: req.resolution,
            minutes,
            added,
            confirmed_rows,
        })
    })
}

/// One open review item as the screen and the API list it.
#[derive(Debug, Clone)]
pub struct OpenItem {
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub date: NaiveDate,
    pub kind: PcClass,
    /// As the monthly report counts them.
    pub minutes: Minutes,
    /// The PC stretches of the item (what a `work` resolution adds).
    pub pieces: Vec<(NaiveDateTime, NaiveDateTime)>,
    /// The self-study or permitted-duty rows the PC use lies in.
    pub rows: Vec<Shift>,
    /// The item is the viewer's own (they may not resolve it).
    pub own: bool,
}

impl OpenItem {
    /// The element id and form key of the item.
    pub fn key(&self) -> String {
        format!("{}_{}_{}", self.staff_id, self.date, self.kind.code())
    }

    /// A time as listed: the date only when it is not the item's day.
    pub fn at(&self, t: NaiveDateTime) -> String {
        crate::report::queue::clock_of(self.date, t)
    }

    pub fn allowed(&self) -> Vec<ReviewResolution> {
        ReviewResolution::for_kind(self.kind)
    }

    /// The item's PC use, as `HH:MM–HH:MM`.
    pub fn pc_use(&self) -> Vec<String> {
        self.pieces
            .iter()
            .map(|&(s, e)| format!("{}–{}", self.at(s), self.at(e)))
            .collect()
    }

    /// The rows the PC use lies in, as listed (screen and API).
    pub fn listed_rows(&self) -> Vec<ListedRow> {
        self.rows
            .iter()
            .map(|r| ListedRow {
                kind: r.kind().code(),
                kind_ja: r.kind().label_ja(),
                start: self.at(r.start()),
                end: self.at(r.end()),
                study_status: r.study().code(),
                study_status_ja: r.study().label_ja(),
            })
            .collect()
    }
}

/// A self-study or permitted-duty row of a review item, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ListedRow {
    pub kind: &'static str,
    pub kind_ja: &'static str,
    pub start: String,
    pub end: String,
    pub study_status: &'static str,
    #[serde(skip)]
    pub study_status_ja: &'static str,
}

/// The review items of a month as one viewer sees them.
#[derive(Debug, Clone)]
pub struct ReviewQueue {
    /// Open items, by date, staff id and kind.
    pub items: Vec<OpenItem>,
    /// The month's resolutions.
    pub resolved: Vec<ReviewRecord>,
}

/// The open review items (those the monthly report counts in
/// `open_pc_reviews`) and the month's resolutions, of the doctors `who`
/// may resolve for (HR and admin: every doctor; a manager: their own).
pub fn review_queue(
    conn: &mut AnyConnection,
    who: Who,
    rules: &RuleConfig,
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<ReviewQueue, ReportError> {
    review_queue_of(conn, who, rules, month, as_of, None)
}

/// As [`review_queue`], with the open items of the doctors `only` (those
/// the month's computation already shows with open items: the queue
/// screen's shortcut) — every doctor's resolutions still listed.
pub fn review_queue_of(
    conn: &mut AnyConnection,
    who: Who,
    rules: &RuleConfig,
    month: YearMonth,
    as_of: NaiveDate,
    only: Option<&[i64]>,
) -> Result<ReviewQueue, ReportError> {
    let visible: Vec<i64> = queries::all_doctors(conn)?
        .into_iter()
        .filter(|d| may_decide(who, d))
        .map(|d| d.id)
        .collect();
    let computed: Vec<i64> = visible
        .iter()
        .copied()
        .filter(|id| only.is_none_or(|o| o.contains(id)))
        .collect();
    let (doctors, rows) = load_rows_of(conn, Some(&computed), month, as_of, rules)?;
    let me = Myself::of(conn, who)?;
    let mut items = Vec::new();
    for d in &doctors {
        let Some(r) = rows.get(&d.id) else { continue };
        let c = compute(r, d, month, as_of, rules);
        let pc = r.pc_for_coverage();
        for item in c
            .review_items
            .iter()
            .filter(|i| !r.resolved_reviews.contains(&(i.date, i.kind)))
        {
            let pieces = item_pieces(&pc, &c.coverage, item.date, item.kind);
            items.push(OpenItem {
                staff_id: d.staff_id.clone(),
                name: d.name.clone(),
                department: d.department.clone().unwrap_or_default(),
                date: item.date,
                kind: item.kind,
                minutes: item.minutes,
                rows: r
                    .timecard
                    .iter()
                    .filter(|s| concerns(s, item.kind, &pieces))
                    .cloned()
                    .collect(),
                pieces,
                own: me.is(d),
            });
        }
    }
    items.sort_by(|a, b| (a.date, &a.staff_id, a.kind).cmp(&(b.date, &b.staff_id, b.kind)));
    let resolved = crate::db::pc_reviews::review_resolutions_of_month(conn, month)?
        .into_iter()
        .filter(|r| visible.contains(&r.doctor_id))
        .collect();
    Ok(ReviewQueue { items, resolved })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_resolutions_read_back_from_their_codes() {
        for r in ReviewResolution::ALL {
            assert_eq!(ReviewResolution::parse(r.code()), Some(r));
        }
        assert_eq!(ReviewResolution::parse("self_study"), None);
    }

    #[test]
    fn each_kind_of_review_item_allows_work_not_work_and_its_own_resolution_only() {
        use ReviewResolution::*;
        assert_eq!(
            ReviewResolution::for_kind(PcClass::PcDuringSelfStudy),
            vec![Work, SelfStudyConfirmed, NotWork]
        );
        assert_eq!(
            ReviewResolution::for_kind(PcClass::PcDuringPermittedDuty),
            vec![Work, PermittedLightDuty, NotWork]
        );
        assert!(ReviewResolution::for_kind(PcClass::Uncovered).is_empty());
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn an_items_pieces_are_its_days_minutes_of_its_kind_and_its_rows_those_they_lie_in() {
        // Self-study 18:00–21:00 outside the schedule (none given), PC
        // 17:30–20:55: 30 uncovered, 175 inside 研鑽 (rules §9 E3-a-like).
        let day = NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
        let study = Shift::new(at("2024-06-03 18:00"), at("2024-06-03 21:00"), 0, Kind::SelfStudy).unwrap();
        let other = Shift::new(at("2024-06-03 22:00"), at("2024-06-03 23:00"), 0, Kind::SelfStudy).unwrap();
        let rows = [study.clone(), other.clone()];
        let coverage = crate::domain::discrepancy::Coverage::new(&rows, &[], Some(&[]));
        let pc = [PcSession {
            logon: at("2024-06-03 17:30"),
            logoff: at("2024-06-03 20:55"),
        }];
        let pieces = item_pieces(&pc, &coverage, day, PcClass::PcDuringSelfStudy);
        assert_eq!(pieces, vec![(at("2024-06-03 18:00"), at("2024-06-03 20:55"))]);
        assert_eq!(minutes_of(&pieces), 175);
        assert!(concerns(&study, PcClass::PcDuringSelfStudy, &pieces));
        assert!(
            !concerns(&other, PcClass::PcDuringSelfStudy, &pieces),
            "no PC use in it"
        );
        assert!(
            !concerns(&study, PcClass::PcDuringPermittedDuty, &pieces),
            "a self-study row is not permitted duty"
        );
        assert!(item_pieces(&pc, &coverage, day, PcClass::PcDuringPermittedDuty).is_empty());
    }
}
