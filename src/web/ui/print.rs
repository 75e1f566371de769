//! The inspector's print pack (立入検査, rules §12): one click for the
//! documents the prefecture's inspectors ask for about 医師の働き方改革, as an
//! A4 print layout, an .xlsx workbook and CSV files.
//!
//! | route | what |
//! |---|---|
//! | `GET /print` | the index: fiscal year and period, a link to each part |
//! | `GET /print/pack?fy=&from=&to=` | every part as one A4 HTML document (print stylesheet) |
//! | `GET /print/pack.xlsx?…` | the same parts, one sheet each |
//! | `GET /print/{part}.csv?…` | one part as CSV (UTF-8 with BOM, Japanese header row) |
//! | `GET /print/records?month=&staff_id=` | (ア)'s raw records of a month (of one doctor), an attachment |
//! | `GET /print/records.csv?…`, `/print/records.xlsx?…` | the same as CSV and .xlsx |
//!
//! The printed pack opens with its contents (each part numbered 「第N部」:
//! Chromium cannot print a page number of another page, `target-counter`,
//! so the parts are numbered and every page carries 「page / pages」),
//! then the summary parts, then the 意見書 pages; (ア)'s daily raw records
//! are not printed in it but named as attachments per month and per
//! doctor, given on request (a month of 300 doctors is hundreds of pages).
//!
//! The parts, in the pack's order (and their CSV names): `over100` the list of
//! doctors with a month ≥ 100 h in the twelve months ending `to`;
//! `checklist` 「病院立入検査重点項目」 of fiscal year `fy`; `staffing` the
//! reference week's 員数; `a`〜`e` the five documents (ア)〜(オ) of the period
//! `from`–`to`; `permits` and `permits_outside` 「宿日直許可と宿日直の実績」
//! of the period (rules §13).
//!
//! Admin and managers only. The admin's pack covers every doctor without
//! health data (pre-checks, check items and opinions are shown as recorded
//! or not); a manager's covers their doctors with it — the access rule of
//! the doctor page and the API. All three forms, and the API's
//! `GET /api/v1/inspection`, are built from the same tables
//! (`report::pack`), so they hold the same content; this file only routes,
//! loads and renders.

use super::{html, PageCtx, UiError, Viewer};
use crate::app::App;
use crate::domain::time::wareki;
use crate::policy::Who;
use crate::report::inspection::{date_both, fiscal_year_ja, last_12_months, month_both, Scope};
use crate::report::opinion::{opinion_pages, OpinionPage};
use crate::report::pack::{
    self, tables, to_csv, workbook, Pack, PackError, PackQuery, Params, RecordsAttachment, RecordsParams, RecordsQuery,
    Table, Want, PARTS, PRINT_ORDER, RAW_PARTS,
};
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

const PRINT_CSS: &str = include_str!("../../../static/print.css");

#[get("/static/print.css")]
async fn print_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(PRINT_CSS)
}

/// The viewer as the access policy asks about them.
fn who(viewer: &Viewer) -> Who<'_> {
    Who::of(viewer.role, &viewer.user)
}

/// Admin, HR and managers only (`crate::policy::print_pack`); anyone else 403.
fn allowed(viewer: &Viewer) -> Result<(), UiError> {
    if pack::may_print(who(viewer)) {
        Ok(())
    } else {
        Err(UiError::Forbidden(viewer.lang))
    }
}

/// A bad value is a Japanese 400 page, not the API's JSON error.
fn read_params(q: &PackQuery, viewer: &Viewer, app: &App) -> Result<Params, UiError> {
    Params::read(q, app.settings.today())
        .map_err(|pack::BadParams(m)| UiError::BadRequest(viewer.lang, super::in_lang(viewer.lang, &m)))
}

