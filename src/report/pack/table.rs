//! The print pack's table model (rules §12): a part as columns and rows of
//! text, with the column groups of the A4 layout, and its two file forms,
//! CSV (UTF-8 with BOM, Japanese header row) and the .xlsx workbook.

use crate::domain::time::YearMonth;
use crate::report::inspection::month_ja;
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// A column of a part.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: &'static str,
    /// The label inside a printed cell that groups several columns.
    pub label: &'static str,
    /// Width in characters (the .xlsx column width).
    pub width: f64,
    /// Right-aligned; written as a number in .xlsx when it is one.
    pub numeric: bool,
}

/// Columns printed together in one cell of the A4 layout, so that a part
/// fits portrait A4 without clipping; the .xlsx and CSV keep them apart.
#[derive(Debug, Clone)]
pub struct Group {
    pub header: String,
    pub columns: Vec<usize>,
    /// Lines are `label: value` (and empty values are left out).
    pub labelled: bool,
    /// Share of the page width, in percent.
    pub percent: u32,
}

/// One part of the pack.
#[derive(Debug, Clone)]
pub struct Table {
    /// The CSV name (`over100`, `checklist`, `staffing`, `a`…`e`,
    /// `permits`, `permits_outside`).
    pub key: &'static str,
    /// The sheet name (≤ 31 characters, none of `[]:*?/\`).
    pub sheet: &'static str,
    pub title: String,
    pub notes: Vec<String>,
    pub columns: Vec<Column>,
    pub groups: Vec<Group>,
    pub rows: Vec<Vec<String>>,
    /// A stable key of each row (`data-row` in the HTML, for tests and scripts).
    pub keys: Vec<String>,
}

pub(super) fn col(header: &'static str, width: f64) -> Column {
    Column {
        header,
        label: header,
        width,
        numeric: false,
    }
}

pub(super) fn num(header: &'static str, width: f64) -> Column {
    Column {
        numeric: true,
        ..col(header, width)
    }
}

pub(super) fn labelled(header: &'static str, label: &'static str, width: f64) -> Column {
    Column {
        label,
        ..col(header, width)
    }
}

pub(super) fn group(header: &str, columns: &[usize], percent: u32) -> Group {
    Group {
        header: header.to_string(),
        columns: columns.to_vec(),
        labelled: false,
        percent,
    }
}

pub(super) fn group_labelled(header: &str, columns: &[usize], percent: u32) -> Group {
    Group {
        labelled: true,
        ..group(header, columns, percent)
    }
}

/// Adds the 和暦 of the month in column 0 (`2024-06`) as column 1, printed
/// under it: the month stays machine-readable in the .xlsx and CSV.
pub(super) fn add_wareki_month(mut t: Table) -> Table {
    let header = if t.columns.first().is_some_and(|c| c.header == "対象月") {
        "対象月（和暦）"
    } else {
        "年月（和暦）"
    };
    t.columns.insert(1, col(header, 13.0));
    for g in &mut t.groups {
        for i in &mut g.columns {
            if *i >= 1 {
                *i += 1;
            }
        }
        if let Some(at) = g.columns.iter().position(|&i| i == 0) {
            g.columns.insert(at + 1, 1);
        }
    }
    for row in &mut t.rows {
        let ja = row
            .first()
            .and_then(|m| YearMonth::parse(m))
            .map(month_ja)
            .unwrap_or_default();
        row.insert(1.min(row.len()), ja);
    }
    t
}

/// A printed cell.
pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

/// A printed row.
pub struct PrintRow {
    pub key: String,
    pub cells: Vec<Cell>,
}

