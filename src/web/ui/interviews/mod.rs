//! The screens of interview physicians, managers and doctors (issue 4 §5),
//! one file per page:
//!
//! - `GET /interviews` (here) — a physician's "my interviews"; a manager's
//!   interviews of their doctors and the doctors needing action;
//! - `GET /interviews/{id}` (`detail`) — one interview, with the manager's
//!   pre-check form, the physician's record form and "another physician";
//! - `GET|POST /prechecks/{staff_id}` (`prechecks`) — the pre-check of a
//!   doctor's month before an interview is opened (from 80 h on);
//! - `GET /interviews/manage` and `/interviews/{id}/arrange` (`manage`) —
//!   HR's and the administrator's 面接指導管理 work list, the 予定日時 and
//!   the choice of a physician;
//! - `GET /measures`, `POST /measures/{id}` (`measures`) — the manager's
//!   measures;
//! - `GET|POST /me/selfcheck` (`selfcheck`) — the doctor's fatigue
//!   self-check and sleep, which prefill the manager's pre-check.
//!
//! The rules of the records are those of [`records`] (the JSON API uses
//! the same functions), the reading of the self-check and of the sleep and
//! wish typed into a pre-check that of [`crate::domain::selfcheck`]; the
//! queries are [`crate::db::interviews`]'s. Who sees what is the access
//! policy ([`crate::policy`]): health data only for the doctor, their
//! manager and the physician assigned to the interview; HR and admin see
//! status only. An interview a user may not see does not exist for them
//! (404).
//!
//! Every POST checks the session's CSRF token; a saved form redirects (303)
//! back to its page with `?saved=1`, a refused one is shown again with the
//! rule's message.

mod detail;
mod manage;
mod measures;
mod prechecks;
mod record;
mod selfcheck;

use prechecks::PreCheckFields;
use record::{AddendumForm, FieldErrors, RecordForm};

use super::{urlencode, Lang, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::db::interviews::{latest_precheck, months_of_physician, open_interviews_of, unrecorded_measures_of};
use crate::db::models::{Doctor, PreCheck, SelfCheck, User};
use crate::db::{queries, AnyConnection};
use crate::domain::interview::{precheck_due, MeasureReason, Reason, Status};
use crate::domain::time::{format_hm, YearMonth};
use crate::monitor::records::{self, InterviewLine, RecordError};
use crate::month::{compute, line, load_rows_of, DoctorRows};
use crate::policy::{self, Sight, Whose};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;

// ---------------------------------------------------------------------------
// Shared pieces

pub(super) use super::{blocking, in_lang, Reply};

/// A refused record: the status and message the form is shown again with.
/// Anything but a broken rule is an error page.
fn refusal(lang: Lang, e: RecordError) -> Result<(StatusCode, String), UiError> {
    match e {
        RecordError::Invalid(m) => Ok((StatusCode::BAD_REQUEST, in_lang(lang, &m))),
        RecordError::AlreadyDone | RecordError::NoPhysician => {
            Ok((StatusCode::CONFLICT, in_lang(lang, &e.to_string())))
        }
        RecordError::NotFound => Err(UiError::NotFound(lang)),
        other => Err(UiError::internal(other)),
    }
}

/// A month parameter: empty means "not given".
fn parse_month(viewer: &Viewer, m: Option<&str>) -> Result<Option<YearMonth>, UiError> {
    match m.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => YearMonth::parse(m)
            .map(Some)
            .ok_or_else(|| UiError::BadRequest(viewer.lang, format!("month: {m}"))),
        None => Ok(None),
    }
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    month: Option<String>,
    saved: Option<String>,
}

impl PageQuery {
    fn saved(&self) -> bool {
        self.saved.as_deref().is_some_and(|s| !s.is_empty())
    }
}

/// An interview's or a measures case's reason, from the one label table of
/// its kind.
fn reason_label(lang: Lang, code: &str) -> &'static str {
    lang.label(match Reason::parse(code) {
        Some(r) => r.label(),
        None => MeasureReason::label_of(code),
    })
}

fn yes_no(lang: Lang, yes: bool) -> &'static str {
    match (lang, yes) {
        (Lang::Ja, true) => "あり",
        (Lang::Ja, false) => "なし",
        (Lang::En, true) => "yes",
        (Lang::En, false) => "no",
    }
}

/// How a user is named on the screens.
fn person(u: &User) -> String {
    match &u.name {
        Some(n) => format!("{n}（{}）", u.login),
        None => u.login.clone(),
    }
}

