//! The mapping screen and the hospital's saved layouts (issue 12 §2).
//!
//! HR uploads a file kinmu does not know from `/imports/layouts` (the
//! upload form's `then=map`: the file waits like any upload, bound to the
//! login, for an hour). `/imports/layouts/map/{token}` shows its columns
//! with sample values and a form of what each column means, filled from a
//! preset as a starting point (the one whose headers the file has, or one
//! chosen). "確認" writes the choice as a layout's TOML, checks it as any
//! layout file is checked, and shows the first records read through it —
//! the import's own preview; "保存" saves it under its name
//! (`crate::layouts`) and goes on to the import's preview of the same
//! file with the saved layout. Saved layouts are offered on the upload
//! form, work in intake rules and with `--layout` / `?layout=`, and can be
//! downloaded as TOML and registered from a TOML file another hospital
//! shared. HR and admin only; every POST checks the CSRF token.

use super::{expired, kind_label, layout_of, HR};
use crate::app::App;
use crate::import::layout::{
    self, field_of, first_mapping, Layout, LayoutError, Mapping, PairChoice, Sample, SampleColumn, DAY_OFF,
};
use crate::import::{Preview, PreviewKind};
use crate::ingest::uploads::{load_meta, path_of, read_fresh, store_dir, valid_token, write_private, UploadMeta};
use crate::ingest::ImportKind;
use crate::web::ui::{html, CsrfOnly, PageCtx, UiError, Viewer};
use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::str::FromStr;

/// Records shown in the mapping's preview.
const PREVIEW_ROWS: usize = 10;

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

/// A saved layout as listed.
struct SavedLine {
    name: String,
    title: String,
    reads: &'static str,
    saved_by: String,
    saved_at: String,
}

/// What a layout reads, in Japanese.
fn reads_label(yields: layout::Yields) -> &'static str {
    yields.label().split(" / ").next().unwrap_or_default()
}

#[derive(Template)]
#[template(path = "imports_layouts.html")]
struct LayoutsPage {
    ctx: PageCtx,
    saved: Vec<SavedLine>,
    /// Built-in layouts: (name, title, what they read).
    presets: Vec<(String, String, &'static str)>,
    /// Kinds a mapping is made for: (code, ja, en).
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    /// `saved` or `deleted`: what the last action did.
    done: String,
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

#[get("/imports/layouts")]
async fn layouts_page(app: web::Data<App>, viewer: Viewer, q: web::Query<Done>) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let pool = app.pool.clone();
    let saved = web::block(move || -> Result<_, UiError> {
        let mut conn = pool.get().map_err(UiError::internal)?;
        let mut saved = crate::layouts::saved(&mut conn).map_err(UiError::internal)?;
        let names = super::super::names::Names::load(&mut conn)?;
        for s in &mut saved {
            names.put_opt(&mut s.saved_by);
        }
        Ok(saved)
    })
    .await
    .map_err(UiError::internal)??;
    html(&LayoutsPage {
        ctx: viewer.ctx(&app),
        saved: saved
            .into_iter()
            .map(|s| SavedLine {
                reads: layout::Yields::from_code(&s.yields).map_or("", reads_label),
                name: s.name,
                title: s.title,
                saved_by: s.saved_by.unwrap_or_default(),
                saved_at: s.saved_at.format("%Y-%m-%d %H:%M").to_string(),
            })
            .collect(),
        presets: Layout::presets()
            .into_iter()
            .filter(|l| l.name != "kinmu")
            .map(|l| {
                let reads = reads_label(l.yields);
                (l.name, l.title, reads)
            })
            .collect(),
        kinds: [ImportKind::Timecard, ImportKind::Roster, ImportKind::Pclog]
            .into_iter()
            .map(|k| {
                let (ja, en) = kind_label(k);
                (k.code(), ja, en)
            })
            .collect(),
        done: q.done.clone().unwrap_or_default(),
    })
}

/// `GET /imports/layouts/{name}/toml`: a preset's or a saved layout's file,
/// to keep or share.
#[get("/imports/layouts/{name}/toml")]
async fn download(app: web::Data<App>, viewer: Viewer, name: web::Path<String>) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let (pool, lang) = (app.pool.clone(), viewer.lang);
    let name = name.into_inner();
    let layout = web::block(move || -> Result<_, UiError> {
        let mut conn = pool.get().map_err(UiError::internal)?;
        match crate::layouts::resolve(&mut conn, &name) {
            Ok(l) => Ok(l),
            Err(crate::layouts::Error::Db(e)) => Err(UiError::internal(e)),
            Err(_) => Err(UiError::NotFound(lang)),
        }
    })
    .await
    .map_err(UiError::internal)??;
    let ascii: String = layout
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .content_type("application/toml; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{ascii}.toml\"; filename*=UTF-8''{}.toml",
                // RFC 5987: a '/' in a name is not a file name's.
                crate::web::ui::urlencode(&layout.name.replace('/', "_"))
            ),
        ))
        .body(layout.source))
}

