//! A doctor's self-check asks for an interview (面接指導を希望する, issue 13
//! item 8): to the manager and to the physician of the month's interview.

use super::body::{Block, Doc};
use super::facts::month_ja;
use crate::monitor::mailer::Mail;

/// Who asked, for the request mail.
#[derive(Debug, Clone, Copy)]
pub struct Requester<'a> {
    pub hospital: &'a str,
    pub base_url: &'a str,
    pub staff_id: &'a str,
    pub name: &'a str,
    /// `YYYY-MM`.
    pub month: &'a str,
}

/// To `to` (named `salutation`): the doctor asks for an interview.
pub fn interview_requested(r: &Requester, to: &str, salutation: &str) -> Mail {
    let subject = format!("【kinmu】面接指導の希望：{} 先生（{}）", r.name, month_ja(r.month));
    let doc = Doc {
        hospital: r.hospital,
        base_url: r.base_url,
        salutation: format!("{salutation} 様"),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです。\n{} 先生（職員番号 {}）が{}の疲労蓄積度セルフチェックで面接指導を希望しました。",
                r.hospital,
                r.name,
                r.staff_id,
                month_ja(r.month)
            )),
            Block::Para(
                "本人の希望はリスク要因です（A水準の特例は使えません）。面接指導の日程の調整をお願いします。\n\
                 セルフチェックの内容は kinmu の面接指導の画面でご確認ください。"
                    .to_string(),
            ),
        ],
        english: format!(
            "This is an automatic message from kinmu: Dr. {} asks for an interview (面接指導) in {}.",
            r.name, r.month
        ),
    };
    doc.into_mail(to, subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_names_the_doctor_and_escapes_them() {
        let r = Requester {
            hospital: "テスト病院",
            base_url: "https://x",
            staff_id: "A01",
            name: "<b>青木</b>",
            month: "2024-06",
        };
        let m = interview_requested(&r, "boss@example.jp", "boss");
        assert!(m.subject.contains("面接指導の希望"));
        assert!(m.text.contains("A01") && m.text.contains("お願いします"));
        assert!(!m.html.contains("<b>青木"));
    }
}
