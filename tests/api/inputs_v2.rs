//! Rule book v2's inputs (formats.md C.1–C.3; rules §2.1, §2.3, §5a.2 and
//! readings 10–12): the doctors file's new columns, superiors'
//! confirmations of self-study rows, the other employers, a roster's
//! publication time and the roster as it stood at an instant — through the
//! library, the command and the API, on both backends.

use crate::helpers::*;
use chrono::{Duration, NaiveDateTime, NaiveTime, Weekday};
use kinmu::accounts::Role;
use kinmu::db::{employers, queries, roster};
use kinmu::domain::profile::{
    Employer, EmploymentType, LegalHoliday, Profile, Regime, ScheduleClass, StudyStatus, VariablePeriod, WeekdaySet,
};
use kinmu::domain::shift::Level;
use kinmu::domain::time::YearMonth;
use kinmu::domain::{Kind, RuleConfig};
use kinmu::ingest::{self, ImportError, ImportKind, ImportReport, ImportRequest};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// Imports `csv` as if at `now`, with a roster's publication time.
fn run_at(
    db: &TestDb,
    kind: ImportKind,
    csv: &str,
    now: NaiveDateTime,
    published_at: Option<NaiveDateTime>,
    skip_invalid: bool,
) -> Result<ImportReport, ImportError> {
    let mut conn = db.conn();
    ingest::run(
        &mut conn,
        &ImportRequest {
            layout: None,
            period: None,
            published_at,
            kind,
            bytes: csv.as_bytes(),
            file_name: "v2.csv",
            skip_invalid,
            actor: Some("jinji"),
            now,
        },
    )
}

fn counts(r: &ImportReport) -> (usize, usize, usize, usize) {
    (r.inserted, r.corrected, r.superseded, r.unchanged)
}

fn stored_doctor(db: &TestDb, staff_id: &str) -> kinmu::db::models::Doctor {
    queries::doctor_by_staff_id(&mut db.conn(), staff_id).unwrap().unwrap()
}

/// The English part of each rejection, with its line.
fn reasons(r: &ImportReport) -> Vec<(usize, String)> {
    r.rejected
        .iter()
        .map(|e| (e.line, e.reason.rsplit(" / ").next().unwrap().to_string()))
        .collect()
}

const V2_DOCTORS: &str = "職員番号,氏名,法定休日,4週起算日,所定終業,所定労働日,労働時間制,変形期間起算日,変形期間,雇用形態,主たる勤務先,契約締結日\n\
D001,山田 太郎,4週4休,2024-06-02,17:30,月火水木,1か月変形,2024-04-16,1か月,外勤受入,Ａ大学病院,1998/4/1\n\
D002,佐藤 花子,指定なし,,,,,,,,,\n";

