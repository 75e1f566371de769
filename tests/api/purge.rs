//! Retention purge (rules §10): with the clock just before and just after
//! each boundary, exactly the expired rows go; a legal hold keeps everything
//! of its doctor; a dry run deletes nothing and reports the same counts; the
//! counts are written to the audit log.

use crate::helpers::*;
use chrono::NaiveDate;
use diesel::prelude::*;
use kinmu::db::schema::*;
use kinmu::db::AnyConnection;
use kinmu::domain::retention::WorkRetention;
use kinmu::ingest::ImportKind;
use kinmu::records::{self, PurgeReport};

/// Wages paid on the month's last day, records kept 3 years: working-time
/// records go 3 years after their month's end (the fixture's dates).
const THREE_YEARS_FROM_MONTH_END: WorkRetention = WorkRetention {
    years: 3,
    wage_payment_day: 31,
    wage_payment_month_offset: 0,
};

const DOCTORS: &[u8] = b"staff_id,name,legal_holiday\nX1,Ichi,sun\nX2,Ni,sun\n";
const TIMECARD: &[u8] = b"staff_id,date,clock_in,clock_out,break_minutes,kind\n\
X1,2021-06-30,08:00,17:00,60,work\nX1,2021-07-01,08:00,17:00,60,work\n\
X2,2021-06-30,08:00,17:00,60,work\nX2,2021-07-01,08:00,17:00,60,work\n";
/// A correction of X1's 30 June 2021: the old version stays, superseded.
const CORRECTION: &[u8] = b"staff_id,date,clock_in,clock_out,break_minutes,kind\nX1,2021-06-30,08:00,19:00,60,work\n";

fn doctor_id(conn: &mut AnyConnection, staff_id: &str) -> i64 {
    doctors::table
        .filter(doctors::staff_id.eq(staff_id))
        .select(doctors::id)
        .first(conn)
        .unwrap()
}

fn interview(conn: &mut AnyConnection, doctor: i64, month: &str, retention_until: Option<NaiveDate>) -> i64 {
    diesel::insert_into(interviews::table)
        .values((
            interviews::doctor_id.eq(doctor),
            interviews::month.eq(month),
            interviews::reason.eq("over_100"),
            interviews::reach_100_date.eq(date("2019-05-28")),
            interviews::deadline.eq(date("2019-06-30")),
            interviews::held_on.eq(retention_until.map(|_| date("2019-06-20"))),
            interviews::retention_until.eq(retention_until),
            interviews::created_at.eq(now()),
        ))
        .execute(conn)
        .unwrap();
    interviews::table
        .select(diesel::dsl::max(interviews::id))
        .first::<Option<i64>>(conn)
        .unwrap()
        .unwrap()
}

fn measure(conn: &mut AnyConnection, doctor: i64, interview_id: i64, retention_until: NaiveDate) {
    diesel::insert_into(measures::table)
        .values((
            measures::doctor_id.eq(doctor),
            measures::month.eq("2019-05"),
            measures::reason.eq("over_100"),
            measures::interview_id.eq(Some(interview_id)),
            measures::retention_until.eq(Some(retention_until)),
            measures::created_at.eq(now()),
        ))
        .execute(conn)
        .unwrap();
}

fn checks(conn: &mut AnyConnection, doctor: i64, retention_until: NaiveDate) {
    diesel::insert_into(prechecks::table)
        .values((
            prechecks::doctor_id.eq(doctor),
            prechecks::month.eq("2019-05"),
            prechecks::work_status.eq("ok"),
            prechecks::previous_month_minutes.eq(6000),
            prechecks::sleep_average_minutes.eq(360),
            prechecks::fatigue_symptom.eq("low"),
            prechecks::fatigue_score.eq(1),
            prechecks::mental_physical.eq("ok"),
            prechecks::doctor_requests_interview.eq(0),
            prechecks::recorded_at.eq(now()),
            prechecks::retention_until.eq(retention_until),
        ))
        .execute(conn)
        .unwrap();
    diesel::insert_into(self_checks::table)
        .values((
            self_checks::doctor_id.eq(doctor),
            self_checks::month.eq("2019-05"),
            self_checks::symptom.eq("low"),
            self_checks::score.eq(1),
            self_checks::sleep_average_minutes.eq(360),
            self_checks::wants_interview.eq(0),
            self_checks::recorded_at.eq(now()),
            self_checks::retention_until.eq(retention_until),
        ))
        .execute(conn)
        .unwrap();
}

