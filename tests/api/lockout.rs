//! Sign-in under attack (issue 10): the lock-out holds under parallel
//! attempts, password changes count toward it, a locked account answers
//! like an unknown one, what is typed as a login is never kept, the
//! published demo password opens nothing outside a demo, and `next` leads
//! only to this site. On both backends where a database is involved.

use crate::helpers::*;
use actix_web::test as atest;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use kinmu::accounts::{self, AccountError, AccountPolicy, PasswordChange, Role};
use kinmu::db::{AnyConnection, DatabaseUrl};
use std::sync::{Arc, Barrier};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// (operation, actor, detail) of every access-log entry, in order.
fn log_of(db: &TestDb) -> Vec<(String, Option<String>, String)> {
    use kinmu::db::schema::audit_log;
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    audit_log::table
        .order(audit_log::id.asc())
        .select((audit_log::operation, audit_log::actor, audit_log::detail))
        .load(conn)
        .unwrap()
}

/// Passwords actually checked against the account: successful sign-ins and
/// refusals after the check (a refusal before any check says no such thing).
fn passwords_checked(db: &TestDb, login: &str) -> usize {
    log_of(db)
        .iter()
        .filter(|(op, actor, detail)| {
            actor.as_deref() == Some(login)
                && (op == "sign_in" || (op.ends_with("_refused") && detail.contains("\"password_checked\":true")))
        })
        .count()
}

/// `n` sign-ins at once, each on its own connection, released together.
fn sign_in_storm(db: &TestDb, login: &str, passwords: Vec<String>, now: NaiveDateTime) -> Vec<Result<(), String>> {
    let url = DatabaseUrl::parse(&db.url).unwrap();
    let barrier = Arc::new(Barrier::new(passwords.len()));
    let threads: Vec<_> = passwords
        .into_iter()
        .map(|password| {
            let (url, barrier, login) = (url.clone(), barrier.clone(), login.to_string());
            std::thread::spawn(move || {
                let mut conn = kinmu::db::establish(&url).unwrap();
                barrier.wait();
                accounts::sign_in(&mut conn, &login, &password, &AccountPolicy::default(), now)
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

#[test]
fn forty_parallel_wrong_passwords_check_at_most_five_then_the_right_one_is_refused_and_sessions_end() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let policy = AccountPolicy::default();
        let t0 = at("2024-07-01 09:00");
        // An open session of the account before the attack.
        let (_, session) = accounts::sign_in(&mut db.conn(), "jinji", PASSWORD, &policy, t0).unwrap();
        let wrong: Vec<String> = (0..40).map(|i| format!("wrong-guess-{i}!Zq")).collect();
        let results = sign_in_storm(db, "jinji", wrong, t0 + Duration::minutes(1));
        assert!(
            results.iter().all(|r| r
                .as_ref()
                .is_err_and(|e| e.contains("ロック") || e.contains("違います"))),
            "{:?}: {results:?}",
            db.backend
        );
        let checked = passwords_checked(db, "jinji") - 1; // less the sign-in before
        assert!(
            checked <= policy.lockout_failures as usize,
            "{:?}: {checked} passwords checked in one lock window",
            db.backend
        );
        assert!(
            checked >= 1,
            "{:?}: some attempt was checked: {:?}",
            db.backend,
            log_of(db)
        );
        // Locked: the right password is refused, and the session is gone.
        let during = accounts::sign_in(&mut db.conn(), "jinji", PASSWORD, &policy, t0 + Duration::minutes(10));
        assert!(
            matches!(during, Err(AccountError::Locked(_))),
            "{:?}: {during:?}",
            db.backend
        );
        assert!(
            accounts::user_by_token(&mut db.conn(), &session.token, &policy, t0 + Duration::minutes(2))
                .unwrap()
                .is_none(),
            "{:?}: a locked account's sessions end",
            db.backend
        );
        assert!(log_of(db)
            .iter()
            .any(|(op, _, d)| op == "lock" && d.contains("\"sessions_ended\":1")));
        // After the lock window the right password opens it again.
        accounts::sign_in(&mut db.conn(), "jinji", PASSWORD, &policy, t0 + Duration::minutes(20)).unwrap();
    });
}

#[test]
fn the_right_password_among_parallel_wrong_ones_never_raises_the_number_checked_past_the_limit() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let policy = AccountPolicy::default();
        let t0 = at("2024-07-01 09:00");
        let mut passwords: Vec<String> = (0..44).map(|i| format!("wrong-guess-{i}!Zq")).collect();
        passwords.insert(22, PASSWORD.to_string());
        let results = sign_in_storm(db, "jinji", passwords, t0);
        let opened = results.iter().filter(|r| r.is_ok()).count();
        assert!(opened <= 1);
        let wrong_checked = passwords_checked(db, "jinji") - opened;
        // A success resets the count, so at most one more window's worth.
        let limit = policy.lockout_failures as usize * (1 + opened);
        assert!(wrong_checked <= limit, "{:?}: {wrong_checked} > {limit}", db.backend);
    });
}

