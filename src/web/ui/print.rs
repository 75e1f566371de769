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
//!
//! The parts, in the pack's order (and their CSV names): `over100` the list of
//! doctors with a month ≥ 100 h in the twelve months ending `to`;
//! `checklist` 「病院立入検査重点項目」 of fiscal year `fy`; `a`〜`e` the five
//! documents (ア)〜(オ) of the period `from`–`to`.
//!
//! Admin and managers only. The admin's pack covers every doctor without
//! health data (pre-checks, check items and opinions are shown as recorded
//! or not); a manager's covers their doctors with it — the access rule of
//! the doctor page and the API. All three forms are built from the same
//! [`Table`]s, so they hold the same content.

use super::{html, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::domain::time::{format_hm, YearMonth};
use crate::monitor::mails::wareki;
use crate::report::inspection::{
    self as insp, date_both, fiscal_year_ja, interview_reason_ja, measure_reason_ja, month_both, status_ja, Checklist,
    Documents, InterviewRecord, MeasureRecord, Over100Line, PreCheckRecord, Scope,
};
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use serde::Deserialize;

const PRINT_CSS: &str = include_str!("../../../static/print.css");

/// The longest period of the documents (ア)〜(オ): a year.
const MAX_PERIOD_DAYS: i64 = 366;

/// The parts of the pack, in order: (CSV name, title of the index).
pub const PARTS: [(&str, &str); 7] = [
    (
        "over100",
        "時間外・休日労働が月100時間以上となった医師の一覧（直近12か月）",
    ),
    ("checklist", "病院立入検査重点項目「医師の働き方改革」点検表"),
    ("a", "（ア）医師の勤務状況がわかる書類（タイムカード、PCの利用状況）"),
    ("b", "（イ）労働時間が把握できる書類（勤務日、勤務時間）"),
    ("c", "（ウ）面接指導対象医師の一覧表"),
    ("d", "（エ）長時間労働医師面接指導結果及び意見書"),
    ("e", "（オ）労働時間短縮のために必要な措置の内容の記録"),
];

#[get("/static/print.css")]
async fn print_css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(PRINT_CSS)
}

// ---------------------------------------------------------------------------
// Query and scope.
// ---------------------------------------------------------------------------

/// The pack's parameters as given (all optional; read by hand so that a bad
/// value is a Japanese 400 page, not the API's JSON error).
#[derive(Debug, Deserialize)]
pub(crate) struct PackQuery {
    fy: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The pack's parameters, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Params {
    pub(crate) fiscal_year: i32,
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
}

impl Params {
    /// Defaults: this fiscal year, and the previous calendar month (the last
    /// closed month) as the period.
    pub(crate) fn read(q: &PackQuery, viewer: &Viewer, today: NaiveDate) -> Result<Params, UiError> {
        let bad = |what: &str, v: &str| UiError::BadRequest(viewer.lang, format!("{what}: {v}"));
        let last_month = YearMonth::of(today).previous();
        let fiscal_year = match q.fy.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => s
                .parse::<i32>()
                .ok()
                .filter(|y| (2019..=2100).contains(y))
                .ok_or_else(|| bad("fy（年度: 2019〜）", s))?,
            None => insp::fiscal_year_of(today),
        };
        let date = |v: Option<&str>, default: NaiveDate, what: &str| -> Result<NaiveDate, UiError> {
            match v.map(str::trim).filter(|s| !s.is_empty()) {
                // Within the dates a person may enter (domain::input).
                Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .filter(|d| (crate::domain::input::EARLIEST..=crate::domain::input::LATEST).contains(d))
                    .ok_or_else(|| bad(what, s)),
                None => Ok(default),
            }
        };
        let from = date(
            q.from.as_deref(),
            last_month.first_day(),
            "from（YYYY-MM-DD、2000-01-01〜2099-12-31）",
        )?;
        let to = date(
            q.to.as_deref(),
            last_month.last_day(),
            "to（YYYY-MM-DD、2000-01-01〜2099-12-31）",
        )?;
        if to < from {
            return Err(bad("期間 / period", &format!("{from} – {to}")));
        }
        if (to - from).num_days() >= MAX_PERIOD_DAYS {
            return Err(bad("期間は1年以内 / at most a year", &format!("{from} – {to}")));
        }
        Ok(Params { fiscal_year, from, to })
    }

    fn query(&self) -> String {
        format!("fy={}&from={}&to={}", self.fiscal_year, self.from, self.to)
    }

    /// For file names: `2024-06-01_2024-06-30`.
    fn file_stem(&self) -> String {
        format!("fy{}-{}_{}", self.fiscal_year, self.from, self.to)
    }
}

/// Who the pack is for, by the access policy (`crate::policy::print_pack`):
/// admin the whole hospital without health data, a manager their doctors
/// with it; anyone else none (403).
fn scope_of(viewer: &Viewer) -> Result<Scope, UiError> {
    Scope::of(viewer.role, &viewer.user).ok_or(UiError::Forbidden(viewer.lang))
}

pub(crate) fn allowed(viewer: &Viewer) -> Result<(), UiError> {
    scope_of(viewer).map(|_| ())
}

// ---------------------------------------------------------------------------
// Loading.
// ---------------------------------------------------------------------------

/// Which parts to compute.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want {
    over100: bool,
    checklist: bool,
    documents: bool,
}

impl Want {
    pub(crate) const ALL: Want = Want {
        over100: true,
        checklist: true,
        documents: true,
    };

    fn of(part: &str) -> Want {
        Want {
            over100: part == "over100",
            checklist: part == "checklist",
            documents: !matches!(part, "over100" | "checklist"),
        }
    }
}

