//! Files people open in a spreadsheet program.

/// CSV for spreadsheet programs: UTF-8 with a BOM (Excel in Japan then reads
/// it as UTF-8 instead of Shift_JIS), the header row, then the rows.
pub fn spreadsheet_csv<R, F>(header: &[&str], rows: R) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
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
}