impl Table {
    /// The rows as printed: the grouped columns of each row.
    pub fn print_rows(&self) -> Vec<PrintRow> {
        self.rows
            .iter()
            .zip(self.keys.iter())
            .map(|(row, key)| PrintRow {
                key: key.clone(),
                cells: self
                    .groups
                    .iter()
                    .map(|g| {
                        let parts: Vec<String> = g
                            .columns
                            .iter()
                            .filter_map(|&i| {
                                let v = row.get(i).map(String::as_str).unwrap_or_default();
                                let c = self.columns.get(i)?;
                                match (g.labelled, v.is_empty()) {
                                    (_, true) => None,
                                    (true, false) => Some(format!("{}: {v}", c.label)),
                                    (false, false) => Some(v.to_string()),
                                }
                            })
                            .collect();
                        Cell {
                            text: parts.join("\n"),
                            numeric: g
                                .columns
                                .iter()
                                .all(|&i| self.columns.get(i).is_some_and(|c| c.numeric)),
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The part as CSV: UTF-8 with a BOM (Excel in Japan then reads it as
/// UTF-8), the Japanese header row, then the rows.
pub fn to_csv(t: &Table) -> Result<Vec<u8>, csv::Error> {
    let header: Vec<&str> = t.columns.iter().map(|c| c.header).collect();
    crate::export::spreadsheet_csv(&header, t.rows.iter().cloned())
}

/// Text for an .xlsx page header: `&` starts a code there.
fn xlsx_text(s: &str) -> String {
    s.replace('&', "&&")
}

/// The parts as a workbook: one sheet each, the header row bold and
/// repeated on every printed page, A4, one page wide.
pub fn workbook(tables: &[Table], hospital: &str, generated: NaiveDate) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(0x00EE_F1F5)
        .set_border(FormatBorder::Thin);
    let text = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let number = Format::new()
        .set_align(FormatAlign::Top)
        .set_align(FormatAlign::Right)
        .set_border(FormatBorder::Thin);
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.sheet)?;
        ws.set_paper_size(9); // A4
        if t.columns.iter().map(|c| c.width).sum::<f64>() > 120.0 {
            ws.set_landscape();
        }
        ws.set_print_fit_to_pages(1, 0);
        ws.set_header(format!(
            "&L{}&C{}&R出力 {}",
            xlsx_text(hospital),
            xlsx_text(t.sheet),
            generated.format("%Y-%m-%d")
        ));
        ws.set_footer("&C&P / &N");
        for (c, column) in t.columns.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.set_column_width(c, column.width)?;
            ws.write_string_with_format(0, c, column.header, &head)?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.set_repeat_rows(0, 0)?;
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, value) in row.iter().enumerate() {
                let numeric = t.columns.get(c).is_some_and(|c| c.numeric);
                let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                match value.parse::<i64>() {
                    // Whole numbers (minutes, days) stay numbers for Excel;
                    // H:MM stays text, as printed.
                    Ok(n) if numeric => {
                        ws.write_number_with_format(r, c, n as f64, &number)?;
                    }
                    _ if numeric => {
                        ws.write_string_with_format(r, c, value, &number)?;
                    }
                    _ => {
                        ws.write_string_with_format(r, c, value, &text)?;
                    }
                }
            }
        }
    }
    Ok(wb)
}

#[cfg(test)]
mod tests {
    use super::super::PARTS;
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn sample() -> Table {
        Table {
            key: "x",
            sheet: "（ア）勤務状況",
            title: "t".into(),
            notes: vec![],
            columns: vec![col("氏名", 10.0), num("分", 6.0), labelled("事前確認 ア", "ア", 10.0)],
            groups: vec![group("氏名\n分", &[0, 1], 50), group_labelled("事前確認", &[2], 50)],
            rows: vec![vec!["千葉 三郎".into(), "6000".into(), "外来, \"多い\"".into()]],
            keys: vec!["k".into()],
        }
    }

    #[test]
    fn grouped_columns_print_as_lines_of_one_cell() {
        let rows = sample().print_rows();
        assert_eq!(rows[0].cells[0].text, "千葉 三郎\n6000");
        assert!(!rows[0].cells[0].numeric, "a text column in the group");
        assert_eq!(rows[0].cells[1].text, "ア: 外来, \"多い\"");
    }

    #[test]
    fn the_month_in_wareki_follows_the_iso_month_and_prints_under_it() {
        let t = Table {
            columns: vec![col("対象月", 8.0), col("氏名", 10.0)],
            groups: vec![group("対象月", &[0], 50), group("氏名", &[1], 50)],
            rows: vec![vec!["2024-06".into(), "千葉 三郎".into()]],
            ..sample()
        };
        let t = add_wareki_month(t);
        assert_eq!(t.columns[1].header, "対象月（和暦）");
        assert_eq!(t.rows[0], vec!["2024-06", "令和6年6月", "千葉 三郎"]);
        let printed = t.print_rows();
        assert_eq!(printed[0].cells[0].text, "2024-06\n令和6年6月");
        assert_eq!(printed[0].cells[1].text, "千葉 三郎");
    }

    #[test]
    fn csv_starts_with_a_bom_and_the_japanese_header() {
        let bytes = to_csv(&sample()).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("氏名,分,事前確認 ア\n"), "{text}");
        assert!(text.contains("\"外来, \"\"多い\"\"\""), "quoted: {text}");
    }

    #[test]
    fn the_workbook_has_one_named_sheet_per_part() {
        let names: Vec<&str> = PARTS.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            vec![
                "over100",
                "checklist",
                "staffing",
                "a",
                "b",
                "c",
                "d",
                "e",
                "permits",
                "permits_outside",
                "rest",
                "comp_rest"
            ]
        );
        let sheets = [
            "一覧（100時間以上）",
            "点検表",
            "医師の員数",
            "（ア）勤務状況",
            "（イ）労働時間",
            "（ウ）面接指導対象医師",
            "（エ）面接指導結果・意見書",
            "（オ）措置の記録",
            "宿日直許可と実績",
            "許可の範囲外の宿日直",
            "勤務間インターバル",
            "代償休息",
        ];
        let tables: Vec<Table> = sheets.iter().map(|s| Table { sheet: s, ..sample() }).collect();
        let mut wb = workbook(&tables, "A&B 病院", d("2024-07-22")).unwrap();
        let got: Vec<String> = wb.worksheets().iter().map(|w| w.name()).collect();
        assert_eq!(got, sheets.iter().map(ToString::to_string).collect::<Vec<_>>());
        assert!(sheets.iter().all(|s| s.chars().count() <= 31));
        let bytes = wb.save_to_buffer().unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
