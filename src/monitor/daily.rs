//! The daily job (rules §7, §8): recompute every doctor's month as of a day,
//! open interviews and measures cases, queue the alerts, then send mail.
//!
//! Everything the job decides is written in one write transaction, with the
//! mails it causes, so a crash leaves either all of a run or none of it.
//! Interviews and measures are unique per doctor and month, and each mail is
//! unique per reason, doctor, month and recipient, so running the job twice —
//! or on two instances against one PostgreSQL — opens and sends nothing twice.

use super::directory::{display_name, facts, Directory};
use super::mailer::{Mail, Mailer};
use super::mails::{self, Late};
use super::outbox::{self, MailKind, Topic};
use super::records::physicians_with_load;
use crate::config::Settings;
use crate::db::interviews::{
    insert_interview, interviews_in_month, measure_reasons_of_month, precheck_marks_of_month, set_judgement,
    set_reach_and_deadline, set_reason,
};
use crate::db::models::{Doctor, Interview, NewInterview};
use crate::db::outbox::insert_job_run;
use crate::db::{write_transaction, AnyConnection};
use crate::domain::due::{exception, planning_deadline, PreCheckMark};
use crate::domain::interview::{choose_physician, precheck_due, MeasureReason, Reason};
use crate::domain::shift::Level;
use crate::domain::time::YearMonth;
use crate::month::{compute_all, DoctorComputation, ReportError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::result::QueryResult;
use serde::Serialize;
use std::collections::HashMap;

/// What `kinmu jobs daily` prints (formats.md).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DailySummary {
    pub as_of: NaiveDate,
    pub interviews_scheduled: usize,
    pub alerts_queued: usize,
    pub alerts_sent: usize,
    pub alerts_failed: usize,
    pub measures_opened: usize,
    /// Of the interviews opened, those opened after their deadline: data
    /// came late, and the interview was not in time (a violation).
    pub interviews_opened_late: usize,
    /// Of the measures cases opened, those opened after their month closed.
    pub measures_opened_late: usize,
}

/// Runs the daily job once as of `as_of`, computing the month itself.
pub fn run(
    conn: &mut AnyConnection,
    settings: &Settings,
    mailer: &Mailer,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> Result<DailySummary, ReportError> {
    let computed = compute_all(conn, settings.rules.calendar.month_of(as_of), as_of, &settings.rules)?;
    run_on(conn, settings, mailer, as_of, now, &computed)
}

/// Runs the daily job once as of `as_of` on the month already computed as
/// of that day (every doctor, as `month::compute_all` or the report cache
/// `month::cache` gives it).
pub fn run_on(
    conn: &mut AnyConnection,
    settings: &Settings,
    mailer: &Mailer,
    as_of: NaiveDate,
    now: NaiveDateTime,
    computed: &[(Doctor, DoctorComputation)],
) -> Result<DailySummary, ReportError> {
    let month = settings.rules.calendar.month_of(as_of);
    let mut summary = DailySummary {
        as_of,
        ..DailySummary::default()
    };
    write_transaction(conn, |conn| -> Result<(), ReportError> {
        let month_code = month.to_string();
        let dir = Directory::load(conn)?;
        let run = Cases {
            settings,
            dir: &dir,
            month,
            today: as_of,
            now,
        };
        let discrepancy_days = run.open(conn, computed, &mut summary)?;
        run.comp_rest(conn, computed, &mut summary)?;

        // HR: discrepancies waiting (once a month per HR user).
        if discrepancy_days > 0 {
            for hr in dir.hr() {
                if let Some(to) = hr.email.as_deref() {
                    let mail = mails::discrepancies_waiting(
                        &settings.hospital_name,
                        to,
                        &month_code,
                        discrepancy_days,
                        &settings.base_url,
                    );
                    let topic = Topic {
                        reason: MailKind::DiscrepanciesWaiting,
                        doctor_id: None,
                        month: Some(&month_code),
                    };
                    queue(conn, &mut summary, &topic, now, Some(mail))?;
                }
            }
        }

        record_run(
            conn,
            "daily",
            as_of,
            &month_code,
            now,
            &serde_json::to_string(&summary).unwrap_or_default(),
        )?;
        Ok(())
    })?;

    let flushed = outbox::flush(conn, mailer, now, true)?;
    summary.alerts_sent = flushed.sent;
    summary.alerts_failed = flushed.failed;
    tracing::info!(
        as_of = %as_of,
        interviews = summary.interviews_scheduled,
        queued = summary.alerts_queued,
        sent = summary.alerts_sent,
        failed = summary.alerts_failed,
        "daily job finished"
    );
    Ok(summary)
}

/// Opening the cases of one month: the daily job's for today's month, the
/// re-check's for a month whose data changed (`monitor::recheck`).
pub(super) struct Cases<'a> {
    pub settings: &'a Settings,
    pub dir: &'a Directory,
    pub month: YearMonth,
    /// The day the run happens: deadlines are judged on it.
    pub today: NaiveDate,
    pub now: NaiveDateTime,
}

