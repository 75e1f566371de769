//! The mapping screen's side of layouts (issue 12): a file kinmu does not
//! know is shown as its columns with sample values ([`sample`]); HR picks
//! what each column means ([`Mapping`], filled from a preset as a starting
//! point with [`Mapping::from_layout`]); the choice is written as a
//! layout's TOML ([`Mapping::to_toml`]) — the same plain file a hospital can
//! share — and read back with [`Layout::from_toml`], so a saved mapping
//! obeys every rule a hand-written layout does.
//!
//! Columns are named by their header where the file has a header row and
//! the header is unique (a re-ordered export still reads), else by
//! position.

use super::notation::{BreakUnit, DateFormat};
use super::read::{after_lines, blank, decode, reader};
use super::spec::{Breaks, Col, Encoding, Pair, PunchType, Reader};
use super::{Layout, Yields};
use crate::domain::Kind;
use crate::import::header::header_key;
use crate::import::{cut_chars, FileError};
use std::fmt::Write;

/// Records of a file read for its sample (the rest is not needed to map
/// its columns).
const SAMPLE_RECORDS: usize = 2000;
/// Values shown per column.
const SHOWN_VALUES: usize = 3;
/// Distinct values kept per column (offered for kind and punch-type maps).
const DISTINCT_VALUES: usize = 30;
/// The most columns shown and offered.
const MAX_SAMPLE_COLUMNS: usize = 300;
/// Characters of a value or header shown.
const SHOWN_CHARS: usize = 40;

/// A column of a file as the mapping screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleColumn {
    /// 1-based.
    pub position: usize,
    /// The header as written (empty without a header row).
    pub header: String,
    /// The first non-empty values.
    pub values: Vec<String>,
    /// Distinct non-empty values, at most [`DISTINCT_VALUES`].
    pub distinct: Vec<String>,
}

impl SampleColumn {
    /// Whether `chosen` (a 0-based position) is this column.
    pub fn is(&self, chosen: &Option<usize>) -> bool {
        *chosen == Some(self.position - 1)
    }

    /// What a person picks the column by: `3: 出勤時刻` or `3列目`.
    pub fn label(&self) -> String {
        if self.header.is_empty() {
            format!("{}列目", self.position)
        } else {
            format!("{}: {}", self.position, self.header)
        }
    }
}

/// A file's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub encoding: &'static str,
    pub columns: Vec<SampleColumn>,
    /// Records read for the sample (header excluded).
    pub records: usize,
}

/// The columns of `bytes` with sample values, read with `encoding`
/// (`auto`, `utf-8`, `shift_jis`) after `skip_lines`, the first record
/// being headers when `header`.
pub fn sample(bytes: &[u8], encoding: &str, header: bool, skip_lines: usize) -> Result<Sample, FileError> {
    let decoded = decode(encoding_of(encoding), bytes)?;
    let text = decoded
        .text
        .get(after_lines(&decoded.text, skip_lines.min(100))..)
        .unwrap_or_default();
    let mut records = reader(text).into_records().filter_map(Result::ok).filter(|r| !blank(r));
    let mut columns: Vec<SampleColumn> = Vec::new();
    let column = |columns: &mut Vec<SampleColumn>, i: usize| {
        while columns.len() <= i {
            columns.push(SampleColumn {
                position: columns.len() + 1,
                header: String::new(),
                values: Vec::new(),
                distinct: Vec::new(),
            });
        }
    };
    if header {
        let Some(h) = records.next() else {
            return Err(FileError::Empty);
        };
        for (i, cell) in h.iter().take(MAX_SAMPLE_COLUMNS).enumerate() {
            column(&mut columns, i);
            columns[i].header = cut_chars(cell.trim(), SHOWN_CHARS);
        }
    }
    let mut count = 0;
    for record in records.take(SAMPLE_RECORDS) {
        count += 1;
        for (i, cell) in record.iter().take(MAX_SAMPLE_COLUMNS).enumerate() {
            column(&mut columns, i);
            let value = cell.trim();
            if value.is_empty() {
                continue;
            }
            let c = &mut columns[i];
            let value = cut_chars(value, SHOWN_CHARS);
            if c.values.len() < SHOWN_VALUES {
                c.values.push(value.clone());
            }
            if c.distinct.len() < DISTINCT_VALUES && !c.distinct.contains(&value) {
                c.distinct.push(value);
            }
        }
    }
    if columns.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(Sample {
        encoding: decoded.encoding,
        columns,
        records: count,
    })
}

