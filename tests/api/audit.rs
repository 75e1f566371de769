//! The access log's hash chain (checklist 2-(6)): a fresh chain verifies;
//! the database refuses to edit or delete an entry; and when someone with
//! the owner's rights drops that guard, an edited, removed or reordered
//! entry is still found, with its id; on both backends.

use crate::helpers::*;
use diesel::prelude::*;
use kinmu::audit::{self, ProblemKind, VerifyReport};
use kinmu::db::AnyConnection;
use kinmu::ingest::ImportKind;

const DOCTORS: &str = "staff_id,name,department,level,legal_holiday,pc_account\n\
D001,山田 太郎,内科,A,sun,yamada-pc\n\
D002,佐藤 花子,外科,B,sat,\n";

const DOCTORS_CORRECTED: &str = "staff_id,name,department,level,legal_holiday,pc_account\n\
D001,山田 太郎,循環器内科,A,sun,yamada-pc\n\
D002,佐藤 花子,外科,B,sat,\n";

/// A log of six entries: two imports (one with a correction entry) and three
/// entries written through `audit::log`. Returns their ids in order.
fn fill(db: &TestDb) -> Vec<i64> {
    db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
    db.import_ok(ImportKind::Doctors, DOCTORS_CORRECTED.as_bytes());
    let mut conn = db.conn();
    for (i, op) in ["sign_in", "read", "sign_out"].iter().enumerate() {
        let at = now() + chrono::Duration::nanoseconds(1_234_567 * (i as i64 + 1));
        audit::log(
            &mut conn,
            Some("jinji"),
            audit::Category::Session,
            op,
            serde_json::json!({ "n": i, "text": "個人情報" }),
            at,
        )
        .unwrap();
    }
    audit::log(
        &mut conn,
        None,
        audit::Category::System,
        "purge",
        serde_json::json!({}),
        now(),
    )
    .unwrap();
    drop(conn);
    db.drop_audit_guard();
    ids(db)
}

fn ids(db: &TestDb) -> Vec<i64> {
    use kinmu::db::schema::audit_log;
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    audit_log::table
        .select(audit_log::id)
        .order(audit_log::id.asc())
        .load(conn)
        .unwrap()
}

fn verify(db: &TestDb) -> VerifyReport {
    audit::verify(&mut db.conn()).unwrap()
}

fn sql(db: &TestDb, statement: &str) {
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    let n = diesel::sql_query(statement).execute(conn).unwrap();
    assert!(n > 0, "{statement} changed nothing on {:?}", db.backend);
}

fn assert_problem(db: &TestDb, report: &VerifyReport, id: i64, kind: ProblemKind) {
    assert!(!report.ok, "{:?}: {report:?}", db.backend);
    let problem = report.problem.as_ref().unwrap();
    assert_eq!((problem.id, problem.kind), (id, kind), "{:?}: {report:?}", db.backend);
    assert!(
        problem.message.contains(" / "),
        "bilingual message: {}",
        problem.message
    );
}

#[test]
fn an_empty_log_verifies() {
    each_backend(|db| {
        let report = verify(db);
        assert_eq!((report.ok, report.entries, report.problem), (true, 0, None));
        assert_eq!(
            serde_json::to_value(verify(db)).unwrap(),
            serde_json::json!({"ok": true, "entries": 0, "keyed": 0, "unkeyed": 0})
        );
    });
}