/// Everything the pack shows.
pub(crate) struct Pack {
    want: Want,
    params: Params,
    pub(crate) scope: Scope,
    hospital: String,
    today: NaiveDate,
    generated: NaiveDateTime,
    over100: Vec<Over100Line>,
    checklist: Option<Checklist>,
    documents: Option<Documents>,
}

pub(crate) async fn load(app: &web::Data<App>, viewer: &Viewer, params: Params, want: Want) -> Result<Pack, UiError> {
    let scope = scope_of(viewer)?;
    let rules = app.settings.rules.clone();
    let today = app.settings.today();
    let pool = app.pool.clone();
    let s = scope.clone();
    let (over100, checklist, documents) = web::block(move || {
        let mut conn = pool.get().map_err(UiError::internal)?;
        let over100 = if want.over100 {
            // The twelve months ending with the period, never past this month.
            let to = YearMonth::of(params.to.min(today));
            insp::over_100_list(&mut conn, &rules, to, today, &s).map_err(UiError::internal)?
        } else {
            Vec::new()
        };
        let checklist = if want.checklist {
            Some(insp::checklist(&mut conn, &rules, params.fiscal_year, today, &s).map_err(UiError::internal)?)
        } else {
            None
        };
        let documents = if want.documents {
            Some(insp::documents(&mut conn, &rules, params.from, params.to, today, &s).map_err(UiError::internal)?)
        } else {
            None
        };
        Ok::<_, UiError>((over100, checklist, documents))
    })
    .await
    .map_err(UiError::internal)??;
    Ok(Pack {
        want,
        params,
        scope,
        hospital: app.settings.hospital_name.clone(),
        today,
        generated: app.now(),
        over100,
        checklist,
        documents,
    })
}

// ---------------------------------------------------------------------------
// Tables: the one content of the HTML, .xlsx and CSV forms.
// ---------------------------------------------------------------------------

/// A column of a part.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: &'static str,
    /// The label inside a printed cell that groups several columns.
    pub label: &'static str,
    /// Width in characters (the .xlsx column width).
    pub width: f64,
    /// Right-aligned; written as a number in .xlsx when it is one.
    pub numeric: bool,
}

/// Columns printed together in one cell of the A4 layout, so that a part
/// fits portrait A4 without clipping; the .xlsx and CSV keep them apart.
#[derive(Debug, Clone)]
pub struct Group {
    pub header: String,
    pub columns: Vec<usize>,
    /// Lines are `label: value` (and empty values are left out).
    pub labelled: bool,
    /// Share of the page width, in percent.
    pub percent: u32,
}

/// One part of the pack.
#[derive(Debug, Clone)]
pub struct Table {
    /// The CSV name (`over100`, `checklist`, `a`…`e`).
    pub key: &'static str,
    /// The sheet name (≤ 31 characters, none of `[]:*?/\`).
    pub sheet: &'static str,
    pub title: String,
    pub notes: Vec<String>,
    pub columns: Vec<Column>,
    pub groups: Vec<Group>,
    pub rows: Vec<Vec<String>>,
    /// A stable key of each row (`data-row` in the HTML, for tests and scripts).
    pub keys: Vec<String>,
}

fn col(header: &'static str, width: f64) -> Column {
    Column {
        header,
        label: header,
        width,
        numeric: false,
    }
}

fn num(header: &'static str, width: f64) -> Column {
    Column {
        numeric: true,
        ..col(header, width)
    }
}

fn labelled(header: &'static str, label: &'static str, width: f64) -> Column {
    Column {
        label,
        ..col(header, width)
    }
}

fn group(header: &str, columns: &[usize], percent: u32) -> Group {
    Group {
        header: header.to_string(),
        columns: columns.to_vec(),
        labelled: false,
        percent,
    }
}

fn group_labelled(header: &str, columns: &[usize], percent: u32) -> Group {
    Group {
        labelled: true,
        ..group(header, columns, percent)
    }
}

/// Adds the 和暦 of the month in column 0 (`2024-06`) as column 1, printed
/// under it: the month stays machine-readable in the .xlsx and CSV.
fn add_wareki_month(mut t: Table) -> Table {
    let header = if t.columns.first().is_some_and(|c| c.header == "対象月") {
        "対象月（和暦）"
    } else {
        "年月（和暦）"
    };
    t.columns.insert(1, col(header, 13.0));
    for g in &mut t.groups {
        for i in &mut g.columns {
            if *i >= 1 {
                *i += 1;
            }
        }
        if let Some(at) = g.columns.iter().position(|&i| i == 0) {
            g.columns.insert(at + 1, 1);
        }
    }
    for row in &mut t.rows {
        let ja = row
            .first()
            .and_then(|m| YearMonth::parse(m))
            .map(insp::month_ja)
            .unwrap_or_default();
        row.insert(1.min(row.len()), ja);
    }
    t
}

/// A printed cell.
pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

/// A printed row.
pub struct PrintRow {
    pub key: String,
    pub cells: Vec<Cell>,
}

