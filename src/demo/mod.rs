//! Example data for `kinmu serve --demo`: a small hospital's month, made up
//! but believable, so that someone trying kinmu sees every state of the
//! monthly report without having to produce CSV files first.
//!
//! [`files`] writes the five files a hospital's systems would hand over —
//! the doctors list (UTF-8, English headers), the 宿日直許可 register
//! (UTF-8, Japanese headers), the attendance system's timecard (Shift_JIS,
//! Japanese headers and kinds, night ends written as `33:00`), the duty
//! roster (勤務予定, UTF-8 with BOM) and the PC log-on log (UTF-8, Japanese
//! headers, seconds) — and [`load_if_empty`] imports them through the
//! ordinary import path ([`crate::ingest::run`]), exactly as `kinmu import`
//! would, so each lands in the import log and the audit log as `demo`.
//!
//! The content is driven by `PROFILES` (`hospital.rs`), one line per doctor: a two-week
//! pattern of day codes (see `Profile::fortnight`) and how long the doctor
//! stays after a day shift. Timecard rows cover the previous month and the
//! current month up to and including `today`; the roster covers the rest of
//! the current month; PC sessions follow the timecard, with a few evenings
//! where the PC stays on 45–90 minutes past clock-out (乖離, rules §9).
//! A believable hospital (issue 16): most doctors quiet (20–60 h of
//! overtime and holiday work a month), two near 80 h (D008, D010), three
//! past 100 h in a complete month (D003, D004, D009) and the C-1 emergency
//! physician D005 past 155 h — about 85 h by the middle of a month, never
//! absurdly high. [`replay`] then gives it a past: the daily job of every
//! morning, D004's timecard of the previous month imported after it
//! closed (a case found late), D003's and D005's interviews held in time,
//! D005's measures recorded, D009's interview left past its deadline.
//! The permitted night duty (宿直) of 内科 and 麻酔科 lies inside the
//! hospital's permit; 産婦人科's, which no permit names, is working time.
//!
//! Everything is deterministic: the variation (arrival times, overtime, PC
//! seconds) comes from a tiny generator seeded with each row's date and the
//! doctor, so the same `today` always gives the same bytes and a given day
//! looks the same whatever `today` is.

use crate::accounts::{NewAccount, Role};
use crate::db::{queries, AnyConnection};
use crate::domain::YearMonth;
use crate::import::FileError;
use crate::ingest::{self, ImportError, ImportKind, ImportRequest};
use crate::sim::{clock_out, day_rows, fortnight_day, hm, minutes, Rng, Row, RowKind};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use hospital::{Profile, PROFILES};
use std::fmt::Write as _;

mod history;
mod hospital;

pub use history::replay;

/// The five example files, as bytes ready to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFiles {
    /// Doctors list, UTF-8, English headers.
    pub doctors: Vec<u8>,
    /// The 宿日直許可 register, UTF-8, Japanese headers.
    pub permits: Vec<u8>,
    /// Timecard, Shift_JIS, Japanese headers and kinds.
    pub timecard: Vec<u8>,
    /// Roster (勤務予定) for the days after `today`, UTF-8 with BOM.
    pub roster: Vec<u8>,
    /// PC log-on/log-off sessions, UTF-8, Japanese headers.
    pub pclog: Vec<u8>,
    /// The timecard rows that came after the previous month closed (one
    /// doctor's month), Shift_JIS like the timecard: imported by
    /// [`replay`] after the daily runs, so its case is found late.
    pub late_timecard: Vec<u8>,
}

impl DemoFiles {
    /// The files in the order they must be imported, with their names.
    pub fn imports(&self) -> [(ImportKind, &'static str, &[u8]); 5] {
        [
            (ImportKind::Doctors, "demo-doctors.csv", &self.doctors),
            (ImportKind::Permits, "demo-permits.csv", &self.permits),
            (ImportKind::Timecard, "demo-timecard.csv", &self.timecard),
            (ImportKind::Roster, "demo-roster.csv", &self.roster),
            (ImportKind::Pclog, "demo-pclog.csv", &self.pclog),
        ]
    }
}

/// Why the demo is not loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0} はデモ用に作られたデータベースではありません。公開されたパスワードのデモ用アカウントとデモデータは入れません。新しいデータベースを指定するか（--database-url を外すと data/demo.db）、本当にこのデータベースに入れるときは --demo-into-this-database を付けてください / {0} was not created as a demo database: refusing to put the demo accounts (with their public password) and data into it; name a new database (without --database-url the demo uses data/demo.db), or pass --demo-into-this-database if you really mean this one")]
    NotADemoDatabase(String),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("データベースの処理に失敗しました: {0} / database error")]
    Db(#[from] diesel::result::Error),
    #[error("デモの過去の記録を作成できません: {0} / demo history not replayed")]
    History(String),
}

