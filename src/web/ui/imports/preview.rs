//! Keeping an upload and showing how it will be read: `POST
//! /imports/preview` checks the role before reading the body, keeps the
//! file in the waiting room ([`crate::ingest::uploads`]) and names its
//! token; `GET /imports/preview/{token}` shows the first records as parsed
//! (formats.md) or why the file cannot be read, and the import's own
//! verdict (`ingest::check`: unknown doctors, overlaps, what would be added
//! or corrected), so the preview never calls fine what the import refuses.

use super::multipart::{TooLarge, Upload};
use super::{expired, labels_of, HR, MAX_UPLOAD_BYTES};
use crate::accounts;
use crate::app::App;
use crate::import::{self, Preview, PreviewKind};
use crate::ingest::uploads::{
    load_meta, path_of, read_fresh, store_dir, sweep, valid_token, write_private, UploadMeta,
};
use crate::ingest::ImportKind;
use crate::web::ui::{html, PageCtx, UiError, Viewer};
use actix_multipart::form::MultipartForm;
use actix_web::http::header;
use actix_web::{get, web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use std::str::FromStr;

/// Records shown in the preview.
const PREVIEW_ROWS: usize = 10;

fn preview_kind(kind: ImportKind) -> PreviewKind {
    match kind {
        ImportKind::Doctors => PreviewKind::Doctors,
        ImportKind::Timecard | ImportKind::Roster => PreviewKind::Shifts,
        ImportKind::Pclog => PreviewKind::Pclog,
        ImportKind::Employers => PreviewKind::Employers,
        ImportKind::Permits => PreviewKind::Permits,
        ImportKind::CompRest => PreviewKind::CompRest,
    }
}

/// The 対象期間 of the form: both dates or neither, timecards only.
fn period_of(form: &Upload, kind: ImportKind) -> Result<Option<(NaiveDate, NaiveDate)>, String> {
    match (form.period_from.as_str(), form.period_to.as_str()) {
        ("", "") => Ok(None),
        _ if kind != ImportKind::Timecard => Err(
            "対象期間はタイムカードの取込にだけ指定できます。 / A period can be given for timecards only.".into(),
        ),
        ("", _) | (_, "") => Err(
            "対象期間は開始日と終了日の両方を入れてください（どちらも空なら、ファイルの日付から決めます）。 / Give both dates of the period, or neither (then the file's dates decide).".into(),
        ),
        (from, to) => crate::ingest::parse_period(from, to).map(Some),
    }
}

/// The 公表日時 of the form: rosters only, not after now (rules §5a.2).
fn published_of(
    form: &Upload,
    kind: ImportKind,
    now: chrono::NaiveDateTime,
) -> Result<Option<chrono::NaiveDateTime>, String> {
    if form.published_at.is_empty() {
        return Ok(None);
    }
    let at = crate::ingest::parse_published_at(&form.published_at)?;
    crate::ingest::check_published_at(kind, Some(at), now)?;
    Ok(Some(at))
}

/// `POST /imports/preview`: keeps the file and answers with the preview's
/// address (a redirect; JSON for the page's script, which shows progress).
pub(super) async fn upload(
    app: web::Data<App>,
    viewer: Viewer,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    // The role is checked before the body is read: others never get to
    // make the server read 50 MB.
    viewer.require(&HR)?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES + 64 * 1024) {
        return Err(TooLarge(viewer.lang).into());
    }
    let MultipartForm(form) = MultipartForm::<Upload>::from_request(&req, &mut payload.into_inner()).await?;
    viewer.check_csrf(&form.csrf)?;
    let kind = ImportKind::from_str(&form.kind).map_err(|e| UiError::BadRequest(viewer.lang, e))?;
    let layout = Some(form.layout.clone()).filter(|l| !l.is_empty());
    let period = period_of(&form, kind).map_err(|m| UiError::BadRequest(viewer.lang, m))?;
    let published_at = published_of(&form, kind, app.now()).map_err(|m| UiError::BadRequest(viewer.lang, m))?;
    let Some(file) = form.file.filter(|f| !f.data.is_empty()) else {
        return Err(UiError::BadRequest(
            viewer.lang,
            "ファイルを選んでください（空のファイルは取り込めません）。 / Choose a file (an empty file cannot be imported).".into(),
        )
        .into());
    };
    // Only the last path segment of the name a browser sends is kept, and
    // only for display and the batch record.
    let file_name = file
        .file_name
        .as_deref()
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .filter(|n| !n.is_empty())
        .unwrap_or("upload.csv")
        .chars()
        .take(200)
        .collect::<String>();
    let token = accounts::random_token();
    let meta = UploadMeta {
        period,
        published_at,
        login: viewer.user.login.clone(),
        kind: kind.code().into(),
        file_name,
        skip_invalid: form.skip_invalid,
        size: file.data.len(),
        layout,
    };
    let (t, pool, lang) = (token.clone(), app.pool.clone(), viewer.lang);
    web::block(move || -> Result<(), UiError> {
        // A layout that does not exist is said before the file is kept.
        let mut conn = pool.get().map_err(UiError::internal)?;
        super::layout_of(&mut conn, meta.layout.as_deref(), lang)?;
        drop(conn);
        let dir = store_dir().map_err(UiError::internal)?;
        sweep(&dir);
        write_private(&path_of(&dir, &t, "bin"), &file.data).map_err(UiError::internal)?;
        let meta = serde_json::to_vec(&meta).map_err(UiError::internal)?;
        write_private(&path_of(&dir, &t, "json"), &meta).map_err(UiError::internal)
    })
    .await
    .map_err(UiError::internal)??;
    let next = if form.then == "map" {
        format!("/imports/layouts/map/{token}")
    } else {
        format!("/imports/preview/{token}")
    };
    let scripted = req
        .headers()
        .get("x-requested-with")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"XMLHttpRequest"));
    Ok(if scripted {
        HttpResponse::Ok().json(serde_json::json!({ "next": next }))
    } else {
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, next))
            .finish()
    })
}

