//! Importing PC logon sessions (formats.md): the objective record is
//! append-only, a row names its doctor by staff id or PC account, and a
//! session already stored (or repeated in the file) is unchanged.

use super::plan::{line_i32, row_error, Plan, Tx};
use super::ImportRequest;
use crate::db::models::{NewPcSession, StoredPcSession};
use crate::db::{queries, AnyConnection};
use crate::import::{self, Lined, Rejections};
use chrono::{Duration, NaiveDateTime};
use std::collections::HashMap;

/// PC sessions: the objective record is append-only; a session already
/// stored is unchanged.
pub(super) fn pclog(
    conn: &mut AnyConnection,
    rows: Vec<Lined<import::PcRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let doctors = queries::all_doctors(conn)?;
    let mut accounts: HashMap<&str, i64> = doctors
        .iter()
        .filter_map(|d| Some((d.pc_account.as_deref()?, d.id)))
        .collect();
    // A staff id wins over another doctor's PC account of the same spelling.
    accounts.extend(doctors.iter().map(|d| (d.staff_id.as_str(), d.id)));

    // Collected from `rows.into_iter()`, which lets the standard library
    // reuse the records' buffer for the sessions (they are the same size)
    // instead of holding both at once.
    let sessions: Vec<NewPcSession> = rows
        .into_iter()
        .filter_map(|Lined { line, value }| {
            let Some(&doctor_id) = accounts.get(value.account.as_str()) else {
                rejected.push(row_error(
                    line,
                    Some("staff_id"),
                    format!("アカウント {:?} に該当する医師がいません（職員番号またはPCアカウント） / no doctor has this staff id or PC account", value.account),
                ));
                return None;
            };
            Some(NewPcSession {
                doctor_id,
                pc_name: value.pc_name.unwrap_or_default(),
                logon_at: value.logon,
                logoff_at: value.logoff,
                batch_id: None,
                source_line: line_i32(line),
            })
        })
        .collect();
    // A session is new unless an earlier row of the file or a stored session
    // has its key. The keys borrow their PC names (from `sessions` and
    // `stored`) rather than copying them, and sessions are compared sorted
    // (ties in file order) instead of through a set of a million keys.
    type Key<'a> = (i64, &'a str, NaiveDateTime, NaiveDateTime);
    fn key(s: &NewPcSession) -> Key<'_> {
        (s.doctor_id, s.pc_name.as_str(), s.logon_at, s.logoff_at)
    }
    let mut stored: Vec<StoredPcSession> = Vec::new();
    if let (Some(min), Some(max)) = (
        sessions.iter().map(|s| s.logon_at).min(),
        sessions.iter().map(|s| s.logon_at).max(),
    ) {
        let mut ids: Vec<i64> = sessions.iter().map(|s| s.doctor_id).collect();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(500) {
            stored.extend(queries::pc_sessions_between(
                conn,
                Some(chunk),
                min,
                max + Duration::seconds(1),
            )?);
        }
    }
    let mut stored_keys: Vec<Key> = stored
        .iter()
        .map(|s| (s.doctor_id, s.pc_name.as_str(), s.logon_at, s.logoff_at))
        .collect();
    stored_keys.sort_unstable();
    let mut order: Vec<usize> = (0..sessions.len()).collect();
    order.sort_unstable_by(|&a, &b| key(&sessions[a]).cmp(&key(&sessions[b])).then(a.cmp(&b)));
    let mut keep = vec![false; sessions.len()];
    let mut previous: Option<Key> = None;
    for &i in &order {
        let k = key(&sessions[i]);
        if previous != Some(k) && stored_keys.binary_search(&k).is_err() {
            keep[i] = true;
        }
        previous = Some(k);
    }
    drop(order);
    drop(stored_keys);
    drop(stored);
    let unchanged = keep.iter().filter(|k| !**k).count();
    let mut keep = keep.into_iter();
    let mut inserts = sessions;
    inserts.retain(|_| keep.next().unwrap_or(false));
    inserts.shrink_to_fit();
    let _ = req;
    Ok(Plan {
        inserted: inserts.len(),
        corrected: 0,
        superseded: 0,
        unchanged,
        write: Box::new(move |conn, batch_id| {
            for s in &mut inserts {
                s.batch_id = Some(batch_id);
            }
            queries::insert_pc_sessions(conn, &inserts)
        }),
    })
}
