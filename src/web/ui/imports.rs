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

use super::{html, PageCtx, UiError, Viewer};
use crate::accounts::{self, Role};
use crate::app::App;
use crate::db::models::ImportBatch;
use crate::db::queries;
use crate::import::{self, Preview, PreviewKind};
use crate::ingest::{self, ImportError, ImportKind, ImportRequest};
use actix_multipart::form::bytes::Bytes as FieldBytes;
use actix_multipart::form::{FieldReader, Limits, MultipartCollect, MultipartForm, MultipartFormConfig, State};
use actix_multipart::{Field, MultipartError};
use actix_web::error::PayloadError;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use askama::Template;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

pub use crate::ingest::MAX_UPLOAD_BYTES;
/// How long an upload or a result is kept.
const KEEP: Duration = Duration::from_secs(3600);
/// Records shown in the preview.
const PREVIEW_ROWS: usize = 10;
const HR: [Role; 2] = [Role::Admin, Role::Hr];

const APP_JS: &str = include_str!("../../../static/app.js");

#[get("/static/app.js")]
async fn app_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(APP_JS)
}

/// The kinds of file, in the order the form offers them.
const KINDS: [ImportKind; 4] = [
    ImportKind::Timecard,
    ImportKind::Pclog,
    ImportKind::Roster,
    ImportKind::Doctors,
];

fn kind_label(kind: ImportKind) -> (&'static str, &'static str) {
    match kind {
        ImportKind::Doctors => ("医師一覧", "Doctors"),
        ImportKind::Timecard => ("タイムカード", "Timecard"),
        ImportKind::Roster => ("勤務予定", "Roster"),
        ImportKind::Pclog => ("PCログ", "PC log"),
    }
}

fn preview_kind(kind: ImportKind) -> PreviewKind {
    match kind {
        ImportKind::Doctors => PreviewKind::Doctors,
        ImportKind::Timecard | ImportKind::Roster => PreviewKind::Shifts,
        ImportKind::Pclog => PreviewKind::Pclog,
    }
}

// ---------------------------------------------------------------------------
// The waiting room: uploads between preview and import, and results.

/// What is kept with an upload.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UploadMeta {
    login: String,
    kind: String,
    file_name: String,
    skip_invalid: bool,
    size: usize,
}

/// A rejected row as kept with a result.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Rejected {
    line: usize,
    column: Option<String>,
    reason: String,
}

/// Problems of one kind of reason, as kept with a result.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ReasonLine {
    column: Option<String>,
    reason: String,
    count: usize,
    first_line: usize,
}

/// The outcome of an import, kept for the result page and the CSV.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Outcome {
    login: String,
    kind: String,
    file_name: String,
    skip_invalid: bool,
    encoding: String,
    inserted: usize,
    corrected: usize,
    unchanged: usize,
    committed: bool,
    batch_id: Option<i64>,
    ignored_columns: Vec<String>,
    /// The first problems (`ingest::ImportReport::rejected`: at most
    /// `import::MAX_LISTED`).
    rejected: Vec<Rejected>,
    /// Every problem found, listed or not (0 in results kept before it was).
    #[serde(default)]
    rejected_total: usize,
    #[serde(default)]
    rejected_rows: usize,
    #[serde(default)]
    reasons: Vec<ReasonLine>,
    /// Why the file could not be read at all (nothing was written).
    file_error: Option<String>,
}

impl Outcome {
    /// Every problem found.
    fn total(&self) -> usize {
        self.rejected_total.max(self.rejected.len())
    }

    /// Problems found but not listed.
    fn omitted(&self) -> usize {
        self.total() - self.rejected.len()
    }
}

