//! The discrepancy (乖離) queue for HR (rules §9, issue 4 §2): every open
//! day of the month on which PC use outside the timecard exceeds the
//! configured minutes, with the day's timecard rows and PC sessions side by
//! side (one chart on a shared time axis, and both as tables), and a form
//! to resolve it as work, self-study or not work with a reason.
//!
//! The queue itself is the read model `report::queue` (the days the monthly
//! report counts as open, so resolving one lowers the dashboard's figure by
//! exactly one); this page renders it. The resolution rule itself is
//! `crate::discrepancies`. Hr and admin only; the form checks CSRF.
//!
//! The queue is filtered (department, doctor, days, size, open or
//! resolved: GET parameters, kept through every form and redirect) and
//! paged ([`PER_PAGE`] cards); a page reads only its own cards' records
//! (`report::queue::page`, on the report cache's computation of the
//! month). Several days are resolved at once with one reason after a
//! confirmation step ([`bulk`]); after a resolution the page comes back
//! with the same filters at the next card.
//!
//! Below it, the PC review items (rules §9: PC use inside self-study
//! outside the schedule or inside permitted duty), each with a form of the
//! resolutions its kind allows (`crate::pc_reviews`). Managers see this
//! section only, for their own doctors; nobody resolves their own item.

use super::dashboard::month_as_of;
use super::{html, with_conn, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::discrepancies::{self, Resolution, ResolutionRecord, ResolveRequest};
use crate::domain::discrepancy::PcClass;
use crate::domain::time::{format_hm, Minutes, YearMonth};
use crate::pc_reviews::{self, review_queue_of, ListedRow, OpenItem, ReviewRecord, ReviewRequest, ReviewResolution};
use crate::policy::Who;
use crate::report::queue::Filter;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

mod bulk;
mod cards;
mod view;

use cards::{item_of, Item};
pub use view::{Paging, View};

const HR: [Role; 2] = [Role::Admin, Role::Hr];
/// Cards on a page of the queue.
pub const PER_PAGE: usize = 50;
/// Who sees the page: the discrepancies HR and admin, the review items
/// also the doctors' managers.
const REVIEWERS: [Role; 3] = [Role::Admin, Role::Hr, Role::Manager];

/// One open PC review item.
pub struct ReviewLine {
    pub key: String,
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub date: NaiveDate,
    pub kind_code: &'static str,
    pub kind_ja: &'static str,
    pub kind_en: &'static str,
    pub minutes: Minutes,
    /// The item's PC use, as `HH:MM–HH:MM`.
    pub pieces: Vec<String>,
    pub rows: Vec<ListedRow>,
    /// The viewer's own: shown without a form.
    pub own: bool,
    /// The resolutions its kind allows: code, Japanese, English.
    pub allowed: Vec<(&'static str, &'static str, &'static str)>,
}

/// What a refused form asked for, to show it again (`kind` empty for a
/// discrepancy day).
#[derive(Debug, Clone, Default)]
struct Echo {
    staff_id: String,
    day: String,
    kind: String,
    resolution: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "discrepancies.html")]
struct QueuePage {
    ctx: PageCtx,
    month: String,
    previous: String,
    next: String,
    as_of: NaiveDate,
    threshold: Minutes,
    /// Every open day of the month: the report's figure, whatever the filter.
    open_count: usize,
    /// The cards of the page.
    items: Vec<Item>,
    paging: Paging,
    view: View,
    /// The view's query string without the page: every link keeps it.
    query: String,
    departments: Vec<String>,
    /// Every checkbox of the page ticked (「このページをすべて選択」).
    select_all: bool,
    /// The page's card keys in order (the next card after a bulk resolution).
    order: Vec<String>,
    /// The month's resolutions matching the filter (a page of them).
    resolved: Vec<ResolutionRecord>,
    resolved_paging: Paging,
    /// Whether the discrepancy queue is shown (HR and admin).
    hr: bool,
    review_threshold: Minutes,
    /// A page of the open review items the filters admit.
    reviews: Vec<ReviewLine>,
    review_paging: Paging,
    reviews_resolved: Vec<ReviewRecord>,
    done: Option<String>,
    error: Option<String>,
    echo: Echo,
}

impl QueuePage {
    fn hm(&self, minutes: &Minutes) -> String {
        format_hm(*minutes)
    }
    /// The card to show after the card at `i` is resolved: the next one on
    /// the page, else the one before it.
    fn next_of(&self, i: &usize) -> String {
        self.items
            .get(i + 1)
            .or_else(|| i.checked_sub(1).and_then(|j| self.items.get(j)))
            .map(Item::key)
            .unwrap_or_default()
    }
    /// A link to page `p` of the same view.
    fn page_link(&self, p: &usize) -> String {
        format!(
            "/discrepancies?month={}&as_of={}{}&page={p}",
            self.month, self.as_of, self.query
        )
    }
    /// Links to the review items' pages before and after the one shown,
    /// the cards' page kept.
    fn review_prev_link(&self) -> String {
        self.review_page_link(self.review_paging.page.saturating_sub(1).max(1))
    }
    fn review_next_link(&self) -> String {
        self.review_page_link(self.review_paging.page + 1)
    }
    fn review_page_link(&self, p: usize) -> String {
        format!("{}&rpage={p}#reviews", self.page_link(&self.paging.page))
    }
    /// Links to the pages before and after `page` (of the cards, or of
    /// the resolved list).
    fn prev_link(&self, page: &usize) -> String {
        self.page_link(&page.saturating_sub(1).max(1))
    }
    fn next_link(&self, page: &usize) -> String {
        self.page_link(&(page + 1))
    }
    /// The page numbers to offer: the first, the last, and two around the
    /// current one (`0` for a gap).
    fn page_numbers(&self) -> Vec<usize> {
        let p = &self.paging;
        let mut out = Vec::new();
        for n in 1..=p.pages {
            if n == 1 || n == p.pages || n.abs_diff(p.page) <= 2 {
                out.push(n);
            } else if out.last() != Some(&0) {
                out.push(0);
            }
        }
        out
    }
    fn weekday(&self, d: &NaiveDate) -> &'static str {
        const JA: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
        const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let i = chrono::Datelike::weekday(d).num_days_from_monday() as usize;
        self.ctx.tr(JA[i], EN[i])
    }
    /// Whether the refused form shown again is this item's (`kind` empty
    /// for a discrepancy day).
    fn is_echo(&self, staff_id: &str, day: &NaiveDate, kind: &str) -> bool {
        self.echo.kind == kind && self.echo.staff_id == staff_id && self.echo.day == day.to_string()
    }
    fn echo_reason(&self, staff_id: &str, day: &NaiveDate, kind: &str) -> &str {
        if self.is_echo(staff_id, day, kind) {
            &self.echo.reason
        } else {
            ""
        }
    }
    fn checked(&self, staff_id: &str, day: &NaiveDate, kind: &str, code: &str) -> bool {
        self.is_echo(staff_id, day, kind) && self.echo.resolution == code
    }
}

