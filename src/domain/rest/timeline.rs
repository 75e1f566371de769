//! The timeline of one set of rows (rules §11.2): working intervals, busy
//! stretches, permitted stretches, free rests and gaps.

use super::super::interval::{intersect, merged, subtract, Interval};
use super::super::shift::{Kind, Shift};
use super::super::time::{minutes_between, Minutes};
use chrono::{NaiveDate, NaiveDateTime};

/// Before any data: the start of the first free rest.
pub const BEGIN: NaiveDateTime = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => match d.and_hms_opt(0, 0, 0) {
        Some(t) => t,
        None => NaiveDateTime::MIN,
    },
    None => NaiveDateTime::MIN,
};

/// After any data: time after the end of the data is free (rules §11.2), so
/// the last free rest and the last gap end here.
pub const END: NaiveDateTime = match NaiveDate::from_ymd_opt(9000, 1, 1) {
    Some(d) => match d.and_hms_opt(0, 0, 0) {
        Some(t) => t,
        None => NaiveDateTime::MAX,
    },
    None => NaiveDateTime::MAX,
};

/// The length of an interval in minutes.
pub fn len(iv: Interval) -> Minutes {
    minutes_between(iv.0, iv.1)
}

/// The part of `iv` inside `[from, to)`, if any.
pub fn clip(iv: Interval, from: NaiveDateTime, to: NaiveDateTime) -> Option<Interval> {
    let (a, b) = (iv.0.max(from), iv.1.min(to));
    (a < b).then_some((a, b))
}

/// The intervals of sorted, disjoint `set` that share a minute with
/// `[from, to)`, in order: a window's look at the free rests and permitted
/// stretches of months of rows without walking all of them.
pub fn meeting(set: &[Interval], from: NaiveDateTime, to: NaiveDateTime) -> &[Interval] {
    let a = set.partition_point(|iv| iv.1 <= from);
    let b = a + set[a..].partition_point(|iv| iv.0 < to);
    &set[a..b]
}

/// Whether two intervals share a minute.
pub fn overlaps(a: Interval, b: Interval) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// One working interval (rules §11.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Working {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// Of kind `duty`: a `duty` row or a non-permitted part of a
    /// `duty_permitted` row (rules §11.3).
    pub duty: bool,
    /// An `external` row: not the doctor's own work here (rules §11.9).
    pub external: bool,
}

impl Working {
    pub fn interval(&self) -> Interval {
        (self.start, self.end)
    }
}

/// The timeline of one doctor and one set of rows (rules §11.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Working intervals, sorted by start.
    pub working: Vec<Working>,
    /// The longest working interval's length: none ending after `t` starts
    /// at or before `t − longest` (see [`Timeline::working_meeting`]).
    pub longest: chrono::Duration,
    /// Busy stretches: working intervals, overlapping or touching joined.
    pub busy: Vec<Interval>,
    /// Permitted stretches: the permitted parts of `duty_permitted` rows,
    /// touching parts joined.
    pub permitted: Vec<Interval>,
    /// Free rests: the maximal intervals in neither; the first starts at
    /// [`BEGIN`], the last ends at [`END`].
    pub free: Vec<Interval>,
    /// Gaps: the maximal intervals after a busy stretch and before the next
    /// one (the last ends at [`END`]).
    pub gaps: Vec<Interval>,
    /// The whole spans of the `duty_permitted` rows (rules §11.11).
    pub duty_permitted_rows: Vec<Interval>,
}

/// The complement of sorted, disjoint `set` inside `[BEGIN, END)`.
fn complement(set: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut at = BEGIN;
    for &(s, e) in set {
        if s > at {
            out.push((at, s));
        }
        at = at.max(e);
    }
    if at < END {
        out.push((at, END));
    }
    out
}