/// The private directory of uploads (0700 on Unix: the files hold staff
/// working times).
fn store_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join("kinmu-uploads");
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(&dir)?;
    // The directory may have been made before (by us, or — in a shared
    // temporary directory — by someone else): it must be a real directory
    // that only this user can enter. Changing its mode fails unless we own it.
    let meta = std::fs::symlink_metadata(&dir)?;
    if !meta.is_dir() {
        return Err(std::io::Error::other(format!("{} is not a directory", dir.display())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o777 != 0o700 {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(dir)
}

/// Whether a client-given token can name a stored file: exactly what
/// `accounts::random_token` makes, so never a path.
fn valid_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn path_of(dir: &Path, token: &str, ext: &str) -> PathBuf {
    dir.join(format!("{token}.{ext}"))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

/// Reads a kept file if it exists and is not older than [`KEEP`].
fn read_fresh(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let modified = match std::fs::metadata(path) {
        Ok(m) => m.modified()?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if SystemTime::now().duration_since(modified).unwrap_or_default() > KEEP {
        return Ok(None);
    }
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn remove_quietly(path: &Path) {
    if let Err(e) = std::fs::remove_file(path) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(path = %path.display(), error = %e, "could not remove an upload");
        }
    }
}

/// Deletes kept files older than [`KEEP`] (only files this module names).
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name
            .to_str()
            .and_then(|n| n.split_once('.'))
            .is_some_and(|(token, ext)| valid_token(token) && matches!(ext, "bin" | "json" | "result.json"));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| SystemTime::now().duration_since(t).unwrap_or_default() > KEEP);
        if ours && old {
            remove_quietly(&entry.path());
        }
    }
}

fn load_meta(dir: &Path, token: &str, login: &str) -> Result<Option<UploadMeta>, UiError> {
    let Some(raw) = read_fresh(&path_of(dir, token, "json")).map_err(UiError::internal)? else {
        return Ok(None);
    };
    let meta: UploadMeta = serde_json::from_slice(&raw).map_err(UiError::internal)?;
    // Another user's token is treated as unknown, not as forbidden: it
    // must not even confirm that the upload exists.
    Ok((meta.login == login).then_some(meta))
}

fn load_outcome(dir: &Path, token: &str, login: &str) -> Result<Option<Outcome>, UiError> {
    let Some(raw) = read_fresh(&path_of(dir, token, "result.json")).map_err(UiError::internal)? else {
        return Ok(None);
    };
    let outcome: Outcome = serde_json::from_slice(&raw).map_err(UiError::internal)?;
    Ok((outcome.login == login).then_some(outcome))
}

/// The message of an upload that is gone.
fn expired(lang: super::Lang) -> UiError {
    UiError::BadRequest(
        lang,
        "アップロードが見つかりません（1時間で削除されます）。もう一度ファイルを選んでください。 / The upload is gone (uploads are kept for an hour); please choose the file again.".into(),
    )
}

// ---------------------------------------------------------------------------
// The upload form (multipart).

/// The fields of the upload form.
struct Upload {
    csrf: String,
    kind: String,
    skip_invalid: bool,
    file: Option<FieldBytes>,
}

/// The form's text fields are small; only `file` may be large.
const TEXT_FIELD_LIMIT: usize = 1024;

fn text_of(state: &mut State, name: &str) -> String {
    state
        .remove(name)
        .and_then(|b| b.downcast::<FieldBytes>().ok())
        .map(|b| String::from_utf8_lossy(&b.data).trim().to_string())
        .unwrap_or_default()
}

impl MultipartCollect for Upload {
    fn limit(field_name: &str) -> Option<usize> {
        Some(if field_name == "file" {
            MAX_UPLOAD_BYTES
        } else {
            TEXT_FIELD_LIMIT
        })
    }

    fn handle_field<'t>(
        req: &'t HttpRequest,
        field: Field,
        limits: &'t mut Limits,
        state: &'t mut State,
    ) -> Pin<Box<dyn Future<Output = Result<(), MultipartError>> + 't>> {
        Box::pin(async move {
            let name = field.name().unwrap_or_default().to_string();
            // Every field is read to its end (unknown ones too) so the
            // limits count all of the body; the first of a name wins.
            let value = FieldBytes::read_field(req, field, limits).await?;
            if matches!(name.as_str(), "csrf" | "kind" | "skip_invalid" | "file") && !state.contains_key(&name) {
                state.insert(name, Box::new(value));
            }
            Ok(())
        })
    }

    fn from_state(mut state: State) -> Result<Self, MultipartError> {
        Ok(Upload {
            csrf: text_of(&mut state, "csrf"),
            kind: text_of(&mut state, "kind"),
            skip_invalid: !text_of(&mut state, "skip_invalid").is_empty(),
            file: state
                .remove("file")
                .and_then(|b| b.downcast::<FieldBytes>().ok())
                .map(|b| *b),
        })
    }
}

