//! The mapping screen (issue 12 §2): a file no built-in layout fits is
//! uploaded as a sample, its columns shown with their values, mapped on the
//! form, checked against the file, saved under a name, and imported with
//! it; the saved layout is then offered on the upload form, downloadable as
//! TOML, registrable from TOML, and deletable — on both backends, through
//! the real routes with cookies and CSRF.

use crate::helpers::*;

/// A hospital's own attendance export: headers no preset or kinmu alias
/// knows, 翌 for the next day, a day off, a totals row.
const OWN: &str = "個人コード,氏名,年月日,区分,開始,終了,休憩(分),備考\r\n\
A01,青木 一郎,2024/07/01,日勤,08:30,17:30,60,\r\n\
A01,青木 一郎,2024/07/02,当直,17:00,翌09:00,0,救急\r\n\
A01,青木 一郎,2024/07/03,公休,,,,\r\n\
合計,,,,,,60,\r\n";

/// The form as HR fills it in for OWN.
fn filled<'a>(csrf: &'a str, action: &'a str, unit: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("action", action),
        ("name", "toin-kintai"),
        ("title", "当院勤怠 <b>日別</b>"),
        ("reads", "shifts"),
        ("header", "1"),
        ("encoding", "auto"),
        ("skip_lines", "0"),
        ("date_format", "auto"),
        ("staff_id", "1"),
        ("date", "3"),
        ("pair_start", "5"),
        ("pair_end", "6"),
        ("pair_start", ""),
        ("pair_end", ""),
        ("break_column", "7"),
        ("break_unit", unit),
        ("kind_column", "4"),
        ("kind_default", "work"),
        ("kv_value", "日勤"),
        ("kv_kind", "work"),
        ("kv_value", "当直"),
        ("kv_kind", "duty"),
        ("kv_value", "公休"),
        ("kv_kind", "day_off"),
        ("skip_column", "1"),
        ("skip_values", "合計"),
    ]
}

async fn sample_upload<S: Service>(b: &mut Browser<'_, S>, csrf: &str, kind: &str, bytes: &[u8]) -> String {
    let body = multipart(
        &[("csrf", csrf), ("kind", kind), ("then", "map")],
        Some(("kintai.csv", bytes)),
    );
    let sent = b.send(upload_request(body)).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let to = sent.location.unwrap();
    assert!(to.starts_with("/imports/layouts/map/"), "{to}");
    to
}

fn saved_layouts(db: &TestDb) -> i64 {
    db.count_where("SELECT COUNT(*) AS n FROM saved_layouts")
}