#[derive(Template)]
#[template(path = "imports_preview.html")]
struct PreviewPage {
    ctx: PageCtx,
    token: String,
    kind_ja: &'static str,
    kind_en: &'static str,
    file_name: String,
    size: usize,
    skip_invalid: bool,
    /// The declared 対象期間, if any.
    period: Option<(NaiveDate, NaiveDate)>,
    /// The declared 公表日時 of a roster, if any.
    published_at: Option<chrono::NaiveDateTime>,
    error: Option<String>,
    preview: Option<Preview>,
    /// What importing the file now would do (`ingest::check`): the import's
    /// own verdict, checked against the stored doctors and rows.
    verdict: Option<crate::ingest::ImportReport>,
}

#[get("/imports/preview/{token}")]
pub(super) async fn preview_page(
    app: web::Data<App>,
    viewer: Viewer,
    token: web::Path<String>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let token = token.into_inner();
    if !valid_token(&token) {
        return Err(UiError::NotFound(viewer.lang));
    }
    let (login, lang, t) = (viewer.user.login.clone(), viewer.lang, token.clone());
    let (now, app2) = (app.now(), app.clone());
    let (meta, result, verdict) = web::block(move || -> Result<_, UiError> {
        let dir = store_dir().map_err(UiError::internal)?;
        let meta = load_meta(&dir, &t, &login)
            .map_err(UiError::internal)?
            .ok_or_else(|| expired(lang))?;
        let bytes = read_fresh(&path_of(&dir, &t, "bin"))
            .map_err(UiError::internal)?
            .ok_or_else(|| expired(lang))?;
        let kind = ImportKind::from_str(&meta.kind).map_err(UiError::internal)?;
        let mut conn = app2.pool.get()?;
        let layout = super::layout_of(&mut conn, meta.layout.as_deref(), lang)?;
        // Read through the same layout the import will use.
        let preview = import::layout::preview(layout.as_ref(), preview_kind(kind), &bytes, PREVIEW_ROWS);
        // A readable file is also checked as the import will check it.
        let verdict = match &preview {
            Ok(_) => {
                let req = crate::ingest::ImportRequest {
                    layout: layout.as_ref(),
                    period: meta.period,
                    published_at: meta.published_at,
                    kind,
                    bytes: &bytes,
                    file_name: &meta.file_name,
                    skip_invalid: meta.skip_invalid,
                    actor: Some(&login),
                    now,
                };
                crate::ingest::check(&mut conn, &req).ok()
            }
            Err(_) => None,
        };
        Ok((meta, preview, verdict))
    })
    .await??;
    let (kind_ja, kind_en) = labels_of(&meta.kind);
    let (preview, error) = match result {
        Ok(p) => (Some(p), None),
        Err(e) => (None, Some(e.to_string())),
    };
    html(&PreviewPage {
        ctx: viewer.ctx(&app),
        token,
        kind_ja,
        kind_en,
        file_name: meta.file_name,
        size: meta.size,
        skip_invalid: meta.skip_invalid,
        period: meta.period,
        published_at: meta.published_at,
        error,
        preview,
        verdict,
    })
}
