//! Criterion benchmarks of the pure rules (src/domain) and the CSV readers
//! (src/import), on a hospital from `kinmu::generate`: 1,000 doctors, June
//! 2024, as of the 15th (the roster projects the rest of the month).
//!
//! ```sh
//! cargo bench --bench rules                 # everything
//! cargo bench --bench rules -- project      # one group
//! ```
//!
//! The whole commands (import into SQLite/PostgreSQL, `report monthly`, the
//! API under load) are measured by `bench/run`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kinmu::domain::count::{count, Inputs};
use kinmu::domain::discrepancy::{discrepancy_days, Coverage, PcSession};
use kinmu::domain::profile::{Profile, RosterView};
use kinmu::domain::projection::{project, Subject};
use kinmu::domain::{RuleConfig, Shift, YearMonth};
use kinmu::generate::{Generator, Options};
use kinmu::import::{parse_doctors, parse_pclog, parse_shifts};
use std::collections::HashMap;
use std::hint::black_box;

const DOCTORS: u32 = 1_000;
/// PC sessions of the hospital's month (about four per worked row).
const PC_SESSIONS: u64 = 100_000;

/// One doctor's rows, as the report loads them.
struct DoctorData {
    profile: Profile,
    timecard: Vec<Shift>,
    roster: Vec<Shift>,
    pc: Vec<PcSession>,
}

struct Hospital {
    month: YearMonth,
    as_of: NaiveDate,
    cfg: RuleConfig,
    doctors: Vec<DoctorData>,
    timecard_csv: Vec<u8>,
    pclog_csv: Vec<u8>,
}

fn hospital() -> Hospital {
    let month = YearMonth::new(2024, 6).unwrap();
    let generator = Generator::new(Options {
        doctors: DOCTORS,
        months: 1,
        start: month,
        pc_sessions: Some(PC_SESSIONS),
        ..Options::default()
    });
    let mut files: [Vec<u8>; 4] = Default::default();
    generator.write_doctors(&mut files[0]).unwrap();
    generator.write_timecard(&mut files[1]).unwrap();
    generator.write_roster(&mut files[2]).unwrap();
    generator.write_pclog(&mut files[3]).unwrap();
    let [doctors_csv, timecard_csv, roster_csv, pclog_csv] = files;

    let cfg = RuleConfig::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut doctors = Vec::new();
    for (i, r) in parse_doctors(&doctors_csv).unwrap().rows.into_iter().enumerate() {
        let d = r.value;
        index.insert(d.staff_id.clone(), i);
        if let Some(account) = d.pc_account {
            index.insert(account, i);
        }
        doctors.push(DoctorData {
            profile: Profile {
                legal_holiday: d.legal_holiday,
                scheduled_start: d.scheduled_start.unwrap_or(cfg.scheduled_start),
                ..Profile::default()
            },
            timecard: Vec::new(),
            roster: Vec::new(),
            pc: Vec::new(),
        });
    }
    for r in parse_shifts(&timecard_csv).unwrap().rows {
        doctors[index[&r.value.staff_id]].timecard.push(r.value.shift);
    }
    for r in parse_shifts(&roster_csv).unwrap().rows {
        doctors[index[&r.value.staff_id]].roster.push(r.value.shift);
    }
    for r in parse_pclog(&pclog_csv).unwrap().rows {
        doctors[index[&r.value.account]].pc.push(PcSession {
            logon: r.value.logon,
            logoff: r.value.logoff,
        });
    }
    Hospital {
        month,
        as_of: NaiveDate::from_ymd_opt(2024, 6, 15).unwrap(),
        cfg,
        doctors,
        timecard_csv,
        pclog_csv,
    }
}

/// The busiest doctor: the most timecard rows.
fn busiest(h: &Hospital) -> &DoctorData {
    h.doctors.iter().max_by_key(|d| d.timecard.len()).unwrap()
}

static NO_ROSTER: RosterView = RosterView {
    ranges: Vec::new(),
    rows: Vec::new(),
};

fn subject(d: &DoctorData) -> Subject<'_> {
    Subject {
        profile: &d.profile,
        roster: &NO_ROSTER,
        published: &[],
        permitted: Some(&[]),
    }
}

/// The month's figures of one doctor's rows (rules §2–§6).
fn month_figures(h: &Hospital, d: &DoctorData, rows: &[Shift]) -> i64 {
    let counted = count(
        Inputs {
            rows,
            profile: &d.profile,
            roster: &NO_ROSTER,
            published: &[],
            permitted: Some(&[]),
        },
        &h.cfg,
    );
    counted
        .month(rows, &d.profile, h.month, &h.cfg.agreement)
        .overtime_holiday_minutes
}

