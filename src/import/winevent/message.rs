//! Reading the description (Event Viewer) or `Message` (Get-WinEvent) of a
//! security event: Windows renders the event's data as labelled lines,
//! grouped in sections, in the language of the PC (docs/windows-events.md):
//!
//! ```text
//! アカウントが正常にログオンしました。
//!
//! サブジェクト:
//! →セキュリティ ID:→→SYSTEM
//! →アカウント名:→→PC-01$
//! …
//! 新しいログオン:
//! →アカウント名:→→yamada-t
//! →ログオン ID:→→0x1A2B3C
//! ```
//!
//! (`→` stands for a tab.) A section is a line `Label:` with nothing after
//! it; its fields follow until a blank line. Labels are compared without
//! spaces and ASCII case, so `ログオン ID` and `ログオンID`, `Logon ID` and
//! `Logon Id` are one.

/// The section of the account that logged on (4624).
pub(super) const NEW_LOGON: &[&str] = &["新しいログオン", "New Logon"];
/// The section of the account that logged off, locked or unlocked (4634,
/// 4647, 4800, 4801).
pub(super) const SUBJECT: &[&str] = &["サブジェクト", "Subject"];
pub(super) const ACCOUNT_NAME: &[&str] = &["アカウント名", "Account Name"];
pub(super) const LOGON_ID: &[&str] = &["ログオン ID", "Logon ID"];
/// Windows 10 and later write `ログオン タイプ`, Windows 7 and 8
/// `ログオンの種類` (4624) — both are read.
pub(super) const LOGON_TYPE: &[&str] = &["ログオン タイプ", "ログオンの種類", "Logon Type"];
pub(super) const WORKSTATION: &[&str] = &["ワークステーション名", "Workstation Name"];

/// The labelled values of one description.
pub(super) struct Description<'a> {
    entries: Vec<Entry<'a>>,
}

struct Entry<'a> {
    section: Option<String>,
    label: String,
    value: &'a str,
}

/// A label as compared: no white space (half- or full-width), ASCII lower
/// case, no closing colon.
pub(super) fn key(label: &str) -> String {
    label
        .trim_end_matches([':', '：'])
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl<'a> Description<'a> {
    pub fn parse(text: &'a str) -> Self {
        let mut entries = Vec::new();
        let mut section = None;
        // LF or CRLF (trimmed with the rest of the white space).
        for line in text.split('\n') {
            let line = line.trim();
            if line.is_empty() {
                // A blank line ends a section.
                section = None;
                continue;
            }
            let Some(colon) = line.find([':', '：']) else {
                continue;
            };
            let (label, rest) = line.split_at(colon);
            let value = rest.trim_start_matches([':', '：']).trim();
            if value.is_empty() {
                section = Some(key(label));
            } else {
                entries.push(Entry {
                    section: section.clone(),
                    label: key(label),
                    value,
                });
            }
        }
        Description { entries }
    }

    /// The first value labelled one of `labels` in a section named one of
    /// `sections` (any section when empty); `-` (Windows' "none") is none.
    pub fn get(&self, sections: &[&str], labels: &[&str]) -> Option<&'a str> {
        let labels: Vec<String> = labels.iter().map(|l| key(l)).collect();
        let sections: Vec<String> = sections.iter().map(|s| key(s)).collect();
        self.entries
            .iter()
            .find(|e| {
                labels.contains(&e.label)
                    && (sections.is_empty() || e.section.as_ref().is_some_and(|s| sections.contains(s)))
            })
            .map(|e| e.value)
            .filter(|v| *v != "-")
    }

    /// The logon type (`2`, `10`, …), wherever it is written.
    pub fn logon_type(&self) -> Option<u32> {
        self.get(&[], LOGON_TYPE).and_then(|v| v.parse().ok())
    }
}
