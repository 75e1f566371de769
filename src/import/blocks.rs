//! A large file read in blocks of whole records (issue 12: "parse into the
//! transaction in chunks so peak memory does not grow with the file").
//!
//! The file is never held whole: [`Blocks`] reads it from any `Read` and
//! hands out blocks of about [`BLOCK_BYTES`], each cut just after a record
//! ends and each starting with the file's header record, so that every
//! block is a small CSV file the ordinary readers (`parse_pclog`, …) read
//! exactly as they read a whole file. What differs is put back by the
//! caller: a block's line numbers are shifted by [`Block::line_offset`],
//! and the encoding is decided once for the file.
//!
//! Where a record ends is found with the reader's own quoting rules
//! ([`Scan`]): a line end outside quotes, where a quote opens
//! a field only at its start and `""` inside one is a quote. In Shift_JIS
//! no byte of a two-byte character is `"`, `,`, CR or LF, so the same scan
//! works on the raw bytes of either encoding.
//!
//! The encoding: a BOM or a block that is valid UTF-8 decides UTF-8, else
//! Shift_JIS; a block of ASCII only decides nothing (it reads the same in
//! both). Shift_JIS blocks are handed out transcoded to UTF-8. For a file
//! of one block this is exactly `decode`'s rule.

use super::FileError;
use encoding_rs::SHIFT_JIS;
use sha2::{Digest, Sha256};
use std::io::{self, Read};

/// The size a block grows to before it is cut at the next record end.
pub const BLOCK_BYTES: usize = 4 << 20;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One block: a CSV text of its own (the header, then whole records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// UTF-8 (with the file's BOM in the first block) or, while the file's
    /// encoding is undecided, ASCII.
    pub bytes: Vec<u8>,
    /// Added to a line number read from `bytes` gives the file's line.
    pub line_offset: usize,
}

/// Why a file could not be read in blocks.
#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("ファイルを読めません: {0} / cannot read the file")]
    Io(#[from] io::Error),
}

/// The blocks of one file, in order.
pub struct Blocks<R> {
    reader: R,
    block_bytes: usize,
    /// Bytes read and not yet handed out.
    buf: Vec<u8>,
    /// How far `buf` has been scanned, and the quoting state there.
    scanned: usize,
    scan: Scan,
    /// The last record end found in `buf` (the byte after it).
    cut: Option<usize>,
    /// The header record as written (no BOM, no blank lines before it),
    /// with its line end; `None` until the first block is out.
    header: Option<Vec<u8>>,
    /// Line breaks inside `header` (at least the one that ends it).
    header_breaks: usize,
    /// The file's line of `buf[0]`.
    line: usize,
    /// `"utf-8"`, `"shift_jis"`, or `None` while only ASCII was seen.
    encoding: Option<&'static str>,
    hash: Sha256,
    eof: bool,
}

/// The CSV reader's quoting, one byte at a time (csv-core's states with the
/// reader's settings: `"` opens a field only at its start, `""` inside one
/// is a quote). Every reader of kinmu finds record ends and quotes left
/// open with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scan {
    delimiter: u8,
    field_start: bool,
    quoted: bool,
    closing: bool,
}

impl Scan {
    pub(crate) fn new(delimiter: u8) -> Scan {
        Scan {
            delimiter,
            field_start: true,
            quoted: false,
            closing: false,
        }
    }

    /// Takes one byte; true when it ends a record outside quotes.
    pub(crate) fn step(&mut self, b: u8) -> bool {
        if self.quoted {
            match (self.closing, b) {
                (false, b'"') => self.closing = true,
                (false, _) => {}
                (true, b'"') => self.closing = false,
                (true, _) => (self.quoted, self.closing) = (false, false),
            }
            if self.quoted {
                return false;
            }
        }
        match b {
            b'\n' | b'\r' => {
                self.field_start = true;
                true
            }
            b if b == self.delimiter => {
                self.field_start = true;
                false
            }
            b'"' if self.field_start => {
                (self.quoted, self.field_start) = (true, false);
                false
            }
            _ => {
                self.field_start = false;
                false
            }
        }
    }

    /// Whether the bytes taken end inside a quoted field (the csv crate
    /// then reads that field to the end of the file).
    pub(crate) fn in_quotes(&self) -> bool {
        self.quoted && !self.closing
    }
}

/// Whether `text` ends inside a quoted field.
pub(crate) fn quote_left_open(text: &[u8], delimiter: u8) -> bool {
    let mut scan = Scan::new(delimiter);
    for &b in text {
        scan.step(b);
    }
    scan.in_quotes()
}

/// Line breaks in `bytes`: LF, CRLF (at its LF) and a lone CR, as the
/// table reader counts them. A CR at the very end counts (a block never
/// ends between the CR and the LF of one CRLF).
fn breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

impl<R: Read> Blocks<R> {
    pub fn new(reader: R) -> Self {
        Self::with_block_size(reader, BLOCK_BYTES)
    }

