//! Several discrepancy days resolved at once (issue 16 §3): HR ticks
//! similar days on a page of the queue (or 「このページをすべて選択」),
//! chooses one resolution and one reason, sees on a confirmation page what
//! will be recorded — how many days, which doctors, the reason and what
//! follows — and records it. Each day is recorded and audited exactly as a
//! single resolution (`crate::discrepancies::resolve_all`), all or nothing:
//! one day refused (unknown, not open, already resolved) writes none.
//! Back on the queue, the same filters and page, at the next card.

use super::{back_to, month_as_of, refusal, render, what_next, Asking, Echo, View, HR};
use crate::app::App;
use crate::discrepancies::{self, Resolution, ResolveRequest};
use crate::domain::time::{format_hm, Minutes};
use crate::report::queue::{open_days, resolved_days};
use crate::web::ui::{html, PageCtx, UiError, Viewer};
use actix_web::http::{header, StatusCode};
use actix_web::{post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// The most days one bulk resolution records.
const MAX_DAYS: usize = 200;

/// A day picked, as the confirmation lists it.
struct Line {
    staff_id: String,
    /// The doctor's name; empty when the day is not an open discrepancy.
    name: String,
    department: String,
    date: NaiveDate,
    /// Its uncovered minutes; `None` when it is not an open discrepancy.
    minutes: Option<Minutes>,
}

#[derive(Template)]
#[template(path = "discrepancies_confirm.html")]
struct ConfirmPage {
    ctx: PageCtx,
    month: String,
    as_of: NaiveDate,
    lines: Vec<Line>,
    /// The doctors concerned, by name (staff id where no name is known).
    doctors: Vec<String>,
    minutes: Minutes,
    /// Every day picked is an open discrepancy: the record may go ahead.
    all_open: bool,
    resolution: Resolution,
    what_next: &'static str,
    reason: String,
    view: View,
    order: Vec<String>,
    back: String,
}

impl ConfirmPage {
    fn hm(&self, m: &Minutes) -> String {
        format_hm(*m)
    }
}

/// The message after a bulk resolution, from the redirect's `N:CODE`
/// (anything else is ignored rather than echoed).
pub(super) fn done_message(viewer: &Viewer, said: &str) -> Option<String> {
    let (n, code) = said.split_once(':')?;
    let n: usize = n.parse().ok()?;
    let code = Resolution::parse(code)?;
    Some(match viewer.lang {
        super::super::Lang::Ja => format!(
            "{n}日分の乖離を「{}」として記録しました。{}1日ずつ処理の記録とアクセスログが残ります。",
            code.label_ja(),
            what_next(viewer, code)
        ),
        super::super::Lang::En => format!(
            "{n} days resolved as {}. {} Each day is recorded and kept in the access log on its own.",
            code.label_en(),
            what_next(viewer, code)
        ),
    })
}

/// The card to show after the picked ones: the first card of the page
/// after the last one picked, else the last before it that was not picked.
fn next_after(order: &[String], picked: &BTreeSet<String>) -> String {
    let Some(last) = order.iter().rposition(|k| picked.contains(k)) else {
        return String::new();
    };
    order[last + 1..]
        .iter()
        .chain(order[..last].iter().rev())
        .find(|k| !picked.contains(*k))
        .cloned()
        .unwrap_or_default()
}

/// `POST /discrepancies/bulk`: the confirmation of the days ticked
/// (nothing written), or with `go=1` their record. A selection that cannot
/// be recorded shows the queue again with the reason.
#[post("/discrepancies/bulk")]
pub(super) async fn bulk(
    app: web::Data<App>,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let pairs = form.into_inner();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |k: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    };
    viewer.check_csrf(&get("csrf"))?;
    let (month, as_of) = month_as_of(&app, &viewer, Some(&get("month")), Some(&get("as_of")))?;
    let view = View::from_pairs(&pairs);
    let order = all("order");
    let reason = get("reason");
    let resolution = Resolution::parse(&get("resolution"));

    // The days picked (`STAFF:DAY`), each once, in the order ticked.
    let mut days: Vec<(String, NaiveDate)> = Vec::new();
    let mut unreadable = false;
    for item in all("item") {
        match item
            .rsplit_once(':')
            .and_then(|(s, d)| Some((s.to_string(), NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?)))
        {
            Some(day) if !days.contains(&day) => days.push(day),
            Some(_) => {}
            None => unreadable = true,
        }
    }
    let refused = if days.is_empty() && !unreadable {
        Some("まとめて処理する日を選んでください / tick the days to resolve")
    } else if unreadable {
        Some("選択された日を読み取れません。もう一度選んでください / a ticked day could not be read")
    } else if days.len() > MAX_DAYS {
        Some("一度に処理できるのは200日までです / at most 200 days at once")
    } else if resolution.is_none() {
        Some("労働時間・自己研鑽・労働時間外のいずれかを選んでください / choose work, self-study or not work")
    } else {
        None
    };
    let reason_error = discrepancies::checked_reason(&reason).err().map(|e| e.to_string());
    if let Some(message) = refused.map(str::to_string).or(reason_error) {
        let asking = Asking {
            view,
            select_all: false,
            done: None,
            error: Some(message),
            echo: Echo::default(),
        };
        let mut resp = render(app, viewer, month, as_of, asking).await?;
        *resp.status_mut() = StatusCode::BAD_REQUEST;
        return Ok(resp);
    }
    let Some(resolution) = resolution else {
        return Err(UiError::BadRequest(viewer.lang, String::new()));
    };
    let picked: BTreeSet<String> = days.iter().map(|(s, d)| format!("{s}_{d}")).collect();

    if get("go") != "1" {
        // The confirmation: each day as the month counts it (the report
        // cache's computation), nothing written.
        let app2 = app.clone();
        let wanted = days.clone();
        let lines = web::block(move || -> Result<Vec<Line>, UiError> {
            let rules = &app2.settings.rules;
            let cached = app2.reports.report(&app2.pool, month, as_of, rules)?;
            let mut conn = app2.pool.get()?;
            let open = open_days(&cached.computed, &resolved_days(&mut conn, rules, month, as_of)?);
            Ok(wanted
                .into_iter()
                .map(
                    |(staff_id, date)| match open.iter().find(|o| o.staff_id == staff_id && o.date == date) {
                        Some(o) => Line {
                            name: o.name.clone(),
                            department: o.department.clone(),
                            minutes: Some(o.uncovered),
                            staff_id,
                            date,
                        },
                        None => Line {
                            name: String::new(),
                            department: String::new(),
                            minutes: None,
                            staff_id,
                            date,
                        },
                    },
                )
                .collect())
        })
        .await??;
        let mut doctors: Vec<String> = Vec::new();
        for l in &lines {
            let who = if l.name.is_empty() {
                l.staff_id.clone()
            } else {
                format!("{}（{}）", l.name, l.staff_id)
            };
            if !doctors.contains(&who) {
                doctors.push(who);
            }
        }
        let back = back_to(month, as_of, &view, ("", ""), "");
        return html(&ConfirmPage {
            ctx: viewer.ctx(&app),
            month: month.to_string(),
            as_of,
            minutes: lines.iter().filter_map(|l| l.minutes).sum(),
            all_open: lines.iter().all(|l| l.minutes.is_some()),
            doctors,
            lines,
            what_next: what_next(&viewer, resolution),
            resolution,
            reason: reason.trim().to_string(),
            view,
            order,
            back,
        });
    }

    let (login, now, rules) = (viewer.user.login.clone(), app.now(), app.settings.rules.clone());
    let outcome = super::with_conn(&app, move |conn| {
        let reqs: Vec<ResolveRequest> = days
            .iter()
            .map(|(staff_id, day)| ResolveRequest {
                staff_id,
                day: *day,
                resolution,
                reason: &reason,
                actor: &login,
                now,
                rules: &rules,
            })
            .collect();
        Ok(discrepancies::resolve_all(conn, &reqs))
    })
    .await?;
    match outcome {
        Ok(done) => {
            let message = format!("{}:{}", done.len(), resolution.code());
            let to = back_to(month, as_of, &view, ("bulk", &message), &next_after(&order, &picked));
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish())
        }
        Err(e) => {
            let (status, message) = refusal(e)?;
            let asking = Asking {
                view,
                select_all: false,
                done: None,
                error: Some(format!(
                    "{}{message}",
                    match viewer.lang {
                        super::super::Lang::Ja => "まとめて処理できませんでした（何も記録していません）: ",
                        super::super::Lang::En => "Nothing was recorded: ",
                    }
                )),
                echo: Echo::default(),
            };
            let mut resp = render(app, viewer, month, as_of, asking).await?;
            *resp.status_mut() = status;
            Ok(resp)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_card_is_the_first_unpicked_after_the_last_picked() {
        let order: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let picked = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(next_after(&order, &picked(&["a", "b"])), "c");
        assert_eq!(
            next_after(&order, &picked(&["b", "d"])),
            "c",
            "none after: the last before"
        );
        assert_eq!(next_after(&order, &picked(&["a", "b", "c", "d"])), "");
        assert_eq!(next_after(&order, &picked(&["x"])), "", "not on the page");
    }
}
