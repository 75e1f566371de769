//! One row per staff and day (KING OF TIME, jinjer, time recorders): each
//! punch pair of a record is a timecard row or a PC session
//! (docs/formats.md, "Layouts"):
//! - a record without any punch is a day not worked and is skipped, as are
//!   records the layout's `skip` rules name (合計 rows) — neither is an
//!   error;
//! - each punch pair with a start or an end is one row; an unmarked end not
//!   after its start is on the next day (rules §1), and so is an unmarked
//!   start earlier than the previous pair's end;
//! - a break written as an amount belongs to the longest pair of the row
//!   (the first of equally long ones): a break is taken inside the long
//!   stretch of a split day, not in the short one; a break written as start
//!   and end belongs to the pair that contains it, and one outside every
//!   pair is a row error.

use super::notation::{self, Moment};
use super::read::{flagged, pair_cols, sheet, skip_cols, skipped, Found, Header, PairCols, Rec};
use super::spec::{Breaks, Table};
use crate::domain::{Kind, Minutes, Shift, ShiftError};
use crate::import::header::{header_key, MAX_ACCOUNT_CHARS, MAX_CODE_CHARS, MAX_NAME_CHARS};
use crate::import::{FileError, Lined, Parsed, PcRecord, ShiftRecord};
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// Columns of a daily table layout.
pub(super) struct DailyCols {
    staff_id: Found,
    date: Found,
    pc_name: Option<Found>,
    kind: Option<Found>,
    pairs: Vec<PairCols>,
    break_amount: Option<Found>,
    break_pairs: Vec<PairCols>,
    skip: Vec<(Found, Vec<String>)>,
}

fn daily_cols(table: &Table, header: &mut Header) -> Result<DailyCols, FileError> {
    let mut missing = Vec::new();
    let staff_id = header.require(&table.staff_id, &mut missing);
    let date = table.date.as_ref().and_then(|d| header.require(d, &mut missing));
    let pairs = pair_cols(header, &table.pairs, &mut missing, false);
    let pc_name = table.pc_name.as_ref().and_then(|c| header.find(c));
    let kind = table.kind.as_ref().and_then(|c| header.find(c));
    let (break_amount, break_pairs) = match &table.breaks {
        Breaks::None => (None, Vec::new()),
        Breaks::Amount(c, _) => (header.find(c), Vec::new()),
        Breaks::Pairs(p) => (None, pair_cols(header, p, &mut Vec::new(), false)),
    };
    let skip = skip_cols(table, header);
    match (staff_id, date) {
        (Some(staff_id), Some(date)) if missing.is_empty() => Ok(DailyCols {
            staff_id,
            date,
            pc_name,
            kind,
            pairs,
            break_amount,
            break_pairs,
            skip,
        }),
        _ => Err(FileError::MissingColumns(missing)),
    }
}

/// The names of a pair's two ends, for reasons: (Japanese, English) each.
type Ends = [(&'static str, &'static str); 2];
const PUNCH: Ends = [("出勤", "clock-in"), ("退勤", "clock-out")];
const SESSION: Ends = [("PC起動", "logon"), ("PC停止", "logoff")];
const BREAK: Ends = [("休憩開始", "break start"), ("休憩終了", "break end")];

/// `end` moved to the next day when unmarked and not after `start`
/// (rules §1: an end below the start is the next morning).
fn after(end: Moment, start: NaiveDateTime) -> NaiveDateTime {
    if !end.marked && end.at <= start {
        end.at + Duration::days(1)
    } else {
        end.at
    }
}

/// The pairs of a row, as instants: `None` when a cell was refused, an
/// empty list when the row has none. An unmarked start before the previous
/// pair's end (or, with `floor`, before the row's first start) is on the
/// next day.
fn read_pairs<'c>(
    table: &Table,
    rec: &mut Rec<'_>,
    pairs: &'c [PairCols],
    date: NaiveDate,
    floor: Option<NaiveDateTime>,
    ends: Ends,
) -> Option<Vec<(NaiveDateTime, NaiveDateTime, &'c PairCols)>> {
    let mut out: Vec<(NaiveDateTime, NaiveDateTime, &PairCols)> = Vec::new();
    let mut ok = true;
    for p in pairs {
        let (Some(s), Some(e)) = (
            rec.cell(Some(&p.start), MAX_CODE_CHARS),
            rec.cell(Some(&p.end), MAX_CODE_CHARS),
        ) else {
            ok = false;
            continue;
        };
        let missing = match (s.is_empty(), e.is_empty()) {
            (true, true) => continue,
            (true, false) => Some((&p.start, ends[0])),
            (false, true) => Some((&p.end, ends[1])),
            (false, false) => None,
        };
        if let Some((col, (ja, en))) = missing {
            rec.reject(Some(col), format!("{ja}がありません / {en} is missing"));
            ok = false;
            continue;
        }
        let (sf, ef) = (
            flagged(table, rec, p.start_flag.as_ref()),
            flagged(table, rec, p.end_flag.as_ref()),
        );
        let start = rec.parse(Some(&p.start), |s| notation::moment(s, date, table.date_format, sf));
        let end = rec.parse(Some(&p.end), |s| notation::moment(s, date, table.date_format, ef));
        let (Some(start), Some(end)) = (start, end) else {
            ok = false;
            continue;
        };
        let before = out.last().map(|(_, e, _)| *e).or(floor);
        let start_at = match before {
            Some(b) if !start.marked && start.at < b => start.at + Duration::days(1),
            _ => start.at,
        };
        out.push((start_at, after(end, start_at), p));
    }
    ok.then_some(out)
}

