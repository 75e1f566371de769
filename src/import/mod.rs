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
mod pclog;
mod preview;
mod shifts;
mod table;

pub use doctors::{parse_doctors, DoctorRecord};
pub use encoding::{decode, Decoded};
pub use pclog::{parse_pclog, PcRecord};
pub use preview::{preview, ColumnReading, Preview, PreviewKind, PreviewRow};
pub use shifts::{parse_shifts, ShiftRecord};

use serde::Serialize;

/// The result of reading one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    /// The records that passed every check, in file order.
    pub rows: Vec<Lined<T>>,
    /// One entry per problem found; a record with two bad cells has two.
    pub rejected: Vec<RowError>,
    /// Headers that matched no known column, as written in the file.
    pub ignored_columns: Vec<String>,
    /// `"utf-8"` or `"shift_jis"`.
    pub encoding: &'static str,
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
}
