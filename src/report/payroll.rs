//! The payroll export of the premium-pay splits (rules §17, formats.md C.6):
//! one line per doctor and agreement month, this hospital's figures only —
//! another employer pays its own premiums.

use crate::month::MonthlyReport;
use rust_xlsxwriter::XlsxError;

/// The columns of the export (formats.md C.6), then the name for people.
pub const COLUMNS: [&str; 8] = [
    "staff_id",
    "month",
    "own_total_work_minutes",
    "own_overtime_minutes",
    "overtime_over_60h_minutes",
    "holiday_minutes",
    "late_night_minutes",
    "name",
];

/// The Japanese headers of the spreadsheet, column for column.
const HEADERS_JA: [&str; 8] = [
    "職員番号",
    "対象月",
    "労働時間（自院、分）",
    "時間外労働（25%、分）",
    "うち月60時間超（50%、分）",
    "法定休日労働（35%、分）",
    "深夜労働（22時〜5時、25%、分）",
    "氏名",
];

fn rows(report: &MonthlyReport) -> Vec<Vec<String>> {
    report
        .doctors
        .iter()
        .map(|d| {
            vec![
                d.staff_id.clone(),
                report.month.clone(),
                d.own_total_work_minutes.to_string(),
                d.own_overtime_minutes.to_string(),
                d.overtime_over_60h_minutes.to_string(),
                d.holiday_minutes.to_string(),
                d.late_night_minutes.to_string(),
                d.name.clone(),
            ]
        })
        .collect()
}

/// CSV for a payroll system: the English column names, cells that start
/// like a formula written as text.
pub fn csv(report: &MonthlyReport) -> Result<Vec<u8>, csv::Error> {
    crate::export::spreadsheet_csv(&COLUMNS, rows(report))
}

/// The same as an Excel workbook with Japanese headers; minutes are numbers.
pub fn xlsx(report: &MonthlyReport) -> Result<Vec<u8>, XlsxError> {
    crate::export::spreadsheet_xlsx("給与計算用", &HEADERS_JA, &rows(report), &[2, 3, 4, 5, 6], 16.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::month::DoctorMonth;
    use chrono::NaiveDate;

    #[test]
    fn the_export_carries_the_own_splits_and_neutralises_formulas() {
        let report = MonthlyReport {
            month: "2024-06".into(),
            month_first_day: NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
            month_last_day: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
            as_of: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
            permits_register: Default::default(),
            doctors: vec![DoctorMonth {
                staff_id: "D001".into(),
                name: "=HYPERLINK(\"x\")".into(),
                own_total_work_minutes: 12_000,
                own_overtime_minutes: 3700,
                overtime_over_60h_minutes: 100,
                holiday_minutes: 600,
                late_night_minutes: 240,
                ..DoctorMonth::default()
            }],
        };
        let text = String::from_utf8(csv(&report).unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap().trim_start_matches('\u{feff}'), COLUMNS.join(","));
        let line = lines.next().unwrap();
        assert!(line.starts_with("D001,2024-06,12000,3700,100,600,240,"), "{line}");
        assert!(!line.contains(",=HYPERLINK"), "{line}");
        let book = xlsx(&report).unwrap();
        assert_eq!(&book[..2], b"PK");
    }
}
