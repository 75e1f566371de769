//! Re-exports replace a period (issue 12 item 4): which stored timecard row
//! each row of a file stands for, and which stored rows the file no longer
//! has.
//!
//! A timecard file covers a period **per doctor it names**: the period the
//! import declares (`--period`, the API's `period_from`/`period_to`, the
//! upload form's 対象期間) for every doctor with a row in the file, or else
//! each doctor's first to last date in the file. A doctor without a row in
//! the file is never touched (a per-department export does not wipe the
//! other departments). Inside a doctor's period — the stored rows whose start
//! date lies in it, of the kinds the file holds (a vendor's timecard of
//! work and duty rows leaves the self-reported 副業 and self-study rows
//! alone; a file of self-reports leaves the punches alone) — the file is
//! the truth:
//!
//! 1. a file row with the doctor, start and kind of a stored current row is
//!    that row: unchanged if equal, else a correction (anywhere, in the
//!    period or not — the rule of every import). Equal ([`same`]) means the
//!    same times, break, employer and 所定区分 and, when the file row carries
//!    a superior's confirmation (rules §2.3), the stored row already
//!    confirmed by that person: a confirmation arriving for the same times is
//!    a new version. A file row without one says nothing about the status (a
//!    confirmation made on screen stays);
//! 2. the rows left, in the period, are paired by doctor, start date and
//!    kind, in order of start: the first file row of the 3rd's `work` left
//!    with the first stored one left, and so on. A pair is a correction (the
//!    clock-in moved from 08:30 to 08:15);
//! 3. a file row left is new; a stored row left was removed in the vendor's
//!    system and is superseded with no new version (「再取込で取消」).
//!
//! A row HR added on the discrepancy screen (no import batch) is not the
//! vendor's: a re-export never pairs it by date nor removes it (step 1 still
//! applies to it, as before). Rows outside the period, of other doctors, or
//! kept for the reasons below are stored rows like any other: a file row
//! overlapping one is refused.
//!
//! With `--skip-invalid`, a refused row must not delete data: the stored rows
//! of the refused row's doctor, date and kind are kept (neither corrected
//! nor removed); and when a line of the file cannot be read at all, kinmu
//! cannot tell whose row it was, so that import removes nothing (corrections
//! and new rows still go in; importing the fixed file removes the rest).

use super::shifts::Row;
use crate::domain::profile::StudyStatus;
use crate::domain::shift::{Kind, Shift};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The dates a file covers for one doctor, both inclusive.
pub(super) type Period = (NaiveDate, NaiveDate);

/// Each doctor's period: `declared` for every doctor with a row in the file,
/// or the doctor's first to last date in the file.
pub(super) fn periods(rows: &[Row], declared: Option<Period>) -> HashMap<i64, Period> {
    let mut out: HashMap<i64, Period> = HashMap::new();
    for r in rows {
        let d = r.shift.start_date();
        let e = out.entry(r.doctor_id).or_insert(declared.unwrap_or((d, d)));
        if declared.is_none() {
            e.0 = e.0.min(d);
            e.1 = e.1.max(d);
        }
    }
    out
}

/// The earliest and latest start the stored rows of the file's doctors must
/// be read from: the file's rows and periods, widened by the longest row
/// (48 h) so that every row they can overlap is seen.
pub(super) fn window(rows: &[Row], periods: &HashMap<i64, Period>) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let first = rows
        .iter()
        .map(|r| r.shift.start())
        .chain(periods.values().map(|p| crate::domain::time::midnight(p.0)))
        .min()?;
    let last = rows
        .iter()
        .map(|r| r.shift.start())
        .chain(
            periods
                .values()
                .map(|p| crate::domain::time::midnight(p.1.succ_opt().unwrap_or(p.1))),
        )
        .max()?;
    let margin = crate::domain::shift::MAX_SHIFT;
    Some((first - margin, last + margin))
}

