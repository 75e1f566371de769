//! The three rules (rules §11.3), where windows start (§11.4) and the
//! window test (§11.5).

use super::super::interval::Interval;
use super::super::time::{minutes_between, Minutes};
use super::timeline::{clip, len, meeting, overlaps, Timeline};
use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

/// One of the three rest rules (rules §11.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Rule {
    /// 始業から24時間以内に9時間の連続した休息時間.
    #[serde(rename = "std_9h_24h")]
    Std9h24h,
    /// 宿日直許可のない宿日直: 46時間以内に18時間.
    #[serde(rename = "duty_18h_46h")]
    Duty18h46h,
    /// C-1 臨床研修医の24時間の連続勤務: 48時間以内に24時間.
    #[serde(rename = "c1_24h_48h")]
    C1_24h48h,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::Std9h24h => "std_9h_24h",
            Rule::Duty18h46h => "duty_18h_46h",
            Rule::C1_24h48h => "c1_24h_48h",
        }
    }
    /// The window W in minutes.
    pub fn window(self) -> Minutes {
        match self {
            Rule::Std9h24h => 1440,
            Rule::Duty18h46h => 2760,
            Rule::C1_24h48h => 2880,
        }
    }
    /// The continuous rest R in minutes.
    pub fn rest(self) -> Minutes {
        match self {
            Rule::Std9h24h => 540,
            Rule::Duty18h46h => 1080,
            Rule::C1_24h48h => 1440,
        }
    }
    /// The longest work span it allows, W − R.
    pub fn span_limit(self) -> Minutes {
        self.window() - self.rest()
    }
}

/// The 9 h of `std_9h_24h` and the least length of a rest or permitted
/// stretch that bounds `L` (rules §11.3).
const NINE_HOURS: Minutes = 540;

/// `L` for the window at `s` (rules §11.3): the earlier of s + 1440 and the
/// start of the first free rest, or permitted stretch, of at least 540
/// minutes that begins after s.
pub fn limit(tl: &Timeline, s: NaiveDateTime) -> NaiveDateTime {
    let day = s + Duration::minutes(1440);
    // Both lists are sorted by start: look from the first starting after s.
    let after = |set: &[Interval]| {
        set[set.partition_point(|iv| iv.0 <= s)..]
            .iter()
            .find(|iv| len(**iv) >= NINE_HOURS)
            .map(|iv| iv.0)
    };
    let (free, permitted) = (after(&tl.free), after(&tl.permitted));
    [Some(day), free, permitted].into_iter().flatten().min().unwrap_or(day)
}

/// The rules applicable to the window at `s` (rules §11.3): `std_9h_24h`
/// always; `duty_18h_46h` when a working interval of kind `duty` overlaps
/// `[s, L)`, never for a C-1 clinical trainee; `c1_24h_48h` for a C-1
/// clinical trainee when a roster row marked `c1_24h` (`c1_rows`) overlaps
/// `[s, L)`. Sorted as the enum (std, duty, c1).
pub fn applicable_rules(tl: &Timeline, c1_rows: &[Interval], trainee: bool, s: NaiveDateTime) -> Vec<Rule> {
    let l = limit(tl, s);
    let mut rules = vec![Rule::Std9h24h];
    let near = tl.working_meeting(s, l);
    if !trainee && near.iter().any(|w| w.duty && overlaps(w.interval(), (s, l))) {
        rules.push(Rule::Duty18h46h);
    }
    if trainee && c1_rows.iter().any(|r| overlaps(*r, (s, l))) {
        rules.push(Rule::C1_24h48h);
    }
    rules
}

/// The result of the window test (rules §11.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A candidate exists: the deciding rest (its whole extent) and its rule.
    Pass {
        rule: Rule,
        rest: Interval,
        /// The deciding rest is a permitted stretch (it has no planned rest).
        permitted: bool,
    },
    /// No candidate: the record's figures against the reported rule.
    Fail {
        rule: Rule,
        /// The longest part of a free rest inside `[s, s + W)`.
        longest: Option<Interval>,
        work_span: Minutes,
    },
}

impl Outcome {
    pub fn passes(&self) -> bool {
        matches!(self, Outcome::Pass { .. })
    }
}