#[test]
fn wrong_current_passwords_on_the_password_page_count_toward_the_lock_out() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let policy = AccountPolicy::default();
        let t0 = at("2024-07-01 09:00");
        let change = |current: &str, at: NaiveDateTime| {
            accounts::set_password(
                &mut db.conn(),
                "jinji",
                PasswordChange::Own {
                    current,
                    keep_session: None,
                },
                "Brand-new-Quokka-7193",
                &policy,
                Some("jinji"),
                at,
            )
        };
        for _ in 0..4 {
            let e = change("guess-Quokka-1!", t0).unwrap_err();
            assert!(matches!(e, AccountError::WrongCurrentPassword), "{e}");
        }
        let e = change("guess-Quokka-1!", t0).unwrap_err();
        assert!(
            matches!(e, AccountError::Locked(_)),
            "{:?}: the fifth guess locks: {e}",
            db.backend
        );
        // Now neither a sign-in nor the right current password is checked.
        let e = accounts::sign_in(&mut db.conn(), "jinji", PASSWORD, &policy, t0 + Duration::minutes(1)).unwrap_err();
        assert!(matches!(e, AccountError::Locked(_)), "{e}");
        assert!(change(PASSWORD, t0 + Duration::minutes(1)).is_err());
        // Mixed with sign-ins: 3 wrong sign-ins + 2 wrong guesses also lock.
        db.add_user("boss", Role::Manager, None, None);
        for _ in 0..3 {
            accounts::sign_in(&mut db.conn(), "boss", "guess-Quokka-1!", &policy, t0).unwrap_err();
        }
        let guess = |current: &str| {
            accounts::set_password(
                &mut db.conn(),
                "boss",
                PasswordChange::Own {
                    current,
                    keep_session: None,
                },
                "Brand-new-Quokka-7193",
                &policy,
                Some("boss"),
                t0,
            )
        };
        guess("guess-Quokka-2!").unwrap_err();
        assert!(matches!(guess("guess-Quokka-3!"), Err(AccountError::Locked(_))));
    });
}

#[test]
fn changing_ones_own_password_ends_every_other_session_and_api_token() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let policy = AccountPolicy::default();
        let t0 = at("2024-07-01 09:00");
        let open = || {
            accounts::sign_in(&mut db.conn(), "jinji", PASSWORD, &policy, t0)
                .unwrap()
                .1
        };
        let (this, phone, api) = (open(), open(), open());
        accounts::set_password(
            &mut db.conn(),
            "jinji",
            PasswordChange::Own {
                current: PASSWORD,
                keep_session: Some(&this.token),
            },
            "Brand-new-Quokka-7193",
            &policy,
            Some("jinji"),
            t0,
        )
        .unwrap();
        let alive = |token: &str| {
            accounts::user_by_token(&mut db.conn(), token, &policy, t0 + Duration::minutes(1))
                .unwrap()
                .is_some()
        };
        assert!(
            alive(&this.token),
            "{:?}: the session that changed it stays",
            db.backend
        );
        assert!(
            !alive(&phone.token) && !alive(&api.token),
            "{:?}: the others end",
            db.backend
        );
    });
}

#[actix_web::test]
async fn the_password_screen_keeps_its_own_session_and_ends_the_others() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("jinji", Role::Hr, None, None);
    let service = db.spawn().await;
    let mut here = service.signed_in("jinji").await;
    let mut there = service.signed_in("jinji").await;
    let form = here.get("/account/password").await;
    let csrf = hidden(&form.body, "csrf");
    let done = here
        .post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("new_password", "Brand-new-Quokka-7193"),
                ("confirm", "Brand-new-Quokka-7193"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(here.get("/account/password").await.status, 200, "this session stays");
    assert_eq!(there.get("/account/password").await.status, 303, "the other one ends");
}

