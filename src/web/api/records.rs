//! Records an inspector can trust: the user ledger (`GET /api/v1/users`),
//! the access log (`GET /api/v1/audit`), and the one deletion a person may
//! ask for (`DELETE /api/v1/doctors/{staff_id}/work-records`, refused while
//! the records must be kept).

use super::auth::CurrentUser;
use super::{blocking, require};
use crate::accounts::Role;
use crate::app::App;
use crate::domain::time::YearMonth;
use crate::web::ApiError;
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

// one deletion a person may ask for (refused while records must be kept).

/// The user ledger (admin).
#[get("/api/v1/users")]
pub(super) async fn user_ledger(app: web::Data<App>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    require(&me, &[Role::Admin])?;
    let now = app.now();
    let lines = blocking(&app, move |conn| {
        crate::accounts::ledger(conn, now).map_err(ApiError::internal)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Users { users: lines }))
}

#[derive(Debug, Serialize)]
struct Users {
    users: Vec<crate::accounts::LedgerLine>,
}

/// An access-log entry; `detail` is free-form, as the operation wrote it.
#[derive(Debug, Serialize)]
struct EntryOut {
    id: i64,
    at: chrono::NaiveDateTime,
    actor: Option<String>,
    category: String,
    operation: String,
    detail: Value,
    prev_hash: String,
    hash: String,
}

#[derive(Debug, Serialize)]
struct Entries {
    entries: Vec<EntryOut>,
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
pub(super) async fn audit_entries(
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
    let entries: Vec<EntryOut> = entries
        .into_iter()
        .map(|e| EntryOut {
            id: e.id,
            at: e.at,
            actor: e.actor,
            category: e.category,
            operation: e.operation,
            // Stored as JSON text; shown as the JSON it is (as text if not).
            detail: serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::String(e.detail)),
            prev_hash: e.prev_hash,
            hash: e.hash,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Entries { entries }))
}

#[derive(Debug, Deserialize)]
struct ThroughQuery {
    through: String,
}

/// Deletes a doctor's working-time records through a month (admin) — only
/// once their retention has ended; earlier, 409 with the date to keep them
/// until.
#[actix_web::delete("/api/v1/doctors/{staff_id}/work-records")]
pub(super) async fn delete_work_records(
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
    let retention = app.settings.rules.retention;
    let report = blocking(&app, move |conn| {
        crate::records::delete_work_records(conn, &retention, &staff_id, through, today, Some(&login), now).map_err(
            |e| match e {
                DeleteError::NoSuchDoctor(_) => ApiError::not_found(),
                e @ DeleteError::StillRetained { .. } => ApiError::conflict("still_retained", &e.to_string()),
                e @ DeleteError::OnHold(_) => ApiError::conflict("legal_hold", &e.to_string()),
                DeleteError::Db(e) => ApiError::internal(e),
            },
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}
