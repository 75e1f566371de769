//! The upload preview through a layout (issue 12): the same reader the
//! import runs ([`read_shifts`](super::read_shifts) /
//! [`read_pclog`](super::read_pclog)), so the preview shows what the
//! import reads; the columns the layout reads are named, and each record
//! is shown as written with the rows kinmu made of it (a record with two
//! punch pairs shows two rows) or why it was refused.

use super::read::{after_lines, blank, reader, Header};
use super::spec::{Breaks, Reader, Table};
use super::{check_doctors, read_pclog, read_shifts, Layout, Read};
use crate::import::header::MAX_COLUMNS;
use crate::import::preview::{pc_values, shift_values, MAX_SHOWN_CHARS, PC_LABELS, SHIFT_LABELS};
use crate::import::table::Lines;
use crate::import::{cut_chars, decode, ColumnReading, FileError, Preview, PreviewKind, PreviewRow, RowError};
use std::collections::BTreeMap;

/// Previews a file as the import will read it: through `layout`, or (with
/// `None`) the layout recognised from its header. Fails exactly when the
/// import would fail as a whole.
pub fn preview(layout: Option<&Layout>, kind: PreviewKind, bytes: &[u8], limit: usize) -> Result<Preview, FileError> {
    let (read, values): (Read<Vec<String>>, &[(&'static str, &'static str)]) = match kind {
        PreviewKind::Doctors => {
            check_doctors(layout)?;
            return crate::import::preview(kind, bytes, limit);
        }
        PreviewKind::Employers => {
            super::check_employers(layout)?;
            return crate::import::preview(kind, bytes, limit);
        }
        PreviewKind::Permits => {
            super::check_permits(layout)?;
            return crate::import::preview(kind, bytes, limit);
        }
        PreviewKind::CompRest => {
            super::check_comp_rest(layout)?;
            return crate::import::preview(kind, bytes, limit);
        }
        PreviewKind::Shifts => (map(read_shifts(layout, bytes)?, shift_values), &SHIFT_LABELS),
        PreviewKind::Pclog => (map(read_pclog(layout, bytes)?, pc_values), &PC_LABELS),
    };
    let chosen = match layout {
        Some(l) => l.clone(),
        None => Layout::preset(&read.layout).map_err(|e| FileError::Layout(e.to_string()))?,
    };
    let table = match &chosen.reader {
        // kinmu's own columns: the preview of formats.md's reader.
        Reader::Kinmu => return crate::import::preview(kind, bytes, limit),
        Reader::Shifts(t) | Reader::PcSessions(t) => Some(t.as_ref()),
        Reader::Windows(..) => None,
    };
    let (skip_lines, header_row) = table.map_or((0, true), |t| (t.skip_lines, t.header));
    let decoded = match table {
        Some(t) => super::read::decode(t.encoding, bytes)?,
        None => decode(bytes)?,
    };
    let text = decoded
        .text
        .get(after_lines(&decoded.text, skip_lines)..)
        .unwrap_or_default();
    let mut lines = Lines::new(text.as_bytes(), skip_lines + 1);
    let mut records = reader(text)
        .into_records()
        .filter(|r| !matches!(r, Ok(record) if blank(record)));
    let first = match (header_row, records.next()) {
        (true, Some(Ok(h))) => {
            lines.of(h.position());
            Some(h)
        }
        (true, _) => return Err(FileError::Empty),
        (false, _) => None,
    };
    // Records as written, by line: the first `limit` of them.
    let mut written: Vec<(usize, Vec<String>)> = Vec::new();
    let mut count = 0usize;
    let mut width = first.as_ref().map_or(0, |h| h.len());
    let mut records = records.peekable();
    if !header_row {
        // The file's first record counted again from the start.
        let again = reader(text).into_records().find(|r| matches!(r, Ok(x) if !blank(x)));
        if let Some(Ok(r)) = again {
            width = r.len();
        }
    }
    while let Some(Ok(record)) = records.next() {
        count += 1;
        let line = lines.of(record.position());
        if written.len() < limit {
            written.push((
                line,
                record
                    .iter()
                    .take(MAX_COLUMNS)
                    .map(|c| cut_chars(c, MAX_SHOWN_CHARS))
                    .collect(),
            ));
        }
    }
    let roles = table.map(|t| roles(t, kind, first.clone())).unwrap_or_default();
    let columns = (0..width.min(MAX_COLUMNS))
        .map(|i| ColumnReading {
            header: match &first {
                Some(h) => cut_chars(h.get(i).unwrap_or_default(), MAX_SHOWN_CHARS),
                None => format!("{}列目", i + 1),
            },
            field: roles.get(&i).map(|r| r.0),
            label: roles.get(&i).map(|r| r.1),
        })
        .collect();
    let mut read_by_line: BTreeMap<usize, Vec<Vec<String>>> = BTreeMap::new();
    for r in &read.parsed.rows {
        read_by_line.entry(r.line).or_default().push(r.value.clone());
    }
    let rejected_records = read.parsed.rejected.rows();
    let mut errors: BTreeMap<usize, Vec<RowError>> = BTreeMap::new();
    for e in read.parsed.rejected.listed() {
        errors.entry(e.line).or_default().push(e.clone());
    }
    let mut rows = Vec::new();
    for (line, cells) in written {
        let made = read_by_line.remove(&line).unwrap_or_default();
        let errs = errors.remove(&line).unwrap_or_default();
        if made.is_empty() || !errs.is_empty() {
            rows.push(PreviewRow {
                line,
                cells: cells.clone(),
                read: Vec::new(),
                errors: errs,
            });
        }
        for read in made {
            rows.push(PreviewRow {
                line,
                cells: cells.clone(),
                read,
                errors: Vec::new(),
            });
        }
    }
    Ok(Preview {
        encoding: read.parsed.encoding,
        columns,
        read_labels: values.to_vec(),
        rows,
        records: count,
        rejected_records,
        layout: chosen.name.clone(),
        layout_title: chosen.title.clone(),
    })
}