/// Two doctors with June and July 2021 timecards (X1's June row corrected);
/// X1 has an interview with a later measure, one without, one not yet held,
/// and a pre-check and self-check, all kept until 2024-06-20 (held 2019-06-20).
fn fixture(db: &TestDb) -> (i64, i64) {
    db.import_ok(ImportKind::Doctors, DOCTORS);
    db.import_ok(ImportKind::Timecard, TIMECARD);
    assert_eq!(db.import_ok(ImportKind::Timecard, CORRECTION).corrected, 1);
    let mut conn = db.conn();
    let x1 = doctor_id(&mut conn, "X1");
    let with_measure = interview(&mut conn, x1, "2019-05", Some(date("2024-06-20")));
    measure(&mut conn, x1, with_measure, date("2024-07-10"));
    let _alone = interview(&mut conn, x1, "2019-04", Some(date("2024-06-20")));
    let not_held = interview(&mut conn, x1, "2019-03", None);
    checks(&mut conn, x1, date("2024-06-20"));
    (with_measure, not_held)
}

fn purge(db: &TestDb, today: &str) -> PurgeReport {
    purge_with(db, &THREE_YEARS_FROM_MONTH_END, today)
}

fn purge_with(db: &TestDb, retention: &WorkRetention, today: &str) -> PurgeReport {
    let mut conn = db.conn();
    records::purge(&mut conn, retention, date(today), false, Some("admin"), now()).unwrap()
}

/// (timecard, interviews, measures, prechecks, self_checks) of a report.
fn counts(r: &PurgeReport) -> [usize; 5] {
    [r.timecard_rows, r.interviews, r.measures, r.prechecks, r.self_checks]
}

/// Rules §10 [ex E4] with the defaults: June 2021, paid 2021-07-25, is kept
/// five years from the payment date — not purged three years after the
/// month's end as before.
#[test]
fn working_time_is_kept_five_years_from_the_wage_payment_date_by_default() {
    each_backend(|db| {
        fixture(db);
        let five = WorkRetention::default();
        let r = purge_with(db, &five, "2026-07-25");
        assert_eq!(r.timecard_rows, 0, "kept through 2026-07-25: {r:?}");
        assert_eq!(r.work_records_before, date("2021-06-01"));
        let r = purge_with(db, &five, "2026-07-26");
        assert_eq!(r.timecard_rows, 3, "June 2021 rows incl. the superseded version");
        assert_eq!(r.work_records_before, date("2021-07-01"));
    });
}

#[test]
fn each_record_goes_the_day_after_its_retention_and_not_a_day_earlier() {
    each_backend(|db| {
        let (with_measure, not_held) = fixture(db);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"), 5);

        assert_eq!(
            purge(db, "2024-06-20").total(),
            0,
            "health records kept on their last day"
        );
        assert_eq!(
            counts(&purge(db, "2024-06-21")),
            [0, 1, 0, 1, 1],
            "the interview with a measure stays"
        );
        assert_eq!(
            purge(db, "2024-06-30").total(),
            0,
            "June 2021 timecards kept until 30 June 2024"
        );
        let r = purge(db, "2024-07-01");
        assert_eq!(
            counts(&r),
            [3, 0, 0, 0, 0],
            "June 2021 rows incl. the superseded version"
        );
        assert_eq!(r.work_records_before, date("2021-07-01"));
        assert_eq!(purge(db, "2024-07-10").total(), 0, "the measure kept on its last day");
        assert_eq!(
            counts(&purge(db, "2024-07-11")),
            [0, 1, 1, 0, 0],
            "measure, then its interview"
        );
        assert_eq!(purge(db, "2024-07-31").total(), 0);
        assert_eq!(counts(&purge(db, "2024-08-01")), [2, 0, 0, 0, 0], "July 2021 rows");

        // An interview not yet held has no retention date: never purged.
        assert_eq!(purge(db, "2100-01-01").total(), 0);
        let left: Vec<i64> = interviews::table.select(interviews::id).load(&mut db.conn()).unwrap();
        assert_eq!(left, vec![not_held]);
        assert_ne!(with_measure, not_held);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"), 0);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM doctors"),
            2,
            "doctors are not purged"
        );
    });
}