/// Whether the database carries the demo's mark (see [`claim`]).
pub fn is_demo_database(conn: &mut AnyConnection) -> Result<bool, diesel::result::Error> {
    crate::db::demo::has_demo_mark(conn)
}

/// Decides whether the demo may use this database, marking it as a demo
/// database when it may: one that already carries the mark; one the demo
/// has just created (`created_now`: the SQLite file did not exist before
/// this start) and that is still empty; or any database when the operator
/// said so (`--demo-into-this-database`). Anything else — a real, possibly
/// empty, database reached through `DATABASE_URL` — is refused, so the demo's
/// accounts with their public password never land in it silently.
pub fn claim(
    conn: &mut AnyConnection,
    shown_as: &str,
    created_now: bool,
    into_this_database: bool,
    now: NaiveDateTime,
) -> Result<(), DemoError> {
    if is_demo_database(conn)? {
        return Ok(());
    }
    let brand_new = created_now && queries::all_doctors(conn)?.is_empty() && crate::db::demo::user_count(conn)? == 0;
    if !(brand_new || into_this_database) {
        return Err(DemoError::NotADemoDatabase(shown_as.to_string()));
    }
    crate::db::write_transaction(conn, |conn| -> Result<(), DemoError> {
        crate::db::demo::insert_demo_mark(conn, now)?;
        crate::audit::log(
            conn,
            None,
            crate::audit::Category::System,
            "demo_database",
            serde_json::json!({ "created_now": brand_new, "forced": into_this_database }),
            now,
        )
        .map_err(ImportError::from)?;
        Ok(())
    })
}

/// Loads the example hospital when the database has no doctors yet.
/// Returns whether anything was loaded. Refuses a database without the
/// demo's mark (see [`claim`]).
///
/// A rejected row would be a bug of this generator (the tests check that
/// there are none); it is reported as an unreadable file rather than
/// loading half a hospital.
pub fn load_if_empty(conn: &mut AnyConnection, today: NaiveDate, now: NaiveDateTime) -> Result<bool, DemoError> {
    if !is_demo_database(conn)? {
        return Err(DemoError::NotADemoDatabase("このデータベース / this database".into()));
    }
    if !queries::all_doctors(conn).map_err(ImportError::from)?.is_empty() {
        return Ok(false);
    }
    let files = files(today);
    for (kind, file_name, bytes) in files.imports() {
        let report = ingest::run(
            conn,
            &ImportRequest {
                layout: None,
                period: None,
                published_at: None,
                kind,
                bytes,
                file_name,
                skip_invalid: false,
                actor: Some("demo"),
                now,
            },
        )?;
        if let Some(bad) = report.rejected.first() {
            return Err(DemoError::Import(ImportError::File(FileError::Csv {
                line: bad.line,
                message: format!(
                    "デモデータ {file_name} の行が取り込めません: {} / demo data row rejected",
                    bad.reason
                ),
            })));
        }
    }
    for account in accounts(today) {
        let demo = crate::accounts::AccountPolicy {
            demo_mode: true,
            ..Default::default()
        };
        crate::accounts::add_user(conn, &account, &demo, None, now).map_err(|e| {
            DemoError::Import(ImportError::File(FileError::Csv {
                line: 0,
                message: format!("デモ用アカウントを作成できません: {e} / demo account not created"),
            }))
        })?;
    }
    Ok(true)
}

/// The password of every demo account (printed when the demo starts).
pub use crate::accounts::DEMO_PASSWORD;

/// The department head (所属長) who receives a department's manager mails.
fn manager_of(department: &str) -> &'static str {
    match department {
        "内科" => "naika-bucho",
        "外科" => "geka-bucho",
        "救急科" => "kyukyu-bucho",
        _ => "byoin-bucho",
    }
}