/// The month's resolutions that pass the filter (`departments` by staff
/// id; a resolved day has no size to filter by).
fn resolved_matching(
    all: Vec<ResolutionRecord>,
    filter: &Filter,
    departments: &std::collections::HashMap<String, String>,
) -> Vec<ResolutionRecord> {
    all.into_iter()
        .filter(|r| {
            let dept = departments.get(&r.staff_id).map_or("", String::as_str);
            filter.admits(&r.staff_id, &r.name, dept, r.day, None)
        })
        .collect()
}

/// What a page of the queue is asked for besides the month.
struct Asking {
    view: View,
    select_all: bool,
    done: Option<String>,
    error: Option<String>,
    echo: Echo,
}

/// Renders the queue (with a message, or a refused form shown again): the
/// month's computation from the report cache (no connection held while
/// another request computes it), then one connection for the page's cards,
/// the resolutions and the review items of the doctors that have open ones.
async fn render(
    app: web::Data<App>,
    viewer: Viewer,
    month: YearMonth,
    as_of: NaiveDate,
    asking: Asking,
) -> Result<HttpResponse, UiError> {
    let Asking {
        view,
        select_all,
        done,
        error,
        echo,
    } = asking;
    let filter = view.filter(viewer.lang)?;
    let hr = HR.contains(&viewer.role);
    let (app2, role, user) = (app.clone(), viewer.role, viewer.user.clone());
    let (page_no, resolved_view) = (view.page_no(), view.resolved());
    let review_page_no = view.review_page_no();
    let (q, resolved, resolved_paging, reviews, review_paging) = web::block(move || -> Result<_, UiError> {
        let rules = &app2.settings.rules;
        let cached = app2.reports.report(&app2.pool, month, as_of, rules)?;
        let mut conn = app2.pool.get()?;
        let computed = &cached.computed;
        // Who resolved what, by name (the records keep logins).
        let names = super::names::Names::load(&mut conn)?;
        let (q, resolved, resolved_paging) = if hr {
            // The open view's page of cards; the resolved view's count only.
            let cards = if resolved_view { 0 } else { PER_PAGE };
            let q = crate::report::queue::page(&mut conn, rules, computed, month, as_of, &filter, page_no, cards)?;
            let departments = computed
                .iter()
                .map(|(d, _)| (d.staff_id.clone(), d.department.clone().unwrap_or_default()))
                .collect();
            let all = resolved_matching(
                crate::discrepancies::resolutions_of_month(&mut conn, month)?,
                &filter,
                &departments,
            );
            let (paging, range) = Paging::of(all.len(), if resolved_view { page_no } else { 1 }, PER_PAGE);
            let shown: Vec<ResolutionRecord> = all[range]
                .iter()
                .cloned()
                .map(|mut r| {
                    names.put_opt(&mut r.resolved_by);
                    r
                })
                .collect();
            (Some(q), shown, paging)
        } else {
            (None, Vec::new(), Paging::default())
        };
        // Review items of the doctors the month shows with open ones only.
        let with_reviews: Vec<i64> = computed
            .iter()
            .filter(|(_, c)| c.open_pc_reviews > 0)
            .map(|(d, _)| d.id)
            .collect();
        let mut reviews = review_queue_of(
            &mut conn,
            Who::of(role, &user),
            rules,
            month,
            as_of,
            Some(&with_reviews),
        )?;
        for r in &mut reviews.resolved {
            names.put_opt(&mut r.record.resolved_by);
        }
        // The open review items the filters admit, a page of them (a large
        // hospital has hundreds, each with its rows and a form).
        reviews
            .items
            .retain(|i| filter.admits(&i.staff_id, &i.name, &i.department, i.date, Some(i.minutes)));
        let (review_paging, range) = Paging::of(reviews.items.len(), review_page_no, PER_PAGE);
        reviews.items = reviews.items.drain(range).collect();
        Ok((q, resolved, resolved_paging, reviews, review_paging))
    })
    .await??;
    let (open_count, items, paging, departments) = match q {
        Some(q) => {
            let (first, last) = q.range();
            let paging = Paging {
                total: q.matching,
                first,
                last,
                page: q.page,
                pages: q.pages,
            };
            (
                q.total_open,
                q.items.into_iter().map(item_of).collect::<Vec<_>>(),
                paging,
                q.departments,
            )
        }
        None => (0, Vec::new(), Paging::default(), Vec::new()),
    };
    html(&QueuePage {
        hr,
        review_threshold: app.settings.rules.pc_review_minutes,
        reviews: reviews.items.iter().map(review_line_of).collect(),
        review_paging,
        reviews_resolved: reviews.resolved,
        ctx: viewer.ctx(&app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        as_of,
        threshold: app.settings.rules.discrepancy_minutes,
        open_count,
        order: items.iter().map(Item::key).collect(),
        items,
        paging,
        query: view.query(),
        view,
        departments,
        select_all,
        resolved,
        resolved_paging,
        done,
        error,
        echo,
    })
}

#[derive(Debug, Deserialize)]
struct QueueQuery {
    month: Option<String>,
    as_of: Option<String>,
    resolved: Option<String>,
    reviewed: Option<String>,
    /// `N:CODE` after a bulk resolution.
    bulk: Option<String>,
    /// `page`: every checkbox of the page ticked.
    select: Option<String>,
    #[serde(flatten)]
    view: View,
}

#[get("/discrepancies")]
async fn queue_page(app: web::Data<App>, viewer: Viewer, q: web::Query<QueueQuery>) -> Result<HttpResponse, UiError> {
    viewer.require(&REVIEWERS)?;
    let q = q.into_inner();
    let (month, as_of) = month_as_of(&app, &viewer, q.month.as_deref(), q.as_of.as_deref())?;
    let done = match (q.resolved.as_deref(), q.reviewed.as_deref(), q.bulk.as_deref()) {
        (Some(r), _, _) => done_message(&viewer, r),
        (None, Some(r), _) => review_done_message(&viewer, r),
        (None, None, Some(b)) => bulk::done_message(&viewer, b),
        (None, None, None) => None,
    };
    let asking = Asking {
        view: q.view,
        select_all: q.select.as_deref() == Some("page"),
        done,
        error: None,
        echo: Echo::default(),
    };
    render(app, viewer, month, as_of, asking).await
}

/// What follows a resolution, in words: where its rows and hours go.
fn what_next(viewer: &Viewer, code: Resolution) -> &'static str {
    let (ja, en) = match code {
        Resolution::Work => (
            "未打刻の時間を勤務の行として追加しました。月次一覧と医師の画面の労働時間に反映されます。",
            "The uncovered time was added as work rows; the dashboard and the doctor's page count it as working time.",
        ),
        Resolution::SelfStudy => (
            "未打刻の時間を自己研鑽の行として追加しました。労働時間には含めません。",
            "The uncovered time was added as self-study rows; it is not working time.",
        ),
        Resolution::NotWork => (
            "行は追加していません。労働時間は変わりません。",
            "No rows were added; the working hours are unchanged.",
        ),
    };
    match viewer.lang {
        super::Lang::Ja => ja,
        super::Lang::En => en,
    }
}

