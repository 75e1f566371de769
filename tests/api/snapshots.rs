//! Golden files of what leaves kinmu for people: every kind of alert mail
//! (src/monitor/mails.rs) for fixed facts, and the print pack's CSV parts
//! as an inspector downloads them (/print/{part}.csv) for the test
//! hospital's June 2024 — the same bytes on both backends. A deliberate
//! change is accepted with `KINMU_UPDATE_SNAPSHOTS=1` and reviewed as a
//! diff of `tests/snapshots/`.

use crate::helpers::*;
use chrono::NaiveDate;
use kinmu::accounts::{DisableReason, DisabledAccount};
use kinmu::audit::{Anchor, Problem, ProblemKind, VerifyReport};
use kinmu::monitor::mailer::Mail;
use kinmu::monitor::mails::{self, DoctorFacts};

/// A mail as one text: headers, then each body.
fn rendered(mail: &Mail) -> String {
    let mut out = format!(
        "To: {}\nSubject: {}\n\n--- text\n{}\n--- html\n{}\n",
        mail.to, mail.subject, mail.text, mail.html
    );
    if let Some(ics) = &mail.ics {
        out.push_str("--- ics\n");
        out.push_str(ics);
    }
    out
}

fn facts() -> DoctorFacts<'static> {
    DoctorFacts {
        hospital: "みなと総合病院",
        staff_id: "D001",
        name: "山田 太郎",
        department: Some("内科"),
        level: "B",
        month: "2024-06",
        actual_minutes: 4890,
        projected_minutes: 6090,
        reach_100_date: Some(date("2024-06-20")),
        base_url: "https://kinmu.example.jp",
    }
}

fn report(ok: bool) -> VerifyReport {
    let anchor = |id| Anchor {
        id,
        hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
    };
    VerifyReport {
        ok,
        entries: 1234,
        keyed: 1200,
        unkeyed: 34,
        note: None,
        cannot_check: None,
        last: Some(anchor(1234)),
        last_keyed: Some(anchor(1234)),
        problem: (!ok).then(|| Problem {
            id: 812,
            kind: ProblemKind::Edited,
            message: "記録 812 の内容がハッシュと一致しません / entry 812 does not match its hash".into(),
        }),
    }
}

