//! docs/openapi.yaml against the API kinmu serves: every route is
//! documented with its method, and every field of a real answer (on the
//! test hospital with interviews, pre-checks, measures, PC use and
//! discrepancies) is named in its path's schema or a schema it refers to.
//! A field added to a typed response without its documentation fails here.

use crate::helpers::*;
use kinmu::ingest::ImportKind;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn openapi() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.yaml")).unwrap()
}

/// The lines of a block that starts at the line `head` (exactly) and runs
/// while lines are indented deeper than it (or blank).
fn block<'a>(doc: &'a str, head: &str) -> Option<Vec<&'a str>> {
    let mut lines = doc.lines().skip_while(|l| *l != head);
    let first = lines.next()?;
    let indent = first.len() - first.trim_start().len();
    let mut out = vec![first];
    out.extend(lines.take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent));
    Some(out)
}

/// A path's entry with every component it refers to, transitively (schemas,
/// responses, parameters), as one text.
fn documented(doc: &str, path: &str) -> String {
    let mut text = block(doc, &format!("  {path}:"))
        .unwrap_or_else(|| panic!("{path} is not in docs/openapi.yaml"))
        .join("\n");
    let mut seen = BTreeSet::new();
    loop {
        let refs: Vec<String> = text
            .match_indices("$ref: \"#/components/")
            .filter_map(|(i, m)| {
                let rest = &text[i + m.len()..];
                rest.split('"').next().map(str::to_string)
            })
            .filter(|r| !seen.contains(r))
            .collect();
        if refs.is_empty() {
            return text;
        }
        for r in refs {
            let (kind, name) = r.split_once('/').unwrap();
            let section = block(doc, &format!("  {kind}:")).unwrap().join("\n");
            let found = block(&section, &format!("    {name}:"))
                .unwrap_or_else(|| panic!("#/components/{r} is referred to but not defined"))
                .join("\n");
            text.push('\n');
            text.push_str(&found);
            seen.insert(r);
        }
    }
}

/// Fields documented as free-form objects (`additionalProperties: true`):
/// the access log's `detail`, whose fields depend on the operation.
const FREE_FORM: [&str; 1] = ["detail"];

