//! The inspector's print pack (立入検査, rules §12) as data: the documents
//! the prefecture's inspectors ask for about 医師の働き方改革, as the tables
//! that its A4 print layout, .xlsx workbook and CSV files (the screens,
//! `web::ui::print`) and the API's `GET /api/v1/inspection` are all made of,
//! so they hold the same content.
//!
//! The parts, in the pack's order (and their CSV names): `over100` the list of
//! doctors with a month ≥ 100 h in the twelve months ending `to`;
//! `checklist` 「病院立入検査重点項目」 of fiscal year `fy`; `staffing` the
//! reference week's 員数; `a`〜`e` the five documents (ア)〜(オ) of the period
//! `from`–`to`; `permits` 「宿日直許可と宿日直の実績」, the 宿日直許可
//! register with each month's duties per permit, and `permits_outside`, per
//! doctor and month the permitted duty outside every permit (rules §13).
//!
//! Admin and managers only. The admin's pack covers every doctor without
//! health data (pre-checks, check items and opinions are shown as recorded
//! or not); a manager's covers their doctors with it — the access rule of
//! the doctor page and the API, asked of [`crate::policy`] through
//! [`Scope`].
//!
//! The printed pack leaves out (ア)'s daily raw records ([`Want::SUMMARY`]):
//! they are attachments per month or per doctor ([`load_records`],
//! `records.rs`), given to the inspectors on request.
//!
//! Here the query, who may print and [`load`]; the [`Table`] model with its
//! CSV and .xlsx forms in `table.rs`; the parts in `parts.rs`,
//! `documents.rs` and `permits.rs`; the raw records' attachment in
//! `records.rs`.

mod documents;
mod parts;
mod permits;
mod records;
mod rest;
mod table;

pub use parts::{tables, PARTS, PRINT_ORDER, RAW_PARTS};
pub use records::{load_records, RecordsAttachment, RecordsError, RecordsParams, RecordsQuery};
pub use table::{to_csv, workbook, Cell, Column, Group, PrintRow, Table};

use crate::config::Settings;
use crate::db::AnyConnection;
use crate::domain::hours::RuleConfig;
use crate::domain::staffing::Staffing;
use crate::domain::time::YearMonth;
use crate::month::ReportError;
use crate::policy::{self, Who};
use crate::report::inspection::{self as insp, fiscal_year_of, Checklist, Documents, Over100Line, PermitsUse, Scope};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Deserialize;

/// The longest period of the documents (ア)〜(オ): a year.
const MAX_PERIOD_DAYS: i64 = 366;

// ---------------------------------------------------------------------------
// Query and scope.
// ---------------------------------------------------------------------------

/// The pack's parameters as given (all optional; read by hand, not by
/// serde, so that each surface answers a bad value its own way: the screens
/// a Japanese 400 page, the API its `bad_query` error).
#[derive(Debug, Deserialize)]
pub struct PackQuery {
    fy: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// The first day of the staffing report's reference week (rules §18).
    week: Option<String>,
}

/// The pack's parameters, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub fiscal_year: i32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The first of the seven days of the staffing report (rules §18).
    pub week: NaiveDate,
}

/// The default reference week of fiscal year `fy`'s staffing report: the
/// week (Monday to Sunday) holding 22 July — 令和6年7月22日（月）〜28日（日）
/// in FY2024, the week the prefecture named for doctors (rules §18). Another
/// week is asked for with `week=`.
pub fn reference_week(fy: i32) -> Option<NaiveDate> {
    let july_22 = NaiveDate::from_ymd_opt(fy, 7, 22)?;
    Some(july_22 - chrono::Duration::days(i64::from(july_22.weekday().num_days_from_monday())))
}

