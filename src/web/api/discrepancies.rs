//! `GET /api/v1/discrepancies` and `POST /api/v1/discrepancies/resolve`:
//! the discrepancy (乖離) queue (`report::queue`) and HR's decision on one
//! day (`crate::discrepancies::resolve`), rules §9.

use super::auth::CurrentUser;
use super::{blocking, month_as_of, require, MonthAsOf, HR};
use crate::app::App;
use crate::discrepancies::{self, Resolution, ResolutionRecord, ResolveError, ResolveRequest};
use crate::domain::time::Minutes;
use crate::report::queue::QueueItem;
use crate::web::ApiError;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A timecard row of an open discrepancy day, with its Japanese label.
#[derive(Debug, Serialize)]
struct QueueRowOut {
    kind: &'static str,
    kind_ja: &'static str,
    start: String,
    end: String,
    break_minutes: Minutes,
}

#[derive(Debug, Serialize)]
struct QueueSessionOut {
    pc_name: String,
    logon: String,
    logoff: String,
    uncovered_minutes: Minutes,
}

#[derive(Debug, Serialize)]
struct QueueItemOut {
    staff_id: String,
    name: String,
    department: String,
    date: NaiveDate,
    uncovered_minutes: Minutes,
    uncovered: Vec<String>,
    timecard: Vec<QueueRowOut>,
    pc_sessions: Vec<QueueSessionOut>,
}

/// A resolution as listed: of a discrepancy day, or (with its `kind`) of
/// a PC review item.
#[derive(Debug, Serialize)]
pub(super) struct ResolvedOut {
    staff_id: String,
    name: String,
    date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    resolution: String,
    reason: String,
    resolved_by: Option<String>,
    resolved_at: chrono::NaiveDateTime,
}

impl ResolvedOut {
    pub(super) fn of(r: ResolutionRecord, kind: Option<String>) -> ResolvedOut {
        ResolvedOut {
            staff_id: r.staff_id,
            name: r.name,
            date: r.day,
            kind,
            resolution: r.resolution,
            reason: r.reason,
            resolved_by: r.resolved_by,
            resolved_at: r.resolved_at,
        }
    }
}

#[derive(Debug, Serialize)]
struct QueueOut {
    month: String,
    as_of: NaiveDate,
    threshold_minutes: Minutes,
    open: Vec<QueueItemOut>,
    resolved: Vec<ResolvedOut>,
}

impl From<&QueueItem> for QueueItemOut {
    fn from(i: &QueueItem) -> QueueItemOut {
        QueueItemOut {
            staff_id: i.staff_id.clone(),
            name: i.name.clone(),
            department: i.department.clone(),
            date: i.date,
            uncovered_minutes: i.uncovered,
            uncovered: i.gap_texts(),
            timecard: i
                .rows
                .iter()
                .map(|r| QueueRowOut {
                    kind: r.kind().code(),
                    kind_ja: r.kind().label_ja(),
                    start: i.at(r.start()),
                    end: i.at(r.end()),
                    break_minutes: r.break_minutes(),
                })
                .collect(),
            pc_sessions: i
                .sessions
                .iter()
                .map(|s| QueueSessionOut {
                    pc_name: s.pc_name.clone(),
                    logon: i.at(s.logon),
                    logoff: i.at(s.logoff),
                    uncovered_minutes: s.uncovered,
                })
                .collect(),
        }
    }
}

/// `GET /api/v1/discrepancies`: the queue of the discrepancy screen
/// (`report::queue`).
#[get("/api/v1/discrepancies")]
pub(super) async fn discrepancy_queue(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<MonthAsOf>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &HR)?;
    let (month, as_of) = month_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let rules = app.settings.rules.clone();
    let queue = blocking(&app, move |c| Ok(crate::report::queue::queue(c, &rules, month, as_of)?)).await?;
    Ok(HttpResponse::Ok().json(QueueOut {
        month: month.to_string(),
        as_of,
        threshold_minutes: app.settings.rules.discrepancy_minutes,
        open: queue.items.iter().map(QueueItemOut::from).collect(),
        resolved: queue.resolved.into_iter().map(|r| ResolvedOut::of(r, None)).collect(),
    }))
}

#[derive(Debug, Deserialize)]
struct ResolveBody {
    staff_id: String,
    date: NaiveDate,
    resolution: String,
    /// Missing is empty: refused as `invalid`, as an empty one is.
    #[serde(default)]
    reason: String,
}

/// A refused resolution (of a discrepancy day or a PC review item) as the
/// API answers it.
pub(super) fn resolve_error(e: ResolveError) -> ApiError {
    let m = e.to_string();
    match e {
        ResolveError::UnknownDoctor(_) => ApiError::not_found(),
        _ if e.is_conflict() => ApiError::conflict("already_resolved", &m),
        _ if e.is_forbidden() => ApiError::forbidden(&m),
        _ if e.is_user_error() => ApiError::bad_request_pair("invalid", &m),
        other => ApiError::internal(other),
    }
}

/// `POST /api/v1/discrepancies/resolve`: HR's decision on one open day
/// (`crate::discrepancies::resolve`, the rule of the screen).
#[post("/api/v1/discrepancies/resolve")]
pub(super) async fn resolve(
    app: web::Data<App>,
    me: CurrentUser,
    body: web::Json<ResolveBody>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &HR)?;
    let body = body.into_inner();
    let resolution = Resolution::parse(&body.resolution).ok_or_else(|| {
        ApiError::bad_request(
            "invalid",
            "resolution は work, self_study, not_work のいずれかです",
            "resolution must be work, self_study or not_work",
        )
    })?;
    let (login, now, rules) = (me.user.login, app.now(), app.settings.rules.clone());
    let resolved = blocking(&app, move |c| {
        discrepancies::resolve(
            c,
            &ResolveRequest {
                staff_id: body.staff_id.trim(),
                day: body.date,
                resolution,
                reason: &body.reason,
                actor: &login,
                now,
                rules: &rules,
            },
        )
        .map_err(resolve_error)
    })
    .await?;
    Ok(HttpResponse::Ok().json(resolved))
}
