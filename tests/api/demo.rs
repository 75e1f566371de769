//! `serve --demo` (issue 10, finding 15): the demo's accounts, whose password
//! is public, and its made-up data go only into a database the demo created
//! (or one the operator names with --demo-into-this-database), never into a
//! real database reached through DATABASE_URL, even an empty one.

use crate::helpers::*;
use diesel::prelude::*;
use kinmu::db::AnyConnection;
use kinmu::demo::{self, DemoError};

fn users(db: &TestDb) -> i64 {
    use kinmu::db::schema::users;
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    users::table.count().get_result(conn).unwrap()
}

#[test]
fn the_demo_refuses_an_empty_database_it_did_not_create() {
    each_backend(|db| {
        let mut conn = db.conn();
        let today = date("2024-06-14");
        // Seeding straight away is refused: the database has no demo mark.
        assert!(matches!(
            demo::load_if_empty(&mut conn, today, now()),
            Err(DemoError::NotADemoDatabase(_))
        ));
        let err = demo::claim(&mut conn, "postgres://db/kinmu", false, false, now()).unwrap_err();
        assert!(matches!(err, DemoError::NotADemoDatabase(_)), "{err}");
        let message = err.to_string();
        assert!(message.contains("--demo-into-this-database") && message.contains("postgres://db/kinmu"));
        assert!(!demo::is_demo_database(&mut conn).unwrap());
        drop(conn);
        assert_eq!(users(db), 0, "{:?}", db.backend);
        assert!(kinmu::db::queries::all_doctors(&mut db.conn()).unwrap().is_empty());
        // Said in so many words, it goes in.
        let mut conn = db.conn();
        demo::claim(&mut conn, "x", false, true, now()).unwrap();
        assert!(demo::load_if_empty(&mut conn, today, now()).unwrap());
        drop(conn);
        assert_eq!(users(db), demo::accounts(today).len() as i64);
    });
}

#[test]
fn serve_demo_against_an_existing_database_exits_with_a_clear_message() {
    let db = TestDb::new(Backend::Sqlite);
    let out = db.kinmu(&["serve", "--demo", "--listen", "127.0.0.1:0"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("was not created as a demo database") && stderr.contains("--demo-into-this-database"),
        "{stderr}"
    );
    assert_eq!(users(&db), 0);
    let mut conn = db.conn();
    assert!(!demo::is_demo_database(&mut conn).unwrap());
}

#[test]
fn serve_demo_fills_a_database_it_creates() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/demo.db");
    let url = format!("sqlite://{}", path.display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(kinmu_bin())
        .args([
            "--database-url",
            &url,
            "serve",
            "--demo",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("DATABASE_URL")
        .env_remove("KINMU_AUDIT_KEY_FILE")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The service listens once the demo is loaded.
    let health = || -> Option<String> {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        write!(
            s,
            "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut body = String::new();
        s.read_to_string(&mut body).ok()?;
        Some(body)
    };
    let started = std::time::Instant::now();
    let mut up = false;
    while started.elapsed() < std::time::Duration::from_secs(120) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("serve --demo ended: {status}");
        }
        if health().is_some_and(|b| b.starts_with("HTTP/1.1 200")) {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(up, "serve --demo did not start");
    let pool = kinmu::db::open(&kinmu::db::DatabaseUrl::Sqlite(path.clone()), 1).unwrap();
    let mut conn = pool.get().unwrap();
    assert!(demo::is_demo_database(&mut conn).unwrap());
    use kinmu::db::schema::users;
    let conn: &mut AnyConnection = &mut conn;
    let accounts: i64 = users::table.count().get_result(conn).unwrap();
    assert!(accounts > 0, "the demo accounts were not created");
}

/// The sign-in page of `serve --demo` lists the demo accounts with their
/// public password (issue 16, item 9) — only when the server runs as a demo
/// AND the database carries the demo's mark; never a real database's page.
#[actix_web::test]
async fn the_sign_in_page_lists_the_demo_accounts_only_on_a_demo_database_served_as_a_demo() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let today = date("2024-06-14");
        let login_page = |demo_mode: bool| {
            let mut app = db.app();
            app.settings.accounts.demo_mode = demo_mode;
            async move {
                let service = spawn_with(app).await;
                let page = service.browser().get("/login").await;
                assert_eq!(page.status, 200);
                page.body
            }
        };
        // A real database, even served with --demo: no list, no password.
        for demo_mode in [false, true] {
            let body = login_page(demo_mode).await;
            assert!(!body.contains("demo-accounts"), "{backend:?} {demo_mode}");
            assert!(!body.contains(demo::DEMO_PASSWORD), "{backend:?} {demo_mode}");
        }
        let mut conn = db.conn();
        demo::claim(&mut conn, "x", false, true, now()).unwrap();
        assert!(demo::load_if_empty(&mut conn, today, now()).unwrap());
        drop(conn);
        // The demo database served without --demo: its password opens
        // nothing, so the page lists nothing.
        let body = login_page(false).await;
        assert!(!body.contains("demo-accounts") && !body.contains(demo::DEMO_PASSWORD));
        // Served as the demo: every account, its role and whose it is, and
        // the password once.
        let body = login_page(true).await;
        assert!(body.contains("id=\"demo-accounts\""), "{body}");
        assert_eq!(body.matches(demo::DEMO_PASSWORD).count(), 1);
        for hint in demo::sign_in_hints(today) {
            let row = format!("<tr data-login=\"{}\">", hint.login);
            let at = body.find(&row).unwrap_or_else(|| panic!("{} listed", hint.login));
            let line = &body[at..at + body[at..].find("</tr>").unwrap()];
            assert!(
                line.contains(hint.role.label_ja()) && line.contains(&hint.name),
                "{line}"
            );
        }
        assert!(
            body.contains("佐藤 健一（D001）"),
            "the doctor's own account names the doctor"
        );
        // And each listed account signs in with it.
        let mut app = db.app();
        app.settings.accounts.demo_mode = true;
        let service = spawn_with(app).await;
        let mut b = service.browser();
        assert_eq!(b.sign_in("jinji", demo::DEMO_PASSWORD).await.status, 303);
    }
}
