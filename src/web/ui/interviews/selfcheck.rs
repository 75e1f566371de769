//! `GET|POST /me/selfcheck`: the doctor's fatigue self-check and sleep
//! (rules §8), which prefill the manager's pre-check. The checklist and its
//! scoring are [`crate::domain::fatigue`] (the current edition, 2023年改正版;
//! stored 2004 answers are still read), the form's reading
//! [`crate::domain::selfcheck`]; this page shows and stores them. The page
//! says what the latest self-check means (its judgement in words, whether
//! it is a risk factor, what happens next), marks the items left
//! unanswered, and fills the form with the last answers. A self-check that
//! asks for an interview tells the manager ([`crate::monitor::selfcheck`]).

use super::{blocking, choices, in_lang, Choice, PageQuery, Reply, SelfCheckView, SCORES, SYMPTOMS};
use crate::accounts::Role;
use crate::app::App;
use crate::db::interviews::recent_self_checks;
use crate::db::models::Doctor;
use crate::db::AnyConnection;
use crate::domain::fatigue;
use crate::domain::interview::Symptom;
use crate::domain::selfcheck::{answers_as_form, explain, read_selfcheck, unanswered};
use crate::domain::time::YearMonth;
use crate::web::ui::{own_doctor, Lang, PageCtx, UiError, Viewer};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use std::collections::HashMap;

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
    /// Left unanswered in a refused form.
    missing: bool,
}

fn items(
    lang: Lang,
    prefix: &str,
    list: &[(&'static str, &'static str, &'static [fatigue::Answer])],
    form: &HashMap<String, String>,
    missing: &[String],
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
                missing: missing.contains(&name),
                name,
            }
        })
        .collect()
}

fn symptom_items() -> Vec<(&'static str, &'static str, &'static [fatigue::Answer])> {
    fatigue::CURRENT
        .symptoms
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
    /// The edition asked (`2023`) and its number of items.
    version: &'static str,
    item_count: usize,
    unanswered: usize,
    /// What the latest self-check means, in the page's language.
    judgement: Vec<String>,
    prefilled: bool,
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
    let history = recent_self_checks(conn, d.id, 12)?;
    let c = fatigue::CURRENT;
    let missing = if error.is_some() {
        unanswered(form, &c)
    } else {
        Vec::new()
    };
    // A fresh form starts from the last answers of this edition.
    let mut prefilled = false;
    let last: HashMap<String, String>;
    let form = match history.first() {
        Some(s) if form.is_empty() => {
            let mut f = s
                .answers
                .as_deref()
                .filter(|_| s.checklist_version == c.version)
                .and_then(|a| answers_as_form(a, &c))
                .unwrap_or_default();
            prefilled = !f.is_empty();
            f.insert(
                "sleep".into(),
                crate::domain::time::format_hm(i64::from(s.sleep_average_minutes)),
            );
            last = f;
            &last
        }
        _ => form,
    };
    let judgement = history
        .first()
        .map(|s| {
            let symptom = Symptom::parse(&s.symptom).unwrap_or(Symptom::I);
            explain(
                symptom,
                i64::from(s.score),
                i64::from(s.sleep_average_minutes),
                s.wants_interview != 0,
            )
            .into_iter()
            .map(|(ja, en)| if lang == Lang::Ja { ja } else { en })
            .collect()
        })
        .unwrap_or_default();
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    Ok(SelfCheckPage {
        ctx: viewer.ctx(app),
        month: YearMonth::of(app.settings.today()).to_string(),
        symptom_items: items(lang, "s", &symptom_items(), form, &missing),
        work_items: items(lang, "w", c.work, form, &missing),
        version: c.version,
        item_count: c.items(),
        unanswered: missing.len(),
        judgement,
        prefilled,
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

#[get("/me/selfcheck")]
pub(super) async fn selfcheck_form(
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
pub(super) async fn selfcheck_save(
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
                crate::monitor::selfcheck::record(c, &app.settings, &d, &r, now).map_err(UiError::internal)?;
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