#[actix_web::test]
async fn five_wrong_current_passwords_on_the_screen_lock_the_account_and_sign_it_out() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("jinji", Role::Hr, None, None);
    let service = db.spawn().await;
    let mut b = service.signed_in("jinji").await;
    let csrf = hidden(&b.get("/account/password").await.body, "csrf");
    for _ in 0..5 {
        let page = b
            .post(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current", "guess-Quokka-1!"),
                    ("new_password", "Brand-new-Quokka-7193"),
                    ("confirm", "Brand-new-Quokka-7193"),
                ],
            )
            .await;
        assert_eq!(page.status, 422);
    }
    assert_eq!(b.get("/account/password").await.status, 303, "signed out by the lock");
    let mut fresh = service.browser();
    assert_eq!(fresh.sign_in("jinji", PASSWORD).await.status, 401, "locked");
}

/// The status and body of an API sign-in.
async fn api_sign_in(service: &impl Service, login: &str, password: &str) -> (u16, serde_json::Value) {
    let req = atest::TestRequest::post()
        .uri("/api/v1/sessions")
        .set_json(serde_json::json!({ "login": login, "password": password }))
        .to_request();
    let resp = atest::call_service(service, req).await;
    let status = resp.status().as_u16();
    (status, atest::read_body_json(resp).await)
}

#[actix_web::test]
async fn a_locked_account_answers_exactly_like_an_unknown_login_on_the_api_and_the_screen() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("jinji", Role::Hr, None, None);
    let service = db.spawn().await;
    for _ in 0..6 {
        api_sign_in(&service, "jinji", "guess-Quokka-1!").await;
    }
    let locked = api_sign_in(&service, "jinji", PASSWORD).await;
    let unknown = api_sign_in(&service, "nobody-here", PASSWORD).await;
    let wrong_unknown = api_sign_in(&service, "nobody-here", "guess-Quokka-1!").await;
    assert_eq!(locked.0, 401);
    assert_eq!(locked, unknown, "a locked account looks like an unknown login");
    assert_eq!(unknown, wrong_unknown);
    assert!(!locked.1.to_string().contains("ロックしました"), "{}", locked.1);

    let screen = |login: &'static str| {
        let service = &service;
        async move {
            let mut b = Browser::new(service);
            let page = b.sign_in(login, PASSWORD).await;
            // The page differs only in its random form token.
            let csrf = hidden(&page.body, "csrf");
            (page.status, page.body.replace(&csrf, "CSRF"))
        }
    };
    assert_eq!(screen("jinji").await, screen("nobody-here").await);
}

#[test]
fn what_is_typed_as_a_login_is_never_kept_unless_it_is_a_known_login() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let policy = AccountPolicy::default();
        let t0 = at("2024-07-01 09:00");
        let typed = [
            "Secret-Password-1".to_string(),        // a password typed as the login
            "=HYPERLINK(\"http://x\")".to_string(), // a formula
            "山田 太郎".to_string(),                // not a login at all
            "x".repeat(64 * 1024),                  // 64 KB
        ];
        for login in &typed {
            let e = accounts::sign_in(&mut db.conn(), login, PASSWORD, &policy, t0).unwrap_err();
            assert!(matches!(e, AccountError::BadCredentials), "{e}");
        }
        let e = accounts::sign_in(&mut db.conn(), "jinji", "guess-Quokka-1!", &policy, t0).unwrap_err();
        assert!(matches!(e, AccountError::BadCredentials), "{e}");
        let log = log_of(db);
        let stored = format!("{log:?}");
        for login in &typed {
            let probe: String = login.chars().take(12).collect();
            assert!(
                !stored.contains(&probe),
                "{:?}: {probe:?} was kept: {stored:.300}",
                db.backend
            );
        }
        let actors: Vec<_> = log
            .iter()
            .filter(|(op, _, _)| op == "sign_in_refused")
            .map(|(_, a, _)| a.clone())
            .collect();
        assert!(actors.iter().flatten().all(|a| a.len() <= 64), "{actors:?}");
        assert!(
            actors.contains(&Some("jinji".into())),
            "a known login is named: {actors:?}"
        );
        assert_eq!(
            actors.iter().filter(|a| a.is_none()).count(),
            3,
            "invalid logins are not named"
        );
        assert!(
            actors.iter().flatten().any(|a| a.starts_with("unknown:")),
            "an unknown but well-formed login is a short hash: {actors:?}"
        );
    });
}

