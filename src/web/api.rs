//! The JSON API of what the screens show (issue 4 §7), for scripts: uploads,
//! the discrepancy queue and its resolution, a doctor's month, the dashboard
//! and the inspector's print pack.
//!
//! Every handler takes the bearer [`CurrentUser`] and answers with the data
//! the matching screen renders, computed by the screen's own functions
//! (`web::ui::*`, `ingest`, `discrepancies`, `report`), under the screen's
//! role rule: no rule is written twice. The screens' access functions take a
//! [`Viewer`]; [`viewer_of`] makes one of the token's user. Errors are the
//! API's (`{"error","message","message_en"}`, docs/api.md).

use super::auth::CurrentUser;
use super::interviews::{blocking, detail_json, measure_json, Visible};
use super::ui::{self, Lang, UiError, Viewer};
use super::{load_monthly, month_and_as_of, ApiError};
use crate::accounts::Role;
use crate::app::App;
use crate::db::queries;
use crate::discrepancies::{self, Resolution, ResolveError, ResolveRequest};
use crate::domain::time::YearMonth;
use crate::ingest::{self, ImportError, ImportKind, ImportRequest};
use crate::monitor::records;
use crate::policy::Who;
use crate::report::pack;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse, ResponseError};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::str::FromStr;

const HR: [Role; 2] = [Role::Admin, Role::Hr];
const DASHBOARD: [Role; 3] = [Role::Admin, Role::Hr, Role::Manager];
/// Past imports listed, as on the uploads screen.
const RECENT_BATCHES: i64 = 50;

/// The token's user as the screens' access functions take it.
fn viewer_of(me: &CurrentUser) -> Viewer {
    Viewer {
        user: me.user.clone(),
        role: me.role,
        csrf: String::new(),
        lang: Lang::Ja,
        path: String::new(),
    }
}

/// A screen's refusal as the API answers it.
fn from_ui(e: UiError) -> ApiError {
    match e {
        UiError::SignIn(_) | UiError::Expired(_) => ApiError::unauthorized(),
        UiError::Forbidden(_) => ApiError::forbidden("この操作の権限がありません / not allowed for this role"),
        UiError::NotFound(_) => ApiError::not_found(),
        UiError::BadRequest(_, m) => ApiError::bad_request("bad_query", &m, &m),
        UiError::Internal(m) => ApiError::internal(m),
    }
}