/// A stored current timecard row as the import sees it.
#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub(super) id: i64,
    pub(super) doctor_id: i64,
    pub(super) version: i32,
    /// Stored by an import (not added by HR on the discrepancy screen).
    pub(super) imported: bool,
    /// With its status, employer and 所定区分.
    pub(super) shift: Shift,
    /// Who confirmed (or rejected) a self-study row, and when.
    pub(super) confirmed_by: Option<String>,
    pub(super) confirmed_at: Option<NaiveDateTime>,
}

/// The same row but for the status: times, break, kind, employer, class,
/// interval rule.
pub(super) fn same_content(a: &Shift, b: &Shift) -> bool {
    (
        a.start(),
        a.end(),
        a.break_minutes(),
        a.kind(),
        a.employer(),
        a.schedule_class(),
        a.interval_rule(),
    ) == (
        b.start(),
        b.end(),
        b.break_minutes(),
        b.kind(),
        b.employer(),
        b.schedule_class(),
        b.interval_rule(),
    )
}

/// Whether a file row says nothing the stored row does not (see the
/// module's documentation, step 1).
pub(super) fn same(stored: &Stored, r: &Row) -> bool {
    same_content(&stored.shift, &r.shift)
        && match &r.confirmation {
            None => true,
            Some(c) => {
                stored.shift.study() == StudyStatus::Confirmed
                    && stored.confirmed_by.as_deref() == Some(c.by.as_str())
                    && c.at.is_none_or(|at| stored.confirmed_at == Some(at))
            }
        }
}

/// The doctor, start date and kind a row is paired by.
pub(super) type Slot = (i64, NaiveDate, Kind);

pub(super) fn slot_of(doctor_id: i64, s: &Shift) -> Slot {
    (doctor_id, s.start_date(), s.kind())
}

/// What the file's rows are, against the stored rows (indexes into both).
#[derive(Debug, Default)]
pub(super) struct Matching {
    pub(super) unchanged: usize,
    /// (file row, stored row it corrects).
    pub(super) corrections: Vec<(usize, usize)>,
    pub(super) fresh: Vec<usize>,
    /// Stored rows in their doctor's period that the file no longer has.
    pub(super) missing: Vec<usize>,
}

fn in_period(periods: &HashMap<i64, Period>, doctor_id: i64, d: NaiveDate) -> bool {
    periods
        .get(&doctor_id)
        .is_some_and(|(from, to)| (*from..=*to).contains(&d))
}

