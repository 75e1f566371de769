//! Layouts: how a vendor's export maps onto kinmu's rows (issue 12).
//!
//! A layout is plain TOML (shareable between hospitals on the same system);
//! the built-in presets are such files compiled into the binary. A file is
//! read either through kinmu's own header aliases (formats.md, the `kinmu`
//! layout) or through a layout chosen explicitly or recognised from its
//! header. The keys and the reading rules are documented in
//! docs/formats.md, "Layouts"; [`spec`] checks them, [`notation`] reads
//! dates, times and breaks, [`read`] reads the rows and [`punches`]
//! assembles one-punch-per-row files into shifts.

mod daily;
mod mapping;
mod notation;
mod preview;
mod punches;
mod read;
mod spec;
#[cfg(test)]
mod tests;

pub use mapping::{
    best_start, field_of, first_mapping, sample, value_rows, Mapping, MappingError, PairChoice, Sample, SampleColumn,
    DAY_OFF,
};
pub use notation::{BreakUnit, DateFormat};
pub use preview::preview;

use super::{FileError, Parsed, PcRecord, ShiftRecord};
use serde::Serialize;
use spec::Reader;

/// A layout, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// `kingoftime-daily`, `jinjer-daily`, …, or a hospital's own name.
    pub name: String,
    /// What a person calls it (`KING OF TIME 日別データ`).
    pub title: String,
    /// What the layout reads.
    pub yields: Yields,
    /// Whether a file in this layout is recognised from its header alone
    /// (the layout lists headers no other export has).
    pub recognised_automatically: bool,
    /// The TOML text it was read from.
    #[serde(skip)]
    pub source: String,
    #[serde(skip)]
    recognise: Vec<String>,
    #[serde(skip)]
    reader: Reader,
}

/// What a layout's rows become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Yields {
    /// kinmu's own columns: every import kind.
    Kinmu,
    /// Timecard or roster rows.
    Shifts,
    /// PC sessions.
    PcSessions,
    /// Windows event logs, paired into PC sessions.
    Windows,
}

impl Yields {
    pub fn code(self) -> &'static str {
        match self {
            Yields::Kinmu => "kinmu",
            Yields::Shifts => "shifts",
            Yields::PcSessions => "pc_sessions",
            Yields::Windows => "windows",
        }
    }

    /// The yields of a code ([`Yields::code`]), as stored with a saved layout.
    pub fn from_code(code: &str) -> Option<Yields> {
        [Yields::Kinmu, Yields::Shifts, Yields::PcSessions, Yields::Windows]
            .into_iter()
            .find(|y| y.code() == code)
    }

    /// What a person reads (Japanese first, then English).
    pub fn label(self) -> &'static str {
        match self {
            Yields::Kinmu => "kinmu 標準形式（全種類） / kinmu's own columns (every kind)",
            Yields::Shifts => "勤務実績・勤務予定 / timecard or roster rows",
            Yields::PcSessions => "PCログ / PC sessions",
            Yields::Windows => "Windows イベントログ（PCログ） / Windows event log (PC sessions)",
        }
    }

    fn reads_shifts(self) -> bool {
        matches!(self, Yields::Kinmu | Yields::Shifts)
    }

    fn reads_sessions(self) -> bool {
        matches!(self, Yields::Kinmu | Yields::PcSessions | Yields::Windows)
    }
}

/// Why a layout could not be found or read. Japanese first, then English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("取込レイアウト {0:?} がありません / no such layout")]
    Unknown(String),
    #[error("取込レイアウトを読めません: {0} / unreadable layout")]
    Invalid(String),
    /// A key of the layout that is wrong, and why (Japanese / English).
    #[error("取込レイアウトの {key} が正しくありません: {reason}")]
    Key { key: String, reason: String },
}

/// The built-in presets: name and TOML.
const PRESETS: [(&str, &str); 8] = [
    ("kinmu", include_str!("presets/kinmu.toml")),
    ("kingoftime-daily", include_str!("presets/kingoftime-daily.toml")),
    ("jinjer-daily", include_str!("presets/jinjer-daily.toml")),
    ("jinjer-pclog", include_str!("presets/jinjer-pclog.toml")),
    ("jobcan-punches", include_str!("presets/jobcan-punches.toml")),
    ("timerecorder-usb", include_str!("presets/timerecorder-usb.toml")),
    ("windows-eventviewer", include_str!("presets/windows-eventviewer.toml")),
    ("windows-getwinevent", include_str!("presets/windows-getwinevent.toml")),
];

