//! Importing the list of doctors (formats.md, and C.1 of rule book v2):
//! new doctors are inserted, changed ones updated with the change in the
//! audit log (every column, the v2 profile included), and a PC account may
//! belong to one doctor only (nor equal another doctor's staff id).

use super::plan::{row_error, Plan, Tx};
use super::ImportRequest;
use crate::db::models::{Doctor, DoctorFields, NewAuditEntry, NewDoctor};
use crate::db::{queries, AnyConnection};
use crate::domain::Level;
use crate::import::DoctorColumns as Columns;
use crate::import::{self, Lined, Rejections};
use std::collections::{HashMap, HashSet};

/// Doctors: new doctors are inserted, changed ones updated (the change is
/// written to the audit log with the old and new values).
pub(super) fn doctors(
    conn: &mut AnyConnection,
    rows: Vec<Lined<import::DoctorRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let stored = queries::all_doctors(conn)?;
    let by_staff: HashMap<String, Doctor> = stored.iter().map(|d| (d.staff_id.clone(), d.clone())).collect();
    // Who holds each PC account after this file: stored doctors not in the
    // file keep theirs, and every stored doctor when the file has no
    // pc_account column.
    let in_file: HashSet<&str> = rows.iter().map(|r| r.value.staff_id.as_str()).collect();
    let file_has_accounts = rows.first().is_some_and(|r| r.value.columns.any(&["pc_account"]));
    let mut account_holder: HashMap<String, (String, Option<usize>)> = stored
        .iter()
        .filter(|d| !file_has_accounts || !in_file.contains(d.staff_id.as_str()))
        .filter_map(|d| Some((d.pc_account.clone()?, (d.staff_id.clone(), None))))
        .collect();
    let staff_ids: HashSet<String> = stored
        .iter()
        .map(|d| d.staff_id.clone())
        .chain(in_file.iter().map(|s| s.to_string()))
        .collect();

    let mut inserts = Vec::new();
    let mut updates: Vec<(i64, DoctorFields, Doctor)> = Vec::new();
    let mut unchanged = 0;
    for Lined { line, value: rec } in rows {
        if let Some(acct) = &rec.pc_account {
            if let Some((holder, holder_line)) = account_holder.get(acct).filter(|(h, _)| *h != rec.staff_id) {
                let at = holder_line.map(|l| format!("{l}行目の")).unwrap_or_default();
                rejected.push(row_error(
                    line,
                    Some("PCアカウント"),
                    format!("PCアカウント {acct:?} は{at}職員番号 {holder:?} が使っています / PC account already used by another doctor"),
                ));
                continue;
            }
            if *acct != rec.staff_id && staff_ids.contains(acct) {
                rejected.push(row_error(
                    line,
                    Some("PCアカウント"),
                    format!("PCアカウント {acct:?} は他の医師の職員番号と同じです / PC account equals another doctor's staff id"),
                ));
                continue;
            }
            account_holder.insert(acct.clone(), (rec.staff_id.clone(), Some(line)));
        }
        let columns = rec.columns;
        let fields = DoctorFields {
            staff_id: rec.staff_id.clone(),
            name: rec.name,
            department: rec.department,
            level: rec.level.code().into(),
            email: rec.email,
            legal_holiday: rec.legal_holiday.code().into(),
            pc_account: rec.pc_account,
            scheduled_start: rec.scheduled_start.map(|t| t.format("%H:%M").to_string()),
            manager_login: rec.manager_login,
            updated_at: req.now,
            holiday_period_start: rec.holiday_period_start,
            scheduled_end: rec.scheduled_end.map(|t| t.format("%H:%M").to_string()),
            scheduled_days: rec.scheduled_days.map(|d| d.code()),
            regime: rec.regime.code().into(),
            variable_period_start: rec.variable_period_start,
            variable_period: rec.variable_period.code().into(),
            employment_type: rec.employment_type.code().into(),
            main_employer: rec.main_employer,
            contract_date: rec.contract_date,
            clinical_trainee: rec.clinical_trainee,
        };
        let old = by_staff.get(&rec.staff_id).map(|d| (d, DoctorFields::of(d)));
        let fields = with_stored(fields, old.as_ref().map(|(_, f)| f), columns);
        match old {
            Some((_, stored)) if stored.profile() == fields.profile() => unchanged += 1,
            Some((old, _)) => updates.push((old.id, fields, old.clone())),
            None => inserts.push(NewDoctor {
                fields,
                created_at: req.now,
            }),
        }
    }
    let (now, actor) = (req.now, req.actor.map(String::from));
    Ok(Plan {
        inserted: inserts.len(),
        corrected: updates.len(),
        superseded: 0,
        unchanged,
        records: false,
        write: Box::new(move |conn, batch_id| {
            for d in &inserts {
                queries::insert_doctor(conn, d)?;
            }
            for (id, fields, old) in &updates {
                queries::update_doctor(conn, *id, fields)?;
                crate::audit::append(
                    conn,
                    &NewAuditEntry {
                        at: now,
                        actor: actor.clone(),
                        category: crate::audit::Category::Doctor.code().into(),
                        operation: "update".into(),
                        detail: serde_json::json!({
                            "batch_id": batch_id,
                            "staff_id": old.staff_id,
                            "before": DoctorFields::of(old).profile(),
                            "after": fields.profile(),
                        })
                        .to_string(),
                    },
                )?;
            }
            Ok(())
        }),
    })
}

/// A file's doctor with what the file has no column for taken from the
/// stored doctor (`None`: a new doctor, the defaults stay). Columns that are
/// read together stay together: the statutory-holiday form with its 4週
/// start, the regime with its period, the employment type with the main
/// employer. The clinical-trainee flag is kept for a C-1 doctor only.
fn with_stored(mut f: DoctorFields, old: Option<&DoctorFields>, has: Columns) -> DoctorFields {
    if let Some(old) = old {
        // The fields of each set of columns, kept when the file has none.
        macro_rules! keep {
            ($([$($column:literal),+] => $($field:ident),+;)+) => {
                $(if !has.any(&[$($column),+]) {
                    $(f.$field = old.$field.clone();)+
                })+
            };
        }
        keep! {
            ["department"] => department;
            ["level"] => level;
            ["email"] => email;
            ["pc_account"] => pc_account;
            ["scheduled_start"] => scheduled_start;
            ["manager_login"] => manager_login;
            ["scheduled_end"] => scheduled_end;
            ["scheduled_days"] => scheduled_days;
            ["contract_date"] => contract_date;
            ["clinical_trainee"] => clinical_trainee;
            ["legal_holiday", "holiday_period_start"] => legal_holiday, holiday_period_start;
            ["regime", "variable_period_start", "variable_period"] => regime, variable_period_start, variable_period;
            ["employment_type", "main_employer"] => employment_type, main_employer;
        }
    }
    f.clinical_trainee &= f.level == Level::C1.code();
    f
}
