//! The intake mail (issue 12 §5): to HR, a file put in the intake folder
//! could not be imported — which file, what kinmu took it for, and why,
//! the reasons grouped with their counts and first line, so that HR can
//! correct the export without opening kinmu.
//!
//! File names and reasons come from outside (a file name may hold new
//! lines, markup or hundreds of characters; a reason quotes a cell): every
//! such value is made one printable line of bounded length here, and the
//! HTML rendering escapes it as every other value.

use super::body::{Block, Doc};
use crate::domain::time::wareki;
use crate::import::ReasonCount;
use crate::monitor::mailer::Mail;
use chrono::NaiveDateTime;

/// Reason groups listed in the mail; the rest are counted.
pub const MAX_REASONS_IN_MAIL: usize = 10;

/// What the mail says about one refused file.
#[derive(Debug, Clone)]
pub struct IntakeRejection<'a> {
    /// The file's name as it was put in the folder.
    pub file: &'a str,
    /// Where it is now, relative to the intake folder (`failed/…`).
    pub stored_as: &'a str,
    /// What it was taken for (医師一覧, タイムカード, …), if a rule matched.
    pub kind: Option<&'static str>,
    /// The layout it was read with, if the rule names one.
    pub layout: Option<&'a str>,
    /// When kinmu took it.
    pub taken_at: NaiveDateTime,
    /// Why the file as a whole was refused (unreadable, too large, no
    /// rule, unknown layout); `None` when rows were refused.
    pub problem: Option<&'a str>,
    /// The refused rows, grouped by reason.
    pub reasons: &'a [ReasonCount],
    /// Rows refused.
    pub rejected_rows: usize,
}

/// `s` as one printable line of at most `max` characters: control
/// characters (new lines, tabs, escapes) become spaces, runs of spaces one,
/// and a longer text ends in `…`.
pub fn one_line(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in s.chars() {
        let c = if c.is_control() || c.is_whitespace() { ' ' } else { c };
        if c == ' ' {
            if space {
                continue;
            }
            space = true;
        } else {
            space = false;
        }
        if count == max {
            out.pop();
            out.push('…');
            return out.trim().to_string();
        }
        out.push(c);
        count += 1;
    }
    out.trim().to_string()
}

/// A kinmu field name (`staff_id`, `pc_account`): lower-case ASCII,
/// digits and `_` only.
fn is_field_name(c: &str) -> bool {
    !c.is_empty()
        && c.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
}