impl Cases<'_> {
    /// Opens interviews for doctors at or heading to 100 h and measures
    /// cases over 155 h, moves deadlines earlier, and queues the mails, for
    /// the month computed as of `as_of`; answers the open discrepancy days.
    /// Runs in the caller's write transaction.
    pub(super) fn open(
        &self,
        conn: &mut AnyConnection,
        computed: &[(Doctor, DoctorComputation)],
        summary: &mut DailySummary,
    ) -> Result<usize, ReportError> {
        let month_code = self.month.to_string();
        // While the month runs, the manager is asked for pre-checks and
        // measures as hours grow; a closed month's cases are late.
        let live = self.month.contains(self.today);
        let mut physicians = physicians_with_load(conn)?;
        let existing: HashMap<i64, Interview> = interviews_in_month(conn, &month_code)?
            .into_iter()
            .map(|i| (i.doctor_id, i))
            .collect();
        let open_measures: Vec<(i64, String)> = measure_reasons_of_month(conn, &month_code)?;
        let mut marks: HashMap<i64, Vec<PreCheckMark>> = HashMap::new();
        for (doctor_id, mark) in precheck_marks_of_month(conn, &month_code)? {
            marks.entry(doctor_id).or_default().push(mark);
        }
        let mut discrepancy_days = 0;

        for (d, c) in computed {
            let p = &c.projection;
            let f = facts(self.settings, d, &month_code, c);
            let about = |reason| Topic {
                reason,
                doctor_id: Some(d.id),
                month: Some(month_code.as_str()),
            };
            discrepancy_days += c.open_discrepancies;
            let manager = self.dir.manager_of(d).and_then(|u| u.email.clone());

            // Interviews: open one for a doctor heading to 100 h.
            let mut opened = false;
            let needs_interview = p.flags.projected_over_100 || p.flags.over_100;
            if let (true, Some(reach)) = (needs_interview, p.reach_100_date) {
                let reason = if p.flags.over_100 {
                    Reason::Over100.code()
                } else {
                    Reason::ProjectedOver100.code()
                };
                // The A-level exception as of now (rules §8.4): a pre-check
                // recorded before the minute 100 h was reached may grant it,
                // one recorded since with a risk factor makes it due now —
                // every pre-check saved so far, whatever the month's as-of day.
                let checks = marks.get(&d.id).map(Vec::as_slice).unwrap_or(&[]);
                let (exception, due_on) = exception(d.level() == Level::A, p.reach_100_at, checks, self.now);
                let grace = self.settings.rules.a_level_grace_days;
                let due = planning_deadline(reach, exception, due_on, grace);
                match existing.get(&d.id) {
                    None => {
                        let chosen = choose_physician(&physicians, None, self.today).map(|ph| ph.id);
                        if chosen.is_none() {
                            tracing::warn!(doctor = %d.staff_id, "no trained interview physician available");
                        }
                        insert_interview(
                            conn,
                            &NewInterview {
                                doctor_id: d.id,
                                month: month_code.clone(),
                                reason: reason.into(),
                                reach_100_date: reach,
                                deadline: due,
                                physician_id: chosen,
                                created_at: self.now,
                                reach_100_at: p.reach_100_at,
                                a_level_exception: Some(exception.code().into()),
                            },
                        )?;
                        summary.interviews_scheduled += 1;
                        opened = true;
                        if let Some(ph) = physicians.iter_mut().find(|ph| Some(ph.id) == chosen) {
                            ph.open_interviews += 1;
                        }
                        let physician = self.dir.user(chosen);
                        let physician_name = physician.map(display_name).unwrap_or_else(|| "（未定）".into());
                        queue(
                            conn,
                            summary,
                            &about(MailKind::InterviewAssigned),
                            self.now,
                            physician
                                .and_then(|u| u.email.as_deref())
                                .map(|to| mails::interview_assigned(&f, to, &physician_name, due)),
                        )?;
                        queue(
                            conn,
                            summary,
                            &about(MailKind::InterviewNotice),
                            self.now,
                            d.email
                                .as_deref()
                                .map(|to| mails::interview_notice_doctor(&f, to, &physician_name, due)),
                        )?;
                        // The open interview makes the pre-check due
                        // (precheck_due below): asked for with the
                        // interview's own mails, before any overdue notice —
                        // while the month runs (a pre-check is made before).
                        if live {
                            queue(
                                conn,
                                summary,
                                &about(MailKind::PrecheckNeeded),
                                self.now,
                                manager.as_deref().map(|to| mails::precheck_needed(&f, to)),
                            )?;
                        }
                        if self.today > due {
                            // Opened after its deadline: the interview was
                            // not in time (a violation).
                            summary.interviews_opened_late += 1;
                        }
                        if !live && self.today > due {
                            // The data of a closed month came late: the
                            // manager and HR hear what happened and that
                            // the interview must be held now.
                            self.tell_late(
                                conn,
                                summary,
                                &about(MailKind::InterviewFoundLate),
                                manager.as_deref(),
                                |to| mails::case_found_late(&f, to, Late::Interview { deadline: due }),
                            )?;
                        } else if self.today > due {
                            queue(
                                conn,
                                summary,
                                &about(MailKind::InterviewOverdue),
                                self.now,
                                manager.as_deref().map(|to| mails::interview_overdue(&f, to, due)),
                            )?;
                        }
                    }
                    Some(i) if i.held_on.is_none() => {
                        // The projection moved earlier: so does the deadline
                        // (never later: the interview must precede 100 h —
                        // unless the exception, granted by a pre-check
                        // before 100 h, allows it to follow without delay).
                        let reach_date = reach.min(i.reach_100_date);
                        let planned = planning_deadline(reach_date, exception, due_on, grace);
                        let deadline = if exception.grants_grace() {
                            planned
                        } else {
                            planned.min(i.deadline)
                        };
                        if reach < i.reach_100_date {
                            set_reach_and_deadline(conn, i.id, reach, deadline, reason)?;
                        } else if reason == Reason::Over100.code() && i.reason != Reason::Over100.code() {
                            set_reason(conn, i.id, reason)?;
                        }
                        if i.deadline != deadline
                            || i.reach_100_at != p.reach_100_at
                            || i.a_level_exception.as_deref() != Some(exception.code())
                        {
                            set_judgement(conn, i.id, p.reach_100_at, exception.code(), deadline)?;
                        }
                        // One opened late already told its people.
                        if !i.opened_late() && self.today > deadline {
                            queue(
                                conn,
                                summary,
                                &about(MailKind::InterviewOverdue),
                                self.now,
                                manager.as_deref().map(|to| mails::interview_overdue(&f, to, deadline)),
                            )?;
                        }
                    }
                    Some(i) if i.reach_100_at != p.reach_100_at => {
                        // Held: corrected rows may move the minute 100 h was
                        // reached, and with it whether it was in time.
                        let judged = i.a_level_exception.clone().unwrap_or_else(|| exception.code().into());
                        set_judgement(conn, i.id, p.reach_100_at, &judged, i.deadline)?;
                    }
                    Some(_) => {}
                }
            }

            // Pre-check: once the actual figure passes the watch level, or
            // with the interview opened above (that mail is queued already,
            // so this one is not queued twice). An interview opened by an
            // earlier run asked its manager then.
            if live
                && precheck_due(
                    p.actual.overtime_holiday_minutes,
                    self.settings.rules.watch_minutes,
                    opened,
                )
            {
                queue(
                    conn,
                    summary,
                    &about(MailKind::PrecheckNeeded),
                    self.now,
                    manager.as_deref().map(|to| mails::precheck_needed(&f, to)),
                )?;
            }

            // Over 155 h (actual or projected): a measures case for the manager.
            if p.flags.projected_over_155 || p.flags.over_155 {
                if !open_measures
                    .iter()
                    .any(|(doc, r)| *doc == d.id && r == MeasureReason::Over155.code())
                    // One case per doctor-month: over 155 h joins the
                    // opinion's case when there is one (issue 13 §6).
                    && super::opinions::open_or_join_measures(
                        conn,
                        d.id,
                        &month_code,
                        MeasureReason::Over155,
                        existing.get(&d.id).map(|i| i.id),
                        self.now,
                    )? != super::opinions::CaseChange::Unchanged
                {
                    summary.measures_opened += 1;
                    if !live {
                        // Opened after the month closed: over 155 h with no
                        // measures during the month (a violation).
                        summary.measures_opened_late += 1;
                        self.tell_late(
                            conn,
                            summary,
                            &about(MailKind::MeasuresFoundLate),
                            manager.as_deref(),
                            |to| mails::case_found_late(&f, to, Late::Measures),
                        )?;
                    }
                }
                if live {
                    queue(
                        conn,
                        summary,
                        &about(MailKind::MeasuresNeeded),
                        self.now,
                        manager
                            .as_deref()
                            .map(|to| mails::measures_needed(&f, to, p.flags.over_155)),
                    )?;
                }
            }
        }

        Ok(discrepancy_days)
    }

    /// Queues a case-found-late mail to the manager and to every HR
    /// account with an address.
    fn tell_late(
        &self,
        conn: &mut AnyConnection,
        summary: &mut DailySummary,
        topic: &Topic,
        manager: Option<&str>,
        mail: impl Fn(&str) -> Mail,
    ) -> QueryResult<()> {
        let hr = self.dir.hr();
        let to = manager.into_iter().chain(hr.iter().filter_map(|u| u.email.as_deref()));
        for address in to {
            queue(conn, summary, topic, self.now, Some(mail(address)))?;
        }
        Ok(())
    }
}

