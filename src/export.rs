//! Files people open in a spreadsheet program.
//!
//! Every CSV the service writes goes through [`spreadsheet_csv`] or
//! [`plain_csv`], and so through [`neutralise`]: a cell that a spreadsheet
//! program would read as a formula (CSV or formula injection, OWASP) is
//! written as text instead.

use std::borrow::Cow;

/// The characters a spreadsheet program reads as the start of a formula
/// (OWASP "CSV Injection"): `=`, `+`, `-`, `@`, a tab and a carriage return.
const FORMULA_STARTS: &[u8] = b"=+-@\t\r";

/// Whether `cell` is a plain decimal number, optionally negative (`-30`,
/// `-1.5`): no formula can be written with only a sign, digits and a point,
/// so such cells stay numbers for the spreadsheet (minutes of a report can
/// be negative, and `'-30` would be text that no longer adds up).
fn is_plain_number(cell: &[u8]) -> bool {
    let body = cell.strip_prefix(b"-").unwrap_or(cell);
    let (whole, fraction) = match body.iter().position(|b| *b == b'.') {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    !whole.is_empty()
        && whole.iter().all(u8::is_ascii_digit)
        && fraction.is_none_or(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit))
}

/// A cell as written to a CSV: one that starts with a formula character is
/// prefixed with `'`, which spreadsheet programs show as text and do not
/// evaluate (OWASP). Plain numbers such as `-30` are left as they are (see
/// [`is_plain_number`]); everything else starting with `-`, such as `-1:30`
/// or `-cmd`, is prefixed.
pub fn neutralise(cell: &[u8]) -> Cow<'_, [u8]> {
    match cell.first() {
        Some(b) if FORMULA_STARTS.contains(b) && !is_plain_number(cell) => {
            let mut out = Vec::with_capacity(cell.len() + 1);
            out.push(b'\'');
            out.extend_from_slice(cell);
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(cell),
    }
}

/// Writes the header and rows after `start`, every cell neutralised.
fn write_csv<R, F>(start: Vec<u8>, header: &[&str], rows: R) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(start);
    w.write_record(header.iter().map(|h| neutralise(h.as_bytes())))?;
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c.as_ref())))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// CSV for spreadsheet programs: UTF-8 with a BOM (Excel in Japan then reads
/// it as UTF-8 instead of Shift_JIS), the header row, then the rows.
pub fn spreadsheet_csv<R, F>(header: &[&str], rows: R) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<[u8]>,
{
    write_csv(b"\xEF\xBB\xBF".to_vec(), header, rows)
}

/// CSV without a BOM, for scripts (`kinmu report monthly --format csv`),
/// its cells neutralised like [`spreadsheet_csv`]'s: such files end up in a
/// spreadsheet program too.
pub fn plain_csv<R, F>(header: &[&str], rows: R) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<[u8]>,
{
    write_csv(Vec::new(), header, rows)
}

/// One table as an Excel workbook of one sheet named `sheet`: the header
/// row bold and frozen, every column `width` wide; the cells of the
/// `numeric` columns that read as numbers are written as numbers, all
/// others as text (a workbook cell written as text is never a formula).
/// The payroll export and the dashboard's export both write through it.
pub fn spreadsheet_xlsx(
    sheet: &str,
    header: &[&str],
    rows: &[Vec<String>],
    numeric: &[usize],
    width: f64,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook, XlsxError};
    let col = |c: usize| u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError);
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, col(c)?, *h, &head)?;
        ws.set_column_width(col(c)?, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, value) in row.iter().enumerate() {
            match value.parse::<f64>() {
                Ok(n) if numeric.contains(&c) => ws.write_number(r, col(c)?, n)?,
                _ => ws.write_string(r, col(c)?, value)?,
            };
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_with_a_bom_and_quotes_what_needs_it() {
        let out = spreadsheet_csv(&["氏名", "備考"], vec![vec!["山田, 太郎", "a\"b"]]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{feff}氏名,備考\n\"山田, 太郎\",\"a\"\"b\"\n"
        );
    }

    #[test]
    fn cells_that_start_a_formula_are_written_as_text() {
        let cells = [
            "=HYPERLINK(\"http://x\")",
            "+cmd",
            "-cmd",
            "@SUM(1)",
            "\tx",
            "\rx",
            "-1:30",
            "-",
            "-1.",
            "--1",
            "-1e5",
        ];
        for cell in cells {
            let out = neutralise(cell.as_bytes());
            assert_eq!(out.as_ref(), format!("'{cell}").as_bytes(), "{cell:?}");
        }
        for cell in ["-30", "-1.5", "0", "12", "山田", "", "a=b", "'=x", " =x"] {
            assert_eq!(neutralise(cell.as_bytes()).as_ref(), cell.as_bytes(), "{cell:?}");
        }
        let out = plain_csv(&["name", "minutes"], vec![vec!["=1+2", "-30"]]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "name,minutes\n'=1+2,-30\n");
    }
}