/// The demo hospital's accounts: an administrator, HR, department heads,
/// two trained interview physicians, one not yet trained, the hospital's
/// 管理者 (never an interview physician), and D001's own account.
pub fn accounts(today: NaiveDate) -> Vec<NewAccount> {
    let trained = Some(YearMonth::of(today).previous().previous().first_day());
    let account = |login: &str, role: Role, name: &str, department: &str| NewAccount {
        login: login.into(),
        role,
        name: Some(name.into()),
        staff_id: None,
        email: Some(format!("{login}@example.org")),
        department: Some(department.into()),
        trained_on: None,
        is_administrator: false,
        password: DEMO_PASSWORD.into(),
    };
    vec![
        account("admin", Role::Admin, "システム管理者", "情報システム室"),
        account("jinji", Role::Hr, "人事課 担当", "人事課"),
        account("naika-bucho", Role::Manager, "内科部長", "内科"),
        account("geka-bucho", Role::Manager, "外科部長", "外科"),
        account("kyukyu-bucho", Role::Manager, "救急科部長", "救急科"),
        account("byoin-bucho", Role::Manager, "診療部長", "診療部"),
        NewAccount {
            trained_on: trained,
            ..account("sangyo-i", Role::Physician, "産業医 森 雅子", "健康管理室")
        },
        NewAccount {
            trained_on: trained,
            ..account("mensetsu-i", Role::Physician, "面接指導医 石田 剛", "健康管理室")
        },
        account("kenshu-mae", Role::Physician, "講習未受講 医師", "内科"),
        NewAccount {
            trained_on: trained,
            is_administrator: true,
            ..account("incho", Role::Physician, "病院長（管理者）", "病院長室")
        },
        NewAccount {
            staff_id: Some("D001".into()),
            ..account("d001", Role::Doctor, "佐藤 健一", "内科")
        },
    ]
}

/// One demo account as the sign-in page of `serve --demo` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInHint {
    pub login: String,
    pub role: Role,
    /// Whose account it is (the person's name, or the doctor's).
    pub name: String,
    /// What to try with it, in Japanese and in English.
    pub try_ja: &'static str,
    pub try_en: &'static str,
}

/// The demo accounts with what each is for, in the order a newcomer would
/// try them (the sign-in page lists them only on a demo database served
/// with `--demo`; they share [`DEMO_PASSWORD`]).
pub fn sign_in_hints(today: NaiveDate) -> Vec<SignInHint> {
    let try_with = |login: &str| -> (&'static str, &'static str) {
        match login {
            "admin" => (
                "利用者台帳・アクセスログ・すべての画面",
                "users, access log, every screen",
            ),
            "jinji" => (
                "月次一覧・取込・乖離・面接指導管理・立入検査資料",
                "dashboard, imports, discrepancies, interviews, inspection pack",
            ),
            "naika-bucho" => (
                "内科の医師の月次一覧・就業上の措置",
                "the 内科 doctors' dashboard, measures",
            ),
            "geka-bucho" | "kyukyu-bucho" | "byoin-bucho" => {
                ("自分の診療科の医師の月次一覧", "the department's dashboard")
            }
            "sangyo-i" | "mensetsu-i" => ("担当する面接指導の記録", "recording the interviews assigned"),
            "kenshu-mae" => (
                "講習未受講のため面接指導を担当できない医師",
                "a physician not yet trained (never assigned)",
            ),
            "incho" => (
                "病院の管理者（面接指導を担当しない）",
                "the hospital's 管理者 (never assigned)",
            ),
            "d001" => (
                "自分の勤務・研鑽の申告・セルフチェック",
                "own month, declarations, self-check",
            ),
            _ => ("", ""),
        }
    };
    accounts(today)
        .into_iter()
        .map(|a| {
            let (try_ja, try_en) = try_with(&a.login);
            let name = a.name.unwrap_or_else(|| a.login.clone());
            let name = match &a.staff_id {
                Some(id) => format!("{name}（{id}）"),
                None => name,
            };
            SignInHint {
                login: a.login,
                role: a.role,
                name,
                try_ja,
                try_en,
            }
        })
        .collect()
}