fn encoding_code(e: Encoding) -> &'static str {
    match e {
        Encoding::Auto => "auto",
        Encoding::Utf8 => "utf-8",
        Encoding::ShiftJis => "shift_jis",
    }
}

fn encoding_of(code: &str) -> Encoding {
    match code {
        "utf-8" => Encoding::Utf8,
        "shift_jis" => Encoding::ShiftJis,
        _ => Encoding::Auto,
    }
}

/// Columns of a punch pair (0-based positions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairChoice {
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub start_flag: Option<usize>,
    pub end_flag: Option<usize>,
}

impl PairChoice {
    fn is_empty(&self) -> bool {
        self.start.is_none() && self.end.is_none() && self.start_flag.is_none() && self.end_flag.is_none()
    }
}

/// What HR chose on the mapping screen. Columns are 0-based positions in
/// the sample; values are as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub name: String,
    pub title: String,
    /// PC sessions rather than timecard or roster rows.
    pub sessions: bool,
    /// `auto`, `utf-8` or `shift_jis`.
    pub encoding: String,
    pub header: bool,
    pub skip_lines: usize,
    /// `auto` or `yy/mm/dd`.
    pub date_format: String,
    pub staff_id: Option<usize>,
    pub date: Option<usize>,
    pub pc_name: Option<usize>,
    pub pairs: Vec<PairChoice>,
    /// Values of a next-day flag cell meaning "next day", comma-separated.
    pub next_day_values: String,
    pub break_column: Option<usize>,
    /// `minutes`, `h:mm`, `hours_decimal`, `hours_sexagesimal`.
    pub break_unit: String,
    pub break_pairs: Vec<PairChoice>,
    pub kind_column: Option<usize>,
    /// A kind's code.
    pub kind_default: String,
    /// Value → a kind's code, or `day_off`.
    pub kind_values: Vec<(String, String)>,
    pub punch_at: Option<usize>,
    pub punch_type: Option<usize>,
    /// Value → `in`, `out`, `break_start`, `break_end`.
    pub punch_values: Vec<(String, String)>,
    pub skip_column: Option<usize>,
    /// Values of the skip column that mark rows to skip, comma-separated.
    pub skip_values: String,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            name: String::new(),
            title: String::new(),
            sessions: false,
            encoding: "auto".into(),
            header: true,
            skip_lines: 0,
            date_format: "auto".into(),
            staff_id: None,
            date: None,
            pc_name: None,
            pairs: Vec::new(),
            next_day_values: "1".into(),
            break_column: None,
            break_unit: String::new(),
            break_pairs: Vec::new(),
            kind_column: None,
            kind_default: Kind::Work.code().into(),
            kind_values: Vec::new(),
            punch_at: None,
            punch_type: None,
            punch_values: Vec::new(),
            skip_column: None,
            skip_values: String::new(),
        }
    }
}

/// A mapping that cannot become a layout: the form field and why
/// (Japanese / English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    pub field: &'static str,
    pub reason: String,
}

/// The value of `kind_values` meaning a day off.
pub const DAY_OFF: &str = "day_off";

fn punch_code(t: PunchType) -> &'static str {
    match t {
        PunchType::In => "in",
        PunchType::Out => "out",
        PunchType::BreakStart => "break_start",
        PunchType::BreakEnd => "break_end",
    }
}