/// The message after a resolution, from the redirect's `STAFF:DAY:CODE`
/// (anything else is ignored rather than echoed), and what follows it.
fn done_message(viewer: &Viewer, resolved: &str) -> Option<String> {
    let mut parts = resolved.rsplitn(3, ':');
    let code = Resolution::parse(parts.next()?)?;
    let day = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
    let staff_id = parts.next()?;
    Some(match viewer.lang {
        super::Lang::Ja => format!(
            "{staff_id} の {day} を「{}」として処理しました。{}処理の記録はアクセスログに残ります。",
            code.label_ja(),
            what_next(viewer, code)
        ),
        super::Lang::En => format!(
            "{staff_id} on {day} resolved as {}. {} The decision is kept in the access log.",
            code.label_en(),
            what_next(viewer, code)
        ),
    })
}

/// Every field defaults, so that a missing one is answered by the checks
/// below (a missing CSRF token is 403, a missing reason a clear message)
/// rather than by the form reader's bare 400. One form for both
/// resolutions: `kind` is empty for a discrepancy day.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResolveForm {
    csrf: String,
    staff_id: String,
    day: String,
    kind: String,
    resolution: Option<String>,
    reason: String,
    month: Option<String>,
    as_of: Option<String>,
    /// The card to show after this one (its key).
    next: String,
    #[serde(flatten)]
    view: View,
}