fn map<T>(read: Read<T>, values: fn(&T) -> Vec<String>) -> Read<Vec<String>> {
    let crate::import::Parsed {
        rows,
        rejected,
        ignored_columns,
        ignored_columns_omitted,
        encoding,
        notices,
    } = read.parsed;
    Read {
        parsed: crate::import::Parsed {
            rows: rows
                .into_iter()
                .map(|r| crate::import::Lined {
                    line: r.line,
                    value: values(&r.value),
                })
                .collect(),
            rejected,
            ignored_columns,
            ignored_columns_omitted,
            encoding,
            notices,
        },
        layout: read.layout,
    }
}

/// What each column a layout reads is, by index: (field, Japanese label).
fn roles(
    t: &Table,
    kind: PreviewKind,
    header: Option<csv::StringRecord>,
) -> BTreeMap<usize, (&'static str, &'static str)> {
    let mut h = Header::of(header);
    let mut out = BTreeMap::new();
    let mut put = |h: &mut Header, col: Option<&super::spec::Col>, role: (&'static str, &'static str)| {
        if let Some(found) = col.and_then(|c| h.find(c)) {
            out.entry(found.index).or_insert(role);
        }
    };
    let sessions = kind == PreviewKind::Pclog;
    put(&mut h, Some(&t.staff_id), ("staff_id", "職員番号"));
    put(&mut h, t.date.as_ref(), ("date", "日付"));
    put(&mut h, t.pc_name.as_ref(), ("pc_name", "端末名"));
    put(&mut h, t.kind.as_ref(), ("kind", "勤務区分"));
    for p in &t.pairs {
        let (s, e) = if sessions {
            (("logon", "ログオン"), ("logoff", "ログオフ"))
        } else {
            (("clock_in", "出勤"), ("clock_out", "退勤"))
        };
        put(&mut h, Some(&p.start), s);
        put(&mut h, Some(&p.end), e);
        put(&mut h, p.start_flag.as_ref(), ("next_day", "翌日フラグ"));
        put(&mut h, p.end_flag.as_ref(), ("next_day", "翌日フラグ"));
    }
    match &t.breaks {
        Breaks::None => {}
        Breaks::Amount(c, _) => put(&mut h, Some(c), ("break_minutes", "休憩")),
        Breaks::Pairs(pairs) => {
            for p in pairs {
                put(&mut h, Some(&p.start), ("break_start", "休憩開始"));
                put(&mut h, Some(&p.end), ("break_end", "休憩終了"));
            }
        }
    }
    if let Some(p) = &t.punch {
        put(&mut h, Some(&p.at), ("punched_at", "打刻日時"));
        put(&mut h, Some(&p.kind), ("punch_type", "打刻区分"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_of_a_vendor_file_names_its_layout_columns_and_rows_per_pair() {
        let text = "*従業員ID,従業員名,*年月日,出勤1,退勤1,出勤2,退勤2\n\
                    D001,山田,2024/06/03,08:30,12:00,13:00,17:30\n\
                    D001,山田,2024/06/04,,,,\n\
                    D001,山田,2024/06/05,08:30,,,\n";
        let p = preview(None, PreviewKind::Shifts, text.as_bytes(), 10).unwrap();
        assert_eq!(
            (p.layout.as_str(), p.records, p.rejected_records),
            ("jinjer-daily", 3, 1)
        );
        let read: Vec<(&str, Option<&str>)> = p.columns.iter().map(|c| (c.header.as_str(), c.label)).collect();
        assert_eq!(
            read,
            vec![
                ("*従業員ID", Some("職員番号")),
                ("従業員名", None),
                ("*年月日", Some("日付")),
                ("出勤1", Some("出勤")),
                ("退勤1", Some("退勤")),
                ("出勤2", Some("出勤")),
                ("退勤2", Some("退勤")),
            ]
        );
        let rows: Vec<(usize, Option<&str>, usize)> = p
            .rows
            .iter()
            .map(|r| (r.line, r.read.get(1).map(String::as_str), r.errors.len()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (2, Some("2024-06-03 08:30"), 0),
                (2, Some("2024-06-03 13:00"), 0),
                (3, None, 0),
                (4, None, 1),
            ]
        );
    }

    #[test]
    fn a_preview_through_the_kinmu_layout_is_kinmus_own_preview() {
        let text = "staff_id,date,clock_in,clock_out\nD001,2024-06-03,08:00,17:00\n";
        let through = preview(
            Some(&Layout::preset("kinmu").unwrap()),
            PreviewKind::Shifts,
            text.as_bytes(),
            10,
        );
        assert_eq!(
            through,
            crate::import::preview(PreviewKind::Shifts, text.as_bytes(), 10)
        );
        assert_eq!(through.unwrap().layout, "kinmu");
    }
}
