//! HR's uploads (issue 4 §2): choose the kind and a file, see a preview of
//! how it will be read, import it, and see the result with every rejected
//! row (downloadable as CSV); below the form, the past imports.
//!
//! The import itself is `ingest::run` (formats.md, "What an import does with
//! bad input": all or nothing unless `skip_invalid`). Between preview and
//! import the uploaded bytes wait server-side in a private temporary
//! directory under a random token: the client only ever names the token
//! (64 hex digits, checked before it touches a path), the files are bound to
//! the login that uploaded them, are deleted once imported and, like the
//! results, swept after an hour. Uploads are limited to 50 MB and every POST
//! checks the session's CSRF token. Hr and admin only.
//!
//! The files, by page: this one has the form with the past imports, the
//! shared labels and the routes; [`multipart`] reads the upload within its
//! limits, [`preview`] keeps it and shows how it will be read, [`result`]
//! imports it and shows the outcome. The kept files are
//! [`crate::ingest::uploads`].

mod layouts;
mod multipart;
mod preview;
mod result;
mod roster_check;

use super::{html, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::db::models::ImportBatch;
use crate::db::queries;
use crate::ingest::ImportKind;
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use std::str::FromStr;

pub use crate::ingest::MAX_UPLOAD_BYTES;
const HR: [Role; 2] = [Role::Admin, Role::Hr];

const APP_JS: &str = include_str!("../../../../static/app.js");

#[get("/static/app.js")]
async fn app_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(APP_JS)
}

/// The kinds of file, in the order the form offers them.
const KINDS: [ImportKind; 7] = [
    ImportKind::Timecard,
    ImportKind::Pclog,
    ImportKind::Roster,
    ImportKind::Doctors,
    ImportKind::Employers,
    ImportKind::Permits,
    ImportKind::CompRest,
];

fn kind_label(kind: ImportKind) -> (&'static str, &'static str) {
    match kind {
        ImportKind::Doctors => ("医師一覧", "Doctors"),
        ImportKind::Timecard => ("タイムカード", "Timecard"),
        ImportKind::Roster => ("勤務予定", "Roster"),
        ImportKind::Pclog => ("PCログ", "PC log"),
        ImportKind::Employers => ("他の勤務先", "Other employers"),
        ImportKind::Permits => ("宿日直許可", "Duty permits"),
        ImportKind::CompRest => ("代償休息の付与", "Compensatory rest grants"),
    }
}

/// The message of an upload that is gone.
fn expired(lang: super::Lang) -> UiError {
    UiError::BadRequest(
        lang,
        "アップロードが見つかりません（1時間で削除されます）。もう一度ファイルを選んでください。 / The upload is gone (uploads are kept for an hour); please choose the file again.".into(),
    )
}

/// The layout an upload named (`None`: recognised from the header): a
/// preset or a saved layout.
fn layout_of(
    conn: &mut crate::db::AnyConnection,
    name: Option<&str>,
    lang: super::Lang,
) -> Result<Option<crate::import::layout::Layout>, UiError> {
    match name.map(|n| crate::layouts::resolve(conn, n)).transpose() {
        Ok(layout) => Ok(layout),
        Err(crate::layouts::Error::Db(e)) => Err(UiError::internal(e)),
        Err(e) => Err(UiError::BadRequest(lang, e.to_string())),
    }
}

/// A past import as listed.
pub struct BatchLine {
    pub b: ImportBatch,
    pub kind_ja: &'static str,
    pub kind_en: &'static str,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ImportsPage {
    ctx: PageCtx,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    max_mb: usize,
    max_bytes: usize,
    /// The built-in layouts offered: (name, title, what it reads in Japanese).
    layouts: Vec<(String, String, &'static str)>,
    /// The hospital's saved layouts: (name, title).
    saved: Vec<(String, String)>,
    batches: Vec<BatchLine>,
}

fn labels_of(code: &str) -> (&'static str, &'static str) {
    ImportKind::from_str(code).map_or(("?", "?"), kind_label)
}

#[get("/imports")]
async fn imports_page(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let pool = app.pool.clone();
    let (batches, saved) = web::block(move || -> Result<_, UiError> {
        let mut conn = pool.get().map_err(UiError::internal)?;
        let mut batches: Vec<ImportBatch> = queries::import_batches_recent(&mut conn, 50).map_err(UiError::internal)?;
        let names = super::names::Names::load(&mut conn)?;
        for b in &mut batches {
            names.put_opt(&mut b.imported_by);
        }
        let saved = crate::layouts::saved(&mut conn).map_err(UiError::internal)?;
        Ok((batches, saved))
    })
    .await
    .map_err(UiError::internal)??;
    html(&ImportsPage {
        ctx: viewer.ctx(&app),
        kinds: KINDS
            .iter()
            .map(|k| {
                let (ja, en) = kind_label(*k);
                (k.code(), ja, en)
            })
            .collect(),
        max_mb: MAX_UPLOAD_BYTES / (1024 * 1024),
        max_bytes: MAX_UPLOAD_BYTES,
        layouts: crate::import::layout::Layout::presets()
            .into_iter()
            .filter(|l| l.name != "kinmu")
            .map(|l| {
                (
                    l.name,
                    l.title,
                    l.yields.label().split(" / ").next().unwrap_or_default(),
                )
            })
            .collect(),
        saved: saved.into_iter().map(|s| (s.name, s.title)).collect(),
        batches: batches
            .into_iter()
            .map(|b| {
                let (kind_ja, kind_en) = labels_of(&b.kind);
                BatchLine { b, kind_ja, kind_en }
            })
            .collect(),
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(app_js)
        .service(imports_page)
        .service(
            web::resource("/imports/preview")
                .app_data(multipart::multipart_config())
                .route(web::post().to(preview::upload)),
        )
        .service(preview::preview_page)
        .service(result::commit)
        .service(result::result_page)
        .service(result::rejected_download)
        .service(roster_check::form_page)
        .service(
            web::resource("/roster-check")
                .app_data(multipart::multipart_config())
                .route(web::post().to(roster_check::check)),
        );
    layouts::configure(cfg);
}