/// An option of a select.
#[derive(Debug, Clone)]
struct Choice {
    value: String,
    selected: bool,
}

fn choices(values: &[&str], selected: &str) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: (*v).to_string(),
            selected: *v == selected,
        })
        .collect()
}

const SYMPTOMS: [&str; 4] = ["I", "II", "III", "IV"];
const SCORES: [&str; 8] = ["0", "1", "2", "3", "4", "5", "6", "7"];

// ---------------------------------------------------------------------------
// Pre-checks and self-checks as shown

/// A pre-check as a table row shows it.
struct PreCheckView {
    p: PreCheck,
    sleep: String,
    previous: String,
    wish: &'static str,
}

impl PreCheckView {
    fn of(lang: Lang, mut p: PreCheck, names: &super::names::Names) -> PreCheckView {
        names.put_opt(&mut p.recorded_by);
        PreCheckView {
            sleep: format_hm(i64::from(p.sleep_average_minutes)),
            previous: format_hm(i64::from(p.previous_month_minutes)),
            wish: yes_no(lang, p.doctor_requests_interview != 0),
            p,
        }
    }
}

/// A self-check as a table row shows it.
struct SelfCheckView {
    s: SelfCheck,
    sleep: String,
    wish: &'static str,
    by_checklist: bool,
}

impl SelfCheckView {
    fn of(lang: Lang, s: SelfCheck) -> SelfCheckView {
        SelfCheckView {
            sleep: format_hm(i64::from(s.sleep_average_minutes)),
            wish: yes_no(lang, s.wants_interview != 0),
            by_checklist: s.answers.is_some(),
            s,
        }
    }
}

/// What the interview page (and the pre-check page) shows besides the
/// records: a saved notice, or the refused form with its message.
#[derive(Default)]
struct Shown {
    saved: bool,
    error: Option<String>,
    pf: Option<PreCheckFields>,
    rf: Option<RecordForm>,
    /// The record form's refused fields.
    rerr: FieldErrors,
    /// Show the confirmation step of `rf`.
    confirm: bool,
    af: Option<AddendumForm>,
    aerr: FieldErrors,
}

// ---------------------------------------------------------------------------
// GET /interviews

/// One line of "my interviews" / "my doctors' interviews".
struct Row {
    id: i64,
    month: String,
    staff_id: String,
    name: String,
    level: String,
    physician: String,
    reason: &'static str,
    reach_100_date: NaiveDate,
    deadline: NaiveDate,
    held_on: Option<NaiveDate>,
    status: &'static str,
    status_label: String,
    opened_late: bool,
}

impl Row {
    fn of(lang: Lang, month: YearMonth, l: InterviewLine) -> Row {
        Row {
            id: l.id,
            month: month.to_string(),
            staff_id: l.staff_id,
            name: l.name,
            level: l.level,
            physician: l.physician_login.unwrap_or_else(|| "—".into()),
            reason: reason_label(lang, &l.reason),
            reach_100_date: l.reach_100_date,
            deadline: l.deadline,
            held_on: l.held_on,
            status: l.status.code(),
            status_label: l.status.words(l.days_late, lang == Lang::Ja),
            opened_late: l.opened_late,
        }
    }
}

/// Something a manager has to do about one of their doctors.
struct Action {
    /// `precheck`, `overdue`, `past_planning`, `requested` or `measures`.
    kind: &'static str,
    staff_id: String,
    name: String,
    month: String,
    detail: String,
    href: String,
}

#[derive(Template)]
#[template(path = "interviews.html")]
struct ListPage {
    ctx: PageCtx,
    manager: bool,
    /// The month shown; empty for a physician's "every month".
    month: String,
    previous: String,
    next: String,
    rows: Vec<Row>,
    actions: Vec<Action>,
}

/// The doctors whose manager the viewer is.
fn my_doctors(conn: &mut AnyConnection, viewer: &Viewer) -> Result<Vec<Doctor>, UiError> {
    Ok(queries::all_doctors(conn)?
        .into_iter()
        .filter(|d| policy::is_manager(viewer.who(), d.into()))
        .collect())
}