impl Timeline {
    /// Builds the timeline of `rows` (rules §11.2). `permitted` are the
    /// permit occurrences matching the doctor (§13.2), `None` when the
    /// permits register is off (every minute of a `duty_permitted` row is
    /// permitted). `counted_study` says which `self_study` rows the counting
    /// rules (§2.3) count as working time.
    pub fn build(rows: &[Shift], permitted: Option<&[Interval]>, counted_study: &dyn Fn(&Shift) -> bool) -> Timeline {
        let mut working = Vec::new();
        let mut permitted_parts = Vec::new();
        let mut duty_permitted_rows = Vec::new();
        for r in rows {
            let span = (r.rounded_start(), r.rounded_end());
            let mut push = |(start, end): Interval, duty: bool, external: bool| {
                working.push(Working {
                    start,
                    end,
                    duty,
                    external,
                })
            };
            match r.kind() {
                Kind::Work => push(span, false, false),
                Kind::Duty => push(span, true, false),
                Kind::External => push(span, false, true),
                Kind::SelfStudy => {
                    if counted_study(r) {
                        push(span, false, false)
                    }
                }
                Kind::DutyPermitted => {
                    duty_permitted_rows.push(span);
                    match permitted {
                        Some(p) => {
                            for part in subtract(&[span], p) {
                                push(part, true, false);
                            }
                            permitted_parts.extend(intersect(&[span], p));
                        }
                        None => permitted_parts.push(span),
                    }
                }
            }
        }
        working.sort_by_key(|w| (w.start, w.end, w.external, w.duty));
        let busy = merged(working.iter().map(Working::interval).collect(), true);
        let permitted = merged(permitted_parts, true);
        let mut both = busy.clone();
        both.extend_from_slice(&permitted);
        let free = complement(&merged(both, true));
        let gaps = match busy.first() {
            Some(first) => complement(&busy).into_iter().filter(|g| g.0 >= first.1).collect(),
            None => Vec::new(),
        };
        let longest = working.iter().map(|w| w.end - w.start).max().unwrap_or_default();
        Timeline {
            working,
            longest,
            busy,
            permitted,
            free,
            gaps,
            duty_permitted_rows: merged(duty_permitted_rows, true),
        }
    }

    /// Whether a working interval starting at `t` may start a window: it
    /// does not begin strictly inside a permitted stretch (rules §11.4).
    pub fn eligible(&self, t: NaiveDateTime) -> bool {
        // The stretches are sorted and disjoint: only the last one starting
        // before `t` can contain it.
        let i = self.permitted.partition_point(|p| p.0 < t);
        i == 0 || self.permitted[i - 1].1 <= t
    }

    /// The working intervals that may share a minute with `[from, to)`: a
    /// sorted slice holding every one that does (the intervals are sorted
    /// by start and none is longer than [`Timeline::longest`]), so that a
    /// window looks at the few around it rather than months of them.
    pub fn working_meeting(&self, from: NaiveDateTime, to: NaiveDateTime) -> &[Working] {
        let too_early = from.checked_sub_signed(self.longest).unwrap_or(NaiveDateTime::MIN);
        let a = self.working.partition_point(|w| w.start <= too_early);
        let b = a + self.working[a..].partition_point(|w| w.start < to);
        &self.working[a..b]
    }

