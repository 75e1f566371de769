//! The screens of interview physicians, managers and doctors (issue 4 §5):
//!
//! - `GET /interviews` — a physician's "my interviews"; a manager's
//!   interviews of their doctors and the doctors needing action;
//! - `GET /interviews/{id}` — one interview, with the manager's pre-check
//!   form, the physician's record form and "another physician";
//! - `GET|POST /prechecks/{staff_id}` — the pre-check of a doctor's month
//!   before an interview is opened (from 80 h on);
//! - `GET /measures`, `POST /measures/{id}` — the manager's measures;
//! - `GET|POST /me/selfcheck` — the doctor's fatigue self-check and sleep,
//!   which prefill the manager's pre-check.
//!
//! The rules of the records are those of [`records`] (the JSON API uses
//! the same functions), and who sees what is the access policy
//! ([`crate::policy`]): health data only for the doctor, their manager and
//! the physician assigned to the interview; HR and admin see status only. An
//! interview a user may not see does not exist for them (404).
//!
//! Every POST checks the session's CSRF token; a saved form redirects (303)
//! back to its page with `?saved=1`, a refused one is shown again with the
//! rule's message.

use super::{urlencode, Lang, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::db::models::{Doctor, Interview, Measure, NewSelfCheck, PreCheck, SelfCheck, User};
use crate::db::schema::{doctors, interviews, measures, prechecks, self_checks, users};
use crate::db::{queries, AnyConnection};
use crate::domain::interview::{health_record_retention, Status, Symptom};
use crate::domain::time::{format_hm, YearMonth};
use crate::monitor::records::{self, InterviewInput, InterviewLine, MeasureInput, PreCheckInput, RecordError};
use crate::policy::{self, Sight, Whose};
use crate::report::monthly::{compute, line, load_rows_of, DoctorRows};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

// ---------------------------------------------------------------------------
// Shared pieces

/// What a handler's database work ends in. Built inside `web::block` (an
/// `HttpResponse` cannot cross threads), answered outside.
enum Reply {
    /// 303 to a page of this site.
    Redirect(String),
    /// A rendered page with its status.
    Html(StatusCode, String),
}

impl Reply {
    fn page(status: StatusCode, t: &impl Template) -> Result<Reply, UiError> {
        Ok(Reply::Html(status, t.render().map_err(UiError::internal)?))
    }

    fn respond(self) -> HttpResponse {
        match self {
            Reply::Redirect(to) => HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish(),
            Reply::Html(status, body) => HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(body),
        }
    }
}

/// Runs a handler's database work on the blocking pool.
async fn blocking(
    app: &web::Data<App>,
    f: impl FnOnce(&mut AnyConnection, &App) -> Result<Reply, UiError> + Send + 'static,
) -> Result<HttpResponse, UiError> {
    let app = app.clone();
    let reply = web::block(move || {
        let mut conn = app.pool.get().map_err(UiError::internal)?;
        f(&mut conn, &app)
    })
    .await
    .map_err(UiError::internal)??;
    Ok(reply.respond())
}

fn db(e: diesel::result::Error) -> UiError {
    UiError::internal(e)
}

/// The part of a "日本語 / English" message (as the rules write them) in the
/// page's language.
fn in_lang(lang: Lang, msg: &str) -> String {
    match (lang, msg.split_once(" / ")) {
        (Lang::Ja, Some((ja, _))) => ja.to_string(),
        (Lang::En, Some((_, en))) => en.to_string(),
        _ => msg.to_string(),
    }
}

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

/// A form that carries nothing but its CSRF token. A missing token is an
/// empty one, refused with 403 like a wrong one (not a 400 of the parser).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CsrfOnly {
    csrf: String,
}

fn status_label(lang: Lang, code: &str) -> &'static str {
    match (lang, code) {
        (Lang::Ja, "done") => "実施済",
        (Lang::Ja, "overdue") => "期限超過",
        (Lang::Ja, _) => "予定",
        (Lang::En, "done") => "done",
        (Lang::En, "overdue") => "overdue",
        (Lang::En, _) => "scheduled",
    }
}

fn reason_label(lang: Lang, code: &str) -> &'static str {
    match (lang, code) {
        (Lang::Ja, "over_100") => "100時間到達",
        (Lang::Ja, "projected_over_100") => "100時間到達見込み",
        (Lang::Ja, "over_155") => "155時間超（労働時間短縮の措置が必須）",
        (Lang::Ja, "interview") => "面接指導の意見",
        (Lang::En, "over_100") => "reached 100 h",
        (Lang::En, "projected_over_100") => "projected to reach 100 h",
        (Lang::En, "over_155") => "over 155 h (hours must be shortened)",
        (Lang::En, "interview") => "the interview's opinion",
        _ => "—",
    }
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

/// Average sleep as typed: `6:30` (hours:minutes), `390` (minutes), also
/// in full-width digits or as `6時間30分` (domain::input::parse_duration,
/// with checked arithmetic). The range is the record's rule.
fn parse_sleep(s: &str) -> Result<i64, &'static str> {
    use crate::domain::input::{parse_duration, DurationError};
    parse_duration(s).map_err(|e| match e {
        DurationError::Unreadable => SLEEP_FORMAT,
        DurationError::TooLarge => SLEEP_RANGE,
    })
}

/// The range of an average sleep (records::record_precheck's rule too).
const SLEEP_RANGE: &str = "平均睡眠時間は 0:00〜24:00 の範囲で入力してください / the average sleep must be 0:00–24:00";

const SLEEP_FORMAT: &str = "平均睡眠時間は「6:30」（時間:分）または「390」（分）の形で入力してください / \
                            enter the average sleep as hours:minutes (6:30) or minutes (390)";
const WISH_MISSING: &str =
    "本人の面接指導の希望（あり／なし）を選んでください / choose whether the doctor asks for an interview";