/// The longest layout file read (a layout is a page of TOML).
const MAX_LAYOUT_BYTES: usize = 256 * 1024;

impl Layout {
    /// A built-in preset by name.
    pub fn preset(name: &str) -> Result<Layout, LayoutError> {
        let (_, text) = PRESETS
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| LayoutError::Unknown(name.to_string()))?;
        Layout::from_toml(text)
    }

    /// Every built-in preset, `kinmu` first.
    pub fn presets() -> Vec<Layout> {
        PRESETS
            .iter()
            .filter_map(|(_, text)| Layout::from_toml(text).ok())
            .collect()
    }

    /// The names of the built-in presets, `kinmu` first.
    pub fn preset_names() -> Vec<&'static str> {
        PRESETS.iter().map(|(n, _)| *n).collect()
    }

    /// A layout from TOML text (a `--layout-file` or a saved layout).
    pub fn from_toml(text: &str) -> Result<Layout, LayoutError> {
        if text.len() > MAX_LAYOUT_BYTES {
            return Err(LayoutError::Invalid("256KBまでです / at most 256 KB".into()));
        }
        let raw: spec::Raw = toml::from_str(text).map_err(|e| LayoutError::Invalid(e.to_string()))?;
        let name = raw.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(LayoutError::Key {
                key: "name".into(),
                reason: "1〜64文字の名前が必要です / a name of 1 to 64 characters is needed".into(),
            });
        }
        let reader = raw.reader()?;
        let yields = match &reader {
            Reader::Kinmu => Yields::Kinmu,
            Reader::Shifts(_) => Yields::Shifts,
            Reader::PcSessions(_) => Yields::PcSessions,
            Reader::Windows(..) => Yields::Windows,
        };
        let recognise: Vec<String> = raw.recognise.clone().unwrap_or_default();
        if recognise.iter().any(|h| h.trim().is_empty()) {
            return Err(LayoutError::Key {
                key: "recognise".into(),
                reason: "空の見出しがあります / an empty header".into(),
            });
        }
        Ok(Layout {
            title: raw.title.clone().unwrap_or_else(|| name.clone()),
            name,
            yields,
            recognised_automatically: !recognise.is_empty(),
            source: text.to_string(),
            recognise,
            reader,
        })
    }

    /// A preset name, or a path to a `.toml` file (config, intake rules).
    pub fn load(spec: &str) -> Result<Layout, LayoutError> {
        if spec.ends_with(".toml") {
            let text = std::fs::read_to_string(spec).map_err(|e| LayoutError::Invalid(format!("{spec}: {e}")))?;
            Layout::from_toml(&text)
        } else {
            Layout::preset(spec)
        }
    }

    /// The Windows-events reader's settings, for a `windows` layout.
    pub fn windows(&self) -> Option<(super::winevent::Flavour, &super::winevent::Options)> {
        match &self.reader {
            Reader::Windows(f, o) => Some((*f, o)),
            _ => None,
        }
    }

    /// Whether `bytes` look like this layout's export: every header the
    /// layout lists for recognition is in the file's first record after
    /// the lines it skips. A layout that lists none is never recognised.
    fn recognises(&self, text: &str) -> bool {
        if self.recognise.is_empty() {
            return false;
        }
        let skip = match &self.reader {
            Reader::Shifts(t) | Reader::PcSessions(t) => t.skip_lines,
            _ => 0,
        };
        let Some(header) = read::first_record(text, skip) else {
            return false;
        };
        let keys: Vec<String> = header.iter().map(super::header::header_key).collect();
        self.recognise
            .iter()
            .all(|h| keys.contains(&super::header::header_key(h)))
    }
}

/// The preset a file is recognised as, among those that can read `wanted`.
fn recognise(bytes: &[u8], wanted: fn(Yields) -> bool) -> Option<Layout> {
    let text = super::decode(bytes).ok()?.text;
    Layout::presets()
        .into_iter()
        .filter(|l| wanted(l.yields) && l.yields != Yields::Kinmu)
        .find(|l| l.recognises(&text))
}

/// Whether a PC log whose file starts with `head` is in kinmu's own
/// columns (no preset recognised from its header): such a file can be read
/// block by block from disk instead of whole.
pub fn pclog_is_kinmu(head: &[u8]) -> bool {
    // Whole lines only: a character cut in two would make the head
    // undecodable.
    let cut = head.iter().rposition(|b| *b == b'\n').map_or(head.len(), |i| i + 1);
    recognise(&head[..cut], Yields::reads_sessions).is_none()
}

