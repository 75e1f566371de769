//! Accounts an inspector can check (MHLW checklist 2-(4), 2-(5)): password
//! rules, lock-out after repeated failures, sessions that expire, leavers and
//! unused accounts disabled by the daily job and reported, the user ledger;
//! and the sign-in rate limit. On both backends where a database is involved.

use crate::helpers::*;
use actix_web::test as atest;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use kinmu::accounts::{self, AccountError, AccountPolicy, AccountState, DisableReason, Role};
use kinmu::db::AnyConnection;

fn policy() -> AccountPolicy {
    AccountPolicy::default()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn user(db: &TestDb, login: &str) -> kinmu::db::models::User {
    accounts::user_by_login(&mut db.conn(), login).unwrap().unwrap()
}

/// Access-log entries (category, operation, actor) in order.
fn log_entries(db: &TestDb) -> Vec<(String, String, Option<String>, String)> {
    use kinmu::db::schema::audit_log;
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    audit_log::table
        .order(audit_log::id.asc())
        .select((
            audit_log::category,
            audit_log::operation,
            audit_log::actor,
            audit_log::detail,
        ))
        .load(conn)
        .unwrap()
}

#[test]
fn five_wrong_passwords_lock_the_account_for_fifteen_minutes_and_each_try_is_logged() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let mut conn = db.conn();
        let t0 = at("2024-07-01 09:00");
        for i in 0..4 {
            let e = accounts::sign_in(&mut conn, "jinji", "wrong-guess-1!", &policy(), t0).unwrap_err();
            assert!(matches!(e, AccountError::BadCredentials), "try {i}: {e}");
        }
        assert_eq!(user(db, "jinji").failed_sign_ins, 4);
        let locked = accounts::sign_in(&mut conn, "jinji", "wrong-guess-1!", &policy(), t0).unwrap_err();
        let AccountError::Locked(until) = locked else {
            panic!("{:?}: the fifth failure locks: {locked}", db.backend)
        };
        assert_eq!(until, t0 + Duration::minutes(15));
        assert!(locked.to_string().contains("ロック"), "{locked}");
        // The right password does not open a locked account…
        let still = accounts::sign_in(&mut conn, "jinji", PASSWORD, &policy(), t0 + Duration::minutes(14)).unwrap_err();
        assert!(matches!(still, AccountError::Locked(_)), "{still}");
        assert_eq!(
            user(db, "jinji").state(t0 + Duration::minutes(1)),
            AccountState::Locked { until }
        );
        // …until the lock has run out; then the count starts afresh.
        let (u, _) = accounts::sign_in(&mut conn, "jinji", PASSWORD, &policy(), t0 + Duration::minutes(15)).unwrap();
        assert_eq!(u.last_sign_in_at, Some(t0 + Duration::minutes(15)));
        let u = user(db, "jinji");
        assert_eq!((u.failed_sign_ins, u.locked_until), (0, None));

        let log = log_entries(db);
        let refused = log
            .iter()
            .filter(|(c, o, a, _)| c == "session" && o == "sign_in_refused" && a.as_deref() == Some("jinji"))
            .count();
        assert_eq!(refused, 6, "{:?}: {log:?}", db.backend);
        assert!(log
            .iter()
            .any(|(c, o, _, d)| c == "account" && o == "lock" && d.contains("\"failures\":5")));
        assert!(log.iter().any(|(c, o, _, _)| c == "session" && o == "sign_in"));
        assert!(
            log.iter()
                .all(|(_, _, _, d)| !d.contains(PASSWORD) && !d.contains("wrong-guess")),
            "no password in the log"
        );
        assert!(kinmu::audit::verify(&mut conn).unwrap().ok);
    });
}

#[test]
fn an_unknown_login_is_refused_like_a_wrong_password_and_logged() {
    each_backend(|db| {
        let mut conn = db.conn();
        let e = accounts::sign_in(&mut conn, "nobody", PASSWORD, &policy(), now()).unwrap_err();
        assert!(matches!(e, AccountError::BadCredentials));
        let log = log_entries(db);
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].1, "sign_in_refused");
        assert!(log[0].3.contains("unknown_login"));
    });
}

