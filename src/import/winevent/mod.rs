//! Windows event logs as the objective PC record (issue 12, item 3; the
//! rules and the export steps are in docs/windows-events.md).
//!
//! Two exports are read: Event Viewer's "save all events as CSV" (a header
//! `レベル,日付と時刻,ソース,イベント ID,タスクのカテゴリ` or its English
//! twin, plus an unnamed description column whose text spans several
//! lines), and PowerShell's `Get-WinEvent | Export-Csv` (`TimeCreated`,
//! `Id`, `ProviderName`, `MachineName`, `Message`, …). Only logon (4624),
//! logoff (4634, 4647), lock (4800), unlock (4801), startup (6005) and
//! shutdown (6006) events are used; every other event is skipped without a
//! word, as they are most of a security log. The events are paired into
//! sessions by [`pair`].

mod message;
mod pair;
mod text;
mod time;

#[cfg(test)]
mod tests;

use super::fields::normalise;
use super::header::{MAX_ACCOUNT_CHARS, MAX_COLUMNS, MAX_NAME_CHARS};
use super::{FileError, Parsed, PcRecord, Rejections, RowError};
use csv::StringRecord;
use message::Description;
use pair::{Event, What};

/// Which Windows export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// Event Viewer's "save as CSV" on Japanese Windows.
    EventViewer,
    /// PowerShell 7's `Get-WinEvent | Export-Csv`.
    GetWinEvent,
}

/// How events become sessions; a layout's `[windows]` table sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// A session with no end event is closed at the next logon of the same
    /// account and machine, or after this many minutes, whichever is first.
    /// Read as 0 when negative and as 366 days when longer.
    pub max_open_minutes: i64,
    /// The PC's name when the file does not say (Event Viewer's CSV has no
    /// computer column).
    pub pc_name: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_open_minutes: 16 * 60,
            pc_name: None,
        }
    }
}

/// The longest limit on an open session honoured (a year and a day).
const MAX_OPEN_MINUTES: i64 = 366 * 24 * 60;

/// Which export a file looks like, from its header (for recognising a
/// layout); `None` when it is neither.
pub fn flavour_of(bytes: &[u8]) -> Option<Flavour> {
    [Flavour::EventViewer, Flavour::GetWinEvent]
        .into_iter()
        .find(|&f| header(bytes, f).is_ok_and(|h| h.is_some()))
}

/// Reads the events of a file and pairs them into PC sessions. A session
/// whose end had to be supplied is in `rows` and flagged in `notices`; an
/// end with no start is counted in `notices` too. An event that matters
/// but cannot be read (its time, its ID, its account) is in `rejected`.
pub fn read(bytes: &[u8], flavour: Flavour, options: &Options) -> Result<Parsed<PcRecord>, FileError> {
    let decoded = text::decode_any(bytes)?;
    let (offset, first_line) = text::table_start(&decoded.text);
    let table = decoded.text.get(offset..).unwrap_or("");
    let delimiter = text::delimiter(table);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(table.as_bytes());
    let mut lines = text::Lines::new(table.as_bytes(), first_line);
    let mut records = reader
        .records()
        .filter(|r| !matches!(r, Ok(record) if record.iter().all(|c| c.trim().is_empty())));
    let header = records
        .next()
        .ok_or(FileError::Empty)?
        .map_err(|e| lines.csv_error(e))?;
    let header_line = lines.of(header.position());
    if header.len() > MAX_COLUMNS {
        return Err(FileError::TooManyColumns {
            found: header.len(),
            max: MAX_COLUMNS,
        });
    }
    let columns = Columns::map(&header, flavour)?;
    let quote_open = text::quote_left_open(table.as_bytes(), delimiter);
    let mut events = Vec::new();
    let mut rejected = Rejections::default();
    // The line of the last record, and whether it gave an event.
    let mut last = None;
    for record in records {
        let record = record.map_err(|e| lines.csv_error(e))?;
        let line = lines.of(record.position());
        match columns.event(&record, line) {
            Ok(Some(event)) => {
                events.push(event);
                last = Some((line, true));
            }
            Ok(None) => last = Some((line, false)),
            Err(errors) => {
                rejected.extend(errors);
                last = Some((line, false));
            }
        }
    }
    if quote_open {
        // A quote left open swallowed the rest of the file into one value:
        // the events in it are lost, which must not pass unseen.
        let line = match last {
            None => {
                return Err(FileError::Csv {
                    line: header_line,
                    message: "引用符が閉じられていません (unclosed quote)".to_string(),
                })
            }
            Some((line, gave_event)) => {
                if gave_event {
                    events.pop();
                }
                line
            }
        };
        rejected.push(RowError {
            line,
            column: None,
            reason: "引用符が閉じられていません（この行からファイルの最後までが一つの値になります） / unclosed quote: the rest of the file was read as one value".to_string(),
        });
    }
    // A file without computer names (Event Viewer's) is one PC's log: the
    // name given, else the one its first local logon names.
    let named_pc = options.pc_name.clone().filter(|n| !n.trim().is_empty()).or_else(|| {
        events
            .iter()
            .filter(|e| e.workstation.is_some())
            .min_by_key(|e| e.at)
            .and_then(|e| e.workstation.clone())
    });
    let pc_name = |machine: &str| -> Option<String> {
        if machine.is_empty() {
            named_pc.clone()
        } else {
            Some(machine.to_string())
        }
    };
    let max_minutes = options.max_open_minutes.clamp(0, MAX_OPEN_MINUTES);
    let paired = pair::pair(events, max_minutes, &pc_name);
    let mut notices = Rejections::default();
    notices.extend(paired.notices);
    Ok(Parsed {
        rows: paired.rows,
        rejected,
        ignored_columns: Vec::new(),
        ignored_columns_omitted: 0,
        encoding: decoded.encoding,
        notices,
    })
}