#[test]
fn a_fresh_chain_verifies_and_each_entry_carries_the_previous_hash() {
    each_backend(|db| {
        let ids = fill(db);
        assert_eq!(ids.len(), 7, "{:?}", db.backend);
        let report = verify(db);
        assert!(report.ok, "{:?}: {report:?}", db.backend);
        assert_eq!(report.entries, 7);
        let last = serde_json::json!({"id": ids[6], "hash": report.last.as_ref().unwrap().hash});
        assert_eq!(
            serde_json::to_value(&report).unwrap(),
            serde_json::json!({"ok": true, "entries": 7, "keyed": 7, "unkeyed": 0, "last": last, "last_keyed": last})
        );

        #[derive(QueryableByName)]
        struct Link {
            #[diesel(sql_type = diesel::sql_types::Text)]
            prev_hash: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            hash: String,
        }
        let mut conn = db.conn();
        let conn: &mut AnyConnection = &mut conn;
        let links: Vec<Link> = diesel::sql_query("SELECT prev_hash, hash FROM audit_log ORDER BY id")
            .load(conn)
            .unwrap();
        assert_eq!(links[0].prev_hash, "");
        for w in links.windows(2) {
            assert_eq!(w[1].prev_hash, w[0].hash);
            assert_eq!(w[1].hash.len(), 64);
        }
    });
}

#[test]
fn an_edited_entry_is_found() {
    each_backend(|db| {
        let ids = fill(db);
        sql(
            db,
            &format!("UPDATE audit_log SET detail = '{{}}' WHERE id = {}", ids[3]),
        );
        let report = verify(db);
        assert_problem(db, &report, ids[3], ProblemKind::Edited);
        assert_eq!(report.entries, ids.len());
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["ok"], false);
        assert_eq!(json["problem"]["kind"], "edited");
        assert_eq!(json["problem"]["id"], ids[3]);
    });
}

#[test]
fn an_edited_actor_or_time_is_found() {
    each_backend(|db| {
        let ids = fill(db);
        sql(
            db,
            &format!("UPDATE audit_log SET actor = 'someone' WHERE id = {}", ids[4]),
        );
        assert_problem(db, &verify(db), ids[4], ProblemKind::Edited);
    });
    each_backend(|db| {
        let ids = fill(db);
        let at = match db.backend {
            Backend::Sqlite => "'2024-06-30 09:00:00'",
            Backend::Postgres => "TIMESTAMP '2024-06-30 09:00:00'",
        };
        sql(db, &format!("UPDATE audit_log SET at = {at} WHERE id = {}", ids[1]));
        assert_problem(db, &verify(db), ids[1], ProblemKind::Edited);
    });
}

#[test]
fn a_removed_entry_is_found_at_the_entry_after_it() {
    each_backend(|db| {
        let ids = fill(db);
        sql(db, &format!("DELETE FROM audit_log WHERE id = {}", ids[2]));
        let report = verify(db);
        assert_problem(db, &report, ids[3], ProblemKind::RemovedOrReordered);
        assert_eq!(report.entries, ids.len() - 1);
        assert_eq!(
            serde_json::to_value(&report).unwrap()["problem"]["kind"],
            "removed_or_reordered"
        );
    });
}

#[test]
fn removing_the_first_entry_is_found() {
    each_backend(|db| {
        let ids = fill(db);
        sql(db, &format!("DELETE FROM audit_log WHERE id = {}", ids[0]));
        assert_problem(db, &verify(db), ids[1], ProblemKind::RemovedOrReordered);
    });
}

/// Swaps the content of two entries, with or without their hashes.
fn swap(db: &TestDb, a: i64, b: i64, with_hashes: bool) {
    use kinmu::db::models::AuditEntry;
    use kinmu::db::schema::audit_log::dsl::*;
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    let row = |conn: &mut AnyConnection, which: i64| -> AuditEntry {
        audit_log
            .filter(id.eq(which))
            .select(AuditEntry::as_select())
            .first(conn)
            .unwrap()
    };
    let (ra, rb) = (row(conn, a), row(conn, b));
    for (target, from, own) in [(a, &rb, &ra), (b, &ra, &rb)] {
        let hashes = if with_hashes { from } else { own };
        diesel::update(audit_log.filter(id.eq(target)))
            .set((
                at.eq(from.at),
                actor.eq(from.actor.as_deref()),
                category.eq(&from.category),
                operation.eq(&from.operation),
                detail.eq(&from.detail),
                prev_hash.eq(&hashes.prev_hash),
                hash.eq(&hashes.hash),
            ))
            .execute(conn)
            .unwrap();
    }
}