impl Table {
    /// The rows as printed: the grouped columns of each row.
    pub fn print_rows(&self) -> Vec<PrintRow> {
        self.rows
            .iter()
            .zip(self.keys.iter())
            .map(|(row, key)| PrintRow {
                key: key.clone(),
                cells: self
                    .groups
                    .iter()
                    .map(|g| {
                        let parts: Vec<String> = g
                            .columns
                            .iter()
                            .filter_map(|&i| {
                                let v = row.get(i).map(String::as_str).unwrap_or_default();
                                let c = self.columns.get(i)?;
                                match (g.labelled, v.is_empty()) {
                                    (_, true) => None,
                                    (true, false) => Some(format!("{}: {v}", c.label)),
                                    (false, false) => Some(v.to_string()),
                                }
                            })
                            .collect();
                        Cell {
                            text: parts.join("\n"),
                            numeric: g
                                .columns
                                .iter()
                                .all(|&i| self.columns.get(i).is_some_and(|c| c.numeric)),
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

fn datetime(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn weekday_ja(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

/// A span of time on its start's day: `08:00–22:00`, `22:00–翌08:30`, or
/// with the end's date when it is later still.
fn span(start: NaiveDateTime, end: NaiveDateTime) -> String {
    let days = (end.date() - start.date()).num_days();
    let end_text = match days {
        0 => end.format("%H:%M").to_string(),
        1 => format!("翌{}", end.format("%H:%M")),
        _ => end.format("%m/%d %H:%M").to_string(),
    };
    format!("{}–{end_text}", start.format("%H:%M"))
}

const WITHHELD: &str = "記録あり（健康情報のため省略）";

fn recorded(yes: bool) -> &'static str {
    if yes {
        "記録あり"
    } else {
        "未記録"
    }
}

fn physician(i: &InterviewRecord) -> String {
    i.physician
        .as_ref()
        .map(|p| format!("{}（{}）", p.name, p.login))
        .unwrap_or_else(|| "未定".into())
}

/// The pre-check as one cell of the list.
fn precheck_text(p: Option<&PreCheckRecord>) -> String {
    let Some(p) = p else {
        return "なし".into();
    };
    let head = format!(
        "{} 記録（{}）",
        datetime(p.recorded_at),
        p.recorded_by.as_deref().unwrap_or("—")
    );
    match &p.facts {
        Some(f) => format!(
            "{head}\nア 勤務: {}\nイ 睡眠: 平均 {}/日\nウ 疲労: 自覚症状 {}・疲労蓄積度 {}\nエ 心身: {}\nオ 面接指導の希望: {}",
            f.work_status,
            format_hm(i64::from(f.sleep_average_minutes)),
            f.fatigue_symptom,
            f.fatigue_score,
            f.mental_physical,
            if f.doctor_requests_interview != 0 {
                "あり"
            } else {
                "なし"
            }
        ),
        None => format!("{head}\n{WITHHELD}"),
    }
}

fn measures_text(ms: &[MeasureRecord], none: &str) -> String {
    if ms.is_empty() {
        return none.to_string();
    }
    ms.iter()
        .map(|m| match m.recorded_at {
            Some(at) => format!("{}（{} 記録）", m.taken_ja(), date(at.date())),
            None => "未記録".to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const HEALTH_NOTE: &str = "健康情報（事前確認・確認事項・意見の内容）は、医師本人・所属長・面接指導実施医師のみが閲覧できるため、この出力では記録の有無のみを示します。内容は所属長の出力に含まれます。";

fn over100_table(pack: &Pack) -> Table {
    let columns = vec![
        col("年月", 8.0),
        col("基準日", 11.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("水準", 6.0),
        num("時間外・休日労働時間", 10.0),
        num("時間外・休日労働（分）", 10.0),
        col("155時間超", 9.0),
        col("面接指導の状況", 12.0),
        col("面接指導期限", 11.0),
        col("面接指導実施日", 11.0),
        col("面接指導実施医師", 16.0),
        col("事前確認", 36.0),
        col("意見", 36.0),
        col("就業上の措置", 28.0),
        col("155時間超の措置", 28.0),
    ];
    let groups = vec![
        group("年月\n基準日", &[0, 1], 11),
        group("職員番号\n氏名", &[2, 3], 10),
        group("診療科\n水準", &[4, 5], 8),
        group("時間外・休日労働", &[6, 8], 8),
        group("面接指導\n実施日／医師", &[11, 12], 11),
        group("期限\n状況", &[10, 9], 9),
        group("事前確認", &[13], 13),
        group("意見", &[14], 11),
        group("就業上の措置", &[15], 10),
        group("155時間超の措置", &[16], 9),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for l in &pack.over100 {
        let i = l.interview.as_ref();
        let opinion = match i {
            None => "—".to_string(),
            Some(i) if i.held_on.is_none() => "—（面接指導前）".to_string(),
            Some(i) if !i.opinion_recorded => "未記録".to_string(),
            Some(i) => match &i.health {
                Some(h) => h.opinion.clone(),
                None => WITHHELD.to_string(),
            },
        };
        let held = i.is_some_and(|i| i.held_on.is_some());
        rows.push(vec![
            l.month.to_string(),
            date(l.as_of),
            l.staff_id.clone(),
            l.name.clone(),
            l.department.clone().unwrap_or_default(),
            l.level.clone(),
            format_hm(l.minutes),
            l.minutes.to_string(),
            if l.over_155 {
                "155時間超".into()
            } else {
                String::new()
            },
            i.map(|i| status_ja(i.status).to_string())
                .unwrap_or_else(|| "面接指導の記録なし".into()),
            i.map(|i| date(i.deadline)).unwrap_or_default(),
            i.and_then(|i| i.held_on).map(date).unwrap_or_default(),
            i.map(physician).unwrap_or_default(),
            precheck_text(l.precheck.as_ref()),
            opinion,
            measures_text(&l.measures, if held { "措置の記録なし" } else { "—" }),
            if l.over_155 || !l.over_155_measures.is_empty() {
                measures_text(&l.over_155_measures, "措置の記録なし")
            } else {
                "—".into()
            },
        ]);
        keys.push(format!("{} {} {}", l.month, l.staff_id, l.minutes));
    }
    let mut notes = vec![
        "時間外・休日労働時間は月次報告と同じ規則による集計です（締まった月は月末時点、当月は本日時点）。".to_string(),
    ];
    if !pack.scope.health() {
        notes.push(HEALTH_NOTE.into());
    }
    Table {
        key: "over100",
        sheet: "一覧（100時間以上）",
        title: PARTS[0].1.to_string(),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}

fn checklist_table(pack: &Pack) -> Table {
    let columns = vec![
        col("番号", 7.0),
        col("項目", 60.0),
        col("確認", 6.0),
        col("記入内容", 50.0),
        col("根拠（kinmu の記録）", 50.0),
    ];
    let groups = vec![
        group("番号", &[0], 6),
        group("項目", &[1], 35),
        group("確認", &[2], 5),
        group("記入内容", &[3], 30),
        group("根拠（kinmu の記録）", &[4], 24),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    let mut notes = Vec::new();
    if let Some(c) = &pack.checklist {
        for (n, r) in c.rows().into_iter().enumerate() {
            keys.push(format!("{} {n}", r.number));
            rows.push(vec![
                r.number.to_string(),
                r.item,
                r.mark.to_string(),
                r.answer,
                r.basis,
            ]);
        }
        notes.push(format!(
            "{}（{}年4月〜{}年3月）、{}。☑ 記録で確認できる　□ 記録で確認できない　— 該当なし・数値",
            fiscal_year_ja(c.fiscal_year),
            c.fiscal_year,
            c.fiscal_year + 1,
            if c.whole_hospital {
                "病院全体"
            } else {
                "所属長の担当医師のみ"
            }
        ));
    }
    let fy = pack
        .checklist
        .as_ref()
        .map(|c| c.fiscal_year)
        .unwrap_or(pack.params.fiscal_year);
    Table {
        key: "checklist",
        sheet: "点検表",
        title: format!("{} 病院立入検査重点項目「医師の働き方改革」点検表", fiscal_year_ja(fy)),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}

fn period_note(d: &Documents) -> String {
    format!("対象期間: {} 〜 {}", date_both(d.from), date_both(d.to))
}

fn work_status_table(d: &Documents) -> Table {
    let columns = vec![
        col("日付", 15.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("タイムカード（区分 始業–終業 休憩）", 40.0),
        col("PC使用（ログオン–ログオフ 端末）", 40.0),
        col("乖離の確認（PC使用と打刻の差）", 30.0),
    ];
    let groups = vec![
        group("日付", &[0], 12),
        group("職員番号\n氏名", &[1, 2], 12),
        group("診療科", &[3], 9),
        group("タイムカード\n（区分 始業–終業 休憩）", &[4], 25),
        group("PC使用\n（ログオン–ログオフ 端末）", &[5], 24),
        group("乖離の確認", &[6], 18),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for day in &d.work_status {
        let cards: Vec<String> = day
            .timecard
            .iter()
            .map(|t| {
                let mut s = format!("{} {} 休憩{}分", t.kind, span(t.start, t.end), t.break_minutes);
                if t.version > 1 {
                    s.push_str(&format!(
                        "［修正 第{}版: {}］",
                        t.version,
                        t.correction_reason.as_deref().unwrap_or("—")
                    ));
                }
                s
            })
            .collect();
        let pcs: Vec<String> = day
            .pc
            .iter()
            .map(|p| format!("{} {}", span(p.logon, p.logoff), p.pc_name))
            .collect();
        rows.push(vec![
            format!("{}（{}）", date(day.date), weekday_ja(day.date)),
            day.staff_id.clone(),
            day.name.clone(),
            day.department.clone().unwrap_or_default(),
            cards.join("\n"),
            pcs.join("\n"),
            day.resolution
                .as_ref()
                .map(|(r, why)| format!("{r}: {why}"))
                .unwrap_or_default(),
        ]);
        keys.push(format!("{} {}", day.staff_id, day.date));
    }
    Table {
        key: "a",
        sheet: "（ア）勤務状況",
        title: PARTS[2].1.to_string(),
        notes: vec![
            period_note(d),
            "現在有効な打刻記録（修正された記録は修正後の版と理由）と、PCのログオン・ログオフ記録。".into(),
        ],
        columns,
        groups,
        rows,
        keys,
    }
}

fn working_hours_table(d: &Documents) -> Table {
    let columns = vec![
        col("年月", 8.0),
        col("基準日", 11.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("水準", 6.0),
        num("勤務日数", 8.0),
        num("総労働時間", 10.0),
        num("時間外労働", 10.0),
        num("休日労働", 10.0),
        num("時間外・休日労働", 12.0),
        num("自己研鑽（労働時間外）", 12.0),
        num("副業・兼業", 10.0),
        num("宿日直（許可あり）", 12.0),
        num("時間外・休日労働（分）", 12.0),
    ];
    let groups = vec![
        group("年月\n基準日", &[0, 1], 12),
        group("職員番号\n氏名", &[2, 3], 12),
        group("診療科\n水準", &[4, 5], 10),
        group("勤務日数", &[6], 7),
        group("総労働時間", &[7], 8),
        group("時間外労働", &[8], 8),
        group("休日労働", &[9], 8),
        group("時間外・休日労働", &[10], 9),
        group("自己研鑽\n（労働時間外）", &[11], 9),
        group("副業・兼業", &[12], 8),
        group("宿日直\n（許可あり）", &[13], 9),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for l in &d.working_hours {
        let m = &l.m;
        rows.push(vec![
            l.month.to_string(),
            date(l.as_of),
            m.staff_id.clone(),
            m.name.clone(),
            l.department.clone().unwrap_or_default(),
            m.level.clone(),
            l.work_days.to_string(),
            format_hm(m.total_work_minutes),
            format_hm(m.overtime_minutes),
            format_hm(m.holiday_minutes),
            format_hm(m.overtime_holiday_minutes),
            format_hm(m.self_study_minutes),
            format_hm(m.external_minutes),
            format_hm(m.duty_permitted_minutes),
            m.overtime_holiday_minutes.to_string(),
        ]);
        keys.push(format!("{} {} {}", l.month, m.staff_id, m.overtime_holiday_minutes));
    }
    Table {
        key: "b",
        sheet: "（イ）労働時間",
        title: PARTS[3].1.to_string(),
        notes: vec![
            period_note(d),
            "対象期間を含む各月の月次集計（時間:分）。締まった月は月末時点、当月は本日時点。".into(),
        ],
        columns,
        groups,
        rows,
        keys,
    }
}

fn subjects_table(d: &Documents) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("水準", 6.0),
        col("対象となった理由", 16.0),
        num("時間外・休日労働時間", 10.0),
        col("基準日", 11.0),
        col("100時間到達（見込）日", 11.0),
        col("面接指導期限", 11.0),
        col("面接指導実施医師", 16.0),
        col("面接指導実施日", 11.0),
        col("状況", 14.0),
    ];
    let groups = vec![
        group("対象月", &[0], 12),
        group("職員番号\n氏名", &[1, 2], 12),
        group("診療科\n水準", &[3, 4], 9),
        group("対象となった理由", &[5], 11),
        group("時間外・休日労働\n基準日", &[6, 7], 11),
        group("100時間到達\n（見込）日", &[8], 9),
        group("面接指導期限", &[9], 9),
        group("面接指導実施医師", &[10], 13),
        group("実施日\n状況", &[11, 12], 14),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for s in &d.subjects {
        let i = &s.interview;
        rows.push(vec![
            s.month.to_string(),
            s.staff_id.clone(),
            s.name.clone(),
            s.department.clone().unwrap_or_default(),
            s.level.clone(),
            interview_reason_ja(&i.reason).to_string(),
            s.minutes.map(format_hm).unwrap_or_default(),
            opt_date(s.as_of),
            date(i.reach_100_date),
            date(i.deadline),
            physician(i),
            opt_date(i.held_on),
            status_ja(i.status).to_string(),
        ]);
        keys.push(format!("{} {}", s.month, s.staff_id));
    }
    Table {
        key: "c",
        sheet: "（ウ）面接指導対象医師",
        title: PARTS[4].1.to_string(),
        notes: vec![
            period_note(d),
            "時間外・休日労働が月100時間以上となった、または見込まれた医師（面接指導の対象）。".into(),
        ],
        columns,
        groups,
        rows,
        keys,
    }
}

fn results_table(d: &Documents, health: bool) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("面接指導実施日", 11.0),
        col("面接指導実施医師", 16.0),
        labelled("事前確認 記録", "記録", 18.0),
        labelled("事前確認 ア 勤務の状況", "ア 勤務の状況", 24.0),
        labelled("事前確認 イ 睡眠の状況", "イ 睡眠の状況", 14.0),
        labelled("事前確認 ウ 疲労の蓄積の状況", "ウ 疲労の蓄積の状況", 18.0),
        labelled("事前確認 エ 心身の状況", "エ 心身の状況", 24.0),
        labelled("事前確認 オ 面接指導を受ける意思", "オ 面接指導を受ける意思", 12.0),
        labelled("確認事項 ア 勤務の状況", "ア 勤務の状況", 24.0),
        labelled("確認事項 イ 睡眠の状況", "イ 睡眠の状況", 24.0),
        labelled("確認事項 ウ 疲労の蓄積の状況", "ウ 疲労の蓄積の状況", 24.0),
        labelled("確認事項 エ その他心身の状況", "エ その他心身の状況", 24.0),
        col("意見（意見書）", 40.0),
        col("記録者・記録日時", 20.0),
        col("保管期限", 11.0),
    ];
    let groups = vec![
        group("対象月\n実施日", &[0, 3], 11),
        group("職員番号\n氏名", &[1, 2], 10),
        group("面接指導実施医師", &[4], 10),
        group_labelled("事前確認（管理者）", &[5, 6, 7, 8, 9, 10], 22),
        group_labelled("確認事項（面接指導実施医師）", &[11, 12, 13, 14], 22),
        group("意見", &[15], 15),
        group("記録\n保管期限", &[16, 17], 10),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for r in &d.results {
        let i = &r.interview;
        let pre: [String; 6] = match &r.precheck {
            None => std::array::from_fn(|k| if k == 0 { "なし".to_string() } else { String::new() }),
            Some(p) => match &p.facts {
                Some(f) => [
                    format!(
                        "{}（{}）",
                        datetime(p.recorded_at),
                        p.recorded_by.as_deref().unwrap_or("—")
                    ),
                    f.work_status.clone(),
                    format!("平均 {}/日", format_hm(i64::from(f.sleep_average_minutes))),
                    format!("自覚症状 {}・疲労蓄積度 {}", f.fatigue_symptom, f.fatigue_score),
                    f.mental_physical.clone(),
                    if f.doctor_requests_interview != 0 {
                        "希望あり".into()
                    } else {
                        "希望なし".into()
                    },
                ],
                None => {
                    let [a, b, c, e, o] = p.items_recorded.map(|r| recorded(r).to_string());
                    [
                        format!(
                            "{}（{}）",
                            datetime(p.recorded_at),
                            p.recorded_by.as_deref().unwrap_or("—")
                        ),
                        a,
                        b,
                        c,
                        e,
                        o,
                    ]
                }
            },
        };
        let checks: [String; 5] = match &i.health {
            Some(h) => [
                h.check_work.clone(),
                h.check_sleep.clone(),
                h.check_fatigue.clone(),
                h.check_mental_physical.clone(),
                h.opinion.clone(),
            ],
            None => [
                recorded(i.checks_recorded[0]).to_string(),
                recorded(i.checks_recorded[1]).to_string(),
                recorded(i.checks_recorded[2]).to_string(),
                recorded(i.checks_recorded[3]).to_string(),
                if i.opinion_recorded {
                    WITHHELD.to_string()
                } else {
                    "未記録".to_string()
                },
            ],
        };
        let mut row = vec![
            r.month.to_string(),
            r.staff_id.clone(),
            r.name.clone(),
            opt_date(i.held_on),
            physician(i),
        ];
        row.extend(pre);
        row.extend(checks);
        row.push(format!(
            "{} {}",
            i.recorded_by.as_deref().unwrap_or("—"),
            i.recorded_at.map(datetime).unwrap_or_default()
        ));
        row.push(opt_date(i.retention_until));
        rows.push(row);
        keys.push(format!("{} {}", r.month, r.staff_id));
    }
    let mut notes = vec![
        period_note(d),
        "面接指導実施医師の記録（医療法施行規則第64条）と、その前の管理者による事前確認（同第63条）。".into(),
    ];
    if !health {
        notes.push(HEALTH_NOTE.into());
    }
    Table {
        key: "d",
        sheet: "（エ）面接指導結果・意見書",
        title: PARTS[5].1.to_string(),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}

fn measures_table(d: &Documents) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("区分", 24.0),
        col("面接指導実施日", 11.0),
        col("労働時間の短縮", 8.0),
        col("宿直回数の減少", 8.0),
        col("その他", 8.0),
        col("その他の内容", 30.0),
        col("講じた措置", 36.0),
        col("状況", 10.0),
        col("記録者", 12.0),
        col("記録日時", 16.0),
        col("保管期限", 11.0),
    ];
    let groups = vec![
        group("対象月", &[0], 12),
        group("職員番号\n氏名", &[1, 2], 12),
        group("診療科", &[3], 8),
        group("区分", &[4], 14),
        group("面接指導実施日", &[5], 10),
        group("講じた措置", &[10], 22),
        group("状況\n記録", &[11, 12, 13], 13),
        group("保管期限", &[14], 9),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    let mark = |b: bool, m: &MeasureRecord| if b && m.recorded() { "○" } else { "" }.to_string();
    for l in &d.measures {
        let m = &l.measure;
        rows.push(vec![
            l.month.to_string(),
            l.staff_id.clone(),
            l.name.clone(),
            l.department.clone().unwrap_or_default(),
            measure_reason_ja(&m.reason).to_string(),
            opt_date(l.interview_held_on),
            mark(m.shorter_hours, m),
            mark(m.fewer_night_duties, m),
            mark(m.other, m),
            m.other_text.clone().unwrap_or_default(),
            if m.recorded() { m.taken_ja() } else { String::new() },
            if m.recorded() { "記録済み" } else { "未記録" }.to_string(),
            m.recorded_by.clone().unwrap_or_default(),
            m.recorded_at.map(datetime).unwrap_or_default(),
            opt_date(m.retention_until),
        ]);
        keys.push(format!("{} {} {}", l.month, l.staff_id, m.reason));
    }
    Table {
        key: "e",
        sheet: "（オ）措置の記録",
        title: PARTS[6].1.to_string(),
        notes: vec![
            period_note(d),
            "面接指導実施医師の意見を勘案した就業上の措置（医療法施行規則第69条）と、155時間超の労働時間短縮の措置（同第70条）。"
                .into(),
        ],
        columns,
        groups,
        rows,
        keys,
    }
}

/// The parts that were loaded, in the pack's order.
pub(crate) fn tables(pack: &Pack) -> Vec<Table> {
    let mut out = Vec::with_capacity(PARTS.len());
    if pack.want.over100 {
        out.push(add_wareki_month(over100_table(pack)));
    }
    if pack.checklist.is_some() {
        out.push(checklist_table(pack));
    }
    if let Some(d) = &pack.documents {
        out.push(work_status_table(d));
        out.push(add_wareki_month(working_hours_table(d)));
        out.push(add_wareki_month(subjects_table(d)));
        out.push(add_wareki_month(results_table(d, pack.scope.health())));
        out.push(add_wareki_month(measures_table(d)));
    }
    out
}

// ---------------------------------------------------------------------------
// CSV and .xlsx.
// ---------------------------------------------------------------------------

/// The part as CSV: UTF-8 with a BOM (Excel in Japan then reads it as
/// UTF-8), the Japanese header row, then the rows.
pub fn to_csv(t: &Table) -> Result<Vec<u8>, csv::Error> {
    let header: Vec<&str> = t.columns.iter().map(|c| c.header).collect();
    crate::export::spreadsheet_csv(&header, t.rows.iter().cloned())
}

/// Text for an .xlsx page header: `&` starts a code there.
fn xlsx_text(s: &str) -> String {
    s.replace('&', "&&")
}

/// The parts as a workbook: one sheet each, the header row bold and
/// repeated on every printed page, A4, one page wide.
pub fn workbook(tables: &[Table], hospital: &str, generated: NaiveDate) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(0x00EE_F1F5)
        .set_border(FormatBorder::Thin);
    let text = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let number = Format::new()
        .set_align(FormatAlign::Top)
        .set_align(FormatAlign::Right)
        .set_border(FormatBorder::Thin);
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.sheet)?;
        ws.set_paper_size(9); // A4
        if t.columns.iter().map(|c| c.width).sum::<f64>() > 120.0 {
            ws.set_landscape();
        }
        ws.set_print_fit_to_pages(1, 0);
        ws.set_header(format!(
            "&L{}&C{}&R出力 {}",
            xlsx_text(hospital),
            xlsx_text(t.sheet),
            generated.format("%Y-%m-%d")
        ));
        ws.set_footer("&C&P / &N");
        for (c, column) in t.columns.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.set_column_width(c, column.width)?;
            ws.write_string_with_format(0, c, column.header, &head)?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.set_repeat_rows(0, 0)?;
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, value) in row.iter().enumerate() {
                let numeric = t.columns.get(c).is_some_and(|c| c.numeric);
                let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                match value.parse::<i64>() {
                    // Whole numbers (minutes, days) stay numbers for Excel;
                    // H:MM stays text, as printed.
                    Ok(n) if numeric => {
                        ws.write_number_with_format(r, c, n as f64, &number)?;
                    }
                    _ if numeric => {
                        ws.write_string_with_format(r, c, value, &number)?;
                    }
                    _ => {
                        ws.write_string_with_format(r, c, value, &text)?;
                    }
                }
            }
        }
    }
    Ok(wb)
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
    query: String,
    parts: Vec<PartLink>,
    whole_hospital: bool,
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
    tables: Vec<Table>,
}

fn what_of(key: &str) -> &'static str {
    match key {
        "over100" => "年月・氏名・時間外・休日労働時間と、面接指導（実施日・実施医師・事前確認・意見）、就業上の措置、155時間超の措置",
        "checklist" => "労働時間の把握方法、記録の3年保管、毎月の確認、4〜6月の100時間以上見込み医師数、面接指導の確認事項、実施医師の講習受講日、措置と記録の保管",
        "a" => "医師ごと・日ごとのタイムカード（修正の版と理由を含む）とPCのログオン・ログオフ、乖離の確認結果",
        "b" => "医師ごと・月ごとの勤務日数、総労働時間、時間外・休日労働、自己研鑽、副業・兼業、宿日直（許可）",
        "c" => "面接指導の対象となった医師、理由、100時間到達（見込）日、期限、実施医師、実施日、状況",
        "d" => "面接指導の実施日・実施医師、事前確認（ア〜オ）、確認事項（ア〜エ）、意見、記録と保管期限",
        _ => "面接指導後の就業上の措置と155時間超の措置：講じた措置、記録者、記録日時、保管期限",
    }
}

#[get("/print")]
async fn print_index(app: web::Data<App>, viewer: Viewer, q: web::Query<PackQuery>) -> Result<HttpResponse, UiError> {
    allowed(&viewer)?;
    let p = Params::read(&q, &viewer, app.settings.today())?;
    html(&IndexPage {
        ctx: viewer.ctx(&app),
        fy: p.fiscal_year,
        fy_ja: fiscal_year_ja(p.fiscal_year),
        from: p.from,
        to: p.to,
        query: p.query(),
        parts: PARTS
            .iter()
            .map(|(key, title)| PartLink {
                key,
                title,
                what: what_of(key),
            })
            .collect(),
        whole_hospital: viewer.role != Role::Manager,
    })
}

#[get("/print/pack")]
async fn pack_page(app: web::Data<App>, viewer: Viewer, q: web::Query<PackQuery>) -> Result<HttpResponse, UiError> {
    allowed(&viewer)?;
    let params = Params::read(&q, &viewer, app.settings.today())?;
    let pack = load(&app, &viewer, params, Want::ALL).await?;
    let list_to = YearMonth::of(params.to.min(pack.today));
    let months = insp::last_12_months(list_to);
    let scope = match pack.scope.manager_login() {
        None => "病院全体（全医師）".to_string(),
        Some(_) => format!("所属長 {} の担当医師", viewer.ctx(&app).display_name),
    };
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
        tables: tables(&pack),
        hospital: pack.hospital,
    })
}

fn attachment(content_type: &str, file_name: &str, body: Vec<u8>) -> HttpResponse {
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
    let params = Params::read(&q, &viewer, app.settings.today())?;
    let pack = load(&app, &viewer, params, Want::ALL).await?;
    let tables = tables(&pack);
    let (hospital, generated) = (pack.hospital.clone(), pack.generated.date());
    let bytes = web::block(move || workbook(&tables, &hospital, generated).and_then(|mut wb| wb.save_to_buffer()))
        .await
        .map_err(UiError::internal)?
        .map_err(UiError::internal)?;
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
    let params = Params::read(&q, &viewer, app.settings.today())?;
    let pack = load(&app, &viewer, params, Want::of(key)).await?;
    let table = tables(&pack)
        .into_iter()
        .find(|t| t.key == *key)
        .ok_or(UiError::NotFound(viewer.lang))?;
    let bytes = to_csv(&table).map_err(UiError::internal)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("kinmu-inspection-{key}-{}.csv", params.file_stem()),
        bytes,
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(print_css)
        .service(print_index)
        .service(pack_page)
        .service(pack_xlsx)
        .service(part_csv);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn sample() -> Table {
        Table {
            key: "x",
            sheet: "（ア）勤務状況",
            title: "t".into(),
            notes: vec![],
            columns: vec![col("氏名", 10.0), num("分", 6.0), labelled("事前確認 ア", "ア", 10.0)],
            groups: vec![group("氏名\n分", &[0, 1], 50), group_labelled("事前確認", &[2], 50)],
            rows: vec![vec!["千葉 三郎".into(), "6000".into(), "外来, \"多い\"".into()]],
            keys: vec!["k".into()],
        }
    }

    #[test]
    fn spans_name_the_next_day_and_later_days() {
        assert_eq!(span(t("2024-06-03 08:00"), t("2024-06-03 22:00")), "08:00–22:00");
        assert_eq!(span(t("2024-06-03 22:00"), t("2024-06-04 08:30")), "22:00–翌08:30");
        assert_eq!(span(t("2024-06-03 22:00"), t("2024-06-05 08:30")), "22:00–06/05 08:30");
        assert_eq!(weekday_ja(d("2024-07-22")), "月");
    }

    #[test]
    fn grouped_columns_print_as_lines_of_one_cell() {
        let rows = sample().print_rows();
        assert_eq!(rows[0].cells[0].text, "千葉 三郎\n6000");
        assert!(!rows[0].cells[0].numeric, "a text column in the group");
        assert_eq!(rows[0].cells[1].text, "ア: 外来, \"多い\"");
    }

    #[test]
    fn the_month_in_wareki_follows_the_iso_month_and_prints_under_it() {
        let t = Table {
            columns: vec![col("対象月", 8.0), col("氏名", 10.0)],
            groups: vec![group("対象月", &[0], 50), group("氏名", &[1], 50)],
            rows: vec![vec!["2024-06".into(), "千葉 三郎".into()]],
            ..sample()
        };
        let t = add_wareki_month(t);
        assert_eq!(t.columns[1].header, "対象月（和暦）");
        assert_eq!(t.rows[0], vec!["2024-06", "令和6年6月", "千葉 三郎"]);
        let printed = t.print_rows();
        assert_eq!(printed[0].cells[0].text, "2024-06\n令和6年6月");
        assert_eq!(printed[0].cells[1].text, "千葉 三郎");
    }

    #[test]
    fn csv_starts_with_a_bom_and_the_japanese_header() {
        let bytes = to_csv(&sample()).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("氏名,分,事前確認 ア\n"), "{text}");
        assert!(text.contains("\"外来, \"\"多い\"\"\""), "quoted: {text}");
    }

    /// Every part of an empty pack, as built for the pages.
    fn empty_tables() -> Vec<Table> {
        let pack = Pack {
            want: Want::ALL,
            params: Params {
                fiscal_year: 2024,
                from: d("2024-06-01"),
                to: d("2024-06-30"),
            },
            scope: Scope::hospital(),
            hospital: "テスト病院".into(),
            today: d("2024-07-22"),
            generated: t("2024-07-22 09:00"),
            over100: vec![],
            checklist: None,
            documents: Some(Documents {
                from: d("2024-06-01"),
                to: d("2024-06-30"),
                work_status: vec![],
                working_hours: vec![],
                subjects: vec![],
                results: vec![],
                measures: vec![],
            }),
        };
        let mut all = tables(&pack);
        all.insert(1, checklist_table(&pack));
        all
    }

    #[test]
    fn every_part_fills_the_page_width_exactly_and_names_each_column_once() {
        let all = empty_tables();
        assert_eq!(
            all.iter().map(|t| t.key).collect::<Vec<_>>(),
            PARTS.iter().map(|(k, _)| *k).collect::<Vec<_>>()
        );
        for t in &all {
            let total: u32 = t.groups.iter().map(|g| g.percent).sum();
            assert_eq!(total, 100, "{}", t.key);
            assert!(
                t.groups.iter().flat_map(|g| &g.columns).all(|&i| i < t.columns.len()),
                "{}",
                t.key
            );
            let mut headers: Vec<&str> = t.columns.iter().map(|c| c.header).collect();
            headers.sort_unstable();
            headers.dedup();
            assert_eq!(headers.len(), t.columns.len(), "{}: a header twice", t.key);
            assert!(t.sheet.chars().count() <= 31 && !t.sheet.contains(['[', ']', ':', '*', '?', '/', '\\']));
        }
        assert_eq!(all[0].columns[1].header, "年月（和暦）");
        assert_eq!(
            all[0].groups[0].columns,
            vec![0, 1, 2],
            "month, 和暦 and as-of in one cell"
        );
    }

    #[test]
    fn the_workbook_has_one_named_sheet_per_part() {
        let names: Vec<&str> = PARTS.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, vec!["over100", "checklist", "a", "b", "c", "d", "e"]);
        let sheets = [
            "一覧（100時間以上）",
            "点検表",
            "（ア）勤務状況",
            "（イ）労働時間",
            "（ウ）面接指導対象医師",
            "（エ）面接指導結果・意見書",
            "（オ）措置の記録",
        ];
        let tables: Vec<Table> = sheets.iter().map(|s| Table { sheet: s, ..sample() }).collect();
        let mut wb = workbook(&tables, "A&B 病院", d("2024-07-22")).unwrap();
        let got: Vec<String> = wb.worksheets().iter().map(|w| w.name()).collect();
        assert_eq!(got, sheets.iter().map(ToString::to_string).collect::<Vec<_>>());
        assert!(sheets.iter().all(|s| s.chars().count() <= 31));
        let bytes = wb.save_to_buffer().unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
