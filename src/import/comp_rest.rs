//! 代償休息 grant records (formats.md R.4, `kinmu import comp-rest FILE`):
//! one row per rest given to a doctor, keyed by the doctor and its start
//! (rules §11.11). The screen that records one grant reads its date and
//! times with the same rules ([`grant_span`], [`GrantMethod::parse`]).

use super::fields::{self, text};
use super::header::{Field, MAX_CODE_CHARS, MAX_NAME_CHARS};
use super::table::read_table;
use super::{FileError, Parsed};
use crate::domain::time::ClockReading;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::hash_map::{Entry, HashMap};

/// How a grant was given (formats.md R.4; shown only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantMethod {
    /// Time off within scheduled hours (時間休).
    TimeOff,
    /// A lengthened interval (インターバル延長).
    IntervalExtension,
}

impl GrantMethod {
    pub const ALL: [GrantMethod; 2] = [GrantMethod::TimeOff, GrantMethod::IntervalExtension];

    /// `time_off`/時間休 or `interval_extension`/インターバル延長.
    pub fn parse(s: &str) -> Option<GrantMethod> {
        match s {
            "time_off" | "時間休" => Some(GrantMethod::TimeOff),
            "interval_extension" | "インターバル延長" => Some(GrantMethod::IntervalExtension),
            _ => None,
        }
    }

    /// The code stored.
    pub fn code(self) -> &'static str {
        match self {
            GrantMethod::TimeOff => "time_off",
            GrantMethod::IntervalExtension => "interval_extension",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            GrantMethod::TimeOff => "時間休",
            GrantMethod::IntervalExtension => "インターバル延長",
        }
    }
}

/// One grant as listed in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompRestRecord {
    pub staff_id: String,
    /// As written (seconds kept; the ledger ceils it to the minute).
    pub start: NaiveDateTime,
    /// As written (the ledger floors it to the minute); after `start`.
    pub end: NaiveDateTime,
    pub method: Option<GrantMethod>,
    pub note: Option<String>,
}

