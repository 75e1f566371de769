//! Timecards and rosters, which share their columns (formats.md, "Timecard
//! and roster"). Each row becomes a [`Shift`] through
//! [`Shift::from_written`], so next-day ends, the 48 h limit and break checks
//! are the domain's (rules §1), not re-implemented here.
//!
//! The columns of rule book v2 (formats.md C.2) are read on the rows they
//! concern and ignored on the others: `confirmed_by` and `confirmed_at` on
//! `self_study` rows (a row with `confirmed_by` is `confirmed`, rules
//! §2.3), `employer` and `schedule_class` on `external` rows (§5b.2).
//! `interval_rule` (formats.md R.2) is read on every row, of either file:
//! used on roster rows, stored and ignored on timecard rows.

use super::fields::{self, text};
use super::header::{Field, MAX_CODE_CHARS, MAX_NAME_CHARS, STAFF_ID};
use super::table::read_table;
use super::{FileError, Parsed};
use crate::domain::profile::StudyStatus;
use crate::domain::{Kind, Shift, ShiftError};
use chrono::NaiveDateTime;

/// One timecard or roster row, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftRecord {
    /// As written (NFKC-normalised); whether the doctor exists is the
    /// caller's check.
    pub staff_id: String,
    /// With its employer and 所定区分 (external rows) and, for a
    /// self-study row with `confirmed_by`, the status `confirmed`.
    pub shift: Shift,
    /// Who confirmed a self-study row, as written (whether that is the
    /// doctor is the caller's check).
    pub confirmed_by: Option<String>,
    /// When, if the file says (else the import's time).
    pub confirmed_at: Option<NaiveDateTime>,
}

impl ShiftRecord {
    /// A row without a confirmation (the vendor layouts' rows).
    pub fn new(staff_id: String, shift: Shift) -> ShiftRecord {
        ShiftRecord {
            staff_id,
            shift,
            confirmed_by: None,
            confirmed_at: None,
        }
    }
}