#[test]
fn the_doctors_file_s_v2_columns_are_stored_read_back_as_a_profile_and_updated_with_the_audit_log() {
    each_backend(|db| {
        let r = db.import_ok(ImportKind::Doctors, V2_DOCTORS.as_bytes());
        assert_eq!(counts(&r), (2, 0, 0, 0));
        let d1 = stored_doctor(db, "D001");
        assert_eq!(
            (
                d1.legal_holiday.as_str(),
                d1.holiday_period_start,
                d1.scheduled_end.as_deref(),
                d1.scheduled_days.as_deref()
            ),
            ("4w4", Some(date("2024-06-02")), Some("17:30"), Some("mon,tue,wed,thu"))
        );
        assert_eq!(
            (
                d1.regime.as_str(),
                d1.variable_period_start,
                d1.variable_period.as_str()
            ),
            ("monthly_variable", Some(date("2024-04-16")), "month")
        );
        assert_eq!(
            (
                d1.employment_type.as_str(),
                d1.main_employer.as_deref(),
                d1.contract_date
            ),
            ("visiting", Some("A大学病院"), Some(date("1998-04-01")))
        );
        let cfg = RuleConfig::default();
        let b = Employer {
            name: "B病院".into(),
            contract_date: None,
            dispatched: true,
        };
        assert_eq!(
            d1.profile(&cfg, vec![b.clone()]),
            Profile {
                level: Level::A,
                legal_holiday: LegalHoliday::FourWeeks(date("2024-06-02")),
                scheduled_days: WeekdaySet::parse("月火水木").unwrap(),
                scheduled_start: cfg.scheduled_start,
                scheduled_end: NaiveTime::from_hms_opt(17, 30, 0).unwrap(),
                regime: Regime::MonthlyVariable {
                    start: date("2024-04-16"),
                    period: VariablePeriod::Month
                },
                employment_type: EmploymentType::Visiting,
                main_employer: Some("A大学病院".into()),
                contract_date: Some(date("1998-04-01")),
                employers: vec![b],
            }
        );
        // The config's defaults where the file is blank.
        let d2 = stored_doctor(db, "D002").profile(&cfg, Vec::new());
        assert_eq!(d2.legal_holiday, LegalHoliday::Unspecified);
        assert_eq!(
            (d2.scheduled_days, d2.scheduled_end),
            (cfg.scheduled_days, cfg.scheduled_end)
        );
        assert_eq!(
            (d2.regime, d2.employment_type, d2.main_employer),
            (Regime::Standard, EmploymentType::FullTime, None)
        );

        // The same file again changes nothing.
        let before = db.counts();
        let again = db.import_ok(ImportKind::Doctors, V2_DOCTORS.as_bytes());
        assert_eq!((counts(&again), again.committed), ((0, 0, 0, 2), false));
        assert_eq!(db.counts(), before);

        // A re-import updates the doctor, clears what the file leaves
        // blank, keeps what it has no column for (the contract date), and
        // the audit log keeps both profiles.
        let changed =
            "staff_id,name,legal_holiday,regime,variable_period,employment_type,main_employer,scheduled_days\n\
                       D001,山田 太郎,sat,standard,4weeks,part_time,,\"mon,wed\"\n";
        let r = db.import_ok(ImportKind::Doctors, changed.as_bytes());
        assert_eq!(counts(&r), (0, 1, 0, 0));
        let d1 = stored_doctor(db, "D001");
        assert_eq!(d1.legal_holiday_rule(), LegalHoliday::Fixed(Weekday::Sat));
        assert_eq!(
            (d1.holiday_period_start, d1.main_employer.as_deref(), d1.contract_date),
            (None, None, Some(date("1998-04-01")))
        );
        assert_eq!((d1.regime(), d1.variable_period.as_str()), (Regime::Standard, "4weeks"));
        assert_eq!(d1.employment_type(), EmploymentType::PartTime);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM audit_log WHERE category = 'doctor' AND operation = 'update' \
                 AND detail LIKE '%\"regime\":\"monthly_variable\"%' AND detail LIKE '%\"employment_type\":\"part_time\"%' \
                 AND detail LIKE '%\"main_employer\":\"A大学病院\"%'"
            ),
            1
        );

        // A v1 file still imports; its doctors take the defaults.
        db.import_ok(
            ImportKind::Doctors,
            "staff_id,name,legal_holiday\nD003,鈴木,sun\n".as_bytes(),
        );
        let d3 = stored_doctor(db, "D003");
        assert_eq!(
            (
                d3.regime.as_str(),
                d3.variable_period.as_str(),
                d3.employment_type.as_str()
            ),
            ("standard", "month", "full_time")
        );
    });
}

