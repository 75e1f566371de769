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

/// Reads the events of a file and pairs them into PC sessions. A session
/// whose end had to be supplied is in `rows` and flagged in `notices`.
pub fn read(_bytes: &[u8], _flavour: Flavour) -> Result<Parsed<PcRecord>, FileError> {
    Err(FileError::Empty)
}
