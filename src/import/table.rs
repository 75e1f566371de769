//! The reading loop shared by every import: decode, find the header, map
//! it, then hand each record to an import-specific row reader through
//! [`Cells`], which collects every bad cell as a [`RowError`].
//!
//! It implements the file-level rules of formats.md ("Input files", "What an
//! import does with bad input"): blank lines are skipped, line numbers are
//! physical, and a record is never dropped without a reason.

use super::fields::normalise;
use super::header::{Columns, Field};
use super::{decode, FileError, Lined, Parsed, RowError};
use csv::StringRecord;
use std::cell::Cell;

/// One record being read, and the problems found in it so far.
pub(crate) struct Cells<'a> {
    columns: &'a Columns,
    record: &'a StringRecord,
    line: usize,
    errors: Vec<RowError>,
}

impl Cells<'_> {
    /// The physical line the record starts on.
    pub fn line(&self) -> usize {
        self.line
    }

    /// A cell given to `parse` even when empty or absent (as `""`), for
    /// fields whose parser supplies the default (kind, level, break, …).
    pub fn value<T>(&mut self, field: &Field, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        self.read(field, false, parse)
    }

    /// A list cell given to `parse` as [`Cells::value`] does, where a line
    /// break separates entries (a permit's departments, formats.md R.3).
    pub fn list<T>(&mut self, field: &Field, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        self.read(field, true, parse)
    }

    fn read<T>(
        &mut self,
        field: &Field,
        breaks_allowed: bool,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let columns = self.columns;
        let (column, raw) = match columns.find(field) {
            Some((index, header)) => (Some(header), self.record.get(index).unwrap_or("")),
            None => (None, ""),
        };
        // A line break inside a value is almost always an unclosed quote that
        // swallowed the following lines; refusing it keeps them visible.
        let line_break = || {
            // Not quoted back: it may be the rest of the file.
            "値に改行が含まれています（引用符の閉じ忘れ？） / value contains a line break (unclosed quote?)".to_string()
        };
        // A cell far over the limit is refused as written, without making a
        // normalised copy of it (NFKC changes a length by a small factor at
        // most, so four times the limit is surely too long).
        // Padding around a value is not part of it (the parser trims it).
        let trimmed = raw.trim();
        // ASCII (most cells) is its own NFKC and counts a character a
        // byte: the checks below without a pass to count or normalise.
        let result = if trimmed.is_ascii() {
            if !breaks_allowed && trimmed.bytes().any(|b| b == b'\n' || b == b'\r') {
                Err(line_break())
            } else if trimmed.len() > field.max_chars {
                Err(too_long(field, trimmed.len()))
            } else {
                parse(trimmed)
            }
        } else if trimmed.chars().count() > field.max_chars.saturating_mul(4) {
            let written = trimmed.chars().count();
            Err(if !breaks_allowed && trimmed.contains(['\n', '\r']) {
                line_break()
            } else {
                too_long(field, written)
            })
        } else {
            let cell = normalise(raw);
            let n = cell.chars().count();
            if !breaks_allowed && cell.contains(['\n', '\r']) {
                Err(line_break())
            } else if n > field.max_chars {
                Err(too_long(field, n))
            } else {
                parse(&cell)
            }
        };
        result
            .map_err(|reason| self.push(column.map(str::to_string), reason))
            .ok()
    }

    /// An optional cell: `None` when empty or absent, else parsed.
    pub fn optional<T>(&mut self, field: &Field, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        self.value(field, |s| if s.is_empty() { Ok(None) } else { parse(s).map(Some) })
            .flatten()
    }

    /// A required cell: empty is an error.
    pub fn required<T>(&mut self, field: &Field, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        self.value(field, |s| {
            if s.is_empty() {
                Err(format!("{}が空です / {} is empty", field.label_ja(), field.name))
            } else {
                parse(s)
            }
        })
    }

    /// Rejects the record for a reason that involves `field` as a whole
    /// (or, with `None`, the row as a whole).
    pub fn reject(&mut self, field: Option<&Field>, reason: String) {
        let column = field
            .and_then(|f| self.columns.find(f))
            .map(|(_, header)| header.to_string());
        self.push(column, reason);
    }

    /// Whether the file has a column for `field`.
    pub fn has(&self, field: &Field) -> bool {
        self.columns.find(field).is_some()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    fn push(&mut self, column: Option<String>, reason: String) {
        self.errors.push(RowError {
            line: self.line,
            column,
            reason: shorten(reason),
        });
    }
}