#[test]
fn swapped_entries_are_found_with_or_without_their_hashes() {
    // Hashes moved along: each entry is self-consistent but no longer
    // follows its predecessor.
    each_backend(|db| {
        let ids = fill(db);
        swap(db, ids[2], ids[4], true);
        assert_problem(db, &verify(db), ids[2], ProblemKind::RemovedOrReordered);
    });
    each_backend(|db| {
        // Neighbours, the subtlest move.
        let ids = fill(db);
        swap(db, ids[3], ids[4], true);
        assert_problem(db, &verify(db), ids[3], ProblemKind::RemovedOrReordered);
    });
    each_backend(|db| {
        // Content moved, hashes left in place: content and hash disagree.
        let ids = fill(db);
        swap(db, ids[3], ids[4], false);
        assert_problem(db, &verify(db), ids[3], ProblemKind::Edited);
    });
}

#[test]
fn an_edit_rehashed_by_hand_is_still_found_at_the_next_entry() {
    // Someone who knows the encoding edits an entry and recomputes its hash:
    // without the key its signature gives it away (and the next entry's
    // prev_hash would too).
    each_backend(|db| {
        let ids = fill(db);
        let mut conn = db.conn();
        let conn: &mut AnyConnection = &mut conn;
        let entry = {
            use kinmu::db::models::AuditEntry;
            use kinmu::db::schema::audit_log;
            audit_log::table
                .filter(audit_log::id.eq(ids[2]))
                .select(AuditEntry::as_select())
                .first(conn)
                .unwrap()
        };
        let hash = audit::entry_hash(
            &entry.prev_hash,
            entry.at,
            entry.actor.as_deref(),
            &entry.category,
            &entry.operation,
            "{}",
        );
        diesel::sql_query(format!(
            "UPDATE audit_log SET detail = '{{}}', hash = '{hash}' WHERE id = {}",
            ids[2]
        ))
        .execute(conn)
        .unwrap();
        assert_problem(db, &verify(db), ids[2], ProblemKind::BadHmac);
    });
}

#[test]
fn the_audit_verify_command_exits_3_on_a_broken_chain() {
    let db = TestDb::new(Backend::Sqlite);
    db.import_ok(kinmu::ingest::ImportKind::Doctors, &read_sample("worked-doctors.csv"));
    db.import_ok(kinmu::ingest::ImportKind::Timecard, &read_sample("worked-timecard.csv"));
    let ok = db.kinmu(&["audit", "verify"]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(stdout_json(&ok)["ok"], true);
    db.drop_audit_guard();
    {
        use diesel::RunQueryDsl;
        let mut conn = db.conn();
        let conn: &mut kinmu::db::AnyConnection = &mut conn;
        diesel::sql_query("UPDATE audit_log SET detail = '{}' WHERE id = (SELECT MIN(id) FROM audit_log)")
            .execute(conn)
            .unwrap();
    }
    let broken = db.kinmu(&["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(3));
    assert_eq!(stdout_json(&broken)["problem"]["kind"], "edited");
}

#[test]
fn the_database_refuses_to_edit_or_delete_an_entry() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let mut conn = db.conn();
        let conn: &mut AnyConnection = &mut conn;
        let statements = ["UPDATE audit_log SET detail = '{}'", "DELETE FROM audit_log"];
        for statement in statements {
            let err = diesel::sql_query(statement).execute(conn).unwrap_err();
            assert!(
                err.to_string().contains("append-only"),
                "{:?}: {statement}: {err}",
                db.backend
            );
        }
        if db.backend == Backend::Postgres {
            let err = diesel::sql_query("TRUNCATE audit_log").execute(conn).unwrap_err();
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        assert!(verify(db).ok);
        assert_eq!(verify(db).entries, 1);
    });
}
