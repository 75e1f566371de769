//! Importing PC logon sessions (formats.md): the objective record is
//! append-only, a row names its doctor by staff id or PC account, and a
//! session already stored (or repeated in the file) is unchanged. The file
//! comes in parts (blocks of kinmu's own layout, or a vendor's file read
//! whole): [`super::stream`].

use super::plan::{line_i32, row_error, Tx};
use crate::db::models::{NewPcSession, StoredPcSession};
use crate::db::{queries, AnyConnection};
use crate::import::{self, Lined, Rejections};
use chrono::{Duration, NaiveDateTime};
use std::collections::HashMap;

/// Doctors by the names a PC log may give them: staff id or PC account.
pub(super) struct Accounts(HashMap<String, i64>);

impl Accounts {
    pub(super) fn load(conn: &mut AnyConnection) -> Result<Accounts, Tx> {
        let doctors = queries::all_doctors(conn)?;
        let mut accounts: HashMap<String, i64> = doctors
            .iter()
            .filter_map(|d| Some((d.pc_account.clone()?, d.id)))
            .collect();
        // A staff id wins over another doctor's PC account of the same spelling.
        accounts.extend(doctors.into_iter().map(|d| (d.staff_id, d.id)));
        Ok(Accounts(accounts))
    }
}

/// The sessions of `rows` to insert (their batch not yet set), and how many
/// are unchanged: a session is new unless an earlier row of the file or a
/// stored session has its key. Rows of earlier blocks of the same import
/// are stored already (in the same transaction), so this holds across
/// blocks too.
pub(super) fn plan_sessions(
    conn: &mut AnyConnection,
    accounts: &Accounts,
    rows: Vec<Lined<import::PcRecord>>,
    rejected: &mut Rejections,
) -> Result<(Vec<NewPcSession>, usize), Tx> {
    // Collected from `rows.into_iter()`, which lets the standard library
    // reuse the records' buffer for the sessions (they are the same size)
    // instead of holding both at once.
    let sessions: Vec<NewPcSession> = rows
        .into_iter()
        .filter_map(|Lined { line, value }| {
            let Some(&doctor_id) = accounts.0.get(value.account.as_str()) else {
                rejected.push(row_error(
                    line,
                    Some("アカウント"),
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
    // The keys borrow their PC names (from `sessions` and `stored`) rather
    // than copying them, and sessions are compared sorted (ties in file
    // order) instead of through a set of a million keys.
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
    Ok((inserts, unchanged))
}
