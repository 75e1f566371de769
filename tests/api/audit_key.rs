//! The access-log key (issue 10, finding 7): the database owner, who can
//! drop the append-only guard and recompute every hash, still cannot delete
//! or rewrite entries unnoticed, because each entry is signed with a key
//! kept outside the database. Entries from before the key are verified by
//! the chain only, up to the entry the key file names; a missing key file
//! never silently turns the check off.

use crate::helpers::*;
use diesel::prelude::*;
use kinmu::audit::key::{self, AuditKey, KeyError};
use kinmu::audit::{self, ProblemKind, VerifyReport};
use kinmu::db::models::{AuditEntry, NewAuditEntry};
use kinmu::db::schema::audit_log;
use kinmu::db::AnyConnection;

/// Twelve entries written through the library (signed with the test key).
fn fill(db: &TestDb) -> Vec<i64> {
    let mut conn = db.conn();
    for i in 0..12 {
        let at = now() + chrono::Duration::seconds(i);
        audit::log(
            &mut conn,
            Some("jinji"),
            kinmu::audit::Category::Read,
            "GET /doctors/{staff_id}",
            serde_json::json!({ "n": i }),
            at,
        )
        .unwrap();
    }
    drop(conn);
    db.drop_audit_guard();
    all(db).iter().map(|e| e.id).collect()
}

fn all(db: &TestDb) -> Vec<AuditEntry> {
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    audit_log::table
        .order(audit_log::id.asc())
        .select(AuditEntry::as_select())
        .load(conn)
        .unwrap()
}

/// What a database owner without the key can do after deleting entries:
/// recompute `prev_hash` and `hash` of every entry from `from` on, so the
/// chain is whole again. `hmac` is kept as it was, or (`strip`) cleared.
fn rechain(db: &TestDb, from: i64, strip: bool) {
    let entries = all(db);
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    let mut prev = String::new();
    for e in entries {
        if e.id >= from {
            let hash = audit::entry_hash(&prev, e.at, e.actor.as_deref(), &e.category, &e.operation, &e.detail);
            let hmac = if strip { None } else { e.hmac.clone() };
            diesel::update(audit_log::table.filter(audit_log::id.eq(e.id)))
                .set((
                    audit_log::prev_hash.eq(&prev),
                    audit_log::hash.eq(&hash),
                    audit_log::hmac.eq(hmac),
                ))
                .execute(conn)
                .unwrap();
            prev = hash;
        } else {
            prev = e.hash;
        }
    }
}

/// Deletes the entries with ids `from..=to`, as the database owner can.
fn delete(db: &TestDb, from: i64, to: i64) {
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    let n = diesel::delete(audit_log::table.filter(audit_log::id.between(from, to)))
        .execute(conn)
        .unwrap();
    assert_eq!(n as i64, to - from + 1);
}

fn verify(db: &TestDb) -> VerifyReport {
    audit::verify(&mut db.conn()).unwrap()
}

fn assert_problem(db: &TestDb, report: &VerifyReport, id: i64, kind: ProblemKind) {
    assert!(!report.ok, "{:?}: {report:?}", db.backend);
    let problem = report.problem.as_ref().unwrap();
    assert_eq!((problem.id, problem.kind), (id, kind), "{:?}: {report:?}", db.backend);
    assert!(problem.message.contains(" / "), "{}", problem.message);
}

#[test]
fn an_owner_who_deletes_entries_and_recomputes_the_chain_is_found() {
    each_backend(|db| {
        let ids = fill(db);
        delete(db, ids[3], ids[7]);
        rechain(db, ids[8], false);
        // The chain alone is whole again: that is what the owner relied on.
        let chain_only = audit::verify_with(&mut db.conn(), None).unwrap();
        assert!(chain_only.problem.is_none(), "{chain_only:?}");
        assert!(
            !chain_only.ok && chain_only.cannot_check.is_some(),
            "no key, no ok: {chain_only:?}"
        );
        // With the key, the first re-chained entry fails its signature.
        let report = verify(db);
        assert_problem(db, &report, ids[8], ProblemKind::BadHmac);
        assert_eq!(report.entries, ids.len() - 5);
        assert_eq!(serde_json::to_value(&report).unwrap()["problem"]["kind"], "bad_hmac");
    });
    // Clearing the signatures of the re-chained entries does not help.
    each_backend(|db| {
        let ids = fill(db);
        delete(db, ids[5], ids[5]);
        rechain(db, ids[6], true);
        assert_problem(db, &verify(db), ids[6], ProblemKind::Unkeyed);
    });
    // Nor does clearing every signature: the key file says signing began
    // before the first entry.
    each_backend(|db| {
        let ids = fill(db);
        rechain(db, ids[0], true);
        assert_problem(db, &verify(db), ids[0], ProblemKind::Unkeyed);
    });
}

