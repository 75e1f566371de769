//! Header mapping shared by every import (formats.md, "Input files"):
//! English names or Japanese aliases, matched after NFKC normalisation and
//! trimming, in any order; unknown headers are ignored and reported.

use super::FileError;
use csv::StringRecord;
use unicode_normalization::UnicodeNormalization;

/// One column an import understands.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// The English name, as in formats.md.
    pub name: &'static str,
    /// Japanese aliases; the first is the label used in messages.
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// The longest value accepted, in characters (after NFKC): a longer
    /// cell refuses the row, so no name, account or department of a
    /// megabyte reaches the database and every report.
    pub max_chars: usize,
}

/// The longest value of a field that holds a code, a date, a time or a
/// number (formats.md's cells are all far shorter).
pub(crate) const MAX_CODE_CHARS: usize = 64;
/// The longest account name (a PC log's account, a doctor's PC account).
pub(crate) const MAX_ACCOUNT_CHARS: usize = 128;
/// The longest value of a name, a department or a PC's name.
pub(crate) const MAX_NAME_CHARS: usize = 200;
/// Headers are shown (ignored columns, the column of a problem) cut to this.
pub(crate) const MAX_HEADER_CHARS: usize = 100;
/// Ignored headers named in an answer; the rest are counted.
pub(crate) const MAX_IGNORED_LISTED: usize = 100;
/// The most columns a file may have: the widest vendor export known (jinjer
/// 勤怠's 汎用データ) has 194; a spreadsheet's extra empty columns can add a
/// few thousand. Far more is a file built to exhaust memory.
pub(crate) const MAX_COLUMNS: usize = 4096;

/// The doctor's key, shared by the doctors list, timecards and rosters.
pub(crate) const STAFF_ID: Field = Field {
    name: "staff_id",
    aliases: &["職員番号", "職員ID", "社員番号"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};

impl Field {
    /// `職員番号(staff_id)`: how a field is named in messages.
    pub fn label(&self) -> String {
        match self.aliases.first() {
            Some(ja) => format!("{ja}({})", self.name),
            None => self.name.to_string(),
        }
    }

    /// The Japanese label alone, for reasons such as `氏名が空です`.
    pub fn label_ja(&self) -> &'static str {
        self.aliases.first().copied().unwrap_or(self.name)
    }

    /// The rank of the spelling `key` matches: 0 for the English name, then
    /// the aliases in the order listed (earlier is more specific).
    fn rank(&self, key: &str) -> Option<usize> {
        std::iter::once(self.name)
            .chain(self.aliases.iter().copied())
            .position(|alias| header_key(alias) == key)
    }
}

/// The comparison form of a header: NFKC (full-width brackets, letters and
/// digits become ASCII), trimmed, ASCII letters lower-cased.
pub(crate) fn header_key(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    nfkc.trim().to_ascii_lowercase()
}

/// A header as shown back to people: cut to [`MAX_HEADER_CHARS`].
fn shown(written: &str) -> String {
    super::cut_chars(written, MAX_HEADER_CHARS)
}

/// Where each known field sits in a file.
#[derive(Debug)]
pub(crate) struct Columns {
    mapped: Vec<Mapped>,
    /// Unknown headers as written in the file (the first
    /// [`MAX_IGNORED_LISTED`], cut to [`MAX_HEADER_CHARS`]).
    pub ignored: Vec<String>,
    /// Unknown headers beyond those listed.
    pub ignored_omitted: usize,
    /// The number of cells in the header row.
    pub width: usize,
}

#[derive(Debug)]
struct Mapped {
    field: &'static str,
    index: usize,
    header: String,
    rank: usize,
}