#[test]
fn guessable_passwords_are_refused_by_strength_not_by_a_word_list() {
    let policy = AccountPolicy::default();
    for weak in [
        "P@ssw0rd12345",
        "Welcome2024!!",
        "Shift-2024-demo",
        "Qwerty!2345678",
        "Summer2024!!!",
        "Hospital#2024a",
        "Password2024!",
    ] {
        assert!(
            accounts::check_password(&policy, "jinji", weak).is_err(),
            "{weak} is refused"
        );
    }
    for strong in ["Brand-new-Quokka-7193", PASSWORD, "砂時計-Umbrella-58&Kite"] {
        assert_eq!(accounts::check_password(&policy, "jinji", strong), Ok(()), "{strong}");
    }
    let demo = AccountPolicy {
        demo_mode: true,
        ..AccountPolicy::default()
    };
    assert_eq!(
        accounts::check_password(&demo, "jinji", accounts::DEMO_PASSWORD),
        Ok(())
    );
}

#[test]
fn the_published_demo_password_opens_an_account_only_in_a_demo() {
    each_backend(|db| {
        kinmu::demo::claim(&mut db.conn(), "test", true, false, now()).unwrap();
        kinmu::demo::load_if_empty(&mut db.conn(), date("2024-07-15"), now()).unwrap();
        let demo = AccountPolicy {
            demo_mode: true,
            ..AccountPolicy::default()
        };
        let t0 = now();
        accounts::sign_in(&mut db.conn(), "jinji", accounts::DEMO_PASSWORD, &demo, t0).unwrap();
        let e = accounts::sign_in(
            &mut db.conn(),
            "jinji",
            accounts::DEMO_PASSWORD,
            &AccountPolicy::default(),
            t0,
        )
        .unwrap_err();
        assert!(matches!(e, AccountError::BadCredentials), "{:?}: {e}", db.backend);
    });
}

#[actix_web::test]
async fn next_leads_only_to_this_site_and_a_control_character_is_a_bad_request() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("jinji", Role::Hr, None, None);
    let service = db.spawn().await;
    let mut b = service.browser();
    for uri in [
        "/lang/en?next=/%09/evil.example",
        "/lang/ja?next=/%0a/evil.example",
        "/lang/en?next=/%0d%0aSet-Cookie:x=1",
        "/login?next=/%09/evil.example",
        "/login?next=%0a",
    ] {
        let page = b.get(uri).await;
        assert_eq!(page.status, 400, "{uri}: {:?}", page.location);
        assert!(page.location.is_none(), "{uri}");
    }
    let page = b.get("/lang/en?next=//evil.example").await;
    assert_eq!(page.location.as_deref(), Some("/"));
    let page = b.get("/lang/en?next=/doctors/D001%3Fmonth%3D2024-06").await;
    assert_eq!(page.location.as_deref(), Some("/doctors/D001?month=2024-06"));
    // The sign-in form's next, posted with a TAB.
    let csrf = hidden(&b.get("/login").await.body, "csrf");
    let page = b
        .post(
            "/login",
            &[
                ("login", "jinji"),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", "/\t/evil.example"),
            ],
        )
        .await;
    assert_eq!(page.status, 400);
    // The sign-in page opened again elsewhere: the first one's token is
    // refused, saying the page expired (not that access is forbidden).
    let stale = hidden(&b.get("/login").await.body, "csrf");
    b.get("/login").await;
    let page = b
        .post(
            "/login",
            &[
                ("login", "jinji"),
                ("password", PASSWORD),
                ("csrf", &stale),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    // (This browser chose English above.)
    assert!(page.body.contains("This page has expired"), "{}", page.body);
}

#[test]
fn a_password_change_checks_only_the_current_password_never_the_new_one_against_the_stored_hash() {
    each_backend(|db| {
        db.add_user("jinji", Role::Hr, None, None);
        let policy = AccountPolicy::default();
        // A guess in the new-password field must not be tested against the
        // stored password: the answer is about the current password only.
        let e = accounts::set_password(
            &mut db.conn(),
            "jinji",
            PasswordChange::Own {
                current: "guess-Quokka-1!",
                keep_session: None,
            },
            PASSWORD,
            &policy,
            Some("jinji"),
            now(),
        )
        .unwrap_err();
        assert!(matches!(e, AccountError::WrongCurrentPassword), "{:?}: {e}", db.backend);
        let u = accounts::user_by_login(&mut db.conn(), "jinji").unwrap().unwrap();
        assert_eq!(u.failed_sign_ins, 1, "the guess counts toward the lock-out");
    });
}
