//! CSV imports: bytes of a doctors list, timecard, roster, PC log,
//! employers, permits or 代償休息 grants file in, checked records out.
//!
//! This layer implements "Input files (CSV)" and the row-by-row half of
//! "What an import does with bad input" in formats.md: encoding
//! detection (UTF-8 with or without BOM, Shift_JIS/CP932), header aliases
//! matched after NFKC, cell normalisation, and one [`RowError`] per bad
//! cell with its physical line number. It is pure: no database, no file
//! system. Deciding what to write (all or nothing, `--skip-invalid`,
//! unknown doctors, overlaps with stored rows) is the caller's job, which is
//! why every record carries its line number.
//!
//! A file either fails as a whole ([`FileError`]: undecodable, empty, a
//! required column missing) or is read to the end, and then every record is
//! in exactly one of [`Parsed::rows`] or [`Parsed::rejected`].

pub mod blocks;
mod comp_rest;
mod doctors;
mod employers;
mod encoding;
mod fields;
mod header;
pub mod layout;
mod pclog;
mod permits;
mod preview;
mod shifts;
mod table;
pub mod winevent;

pub use comp_rest::{
    date as comp_rest_date, grant_span, parse_comp_rest, time_of_day as comp_rest_time, CompRestRecord, GrantMethod,
};
pub use doctors::{parse_doctors, Columns as DoctorColumns, DoctorRecord};
pub use employers::{parse_employers, EmployerRecord};
pub use encoding::{decode, Decoded};
/// NFKC and trimming, as every cell of a file is read (and what a person
/// types where a file's text would go, e.g. an employer's name).
pub(crate) use fields::normalise;
pub use pclog::{parse_pclog, PcRecord};
pub use permits::{parse_permits, PermitRecord};
pub use preview::{preview, ColumnReading, Preview, PreviewKind, PreviewRow};
pub use shifts::{parse_shifts, ShiftRecord};

use serde::Serialize;
use std::collections::HashMap;

/// The result of reading one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    /// The records that passed every check, in file order.
    pub rows: Vec<Lined<T>>,
    /// One entry per problem found; a record with two bad cells has two.
    /// Only the first [`MAX_LISTED`] are kept in full; the rest are counted.
    pub rejected: Rejections,
    /// Headers that matched no known column, as written in the file (at
    /// most 100 of them, each cut to 100 characters).
    pub ignored_columns: Vec<String>,
    /// Ignored headers beyond those listed.
    pub ignored_columns_omitted: usize,
    /// `"utf-8"` or `"shift_jis"`.
    pub encoding: &'static str,
    /// Rows read but worth a person's look, not refused (a PC session whose
    /// end kinmu had to supply, …): grouped and bounded like rejections.
    pub notices: Rejections,
}

/// A value with the line of the file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lined<T> {
    /// 1-based physical line where the record starts (the header is
    /// normally line 1; lines inside quoted multi-line cells count).
    pub line: usize,
    pub value: T,
}

/// Why one record was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: usize,
    /// The header of the offending column as written in the file, when the
    /// problem is in one cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Japanese first, then English.
    pub reason: String,
}

/// Problems listed in full in an import's answer (the first by line); the
/// rest are counted, in total and by reason. A file of a million bad rows
/// must not make an answer, a page or a download of hundreds of MB.
pub const MAX_LISTED: usize = 1000;
/// Kinds of reason counted separately in [`Rejections::reasons`]; further
/// kinds are counted together as "other reasons".
pub const MAX_REASON_GROUPS: usize = 50;

/// The reason under which kinds beyond [`MAX_REASON_GROUPS`] are counted.
const OTHER_REASONS: &str = "その他の理由 / other reasons";

/// How many problems share one kind of reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ReasonCount {
    /// The column, as in [`RowError::column`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The first reason of this kind, as listed.
    pub reason: String,
    /// How many problems have this kind of reason.
    pub count: usize,
    /// The line of the first of them.
    pub first_line: usize,
}

/// The problems of one import, with bounded memory: the first
/// [`MAX_LISTED`] by line in full, and counts of every problem, of the
/// rows refused and of each kind of reason.
///
/// Reasons are of one kind when they name the same column and their English
/// part reads the same once numbers are ignored (`unknown doctor`,
/// `unreadable date (…)`, `overlaps the working row on line 12`): the
/// Japanese part and the English one say the same, and only the English one
/// leaves the refused value out.
#[derive(Debug, Clone, Default)]
pub struct Rejections {
    /// Sorted by line (problems of one line in the order found).
    listed: Vec<RowError>,
    total: usize,
    rows: usize,
    last_line: Option<usize>,
    groups: Vec<ReasonCount>,
    group_of: HashMap<String, usize>,
    other: Option<ReasonCount>,
}