/// Writes the example files for a hospital whose today is `today` (pure).
pub fn files(today: NaiveDate) -> DemoFiles {
    let month = YearMonth::of(today);
    let from = month.previous().first_day();
    let to = month.last_day();

    let mut doctors =
        String::from("staff_id,name,department,level,email,legal_holiday,pc_account,scheduled_start,manager_login\n");
    let mut timecard = String::from("職員番号,勤務日,出勤,退勤,休憩時間(分),勤務区分\r\n");
    let mut late_timecard = timecard.clone();
    let late_from = month
        .previous()
        .first_day()
        .with_day(history::LATE_FROM_DAY)
        .unwrap_or(from);
    let mut roster = String::from("\u{feff}職員番号,日付,開始,終了,休憩,区分\n");
    let mut pclog = String::from("職員番号,端末名,ログオン,ログオフ\n");

    for (index, p) in PROFILES.iter().enumerate() {
        let _ = writeln!(
            doctors,
            "{},{},{},{},{}@example.org,{},{},{},{}",
            p.staff_id,
            p.name,
            p.department,
            p.level,
            p.staff_id.to_ascii_lowercase(),
            p.legal_holiday,
            p.pc_account,
            p.scheduled_start.map(hm).unwrap_or_default(),
            manager_of(p.department),
        );
        let rows = schedule(p, index, from, to, today);
        let (actual, planned): (Vec<&Row>, Vec<&Row>) = rows.iter().partition(|r| r.start.date() <= today);
        for r in &actual {
            let line = shift_line(p.staff_id, r, "%Y/%m/%d", &r.break_minutes.to_string());
            let late =
                p.staff_id == history::LATE_DOCTOR && r.start.date() >= late_from && r.start.date() < month.first_day();
            let file = if late { &mut late_timecard } else { &mut timecard };
            file.push_str(&line);
            file.push_str("\r\n");
        }
        // Self-study is never ordered, so never planned.
        for r in planned.iter().filter(|r| r.kind != RowKind::SelfStudy) {
            let break_text = format!("{}:{:02}", r.break_minutes / 60, r.break_minutes % 60);
            roster.push_str(&shift_line(p.staff_id, r, "%Y-%m-%d", &break_text));
            roster.push('\n');
        }
        let account = if p.pc_account.is_empty() {
            p.staff_id
        } else {
            p.pc_account
        };
        for (logon, logoff) in pc_sessions(p, index, &actual) {
            let _ = writeln!(
                pclog,
                "{account},{},{},{}",
                p.pc_name,
                logon.format("%Y/%m/%d %H:%M:%S"),
                logoff.format("%Y/%m/%d %H:%M:%S")
            );
        }
    }

    DemoFiles {
        doctors: doctors.into_bytes(),
        permits: hospital::permits_csv().into_bytes(),
        timecard: encoding_rs::SHIFT_JIS.encode(&timecard).0.into_owned(),
        roster: roster.into_bytes(),
        pclog: pclog.into_bytes(),
        late_timecard: encoding_rs::SHIFT_JIS.encode(&late_timecard).0.into_owned(),
    }
}

/// The doctor's rows from `from` to `to`: as worked up to `today`, as
/// planned after it. Rows never overlap: a row that would start before the
/// previous one ends starts when it ends (and is dropped if little is left).
fn schedule(p: &Profile, index: usize, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Vec<Row> {
    let codes: Vec<char> = p.fortnight.chars().collect();
    let mut rows: Vec<Row> = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let code = codes.get(fortnight_day(date)).copied().unwrap_or('-');
        let mut rng = Rng::for_demo(date, index, 1);
        for mut row in day_rows(&p.pattern(), code, date, date <= today, &mut rng) {
            if let Some(prev) = rows.last() {
                row.start = row.start.max(prev.end);
            }
            if minutes(row.start, row.end) >= row.break_minutes + 60 {
                rows.push(row);
            }
        }
    }
    rows
}

/// One timecard or roster line (without its line end): the attendance
/// system and the roster tool differ only in how they write dates and
/// breaks.
fn shift_line(staff_id: &str, r: &Row, date_format: &str, break_text: &str) -> String {
    format!(
        "{staff_id},{},{},{},{break_text},{}",
        r.start.format(date_format),
        r.start.format("%H:%M"),
        clock_out(r),
        r.kind.label()
    )
}