/// Queues a mail if there is a recipient, counting what was queued.
fn queue(
    conn: &mut AnyConnection,
    summary: &mut DailySummary,
    topic: &Topic,
    now: NaiveDateTime,
    mail: Option<Mail>,
) -> QueryResult<()> {
    if let Some(mail) = mail {
        if outbox::enqueue(conn, topic, mail, now)? {
            summary.alerts_queued += 1;
        }
    }
    Ok(())
}

pub(crate) fn record_run(
    conn: &mut AnyConnection,
    job: &str,
    as_of: NaiveDate,
    month: &str,
    now: NaiveDateTime,
    summary: &str,
) -> QueryResult<()> {
    insert_job_run(conn, job, as_of, month, now, summary).map(drop)
}

impl Cases<'_> {
    /// 代償休息 reminders (rules §11.12): to the doctor's manager, once per
    /// entry, when an entry with open minutes falls due within
    /// `comp_rest_reminder_days` (`comp_rest_due`), and once it is past its
    /// due date (`comp_rest_overdue`). The ledger of today's month holds every
    /// entry still open, however old. A `long_work_exception` entry is
    /// settled when it arises: no reminder.
    pub(super) fn comp_rest(
        &self,
        conn: &mut AnyConnection,
        computed: &[(Doctor, DoctorComputation)],
        summary: &mut DailySummary,
    ) -> Result<(), ReportError> {
        use crate::domain::rest::{EntryCause, EntryKind};
        let month_code = self.month.to_string();
        let days = self.settings.rules.comp_rest_reminder_days;
        for (d, c) in computed {
            let Some(rest) = &c.rest else { continue };
            let Some(to) = self.dir.manager_of(d).and_then(|u| u.email.clone()) else {
                continue;
            };
            for e in &rest.ledger.entries {
                if e.open_minutes <= 0 || e.cause == EntryCause::LongWorkException {
                    continue;
                }
                let (reason, overdue) = if self.today > e.due {
                    (MailKind::CompRestOverdue, true)
                } else if (e.due - self.today).num_days() <= days {
                    (MailKind::CompRestDue, false)
                } else {
                    continue;
                };
                let open = mails::OpenRest {
                    compensatory: e.kind == EntryKind::Compensatory,
                    arose_at: e.arose_at,
                    due: e.due,
                    open_minutes: e.open_minutes,
                };
                let f = facts(self.settings, d, &month_code, c);
                let mail = mails::comp_rest_reminder(&f, &to, open, overdue);
                // One mail per entry: named by its cause and the minute it arose.
                let key = format!("{}/{}", crate::domain::rest::format_instant(e.arose_at), e.cause.code());
                let topic = Topic {
                    reason,
                    doctor_id: Some(d.id),
                    month: Some(&key),
                };
                queue(conn, summary, &topic, self.now, Some(mail))?;
            }
        }
        Ok(())
    }
}
