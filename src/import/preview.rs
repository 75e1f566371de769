//! A preview of an import file before it is written (issue 4, HR uploads):
//! the encoding detected, how each column's header was read (which field,
//! or ignored), and the first records as the parser read them — or why it
//! refused them.
//!
//! It runs the very parser the import runs (formats.md, "Input files"), so
//! what the preview shows is what the import will get; it only adds the
//! cells as written, read again from the same decoded text. Checks that
//! need the database (unknown doctors, overlap with stored rows) are the
//! import's: the preview screen adds them by asking `ingest::check`, the
//! import itself with nothing written. Pure: no database, no file system.

use super::header::{Columns, Field};
use super::{
    comp_rest, decode, doctors, employers, parse_comp_rest, parse_doctors, parse_employers, parse_pclog, parse_permits,
    parse_shifts, pclog, permits, shifts,
};
use super::{
    CompRestRecord, DoctorRecord, EmployerRecord, FileError, Parsed, PcRecord, PermitRecord, RowError, ShiftRecord,
};
use crate::domain::profile::{LegalHoliday, Regime};
use crate::domain::time::format_hm;
use crate::domain::Kind;
use chrono::{NaiveDateTime, Timelike};
use std::collections::BTreeMap;

/// Which reader a file goes through (timecards and rosters share one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewKind {
    Doctors,
    Shifts,
    Pclog,
    Employers,
    Permits,
    /// 代償休息 grants (formats.md R.4).
    CompRest,
}

/// How one header of the file was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnReading {
    /// The header as written in the file.
    pub header: String,
    /// The field it was read as (`staff_id`, `clock_in`, …); `None` when
    /// the column is ignored (unknown, empty, or a less specific duplicate).
    pub field: Option<&'static str>,
    /// The field's Japanese label (`職員番号`), when read.
    pub label: Option<&'static str>,
}

/// One record of the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewRow {
    /// The physical line the record starts on (as in the import's errors).
    pub line: usize,
    /// The cells as written (NUL-free decoded text, not normalised).
    pub cells: Vec<String>,
    /// The values as read, one per [`Preview::read_labels`]; empty when the
    /// record was refused.
    pub read: Vec<String>,
    /// Why the record was refused (one entry per bad cell).
    pub errors: Vec<RowError>,
}

/// What the preview shows of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// `"utf-8"` or `"shift_jis"`.
    pub encoding: &'static str,
    /// Every header cell of the file, in file order.
    pub columns: Vec<ColumnReading>,
    /// The names of the values as read, (Japanese, English).
    pub read_labels: Vec<(&'static str, &'static str)>,
    /// The first records of the file.
    pub rows: Vec<PreviewRow>,
    /// Data records in the whole file (blank lines not counted).
    pub records: usize,
    /// Of those, records the parser refused.
    pub rejected_records: usize,
    /// The layout the file is read with (`kinmu`, `jinjer-daily`, …) and
    /// its title.
    pub layout: String,
    pub layout_title: String,
}

