//! `POST /api/v1/imports/{kind}` and `GET /api/v1/imports`: a file in, as
//! `kinmu import` takes it (formats.md), and the recent import batches.

use super::auth::CurrentUser;
use super::{blocking, require, HR, RECENT_BATCHES};
use crate::app::App;
use crate::db::queries;
use crate::ingest::{self, ImportError, ImportKind, ImportRequest};
use crate::web::ApiError;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Deserialize)]
struct ImportQuery {
    skip_invalid: Option<bool>,
    file_name: Option<String>,
    /// A built-in layout's name; absent: recognised from the header.
    layout: Option<String>,
    /// Timecard: the dates the file covers, both inclusive (both or neither).
    period_from: Option<String>,
    period_to: Option<String>,
    /// Roster: when it was published to the doctors (`YYYY-MM-DDTHH:MM`,
    /// not after the import; rules §5a.2).
    published_at: Option<String>,
}

/// The declared publication time of a roster upload, if any.
fn published_of(
    q: &ImportQuery,
    kind: ImportKind,
    now: chrono::NaiveDateTime,
) -> Result<Option<chrono::NaiveDateTime>, ApiError> {
    let Some(s) = q.published_at.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let bad = |m: String| {
        let pair = crate::domain::text::Message::from_pair(&m);
        ApiError::bad_request("bad_query", &pair.ja, &pair.en)
    };
    let at = ingest::parse_published_at(s).map_err(bad)?;
    ingest::check_published_at(kind, Some(at), now).map_err(bad)?;
    Ok(Some(at))
}

/// The declared period of a timecard upload, if any (both dates or none).
fn period_of(q: &ImportQuery, kind: ImportKind) -> Result<Option<(chrono::NaiveDate, chrono::NaiveDate)>, ApiError> {
    let bad = |ja: &str, en: &str| ApiError::bad_request("bad_query", ja, en);
    match (q.period_from.as_deref(), q.period_to.as_deref()) {
        (None, None) => Ok(None),
        (Some(_), Some(_)) if kind != ImportKind::Timecard => Err(bad(
            "対象期間はタイムカードの取込にだけ指定できます",
            "a period applies to timecard imports only",
        )),
        (Some(from), Some(to)) => ingest::parse_period(from, to).map(Some).map_err(|m| {
            let pair = crate::domain::text::Message::from_pair(&m);
            bad(&pair.ja, &pair.en)
        }),
        _ => Err(bad(
            "対象期間は開始日と終了日の両方を指定してください（period_from, period_to）",
            "give both period_from and period_to, or neither",
        )),
    }
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
/// file cannot be read at all. A timecard upload may declare the period it
/// covers (`period_from`, `period_to`; see `ingest::period`), a roster
/// upload when it was published (`published_at`, not after now).
#[post("/api/v1/imports/{kind}")]
pub(super) async fn import(
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
    // A preset or a saved layout, found before the body is read.
    let layout = match q.layout.clone().filter(|l| !l.is_empty()) {
        None => None,
        Some(name) => Some(
            blocking(&app, move |c| {
                crate::layouts::resolve(c, &name).map_err(|e| match e {
                    crate::layouts::Error::Db(e) => ApiError::internal(e),
                    other => {
                        let m = other.to_string();
                        let pair = crate::domain::text::Message::from_pair(&m);
                        ApiError::bad_request("bad_layout", &m, &pair.en)
                    }
                })
            })
            .await?,
        ),
    };
    let period = period_of(&q, kind)?;
    let published_at = published_of(&q, kind, app.now())?;
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
                layout: layout.as_ref(),
                period,
                published_at,
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
                let pair = crate::domain::text::Message::from_pair(&m);
                ApiError::bad_request("bad_file", &m, &pair.en)
            }
            ImportError::Request(m) => {
                let pair = crate::domain::text::Message::from_pair(&m);
                ApiError::bad_request("bad_query", &pair.ja, &pair.en)
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

/// An import batch as the API lists it.
#[derive(Debug, Serialize)]
struct BatchOut {
    id: i64,
    kind: String,
    file_name: String,
    file_sha256: String,
    encoding: String,
    imported_at: chrono::NaiveDateTime,
    imported_by: Option<String>,
    inserted: i32,
    corrected: i32,
    superseded: i32,
    unchanged: i32,
    rejected: i32,
    /// A roster's stated publication time, if any.
    published_at: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Serialize)]
struct Batches {
    batches: Vec<BatchOut>,
}

/// `GET /api/v1/imports`: the recent import batches, newest first.
#[get("/api/v1/imports")]
pub(super) async fn batches(app: web::Data<App>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    require(&me, &HR)?;
    let batches = blocking(&app, |c| Ok(queries::import_batches_recent(c, RECENT_BATCHES)?)).await?;
    let batches: Vec<BatchOut> = batches
        .into_iter()
        .map(|b| BatchOut {
            id: b.id,
            kind: b.kind,
            file_name: b.file_name,
            file_sha256: b.file_sha256,
            encoding: b.encoding,
            imported_at: b.imported_at,
            imported_by: b.imported_by,
            inserted: b.inserted,
            corrected: b.corrected,
            superseded: b.superseded,
            unchanged: b.unchanged,
            rejected: b.rejected,
            published_at: b.published_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Batches { batches }))
}