impl Rejections {
    /// Counts a problem, and keeps it if it is among the first by line.
    /// Problems of one row must be pushed one after the other: rows are
    /// counted by a change of line.
    pub fn push(&mut self, e: RowError) {
        self.total += 1;
        if self.last_line != Some(e.line) {
            self.rows += 1;
            self.last_line = Some(e.line);
        }
        self.count_reason(&e);
        let at = self.listed.partition_point(|x| x.line <= e.line);
        if at < MAX_LISTED {
            self.listed.insert(at, e);
            self.listed.truncate(MAX_LISTED);
        }
    }

    fn count_reason(&mut self, e: &RowError) {
        let key = reason_key(e);
        if let Some(&i) = self.group_of.get(&key) {
            self.groups[i].count += 1;
            self.groups[i].first_line = self.groups[i].first_line.min(e.line);
            return;
        }
        if self.groups.len() < MAX_REASON_GROUPS {
            self.group_of.insert(key, self.groups.len());
            self.groups.push(ReasonCount {
                column: e.column.clone(),
                reason: e.reason.clone(),
                count: 1,
                first_line: e.line,
            });
            return;
        }
        let other = self.other.get_or_insert_with(|| ReasonCount {
            column: None,
            reason: OTHER_REASONS.into(),
            count: 0,
            first_line: e.line,
        });
        other.count += 1;
        other.first_line = other.first_line.min(e.line);
    }

    /// Adds the problems of a later block of the same file (its lines
    /// shifted by `line_offset`), keeping every count: the listed ones stay
    /// the first by line, kinds of reason are merged. (Past
    /// [`MAX_REASON_GROUPS`] kinds, a block's own "other reasons" stay
    /// other reasons.)
    pub fn absorb(&mut self, other: Rejections, line_offset: usize) {
        self.total += other.total;
        self.rows += other.rows;
        if other.last_line.is_some() {
            self.last_line = other.last_line.map(|l| l + line_offset);
        }
        for mut g in other.groups.into_iter().chain(other.other) {
            g.first_line += line_offset;
            let key = reason_key(&RowError {
                line: g.first_line,
                column: g.column.clone(),
                reason: g.reason.clone(),
            });
            let is_other = g.reason == OTHER_REASONS;
            let room = self.groups.len() < MAX_REASON_GROUPS;
            let target = match self.group_of.get(&key).copied() {
                Some(i) => Some(&mut self.groups[i]),
                None if is_other || !room => Some(self.other.get_or_insert_with(|| ReasonCount {
                    column: None,
                    reason: OTHER_REASONS.into(),
                    count: 0,
                    first_line: g.first_line,
                })),
                None => None,
            };
            match target {
                Some(t) => {
                    t.count += g.count;
                    t.first_line = t.first_line.min(g.first_line);
                }
                None => {
                    self.group_of.insert(key, self.groups.len());
                    self.groups.push(g);
                }
            }
        }
        for mut e in other.listed {
            if self.listed.len() >= MAX_LISTED && self.listed.last().is_some_and(|l| l.line <= e.line + line_offset) {
                break;
            }
            e.line += line_offset;
            let at = self.listed.partition_point(|x| x.line <= e.line);
            self.listed.insert(at, e);
            self.listed.truncate(MAX_LISTED);
        }
    }

    /// Every problem found, listed or not.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The rows refused (a row with two bad cells is one row).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The problems found but not listed.
    pub fn omitted(&self) -> usize {
        self.total - self.listed.len()
    }

    /// The problems listed, by line.
    pub fn listed(&self) -> &[RowError] {
        &self.listed
    }

    /// The counts by kind of reason, in the order first found, "other
    /// reasons" last.
    pub fn reasons(&self) -> Vec<ReasonCount> {
        self.groups.iter().chain(self.other.as_ref()).cloned().collect()
    }

    /// The listed problems, by line.
    pub fn into_listed(self) -> Vec<RowError> {
        self.listed
    }
}