/// `POST /imports/layouts/{name}/delete`: deletes a saved layout.
#[post("/imports/layouts/{name}/delete")]
async fn delete(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    viewer.check_csrf(&form.csrf)?;
    let (pool, lang, login, now) = (app.pool.clone(), viewer.lang, viewer.user.login.clone(), app.now());
    let name = name.into_inner();
    web::block(move || -> Result<_, UiError> {
        let mut conn = pool.get().map_err(UiError::internal)?;
        match crate::layouts::delete(&mut conn, &name, Some(&login), now) {
            Ok(true) => Ok(()),
            Ok(false) => Err(UiError::NotFound(lang)),
            Err(e) => Err(UiError::internal(e)),
        }
    })
    .await
    .map_err(UiError::internal)??;
    Ok(see_other("/imports/layouts?done=deleted"))
}

/// `POST /imports/layouts/register`: saves a layout file (a shared TOML).
pub(super) async fn register(
    app: web::Data<App>,
    viewer: Viewer,
    form: actix_multipart::form::MultipartForm<super::multipart::Upload>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    viewer.check_csrf(&form.csrf)?;
    let lang = viewer.lang;
    let text = match form.file.as_ref().map(|f| std::str::from_utf8(&f.data)) {
        Some(Ok(t)) if !t.trim().is_empty() => t.to_string(),
        Some(Err(_)) => {
            return Err(UiError::BadRequest(
                lang,
                "形式ファイルは UTF-8 のテキスト（TOML）です。 / A layout file is UTF-8 text (TOML).".into(),
            ))
        }
        _ => {
            return Err(UiError::BadRequest(
                lang,
                "形式ファイル（.toml）を選んでください。 / Choose a layout file (.toml).".into(),
            ))
        }
    };
    let (pool, login, now) = (app.pool.clone(), viewer.user.login.clone(), app.now());
    web::block(move || -> Result<_, UiError> {
        let mut conn = pool.get().map_err(UiError::internal)?;
        match crate::layouts::save(&mut conn, &text, Some(&login), now) {
            Ok(_) => Ok(()),
            Err(crate::layouts::Error::Db(e)) => Err(UiError::internal(e)),
            Err(crate::layouts::Error::Layout(e)) => Err(UiError::BadRequest(lang, e.to_string())),
        }
    })
    .await
    .map_err(UiError::internal)??;
    Ok(see_other("/imports/layouts?done=saved"))
}

/// One row of a value map on the form: the value and what it means.
struct ValueRow {
    value: String,
    meaning: String,
}