/// The form's answer to "does the doctor ask for an interview?": a radio
/// pair with no default, so that a forgotten answer is never read as "no"
/// (which could grant the A-level exception).
fn parse_wish(s: &str) -> Option<bool> {
    match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

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
    fn of(lang: Lang, p: PreCheck) -> PreCheckView {
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

/// A doctor's self-checks of a month, newest first.
fn self_checks_of(conn: &mut AnyConnection, doctor_id: i64, month: &str) -> QueryResult<Vec<SelfCheck>> {
    self_checks::table
        .filter(self_checks::doctor_id.eq(doctor_id))
        .filter(self_checks::month.eq(month))
        .order(self_checks::id.desc())
        .select(SelfCheck::as_select())
        .load(conn)
}

/// A doctor's pre-checks of a month, oldest first (the latest counts), as
/// [`records::interview`] lists them for an interview.
fn prechecks_of(conn: &mut AnyConnection, doctor_id: i64, month: YearMonth) -> QueryResult<Vec<PreCheck>> {
    prechecks::table
        .filter(prechecks::doctor_id.eq(doctor_id))
        .filter(prechecks::month.eq(month.to_string()))
        .order(prechecks::id)
        .select(PreCheck::as_select())
        .load(conn)
}

/// The pre-check form's values (as typed, to show them again).
#[derive(Debug, Clone, Default)]
struct PreCheckFields {
    work_status: String,
    sleep: String,
    symptoms: Vec<Choice>,
    scores: Vec<Choice>,
    mental_physical: String,
    /// "yes", "no" or "" (not answered).
    wish: String,
    /// Where the values came from, when prefilled.
    note: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PreCheckForm {
    csrf: String,
    work_status: String,
    sleep: String,
    fatigue_symptom: String,
    fatigue_score: String,
    mental_physical: String,
    doctor_requests_interview: String,
}

impl PreCheckForm {
    /// The record's input; what cannot be read is refused here, the ranges
    /// are checked by [`records::record_precheck`].
    fn input(&self) -> Result<PreCheckInput, &'static str> {
        let sleep_average_minutes = parse_sleep(&self.sleep)?;
        let fatigue_score = self
            .fatigue_score
            .trim()
            .parse()
            .map_err(|_| "疲労蓄積度は 0〜7 で入力してください / fatigue_score must be 0–7")?;
        let doctor_requests_interview = parse_wish(&self.doctor_requests_interview).ok_or(WISH_MISSING)?;
        Ok(PreCheckInput {
            work_status: self.work_status.trim().to_string(),
            sleep_average_minutes,
            fatigue_symptom: self.fatigue_symptom.clone(),
            fatigue_score,
            mental_physical: self.mental_physical.trim().to_string(),
            doctor_requests_interview,
        })
    }

    fn fields(&self) -> PreCheckFields {
        PreCheckFields {
            work_status: self.work_status.clone(),
            sleep: self.sleep.clone(),
            symptoms: choices(&SYMPTOMS, self.fatigue_symptom.trim()),
            scores: choices(&SCORES, self.fatigue_score.trim()),
            mental_physical: self.mental_physical.clone(),
            wish: self.doctor_requests_interview.clone(),
            note: String::new(),
        }
    }
}

/// The pre-check form as first shown: the fatigue, sleep and wish from the
/// doctor's latest self-check of the month, or from the latest pre-check
/// when that is newer; the texts from the latest pre-check.
fn prefill(lang: Lang, latest_self: Option<&SelfCheck>, latest_pre: Option<&PreCheck>) -> PreCheckFields {
    let (work_status, mental_physical) = latest_pre
        .map(|p| (p.work_status.clone(), p.mental_physical.clone()))
        .unwrap_or_default();
    let self_is_newer = match (latest_self, latest_pre) {
        (Some(s), Some(p)) => s.recorded_at > p.recorded_at,
        (Some(_), None) => true,
        _ => false,
    };
    let from = |symptom: &str, score: i32, sleep: i32, wish: bool, note: String| PreCheckFields {
        work_status: work_status.clone(),
        sleep: format_hm(i64::from(sleep)),
        symptoms: choices(&SYMPTOMS, symptom),
        scores: choices(&SCORES, &score.to_string()),
        mental_physical: mental_physical.clone(),
        wish: if wish { "yes" } else { "no" }.into(),
        note,
    };
    match (latest_self, latest_pre) {
        (Some(s), _) if self_is_newer => from(
            &s.symptom,
            s.score,
            s.sleep_average_minutes,
            s.wants_interview != 0,
            match lang {
                Lang::Ja => format!(
                    "本人のセルフチェック（{} 入力）の結果を入力済みです。確認のうえ保存してください。",
                    s.recorded_at.format("%Y-%m-%d %H:%M")
                ),
                Lang::En => format!(
                    "Filled in from the doctor's self-check of {}; check and save.",
                    s.recorded_at.format("%Y-%m-%d %H:%M")
                ),
            },
        ),
        (_, Some(p)) => from(
            &p.fatigue_symptom,
            p.fatigue_score,
            p.sleep_average_minutes,
            p.doctor_requests_interview != 0,
            match lang {
                Lang::Ja => "前回の事前確認の内容を入力済みです。".into(),
                Lang::En => "Filled in from the previous pre-check.".into(),
            },
        ),
        _ => PreCheckFields {
            symptoms: choices(&SYMPTOMS, ""),
            scores: choices(&SCORES, ""),
            note: match lang {
                Lang::Ja => "本人のセルフチェックはまだありません。".into(),
                Lang::En => "The doctor has not entered a self-check yet.".into(),
            },
            ..PreCheckFields::default()
        },
    }
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
    status_label: &'static str,
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
            status_label: status_label(lang, l.status.code()),
        }
    }
}

