//! Reading a vendor's table through a layout: the same file-level rules as
//! kinmu's own reader (import/table.rs: physical line numbers, blank lines
//! skipped, NFKC cells, a row error per bad cell naming the column as
//! written), with the columns the layout names. What a record becomes is
//! the caller's: daily.rs (a row per punch pair) or punches.rs (one punch
//! per row).

use super::spec::{Col, Encoding, Pair, Table};
use crate::import::fields::normalise;
use crate::import::header::{header_key, MAX_CODE_CHARS, MAX_COLUMNS, MAX_HEADER_CHARS, MAX_IGNORED_LISTED};
use crate::import::table::{quote_left_open, Lines};
use crate::import::{cut_chars, Decoded, FileError, Lined, Parsed, RowError};
use csv::StringRecord;
use encoding_rs::SHIFT_JIS;
use std::borrow::Cow;

/// The text of a file in the layout's encoding.
pub(super) fn decode(encoding: Encoding, bytes: &[u8]) -> Result<Decoded<'_>, FileError> {
    let decoded = match encoding {
        Encoding::Auto => return crate::import::decode(bytes),
        Encoding::Utf8 => {
            let rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            Decoded {
                text: Cow::Borrowed(std::str::from_utf8(rest).map_err(|_| FileError::Encoding)?),
                encoding: "utf-8",
            }
        }
        // A file that is plain ASCII reads the same either way.
        Encoding::ShiftJis => Decoded {
            text: SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(bytes)
                .ok_or(FileError::Encoding)?,
            encoding: "shift_jis",
        },
    };
    if decoded.text.contains('\0') {
        return Err(FileError::Encoding);
    }
    Ok(decoded)
}

/// The byte offset after `n` lines of `text` (LF, CRLF or a lone CR).
pub(super) fn after_lines(text: &str, n: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut at, mut left) = (0, n);
    while left > 0 && at < bytes.len() {
        match bytes[at] {
            b'\n' => left -= 1,
            b'\r' if bytes.get(at + 1) != Some(&b'\n') => left -= 1,
            _ => {}
        }
        at += 1;
    }
    at
}

pub(super) fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

pub(super) fn blank(r: &StringRecord) -> bool {
    r.iter().all(|c| c.trim().is_empty())
}

/// The first non-blank record after `skip` lines (for recognition).
pub(super) fn first_record(text: &str, skip: usize) -> Option<StringRecord> {
    let rest = text.get(after_lines(text, skip)..)?;
    reader(rest).into_records().filter_map(Result::ok).find(|r| !blank(r))
}

/// A column found in the file.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub index: usize,
    /// The header as written (cut), or `3列目` without a header row.
    pub shown: String,
}

/// The header row, if the layout has one.
pub(super) struct Header {
    cells: Option<StringRecord>,
    keys: Vec<String>,
    used: Vec<usize>,
}

impl Header {
    /// A header row as written, or none (columns by position).
    pub fn of(cells: Option<StringRecord>) -> Header {
        Header {
            keys: cells
                .as_ref()
                .map(|c| c.iter().map(header_key).collect())
                .unwrap_or_default(),
            cells,
            used: Vec::new(),
        }
    }

    /// Where `col` is, if the file has it.
    pub fn find(&mut self, col: &Col) -> Option<Found> {
        let index = match col {
            Col::Position(i) => *i,
            Col::Names(names) => names
                .iter()
                .find_map(|n| self.keys.iter().position(|k| *k == header_key(n)))?,
        };
        self.used.push(index);
        let shown = match self.cells.as_ref().and_then(|c| c.get(index)) {
            Some(h) if !h.trim().is_empty() => cut_chars(h, MAX_HEADER_CHARS),
            _ => format!("{}列目", index + 1),
        };
        Some(Found { index, shown })
    }

    /// Like [`find`](Self::find), failing the file when absent.
    pub fn require(&mut self, col: &Col, missing: &mut Vec<String>) -> Option<Found> {
        let found = self.find(col);
        if found.is_none() {
            missing.push(match col {
                Col::Names(n) => n.join(" / "),
                Col::Position(i) => format!("{}列目", i + 1),
            });
        }
        found
    }