/// Why a value of `chars` characters is refused for `field`: named, with
/// the limit, and without quoting the value.
fn too_long(field: &Field, chars: usize) -> String {
    format!(
        "{}が長すぎます（{}文字まで、この値は{chars}文字） / {} is too long (at most {} characters, this one has {chars})",
        field.label(),
        field.max_chars,
        field.name,
        field.max_chars
    )
}

/// The longest reason kept (in characters): a reason quotes the value it
/// refuses, and a 1 MB cell must not make a 1 MB report.
const MAX_REASON_CHARS: usize = 300;

/// A reason cut to [`MAX_REASON_CHARS`], saying how long it was.
fn shorten(reason: String) -> String {
    let n = reason.chars().count();
    if n <= MAX_REASON_CHARS {
        return reason;
    }
    let head: String = reason.chars().take(MAX_REASON_CHARS).collect();
    format!("{head}…（以下省略、全{n}文字） / (cut, {n} characters)")
}

/// Reads a CSV file against `fields`, calling `row` on every non-blank
/// record after the header. `row` returns `None` when the record is refused
/// (having said why through [`Cells`]).
pub(crate) fn read_table<T>(
    bytes: &[u8],
    fields: &[Field],
    mut row: impl FnMut(&mut Cells<'_>) -> Option<T>,
) -> Result<Parsed<T>, FileError> {
    let decoded = decode(bytes)?;
    // `flexible`: a record with the wrong number of fields is that row's
    // problem, not the file's.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(decoded.text.as_bytes());
    // Where the last record read starts, blank ones included: with a quote
    // left open, that record runs to the end of the file.
    let last_start = Cell::new(None);
    // The csv crate already skips empty lines; lines of only commas or spaces
    // (spreadsheets pad exports with them) are blank too.
    let mut records = reader
        .records()
        .inspect(|r| {
            if let Ok(record) = r {
                last_start.set(record.position().map(csv::Position::byte));
            }
        })
        .filter(|r| !matches!(r, Ok(record) if record.iter().all(|c| c.trim().is_empty())))
        .peekable();
    let mut lines = Lines {
        text: decoded.text.as_bytes(),
        at: 0,
        line: 1,
    };
    let header = records
        .next()
        .ok_or(FileError::Empty)?
        .map_err(|e| lines.csv_error(e))?;
    let quote_open = quote_left_open(decoded.text.as_bytes());
    if quote_open && records.peek().is_none() && last_start.get() == header.position().map(csv::Position::byte) {
        return Err(FileError::Csv {
            line: lines.of(header.position()),
            message: "引用符が閉じられていません (unclosed quote)".to_string(),
        });
    }
    let columns = Columns::map(&header, fields)?;
    let mut parsed = Parsed {
        rows: Vec::new(),
        rejected: Default::default(),
        ignored_columns: columns.ignored.clone(),
        ignored_columns_omitted: columns.ignored_omitted,
        encoding: decoded.encoding,
        notices: Default::default(),
    };
    let mut last_record = None;
    for record in records {
        let record = record.map_err(|e| lines.csv_error(e))?;
        let line = lines.of(record.position());
        last_record = Some((record.position().map(csv::Position::byte), line));
        let mut cells = Cells {
            columns: &columns,
            record: &record,
            line,
            errors: Vec::new(),
        };
        let value = if record.len() == columns.width {
            row(&mut cells)
        } else {
            let (header, this) = (columns.width, record.len());
            cells.reject(
                None,
                format!("列の数が見出しと違います（見出し{header}列、この行{this}列） / wrong number of fields (header {header}, this row {this})"),
            );
            None
        };
        match value {
            Some(value) if !cells.has_errors() => parsed.rows.push(Lined {
                line: cells.line,
                value,
            }),
            _ => {
                if !cells.has_errors() {
                    // Never drop a record silently, even if a row reader forgot
                    // to say why it refused it.
                    cells.reject(None, "行を読めません / unreadable row".to_string());
                }
                parsed.rejected.extend(cells.errors.drain(..));
            }
        }
    }
    // A quote left open swallows every line after it into one value, which
    // an ignored last column would hide: refuse the record it opened in.
    if let Some((_, line)) = last_record.filter(|(start, _)| quote_open && *start == last_start.get()) {
        if parsed.rows.last().is_some_and(|r| r.line == line) {
            parsed.rows.pop();
            parsed.rejected.push(RowError {
                line,
                column: None,
                reason: "引用符が閉じられていません（この行からファイルの最後までが一つの値になります） / unclosed quote: the rest of the file was read as one value".to_string(),
            });
        }
    }
    Ok(parsed)
}

/// Whether the text ends inside a quoted field: see [`Scan`](super::blocks::Scan).
pub(crate) fn quote_left_open(text: &[u8]) -> bool {
    super::blocks::quote_left_open(text, b',')
}

/// Physical line numbers, counted from the text. The csv crate's own count
/// is taken where the previous record ended, so it lags behind after a CRLF
/// or blank lines.
pub(crate) struct Lines<'t> {
    text: &'t [u8],
    /// Bytes before `at` are counted; `at` is on line `line`.
    at: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    /// Counting lines of `text`, whose first line is `first_line` (a reader
    /// that skipped leading lines of a file hands on the rest).
    pub(crate) fn new(text: &'t [u8], first_line: usize) -> Self {
        Lines {
            text,
            at: 0,
            line: first_line,
        }
    }

    /// The line of the record read from `position` on: the record itself
    /// starts after the line ends (and skipped blank lines) found there.
    pub(crate) fn of(&mut self, position: Option<&csv::Position>) -> usize {
        let mut start = position.and_then(|p| usize::try_from(p.byte()).ok()).unwrap_or(self.at);
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let counted = self.text.get(self.at..start).unwrap_or_default();
        for (i, b) in counted.iter().enumerate() {
            // LF, CRLF (counted at its LF) and a lone CR all end a line, as
            // they all end a record for the csv crate.
            let next = self.text.get(self.at + i + 1);
            if *b == b'\n' || (*b == b'\r' && next != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.at = self.at.max(start);
        self.line
    }

    pub(crate) fn csv_error(&mut self, e: csv::Error) -> FileError {
        FileError::Csv {
            line: self.of(e.position()),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::{parse_doctors, parse_pclog, parse_shifts};
    use super::*;
    use std::collections::HashSet;

    /// A small deterministic generator: tests must be repeatable (the
    /// Windows-events reader's damage tests use it too).
    pub(crate) struct Lcg(pub(crate) u64);
    impl Lcg {
        pub(crate) fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    #[test]
    fn line_numbers_are_physical_with_crlf_blank_lines_and_lone_cr() {
        let lines = |text: &str| -> Vec<usize> {
            let parsed = parse_pclog(text.as_bytes()).unwrap();
            let mut lines: Vec<usize> = parsed.rows.iter().map(|r| r.line).collect();
            lines.extend(parsed.rejected.iter().map(|e| e.line));
            lines
        };
        let row = "D001,2024-06-01 08:00,2024-06-01 09:00";
        let crlf = format!("\r\naccount,logon,logoff\r\n{row}\r\n\r\n\r\n{row}\r\nbad\r\n");
        assert_eq!(lines(&crlf), vec![3, 6, 7]);
        let cr = format!("account,logon,logoff\r{row}\r\r{row}\r");
        assert_eq!(lines(&cr), vec![2, 4]);
    }

    #[test]
    fn a_quote_left_open_in_an_ignored_column_or_the_header_hides_no_rows() {
        let rows = "D001,2024-06-01,08:00,17:00,\"oops\nD002,2024-06-01,08:00,17:00,x\n";
        let parsed = parse_shifts(format!("staff_id,date,clock_in,clock_out,備考\n{rows}").as_bytes()).unwrap();
        assert!(parsed.rows.is_empty());
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].line, 2);
        assert!(parsed.rejected[0].reason.contains("unclosed quote"));
        let header = format!("staff_id,date,clock_in,clock_out,\"備考\n{}", rows.replace('"', ""));
        assert!(matches!(
            parse_shifts(header.as_bytes()),
            Err(FileError::Csv { line: 1, .. })
        ));
        // Closed quotes, a quote inside a field and a quote on a blank last line are fine.
        for ok in ["\"a\"\"b\"", "a\"b", "x\n\"  "] {
            let text = format!("staff_id,date,clock_in,clock_out,備考\nD001,2024-06-01,08:00,17:00,{ok}\n");
            assert_eq!(parse_shifts(text.as_bytes()).unwrap().rows.len(), 1, "{ok:?}");
        }
    }

    #[test]
    fn random_garbage_bytes_are_refused_without_panicking() {
        let mut rng = Lcg(7);
        for _ in 0..2000 {
            let len = rng.next() % 300;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            assert!(parse_doctors(&bytes).is_err());
            assert!(parse_shifts(&bytes).is_err());
            assert!(parse_pclog(&bytes).is_err());
        }
    }

    /// The records a file holds after its header, counted independently.
    fn data_records(text: &str) -> usize {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let non_blank = reader
            .records()
            .filter_map(Result::ok)
            .filter(|r| !r.iter().all(|c| c.trim().is_empty()))
            .count();
        non_blank.saturating_sub(1)
    }

    #[test]
    fn a_damaged_file_never_panics_and_every_record_is_accepted_or_rejected() {
        let good = "職員番号,勤務日,出勤,退勤,休憩,区分,備考\n\
                    D001,2024/6/1,08:00,25:30,1:00,夜勤,\"複数\n行\"\n\
                    \n\
                    D002,2024-06-02,09:00:30,17:00,60,宿日直(許可),\n\
                    D003,2024-06-03,22:00,07:00,,自己研鑽,x\n";
        let noise = b",\"\n\r:/-09 T\xE3\x82\xFF\x81";
        let mut rng = Lcg(11);
        for _ in 0..3000 {
            let mut bytes = good.as_bytes().to_vec();
            for _ in 0..=rng.next() % 3 {
                let at = (rng.next() as usize) % bytes.len();
                bytes[at] = noise[(rng.next() as usize) % noise.len()];
            }
            let Ok(parsed) = parse_shifts(&bytes) else {
                continue;
            };
            let Ok(text) = decode(&bytes) else {
                panic!("parsed an undecodable file")
            };
            let accepted: HashSet<usize> = parsed.rows.iter().map(|r| r.line).collect();
            let rejected: HashSet<usize> = parsed.rejected.iter().map(|e| e.line).collect();
            assert!(accepted.is_disjoint(&rejected));
            assert_eq!(
                accepted.len() + rejected.len(),
                data_records(&text.text),
                "{:?}",
                text.text
            );
            assert!(parsed.rejected.iter().all(|e| e.reason.contains(" / ")));
        }
    }

    #[test]
    fn a_huge_refused_value_makes_a_short_reason() {
        let reason = shorten(format!(
            "日付が読めません: {:?} / unreadable date",
            "9".repeat(1_000_000)
        ));
        assert!(reason.chars().count() < MAX_REASON_CHARS + 60, "{}", reason.len());
        assert!(reason.starts_with("日付が読めません: \"999"));
        assert!(reason.contains("全1000030文字"), "{reason}");
        assert_eq!(shorten("短い理由 / short".into()), "短い理由 / short");
    }
}