impl Params {
    /// Defaults: this fiscal year, and the previous calendar month (the last
    /// closed month) as the period.
    pub fn read(q: &PackQuery, today: NaiveDate) -> Result<Params, BadParams> {
        let bad = |(ja, en): (&str, &str), v: &str| BadParams(format!("{ja}: {v} / {en}: {v}"));
        let last_month = YearMonth::of(today).previous();
        let fiscal_year = match q.fy.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => s
                .parse::<i32>()
                .ok()
                .filter(|y| (2019..=2100).contains(y))
                .ok_or_else(|| bad(("fy（年度: 2019〜2100）", "fy (fiscal year, 2019–2100)"), s))?,
            None => fiscal_year_of(today),
        };
        let date = |v: Option<&str>, default: NaiveDate, what: (&str, &str)| -> Result<NaiveDate, BadParams> {
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
            (
                "from（YYYY-MM-DD、2000-01-01〜2099-12-31）",
                "from (YYYY-MM-DD, 2000-01-01 to 2099-12-31)",
            ),
        )?;
        let to = date(
            q.to.as_deref(),
            last_month.last_day(),
            (
                "to（YYYY-MM-DD、2000-01-01〜2099-12-31）",
                "to (YYYY-MM-DD, 2000-01-01 to 2099-12-31)",
            ),
        )?;
        if to < from {
            return Err(bad(
                ("期間（開始が終了より後）", "period (from after to)"),
                &format!("{from} – {to}"),
            ));
        }
        if (to - from).num_days() >= MAX_PERIOD_DAYS {
            return Err(bad(
                ("期間は1年以内", "the period is at most a year"),
                &format!("{from} – {to}"),
            ));
        }
        let week = date(
            q.week.as_deref(),
            reference_week(fiscal_year).unwrap_or(from),
            (
                "week（基準週の初日 YYYY-MM-DD）",
                "week (the reference week's first day, YYYY-MM-DD)",
            ),
        )?;
        Ok(Params {
            fiscal_year,
            from,
            to,
            week,
        })
    }

    /// The parameters as a query string, for links between the forms.
    pub fn query(&self) -> String {
        format!(
            "fy={}&from={}&to={}&week={}",
            self.fiscal_year, self.from, self.to, self.week
        )
    }

    /// For file names: `fy2024-2024-06-01_2024-06-30`.
    pub fn file_stem(&self) -> String {
        format!("fy{}-{}_{}", self.fiscal_year, self.from, self.to)
    }
}

/// A parameter the pack cannot be made of: `what: value`, in Japanese then
/// English (`日本語 / English`), the words of the 400 page and of the API's
/// error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParams(pub String);

/// Whether `who` may print the pack at all (the access policy's
/// [`policy::print_pack`]): admin and managers.
pub fn may_print(who: Who) -> bool {
    policy::print_pack(who).is_some()
}

// ---------------------------------------------------------------------------
// Loading.
// ---------------------------------------------------------------------------

/// Which parts to compute.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    over100: bool,
    checklist: bool,
    staffing: bool,
    documents: bool,
    /// (ア)'s daily raw records (with `documents`).
    work_status: bool,
    permits: bool,
    rest: bool,
}

impl Want {
    pub const ALL: Want = Want {
        over100: true,
        checklist: true,
        staffing: true,
        documents: true,
        work_status: true,
        permits: true,
        rest: true,
    };

    /// The printed pack: every part but (ア)'s daily raw records, which are
    /// attachments of their own (`records`), printed on request.
    pub const SUMMARY: Want = Want {
        work_status: false,
        ..Want::ALL
    };

    /// Whether (ア)'s daily raw records are loaded.
    pub fn work_status(&self) -> bool {
        self.documents && self.work_status
    }

    /// The parts one CSV file needs.
    pub fn of(part: &str) -> Want {
        Want {
            over100: part == "over100",
            checklist: part == "checklist",
            staffing: part == "staffing",
            documents: !matches!(
                part,
                "over100" | "checklist" | "staffing" | "permits" | "permits_outside" | "rest" | "comp_rest"
            ),
            work_status: part == "a",
            permits: matches!(part, "permits" | "permits_outside"),
            rest: matches!(part, "rest" | "comp_rest"),
        }
    }
}

/// Everything the pack shows.
pub struct Pack {
    pub want: Want,
    pub params: Params,
    pub scope: Scope,
    pub hospital: String,
    pub today: NaiveDate,
    pub generated: NaiveDateTime,
    pub over100: Vec<Over100Line>,
    pub checklist: Option<Checklist>,
    /// The reference week's staffing (rules §18) of the doctors in scope.
    pub staffing: Option<Staffing>,
    pub documents: Option<Documents>,
    /// The 宿日直許可 register and its use in the period (rules §13).
    pub permits: Option<PermitsUse>,
    /// Rest between shifts and 代償休息 of each month of the period (§11).
    pub rest: Option<insp::RestRecords>,
}

/// What the pack needs of the settings and the clock.
#[derive(Debug, Clone)]
pub struct Context {
    pub rules: RuleConfig,
    pub hospital: String,
    pub today: NaiveDate,
    /// When it is printed (hospital time).
    pub generated: NaiveDateTime,
}

impl Context {
    pub fn new(settings: &Settings, generated: NaiveDateTime) -> Context {
        Context {
            rules: settings.rules.clone(),
            hospital: settings.hospital_name.clone(),
            today: settings.today(),
            generated,
        }
    }
}

/// Why a pack was not made.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// `who` may not print it (see [`may_print`]).
    #[error("立入検査資料は管理者と所属長のみ / the print pack is for the administrator and managers")]
    NotAllowed,
    #[error(transparent)]
    Report(#[from] ReportError),
}