/// A file read through a layout, and the layout's name.
#[derive(Debug)]
pub struct Read<T> {
    pub parsed: Parsed<T>,
    pub layout: String,
}

fn wrong_kind(layout: &Layout, wanted: &str) -> FileError {
    FileError::Layout(format!(
        "「{}」（{}）は{wanted}を読めません / layout {:?} ({}) cannot read this import",
        layout.title,
        layout.yields.label().split(" / ").next().unwrap_or_default(),
        layout.name,
        layout.yields.code()
    ))
}

/// Reads a timecard or roster: through `layout`, or (with `None`) a preset
/// recognised from the header, else kinmu's own columns.
pub fn read_shifts(layout: Option<&Layout>, bytes: &[u8]) -> Result<Read<ShiftRecord>, FileError> {
    let recognised;
    let layout = match layout {
        Some(l) => Some(l),
        None => {
            recognised = recognise(bytes, Yields::reads_shifts);
            recognised.as_ref()
        }
    };
    match layout {
        None => Ok(Read {
            parsed: super::parse_shifts(bytes)?,
            layout: "kinmu".into(),
        }),
        Some(l) => {
            let parsed = match &l.reader {
                Reader::Kinmu => super::parse_shifts(bytes)?,
                Reader::Shifts(t) if t.punch.is_some() => punches::shifts(t, bytes)?,
                Reader::Shifts(t) => daily::shifts(t, bytes)?,
                _ => return Err(wrong_kind(l, "勤務実績・勤務予定")),
            };
            Ok(Read {
                parsed,
                layout: l.name.clone(),
            })
        }
    }
}

/// Reads a PC log: through `layout`, or (with `None`) a preset recognised
/// from the header, else kinmu's own columns.
pub fn read_pclog(layout: Option<&Layout>, bytes: &[u8]) -> Result<Read<PcRecord>, FileError> {
    match read_pclog_vendor(layout, bytes)? {
        Some(read) => Ok(read),
        None => Ok(Read {
            parsed: super::parse_pclog(bytes)?,
            layout: "kinmu".into(),
        }),
    }
}

/// Like [`read_pclog`], but `None` for a file in kinmu's own columns,
/// which the import reads block by block itself (so a PC log of millions
/// of sessions is never held whole).
pub fn read_pclog_vendor(layout: Option<&Layout>, bytes: &[u8]) -> Result<Option<Read<PcRecord>>, FileError> {
    let recognised;
    let layout = match layout {
        Some(l) => Some(l),
        None => {
            recognised = recognise(bytes, Yields::reads_sessions);
            recognised.as_ref()
        }
    };
    let Some(l) = layout else {
        return Ok(None);
    };
    let parsed = match &l.reader {
        Reader::Kinmu => return Ok(None),
        Reader::PcSessions(t) => daily::sessions(t, bytes)?,
        Reader::Windows(flavour, options) => super::winevent::read(bytes, *flavour, options)?,
        Reader::Shifts(_) => return Err(wrong_kind(l, "PCログ")),
    };
    Ok(Some(Read {
        parsed,
        layout: l.name.clone(),
    }))
}

/// Checks that a doctors list is read with kinmu's own columns (no vendor
/// layout reads doctors).
pub fn check_doctors(layout: Option<&Layout>) -> Result<(), FileError> {
    match layout {
        Some(l) if l.yields != Yields::Kinmu => Err(wrong_kind(l, "医師一覧")),
        _ => Ok(()),
    }
}

/// Checks that an employers file is read with kinmu's own columns (no
/// vendor layout reads it).
pub fn check_employers(layout: Option<&Layout>) -> Result<(), FileError> {
    match layout {
        Some(l) if l.yields != Yields::Kinmu => Err(wrong_kind(l, "他の勤務先")),
        _ => Ok(()),
    }
}

/// Checks that a permits file is read with kinmu's own columns (no vendor
/// layout reads it).
pub fn check_permits(layout: Option<&Layout>) -> Result<(), FileError> {
    match layout {
        Some(l) if l.yields != Yields::Kinmu => Err(wrong_kind(l, "宿日直許可")),
        _ => Ok(()),
    }
}

/// Checks that a 代償休息 grants file is read with kinmu's own columns (no
/// vendor layout reads it).
pub fn check_comp_rest(layout: Option<&Layout>) -> Result<(), FileError> {
    match layout {
        Some(l) if l.yields != Yields::Kinmu => Err(wrong_kind(l, "代償休息")),
        _ => Ok(()),
    }
}