/// The pack `viewer` may print, loaded on the blocking pool.
async fn load(app: &web::Data<App>, viewer: &Viewer, params: Params, want: Want) -> Result<Pack, UiError> {
    let ctx = pack::Context::new(&app.settings, app.now());
    let (pool, role, user, lang) = (app.pool.clone(), viewer.role, viewer.user.clone(), viewer.lang);
    web::block(move || {
        let mut conn = pool.get()?;
        pack::load(&mut conn, &ctx, Who::of(role, &user), params, want).map_err(|e| match e {
            PackError::NotAllowed => UiError::Forbidden(lang),
            PackError::Report(e) => UiError::internal(e),
        })
    })
    .await?
}

// ---------------------------------------------------------------------------
// Pages.
// ---------------------------------------------------------------------------

/// A part as the index lists it.
struct PartLink {
    key: &'static str,
    title: &'static str,
    what: &'static str,
}

#[derive(Template)]
#[template(path = "print_index.html")]
struct IndexPage {
    ctx: PageCtx,
    fy: i32,
    fy_ja: String,
    from: NaiveDate,
    to: NaiveDate,
    week: NaiveDate,
    query: String,
    parts: Vec<PartLink>,
    whole_hospital: bool,
}

/// A part of the printed pack, numbered (「第N部」).
struct PrintedPart {
    number: usize,
    table: Table,
}

/// An entry of the pack's contents.
struct TocEntry {
    number: usize,
    /// The anchor of the part in the pack.
    anchor: &'static str,
    title: String,
    /// 「12 件」, or what the entry is (attachments).
    count: String,
}

/// One month's attachment of raw records, as the pack names it.
struct MonthAttachment {
    month: String,
    month_ja: String,
    query: String,
}

#[derive(Template)]
#[template(path = "print_pack.html")]
struct PackPage {
    hospital: String,
    fy_ja: String,
    fy: i32,
    period: String,
    list_months: String,
    generated_ja: String,
    generated_iso: String,
    scope: String,
    health: bool,
    query: String,
    toc: Vec<TocEntry>,
    /// The summary parts, in print order.
    parts: Vec<PrintedPart>,
    /// The per-doctor 意見書 pages.
    opinions: Vec<OpinionPage>,
    /// Their part's number, when there are any.
    opinions_number: usize,
    /// The raw records' part (its title and notes; no rows).
    raw: PrintedPart,
    attachments: Vec<MonthAttachment>,
}

fn what_of(key: &str) -> &'static str {
    match key {
        "over100" => "年月・氏名・時間外・休日労働時間と、面接指導（実施日・実施医師・事前確認・意見）、就業上の措置、155時間超の措置",
        "checklist" => "労働時間の把握方法、記録の3年保管、毎月の確認、4〜6月の100時間以上見込み医師数、面接指導の確認事項、実施医師の講習受講日、措置と記録の保管",
        "staffing" => "基準週（7日間）の医師ごとの通常の勤務・当直の時間と、非常勤・外勤受入の医師の常勤換算、その合計（立入検査要綱の端数処理）",
        "a" => "医師ごと・日ごとのタイムカード（修正の版と理由を含む）とPCのログオン・ログオフ、乖離の確認結果（資料本体には綴じない別添：月ごと・医師ごとに出力し、求めに応じて提出）",
        "b" => "医師ごと・月ごとの勤務日数、総労働時間、時間外・休日労働、自己研鑽、副業・兼業、宿日直（許可）",
        "c" => "面接指導の対象となった医師、理由、100時間到達（見込）日、期限、実施医師、実施日、状況",
        "d" => "面接指導の実施日・実施医師、事前確認（ア〜オ）、確認事項（ア〜エ）、意見、記録と保管期限",
        "permits" => "宿日直許可の許可番号・許可年月日・宿直／日直・対象診療科・時間帯・曜日・取消日と、対象期間の各月に許可ごとの宿直・日直の回数、うち労働のあった回数",
        "permits_outside" => "宿日直許可として記録された勤務のうち、どの許可の範囲にも当たらない時間（労働時間として計算）の医師ごと・月ごとの一覧",
        "e" => "面接指導後の就業上の措置と155時間超（見込みを含む）の措置：講じた措置、記録者、記録日時、保管期限",
        "rest" => "休息が不足した勤務ごとの予定・実績の区分、始業、適用した規則、必要な休息と最長の休息、不足時間、内容",
        "comp_rest" => "代償休息の種類・発生日時・理由・時間・期限と、期限内・期限後に付与した時間、未付与の時間、状況",
        _ => "",
    }
}