/// The manager's "doctors needing action": a pre-check missing for the
/// month (the doctor's actual figure is at the watch level, or an interview
/// of the month is open — the A-level exception needs one), interviews past
/// their deadline, and measures cases not recorded (any month).
fn needing_action(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    month: YearMonth,
    today: NaiveDate,
) -> Result<Vec<Action>, UiError> {
    let lang = viewer.lang;
    let mine = my_doctors(conn, viewer)?;
    let ids: Vec<i64> = mine.iter().map(|d| d.id).collect();
    let mut actions = Vec::new();
    if ids.is_empty() {
        return Ok(actions);
    }
    let rules = &app.settings.rules;
    let as_of = month.clamp(today);
    let (_, rows) = load_rows_of(conn, Some(&ids), month, as_of, rules)?;
    let open = open_interviews_of(conn, &ids)?;
    let open_this_month: HashMap<i64, i64> = open
        .iter()
        .filter(|(i, _)| i.month == month.to_string())
        .map(|(i, _)| (i.doctor_id, i.id))
        .collect();
    let empty = DoctorRows::default();
    for d in &mine {
        let c = compute(rows.get(&d.id).unwrap_or(&empty), d, month, as_of, rules);
        comp_rest_actions(lang, d, &c, month, today, &mut actions);
        let m = line(d, &c);
        let interview = open_this_month.get(&d.id);
        let due = precheck_due(m.overtime_holiday_minutes, rules.watch_minutes, interview.is_some());
        if due && latest_precheck(conn, d.id, month)?.is_none() {
            actions.push(Action {
                kind: "precheck",
                staff_id: d.staff_id.clone(),
                name: d.name.clone(),
                month: month.to_string(),
                detail: format!(
                    "{} {}・{} {}",
                    match lang {
                        Lang::Ja => "実績",
                        Lang::En => "actual",
                    },
                    format_hm(m.overtime_holiday_minutes),
                    match lang {
                        Lang::Ja => "月末見込み",
                        Lang::En => "projected",
                    },
                    format_hm(m.projected_overtime_holiday_minutes)
                ),
                href: match interview {
                    Some(id) => format!("/interviews/{id}#precheck"),
                    None => format!("/prechecks/{}?month={month}", urlencode(&d.staff_id)),
                },
            });
        }
    }
    let at = crate::domain::due::end_of(today);
    for (i, d) in open {
        let due = i.due();
        // Overdue once 100 h is reached without the interview (rules §8.5);
        // before that, a passed planning deadline is still a reminder.
        let kind = if due.status(at) == Status::Overdue {
            "overdue"
        } else if due.past_planning_deadline(at) {
            "past_planning"
        } else {
            continue;
        };
        actions.push(Action {
            kind,
            staff_id: d.staff_id,
            name: d.name,
            detail: format!(
                "{} {}",
                match lang {
                    Lang::Ja => "期限",
                    Lang::En => "deadline",
                },
                i.deadline
            ),
            month: i.month,
            href: format!("/interviews/{}", i.id),
        });
    }
    // A self-check of the month asking for an interview (issue 13 item 8).
    for (doctor_id, at) in crate::db::worklist::interview_requests(conn, &ids, &month.to_string())? {
        if let Some(d) = mine.iter().find(|d| d.id == doctor_id) {
            actions.push(Action {
                kind: "requested",
                staff_id: d.staff_id.clone(),
                name: d.name.clone(),
                month: month.to_string(),
                detail: format!(
                    "{} {}",
                    match lang {
                        Lang::Ja => "セルフチェックで希望",
                        Lang::En => "asked in the self-check on",
                    },
                    at.format("%Y-%m-%d %H:%M")
                ),
                href: match open_this_month.get(&d.id) {
                    Some(id) => format!("/interviews/{id}"),
                    None => format!("/prechecks/{}?month={month}", urlencode(&d.staff_id)),
                },
            });
        }
    }
    let unrecorded = unrecorded_measures_of(conn, &ids)?;
    for (m, d) in unrecorded {
        actions.push(Action {
            kind: "measures",
            staff_id: d.staff_id,
            name: d.name,
            detail: match &m.extra_reason {
                Some(x) => format!("{}・{}", reason_label(lang, &m.reason), reason_label(lang, x)),
                None => reason_label(lang, &m.reason).to_string(),
            },
            href: format!("/measures?month={}#measure-{}", m.month, m.id),
            month: m.month,
        });
    }
    Ok(actions)
}