/// Something a manager has to do about one of their doctors.
struct Action {
    /// `precheck`, `overdue` or `measures`.
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
fn my_doctors(conn: &mut AnyConnection, viewer: &Viewer) -> QueryResult<Vec<Doctor>> {
    Ok(doctors::table
        .order(doctors::staff_id)
        .select(Doctor::as_select())
        .load(conn)?
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
    let mine = my_doctors(conn, viewer).map_err(db)?;
    let ids: Vec<i64> = mine.iter().map(|d| d.id).collect();
    let mut actions = Vec::new();
    if ids.is_empty() {
        return Ok(actions);
    }
    let rules = &app.settings.rules;
    let as_of = month.clamp(today);
    let (_, rows) = load_rows_of(conn, Some(&ids), month, as_of, rules).map_err(UiError::internal)?;
    let open: Vec<(Interview, Doctor)> = interviews::table
        .inner_join(doctors::table)
        .filter(interviews::doctor_id.eq_any(&ids))
        .filter(interviews::held_on.is_null())
        .order((interviews::deadline, doctors::staff_id))
        .select((Interview::as_select(), Doctor::as_select()))
        .load(conn)
        .map_err(db)?;
    let open_this_month: HashMap<i64, i64> = open
        .iter()
        .filter(|(i, _)| i.month == month.to_string())
        .map(|(i, _)| (i.doctor_id, i.id))
        .collect();
    let empty = DoctorRows::default();
    for d in &mine {
        let m = line(d, &compute(rows.get(&d.id).unwrap_or(&empty), d, month, as_of, rules));
        let interview = open_this_month.get(&d.id);
        let due = m.overtime_holiday_minutes >= rules.watch_minutes || interview.is_some();
        if due && records::latest_precheck(conn, d.id, month).map_err(db)?.is_none() {
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
    for (i, d) in open {
        if Status::of(i.deadline, i.held_on, today) == Status::Overdue {
            actions.push(Action {
                kind: "overdue",
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
    }
    let unrecorded: Vec<(Measure, Doctor)> = measures::table
        .inner_join(doctors::table)
        .filter(measures::doctor_id.eq_any(&ids))
        .filter(measures::recorded_at.is_null())
        .order((measures::month, doctors::staff_id, measures::id))
        .select((Measure::as_select(), Doctor::as_select()))
        .load(conn)
        .map_err(db)?;
    for (m, d) in unrecorded {
        actions.push(Action {
            kind: "measures",
            staff_id: d.staff_id,
            name: d.name,
            detail: reason_label(lang, &m.reason).to_string(),
            href: format!("/measures?month={}#measure-{}", m.month, m.id),
            month: m.month,
        });
    }
    Ok(actions)
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
        None => interviews::table
            .filter(interviews::physician_id.eq(viewer.user.id))
            .select(interviews::month)
            .distinct()
            .load::<String>(conn)
            .map_err(db)?
            .iter()
            .filter_map(|m| YearMonth::parse(m))
            .collect(),
    };
    let mut rows = Vec::new();
    for m in months {
        for l in records::list_interviews(conn, m, today).map_err(db)? {
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

// ---------------------------------------------------------------------------
// GET /interviews/{id} and its forms

/// An interview that the viewer may see, with what they may see of it.
struct Loaded {
    sight: Sight,
    i: Interview,
    d: Doctor,
    prechecks: Vec<PreCheck>,
    measures: Vec<Measure>,
    physician: Option<User>,
}

/// Loads an interview if `viewer` may see it at all; otherwise 404 (not
/// 403: the answer must not tell who has an interview).
fn load(conn: &mut AnyConnection, viewer: &Viewer, id: i64) -> Result<Loaded, UiError> {
    let (i, d, prechecks, measures) = records::interview(conn, id).map_err(|e| match e {
        RecordError::NotFound => UiError::NotFound(viewer.lang),
        e => UiError::internal(e),
    })?;
    let physician: Option<User> = match i.physician_id {
        Some(p) => users::table
            .find(p)
            .select(User::as_select())
            .first(conn)
            .optional()
            .map_err(db)?,
        None => None,
    };
    let sight = policy::interview(viewer.who(), (&d).into(), physician.as_ref().map(|u| u.login.as_str()));
    if sight == Sight::None {
        return Err(UiError::NotFound(viewer.lang));
    }
    Ok(Loaded {
        sight,
        i,
        d,
        prechecks,
        measures,
        physician,
    })
}

/// The interview record form's values.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct RecordForm {
    csrf: String,
    held_on: String,
    check_work: String,
    check_sleep: String,
    check_fatigue: String,
    check_mental_physical: String,
    opinion: String,
}

impl RecordForm {
    fn input(&self) -> Result<InterviewInput, &'static str> {
        let held_on = NaiveDate::parse_from_str(self.held_on.trim(), "%Y-%m-%d")
            .map_err(|_| "実施日を YYYY-MM-DD の形で入力してください / held_on must be YYYY-MM-DD")?;
        Ok(InterviewInput {
            held_on,
            check_work: self.check_work.trim().to_string(),
            check_sleep: self.check_sleep.trim().to_string(),
            check_fatigue: self.check_fatigue.trim().to_string(),
            check_mental_physical: self.check_mental_physical.trim().to_string(),
            opinion: self.opinion.trim().to_string(),
        })
    }
}

/// A measures case as the interview page and the measures page show it.
struct MeasureView {
    m: Measure,
    staff_id: String,
    name: String,
    reason: &'static str,
    mandatory: bool,
    recorded: bool,
    /// The physician's opinion the measures answer (only for who may see it).
    opinion: Option<String>,
    form: MeasureFields,
    error: Option<String>,
}

impl MeasureView {
    fn of(lang: Lang, m: Measure, d: &Doctor) -> MeasureView {
        MeasureView {
            staff_id: d.staff_id.clone(),
            name: d.name.clone(),
            reason: reason_label(lang, &m.reason),
            mandatory: m.reason == crate::monitor::daily::MEASURES_OVER_155,
            recorded: m.recorded_at.is_some(),
            opinion: None,
            form: MeasureFields::default(),
            error: None,
            m,
        }
    }
}

#[derive(Template)]
#[template(path = "interview.html")]
struct DetailPage {
    ctx: PageCtx,
    i: Interview,
    d: Doctor,
    level: &'static str,
    reason: &'static str,
    status: &'static str,
    status_label: &'static str,
    physician: String,
    /// The deadline is after the 100 h date: the A-level exception applies.
    a_level_exception: bool,
    grace_days: i64,
    health: bool,
    prechecks: Vec<PreCheckView>,
    self_checks: Vec<SelfCheckView>,
    measures: Vec<MeasureView>,
    can_precheck: bool,
    can_record: bool,
    can_reassign: bool,
    precheck_action: String,
    pf: PreCheckFields,
    rf: RecordForm,
    today: NaiveDate,
    saved: bool,
    error: Option<String>,
}

/// What the interview page shows besides the records: a saved notice, or
/// the refused form with its message.
#[derive(Default)]
struct Shown {
    saved: bool,
    error: Option<String>,
    pf: Option<PreCheckFields>,
    rf: Option<RecordForm>,
}

fn detail_page(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    v: Loaded,
    shown: Shown,
) -> Result<DetailPage, UiError> {
    let lang = viewer.lang;
    let today = app.settings.today();
    let Loaded {
        sight,
        i,
        d,
        prechecks,
        measures,
        physician,
    } = v;
    let health = sight.health();
    let held = i.held_on.is_some();
    let can_precheck = policy::is_manager(viewer.who(), (&d).into());
    let can_record = !held && policy::is_assigned_physician(viewer.who(), physician.as_ref().map(|u| u.login.as_str()));
    let can_reassign = !held && policy::may_reassign(viewer.who(), sight);
    // Health data is not even read for a status-only viewer.
    let (self_checks, pf) = if health {
        let selfs = self_checks_of(conn, d.id, &i.month).map_err(db)?;
        let pf = match shown.pf {
            Some(pf) => pf,
            None => prefill(lang, selfs.first(), prechecks.last()),
        };
        (selfs, pf)
    } else {
        (Vec::new(), PreCheckFields::default())
    };
    let status = Status::of(i.deadline, i.held_on, today).code();
    let measures = measures.into_iter().map(|m| MeasureView::of(lang, m, &d)).collect();
    Ok(DetailPage {
        ctx: viewer.ctx(app),
        level: d.level().code(),
        reason: reason_label(lang, &i.reason),
        status,
        status_label: status_label(lang, status),
        physician: physician.as_ref().map(person).unwrap_or_else(|| {
            match lang {
                Lang::Ja => "未割当",
                Lang::En => "not assigned",
            }
            .into()
        }),
        a_level_exception: i.deadline > i.reach_100_date,
        grace_days: app.settings.rules.a_level_grace_days,
        health,
        prechecks: if health {
            prechecks.into_iter().map(|p| PreCheckView::of(lang, p)).collect()
        } else {
            Vec::new()
        },
        self_checks: self_checks.into_iter().map(|s| SelfCheckView::of(lang, s)).collect(),
        measures,
        can_precheck,
        can_record,
        can_reassign,
        precheck_action: format!("/interviews/{}/precheck", i.id),
        pf,
        rf: shown.rf.unwrap_or_else(|| RecordForm {
            held_on: today.to_string(),
            ..RecordForm::default()
        }),
        today,
        saved: shown.saved,
        error: shown.error,
        i,
        d,
    })
}

#[get("/interviews/{id}")]
async fn interview_page(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, UiError> {
    let id = id.into_inner();
    let saved = q.saved();
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        let shown = Shown {
            saved,
            ..Shown::default()
        };
        Reply::page(StatusCode::OK, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}

/// The manager's pre-check of the interview's doctor and month; the page
/// then shows the deadline it gives (the A-level exception).
#[post("/interviews/{id}/precheck")]
async fn interview_precheck(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<PreCheckForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let now = app.now();
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        if !policy::is_manager(viewer.who(), (&v.d).into()) {
            return Err(UiError::Forbidden(viewer.lang));
        }
        let month = YearMonth::parse(&v.i.month).ok_or(UiError::NotFound(viewer.lang))?;
        let refused = match form.input() {
            Err(msg) => (StatusCode::BAD_REQUEST, in_lang(viewer.lang, msg)),
            Ok(input) => {
                match records::record_precheck(c, &app.settings, &v.d, month, &input, &viewer.user.login, now) {
                    Ok(_) => return Ok(Reply::Redirect(format!("/interviews/{id}?saved=1"))),
                    Err(e) => refusal(viewer.lang, e)?,
                }
            }
        };
        let shown = Shown {
            error: Some(refused.1),
            pf: Some(form.fields()),
            ..Shown::default()
        };
        Reply::page(refused.0, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}

/// The assigned physician's record of the interview as held.
#[post("/interviews/{id}/record")]
async fn interview_record(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<RecordForm>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let now = app.now();
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        let physician = v.physician.as_ref().map(|u| u.login.as_str());
        if !policy::is_assigned_physician(viewer.who(), physician) {
            return Err(UiError::Forbidden(viewer.lang));
        }
        let refused = match form.input() {
            Err(msg) => (StatusCode::BAD_REQUEST, in_lang(viewer.lang, msg)),
            Ok(input) => match records::record_interview(c, id, &input, &viewer.user.login, now) {
                Ok(_) => return Ok(Reply::Redirect(format!("/interviews/{id}?saved=1"))),
                Err(e) => refusal(viewer.lang, e)?,
            },
        };
        // Reload: a refusal may come from a record written meanwhile.
        let v = load(c, &viewer, id)?;
        let shown = Shown {
            error: Some(refused.1),
            rf: Some(form),
            ..Shown::default()
        };
        Reply::page(refused.0, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}

/// Another interview physician, asked for by the doctor or their manager
/// (or an admin), as the API allows.
#[post("/interviews/{id}/reassign")]
async fn interview_reassign(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let id = id.into_inner();
    let now = app.now();
    blocking(&app, move |c, app| {
        let v = load(c, &viewer, id)?;
        if !policy::may_reassign(viewer.who(), v.sight) {
            return Err(UiError::Forbidden(viewer.lang));
        }
        let (status, message) = match records::reassign(c, &app.settings, id, now) {
            Ok(_) => {
                // Back to the interview: those who may reassign (doctor,
                // manager, admin) still see it under its new physician.
                return Ok(Reply::Redirect(format!("/interviews/{id}?saved=1")));
            }
            Err(e) => refusal(viewer.lang, e)?,
        };
        let v = load(c, &viewer, id)?;
        let shown = Shown {
            error: Some(message),
            ..Shown::default()
        };
        Reply::page(status, &detail_page(c, app, &viewer, v, shown)?)
    })
    .await
}

// ---------------------------------------------------------------------------
// GET|POST /prechecks/{staff_id}: a pre-check before any interview

#[derive(Template)]
#[template(path = "interview_precheck.html")]
struct PreCheckPage {
    ctx: PageCtx,
    d: Doctor,
    month: String,
    actual: String,
    projected: String,
    /// The open interview of the month, if any.
    interview: Option<(i64, NaiveDate)>,
    prechecks: Vec<PreCheckView>,
    self_checks: Vec<SelfCheckView>,
    precheck_action: String,
    pf: PreCheckFields,
    saved: bool,
    error: Option<String>,
}

/// The doctor of `staff_id` if the viewer is their manager; 404 otherwise,
/// as the doctor's page answers another manager.
fn managed_doctor(conn: &mut AnyConnection, viewer: &Viewer, staff_id: &str) -> Result<Doctor, UiError> {
    queries::doctor_by_staff_id(conn, staff_id)
        .map_err(db)?
        .filter(|d| policy::is_manager(viewer.who(), d.into()))
        .ok_or(UiError::NotFound(viewer.lang))
}

fn precheck_page(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    d: Doctor,
    month: YearMonth,
    shown: Shown,
) -> Result<PreCheckPage, UiError> {
    let lang = viewer.lang;
    let rules = &app.settings.rules;
    let as_of = month.clamp(app.settings.today());
    let (_, mut rows) = load_rows_of(conn, Some(&[d.id]), month, as_of, rules).map_err(UiError::internal)?;
    let m = line(
        &d,
        &compute(&rows.remove(&d.id).unwrap_or_default(), &d, month, as_of, rules),
    );
    let interview: Option<(i64, NaiveDate)> = interviews::table
        .filter(interviews::doctor_id.eq(d.id))
        .filter(interviews::month.eq(month.to_string()))
        .filter(interviews::held_on.is_null())
        .select((interviews::id, interviews::deadline))
        .first(conn)
        .optional()
        .map_err(db)?;
    let prechecks = prechecks_of(conn, d.id, month).map_err(db)?;
    let selfs = self_checks_of(conn, d.id, &month.to_string()).map_err(db)?;
    let pf = match shown.pf {
        Some(pf) => pf,
        None => prefill(lang, selfs.first(), prechecks.last()),
    };
    Ok(PreCheckPage {
        ctx: viewer.ctx(app),
        month: month.to_string(),
        actual: format_hm(m.overtime_holiday_minutes),
        projected: format_hm(m.projected_overtime_holiday_minutes),
        interview,
        prechecks: prechecks.into_iter().map(|p| PreCheckView::of(lang, p)).collect(),
        self_checks: selfs.into_iter().map(|s| SelfCheckView::of(lang, s)).collect(),
        precheck_action: format!("/prechecks/{}?month={month}", urlencode(&d.staff_id)),
        pf,
        saved: shown.saved,
        error: shown.error,
        d,
    })
}

#[get("/prechecks/{staff_id}")]
async fn precheck_form(
    app: web::Data<App>,
    viewer: Viewer,
    staff_id: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Manager])?;
    let month = parse_month(&viewer, q.month.as_deref())?.unwrap_or_else(|| YearMonth::of(app.settings.today()));
    let saved = q.saved();
    let staff_id = staff_id.into_inner();
    blocking(&app, move |c, app| {
        let d = managed_doctor(c, &viewer, &staff_id)?;
        let shown = Shown {
            saved,
            ..Shown::default()
        };
        Reply::page(StatusCode::OK, &precheck_page(c, app, &viewer, d, month, shown)?)
    })
    .await
}

#[post("/prechecks/{staff_id}")]
async fn precheck_save(
    app: web::Data<App>,
    viewer: Viewer,
    staff_id: web::Path<String>,
    q: web::Query<PageQuery>,
    form: web::Form<PreCheckForm>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Manager])?;
    viewer.check_csrf(&form.csrf)?;
    let month = parse_month(&viewer, q.month.as_deref())?.unwrap_or_else(|| YearMonth::of(app.settings.today()));
    let (staff_id, form) = (staff_id.into_inner(), form.into_inner());
    let now = app.now();
    blocking(&app, move |c, app| {
        let d = managed_doctor(c, &viewer, &staff_id)?;
        let refused = match form.input() {
            Err(msg) => (StatusCode::BAD_REQUEST, in_lang(viewer.lang, msg)),
            Ok(input) => match records::record_precheck(c, &app.settings, &d, month, &input, &viewer.user.login, now) {
                Ok(_) => {
                    return Ok(Reply::Redirect(format!(
                        "/prechecks/{}?month={month}&saved=1",
                        urlencode(&d.staff_id)
                    )))
                }
                Err(e) => refusal(viewer.lang, e)?,
            },
        };
        let shown = Shown {
            error: Some(refused.1),
            pf: Some(form.fields()),
            ..Shown::default()
        };
        Reply::page(refused.0, &precheck_page(c, app, &viewer, d, month, shown)?)
    })
    .await
}

// ---------------------------------------------------------------------------
// GET /measures, POST /measures/{id}

/// The measures form's values (checkboxes are absent when not ticked).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct MeasureForm {
    csrf: String,
    shorter_hours: Option<String>,
    fewer_night_duties: Option<String>,
    other: Option<String>,
    other_text: String,
}

#[derive(Debug, Clone, Default)]
struct MeasureFields {
    shorter_hours: bool,
    fewer_night_duties: bool,
    other: bool,
    other_text: String,
}

impl MeasureForm {
    fn fields(&self) -> MeasureFields {
        MeasureFields {
            shorter_hours: self.shorter_hours.is_some(),
            fewer_night_duties: self.fewer_night_duties.is_some(),
            other: self.other.is_some(),
            other_text: self.other_text.clone(),
        }
    }

    fn input(&self) -> MeasureInput {
        let f = self.fields();
        MeasureInput {
            shorter_hours: f.shorter_hours,
            fewer_night_duties: f.fewer_night_duties,
            other: f.other,
            other_text: Some(f.other_text),
        }
    }
}

#[derive(Template)]
#[template(path = "measures.html")]
struct MeasuresPage {
    ctx: PageCtx,
    month: String,
    previous: String,
    next: String,
    cases: Vec<MeasureView>,
    saved: bool,
}

/// A refused measures form: the case, its message and what was ticked.
struct MeasureRefusal {
    id: i64,
    message: String,
    fields: MeasureFields,
}

fn measures_page(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    month: YearMonth,
    saved: bool,
    refused: Option<MeasureRefusal>,
) -> Result<MeasuresPage, UiError> {
    let lang = viewer.lang;
    let mut cases: Vec<MeasureView> = Vec::new();
    for (m, d) in records::list_measures(conn, month).map_err(db)? {
        if !policy::sees_measures(viewer.who(), (&d).into()) {
            continue;
        }
        // The opinion the measures answer: health data, shown when the
        // viewer may see the interview's health data (its manager does).
        let opinion = match m.interview_id {
            Some(iid) => {
                let found: Option<(Option<String>, Option<i64>)> = interviews::table
                    .find(iid)
                    .select((interviews::opinion, interviews::physician_id))
                    .first(conn)
                    .optional()
                    .map_err(db)?;
                match found {
                    Some((opinion, physician_id)) => {
                        let physician: Option<String> = match physician_id {
                            Some(p) => users::table
                                .find(p)
                                .select(users::login)
                                .first(conn)
                                .optional()
                                .map_err(db)?,
                            None => None,
                        };
                        let sight = policy::interview(viewer.who(), (&d).into(), physician.as_deref());
                        opinion.filter(|_| sight.health())
                    }
                    None => None,
                }
            }
            None => None,
        };
        let mut v = MeasureView::of(lang, m, &d);
        v.opinion = opinion;
        if let Some(r) = refused.as_ref().filter(|r| r.id == v.m.id) {
            v.error = Some(r.message.clone());
            v.form = r.fields.clone();
        }
        cases.push(v);
    }
    // Open cases first (the over-155 ones on top: they are mandatory), then
    // the recorded ones; the list is already in staff-id order.
    cases.sort_by_key(|v| (v.recorded, !v.mandatory));
    Ok(MeasuresPage {
        ctx: viewer.ctx(app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        cases,
        saved,
    })
}

/// Managers: their doctors' measures cases of a month, with a form per
/// open case. (HR and admin read measures on the dashboard and the API.)
#[get("/measures")]
async fn measures_list(app: web::Data<App>, viewer: Viewer, q: web::Query<PageQuery>) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Manager])?;
    let month = parse_month(&viewer, q.month.as_deref())?.unwrap_or_else(|| YearMonth::of(app.settings.today()));
    let saved = q.saved();
    blocking(&app, move |c, app| {
        Reply::page(StatusCode::OK, &measures_page(c, app, &viewer, month, saved, None)?)
    })
    .await
}

#[post("/measures/{id}")]
async fn measures_save(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: web::Form<MeasureForm>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Manager])?;
    viewer.check_csrf(&form.csrf)?;
    let (id, form) = (id.into_inner(), form.into_inner());
    let now = app.now();
    blocking(&app, move |c, app| {
        let found: Option<(Measure, Doctor)> = measures::table
            .inner_join(doctors::table)
            .filter(measures::id.eq(id))
            .select((Measure::as_select(), Doctor::as_select()))
            .first(c)
            .optional()
            .map_err(db)?;
        // Another manager's case does not exist for this one: 404, as on
        // the measures list where it is not shown.
        let (m, _) = found
            .filter(|(_, d)| policy::is_manager(viewer.who(), d.into()))
            .ok_or(UiError::NotFound(viewer.lang))?;
        let month = YearMonth::parse(&m.month).ok_or(UiError::NotFound(viewer.lang))?;
        let (status, message) = match records::record_measures(c, id, &form.input(), &viewer.user.login, now) {
            Ok(m) => {
                return Ok(Reply::Redirect(format!(
                    "/measures?month={}&saved=1#measure-{}",
                    m.month, m.id
                )))
            }
            Err(e) => refusal(viewer.lang, e)?,
        };
        let refused = MeasureRefusal {
            id,
            message,
            fields: form.fields(),
        };
        Reply::page(status, &measures_page(c, app, &viewer, month, false, Some(refused))?)
    })
    .await
}

// ---------------------------------------------------------------------------
// GET|POST /me/selfcheck

/// The fatigue self-check for workers (労働者の疲労蓄積度自己診断チェックリスト,
/// MHLW / JISHA 2004 edition: 13 symptoms and 7 work items) and its
/// scoring, which gives the 自覚症状 grade I–IV and the 0–7 burden score
/// (仕事による負担度) that the A-level exception reads (rules §8).
mod fatigue {
    use crate::domain::interview::Symptom;

    /// An answer: its points and its labels.
    pub type Answer = (u32, &'static str, &'static str);

    /// Symptoms of the last month: ほとんどない 0, 時々ある 1, よくある 3.
    pub const SYMPTOM_ANSWERS: &[Answer] = &[
        (0, "ほとんどない", "rarely"),
        (1, "時々ある", "sometimes"),
        (3, "よくある", "often"),
    ];

    pub const SYMPTOMS: [(&str, &str); 13] = [
        ("イライラする", "I am irritable"),
        ("不安だ", "I feel anxious"),
        ("落ち着かない", "I feel restless"),
        ("ゆううつだ", "I feel depressed"),
        ("よく眠れない", "I cannot sleep well"),
        ("体の調子が悪い", "I feel physically unwell"),
        ("物事に集中できない", "I cannot concentrate"),
        ("することに間違いが多い", "I make many mistakes"),
        ("仕事中、強い眠気に襲われる", "I am overcome by sleepiness at work"),
        ("やる気が出ない", "I lack motivation"),
        ("へとへとだ（運動後を除く）", "I am exhausted (not after exercise)"),
        (
            "朝、起きた時、ぐったりした疲れを感じる",
            "I feel worn out when I get up in the morning",
        ),
        ("以前とくらべて、疲れやすい", "I tire more easily than before"),
    ];

    /// The work of the last month, each item with its own answers.
    pub const WORK: [(&str, &str, &[Answer]); 7] = [
        (
            "1か月の時間外労働",
            "Overtime in the month",
            &[
                (0, "ない又は適当", "none or reasonable"),
                (1, "多い", "much"),
                (3, "非常に多い", "very much"),
            ],
        ),
        (
            "不規則な勤務（予定の変更、突然の仕事）",
            "Irregular work (changed plans, sudden work)",
            &[(0, "少ない", "little"), (1, "多い", "much")],
        ),
        (
            "出張に伴う負担（頻度・拘束時間・時差など）",
            "Burden of business travel (frequency, hours, time difference)",
            &[(0, "ない又は小さい", "none or small"), (1, "大きい", "large")],
        ),
        (
            "深夜勤務に伴う負担",
            "Burden of night work",
            &[
                (0, "ない又は小さい", "none or small"),
                (1, "大きい", "large"),
                (3, "非常に大きい", "very large"),
            ],
        ),
        (
            "休憩・仮眠の時間数及び施設",
            "Breaks and naps: time and facilities",
            &[(0, "適切である", "adequate"), (1, "不適切である", "inadequate")],
        ),
        (
            "仕事についての精神的負担",
            "Mental burden of the work",
            &[
                (0, "小さい", "small"),
                (1, "大きい", "large"),
                (3, "非常に大きい", "very large"),
            ],
        ),
        (
            "仕事についての身体的負担",
            "Physical burden of the work",
            &[
                (0, "小さい", "small"),
                (1, "大きい", "large"),
                (3, "非常に大きい", "very large"),
            ],
        ),
    ];

    /// 自覚症状: I 0–4, II 5–10, III 11–20, IV 21 points or more.
    pub fn symptom_grade(points: u32) -> Symptom {
        match points {
            0..=4 => Symptom::I,
            5..=10 => Symptom::II,
            11..=20 => Symptom::III,
            _ => Symptom::IV,
        }
    }

    /// 勤務の状況: A 0, B 1–2, C 3–5, D 6 points or more (as 0–3).
    pub fn work_grade(points: u32) -> usize {
        match points {
            0 => 0,
            1..=2 => 1,
            3..=5 => 2,
            _ => 3,
        }
    }

    /// 仕事による負担度 by 自覚症状 (rows) and 勤務の状況 A–D (columns).
    const BURDEN: [[i64; 4]; 4] = [[0, 0, 2, 4], [0, 1, 3, 5], [0, 2, 4, 6], [1, 3, 5, 7]];

    pub fn burden(symptom: Symptom, work_grade: usize) -> i64 {
        let row = match symptom {
            Symptom::I => 0,
            Symptom::II => 1,
            Symptom::III => 2,
            Symptom::IV => 3,
        };
        BURDEN[row][work_grade.min(3)]
    }

    /// The grade and score of a filled-in checklist (points per item).
    pub fn evaluate(symptoms: &[u32], work: &[u32]) -> (Symptom, i64) {
        let grade = symptom_grade(symptoms.iter().sum());
        (grade, burden(grade, work_grade(work.iter().sum())))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_grades_change_at_the_checklists_boundaries() {
            assert_eq!(symptom_grade(4), Symptom::I);
            assert_eq!(symptom_grade(5), Symptom::II);
            assert_eq!(symptom_grade(10), Symptom::II);
            assert_eq!(symptom_grade(11), Symptom::III);
            assert_eq!(symptom_grade(20), Symptom::III);
            assert_eq!(symptom_grade(21), Symptom::IV);
            assert_eq!([0, 1, 2, 3, 5, 6, 15].map(work_grade), [0, 1, 1, 2, 2, 3, 3]);
        }

        #[test]
        fn the_burden_score_reads_the_table() {
            assert_eq!(evaluate(&[0; 13], &[0; 7]), (Symptom::I, 0));
            assert_eq!(evaluate(&[3; 13], &[3, 1, 1, 3, 1, 3, 3]), (Symptom::IV, 7));
            // 自覚症状 IV with no work burden is 1; I with D is 4 (a risk factor).
            assert_eq!(
                evaluate(&[3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0], &[0; 7]),
                (Symptom::IV, 1)
            );
            assert_eq!(
                evaluate(&[1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], &[3, 3, 0, 0, 0, 0, 0]),
                (Symptom::I, 4)
            );
            assert_eq!(evaluate(&[1; 13], &[1, 1, 0, 0, 0, 0, 0]), (Symptom::III, 2));
            assert_eq!(
                evaluate(&[1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], &[3, 0, 0, 0, 0, 0, 0]),
                (Symptom::II, 3)
            );
        }

        #[test]
        fn every_answer_is_worth_0_1_or_3_points() {
            for (_, _, answers) in WORK {
                assert!(answers.iter().all(|(p, _, _)| [0, 1, 3].contains(p)));
            }
        }
    }
}

/// A radio answer of the checklist, as shown.
struct ItemAnswer {
    value: u32,
    label: &'static str,
    checked: bool,
}

/// A checklist item, as shown.
struct Item {
    /// The form field: `s1`–`s13`, `w1`–`w7`.
    name: String,
    label: &'static str,
    answers: Vec<ItemAnswer>,
}

fn items(
    lang: Lang,
    prefix: &str,
    list: &[(&'static str, &'static str, &'static [fatigue::Answer])],
    form: &HashMap<String, String>,
) -> Vec<Item> {
    list.iter()
        .enumerate()
        .map(|(n, (ja, en, answers))| {
            let name = format!("{prefix}{}", n + 1);
            let picked = form.get(&name).map(String::as_str).unwrap_or("");
            Item {
                label: if lang == Lang::Ja { ja } else { en },
                answers: answers
                    .iter()
                    .map(|(p, aja, aen)| ItemAnswer {
                        value: *p,
                        label: if lang == Lang::Ja { aja } else { aen },
                        checked: picked == p.to_string(),
                    })
                    .collect(),
                name,
            }
        })
        .collect()
}

fn symptom_items() -> Vec<(&'static str, &'static str, &'static [fatigue::Answer])> {
    fatigue::SYMPTOMS
        .iter()
        .map(|(ja, en)| (*ja, *en, fatigue::SYMPTOM_ANSWERS))
        .collect()
}

#[derive(Template)]
#[template(path = "selfcheck.html")]
struct SelfCheckPage {
    ctx: PageCtx,
    d: Doctor,
    month: String,
    symptom_items: Vec<Item>,
    work_items: Vec<Item>,
    symptoms: Vec<Choice>,
    scores: Vec<Choice>,
    sleep: String,
    wish: String,
    history: Vec<SelfCheckView>,
    saved: bool,
    error: Option<String>,
}

/// The doctor of the signed-in doctor account; 404 when the account names
/// no known doctor.
fn own_doctor(conn: &mut AnyConnection, viewer: &Viewer) -> Result<Doctor, UiError> {
    let staff = viewer.user.staff_id.as_deref().ok_or(UiError::NotFound(viewer.lang))?;
    queries::doctor_by_staff_id(conn, staff)
        .map_err(db)?
        .ok_or(UiError::NotFound(viewer.lang))
}

fn selfcheck_page(
    conn: &mut AnyConnection,
    app: &App,
    viewer: &Viewer,
    d: Doctor,
    form: &HashMap<String, String>,
    saved: bool,
    error: Option<String>,
) -> Result<SelfCheckPage, UiError> {
    let lang = viewer.lang;
    let history: Vec<SelfCheck> = self_checks::table
        .filter(self_checks::doctor_id.eq(d.id))
        .order(self_checks::id.desc())
        .limit(12)
        .select(SelfCheck::as_select())
        .load(conn)
        .map_err(db)?;
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    Ok(SelfCheckPage {
        ctx: viewer.ctx(app),
        month: YearMonth::of(app.settings.today()).to_string(),
        symptom_items: items(lang, "s", &symptom_items(), form),
        work_items: items(lang, "w", &fatigue::WORK, form),
        symptoms: choices(&SYMPTOMS, field("symptom").trim()),
        scores: choices(&SCORES, field("score").trim()),
        sleep: field("sleep"),
        wish: field("wants_interview"),
        history: history.into_iter().map(|s| SelfCheckView::of(lang, s)).collect(),
        saved,
        error,
        d,
    })
}

/// What a self-check form records: the grade, the score and the checklist's
/// answers when it was filled in item by item.
#[derive(Debug)]
struct SelfCheckResult {
    symptom: Symptom,
    score: i64,
    answers: Option<String>,
    sleep: i64,
    wish: bool,
}

/// Reads the self-check form. Either every item of the checklist is
/// answered (kinmu scores it) or none is and the results are entered as
/// the doctor read them off the checklist on paper.
fn read_selfcheck(form: &HashMap<String, String>) -> Result<SelfCheckResult, &'static str> {
    let answer = |name: String, allowed: &[fatigue::Answer]| -> Result<Option<u32>, &'static str> {
        match form.get(&name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|p| allowed.iter().any(|(a, _, _)| a == p))
                .map(Some)
                .ok_or("チェックリストの回答が不正です / an answer of the checklist is not one of its choices"),
        }
    };
    let mut symptoms = Vec::with_capacity(13);
    for n in 1..=fatigue::SYMPTOMS.len() {
        symptoms.push(answer(format!("s{n}"), fatigue::SYMPTOM_ANSWERS)?);
    }
    let mut work = Vec::with_capacity(7);
    for (n, (_, _, allowed)) in fatigue::WORK.iter().enumerate() {
        work.push(answer(format!("w{}", n + 1), allowed)?);
    }
    let answered = symptoms.iter().chain(&work).filter(|a| a.is_some()).count();
    let (symptom, score, answers) = if answered == 0 {
        let field = |k: &str| form.get(k).map(|v| v.trim()).unwrap_or("");
        let symptom = Symptom::parse(field("symptom"))
            .ok_or("自覚症状（I〜IV）を選ぶか、チェックリストに回答してください / choose the symptom grade I–IV or fill in the checklist")?;
        let score: i64 = field("score")
            .parse()
            .ok()
            .filter(|s| (0..=7).contains(s))
            .ok_or("疲労蓄積度（0〜7）を選ぶか、チェックリストに回答してください / choose the score 0–7 or fill in the checklist")?;
        (symptom, score, None)
    } else {
        let s: Vec<u32> = symptoms.iter().flatten().copied().collect();
        let w: Vec<u32> = work.iter().flatten().copied().collect();
        if s.len() != symptoms.len() || w.len() != work.len() {
            return Err("チェックリストは全20項目に回答してください（または結果のみを入力） / answer all 20 items of the checklist (or enter the results only)");
        }
        let (grade, score) = fatigue::evaluate(&s, &w);
        let join = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        (grade, score, Some(format!("{}/{}", join(&s), join(&w))))
    };
    let sleep = parse_sleep(form.get("sleep").map_or("", String::as_str))?;
    // The same range as the manager's pre-check (records::record_precheck).
    if !(0..=24 * 60).contains(&sleep) {
        return Err(SLEEP_RANGE);
    }
    let wish = form
        .get("wants_interview")
        .and_then(|v| parse_wish(v))
        .ok_or("面接指導の希望（あり／なし）を選んでください / choose whether you ask for an interview")?;
    Ok(SelfCheckResult {
        symptom,
        score,
        answers,
        sleep,
        wish,
    })
}

fn store_selfcheck(
    conn: &mut AnyConnection,
    d: &Doctor,
    r: &SelfCheckResult,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let clamp = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
    diesel::insert_into(self_checks::table)
        .values(&NewSelfCheck {
            doctor_id: d.id,
            month: YearMonth::of(now.date()).to_string(),
            symptom: r.symptom.code().into(),
            score: clamp(r.score),
            sleep_average_minutes: clamp(r.sleep),
            wants_interview: i32::from(r.wish),
            answers: r.answers.clone(),
            recorded_at: now,
            // Health data: kept five years like the interview records.
            retention_until: health_record_retention(now.date()),
        })
        .execute(conn)
}

#[get("/me/selfcheck")]
async fn selfcheck_form(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Doctor])?;
    let saved = q.saved();
    blocking(&app, move |c, app| {
        let d = own_doctor(c, &viewer)?;
        Reply::page(
            StatusCode::OK,
            &selfcheck_page(c, app, &viewer, d, &HashMap::new(), saved, None)?,
        )
    })
    .await
}

