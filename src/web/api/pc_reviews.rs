//! `GET /api/v1/pc-reviews` and `POST /api/v1/pc-reviews/resolve`: the PC
//! review items (rules §9) the user may resolve (`pc_reviews::review_queue`)
//! and the decision on one (`pc_reviews::resolve`), as the 乖離 screen
//! shows and records them. HR, admin and managers (their own doctors).

use super::auth::CurrentUser;
use super::discrepancies::{resolve_error, ResolvedOut};
use super::{blocking, month_as_of, require, MonthAsOf, DASHBOARD};
use crate::app::App;
use crate::domain::discrepancy::PcClass;
use crate::domain::time::Minutes;
use crate::pc_reviews::{self, ListedRow, OpenItem, ReviewRequest, ReviewResolution};
use crate::policy::Who;
use crate::web::ApiError;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize)]
struct ItemOut {
    staff_id: String,
    name: String,
    department: String,
    date: NaiveDate,
    kind: &'static str,
    kind_ja: &'static str,
    minutes: Minutes,
    pc_use: Vec<String>,
    rows: Vec<ListedRow>,
    resolutions: Vec<&'static str>,
    own: bool,
}

#[derive(Debug, Serialize)]
struct QueueOut {
    month: String,
    as_of: NaiveDate,
    threshold_minutes: Minutes,
    open: Vec<ItemOut>,
    resolved: Vec<ResolvedOut>,
}

impl From<&OpenItem> for ItemOut {
    fn from(i: &OpenItem) -> ItemOut {
        ItemOut {
            staff_id: i.staff_id.clone(),
            name: i.name.clone(),
            department: i.department.clone(),
            date: i.date,
            kind: i.kind.code(),
            kind_ja: i.kind.label_ja(),
            minutes: i.minutes,
            pc_use: i.pc_use(),
            rows: i.listed_rows(),
            resolutions: i.allowed().into_iter().map(ReviewResolution::code).collect(),
            own: i.own,
        }
    }
}

/// `GET /api/v1/pc-reviews`: the open review items and the month's
/// resolutions, of the doctors the user may resolve for.
#[get("/api/v1/pc-reviews")]
pub(super) async fn review_queue(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<MonthAsOf>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &DASHBOARD)?;
    let (month, as_of) = month_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let rules = app.settings.rules.clone();
    let (role, user) = (me.role, me.user);
    let queue = blocking(&app, move |c| {
        pc_reviews::review_queue(c, Who::of(role, &user), &rules, month, as_of).map_err(ApiError::internal)
    })
    .await?;
    Ok(HttpResponse::Ok().json(QueueOut {
        month: month.to_string(),
        as_of,
        threshold_minutes: app.settings.rules.pc_review_minutes,
        open: queue.items.iter().map(ItemOut::from).collect(),
        resolved: queue
            .resolved
            .into_iter()
            .map(|r| ResolvedOut::of(r.record, Some(r.kind)))
            .collect(),
    }))
}

#[derive(Debug, Deserialize)]
struct ResolveBody {
    staff_id: String,
    date: NaiveDate,
    kind: String,
    resolution: String,
    /// Missing is empty: refused as `invalid` with the reason the field
    /// needs, as an empty one is.
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/pc-reviews/resolve`: the decision on one open review item.
#[post("/api/v1/pc-reviews/resolve")]
pub(super) async fn resolve(
    app: web::Data<App>,
    me: CurrentUser,
    body: web::Json<ResolveBody>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &DASHBOARD)?;
    let body = body.into_inner();
    let kind = PcClass::parse(&body.kind)
        .filter(|k| *k != PcClass::Uncovered)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid",
                "kind は pc_during_self_study, pc_during_permitted_duty のいずれかです",
                "kind must be pc_during_self_study or pc_during_permitted_duty",
            )
        })?;
    let resolution = ReviewResolution::parse(&body.resolution).ok_or_else(|| {
        ApiError::bad_request(
            "invalid",
            "resolution は work, self_study_confirmed, permitted_light_duty, not_work のいずれかです",
            "resolution must be work, self_study_confirmed, permitted_light_duty or not_work",
        )
    })?;
    let (role, user, now, rules) = (me.role, me.user, app.now(), app.settings.rules.clone());
    let resolved = blocking(&app, move |c| {
        pc_reviews::resolve(
            c,
            &ReviewRequest {
                staff_id: body.staff_id.trim(),
                day: body.date,
                kind,
                resolution,
                reason: &body.reason,
                who: Who::of(role, &user),
                now,
                rules: &rules,
            },
        )
        .map_err(resolve_error)
    })
    .await?;
    Ok(HttpResponse::Ok().json(resolved))
}