#[test]
fn a_legal_hold_keeps_every_record_of_its_doctor_until_released() {
    each_backend(|db| {
        fixture(db);
        let mut conn = db.conn();
        records::place_hold(&mut conn, "X1", "訴訟 2024-01", Some("admin"), now()).unwrap();
        assert!(records::place_hold(&mut conn, "NOPE", "x", Some("admin"), now()).is_err());
        assert!(records::place_hold(&mut conn, "X2", " ", Some("admin"), now()).is_err());
        drop(conn);

        let r = purge(db, "2030-01-01");
        assert_eq!(r.doctors_on_hold, 1);
        assert_eq!(counts(&r), [2, 0, 0, 0, 0], "only X2's two timecard rows go");
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"), 3);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM interviews"), 3);

        let mut conn = db.conn();
        assert_eq!(records::release_hold(&mut conn, "X1", Some("admin"), now()).unwrap(), 1);
        assert!(records::release_hold(&mut conn, "X1", Some("admin"), now()).is_err());
        drop(conn);
        let r = purge(db, "2030-01-01");
        assert_eq!(r.doctors_on_hold, 0);
        assert_eq!(counts(&r), [3, 2, 1, 1, 1]);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE category = 'legal_hold'"),
            2
        );
    });
}

#[test]
fn a_dry_run_deletes_nothing_reports_the_same_counts_and_both_are_audited() {
    each_backend(|db| {
        fixture(db);
        let before = db.counts();
        let stored = |db: &TestDb| {
            ["timecard_rows", "interviews", "measures", "prechecks", "self_checks"]
                .map(|t| db.count_where(&format!("SELECT COUNT(*) AS n FROM {t}")))
        };
        let rows_before = stored(db);
        let dry = {
            let mut conn = db.conn();
            records::purge(
                &mut conn,
                &THREE_YEARS_FROM_MONTH_END,
                date("2030-01-01"),
                true,
                Some("admin"),
                now(),
            )
            .unwrap()
        };
        assert!(dry.dry_run);
        assert_eq!(counts(&dry), [5, 2, 1, 1, 1]);
        assert_eq!(stored(db), rows_before, "a dry run deletes nothing");
        let after_dry = db.counts();
        let audit_rows = |c: &[(&str, i64)]| c.iter().find(|(t, _)| *t == "audit_log").map(|(_, n)| *n);
        assert_eq!(audit_rows(&after_dry), audit_rows(&before).map(|n| n + 1));

        let real = purge(db, "2030-01-01");
        assert!(!real.dry_run);
        assert_eq!(counts(&real), counts(&dry));

        #[derive(QueryableByName)]
        struct Entry {
            #[diesel(sql_type = diesel::sql_types::Text)]
            operation: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            detail: String,
        }
        let mut conn = db.conn();
        let conn: &mut AnyConnection = &mut conn;
        let entries: Vec<Entry> =
            diesel::sql_query("SELECT operation, detail FROM audit_log WHERE category = 'purge' ORDER BY id")
                .load(conn)
                .unwrap();
        let ops: Vec<&str> = entries.iter().map(|e| e.operation.as_str()).collect();
        assert_eq!(ops, ["dry_run", "purge"]);
        for e in &entries {
            let v: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
            assert_eq!(v["timecard_rows"], 5);
            assert_eq!(v["interviews"], 2);
            assert_eq!(v["measures"], 1);
        }
    });
}