/// Every object key in `v`, at any depth (not inside free-form fields).
fn keys(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.insert(k.clone());
                if !FREE_FORM.contains(&k.as_str()) {
                    keys(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

/// The keys of `answer` that the documentation of `path` never names.
fn undocumented(doc: &str, path: &str, answer: &Value) -> Vec<String> {
    let text = documented(doc, path);
    for k in FREE_FORM {
        if text.contains(&format!(" {k}:")) {
            assert!(
                text.contains(&format!(" {k}: {{ type: object, additionalProperties: true")),
                "{path}: {k} is read as free-form but not documented so"
            );
        }
    }
    let mut all = BTreeSet::new();
    keys(answer, &mut all);
    all.into_iter()
        .filter(|k| {
            !text.contains(&format!(" {k}:")) && !text.contains(&format!("[{k}")) && !text.contains(&format!(" {k},"))
        })
        .collect()
}

#[test]
fn every_route_of_the_api_is_documented_with_its_method() {
    let doc = openapi();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut files = vec![src.join("mod.rs")];
    for e in std::fs::read_dir(src.join("api")).unwrap() {
        files.push(e.unwrap().path());
    }
    let mut routes = Vec::new();
    for f in files {
        let code = std::fs::read_to_string(&f).unwrap();
        for line in code.lines().map(str::trim) {
            for (attr, method) in [
                ("#[get(\"", "get"),
                ("#[post(\"", "post"),
                ("#[delete(\"", "delete"),
                ("#[actix_web::delete(\"", "delete"),
            ] {
                if let Some(rest) = line.strip_prefix(attr) {
                    routes.push((method, rest.split('"').next().unwrap().to_string()));
                }
            }
        }
    }
    assert!(routes.len() >= 20, "routes found: {routes:?}");
    for (method, path) in routes {
        let entry = block(&doc, &format!("  {path}:")).unwrap_or_else(|| panic!("{path} is not documented"));
        assert!(
            entry.iter().any(|l| *l == format!("    {method}:")),
            "{method} {path} is not documented"
        );
    }
}

const PC_LOG: &str = "staff_id,pc_name,logon,logoff\n\
D04,PC-7,2024-06-03 08:31:00,2024-06-03 18:30:00\n\
A01,PC-1,2024-06-04 21:00:00,2024-06-04 23:30:00\n";

#[actix_web::test]
async fn every_field_the_api_answers_is_documented() {
    let db = TestDb::new(Backend::Sqlite);
    prepared(&db);
    db.import_ok(ImportKind::Pclog, PC_LOG.as_bytes());
    let app = db.spawn().await;
    let doc = openapi();
    let (admin, hr, boss, doctor) = (
        app.token("admin").await,
        app.token("jinji").await,
        app.token("boss").await,
        app.token("aoki").await,
    );
    let interview = interview_of(&db, "C03");
    let asked: Vec<(&str, String, &str)> = vec![
        ("/healthz", "/healthz".into(), &admin),
        (
            "/api/v1/dashboard",
            "/api/v1/dashboard?month=2024-06&as_of=2024-06-14".into(),
            &hr,
        ),
        (
            "/api/v1/reports/monthly",
            "/api/v1/reports/monthly?month=2024-06&as_of=2024-06-14".into(),
            &hr,
        ),
        (
            "/api/v1/discrepancies",
            "/api/v1/discrepancies?month=2024-06&as_of=2024-06-14".into(),
            &hr,
        ),
        (
            "/api/v1/pc-reviews",
            "/api/v1/pc-reviews?month=2024-06&as_of=2024-06-14".into(),
            &boss,
        ),
        (
            "/api/v1/doctors/{staff_id}/months/{month}",
            "/api/v1/doctors/C03/months/2024-06?as_of=2024-06-20".into(),
            &boss,
        ),
        ("/api/v1/interviews", "/api/v1/interviews?month=2024-06".into(), &boss),
        (
            "/api/v1/interviews/{id}",
            format!("/api/v1/interviews/{interview}"),
            &boss,
        ),
        ("/api/v1/measures", "/api/v1/measures?month=2024-06".into(), &boss),
        ("/api/v1/imports", "/api/v1/imports".into(), &hr),
        (
            "/api/v1/inspection",
            "/api/v1/inspection?fy=2024&from=2024-06-01&to=2024-06-30".into(),
            &boss,
        ),
        ("/api/v1/users", "/api/v1/users".into(), &admin),
        ("/api/v1/audit", "/api/v1/audit?limit=200".into(), &admin),
        ("/api/v1/worklist", "/api/v1/worklist?month=2024-06".into(), &hr),
        ("/api/v1/me/selfcheck", "/api/v1/me/selfcheck".into(), &doctor),
        (
            "/api/v1/interviews/{id}/physicians",
            format!("/api/v1/interviews/{interview}/physicians"),
            &hr,
        ),
    ];
    let mut missing = Vec::new();
    for (path, uri, token) in asked {
        let (status, answer) = app.get_json(&uri, Some(token)).await;
        assert_eq!(status, 200, "{uri}: {answer}");
        assert!(
            answer.as_object().is_some_and(|o| !o.is_empty()),
            "{uri} answers an object"
        );
        let keys = undocumented(&doc, path, &answer);
        if !keys.is_empty() {
            missing.push(format!("{path}: {keys:?}"));
        }
    }
    // An import's answer (a timecard re-export declaring its period).
    let (status, answer) = app
        .call(
            crate::api_screens::upload(
                "/api/v1/imports/timecard?period_from=2024-06-03&period_to=2024-06-04",
                b"staff_id,date,clock_in,clock_out\nA01,2024-06-03,08:30,17:30\n",
            ),
            Some(&hr),
        )
        .await;
    assert!(status == 200 || status == 422, "{answer}");
    assert!(answer.get("superseded").is_some(), "{answer}");
    let keys = undocumented(&doc, "/api/v1/imports/{kind}", &answer);
    if !keys.is_empty() {
        missing.push(format!("/api/v1/imports/{{kind}}: {keys:?}"));
    }
    // The roster check's answer (rules §15.4): rest, break and duty
    // problems and the projected hours of C03 and A01.
    let roster = "staff_id,date,clock_in,clock_out,break_minutes,kind,interval_rule\n\
                  C03,2024-07-01,08:00,00:30,60,work,over15\n\
                  C03,2024-07-02,08:00,23:00,0,work,\n\
                  A01,2024-07-01,08:30,17:15,45,work,\n\
                  A01,2024-07-01,17:15,08:30,0,duty_permitted,\n";
    let (status, answer) = app
        .call(
            crate::api_screens::upload("/api/v1/roster-check?month=2024-07&as_of=2024-06-30", roster.as_bytes()),
            Some(&hr),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["summary"]["doctors"] == 2, "{answer}");
    let text = answer.to_string();
    for code in ["exception_rest_short", "break_short", "duty_outside_permit"] {
        assert!(text.contains(code), "{code}: {answer}");
    }
    let keys = undocumented(&doc, "/api/v1/roster-check", &answer);
    if !keys.is_empty() {
        missing.push(format!("/api/v1/roster-check: {keys:?}"));
    }
    assert!(
        missing.is_empty(),
        "fields missing from docs/openapi.yaml:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_field_outside_the_documentation_is_found() {
    let doc = openapi();
    let answer = serde_json::json!({ "month": "2024-06", "lines": [{ "staff_id": "A01", "no_such_field": 1 }] });
    assert_eq!(undocumented(&doc, "/api/v1/dashboard", &answer), ["no_such_field"]);
}