#[test]
fn each_refusal_of_the_doctors_file_names_its_line_and_nothing_is_written() {
    each_backend(|db| {
        let file = "staff_id,name,legal_holiday,holiday_period_start,regime,variable_period_start,variable_period,employment_type,main_employer\n\
                    D01,a,4w4,,,,,,\n\
                    D02,b,,,monthly_variable,,,,\n\
                    D03,c,,,1か月変形,2024-06-29,month,,\n\
                    D04,d,,,,,,visiting,\n\
                    D05,e,mon-fri,,,,,,\n\
                    D06,f,,,,,,,\n\
                    D07,g,,,変形,,,,\n\
                    D08,h,,,,,,派遣,\n";
        let before = db.data_counts();
        let r = db.import(ImportKind::Doctors, file.as_bytes());
        assert!(!r.committed);
        assert_eq!(db.data_counts(), before, "all or nothing");
        assert_eq!(
            reasons(&r),
            vec![
                (2, "4w4 needs holiday_period_start".to_string()),
                (3, "monthly_variable needs variable_period_start".into()),
                (4, "a month period must start on day 1–28".into()),
                (5, "visiting needs main_employer".into()),
                (6, "unknown legal_holiday".into()),
                (8, "unknown regime".into()),
                (9, "unknown employment_type".into()),
            ]
        );
        assert!(r.rejected.iter().all(|e| e.column.is_some()), "{:?}", r.rejected);
        // --skip-invalid writes the valid line only.
        let r = db.import_with(ImportKind::Doctors, file.as_bytes(), true);
        assert_eq!((r.inserted, r.committed), (1, true));
        assert!(queries::doctor_by_staff_id(&mut db.conn(), "D06").unwrap().is_some());
    });
}

const DOCTORS: &str = "staff_id,name\nD001,山田 太郎\nD002,佐藤 花子\n";

#[test]
fn a_self_confirmation_is_refused_with_the_reason_and_the_file_is_all_or_nothing() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        db.add_user("yamada-t", Role::Doctor, Some("D001"), None);
        let file = "職員番号,勤務日,出勤,退勤,区分,確認者\n\
                    D001,2024-06-03,18:00,20:00,自己研鑽,D001\n\
                    D001,2024-06-04,18:00,20:00,自己研鑽,山田太郎\n\
                    D001,2024-06-05,18:00,20:00,自己研鑽,YAMADA-T\n\
                    D001,2024-06-06,18:00,20:00,自己研鑽,ｄ００１\n\
                    D001,2024-06-08,18:00,20:00,自己研鑽,yamada\u{200B}-t\n\
                    D001,2024-06-07,18:00,20:00,自己研鑽,佐藤 花子\n\
                    D001,2024-06-07,08:30,17:15,日勤,山田 太郎\n";
        let before = db.data_counts();
        let r = db.import(ImportKind::Timecard, file.as_bytes());
        assert!(!r.committed);
        assert_eq!(db.data_counts(), before, "nothing is written");
        assert_eq!(
            r.rejected.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![2, 3, 4, 5, 6],
            "an invisible character hides no one"
        );
        for e in &r.rejected {
            assert!(e.reason.starts_with("自己確認は確認になりません"), "{e:?}");
            assert!(e.reason.contains(" / self-confirmation: "), "{e:?}");
            assert_eq!(e.column.as_deref(), Some("確認者"));
        }
        assert_eq!(r.rejected_reasons.len(), 1, "one kind of reason");
        // Skipped, the others go in: another doctor confirmed the 7th, and
        // the doctor's name on a work row is no confirmation (ignored).
        let r = db.import_with(ImportKind::Timecard, file.as_bytes(), true);
        assert_eq!((r.inserted, r.rejected.len()), (2, 5));
        let id = stored_doctor(db, "D001").id;
        let rows = queries::current_timecard(
            &mut db.conn(),
            Some(&[id]),
            at("2024-06-01 00:00"),
            at("2024-07-01 00:00"),
        )
        .unwrap();
        let study = rows.iter().find(|(s, _, _)| s.kind == "self_study").unwrap();
        assert_eq!(study.0.extras.study_status, "confirmed");
        assert_eq!(study.0.extras.confirmed_by.as_deref(), Some("佐藤 花子"));
        let work = rows.iter().find(|(s, _, _)| s.kind == "work").unwrap();
        assert_eq!(
            (work.0.extras.study_status.as_str(), &work.0.extras.confirmed_by),
            ("unconfirmed", &None)
        );
    });
}