#[actix_web::test]
async fn the_scheduler_and_the_command_run_one_purge_job_and_the_log_says_who_ran_it() {
    use kinmu::jobs::{Job, Outcome};
    for backend in backends() {
        let db = TestDb::new(backend);
        fixture(&db);
        let service = db.spawn().await;
        let command = db.kinmu(&["purge", "--dry-run", "--as-of", "2030-01-01"]);
        assert!(command.status.success(), "{}", String::from_utf8_lossy(&command.stderr));
        let Outcome::Purge(scheduled) = service.run_job(Job::Purge {
            as_of: Some(date("2030-01-01")),
            dry_run: true,
        }) else {
            panic!("a purge job answers a purge report");
        };
        assert_eq!(counts(&scheduled), [5, 2, 1, 1, 1], "on {backend:?}");
        assert_eq!(stdout_json(&command), serde_json::to_value(&scheduled).unwrap());

        #[derive(QueryableByName)]
        struct Entry {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
            actor: Option<String>,
        }
        let mut conn = db.conn();
        let conn: &mut AnyConnection = &mut conn;
        let actors: Vec<Option<String>> =
            diesel::sql_query("SELECT actor FROM audit_log WHERE category = 'purge' ORDER BY id")
                .load::<Entry>(conn)
                .unwrap()
                .into_iter()
                .map(|e| e.actor)
                .collect();
        assert_eq!(actors, [None, Some("scheduler".to_string())], "on {backend:?}");
    }
}

/// PC review resolutions (rules §9) are working-time records (§10): they go
/// with the discrepancy resolutions of their day, the day after the day's
/// retention, and with a doctor's records deleted through a month.
#[test]
fn pc_review_resolutions_are_purged_and_deleted_with_the_working_time_records_of_their_day() {
    use kinmu::db::pc_reviews::{insert_review_resolution, NewReviewResolution};
    each_backend(|db| {
        fixture(db);
        let mut conn = db.conn();
        let x1 = doctor_id(&mut conn, "X1");
        let x2 = doctor_id(&mut conn, "X2");
        for (doctor_id, day) in [(x1, "2021-06-30"), (x1, "2021-07-01"), (x2, "2021-06-30")] {
            insert_review_resolution(
                &mut conn,
                &NewReviewResolution {
                    doctor_id,
                    day: date(day),
                    kind: "pc_during_self_study".into(),
                    resolution: "not_work".into(),
                    reason: "PCの消し忘れ".into(),
                    resolved_by: Some("jinji".into()),
                    resolved_at: now(),
                },
            )
            .unwrap();
        }
        drop(conn);
        let reviews = || db.count_where("SELECT COUNT(*) AS n FROM pc_review_resolutions");
        let r = purge(db, "2024-06-30");
        assert_eq!((r.pc_review_resolutions, reviews()), (0, 3), "kept on the last day");
        let r = purge(db, "2024-07-01");
        assert_eq!((r.pc_review_resolutions, reviews()), (2, 1), "June 2021's go");
        assert_eq!(r.total(), 3 + 2, "counted in the total: {r:?}");
        // A doctor's records deleted through July 2021 once expired.
        let mut conn = db.conn();
        let d = records::delete_work_records(
            &mut conn,
            &THREE_YEARS_FROM_MONTH_END,
            "X1",
            kinmu::domain::YearMonth::parse("2021-07").unwrap(),
            date("2024-08-01"),
            Some("admin"),
            now(),
        )
        .unwrap();
        assert_eq!(d.pc_review_resolutions, 1);
        assert_eq!(reviews(), 0);
    });
}