/// A resolution form as read: the page's month and as-of day, the day
/// asked about, the view to come back to, and the form to show again if
/// it is refused.
struct Asked {
    month: YearMonth,
    as_of: NaiveDate,
    day: NaiveDate,
    view: View,
    next: String,
    echo: Echo,
}

/// Checks the form's CSRF token and reads its month, as-of day and day.
fn asked(app: &App, viewer: &Viewer, form: &ResolveForm) -> Result<Asked, UiError> {
    viewer.check_csrf(&form.csrf)?;
    let (month, as_of) = month_as_of(app, viewer, form.month.as_deref(), form.as_of.as_deref())?;
    let day = crate::domain::input::parse_date(("日付", "day"), &form.day)
        .map_err(|e| UiError::BadRequest(viewer.lang, e.0))?;
    Ok(Asked {
        month,
        as_of,
        day,
        view: form.view.clone(),
        next: form.next.clone(),
        echo: Echo {
            staff_id: form.staff_id.clone(),
            day: form.day.clone(),
            kind: form.kind.clone(),
            resolution: form.resolution.clone().unwrap_or_default(),
            reason: form.reason.clone(),
        },
    })
}

/// `POST /discrepancies/resolve`: records HR's decision, then back to the
/// queue; a refused decision shows the queue again with the reason why.
#[post("/discrepancies/resolve")]
async fn resolve(app: web::Data<App>, viewer: Viewer, form: web::Form<ResolveForm>) -> Result<HttpResponse, UiError> {
    viewer.require(&HR)?;
    let form = form.into_inner();
    let mut a = asked(&app, &viewer, &form)?;
    a.echo.kind.clear();
    let Some(resolution) = form.resolution.as_deref().and_then(Resolution::parse) else {
        let message = "勤務・自己研鑽・勤務外のいずれかを選んでください / choose work, self-study or not work";
        return answer(app, viewer, a, Err(message)).await;
    };
    let (login, now, rules, day) = (viewer.user.login.clone(), app.now(), app.settings.rules.clone(), a.day);
    let outcome = with_conn(&app, move |conn| {
        Ok(discrepancies::resolve(
            conn,
            &ResolveRequest {
                staff_id: form.staff_id.trim(),
                day,
                resolution,
                reason: &form.reason,
                actor: &login,
                now,
                rules: &rules,
            },
        ))
    })
    .await?;
    let done = outcome.map(|r| ("resolved", format!("{}:{}:{}", r.staff_id, r.day, r.resolution.code())));
    answer(app, viewer, a, Ok(done)).await
}