fn too_large_message() -> String {
    format!(
        "ファイルが大きすぎます（上限 {} MB）。期間を分けて取り込んでください。 / The file is too large (limit {} MB); split it by period.",
        MAX_UPLOAD_BYTES / (1024 * 1024),
        MAX_UPLOAD_BYTES / (1024 * 1024)
    )
}

/// An upload over the limit: the error page with 413.
#[derive(Debug)]
struct TooLarge(super::Lang);

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&too_large_message())
    }
}

impl ResponseError for TooLarge {
    fn status_code(&self) -> StatusCode {
        StatusCode::PAYLOAD_TOO_LARGE
    }
    fn error_response(&self) -> HttpResponse {
        let mut resp = UiError::BadRequest(self.0, too_large_message()).error_response();
        *resp.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        resp
    }
}

/// How a broken upload is answered (the multipart reader's errors are
/// English and technical).
fn multipart_error(err: MultipartError, req: &HttpRequest) -> actix_web::Error {
    let lang = super::Lang::of(req);
    if matches!(err, MultipartError::Payload(PayloadError::Overflow)) {
        return TooLarge(lang).into();
    }
    tracing::info!(error = %err, "unreadable upload");
    UiError::BadRequest(
        lang,
        format!("アップロードを読み取れませんでした。もう一度お試しください。 / The upload could not be read ({err})."),
    )
    .into()
}

fn multipart_config() -> MultipartFormConfig {
    // Memory and total limits: the file plus its small text fields.
    let total = MAX_UPLOAD_BYTES + 16 * TEXT_FIELD_LIMIT;
    MultipartFormConfig::default()
        .total_limit(total)
        .memory_limit(total)
        .error_handler(multipart_error)
}

/// `POST /imports/preview`: keeps the file and answers with the preview's
/// address (a redirect; JSON for the page's script, which shows progress).
async fn upload(viewer: Viewer, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, actix_web::Error> {
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
        login: viewer.user.login.clone(),
        kind: kind.code().into(),
        file_name,
        skip_invalid: form.skip_invalid,
        size: file.data.len(),
    };
    let t = token.clone();
    web::block(move || -> Result<(), UiError> {
        let dir = store_dir().map_err(UiError::internal)?;
        sweep(&dir);
        write_private(&path_of(&dir, &t, "bin"), &file.data).map_err(UiError::internal)?;
        let meta = serde_json::to_vec(&meta).map_err(UiError::internal)?;
        write_private(&path_of(&dir, &t, "json"), &meta).map_err(UiError::internal)
    })
    .await
    .map_err(UiError::internal)??;
    let next = format!("/imports/preview/{token}");
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

// ---------------------------------------------------------------------------
// Pages.

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
    batches: Vec<BatchLine>,
}

fn labels_of(code: &str) -> (&'static str, &'static str) {
    ImportKind::from_str(code).map_or(("?", "?"), kind_label)
}

#[get("/imports")]
async fn imports_page(app: web::Data<App>, viewer: Viewer) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let pool = app.pool.clone();
    let batches = web::block(move || -> Result<Vec<ImportBatch>, UiError> {
        let mut conn = pool.get().map_err(UiError::internal)?;
        queries::import_batches_recent(&mut conn, 50).map_err(UiError::internal)
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
        batches: batches
            .into_iter()
            .map(|b| {
                let (kind_ja, kind_en) = labels_of(&b.kind);
                BatchLine { b, kind_ja, kind_en }
            })
            .collect(),
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
    error: Option<String>,
    preview: Option<Preview>,
}

#[get("/imports/preview/{token}")]
async fn preview_page(app: web::Data<App>, viewer: Viewer, token: web::Path<String>) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let token = token.into_inner();
    if !valid_token(&token) {
        return Err(UiError::NotFound(viewer.lang));
    }
    let (login, lang, t) = (viewer.user.login.clone(), viewer.lang, token.clone());
    let (meta, result) = web::block(move || -> Result<_, UiError> {
        let dir = store_dir().map_err(UiError::internal)?;
        let meta = load_meta(&dir, &t, &login)?.ok_or_else(|| expired(lang))?;
        let bytes = read_fresh(&path_of(&dir, &t, "bin"))
            .map_err(UiError::internal)?
            .ok_or_else(|| expired(lang))?;
        let kind = ImportKind::from_str(&meta.kind).map_err(UiError::internal)?;
        Ok((meta, import::preview(preview_kind(kind), &bytes, PREVIEW_ROWS)))
    })
    .await
    .map_err(UiError::internal)??;
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
        error,
        preview,
    })
}