/// Pairs the file's rows with the stored current rows (the rule in the
/// module's documentation).
pub(super) fn match_rows(rows: &[Row], stored: &[Stored], periods: &HashMap<i64, Period>) -> Matching {
    let mut m = Matching::default();
    let by_key: HashMap<(i64, NaiveDateTime, Kind), usize> = stored
        .iter()
        .enumerate()
        .map(|(j, s)| ((s.doctor_id, s.shift.start(), s.shift.kind()), j))
        .collect();
    let mut taken: HashSet<usize> = HashSet::new();
    let mut unmatched: Vec<usize> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        match by_key.get(&(r.doctor_id, r.shift.start(), r.shift.kind())) {
            Some(&j) => {
                taken.insert(j);
                if same(&stored[j], r) {
                    m.unchanged += 1;
                } else {
                    m.corrections.push((i, j));
                }
            }
            None => unmatched.push(i),
        }
    }
    // Stored rows left after step 1, in the period, by slot; then the file's
    // rows left in those slots (a slot with no stored row left makes its
    // rows new at once, so a first import builds no map of its rows).
    let kinds: HashSet<Kind> = rows.iter().map(|r| r.shift.kind()).collect();
    let mut left: BTreeMap<Slot, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (j, s) in stored.iter().enumerate() {
        if s.imported
            && !taken.contains(&j)
            && kinds.contains(&s.shift.kind())
            && in_period(periods, s.doctor_id, s.shift.start_date())
        {
            left.entry(slot_of(s.doctor_id, &s.shift)).or_default().1.push(j);
        }
    }
    for i in unmatched {
        let r = &rows[i];
        // A slot's date is a stored row's, in the doctor's period.
        match left.get_mut(&slot_of(r.doctor_id, &r.shift)) {
            Some(slot) => slot.0.push(i),
            None => m.fresh.push(i),
        }
    }
    for (_, (mut file, mut kept)) in left {
        file.sort_by_key(|&i| (rows[i].shift.start(), rows[i].line));
        kept.sort_by_key(|&j| (stored[j].shift.start(), stored[j].id));
        let pairs = file.len().min(kept.len());
        m.corrections.extend(file.iter().copied().zip(kept.iter().copied()));
        m.fresh.extend_from_slice(&file[pairs..]);
        m.missing.extend_from_slice(&kept[pairs..]);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: &str, t: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{d} {t}"), "%Y-%m-%d %H:%M").unwrap()
    }

    fn shift(d: &str, from: &str, to: &str, kind: Kind) -> Shift {
        Shift::new(at(d, from), at(d, to), 0, kind).unwrap()
    }

    fn row(line: usize, doctor_id: i64, s: Shift) -> Row {
        Row {
            line,
            doctor_id,
            shift: s,
            confirmation: None,
        }
    }

    fn stored(id: i64, doctor_id: i64, s: Shift) -> Stored {
        Stored {
            id,
            doctor_id,
            version: 1,
            imported: true,
            shift: s,
            confirmed_by: None,
            confirmed_at: None,
        }
    }

    fn day(d: &str) -> NaiveDate {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_moved_clock_in_pairs_by_date_and_kind_and_a_row_gone_from_the_file_is_missing() {
        let rows = vec![
            row(2, 1, shift("2024-06-03", "08:15", "17:00", Kind::Work)),
            row(3, 1, shift("2024-06-04", "08:30", "17:00", Kind::Work)),
        ];
        let kept = vec![
            stored(10, 1, shift("2024-06-03", "08:30", "17:00", Kind::Work)),
            stored(11, 1, shift("2024-06-04", "08:30", "17:00", Kind::Work)),
            stored(12, 1, shift("2024-06-04", "18:00", "20:00", Kind::SelfStudy)),
            stored(13, 1, shift("2024-06-04", "20:00", "21:00", Kind::Work)),
        ];
        let m = match_rows(&rows, &kept, &periods(&rows, None));
        assert_eq!(m.unchanged, 1);
        assert_eq!(m.corrections, vec![(0, 0)]);
        assert!(m.fresh.is_empty());
        assert_eq!(
            m.missing,
            vec![3],
            "the 4th's second work row is no longer in the file; its self-study row is \
             of a kind the file does not hold, and stays"
        );
        // A file that holds self-study rows replaces them too.
        let mut with_study = rows.clone();
        with_study.push(row(4, 1, shift("2024-06-03", "18:00", "19:00", Kind::SelfStudy)));
        let mut m = match_rows(&with_study, &kept, &periods(&with_study, None));
        m.missing.sort_unstable();
        assert_eq!(m.missing, vec![2, 3]);
        assert_eq!(m.fresh, vec![2]);
    }

    #[test]
    fn two_punch_pairs_of_a_day_pair_in_order_of_start_after_exact_matches() {
        let rows = vec![
            row(2, 1, shift("2024-06-03", "13:30", "17:00", Kind::Work)),
            row(3, 1, shift("2024-06-03", "07:50", "12:00", Kind::Work)),
            row(4, 1, shift("2024-06-03", "19:00", "20:00", Kind::Work)),
        ];
        let kept = vec![
            stored(10, 1, shift("2024-06-03", "08:00", "12:00", Kind::Work)),
            stored(11, 1, shift("2024-06-03", "13:00", "17:00", Kind::Work)),
        ];
        let m = match_rows(&rows, &kept, &periods(&rows, None));
        assert_eq!(m.corrections, vec![(1, 0), (0, 1)]);
        assert_eq!(m.fresh, vec![2]);
        assert!(m.missing.is_empty());
    }

    #[test]
    fn rows_outside_the_period_of_absent_doctors_or_added_by_hr_are_never_missing() {
        let rows = vec![row(2, 1, shift("2024-06-04", "08:30", "17:00", Kind::Work))];
        let mut hr = stored(13, 1, shift("2024-06-04", "18:00", "19:00", Kind::Work));
        hr.imported = false;
        let kept = vec![
            stored(10, 1, shift("2024-06-03", "08:30", "17:00", Kind::Work)),
            stored(11, 2, shift("2024-06-04", "08:30", "17:00", Kind::Work)),
            stored(12, 1, shift("2024-06-05", "08:30", "17:00", Kind::Work)),
            hr,
        ];
        let m = match_rows(&rows, &kept, &periods(&rows, None));
        assert_eq!(m.fresh, vec![0]);
        assert!(m.missing.is_empty(), "{m:?}");
        // A declared period reaches the 3rd and the 5th of doctor 1 only.
        let wide = periods(&rows, Some((day("2024-06-01"), day("2024-06-30"))));
        assert_eq!(wide.len(), 1);
        let m = match_rows(&rows, &kept, &wide);
        assert!(
            m.corrections.is_empty(),
            "HR's row of the 4th is not paired by date: {m:?}"
        );
        assert_eq!(m.fresh, vec![0]);
        let mut missing = m.missing.clone();
        missing.sort_unstable();
        assert_eq!(missing, vec![0, 2]);
    }

    #[test]
    fn a_confirmation_for_the_same_times_is_a_change_and_a_file_without_one_keeps_the_status() {
        use super::super::shifts::Confirmation;
        let study = shift("2024-06-04", "18:00", "20:00", Kind::SelfStudy);
        let mut confirmed = stored(10, 1, study.clone().with_study(StudyStatus::Confirmed));
        confirmed.confirmed_by = Some("鈴木".into());
        confirmed.confirmed_at = Some(at("2024-06-05", "09:00"));
        let plain = row(2, 1, study.clone());
        let by = |who: &str, when: Option<NaiveDateTime>| {
            let mut r = row(2, 1, study.clone().with_study(StudyStatus::Confirmed));
            r.confirmation = Some(Confirmation {
                by: who.into(),
                at: when,
            });
            r
        };
        assert!(
            same(&confirmed, &plain),
            "a re-export without 確認者 keeps the confirmation"
        );
        assert!(same(&confirmed, &by("鈴木", None)));
        assert!(same(&confirmed, &by("鈴木", Some(at("2024-06-05", "09:00")))));
        assert!(!same(&confirmed, &by("鈴木", Some(at("2024-06-06", "09:00")))));
        assert!(!same(&confirmed, &by("田中", None)));
        let unconfirmed = stored(11, 1, study.clone());
        assert!(same(&unconfirmed, &plain));
        assert!(
            !same(&unconfirmed, &by("鈴木", None)),
            "a confirmation is a new version"
        );
        let m = match_rows(
            &[by("鈴木", None)],
            &[unconfirmed],
            &periods(std::slice::from_ref(&plain), None),
        );
        assert_eq!((m.unchanged, m.corrections.clone()), (0, vec![(0, 0)]));
        // The times moved: a correction, whatever the status.
        let moved = row(2, 1, shift("2024-06-04", "18:00", "21:00", Kind::SelfStudy));
        assert!(!same(&confirmed, &moved));
    }

    #[test]
    fn the_window_covers_a_declared_period_wider_than_the_rows() {
        let rows = vec![row(2, 1, shift("2024-06-10", "08:30", "17:00", Kind::Work))];
        let p = periods(&rows, Some((day("2024-06-01"), day("2024-06-30"))));
        let (from, to) = window(&rows, &p).unwrap();
        assert_eq!(from, at("2024-05-30", "00:00"));
        assert_eq!(to, at("2024-07-03", "00:00"));
    }
}
