//! The manager's pre-check (事前確認, rules §8): its form, as shared with
//! the interview page (prefilled from the doctor's latest self-check or the
//! previous pre-check), and `GET|POST /prechecks/{staff_id}`, the pre-check
//! of a doctor's month before any interview is opened (from 80 h on).

use super::{
    blocking, choices, in_lang, parse_month, refusal, Choice, PageQuery, PreCheckView, Reply, SelfCheckView, Shown,
    SCORES, SYMPTOMS,
};
use crate::accounts::Role;
use crate::app::App;
use crate::db::interviews::{open_interview_of, prechecks_of, self_checks_of};
use crate::db::models::{Doctor, PreCheck, SelfCheck};
use crate::db::{queries, AnyConnection};
use crate::domain::selfcheck::{parse_sleep, parse_wish, WISH_MISSING};
use crate::domain::time::{format_hm, YearMonth};
use crate::monitor::records::{self, PreCheckInput};
use crate::month::{compute_one, line};
use crate::policy;
use crate::web::ui::{urlencode, Lang, PageCtx, UiError, Viewer};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

/// The pre-check form's values (as typed, to show them again).
#[derive(Debug, Clone, Default)]
pub(super) struct PreCheckFields {
    pub(super) work_status: String,
    pub(super) sleep: String,
    pub(super) symptoms: Vec<Choice>,
    pub(super) scores: Vec<Choice>,
    pub(super) mental_physical: String,
    /// "yes", "no" or "" (not answered).
    pub(super) wish: String,
    /// Where the values came from, when prefilled.
    pub(super) note: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PreCheckForm {
    pub(super) csrf: String,
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
    pub(super) fn input(&self) -> Result<PreCheckInput, &'static str> {
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

    pub(super) fn fields(&self) -> PreCheckFields {
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
pub(super) fn prefill(lang: Lang, latest_self: Option<&SelfCheck>, latest_pre: Option<&PreCheck>) -> PreCheckFields {
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
    queries::doctor_by_staff_id(conn, staff_id)?
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
    let (_, c) = compute_one(conn, rules, &d, month, as_of)?;
    let m = line(&d, &c);
    let interview = open_interview_of(conn, d.id, month)?;
    let prechecks = prechecks_of(conn, d.id, month)?;
    let selfs = self_checks_of(conn, d.id, &month.to_string())?;
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
        prechecks: {
            let names = crate::web::ui::names::Names::load(conn)?;
            prechecks
                .into_iter()
                .map(|p| PreCheckView::of(lang, p, &names))
                .collect()
        },
        self_checks: selfs.into_iter().map(|s| SelfCheckView::of(lang, s)).collect(),
        precheck_action: format!("/prechecks/{}?month={month}", urlencode(&d.staff_id)),
        pf,
        saved: shown.saved,
        error: shown.error,
        d,
    })
}

#[get("/prechecks/{staff_id}")]
pub(super) async fn precheck_form(
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
pub(super) async fn precheck_save(
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

#[cfg(test)]
mod tests {
    use super::*;

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