/// Fields default so that a missing CSRF token is a 403, not a bare 400.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CommitForm {
    csrf: String,
    token: String,
    skip_invalid: Option<String>,
}

/// `POST /imports/commit`: imports the kept file, keeps the outcome and
/// shows it (post/redirect/get, so a reload does not import twice).
#[post("/imports/commit")]
async fn commit(app: web::Data<App>, viewer: Viewer, form: web::Form<CommitForm>) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    viewer.check_csrf(&form.csrf)?;
    let token = form.token.clone();
    if !valid_token(&token) {
        return Err(UiError::NotFound(viewer.lang));
    }
    let skip_invalid = form.skip_invalid.is_some();
    let (login, lang, t) = (viewer.user.login.clone(), viewer.lang, token.clone());
    let now = app.now();
    let pool = app.pool.clone();
    web::block(move || -> Result<(), UiError> {
        let dir = store_dir().map_err(UiError::internal)?;
        let Some(meta) = load_meta(&dir, &t, &login)? else {
            // Already imported (a second click): the result is there.
            return match load_outcome(&dir, &t, &login)? {
                Some(_) => Ok(()),
                None => Err(expired(lang)),
            };
        };
        let bytes = read_fresh(&path_of(&dir, &t, "bin"))
            .map_err(UiError::internal)?
            .ok_or_else(|| expired(lang))?;
        let kind = ImportKind::from_str(&meta.kind).map_err(UiError::internal)?;
        let mut conn = pool.get().map_err(UiError::internal)?;
        let run = ingest::run(
            &mut conn,
            &ImportRequest {
                kind,
                bytes: &bytes,
                file_name: &meta.file_name,
                skip_invalid,
                actor: Some(&login),
                now,
            },
        );
        let mut outcome = Outcome {
            login: login.clone(),
            kind: meta.kind.clone(),
            file_name: meta.file_name.clone(),
            skip_invalid,
            encoding: String::new(),
            inserted: 0,
            corrected: 0,
            unchanged: 0,
            committed: false,
            batch_id: None,
            ignored_columns: Vec::new(),
            rejected: Vec::new(),
            rejected_total: 0,
            rejected_rows: 0,
            reasons: Vec::new(),
            file_error: None,
        };
        match run {
            Ok(r) => {
                outcome.encoding = r.encoding.into();
                outcome.inserted = r.inserted;
                outcome.corrected = r.corrected;
                outcome.unchanged = r.unchanged;
                outcome.committed = r.committed;
                outcome.batch_id = r.batch_id;
                outcome.ignored_columns = r.ignored_columns;
                if r.ignored_columns_omitted > 0 {
                    outcome.ignored_columns.push(format!(
                        "…（ほか{}列） / ({} more)",
                        r.ignored_columns_omitted, r.ignored_columns_omitted
                    ));
                }
                outcome.rejected_total = r.rejected_total;
                outcome.rejected_rows = r.rejected_rows;
                outcome.reasons = r
                    .rejected_reasons
                    .into_iter()
                    .map(|g| ReasonLine {
                        column: g.column,
                        reason: g.reason,
                        count: g.count,
                        first_line: g.first_line,
                    })
                    .collect();
                outcome.rejected = r
                    .rejected
                    .into_iter()
                    .map(|e| Rejected {
                        line: e.line,
                        column: e.column,
                        reason: e.reason,
                    })
                    .collect();
            }
            Err(ImportError::File(e)) => outcome.file_error = Some(e.to_string()),
            Err(e) => return Err(UiError::internal(e)),
        }
        let kept = serde_json::to_vec(&outcome).map_err(UiError::internal)?;
        write_private(&path_of(&dir, &t, "result.json"), &kept).map_err(UiError::internal)?;
        // The upload is spent: a reload or a second click cannot import it
        // again, and the bytes do not linger.
        remove_quietly(&path_of(&dir, &t, "bin"));
        remove_quietly(&path_of(&dir, &t, "json"));
        Ok(())
    })
    .await
    .map_err(UiError::internal)??;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/imports/result/{token}")))
        .finish())
}