#[test]
fn a_session_ends_when_idle_for_thirty_minutes_or_after_twelve_hours() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let mut conn = db.conn();
        let t0 = at("2024-07-01 08:00");
        let (_, s) = accounts::sign_in(&mut conn, "jinji", PASSWORD, &policy(), t0).unwrap();
        let seen = |conn: &mut kinmu::db::PooledConn, t: NaiveDateTime| {
            accounts::user_by_token(conn, &s.token, &policy(), t).unwrap().is_some()
        };
        // Used every 25 minutes, the session stays open…
        let mut t = t0;
        for _ in 0..20 {
            t += Duration::minutes(25);
            assert!(seen(&mut conn, t), "{:?}: open at {t}", db.backend);
        }
        // …but not past 12 hours from sign-in, however busy.
        assert!(!seen(&mut conn, t0 + Duration::hours(12)), "{:?}", db.backend);

        let (_, s2) = accounts::sign_in(&mut conn, "jinji", PASSWORD, &policy(), t0).unwrap();
        assert!(
            accounts::user_by_token(&mut conn, &s2.token, &policy(), t0 + Duration::minutes(29))
                .unwrap()
                .is_some()
        );
        assert!(
            accounts::user_by_token(&mut conn, &s2.token, &policy(), t0 + Duration::minutes(60))
                .unwrap()
                .is_none(),
            "idle for 31 minutes: ended"
        );
    });
}

#[test]
fn passwords_must_be_long_mixed_and_not_guessable() {
    let p = policy();
    let refused = [
        ("short-1!", "13文字以上"),
        ("onlylettersandmore", "英字・数字・記号"),
        ("letters-and-symbols", "英字・数字・記号"),
        ("jinji-2024-secret", "ログインID"),
        ("Password-2024-xyz", "推測"),
        ("aaaaaaaaaaaa1!", "推測"),
    ];
    for (pw, why) in refused {
        let e = accounts::check_password(&p, "jinji", pw).unwrap_err();
        assert!(e.to_string().contains(why), "{pw}: {e}");
        assert!(e.to_string().contains(" / "), "bilingual: {e}");
    }
    assert!(accounts::check_password(&p, "jinji", PASSWORD).is_ok());
    assert!(
        accounts::check_password(&p, "jinji", "夜勤明け-2024年-眠い").is_ok(),
        "Japanese letters count as letters"
    );

    each_backend(|db| {
        let account = accounts::NewAccount {
            login: "weak".into(),
            role: Role::Hr,
            name: None,
            staff_id: None,
            email: None,
            department: None,
            trained_on: None,
            is_administrator: false,
            password: "password12345!".into(),
        };
        let e = accounts::add_user(&mut db.conn(), &account, &p, None, now()).unwrap_err();
        assert!(matches!(e, AccountError::WeakPassword(_)), "{e}");
        assert!(accounts::user_by_login(&mut db.conn(), "weak").unwrap().is_none());

        db.add_user("jinji", Role::Hr, None, None);
        let mut conn = db.conn();
        let wrong = accounts::set_password(
            &mut conn,
            "jinji",
            accounts::PasswordChange::Own {
                current: "not-it-42!x",
                keep_session: None,
            },
            "New-Quokka-secret-4719",
            &p,
            None,
            now(),
        );
        assert!(matches!(wrong, Err(AccountError::WrongCurrentPassword)));
        accounts::set_password(
            &mut conn,
            "jinji",
            accounts::PasswordChange::Own {
                current: PASSWORD,
                keep_session: None,
            },
            "New-Quokka-secret-4719",
            &p,
            Some("jinji"),
            now(),
        )
        .unwrap();
        assert!(accounts::sign_in(&mut conn, "jinji", PASSWORD, &p, now()).is_err());
        assert!(accounts::sign_in(&mut conn, "jinji", "New-Quokka-secret-4719", &p, now()).is_ok());
    });
}