fn require(me: &CurrentUser, roles: &[Role]) -> Result<(), ApiError> {
    viewer_of(me).require(roles).map_err(from_ui)
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
    let mb = ui::imports::MAX_UPLOAD_BYTES / (1024 * 1024);
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
    let limit = ui::imports::MAX_UPLOAD_BYTES;
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
    let batches = blocking(&app, |c| {
        queries::import_batches_recent(c, RECENT_BATCHES).map_err(ApiError::internal)
    })
    .await?;
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

/// `GET /api/v1/discrepancies`: the queue of the discrepancy screen.
#[get("/api/v1/discrepancies")]
async fn discrepancy_queue(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<MonthAsOf>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &HR)?;
    let (month, as_of) = month_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let a = app.clone();
    let (items, resolved) = blocking(&app, move |c| {
        ui::discrepancies::queue(c, &a, month, as_of).map_err(from_ui)
    })
    .await?;
    let open: Vec<Value> = items
        .iter()
        .map(|i| {
            json!({
                "staff_id": i.staff_id, "name": i.name, "department": i.department, "date": i.date,
                "uncovered_minutes": i.uncovered,
                "uncovered": i.gaps,
                "timecard": i.rows.iter().map(|r| json!({
                    "kind": r.kind_code, "kind_ja": r.kind_ja, "start": r.start, "end": r.end,
                    "break_minutes": r.break_minutes,
                })).collect::<Vec<_>>(),
                "pc_sessions": i.sessions.iter().map(|s| json!({
                    "pc_name": s.pc_name, "logon": s.logon, "logoff": s.logoff, "uncovered_minutes": s.uncovered,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let resolved: Vec<Value> = resolved
        .iter()
        .map(|r| {
            json!({
                "staff_id": r.staff_id, "name": r.name, "date": r.day, "resolution": r.resolution,
                "reason": r.reason, "resolved_by": r.resolved_by, "resolved_at": r.resolved_at,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "month": month.to_string(),
        "as_of": as_of,
        "threshold_minutes": app.settings.rules.discrepancy_minutes,
        "open": open,
        "resolved": resolved,
    })))
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

/// `GET /api/v1/doctors/{staff_id}/months/{month}`: what the doctor page
/// shows, under its rule (`crate::policy::doctor`, and per interview
/// `crate::policy::listed_interview`).
#[get("/api/v1/doctors/{staff_id}/months/{month}")]
async fn doctor_month(
    app: web::Data<App>,
    me: CurrentUser,
    path: web::Path<(String, String)>,
    q: web::Query<AsOf>,
) -> Result<HttpResponse, ApiError> {
    let (staff_id, month) = path.into_inner();
    let (month, as_of) = month_as_of(&app, Some(&month), q.as_of.as_deref())?;
    let a = app.clone();
    let today = app.settings.today();
    let v = blocking(&app, move |c| {
        let viewer = viewer_of(&me);
        let page = ui::doctor::page(c, &a, &viewer, &staff_id, month, as_of).map_err(from_ui)?;
        let d = &page.doctor;
        let (rows, computed) = ui::doctor::month_of(c, &a, d, month, as_of).map_err(from_ui)?;
        let p = &computed.projection;
        let running: Vec<Value> = month
            .iter_days()
            .enumerate()
            .map(|(k, day)| {
                let actual = (day <= p.as_of).then(|| p.actual.running.get(k).copied()).flatten();
                json!({ "date": day, "actual": actual, "projected": p.running.get(k) })
            })
            .collect();
        let months: Vec<Value> = page
            .last_12_months
            .iter()
            .map(|(month, minutes)| json!({ "month": month, "overtime_holiday_minutes": minutes }))
            .collect();
        let shift = |s: &crate::domain::shift::Shift| {
            json!({ "kind": s.kind().code(), "start": s.start(), "end": s.end(), "break_minutes": s.break_minutes() })
        };
        let interviews: Vec<Value> = page
            .interviews
            .iter()
            .map(|iv| {
                let visible = Visible {
                    sight: iv.sight,
                    interview: iv.i.clone(),
                    doctor: d.clone(),
                    prechecks: iv.prechecks.clone(),
                    measures: page.measures.iter().filter(|m| m.month == iv.i.month).cloned().collect(),
                    physician: Some(iv.physician.clone()).filter(|p| p != "—"),
                };
                let mut v = detail_json(&visible, today);
                v["health_data"] = json!(iv.sight.health());
                v
            })
            .collect();
        Ok(json!({
            "staff_id": d.staff_id,
            "name": d.name,
            "department": d.department,
            "level": d.level().code(),
            "month": month.to_string(),
            "as_of": page.as_of,
            "state": page.state,
            "health_data": page.health,
            "figures": page.m,
            "projection_method": page.method,
            "running_total": running,
            "last_12_months": months,
            "timecard": rows.timecard.iter().map(shift).collect::<Vec<_>>(),
            "roster": rows.roster.iter().map(shift).collect::<Vec<_>>(),
            "pc_sessions": rows.pc.iter().map(|s| json!({ "logon": s.logon, "logoff": s.logoff })).collect::<Vec<_>>(),
            "interviews": interviews,
            "measures": page.measures.iter().map(measure_json).collect::<Vec<_>>(),
        }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
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

/// `GET /api/v1/dashboard`: the dashboard's lines — the monthly report's
/// figures with department, state (`ui::dashboard::state_of`) and interview.
#[get("/api/v1/dashboard")]
async fn dashboard(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    require(&me, &DASHBOARD)?;
    let (month, as_of) = month_as_of(&app, q.month.as_deref(), q.as_of.as_deref())?;
    let report = load_monthly(&app, month, as_of).await?;
    let today = app.settings.today();
    let (doctors, interviews) = blocking(&app, move |c| {
        let doctors = queries::all_doctors(c).map_err(ApiError::internal)?;
        let interviews = records::list_interviews(c, month, today).map_err(ApiError::internal)?;
        Ok((doctors, interviews))
    })
    .await?;
    let doctors: HashMap<&str, _> = doctors.iter().map(|d| (d.staff_id.as_str(), d)).collect();
    let interviews: HashMap<&str, _> = interviews.iter().map(|l| (l.staff_id.as_str(), l)).collect();
    let manager = (me.role == Role::Manager).then_some(me.user.login.as_str());
    let (department, level) = (
        q.department.as_deref().unwrap_or_default(),
        q.level.as_deref().unwrap_or_default(),
    );
    let mut lines = Vec::new();
    for m in &report.doctors {
        let Some(d) = doctors.get(m.staff_id.as_str()) else {
            continue;
        };
        let dept = d.department.as_deref().unwrap_or_default();
        if manager.is_some_and(|login| d.manager_login.as_deref() != Some(login))
            || (!department.is_empty() && dept != department)
            || (!level.is_empty() && m.level != level)
        {
            continue;
        }
        let mut v = json!(m);
        v["department"] = json!(dept);
        v["state"] = json!(ui::dashboard::state_of(m));
        v["interview"] = json!(interviews
            .get(m.staff_id.as_str())
            .map(|l| json!({ "id": l.id, "status": l.status.code(), "deadline": l.deadline })));
        lines.push(v);
    }
    Ok(HttpResponse::Ok().json(json!({ "month": report.month, "as_of": report.as_of, "lines": lines })))
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
