//! The JSON API of what the screens show (issue 4 §7), for scripts: uploads,
//! the discrepancy queue and its resolution, a doctor's month, the dashboard
//! and the inspector's print pack.
//!
//! Every handler takes the bearer [`CurrentUser`] and answers with the data
//! the matching screen renders: the same read models (`report::*`) and write
//! functions (`ingest`, `discrepancies`), asked with the token's user as
//! `policy::Who`, serialised through typed response structs. This module and
//! the screens (`web::ui`) are siblings: neither uses the other. Errors are
//! the API's (`{"error","message","message_en"}`, docs/api.md).

use super::auth::CurrentUser;
use super::interviews::{blocking, detail_json, measure_json, Visible};
use super::{month_and_as_of, ApiError};
use crate::accounts::Role;
use crate::app::App;
use crate::db::queries;
use crate::discrepancies::{self, Resolution, ResolveError, ResolveRequest};
use crate::domain::time::Minutes;
use crate::domain::time::YearMonth;
use crate::ingest::{self, ImportError, ImportKind, ImportRequest};
use crate::policy::Who;
use crate::report::dashboard::{Filter, Line, State};
use crate::report::doctor_month::{DoctorMonthError, DoctorMonthView};
use crate::report::pack;
use crate::report::queue::QueueItem;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse, ResponseError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::str::FromStr;

const HR: [Role; 2] = [Role::Admin, Role::Hr];
const DASHBOARD: [Role; 3] = [Role::Admin, Role::Hr, Role::Manager];
/// Past imports listed, as on the uploads screen.
const RECENT_BATCHES: i64 = 50;

fn require(me: &CurrentUser, roles: &[Role]) -> Result<(), ApiError> {
    if roles.contains(&me.role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "この操作の権限がありません / not allowed for this role",
        ))
    }
}

#[derive(Debug, Deserialize)]
struct MonthAsOf {
    month: Option<String>,
    as_of: Option<String>,
}

/// The month (default this month) and the as-of date (default today),
/// clamped into the month as the screens do.
fn month_as_of(app: &App, month: Option<&str>, as_of: Option<&str>) -> Result<(YearMonth, NaiveDate), ApiError> {
    let (month, as_of) = month_and_as_of(app, month, as_of)?;
    Ok((month, month.clamp(as_of)))
}

// ---------------------------------------------------------------------------
// Uploads.

#[derive(Debug, Deserialize)]
struct ImportQuery {
    skip_invalid: Option<bool>,
    file_name: Option<String>,
}

/// An answer with the API's error shape and another status.
fn error_with(status: StatusCode, e: ApiError) -> HttpResponse {
    let mut resp = e.error_response();
    *resp.status_mut() = status;
    resp
}

fn too_large() -> HttpResponse {
    let mb = ingest::MAX_UPLOAD_BYTES / (1024 * 1024);
    error_with(
        StatusCode::PAYLOAD_TOO_LARGE,
        ApiError::bad_request(
            "too_large",
            &format!("ファイルが大きすぎます（上限 {mb} MB）。期間を分けて取り込んでください。"),
            &format!("the file is too large (limit {mb} MB); split it by period"),
        ),
    )
}

