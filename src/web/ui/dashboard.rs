//! The month at a glance: every doctor's figures, projection, reach date,
//! interview status and open discrepancies, coloured by state, sortable and
//! filterable by department and level (HR, admin; a manager sees their
//! doctors).

use super::{html, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::domain::time::{format_hm, YearMonth};
use crate::report::dashboard::{self as model, Filter, Line, State};
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

/// Rows on one page of the dashboard.
pub const PER_PAGE: usize = 100;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    ctx: PageCtx,
    month: String,
    previous: String,
    next: String,
    as_of: NaiveDate,
    /// The rows of this page.
    lines: Vec<Line>,
    departments: Vec<String>,
    /// The manager filter's choices (HR and admin only; empty for a manager).
    managers: Vec<model::Manager>,
    view: View,
    /// The chips: code, words, count, whether chosen.
    chips: Vec<(&'static str, (&'static str, &'static str), usize, bool)>,
    /// Lines that pass every filter (all pages).
    total: usize,
    pages: usize,
    /// The page asked for was past the last one (the last one is shown).
    past_end: bool,
    /// The 安衛法 80 h notices of this month and the one before that could
    /// not be mailed (rules §16): HR tells the doctors.
    not_sent: Vec<model::NoticeNotSent>,
    /// What the figures rest on: each source's last day and import.
    freshness: crate::report::freshness::Freshness,
}

/// What the dashboard shows, as its URL says (so a view can be shared).
#[derive(Debug, Clone, Default)]
struct View {
    month: String,
    /// The 基準日 as asked for ("" = today).
    as_of: String,
    department: String,
    level: String,
    manager: String,
    q: String,
    state: String,
    sort: String,
    desc: bool,
    page: usize,
}

impl View {
    fn of(q: &DashboardQuery, month: &str, may_choose_manager: bool) -> View {
        let text = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_string();
        View {
            month: month.to_string(),
            as_of: text(&q.as_of),
            department: text(&q.department),
            level: text(&q.level),
            manager: if may_choose_manager {
                text(&q.manager)
            } else {
                String::new()
            },
            q: text(&q.q),
            state: model::Chip::parse(q.state.as_deref().unwrap_or_default())
                .map(|c| c.code().to_string())
                .unwrap_or_default(),
            sort: model::SORT_KEYS
                .into_iter()
                .find(|k| Some(*k) == q.sort.as_deref())
                .unwrap_or("staff_id")
                .to_string(),
            desc: q.desc.as_deref() == Some("true"),
            page: q
                .page
                .as_deref()
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(1)
                .max(1),
        }
    }

    fn filter(&self) -> Filter {
        Filter {
            department: self.department.clone(),
            level: self.level.clone(),
            manager: self.manager.clone(),
            search: self.q.clone(),
            chip: model::Chip::parse(&self.state),
        }
    }

    /// The query string of this view (without `?`), on page `page`
    /// (0: no page, as the exports take it).
    fn query(&self, page: usize) -> String {
        let mut out = format!("month={}", super::urlencode(&self.month));
        for (k, v) in [
            ("as_of", &self.as_of),
            ("department", &self.department),
            ("level", &self.level),
            ("manager", &self.manager),
            ("q", &self.q),
            ("state", &self.state),
        ] {
            if !v.is_empty() {
                out.push_str(&format!("&{k}={}", super::urlencode(v)));
            }
        }
        out.push_str(&format!("&sort={}&desc={}", self.sort, self.desc));
        if page > 1 {
            out.push_str(&format!("&page={page}"));
        }
        out
    }
}

impl Dashboard {
    fn hm(&self, minutes: &i64) -> String {
        format_hm(*minutes)
    }

    /// A column header link that sorts by `key` (toggling the direction),
    /// from the first page, every filter kept.
    fn sort_href(&self, key: &str) -> String {
        let desc = if self.view.sort == key {
            !self.view.desc
        } else {
            key != "name" && key != "staff_id" && key != "department"
        };
        let v = View {
            sort: key.to_string(),
            desc,
            ..self.view.clone()
        };
        format!("/?{}", v.query(1))
    }
    /// `aria-sort` of a sortable column.
    fn aria_sort(&self, key: &str) -> &'static str {
        match (self.view.sort == key, self.view.desc) {
            (true, true) => "descending",
            (true, false) => "ascending",
            _ => "none",
        }
    }
    fn arrow(&self, key: &str) -> &'static str {
        match (self.view.sort == key, self.view.desc) {
            (true, true) => " ▼",
            (true, false) => " ▲",
            _ => "",
        }
    }
    /// The link of a state chip ("" = every state), from the first page.
    fn chip_href(&self, code: &str) -> String {
        let v = View {
            state: code.to_string(),
            ..self.view.clone()
        };
        format!("/?{}", v.query(1))
    }
    fn page_href(&self, page: impl std::borrow::Borrow<usize>) -> String {
        format!("/?{}", self.view.query(*page.borrow()))
    }
    /// The export of this view (every page) as `ext`.
    fn export_href(&self, ext: &str) -> String {
        format!("/dashboard.{ext}?{}", self.view.query(0))
    }
    /// The first and last row number of this page (1-based).
    fn first_row(&self) -> usize {
        if self.total == 0 {
            0
        } else {
            (self.view.page - 1) * PER_PAGE + 1
        }
    }
    fn last_row(&self) -> usize {
        (self.view.page * PER_PAGE).min(self.total)
    }
    /// The page numbers to link: the first, the last and two either side
    /// of this one; 0 marks a gap (…).
    fn page_links(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for p in 1..=self.pages {
            if p == 1 || p == self.pages || p.abs_diff(self.view.page) <= 2 {
                out.push(p);
            } else if out.last() != Some(&0) {
                out.push(0);
            }
        }
        out
    }
    fn state_words(&self, state: &State) -> &'static str {
        let (ja, en) = state.label();
        self.ctx.tr(ja, en)
    }
}

