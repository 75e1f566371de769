//! 研鑽の確認 (rules §2.3): the month's unconfirmed self-study rows of the
//! doctors the viewer may decide on (a manager their own doctors, HR and
//! admins all — the dashboard's policy), each confirmed (研鑽・労働時間外)
//! or rejected (労働時間) with a reason, or confirmed in bulk after a
//! confirmation page with the count and minutes. The rule itself is
//! `crate::self_study`; every form checks CSRF.

use super::dashboard::month_as_of;
use super::{html, with_conn, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::domain::time::{format_hm, Minutes, YearMonth};
use crate::self_study::{self, DecideError, DecideRequest, Decision, PendingRow};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::collections::HashMap;

const DECIDERS: [Role; 3] = [Role::Admin, Role::Hr, Role::Manager];

#[derive(Template)]
#[template(path = "self_study.html")]
struct ListPage {
    ctx: PageCtx,
    month: String,
    previous: String,
    next: String,
    rows: Vec<PendingRow>,
    total: Minutes,
    /// Earlier months with unconfirmed rows, newest first.
    earlier: Vec<(String, usize)>,
    done: Option<String>,
    error: Option<String>,
}

impl ListPage {
    fn hm(&self, minutes: &Minutes) -> String {
        format_hm(*minutes)
    }
}

#[derive(Template)]
#[template(path = "self_study_confirm.html")]
struct ConfirmPage {
    ctx: PageCtx,
    month: String,
    rows: Vec<PendingRow>,
    ids: String,
    reason: String,
    minutes: Minutes,
    /// Of `minutes`, those inside the schedule: counted as work whatever
    /// the decision (as the list shows them).
    inside: Minutes,
}

impl ConfirmPage {
    fn hm(&self, minutes: &Minutes) -> String {
        format_hm(*minutes)
    }
}

async fn render(
    app: web::Data<App>,
    viewer: Viewer,
    month: YearMonth,
    done: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, UiError> {
    let rules = app.settings.rules.clone();
    let (role, user) = (viewer.role, viewer.user.clone());
    let (rows, earlier) = with_conn(&app, move |conn| {
        let who = crate::policy::Who::of(role, &user);
        let rows = self_study::pending(conn, who, month, &rules).map_err(UiError::internal)?;
        let earlier = self_study::pending_earlier(conn, who, month).map_err(UiError::internal)?;
        Ok::<_, UiError>((rows, earlier))
    })
    .await?;
    let mut resp = html(&ListPage {
        ctx: viewer.ctx(&app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        total: rows.iter().map(|r| r.minutes).sum(),
        rows,
        earlier: earlier.into_iter().map(|(m, n)| (m.to_string(), n)).collect(),
        done,
        error,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    month: Option<String>,
    done: Option<String>,
}

#[get("/self-study")]
async fn list(app: web::Data<App>, viewer: Viewer, q: web::Query<ListQuery>) -> Result<HttpResponse, UiError> {
    viewer.require(&DECIDERS)?;
    let (month, _) = month_as_of(&app, &viewer, q.month.as_deref(), None)?;
    // Only a count and a decision code are echoed, never free text.
    let done = q.done.as_deref().and_then(|d| {
        let (code, n) = d.split_once(':')?;
        let n: usize = n.parse().ok()?;
        let decision = Decision::parse(code)?;
        Some(match (decision, viewer.lang) {
            (Decision::Confirm, super::Lang::Ja) => format!("{n}件の研鑽を確認しました（労働時間外）。"),
            (Decision::Reject, super::Lang::Ja) => format!("{n}件の研鑽を却下しました（労働時間）。"),
            (Decision::Confirm, super::Lang::En) => format!("{n} self-study row(s) confirmed (not working time)."),
            (Decision::Reject, super::Lang::En) => format!("{n} self-study row(s) rejected (working time)."),
        })
    });
    render(app, viewer, month, done, None, StatusCode::OK).await
}

/// The rows of a form: `row` (one id) or `rows` (ids, comma-separated) or
/// checkboxes `row_<id>`.
fn row_ids(form: &HashMap<String, String>) -> Vec<i64> {
    let mut ids: Vec<i64> = Vec::new();
    for (k, v) in form {
        if let Some(id) = k.strip_prefix("row_") {
            ids.extend(id.parse::<i64>().ok());
        } else if k == "row" || k == "rows" {
            ids.extend(v.split(',').filter_map(|x| x.trim().parse::<i64>().ok()));
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map_or("", String::as_str)
}

/// The answer to a refused decision: the list again with the reason, 403
/// when the viewer may not decide the doctor's rows (or they are their own).
async fn refused(
    app: web::Data<App>,
    viewer: Viewer,
    month: YearMonth,
    e: DecideError,
) -> Result<HttpResponse, UiError> {
    let status = match e {
        DecideError::NotAllowed => return Err(UiError::Forbidden(viewer.lang)),
        DecideError::Own => StatusCode::FORBIDDEN,
        DecideError::NotPending(_) => StatusCode::CONFLICT,
        ref e if e.is_user_error() => StatusCode::BAD_REQUEST,
        e => return Err(UiError::internal(e)),
    };
    let message = super::in_lang(viewer.lang, &e.to_string());
    render(app, viewer, month, None, Some(message), status).await
}

async fn apply(
    app: web::Data<App>,
    viewer: Viewer,
    month: YearMonth,
    ids: Vec<i64>,
    decision: Decision,
    reason: String,
) -> Result<HttpResponse, UiError> {
    let (role, user, now, pool) = (viewer.role, viewer.user.clone(), app.now(), app.pool.clone());
    let outcome = web::block(move || -> Result<_, UiError> {
        let mut conn = pool.get()?;
        let who = crate::policy::Who::of(role, &user);
        Ok(self_study::decide(
            &mut conn,
            &DecideRequest {
                row_ids: &ids,
                decision,
                reason: &reason,
                who,
                now,
            },
        ))
    })
    .await??;
    match outcome {
        Ok(done) => {
            let to = format!("/self-study?month={month}&done={}:{}", decision.code(), done.len());
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish())
        }
        Err(e) => refused(app, viewer, month, e).await,
    }
}

/// `POST /self-study/decide`: one row, confirmed or rejected.
#[post("/self-study/decide")]
async fn decide(
    app: web::Data<App>,
    viewer: Viewer,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&DECIDERS)?;
    viewer.check_csrf(field(&form, "csrf"))?;
    let (month, _) = month_as_of(&app, &viewer, Some(field(&form, "month")), None)?;
    let Some(decision) = Decision::parse(field(&form, "decision")) else {
        let e = "確認か却下を選んでください / choose confirm or reject".to_string();
        return render(app, viewer, month, None, Some(e), StatusCode::BAD_REQUEST).await;
    };
    let ids = row_ids(&form);
    let reason = field(&form, "reason").to_string();
    apply(app, viewer, month, ids, decision, reason).await
}

/// `POST /self-study/bulk`: the selected rows confirmed together — first a
/// confirmation page with their count and minutes, then (`go=1`) done.
#[post("/self-study/bulk")]
async fn bulk(
    app: web::Data<App>,
    viewer: Viewer,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&DECIDERS)?;
    viewer.check_csrf(field(&form, "csrf"))?;
    let (month, _) = month_as_of(&app, &viewer, Some(field(&form, "month")), None)?;
    let ids = row_ids(&form);
    let reason = field(&form, "reason").to_string();
    if field(&form, "go") == "1" {
        return apply(app, viewer, month, ids, Decision::Confirm, reason).await;
    }
    if reason.trim().is_empty() {
        return refused(app, viewer, month, DecideError::EmptyReason).await;
    }
    let rules = app.settings.rules.clone();
    let (role, user) = (viewer.role, viewer.user.clone());
    let wanted = ids.clone();
    let checked = with_conn(&app, move |conn| {
        let who = crate::policy::Who::of(role, &user);
        Ok(self_study::check_rows(conn, who, &wanted).and_then(|_| self_study::pending(conn, who, month, &rules)))
    })
    .await?;
    let rows: Vec<PendingRow> = match checked {
        Ok(all) => all.into_iter().filter(|r| ids.contains(&r.id)).collect(),
        Err(e) => return refused(app, viewer, month, e).await,
    };
    let minutes = rows.iter().map(|r| r.minutes).sum();
    let inside = rows.iter().map(|r| r.inside_minutes).sum();
    html(&ConfirmPage {
        ctx: viewer.ctx(&app),
        month: month.to_string(),
        ids: ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        rows,
        reason,
        minutes,
        inside,
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list).service(decide).service(bulk);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ids_read_single_listed_and_checkbox_forms() {
        let form: HashMap<String, String> = [("row_7", "1"), ("rows", "3, 7,x"), ("row", "2"), ("reason", "r")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(row_ids(&form), vec![2, 3, 7]);
    }
}