/// `POST /api/v1/imports/{kind}`: the body is the file itself. The answer is
/// the report of `kinmu import` (formats.md): 200 when no row was rejected,
/// 422 when some were (nothing written unless `skip_invalid`), 400 when the
/// file cannot be read at all.
#[post("/api/v1/imports/{kind}")]
async fn import(
    app: web::Data<App>,
    me: CurrentUser,
    req: HttpRequest,
    kind: web::Path<String>,
    q: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Role and kind first: others never get to make the server read 50 MB.
    require(&me, &HR)?;
    let kind = ImportKind::from_str(&kind).map_err(|m| ApiError::bad_request("bad_kind", &m, "unknown import kind"))?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("multipart/") || content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(ApiError::bad_request(
            "bad_body",
            "ファイルの中身をそのまま送ってください（Content-Type: text/csv）",
            "send the file's bytes as the body (Content-Type: text/csv), not a form",
        ));
    }
    let limit = ingest::MAX_UPLOAD_BYTES;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Ok(too_large());
    }
    let bytes = match payload.to_bytes_limited(limit).await {
        Ok(read) => read.map_err(|e| ApiError::bad_request("bad_body", &e.to_string(), &e.to_string()))?,
        Err(_) => return Ok(too_large()),
    };
    if bytes.is_empty() {
        return Err(ApiError::bad_request(
            "bad_file",
            "空のファイルは取り込めません",
            "an empty file cannot be imported",
        ));
    }
    // Only the last path segment of a given name is kept (for the batch record).
    let file_name: String = q
        .file_name
        .as_deref()
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .filter(|n| !n.is_empty())
        .unwrap_or("upload.csv")
        .chars()
        .take(200)
        .collect();
    let skip_invalid = q.skip_invalid.unwrap_or(false);
    let (login, now) = (me.user.login, app.now());
    let report = blocking(&app, move |c| {
        ingest::run(
            c,
            &ImportRequest {
                kind,
                bytes: &bytes,
                file_name: &file_name,
                skip_invalid,
                actor: Some(&login),
                now,
            },
        )
        .map_err(|e| match e {
            ImportError::File(f) => {
                let m = f.to_string();
                ApiError::bad_request("bad_file", &m, m.rsplit(" / ").next().unwrap_or(&m))
            }
            other => ApiError::internal(other),
        })
    })
    .await?;
    let status = if report.rejected.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(HttpResponse::build(status).json(report))
}

/// `GET /api/v1/imports`: the recent import batches, newest first.
#[get("/api/v1/imports")]
async fn batches(app: web::Data<App>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    require(&me, &HR)?;
    let batches = blocking(&app, |c| Ok(queries::import_batches_recent(c, RECENT_BATCHES)?)).await?;
    let batches: Vec<Value> = batches
        .into_iter()
        .map(|b| {
            json!({
                "id": b.id, "kind": b.kind, "file_name": b.file_name, "file_sha256": b.file_sha256,
                "encoding": b.encoding, "imported_at": b.imported_at, "imported_by": b.imported_by,
                "inserted": b.inserted, "corrected": b.corrected, "unchanged": b.unchanged, "rejected": b.rejected,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "batches": batches })))
}

// ---------------------------------------------------------------------------
// Discrepancies.

/// A timecard or roster row as the API shows it.
#[derive(Debug, Serialize)]
struct RowOut<T> {
    kind: &'static str,
    start: T,
    end: T,
    break_minutes: Minutes,
}

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