#[test]
fn the_account_job_disables_leavers_and_unused_accounts_and_reports_them_to_administrators() {
    each_backend(|db| {
        // Every test account is created on 2024-07-01 09:00.
        for (login, role) in [
            ("admin", Role::Admin),
            ("jinji", Role::Hr),
            ("kato", Role::Physician),
            ("leaver", Role::Manager),
            ("stays", Role::Manager),
        ] {
            db.add_user(login, role, None, Some("2020-04-01"));
        }
        let mut conn = db.conn();
        let p = policy();
        // admin and jinji sign in now and then; kato never does.
        accounts::sign_in(&mut conn, "admin", PASSWORD, &p, at("2024-09-20 09:00")).unwrap();
        accounts::sign_in(&mut conn, "jinji", PASSWORD, &p, at("2024-08-01 09:00")).unwrap();
        accounts::sign_in(&mut conn, "stays", PASSWORD, &p, at("2024-09-25 09:00")).unwrap();
        accounts::set_leaving_date(&mut conn, "leaver", Some(date("2024-09-27")), Some("admin"), now()).unwrap();
        accounts::sign_in(&mut conn, "leaver", PASSWORD, &p, at("2024-09-27 17:00")).unwrap();

        let mut s = settings(db, None);
        s.accounts = p.clone();
        let run =
            |conn: &mut kinmu::db::PooledConn, t: &str| kinmu::monitor::account_job::run(conn, &s, at(t)).unwrap();
        // 2024-09-28: 89 days after creation, nobody is unused yet; the
        // leaver's last day was yesterday.
        let first = run(&mut conn, "2024-09-28 05:15");
        let got: Vec<(&str, DisableReason)> = first.iter().map(|d| (d.login.as_str(), d.reason)).collect();
        assert_eq!(got, vec![("leaver", DisableReason::Left)], "{:?}", db.backend);
        // 2024-09-29 09:00: kato has not signed in for 90 days.
        let second = run(&mut conn, "2024-09-29 09:00");
        let got: Vec<(&str, DisableReason)> = second.iter().map(|d| (d.login.as_str(), d.reason)).collect();
        assert_eq!(got, vec![("kato", DisableReason::Unused)], "{:?}", db.backend);
        assert_eq!(second[0].last_used, at("2024-07-01 09:00"));
        // 2024-10-30 08:00: jinji's last sign-in was 2024-08-01 09:00 — 89 days 23 hours.
        assert!(run(&mut conn, "2024-10-30 08:00").is_empty());
        let third = run(&mut conn, "2024-10-30 09:00");
        assert_eq!(third.iter().map(|d| d.login.as_str()).collect::<Vec<_>>(), ["jinji"]);

        // Disabled accounts cannot sign in; their state says why.
        let e = accounts::sign_in(&mut conn, "kato", PASSWORD, &p, at("2024-10-30 10:00")).unwrap_err();
        assert!(matches!(e, AccountError::BadCredentials));
        let ledger = accounts::ledger(&mut conn, at("2024-10-30 10:00")).unwrap();
        let state = |login: &str| ledger.iter().find(|l| l.login == login).unwrap().state_label.clone();
        assert_eq!(state("kato"), "停止（長期未使用）");
        assert_eq!(state("leaver"), "停止（退職）");
        assert_eq!(state("stays"), "使用可");

        // Re-enabled, kato's 90 days count from then.
        accounts::enable(&mut conn, "kato", Some("admin"), at("2024-10-30 10:00")).unwrap();
        assert!(accounts::sign_in(&mut conn, "kato", PASSWORD, &p, at("2024-10-30 10:01")).is_ok());

        // Reported: one mail to the administrator per run that disabled someone,
        // and one access-log entry per account.
        use kinmu::db::schema::outbox;
        let c: &mut AnyConnection = &mut conn;
        let mails: Vec<(String, String, String)> = outbox::table
            .filter(outbox::reason.eq("accounts_disabled"))
            .order(outbox::id.asc())
            .select((outbox::recipient, outbox::subject, outbox::body_text))
            .load(c)
            .unwrap();
        assert_eq!(mails.len(), 3, "{:?}", db.backend);
        assert!(mails.iter().all(|(to, _, _)| to == "admin@example.org"));
        assert!(mails[0].1.contains("アカウントを停止"), "{}", mails[0].1);
        assert!(
            mails[1].2.contains("kato") && mails[1].2.contains("長期未使用"),
            "{}",
            mails[1].2
        );
        let disables = log_entries(db)
            .into_iter()
            .filter(|(c, o, _, _)| c == "account" && o == "disable")
            .count();
        assert_eq!(disables, 3);
    });
}

