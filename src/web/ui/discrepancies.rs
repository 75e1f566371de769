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
use crate::domain::time::{format_hm, midnight, Minutes, YearMonth};
use crate::html::escape;
use crate::pc_reviews::{self, review_queue, ListedRow, OpenItem, ReviewRecord, ReviewRequest, ReviewResolution};
use crate::policy::Who;
use crate::report::queue::{queue, QueueItem};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Deserialize;
use std::fmt::Write;

const HR: [Role; 2] = [Role::Admin, Role::Hr];
/// Who sees the page: the discrepancies HR and admin, the review items
/// also the doctors' managers.
const REVIEWERS: [Role; 3] = [Role::Admin, Role::Hr, Role::Manager];

/// A timecard row of the day, as listed.
pub struct RowLine {
    pub kind_code: &'static str,
    pub kind_ja: &'static str,
    pub start: String,
    pub end: String,
    pub break_minutes: Minutes,
}

/// A PC session of the day, as listed.
pub struct PcLine {
    pub pc_name: String,
    pub logon: String,
    pub logoff: String,
    /// Its minutes outside every timecard row.
    pub uncovered: Minutes,
}

/// One open discrepancy day.
pub struct Item {
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub date: NaiveDate,
    pub uncovered: Minutes,
    pub rows: Vec<RowLine>,
    pub sessions: Vec<PcLine>,
    /// The intervals a `work` resolution would add, as `HH:MM–HH:MM`.
    pub gaps: Vec<String>,
    pub svg: String,
}

impl Item {
    /// The element id and form key of the day.
    pub fn key(&self) -> String {
        format!("{}_{}", self.staff_id, self.date)
    }
}

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
    items: Vec<Item>,
    resolved: Vec<ResolutionRecord>,
    /// Whether the discrepancy queue is shown (HR and admin).
    hr: bool,
    review_threshold: Minutes,
    reviews: Vec<ReviewLine>,
    reviews_resolved: Vec<ReviewRecord>,
    done: Option<String>,
    error: Option<String>,
    echo: Echo,
}