impl Mapping {
    /// A mapping read from a form's fields, in order: single fields by
    /// name, rows of repeated fields (`pair_start`, `pair_end`, …) zipped
    /// in the order they came. Column fields hold 1-based positions, empty
    /// for none; other fields are ignored.
    pub fn from_form(fields: &[(String, String)]) -> Mapping {
        let one = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let many = |key: &str| -> Vec<String> {
            fields
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
                .collect()
        };
        let col = |s: &str| s.parse::<usize>().ok().filter(|n| *n >= 1).map(|n| n - 1);
        let at = |v: &[String], i: usize| v.get(i).and_then(|s| col(s));
        let pairs = |prefix: &str| -> Vec<PairChoice> {
            let (s, e) = (many(&format!("{prefix}_start")), many(&format!("{prefix}_end")));
            let (sf, ef) = (
                many(&format!("{prefix}_start_flag")),
                many(&format!("{prefix}_end_flag")),
            );
            (0..s.len().max(e.len()))
                .map(|i| PairChoice {
                    start: at(&s, i),
                    end: at(&e, i),
                    start_flag: at(&sf, i),
                    end_flag: at(&ef, i),
                })
                .filter(|p| !p.is_empty())
                .collect()
        };
        let values = |value: &str, meaning: &str| -> Vec<(String, String)> {
            many(value)
                .into_iter()
                .zip(many(meaning))
                .filter(|(v, m)| !v.is_empty() && !m.is_empty())
                .collect()
        };
        let or = |s: String, default: &str| if s.is_empty() { default.to_string() } else { s };
        Mapping {
            name: one("name"),
            title: one("title"),
            sessions: one("reads") == "pc_sessions",
            encoding: or(one("encoding"), "auto"),
            header: one("header") == "1",
            skip_lines: one("skip_lines").parse().unwrap_or(0),
            date_format: or(one("date_format"), "auto"),
            staff_id: col(&one("staff_id")),
            date: col(&one("date")),
            pc_name: col(&one("pc_name")),
            pairs: pairs("pair"),
            next_day_values: one("next_day_values"),
            break_column: col(&one("break_column")),
            break_unit: one("break_unit"),
            break_pairs: pairs("break"),
            kind_column: col(&one("kind_column")),
            kind_default: or(one("kind_default"), Kind::Work.code()),
            kind_values: values("kv_value", "kv_kind"),
            punch_at: col(&one("punch_at")),
            punch_type: col(&one("punch_type")),
            punch_values: values("pv_value", "pv_type"),
            skip_column: col(&one("skip_column")),
            skip_values: one("skip_values"),
        }
    }