    /// Headers of the file no layout key names (as in import/table.rs).
    fn ignored(&self) -> (Vec<String>, usize) {
        let Some(cells) = &self.cells else {
            return (Vec::new(), 0);
        };
        let all: Vec<String> = cells
            .iter()
            .enumerate()
            .filter(|(i, h)| !h.trim().is_empty() && !self.used.contains(i))
            .map(|(_, h)| cut_chars(h, MAX_HEADER_CHARS))
            .collect();
        let omitted = all.len().saturating_sub(MAX_IGNORED_LISTED);
        (all.into_iter().take(MAX_IGNORED_LISTED).collect(), omitted)
    }
}

/// One record being read, and the problems found in it.
pub(super) struct Rec<'r> {
    record: &'r StringRecord,
    pub line: usize,
    pub errors: Vec<RowError>,
}

impl Rec<'_> {
    /// A cell, normalised; `""` when the column is absent. `None` (with
    /// the reason recorded) when it cannot be a value.
    pub fn cell(&mut self, col: Option<&Found>, max_chars: usize) -> Option<String> {
        let Some(col) = col else {
            return Some(String::new());
        };
        let raw = self.record.get(col.index).unwrap_or("");
        if raw.trim().contains(['\n', '\r']) {
            self.reject(
                Some(col),
                "値に改行が含まれています（引用符の閉じ忘れ？） / value contains a line break (unclosed quote?)".into(),
            );
            return None;
        }
        let n = raw.trim().chars().count();
        if n > max_chars.saturating_mul(4) || normalise(raw).chars().count() > max_chars {
            self.reject(
                Some(col),
                format!("値が長すぎます（{max_chars}文字まで） / value too long (at most {max_chars} characters)"),
            );
            return None;
        }
        Some(normalise(raw).into_owned())
    }

    /// A cell parsed; `None` (with the reason recorded) when it fails.
    pub fn parse<T>(&mut self, col: Option<&Found>, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let s = self.cell(col, MAX_CODE_CHARS)?;
        match parse(&s) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.reject(col, reason);
                None
            }
        }
    }

    pub fn reject(&mut self, col: Option<&Found>, reason: String) {
        self.errors.push(RowError {
            line: self.line,
            column: col.map(|c| c.shown.clone()),
            reason,
        });
    }

    /// A required cell: its value, or a row error when empty.
    pub fn required(&mut self, col: &Found, what: (&str, &str), max_chars: usize) -> Option<String> {
        let s = self.cell(Some(col), max_chars)?;
        if s.is_empty() {
            self.reject(Some(col), format!("{}が空です / {} is empty", what.0, what.1));
            return None;
        }
        Some(s)
    }
}

/// The rows of a file read through a table layout, before they are kinmu's
/// records: each non-skipped record's outcome with its line, the errors of
/// all records in line order, and the file's facts.
pub(super) struct Sheet<R> {
    pub rows: Vec<Lined<R>>,
    pub errors: Vec<RowError>,
    pub ignored: (Vec<String>, usize),
    pub encoding: &'static str,
}

impl<R> Sheet<R> {
    /// The records as kinmu's [`Parsed`], errors pushed in line order.
    pub fn into_parsed<T>(self, rows: Vec<Lined<T>>, mut extra: Vec<RowError>) -> Parsed<T> {
        let mut errors = self.errors;
        errors.append(&mut extra);
        errors.sort_by_key(|e| e.line);
        let mut parsed = Parsed {
            rows,
            rejected: Default::default(),
            ignored_columns: self.ignored.0,
            ignored_columns_omitted: self.ignored.1,
            encoding: self.encoding,
            notices: Default::default(),
        };
        parsed.rows.sort_by_key(|r| r.line);
        parsed.rejected.extend(errors);
        parsed
    }
}

