//! Importing a kept upload and showing the outcome: `POST /imports/commit`
//! runs `ingest::run` (all or nothing unless `skip_invalid`), keeps the
//! outcome and deletes the upload (post/redirect/get, so a reload does not
//! import twice); the result page lists every rejected row, also as CSV.

use super::{expired, labels_of, HR};
use crate::app::App;
use crate::ingest::uploads::{
    load_meta, load_outcome, path_of, read_fresh, remove_quietly, store_dir, valid_token, write_private, Outcome,
    ReasonLine, Rejected,
};
use crate::ingest::{self, ImportError, ImportKind, ImportRequest};
use crate::web::ui::{html, PageCtx, UiError, Viewer};
use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;
use std::str::FromStr;

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
pub(super) async fn commit(
    app: web::Data<App>,
    viewer: Viewer,
    form: web::Form<CommitForm>,
) -> Result<HttpResponse, UiError> {
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
        let Some(meta) = load_meta(&dir, &t, &login).map_err(UiError::internal)? else {
            // Already imported (a second click): the result is there.
            return match load_outcome(&dir, &t, &login).map_err(UiError::internal)? {
                Some(_) => Ok(()),
                None => Err(expired(lang)),
            };
        };
        let bytes = read_fresh(&path_of(&dir, &t, "bin"))
            .map_err(UiError::internal)?
            .ok_or_else(|| expired(lang))?;
        let kind = ImportKind::from_str(&meta.kind).map_err(UiError::internal)?;
        let mut conn = pool.get().map_err(UiError::internal)?;
        let layout = super::layout_of(&mut conn, meta.layout.as_deref(), lang)?;
        let run = ingest::run(
            &mut conn,
            &ImportRequest {
                layout: layout.as_ref(),
                period: meta.period,
                published_at: meta.published_at,
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
            superseded: 0,
            unchanged: 0,
            committed: false,
            batch_id: None,
            ignored_columns: Vec::new(),
            rejected: Vec::new(),
            rejected_total: 0,
            rejected_rows: 0,
            reasons: Vec::new(),
            file_error: None,
            period: meta.period,
            published_at: meta.published_at,
        };
        match run {
            Ok(r) => {
                outcome.encoding = r.encoding.into();
                outcome.inserted = r.inserted;
                outcome.corrected = r.corrected;
                outcome.superseded = r.superseded;
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
            Err(e @ ImportError::Request(_)) => outcome.file_error = Some(e.to_string()),
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
        load_outcome(&dir, &token, &login)
            .map_err(UiError::internal)?
            .ok_or(UiError::NotFound(lang))
    })
    .await
    .map_err(UiError::internal)?
}

#[get("/imports/result/{token}")]
pub(super) async fn result_page(
    app: web::Data<App>,
    viewer: Viewer,
    token: web::Path<String>,
) -> Result<HttpResponse, UiError> {
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
pub(super) async fn rejected_download(viewer: Viewer, token: web::Path<String>) -> Result<HttpResponse, UiError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