#[test]
fn a_confirmation_re_imported_for_the_same_times_is_a_new_version_and_a_correction_unconfirms() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let header = "staff_id,date,clock_in,clock_out,kind,confirmed_by,confirmed_at\n";
        let declared = format!("{header}D001,2024-06-03,18:00,20:00,self_study,,\n");
        let confirmed = format!("{header}D001,2024-06-03,18:00,20:00,self_study,鈴木 部長,\n");
        let day = |db: &TestDb| {
            let id = stored_doctor(db, "D001").id;
            let rows = queries::current_timecard(
                &mut db.conn(),
                Some(&[id]),
                at("2024-06-03 00:00"),
                at("2024-06-04 00:00"),
            )
            .unwrap();
            assert_eq!(rows.len(), 1);
            rows.into_iter().next().unwrap()
        };
        let t1 = now();
        assert_eq!(
            counts(&run_at(db, ImportKind::Timecard, &declared, t1, None, false).unwrap()),
            (1, 0, 0, 0)
        );
        assert_eq!(day(db).0.extras.study_status, "unconfirmed");

        // The superior's confirmation comes in a day later: a new version.
        let t2 = t1 + Duration::days(1);
        let r = run_at(db, ImportKind::Timecard, &confirmed, t2, None, false).unwrap();
        assert_eq!((counts(&r), r.committed), ((0, 1, 0, 0), true));
        let (row, version, reason) = day(db);
        assert_eq!(version, 2);
        assert_eq!(reason.as_deref(), Some("上司の確認を取込 / confirmation imported"));
        assert_eq!(
            (
                row.extras.study_status.as_str(),
                row.extras.confirmed_by.as_deref(),
                row.extras.confirmed_at
            ),
            ("confirmed", Some("鈴木 部長"), Some(t2)),
            "confirmed_at defaults to the import's time"
        );
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE superseded_at IS NOT NULL \
                 AND superseded_reason = '上司の確認を取込 / confirmation imported' AND study_status = 'unconfirmed'"
            ),
            1,
            "the declared version is kept"
        );
        // The month loader gives the rules the status.
        let (_, rows) = kinmu::month::load_rows(
            &mut db.conn(),
            YearMonth::parse("2024-06").unwrap(),
            date("2024-06-30"),
            &RuleConfig::default(),
        )
        .unwrap();
        let loaded = &rows[&stored_doctor(db, "D001").id].timecard[0];
        assert_eq!(
            (loaded.kind(), loaded.study()),
            (Kind::SelfStudy, StudyStatus::Confirmed)
        );

        // The same confirmation again, or the export without 確認者: unchanged.
        for file in [&confirmed, &declared] {
            let r = run_at(db, ImportKind::Timecard, file, t2 + Duration::days(1), None, false).unwrap();
            assert_eq!((counts(&r), r.committed), ((0, 0, 0, 1), false));
            assert_eq!(day(db).0.extras.study_status, "confirmed");
        }
        // Another date of confirmation is another version.
        let dated = format!("{header}D001,2024-06-03,18:00,20:00,self_study,鈴木 部長,2024-06-04 09:30\n");
        let r = run_at(db, ImportKind::Timecard, &dated, t2 + Duration::days(2), None, false).unwrap();
        assert_eq!(counts(&r), (0, 1, 0, 0));
        assert_eq!(day(db).0.extras.confirmed_at, Some(at("2024-06-04 09:30")));

        // A correction of the times without 確認者 is unconfirmed again…
        let moved = format!("{header}D001,2024-06-03,18:00,21:00,self_study,,\n");
        let r = run_at(db, ImportKind::Timecard, &moved, t2 + Duration::days(3), None, false).unwrap();
        assert_eq!(counts(&r), (0, 1, 0, 0));
        let (row, version, reason) = day(db);
        assert_eq!(
            (row.extras.study_status.as_str(), row.extras.confirmed_by, version),
            ("unconfirmed", None, 4)
        );
        assert_eq!(reason.as_deref(), Some("再取込による訂正 / corrected by re-import"));
        // …unless the correcting file carries it.
        let moved_confirmed = format!("{header}D001,2024-06-03,18:00,21:30,self_study,鈴木 部長,2024-06-05\n");
        let r = run_at(
            db,
            ImportKind::Timecard,
            &moved_confirmed,
            t2 + Duration::days(4),
            None,
            false,
        )
        .unwrap();
        assert_eq!(counts(&r), (0, 1, 0, 0));
        let (row, _, _) = day(db);
        assert_eq!(
            (row.extras.study_status.as_str(), row.extras.confirmed_at),
            ("confirmed", Some(at("2024-06-05 00:00")))
        );
    });
}