#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    month: Option<String>,
    as_of: Option<String>,
    department: Option<String>,
    level: Option<String>,
    manager: Option<String>,
    /// Part of a name or staff id.
    q: Option<String>,
    /// A state chip's code ([`model::Chip`]).
    state: Option<String>,
    sort: Option<String>,
    desc: Option<String>,
    page: Option<String>,
}

/// The month of a query (default: this month) and its as-of date (default:
/// today, clamped into the month).
pub fn month_as_of(
    app: &App,
    viewer: &Viewer,
    month: Option<&str>,
    as_of: Option<&str>,
) -> Result<(YearMonth, NaiveDate), UiError> {
    let today = app.settings.today();
    let month = match month.filter(|m| !m.is_empty()) {
        Some(m) => YearMonth::parse(m).ok_or_else(|| {
            UiError::BadRequest(
                viewer.lang,
                format!("月は YYYY-MM（2000-01〜2099-12）で指定してください: {m:?} / month must be YYYY-MM (2000-01 to 2099-12)"),
            )
        })?,
        None => app.settings.rules.calendar.month_of(today),
    };
    // The agreement month of that name (rules §6.1).
    let month = app.settings.rules.calendar.month(month);
    let as_of = match as_of.filter(|d| !d.is_empty()) {
        Some(d) => crate::domain::input::parse_date(("基準日", "as_of"), d)
            .map_err(|e| UiError::BadRequest(viewer.lang, e.0))?,
        None => today,
    };
    Ok((month, month.clamp(as_of)))
}

/// The dashboard's lines of a view, sorted (every page), with the board's
/// departments, managers and chip counts.
async fn board_of(
    app: &web::Data<App>,
    viewer: &Viewer,
    q: &DashboardQuery,
) -> Result<(YearMonth, NaiveDate, View, model::Dashboard), UiError> {
    let (month, as_of) = month_as_of(app, viewer, q.month.as_deref(), q.as_of.as_deref())?;
    let view = View::of(q, &month.to_string(), matches!(viewer.role, Role::Admin | Role::Hr));
    let (app2, viewer2, filter) = (app.clone(), viewer.clone(), view.filter());
    // The cached report first, without a connection held while another
    // request may be computing it; then one connection for the rest.
    let mut board = web::block(move || -> Result<_, UiError> {
        let cached = app2.reports.report(&app2.pool, month, as_of, &app2.settings.rules)?;
        let mut conn = app2.pool.get()?;
        // Statuses as of the same day as the figures (基準日).
        Ok(model::dashboard(
            &mut conn,
            &cached.report,
            viewer2.who(),
            &filter,
            as_of,
        )?)
    })
    .await??;
    model::sort(&mut board.lines, &view.sort, view.desc);
    Ok((month, as_of, view, board))
}

