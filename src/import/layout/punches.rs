//! One punch per row (ジョブカン's 打刻データ): each record is a staff id,
//! an instant and a punch type, assembled per staff, in time order, into
//! shifts: 出勤 opens a shift, 休憩開始/休憩終了 inside it add a break,
//! 退勤 closes it. A shift's row is the line of its 出勤. A punch that does
//! not fit (a 退勤 without 出勤, a 出勤 while one is open, a break outside
//! a shift, a shift still open at the end of the file) is a row error on
//! its line; the shift it belongs to is not read.

use super::notation;
use super::read::{sheet, skip_cols, skipped, Found, Rec};
use super::spec::{PunchType, Table};
use crate::domain::{Shift, ShiftError};
use crate::import::header::{header_key, MAX_CODE_CHARS};
use crate::import::{FileError, Lined, Parsed, RowError, ShiftRecord};
use chrono::NaiveDateTime;
use std::collections::HashMap;

struct Cols {
    staff_id: Found,
    date: Option<Found>,
    at: Found,
    kind: Found,
    skip: Vec<(Found, Vec<String>)>,
}

#[derive(Debug, Clone)]
struct PunchRow {
    staff_id: String,
    at: NaiveDateTime,
    kind: PunchType,
}

fn error(line: usize, column: &Found, reason: &str) -> RowError {
    RowError {
        line,
        column: Some(column.shown.clone()),
        reason: reason.to_string(),
    }
}

/// Reads a one-punch-per-row layout into shifts.
pub(super) fn shifts(table: &Table, bytes: &[u8]) -> Result<Parsed<ShiftRecord>, FileError> {
    let Some(punch) = &table.punch else {
        return Err(FileError::Layout("打刻の列がありません / no punch columns".into()));
    };
    let (sheet, cols) = sheet(
        table,
        bytes,
        |h| {
            let mut missing = Vec::new();
            let staff_id = h.require(&table.staff_id, &mut missing);
            let date = table.date.as_ref().and_then(|d| h.require(d, &mut missing));
            let at = h.require(&punch.at, &mut missing);
            let kind = h.require(&punch.kind, &mut missing);
            let skip = skip_cols(table, h);
            match (staff_id, at, kind) {
                (Some(staff_id), Some(at), Some(kind)) if missing.is_empty() => Ok(Cols {
                    staff_id,
                    date,
                    at,
                    kind,
                    skip,
                }),
                _ => Err(FileError::MissingColumns(missing)),
            }
        },
        |c: &Cols, rec: &mut Rec<'_>| {
            if skipped(&c.skip, rec) {
                return None;
            }
            let staff_id = rec.required(&c.staff_id, ("職員番号", "staff id"), MAX_CODE_CHARS);
            let day = match &c.date {
                Some(d) => rec.parse(Some(d), |s| notation::date(s, table.date_format)).map(Some),
                None => Some(None),
            };
            let kind = rec.parse(Some(&c.kind), |s| {
                let key = header_key(s);
                punch
                    .types
                    .iter()
                    .find(|(v, _)| *v == key)
                    .map(|(_, t)| *t)
                    .ok_or_else(|| format!("打刻区分が不明です: {s:?} / unknown punch type"))
            });
            let day = day?;
            let at = rec.parse(Some(&c.at), |s| {
                // Without a date column the cell is a full timestamp.
                let fallback = chrono::NaiveDate::MIN;
                let m = notation::moment(s, day.unwrap_or(fallback), table.date_format, false)?;
                if day.is_none() && m.at.date() < crate::domain::input::EARLIEST {
                    return Err(format!(
                        "日時が読めません（YYYY/MM/DD HH:MM）: {s:?} / unreadable date and time (YYYY/MM/DD HH:MM)"
                    ));
                }
                Ok(m.at)
            });
            Some(PunchRow {
                staff_id: staff_id?,
                at: at?,
                kind: kind?,
            })
        },
    )?;

    // Per staff, in time order (file order among equal instants).
    let mut order: Vec<&str> = Vec::new();
    let mut by_staff: HashMap<&str, Vec<&Lined<PunchRow>>> = HashMap::new();
    for p in &sheet.rows {
        by_staff
            .entry(&p.value.staff_id)
            .or_insert_with(|| {
                order.push(&p.value.staff_id);
                Vec::new()
            })
            .push(p);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for staff in order {
        let mut punches = by_staff.remove(staff).unwrap_or_default();
        punches.sort_by_key(|p| (p.value.at, p.line));
        assemble(staff, &punches, table, &cols.kind, &mut rows, &mut errors);
    }
    Ok(sheet.into_parsed(rows, errors))
}

/// One staff's punches, in time order, into shifts.
fn assemble(
    staff: &str,
    punches: &[&Lined<PunchRow>],
    table: &Table,
    col: &Found,
    rows: &mut Vec<Lined<ShiftRecord>>,
    errors: &mut Vec<RowError>,
) {
    // The open shift: its line, start, break minutes, open break, and
    // whether one of its punches was refused.
    struct Open {
        line: usize,
        start: NaiveDateTime,
        breaks: i64,
        break_start: Option<(usize, NaiveDateTime)>,
        broken: bool,
    }
    let mut open: Option<Open> = None;
    for p in punches {
        let (line, at) = (p.line, p.value.at);
        match (p.value.kind, open.as_mut()) {
            (PunchType::In, current) => {
                if let Some(o) = current {
                    errors.push(error(
                        o.line,
                        col,
                        "退勤の打刻がないまま次の出勤があります / clock-in without a clock-out before the next clock-in",
                    ));
                }
                open = Some(Open {
                    line,
                    start: at,
                    breaks: 0,
                    break_start: None,
                    broken: false,
                });
            }
            (PunchType::BreakStart, Some(o)) => {
                if let Some((l, _)) = o.break_start {
                    errors.push(error(
                        l,
                        col,
                        "休憩終了の打刻がありません / break start without a break end",
                    ));
                    o.broken = true;
                }
                o.break_start = Some((line, at));
            }
            (PunchType::BreakEnd, Some(o)) => match o.break_start.take() {
                Some((_, s)) => o.breaks += (at - s).num_minutes(),
                None => {
                    errors.push(error(
                        line,
                        col,
                        "休憩開始のない休憩終了です / break end without a break start",
                    ));
                    o.broken = true;
                }
            },
            (PunchType::Out, Some(_)) => {
                let Some(o) = open.take() else { continue };
                if let Some((l, _)) = o.break_start {
                    errors.push(error(
                        l,
                        col,
                        "休憩終了の打刻がありません / break start without a break end",
                    ));
                    continue;
                }
                if o.broken {
                    continue;
                }
                match Shift::new(o.start, at, o.breaks, table.kind_default) {
                    Ok(shift) => rows.push(Lined {
                        line: o.line,
                        value: ShiftRecord::new(staff.to_string(), shift),
                    }),
                    Err(e @ (ShiftError::TooLong { .. } | ShiftError::EndNotAfterStart { .. })) => {
                        errors.push(error(line, col, &e.to_string()))
                    }
                    Err(e) => errors.push(error(o.line, col, &e.to_string())),
                }
            }
            (PunchType::Out, None) => {
                errors.push(error(line, col, "出勤のない退勤です / clock-out without a clock-in"))
            }
            (PunchType::BreakStart | PunchType::BreakEnd, None) => errors.push(error(
                line,
                col,
                "出勤していない間の休憩の打刻です / break punch outside a shift",
            )),
        }
    }
    if let Some(o) = open {
        errors.push(error(
            o.line,
            col,
            "退勤の打刻がありません / clock-in without a clock-out",
        ));
    }
}
