//! The test hospital most screen, API and job tests start from: four
//! doctors (A, B, C-1 and another manager's A), their June 2024, and its
//! people (a trained physician, two managers, HR, a doctor's account, and
//! two physicians who may never interview); with the daily job of 14 June
//! run ([`june`]), and with pre-check, interview, measures and May's
//! monthly check recorded ([`prepared`]).

use super::smtp_sink::SmtpSink;
use super::{date, now, TestDb, PASSWORD};
use chrono::{Datelike, NaiveDate};
use kinmu::accounts::{self, NewAccount, Role};
use kinmu::config::Settings;
use kinmu::domain::YearMonth;
use kinmu::ingest::ImportKind;
use kinmu::monitor::mailer::Mailer;
use kinmu::monitor::{daily, records};
use std::fmt::Write;

/// A01 (A) and B02 (B) work long weekdays (300 min overtime a day) through
/// 14 June 2024: 3000 actual, projected 6428, 100 h reached on the 28th.
/// C03 (C-1) works 08:00–23:00 every day: far over 155 h. D04 works normal days.
const DOCTORS: &str = "staff_id,name,level,email,manager_login\n\
A01,青木 一郎,A,a01@example.org,boss\n\
B02,馬場 二郎,B,b02@example.org,boss\n\
C03,千葉 三郎,C-1,c03@example.org,boss\n\
D04,土井 四郎,A,d04@example.org,other-boss\n";

fn timecard() -> String {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for day in 1..=14 {
        let d = NaiveDate::from_ymd_opt(2024, 6, day).unwrap();
        if d.weekday().num_days_from_monday() < 5 {
            writeln!(s, "A01,{d},08:00,22:00,60").unwrap();
            writeln!(s, "B02,{d},08:00,22:00,60").unwrap();
            writeln!(s, "D04,{d},08:30,17:30,60").unwrap();
        }
        writeln!(s, "C03,{d},08:00,23:00,60").unwrap();
    }
    s
}

/// An account of the test hospital; its mail is `{login}@example.org`.
pub struct Person {
    pub login: &'static str,
    pub role: Role,
    pub trained_on: Option<&'static str>,
    pub administrator: bool,
    pub staff_id: Option<&'static str>,
}

pub const fn person(login: &'static str, role: Role) -> Person {
    Person {
        login,
        role,
        trained_on: None,
        administrator: false,
        staff_id: None,
    }
}

/// Physicians who may never interview: untrained, and the hospital's 管理者.
pub const UNQUALIFIED: [Person; 2] = [
    person("untrained", Role::Physician),
    Person {
        trained_on: Some("2020-04-01"),
        administrator: true,
        ..person("director", Role::Physician)
    },
];

/// Everyone else: one trained physician, two managers, HR, and A01's account.
pub const STAFF: [Person; 5] = [
    Person {
        trained_on: Some("2024-01-15"),
        ..person("kato", Role::Physician)
    },
    person("boss", Role::Manager),
    person("other-boss", Role::Manager),
    person("jinji", Role::Hr),
    Person {
        staff_id: Some("A01"),
        ..person("aoki", Role::Doctor)
    },
];

pub fn add_people(db: &TestDb, people: &[Person]) {
    let mut conn = db.conn();
    for p in people {
        let account = NewAccount {
            login: p.login.into(),
            role: p.role,
            name: Some(format!("{} 先生", p.login)),
            staff_id: p.staff_id.map(Into::into),
            email: Some(format!("{}@example.org", p.login)),
            department: None,
            trained_on: p.trained_on.map(date),
            is_administrator: p.administrator,
            password: PASSWORD.into(),
        };
        accounts::add_user(&mut conn, &account, &Default::default(), None, now()).unwrap();
    }
}

/// The doctors and their June, without any accounts.
pub fn doctors_and_june(db: &TestDb) {
    db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
    db.import_ok(ImportKind::Timecard, timecard().as_bytes());
}

/// The hospital of these tests: doctors, their June, and its people.
pub fn hospital(db: &TestDb) {
    doctors_and_june(db);
    add_people(db, &UNQUALIFIED);
    add_people(db, &STAFF);
}

pub fn settings(db: &TestDb, smtp: Option<&SmtpSink>) -> Settings {
    let mut s = Settings::load_with(None, &|_| None).unwrap();
    s.database_url = db.url.clone();
    s.smtp_url = smtp.map(SmtpSink::url);
    s.hospital_name = "テスト病院".into();
    s
}