#[derive(Template)]
#[template(path = "imports_layout_map.html")]
struct MapPage {
    ctx: PageCtx,
    token: String,
    file_name: String,
    kind_ja: &'static str,
    kind_en: &'static str,
    sample: Option<Sample>,
    m: Mapping,
    /// The title of the layout the form was filled from.
    started_from: Option<String>,
    /// Layouts to start from: (name, title).
    starts: Vec<(String, String)>,
    /// Problems: (form field, reason `日本語 / English`).
    errors: Vec<(&'static str, String)>,
    toml: Option<String>,
    preview: Option<Preview>,
}

/// Kinds a kind map offers: (code, Japanese).
const KIND_CHOICES: [(&str, &str); 6] = [
    ("work", "勤務"),
    ("duty", "宿日直（許可なし）"),
    ("duty_permitted", "宿日直（許可あり）"),
    ("self_study", "自己研鑽"),
    ("external", "副業・兼業"),
    (DAY_OFF, "休み（打刻がなければ行にしない）"),
];

/// Punch types a punch map offers: (code, Japanese).
const PUNCH_CHOICES: [(&str, &str); 4] = [
    ("in", "出勤"),
    ("out", "退勤"),
    ("break_start", "休憩開始"),
    ("break_end", "休憩終了"),
];

/// Break units offered: (code, Japanese).
const BREAK_UNITS: [(&str, &str); 4] = [
    ("minutes", "分（75）"),
    ("h:mm", "時:分（1:15）"),
    ("hours_decimal", "10進の時間（1.25 = 1時間15分）"),
    ("hours_sexagesimal", "60進の時間（1.15 = 1時間15分）"),
];

impl MapPage {
    fn columns(&self) -> &[SampleColumn] {
        self.sample.as_ref().map_or(&[], |s| &s.columns)
    }

    /// The errors of a form field.
    fn errors_of(&self, field: &str) -> Vec<String> {
        self.errors
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, r)| self.ctx.said(r))
            .collect()
    }

    /// The pair rows shown: the chosen ones and blank ones to add.
    fn rows(chosen: &[PairChoice], at_least: usize) -> Vec<PairChoice> {
        let mut rows = chosen.to_vec();
        let n = (chosen.len() + 1).max(at_least);
        rows.resize(n, PairChoice::default());
        rows
    }

    fn pair_rows(&self) -> Vec<PairChoice> {
        Self::rows(&self.m.pairs, 3)
    }

    fn break_rows(&self) -> Vec<PairChoice> {
        Self::rows(&self.m.break_pairs, 2)
    }

    /// Map rows: those chosen, then the column's other values in the file
    /// (unmapped), then two blank ones to add.
    fn value_rows(&self, chosen: &[(String, String)], col: Option<usize>) -> Vec<ValueRow> {
        let mut rows: Vec<ValueRow> = layout::value_rows(chosen, col, self.columns())
            .into_iter()
            .map(|(value, meaning)| ValueRow { value, meaning })
            .collect();
        for _ in 0..2 {
            rows.push(ValueRow {
                value: String::new(),
                meaning: String::new(),
            });
        }
        rows
    }

    fn kind_rows(&self) -> Vec<ValueRow> {
        self.value_rows(&self.m.kind_values, self.m.kind_column)
    }

    fn punch_rows(&self) -> Vec<ValueRow> {
        self.value_rows(&self.m.punch_values, self.m.punch_type)
    }

    fn kind_choices(&self) -> &'static [(&'static str, &'static str)] {
        &KIND_CHOICES
    }

    fn punch_choices(&self) -> &'static [(&'static str, &'static str)] {
        &PUNCH_CHOICES
    }

    fn break_units(&self) -> &'static [(&'static str, &'static str)] {
        &BREAK_UNITS
    }
}

/// The upload a mapping is made for, and its bytes.
fn load_upload(token: &str, login: &str, lang: crate::web::ui::Lang) -> Result<(UploadMeta, Vec<u8>), UiError> {
    let dir = store_dir().map_err(UiError::internal)?;
    let meta = load_meta(&dir, token, login)
        .map_err(UiError::internal)?
        .ok_or_else(|| expired(lang))?;
    let bytes = read_fresh(&path_of(&dir, token, "bin"))
        .map_err(UiError::internal)?
        .ok_or_else(|| expired(lang))?;
    Ok((meta, bytes))
}