#[test]
fn every_kind_of_mail_reads_as_its_golden_file() {
    let f = facts();
    let deadline = date("2024-06-28");
    let on = date("2024-07-01");
    let at = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(8, 30, 0)
            .unwrap()
    };
    let disabled = [
        DisabledAccount {
            login: "tanaka".into(),
            name: Some("田中 一郎".into()),
            role: "doctor".into(),
            reason: DisableReason::Left,
            last_used: at("2024-06-28"),
            leaves_on: Some(date("2024-06-30")),
        },
        DisabledAccount {
            login: "old-hr".into(),
            name: None,
            role: "hr".into(),
            reason: DisableReason::Unused,
            last_used: at("2024-03-01"),
            leaves_on: None,
        },
    ];
    let base = "https://kinmu.example.jp";
    let reasons = [
        kinmu::import::ReasonCount {
            column: Some("staff_id".into()),
            reason: "職員番号 \"Z99\" の医師が登録されていません（先に医師一覧を取り込んでください） / unknown doctor"
                .into(),
            count: 16087,
            first_line: 2,
        },
        kinmu::import::ReasonCount {
            column: Some("退勤".into()),
            reason: "時刻を読めません: \"25:99\" / unreadable time".into(),
            count: 3,
            first_line: 40,
        },
    ];
    let intake_rows = mails::IntakeRejection {
        file: "kot_daily_2024-06.csv",
        stored_as: "failed/20240701-020000_kot_daily_2024-06.csv",
        kind: Some("タイムカード"),
        layout: Some("kingoftime-daily"),
        taken_at: at("2024-07-01"),
        problem: None,
        reasons: &reasons,
        rejected_rows: 16090,
    };
    let intake_no_rule = mails::IntakeRejection {
        file: "給与_2024-06.csv",
        stored_as: "failed/20240701-020000_給与_2024-06.csv",
        kind: None,
        layout: None,
        taken_at: at("2024-07-01"),
        problem: Some("ファイル名から取込の種類を判別できません（どの取込ルールにも当てはまりません）。ファイル名を確かめるか、システム管理者に取込ルールの追加を頼んでください。 / the file name matches no intake rule"),
        reasons: &[],
        rejected_rows: 0,
    };
    let anei_month = mails::AneiMonth {
        hospital: "みなと総合病院",
        base_url: base,
        month: "2024-06",
        first_day: date("2024-06-01"),
        last_day: date("2024-06-30"),
    };
    let anei_lines = [
        mails::AneiLine {
            staff_id: "D001",
            name: "山田 太郎",
            department: Some("内科"),
            excess_minutes: 5315,
            doctor_not_mailed: false,
        },
        mails::AneiLine {
            staff_id: "D002",
            name: "鈴木 花子",
            department: None,
            excess_minutes: 4801,
            doctor_not_mailed: true,
        },
    ];
    let kinds = [
        (
            "interview_assigned",
            mails::interview_assigned(&f, "佐藤 花子 <sato@example.jp>", "佐藤 花子", deadline),
        ),
        (
            "interview_notice_doctor",
            mails::interview_notice_doctor(&f, "yamada@example.jp", "佐藤 花子", deadline),
        ),
        ("precheck_needed", mails::precheck_needed(&f, "boss@example.jp")),
        (
            "measures_needed_after_interview",
            mails::measures_needed(&f, "boss@example.jp", false),
        ),
        (
            "measures_needed_over_155",
            mails::measures_needed(&f, "boss@example.jp", true),
        ),
        (
            "interview_overdue",
            mails::interview_overdue(&f, "boss@example.jp", deadline),
        ),
        (
            "discrepancies_waiting",
            mails::discrepancies_waiting("みなと総合病院", "jinji@example.jp", "2024-06", 7, base),
        ),
        (
            "accounts_disabled",
            mails::accounts_disabled("みなと総合病院", "admin@example.jp", on, &disabled, base),
        ),
        (
            "access_log_anchor_intact",
            mails::access_log_anchor("みなと総合病院", "admin@example.jp", on, &report(true), base),
        ),
        (
            "intake_rejected_rows",
            mails::intake_rejected("みなと総合病院", "jinji@example.jp", &intake_rows, base),
        ),
        (
            "intake_rejected_no_rule",
            mails::intake_rejected("みなと総合病院", "jinji@example.jp", &intake_no_rule, base),
        ),
        (
            "interview_found_late",
            mails::case_found_late(&f, "boss@example.jp", mails::Late::Interview { deadline }),
        ),
        (
            "measures_found_late",
            mails::case_found_late(&f, "jinji@example.jp", mails::Late::Measures),
        ),
        (
            "access_log_anchor_problem",
            mails::access_log_anchor("みなと総合病院", "admin@example.jp", on, &report(false), base),
        ),
        (
            "anei_notice_doctor",
            mails::anei_notice_doctor(&anei_month, "yamada@example.jp", "山田 太郎", 5315),
        ),
        (
            "anei_physician_list",
            mails::anei_physician_list(&anei_month, "sangyoi@example.jp", &anei_lines, false),
        ),
    ];
    for (kind, mail) in &kinds {
        assert_snapshot(&format!("mails/{kind}.txt"), rendered(mail).as_bytes());
    }
}

#[actix_web::test]
async fn the_print_pack_csv_parts_an_inspector_downloads_read_as_their_golden_files() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let s = prepared(&db);
        let service = spawn_with(kinmu::app::App::open(s).unwrap()).await;
        let (_, session) = kinmu::accounts::sign_in(
            &mut db.conn(),
            "admin",
            PASSWORD,
            &service.app.settings.accounts,
            service.app.now(),
        )
        .unwrap();
        for part in part_keys() {
            let uri = format!("/print/{part}.csv?fy=2024&from=2024-06-01&to=2024-06-30");
            let (status, ctype, _, bytes) = service.raw(&session.token, &uri).await;
            assert_eq!(status, 200, "{part} on {backend:?}");
            assert!(ctype.starts_with("text/csv"), "{part}: {ctype}");
            // The checklist says which records today's 3-year rule needs:
            // a date that moves with the day the test runs.
            let bytes = mask_after(&bytes, "3年前: ");
            assert_snapshot(&format!("print/{part}.csv"), &bytes);
        }
    }
}

/// `bytes` with the text after each `marker`, up to the end of its cell,
/// replaced by `…`.
fn mask_after(bytes: &[u8], marker: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at + marker.len()]);
        rest = &rest[at + marker.len()..];
        let end = rest.find([',', '"', '\n']).unwrap_or(rest.len());
        out.push('…');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.into_bytes()
}
