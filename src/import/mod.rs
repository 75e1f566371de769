//! CSV imports: bytes of a doctors list, timecard, roster or PC log in,
//! checked records out.
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

mod doctors;
mod encoding;
mod fields;
mod header;
pub mod layout;
mod pclog;
mod preview;
mod shifts;
mod table;
pub mod winevent;

pub use doctors::{parse_doctors, DoctorRecord};
pub use encoding::{decode, Decoded};
pub use pclog::{parse_pclog, PcRecord};
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
            reason: "その他の理由 / other reasons".into(),
            count: 0,
            first_line: e.line,
        });
        other.count += 1;
        other.first_line = other.first_line.min(e.line);
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
        for fields in [&doctors::FIELDS[..], &shifts::FIELDS[..], &pclog::FIELDS[..]] {
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