#[get("/print")]
async fn print_index(app: web::Data<App>, viewer: Viewer, q: web::Query<PackQuery>) -> Result<HttpResponse, UiError> {
    allowed(&viewer)?;
    let p = read_params(&q, &viewer, &app)?;
    html(&IndexPage {
        ctx: viewer.ctx(&app),
        fy: p.fiscal_year,
        fy_ja: fiscal_year_ja(p.fiscal_year),
        from: p.from,
        to: p.to,
        week: p.week,
        query: p.query(),
        parts: PARTS
            .iter()
            .map(|(key, title)| PartLink {
                key,
                title,
                what: what_of(key),
            })
            .collect(),
        whole_hospital: Scope::of(who(&viewer)).is_some_and(|s| s.whole_hospital()),
    })
}

#[get("/print/pack")]
async fn pack_page(app: web::Data<App>, viewer: Viewer, q: web::Query<PackQuery>) -> Result<HttpResponse, UiError> {
    allowed(&viewer)?;
    let params = read_params(&q, &viewer, &app)?;
    let pack = load(&app, &viewer, params, Want::SUMMARY).await?;
    let without_health = crate::policy::pack_carries_opinions(who(&viewer), app.settings.administrator_sees_opinions);
    let opinions = match pack.documents.clone() {
        Some(documents) => {
            crate::web::blocking(&app, move |conn| {
                opinion_pages(conn, &documents, without_health).map_err(UiError::internal)
            })
            .await?
        }
        None => Vec::new(),
    };
    let list_to = app.settings.rules.calendar.month_of(params.to.min(pack.today));
    let months = last_12_months(list_to);
    let scope = match (pack.scope.manager_login(), pack.scope.physician_login()) {
        (Some(_), _) => format!("所属長 {} の担当医師", viewer.ctx(&app).display_name),
        (None, Some(_)) => format!("面接指導実施医師 {} の面接指導対象医師", viewer.ctx(&app).display_name),
        (None, None) => "病院全体（全医師）".to_string(),
    };
    let (parts, raw) = printed_parts(tables(&pack));
    let opinions_number = parts.len() + 1;
    let raw = PrintedPart {
        number: if opinions.is_empty() {
            parts.len() + 1
        } else {
            parts.len() + 2
        },
        ..raw
    };
    let mut toc: Vec<TocEntry> = parts
        .iter()
        .map(|p| TocEntry {
            number: p.number,
            anchor: p.table.key,
            title: p.table.title.clone(),
            count: format!("{} 件", p.table.rows.len()),
        })
        .collect();
    if !opinions.is_empty() {
        toc.push(TocEntry {
            number: opinions_number,
            anchor: "opinions",
            title: "面接指導結果及び意見書（医師別）".into(),
            count: format!("{} 件", opinions.len()),
        });
    }
    toc.push(TocEntry {
        number: raw.number,
        anchor: raw.table.key,
        title: raw.table.title.clone(),
        count: "別添（求めに応じて提出）".into(),
    });
    let attachments = crate::report::inspection::months_between(app.settings.rules.calendar, params.from, params.to)
        .into_iter()
        .map(|m| MonthAttachment {
            month: m.to_string(),
            month_ja: crate::report::inspection::month_ja(m),
            query: format!("month={m}"),
        })
        .collect();
    html(&PackPage {
        fy_ja: fiscal_year_ja(params.fiscal_year),
        fy: params.fiscal_year,
        period: format!("{} 〜 {}", date_both(params.from), date_both(params.to)),
        list_months: format!(
            "{} 〜 {}",
            months.first().map(|m| month_both(*m)).unwrap_or_default(),
            months.last().map(|m| month_both(*m)).unwrap_or_default()
        ),
        generated_ja: format!("{} {}", wareki(pack.generated.date()), pack.generated.format("%H:%M")),
        generated_iso: pack.generated.format("%Y-%m-%d %H:%M").to_string(),
        scope,
        health: pack.scope.health(),
        query: params.query(),
        toc,
        parts,
        opinions,
        opinions_number,
        raw,
        attachments,
        hospital: pack.hospital,
    })
}