#[test]
fn an_external_row_keeps_its_employer_and_class_and_a_change_of_either_is_a_correction() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let file = |class: &str| {
            format!(
                "職員番号,勤務日,出勤,退勤,区分,兼業先,所定区分\n\
                 D001,2024-06-08,09:00,17:00,副業,Ｂ病院,{class}\n\
                 D001,2024-06-09,09:00,12:00,副業,,\n"
            )
        };
        assert_eq!(
            db.import_ok(ImportKind::Timecard, file("所定外").as_bytes()).inserted,
            2
        );
        let (_, rows) = kinmu::month::load_rows(
            &mut db.conn(),
            YearMonth::parse("2024-06").unwrap(),
            date("2024-06-30"),
            &RuleConfig::default(),
        )
        .unwrap();
        let shifts = &rows[&stored_doctor(db, "D001").id].timecard;
        assert_eq!(
            shifts
                .iter()
                .map(|s| (s.employer(), s.schedule_class()))
                .collect::<Vec<_>>(),
            vec![(Some("B病院"), ScheduleClass::Extra), (None, ScheduleClass::Scheduled)]
        );
        let r = db.import_ok(ImportKind::Timecard, file("所定").as_bytes());
        assert_eq!(counts(&r), (0, 1, 0, 1));
    });
}

#[test]
fn the_employers_file_is_imported_updated_with_the_audit_log_and_read_into_the_profile() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let file = "職員番号,兼業先,契約締結日,派遣\n\
                    D001,Ｂ病院,2023/4/1,はい\n\
                    D001,Cクリニック,,\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("employers.csv");
        std::fs::write(&path, file).unwrap();
        let out = db.kinmu(&["import", "employers", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let answer = stdout_json(&out);
        assert_eq!(
            (answer["kind"].as_str(), answer["inserted"].as_u64()),
            (Some("employers"), Some(2))
        );
        let id = stored_doctor(db, "D001").id;
        let b = Employer {
            name: "B病院".into(),
            contract_date: Some(date("2023-04-01")),
            dispatched: true,
        };
        let c = Employer {
            name: "Cクリニック".into(),
            contract_date: None,
            dispatched: false,
        };
        let stored = employers::employers_of(&mut db.conn(), Some(&[id])).unwrap();
        assert_eq!(stored[&id], vec![b.clone(), c.clone()]);

        // Re-imported: the changed pair is updated and logged, the other unchanged.
        let changed = "staff_id,employer,contract_date,dispatched\nD001,B病院,2023-04-01,no\nD001,Cクリニック,,\n";
        let r = db.import_ok(ImportKind::Employers, changed.as_bytes());
        assert_eq!((r.kind, counts(&r)), (ImportKind::Employers, (0, 1, 0, 1)));
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'update_employer' \
                 AND detail LIKE '%\"dispatched\":true%' AND detail LIKE '%\"dispatched\":false%'"
            ),
            1
        );
        let (_, rows) = kinmu::month::load_rows(
            &mut db.conn(),
            YearMonth::parse("2024-06").unwrap(),
            date("2024-06-30"),
            &RuleConfig::default(),
        )
        .unwrap();
        let listed = rows[&id].profile_employers.clone();
        assert_eq!(listed, vec![Employer { dispatched: false, ..b }, c]);
        let profile = stored_doctor(db, "D001").profile(&RuleConfig::default(), listed.clone());
        assert_eq!(profile.employers, listed);

        // An unknown doctor refuses the file.
        let before = db.data_counts();
        let r = db.import(
            ImportKind::Employers,
            "staff_id,employer\nD001,D病院\nX9,B病院\n".as_bytes(),
        );
        assert_eq!((r.rejected.len(), r.rejected[0].line, r.committed), (1, 3, false));
        assert!(r.rejected[0].reason.contains("unknown doctor"));
        assert_eq!(db.data_counts(), before);
    });
}