/// The header of a file as `flavour` would read it: `Ok(None)` when it is
/// not of that flavour.
fn header(bytes: &[u8], flavour: Flavour) -> Result<Option<Columns>, FileError> {
    let decoded = text::decode_any(bytes)?;
    let (offset, _) = text::table_start(&decoded.text);
    let table = decoded.text.get(offset..).unwrap_or("");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(text::delimiter(table))
        .from_reader(table.as_bytes());
    let Some(Ok(header)) = reader
        .records()
        .find(|r| !matches!(r, Ok(record) if record.iter().all(|c| c.trim().is_empty())))
    else {
        return Ok(None);
    };
    Ok(Columns::map(&header, flavour).ok())
}

/// A column the reader needs: its spellings, and how it is named when
/// missing (`日本語名(English name)`).
struct Wanted {
    spellings: &'static [&'static str],
    label: &'static str,
}

const EV_TIME: Wanted = Wanted {
    spellings: &["日付と時刻", "Date and Time"],
    label: "日付と時刻(Date and Time)",
};
const EV_SOURCE: Wanted = Wanted {
    spellings: &["ソース", "Source"],
    label: "ソース(Source)",
};
const EV_ID: Wanted = Wanted {
    spellings: &["イベント ID", "Event ID"],
    label: "イベント ID(Event ID)",
};
const EV_TASK: Wanted = Wanted {
    spellings: &["タスクのカテゴリ", "Task Category"],
    label: "タスクのカテゴリ(Task Category)",
};
const PS_TIME: Wanted = Wanted {
    spellings: &["TimeCreated"],
    label: "作成日時(TimeCreated)",
};
const PS_ID: Wanted = Wanted {
    spellings: &["Id"],
    label: "イベント ID(Id)",
};
const PS_SOURCE: Wanted = Wanted {
    spellings: &["ProviderName"],
    label: "プロバイダー名(ProviderName)",
};
const PS_MACHINE: Wanted = Wanted {
    spellings: &["MachineName"],
    label: "コンピューター名(MachineName)",
};
const PS_MESSAGE: Wanted = Wanted {
    spellings: &["Message"],
    label: "メッセージ(Message)",
};

/// Where the columns are, and their headers as written.
struct Columns {
    time: (usize, String),
    id: (usize, String),
    source: usize,
    /// The description: Event Viewer's unnamed column after the task
    /// category, or `Message`.
    message: usize,
    machine: Option<usize>,
}

impl Columns {
    fn map(header: &StringRecord, flavour: Flavour) -> Result<Columns, FileError> {
        let keys: Vec<String> = header.iter().map(|h| message::key(&normalise(h))).collect();
        let mut missing = Vec::new();
        let mut find = |wanted: &Wanted| -> usize {
            let found = keys
                .iter()
                .position(|k| wanted.spellings.iter().any(|s| message::key(s) == *k));
            found.unwrap_or_else(|| {
                missing.push(wanted.label.to_string());
                0
            })
        };
        let written = |i: usize| normalise(header.get(i).unwrap_or("")).into_owned();
        let columns = match flavour {
            Flavour::EventViewer => {
                let (time, source, id, task) = (find(&EV_TIME), find(&EV_SOURCE), find(&EV_ID), find(&EV_TASK));
                Columns {
                    time: (time, written(time)),
                    id: (id, written(id)),
                    source,
                    message: task + 1,
                    machine: None,
                }
            }
            Flavour::GetWinEvent => {
                let (time, id, source) = (find(&PS_TIME), find(&PS_ID), find(&PS_SOURCE));
                let (machine, message) = (find(&PS_MACHINE), find(&PS_MESSAGE));
                Columns {
                    time: (time, written(time)),
                    id: (id, written(id)),
                    source,
                    message,
                    machine: Some(machine),
                }
            }
        };
        if missing.is_empty() {
            Ok(columns)
        } else {
            Err(FileError::MissingColumns(missing))
        }
    }