impl Columns {
    /// Maps a header row onto `fields`. A required field not found fails the
    /// file. When two headers name the same field by different spellings the
    /// more specific one wins and the other is ignored: many attendance
    /// exports carry both the scheduled (始業/終業) and the actual (出勤/退勤)
    /// times, and the actual ones are the record. The same spelling twice
    /// fails the file: no row could be read unambiguously.
    pub fn map(header: &StringRecord, fields: &[Field]) -> Result<Columns, FileError> {
        if header.len() > MAX_COLUMNS {
            return Err(FileError::TooManyColumns {
                found: header.len(),
                max: MAX_COLUMNS,
            });
        }
        let mut mapped: Vec<Mapped> = Vec::new();
        let mut ignored = Vec::new();
        for (index, written) in header.iter().enumerate() {
            let key = header_key(written);
            let Some((field, rank)) = fields.iter().find_map(|f| Some((f, f.rank(&key)?))) else {
                // An empty header is the trailing comma many exports write,
                // not a column anyone would want named back to them.
                if !key.is_empty() {
                    ignored.push(shown(written));
                }
                continue;
            };
            let new = Mapped {
                field: field.name,
                index,
                header: shown(written),
                rank,
            };
            match mapped.iter_mut().find(|m| m.field == field.name) {
                Some(first) if first.rank == rank => {
                    return Err(FileError::DuplicateColumn(format!(
                        "{}: {:?}, {:?}",
                        field.label(),
                        first.header,
                        shown(written)
                    )));
                }
                Some(first) if rank < first.rank => {
                    let less_specific = std::mem::replace(first, new);
                    ignored.push(less_specific.header);
                }
                Some(_) => ignored.push(shown(written)),
                None => mapped.push(new),
            }
        }
        let missing: Vec<String> = fields
            .iter()
            .filter(|f| f.required && !mapped.iter().any(|m| m.field == f.name))
            .map(Field::label)
            .collect();
        if !missing.is_empty() {
            return Err(FileError::MissingColumns(missing));
        }
        let ignored_omitted = ignored.len().saturating_sub(MAX_IGNORED_LISTED);
        ignored.truncate(MAX_IGNORED_LISTED);
        Ok(Columns {
            mapped,
            ignored,
            ignored_omitted,
            width: header.len(),
        })
    }

    /// The index and the header as written of `field`, if the file has it.
    pub fn find(&self, field: &Field) -> Option<(usize, &str)> {
        self.mapped
            .iter()
            .find(|m| m.field == field.name)
            .map(|m| (m.index, m.header.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [Field; 2] = [
        Field {
            name: "staff_id",
            aliases: &["職員番号", "職員ID"],
            required: true,
            max_chars: MAX_CODE_CHARS,
        },
        Field {
            name: "break_minutes",
            aliases: &["休憩", "休憩時間(分)"],
            required: false,
            max_chars: MAX_CODE_CHARS,
        },
    ];

    fn header(cells: &[&str]) -> StringRecord {
        StringRecord::from(cells.to_vec())
    }

    #[test]
    fn headers_match_after_nfkc_trimming_and_lower_casing() {
        let cols = Columns::map(&header(&[" 休憩時間（分） ", "職員ＩＤ"]), &FIELDS).unwrap();
        assert_eq!(cols.find(&FIELDS[0]), Some((1, "職員ＩＤ")));
        assert_eq!(cols.find(&FIELDS[1]), Some((0, " 休憩時間（分） ")));
        let cols = Columns::map(&header(&["Staff_ID"]), &FIELDS).unwrap();
        assert_eq!(cols.find(&FIELDS[0]), Some((0, "Staff_ID")));
        assert_eq!(cols.find(&FIELDS[1]), None);
    }

    #[test]
    fn unknown_headers_are_reported_as_written_and_empty_ones_are_not() {
        let cols = Columns::map(&header(&["職員番号", "備考", ""]), &FIELDS).unwrap();
        assert_eq!(cols.ignored, vec!["備考"]);
        assert_eq!(cols.width, 3);
    }

    #[test]
    fn a_missing_required_column_is_named_in_japanese_and_english() {
        let err = Columns::map(&header(&["休憩"]), &FIELDS).unwrap_err();
        assert_eq!(err, FileError::MissingColumns(vec!["職員番号(staff_id)".into()]));
        assert_eq!(
            err.to_string(),
            "必須の列がありません: 職員番号(staff_id) / missing required columns"
        );
    }

    #[test]
    fn two_columns_of_the_same_spelling_fail_the_file() {
        let err = Columns::map(&header(&["職員番号", "職員番号 "]), &FIELDS).unwrap_err();
        assert_eq!(
            err,
            FileError::DuplicateColumn(r#"職員番号(staff_id): "職員番号", "職員番号 ""#.into())
        );
    }

    #[test]
    fn actual_times_win_over_scheduled_ones_when_an_export_has_both() {
        const TIMES: [Field; 1] = [Field {
            name: "clock_in",
            aliases: &["出勤", "出勤時刻", "始業", "開始"],
            required: true,
            max_chars: MAX_CODE_CHARS,
        }];
        let cols = Columns::map(&header(&["始業", "出勤"]), &TIMES).unwrap();
        assert_eq!(cols.find(&TIMES[0]), Some((1, "出勤")));
        assert_eq!(cols.ignored, vec!["始業".to_string()]);
        let cols = Columns::map(&header(&["出勤時刻", "開始"]), &TIMES).unwrap();
        assert_eq!(cols.find(&TIMES[0]), Some((0, "出勤時刻")));
        assert!(matches!(
            Columns::map(&header(&["出勤", "出勤"]), &TIMES),
            Err(FileError::DuplicateColumn(_))
        ));
    }
}