/// The kind of a reason: its column and its English part (after the last
/// ` / `), with every run of digits read as one `#`.
fn reason_key(e: &RowError) -> String {
    let reason = crate::domain::text::Message::from_pair(&e.reason);
    let english = reason.en.as_str();
    let mut key = String::with_capacity(english.len() + 16);
    key.push_str(e.column.as_deref().unwrap_or(""));
    key.push('\0');
    let mut in_digits = false;
    for c in english.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                key.push('#');
            }
            in_digits = true;
        } else {
            key.push(c);
            in_digits = false;
        }
    }
    key
}

impl std::ops::Deref for Rejections {
    type Target = [RowError];
    fn deref(&self) -> &[RowError] {
        &self.listed
    }
}

impl PartialEq for Rejections {
    fn eq(&self, other: &Self) -> bool {
        self.listed == other.listed && self.total == other.total && self.rows == other.rows
    }
}
impl Eq for Rejections {}

impl PartialEq<Vec<RowError>> for Rejections {
    fn eq(&self, other: &Vec<RowError>) -> bool {
        self.total == other.len() && self.listed == *other
    }
}

impl IntoIterator for Rejections {
    type Item = RowError;
    type IntoIter = std::vec::IntoIter<RowError>;
    fn into_iter(self) -> Self::IntoIter {
        self.listed.into_iter()
    }
}

impl Extend<RowError> for Rejections {
    fn extend<I: IntoIterator<Item = RowError>>(&mut self, iter: I) {
        for e in iter {
            self.push(e);
        }
    }
}

/// `s` cut to `max` characters, with `…` when it was longer: for showing a
/// value, never for storing it.
pub(crate) fn cut_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((end, _)) => format!("{}…", &s[..end]),
    }
}

/// Why a whole file could not be read. Messages are Japanese, then English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("文字コードを判別できません（UTF-8 または Shift_JIS で保存してください） / unknown text encoding (save the file as UTF-8 or Shift_JIS)")]
    Encoding,
    #[error("ファイルが空です / the file is empty")]
    Empty,
    /// Each entry is `日本語名(english_name)`, e.g. `職員番号(staff_id)`.
    #[error("必須の列がありません: {} / missing required columns", .0.join(", "))]
    MissingColumns(Vec<String>),
    /// The field and the headers that all map to it.
    #[error("同じ項目の列が複数あります: {0} / more than one column for the same field")]
    DuplicateColumn(String),
    #[error("CSVとして読めません（{line}行目）: {message} / unreadable CSV at line {line}")]
    Csv { line: usize, message: String },
    /// More header cells than any export has (a file built to exhaust
    /// memory, or not a table at all).
    #[error(
        "列が多すぎます（見出し行に{found}列、{max}列まで） / too many columns ({found} in the header, at most {max})"
    )]
    TooManyColumns { found: usize, max: usize },
    /// The layout chosen cannot read this kind of import, or the file does
    /// not match it (Japanese / English).
    #[error("取込レイアウトが合いません: {0}")]
    Layout(String),
}

#[cfg(test)]
mod tests {
    use super::header::header_key;
    use super::*;
    use std::collections::HashSet;

    // Here, not in table.rs: the table reader knows no kind of file.
    #[test]
    fn no_two_columns_of_one_import_share_a_header_spelling() {
        for fields in [
            &doctors::FIELDS[..],
            &shifts::FIELDS[..],
            &pclog::FIELDS[..],
            &employers::FIELDS[..],
            &permits::FIELDS[..],
            &comp_rest::FIELDS[..],
        ] {
            let mut seen = HashSet::new();
            for f in fields {
                for spelling in std::iter::once(f.name).chain(f.aliases.iter().copied()) {
                    assert!(seen.insert(header_key(spelling)), "{spelling} is used twice");
                }
            }
        }
    }

    fn error(line: usize, column: Option<&str>, reason: &str) -> RowError {
        RowError {
            line,
            column: column.map(Into::into),
            reason: reason.into(),
        }
    }

