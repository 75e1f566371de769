//! The intake folder's settings (issue 12 §5): the folder the vendor's
//! system exports to (`intake_dir`, unset: off), the rules that say what
//! each file is by its name (`intake_rules`), how long a file must rest
//! before it is taken (`intake_settle_seconds`) and how often the folder is
//! looked at (`intake_cron`). The job itself is `crate::monitor::intake`.
//!
//! A rule is one string `PATTERN=KIND[:LAYOUT]`: a file-name pattern (`*`
//! any run of characters, `?` one character, letters matched without regard
//! to case, no `=` or `/`), the import kind (`doctors`, `timecard`, `roster`,
//! `pclog`, `employers`, `permits`, `comp_rest` — also written `comp-rest`) and optionally a layout (a preset or saved layout's name, or a path to a `.toml`
//! layout file; none: recognised from the header, kinmu's own columns).
//! In a file the rules are an array of such strings; in the environment
//! (`KINMU_INTAKE_RULES`) they are separated by `;` or new lines. The
//! first rule that matches a file's name wins.

use super::ConfigError;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The import kinds a rule may name (`crate::ingest::ImportKind`'s codes;
/// the intake job's tests pin that they agree).
pub const KINDS: [&str; 7] = [
    "doctors",
    "timecard",
    "roster",
    "pclog",
    "employers",
    "permits",
    "comp_rest",
];

const RULE_FORMAT: &str =
    "パターン=種別[:レイアウト]、種別は doctors, timecard, roster, pclog, employers, permits, comp_rest / PATTERN=KIND[:LAYOUT]";

/// The intake folder's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeSettings {
    /// The folder files are picked up from; `None`: no intake.
    pub dir: Option<PathBuf>,
    /// What each file is, by its name; the first match wins.
    pub rules: Vec<IntakeRule>,
    /// A file is taken only once it has not changed for this long (its
    /// modification time is at least this old): a file still being
    /// written is never imported half.
    pub settle: Duration,
    /// When `kinmu serve` looks at the folder (cron with seconds).
    pub cron: String,
}

/// One rule: files whose name matches `pattern` are imported as `kind`,
/// read with `layout`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeRule {
    pub pattern: String,
    /// One of [`KINDS`].
    pub kind: String,
    /// A preset or saved layout's name, or a path to a `.toml` layout; `None`: recognised
    /// from the header.
    pub layout: Option<String>,
}

impl fmt::Display for IntakeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.pattern, self.kind)?;
        if let Some(layout) = &self.layout {
            write!(f, ":{layout}")?;
        }
        Ok(())
    }
}

impl IntakeRule {
    /// Reads `PATTERN=KIND[:LAYOUT]`.
    pub fn parse(text: &str) -> Result<IntakeRule, ConfigError> {
        let bad = || ConfigError::Value {
            key: "intake_rules",
            value: text.to_string(),
            expected: RULE_FORMAT,
        };
        let (pattern, rest) = text.split_once('=').ok_or_else(bad)?;
        let (kind, layout) = match rest.split_once(':') {
            Some((kind, layout)) => (kind, Some(layout.trim())),
            None => (rest, None),
        };
        let (pattern, kind) = (pattern.trim(), kind.trim());
        // The command line's spelling of the grants kind names it too.
        let kind = if kind == "comp-rest" { "comp_rest" } else { kind };
        if pattern.is_empty() || pattern.contains('/') || !KINDS.contains(&kind) || layout == Some("") {
            return Err(bad());
        }
        Ok(IntakeRule {
            pattern: pattern.to_string(),
            kind: kind.to_string(),
            layout: layout.map(str::to_string),
        })
    }

    /// Whether `name` (a file name, no folder) matches the pattern.
    pub fn matches(&self, name: &str) -> bool {
        glob_match(&self.pattern, name)
    }
}

