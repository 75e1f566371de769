//! HR's screens: uploads (preview → import → result, rejected rows as CSV)
//! and the discrepancy (乖離) queue with its resolutions (rules §9), on both
//! backends, through the real routes with cookies and CSRF.

use crate::helpers::*;
use kinmu::ingest::ImportKind;

fn row_count(db: &TestDb, table: &str) -> i64 {
    db.data_counts().into_iter().find(|(t, _)| *t == table).unwrap().1
}

/// A July timecard for A01 (June is the fixture's), as a Japanese system
/// exports it: Shift_JIS, Japanese headers, a remarks column.
const JULY: &str = "職員番号,勤務日,出勤時刻,退勤時刻,休憩時間（分）,勤務区分,備考\r\n\
A01,2024/7/1,08:30,17:30,60,日勤,\r\n\
A01,2024/7/2,08:30,20:00,60,日勤,病棟\r\n\
A01,2024/7/3,17:00,33:00,60,夜勤,当直\r\n";

#[actix_web::test]
async fn every_hr_route_is_refused_to_other_roles() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        run_daily(&db, &settings(&db, None), "2024-06-14");
        let service = db.spawn().await;
        let token = "0".repeat(64);
        // Each signs in and takes their own CSRF token from a page they may
        // see, so the 403 below is the role rule, not a bad token.
        for (login, own_page) in [
            ("boss", "/"),
            ("kato", "/doctors/A01?month=2024-06"),
            ("aoki", "/doctors/A01?month=2024-06"),
        ] {
            let mut b = service.signed_in(login).await;
            let page = b.get(own_page).await;
            assert_eq!(page.status, 200, "{login} {own_page}");
            let csrf = hidden(&page.body, "csrf");
            for uri in [
                "/imports".to_string(),
                format!("/imports/preview/{token}"),
                format!("/imports/result/{token}"),
                format!("/imports/result/{token}/rejected.csv"),
            ] {
                assert_eq!(b.get(&uri).await.status, 403, "{login} GET {uri} on {backend:?}");
            }
            // A manager sees the page for the PC review items of their
            // doctors (rules §9), not the discrepancy queue.
            let discrepancies = b.get("/discrepancies?month=2024-06").await;
            if login == "boss" {
                assert_eq!(discrepancies.status, 200);
                assert!(!discrepancies.body.contains(r#"id="open-count""#));
            } else {
                assert_eq!(discrepancies.status, 403, "{login} GET /discrepancies");
            }
            let body = multipart(
                &[("csrf", &csrf), ("kind", "timecard")],
                Some(("x.csv", JULY.as_bytes())),
            );
            assert_eq!(b.send(upload_request(body)).await.status, 403, "{login} upload");
            let commit = b.post("/imports/commit", &[("csrf", &csrf), ("token", &token)]).await;
            assert_eq!(commit.status, 403, "{login} commit");
            let resolve = b
                .post(
                    "/discrepancies/resolve",
                    &[
                        ("csrf", &csrf),
                        ("staff_id", "D04"),
                        ("day", "2024-06-03"),
                        ("resolution", "work"),
                        ("reason", "x"),
                    ],
                )
                .await;
            assert_eq!(resolve.status, 403, "{login} resolve");
        }
        let mut hr = service.signed_in("jinji").await;
        assert_eq!(hr.get("/imports").await.status, 200);
        assert_eq!(hr.get("/discrepancies?month=2024-06").await.status, 200);
        let mut nobody = service.browser();
        assert_eq!(
            nobody.get("/imports").await.status,
            303,
            "not signed in: to the sign-in page"
        );
    }
}

