//! What people fill in on the screens: the pre-check and interview-record
//! forms, and HR's upload (preview → import) as a browser sends it.

use super::{hidden, Browser, Page, Service};
use actix_web::test;

/// The calm pre-check: no risk factor at all.
pub fn calm(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf", csrf),
        ("work_status", "外来と病棟"),
        ("sleep", "7:00"),
        ("fatigue_symptom", "II"),
        ("fatigue_score", "2"),
        ("mental_physical", "特記なし"),
        ("doctor_requests_interview", "no"),
    ]
}

/// The physician's record form; an empty `csrf` leaves the token out.
pub fn held<'a>(csrf: &'a str, opinion: &'a str, held_on: &'a str) -> Vec<(&'a str, &'a str)> {
    // A date-only record with the plainest opinion on the form, saved
    // (「確定」) without the confirmation step.
    let mut form = vec![
        ("held_on", held_on),
        ("check_work", "当直が多い"),
        ("check_sleep", "平均6時間"),
        ("check_fatigue", "自覚症状II"),
        ("check_mental_physical", "問題なし"),
        ("opinion", opinion),
        ("guidance", "none"),
        ("work_class", "normal"),
        ("step", "save"),
    ];
    if !csrf.is_empty() {
        form.push(("csrf", csrf));
    }
    form
}

const BOUNDARY: &str = "----kinmu-hr-test-boundary";

/// A multipart/form-data body as a browser sends the upload form.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub fn upload_request(body: Vec<u8>) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/imports/preview")
        .insert_header(("content-type", format!("multipart/form-data; boundary={BOUNDARY}")))
        .set_payload(body)
}

/// Uploads a file as the signed-in user; answers the preview page.
pub async fn upload<S: Service>(b: &mut Browser<'_, S>, csrf: &str, kind: &str, name: &str, bytes: &[u8]) -> Page {
    let body = multipart(&[("csrf", csrf), ("kind", kind)], Some((name, bytes)));
    let sent = b.send(upload_request(body)).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let to = sent.location.unwrap();
    assert!(to.starts_with("/imports/preview/"), "{to}");
    b.get(&to).await
}

/// Imports the previewed upload; answers the result page.
pub async fn import<S: Service>(b: &mut Browser<'_, S>, preview: &Page) -> Page {
    let csrf = hidden(&preview.body, "csrf");
    let token = hidden(&preview.body, "token");
    let done = b.post("/imports/commit", &[("csrf", &csrf), ("token", &token)]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let to = done.location.unwrap();
    assert_eq!(to, format!("/imports/result/{token}"));
    b.get(&to).await
}