/// Whether any punch cell of the row is written.
fn has_punch(rec: &mut Rec<'_>, pairs: &[PairCols]) -> bool {
    pairs.iter().any(|p| {
        [&p.start, &p.end]
            .iter()
            .any(|c| rec.cell(Some(c), usize::MAX / 8).is_some_and(|s| !s.is_empty()))
    })
}

/// The kind a row's kind cell names.
fn kind(table: &Table, rec: &mut Rec<'_>, col: Option<&Found>) -> Option<Kind> {
    rec.parse(col, |s| {
        let key = header_key(s);
        if s.is_empty() || table.day_off.contains(&key) {
            return Ok(table.kind_default);
        }
        if let Some((_, k)) = table.kind_values.iter().find(|(v, _)| *v == key) {
            return Ok(*k);
        }
        Kind::parse(s).ok_or_else(|| format!("勤務区分が不明です: {s:?} / unknown kind"))
    })
}

/// Reads a daily timecard or roster layout.
pub(super) fn shifts(table: &Table, bytes: &[u8]) -> Result<Parsed<ShiftRecord>, FileError> {
    let unit = match &table.breaks {
        Breaks::Amount(_, unit) => Some(*unit),
        _ => None,
    };
    let (sheet, _) = sheet(
        table,
        bytes,
        |h| daily_cols(table, h),
        |c: &DailyCols, rec| {
            if skipped(&c.skip, rec) || !has_punch(rec, &c.pairs) {
                return None;
            }
            let staff_id = rec.required(&c.staff_id, ("職員番号", "staff id"), MAX_CODE_CHARS);
            let date = rec.parse(Some(&c.date), |s| {
                if s.is_empty() {
                    Err("日付が空です / date is empty".into())
                } else {
                    notation::date(s, table.date_format)
                }
            });
            let kind = kind(table, rec, c.kind.as_ref());
            let amount = match unit {
                Some(unit) => rec.parse(c.break_amount.as_ref(), |s| notation::break_amount(s, unit)),
                None => Some(0),
            };
            let (staff_id, date, kind, amount) = (staff_id?, date?, kind?, amount?);
            let pairs = read_pairs(table, rec, &c.pairs, date, None, PUNCH)?;
            let first = pairs.first().map(|(s, _, _)| *s);
            let breaks = read_pairs(table, rec, &c.break_pairs, date, first, BREAK)?;
            let mut minutes: Vec<Minutes> = vec![0; pairs.len()];
            // A break amount belongs to the longest pair (the first of
            // equally long ones).
            if let Some(i) = (0..pairs.len()).rev().max_by_key(|i| pairs[*i].1 - pairs[*i].0) {
                minutes[i] = amount;
            }
            for (bs, be, cols) in &breaks {
                match pairs.iter().position(|(s, e, _)| s <= bs && be <= e) {
                    Some(i) => minutes[i] += (*be - *bs).num_minutes(),
                    None => rec.reject(
                        Some(&cols.start),
                        format!(
                            "休憩（{bs} → {be}）がどの出勤・退勤の間にもありません / break outside every punch pair"
                        ),
                    ),
                }
            }
            let mut out = Vec::new();
            for ((start, end, cols), minutes) in pairs.iter().zip(minutes) {
                match Shift::new(*start, *end, minutes, kind) {
                    Ok(shift) => out.push(ShiftRecord::new(staff_id.clone(), shift)),
                    Err(e) => {
                        let col = match e {
                            ShiftError::NegativeBreak(_) | ShiftError::BreakTooLong { .. } => {
                                c.break_amount.as_ref().or(Some(&cols.end))
                            }
                            _ => Some(&cols.end),
                        };
                        rec.reject(col, e.to_string());
                    }
                }
            }
            Some(out)
        },
    )?;
    let rows = flatten(&sheet.rows);
    Ok(sheet.into_parsed(rows, Vec::new()))
}

fn flatten<T: Clone>(rows: &[Lined<Vec<T>>]) -> Vec<Lined<T>> {
    rows.iter()
        .flat_map(|r| {
            r.value.iter().map(|v| Lined {
                line: r.line,
                value: v.clone(),
            })
        })
        .collect()
}

/// Reads a daily PC sessions layout (jinjer's 入退館・PCログ).
pub(super) fn sessions(table: &Table, bytes: &[u8]) -> Result<Parsed<PcRecord>, FileError> {
    let (sheet, _) = sheet(
        table,
        bytes,
        |h| daily_cols(table, h),
        |c: &DailyCols, rec| {
            if skipped(&c.skip, rec) || !has_punch(rec, &c.pairs) {
                return None;
            }
            let account = rec.required(&c.staff_id, ("職員番号", "staff id"), MAX_ACCOUNT_CHARS);
            let pc_name = rec.cell(c.pc_name.as_ref(), MAX_NAME_CHARS);
            let date = rec.parse(Some(&c.date), |s| notation::date(s, table.date_format));
            let (account, pc_name, date) = (account?, pc_name?, date?);
            let pairs = read_pairs(table, rec, &c.pairs, date, None, SESSION)?;
            let mut out = Vec::new();
            for (logon, logoff, cols) in pairs {
                if logoff <= logon {
                    rec.reject(
                        Some(&cols.end),
                        format!(
                            "ログオフがログオンより後ではありません（{logon} → {logoff}） / logoff is not after logon"
                        ),
                    );
                    continue;
                }
                out.push(PcRecord {
                    account: account.clone(),
                    pc_name: Some(pc_name.clone()).filter(|s| !s.is_empty()),
                    logon,
                    logoff,
                });
            }
            Some(out)
        },
    )?;
    let rows = flatten(&sheet.rows);
    Ok(sheet.into_parsed(rows, Vec::new()))
}