/// 代償休息 (rules §11.12) the manager must give: entries past their due
/// date (`comp_rest_overdue`) and those due by the end of the month
/// (`comp_rest_due`), with the open minutes.
fn comp_rest_actions(
    lang: Lang,
    d: &Doctor,
    c: &crate::month::DoctorComputation,
    month: YearMonth,
    today: NaiveDate,
    actions: &mut Vec<Action>,
) {
    use crate::domain::rest::EntryCause;
    let Some(rest) = &c.rest else { return };
    for e in &rest.ledger.entries {
        if e.open_minutes <= 0 || e.cause == EntryCause::LongWorkException {
            continue;
        }
        let kind = if today > e.due {
            "comp_rest_overdue"
        } else if e.due <= month.last_day() {
            "comp_rest_due"
        } else {
            continue;
        };
        let (kind_words, due_words) = match lang {
            Lang::Ja => (e.kind.words().0, "期限"),
            Lang::En => (e.kind.words().1, "due"),
        };
        actions.push(Action {
            kind,
            staff_id: d.staff_id.clone(),
            name: d.name.clone(),
            month: month.to_string(),
            detail: format!("{kind_words} {}・{due_words} {}", format_hm(e.open_minutes), e.due),
            href: format!("/doctors/{}?month={month}#rest", urlencode(&d.staff_id)),
        });
    }
}

fn list_page(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    month: Option<YearMonth>,
) -> Result<ListPage, UiError> {
    let today = app.settings.today();
    let manager = viewer.role == Role::Manager;
    // A manager works month by month; a physician sees every month unless
    // one is asked for, so that nothing open is out of sight.
    let month = if manager {
        Some(month.unwrap_or_else(|| YearMonth::of(today)))
    } else {
        month
    };
    let months: Vec<YearMonth> = match month {
        Some(m) => vec![m],
        None => months_of_physician(conn, viewer.user.id)?
            .iter()
            .filter_map(|m| YearMonth::parse(m))
            .collect(),
    };
    let mut rows = Vec::new();
    for m in months {
        for l in records::list_interviews(conn, m, today)? {
            let whose = Whose {
                staff_id: &l.staff_id,
                manager_login: l.manager_login.as_deref(),
            };
            if policy::interview(viewer.who(), whose, l.physician_login.as_deref()) != Sight::None {
                rows.push(Row::of(viewer.lang, m, l));
            }
        }
    }
    // Open ones first, the nearest deadline on top; then the held ones,
    // the latest first.
    rows.sort_by(|a, b| {
        let (a_done, b_done) = (a.held_on.is_some(), b.held_on.is_some());
        a_done.cmp(&b_done).then_with(|| {
            if a_done {
                b.held_on.cmp(&a.held_on)
            } else {
                a.deadline.cmp(&b.deadline)
            }
            .then_with(|| a.staff_id.cmp(&b.staff_id))
        })
    });
    let actions = match (manager, month) {
        (true, Some(m)) => needing_action(conn, app, viewer, m, today)?,
        _ => Vec::new(),
    };
    Ok(ListPage {
        ctx: viewer.ctx(app),
        manager,
        month: month.map(|m| m.to_string()).unwrap_or_default(),
        previous: month.map(|m| m.previous().to_string()).unwrap_or_default(),
        next: month.map(|m| m.next().to_string()).unwrap_or_default(),
        rows,
        actions,
    })
}

/// Physicians: the interviews assigned to them. Managers: their doctors'
/// interviews and what needs doing. HR and admin use the dashboard, doctors
/// their own page.
#[get("/interviews")]
async fn interviews_page(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Physician, Role::Manager])?;
    let month = parse_month(&viewer, q.month.as_deref())?;
    blocking(&app, move |c, app| {
        Reply::page(StatusCode::OK, &list_page(c, app, &viewer, month)?)
    })
    .await
}

/// Registers the screens of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    manage::configure(cfg);
    cfg.service(interviews_page)
        .service(detail::interview_page)
        .service(detail::interview_precheck)
        .service(detail::interview_record)
        .service(detail::interview_addendum)
        .service(detail::interview_reassign)
        .service(prechecks::precheck_form)
        .service(prechecks::precheck_save)
        .service(measures::measures_list)
        .service(measures::measures_save)
        .service(measures::measures_addendum)
        .service(selfcheck::selfcheck_form)
        .service(selfcheck::selfcheck_save);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_message_is_shown_in_the_pages_language() {
        assert_eq!(
            in_lang(Lang::Ja, "措置を一つ以上選んでください / choose at least one measure"),
            "措置を一つ以上選んでください"
        );
        assert_eq!(
            in_lang(Lang::En, "措置を一つ以上選んでください / choose at least one measure"),
            "choose at least one measure"
        );
        assert_eq!(in_lang(Lang::En, "日本語だけ"), "日本語だけ");
    }
}