/// The parts `want` names of the pack `who` may print.
pub fn load(conn: &mut AnyConnection, ctx: &Context, who: Who, params: Params, want: Want) -> Result<Pack, PackError> {
    let scope = Scope::of(who).ok_or(PackError::NotAllowed)?;
    let (rules, today) = (&ctx.rules, ctx.today);
    let over100 = if want.over100 {
        // The twelve months ending with the period, never past this month.
        let to = rules.calendar.month_of(params.to.min(today));
        insp::over_100_list(conn, rules, to, today, &scope)?
    } else {
        Vec::new()
    };
    let checklist = if want.checklist {
        Some(insp::checklist(conn, rules, params.fiscal_year, today, &scope)?)
    } else {
        None
    };
    // A physician's pack is of their interviewees: no staffing count.
    let staffing = if want.staffing && scope.physician_login().is_none() {
        Some(crate::report::staffing::report_of(conn, params.week, rules, |d| {
            scope.includes(d)
        })?)
    } else {
        None
    };
    let documents = if want.documents {
        Some(insp::documents(
            conn,
            rules,
            (params.from, params.to),
            today,
            &scope,
            want.work_status(),
        )?)
    } else {
        None
    };
    let rest = if want.rest {
        Some(insp::rest_records(conn, rules, params.from, params.to, today, &scope)?)
    } else {
        None
    };
    let permits = if want.permits {
        Some(insp::permits_use(conn, rules, params.from, params.to, today, &scope)?)
    } else {
        None
    };
    Ok(Pack {
        want,
        params,
        scope,
        hospital: ctx.hospital.clone(),
        today,
        generated: ctx.generated,
        over100,
        checklist,
        staffing,
        documents,
        permits,
        rest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn q(fy: Option<&str>, from: Option<&str>, to: Option<&str>) -> PackQuery {
        PackQuery {
            fy: fy.map(str::to_string),
            from: from.map(str::to_string),
            to: to.map(str::to_string),
            week: None,
        }
    }

    #[test]
    fn the_pack_defaults_to_this_fiscal_year_and_the_last_closed_month() {
        let p = Params::read(&q(None, Some(" "), None), d("2024-07-22")).unwrap();
        let want = Params {
            fiscal_year: 2024,
            from: d("2024-06-01"),
            to: d("2024-06-30"),
            week: d("2024-07-22"),
        };
        assert_eq!(p, want);
        assert_eq!(p.query(), "fy=2024&from=2024-06-01&to=2024-06-30&week=2024-07-22");
        assert_eq!(p.file_stem(), "fy2024-2024-06-01_2024-06-30");
        let march = Params::read(&q(None, None, None), d("2025-03-10")).unwrap();
        assert_eq!(
            march.fiscal_year, 2024,
            "March belongs to the fiscal year of the April before"
        );
    }

    #[test]
    fn a_bad_year_or_period_says_what_and_which_value() {
        let today = d("2024-07-22");
        let bad = |fy, from, to| Params::read(&q(fy, from, to), today).unwrap_err().0;
        assert_eq!(
            bad(Some("2018"), None, None),
            "fy（年度: 2019〜2100）: 2018 / fy (fiscal year, 2019–2100): 2018"
        );
        assert!(bad(None, Some("2024-6-1x"), None).starts_with("from（"));
        assert_eq!(
            bad(None, Some("2024-06-30"), Some("2024-06-01")),
            "期間（開始が終了より後）: 2024-06-30 – 2024-06-01 / period (from after to): 2024-06-30 – 2024-06-01"
        );
        assert!(bad(None, Some("2024-01-01"), Some("2025-01-01")).starts_with("期間は1年以内"));
        assert!(Params::read(&q(None, Some("2024-01-01"), Some("2024-12-31")), today).is_ok());
    }

    #[test]
    fn the_reference_week_is_the_monday_to_sunday_holding_22_july() {
        assert_eq!(reference_week(2024), Some(d("2024-07-22")), "令和6年7月22日（月）");
        assert_eq!(reference_week(2025), Some(d("2025-07-21")), "22 July 2025 is a Tuesday");
        assert_eq!(reference_week(2029), Some(d("2029-07-16")), "22 July 2029 is a Sunday");
        let mut query = q(Some("2025"), None, None);
        query.week = Some("2025-08-04".into());
        let p = Params::read(&query, d("2025-09-01")).unwrap();
        assert_eq!(p.week, d("2025-08-04"));
        query.week = Some("8/4".into());
        assert!(Params::read(&query, d("2025-09-01"))
            .unwrap_err()
            .0
            .starts_with("week（"));
    }
}