    /// Blocks of about `block_bytes` (tests use small ones).
    pub fn with_block_size(reader: R, block_bytes: usize) -> Self {
        Blocks {
            reader,
            block_bytes: block_bytes.max(1),
            buf: Vec::new(),
            scanned: 0,
            scan: Scan::new(b','),
            cut: None,
            header: None,
            header_breaks: 0,
            line: 1,
            encoding: None,
            hash: Sha256::new(),
            eof: false,
        }
    }

    /// The file's encoding as decided so far (`"utf-8"` for a file of
    /// ASCII only).
    pub fn encoding(&self) -> &'static str {
        self.encoding.unwrap_or("utf-8")
    }

    /// The SHA-256 of every byte read, in hex (complete once the last
    /// block is out).
    pub fn sha256_hex(&self) -> String {
        self.hash
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Reads until `buf` holds a record end past `block_bytes`, or the file
    /// ends.
    fn fill(&mut self) -> io::Result<()> {
        let mut chunk = vec![0u8; 256 << 10];
        while !self.eof && self.cut.is_none_or(|c| c < self.block_bytes) {
            let n = match self.reader.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.eof = true;
                break;
            }
            self.hash.update(&chunk[..n]);
            self.buf.extend_from_slice(&chunk[..n]);
            // Scan what is new, but never decide on a CR that may be the
            // first half of a CRLF split between reads.
            let end = if self.buf.last() == Some(&b'\r') {
                self.buf.len() - 1
            } else {
                self.buf.len()
            };
            while self.scanned < end {
                let b = self.buf[self.scanned];
                self.scanned += 1;
                if self.scan.step(b) {
                    // A CR of a CRLF: the record ends after the LF.
                    if b == b'\r' && self.buf.get(self.scanned) == Some(&b'\n') {
                        continue;
                    }
                    // The header must be out first: the first block is cut
                    // only after at least one record end.
                    self.cut = Some(self.scanned);
                }
            }
        }
        Ok(())
    }

    /// The next block, `None` after the last.
    pub fn next_block(&mut self) -> Result<Option<Block>, BlockError> {
        self.fill()?;
        let take = if self.eof {
            self.buf.len()
        } else {
            self.cut.unwrap_or(self.buf.len())
        };
        if take == 0 && self.header.is_some() {
            return Ok(None);
        }
        let rest = self.buf.split_off(take);
        let body = std::mem::replace(&mut self.buf, rest);
        self.scanned = self.scanned.saturating_sub(take);
        self.cut = None;
        let lines_in_body = breaks(&body);
        let block = match &self.header {
            None => {
                self.header = Some(header_of(&body));
                self.header_breaks = self.header.as_deref().map(breaks).unwrap_or(0);
                Block {
                    bytes: body,
                    line_offset: 0,
                }
            }
            Some(header) => {
                let mut bytes = Vec::with_capacity(header.len() + body.len());
                bytes.extend_from_slice(header);
                bytes.extend_from_slice(&body);
                Block {
                    bytes,
                    // Line 1 + header_breaks of the block is the file's `line`.
                    line_offset: self.line.saturating_sub(1 + self.header_breaks),
                }
            }
        };
        self.line += lines_in_body;
        Ok(Some(self.transcode(block)?))
    }

    /// Decides the encoding on the first block with other than ASCII, and
    /// hands Shift_JIS out as UTF-8.
    fn transcode(&mut self, mut block: Block) -> Result<Block, FileError> {
        if self.encoding.is_none() && !block.bytes.is_ascii() {
            let utf8 = block.bytes.starts_with(UTF8_BOM) || std::str::from_utf8(&block.bytes).is_ok();
            self.encoding = Some(if utf8 { "utf-8" } else { "shift_jis" });
        }
        if self.encoding == Some("utf-8") && std::str::from_utf8(&block.bytes).is_err() {
            // Not guessed block by block: a file is in one encoding.
            return Err(FileError::Encoding);
        }
        if self.encoding == Some("shift_jis") {
            let text = SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(&block.bytes)
                .ok_or(FileError::Encoding)?;
            block.bytes = text.into_owned().into_bytes();
        }
        Ok(block)
    }
}

/// The header record of a file's first block, as written: without a BOM and
/// without the blank lines before it, with its line end.
fn header_of(first: &[u8]) -> Vec<u8> {
    let text = first.strip_prefix(UTF8_BOM).unwrap_or(first);
    let start = text
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(text.len());
    let mut scan = Scan::new(b',');
    let mut end = text.len();
    for (i, &b) in text.iter().enumerate().skip(start) {
        if scan.step(b) {
            end = if b == b'\r' && text.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            };
            break;
        }
    }
    let mut header = text[start..end].to_vec();
    if !header.ends_with(b"\n") && !header.ends_with(b"\r") {
        header.push(b'\n');
    }
    header
}

#[cfg(test)]
mod tests {
    use super::super::{parse_pclog, parse_shifts, Lined};
    use super::*;