/// D001's June roster from the 1st to the 5th, 08:30–17:15.
fn roster_a() -> String {
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes,kind\n");
    for day in 1..=5 {
        s.push_str(&format!("D001,2024-06-0{day},08:30,17:15,45,work\n"));
    }
    s
}

/// A later roster for the 3rd to the 5th: the 3rd moved, the 4th off, the
/// 5th as before.
const ROSTER_B: &str = "staff_id,date,clock_in,clock_out,break_minutes,kind\n\
D001,2024-06-03,09:00,18:00,60,work\n\
D001,2024-06-05,08:30,17:15,45,work\n";

fn starts(view: &kinmu::domain::profile::RosterView) -> Vec<String> {
    view.rows
        .iter()
        .map(|s| s.start().format("%m-%d %H:%M").to_string())
        .collect()
}

#[test]
fn the_roster_as_it_stood_at_an_instant_sees_the_imports_made_or_published_before_it() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let id = stored_doctor(db, "D001").id;
        let (first, last) = (date("2024-06-01"), date("2024-06-30"));
        let a = run_at(db, ImportKind::Roster, &roster_a(), at("2024-05-20 10:00"), None, false).unwrap();
        assert_eq!(counts(&a), (5, 0, 0, 0));
        let b = run_at(db, ImportKind::Roster, ROSTER_B, at("2024-06-10 10:00"), None, false).unwrap();
        assert_eq!(
            counts(&b),
            (1, 0, 2, 1),
            "the 3rd moved, the 4th withdrawn, the 5th kept"
        );
        let view_at = |when: &str| {
            let mut views = roster::views_at(&mut db.conn(), Some(&[id]), first, last, at(when)).unwrap();
            views.remove(&id).unwrap_or_default()
        };
        let a_plan = [
            "06-01 08:30",
            "06-02 08:30",
            "06-03 08:30",
            "06-04 08:30",
            "06-05 08:30",
        ];
        let b_plan = ["06-01 08:30", "06-02 08:30", "06-03 09:00", "06-05 08:30"];
        assert_eq!(view_at("2024-05-19 00:00"), Default::default(), "nothing imported yet");
        let early = view_at("2024-06-01 00:00");
        assert_eq!(
            starts(&early),
            a_plan,
            "the earlier instant still sees the first roster"
        );
        assert_eq!(early.ranges, vec![(date("2024-06-01"), date("2024-06-05"))]);
        assert!(early.covers(date("2024-06-04")) && !early.covers(date("2024-06-06")));
        assert_eq!(starts(&view_at("2024-06-10 10:01")), b_plan);
        // The current roster, and what the month loader and the 変形 period get.
        let read = roster::current_and_histories(&mut db.conn(), Some(&[id]), first, Some(first), last).unwrap();
        assert_eq!(starts(&read.views[&id]), b_plan);
        // The same read's stored versions: the first import's plan, then the second's.
        let versions = &read.histories[&id].versions;
        assert_eq!(versions.len(), 2);
        let plan = |rows: &[kinmu::domain::shift::Shift]| rows.iter().map(|s| s.start()).collect::<Vec<_>>();
        assert_eq!(plan(&versions[0].1), plan(&early.rows));
        assert_eq!(plan(&versions[1].1), plan(&read.views[&id].rows));
        let published = kinmu::month::rows::published_roster(&mut db.conn(), id, date("2024-06-01")).unwrap();
        assert_eq!(starts(&published), a_plan);
        let (_, rows) = kinmu::month::load_rows(
            &mut db.conn(),
            YearMonth::parse("2024-06").unwrap(),
            date("2024-06-02"),
            &RuleConfig::default(),
        )
        .unwrap();
        let schedule = &rows[&id].schedule_roster;
        assert_eq!(starts(schedule), b_plan, "not cut at the as-of date");
        assert_eq!(schedule.ranges, vec![(date("2024-06-01"), date("2024-06-05"))]);
        assert!(!schedule.covers(date("2024-05-31")));

        // Roster B was in fact published on 25 May: imported again with
        // that time, no row changes but the import is recorded, and the
        // schedule published before June is B's.
        let again = run_at(
            db,
            ImportKind::Roster,
            ROSTER_B,
            at("2024-06-12 10:00"),
            Some(at("2024-05-25 12:00")),
            false,
        )
        .unwrap();
        assert_eq!((counts(&again), again.committed), ((0, 0, 0, 2), true));
        assert_eq!(starts(&view_at("2024-06-01 00:00")), b_plan);
        assert_eq!(
            starts(&view_at("2024-05-25 12:00")),
            a_plan,
            "before the instant, not at it"
        );
        let batches = queries::import_batches_recent(&mut db.conn(), 1).unwrap();
        assert_eq!(batches[0].published_at, Some(at("2024-05-25 12:00")));
        // Said once, it is no news: the same again changes nothing.
        let before = db.data_counts();
        let same = run_at(
            db,
            ImportKind::Roster,
            ROSTER_B,
            at("2024-06-13 10:00"),
            Some(at("2024-05-25 12:00")),
            false,
        )
        .unwrap();
        assert!(!same.committed);
        assert_eq!(db.data_counts(), before);
    });
}