/// The rules of the environment variable: separated by `;` or new lines,
/// blanks ignored.
pub(super) fn split_env_rules(value: &str) -> Vec<String> {
    value
        .split([';', '\n'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks the raw intake settings.
pub(super) fn validate(
    dir: Option<String>,
    rules: Option<Vec<String>>,
    settle_seconds: Option<i64>,
    cron: Option<String>,
) -> Result<IntakeSettings, ConfigError> {
    let rules = rules
        .unwrap_or_default()
        .iter()
        .map(|r| IntakeRule::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    let settle = settle_seconds.unwrap_or(10);
    if !(0..=86_400).contains(&settle) {
        return Err(ConfigError::Value {
            key: "intake_settle_seconds",
            value: settle.to_string(),
            expected: "0 以上 86400 以下 / 0 to 86400",
        });
    }
    Ok(IntakeSettings {
        dir: dir.filter(|d| !d.trim().is_empty()).map(PathBuf::from),
        rules,
        settle: Duration::from_secs(settle as u64),
        cron: cron.unwrap_or_else(|| "*/20 * * * * *".into()),
    })
}

/// A file-name pattern: `*` matches any run of characters (also none), `?`
/// exactly one; every other character itself, letters without regard to
/// case (`TIMECARD.CSV` matches `timecard*.csv`).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let n: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    // Iterative matching with one back-tracking point (the last `*`):
    // linear in practice, never exponential.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(&c) if c == '?' || c == n[j] => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((si, sj)) => {
                    i = si + 1;
                    j = sj + 1;
                    star = Some((si, sj + 1));
                }
                None => return false,
            },
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_matches_any_run_and_a_question_mark_one_character() {
        assert!(glob_match("timecard*.csv", "timecard_2024-06.csv"));
        assert!(glob_match("timecard*.csv", "timecard.csv"));
        assert!(!glob_match("timecard*.csv", "timecard_2024-06.csv.part"));
        assert!(!glob_match("timecard*.csv", "old_timecard.csv"));
        assert!(glob_match("kot_??.csv", "kot_06.csv"));
        assert!(!glob_match("kot_??.csv", "kot_6.csv"));
        assert!(!glob_match("kot_??.csv", "kot_106.csv"));
        assert!(glob_match("*", "anything at all"));
        assert!(glob_match("*a*b*c", "xxaxxbxxbxc"));
        assert!(!glob_match("*a*b*c", "xxaxxbxxbx"));
        assert!(glob_match("勤怠_*.csv", "勤怠_6月.csv"));
        assert!(glob_match("勤怠_?月.csv", "勤怠_6月.csv"));
        assert!(!glob_match("", "x"));
        assert!(glob_match("", ""));
    }

    #[test]
    fn letters_match_without_regard_to_case() {
        assert!(glob_match("timecard*.csv", "TIMECARD_JUNE.CSV"));
        assert!(glob_match("KOT_*.csv", "kot_daily.Csv"));
    }

    #[test]
    fn a_pattern_of_many_stars_against_a_long_name_answers_at_once() {
        let name = "a".repeat(5000);
        let pattern = format!("{}b", "*a".repeat(50));
        let started = std::time::Instant::now();
        assert!(!glob_match(&pattern, &name));
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_rule_names_a_pattern_a_kind_and_maybe_a_layout() {
        let r = IntakeRule::parse("kot_*.csv=timecard:kingoftime-daily").unwrap();
        assert_eq!(
            (r.pattern.as_str(), r.kind.as_str(), r.layout.as_deref()),
            ("kot_*.csv", "timecard", Some("kingoftime-daily"))
        );
        assert_eq!(r.to_string(), "kot_*.csv=timecard:kingoftime-daily");
        let r = IntakeRule::parse(" doctors*.csv = doctors ").unwrap();
        assert_eq!(
            (r.pattern.as_str(), r.kind.as_str(), r.layout),
            ("doctors*.csv", "doctors", None)
        );
        for kind in ["comp_rest", "comp-rest"] {
            let r = IntakeRule::parse(&format!("comp_rest*.csv={kind}")).unwrap();
            assert_eq!(r.kind, "comp_rest", "the command line's spelling names the same kind");
        }
        let r = IntakeRule::parse("pc_*.csv=pclog:/etc/kinmu/layouts/pc.toml").unwrap();
        assert_eq!(r.layout.as_deref(), Some("/etc/kinmu/layouts/pc.toml"));
        for bad in [
            "timecard*.csv",
            "=timecard",
            "x=payroll",
            "x=timecard:",
            "sub/x*.csv=timecard",
        ] {
            let err = IntakeRule::parse(bad).unwrap_err();
            assert!(err.to_string().contains("intake_rules"), "{bad}: {err}");
        }
    }

    #[test]
    fn rules_in_the_environment_are_separated_by_semicolons_or_lines() {
        assert_eq!(
            split_env_rules("a*=doctors; b*=timecard:x\n\nc*=pclog;"),
            vec!["a*=doctors", "b*=timecard:x", "c*=pclog"]
        );
    }
}
