//! A doctor's worked minutes as intervals (rules §2, §2.3, §3, §13.2): the
//! working rows after the overlap rule and their breaks, the non-permitted
//! parts of permitted duty, and the counted minutes of self-study.

use super::super::profile::{ScheduleClass, StudyStatus};
use super::super::shift::{Kind, Shift};
use super::super::time::{minutes_between, Minutes};
use super::{subtract, Interval};
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// Where a worked interval comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// This hospital's working time (`work`, `duty`, the non-permitted part
    /// of `duty_permitted`, counted self-study).
    Own,
    /// Another employer's (`external`), with its rank (§5b.3) and class.
    External { rank: usize, class: ScheduleClass },
}

/// Worked minutes `start..end` of one row, after its break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worked {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// The row's start date (attribution, §5.1).
    pub start_day: NaiveDate,
    pub source: Source,
}

/// One self-study row's counted and excluded minutes (§2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StudyTally {
    pub counted: Minutes,
    pub excluded: Minutes,
}

/// One `duty_permitted` row's permitted and non-permitted minutes after
/// its break (readings 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DutyTally {
    pub permitted: Minutes,
    pub outside: Minutes,
}

/// The worked intervals of a doctor's rows.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub worked: Vec<Worked>,
    /// Per row index of the input: self-study tallies.
    pub study: Vec<(usize, StudyTally)>,
    /// Per row index of the input: permitted-duty tallies.
    pub duty: Vec<(usize, DutyTally)>,
}

/// Takes `brk` minutes from the first minutes of `parts` (time order).
fn take_break(parts: &[Interval], mut brk: Minutes) -> (Vec<Interval>, Minutes) {
    let mut out = Vec::with_capacity(parts.len());
    for &(s, e) in parts {
        let len = minutes_between(s, e);
        let taken = brk.min(len);
        brk -= taken;
        if len > taken {
            out.push((s + Duration::minutes(taken), e));
        }
    }
    (out, brk)
}

fn total(parts: &[Interval]) -> Minutes {
    parts.iter().map(|(s, e)| minutes_between(*s, *e)).sum()
}

/// Builds the timeline. `permitted` are the permit occurrences matching the
/// doctor (§13.2), `None` when the register is off (every minute of a
/// `duty_permitted` row is permitted). `inside` is the merged schedule
/// (§2.1), `rank_of` gives an external row's employer rank.
pub fn build(
    rows: &[Shift],
    permitted: Option<&[Interval]>,
    inside: &[Interval],
    rank_of: &dyn Fn(&Shift) -> usize,
) -> Timeline {
    let mut t = Timeline::default();
    // Working parts of every working row, before the overlap rule: the
    // row's index, its parts, and for permitted duty the permitted parts.
    let mut parts: Vec<(usize, Interval)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let span = (r.rounded_start(), r.rounded_end());
        match r.kind() {
            Kind::Work | Kind::Duty | Kind::External => parts.push((i, span)),
            Kind::DutyPermitted => {
                let outside = match permitted {
                    Some(p) => subtract(&[span], p),
                    None => Vec::new(),
                };
                parts.extend(outside.into_iter().map(|iv| (i, iv)));
            }
            Kind::SelfStudy => {}
        }
    }
    // Rule of §2 (readings 1): a later part starts where the earlier ends.
    parts.sort_by_key(|(i, (s, e))| (*s, *e, *i));
    let mut covered_until: Option<NaiveDateTime> = None;
    let mut trimmed: Vec<(usize, Interval)> = Vec::with_capacity(parts.len());
    for (i, (s, e)) in parts {
        let start = match covered_until {
            Some(c) if s < c => c.min(e),
            _ => s,
        };
        covered_until = Some(covered_until.map_or(e, |c| c.max(e)));
        if start < e {
            trimmed.push((i, (start, e)));
        }
    }
    trimmed.sort_by_key(|(i, iv)| (*i, *iv));
    let mut duty_outside: Vec<Interval> = Vec::new();
    let mut k = 0;
    while k < trimmed.len() {
        let i = trimmed[k].0;
        let n = trimmed[k..].iter().take_while(|(j, _)| *j == i).count();
        let row_parts: Vec<Interval> = trimmed[k..k + n].iter().map(|(_, iv)| *iv).collect();
        k += n;
        let r = &rows[i];
        let (after_break, left) = take_break(&row_parts, r.break_minutes());
        let source = match r.kind() {
            Kind::External => Source::External {
                rank: rank_of(r),
                class: r.schedule_class(),
            },
            _ => Source::Own,
        };
        if r.kind() == Kind::DutyPermitted {
            duty_outside.extend(row_parts.iter().copied());
            let span = (r.rounded_start(), r.rounded_end());
            let permitted_minutes = minutes_between(span.0, span.1) - total(&row_parts);
            t.duty.push((
                i,
                DutyTally {
                    permitted: (permitted_minutes - left).max(0),
                    outside: total(&after_break),
                },
            ));
        }
        t.worked.extend(after_break.into_iter().map(|(start, end)| Worked {
            start,
            end,
            start_day: r.start_date(),
            source,
        }));
    }
    // Permitted duty rows with no working part at all.
    for (i, r) in rows.iter().enumerate() {
        if r.kind() == Kind::DutyPermitted && !t.duty.iter().any(|(j, _)| *j == i) {
            t.duty.push((
                i,
                DutyTally {
                    permitted: r.minutes().max(0),
                    outside: 0,
                },
            ));
        }
    }
    study(rows, inside, &duty_outside, &mut t);
    t.worked.sort_by_key(|w| (w.start, w.end));
    t
}