#[test]
fn the_user_commands_keep_the_ledger_and_refuse_a_weak_password() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("admin", Role::Admin, None, None);
    db.add_user("jinji", Role::Hr, None, None);
    let out = db.kinmu(&["users", "leave", "jinji", "--on", "2030-03-31"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = db.kinmu(&["users", "list", "--format", "json"]);
    let ledger = stdout_json(&out);
    let jinji = ledger
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["login"] == "jinji")
        .unwrap();
    assert_eq!(jinji["state"], "leaving");
    assert_eq!(jinji["leaves_on"], "2030-03-31");
    assert_eq!(jinji["role_label"], "人事");

    assert_eq!(db.kinmu(&["users", "disable", "jinji"]).status.code(), Some(0));
    let csv = db.kinmu(&["users", "list", "--format", "csv"]);
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(
        text.starts_with("\u{feff}No,所属部署,氏名,ユーザID,職員番号,権限,管理者,状態"),
        "{text}"
    );
    assert!(text.contains("jinji,,人事,,停止"), "{text}");

    let weak = db.kinmu_stdin(&["users", "password", "admin", "--password-stdin"], b"short\n");
    assert_eq!(weak.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("13文字以上"));
    let ok = db.kinmu_stdin(
        &["users", "password", "admin", "--password-stdin"],
        b"Another-secret-77\n",
    );
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));

    let job = db.kinmu(&["jobs", "accounts", "--as-of", "2024-12-01"]);
    let disabled = stdout_json(&job)["disabled"].as_array().unwrap().clone();
    assert_eq!(disabled.len(), 1, "{disabled:?}");
    assert_eq!(disabled[0]["login"], "admin");
    assert_eq!(disabled[0]["reason"], "unused");

    // Every command above is in the access log, with who ran it.
    let log = log_entries(&db);
    for op in ["leaving_date", "disable", "reset_password"] {
        assert!(
            log.iter()
                .any(|(c, o, a, _)| c == "account" && o == op && a.as_deref().is_some_and(|a| a.starts_with("cli:"))),
            "{op}: {log:?}"
        );
    }
}