    #[test]
    fn only_the_first_problems_by_line_are_kept_and_every_one_is_counted() {
        let mut r = Rejections::default();
        // Parse errors come in line order, two on some lines…
        for line in 2..5002 {
            r.push(error(
                line,
                Some("date"),
                &format!("日付が読めません: \"x{line}\" / unreadable date"),
            ));
            if line % 2 == 0 {
                r.push(error(line, Some("clock_in"), "時刻が読めません / unreadable time"));
            }
        }
        // …then the database's, in any order.
        r.push(error(
            9000,
            None,
            "職員番号 \"A\" の医師が登録されていません / unknown doctor",
        ));
        r.push(error(
            1,
            None,
            "職員番号 \"B\" の医師が登録されていません / unknown doctor",
        ));
        assert_eq!(r.total(), 5000 + 2500 + 2);
        assert_eq!(r.rows(), 5000 + 2);
        assert_eq!(r.len(), MAX_LISTED);
        assert_eq!(r.omitted(), r.total() - MAX_LISTED);
        assert_eq!(r[0].line, 1, "a lower line found later is still listed first");
        assert!(r.windows(2).all(|w| w[0].line <= w[1].line));
        assert_eq!((r[1].line, r[1].column.as_deref()), (2, Some("date")));
        assert_eq!((r[2].line, r[2].column.as_deref()), (2, Some("clock_in")));
        let reasons = r.reasons();
        let counts: Vec<(Option<&str>, usize, usize)> = reasons
            .iter()
            .map(|g| (g.column.as_deref(), g.count, g.first_line))
            .collect();
        assert_eq!(
            counts,
            vec![(Some("date"), 5000, 2), (Some("clock_in"), 2500, 2), (None, 2, 1)]
        );
        assert_eq!(reasons[0].reason, "日付が読めません: \"x2\" / unreadable date");
    }

    /// `problems` pushed in blocks of `block` lines, each block's lines
    /// counted from 2 (after its header) and absorbed with its offset.
    fn in_blocks(problems: &[RowError], block: usize) -> Rejections {
        let mut merged = Rejections::default();
        let mut start = 0;
        while start < problems.len() {
            let first_line = problems[start].line;
            let offset = first_line - 2;
            let mut part = Rejections::default();
            let mut end = start;
            while end < problems.len() && problems[end].line < first_line + block {
                let mut e = problems[end].clone();
                e.line -= offset;
                part.push(e);
                end += 1;
            }
            merged.absorb(part, offset);
            start = end;
        }
        merged
    }

    fn problems_of(kinds: usize) -> Vec<RowError> {
        (2..3000)
            .flat_map(|line| {
                let mut v = vec![error(
                    line,
                    Some("logon"),
                    &format!("日時が読めません: \"x{line}\" / unreadable date and time"),
                )];
                if line % 3 == 0 {
                    let k = line % kinds;
                    v.push(error(line, None, &format!("理由{k} / reason {}", "y".repeat(k))));
                }
                v
            })
            .collect()
    }

    #[test]
    fn problems_of_blocks_absorbed_count_as_if_pushed_in_one() {
        let problems = problems_of(40);
        let mut whole = Rejections::default();
        whole.extend(problems.iter().cloned());
        for block in [1, 7, 500, 5000] {
            let merged = in_blocks(&problems, block);
            assert_eq!(merged, whole, "blocks of {block} lines");
            assert_eq!(merged.reasons(), whole.reasons(), "blocks of {block} lines");
        }
        // Beyond the kinds counted apart, which kinds a block counted as
        // "other reasons" may differ; no problem goes uncounted.
        let problems = problems_of(70);
        let mut whole = Rejections::default();
        whole.extend(problems.iter().cloned());
        let merged = in_blocks(&problems, 100);
        assert_eq!(merged, whole);
        let counted = |r: &Rejections| r.reasons().iter().map(|g| g.count).sum::<usize>();
        assert_eq!(counted(&merged), whole.total());
        assert_eq!(merged.reasons().len(), MAX_REASON_GROUPS + 1);
    }

    #[test]
    fn kinds_of_reason_beyond_the_limit_are_counted_together() {
        let mut r = Rejections::default();
        for line in 0..(MAX_REASON_GROUPS + 10) {
            r.push(error(line, None, &format!("理由 / reason {}", "x".repeat(line))));
        }
        let reasons = r.reasons();
        assert_eq!(reasons.len(), MAX_REASON_GROUPS + 1);
        let other = reasons.last().unwrap();
        assert_eq!(
            (other.reason.as_str(), other.count),
            ("その他の理由 / other reasons", 10)
        );
        assert_eq!(reasons.iter().map(|g| g.count).sum::<usize>(), r.total());
    }

    #[test]
    fn values_are_cut_for_showing() {
        assert_eq!(cut_chars("山田太郎", 4), "山田太郎");
        assert_eq!(cut_chars("山田太郎", 2), "山田…");
        assert_eq!(cut_chars("", 0), "");
    }
}