const DATE: Field = Field {
    name: "date",
    aliases: &["勤務日", "日付"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const CLOCK_IN: Field = Field {
    name: "clock_in",
    aliases: &["出勤", "出勤時刻", "始業", "開始"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const CLOCK_OUT: Field = Field {
    name: "clock_out",
    aliases: &["退勤", "退勤時刻", "終業", "終了"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const END_DATE: Field = Field {
    name: "end_date",
    aliases: &["終了日", "退勤日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const BREAK: Field = Field {
    name: "break_minutes",
    aliases: &["休憩", "休憩時間", "休憩(分)", "休憩時間(分)"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const KIND: Field = Field {
    name: "kind",
    aliases: &["勤務区分", "区分"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};

const CONFIRMED_BY: Field = Field {
    name: "confirmed_by",
    aliases: &["確認者", "上司確認", "承認者"],
    required: false,
    max_chars: MAX_NAME_CHARS,
};
const CONFIRMED_AT: Field = Field {
    name: "confirmed_at",
    aliases: &["確認日時", "確認日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
/// Shared with the employers file (formats.md C.3).
pub(crate) const EMPLOYER: Field = Field {
    name: "employer",
    aliases: &["勤務先", "兼業先", "副業先", "医療機関名"],
    required: false,
    max_chars: MAX_NAME_CHARS,
};
const SCHEDULE_CLASS: Field = Field {
    name: "schedule_class",
    aliases: &["所定区分", "所定内外"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};

const INTERVAL_RULE: Field = Field {
    name: "interval_rule",
    aliases: &["休息ルール", "インターバル区分", "インターバル特例"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};

pub(crate) const FIELDS: [Field; 12] = [
    STAFF_ID,
    DATE,
    CLOCK_IN,
    CLOCK_OUT,
    END_DATE,
    BREAK,
    KIND,
    CONFIRMED_BY,
    CONFIRMED_AT,
    EMPLOYER,
    SCHEDULE_CLASS,
    INTERVAL_RULE,
];

/// Reads a timecard or a roster.
pub fn parse_shifts(bytes: &[u8]) -> Result<Parsed<ShiftRecord>, FileError> {
    read_table(bytes, &FIELDS, |c| {
        let staff_id = c.required(&STAFF_ID, text);
        let date = c.required(&DATE, fields::date);
        let clock_in = c.required(&CLOCK_IN, fields::clock);
        let clock_out = c.required(&CLOCK_OUT, fields::clock);
        let end_date = c.optional(&END_DATE, fields::date);
        let break_minutes = c.value(&BREAK, fields::break_minutes);
        let kind = c.value(&KIND, fields::kind);
        let interval_rule = c.value(&INTERVAL_RULE, fields::interval_rule);
        // The v2 columns of the kinds they concern (ignored on the others).
        let (mut confirmed_by, mut confirmed_at, mut employer, mut class) = (None, None, None, None);
        match kind {
            Some(Kind::SelfStudy) => {
                confirmed_by = c.optional(&CONFIRMED_BY, text);
                if confirmed_by.is_some() {
                    confirmed_at = c.optional(&CONFIRMED_AT, fields::date_or_datetime);
                }
            }
            Some(Kind::External) => {
                employer = c.optional(&EMPLOYER, text);
                class = c.value(&SCHEDULE_CLASS, fields::schedule_class);
            }
            _ => {}
        }
        let (staff_id, date, clock_in, clock_out, break_minutes, kind) =
            (staff_id?, date?, clock_in?, clock_out?, break_minutes?, kind?);
        if c.has_errors() {
            return None;
        }
        match Shift::from_written(date, clock_in, clock_out, end_date, break_minutes, kind) {
            Ok(mut shift) => {
                shift = shift.with_interval_rule(interval_rule.flatten());
                if confirmed_by.is_some() {
                    shift = shift.with_study(StudyStatus::Confirmed);
                }
                if kind == Kind::External {
                    shift = shift
                        .with_employer(employer.as_deref())
                        .with_class(class.unwrap_or_default());
                }
                Some(ShiftRecord {
                    staff_id,
                    shift,
                    confirmed_by,
                    confirmed_at,
                })
            }
            Err(e) => {
                // Point at the cell a person would correct.
                let field = match e {
                    ShiftError::NegativeBreak(_) | ShiftError::BreakTooLong { .. } => &BREAK,
                    ShiftError::EndNotAfterStart { .. } | ShiftError::TooLong { .. } => &CLOCK_OUT,
                };
                c.reject(Some(field), e.to_string());
                None
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::ClockReading;
    use crate::domain::Kind;
    use crate::import::{Lined, RowError};
    use chrono::{NaiveDate, NaiveDateTime};
    use encoding_rs::SHIFT_JIS;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }
    fn shift(date: &str, cin: &str, cout: &str, brk: i64, kind: Kind) -> Shift {
        let c = |s| ClockReading::parse(s).unwrap();
        Shift::from_written(d(date), c(cin), c(cout), None, brk, kind).unwrap()
    }
    fn parse(csv: &str) -> Parsed<ShiftRecord> {
        parse_shifts(csv.as_bytes()).unwrap()
    }

    #[test]
    fn a_shift_jis_file_with_japanese_headers_reads_like_utf8_with_english_headers() {
        let japanese = "職員番号,勤務日,出勤時刻,退勤時刻,休憩時間（分）,勤務区分\r\n\
                        D001,2024/06/01,08:30,17:30,60,日勤\r\n\
                        D001,2024/06/01,17:30,25:30,0,宿日直(許可)\r\n\
                        D002,2024/06/02,09:00,12:00,,自己研鑽\r\n";
        let english = "staff_id,date,clock_in,clock_out,break_minutes,kind\n\
                       D001,2024-06-01,08:30,17:30,60,work\n\
                       D001,2024-06-01,17:30,25:30,0,duty_permitted\n\
                       D002,2024-06-02,09:00,12:00,0,self_study\n";
        let (sjis, _, unmappable) = SHIFT_JIS.encode(japanese);
        assert!(!unmappable);
        let from_sjis = parse_shifts(&sjis).unwrap();
        let from_utf8 = parse(english);
        assert_eq!(from_sjis.encoding, "shift_jis");
        assert_eq!(from_utf8.encoding, "utf-8");
        assert_eq!(from_sjis.rejected, vec![]);
        assert_eq!(from_sjis.rows.len(), 3);
        assert_eq!(from_sjis.rows, from_utf8.rows);
        assert_eq!(from_sjis.rows[1].value.shift.kind(), Kind::DutyPermitted);
    }

    #[test]
    fn the_v2_columns_are_read_on_their_kinds_and_ignored_on_the_others() {
        use crate::domain::profile::{ScheduleClass, StudyStatus};
        let parsed = parse(
            "職員番号,勤務日,出勤,退勤,区分,確認者,確認日時,兼業先,所定区分\n\
             D001,2024-06-03,18:00,20:00,自己研鑽,鈴木 部長,2024-06-04 09:00,,\n\
             D001,2024-06-04,18:00,20:00,自己研鑽,,2024-06-05,,\n\
             D001,2024-06-05,18:00,20:00,自己研鑽,鈴木,,,\n\
             D001,2024-06-08,09:00,17:00,副業,鈴木,x,Ｂ病院,所定外\n\
             D001,2024-06-09,09:00,17:00,副業,,,,\n\
             D001,2024-06-10,09:00,17:00,日勤,鈴木,not a date,C病院,nonsense\n",
        );
        assert_eq!(parsed.rejected, vec![]);
        let r: Vec<&ShiftRecord> = parsed.rows.iter().map(|r| &r.value).collect();
        assert_eq!(r[0].shift.study(), StudyStatus::Confirmed);
        assert_eq!(r[0].confirmed_by.as_deref(), Some("鈴木 部長"));
        assert_eq!(r[0].confirmed_at, Some(dt("2024-06-04 09:00:00")));
        assert_eq!(
            (r[1].shift.study(), &r[1].confirmed_by, r[1].confirmed_at),
            (StudyStatus::Unconfirmed, &None, None),
            "a date without a confirmer is no confirmation"
        );
        assert_eq!((r[2].shift.study(), r[2].confirmed_at), (StudyStatus::Confirmed, None));
        assert_eq!(r[3].shift.employer(), Some("B病院"));
        assert_eq!(r[3].shift.schedule_class(), ScheduleClass::Extra);
        assert_eq!(r[3].confirmed_by, None, "confirmed_by is for self-study rows");
        assert_eq!(
            (r[4].shift.employer(), r[4].shift.schedule_class()),
            (None, ScheduleClass::Scheduled)
        );
        assert_eq!(
            (r[5].shift.employer(), r[5].shift.study()),
            (None, StudyStatus::Unconfirmed)
        );
        let bad = parse(
            "staff_id,date,clock_in,clock_out,kind,confirmed_by,confirmed_at,employer,schedule_class\n\
             D001,2024-06-03,18:00,20:00,self_study,suzuki,6/4,,\n\
             D001,2024-06-08,09:00,17:00,external,,,B,overtime\n",
        );
        let columns: Vec<_> = bad.rejected.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(columns, vec![(2, Some("confirmed_at")), (3, Some("schedule_class"))]);
    }

    #[test]
    fn the_interval_rule_is_read_on_every_kind_and_a_bad_one_refuses_the_row() {
        use crate::domain::shift::IntervalRule;
        let parsed = parse(
            "職員番号,勤務日,出勤,退勤,区分,休息ルール\n\
             D001,2024-06-03,08:00,23:30,日勤,長時間手術\n\
             D001,2024-06-05,09:00,17:00,日勤,24時間研修\n\
             D001,2024-06-07,09:00,17:00,日勤,\n\
             D001,2024-06-08,09:00,17:00,副業,ｏｖｅｒ１５\n",
        );
        assert_eq!(parsed.rejected, vec![]);
        let rules: Vec<_> = parsed.rows.iter().map(|r| r.value.shift.interval_rule()).collect();
        assert_eq!(
            rules,
            vec![
                Some(IntervalRule::Over15),
                Some(IntervalRule::C1Day),
                None,
                Some(IntervalRule::Over15)
            ]
        );
        for header in ["interval_rule", "インターバル区分", "インターバル特例"] {
            let parsed = parse(&format!(
                "staff_id,date,clock_in,clock_out,{header}\nD001,2024-06-03,08:00,17:00,c1_24h\n"
            ));
            assert_eq!(
                parsed.rows[0].value.shift.interval_rule(),
                Some(IntervalRule::C1Day),
                "{header}"
            );
        }
        let bad = parse(
            "staff_id,date,clock_in,clock_out,インターバル区分\n\
             D001,2024-06-03,08:00,17:00,over15\n\
             D001,2024-06-04,08:00,17:00,foo\n",
        );
        assert_eq!(bad.rows.len(), 1);
        assert_eq!(bad.rejected.len(), 1);
        let e = &bad.rejected[0];
        assert_eq!((e.line, e.column.as_deref()), (3, Some("インターバル区分")));
        assert!(e.reason.starts_with("休息ルールが不明です"), "{}", e.reason);
        assert!(e.reason.contains("unknown interval_rule"), "{}", e.reason);
    }

    #[test]
    fn a_utf8_bom_does_not_hide_the_first_header() {
        let parsed = parse("\u{feff}staff_id,date,clock_in,clock_out\nD001,2024-06-01,08:00,17:00\n");
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.ignored_columns, Vec::<String>::new());
    }

    #[test]
    fn a_clock_out_of_25_30_ends_at_01_30_next_day() {
        let parsed = parse("staff_id,date,clock_in,clock_out\nD001,2024-06-01,17:00,25:30\n");
        assert_eq!(parsed.rows[0].value.shift.end(), dt("2024-06-02 01:30:00"));
    }

    #[test]
    fn slash_dates_with_single_digits_and_full_width_cells_are_read() {
        let parsed =
            parse("staff_id,date,clock_in,clock_out,end_date\nD001,2024/6/1,０８：３０,9:00,２０２４／６／２\n");
        assert_eq!(parsed.rejected, vec![]);
        let s = &parsed.rows[0].value.shift;
        assert_eq!(
            (s.start(), s.end()),
            (dt("2024-06-01 08:30:00"), dt("2024-06-02 09:00:00"))
        );
    }

    #[test]
    fn a_full_width_break_header_and_an_hours_minutes_break_are_understood() {
        let parsed = parse("職員番号,日付,出勤,退勤,休憩時間（分）\nD001,2024-06-01,08:00,17:00,1:00\n");
        assert_eq!(
            parsed.rows[0].value.shift,
            shift("2024-06-01", "08:00", "17:00", 60, Kind::Work)
        );
    }

    #[test]
    fn seconds_are_kept_in_the_shift_for_the_domain_to_round() {
        let parsed = parse("staff_id,date,clock_in,clock_out\nD001,2024-06-01,08:00:45,17:00:01\n");
        let s = &parsed.rows[0].value.shift;
        assert_eq!(
            (s.start(), s.end()),
            (dt("2024-06-01 08:00:45"), dt("2024-06-01 17:00:01"))
        );
    }

    #[test]
    fn unknown_columns_are_ignored_and_named() {
        let parsed = parse("staff_id,備考,date,clock_in,clock_out,Memo\nD001,遅刻,2024-06-01,08:00,17:00,x\n");
        assert_eq!(parsed.ignored_columns, vec!["備考", "Memo"]);
        assert_eq!(parsed.rows.len(), 1);
    }

    #[test]
    fn a_missing_required_column_fails_the_file_and_is_named() {
        let err = parse_shifts("職員番号,勤務日,出勤\nD001,2024-06-01,08:00\n".as_bytes()).unwrap_err();
        assert_eq!(err, FileError::MissingColumns(vec!["退勤(clock_out)".into()]));
    }

    #[test]
    fn a_bad_row_among_good_rows_is_listed_with_its_line_and_column() {
        let parsed = parse(
            "職員番号,勤務日,出勤,退勤,区分\n\
             D001,2024-06-01,08:00,17:00,\n\
             D001,2024/13/01,08:00,17:00,休み\n\
             D001,2024-06-03,08:00,17:00,\n",
        );
        let lines: Vec<usize> = parsed.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4]);
        assert_eq!(
            parsed.rejected,
            vec![
                RowError {
                    line: 3,
                    column: Some("勤務日".into()),
                    reason: r#"日付が読めません（YYYY-MM-DD または YYYY/MM/DD）: "2024/13/01" / unreadable date (YYYY-MM-DD or YYYY/MM/DD)"#
                        .into(),
                },
                RowError {
                    line: 3,
                    column: Some("区分".into()),
                    reason: r#"勤務区分が不明です: "休み" / unknown kind"#.into()
                },
            ]
        );
    }

    #[test]
    fn a_shift_the_domain_refuses_is_rejected_with_the_domains_reason() {
        let parsed = parse(
            "staff_id,date,clock_in,clock_out,end_date,休憩\n\
             D001,2024-06-01,08:00,17:00,,-5\n\
             D001,2024-06-01,08:00,07:00,2024-06-01,\n",
        );
        assert!(parsed.rows.is_empty());
        assert_eq!(parsed.rejected[0].column.as_deref(), Some("休憩"));
        assert_eq!(parsed.rejected[0].reason, ShiftError::NegativeBreak(-5).to_string());
        assert_eq!(parsed.rejected[1].column.as_deref(), Some("clock_out"));
        assert!(parsed.rejected[1].reason.ends_with("/ end is not after start"));
    }

    #[test]
    fn a_quoted_multi_line_cell_keeps_later_line_numbers_physical() {
        let parsed = parse(
            "staff_id,date,clock_in,clock_out,備考\n\
             D001,2024-06-01,08:00,17:00,\"一行目\n二行目\n三行目\"\n\
             \n\
             D001,2024-06-02,08:00,99:00,\n",
        );
        assert_eq!(parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2]);
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].line, 6);
        assert_eq!(parsed.rejected[0].column.as_deref(), Some("clock_out"));
    }

    #[test]
    fn a_row_with_the_wrong_number_of_fields_is_a_row_error() {
        let parsed = parse("staff_id,date,clock_in,clock_out\nD001,2024-06-01,08:00\nD001,2024-06-02,08:00,17:00\n");
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rejected[0].line, 2);
        assert_eq!(parsed.rejected[0].column, None);
        assert!(parsed.rejected[0]
            .reason
            .contains("wrong number of fields (header 4, this row 3)"));
    }

    #[test]
    fn an_unclosed_quote_is_refused_rather_than_swallowing_the_lines_after_it() {
        let parsed = parse(
            "staff_id,name_note,date,clock_in,clock_out\n\
             D001,\"oops,2024-06-01,08:00,17:00\n\
             D001,x,2024-06-02,08:00,17:00\n",
        );
        assert!(parsed.rows.is_empty());
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].line, 2);
    }

    #[test]
    fn blank_and_comma_only_lines_are_skipped_and_header_only_is_no_rows() {
        let parsed = parse("\nstaff_id,date,clock_in,clock_out\n\n,,,\nD001,2024-06-01,08:00,17:00\n");
        assert_eq!(parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![5]);
        assert_eq!(parsed.rejected, vec![]);
        assert_eq!(
            parse("staff_id,date,clock_in,clock_out\n").rows,
            Vec::<Lined<ShiftRecord>>::new()
        );
        for empty in ["", "\u{feff}", "\n\n", " , \n"] {
            assert_eq!(parse_shifts(empty.as_bytes()), Err(FileError::Empty), "{empty:?}");
        }
    }

    #[test]
    fn a_value_with_a_line_break_in_a_known_column_is_refused() {
        let parsed = parse("staff_id,date,clock_in,clock_out\n\"D0\n01\",2024-06-01,08:00,17:00\n");
        assert!(parsed.rows.is_empty());
        assert_eq!(parsed.rejected[0].column.as_deref(), Some("staff_id"));
    }
}