    /// The first free rest starting at or after `t`.
    pub fn free_from(&self, t: NaiveDateTime) -> Option<Interval> {
        self.free.get(self.free.partition_point(|f| f.0 < t)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn busy_permitted_free_and_gaps() {
        let rows = vec![
            Shift::new(at("2024-06-17 08:30"), at("2024-06-17 17:15"), 45, Kind::Work).unwrap(),
            Shift::new(at("2024-06-17 17:15"), at("2024-06-18 08:30"), 0, Kind::DutyPermitted).unwrap(),
            Shift::new(at("2024-06-18 02:00"), at("2024-06-18 03:30"), 0, Kind::Work).unwrap(),
        ];
        let permit = [(at("2024-06-17 22:00"), at("2024-06-18 06:00"))];
        let t = Timeline::build(&rows, Some(&permit), &|_| false);
        assert_eq!(
            t.busy,
            vec![
                (at("2024-06-17 08:30"), at("2024-06-17 22:00")),
                (at("2024-06-18 02:00"), at("2024-06-18 03:30")),
                (at("2024-06-18 06:00"), at("2024-06-18 08:30")),
            ]
        );
        assert_eq!(t.permitted, permit.to_vec());
        // The work inside permitted duty does not cut the permitted stretch.
        assert_eq!(
            t.free,
            vec![(BEGIN, at("2024-06-17 08:30")), (at("2024-06-18 08:30"), END)]
        );
        assert_eq!(t.gaps.len(), 3);
        assert!(t.working.iter().filter(|w| w.duty).count() == 2);
        assert!(!t.eligible(at("2024-06-18 02:00")) && t.eligible(at("2024-06-18 06:00")));
        // Register off: the whole row is permitted.
        let t = Timeline::build(&rows, None, &|_| false);
        assert_eq!(t.permitted, vec![(at("2024-06-17 17:15"), at("2024-06-18 08:30"))]);
    }

    #[test]
    fn meeting_finds_what_a_walk_of_every_interval_finds() {
        let set = [
            (at("2024-06-01 00:00"), at("2024-06-01 08:00")),
            (at("2024-06-01 17:00"), at("2024-06-02 08:00")),
            (at("2024-06-02 12:00"), at("2024-06-02 13:00")),
            (at("2024-06-03 20:00"), at("2024-06-04 06:00")),
        ];
        let edges: Vec<NaiveDateTime> = set.iter().flat_map(|&(a, b)| [a, b]).collect();
        let mut probes = edges.clone();
        probes.extend(edges.iter().map(|&t| t + chrono::Duration::minutes(1)));
        probes.extend(edges.iter().map(|&t| t - chrono::Duration::minutes(1)));
        for &from in &probes {
            for &to in probes.iter().filter(|&&to| to > from) {
                let walked: Vec<Interval> = set.iter().copied().filter(|&iv| clip(iv, from, to).is_some()).collect();
                assert_eq!(meeting(&set, from, to), walked.as_slice(), "[{from}, {to})");
            }
        }
        let t = Timeline {
            free: set.to_vec(),
            permitted: set.to_vec(),
            ..Timeline::default()
        };
        for &p in &probes {
            assert_eq!(t.free_from(p), set.iter().copied().find(|f| f.0 >= p), "free_from {p}");
            assert_eq!(t.eligible(p), !set.iter().any(|&(a, b)| a < p && p < b), "eligible {p}");
        }
    }

    #[test]
    fn the_working_intervals_near_a_window_hold_every_one_meeting_it() {
        // A 32-hour duty among short rows: an interval starting long before
        // a window still meets it.
        let rows = vec![
            Shift::new(at("2024-06-01 08:30"), at("2024-06-01 17:15"), 45, Kind::Work).unwrap(),
            Shift::new(at("2024-06-02 08:30"), at("2024-06-03 16:30"), 0, Kind::Duty).unwrap(),
            Shift::new(at("2024-06-03 09:00"), at("2024-06-03 12:00"), 0, Kind::Work).unwrap(),
            Shift::new(at("2024-06-04 08:30"), at("2024-06-04 17:15"), 45, Kind::External).unwrap(),
        ];
        let t = Timeline::build(&rows, None, &|_| true);
        assert_eq!(t.longest, chrono::Duration::hours(32));
        let edges: Vec<NaiveDateTime> = t.working.iter().flat_map(|w| [w.start, w.end]).collect();
        let mut probes = edges.clone();
        probes.extend(edges.iter().map(|&e| e + chrono::Duration::minutes(1)));
        probes.extend(edges.iter().map(|&e| e - chrono::Duration::minutes(1)));
        for &from in &probes {
            for &to in probes.iter().filter(|&&to| to > from) {
                let near = t.working_meeting(from, to);
                for w in t.working.iter().filter(|w| overlaps(w.interval(), (from, to))) {
                    assert!(near.contains(w), "[{from}, {to}) misses {w:?}");
                }
            }
        }
    }
}