#[test]
fn a_publication_time_after_the_import_or_on_another_kind_is_refused() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let before = db.data_counts();
        let err = run_at(
            db,
            ImportKind::Roster,
            &roster_a(),
            now(),
            Some(now() + Duration::minutes(1)),
            false,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("published_at is later than the import"),
            "{err}"
        );
        assert_eq!(db.data_counts(), before);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.csv");
        std::fs::write(&path, roster_a()).unwrap();
        let file = path.to_str().unwrap();
        let out = db.kinmu(&["import", "roster", file, "--published-at", "2999-01-01T00:00"]);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("公表日時") && stderr.contains("published_at"),
            "{stderr}"
        );
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(out.stdout.is_empty());
        assert_eq!(db.data_counts(), before, "nothing written");
        let out = db.kinmu(&["import", "timecard", file, "--published-at", "2024-05-25T12:00"]);
        assert_eq!(out.status.code(), Some(1), "rosters only");
        assert_eq!(db.data_counts(), before);

        let out = db.kinmu(&["import", "roster", file, "--published-at", "2024-05-25T12:00"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stdout_json(&out)["inserted"].as_u64(), Some(5));
        let batches = queries::import_batches_recent(&mut db.conn(), 1).unwrap();
        assert_eq!(
            (batches[0].kind.as_str(), batches[0].published_at),
            ("roster", Some(at("2024-05-25 12:00")))
        );
    });
}