pub fn run_daily(db: &TestDb, s: &Settings, as_of: &str) -> daily::DailySummary {
    let mailer = Mailer::from_url(s.smtp_url.as_deref(), &s.mail_from).unwrap();
    let mut conn = db.conn();
    daily::run(
        &mut conn,
        s,
        &mailer,
        date(as_of),
        date(as_of).and_hms_opt(5, 0, 0).unwrap(),
    )
    .unwrap()
}

/// The test hospital after the daily job of 14 June 2024 (interviews for
/// A01, B02 and C03, all assigned to kato; C03 over 155 h), plus an admin.
pub fn june(db: &TestDb) {
    hospital(db);
    db.add_user("admin", Role::Admin, None, None);
    run_daily(db, &settings(db, None), "2024-06-14");
}

/// The interview id of a doctor's June.
pub fn interview_of(db: &TestDb, staff_id: &str) -> i64 {
    let mut conn = db.conn();
    records::list_interviews(&mut conn, YearMonth::parse("2024-06").unwrap(), date("2024-06-14"))
        .unwrap()
        .into_iter()
        .find(|l| l.staff_id == staff_id)
        .unwrap_or_else(|| panic!("no interview for {staff_id}"))
        .id
}

/// More cases than `hospital()` has: B02 keeps working long weekdays to the
/// end of June (≥ 100 h), and D04 — another manager's doctor — works
/// 08:00–23:00 every day of May (far over 155 h, with no interview opened).
fn more_hours(db: &TestDb) {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for day in 15..=30 {
        let d = NaiveDate::from_ymd_opt(2024, 6, day).unwrap();
        if d.weekday().num_days_from_monday() < 6 {
            writeln!(s, "B02,{d},08:00,22:00,60").unwrap();
        }
    }
    for day in 1..=31 {
        let d = NaiveDate::from_ymd_opt(2024, 5, day).unwrap();
        writeln!(s, "D04,{d},08:00,23:00,60").unwrap();
    }
    db.import_ok(ImportKind::Timecard, s.as_bytes());
}

/// The hospital with its June run, C03's pre-check, interview and
/// measures recorded, and the monthly check of May done.
pub fn prepared(db: &TestDb) -> kinmu::config::Settings {
    hospital(db);
    more_hours(db);
    db.add_user("admin", Role::Admin, None, None);
    let s = settings(db, None);
    run_daily(db, &s, "2024-06-14");
    let june = YearMonth::parse("2024-06").unwrap();
    let at = date("2024-06-20").and_hms_opt(12, 0, 0).unwrap();
    let mut conn = db.conn();
    let c03 = kinmu::db::queries::doctor_by_staff_id(&mut conn, "C03")
        .unwrap()
        .unwrap();
    let check = records::PreCheckInput {
        work_status: "救急外来が多い".into(),
        sleep_average_minutes: 330,
        fatigue_symptom: "III".into(),
        fatigue_score: 5,
        mental_physical: "疲労感あり".into(),
        doctor_requests_interview: true,
    };
    records::record_precheck(&mut conn, &s, &c03, june, &check, "boss", at).unwrap();
    let i = records::list_interviews(&mut conn, june, date("2024-06-14"))
        .unwrap()
        .into_iter()
        .find(|l| l.staff_id == "C03")
        .unwrap();
    let input = records::InterviewInput {
        held_on: Some(date("2024-06-13")),
        check_work: "連続勤務が続く（確認項目）".into(),
        check_sleep: "5時間半".into(),
        check_fatigue: "III・5点".into(),
        check_mental_physical: "特記なし".into(),
        opinion: "当直の削減が望ましい<script>".into(),
        ..Default::default()
    };
    records::record_interview(&mut conn, i.id, &input, "kato", at).unwrap();
    for (m, _) in records::list_measures(&mut conn, june).unwrap() {
        let input = records::MeasureInput {
            shorter_hours: true,
            fewer_night_duties: m.reason == "interview",
            other: m.reason == "over_155",
            other_text: Some("外来担当の削減".into()),
        };
        records::record_measures(&mut conn, m.id, &input, "boss", at).unwrap();
    }
    let mailer = Mailer::from_url(None, &s.mail_from).unwrap();
    kinmu::monitor::monthly::run(&mut conn, &s, &mailer, YearMonth::parse("2024-05").unwrap(), now()).unwrap();
    s
}
