//! Bytes to text, and text positions, for the Windows exports: UTF-16 with
//! a BOM besides what [`crate::import::decode`] reads, PowerShell 5.1's
//! `#TYPE` line, and physical line numbers across multi-line descriptions.

use super::super::{decode, FileError};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

/// A file's text and the encoding it was read with.
pub(super) struct Text<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

/// UTF-16 (little or big endian) when the file starts with its BOM, else
/// UTF-8 with or without BOM, else Shift_JIS (CP932): whichever Windows
/// wrote, nothing is guessed with replacement characters.
pub(super) fn decode_any(bytes: &[u8]) -> Result<Text<'_>, FileError> {
    let utf16: [(&[u8], &'static Encoding, &'static str); 2] =
        [(b"\xFF\xFE", UTF_16LE, "utf-16le"), (b"\xFE\xFF", UTF_16BE, "utf-16be")];
    for (bom, encoding, name) in utf16 {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let text = encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .ok_or(FileError::Encoding)?;
            if text.contains('\0') {
                return Err(FileError::Encoding);
            }
            return Ok(Text { text, encoding: name });
        }
    }
    let decoded = decode(bytes)?;
    Ok(Text {
        text: decoded.text,
        encoding: decoded.encoding,
    })
}

/// Where the table starts: after Windows PowerShell 5.1's
/// `#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord` line, if any.
/// Returns the byte offset and the physical line number there.
pub(super) fn table_start(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let first = bytes.iter().position(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'));
    let Some(first) = first else {
        return (0, 1);
    };
    if !bytes[first..].starts_with(b"#TYPE") {
        return (0, 1);
    }
    let mut lines = Lines::new(bytes, 1);
    let end = bytes[first..]
        .iter()
        .position(|b| matches!(b, b'\r' | b'\n'))
        .map_or(bytes.len(), |i| first + i);
    // The line break ending the #TYPE line belongs to it.
    let after = match (bytes.get(end), bytes.get(end + 1)) {
        (Some(b'\r'), Some(b'\n')) => end + 2,
        (Some(_), _) => end + 1,
        (None, _) => end,
    };
    let line = lines.at_byte(after);
    (after, line)
}

/// The delimiter of a PowerShell export: `;` when the header was written
/// with a culture whose list separator is `;` (`-UseCulture`), else `,`.
pub(super) fn delimiter(table: &str) -> u8 {
    let header = table.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if header.contains("\";\"") && !header.contains("\",\"") {
        b';'
    } else {
        b','
    }
}

/// Physical line numbers, counted from the text (as the table reader does:
/// the csv crate's own count lags behind after a CRLF or blank lines).
pub(super) struct Lines<'t> {
    text: &'t [u8],
    /// Bytes before `at` are counted; `at` is on line `line`.
    at: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t [u8], first_line: usize) -> Self {
        Lines {
            text,
            at: 0,
            line: first_line,
        }
    }

    /// The line of the record read from `position` on: the record itself
    /// starts after the line ends (and skipped blank lines) found there.
    pub fn of(&mut self, position: Option<&csv::Position>) -> usize {
        let mut start = position.and_then(|p| usize::try_from(p.byte()).ok()).unwrap_or(self.at);
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.at_byte(start)
    }

    /// The line of byte `start` (at or after the bytes already counted).
    fn at_byte(&mut self, start: usize) -> usize {
        let counted = self.text.get(self.at..start).unwrap_or_default();
        for (i, b) in counted.iter().enumerate() {
            // LF, CRLF (counted at its LF) and a lone CR all end a line.
            let next = self.text.get(self.at + i + 1);
            if *b == b'\n' || (*b == b'\r' && next != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.at = self.at.max(start);
        self.line
    }

    pub fn csv_error(&mut self, e: csv::Error) -> FileError {
        FileError::Csv {
            line: self.of(e.position()),
            message: e.to_string(),
        }
    }
}

/// Whether the text ends inside a quoted field (the csv crate then reads
/// that field to the end of the file, swallowing every event after it).
pub(super) fn quote_left_open(text: &[u8], delimiter: u8) -> bool {
    crate::import::blocks::quote_left_open(text, delimiter)
}