/// Whether an upload's kind is read as PC sessions; doctors lists have no
/// mapping.
fn sessions_of(meta: &UploadMeta, lang: crate::web::ui::Lang) -> Result<bool, UiError> {
    match ImportKind::from_str(&meta.kind) {
        Ok(ImportKind::Pclog) => Ok(true),
        Ok(ImportKind::Timecard | ImportKind::Roster) => Ok(false),
        _ => Err(UiError::BadRequest(
            lang,
            "医師一覧は kinmu の標準形式で取り込みます（列の対応付けはありません）。 / A doctors list is read in kinmu's own columns; it has no mapping.".into(),
        )),
    }
}

/// Layouts to start from for a mapping of sessions or shifts.
fn starts(sessions: bool, saved: Vec<crate::db::models::SavedLayout>) -> Vec<(String, String)> {
    let wanted = if sessions { "pc_sessions" } else { "shifts" };
    Layout::presets()
        .into_iter()
        .filter(|l| l.yields.code() == wanted)
        .map(|l| (l.name, l.title))
        .chain(
            saved
                .into_iter()
                .filter(|s| s.yields == wanted)
                .map(|s| (s.name, s.title)),
        )
        .collect()
}

#[derive(Deserialize)]
struct StartFrom {
    from: Option<String>,
}

/// `GET /imports/layouts/map/{token}`: the file's columns and the form,
/// filled from `?from=` (a layout's name), the layout chosen on upload, or
/// the preset whose headers the file has.
#[get("/imports/layouts/map/{token}")]
async fn map_page(
    app: web::Data<App>,
    viewer: Viewer,
    token: web::Path<String>,
    q: web::Query<StartFrom>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let token = token.into_inner();
    if !valid_token(&token) {
        return Err(UiError::NotFound(viewer.lang));
    }
    let (login, lang, t, pool) = (viewer.user.login.clone(), viewer.lang, token.clone(), app.pool.clone());
    let from = q.from.clone().filter(|s| !s.is_empty());
    let page = web::block(move || -> Result<_, UiError> {
        let (meta, bytes) = load_upload(&t, &login, lang)?;
        let sessions = sessions_of(&meta, lang)?;
        let mut conn = pool.get().map_err(UiError::internal)?;
        let start = layout_of(&mut conn, from.as_deref().or(meta.layout.as_deref()), lang)?;
        let saved = crate::layouts::saved(&mut conn).map_err(UiError::internal)?;
        let (m, sample, errors, started_from) = match first_mapping(start, &bytes, sessions) {
            Ok((m, sample, start)) => (m, Some(sample), Vec::new(), start.map(|l| l.title)),
            Err(e) => (Mapping::default(), None, vec![("file", e.to_string())], None),
        };
        Ok((meta, m, sample, errors, started_from, starts(sessions, saved)))
    })
    .await
    .map_err(UiError::internal)??;
    let (meta, m, sample, errors, started_from, starts) = page;
    let (kind_ja, kind_en) = super::labels_of(&meta.kind);
    html(&MapPage {
        ctx: viewer.ctx(&app),
        token,
        file_name: meta.file_name,
        kind_ja,
        kind_en,
        sample,
        m,
        started_from,
        starts,
        errors,
        toml: None,
        preview: None,
    })
}

/// What a submitted mapping came to: saved (on to the import's preview), or
/// the page shown again (checked, or refused) with what it needs.
enum Submitted {
    Saved,
    Shown(Box<Shown>),
}