    /// A starting point from `layout` (a preset or a saved layout): each
    /// column it names that `sample` has. The name is left for HR to give.
    pub fn from_layout(layout: &Layout, sample: &Sample) -> Mapping {
        let t = match &layout.reader {
            Reader::Shifts(t) | Reader::PcSessions(t) => t,
            _ => return Mapping::default(),
        };
        let find = |c: &Col| find_col(c, &sample.columns, t.header);
        let pair = |p: &Pair| PairChoice {
            start: find(&p.start),
            end: find(&p.end),
            start_flag: p.start_flag.as_ref().and_then(find),
            end_flag: p.end_flag.as_ref().and_then(find),
        };
        let found = |p: &PairChoice| p.start.is_some() && p.end.is_some();
        let (break_column, break_unit, break_pairs) = match &t.breaks {
            Breaks::None => (None, String::new(), Vec::new()),
            Breaks::Amount(c, unit) => (find(c), unit_code(*unit).to_string(), Vec::new()),
            Breaks::Pairs(ps) => (None, String::new(), ps.iter().map(pair).filter(found).collect()),
        };
        let kind_values = t
            .kind_values
            .iter()
            .map(|(v, k)| (v.clone(), k.code().to_string()))
            .chain(t.day_off.iter().map(|v| (v.clone(), DAY_OFF.to_string())))
            .collect();
        let (skip_column, skip_values) = t
            .skip
            .first()
            .map(|(c, values)| (find(c), values.join(", ")))
            .unwrap_or_default();
        Mapping {
            name: String::new(),
            title: String::new(),
            sessions: layout.yields == Yields::PcSessions,
            encoding: encoding_code(t.encoding).into(),
            header: t.header,
            skip_lines: t.skip_lines,
            date_format: match t.date_format {
                DateFormat::Auto => "auto",
                DateFormat::ShortYear => "yy/mm/dd",
            }
            .into(),
            staff_id: find(&t.staff_id),
            date: t.date.as_ref().and_then(find),
            pc_name: t.pc_name.as_ref().and_then(find),
            pairs: t.pairs.iter().map(pair).filter(found).collect(),
            next_day_values: t.flag_values.join(", "),
            break_column,
            break_unit,
            break_pairs,
            kind_column: t.kind.as_ref().and_then(find),
            kind_default: t.kind_default.code().into(),
            kind_values,
            punch_at: t.punch.as_ref().and_then(|p| find(&p.at)),
            punch_type: t.punch.as_ref().and_then(|p| find(&p.kind)),
            punch_values: t
                .punch
                .as_ref()
                .map(|p| {
                    p.types
                        .iter()
                        .map(|(v, ty)| (v.clone(), punch_code(*ty).into()))
                        .collect()
                })
                .unwrap_or_default(),
            skip_column,
            skip_values,
        }
    }

    /// The layout's TOML. Checks only what the form alone can get wrong (a
    /// half-chosen pair); [`Layout::from_toml`] checks the rest.
    pub fn to_toml(&self, columns: &[SampleColumn]) -> Result<String, MappingError> {
        let col = |i: usize| column_ref(i, columns, self.header);
        let mut t = String::new();
        let line = |t: &mut String, key: &str, value: String| {
            let _ = writeln!(t, "{key} = {value}");
        };
        let _ = writeln!(
            t,
            "# kinmu layout, saved from the mapping screen (docs/formats.md, \"Layouts\")."
        );
        line(&mut t, "name", quoted(&self.name));
        if !self.title.is_empty() {
            line(&mut t, "title", quoted(&self.title));
        }
        line(
            &mut t,
            "yields",
            quoted(if self.sessions { "pc_sessions" } else { "shifts" }),
        );
        line(&mut t, "encoding", quoted(&self.encoding));
        line(&mut t, "header", self.header.to_string());
        if self.skip_lines > 0 {
            line(&mut t, "skip_lines", self.skip_lines.to_string());
        }
        if self.date_format != "auto" {
            line(&mut t, "date_format", quoted(&self.date_format));
        }
        let flagged = self
            .pairs
            .iter()
            .any(|p| p.start_flag.is_some() || p.end_flag.is_some());
        if flagged {
            line(&mut t, "next_day_values", list(&self.next_day_values));
        }
        t.push_str("\n[columns]\n");
        if let Some(c) = self.staff_id {
            line(&mut t, "staff_id", col(c));
        }
        if let Some(c) = self.date {
            line(&mut t, "date", col(c));
        }
        if let Some(c) = self.pc_name {
            line(&mut t, "pc_name", col(c));
        }
        if let Some(c) = self.kind_column {
            line(&mut t, "kind", col(c));
        }
        pairs(&mut t, "pairs", "pair", &self.pairs, &col)?;
        pairs(&mut t, "breaks", "break", &self.break_pairs, &col)?;
        if let Some(c) = self.break_column {
            let _ = writeln!(t, "\n[break]\ncolumn = {}", col(c));
            if !self.break_unit.is_empty() {
                line(&mut t, "unit", quoted(&self.break_unit));
            }
        }
        if self.kind_column.is_some() {
            let _ = writeln!(t, "\n[kind]\ndefault = {}", quoted(&self.kind_default));
            let day_off: Vec<&str> = self
                .kind_values
                .iter()
                .filter(|(_, k)| k == DAY_OFF)
                .map(|(v, _)| v.as_str())
                .collect();
            if !day_off.is_empty() {
                line(&mut t, "day_off", list(&day_off.join(",")));
            }
            t.push_str("\n[kind.values]\n");
            for (value, kind) in self.kind_values.iter().filter(|(_, k)| k != DAY_OFF) {
                line(&mut t, &quoted(value), quoted(kind));
            }
        }
        if self.punch_at.is_some() || self.punch_type.is_some() {
            let (Some(at), Some(kind)) = (self.punch_at, self.punch_type) else {
                return Err(MappingError {
                    field: "punch",
                    reason: "打刻の日時の列と打刻の種類の列の両方を選んでください / choose both the punch time and the punch type columns".into(),
                });
            };
            let _ = writeln!(t, "\n[punch]\nat = {}\nkind = {}\n\n[punch.types]", col(at), col(kind));
            for (value, ty) in &self.punch_values {
                line(&mut t, &quoted(value), quoted(ty));
            }
        }
        if let Some(c) = self.skip_column.filter(|_| !self.skip_values.trim().is_empty()) {
            let _ = writeln!(
                t,
                "\n[[skip]]\ncolumn = {}\nvalues = {}",
                col(c),
                list(&self.skip_values)
            );
        }
        Ok(t)
    }
}