#[derive(Debug, Serialize)]
struct ResolvedOut {
    staff_id: String,
    name: String,
    date: NaiveDate,
    resolution: String,
    reason: String,
    resolved_by: Option<String>,
    resolved_at: chrono::NaiveDateTime,
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
async fn discrepancy_queue(
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
        resolved: queue
            .resolved
            .into_iter()
            .map(|r| ResolvedOut {
                staff_id: r.staff_id,
                name: r.name,
                date: r.day,
                resolution: r.resolution,
                reason: r.reason,
                resolved_by: r.resolved_by,
                resolved_at: r.resolved_at,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize)]
struct ResolveBody {
    staff_id: String,
    date: NaiveDate,
    resolution: String,
    reason: String,
}

fn resolve_error(e: ResolveError) -> ApiError {
    let m = e.to_string();
    match e {
        ResolveError::UnknownDoctor(_) => ApiError::not_found(),
        _ if e.is_conflict() => ApiError::conflict("already_resolved", &m),
        _ if e.is_user_error() => ApiError::bad_request("invalid", &m, &m),
        other => ApiError::internal(other),
    }
}

/// `POST /api/v1/discrepancies/resolve`: HR's decision on one open day
/// (`crate::discrepancies::resolve`, the rule of the screen).
#[post("/api/v1/discrepancies/resolve")]
async fn resolve(app: web::Data<App>, me: CurrentUser, body: web::Json<ResolveBody>) -> Result<HttpResponse, ApiError> {
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

// ---------------------------------------------------------------------------
// A doctor's month.

#[derive(Debug, Deserialize)]
struct AsOf {
    as_of: Option<String>,
}

#[derive(Debug, Serialize)]
struct RunningDay {
    date: NaiveDate,
    actual: Option<Minutes>,
    projected: Option<Minutes>,
}

#[derive(Debug, Serialize)]
struct MonthTotal {
    month: String,
    overtime_holiday_minutes: Minutes,
}

#[derive(Debug, Serialize)]
struct PcOut {
    logon: chrono::NaiveDateTime,
    logoff: chrono::NaiveDateTime,
}

#[derive(Debug, Serialize)]
struct DoctorMonthOut {
    staff_id: String,
    name: String,
    department: Option<String>,
    level: &'static str,
    month: String,
    as_of: NaiveDate,
    state: State,
    health_data: bool,
    figures: crate::month::DoctorMonth,
    projection_method: &'static str,
    running_total: Vec<RunningDay>,
    last_12_months: Vec<MonthTotal>,
    timecard: Vec<RowOut<chrono::NaiveDateTime>>,
    roster: Vec<RowOut<chrono::NaiveDateTime>>,
    pc_sessions: Vec<PcOut>,
    /// The interview API's shape of each interview (`detail_json`).
    interviews: Vec<Value>,
    measures: Vec<Value>,
}

fn row_out(s: &crate::domain::shift::Shift) -> RowOut<chrono::NaiveDateTime> {
    RowOut {
        kind: s.kind().code(),
        start: s.start(),
        end: s.end(),
        break_minutes: s.break_minutes(),
    }
}

impl DoctorMonthOut {
    fn of(v: DoctorMonthView, today: NaiveDate) -> DoctorMonthOut {
        let p = &v.computed.projection;
        let running_total = v
            .month
            .iter_days()
            .enumerate()
            .map(|(k, day)| RunningDay {
                date: day,
                actual: (day <= p.as_of).then(|| p.actual.running.get(k).copied()).flatten(),
                projected: p.running.get(k).copied(),
            })
            .collect();
        let interviews = v
            .interviews
            .iter()
            .map(|iv| {
                let visible = Visible {
                    sight: iv.sight,
                    interview: iv.i.clone(),
                    doctor: v.doctor.clone(),
                    prechecks: iv.prechecks.clone(),
                    measures: v.measures_of(&iv.i.month).cloned().collect(),
                    physician: iv.physician.clone(),
                };
                let mut j = detail_json(&visible, today);
                j["health_data"] = json!(iv.sight.health());
                j
            })
            .collect();
        DoctorMonthOut {
            staff_id: v.doctor.staff_id.clone(),
            name: v.doctor.name.clone(),
            department: v.doctor.department.clone(),
            level: v.doctor.level().code(),
            month: v.month.to_string(),
            as_of: v.as_of,
            state: v.state,
            health_data: v.health,
            projection_method: v.method(),
            running_total,
            last_12_months: v
                .last_12_months
                .iter()
                .map(|(m, minutes)| MonthTotal {
                    month: m.to_string(),
                    overtime_holiday_minutes: *minutes,
                })
                .collect(),
            timecard: v.rows.timecard.iter().map(row_out).collect(),
            roster: v.rows.roster.iter().map(row_out).collect(),
            pc_sessions: v
                .rows
                .pc
                .iter()
                .map(|s| PcOut {
                    logon: s.logon,
                    logoff: s.logoff,
                })
                .collect(),
            interviews,
            measures: v.measures.iter().map(measure_json).collect(),
            figures: v.figures,
        }
    }
}

/// `GET /api/v1/doctors/{staff_id}/months/{month}`: what the doctor page
/// shows (`report::doctor_month`), under its rule (`crate::policy::doctor`,
/// and per interview `crate::policy::listed_interview`).
#[get("/api/v1/doctors/{staff_id}/months/{month}")]
async fn doctor_month(
    app: web::Data<App>,
    me: CurrentUser,
    path: web::Path<(String, String)>,
    q: web::Query<AsOf>,
) -> Result<HttpResponse, ApiError> {
    let (staff_id, month) = path.into_inner();
    let (month, as_of) = month_as_of(&app, Some(&month), q.as_of.as_deref())?;
    let (rules, today) = (app.settings.rules.clone(), app.settings.today());
    let v = blocking(&app, move |c| {
        let who = crate::policy::Who::of(me.role, &me.user);
        crate::report::doctor_month::doctor_month(c, &rules, who, &staff_id, month, as_of, today).map_err(|e| match e {
            DoctorMonthError::NotFound => ApiError::not_found(),
            other => ApiError::internal(other),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(DoctorMonthOut::of(v, today)))
}

// ---------------------------------------------------------------------------
// Dashboard.

#[derive(Debug, Deserialize)]
struct DashboardQuery {
    month: Option<String>,
    as_of: Option<String>,
    department: Option<String>,
    level: Option<String>,
}

#[derive(Debug, Serialize)]
struct DashboardOut {
    month: String,
    as_of: NaiveDate,
    lines: Vec<Line>,
}

/// `GET /api/v1/dashboard`: the dashboard's lines (`report::dashboard`) —
/// the monthly report's figures with department, state and interview.
#[get("/api/v1/dashboard")]
async fn dashboard(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &DASHBOARD)?;
    let (month, as_of) = month_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let q = q.into_inner();
    let filter = Filter {
        department: q.department.unwrap_or_default(),
        level: q.level.unwrap_or_default(),
    };
    let today = app.settings.today();
    let a = app.clone();
    // The cached report first, without a connection held while another
    // request may be computing it; then one connection for the rest.
    let out = web::block(move || -> Result<DashboardOut, ApiError> {
        let cached = a.reports.report(&a.pool, month, as_of, &a.settings.rules)?;
        let who = crate::policy::Who::of(me.role, &me.user);
        let board = crate::report::dashboard::dashboard(&mut *a.pool.get()?, &cached.report, who, &filter, today)?;
        Ok(DashboardOut {
            month: cached.report.month.clone(),
            as_of: cached.report.as_of,
            lines: board.lines,
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(out))
}

// ---------------------------------------------------------------------------
// The inspector's print pack.

/// One part of the print pack as the API answers it (fields in the order
/// the API has always written them).
#[derive(serde::Serialize)]
struct InspectionPart {
    columns: Vec<&'static str>,
    key: &'static str,
    keys: Vec<String>,
    notes: Vec<String>,
    rows: Vec<Vec<String>>,
    title: String,
}

/// `GET /api/v1/inspection`'s answer.
#[derive(serde::Serialize)]
struct Inspection {
    fiscal_year: i32,
    from: NaiveDate,
    health_data: bool,
    parts: Vec<InspectionPart>,
    /// `hospital` or `manager`.
    scope: &'static str,
    to: NaiveDate,
}

/// `GET /api/v1/inspection`: every part of the print pack as the tables the
/// HTML, .xlsx and CSV forms are made of (`report::pack`), with its scope rule.
#[get("/api/v1/inspection")]
async fn inspection(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<pack::PackQuery>,
) -> Result<HttpResponse, ApiError> {
    if !pack::may_print(Who::of(me.role, &me.user)) {
        return Err(ApiError::forbidden(
            "この操作の権限がありません / not allowed for this role",
        ));
    }
    let params = pack::Params::read(&q, app.settings.today())
        .map_err(|pack::BadParams(m)| ApiError::bad_request("bad_query", &m, &m))?;
    let ctx = pack::Context::new(&app.settings, app.now());
    let (role, user) = (me.role, me.user.clone());
    let loaded = blocking(&app, move |conn| {
        pack::load(conn, &ctx, Who::of(role, &user), params, pack::Want::ALL).map_err(|e| match e {
            pack::PackError::NotAllowed => {
                ApiError::forbidden("この操作の権限がありません / not allowed for this role")
            }
            pack::PackError::Report(e) => ApiError::internal(e),
        })
    })
    .await?;
    let parts = pack::tables(&loaded)
        .into_iter()
        .map(|t| InspectionPart {
            columns: t.columns.iter().map(|c| c.header).collect(),
            key: t.key,
            keys: t.keys,
            notes: t.notes,
            rows: t.rows,
            title: t.title,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Inspection {
        fiscal_year: params.fiscal_year,
        from: params.from,
        health_data: loaded.scope.health(),
        parts,
        scope: if loaded.scope.manager_login().is_some() {
            "manager"
        } else {
            "hospital"
        },
        to: params.to,
    }))
}

// ---------------------------------------------------------------------------
// Records an inspector can trust: the user ledger, the access log, and the
// one deletion a person may ask for (refused while records must be kept).

/// The user ledger (admin).
#[get("/api/v1/users")]
async fn user_ledger(app: web::Data<App>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    require(&me, &[Role::Admin])?;
    let now = app.now();
    let lines = blocking(&app, move |conn| {
        crate::accounts::ledger(conn, now).map_err(ApiError::internal)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "users": lines })))
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    actor: Option<String>,
    category: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Access-log entries, newest first (admin).
#[get("/api/v1/audit")]
async fn audit_entries(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &[Role::Admin])?;
    let q = q.into_inner();
    let filter = crate::audit::Filter {
        from: q.from,
        to: q.to,
        actor: q.actor,
        category: q.category,
    };
    let (limit, offset) = (q.limit.unwrap_or(100).clamp(1, 10_000), q.offset.unwrap_or(0).max(0));
    let entries = blocking(&app, move |conn| {
        crate::audit::entries(conn, &filter, limit, offset).map_err(ApiError::internal)
    })
    .await?;
    let entries: Vec<Value> = entries
        .into_iter()
        .map(|e| {
            json!({
                "id": e.id, "at": e.at, "actor": e.actor, "category": e.category,
                "operation": e.operation, "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::String(e.detail)),
                "prev_hash": e.prev_hash, "hash": e.hash,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "entries": entries })))
}

#[derive(Debug, Deserialize)]
struct ThroughQuery {
    through: String,
}

/// Deletes a doctor's working-time records through a month (admin) — only
/// once their retention has ended; earlier, 409 with the date to keep them
/// until.
#[actix_web::delete("/api/v1/doctors/{staff_id}/work-records")]
async fn delete_work_records(
    app: web::Data<App>,
    me: CurrentUser,
    staff_id: web::Path<String>,
    q: web::Query<ThroughQuery>,
) -> Result<HttpResponse, ApiError> {
    use crate::records::DeleteError;
    require(&me, &[Role::Admin])?;
    let through = YearMonth::parse(&q.through).ok_or_else(|| {
        ApiError::bad_request(
            "bad_month",
            &format!("through は YYYY-MM で指定してください: {:?}", q.through),
            "through must be YYYY-MM",
        )
    })?;
    let (today, now, login) = (app.settings.today(), app.now(), me.user.login.clone());
    let report = blocking(&app, move |conn| {
        crate::records::delete_work_records(conn, &staff_id, through, today, Some(&login), now).map_err(|e| match e {
            DeleteError::NoSuchDoctor(_) => ApiError::not_found(),
            e @ DeleteError::StillRetained { .. } => ApiError::conflict("still_retained", &e.to_string()),
            e @ DeleteError::OnHold(_) => ApiError::conflict("legal_hold", &e.to_string()),
            DeleteError::Db(e) => ApiError::internal(e),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(user_ledger)
        .service(audit_entries)
        .service(delete_work_records)
        .service(import)
        .service(batches)
        .service(discrepancy_queue)
        .service(resolve)
        .service(doctor_month)
        .service(dashboard)
        .service(inspection);
}