/// The summary parts in print order, numbered from 1, and the raw records'
/// part (numbered by the caller, after the 意見書 pages).
fn printed_parts(all: Vec<Table>) -> (Vec<PrintedPart>, PrintedPart) {
    let mut by_key: std::collections::HashMap<&str, Table> = all.into_iter().map(|t| (t.key, t)).collect();
    let parts: Vec<PrintedPart> = PRINT_ORDER
        .iter()
        .filter_map(|k| by_key.remove(k))
        .enumerate()
        .map(|(i, table)| PrintedPart { number: i + 1, table })
        .collect();
    let raw = RAW_PARTS
        .iter()
        .find_map(|k| by_key.remove(k))
        .unwrap_or_else(|| Table {
            key: "a",
            sheet: "",
            title: PARTS
                .iter()
                .find(|(k, _)| RAW_PARTS.contains(k))
                .map(|(_, t)| t.to_string())
                .unwrap_or_default(),
            notes: Vec::new(),
            columns: Vec::new(),
            groups: Vec::new(),
            rows: Vec::new(),
            keys: Vec::new(),
        });
    (parts, PrintedPart { number: 0, table: raw })
}

pub(super) fn attachment(content_type: &str, file_name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

#[get("/print/pack.xlsx")]
async fn pack_xlsx(app: web::Data<App>, viewer: Viewer, q: web::Query<PackQuery>) -> Result<HttpResponse, UiError> {
    allowed(&viewer)?;
    let params = read_params(&q, &viewer, &app)?;
    let pack = load(&app, &viewer, params, Want::ALL).await?;
    let tables = tables(&pack);
    let (hospital, generated) = (pack.hospital.clone(), pack.generated.date());
    let bytes =
        web::block(move || workbook(&tables, &hospital, generated).and_then(|mut wb| wb.save_to_buffer())).await??;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("kinmu-inspection-{}.xlsx", params.file_stem()),
        bytes,
    ))
}

#[get("/print/{part}.csv")]
async fn part_csv(
    app: web::Data<App>,
    viewer: Viewer,
    part: web::Path<String>,
    q: web::Query<PackQuery>,
) -> Result<HttpResponse, UiError> {
    allowed(&viewer)?;
    let part = part.into_inner();
    let Some((key, _)) = PARTS.iter().find(|(k, _)| *k == part) else {
        return Err(UiError::NotFound(viewer.lang));
    };
    let params = read_params(&q, &viewer, &app)?;
    let pack = load(&app, &viewer, params, Want::of(key)).await?;
    let table = tables(&pack)
        .into_iter()
        .find(|t| t.key == *key)
        .ok_or(UiError::NotFound(viewer.lang))?;
    let bytes = to_csv(&table)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("kinmu-inspection-{key}-{}.csv", params.file_stem()),
        bytes,
    ))
}

// ---------------------------------------------------------------------------
// The raw records' attachments.
// ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "print_records.html")]
struct RecordsPage {
    hospital: String,
    title: String,
    month_ja: String,
    period: String,
    scope: String,
    generated_ja: String,
    generated_iso: String,
    query: String,
    table: Table,
}