#[post("/me/selfcheck")]
async fn selfcheck_save(
    app: web::Data<App>,
    viewer: Viewer,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Doctor])?;
    let form = form.into_inner();
    viewer.check_csrf(form.get("csrf").map(String::as_str).unwrap_or(""))?;
    let now = app.now();
    blocking(&app, move |c, app| {
        let d = own_doctor(c, &viewer)?;
        match read_selfcheck(&form) {
            Ok(r) => {
                store_selfcheck(c, &d, &r, now).map_err(db)?;
                Ok(Reply::Redirect("/me/selfcheck?saved=1".into()))
            }
            Err(msg) => {
                let error = Some(in_lang(viewer.lang, msg));
                Reply::page(
                    StatusCode::BAD_REQUEST,
                    &selfcheck_page(c, app, &viewer, d, &form, false, error)?,
                )
            }
        }
    })
    .await
}

/// Registers the screens of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(interviews_page)
        .service(interview_page)
        .service(interview_precheck)
        .service(interview_record)
        .service(interview_reassign)
        .service(precheck_form)
        .service(precheck_save)
        .service(measures_list)
        .service(measures_save)
        .service(selfcheck_form)
        .service(selfcheck_save);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleep_is_read_as_hours_and_minutes_or_minutes() {
        assert_eq!(parse_sleep("6:30"), Ok(390));
        assert_eq!(parse_sleep(" 390 "), Ok(390));
        assert_eq!(parse_sleep("６：３０"), Ok(390));
        assert_eq!(parse_sleep("6時間30分"), Ok(390));
        assert_eq!(parse_sleep("7時間"), Ok(420));
        assert_eq!(parse_sleep("6:75"), Err(SLEEP_FORMAT));
        assert_eq!(parse_sleep("6.5"), Err(SLEEP_FORMAT));
        assert_eq!(parse_sleep(""), Err(SLEEP_FORMAT));
        // Once wrapped round to 44 minutes (issue 10, finding 13).
        assert_eq!(parse_sleep("307445734561825861:00"), Err(SLEEP_RANGE));
    }

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

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn a_self_check_is_the_checklist_scored_or_the_results_as_entered() {
        let direct = read_selfcheck(&form(&[
            ("symptom", "III"),
            ("score", "4"),
            ("sleep", "5:45"),
            ("wants_interview", "no"),
        ]))
        .unwrap();
        assert_eq!(
            (direct.symptom, direct.score, direct.sleep, direct.wish),
            (Symptom::III, 4, 345, false)
        );
        assert!(direct.answers.is_none());

        let mut all: Vec<(String, String)> = (1..=13).map(|n| (format!("s{n}"), "1".to_string())).collect();
        all.extend((1..=7).map(|n| (format!("w{n}"), if n == 1 { "3" } else { "0" }.to_string())));
        all.push(("sleep".into(), "7:00".into()));
        all.push(("wants_interview".into(), "yes".into()));
        let scored = read_selfcheck(&all.iter().cloned().collect()).unwrap();
        // 13 points: III; 3 points of work: C; III × C = 4.
        assert_eq!((scored.symptom, scored.score, scored.wish), (Symptom::III, 4, true));
        assert_eq!(
            scored.answers.as_deref(),
            Some("1,1,1,1,1,1,1,1,1,1,1,1,1/3,0,0,0,0,0,0")
        );

        let partial = form(&[("s1", "1"), ("sleep", "7:00"), ("wants_interview", "no")]);
        assert!(read_selfcheck(&partial).unwrap_err().contains("全20項目"));
        let bad = form(&[("w2", "3"), ("sleep", "7:00"), ("wants_interview", "no")]);
        assert!(
            read_selfcheck(&bad).unwrap_err().contains("回答が不正"),
            "w2 has no 3-point answer"
        );
        let no_wish = form(&[("symptom", "I"), ("score", "0"), ("sleep", "7:00")]);
        assert!(read_selfcheck(&no_wish).unwrap_err().contains("希望"));
    }

    #[test]
    fn the_pre_check_form_never_reads_a_missing_wish_as_no() {
        let f = PreCheckForm {
            sleep: "7:00".into(),
            fatigue_symptom: "II".into(),
            fatigue_score: "2".into(),
            ..PreCheckForm::default()
        };
        assert_eq!(f.input().unwrap_err(), WISH_MISSING);
        let f = PreCheckForm {
            doctor_requests_interview: "no".into(),
            ..f
        };
        assert_eq!(f.input().unwrap().sleep_average_minutes, 420);
    }
}