/// `16087` as `16,087`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// To HR: a file of the intake folder was refused; nothing of it was stored.
pub fn intake_rejected(hospital: &str, to: &str, r: &IntakeRejection, base_url: &str) -> Mail {
    let file = one_line(r.file, 200);
    let subject = format!(
        "【kinmu】自動取込できなかったファイルがあります：{}",
        one_line(r.file, 60)
    );
    let mut facts = vec![
        ("ファイル", file.clone()),
        (
            "受付日時",
            format!("{} {}", wareki(r.taken_at.date()), r.taken_at.format("%H:%M")),
        ),
        (
            "取込の種類",
            r.kind
                .map_or_else(|| "不明（ファイル名から判別できません）".to_string(), str::to_string),
        ),
    ];
    if r.kind.is_some() {
        facts.push((
            "読み方",
            r.layout.map_or_else(
                || "見出し行から自動判別".to_string(),
                |l| format!("取込レイアウト「{}」", one_line(l, 80)),
            ),
        ));
    }
    facts.push(("現在の場所", format!("取込フォルダの {}", one_line(r.stored_as, 240))));
    let mut blocks = vec![
        Block::Para(format!(
            "{hospital} の勤務時間管理システム kinmu からのお知らせです。\n\
             取込フォルダに置かれたファイルを自動で取り込もうとしましたが、取り込めませんでした。\
             このファイルの内容は1件も保存していません。"
        )),
        Block::Facts(facts),
    ];
    let english_reason = match r.problem {
        Some(problem) => {
            blocks.push(Block::Strong(format!("理由：{}", one_line(problem, 300))));
            "the file as a whole could not be read".to_string()
        }
        None => {
            blocks.push(Block::Strong(format!(
                "{}行に問題があります。理由ごとの件数：",
                thousands(r.rejected_rows)
            )));
            let mut items: Vec<String> = r
                .reasons
                .iter()
                .take(MAX_REASONS_IN_MAIL)
                .map(|g| {
                    // A header as written in the file helps; kinmu's own
                    // field names (`staff_id`, for a check against stored
                    // data) are not for HR: the reason names the field.
                    let column = g
                        .column
                        .as_deref()
                        .filter(|c| !is_field_name(c))
                        .map(|c| format!("「{}」列：", one_line(c, 40)))
                        .unwrap_or_default();
                    format!(
                        "{column}{}（{}件、最初は{}行目）",
                        one_line(&g.reason, 200),
                        thousands(g.count),
                        thousands(g.first_line)
                    )
                })
                .collect();
            if r.reasons.len() > MAX_REASONS_IN_MAIL {
                items.push(format!(
                    "ほかに{}種類の理由があります（一覧は同じ場所の結果ファイルにあります）",
                    r.reasons.len() - MAX_REASONS_IN_MAIL
                ));
            }
            blocks.push(Block::List(items));
            format!("{} row(s) were refused", r.rejected_rows)
        }
    };
    blocks.push(Block::Para(
        "内容を確認して修正したファイルを、もう一度取込フォルダに置くか、kinmu の取込画面からアップロードしてください。\
         ほかのファイルを先に取り込む必要がある場合（医師一覧など）は、その順に置いてください。"
            .to_string(),
    ));
    let doc = Doc {
        hospital,
        base_url,
        salutation: "人事ご担当者様".to_string(),
        blocks,
        english: format!(
            "This is an automatic message from kinmu: the file \"{}\" put in the intake folder could not be imported ({english_reason}); nothing of it was stored.",
            one_line(r.file, 120)
        ),
    };
    doc.into_mail(to, subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejection<'a>(file: &'a str, reasons: &'a [ReasonCount]) -> IntakeRejection<'a> {
        IntakeRejection {
            file,
            stored_as: "failed/20240701-090000_x.csv",
            kind: Some("タイムカード"),
            layout: None,
            taken_at: chrono::NaiveDate::from_ymd_opt(2024, 7, 1)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .unwrap_or_default(),
            problem: None,
            reasons,
            rejected_rows: 3,
        }
    }

    fn unknown_doctor(count: usize) -> ReasonCount {
        ReasonCount {
            column: Some("staff_id".into()),
            reason: "登録されていない医師です: Z99 / unknown doctor".into(),
            count,
            first_line: 2,
        }
    }

    #[test]
    fn hr_reads_the_file_and_each_reason_with_its_count_and_first_line() {
        let reasons = [unknown_doctor(3)];
        let m = intake_rejected(
            "みなと病院",
            "hr@example.jp",
            &rejection("timecard_06.csv", &reasons),
            "https://k",
        );
        assert_eq!(m.to, "hr@example.jp");
        assert!(m.subject.contains("timecard_06.csv"), "{}", m.subject);
        for part in [
            "timecard_06.csv",
            "タイムカード",
            "登録されていない医師です",
            "3件",
            "2行目",
            "1件も保存していません",
        ] {
            assert!(m.text.contains(part), "{part}: {}", m.text);
            assert!(m.html.contains(part), "{part}");
        }
        assert!(m.text.trim_end().ends_with("nothing of it was stored."));
    }

    #[test]
    fn a_hostile_file_name_stays_one_escaped_line_of_bounded_length() {
        let name = format!("<script>alert(1)</script>\r\nBcc: x@evil\n{}.csv", "長".repeat(500));
        let reasons = [unknown_doctor(1)];
        let m = intake_rejected("みなと病院", "hr@example.jp", &rejection(&name, &reasons), "https://k");
        assert!(!m.subject.contains('\n') && !m.subject.contains('\r'));
        assert!(m.subject.chars().count() < 100, "{}", m.subject);
        assert!(!m.html.contains("<script>"));
        assert!(!m.text.contains("\nBcc:"));
        assert!(m.text.lines().all(|l| l.chars().count() < 400));
    }

    #[test]
    fn reasons_beyond_ten_kinds_are_counted_not_listed() {
        let reasons: Vec<ReasonCount> = (0..12)
            .map(|i| ReasonCount {
                column: None,
                reason: format!("理由{i} / reason {i}"),
                count: 1,
                first_line: i + 2,
            })
            .collect();
        let m = intake_rejected("病院", "hr@example.jp", &rejection("x.csv", &reasons), "https://k");
        assert!(m.text.contains("理由9 /") && !m.text.contains("理由10 /"));
        assert!(m.text.contains("ほかに2種類"));
    }

    #[test]
    fn counts_read_with_thousands_separators_and_field_names_are_left_out() {
        assert_eq!(thousands(16087), "16,087");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000000), "1,000,000");
        let reasons = [
            unknown_doctor(16087),
            ReasonCount {
                column: Some("退勤".into()),
                reason: "時刻が読めません / unreadable time".into(),
                count: 2,
                first_line: 9,
            },
        ];
        let m = intake_rejected("病院", "hr@example.jp", &rejection("x.csv", &reasons), "https://k");
        assert!(m.text.contains("16,087件"), "{}", m.text);
        assert!(!m.text.contains("staff_id"), "{}", m.text);
        assert!(m.text.contains("「退勤」列"), "{}", m.text);
    }

    #[test]
    fn one_line_folds_control_characters_and_cuts_long_text() {
        assert_eq!(one_line("a\r\n\tb  c", 10), "a b c");
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("abcd", 4), "abcd");
    }
}
