//! A doctor's page: the month's figures, a timeline of shifts, duties,
//! self-study, side jobs and PC sessions, the running total against the
//! 80 / 100 / 155 h lines with the projection, the last twelve months, and
//! the doctor's interviews and measures. Who sees the page and the health
//! data of each interview is the access policy's rule ([`crate::policy`]):
//! the doctor, their manager, and per interview its assigned physician.
//!
//! The page leads with what is wrong and what to do next ([`banner`]): the
//! month's state in words, then each thing missing — the interview not
//! arranged or past its deadline, measures over 155 h, rest short or
//! 代償休息 overdue, 研鑽 unconfirmed, PC items and discrepancies open —
//! with the next action, who owns it and where it is done; a calm line
//! when nothing is wrong.

use super::charts::{self, Span};
use super::dashboard::month_as_of;
use super::{html, Lang, PageCtx, UiError, Viewer};
use crate::accounts::Role;
use crate::app::App;
use crate::db::models::{Doctor, Measure};
use crate::domain::interview::Status;
use crate::domain::time::{format_hm, YearMonth};
use crate::month::DoctorMonth;
use crate::report::dashboard::State;
use crate::report::doctor_month::{doctor_month, DoctorMonthError, DoctorMonthView, InterviewView};
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

/// Who owns a next action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Physician,
    Manager,
    Hr,
    ManagerOrHr,
    Doctor,
}

impl Owner {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Owner::Physician => ("面接指導実施医師", "the interviewing physician"),
            Owner::Manager => ("所属長", "the manager"),
            Owner::Hr => ("人事", "HR"),
            Owner::ManagerOrHr => ("所属長・人事", "the manager or HR"),
            Owner::Doctor => ("本人", "the doctor"),
        }
    }
}

/// One thing wrong with the month and what to do next.
#[derive(Debug, Clone)]
pub struct Alert {
    /// A stable code (`data-alert`), e.g. `interview_overdue`.
    pub code: &'static str,
    /// A breach of the rules now (rather than something still to do).
    pub violation: bool,
    pub what: String,
    pub next: String,
    pub owner: &'static str,
    /// Where it is done, when the viewer may go there: (href, words).
    pub link: Option<(String, &'static str)>,
}

/// The banner of the page: the state in words and what is wrong.
#[derive(Debug, Clone)]
pub struct Banner {
    /// 「時間外・休日労働 191:00（155時間超）」.
    pub state_line: String,
    pub alerts: Vec<Alert>,
}

impl Banner {
    pub fn violation(&self) -> bool {
        self.alerts.iter().any(|a| a.violation)
    }
    /// Whether an alert of this code is shown.
    pub fn has(&self, code: &str) -> bool {
        self.alerts.iter().any(|a| a.code == code)
    }
}

/// The state of a month in words.
fn state_words(state: State, lang: Lang) -> &'static str {
    let (ja, en) = match state {
        State::Over155 => ("155時間超", "over 155 h"),
        State::Over100 => ("100時間以上", "100 h or more"),
        State::Projected => ("月末に100時間以上の見込み", "projected to reach 100 h"),
        State::Watch => ("注意（80時間以上）", "watch (80 h or more)"),
        State::Normal => ("80時間未満", "under 80 h"),
    };
    pick(lang, ja, en)
}

