//! The JSON API, in process (actix-web's test service over the real routes).

use crate::helpers::*;
use actix_web::{test, web, App as ActixApp};
use kinmu::app::App;
use kinmu::config::Settings;
use kinmu::ingest::ImportKind;

fn app_for(db: &TestDb) -> App {
    let mut settings = Settings::load_with(None, &|_| None).unwrap();
    settings.database_url = db.url.clone();
    App::open(settings).unwrap()
}

#[actix_web::test]
async fn the_monthly_api_returns_the_same_json_as_the_report_command() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.import_ok(ImportKind::Timecard, &read_sample("worked-timecard.csv"));
        let service = test::init_service(
            ActixApp::new()
                .app_data(web::Data::new(app_for(&db)))
                .configure(kinmu::web::configure),
        )
        .await;
        let req = test::TestRequest::get()
            .uri("/api/v1/reports/monthly?month=2024-06&as_of=2024-06-30")
            .to_request();
        let resp = test::call_service(&service, req).await;
        assert_eq!(resp.status(), 200);
        let body: serde_json::Value = test::read_body_json(resp).await;
        let expected: serde_json::Value = serde_json::from_slice(&read_sample("worked-expected-2024-06.json")).unwrap();
        assert_eq!(body, expected, "on {backend:?}");
    }
}

#[actix_web::test]
async fn a_bad_month_is_a_400_with_a_japanese_message_and_a_stable_code() {
    let db = TestDb::new(Backend::Sqlite);
    let service = test::init_service(
        ActixApp::new()
            .app_data(web::Data::new(app_for(&db)))
            .configure(kinmu::web::configure),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/api/v1/reports/monthly?month=2024-13")
        .to_request();
    let resp = test::call_service(&service, req).await;
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(body["error"], "bad_month");
    assert!(body["message"].as_str().unwrap().contains("YYYY-MM"));
    assert!(body["message_en"].as_str().is_some());
}

#[actix_web::test]
async fn the_overview_page_lists_doctors_in_japanese_with_escaped_names() {
    let db = TestDb::new(Backend::Sqlite);
    db.import_ok(
        ImportKind::Doctors,
        "staff_id,name\nZ1,<script>山田</script>\n".as_bytes(),
    );
    let service = test::init_service(
        ActixApp::new()
            .app_data(web::Data::new(app_for(&db)))
            .configure(kinmu::web::configure),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/?month=2024-06&as_of=2024-06-30")
        .to_request();
    let resp = test::call_service(&service, req).await;
    assert_eq!(resp.status(), 200);
    let html = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert!(html.contains("時間外・休日"));
    assert!(html.contains("&lt;script&gt;山田&lt;/script&gt;"));
    assert!(!html.contains("<script>山田"));
}