/// Where the queue comes back after a resolution: the same month, as-of
/// day, filters and page, the `key=done` message, and the anchor of the
/// card to look at next (`#card-KEY`; the counts when none is left).
fn back_to(month: YearMonth, as_of: NaiveDate, view: &View, message: (&str, &str), next: &str) -> String {
    let page = view.page_no();
    let anchor = if next.is_empty() {
        if message.0 == "reviewed" {
            "reviews"
        } else {
            "open-count"
        }
        .to_string()
    } else {
        format!("card-{}", super::urlencode(next))
    };
    let message = if message.0.is_empty() {
        String::new()
    } else {
        format!("&{}={}", message.0, super::urlencode(message.1))
    };
    let rpage = match view.review_page_no() {
        1 => String::new(),
        n => format!("&rpage={n}"),
    };
    format!(
        "/discrepancies?month={month}&as_of={as_of}{}&page={page}{rpage}{message}#{anchor}",
        view.query()
    )
}

/// Answers a resolution: back to the page with the `key=done` message
/// (303), or the page again with the refusal — a form without a choice
/// (400, the outer `Err`), or the rule's (409 already resolved, 403 not
/// theirs to resolve, 400 otherwise).
async fn answer(
    app: web::Data<App>,
    viewer: Viewer,
    Asked {
        month,
        as_of,
        echo,
        view,
        next,
        ..
    }: Asked,
    outcome: Result<Result<(&'static str, String), discrepancies::ResolveError>, &'static str>,
) -> Result<HttpResponse, UiError> {
    let (status, message) = match outcome {
        Ok(Ok((key, done))) => {
            let to = back_to(month, as_of, &view, (key, &done), &next);
            return Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish());
        }
        Err(message) => (StatusCode::BAD_REQUEST, message.to_string()),
        Ok(Err(e)) => refusal(e)?,
    };
    // The screen's language only (the refusals are written `日本語 / English`).
    let message = super::in_lang(viewer.lang, &message);
    let asking = Asking {
        view,
        select_all: false,
        done: None,
        error: Some(message),
        echo,
    };
    let mut resp = render(app, viewer, month, as_of, asking).await?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// A refused resolution's status and words (409 already resolved, 403
/// not theirs to resolve, 400 otherwise); a database failure is an error.
fn refusal(e: discrepancies::ResolveError) -> Result<(StatusCode, String), UiError> {
    if !e.is_user_error() {
        return Err(UiError::internal(e));
    }
    let status = if e.is_conflict() {
        StatusCode::CONFLICT
    } else if e.is_forbidden() {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, e.to_string()))
}

