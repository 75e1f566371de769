//! One coverage function (rules §9, issue 11): the monthly report's count of
//! a discrepancy day, the queue's figure and what a `work` resolution adds
//! are the same minutes, also when two PCs were on at once.

use crate::helpers::*;
use kinmu::discrepancies::{self, Resolution, ResolveRequest};
use kinmu::domain::time::YearMonth;
use kinmu::ingest::ImportKind;

const TIMECARD: &str = "staff_id,date,clock_in,clock_out,break_minutes,kind\n\
X1,2024-06-03,08:30,17:30,60,work\n\
X1,2024-06-03,18:00,19:00,0,self_study\n";

/// Two PCs: 17:00–20:00 and 19:30–20:15 share half an hour.
const PC_LOG: &str = "staff_id,pc_name,logon,logoff\n\
X1,PC-1,2024-06-03 17:00:00,2024-06-03 20:00:00\n\
X1,PC-2,2024-06-03 19:30:00,2024-06-03 20:15:00\n";

#[test]
fn the_report_the_queue_and_a_work_resolution_count_simultaneous_pc_use_once() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.import_ok(ImportKind::Timecard, TIMECARD.as_bytes());
        db.import_ok(ImportKind::Pclog, PC_LOG.as_bytes());
        let before = db.report("2024-06", "2024-06-30");
        assert_eq!(doctor(&before, "X1").open_discrepancies, 1);

        // 17:30–18:00 and 19:00–20:15: 105 minutes, not 60 + 75 = 135.
        let rules = kinmu::domain::RuleConfig::default();
        let june = YearMonth::parse("2024-06").unwrap();
        let queue = kinmu::report::queue::queue(&mut db.conn(), &rules, june, date("2024-06-30")).unwrap();
        assert_eq!(queue.items.len(), 1);
        let item = &queue.items[0];
        assert_eq!((item.staff_id.as_str(), item.uncovered), ("X1", 105));
        assert_eq!(item.gap_texts(), vec!["17:30–18:00", "19:00–20:15"]);
        assert_eq!(item.sessions.len(), 2);

        let resolved = discrepancies::resolve(
            &mut db.conn(),
            &ResolveRequest {
                staff_id: "X1",
                day: date("2024-06-03"),
                resolution: Resolution::Work,
                reason: "病棟対応",
                actor: "jinji",
                now: now(),
                rules: &rules,
            },
        )
        .unwrap();
        let added: i64 = resolved.added.iter().map(|(s, e)| (*e - *s).num_minutes()).sum();
        assert_eq!((resolved.uncovered_minutes, added), (105, 105));

        let after = db.report("2024-06", "2024-06-30");
        let (b, a) = (doctor(&before, "X1"), doctor(&after, "X1"));
        assert_eq!(a.open_discrepancies, 0);
        assert_eq!(
            a.total_work_minutes - b.total_work_minutes,
            105,
            "the day's work grew by what was shown"
        );
    });
}

/// 31 May 23:00–1 June 00:30 and 1 June 00:10–01:00 share minutes: one
/// interval of 120 on 31 May. June has no discrepancy of its own.
const ACROSS_MONTHS: &str = "staff_id,pc_name,logon,logoff\n\
X1,PC-1,2024-05-31 23:00:00,2024-06-01 00:30:00\n\
X1,PC-2,2024-06-01 00:10:00,2024-06-01 01:00:00\n";

#[test]
fn pc_use_merged_across_the_month_end_counts_on_the_earlier_month() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.import_ok(ImportKind::Pclog, ACROSS_MONTHS.as_bytes());
        assert_eq!(doctor(&db.report("2024-05", "2024-05-31"), "X1").open_discrepancies, 1);
        assert_eq!(
            doctor(&db.report("2024-06", "2024-06-30"), "X1").open_discrepancies,
            0,
            "the 1st's session belongs to May's interval"
        );
        let rules = kinmu::domain::RuleConfig::default();
        let june = YearMonth::parse("2024-06").unwrap();
        let queue = kinmu::report::queue::queue(&mut db.conn(), &rules, june, date("2024-06-30")).unwrap();
        assert!(queue.items.is_empty());
        let may = YearMonth::parse("2024-05").unwrap();
        let queue = kinmu::report::queue::queue(&mut db.conn(), &rules, may, date("2024-05-31")).unwrap();
        assert_eq!((queue.items.len(), queue.items[0].uncovered), (1, 120));
    });
}