    /// The event of a record: `Ok(None)` for an event that does not matter
    /// (most of a security log), the reasons when it matters but cannot be
    /// read.
    fn event(&self, record: &StringRecord, line: usize) -> Result<Option<Event>, Vec<RowError>> {
        let error = |column: Option<&str>, reason: String| {
            vec![RowError {
                line,
                column: column.map(str::to_string),
                reason,
            }]
        };
        let needed = self.time.0.max(self.id.0).max(self.source);
        if record.len() <= needed {
            let this = record.len();
            return Err(error(
                None,
                format!("列が足りません（この行{this}列） / too few fields ({this} in this row)"),
            ));
        }
        let cell = |i: usize| normalise(record.get(i).unwrap_or(""));
        let id_cell = cell(self.id.0);
        let id: u32 = match id_cell.parse() {
            Ok(id) => id,
            Err(_) => {
                return Err(error(
                    Some(&self.id.1),
                    format!(
                        "イベント ID が読めません: {:?} / unreadable event ID",
                        super::cut_chars(&id_cell, 40)
                    ),
                ))
            }
        };
        let security = matches!(id, 4624 | 4634 | 4647 | 4800 | 4801);
        let system = matches!(id, 6005 | 6006);
        let source = cell(self.source);
        // Other providers use these numbers too (Winlogon's 6005 and 6006 in
        // the Application log).
        if !(security && source.eq_ignore_ascii_case("Microsoft-Windows-Security-Auditing")
            || system && source.eq_ignore_ascii_case("EventLog"))
        {
            return Ok(None);
        }
        let at = time::parse(record.get(self.time.0).unwrap_or("")).map_err(|r| error(Some(&self.time.1), r))?;
        let machine = match self.machine {
            Some(i) => cell(i).into_owned(),
            None => String::new(),
        };
        if machine.chars().count() > MAX_NAME_CHARS {
            return Err(error(
                None,
                format!("コンピューター名が長すぎます（{MAX_NAME_CHARS}文字まで） / computer name too long (at most {MAX_NAME_CHARS} characters)"),
            ));
        }
        let text = record.get(self.message).unwrap_or("");
        let description = Description::parse(text);
        let logon_type = description.logon_type();
        let (what, section) = match id {
            6005 => (What::Startup, None),
            6006 => (What::Shutdown, None),
            4624 => match logon_type {
                Some(2 | 10 | 11 | 12) => (What::Logon, Some(message::NEW_LOGON)),
                Some(7 | 13) => (What::Unlock, Some(message::NEW_LOGON)),
                Some(_) => return Ok(None),
                None => {
                    return Err(error(
                        None,
                        "ログオン（4624）の説明にログオンの種類がありません / the logon (4624) has no logon type in its description".to_string(),
                    ))
                }
            },
            // A 4634 says which kind of logon ended; only interactive ones
            // end a session (the unlock's own logon of type 7 ends at once).
            4634 => match logon_type {
                Some(2 | 10 | 11 | 12) | None => (What::Logoff, Some(message::SUBJECT)),
                Some(_) => return Ok(None),
            },
            4647 => (What::Logoff, Some(message::SUBJECT)),
            4800 => (What::Lock, Some(message::SUBJECT)),
            _ => (What::Unlock, Some(message::SUBJECT)),
        };
        let workstation = match (id, logon_type) {
            (4624, Some(2 | 7 | 11 | 13)) => description
                .get(&[], message::WORKSTATION)
                .filter(|w| w.chars().count() <= MAX_NAME_CHARS)
                .map(str::to_string),
            _ => None,
        };
        let (account, logon_id) = match section {
            None => (String::new(), None),
            Some(section) => {
                let Some(account) = description.get(section, message::ACCOUNT_NAME) else {
                    return Err(error(
                        None,
                        format!(
                            "イベント {id} の説明にアカウント名がありません（説明が「?」に化けている場合は文字コードを指定して書き出し直してください） / event {id} has no account name in its description"
                        ),
                    ));
                };
                if is_system_account(account) {
                    return Ok(None);
                }
                if account.chars().count() > MAX_ACCOUNT_CHARS {
                    return Err(error(
                        None,
                        format!("アカウント名が長すぎます（{MAX_ACCOUNT_CHARS}文字まで） / account name too long (at most {MAX_ACCOUNT_CHARS} characters)"),
                    ));
                }
                let logon_id = description.get(section, message::LOGON_ID).map(str::to_ascii_lowercase);
                (account.to_string(), logon_id)
            }
        };
        Ok(Some(Event {
            at,
            line,
            what,
            machine,
            account,
            logon_id,
            workstation,
        }))
    }
}

/// Accounts that are no person: the system's own, services', machine
/// accounts (`PC-01$`), and the window manager's and font driver's
/// per-session accounts (`DWM-1`, `UMFD-0`).
fn is_system_account(name: &str) -> bool {
    let upper = name.trim().to_uppercase();
    upper.is_empty()
        || upper.ends_with('$')
        || upper.starts_with("DWM-")
        || upper.starts_with("UMFD-")
        || ["SYSTEM", "LOCAL SERVICE", "NETWORK SERVICE", "ANONYMOUS LOGON"].contains(&upper.as_str())
}