#[actix_web::test]
async fn the_api_and_the_upload_screen_take_a_publication_time_and_the_employers_kind() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        db.add_user("jinji", Role::Hr, None, None);
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        let post = |uri: &str, bytes: &[u8]| {
            actix_web::test::TestRequest::post()
                .uri(uri)
                .insert_header(("Content-Type", "text/csv"))
                .set_payload(bytes.to_vec())
        };
        let roster = roster_a();
        let (status, body) = svc
            .call(
                post(
                    "/api/v1/imports/roster?published_at=2999-01-01T00:00",
                    roster.as_bytes(),
                ),
                Some(&t),
            )
            .await;
        assert_eq!((status, body["error"].as_str()), (400, Some("bad_query")), "{body}");
        assert!(body["message_en"].as_str().unwrap().contains("published_at"), "{body}");
        let (status, body) = svc
            .call(
                post(
                    "/api/v1/imports/timecard?published_at=2024-05-25T12:00",
                    roster.as_bytes(),
                ),
                Some(&t),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = svc
            .call(
                post(
                    "/api/v1/imports/roster?published_at=2024-05-25T12:00",
                    roster.as_bytes(),
                ),
                Some(&t),
            )
            .await;
        assert_eq!((status, body["inserted"].as_u64()), (200, Some(5)), "{body}");
        let (_, listed) = svc.get_json("/api/v1/imports", Some(&t)).await;
        assert_eq!(
            listed["batches"][0]["published_at"].as_str(),
            Some("2024-05-25T12:00:00")
        );
        let (status, body) = svc
            .call(
                post(
                    "/api/v1/imports/employers",
                    "staff_id,employer\nD001,B病院\n".as_bytes(),
                ),
                Some(&t),
            )
            .await;
        assert_eq!((status, body["kind"].as_str()), (200, Some("employers")), "{body}");

        // The upload screen: 公表日時 on the form, shown on the preview.
        let mut b = svc.signed_in("jinji").await;
        let page = b.get("/imports").await;
        assert!(page.body.contains("name=\"published_at\"") && page.body.contains("公表日時"));
        assert!(page.body.contains("value=\"employers\""));
        let csrf = hidden(&page.body, "csrf");
        let later = multipart(
            &[
                ("csrf", &csrf),
                ("kind", "roster"),
                ("published_at", "2999-01-01T00:00"),
            ],
            Some(("roster.csv", ROSTER_B.as_bytes())),
        );
        let refused = b.send(upload_request(later)).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(refused.body.contains("公表日時"), "{}", refused.body);
        let body = multipart(
            &[
                ("csrf", &csrf),
                ("kind", "roster"),
                ("published_at", "2024-06-01T09:00"),
            ],
            Some(("roster.csv", ROSTER_B.as_bytes())),
        );
        let sent = b.send(upload_request(body)).await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let preview = b.get(&sent.location.unwrap()).await;
        assert!(preview.body.contains("2024-06-01 09:00"), "{}", preview.body);
        let result = import(&mut b, &preview).await;
        assert!(result.body.contains("2024-06-01 09:00"), "{}", result.body);
        let batches = queries::import_batches_recent(&mut db.conn(), 1).unwrap();
        assert_eq!(batches[0].published_at, Some(at("2024-06-01 09:00")));
    }
}

#[test]
fn rosters_stored_before_the_migration_keep_their_rows_and_get_their_ranges_and_withdrawals() {
    use diesel::connection::SimpleConnection;
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        run_at(db, ImportKind::Roster, &roster_a(), at("2024-05-20 10:00"), None, false).unwrap();
        run_at(db, ImportKind::Roster, ROSTER_B, at("2024-06-10 10:00"), None, false).unwrap();
        let id = stored_doctor(db, "D001").id;
        let (first, last) = (date("2024-06-01"), date("2024-06-30"));
        let views = |db: &TestDb, when: &str| {
            let mut v = roster::views_at(&mut db.conn(), Some(&[id]), first, last, at(when)).unwrap();
            starts(&v.remove(&id).unwrap_or_default())
        };
        let (early, late) = (views(db, "2024-06-01 00:00"), views(db, "2024-06-11 00:00"));
        let before = db.data_counts();
        // Back to the schema before rule book v2, as a database of the
        // previous version holds these rosters, then migrated again.
        let backend = match db.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend)
            .join("2024-12-25-000000_rules_v2_inputs");
        {
            let mut conn = db.conn();
            let conn: &mut kinmu::db::AnyConnection = &mut conn;
            conn.batch_execute(&std::fs::read_to_string(dir.join("down.sql")).unwrap())
                .unwrap();
            conn.batch_execute("DELETE FROM __diesel_schema_migrations WHERE version = '20241225000000'")
                .unwrap();
            kinmu::db::run_migrations(conn).unwrap();
        }
        assert_eq!(db.data_counts(), before, "every stored row is kept");
        assert_eq!(views(db, "2024-06-01 00:00"), early);
        assert_eq!(views(db, "2024-06-11 00:00"), late);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM roster_rows WHERE superseded_at IS NOT NULL AND superseded_batch_id IS NULL"
            ),
            0
        );
        let d = stored_doctor(db, "D001");
        assert_eq!(
            (d.regime.as_str(), d.employment_type.as_str()),
            ("standard", "full_time")
        );
    });
}