fn pick<'a>(lang: Lang, ja: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// What is wrong with the month `v` as `viewer` sees it on `today`, and
/// what to do next: the banner of the page.
pub(crate) fn banner(v: &DoctorMonthView, viewer: &Viewer, today: NaiveDate) -> Banner {
    let lang = viewer.lang;
    let tr = |ja: &'static str, en: &'static str| pick(lang, ja, en);
    let m = &v.figures;
    let month = v.month.to_string();
    let staff = super::urlencode(&v.doctor.staff_id);
    let role = viewer.role;
    let may = |roles: &[Role]| roles.contains(&role);
    let owner = |o: Owner| {
        let (ja, en) = o.words();
        pick(lang, ja, en)
    };
    let mut state_line = match lang {
        Lang::Ja => format!(
            "時間外・休日労働 {}（{}）",
            format_hm(m.overtime_holiday_minutes),
            state_words(v.state, lang)
        ),
        Lang::En => format!(
            "Overtime and holiday work {} ({})",
            format_hm(m.overtime_holiday_minutes),
            state_words(v.state, lang)
        ),
    };
    if m.projected_overtime_holiday_minutes > m.overtime_holiday_minutes && v.as_of < v.month.last_day() {
        state_line.push_str(&format!(
            "{}{}",
            tr("・月末見込み ", ", projected "),
            format_hm(m.projected_overtime_holiday_minutes)
        ));
    }
    let mut alerts = Vec::new();
    let manage = may(&[Role::Admin, Role::Hr]).then(|| {
        (
            format!("/interviews/manage?month={month}"),
            tr("面接指導管理で設定する", "Arrange it in interview management"),
        )
    });

    // The month's interview (rules §8).
    let this = v.interviews.iter().find(|i| i.i.month == month);
    match this {
        Some(i) if i.i.held_on.is_none() => {
            let link = if i.linked {
                Some((
                    format!("/interviews/{}", i.i.id),
                    tr("面接指導のページへ", "Open the interview"),
                ))
            } else {
                manage.clone()
            };
            let deadline = i.i.deadline;
            let unassigned = i.physician.is_none();
            match i.status {
                Status::Overdue => alerts.push(Alert {
                    code: "interview_overdue",
                    violation: true,
                    what: match lang {
                        Lang::Ja => format!(
                            "面接指導の期限（{deadline}）を過ぎても実施されていません（期限超過 {}日）。",
                            (today - deadline).num_days().max(1)
                        ),
                        Lang::En => format!(
                            "The interview was due by {deadline} and has not been held (overdue by {} days).",
                            (today - deadline).num_days().max(1)
                        ),
                    },
                    next: if unassigned {
                        tr(
                            "面接指導実施医師を割り当て、直ちに面接指導を行う",
                            "Assign a physician and hold the interview at once",
                        )
                    } else {
                        tr(
                            "直ちに面接指導を行い、記録する",
                            "Hold the interview at once and record it",
                        )
                    }
                    .to_string(),
                    owner: owner(if unassigned { Owner::Hr } else { Owner::Physician }),
                    link,
                }),
                Status::DueNow | Status::Scheduled => {
                    let (code, what, next, who) = if unassigned {
                        (
                            "interview_unassigned",
                            tr(
                                "面接指導実施医師が割り当てられていません",
                                "No physician is assigned to the interview",
                            ),
                            tr("面接指導実施医師を割り当てる", "Assign a physician"),
                            Owner::Hr,
                        )
                    } else if i.i.scheduled_at.is_none() {
                        (
                            "interview_unscheduled",
                            tr("面接指導の予定日時が決まっていません", "The interview has no date yet"),
                            tr("予定日時を決めて面接指導を行う", "Set a date and hold the interview"),
                            Owner::Physician,
                        )
                    } else {
                        (
                            "interview_scheduled",
                            tr(
                                "面接指導はまだ実施されていません",
                                "The interview has not been held yet",
                            ),
                            tr(
                                "予定どおり面接指導を行い、記録する",
                                "Hold the interview as planned and record it",
                            ),
                            Owner::Physician,
                        )
                    };
                    let due_now = i.status == Status::DueNow;
                    alerts.push(Alert {
                        code,
                        violation: false,
                        what: match lang {
                            Lang::Ja => format!(
                                "{what}（期限 {deadline}{}）。",
                                if due_now { "・本日が期限" } else { "" }
                            ),
                            Lang::En => format!("{what} (due by {deadline}{}).", if due_now { ", today" } else { "" }),
                        },
                        next: next.to_string(),
                        owner: owner(who),
                        link: if unassigned { manage.clone().or(link) } else { link },
                    });
                }
                Status::Done => {}
            }
        }
        Some(_) => {}
        None => {
            if let Some(deadline) = m.interview_deadline {
                let late = (today - deadline).num_days();
                let overdue = late > 0 && m.over_100;
                alerts.push(Alert {
                    code: if overdue { "interview_overdue" } else { "interview_missing" },
                    violation: overdue,
                    what: match (lang, overdue) {
                        (Lang::Ja, true) => format!(
                            "面接指導が設定されないまま期限（{deadline}）を過ぎています（期限超過 {late}日）。"
                        ),
                        (Lang::En, true) => format!(
                            "No interview was arranged and its deadline ({deadline}) has passed (overdue by {late} days)."
                        ),
                        (Lang::Ja, false) => format!("面接指導が設定されていません（期限 {deadline}）。"),
                        (Lang::En, false) => format!("No interview is arranged (due by {deadline})."),
                    },
                    next: tr(
                        "面接指導を設定し、面接指導実施医師を割り当てて実施する",
                        "Arrange the interview, assign a physician and hold it",
                    )
                    .to_string(),
                    owner: owner(Owner::Hr),
                    link: manage.clone(),
                });
            }
        }
    }

    // Measures over 155 h (rules §8.6); physicians see no measures cases.
    if m.over_155 && role != Role::Physician {
        let recorded = v.measures_of(&month).any(|x| x.recorded_at.is_some());
        if !recorded {
            alerts.push(Alert {
                code: "measures_missing",
                violation: true,
                what: tr(
                    "155時間を超えていますが、就業上の措置（労働時間の短縮・宿直の回数の減少など）が記録されていません。",
                    "Over 155 h, and no measures (shorter hours, fewer night duties…) are recorded.",
                )
                .to_string(),
                next: tr("就業上の措置を決めて記録する", "Decide the measures and record them").to_string(),
                owner: owner(Owner::Manager),
                link: (role == Role::Manager)
                    .then(|| (format!("/measures?month={month}"), tr("就業上の措置へ", "Open measures"))),
            });
        }
    }

    // Rest between shifts and 代償休息 (rules §11).
    let comp_rest_page = may(&[Role::Admin, Role::Hr, Role::Manager]).then(|| {
        (
            format!("/doctors/{staff}/comp-rest?month={month}"),
            tr("代償休息の記録へ", "Record compensatory rest"),
        )
    });
    if let Some(r) = &v.computed.rest {
        let _ = r;
        let short = m.rest_actual_shortfalls;
        if short > 0 {
            alerts.push(Alert {
                code: "rest_short",
                violation: v.doctor.level() != crate::domain::Level::A,
                what: match lang {
                    Lang::Ja => format!("勤務間インターバル（休息）が不足した勤務が {short}件あります。"),
                    Lang::En => format!("{short} shifts had too little rest before them."),
                },
                next: tr(
                    "代償休息を与え、勤務表を見直す",
                    "Give compensatory rest and revise the roster",
                )
                .to_string(),
                owner: owner(Owner::Manager),
                link: Some(("#rest".to_string(), tr("休息の記録へ", "See the rest records"))),
            });
        }
        if m.comp_rest_overdue_minutes > 0 {
            alerts.push(Alert {
                code: "comp_rest_overdue",
                violation: true,
                what: match lang {
                    Lang::Ja => format!(
                        "代償休息 {} が期限（翌月末）までに与えられていません（期限超過）。",
                        format_hm(m.comp_rest_overdue_minutes)
                    ),
                    Lang::En => format!(
                        "{} of compensatory rest was not given by its deadline (overdue).",
                        format_hm(m.comp_rest_overdue_minutes)
                    ),
                },
                next: tr("代償休息を直ちに与え、記録する", "Give the rest at once and record it").to_string(),
                owner: owner(Owner::Manager),
                link: comp_rest_page.clone(),
            });
        }
    }

    if m.self_study_unconfirmed_rows > 0 {
        alerts.push(Alert {
            code: "self_study_unconfirmed",
            violation: false,
            what: match lang {
                Lang::Ja => format!(
                    "自己研鑽 {}件が上司の確認待ちです（確認まで労働時間として数えています）。",
                    m.self_study_unconfirmed_rows
                ),
                Lang::En => format!(
                    "{} self-study rows await the superior's confirmation (counted as work until then).",
                    m.self_study_unconfirmed_rows
                ),
            },
            next: tr("研鑽の内容を確認する", "Confirm the self-study").to_string(),
            owner: owner(Owner::Manager),
            link: may(&[Role::Admin, Role::Hr, Role::Manager]).then(|| {
                (
                    format!("/self-study?month={month}"),
                    tr("研鑽の確認へ", "Open self-study"),
                )
            }),
        });
    }
    if m.open_pc_reviews > 0 {
        alerts.push(Alert {
            code: "pc_reviews_open",
            violation: false,
            what: match lang {
                Lang::Ja => format!(
                    "自己研鑽・宿日直許可の時間中のPC使用 {}件が未確認です。",
                    m.open_pc_reviews
                ),
                Lang::En => format!(
                    "{} days of PC use during self-study or permitted duty are not reviewed.",
                    m.open_pc_reviews
                ),
            },
            next: tr("PC使用の内容を確認して処理する", "Review the PC use and resolve it").to_string(),
            owner: owner(Owner::ManagerOrHr),
            link: may(&[Role::Admin, Role::Hr, Role::Manager]).then(|| {
                (
                    format!("/discrepancies?month={month}#reviews"),
                    tr("PC使用の確認へ", "Open the PC reviews"),
                )
            }),
        });
    }
    if m.open_discrepancies > 0 {
        alerts.push(Alert {
            code: "discrepancies_open",
            violation: false,
            what: match lang {
                Lang::Ja => format!(
                    "タイムカードの外のPC使用（乖離）{}日分が未処理です。",
                    m.open_discrepancies
                ),
                Lang::En => format!(
                    "{} days of PC use outside the timecard are not resolved.",
                    m.open_discrepancies
                ),
            },
            next: tr(
                "本人に確認し、労働時間・自己研鑽・労働時間外のいずれかとして処理する",
                "Ask the doctor and resolve each as work, self-study or not work",
            )
            .to_string(),
            owner: owner(Owner::Hr),
            link: may(&[Role::Admin, Role::Hr]).then(|| {
                (
                    format!("/discrepancies?month={month}&doctor={staff}"),
                    tr("乖離の確認へ", "Open the discrepancies"),
                )
            }),
        });
    }
    if m.external_not_reported {
        alerts.push(Alert {
            code: "external_not_reported",
            violation: false,
            what: tr(
                "副業・兼業先の勤務時間が報告されていません（通算した時間は実際より少なく表示されています）。",
                "Hours at other employers are not reported (the combined figures are too low).",
            )
            .to_string(),
            next: tr("他院の勤務時間を報告する", "Report the hours elsewhere").to_string(),
            owner: owner(Owner::Doctor),
            link: (role == Role::Doctor).then(|| {
                (
                    format!("/me/declarations?month={month}#external-form"),
                    tr("報告する", "Report them"),
                )
            }),
        });
    }
    Banner { state_line, alerts }
}

