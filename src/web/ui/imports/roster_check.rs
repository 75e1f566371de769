//! The roster check screen (rules §15) for HR, admin and managers: upload a
//! roster file with the month and as-of date, and see per doctor the
//! projected figures and every problem with its date and severity in words
//! (not colour alone). Nothing is stored; the run is logged. A manager's
//! check leaves out the rows of other doctors, as the API does.

use super::multipart::Upload;
use super::MAX_UPLOAD_BYTES;
use crate::accounts::Role;
use crate::app::App;
use crate::domain::roster_check::DoctorCheck;
use crate::domain::time::YearMonth;
use crate::report::roster_check::{self, severity_words, CheckError, Outcome, Request, RosterCheck};
use crate::web::ui::{html, PageCtx, UiError, Viewer};
use actix_multipart::form::MultipartForm;
use actix_web::{get, web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;

const CHECKERS: [Role; 3] = [Role::Admin, Role::Hr, Role::Manager];

/// A problem as the screen lists it.
pub struct ProblemLine {
    pub date: String,
    pub severity: &'static str,
    pub severity_class: &'static str,
    pub code: String,
    pub message: String,
}

/// A doctor as the screen shows them.
pub struct DoctorLine {
    pub d: DoctorCheck,
    pub problems: Vec<ProblemLine>,
}

#[derive(Template)]
#[template(path = "roster_check.html")]
struct RosterCheckPage {
    ctx: PageCtx,
    max_mb: usize,
    month: String,
    as_of: String,
    /// The check, when a file was checked.
    report: Option<RosterCheck>,
    doctors: Vec<DoctorLine>,
    /// The rows refused (line, column, reason).
    rejected: Vec<(usize, String, String)>,
    /// Rows were rejected and nothing was checked.
    not_checked: bool,
}

impl RosterCheckPage {
    fn empty(ctx: PageCtx, month: String, as_of: String) -> Self {
        RosterCheckPage {
            ctx,
            max_mb: MAX_UPLOAD_BYTES / (1024 * 1024),
            month,
            as_of,
            report: None,
            doctors: Vec::new(),
            rejected: Vec::new(),
            not_checked: false,
        }
    }
}

#[get("/roster-check")]
pub(super) async fn form_page(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse, UiError> {
    viewer.require(&CHECKERS)?;
    html(&RosterCheckPage::empty(viewer.ctx(&app), String::new(), String::new()))
}

fn lines_of(d: DoctorCheck, ja: bool) -> DoctorLine {
    let problems = d
        .problems
        .iter()
        .map(|p| {
            let (sja, sen) = severity_words(p.severity);
            ProblemLine {
                date: p.date.to_string(),
                severity: if ja { sja } else { sen },
                severity_class: roster_check::severity_code(p.severity),
                code: p.code.clone(),
                message: p.message(),
            }
        })
        .collect();
    DoctorLine { d, problems }
}

/// `POST /roster-check`: the upload, checked and shown.
pub(super) async fn check(
    app: web::Data<App>,
    viewer: Viewer,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    viewer.require(&CHECKERS)?;
    let MultipartForm(form) = MultipartForm::<Upload>::from_request(&req, &mut payload.into_inner()).await?;
    viewer.check_csrf(&form.csrf)?;
    let lang = viewer.lang;
    let bad = |m: String| UiError::BadRequest(lang, m);
    let month = match form.month.as_str() {
        "" => None,
        m => Some(YearMonth::parse(m).ok_or_else(|| {
            bad(format!(
                "月は YYYY-MM で指定してください / month must be YYYY-MM: {m:?}"
            ))
        })?),
    };
    let as_of = match form.as_of.as_str() {
        "" => app.settings.today(),
        d => crate::domain::input::parse_date(("基準日", "as of"), d).map_err(|e| bad(e.0))?,
    };
    let Some(file) = form.file.filter(|f| !f.data.is_empty()) else {
        return Err(bad(
            "ファイルを選んでください（空のファイルは確認できません）。 / Choose a file (an empty file cannot be checked).".into(),
        )
        .into());
    };
    let skip_invalid = form.skip_invalid;
    let a = app.clone();
    let (role, user) = (viewer.role, viewer.user.clone());
    let outcome = web::block(move || -> Result<Outcome, UiError> {
        let mut conn = a.pool.get().map_err(UiError::internal)?;
        let who = crate::policy::Who::of(role, &user);
        let scope = |d: &crate::db::models::Doctor| crate::policy::sees_dashboard_line(who, d.into());
        let outcome = roster_check::check(
            &mut conn,
            &Request {
                bytes: &file.data,
                layout: None,
                month,
                as_of,
                skip_invalid,
                scope: &scope,
            },
            &a.settings.rules,
        )
        .map_err(|e| match e {
            CheckError::Request(m) => UiError::BadRequest(lang, m),
            CheckError::Import(crate::ingest::ImportError::File(f)) => UiError::BadRequest(lang, f.to_string()),
            other => UiError::internal(other),
        })?;
        let doctors = match &outcome {
            Outcome::Checked(r, _) => r.doctors.len(),
            Outcome::NotChecked(_) => 0,
        };
        crate::audit::log(
            &mut conn,
            Some(&user.login),
            crate::audit::Category::Read,
            "check roster",
            serde_json::json!({"month": month.map(|m| m.to_string()), "as_of": as_of, "doctors": doctors, "screen": true}),
            a.now(),
        )
        .map_err(UiError::internal)?;
        Ok(outcome)
    })
    .await
    .map_err(UiError::internal)??;
    let mut page = RosterCheckPage::empty(viewer.ctx(&app), form.month.clone(), form.as_of.clone());
    let ja = page.ctx.lang.code() == "ja";
    let refused = match outcome {
        Outcome::NotChecked(n) => {
            page.not_checked = true;
            n.refused
        }
        Outcome::Checked(mut r, refused) => {
            page.doctors = std::mem::take(&mut r.doctors)
                .into_iter()
                .map(|d| lines_of(d, ja))
                .collect();
            page.report = Some(*r);
            refused
        }
    };
    page.rejected = refused
        .rejected
        .into_iter()
        .map(|e| (e.line, e.column.unwrap_or_default(), e.reason))
        .collect();
    Ok(html(&page)?)
}