impl QueuePage {
    fn hm(&self, minutes: &Minutes) -> String {
        format_hm(*minutes)
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

/// Colours as on the doctor's page (charts.rs), so a kind looks the same.
fn colour(kind: &str) -> &'static str {
    match kind {
        "work" => "#1d5fa8",
        "duty" => "#7048e8",
        "duty_permitted" => "#b197fc",
        "self_study" => "#2b8a3e",
        "external" => "#e8590c",
        "pc" => "#495057",
        _ => "#d9480f",
    }
}

/// One bar of the day chart.
struct Bar {
    start: NaiveDateTime,
    end: NaiveDateTime,
    class: &'static str,
    title: String,
}

/// The day as three lanes on one time axis — timecard rows, PC sessions,
/// and the uncovered PC time — from midnight to the end of the latest bar
/// (at least 24 h, at most 72 h). Every text is escaped, so the SVG may be
/// inserted as is.
fn day_chart(day: NaiveDate, lanes: &[(&str, Vec<Bar>)], title: &str) -> String {
    const W: f64 = 720.0;
    const LEFT: f64 = 96.0;
    const TOP: f64 = 16.0;
    const ROW: f64 = 22.0;
    let from = midnight(day);
    let latest = lanes.iter().flat_map(|(_, bars)| bars.iter().map(|b| b.end)).max();
    let hours = latest.map_or(24, |l| {
        let minutes = (l - from).num_minutes();
        ((minutes + 59) / 60).clamp(24, 72)
    });
    let to = from + Duration::hours(hours);
    let span = (hours * 60) as f64;
    let width = W - LEFT - 8.0;
    let x = |t: NaiveDateTime| LEFT + width * (t.clamp(from, to) - from).num_minutes() as f64 / span;
    let height = TOP + ROW * lanes.len() as f64 + 6.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart day" viewBox="0 0 {W} {height}" width="{W}" height="{height}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    let step = if hours > 24 { 6 } else { 3 };
    for h in (0..=hours).step_by(step) {
        let xx = LEFT + width * (h * 60) as f64 / span;
        let _ = write!(
            s,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{TOP}" y2="{:.1}" stroke="#e3e6ea"/><text x="{xx:.1}" y="11" font-size="10" text-anchor="middle">{}</text>"##,
            height - 6.0,
            h % 24
        );
    }
    for (i, (label, bars)) in lanes.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let _ = write!(
            s,
            r#"<text x="4" y="{:.1}" font-size="11">{}</text>"#,
            y + 15.0,
            escape(label)
        );
        for b in bars.iter().filter(|b| b.end > from && b.start < to) {
            let (x0, x1) = (x(b.start), x(b.end));
            let _ = write!(
                s,
                r#"<rect class="{}" x="{x0:.1}" y="{:.1}" width="{:.1}" height="14" fill="{}"><title>{}</title></rect>"#,
                b.class,
                y + 4.0,
                (x1 - x0).max(1.0),
                colour(b.class),
                escape(&b.title)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// A queue item (`report::queue`) as the page shows it: its rows and
/// sessions as listed, and the day chart.
fn item_of(i: QueueItem) -> Item {
    let day = i.date;
    let row_bars = i
        .rows
        .iter()
        .map(|s| Bar {
            start: s.start(),
            end: s.end(),
            class: s.kind().code(),
            title: format!("{} {}–{}", s.kind().label_ja(), i.at(s.start()), i.at(s.end())),
        })
        .collect();
    let pc_bars = i
        .sessions
        .iter()
        .map(|s| Bar {
            start: s.logon,
            end: s.logoff,
            class: "pc",
            title: format!("PC {} {}–{}", s.pc_name, i.at(s.logon), i.at(s.logoff)),
        })
        .collect();
    let gap_bars = i
        .gaps
        .iter()
        .map(|g| Bar {
            start: g.start,
            end: g.end,
            class: "uncovered",
            title: format!(
                "未打刻 / uncovered {}–{} ({}分)",
                i.at(g.start),
                i.at(g.end),
                g.minutes()
            ),
        })
        .collect();
    let svg = day_chart(
        day,
        &[("タイムカード", row_bars), ("PCログ", pc_bars), ("未打刻", gap_bars)],
        &format!("{} {} {}", i.staff_id, i.name, day),
    );
    Item {
        rows: i
            .rows
            .iter()
            .map(|s| RowLine {
                kind_code: s.kind().code(),
                kind_ja: s.kind().label_ja(),
                start: i.at(s.start()),
                end: i.at(s.end()),
                break_minutes: s.break_minutes(),
            })
            .collect(),
        sessions: i
            .sessions
            .iter()
            .map(|s| PcLine {
                pc_name: s.pc_name.clone(),
                logon: i.at(s.logon),
                logoff: i.at(s.logoff),
                uncovered: s.uncovered,
            })
            .collect(),
        gaps: i.gap_texts(),
        svg,
        staff_id: i.staff_id,
        name: i.name,
        department: i.department,
        date: i.date,
        uncovered: i.uncovered,
    }
}

/// Renders the queue (with a message, or a refused form shown again).
async fn render(
    app: web::Data<App>,
    viewer: Viewer,
    month: YearMonth,
    as_of: NaiveDate,
    done: Option<String>,
    error: Option<String>,
    echo: Echo,
) -> Result<HttpResponse, UiError> {
    let rules = app.settings.rules.clone();
    let hr = HR.contains(&viewer.role);
    let (role, user) = (viewer.role, viewer.user.clone());
    let (q, reviews) = with_conn(&app, move |conn| {
        let q = if hr {
            Some(queue(conn, &rules, month, as_of)?)
        } else {
            None
        };
        let reviews = review_queue(conn, Who::of(role, &user), &rules, month, as_of)?;
        Ok((q, reviews))
    })
    .await?;
    let (items, resolved) = q.map_or((Vec::new(), Vec::new()), |q| {
        (q.items.into_iter().map(item_of).collect(), q.resolved)
    });
    html(&QueuePage {
        hr,
        review_threshold: app.settings.rules.pc_review_minutes,
        reviews: reviews.items.iter().map(review_line_of).collect(),
        reviews_resolved: reviews.resolved,
        ctx: viewer.ctx(&app),
        month: month.to_string(),
        previous: month.previous().to_string(),
        next: month.next().to_string(),
        as_of,
        threshold: app.settings.rules.discrepancy_minutes,
        items,
        resolved,
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
}

#[get("/discrepancies")]
async fn queue_page(app: web::Data<App>, viewer: Viewer, q: web::Query<QueueQuery>) -> Result<HttpResponse, UiError> {
    viewer.require(&REVIEWERS)?;
    let (month, as_of) = month_as_of(&app, &viewer, q.month.as_deref(), q.as_of.as_deref())?;
    let done = match (q.resolved.as_deref(), q.reviewed.as_deref()) {
        (Some(r), _) => done_message(&viewer, r),
        (None, Some(r)) => review_done_message(&viewer, r),
        (None, None) => None,
    };
    render(app, viewer, month, as_of, done, None, Echo::default()).await
}

/// The message after a resolution, from the redirect's `STAFF:DAY:CODE`
/// (anything else is ignored rather than echoed).
fn done_message(viewer: &Viewer, resolved: &str) -> Option<String> {
    let mut parts = resolved.rsplitn(3, ':');
    let code = Resolution::parse(parts.next()?)?;
    let day = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
    let staff_id = parts.next()?;
    Some(match viewer.lang {
        super::Lang::Ja => format!("{staff_id} の {day} を「{}」として処理しました。", code.label_ja()),
        super::Lang::En => format!("{staff_id} on {day} resolved as {}.", code.label_en()),
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
}

/// A resolution form as read: the page's month and as-of day, the day
/// asked about, and the form to show again if it is refused.
struct Asked {
    month: YearMonth,
    as_of: NaiveDate,
    day: NaiveDate,
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

/// Answers a resolution: back to the page with the `key=done` message
/// (303), or the page again with the refusal — a form without a choice
/// (400, the outer `Err`), or the rule's (409 already resolved, 403 not
/// theirs to resolve, 400 otherwise).
async fn answer(
    app: web::Data<App>,
    viewer: Viewer,
    Asked { month, as_of, echo, .. }: Asked,
    outcome: Result<Result<(&'static str, String), discrepancies::ResolveError>, &'static str>,
) -> Result<HttpResponse, UiError> {
    let (status, message) = match outcome {
        Ok(Ok((key, done))) => {
            let to = format!(
                "/discrepancies?month={month}&as_of={as_of}&{key}={}",
                super::urlencode(&done)
            );
            return Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish());
        }
        Err(message) => (StatusCode::BAD_REQUEST, message.to_string()),
        Ok(Err(e)) if e.is_user_error() => {
            let status = if e.is_conflict() {
                StatusCode::CONFLICT
            } else if e.is_forbidden() {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::BAD_REQUEST
            };
            (status, e.to_string())
        }
        Ok(Err(e)) => return Err(UiError::internal(e)),
    };
    let mut resp = render(app, viewer, month, as_of, None, Some(message), echo).await?;
    *resp.status_mut() = status;
    Ok(resp)
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
    cfg.service(queue_page).service(resolve).service(resolve_review);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_day_chart_escapes_its_texts_and_widens_for_sessions_past_midnight() {
        let day = NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
        let bars = vec![Bar {
            start: at("2024-06-03 22:00"),
            end: at("2024-06-04 02:00"),
            class: "pc",
            title: "PC <script>".into(),
        }];
        let svg = day_chart(day, &[("PC<ログ>", bars)], "A01 & co");
        assert!(svg.contains("PC &lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("PC&lt;ログ&gt;") && svg.contains("A01 &amp; co"));
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.contains(">6</text>"), "a 30 h axis is ticked every 6 h");
    }
}