#[get("/")]
async fn dashboard(
    app: web::Data<App>,
    viewer: Viewer,
    q: web::Query<DashboardQuery>,
) -> Result<HttpResponse, UiError> {
    match viewer.role {
        Role::Physician => return Ok(redirect("/interviews")),
        Role::Doctor => return Ok(redirect("/me")),
        _ => viewer.require(&[Role::Admin, Role::Hr, Role::Manager])?,
    }
    let (month, as_of, mut view, board) = board_of(&app, &viewer, &q).await?;
    let (app2, viewer2) = (app.clone(), viewer.clone());
    let (freshness, not_sent) = web::block(move || -> Result<_, UiError> {
        let mut conn = app2.pool.get()?;
        let freshness = crate::report::freshness::of_month(&mut conn, month).map_err(UiError::internal)?;
        let months = [month.previous().to_string(), month.to_string()];
        let not_sent = model::anei_not_sent(&mut conn, viewer2.who(), &months)?;
        Ok((freshness, not_sent))
    })
    .await??;
    let total = board.lines.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let past_end = view.page > pages;
    view.page = view.page.min(pages);
    let lines: Vec<Line> = board
        .lines
        .into_iter()
        .skip((view.page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    let chips = model::Chip::ALL
        .iter()
        .zip(board.counts)
        .map(|(c, n)| (c.code(), c.label(), n, c.code() == view.state))
        .collect();
    html(&Dashboard {
        ctx: viewer.ctx(&app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        as_of,
        lines,
        departments: board.departments,
        managers: if matches!(viewer.role, Role::Admin | Role::Hr) {
            board.managers
        } else {
            Vec::new()
        },
        view,
        chips,
        total,
        pages,
        past_end,
        not_sent,
        freshness,
    })
}

/// The export of the dashboard's current view, every page, in its order:
/// `/dashboard.csv` (UTF-8 with BOM, cells that start like a formula as
/// text) and `/dashboard.xlsx`; HR and admin, a manager their doctors.
#[get("/dashboard.{ext}")]
async fn export(
    app: web::Data<App>,
    viewer: Viewer,
    ext: web::Path<String>,
    q: web::Query<DashboardQuery>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Admin, Role::Hr, Role::Manager])?;
    if !matches!(ext.as_str(), "csv" | "xlsx") {
        return Err(UiError::NotFound(viewer.lang));
    }
    let (month, _, _, board) = board_of(&app, &viewer, &q).await?;
    let (header, rows) = model::export_table(&board.lines, viewer.lang == super::session::Lang::Ja);
    let file = format!("kinmu-dashboard-{month}.{ext}");
    let internal = |e: String| UiError::Internal(e);
    Ok(if ext.as_str() == "xlsx" {
        let sheet = crate::export::spreadsheet_xlsx(&month.to_string(), &header, &rows, &[13], 12.0)
            .map_err(|e| internal(e.to_string()))?;
        super::print::attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &file,
            sheet,
        )
    } else {
        let csv = crate::export::spreadsheet_csv(&header, rows).map_err(|e| internal(e.to_string()))?;
        super::print::attachment("text/csv; charset=utf-8", &file, csv)
    })
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

#[derive(Debug, Deserialize)]
struct PayrollQuery {
    month: Option<String>,
    as_of: Option<String>,
}

/// The payroll export of rules §17 for HR and admins: `/payroll.csv`,
/// `/payroll.xlsx` (this hospital's figures of every doctor's month).
#[get("/payroll.{ext}")]
async fn payroll(
    app: web::Data<App>,
    viewer: Viewer,
    ext: web::Path<String>,
    q: web::Query<PayrollQuery>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Admin, Role::Hr])?;
    let xlsx = match ext.as_str() {
        "csv" => false,
        "xlsx" => true,
        _ => return Err(UiError::NotFound(viewer.lang)),
    };
    let (month, as_of) = month_as_of(&app, &viewer, q.month.as_deref(), q.as_of.as_deref())?;
    let a = app.clone();
    let cached = web::block(move || a.reports.report(&a.pool, month, as_of, &a.settings.rules)).await??;
    let (bytes, mime) = if xlsx {
        (
            crate::report::payroll::xlsx(&cached.report).map_err(|e| UiError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    } else {
        (
            crate::report::payroll::csv(&cached.report).map_err(|e| UiError::Internal(e.to_string()))?,
            "text/csv; charset=utf-8",
        )
    };
    Ok(super::print::attachment(
        mime,
        &format!("kinmu-payroll-{month}.{ext}"),
        bytes,
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard).service(export).service(payroll);
}