/// Reads every record of `bytes` after the header: `columns` resolves the
/// layout's columns once (failing the file when a required one is
/// missing; they are handed back), `row` reads one record (`None`: refused, or skipped when it
/// recorded no error).
pub(super) fn sheet<C, R>(
    table: &Table,
    bytes: &[u8],
    columns: impl FnOnce(&mut Header) -> Result<C, FileError>,
    mut row: impl FnMut(&C, &mut Rec<'_>) -> Option<R>,
) -> Result<(Sheet<R>, C), FileError> {
    let decoded = decode(table.encoding, bytes)?;
    let start = after_lines(&decoded.text, table.skip_lines);
    let text = decoded.text.get(start..).unwrap_or_default();
    let mut lines = Lines::new(text.as_bytes(), table.skip_lines + 1);
    let mut records = reader(text)
        .into_records()
        .filter(|r| !matches!(r, Ok(record) if blank(record)))
        .peekable();
    let mut header = Header::of(None);
    if table.header {
        let first = records
            .next()
            .ok_or(FileError::Empty)?
            .map_err(|e| lines.csv_error(e))?;
        lines.of(first.position());
        if first.len() > MAX_COLUMNS {
            return Err(FileError::TooManyColumns {
                found: first.len(),
                max: MAX_COLUMNS,
            });
        }
        header = Header::of(Some(first));
    } else if records.peek().is_none() {
        return Err(FileError::Empty);
    }
    let columns = columns(&mut header)?;
    let quote_open = quote_left_open(text.as_bytes());
    let mut out = Sheet {
        rows: Vec::new(),
        errors: Vec::new(),
        ignored: header.ignored(),
        encoding: decoded.encoding,
    };
    while let Some(record) = records.next() {
        let record = record.map_err(|e| lines.csv_error(e))?;
        let line = lines.of(record.position());
        if record.len() > MAX_COLUMNS {
            return Err(FileError::TooManyColumns {
                found: record.len(),
                max: MAX_COLUMNS,
            });
        }
        let mut rec = Rec {
            record: &record,
            line,
            errors: Vec::new(),
        };
        if quote_open && records.peek().is_none() {
            rec.reject(
                None,
                "引用符が閉じられていません（この行からファイルの最後までが一つの値になります） / unclosed quote: the rest of the file was read as one value".into(),
            );
        } else if let Some(value) = row(&columns, &mut rec) {
            if rec.errors.is_empty() {
                out.rows.push(Lined { line, value });
            }
        }
        out.errors.append(&mut rec.errors);
    }
    Ok((out, columns))
}

/// Whether a record is one the layout skips deliberately (合計 rows).
pub(super) fn skipped(skips: &[(Found, Vec<String>)], rec: &Rec<'_>) -> bool {
    skips.iter().any(|(col, values)| {
        let cell = rec.record.get(col.index).unwrap_or("");
        values.contains(&header_key(&normalise(cell)))
    })
}

/// The columns of a pair found in the file.
pub(super) struct PairCols {
    pub start: Found,
    pub end: Found,
    pub start_flag: Option<Found>,
    pub end_flag: Option<Found>,
}

/// The first pair is required; later ones are read when the file has both
/// their columns (a customer may export fewer than the layout names).
pub(super) fn pair_cols(
    header: &mut Header,
    pairs: &[Pair],
    missing: &mut Vec<String>,
    all_required: bool,
) -> Vec<PairCols> {
    let mut out = Vec::new();
    for (i, p) in pairs.iter().enumerate() {
        let (start, end) = if i == 0 || all_required {
            (header.require(&p.start, missing), header.require(&p.end, missing))
        } else {
            (header.find(&p.start), header.find(&p.end))
        };
        if let (Some(start), Some(end)) = (start, end) {
            out.push(PairCols {
                start,
                end,
                start_flag: p.start_flag.as_ref().and_then(|c| header.find(c)),
                end_flag: p.end_flag.as_ref().and_then(|c| header.find(c)),
            });
        }
    }
    out
}

pub(super) fn skip_cols(table: &Table, header: &mut Header) -> Vec<(Found, Vec<String>)> {
    table
        .skip
        .iter()
        .filter_map(|(c, values)| Some((header.find(c)?, values.clone())))
        .collect()
}

/// Whether a next-day flag cell is set.
pub(super) fn flagged(table: &Table, rec: &mut Rec<'_>, col: Option<&Found>) -> bool {
    col.is_some()
        && rec
            .cell(col, MAX_CODE_CHARS)
            .is_some_and(|s| table.flag_values.contains(&header_key(&s)))
}