#[derive(Template)]
#[template(path = "imports_result.html")]
struct ResultPage {
    ctx: PageCtx,
    token: String,
    kind_ja: &'static str,
    kind_en: &'static str,
    o: Outcome,
}

async fn outcome_of(viewer: &Viewer, token: String) -> Result<Outcome, UiError> {
    if !valid_token(&token) {
        return Err(UiError::NotFound(viewer.lang));
    }
    let (login, lang) = (viewer.user.login.clone(), viewer.lang);
    web::block(move || -> Result<Outcome, UiError> {
        let dir = store_dir().map_err(UiError::internal)?;
        load_outcome(&dir, &token, &login)?.ok_or(UiError::NotFound(lang))
    })
    .await
    .map_err(UiError::internal)?
}

#[get("/imports/result/{token}")]
async fn result_page(app: web::Data<App>, viewer: Viewer, token: web::Path<String>) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let token = token.into_inner();
    let o = outcome_of(&viewer, token.clone()).await?;
    let (kind_ja, kind_en) = labels_of(&o.kind);
    let mut resp = html(&ResultPage {
        ctx: viewer.ctx(&app),
        token,
        kind_ja,
        kind_en,
        o,
    })?;
    // A result is personal and short-lived: not for shared caches.
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// The rejected rows as CSV: UTF-8 with a BOM, so that Excel on a Japanese
/// Windows opens it without garbling. The problems listed (at most
/// `import::MAX_LISTED`), then, when some were not, a last line saying how
/// many.
fn rejected_csv(rows: &[Rejected], omitted: usize) -> Result<Vec<u8>, csv::Error> {
    let more = (omitted > 0).then(|| {
        vec![
            String::new(),
            String::new(),
            format!(
                "ほか{omitted}件は省略しました（先頭{}件のみ。理由ごとの件数は結果の画面にあります） / {omitted} more not listed (the first {} only; counts by reason are on the result page)",
                rows.len(),
                rows.len()
            ),
        ]
    });
    crate::export::spreadsheet_csv(
        &["行", "列", "理由"],
        rows.iter()
            .map(|r| {
                vec![
                    r.line.to_string(),
                    r.column.clone().unwrap_or_default(),
                    r.reason.clone(),
                ]
            })
            .chain(more),
    )
}

#[get("/imports/result/{token}/rejected.csv")]
async fn rejected_download(viewer: Viewer, token: web::Path<String>) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let o = outcome_of(&viewer, token.into_inner()).await?;
    let body = rejected_csv(&o.rejected, o.omitted()).map_err(UiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"rejected-{}.csv\"", o.kind),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(app_js)
        .service(imports_page)
        .service(
            web::resource("/imports/preview")
                .app_data(multipart_config())
                .route(web::post().to(upload)),
        )
        .service(preview_page)
        .service(commit)
        .service(result_page)
        .service(rejected_download);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_as_made_can_name_a_file() {
        assert!(valid_token(&accounts::random_token()));
        assert!(!valid_token("../../etc/passwd"));
        assert!(
            !valid_token(&"A".repeat(64)),
            "upper case is not what random_token makes"
        );
        assert!(!valid_token(&format!("{}/", "a".repeat(63))));
        assert!(!valid_token(""));
    }

    #[test]
    fn the_rejected_csv_starts_with_a_bom_and_quotes_reasons() {
        let csv = rejected_csv(
            &[Rejected {
                line: 3,
                column: Some("退勤".into()),
                reason: "読めません, \"25:99\"".into(),
            }],
            0,
        )
        .unwrap();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        assert_eq!(text, "行,列,理由\n3,退勤,\"読めません, \"\"25:99\"\"\"\n");
    }
}