/// The mapping page shown again after a submission.
struct Shown {
    meta: UploadMeta,
    m: Mapping,
    sample: Option<Sample>,
    errors: Vec<(&'static str, String)>,
    toml: Option<String>,
    preview: Option<Preview>,
    starts: Vec<(String, String)>,
}

/// `POST /imports/layouts/map/{token}`: `action=preview` writes the layout
/// and shows what it reads; `action=save` also saves it and goes on to the
/// import's preview of the file with it.
#[post("/imports/layouts/map/{token}")]
async fn map_submit(
    app: web::Data<App>,
    viewer: Viewer,
    token: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let fields = form.into_inner();
    let field = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    viewer.check_csrf(&field("csrf"))?;
    let token = token.into_inner();
    if !valid_token(&token) {
        return Err(UiError::NotFound(viewer.lang));
    }
    let save = field("action") == "save";
    let (login, lang, t, pool, now) = (
        viewer.user.login.clone(),
        viewer.lang,
        token.clone(),
        app.pool.clone(),
        app.now(),
    );
    let m = Mapping::from_form(&fields);
    let outcome = web::block(move || -> Result<_, UiError> {
        let (mut meta, bytes) = load_upload(&t, &login, lang)?;
        sessions_of(&meta, lang)?;
        let mut conn = pool.get().map_err(UiError::internal)?;
        let saved = crate::layouts::saved(&mut conn).map_err(UiError::internal)?;
        let mut errors: Vec<(&'static str, String)> = Vec::new();
        let sample = match layout::sample(&bytes, &m.encoding, m.header, m.skip_lines) {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push(("file", e.to_string()));
                None
            }
        };
        let toml = sample.as_ref().and_then(|s| match m.to_toml(&s.columns) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push((e.field, e.reason));
                None
            }
        });
        let checked = toml.as_deref().and_then(|t| match Layout::from_toml(t) {
            Ok(l) => Some(l),
            Err(LayoutError::Key { key, reason }) => {
                errors.push((field_of(&key), reason));
                None
            }
            Err(e) => {
                errors.push(("layout", e.to_string()));
                None
            }
        });
        let kind = if m.sessions {
            PreviewKind::Pclog
        } else {
            PreviewKind::Shifts
        };
        let preview = checked
            .as_ref()
            .and_then(|l| match layout::preview(Some(l), kind, &bytes, PREVIEW_ROWS) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.push(("file", e.to_string()));
                    None
                }
            });
        if save && errors.is_empty() {
            if let Some(text) = &toml {
                match crate::layouts::save(&mut conn, text, Some(&login), now) {
                    Ok(s) => {
                        // The file waits on, to be imported with the saved
                        // layout.
                        meta.layout = Some(s.layout.name);
                        meta.kind = match (m.sessions, meta.kind.as_str()) {
                            (true, _) => ImportKind::Pclog.code().into(),
                            (false, "pclog") => ImportKind::Timecard.code().into(),
                            (false, k) => k.to_string(),
                        };
                        let dir = store_dir().map_err(UiError::internal)?;
                        let json = serde_json::to_vec(&meta).map_err(UiError::internal)?;
                        write_private(&path_of(&dir, &t, "json"), &json).map_err(UiError::internal)?;
                        return Ok(Submitted::Saved);
                    }
                    Err(crate::layouts::Error::Db(e)) => return Err(UiError::internal(e)),
                    Err(crate::layouts::Error::Layout(e)) => errors.push(("name", e.to_string())),
                }
            }
        }
        let sessions = m.sessions;
        Ok(Submitted::Shown(Box::new(Shown {
            meta,
            m,
            sample,
            errors,
            toml,
            preview,
            starts: starts(sessions, saved),
        })))
    })
    .await
    .map_err(UiError::internal)??;
    let Shown {
        meta,
        m,
        sample,
        errors,
        toml,
        preview,
        starts,
    } = match outcome {
        Submitted::Saved => return Ok(see_other(&format!("/imports/preview/{token}"))),
        Submitted::Shown(page) => *page,
    };
    let (kind_ja, kind_en) = super::labels_of(&meta.kind);
    html(&MapPage {
        ctx: viewer.ctx(&app),
        token,
        file_name: meta.file_name,
        kind_ja,
        kind_en,
        sample,
        m,
        started_from: None,
        starts,
        errors,
        toml,
        preview,
    })
    .map(|mut r| {
        if !save || !r.status().is_success() {
            return r;
        }
        // A save that failed is a refused request.
        *r.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
        r
    })
}

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(layouts_page)
        .service(
            web::resource("/imports/layouts/register")
                .app_data(super::multipart::multipart_config())
                .route(web::post().to(register)),
        )
        .service(download)
        .service(delete)
        .service(map_page)
        .service(map_submit);
}