/// The window test at `s` under `rules` (rules §11.5).
pub fn test_window(tl: &Timeline, s: NaiveDateTime, rules: &[Rule]) -> Outcome {
    // Candidates: (start of the part inside the window, R, rule, rest, permitted).
    let mut best: Option<(NaiveDateTime, Minutes, Rule, Interval, bool)> = None;
    let mut offer = |c: (NaiveDateTime, Minutes, Rule, Interval, bool)| {
        if best.is_none_or(|b| (c.0, c.1) < (b.0, b.1)) {
            best = Some(c);
        }
    };
    for &r in rules {
        let end = s + Duration::minutes(r.window());
        for &f in meeting(&tl.free, s, end) {
            if let Some(part) = clip(f, s, end) {
                if len(part) >= r.rest() {
                    offer((part.0, r.rest(), r, f, false));
                }
            }
        }
        if r == Rule::Std9h24h {
            for &p in meeting(&tl.permitted, s, end) {
                if let Some(part) = clip(p, s, end) {
                    if len(part) >= NINE_HOURS {
                        offer((part.0, r.rest(), r, p, true));
                    }
                }
            }
        }
    }
    if let Some((_, _, rule, rest, permitted)) = best {
        return Outcome::Pass { rule, rest, permitted };
    }
    let rule = reported_rule(rules);
    let end = s + Duration::minutes(rule.window());
    let mut longest: Option<Interval> = None;
    for &f in meeting(&tl.free, s, end) {
        if let Some(part) = clip(f, s, end) {
            if longest.is_none_or(|l| len(part) > len(l)) {
                longest = Some(part);
            }
        }
    }
    let work_span = match longest {
        Some(l) => minutes_between(s, l.0),
        None => tl.free_from(s).map_or(0, |f| minutes_between(s, f.0)),
    };
    Outcome::Fail {
        rule,
        longest,
        work_span,
    }
}

/// The rule a failing window is reported against (rules §11.5): `c1_24h_48h`
/// if applicable, else `duty_18h_46h` if applicable, else `std_9h_24h`.
pub fn reported_rule(rules: &[Rule]) -> Rule {
    [Rule::C1_24h48h, Rule::Duty18h46h]
        .into_iter()
        .find(|r| rules.contains(r))
        .unwrap_or(Rule::Std9h24h)
}

/// One timeline the scan may read, in force for window starts after
/// `stored_at` (the first one also before), with the roster rows marked
/// `c1_24h` of the same version.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub stored_at: NaiveDateTime,
    pub timeline: &'a Timeline,
    pub c1_rows: &'a [Interval],
}

/// One window found by the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub s: NaiveDateTime,
    /// The index of the source in force at `s`.
    pub source: usize,
    pub rules: Vec<Rule>,
    pub outcome: Outcome,
}

/// The first eligible working interval starting at or after `x`, each
/// source being read for the starts it is in force for (rules §11.4, §11.6).
fn next_start(sources: &[Source], x: NaiveDateTime) -> Option<(NaiveDateTime, usize)> {
    for (i, src) in sources.iter().enumerate() {
        let lo = (i > 0).then_some(src.stored_at);
        let hi = sources.get(i + 1).map(|n| n.stored_at);
        if hi.is_some_and(|hi| hi < x) {
            continue;
        }
        // Working intervals are sorted by start: from the first at or after
        // x (and after lo), up to hi.
        let working = &src.timeline.working;
        let first = working.partition_point(|w| w.start < x || lo.is_some_and(|lo| w.start <= lo));
        let found = working[first..]
            .iter()
            .map(|w| w.start)
            .take_while(|&t| hi.is_none_or(|hi| t <= hi))
            .find(|&t| src.timeline.eligible(t));
        if let Some(t) = found {
            return Some((t, i));
        }
    }
    None
}

/// Every window of a timeline (rules §11.4), with its rules and outcome.
/// `sources` must be sorted by `stored_at`; `trainee`: a C-1 clinical
/// trainee.
pub fn window_starts(sources: &[Source], trainee: bool) -> Vec<Window> {
    let mut out = Vec::new();
    let mut x = super::timeline::BEGIN;
    while let Some((s, i)) = next_start(sources, x) {
        let src = sources[i];
        let rules = applicable_rules(src.timeline, src.c1_rows, trainee, s);
        let outcome = test_window(src.timeline, s, &rules);
        let next = match outcome {
            Outcome::Pass { rest, .. } => Some(rest.1),
            Outcome::Fail { .. } => {
                let wmax = rules.iter().map(|r| r.window()).max().unwrap_or(1440);
                let end = s + Duration::minutes(wmax);
                // The last gap starting inside (s, end), else the first
                // starting at or after end (gaps are sorted by start).
                let gaps = &src.timeline.gaps;
                let i = gaps.partition_point(|g| g.0 < end);
                match i.checked_sub(1).map(|j| gaps[j]) {
                    Some(g) if s < g.0 => Some(g.1),
                    _ => gaps.get(i).map(|g| g.1),
                }
            }
        };
        out.push(Window {
            s,
            source: i,
            rules,
            outcome,
        });
        match next {
            Some(n) if n > s && n < super::timeline::END => x = n,
            _ => break,
        }
    }
    out
}