    /// Every block of `text` read through `parse`, lines shifted back.
    fn read_in_blocks<T>(
        bytes: &[u8],
        size: usize,
        parse: impl Fn(&[u8]) -> Result<super::super::Parsed<T>, FileError>,
    ) -> (Vec<Lined<T>>, Vec<usize>, &'static str) {
        let mut blocks = Blocks::with_block_size(bytes, size);
        let (mut rows, mut rejected) = (Vec::new(), Vec::new());
        while let Some(block) = blocks.next_block().unwrap() {
            let parsed = parse(&block.bytes).unwrap();
            rows.extend(parsed.rows.into_iter().map(|mut r| {
                r.line += block.line_offset;
                r
            }));
            rejected.extend(parsed.rejected.iter().map(|e| e.line + block.line_offset));
        }
        (rows, rejected, blocks.encoding())
    }

    #[test]
    fn any_block_size_reads_what_the_whole_file_reads_line_for_line() {
        let text = "\r\n\u{feff}アカウント,端末名,ログオン日時,ログオフ日時\r\n\
                    D001,\"PC\r\n1\",2024-06-01 08:00,2024-06-01 09:00\r\n\
                    \r\n\
                    D002,PC2,2024-06-01 08:00,2024-06-01 07:00\r\
                    D003,PC3,2024-06-02 08:00,2024-06-02 09:30\n\
                    D004,\"a,\"\"b\"\"\",2024-06-02 10:00,2024-06-02 11:00\r\n\
                    bad\r\n\
                    D005,PC5,2024-06-03 08:00,2024-06-03 09:00";
        // The BOM is only a BOM at the start: put it there.
        let text = format!("\u{feff}{}", text.replace('\u{feff}', ""));
        let whole = parse_pclog(text.as_bytes()).unwrap();
        let want_rows: Vec<Lined<_>> = whole.rows.clone();
        let want_rejected: Vec<usize> = whole.rejected.iter().map(|e| e.line).collect();
        // A line break inside a value refuses its row (line 3).
        assert_eq!(want_rows.len(), 3);
        assert_eq!(want_rejected, vec![3, 6, 9]);
        for size in 1..=text.len() + 1 {
            let (rows, rejected, encoding) = read_in_blocks(text.as_bytes(), size, parse_pclog);
            assert_eq!(rows, want_rows, "block size {size}");
            assert_eq!(rejected, want_rejected, "block size {size}");
            assert_eq!(encoding, "utf-8");
        }
    }

    #[test]
    fn shift_jis_is_decided_once_and_handed_out_as_utf8() {
        let mut text = String::from("職員番号,勤務日,出勤,退勤,休憩,区分\r\n");
        for day in 1..=28 {
            text.push_str(&format!("D001,2024/06/{day:02},08:30,17:30,60,\r\n"));
        }
        // Only the last rows hold Japanese: the first blocks are ASCII.
        text.push_str("D001,2024/06/29,17:30,33:00,0,宿日直(許可)\r\nD002,2024/06/30,09:00,12:00,,自己研鑽\r\n");
        let (sjis, _, unmappable) = SHIFT_JIS.encode(&text);
        assert!(!unmappable);
        let whole = parse_shifts(&sjis).unwrap();
        assert_eq!(whole.encoding, "shift_jis");
        for size in [1, 40, 200, 5000] {
            let (rows, rejected, encoding) = read_in_blocks(&sjis, size, parse_shifts);
            assert_eq!(rows, whole.rows, "block size {size}");
            assert!(rejected.is_empty());
            assert_eq!(encoding, "shift_jis", "block size {size}");
        }
    }

    #[test]
    fn the_hash_is_the_files_and_an_empty_file_is_one_empty_block() {
        let text = b"account,logon,logoff\nD1,2024-06-01 08:00,2024-06-01 09:00\n";
        let mut blocks = Blocks::with_block_size(&text[..], 8);
        while blocks.next_block().unwrap().is_some() {}
        assert_eq!(blocks.sha256_hex(), format!("{:x}", Sha256::digest(text)));
        let mut empty = Blocks::new(&b""[..]);
        let block = empty.next_block().unwrap().unwrap();
        assert!(block.bytes.is_empty());
        assert!(matches!(parse_pclog(&block.bytes), Err(FileError::Empty)));
        assert!(empty.next_block().unwrap().is_none());
    }

    #[test]
    fn a_quote_left_open_runs_to_the_end_in_the_last_block_only() {
        let text = "account,logon,logoff,note\n\
                    D1,2024-06-01 08:00,2024-06-01 09:00,ok\n\
                    D2,2024-06-01 08:00,2024-06-01 09:00,\"open\n\
                    D3,2024-06-01 08:00,2024-06-01 09:00,x\n";
        let whole = parse_pclog(text.as_bytes()).unwrap();
        for size in [1, 30, 1000] {
            let (rows, rejected, _) = read_in_blocks(text.as_bytes(), size, parse_pclog);
            assert_eq!(rows, whole.rows);
            assert_eq!(rejected, whole.rejected.iter().map(|e| e.line).collect::<Vec<_>>());
        }
    }
}