/// What `report monthly` computes for one doctor, without the database.
fn doctor_month(h: &Hospital, d: &DoctorData) -> (i64, usize) {
    let p = project(&d.timecard, &d.roster, subject(d), h.month, h.as_of, &h.cfg);
    let covering: Vec<Shift> = d
        .timecard
        .iter()
        .filter(|s| s.start_date() <= p.as_of)
        .cloned()
        .collect();
    let days = discrepancy_days(
        &d.pc,
        &Coverage::every_row(&covering),
        h.month.first_day(),
        p.as_of,
        h.cfg.discrepancy_minutes,
    );
    (p.projected_overtime_holiday_minutes, days.len())
}

fn rules(c: &mut Criterion) {
    let h = hospital();
    let one = busiest(&h);
    let n = h.doctors.len() as u64;

    let mut g = c.benchmark_group("month_figures");
    g.bench_function("one_doctor", |b| {
        b.iter(|| month_figures(&h, one, black_box(&one.timecard)))
    });
    g.throughput(Throughput::Elements(n));
    g.bench_function("1000_doctors", |b| {
        b.iter(|| {
            h.doctors
                .iter()
                .map(|d| month_figures(&h, d, black_box(&d.timecard)))
                .sum::<i64>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("project");
    g.bench_function("one_doctor", |b| {
        b.iter(|| {
            project(
                black_box(&one.timecard),
                &one.roster,
                subject(one),
                h.month,
                h.as_of,
                &h.cfg,
            )
        })
    });
    g.throughput(Throughput::Elements(n));
    g.bench_function("1000_doctors", |b| {
        b.iter(|| {
            h.doctors
                .iter()
                .map(|d| {
                    project(black_box(&d.timecard), &d.roster, subject(d), h.month, h.as_of, &h.cfg)
                        .projected_overtime_holiday_minutes
                })
                .sum::<i64>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("discrepancy_days");
    g.bench_function("one_doctor", |b| {
        b.iter(|| {
            discrepancy_days(
                black_box(&one.pc),
                &Coverage::every_row(&one.timecard),
                h.month.first_day(),
                h.month.last_day(),
                h.cfg.discrepancy_minutes,
            )
        })
    });
    g.throughput(Throughput::Elements(n));
    g.bench_function("1000_doctors", |b| {
        b.iter(|| {
            h.doctors
                .iter()
                .map(|d| {
                    discrepancy_days(
                        black_box(&d.pc),
                        &Coverage::every_row(&d.timecard),
                        h.month.first_day(),
                        h.month.last_day(),
                        h.cfg.discrepancy_minutes,
                    )
                    .len()
                })
                .sum::<usize>()
        })
    });
    g.finish();

    // The rules part of `report monthly`: projection and discrepancies of
    // every doctor (what src/report/monthly.rs `compute` does).
    let mut g = c.benchmark_group("report_rules");
    g.throughput(Throughput::Elements(n));
    g.bench_function("1000_doctors", |b| {
        b.iter(|| {
            h.doctors
                .iter()
                .map(|d| {
                    let (projected, days) = doctor_month(&h, black_box(d));
                    projected + days as i64
                })
                .sum::<i64>()
        })
    });
    g.finish();
}

fn parsing(c: &mut Criterion) {
    let h = hospital();
    let rows = h.doctors.iter().map(|d| d.timecard.len() as u64).sum();
    let sessions = h.doctors.iter().map(|d| d.pc.len() as u64).sum();

    let mut g = c.benchmark_group("parse");
    g.sample_size(20);
    g.throughput(Throughput::Elements(rows));
    g.bench_function("timecard", |b| {
        b.iter(|| parse_shifts(black_box(&h.timecard_csv)).unwrap().rows.len())
    });
    g.throughput(Throughput::Elements(sessions));
    g.bench_function("pclog", |b| {
        b.iter(|| parse_pclog(black_box(&h.pclog_csv)).unwrap().rows.len())
    });
    g.finish();

    let mut g = c.benchmark_group("generate");
    g.sample_size(10);
    g.throughput(Throughput::Elements(sessions));
    g.bench_function("pclog", |b| {
        let generator = Generator::new(Options {
            doctors: DOCTORS,
            pc_sessions: Some(PC_SESSIONS),
            ..Options::default()
        });
        let mut out = Vec::with_capacity(h.pclog_csv.len());
        b.iter(|| {
            out.clear();
            generator.write_pclog(&mut out).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, rules, parsing);
criterion_main!(benches);