const STAFF_ID: Field = Field {
    name: "staff_id",
    aliases: &["職員番号", "職員ID", "社員番号"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const DATE: Field = Field {
    name: "date",
    aliases: &["日付", "付与日"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const START: Field = Field {
    name: "start",
    aliases: &["開始", "開始時刻", "代償休息開始"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const END: Field = Field {
    name: "end",
    aliases: &["終了", "終了時刻", "代償休息終了"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const END_DATE: Field = Field {
    name: "end_date",
    aliases: &["終了日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const METHOD: Field = Field {
    name: "method",
    aliases: &["付与方法"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const NOTE: Field = Field {
    name: "note",
    aliases: &["備考"],
    required: false,
    max_chars: MAX_NAME_CHARS * 5,
};

pub(crate) const FIELDS: [Field; 7] = [STAFF_ID, DATE, START, END, END_DATE, METHOD, NOTE];

/// A time of day `HH:MM[:SS]`, 00:00 to 23:59:59.
pub fn time_of_day(s: &str) -> Result<ClockReading, String> {
    ClockReading::parse(s)
        .ok()
        .filter(|r| !r.is_past_midnight())
        .ok_or_else(|| {
            format!(
                "時刻が読めません（HH:MM[:SS]、00:00〜23:59）: {s:?} / unreadable time (HH:MM[:SS], 00:00 to 23:59)"
            )
        })
}

/// A date `YYYY-MM-DD` or `YYYY/MM/DD` in the range kinmu takes.
pub fn date(s: &str) -> Result<NaiveDate, String> {
    fields::date(s)
}

/// The instants of a grant from its date, start, end and optional end
/// date (rules §1: without an end date, an end at or before the start is
/// the next day). An explicit end date must make the end later than the
/// start.
pub fn grant_span(
    date: NaiveDate,
    start: ClockReading,
    end: ClockReading,
    end_date: Option<NaiveDate>,
) -> Result<(NaiveDateTime, NaiveDateTime), String> {
    let from = start.on(date);
    let to = match end_date {
        Some(d) => end.on(d),
        None => {
            let same_day = end.on(date);
            if same_day <= from {
                same_day + Duration::days(1)
            } else {
                same_day
            }
        }
    };
    if to <= from {
        return Err(format!(
            "終了が開始以前です: {} 〜 {} / the end is not after the start",
            from.format("%Y-%m-%d %H:%M"),
            to.format("%Y-%m-%d %H:%M")
        ));
    }
    if to - from > Duration::days(31) {
        return Err(format!(
            "代償休息が31日を超えています: {} 〜 {} / a grant longer than 31 days",
            from.format("%Y-%m-%d %H:%M"),
            to.format("%Y-%m-%d %H:%M")
        ));
    }
    Ok((from, to))
}

fn method(s: &str) -> Result<GrantMethod, String> {
    GrantMethod::parse(s).ok_or_else(|| {
        format!(
            "付与方法が不明です（time_off/時間休, interval_extension/インターバル延長）: {s:?} / unknown method (time_off or interval_extension)"
        )
    })
}

/// Reads a grants file. A row with the same doctor and start as an earlier
/// one of the file is refused naming that line; overlaps are the import's
/// check (they need the stored grants too).
pub fn parse_comp_rest(bytes: &[u8]) -> Result<Parsed<CompRestRecord>, FileError> {
    let mut first_seen: HashMap<(String, NaiveDateTime), usize> = HashMap::new();
    read_table(bytes, &FIELDS, |c| {
        let staff_id = c.required(&STAFF_ID, text);
        let day = c.required(&DATE, date);
        let start = c.required(&START, time_of_day);
        let end = c.required(&END, time_of_day);
        let end_date = c.optional(&END_DATE, date);
        let method = c.optional(&METHOD, method);
        let note = c.optional(&NOTE, text);
        let span = match (day, start, end) {
            (Some(d), Some(s), Some(e)) => match grant_span(d, s, e, end_date) {
                Ok(span) => Some(span),
                Err(reason) => {
                    let field = if end_date.is_some() { &END_DATE } else { &END };
                    c.reject(Some(field), reason);
                    None
                }
            },
            _ => None,
        };
        if let (Some(id), Some((from, _))) = (&staff_id, span) {
            match first_seen.entry((id.clone(), from)) {
                Entry::Occupied(first) => {
                    let first = first.get();
                    c.reject(
                        Some(&START),
                        format!(
                            "同じ医師・開始の行が{first}行目にあります: {id:?} {} / duplicate grant (same doctor and start as line {first})",
                            from.format("%Y-%m-%d %H:%M")
                        ),
                    );
                }
                Entry::Vacant(slot) => {
                    slot.insert(c.line());
                }
            }
        }
        if c.has_errors() {
            return None;
        }
        let (start, end) = span?;
        Some(CompRestRecord {
            staff_id: staff_id?,
            start,
            end,
            method,
            note,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn a_grants_file_reads_its_aliases_next_day_ends_and_methods() {
        let csv = "職員番号,付与日,代償休息開始,代償休息終了,終了日,付与方法,備考\n\
                   D1,2024/6/4,08:30,12:00,,時間休,午前休\n\
                   D1,2024-06-05,22:00,07:00,,interval_extension,\n\
                   D2,2024-06-05,08:30:30,08:30,2024-06-07,,\n";
        let parsed = parse_comp_rest(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rejected, vec![]);
        let rows: Vec<&CompRestRecord> = parsed.rows.iter().map(|r| &r.value).collect();
        assert_eq!(
            (rows[0].start, rows[0].end),
            (at("2024-06-04 08:30:00"), at("2024-06-04 12:00:00"))
        );
        assert_eq!(rows[0].method, Some(GrantMethod::TimeOff));
        assert_eq!(rows[0].note.as_deref(), Some("午前休"));
        assert_eq!(rows[1].end, at("2024-06-06 07:00:00"));
        assert_eq!(rows[1].method, Some(GrantMethod::IntervalExtension));
        assert_eq!(
            (rows[2].start, rows[2].end),
            (at("2024-06-05 08:30:30"), at("2024-06-07 08:30:00"))
        );
        let csv = "社員番号,日付,開始,終了\nD1,2024-06-04,09:00,09:00\n";
        let parsed = parse_comp_rest(csv.as_bytes()).unwrap();
        assert_eq!(
            parsed.rows[0].value.end,
            at("2024-06-05 09:00:00"),
            "equal: the next day"
        );
    }

    #[test]
    fn bad_cells_refuse_the_row_naming_line_and_column() {
        let err = parse_comp_rest("staff_id,date,start\nD1,2024-06-04,08:30\n".as_bytes()).unwrap_err();
        assert_eq!(err, FileError::MissingColumns(vec!["終了(end)".into()]));
        let csv = "staff_id,date,start,end,end_date,method\n\
                   D1,2024-06-04,25:00,12:00,,\n\
                   D1,2024-06-04,08:30,12:00,2024-06-03,\n\
                   D1,2024-06-04,08:30,12:00,,nap\n\
                   D1,2024-06-04,09:00,10:00,,\n\
                   D1,2024-06-04,09:00,11:00,,\n\
                   D1,,09:00,11:00,,\n";
        let parsed = parse_comp_rest(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        let got: Vec<(usize, Option<&str>)> = parsed.rejected.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (2, Some("start")),
                (3, Some("end_date")),
                (4, Some("method")),
                (6, Some("start")),
                (7, Some("date")),
            ]
        );
        assert!(parsed.rejected[3].reason.contains("line 5"), "{:?}", parsed.rejected[3]);
    }
}
