//! Windows event logs as the objective PC record (issue 12, item 3).
//!
//! SKELETON: the contract the layouts rely on. Filled in by the Windows
//! events work; keep these signatures.

use super::{FileError, Parsed, PcRecord};

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

/// Reads the events of a file and pairs them into PC sessions. A session
/// whose end had to be supplied is in `rows` and flagged in `notices`.
pub fn read(_bytes: &[u8], _flavour: Flavour, _options: &Options) -> Result<Parsed<PcRecord>, FileError> {
    Err(FileError::Empty)
}
