//! The 宿日直許可 register (formats.md R.3, `kinmu import permits FILE`):
//! one row per permit, keyed by its permit number (rules §13.1).

use super::fields::{self, text};
use super::header::{Field, MAX_CODE_CHARS, MAX_NAME_CHARS};
use super::table::read_table;
use super::{FileError, Parsed};
use crate::domain::permits::PermitKind;
use crate::domain::profile::WeekdaySet;
use chrono::{NaiveDate, NaiveTime};
use std::collections::hash_map::{Entry, HashMap};

/// One permit as listed in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermitRecord {
    pub permit_no: String,
    pub granted_on: NaiveDate,
    pub kind: PermitKind,
    /// Empty: every department (names NFKC, trimmed).
    pub departments: Vec<String>,
    pub band_start: NaiveTime,
    /// `24:00` is read as 00:00: the same instant, the next day.
    pub band_end: NaiveTime,
    /// As written, `HH:MM` (`24:00` kept).
    pub band_end_text: String,
    pub weekdays: WeekdaySet,
    pub revoked_on: Option<NaiveDate>,
    pub note: Option<String>,
}

const PERMIT_NO: Field = Field {
    name: "permit_no",
    aliases: &["許可番号", "許可書番号"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const GRANTED_ON: Field = Field {
    name: "granted_on",
    aliases: &["許可年月日", "許可日"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const KIND: Field = Field {
    name: "kind",
    aliases: &["種別", "宿日直区分"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const DEPARTMENTS: Field = Field {
    name: "departments",
    aliases: &["診療科", "対象診療科"],
    required: false,
    max_chars: 2000,
};
const BAND_START: Field = Field {
    name: "band_start",
    aliases: &["開始時刻", "許可時間帯開始", "時間帯開始"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const BAND_END: Field = Field {
    name: "band_end",
    aliases: &["終了時刻", "許可時間帯終了", "時間帯終了"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const WEEKDAYS: Field = Field {
    name: "weekdays",
    aliases: &["曜日", "対象曜日"],
    required: false,
    max_chars: 200,
};
const REVOKED_ON: Field = Field {
    name: "revoked_on",
    aliases: &["取消日", "失効日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const NOTE: Field = Field {
    name: "note",
    aliases: &["備考", "業務の種類"],
    required: false,
    max_chars: MAX_NAME_CHARS * 5,
};

pub(crate) const FIELDS: [Field; 9] = [
    PERMIT_NO,
    GRANTED_ON,
    KIND,
    DEPARTMENTS,
    BAND_START,
    BAND_END,
    WEEKDAYS,
    REVOKED_ON,
    NOTE,
];

/// The separators of a list cell (departments, weekdays).
const SEPARATORS: [char; 6] = [',', '、', ';', '/', '\n', '\r'];

/// `*` or `全科`/`全日` (the word for "all"): the whole list.
fn is_all(s: &str, word: &str) -> bool {
    s == "*" || s == word
}

/// Departments: empty, `*` or `全科` = every department.
pub(crate) fn departments(s: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split(SEPARATORS).map(str::trim).filter(|p| !p.is_empty()) {
        if is_all(part, "全科") {
            return Ok(Vec::new());
        }
        if !out.iter().any(|d| d == part) {
            out.push(part.to_string());
        }
    }
    Ok(out)
}

/// Weekdays: empty, `*` or `全日` = every day; else `sun`..`sat` or 日..土.
pub(crate) fn weekdays(s: &str) -> Result<WeekdaySet, String> {
    let parts: Vec<&str> = s.split(SEPARATORS).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.iter().any(|p| is_all(p, "全日")) {
        return Ok(WeekdaySet::ALL);
    }
    match WeekdaySet::parse(&parts.join(",")) {
        Some(set) if set != WeekdaySet::EMPTY => Ok(set),
        _ => Err(format!(
            "曜日が読めません（sun..sat または 日..土、* または 全日）: {s:?} / unreadable weekdays (sun..sat or 日..土, * or 全日)"
        )),
    }
}

/// `HH:MM` below 24:00.
fn band_start(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| {
        format!("時刻が読めません（HH:MM、00:00〜23:59）: {s:?} / unreadable time (HH:MM, 00:00 to 23:59)")
    })
}

/// `HH:MM` or `24:00`: the time and its text as stored.
fn band_end(s: &str) -> Result<(NaiveTime, String), String> {
    if s == "24:00" {
        return Ok((NaiveTime::MIN, "24:00".into()));
    }
    NaiveTime::parse_from_str(s, "%H:%M")
        .map(|t| (t, t.format("%H:%M").to_string()))
        .map_err(|_| {
            format!("時刻が読めません（HH:MM、00:00〜24:00）: {s:?} / unreadable time (HH:MM, 00:00 to 24:00)")
        })
}

fn kind(s: &str) -> Result<PermitKind, String> {
    PermitKind::parse(s)
        .ok_or_else(|| format!("種別が不明です（night/宿直, day/日直）: {s:?} / unknown kind (night or day)"))
}

/// Reads a permits file. A permit number seen earlier in the same file
/// rejects the later line.
pub fn parse_permits(bytes: &[u8]) -> Result<Parsed<PermitRecord>, FileError> {
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    read_table(bytes, &FIELDS, |c| {
        let permit_no = c.required(&PERMIT_NO, text);
        let granted_on = c.required(&GRANTED_ON, fields::past_date);
        let kind = c.required(&KIND, kind);
        let departments = c.list(&DEPARTMENTS, departments);
        let band_start = c.required(&BAND_START, band_start);
        let band_end = c.required(&BAND_END, band_end);
        let weekdays = c.list(&WEEKDAYS, weekdays);
        let revoked_on = c.optional(&REVOKED_ON, fields::past_date);
        let note = c.optional(&NOTE, text);
        if let (Some(g), Some(r)) = (granted_on, revoked_on) {
            if r <= g {
                c.reject(
                    Some(&REVOKED_ON),
                    format!("取消日が許可年月日以前です: {r} / revoked_on is not after granted_on ({g})"),
                );
            }
        }
        if let Some(no) = &permit_no {
            match first_seen.entry(no.clone()) {
                Entry::Occupied(first) => {
                    let first = first.get();
                    c.reject(
                        Some(&PERMIT_NO),
                        format!("同じ許可番号の行が{first}行目にあります: {no:?} / duplicate permit_no (same as line {first})"),
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
        let (band_end, band_end_text) = band_end?;
        Some(PermitRecord {
            permit_no: permit_no?,
            granted_on: granted_on?,
            kind: kind?,
            departments: departments?,
            band_start: band_start?,
            band_end,
            band_end_text,
            weekdays: weekdays?,
            revoked_on,
            note,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn a_permits_file_reads_its_aliases_lists_and_24_00() {
        let csv = "許可番号,許可年月日,種別,対象診療科,許可時間帯開始,許可時間帯終了,対象曜日,失効日,業務の種類\n\
                   H-1,2023/10/1,宿直,\"内科、外科\",17:15,08:30,,,\n\
                   H-2,2023-10-01,日直,内科/外科,08:30,17:15,土日,,\n\
                   P-3,2023-10-01,night,＊,２２：００,24:00,sat;sun,2024-06-05,深夜のみ\n\
                   P-4,2023-10-01,day,\"全科\",00:00,24:00,全日,,\n\
                   P-5,2023-10-01,day,\"内科\n外科\",09:00,12:00,\"mon\ntue\",,\n";
        let parsed = parse_permits(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rejected, vec![]);
        let rows: Vec<&PermitRecord> = parsed.rows.iter().map(|r| &r.value).collect();
        assert_eq!(rows[0].kind, PermitKind::Night);
        assert_eq!(rows[0].departments, vec!["内科".to_string(), "外科".to_string()]);
        assert_eq!((rows[0].band_start, rows[0].band_end), (t("17:15"), t("08:30")));
        assert_eq!(rows[0].weekdays, WeekdaySet::ALL);
        assert_eq!(rows[1].kind, PermitKind::Day);
        assert_eq!(rows[1].departments.len(), 2);
        assert!(rows[1].weekdays.contains(Weekday::Sat) && rows[1].weekdays.contains(Weekday::Sun));
        assert!(!rows[1].weekdays.contains(Weekday::Mon));
        assert!(rows[2].departments.is_empty());
        assert_eq!(
            (rows[2].band_end, rows[2].band_end_text.as_str()),
            (t("00:00"), "24:00")
        );
        assert_eq!(rows[2].revoked_on, NaiveDate::from_ymd_opt(2024, 6, 5));
        assert_eq!(rows[2].note.as_deref(), Some("深夜のみ"));
        assert!(rows[3].departments.is_empty() && rows[3].weekdays == WeekdaySet::ALL);
        assert_eq!(rows[4].departments, vec!["内科".to_string(), "外科".to_string()]);
        assert!(rows[4].weekdays.contains(Weekday::Tue) && !rows[4].weekdays.contains(Weekday::Wed));
        for header in ["permit_no", "許可書番号"] {
            let csv = format!("{header},許可日,宿日直区分,診療科,開始時刻,終了時刻,曜日,取消日,備考\nX,2024-01-01,day,,08:30,17:15,,,\n");
            assert_eq!(parse_permits(csv.as_bytes()).unwrap().rows.len(), 1, "{header}");
        }
        let csv = "permit_no,granted_on,kind,時間帯開始,時間帯終了\nX,2024-01-01,day,08:30,17:15\n";
        assert_eq!(parse_permits(csv.as_bytes()).unwrap().rows.len(), 1);
    }

    #[test]
    fn bad_cells_refuse_the_row_naming_line_and_column() {
        let err =
            parse_permits("permit_no,granted_on,kind,band_start\nX,2024-01-01,day,08:30\n".as_bytes()).unwrap_err();
        assert_eq!(err, FileError::MissingColumns(vec!["終了時刻(band_end)".into()]));
        let csv = "permit_no,granted_on,kind,band_start,band_end,weekdays,revoked_on\n\
                   A,2024-01-01,evening,08:30,17:15,,\n\
                   B,2024-01-01,day,24:00,17:15,,\n\
                   C,2024-01-01,day,08:30,25:00,,\n\
                   D,2024-01-01,day,08:30,17:15,funday,\n\
                   E,2024-01-01,day,08:30,17:15,,2023-12-31\n\
                   A,2024-01-01,day,08:30,17:15,,\n\
                   F,,day,08:30,17:15,,\n";
        let parsed = parse_permits(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 0);
        let got: Vec<(usize, Option<&str>)> = parsed.rejected.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (2, Some("kind")),
                (3, Some("band_start")),
                (4, Some("band_end")),
                (5, Some("weekdays")),
                (6, Some("revoked_on")),
                (7, Some("permit_no")),
                (8, Some("granted_on")),
            ]
        );
        assert!(parsed.rejected[5].reason.contains("line 2"), "{:?}", parsed.rejected[5]);
    }
}