#[actix_web::test]
async fn an_unknown_export_is_mapped_checked_saved_and_imported_with_its_new_layout() {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(OWN);
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get("/imports/layouts").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains(r#"id="no-saved""#));
        let csrf = hidden(&page.body, "csrf");

        // The sample: every column with its header and first values; no
        // preset fits, so nothing is pre-chosen.
        let map = sample_upload(&mut hr, &csrf, "timecard", &sjis).await;
        let shown = hr.get(&map).await;
        assert_eq!(shown.status, 200, "{}", shown.body);
        let s = &shown.body;
        assert!(
            s.contains("<td>個人コード</td>") && s.contains("A01 ／ A01 ／ A01"),
            "{s}"
        );
        assert!(s.contains("<td>終了</td><td class=\"v\">17:30 ／ 翌09:00</td>"), "{s}");
        assert!(!s.contains(r#"id="started-from""#));
        // Once its column is chosen, the kind map offers the values the
        // file has there.
        let kinds = hr
            .post(
                &map,
                &[
                    ("csrf", &csrf),
                    ("action", "preview"),
                    ("header", "1"),
                    ("kind_column", "4"),
                ],
            )
            .await;
        assert!(kinds.body.contains(r#"name="kv_value" value="公休""#), "{}", kinds.body);

        // A break amount without its unit is refused naming the field, and
        // nothing is saved.
        let refused = hr.post(&map, &filled(&csrf, "save", "")).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(
            refused
                .body
                .contains(r#"<li data-field="break">休憩時間の単位を指定してください"#),
            "{}",
            refused.body
        );
        assert_eq!(saved_layouts(&db), 0);

        // Checked: the layout's TOML and the rows it reads, nothing saved.
        let checked = hr.post(&map, &filled(&csrf, "preview", "minutes")).await;
        assert_eq!(checked.status, 200, "{}", checked.body);
        let c = &checked.body;
        assert!(!c.contains(r#"id="errors""#), "{c}");
        assert!(c.contains("staff_id = &#34;個人コード&#34;"), "{c}");
        assert!(c.contains("2024-07-02 17:00") && c.contains("2024-07-03 09:00"), "{c}");
        assert!(c.contains(r#"<b id="preview-rejected">0</b>"#), "{c}");
        assert_eq!(saved_layouts(&db), 0);

        // Saved: on to the import's own preview of the same file with it.
        let saved = hr.post(&map, &filled(&csrf, "save", "minutes")).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let to = saved.location.unwrap();
        assert!(to.starts_with("/imports/preview/"), "{to}");
        let preview = hr.get(&to).await;
        assert!(
            preview
                .body
                .contains(r#"<b id="layout">当院勤怠 &#60;b&#62;日別&#60;/b&#62;</b>"#),
            "{}",
            preview.body
        );
        assert!(
            preview.body.contains(r#"<p id="verdict-ok">追加 <b>2</b>"#),
            "{}",
            preview.body
        );
        let before = db.count_where("SELECT COUNT(*) AS n FROM timecard_rows");
        let result = import(&mut hr, &preview).await;
        assert!(result.body.contains(r#"data-committed="true""#), "{}", result.body);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"), before + 2);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM timecard_rows WHERE kind = 'duty' AND break_minutes = 0"),
            1
        );
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'layout_save' AND actor = 'jinji'"),
            1
        );

        // Next month it is on the upload form, listed, and downloadable.
        let form = hr.get("/imports").await;
        assert!(form.body.contains(r#"<option value="toin-kintai">"#), "{}", form.body);
        let list = hr.get("/imports/layouts").await;
        assert!(list.body.contains(r#"data-layout="toin-kintai""#));
        assert!(!list.body.contains("<b>日別</b>"), "the title is escaped");
        let toml = hr.get("/imports/layouts/toin-kintai/toml").await;
        assert_eq!(toml.status, 200);
        assert!(
            toml.body.contains("name = \"toin-kintai\"") && toml.body.contains("\"公休\""),
            "{}",
            toml.body
        );
        // The same file again, by the saved name through the usual form.
        let body = multipart(
            &[("csrf", &csrf), ("kind", "timecard"), ("layout", "toin-kintai")],
            Some(("kintai.csv", &sjis)),
        );
        let again = hr.send(upload_request(body)).await;
        let preview = hr.get(&again.location.unwrap()).await;
        assert!(
            preview.body.contains(r#"<b>0</b>・変更なし <b>2</b>"#) || preview.body.contains("変更なし <b>2</b>"),
            "{}",
            preview.body
        );

        // Deleted: gone from the list, logged.
        let gone = hr.post("/imports/layouts/toin-kintai/delete", &[("csrf", &csrf)]).await;
        assert_eq!(gone.status, 303);
        assert_eq!(saved_layouts(&db), 0);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'layout_delete'"),
            1
        );
        assert_eq!(hr.get("/imports/layouts/toin-kintai/toml").await.status, 404);
    }
}

#[actix_web::test]
async fn a_file_with_a_presets_headers_starts_from_that_preset_and_a_preset_name_cannot_be_taken() {
    let kot = String::from_utf8(read_sample("layouts/kingoftime-daily.csv")).unwrap();
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    let service = db.spawn().await;
    let mut hr = service.signed_in("jinji").await;
    let csrf = hr.csrf("jinji").await;
    let map = sample_upload(&mut hr, &csrf, "timecard", kot.as_bytes()).await;
    let shown = hr.get(&map).await;
    let s = &shown.body;
    assert!(s.contains(r#"<p id="started-from">「KING OF TIME 日別データ」"#), "{s}");
    // 従業員コード (column 1) is chosen for the staff id, 60進 for the break.
    assert!(
        s.contains(r#"<select name="staff_id" aria-label="職員番号の列"><option value="">—</option>"#),
        "{s}"
    );
    assert!(
        s.contains(r#"<option value="1" selected>1: 従業員コード</option>"#),
        "{s}"
    );
    assert!(s.contains(r#"<option value="hours_sexagesimal" selected>"#), "{s}");

    let mut form = filled(&csrf, "save", "minutes");
    form.retain(|(k, _)| *k != "name");
    form.push(("name", "kingoftime-daily"));
    let refused = hr.post(&map, &form).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("組み込みの形式の名前です"), "{}", refused.body);
    assert_eq!(saved_layouts(&db), 0);
}

#[actix_web::test]
async fn a_shared_toml_is_registered_and_a_bad_one_refused_naming_its_key() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    let service = db.spawn().await;
    let mut hr = service.signed_in("jinji").await;
    let csrf = hr.csrf("jinji").await;
    let register = |toml: &str| {
        let body = multipart(&[("csrf", &csrf)], Some(("shared.toml", toml.as_bytes())));
        upload_request(body).uri("/imports/layouts/register")
    };
    let shared = String::from_utf8(read_sample("layouts/hospital-own.toml")).unwrap();
    let ok = hr.send(register(&shared)).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(saved_layouts(&db), 1);
    let bad = shared.replace("[columns]", "[columns]\nshift_start = 3");
    let refused = hr.send(register(&bad)).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("shift_start"), "{}", refused.body);
    // The API takes the saved name like a preset's.
    let t = service.token("jinji").await;
    let csv = read_sample("layouts/hospital-own.csv");
    let (status, body) = service
        .call(
            crate::api_screens::upload("/api/v1/imports/roster?layout=hospital-own", &csv),
            Some(&t),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["layout"], "hospital-own", "{body}");
    let (status, body) = service
        .call(
            crate::api_screens::upload("/api/v1/imports/roster?layout=no-such", &csv),
            Some(&t),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("bad_layout")), "{body}");
}

#[actix_web::test]
async fn only_hr_and_the_administrator_reach_the_mapping_screen() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    db.add_user("admin", kinmu::accounts::Role::Admin, None, None);
    let service = db.spawn().await;
    for login in ["boss", "kato", "aoki"] {
        let mut b = service.signed_in(login).await;
        assert_eq!(b.get("/imports/layouts").await.status, 403, "{login}");
        assert_eq!(b.get("/imports/layouts/kinmu/toml").await.status, 403, "{login}");
        let token = "0".repeat(64);
        assert_eq!(
            b.get(&format!("/imports/layouts/map/{token}")).await.status,
            403,
            "{login}"
        );
    }
    // Another HR login cannot open someone else's sample.
    let mut hr = service.signed_in("jinji").await;
    let csrf = hr.csrf("jinji").await;
    let map = sample_upload(&mut hr, &csrf, "timecard", OWN.as_bytes()).await;
    let mut admin = service.signed_in("admin").await;
    assert_eq!(admin.get(&map).await.status, 400);
}