/// PC sessions during the worked rows: charting during day and night
/// shifts, an evening's notes on duty, reading during self-study, nothing
/// at the other hospital. On some days the PC stays on 45–90 minutes past
/// clock-out, when nothing else follows soon.
fn pc_sessions(p: &Profile, index: usize, rows: &[&Row]) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let mut sessions = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        // Seeded by the row itself, so a day's sessions never depend on
        // where the file starts.
        let mut rng = Rng::for_demo(
            r.start.date(),
            index,
            2 + u64::from(r.start.time().num_seconds_from_midnight()),
        );
        let second = |rng: &mut Rng| Duration::seconds(rng.between(0, 59));
        let at = |m: i64| r.start + Duration::minutes(m);
        let length = minutes(r.start, r.end);
        let (logon, logoff) = match r.kind {
            RowKind::Day | RowKind::Night => {
                let logon = at(rng.between(3, 15));
                let free_after = rows.get(i + 1).is_none_or(|next| minutes(r.end, next.start) >= 120);
                let overrun = p.overrun_one_in > 0
                    && r.kind == RowKind::Day
                    && free_after
                    && rng.between(0, p.overrun_one_in as i64 - 1) == 0;
                let logoff = if overrun {
                    r.end + Duration::minutes(rng.between(45, 90))
                } else {
                    r.end - Duration::minutes(rng.between(3, 12))
                };
                (logon, logoff)
            }
            RowKind::NightDuty | RowKind::DayDuty | RowKind::FullDuty => {
                (at(rng.between(20, 60)), at(rng.between(180, 300).min(length - 10)))
            }
            RowKind::DutyPermitted => (at(rng.between(90, 150)), at(rng.between(160, 200))),
            RowKind::SelfStudy => (at(5), r.end - Duration::minutes(5)),
            RowKind::SideJob => continue,
        };
        if logoff > logon {
            sessions.push((logon + second(&mut rng), logoff + second(&mut rng)));
        }
    }
    sessions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{open, DatabaseUrl, Pool};
    use crate::domain::time::midnight;
    use crate::domain::{RuleConfig, Shift};
    use crate::import::{decode, parse_doctors, parse_pclog, parse_permits, parse_shifts};
    use crate::month::{monthly, DoctorMonth};
    use std::collections::BTreeMap;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Mid-month, early in a month, a month's last day, a leap day.
    const DATES: [&str; 4] = ["2024-06-14", "2024-07-02", "2024-06-30", "2024-02-29"];

    /// Timecard and roster rows by staff id, both files parsed cleanly.
    fn shifts_by_doctor(files: &DemoFiles) -> BTreeMap<String, Vec<Shift>> {
        let mut by_doctor: BTreeMap<String, Vec<Shift>> = BTreeMap::new();
        for bytes in [&files.timecard, &files.roster, &files.late_timecard] {
            for row in parse_shifts(bytes).unwrap().rows {
                by_doctor.entry(row.value.staff_id).or_default().push(row.value.shift);
            }
        }
        by_doctor
    }

    fn demo_database(today: NaiveDate) -> (tempfile::TempDir, Pool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = open(&DatabaseUrl::Sqlite(dir.path().join("demo.db")), 2).unwrap();
        let mut conn = pool.get().unwrap();
        claim(&mut conn, "demo.db", true, false, midnight(today)).unwrap();
        assert!(load_if_empty(&mut conn, today, midnight(today) + Duration::hours(9)).unwrap());
        // The accounts come with it: each role, and only trained non-管理者
        // physicians can be chosen for interviews.
        // The permits register came through the import, as `demo`.
        assert_eq!(crate::db::permits::register(&mut conn).unwrap().len(), 3);
        let users = crate::accounts::active_users(&mut conn).unwrap();
        assert_eq!(users.len(), accounts(today).len());
        let physicians = crate::monitor::records::physicians_with_load(&mut conn).unwrap();
        let eligible: Vec<&str> = physicians
            .iter()
            .filter(|p| p.may_interview(today))
            .map(|p| p.login.as_str())
            .collect();
        assert_eq!(eligible, vec!["mensetsu-i", "sangyo-i"]);
        drop(conn);
        (dir, pool)
    }

    #[test]
    fn every_file_parses_without_a_rejected_row_or_an_unknown_column() {
        for date in DATES {
            let files = files(d(date));
            let doctors = parse_doctors(&files.doctors).unwrap();
            let permits = parse_permits(&files.permits).unwrap();
            assert_eq!(permits.rows.len(), 3);
            assert!(permits.rejected.is_empty() && permits.ignored_columns.is_empty());
            assert_eq!(doctors.rows.len(), PROFILES.len());
            assert!(doctors.rejected.is_empty(), "{date}: {:?}", doctors.rejected);
            assert!(doctors.ignored_columns.is_empty());
            for (name, bytes) in [
                ("timecard", &files.timecard),
                ("roster", &files.roster),
                ("late timecard", &files.late_timecard),
            ] {
                let parsed = parse_shifts(bytes).unwrap();
                assert!(parsed.rejected.is_empty(), "{date} {name}: {:?}", parsed.rejected);
                assert!(parsed.ignored_columns.is_empty());
            }
            // The late file: one doctor's previous month only.
            let late = parse_shifts(&files.late_timecard).unwrap().rows;
            assert!(!late.is_empty(), "{date}");
            let previous = YearMonth::of(d(date)).previous();
            assert!(late.iter().all(|r| r.value.staff_id == history::LATE_DOCTOR
                && YearMonth::of(r.value.shift.start_date()) == previous
                && r.value.shift.start_date().day() >= history::LATE_FROM_DAY));
            let pclog = parse_pclog(&files.pclog).unwrap();
            assert!(pclog.rejected.is_empty(), "{date}: {:?}", pclog.rejected);
            assert!(!pclog.rows.is_empty());
        }
    }

    #[test]
    fn the_timecard_is_shift_jis_with_japanese_headers_kinds_and_ends_past_24() {
        let files = files(d("2024-06-14"));
        assert_eq!(parse_shifts(&files.timecard).unwrap().encoding, "shift_jis");
        assert_eq!(parse_shifts(&files.roster).unwrap().encoding, "utf-8");
        let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(&files.timecard);
        assert!(!had_errors && !text.contains("&#"), "every character is in Shift_JIS");
        assert!(text.starts_with("職員番号,勤務日,出勤,退勤,休憩時間(分),勤務区分\r\n"));
        for kind in ["日勤", "夜勤", "宿日直", "宿日直許可", "自己研鑽", "副業"] {
            assert!(text.contains(&format!(",{kind}\r\n")), "no {kind} row");
        }
        // Night shifts end past 24; duty ends the next morning as 08:30.
        assert!(text.contains(",16:30,33:00,60,夜勤"));
        assert!(text.contains(",17:00,08:30,60,宿直\r\n"));
        let doctors = decode(&files.doctors).unwrap().text;
        assert!(doctors.starts_with("staff_id,name,department,level,email"));
        assert!(doctors.contains("d001@example.org"));
    }

    #[test]
    fn the_same_date_gives_the_same_bytes_and_a_day_looks_the_same_from_later_dates() {
        assert_eq!(files(d("2024-06-14")), files(d("2024-06-14")));
        let earlier = decode(&files(d("2024-06-14")).pclog).unwrap().text.into_owned();
        let later = decode(&files(d("2024-07-10")).pclog).unwrap().text.into_owned();
        let june_13 = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| l.contains(",2024/06/13 "))
                .map(String::from)
                .collect()
        };
        assert!(!june_13(&earlier).is_empty());
        assert_eq!(june_13(&earlier), june_13(&later));
    }

    #[test]
    fn the_timecard_runs_to_today_and_the_roster_plans_the_rest_of_the_month() {
        for date in DATES {
            let today = d(date);
            let month = YearMonth::of(today);
            let files = files(today);
            let starts = |bytes: &[u8]| -> Vec<NaiveDate> {
                parse_shifts(bytes)
                    .unwrap()
                    .rows
                    .iter()
                    .map(|r| r.value.shift.start_date())
                    .collect()
            };
            let worked = starts(&files.timecard);
            assert_eq!(worked.iter().min(), Some(&month.previous().first_day()));
            assert_eq!(worked.iter().max(), Some(&today));
            let planned = starts(&files.roster);
            assert!(planned.iter().all(|s| *s > today && *s <= month.last_day()));
            assert_eq!(planned.is_empty(), today == month.last_day(), "{date}");
        }
    }

    #[test]
    fn no_doctor_has_two_rows_at_the_same_time_in_timecard_and_roster_together() {
        for date in DATES {
            for (staff_id, mut shifts) in shifts_by_doctor(&files(d(date))) {
                shifts.sort_by_key(Shift::start);
                for pair in shifts.windows(2) {
                    assert!(
                        pair[0].end() <= pair[1].start(),
                        "{date} {staff_id}: {:?} overlaps {:?}",
                        pair[0],
                        pair[1]
                    );
                }
            }
        }
    }

    #[test]
    fn the_doctors_mix_departments_levels_holidays_start_times_and_pc_accounts() {
        let parsed = parse_doctors(&files(d("2024-06-14")).doctors).unwrap();
        let doctors: Vec<_> = parsed.rows.into_iter().map(|r| r.value).collect();
        for department in ["内科", "外科", "救急科", "小児科", "産婦人科", "麻酔科"] {
            assert!(doctors.iter().any(|x| x.department.as_deref() == Some(department)));
        }
        let levels: Vec<&str> = doctors.iter().map(|x| x.level.code()).collect();
        for level in ["A", "連携B", "B", "C-1"] {
            assert!(levels.contains(&level), "no {level} doctor");
        }
        assert_eq!(
            doctors
                .iter()
                .filter(|x| x.legal_holiday == crate::domain::profile::LegalHoliday::Fixed(chrono::Weekday::Sat))
                .count(),
            1
        );
        assert!(doctors.iter().any(|x| x.scheduled_start.is_some()));
        assert!(doctors
            .iter()
            .any(|x| x.pc_account.as_ref().is_some_and(|a| *a != x.staff_id)));
        let pclog = parse_pclog(&files(d("2024-06-14")).pclog).unwrap();
        assert!(pclog.rows.iter().any(|r| r.value.account == "yoshida.megumi"));
    }

    /// The demo as `serve --demo` leaves it: loaded, its past replayed.
    fn replayed(today: NaiveDate) -> (tempfile::TempDir, Pool) {
        let (dir, pool) = demo_database(today);
        let settings = crate::config::Settings::load_with(None, &|_| None).unwrap();
        let mailer = crate::monitor::mailer::Mailer::from_url(None, "kinmu@example.org").unwrap();
        let mut conn = pool.get().unwrap();
        replay(
            &mut conn,
            &settings,
            &mailer,
            today,
            midnight(today) + Duration::hours(9),
        )
        .unwrap();
        drop(conn);
        (dir, pool)
    }

    #[test]
    fn the_demo_is_a_believable_hospital_with_every_state_and_its_cases() {
        let today = d("2024-06-14");
        let (_dir, pool) = replayed(today);
        let mut conn = pool.get().unwrap();
        assert!(!load_if_empty(&mut conn, today, midnight(today)).unwrap());
        let rules = RuleConfig::default();
        let hours = |l: &DoctorMonth| l.overtime_holiday_minutes / 60;

        // The complete previous month: most doctors quiet, one to watch,
        // a few over 100 h, one over 155 h (the C-1 emergency physician).
        let may = YearMonth::parse("2024-05").unwrap();
        let report = monthly(&mut conn, may, today, &rules).unwrap();
        assert_eq!(report.doctors.len(), PROFILES.len());
        let figures: Vec<(String, i64)> = report.doctors.iter().map(|l| (l.staff_id.clone(), hours(l))).collect();
        let count = |f: &dyn Fn(&DoctorMonth) -> bool| report.doctors.iter().filter(|l| f(l)).count();
        assert!(
            count(&|l| (20..=60).contains(&hours(l)) && !l.watch) >= 6,
            "most quiet: {figures:?}"
        );
        assert!(count(&|l| l.watch && !l.over_100) >= 1, "one to watch: {figures:?}");
        assert!(
            (2..=4).contains(&count(&|l| l.over_100 && !l.over_155)),
            "a few over 100: {figures:?}"
        );
        assert_eq!(count(&|l| l.over_155), 1, "{figures:?}");
        assert!(count(&|l| hours(l) > 220) == 0, "nobody absurdly high: {figures:?}");
        let er = report.doctors.iter().find(|l| l.over_155).unwrap();
        assert_eq!((er.staff_id.as_str(), er.level.as_str()), ("D005", "C-1"));

        // Its cases: interviews held in time, measures recorded over 155 h,
        // one interview past its deadline, and one found late (the late file).
        let lines = crate::monitor::records::list_interviews(&mut conn, may, today).unwrap();
        let case = |id: &str| {
            lines
                .iter()
                .find(|l| l.staff_id == id)
                .unwrap_or_else(|| panic!("no interview for {id}: {lines:?}"))
        };
        for id in history::HELD_IN_TIME {
            assert!(
                case(id).held_on.is_some() && case(id).interview_in_time == Some(true),
                "{id}: {:?}",
                case(id)
            );
        }
        assert!(
            case(history::LATE_DOCTOR).opened_late,
            "{:?}",
            case(history::LATE_DOCTOR)
        );
        let overdue = lines
            .iter()
            .filter(|l| l.held_on.is_none() && !l.opened_late && l.status == crate::domain::interview::Status::Overdue)
            .count();
        assert!(overdue >= 1, "one overdue: {lines:?}");
        let measures = crate::monitor::records::list_measures(&mut conn, may).unwrap();
        assert!(measures
            .iter()
            .any(|(m, d)| d.staff_id == history::MEASURES_RECORDED && m.recorded_at.is_some()));

        // Mid-month: the month's projection, nobody absurdly high.
        let month = YearMonth::parse("2024-06").unwrap();
        let report = monthly(&mut conn, month, today, &rules).unwrap();
        let figures: Vec<(String, i64, i64)> = report
            .doctors
            .iter()
            .map(|l| (l.staff_id.clone(), hours(l), l.projected_overtime_holiday_minutes / 60))
            .collect();
        let count = |f: &dyn Fn(&DoctorMonth) -> bool| report.doctors.iter().filter(|l| f(l)).count();
        assert!(count(&|l| !l.watch) >= 6, "most quiet: {figures:?}");
        assert!(
            count(&|l| l.projected_over_100 && !l.over_100) >= 1,
            "projected over 100: {figures:?}"
        );
        assert_eq!(
            count(&|l| hours(l) > 200),
            0,
            "nobody over 200 h mid-month: {figures:?}"
        );
        assert!(count(&|l| l.open_discrepancies > 0) >= 1, "discrepancies");
        assert!(count(&|l| l.self_study_minutes > 0) >= 1);
        assert!(count(&|l| l.external_minutes > 0) >= 1);
        // The 宿直 permit names 内科 and 麻酔科: D002's and D012's permitted
        // nights are inside it, not working time. No permit names 産婦人科:
        // D010's permitted nights are working time (rules §13.2).
        let line = |id: &str| report.doctors.iter().find(|l| l.staff_id == id).unwrap();
        for id in ["D002", "D012"] {
            assert!(
                line(id).duty_permitted_minutes >= 930,
                "{id}: a whole night 17:00–翌08:30"
            );
            assert_eq!(line(id).duty_outside_permit_minutes, 0, "{id}");
            assert!(line(id).permitted_night_duties >= 1, "{id}");
        }
        let d010 = line("D010");
        assert_eq!((d010.duty_permitted_minutes, d010.permitted_night_duties), (0, 0));
        assert!(d010.duty_outside_permit_minutes >= 930, "the night of 06-05 at least");
        assert_eq!(count(&|l| l.duty_outside_permit_minutes > 0), 1, "産婦人科 only");
        assert!(count(&|l| l.holiday_minutes > 0) >= 1);
    }

    #[test]
    fn the_demo_loads_early_in_a_month_at_its_end_and_on_a_leap_day() {
        for date in ["2024-07-02", "2024-06-30", "2024-02-29"] {
            let today = d(date);
            let (_dir, pool) = replayed(today);
            let mut conn = pool.get().unwrap();
            let report = monthly(&mut conn, YearMonth::of(today), today, &RuleConfig::default()).unwrap();
            assert!(report.doctors.iter().any(|l| l.projected_over_100), "{date}");
            assert!(report.doctors.iter().any(|l| !l.watch), "{date}");
        }
    }
}