/// The attachment `viewer` may print, loaded on the blocking pool: 400 for
/// a bad month, 404 for a doctor out of their scope.
async fn load_records(
    app: &web::Data<App>,
    viewer: &Viewer,
    q: &RecordsQuery,
) -> Result<(RecordsAttachment, String), UiError> {
    allowed(viewer)?;
    let ctx = pack::Context::new(&app.settings, app.now());
    let params = RecordsParams::read(q, &ctx)
        .map_err(|pack::BadParams(m)| UiError::BadRequest(viewer.lang, super::in_lang(viewer.lang, &m)))?;
    let query = match &params.staff_id {
        Some(s) => format!("month={}&staff_id={}", params.month_code(), super::urlencode(s)),
        None => format!("month={}", params.month_code()),
    };
    let (pool, role, user, lang) = (app.pool.clone(), viewer.role, viewer.user.clone(), viewer.lang);
    let loaded = web::block(move || {
        let mut conn = pool.get()?;
        pack::load_records(&mut conn, &ctx, Who::of(role, &user), params).map_err(|e| match e {
            pack::RecordsError::NoSuchDoctor => UiError::NotFound(lang),
            pack::RecordsError::Pack(PackError::NotAllowed) => UiError::Forbidden(lang),
            pack::RecordsError::Pack(PackError::Report(e)) => UiError::internal(e),
        })
    })
    .await??;
    Ok((loaded, query))
}

#[get("/print/records")]
async fn records_page(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<RecordsQuery>,
) -> Result<HttpResponse, UiError> {
    let (r, query) = load_records(&app, &viewer, &q).await?;
    let month_ja = crate::report::inspection::month_ja(r.params.month);
    let scope = match (&r.doctor, r.scope.manager_login(), r.scope.physician_login()) {
        (Some(name), _, _) => format!("{name}（職員番号 {}）", r.params.staff_id.clone().unwrap_or_default()),
        (None, Some(_), _) => format!("所属長 {} の担当医師", viewer.ctx(&app).display_name),
        (None, None, Some(_)) => format!("面接指導実施医師 {} の面接指導対象医師", viewer.ctx(&app).display_name),
        (None, None, None) => "病院全体（全医師）".to_string(),
    };
    html(&RecordsPage {
        title: r.table.title.clone(),
        month_ja,
        period: format!("{} 〜 {}", date_both(r.from), date_both(r.to)),
        scope,
        generated_ja: format!("{} {}", wareki(r.generated.date()), r.generated.format("%H:%M")),
        generated_iso: r.generated.format("%Y-%m-%d %H:%M").to_string(),
        query,
        table: r.table,
        hospital: r.hospital,
    })
}

#[get("/print/records.csv")]
async fn records_csv(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<RecordsQuery>,
) -> Result<HttpResponse, UiError> {
    let (r, _) = load_records(&app, &viewer, &q).await?;
    let bytes = to_csv(&r.table)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("kinmu-inspection-records-{}.csv", r.params.file_stem()),
        bytes,
    ))
}

#[get("/print/records.xlsx")]
async fn records_xlsx(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<RecordsQuery>,
) -> Result<HttpResponse, UiError> {
    let (r, _) = load_records(&app, &viewer, &q).await?;
    let stem = r.params.file_stem();
    let (hospital, generated, table) = (r.hospital, r.generated.date(), r.table);
    let bytes =
        web::block(move || workbook(&[table], &hospital, generated).and_then(|mut wb| wb.save_to_buffer())).await??;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("kinmu-inspection-records-{stem}.xlsx"),
        bytes,
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    // The attachments before `/print/{part}.csv`, which would take
    // `records.csv` for a part's name.
    cfg.service(print_css)
        .service(print_index)
        .service(pack_page)
        .service(pack_xlsx)
        .service(records_page)
        .service(records_csv)
        .service(records_xlsx)
        .service(part_csv);
}

#[cfg(test)]
mod tests {
    use super::what_of;
    use crate::report::pack::PARTS;

    /// The contents page describes every part, each in its own words.
    #[test]
    fn every_part_has_its_own_description() {
        let mut seen = std::collections::HashSet::new();
        for (key, _) in PARTS {
            let what = what_of(key);
            assert!(!what.is_empty(), "{key}");
            assert!(seen.insert(what), "{key} repeats another part's description");
        }
    }
}