/// A review item (`pc_reviews::review_queue`) as the page shows it.
fn review_line_of(i: &OpenItem) -> ReviewLine {
    ReviewLine {
        key: i.key(),
        staff_id: i.staff_id.clone(),
        name: i.name.clone(),
        department: i.department.clone(),
        date: i.date,
        kind_code: i.kind.code(),
        kind_ja: i.kind.label_ja(),
        kind_en: i.kind.label_en(),
        minutes: i.minutes,
        pieces: i.pc_use(),
        rows: i.listed_rows(),
        own: i.own,
        allowed: i
            .allowed()
            .into_iter()
            .map(|r| (r.code(), r.label().ja, r.label().en))
            .collect(),
    }
}

/// The message after a review resolution, from the redirect's
/// `STAFF:DAY:KIND:CODE` (anything else is ignored rather than echoed).
fn review_done_message(viewer: &Viewer, reviewed: &str) -> Option<String> {
    let mut parts = reviewed.rsplitn(4, ':');
    let code = ReviewResolution::parse(parts.next()?)?;
    let kind = PcClass::parse(parts.next()?)?;
    let day = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
    let staff_id = parts.next()?;
    Some(match viewer.lang {
        super::Lang::Ja => format!(
            "{staff_id} の {day} の「{}」を「{}」として処理しました。",
            kind.label_ja(),
            code.label().ja
        ),
        super::Lang::En => format!(
            "{staff_id} on {day} ({}) resolved as {}.",
            kind.label_en(),
            code.label().en
        ),
    })
}

/// `POST /discrepancies/pc-reviews/resolve`: records the decision on one
/// review item, then back to the page; a refused one shows the page again
/// with the reason why.
#[post("/discrepancies/pc-reviews/resolve")]
async fn resolve_review(
    app: web::Data<App>,
    viewer: Viewer,
    form: web::Form<ResolveForm>,
) -> Result<HttpResponse, UiError> {
    viewer.require(&REVIEWERS)?;
    let form = form.into_inner();
    let a = asked(&app, &viewer, &form)?;
    let kind = PcClass::parse(&form.kind).filter(|k| *k != PcClass::Uncovered);
    let resolution = form.resolution.as_deref().and_then(ReviewResolution::parse);
    let (Some(kind), Some(resolution)) = (kind, resolution) else {
        return answer(app, viewer, a, Err("処理を選んでください / choose a resolution")).await;
    };
    let (role, user, now, rules, day) = (
        viewer.role,
        viewer.user.clone(),
        app.now(),
        app.settings.rules.clone(),
        a.day,
    );
    let outcome = with_conn(&app, move |conn| {
        Ok(pc_reviews::resolve(
            conn,
            &ReviewRequest {
                staff_id: form.staff_id.trim(),
                day,
                kind,
                resolution,
                reason: &form.reason,
                who: Who::of(role, &user),
                now,
                rules: &rules,
            },
        ))
    })
    .await?;
    let done = outcome.map(|r| {
        let done = format!("{}:{}:{}:{}", r.staff_id, r.day, r.kind.code(), r.resolution.code());
        ("reviewed", done)
    });
    answer(app, viewer, a, Ok(done)).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(queue_page)
        .service(resolve)
        .service(resolve_review)
        .service(bulk::bulk);
}