#[test]
fn the_verify_command_names_the_first_entry_an_owner_re_chained() {
    let db = TestDb::new(Backend::Sqlite);
    let ids = fill(&db);
    let ok = db.kinmu(&["audit", "verify"]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let json = stdout_json(&ok);
    assert_eq!((json["entries"].as_u64(), json["keyed"].as_u64()), (Some(12), Some(12)));
    assert_eq!(json["last_keyed"]["id"], ids[11]);
    delete(&db, ids[2], ids[2]);
    rechain(&db, ids[3], false);
    let broken = db.kinmu(&["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(3));
    let json = stdout_json(&broken);
    assert_eq!(json["problem"]["kind"], "bad_hmac");
    assert_eq!(json["problem"]["id"], ids[3]);
}

#[test]
fn entries_from_before_the_key_are_verified_by_the_chain_only_and_no_further() {
    each_backend(|db| {
        // A log written by a kinmu without keys: four unsigned entries.
        let entry = |n: i64| NewAuditEntry {
            at: now() + chrono::Duration::seconds(n),
            actor: Some("jinji".into()),
            category: "read".into(),
            operation: "GET /".into(),
            detail: format!("{{\"n\":{n}}}"),
        };
        let mut conn = db.conn();
        for n in 0..4 {
            kinmu::audit::append_signed(&mut conn, &entry(n), None).unwrap();
        }
        // The key is made now: it names the newest entry as the last unsigned one.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        let (key, created) = key::load_or_create(&path, &mut conn, now()).unwrap();
        assert!(created);
        let (through, _) = key.unkeyed_through.clone().unwrap();
        let (again, created) = key::load_or_create(&path, &mut conn, now()).unwrap();
        assert!(!created && again == key, "read back, not made twice");
        for n in 4..7 {
            kinmu::audit::append_signed(&mut conn, &entry(n), Some(&key)).unwrap();
        }
        let report = audit::verify_with(&mut conn, Some(&key)).unwrap();
        assert!(report.ok, "{:?}: {report:?}", db.backend);
        assert_eq!((report.entries, report.keyed, report.unkeyed), (7, 3, 4));
        assert!(
            report.note.as_ref().unwrap().contains("verified by chain only"),
            "{report:?}"
        );
        assert_eq!(report.last_keyed.as_ref().unwrap().id, report.last.as_ref().unwrap().id);
        drop(conn);
        db.drop_audit_guard();
        let ids: Vec<i64> = all(db).iter().map(|e| e.id).collect();
        assert_eq!(ids[3], through);
        // Stripping the signatures makes the signed entries look old: refused.
        rechain(db, ids[4], true);
        let report = audit::verify_with(&mut db.conn(), Some(&key)).unwrap();
        assert_problem(db, &report, ids[4], ProblemKind::Unkeyed);
    });
    // The key file pins the last unsigned entry by its hash.
    each_backend(|db| {
        let mut conn = db.conn();
        let entry = NewAuditEntry {
            at: now(),
            actor: None,
            category: "system".into(),
            operation: "x".into(),
            detail: "{}".into(),
        };
        for _ in 0..3 {
            kinmu::audit::append_signed(&mut conn, &entry, None).unwrap();
        }
        drop(conn);
        let ids: Vec<i64> = all(db).iter().map(|e| e.id).collect();
        let key = AuditKey::generate(Some((ids[2], "00".repeat(32))));
        let report = audit::verify_with(&mut db.conn(), Some(&key)).unwrap();
        assert_problem(db, &report, ids[2], ProblemKind::AnchorMismatch);
    });
    // An unsigned entry after a signed one is tampering, even below the mark.
    each_backend(|db| {
        let mut conn = db.conn();
        let entry = NewAuditEntry {
            at: now(),
            actor: None,
            category: "system".into(),
            operation: "x".into(),
            detail: "{}".into(),
        };
        let key = AuditKey::generate(Some((1_000, "ab".repeat(32))));
        kinmu::audit::append_signed(&mut conn, &entry, Some(&key)).unwrap();
        kinmu::audit::append_signed(&mut conn, &entry, None).unwrap();
        let report = audit::verify_with(&mut conn, Some(&key)).unwrap();
        let second = report.last.as_ref().unwrap().id;
        assert_problem(db, &report, second, ProblemKind::Unkeyed);
    });
}

#[test]
fn a_missing_key_file_stops_kinmu_when_the_log_is_signed() {
    each_backend(|db| {
        fill(db);
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.key");
        let mut conn = db.conn();
        assert!(matches!(
            key::load_or_create(&missing, &mut conn, now()),
            Err(KeyError::Missing(_))
        ));
        assert!(!missing.exists(), "no new key is made over a signed log");
        drop(conn);
        let out = std::process::Command::new(kinmu_bin())
            .args(["--database-url", &db.url, "audit", "verify"])
            .env("KINMU_AUDIT_KEY_FILE", &missing)
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr.contains("key file") && stderr.contains("missing") && stderr.contains("gone.key"),
            "{stderr}"
        );
        assert!(!missing.exists());
    });
}

#[test]
fn the_first_start_makes_a_private_key_and_signs_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new/kinmu.db");
    let url = format!("sqlite://{}", db.display());
    let run = |args: &[&str]| {
        std::process::Command::new(kinmu_bin())
            .args(["--database-url", &url])
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("RUST_LOG")
            .env_remove("KINMU_AUDIT_KEY_FILE")
            .output()
            .unwrap()
    };
    let out = run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let key_file = dir.path().join("new/kinmu.audit-key");
    assert!(key_file.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let json = stdout_json(&out);
    assert_eq!((json["ok"].as_bool(), json["keyed"].as_u64()), (Some(true), Some(1)));
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert!(text.contains("unkeyed_through_id = 0"), "{text}");
    // Deleting the key file does not switch the check off.
    std::fs::remove_file(&key_file).unwrap();
    let out = run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!key_file.exists());
}

#[test]
fn entries_cut_from_the_end_of_the_log_are_found_against_an_anchor_kept_outside() {
    each_backend(|db| {
        let ids = fill(db);
        let anchor = audit::verify(&mut db.conn()).unwrap().last.unwrap();
        assert_eq!(anchor.id, ids[11]);
        // The owner cuts the last three entries: the chain before them is
        // whole and signed, so the log alone looks fine…
        delete(db, ids[9], ids[11]);
        let mut report = audit::verify(&mut db.conn()).unwrap();
        assert!(report.ok, "{:?}: {report:?}", db.backend);
        // …but not against the anchor.
        audit::check_anchors(&mut db.conn(), &mut report, std::slice::from_ref(&anchor)).unwrap();
        assert!(!report.ok);
        let problem = report.problem.unwrap();
        assert_eq!((problem.id, problem.kind), (ids[11], ProblemKind::AnchorMismatch));
        assert!(problem.message.contains("切り詰め"), "{}", problem.message);
        // An older anchor still inside the log holds.
        let kept: kinmu::audit::Anchor = format!("{}:{}", ids[3], all(db)[3].hash).parse().unwrap();
        let mut report = audit::verify(&mut db.conn()).unwrap();
        audit::check_anchors(&mut db.conn(), &mut report, &[kept]).unwrap();
        assert!(report.ok);
    });
}

#[test]
fn the_verify_command_checks_anchors_given_as_id_and_hash() {
    let db = TestDb::new(Backend::Sqlite);
    let ids = fill(&db);
    let last = stdout_json(&db.kinmu(&["audit", "verify"]))["last"].clone();
    let anchor = format!("{}:{}", last["id"], last["hash"].as_str().unwrap());
    let ok = db.kinmu(&["audit", "verify", "--anchor", &anchor]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    delete(&db, ids[11], ids[11]);
    let cut = db.kinmu(&["audit", "verify", "--anchor", &anchor]);
    assert_eq!(cut.status.code(), Some(3));
    assert_eq!(stdout_json(&cut)["problem"]["kind"], "anchor_mismatch");
    let bad = db.kinmu(&["audit", "verify", "--anchor", "12:not-a-hash"]);
    assert_eq!(bad.status.code(), Some(2), "clap refuses it");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ID:HASH"));
}

#[test]
fn the_daily_account_job_mails_administrators_the_newest_entry_once_a_day() {
    each_backend(|db| {
        db.add_user("admin", kinmu::accounts::Role::Admin, None, None);
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        fill(db);
        let app = db.app();
        let at = now();
        let report = kinmu::monitor::account_job::anchor_log(&mut db.conn(), &app.settings, at).unwrap();
        assert!(report.ok, "{report:?}");
        let last = report.last.clone().unwrap();
        kinmu::monitor::account_job::anchor_log(&mut db.conn(), &app.settings, at).unwrap();
        use kinmu::db::schema::outbox;
        let mut conn = db.conn();
        let conn: &mut AnyConnection = &mut conn;
        let mails: Vec<(String, String, String)> = outbox::table
            .filter(outbox::reason.eq("access_log_anchor"))
            .select((outbox::recipient, outbox::subject, outbox::body_text))
            .load(conn)
            .unwrap();
        assert_eq!(
            mails.len(),
            1,
            "{:?}: one mail a day, to the administrator only",
            db.backend
        );
        let (to, subject, body) = &mails[0];
        assert_eq!(to, "admin@example.org");
        assert!(
            subject.contains("アクセスログの確認") && subject.contains("異常なし"),
            "{subject}"
        );
        assert!(body.contains(&format!("{}:{}", last.id, last.hash)), "{body}");
    });
}