#[actix_web::test]
async fn the_ledger_screen_and_export_are_for_the_administrator_and_its_actions_are_logged() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("admin", Role::Admin, None, None);
    db.add_user("jinji", Role::Hr, None, None);
    let service = db.spawn().await;

    let mut hr = service.signed_in("jinji").await;
    assert_eq!(hr.get("/admin/users").await.status, 403);
    assert_eq!(hr.get("/admin/users/export.csv").await.status, 403);
    assert_eq!(hr.get("/admin/audit").await.status, 403);

    let mut admin = service.signed_in("admin").await;
    let page = admin.get("/admin/users").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("利用者台帳") && page.body.contains(r#"data-login="jinji""#),
        "{}",
        page.body
    );
    let csrf = hidden(&page.body, "csrf");
    let done = admin
        .post(
            "/admin/users/jinji/leave",
            &[("csrf", &csrf), ("leaves_on", "2031-03-31")],
        )
        .await;
    assert_eq!(done.status, 303);
    let page = admin.get("/admin/users").await;
    assert!(
        page.body.contains("使用可（2031-03-31 まで・退職予定）"),
        "{}",
        page.body
    );
    let bad = admin
        .post(
            "/admin/users/jinji/leave",
            &[("csrf", &csrf), ("leaves_on", "31/03/2031")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("YYYY-MM-DD"));
    assert_eq!(
        admin
            .post("/admin/users/admin/disable", &[("csrf", &csrf)])
            .await
            .status,
        400
    );
    assert_eq!(
        admin
            .post("/admin/users/jinji/disable", &[("csrf", "forged")])
            .await
            .status,
        403
    );
    // Disabling asks first: the page says whose account and what follows,
    // and nothing is done yet.
    let asked = admin.post("/admin/users/jinji/disable", &[("csrf", &csrf)]).await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("アカウントの停止の確認"), "{}", asked.body);
    assert!(asked.body.contains("ログインできなくなり"));
    assert!(asked.body.contains(r#"name="go" value="1""#));
    assert_eq!(hr.get("/").await.status, 200, "not disabled before it is confirmed");
    assert_eq!(
        admin
            .post("/admin/users/jinji/disable", &[("csrf", &csrf), ("go", "1")])
            .await
            .status,
        303
    );
    // The disabled account's open session is gone.
    assert_eq!(hr.get("/").await.status, 303);

    let csv = admin.get("/admin/users/export.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with("\u{feff}No,所属部署"), "{}", csv.body);
    assert!(csv.body.contains("停止"));

    let log = log_entries(&db);
    let has = |c: &str, op: &str| {
        log.iter()
            .any(|(cc, o, a, _)| cc == c && o == op && a.as_deref() == Some("admin"))
    };
    assert!(has("account", "leaving_date") && has("account", "disable"), "{log:?}");
    assert!(has("export", "GET /admin/users/export.csv"), "{log:?}");
    assert!(has("read", "GET /admin/users"), "{log:?}");
    assert!(has("change", "POST /admin/users/{login}/{action}"), "{log:?}");
    // The refused reads by HR are logged too, with their status.
    assert!(log.iter().any(|(c, o, a, d)| c == "read"
        && o == "GET /admin/audit"
        && a.as_deref() == Some("jinji")
        && d.contains("403")));
}

#[actix_web::test]
async fn an_expired_session_goes_back_to_sign_in_saying_so() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("jinji", Role::Hr, None, None);
    let service = db.spawn().await;
    let mut b = service.signed_in("jinji").await;
    assert_eq!(b.get("/imports").await.status, 200);
    {
        let mut conn = db.conn();
        let conn: &mut AnyConnection = &mut conn;
        diesel::sql_query("UPDATE sessions SET last_seen_at = '2000-01-01 00:00:00'")
            .execute(conn)
            .unwrap();
    }
    let gone = b.get("/imports").await;
    assert_eq!(gone.status, 303);
    assert_eq!(gone.location.as_deref(), Some("/login?expired=1&next=/imports"));
    let login = b.get("/login?expired=1&next=/imports").await;
    assert!(
        login.body.contains("セッションの有効期限が切れました"),
        "{}",
        login.body
    );
}

#[actix_web::test]
async fn sign_in_is_rate_limited_per_address_and_a_locked_account_answers_like_a_wrong_password() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("jinji", Role::Hr, None, None);
    let mut app = db.app();
    app = kinmu::app::App::with_pool(
        kinmu::config::Settings {
            sign_in_attempts_per_minute: 6,
            ..app.settings.clone()
        },
        app.database.clone(),
        app.pool.clone(),
    );
    let service = spawn_with(app).await;
    let peer: std::net::SocketAddr = "192.0.2.7:50000".parse().unwrap();
    let api = |password: &str| {
        atest::TestRequest::post()
            .uri("/api/v1/sessions")
            .peer_addr(peer)
            .set_json(serde_json::json!({ "login": "jinji", "password": password }))
            .to_request()
    };
    for _ in 0..4 {
        assert_eq!(atest::call_service(&service, api("wrong-guess-9!")).await.status(), 401);
    }
    let locked = atest::call_service(&service, api("wrong-guess-9!")).await;
    assert_eq!(locked.status(), 401);
    let body: serde_json::Value = atest::read_body_json(locked).await;
    assert_eq!(body["error"], "bad_credentials");
    assert!(
        body["message"].as_str().unwrap().contains("ロックされます"),
        "the rule is told"
    );
    assert_eq!(atest::call_service(&service, api(PASSWORD)).await.status(), 401);
    let limited = atest::call_service(&service, api(PASSWORD)).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    // Another address is not limited (the account is still locked).
    let other = atest::TestRequest::post()
        .uri("/api/v1/sessions")
        .peer_addr("192.0.2.8:50000".parse().unwrap())
        .set_json(serde_json::json!({ "login": "jinji", "password": PASSWORD }))
        .to_request();
    assert_eq!(atest::call_service(&service, other).await.status(), 401);
}

#[actix_web::test]
async fn every_answer_carries_the_security_headers() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("jinji", Role::Hr, None, None);
    let service = db.spawn().await;
    for uri in ["/login", "/healthz", "/"] {
        let resp = atest::call_service(&service, atest::TestRequest::get().uri(uri).to_request()).await;
        let h = resp.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{uri}: {csp}"
        );
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(h.get("cache-control").unwrap(), "no-store", "{uri}");
    }
    let css = atest::call_service(
        &service,
        atest::TestRequest::get().uri("/static/style.css").to_request(),
    )
    .await;
    assert_eq!(css.headers().get("cache-control").unwrap(), "public, max-age=3600");
}