/// The mapping screen's first state for a file: the columns read as
/// `start` reads them and the mapping `start` makes of them, or (without a
/// start) the columns with a header row and the [`best_start`] preset's
/// mapping, if any preset fits. Also the layout started from.
pub fn first_mapping(
    start: Option<Layout>,
    bytes: &[u8],
    sessions: bool,
) -> Result<(Mapping, Sample, Option<Layout>), FileError> {
    let reading = |l: &Layout| match &l.reader {
        Reader::Shifts(t) | Reader::PcSessions(t) => Some((t.encoding, t.header, t.skip_lines)),
        _ => None,
    };
    let start = match start {
        Some(l) if reading(&l).is_some() => Some(l),
        _ => None,
    };
    let (encoding, header, skip) = start.as_ref().and_then(reading).unwrap_or((Encoding::Auto, true, 0));
    let code = encoding_code(encoding);
    let sample = sample(bytes, code, header, skip)?;
    let start = start.or_else(|| best_start(&sample, sessions));
    let mapping = match &start {
        Some(l) => Mapping::from_layout(l, &sample),
        None => Mapping {
            sessions,
            ..Mapping::default()
        },
    };
    Ok((mapping, sample, start))
}

/// The rows of a value map (kind or punch type) as the form shows them:
/// those chosen, then the other values the file has in column `col`,
/// with no meaning yet.
pub fn value_rows(chosen: &[(String, String)], col: Option<usize>, columns: &[SampleColumn]) -> Vec<(String, String)> {
    let mut rows = chosen.to_vec();
    if let Some(c) = col.and_then(|i| columns.get(i)) {
        for v in &c.distinct {
            if !rows.iter().any(|(r, _)| header_key(r) == header_key(v)) {
                rows.push((v.clone(), String::new()));
            }
        }
    }
    rows
}

/// The preset that reads most of `sample`'s headers (staff id, date,
/// punch pairs, by name: a column given by position says nothing about a
/// file), among those reading PC sessions when `sessions`, else shifts; at
/// least the staff id, the date and one pair must be found.
pub fn best_start(sample: &Sample, sessions: bool) -> Option<Layout> {
    let wanted = if sessions { Yields::PcSessions } else { Yields::Shifts };
    let named = |c: &Col| matches!(c, Col::Names(_)) && find_col(c, &sample.columns, true).is_some();
    let score = |l: &Layout| match &l.reader {
        Reader::Shifts(t) | Reader::PcSessions(t) => {
            let pairs = t.pairs.iter().filter(|p| named(&p.start) && named(&p.end)).count();
            let main = named(&t.staff_id) && t.date.as_ref().is_some_and(named) && pairs > 0;
            if main {
                2 + pairs * 2
            } else {
                0
            }
        }
        _ => 0,
    };
    Layout::presets()
        .into_iter()
        .filter(|l| l.yields == wanted)
        .map(|l| (score(&l), l))
        .filter(|(s, _)| *s > 0)
        .max_by_key(|(s, _)| *s)
        .map(|(_, l)| l)
}