/// Self-study (§2.3, readings 4 and 5): each row loses its break from its
/// first minutes; a minute covered by several rows is booked to the row
/// that starts first and counted when any covering row would count it; a
/// minute inside a working row is not self-study; the rest is counted
/// inside the schedule, and outside it unless confirmed.
fn study(rows: &[Shift], inside: &[Interval], duty_outside: &[Interval], t: &mut Timeline) {
    let mut study_rows: Vec<(usize, Interval)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind() == Kind::SelfStudy)
        .filter_map(|(i, r)| {
            let (after, _) = take_break(&[(r.rounded_start(), r.rounded_end())], r.break_minutes());
            after.first().map(|iv| (i, *iv))
        })
        .collect();
    if study_rows.is_empty() {
        return;
    }
    study_rows.sort_by_key(|(i, (s, e))| (rows[*i].rounded_start(), *s, *e, *i));
    let mut working: Vec<Interval> = rows
        .iter()
        .filter(|r| matches!(r.kind(), Kind::Work | Kind::Duty | Kind::External))
        .map(|r| (r.rounded_start(), r.rounded_end()))
        .collect();
    working.extend_from_slice(duty_outside);
    let working = super::merge(working);
    let mut cuts: Vec<NaiveDateTime> = study_rows.iter().flat_map(|(_, (s, e))| [*s, *e]).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut tallies: Vec<(usize, StudyTally)> = study_rows.iter().map(|(i, _)| (*i, StudyTally::default())).collect();
    for pair in cuts.windows(2) {
        let piece = (pair[0], pair[1]);
        let covering: Vec<usize> = study_rows
            .iter()
            .enumerate()
            .filter(|(_, (_, (s, e)))| *s <= piece.0 && piece.1 <= *e)
            .map(|(k, _)| k)
            .collect();
        let Some(&booked) = covering.first() else {
            continue;
        };
        let all_confirmed = covering
            .iter()
            .all(|k| rows[study_rows[*k].0].study() == StudyStatus::Confirmed);
        let row = &rows[study_rows[booked].0];
        for free in subtract(&[piece], &working) {
            for (part, is_inside) in split_by(free, inside) {
                let m = minutes_between(part.0, part.1);
                if is_inside || !all_confirmed {
                    tallies[booked].1.counted += m;
                    t.worked.push(Worked {
                        start: part.0,
                        end: part.1,
                        start_day: row.start_date(),
                        source: Source::Own,
                    });
                } else {
                    tallies[booked].1.excluded += m;
                }
            }
        }
    }
    t.study = tallies;
}

/// `iv` cut at the boundaries of `set` (sorted, disjoint): each part and
/// whether it lies inside `set`.
pub fn split_by(iv: Interval, set: &[Interval]) -> Vec<(Interval, bool)> {
    let mut out = Vec::new();
    let mut at = iv.0;
    for &(s, e) in set {
        if e <= at {
            continue;
        }
        if s >= iv.1 {
            break;
        }
        if s > at {
            out.push(((at, s), false));
            at = s;
        }
        let end = e.min(iv.1);
        out.push(((at, end), true));
        at = end;
        if at >= iv.1 {
            break;
        }
    }
    if at < iv.1 {
        out.push(((at, iv.1), false));
    }
    out
}
