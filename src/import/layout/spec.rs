//! A layout's TOML, read strictly (an unknown key is an error naming it)
//! and checked into the [`Table`] the reader follows. The keys are
//! documented in docs/formats.md, "Layouts".

use super::notation::{BreakUnit, DateFormat};
use super::LayoutError;
use crate::domain::Kind;
use crate::import::header::header_key;
use crate::import::winevent::{Flavour, Options};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A column: by header (the first of several spellings found) or by
/// 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Col {
    Names(Vec<String>),
    /// 0-based.
    Position(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pair {
    pub start: Col,
    pub end: Col,
    pub start_flag: Option<Col>,
    pub end_flag: Option<Col>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Breaks {
    None,
    Amount(Col, BreakUnit),
    Pairs(Vec<Pair>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PunchType {
    In,
    Out,
    BreakStart,
    BreakEnd,
}

/// One punch per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Punch {
    /// A timestamp column, or a time column read on the date column.
    pub at: Col,
    pub kind: Col,
    /// Normalised value → type.
    pub types: Vec<(String, PunchType)>,
}

/// What the reader of a vendor's table follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    pub encoding: Encoding,
    pub header: bool,
    pub skip_lines: usize,
    pub date_format: DateFormat,
    /// Normalised values of a next-day flag cell that mean "next day".
    pub flag_values: Vec<String>,
    pub staff_id: Col,
    pub date: Option<Col>,
    pub pc_name: Option<Col>,
    pub pairs: Vec<Pair>,
    pub breaks: Breaks,
    pub kind: Option<Col>,
    pub kind_default: Kind,
    /// Normalised value → kind.
    pub kind_values: Vec<(String, Kind)>,
    /// Normalised values meaning a day off: no row without punches, the
    /// default kind with them.
    pub day_off: Vec<String>,
    /// Rows skipped deliberately: a column and its normalised values.
    pub skip: Vec<(Col, Vec<String>)>,
    pub punch: Option<Punch>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Auto,
    Utf8,
    ShiftJis,
}

/// What reads a file of this layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reader {
    /// kinmu's own columns (formats.md), for every import kind.
    Kinmu,
    Shifts(Box<Table>),
    PcSessions(Box<Table>),
    Windows(Flavour, Options),
}

// ---- the TOML as written ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    pub name: String,
    pub title: Option<String>,
    pub yields: String,
    encoding: Option<String>,
    header: Option<bool>,
    skip_lines: Option<usize>,
    pub recognise: Option<Vec<String>>,
    date_format: Option<String>,
    next_day_values: Option<Vec<String>>,
    columns: Option<RawColumns>,
    pairs: Option<Vec<RawPair>>,
    #[serde(rename = "break")]
    break_amount: Option<RawBreak>,
    breaks: Option<Vec<RawPair>>,
    kind: Option<RawKind>,
    skip: Option<Vec<RawSkip>>,
    punch: Option<RawPunch>,
    windows: Option<RawWindows>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawCol {
    Position(i64),
    Name(String),
    Names(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    staff_id: Option<RawCol>,
    date: Option<RawCol>,
    pc_name: Option<RawCol>,
    kind: Option<RawCol>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPair {
    start: RawCol,
    end: RawCol,
    start_next_day: Option<RawCol>,
    end_next_day: Option<RawCol>,
    repeat: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    column: RawCol,
    unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    default: Option<String>,
    #[serde(default)]
    values: BTreeMap<String, String>,
    #[serde(default)]
    day_off: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSkip {
    column: RawCol,
    values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPunch {
    at: RawCol,
    kind: RawCol,
    types: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindows {
    flavour: String,
    max_open_minutes: Option<i64>,
    pc_name: Option<String>,
}

fn key_error(key: &str, reason: &str) -> LayoutError {
    LayoutError::Key {
        key: key.to_string(),
        reason: reason.to_string(),
    }
}

/// The most columns a layout may name, and the most pairs a `repeat` makes.
const MAX_REPEAT: usize = 50;

struct Check {
    header: bool,
}

impl Check {
    fn col(&self, key: &str, raw: &RawCol) -> Result<Col, LayoutError> {
        match raw {
            RawCol::Position(n) if (1..=4096).contains(n) => Ok(Col::Position(*n as usize - 1)),
            RawCol::Position(_) => Err(key_error(key, "列の位置は1〜4096です / a column position is 1 to 4096")),
            RawCol::Name(_) | RawCol::Names(_) if !self.header => Err(key_error(
                key,
                "見出し行のないレイアウトでは列を位置（1始まりの番号）で指定します / without a header row, columns are given by 1-based position",
            )),
            RawCol::Name(s) if !s.trim().is_empty() => Ok(Col::Names(vec![s.clone()])),
            RawCol::Names(v) if !v.is_empty() && v.iter().all(|s| !s.trim().is_empty()) => Ok(Col::Names(v.clone())),
            _ => Err(key_error(key, "列の見出しが空です / empty column header")),
        }
    }

    fn opt(&self, key: &str, raw: &Option<RawCol>) -> Result<Option<Col>, LayoutError> {
        raw.as_ref().map(|r| self.col(key, r)).transpose()
    }

    /// Pairs, with `{n}` in their headers expanded `repeat` times.
    fn pairs(&self, key: &str, raw: &[RawPair]) -> Result<Vec<Pair>, LayoutError> {
        let mut out = Vec::new();
        for (i, p) in raw.iter().enumerate() {
            let key = format!("{key}[{}]", i + 1);
            let n = p.repeat.unwrap_or(1);
            if p.repeat.is_some() {
                if !(1..=MAX_REPEAT).contains(&n) {
                    return Err(key_error(
                        &format!("{key}.repeat"),
                        "repeat は1〜50です / repeat is 1 to 50",
                    ));
                }
                let templated = |c: &RawCol| matches!(c, RawCol::Name(s) if s.contains("{n}"));
                if !templated(&p.start) || !templated(&p.end) {
                    return Err(key_error(
                        &format!("{key}.repeat"),
                        "repeat には見出しに {n} が必要です / repeat needs {n} in the start and end headers",
                    ));
                }
            }
            for k in 1..=n {
                let expand = |c: &RawCol| match c {
                    RawCol::Name(s) if p.repeat.is_some() => RawCol::Name(s.replace("{n}", &k.to_string())),
                    other => other.clone(),
                };
                out.push(Pair {
                    start: self.col(&format!("{key}.start"), &expand(&p.start))?,
                    end: self.col(&format!("{key}.end"), &expand(&p.end))?,
                    start_flag: self.opt(&format!("{key}.start_next_day"), &p.start_next_day.as_ref().map(expand))?,
                    end_flag: self.opt(&format!("{key}.end_next_day"), &p.end_next_day.as_ref().map(expand))?,
                });
            }
        }
        Ok(out)
    }
}

fn kind_of(key: &str, s: &str) -> Result<Kind, LayoutError> {
    Kind::parse(s).ok_or_else(|| {
        key_error(
            key,
            &format!("勤務区分が不明です: {s:?}（work, duty, duty_permitted, self_study, external） / unknown kind"),
        )
    })
}

impl Raw {
    /// Checks the layout and builds its reader.
    pub(super) fn reader(&self) -> Result<Reader, LayoutError> {
        let table_keys = self.encoding.is_some()
            || self.header.is_some()
            || self.skip_lines.is_some()
            || self.date_format.is_some()
            || self.next_day_values.is_some()
            || self.columns.is_some()
            || self.pairs.is_some()
            || self.break_amount.is_some()
            || self.breaks.is_some()
            || self.kind.is_some()
            || self.skip.is_some()
            || self.punch.is_some();
        match self.yields.as_str() {
            "kinmu" => {
                if table_keys || self.windows.is_some() {
                    return Err(key_error(
                        "yields",
                        "kinmu 形式のレイアウトは列を指定しません / the kinmu layout names no columns",
                    ));
                }
                Ok(Reader::Kinmu)
            }
            "windows" => {
                let Some(w) = &self.windows else {
                    return Err(key_error(
                        "windows",
                        "windows の表がありません / missing [windows] table",
                    ));
                };
                if table_keys {
                    return Err(key_error(
                        "yields",
                        "Windows のイベントログのレイアウトは列を指定しません / a Windows events layout names no columns",
                    ));
                }
                let flavour = match w.flavour.as_str() {
                    "eventviewer" => Flavour::EventViewer,
                    "getwinevent" => Flavour::GetWinEvent,
                    _ => {
                        return Err(key_error(
                            "windows.flavour",
                            "eventviewer か getwinevent です / eventviewer or getwinevent",
                        ))
                    }
                };
                let mut options = Options::default();
                if let Some(m) = w.max_open_minutes {
                    if !(1..=7 * 24 * 60).contains(&m) {
                        return Err(key_error(
                            "windows.max_open_minutes",
                            "1〜10080分です / 1 to 10080 minutes",
                        ));
                    }
                    options.max_open_minutes = m;
                }
                options.pc_name = w.pc_name.clone().filter(|s| !s.trim().is_empty());
                Ok(Reader::Windows(flavour, options))
            }
            "shifts" => Ok(Reader::Shifts(Box::new(self.table(false)?))),
            "pc_sessions" => Ok(Reader::PcSessions(Box::new(self.table(true)?))),
            _ => Err(key_error(
                "yields",
                "shifts, pc_sessions, windows, kinmu のいずれかです / one of shifts, pc_sessions, windows, kinmu",
            )),
        }
    }

    fn table(&self, sessions: bool) -> Result<Table, LayoutError> {
        if self.windows.is_some() {
            return Err(key_error(
                "windows",
                "yields = \"windows\" のときだけ使えます / only with yields = \"windows\"",
            ));
        }
        let header = self.header.unwrap_or(true);
        let check = Check { header };
        let encoding = match self.encoding.as_deref().unwrap_or("auto") {
            "auto" => Encoding::Auto,
            "utf-8" => Encoding::Utf8,
            "shift_jis" => Encoding::ShiftJis,
            _ => {
                return Err(key_error(
                    "encoding",
                    "auto, utf-8, shift_jis のいずれかです / auto, utf-8 or shift_jis",
                ))
            }
        };
        let date_format = match self.date_format.as_deref().unwrap_or("auto") {
            "auto" => DateFormat::Auto,
            "yy/mm/dd" => DateFormat::ShortYear,
            _ => return Err(key_error("date_format", "auto か yy/mm/dd です / auto or yy/mm/dd")),
        };
        let skip_lines = self.skip_lines.unwrap_or(0);
        if skip_lines > 100 {
            return Err(key_error("skip_lines", "100行までです / at most 100 lines"));
        }
        let columns = self.columns.as_ref();
        let staff_id = match columns.and_then(|c| c.staff_id.as_ref()) {
            Some(c) => check.col("columns.staff_id", c)?,
            None => {
                return Err(key_error(
                    "columns.staff_id",
                    "職員番号の列がありません / missing staff id column",
                ))
            }
        };
        let date = check.opt("columns.date", &columns.and_then(|c| c.date.clone()))?;
        let pc_name = check.opt("columns.pc_name", &columns.and_then(|c| c.pc_name.clone()))?;
        let kind = check.opt("columns.kind", &columns.and_then(|c| c.kind.clone()))?;
        let pairs = check.pairs("pairs", self.pairs.as_deref().unwrap_or_default())?;
        let punch = match &self.punch {
            None => None,
            Some(p) => {
                let mut types = Vec::new();
                for (value, t) in &p.types {
                    let t = match t.as_str() {
                        "in" => PunchType::In,
                        "out" => PunchType::Out,
                        "break_start" => PunchType::BreakStart,
                        "break_end" => PunchType::BreakEnd,
                        _ => return Err(key_error(
                            &format!("punch.types.{value}"),
                            "in, out, break_start, break_end のいずれかです / one of in, out, break_start, break_end",
                        )),
                    };
                    types.push((header_key(value), t));
                }
                for needed in [PunchType::In, PunchType::Out] {
                    if !types.iter().any(|(_, t)| *t == needed) {
                        return Err(key_error(
                            "punch.types",
                            "出勤（in）と退勤（out）の値が必要です / values for in and out are needed",
                        ));
                    }
                }
                Some(Punch {
                    at: check.col("punch.at", &p.at)?,
                    kind: check.col("punch.kind", &p.kind)?,
                    types,
                })
            }
        };
        match (&punch, pairs.is_empty()) {
            (Some(_), false) => return Err(key_error(
                "punch",
                "pairs（1行に出勤・退勤）と punch（1行に1打刻）は同時に使えません / pairs and punch exclude each other",
            )),
            (None, true) => {
                return Err(key_error(
                    "pairs",
                    "出勤・退勤の列がありません / missing punch pair columns",
                ))
            }
            _ => {}
        }
        if punch.is_none() && date.is_none() {
            return Err(key_error("columns.date", "日付の列がありません / missing date column"));
        }
        let break_pairs = check.pairs("breaks", self.breaks.as_deref().unwrap_or_default())?;
        let breaks = match (&self.break_amount, break_pairs.is_empty()) {
            (Some(_), false) => {
                return Err(key_error(
                    "break",
                    "休憩は時間（break）か開始・終了（breaks）のどちらかです / break (an amount) and breaks (start/end) exclude each other",
                ))
            }
            (Some(b), true) => {
                let Some(unit) = &b.unit else {
                    return Err(key_error(
                        "break.unit",
                        "休憩時間の単位を指定してください（minutes, h:mm, hours_decimal, hours_sexagesimal）。10進と60進は推測しません / state the break unit; decimal and sexagesimal hours are never guessed",
                    ));
                };
                let unit = BreakUnit::parse(unit).ok_or_else(|| {
                    key_error(
                        "break.unit",
                        "minutes, h:mm, hours_decimal, hours_sexagesimal のいずれかです / one of minutes, h:mm, hours_decimal, hours_sexagesimal",
                    )
                })?;
                Breaks::Amount(check.col("break.column", &b.column)?, unit)
            }
            (None, false) => Breaks::Pairs(break_pairs),
            (None, true) => Breaks::None,
        };
        if punch.is_some() && !matches!(breaks, Breaks::None) {
            return Err(key_error(
                "break",
                "1行に1打刻のレイアウトでは休憩は打刻（break_start, break_end）です / with one punch per row, breaks are punches",
            ));
        }
        let (kind_default, kind_values, day_off) = match &self.kind {
            None => (Kind::Work, Vec::new(), Vec::new()),
            Some(k) => {
                let default = match &k.default {
                    Some(s) => kind_of("kind.default", s)?,
                    None => Kind::Work,
                };
                let mut values = Vec::new();
                for (value, kind) in &k.values {
                    values.push((header_key(value), kind_of(&format!("kind.values.{value}"), kind)?));
                }
                (default, values, k.day_off.iter().map(|s| header_key(s)).collect())
            }
        };
        if sessions && (!matches!(breaks, Breaks::None) || self.kind.is_some() || kind.is_some() || punch.is_some()) {
            return Err(key_error(
                "yields",
                "PCログのレイアウトに休憩・勤務区分・打刻はありません / a PC sessions layout has no break, kind or punch",
            ));
        }
        let mut skip = Vec::new();
        for (i, s) in self.skip.as_deref().unwrap_or_default().iter().enumerate() {
            skip.push((
                check.col(&format!("skip[{}].column", i + 1), &s.column)?,
                s.values.iter().map(|v| header_key(v)).collect(),
            ));
        }
        Ok(Table {
            encoding,
            header,
            skip_lines,
            date_format,
            flag_values: self
                .next_day_values
                .clone()
                .unwrap_or_else(|| vec!["1".into()])
                .iter()
                .map(|s| header_key(s))
                .collect(),
            staff_id,
            date,
            pc_name,
            pairs,
            breaks,
            kind,
            kind_default,
            kind_values,
            day_off,
            skip,
            punch,
        })
    }
}