/// A time as a person reads it: seconds only when the file had them.
fn at(t: NaiveDateTime) -> String {
    if t.second() == 0 {
        t.format("%Y-%m-%d %H:%M").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The columns of rule book v2 a row carries (formats.md C.2): the
/// confirmation of a self-study row, the employer and 所定区分 of an
/// external one; and the interval rule of any row (R.2).
fn shift_extras(r: &ShiftRecord) -> String {
    let s = &r.shift;
    let v2 = match s.kind() {
        Kind::SelfStudy => match &r.confirmed_by {
            Some(by) => format!("確認: {by}"),
            None => s.study().label_ja().to_string(),
        },
        Kind::External => format!(
            "{}（{}）",
            s.employer().unwrap_or("主たる勤務先"),
            if s.schedule_class() == crate::domain::profile::ScheduleClass::Extra {
                "所定外"
            } else {
                "所定"
            }
        ),
        _ => String::new(),
    };
    match (s.interval_rule(), v2.is_empty()) {
        (None, _) => v2,
        (Some(rule), true) => format!("休息ルール: {rule}"),
        (Some(rule), false) => format!("{v2}、休息ルール: {rule}"),
    }
}

pub(crate) fn shift_values(r: &ShiftRecord) -> Vec<String> {
    let s = &r.shift;
    vec![
        r.staff_id.clone(),
        at(s.start()),
        at(s.end()),
        s.break_minutes().to_string(),
        format!("{}（{}）", s.kind().label_ja(), s.kind().code()),
        format_hm(s.minutes()),
        shift_extras(r),
    ]
}

pub(crate) fn pc_values(r: &PcRecord) -> Vec<String> {
    vec![r.account.clone(), opt(&r.pc_name), at(r.logon), at(r.logoff)]
}

fn doctor_values(r: &DoctorRecord) -> Vec<String> {
    let time = |t: Option<chrono::NaiveTime>| t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
    vec![
        r.staff_id.clone(),
        r.name.clone(),
        opt(&r.department),
        r.level.code().to_string(),
        opt(&r.email),
        match r.legal_holiday {
            LegalHoliday::FourWeeks(start) => format!("4w4（{start}〜）"),
            other => other.code().to_string(),
        },
        opt(&r.pc_account),
        time(r.scheduled_start),
        opt(&r.manager_login),
        time(r.scheduled_end),
        r.scheduled_days.map(|d| d.code()).unwrap_or_default(),
        match r.regime {
            Regime::Standard => "standard".to_string(),
            Regime::MonthlyVariable { start, period } => format!("monthly_variable（{start}〜, {}）", period.code()),
        },
        r.employment_type.code().to_string(),
        opt(&r.main_employer),
        r.contract_date.map(|d| d.to_string()).unwrap_or_default(),
        if r.clinical_trainee { "はい" } else { "" }.to_string(),
    ]
}

fn employer_values(r: &EmployerRecord) -> Vec<String> {
    vec![
        r.staff_id.clone(),
        r.employer.clone(),
        r.contract_date.map(|d| d.to_string()).unwrap_or_default(),
        if r.dispatched { "はい" } else { "いいえ" }.to_string(),
    ]
}

fn permit_values(r: &PermitRecord) -> Vec<String> {
    vec![
        r.permit_no.clone(),
        r.granted_on.to_string(),
        r.kind.code().to_string(),
        if r.departments.is_empty() {
            "全科".to_string()
        } else {
            r.departments.join("、")
        },
        format!("{}〜{}", r.band_start.format("%H:%M"), r.band_end_text),
        if r.weekdays == crate::domain::permits::EVERY_DAY {
            "全日".to_string()
        } else {
            r.weekdays.code()
        },
        r.revoked_on.map(|d| d.to_string()).unwrap_or_default(),
        r.note.clone().unwrap_or_default(),
    ]
}

pub(crate) const SHIFT_LABELS: [(&str, &str); 7] = [
    ("職員番号", "Staff ID"),
    ("開始", "Start"),
    ("終了", "End"),
    ("休憩(分)", "Break (min)"),
    ("区分", "Kind"),
    ("時間", "Minutes (H:MM)"),
    ("確認・勤務先", "Confirmation / employer"),
];
pub(crate) const PC_LABELS: [(&str, &str); 4] = [
    ("職員番号・アカウント", "Staff ID / account"),
    ("端末名", "PC"),
    ("ログオン", "Log-on"),
    ("ログオフ", "Log-off"),
];
const DOCTOR_LABELS: [(&str, &str); 16] = [
    ("職員番号", "Staff ID"),
    ("氏名", "Name"),
    ("診療科", "Department"),
    ("水準", "Level"),
    ("メール", "Email"),
    ("法定休日", "Statutory holiday"),
    ("PCアカウント", "PC account"),
    ("所定始業", "Scheduled start"),
    ("所属長", "Manager"),
    ("所定終業", "Scheduled end"),
    ("所定労働日", "Scheduled days"),
    ("労働時間制", "Regime"),
    ("雇用形態", "Employment"),
    ("主たる勤務先", "Main employer"),
    ("契約締結日", "Contract date"),
    ("臨床研修医", "Clinical trainee"),
];
const EMPLOYER_LABELS: [(&str, &str); 4] = [
    ("職員番号", "Staff ID"),
    ("勤務先", "Employer"),
    ("契約締結日", "Contract date"),
    ("当院からの派遣", "Dispatched"),
];

fn comp_rest_values(r: &CompRestRecord) -> Vec<String> {
    vec![
        r.staff_id.clone(),
        r.start.format("%Y-%m-%d %H:%M").to_string(),
        r.end.format("%Y-%m-%d %H:%M").to_string(),
        r.method.map(|m| m.label_ja().to_string()).unwrap_or_default(),
        r.note.clone().unwrap_or_default(),
    ]
}

const COMP_REST_LABELS: [(&str, &str); 5] = [
    ("職員番号", "Staff ID"),
    ("開始", "Start"),
    ("終了", "End"),
    ("付与方法", "Method"),
    ("備考", "Note"),
];

const PERMIT_LABELS: [(&str, &str); 8] = [
    ("許可番号", "Permit no."),
    ("許可年月日", "Granted on"),
    ("種別", "Kind"),
    ("対象診療科", "Departments"),
    ("許可時間帯", "Time band"),
    ("対象曜日", "Weekdays"),
    ("取消日", "Revoked on"),
    ("備考", "Note"),
];

/// What the parser made of each record, by line.
struct Outcome {
    encoding: &'static str,
    read: BTreeMap<usize, Vec<String>>,
    /// The refused records among the first listed problems (enough for a
    /// preview of the first records: see [`preview`]).
    refused: BTreeMap<usize, Vec<RowError>>,
    /// Every refused record, listed or not.
    refused_records: usize,
}

fn outcome<T>(parsed: Parsed<T>, values: fn(&T) -> Vec<String>) -> Outcome {
    let refused_records = parsed.rejected.rows();
    let mut refused: BTreeMap<usize, Vec<RowError>> = BTreeMap::new();
    for e in parsed.rejected {
        refused.entry(e.line).or_default().push(e);
    }
    Outcome {
        encoding: parsed.encoding,
        read: parsed.rows.iter().map(|r| (r.line, values(&r.value))).collect(),
        refused,
        refused_records,
    }
}

/// The longest cell shown as written (a preview is a page: a cell of a
/// megabyte is shown cut, and the import refuses it anyway).
pub(crate) const MAX_SHOWN_CHARS: usize = 200;

/// Previews a file: up to `limit` records. Fails exactly when the import
/// would fail as a whole (the same [`FileError`]).
pub fn preview(kind: PreviewKind, bytes: &[u8], limit: usize) -> Result<Preview, FileError> {
    let (fields, labels, outcome): (&[Field], &[(&'static str, &'static str)], Outcome) = match kind {
        PreviewKind::Doctors => (
            &doctors::FIELDS,
            &DOCTOR_LABELS,
            outcome(parse_doctors(bytes)?, doctor_values),
        ),
        PreviewKind::Shifts => (
            &shifts::FIELDS,
            &SHIFT_LABELS,
            outcome(parse_shifts(bytes)?, shift_values),
        ),
        PreviewKind::Pclog => (&pclog::FIELDS, &PC_LABELS, outcome(parse_pclog(bytes)?, pc_values)),
        PreviewKind::Employers => (
            &employers::FIELDS,
            &EMPLOYER_LABELS,
            outcome(parse_employers(bytes)?, employer_values),
        ),
        PreviewKind::Permits => (
            &permits::FIELDS,
            &PERMIT_LABELS,
            outcome(parse_permits(bytes)?, permit_values),
        ),
        PreviewKind::CompRest => (
            &comp_rest::FIELDS,
            &COMP_REST_LABELS,
            outcome(parse_comp_rest(bytes)?, comp_rest_values),
        ),
    };

    // The parser accepted the file, so reading it again cannot fail in a
    // new way; errors are still passed on rather than assumed away.
    let decoded = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(decoded.text.as_bytes());
    // Blank records are skipped exactly as the parser skips them, so the
    // n-th record here is the n-th record the parser saw.
    let mut records = reader
        .records()
        .filter(|r| !matches!(r, Ok(record) if record.iter().all(|c| c.trim().is_empty())));
    let csv_error = |e: csv::Error| FileError::Csv {
        line: e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0)),
        message: e.to_string(),
    };
    let header = records.next().ok_or(FileError::Empty)?.map_err(csv_error)?;
    let mapped = Columns::map(&header, fields)?;
    let mut by_index: BTreeMap<usize, &Field> = BTreeMap::new();
    for f in fields {
        if let Some((index, _)) = mapped.find(f) {
            by_index.insert(index, f);
        }
    }
    let columns = header
        .iter()
        .enumerate()
        .map(|(i, written)| ColumnReading {
            header: super::cut_chars(written, MAX_SHOWN_CHARS),
            field: by_index.get(&i).map(|f| f.name),
            label: by_index.get(&i).map(|f| f.label_ja()),
        })
        .collect();

    // Every record is either read or refused (import/table.rs), so the
    // lines of both, in order, are the lines of the records in order.
    let mut lines: Vec<usize> = outcome.read.keys().chain(outcome.refused.keys()).copied().collect();
    lines.sort_unstable();
    lines.dedup();
    let mut rows = Vec::new();
    // The lines of the first `limit` records are all known while the
    // problems listed cover them: a record has at most one problem per
    // field and one for the record, so sixteen per record is ample.
    let limit = limit.min(super::MAX_LISTED / 16);
    for (line, record) in lines.iter().take(limit).zip(records) {
        let record = record.map_err(csv_error)?;
        rows.push(PreviewRow {
            line: *line,
            cells: record
                .iter()
                .take(super::header::MAX_COLUMNS)
                .map(|c| super::cut_chars(c, MAX_SHOWN_CHARS))
                .collect(),
            read: outcome.read.get(line).cloned().unwrap_or_default(),
            errors: outcome.refused.get(line).cloned().unwrap_or_default(),
        });
    }
    Ok(Preview {
        encoding: outcome.encoding,
        columns,
        read_labels: labels.to_vec(),
        rows,
        records: outcome.read.len() + outcome.refused_records,
        rejected_records: outcome.refused_records,
        layout: "kinmu".into(),
        layout_title: "kinmu 標準形式".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::SHIFT_JIS;

    #[test]
    fn a_shift_jis_timecard_shows_its_encoding_columns_and_rows_as_read() {
        let text = "職員番号,勤務日,出勤時刻,退勤時刻,休憩時間（分）,備考\r\n\
                    A01,2024/6/3,08:30,17:30,60,外来\r\n\
                    \r\n\
                    A01,2024/6/4,08:30,99:00,60,\r\n\
                    A01,2024/6/5,17:00,09:00,0,当直\r\n";
        let (bytes, _, _) = SHIFT_JIS.encode(text);
        let p = preview(PreviewKind::Shifts, &bytes, 10).unwrap();
        assert_eq!(p.encoding, "shift_jis");
        let read: Vec<(&str, Option<&str>)> = p.columns.iter().map(|c| (c.header.as_str(), c.field)).collect();
        assert_eq!(
            read,
            vec![
                ("職員番号", Some("staff_id")),
                ("勤務日", Some("date")),
                ("出勤時刻", Some("clock_in")),
                ("退勤時刻", Some("clock_out")),
                ("休憩時間（分）", Some("break_minutes")),
                ("備考", None),
            ]
        );
        assert_eq!((p.records, p.rejected_records), (3, 1));
        assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4, 5]);
        assert_eq!(p.rows[0].cells[5], "外来");
        assert_eq!(
            p.rows[0].read,
            vec![
                "A01",
                "2024-06-03 08:30",
                "2024-06-03 17:30",
                "60",
                "勤務（work）",
                "8:00",
                ""
            ]
        );
        assert!(p.rows[1].read.is_empty());
        assert_eq!(p.rows[1].errors[0].column.as_deref(), Some("退勤時刻"));
        assert_eq!(
            p.rows[2].read[2], "2024-06-06 09:00",
            "an end below the start is the next day"
        );
    }

    #[test]
    fn the_preview_stops_at_the_limit_but_counts_the_whole_file() {
        let mut text = String::from("account,logon,logoff\n");
        for h in 0..20 {
            text.push_str(&format!("D1,2024-06-01 {h:02}:00,2024-06-01 {h:02}:30\n"));
        }
        let p = preview(PreviewKind::Pclog, text.as_bytes(), 10).unwrap();
        assert_eq!((p.rows.len(), p.records, p.rejected_records), (10, 20, 0));
        assert_eq!(p.rows[9].line, 11);
    }

    #[test]
    fn a_file_the_import_refuses_is_refused_with_the_same_error() {
        let err = preview(PreviewKind::Doctors, "氏名\n山田\n".as_bytes(), 10).unwrap_err();
        assert_eq!(err, FileError::MissingColumns(vec!["職員番号(staff_id)".into()]));
        assert_eq!(
            preview(PreviewKind::Shifts, b"\xFF\xFE\x41\x00", 10),
            Err(FileError::Encoding)
        );
    }
}