#[derive(Template)]
#[template(path = "doctor.html")]
struct DoctorPage {
    banner: Banner,
    ctx: PageCtx,
    doctor: Doctor,
    month: String,
    previous: String,
    next: String,
    as_of: NaiveDate,
    m: DoctorMonth,
    state: State,
    /// Some health data is shown (of every interview, or of some).
    health: bool,
    method: &'static str,
    running_svg: String,
    months_svg: String,
    timeline_svg: String,
    interviews: Vec<InterviewView>,
    measures: Vec<Measure>,
    /// Rest between shifts and 代償休息 (rules §11), where they apply.
    rest: Option<super::rest::RestSection>,
}

impl DoctorPage {
    fn hm(&self, minutes: &i64) -> String {
        format_hm(*minutes)
    }
    /// The state of the month in words (with the card's colour).
    fn state_words(&self) -> &'static str {
        state_words(self.state, self.ctx.lang)
    }
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    month: Option<String>,
    as_of: Option<String>,
}

/// A doctor's month as the access policy lets the viewer see it (404 for
/// no such doctor and for one the viewer may not see).
pub(crate) fn read(
    conn: &mut crate::db::AnyConnection,
    app: &App,
    viewer: &Viewer,
    staff_id: &str,
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<DoctorMonthView, UiError> {
    doctor_month(
        conn,
        &app.settings.rules,
        viewer.who(),
        staff_id,
        month,
        as_of,
        app.settings.today(),
    )
    .map_err(|e| match e {
        DoctorMonthError::NotFound => UiError::NotFound(viewer.lang),
        other => UiError::internal(other),
    })
}

/// The page of a doctor's month: the read model with its charts.
fn page(app: &App, viewer: &Viewer, v: DoctorMonthView) -> DoctorPage {
    let ja = viewer.lang == Lang::Ja;
    let tr = |j: &'static str, e: &'static str| pick(viewer.lang, j, e);
    let banner = banner(&v, viewer, app.settings.today());
    let c = &v.computed;
    // The as-of date's place in the (agreement) month, 1-based.
    let as_of_day = usize::try_from((c.projection.as_of - v.month.first_day()).num_days() + 1).unwrap_or(1);
    let m = &v.figures;
    let summary = match viewer.lang {
        Lang::Ja => format!(
            "{} 時点 {}、月末見込み {}（{}）",
            v.as_of,
            format_hm(m.overtime_holiday_minutes),
            format_hm(m.projected_overtime_holiday_minutes),
            state_words(v.state, viewer.lang)
        ),
        Lang::En => format!(
            "{} as of {}, projected {} ({})",
            format_hm(m.overtime_holiday_minutes),
            v.as_of,
            format_hm(m.projected_overtime_holiday_minutes),
            state_words(v.state, viewer.lang)
        ),
    };
    let running_svg = charts::running_total(
        &c.projection.actual.running,
        &c.projection.running,
        as_of_day,
        (
            tr(
                "時間外・休日労働の累計と月末見込み",
                "Running total of overtime and holiday work",
            ),
            &summary,
        ),
        ja,
    );
    let bars: Vec<(String, i64)> = v.last_12_months.iter().map(|(m, x)| (m.to_string(), *x)).collect();
    let months_svg = charts::months(
        &bars,
        tr(
            "直近12か月の時間外・休日労働",
            "Overtime and holiday work, last 12 months",
        ),
        ja,
    );

    let mut spans: Vec<Span> = Vec::new();
    for s in &v.rows.timecard {
        spans.push(Span {
            start: s.start(),
            end: s.end(),
            class: s.kind().code(),
            label: format!(
                "{} {}–{}",
                if ja { s.kind().label_ja() } else { s.kind().code() },
                s.start().format("%m/%d %H:%M"),
                s.end().format("%m/%d %H:%M")
            ),
        });
    }
    for s in &v.rows.roster {
        spans.push(Span {
            start: s.start(),
            end: s.end(),
            class: "planned",
            label: format!(
                "{} {}–{}",
                tr("予定", "planned"),
                s.start().format("%m/%d %H:%M"),
                s.end().format("%m/%d %H:%M")
            ),
        });
    }
    for p in &v.rows.pc {
        spans.push(Span {
            start: p.logon,
            end: p.logoff,
            class: "pc",
            label: format!("PC {}–{}", p.logon.format("%H:%M"), p.logoff.format("%m/%d %H:%M")),
        });
    }
    let timeline_svg = charts::timeline(&v.days, &spans, tr("勤務の記録", "Timeline"), ja);
    let method = v.method();
    let rest = crate::report::rest::doctor_rest(&v.doctor, c).map(|r| super::rest::RestSection::of(&r));
    DoctorPage {
        banner,
        rest,
        ctx: viewer.ctx(app),
        month: v.month.to_string(),
        previous: v.month.previous().to_string(),
        next: v.month.next().to_string(),
        as_of: v.as_of,
        state: v.state,
        method,
        m: v.figures,
        health: v.health,
        running_svg,
        months_svg,
        timeline_svg,
        interviews: v.interviews,
        measures: v.measures,
        doctor: v.doctor,
    }
}

#[get("/doctors/{staff_id}")]
async fn doctor_page(
    app: web::Data<App>,
    viewer: Viewer,
    staff_id: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, UiError> {
    let (month, as_of) = month_as_of(&app, &viewer, q.month.as_deref(), q.as_of.as_deref())?;
    let staff_id = staff_id.into_inner();
    let app2 = app.clone();
    let p = super::with_conn(&app, move |conn| {
        let v = read(conn, &app2, &viewer, &staff_id, month, as_of)?;
        Ok(page(&app2, &viewer, v))
    })
    .await?;
    html(&p)
}

/// The doctor's own page; a month asked for (`?month=YYYY-MM`) is kept.
#[get("/me")]
async fn me(viewer: Viewer, q: web::Query<PageQuery>) -> Result<HttpResponse, UiError> {
    viewer.require(&[Role::Doctor])?;
    let staff = viewer.user.staff_id.clone().unwrap_or_default();
    let month = q
        .month
        .as_deref()
        .and_then(YearMonth::parse)
        .map(|m| format!("?month={m}"))
        .unwrap_or_default();
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/doctors/{}{month}", super::urlencode(&staff)),
        ))
        .finish())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(doctor_page).service(me);
}