#[actix_web::test]
async fn a_shift_jis_timecard_is_previewed_then_imported_and_listed() {
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(JULY);
    assert!(!unmappable);
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let form = hr.get("/imports").await;
        assert!(form.body.contains(r#"enctype="multipart/form-data""#) && form.body.contains("/static/app.js"));
        let csrf = hidden(&form.body, "csrf");
        let before = row_count(&db, "timecard_rows");

        let preview = upload(&mut hr, &csrf, "timecard", "kintai-2024-07.csv", &sjis).await;
        assert_eq!(preview.status, 200, "{}", preview.body);
        let p = &preview.body;
        assert!(p.contains(r#"<b id="encoding">Shift_JIS</b>"#), "{p}");
        assert!(p.contains("<td>休憩時間（分）</td>") && p.contains("<code>break_minutes</code>"));
        assert!(
            p.contains("<td>備考</td>\n<td><span class=\"muted\">無視</span>"),
            "{p}"
        );
        assert!(
            p.contains("2024-07-04 09:00"),
            "33:00 read as the next day's 09:00: {p}"
        );
        assert_eq!(row_count(&db, "timecard_rows"), before, "a preview writes nothing");
        // The preview already gives the import's verdict.
        assert!(p.contains(r#"<p id="verdict-ok">追加 <b>3</b>"#), "{p}");

        let result = import(&mut hr, &preview).await;
        assert_eq!(result.status, 200);
        let r = &result.body;
        assert!(r.contains(r#"data-committed="true""#), "{r}");
        assert!(r.contains(r#"<b id="inserted">3</b>"#) && r.contains(r#"<b id="unchanged">0</b>"#));
        assert_eq!(row_count(&db, "timecard_rows"), before + 3);
        let listed = hr.get("/imports").await;
        assert!(listed.body.contains("kintai-2024-07.csv") && listed.body.contains("jinji"));

        // The same token cannot import twice: a second click shows the result.
        let again = hr
            .post(
                "/imports/commit",
                &[("csrf", &csrf), ("token", &hidden(&preview.body, "token"))],
            )
            .await;
        assert_eq!(again.status, 303);
        assert_eq!(row_count(&db, "timecard_rows"), before + 3);

        // Re-importing the same file changes nothing and says so.
        let preview = upload(&mut hr, &csrf, "timecard", "kintai-2024-07.csv", &sjis).await;
        let result = import(&mut hr, &preview).await;
        assert!(
            result.body.contains(r#"<b id="unchanged">3</b>"#) && result.body.contains(r#"data-committed="false""#)
        );

        // The page's script gets the preview's address as JSON.
        let body = multipart(&[("csrf", &csrf), ("kind", "timecard")], Some(("k.csv", &sjis)));
        let scripted = hr
            .send(upload_request(body).insert_header(("X-Requested-With", "XMLHttpRequest")))
            .await;
        assert_eq!(scripted.status, 200);
        let next: serde_json::Value = serde_json::from_str(&scripted.body).unwrap();
        assert!(next["next"].as_str().unwrap().starts_with("/imports/preview/"));
    }
}

#[actix_web::test]
async fn a_bad_file_shows_its_rejected_rows_writes_nothing_and_they_download_as_csv_with_a_bom() {
    // Line 3: an unknown doctor (found at import); line 4: an unreadable end.
    let bad = "職員番号,勤務日,出勤,退勤\n\
A01,2024-07-01,08:30,17:30\n\
ZZ9,2024-07-01,08:30,17:30\n\
A01,2024-07-02,08:30,25:99\n";
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let csrf = hidden(&hr.get("/imports").await.body, "csrf");
        let counts = db.data_counts();

        let preview = upload(&mut hr, &csrf, "timecard", "bad.csv", bad.as_bytes()).await;
        assert!(
            preview.body.contains("<b>退勤</b>"),
            "the preview names the bad cell: {}",
            preview.body
        );
        let result = import(&mut hr, &preview).await;
        let r = &result.body;
        assert!(
            r.contains(r#"data-committed="false""#) && r.contains("何も取り込んでいません"),
            "{r}"
        );
        assert!(r.contains(r#"<table id="rejected">"#));
        assert!(r.contains(r#"<tr><td class="n">3</td><td>職員番号</td>"#), "{r}");
        assert!(r.contains(r#"<tr><td class="n">4</td><td>退勤</td>"#), "{r}");
        assert_eq!(db.data_counts(), counts, "nothing written on {backend:?}");

        let token = hidden(&preview.body, "token");
        let csv = hr.get(&format!("/imports/result/{token}/rejected.csv")).await;
        assert_eq!(csv.status, 200);
        assert!(csv.body.starts_with('\u{feff}'), "UTF-8 with BOM");
        let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "行,列,理由");
        assert!(
            lines[1].starts_with("3,職員番号,") && lines[2].starts_with("4,退勤,"),
            "{lines:?}"
        );

        // A file without a required column fails as a whole, in Japanese.
        let preview = upload(
            &mut hr,
            &csrf,
            "timecard",
            "no-end.csv",
            "職員番号,勤務日,出勤\nA01,2024-07-01,08:30\n".as_bytes(),
        )
        .await;
        assert!(
            preview.body.contains("必須の列がありません: 退勤(clock_out)"),
            "{}",
            preview.body
        );
        assert!(!preview.body.contains(r#"name="token""#), "no import button");
        // An unreadable encoding too.
        let preview = upload(&mut hr, &csrf, "pclog", "utf16.csv", b"\xFF\xFEa\x00b\x00").await;
        assert!(preview.body.contains("文字コードを判別できません"));
        assert_eq!(db.data_counts(), counts);

        // Too large: refused before the body is read, in Japanese.
        let big = upload_request(multipart(&[("csrf", &csrf), ("kind", "timecard")], None))
            .insert_header(("content-length", (60 * 1024 * 1024).to_string()));
        let refused = hr.send(big).await;
        assert_eq!(refused.status, 413);
        assert!(refused.body.contains("ファイルが大きすぎます"));

        // A form without the CSRF token is refused and writes nothing.
        let forged = multipart(&[("kind", "timecard")], Some(("x.csv", JULY.as_bytes())));
        assert_eq!(hr.send(upload_request(forged)).await.status, 403);
        let forged = hr.post("/imports/commit", &[("token", &token)]).await;
        assert_eq!(forged.status, 403);
        assert_eq!(db.data_counts(), counts);

        // --skip-invalid writes the valid row and still lists the others.
        let preview = upload(&mut hr, &csrf, "timecard", "bad.csv", bad.as_bytes()).await;
        let token = hidden(&preview.body, "token");
        let done = hr
            .post(
                "/imports/commit",
                &[("csrf", &csrf), ("token", &token), ("skip_invalid", "1")],
            )
            .await;
        let result = hr.get(&done.location.unwrap()).await;
        assert!(result.body.contains(r#"data-committed="true""#), "{}", result.body);
        assert!(
            result.body.contains(r#"<b id="inserted">1</b>"#)
                && result.body.contains(r#"<b id="rejected-count">2</b>"#)
        );
        assert_eq!(
            row_count(&db, "timecard_rows"),
            row_count_in(&counts, "timecard_rows") + 1
        );
    }
}

/// D04 clocks 08:30–17:30 on weekdays; on 3 and 4 June the PC stays on
/// until 18:30: 60 minutes past clock-out each day.
const PC_LOG: &str = "staff_id,pc_name,logon,logoff\n\
D04,PC-7,2024-06-03 08:31:00,2024-06-03 18:30:00\n\
D04,PC-7,2024-06-04 08:35:00,2024-06-04 18:30:00\n\
D04,PC-7,2024-06-05 08:35:00,2024-06-05 17:45:00\n";

async fn resolve<S: Service>(b: &mut Browser<'_, S>, csrf: &str, day: &str, resolution: &str, reason: &str) -> Page {
    b.post(
        "/discrepancies/resolve",
        &[
            ("csrf", csrf),
            ("staff_id", "D04"),
            ("day", day),
            ("resolution", resolution),
            ("reason", reason),
            ("month", "2024-06"),
            ("as_of", "2024-06-14"),
        ],
    )
    .await
}

#[actix_web::test]
async fn pc_use_past_clock_out_is_queued_and_resolving_it_as_work_adds_a_separate_work_row() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.import_ok(ImportKind::Pclog, PC_LOG.as_bytes());
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let queue = hr.get("/discrepancies?month=2024-06&as_of=2024-06-14").await;
        assert_eq!(queue.status, 200);
        let q = &queue.body;
        assert!(q.contains(r#"data-staff-id="D04" data-day="2024-06-03""#), "{q}");
        assert!(q.contains(r#"data-staff-id="D04" data-day="2024-06-04""#));
        assert!(
            !q.contains(r#"data-day="2024-06-05""#),
            "15 minutes is under the threshold"
        );
        assert!(
            q.contains(r#"<span class="gap">60分</span>"#) && q.contains("17:30–18:30"),
            "{q}"
        );
        assert!(q.contains("<svg") && q.contains("PC-7"));
        assert!(q.contains(r#"<b id="open-count">2</b>"#));

        let before = db.report("2024-06", "2024-06-14");
        let d04 = doctor(&before, "D04").clone();
        assert_eq!(d04.open_discrepancies, 2);
        let counts = db.data_counts();
        let csrf = hidden(q, "csrf");

        let done = resolve(
            &mut hr,
            &csrf,
            "2024-06-03",
            "work",
            "病棟対応のため残業（本人確認済み）",
        )
        .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let back = done.location.unwrap();
        assert!(
            back.starts_with("/discrepancies?month=2024-06&as_of=2024-06-14"),
            "{back}"
        );
        let shown = hr.get(&back).await;
        assert!(
            shown
                .body
                .contains("D04 の 2024-06-03 を「労働時間」として処理しました。"),
            "{}",
            shown.body
        );

        let after = db.report("2024-06", "2024-06-14");
        let a = doctor(&after, "D04");
        assert_eq!(a.open_discrepancies, 1);
        assert_eq!(a.total_work_minutes, d04.total_work_minutes + 60);
        assert_eq!(
            a.overtime_minutes,
            d04.overtime_minutes + 60,
            "08:30–17:30 less 60 is 8 h; the hour is overtime"
        );
        let added = db.count_where(
            "SELECT COUNT(*) AS n FROM timecard_rows t JOIN doctors d ON d.id = t.doctor_id \
             WHERE d.staff_id = 'D04' AND t.kind = 'work' AND t.version = 1 AND t.replaces_id IS NULL \
             AND t.batch_id IS NULL AND t.created_by = 'jinji' AND t.superseded_at IS NULL \
             AND t.correction_reason = '病棟対応のため残業（本人確認済み）' \
             AND t.start_at = '2024-06-03 17:30:00' AND t.end_at = '2024-06-03 18:30:00'",
        );
        assert_eq!(added, 1, "one separate row from the clock-out, on {backend:?}");
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM timecard_rows WHERE superseded_at IS NOT NULL"),
            0,
            "the clocked row is not touched"
        );
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM audit_log WHERE category = 'discrepancy' AND operation = 'resolve' AND actor = 'jinji'"
            ),
            1
        );
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM discrepancy_resolutions WHERE resolution = 'work' AND resolved_by = 'jinji'"
            ),
            1
        );
        assert_eq!(
            row_count(&db, "timecard_rows"),
            row_count_in(&counts, "timecard_rows") + 1
        );

        let queue = hr.get("/discrepancies?month=2024-06&as_of=2024-06-14").await;
        assert!(!queue.body.contains(r#"data-day="2024-06-03""#), "no longer open");
        assert!(queue.body.contains(r#"<b id="open-count">1</b>"#));
        assert!(queue.body.contains("病棟対応のため残業"), "listed as resolved");

        // Twice is refused, clearly, and changes nothing.
        let counts = db.data_counts();
        let twice = resolve(&mut hr, &csrf, "2024-06-03", "not_work", "二重登録").await;
        assert_eq!(twice.status, 409, "{}", twice.body);
        assert!(
            twice
                .body
                .contains("D04 の 2024-06-03 の乖離は処理済みです（労働時間、jinji）"),
            "{}",
            twice.body
        );
        assert_eq!(db.data_counts(), counts);
        // A reason is required; a day that is no discrepancy is refused.
        let empty = resolve(&mut hr, &csrf, "2024-06-04", "work", "  ").await;
        assert_eq!(empty.status, 400);
        assert!(empty.body.contains("理由を入力してください"));
        let none = resolve(&mut hr, &csrf, "2024-06-05", "work", "x").await;
        assert_eq!(none.status, 400);
        assert!(none.body.contains("乖離ではありません"));
        // Without the CSRF token: 403, nothing written.
        let forged = hr
            .post(
                "/discrepancies/resolve",
                &[
                    ("staff_id", "D04"),
                    ("day", "2024-06-04"),
                    ("resolution", "work"),
                    ("reason", "x"),
                ],
            )
            .await;
        assert_eq!(forged.status, 403);
        assert_eq!(db.data_counts(), counts);
    }
}

fn row_count_in(counts: &[(&'static str, i64)], table: &str) -> i64 {
    counts.iter().find(|(t, _)| *t == table).unwrap().1
}

#[actix_web::test]
async fn resolving_as_not_work_or_self_study_changes_no_working_hours() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.import_ok(ImportKind::Pclog, PC_LOG.as_bytes());
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let csrf = hidden(&hr.get("/discrepancies?month=2024-06").await.body, "csrf");
        let before = doctor(&db.report("2024-06", "2024-06-14"), "D04").clone();
        let rows = row_count(&db, "timecard_rows");

        assert_eq!(
            resolve(&mut hr, &csrf, "2024-06-04", "not_work", "PCの閉じ忘れ")
                .await
                .status,
            303
        );
        let a = doctor(&db.report("2024-06", "2024-06-14"), "D04").clone();
        assert_eq!(a.open_discrepancies, before.open_discrepancies - 1);
        assert_eq!(
            (a.total_work_minutes, a.overtime_holiday_minutes, a.self_study_minutes),
            (
                before.total_work_minutes,
                before.overtime_holiday_minutes,
                before.self_study_minutes
            )
        );
        assert_eq!(row_count(&db, "timecard_rows"), rows, "not work adds no row");

        assert_eq!(
            resolve(&mut hr, &csrf, "2024-06-03", "self_study", "抄読会の準備")
                .await
                .status,
            303
        );
        let b = doctor(&db.report("2024-06", "2024-06-14"), "D04").clone();
        assert_eq!(b.open_discrepancies, 0);
        assert_eq!(
            (b.total_work_minutes, b.overtime_holiday_minutes),
            (before.total_work_minutes, before.overtime_holiday_minutes)
        );
        assert_eq!(b.self_study_minutes, before.self_study_minutes + 60);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE category = 'discrepancy'"),
            2
        );
        let queue = hr.get("/discrepancies?month=2024-06&as_of=2024-06-14").await;
        assert!(queue.body.contains("勤務外") && queue.body.contains("PCの閉じ忘れ"));
        assert!(queue.body.contains(r#"<b id="open-count">0</b>"#));
    }
}

#[actix_web::test]
async fn timecards_before_the_doctors_list_are_refused_in_the_preview_already_with_one_grouped_reason() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let csrf = hidden(&hr.get("/imports").await.body, "csrf");
        let mut file = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
        for day in 1..=20 {
            file.push_str(&format!("D{day:02},2024-06-{day:02},08:30,17:30,60\n"));
        }
        let preview = upload(&mut hr, &csrf, "timecard", "before-doctors.csv", file.as_bytes()).await;
        assert_eq!(preview.status, 200, "{}", preview.body);
        let p = &preview.body;
        // Every row is readable, but none has a doctor: the verdict says so,
        // as one reason counted 20 times, before anything is imported.
        assert!(p.contains(r#"<b id="verdict-rejected">20</b>"#), "{p}");
        assert!(p.contains(r#"<td class="n">20</td><td class="n">2</td>"#), "{p}");
        assert!(p.contains("先に医師一覧を取り込んでください"), "{p}");
        assert!(p.contains("このままでは何も書き込まれません"));
        // Japanese on a Japanese page, no English half and no field name.
        assert!(!p.contains("unknown doctor") && !p.contains("staff_id</b>"), "{p}");
        assert!(!p.contains("--skip-invalid"), "no command-line flag on a screen");
        assert_eq!(row_count(&db, "timecard_rows"), 0, "a check writes nothing");
        assert_eq!(row_count(&db, "import_batches"), 0);
    }
}
