//! Sets of minutes as sorted intervals `start..end`: the one place their
//! union, intersection and difference are written (counting, coverage of
//! PC logs, permits).

use chrono::NaiveDateTime;

/// Minutes `start..end` on the minute grid.
pub type Interval = (NaiveDateTime, NaiveDateTime);

/// The intervals sorted and joined where they share a minute, or also
/// where one ends as the next starts when `touching`.
pub fn merged(mut v: Vec<Interval>, touching: bool) -> Vec<Interval> {
    v.sort_unstable();
    let mut out: Vec<Interval> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s < last.1 || (touching && s == last.1) => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// The minutes of `a` that lie in `b`, merged.
pub fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    intersect_merged(a, &merged(b.to_vec(), true))
}

/// As [`intersect`], with `b` already [`merged`] (sorted and disjoint):
/// each interval of `a` looks only at the part of `b` it can meet.
pub fn intersect_merged(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    for &(s, e) in a {
        let first = b.partition_point(|&(_, be)| be <= s);
        for &(bs, be) in &b[first..] {
            if bs >= e {
                break;
            }
            let (x, y) = (s.max(bs), e.min(be));
            if x < y {
                out.push((x, y));
            }
        }
    }
    merged(out, true)
}

/// The minutes of `from` outside `cut`, in the order of `from`.
pub fn subtract(from: &[Interval], cut: &[Interval]) -> Vec<Interval> {
    subtract_merged(from, &merged(cut.to_vec(), true))
}

/// As [`subtract`], with `cut` already [`merged`] (sorted and disjoint):
/// each interval of `from` looks only at the part of `cut` it can meet.
pub fn subtract_merged(from: &[Interval], cut: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    for &(mut s, e) in from {
        let first = cut.partition_point(|&(_, ce)| ce <= s);
        for &(cs, ce) in &cut[first..] {
            if cs >= e {
                break;
            }
            if cs > s {
                out.push((s, cs));
            }
            s = s.max(ce);
            if s >= e {
                break;
            }
        }
        if s < e {
            out.push((s, e));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2024, 6, 3)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn union_intersection_and_difference() {
        assert_eq!(merged(vec![(at(3), at(5)), (at(1), at(3))], true), vec![(at(1), at(5))]);
        assert_eq!(merged(vec![(at(3), at(5)), (at(1), at(3))], false).len(), 2);
        assert_eq!(
            intersect(&[(at(1), at(6))], &[(at(2), at(3)), (at(5), at(8))]),
            vec![(at(2), at(3)), (at(5), at(6))]
        );
        assert_eq!(
            subtract(&[(at(1), at(6))], &[(at(2), at(3)), (at(5), at(8))]),
            vec![(at(1), at(2)), (at(3), at(5))]
        );
        assert_eq!(subtract(&[(at(1), at(2))], &[(at(0), at(9))]), vec![]);
        // Unsorted pieces and cuts give what the sorted ones give.
        assert_eq!(
            subtract(&[(at(7), at(9)), (at(1), at(4))], &[(at(8), at(10)), (at(0), at(2))]),
            vec![(at(7), at(8)), (at(2), at(4))]
        );
        assert_eq!(
            intersect(&[(at(7), at(9)), (at(1), at(4))], &[(at(8), at(10)), (at(0), at(2))]),
            vec![(at(1), at(2)), (at(8), at(9))]
        );
    }
}