/// Writes `[[key]]` tables of pairs; a pair with one side only is an error.
fn pairs(
    t: &mut String,
    key: &str,
    field: &'static str,
    pairs: &[PairChoice],
    col: &dyn Fn(usize) -> String,
) -> Result<(), MappingError> {
    for (i, p) in pairs.iter().enumerate() {
        let (Some(start), Some(end)) = (p.start, p.end) else {
            return Err(MappingError {
                field,
                reason: format!(
                    "{}行目: 開始と終了の両方の列を選んでください / row {}: choose both the start and the end column",
                    i + 1,
                    i + 1
                ),
            });
        };
        let _ = writeln!(t, "\n[[{key}]]\nstart = {}\nend = {}", col(start), col(end));
        if let Some(c) = p.start_flag {
            let _ = writeln!(t, "start_next_day = {}", col(c));
        }
        if let Some(c) = p.end_flag {
            let _ = writeln!(t, "end_next_day = {}", col(c));
        }
    }
    Ok(())
}

/// A column as the TOML names it: its header when the file has a header
/// row and no other column's header reads the same, else its position.
fn column_ref(i: usize, columns: &[SampleColumn], header: bool) -> String {
    let Some(c) = columns.get(i) else {
        return (i + 1).to_string();
    };
    let key = header_key(&c.header);
    let unique = columns.iter().filter(|o| header_key(&o.header) == key).count() == 1;
    // A cut header (see SHOWN_CHARS) would not match the file's.
    if header && !key.is_empty() && unique && c.header.chars().count() < SHOWN_CHARS && !c.header.contains("{n}") {
        quoted(&c.header)
    } else {
        (i + 1).to_string()
    }
}

/// The position of a layout's column in a sample.
fn find_col(c: &Col, columns: &[SampleColumn], header: bool) -> Option<usize> {
    match c {
        Col::Position(i) => (*i < columns.len()).then_some(*i),
        Col::Names(names) if header => {
            let keys: Vec<String> = names.iter().map(|n| header_key(n)).collect();
            keys.iter()
                .find_map(|k| columns.iter().position(|c| header_key(&c.header) == *k))
        }
        Col::Names(_) => None,
    }
}

fn unit_code(unit: BreakUnit) -> &'static str {
    match unit {
        BreakUnit::Minutes => "minutes",
        BreakUnit::HoursMinutes => "h:mm",
        BreakUnit::DecimalHours => "hours_decimal",
        BreakUnit::SexagesimalHours => "hours_sexagesimal",
    }
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML array of the comma-separated values of `s` (`、` too).
fn list(s: &str) -> String {
    let items: Vec<String> = s
        .split([',', '、'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(quoted)
        .collect();
    format!("[{}]", items.join(", "))
}

/// The form field a layout key belongs to, for errors on the mapping
/// screen.
pub fn field_of(key: &str) -> &'static str {
    let head = key.split(['.', '[']).next().unwrap_or_default();
    match (head, key) {
        (_, "columns.staff_id") => "staff_id",
        (_, "columns.date") => "date",
        (_, "columns.pc_name") => "pc_name",
        (_, "columns.kind") | ("kind", _) => "kind",
        ("pairs", _) | ("next_day_values", _) => "pair",
        ("break", _) | ("breaks", _) => "break",
        ("punch", _) => "punch",
        ("skip", _) => "skip",
        ("name", _) | ("title", _) => "name",
        _ => "layout",
    }
}
