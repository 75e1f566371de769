//! The discrepancy mail (乖離, rules §9): to HR, how many days where PC
//! use and the timecard disagree await resolution.

use super::body::{Block, Doc};
use super::facts::month_ja;
use crate::monitor::mailer::Mail;

/// To HR: `count` days where PC use and the timecard disagree (乖離) await
/// resolution.
pub fn discrepancies_waiting(hospital: &str, to: &str, month: &str, count: usize, base_url: &str) -> Mail {
    let subject = format!("【kinmu】乖離の確認のお願い：{}（未対応 {count}件）", month_ja(month));
    let doc = Doc {
        hospital,
        base_url,
        salutation: "人事ご担当者様".to_string(),
        blocks: vec![
            Block::Para(format!(
                "{hospital} の勤務時間管理システム kinmu からのお知らせです。\n\
                 PC の使用記録とタイムカードの記録が一致しない日（乖離）が、確認待ちになっています。"
            )),
            Block::Facts(vec![
                ("対象月", month_ja(month)),
                ("未対応の乖離", format!("{count}件")),
            ]),
            Block::Para(
                "ご本人に理由を確認し、労働時間に当たるかどうかを kinmu に記録してください。".to_string(),
            ),
        ],
        english: format!(
            "This is an automatic message from kinmu: {count} day(s) in {month} where PC use and the timecard disagree await resolution."
        ),
    };
    doc.into_mail(to, subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hr_is_told_how_many_discrepancies_wait() {
        let m = discrepancies_waiting(
            "みなと総合病院",
            "hr@example.jp",
            "2024-06",
            3,
            "https://kinmu.example.jp",
        );
        assert_eq!(m.to, "hr@example.jp");
        assert!(m.subject.contains("乖離"));
        assert!(m.subject.contains("2024年6月") && m.subject.contains("3件"));
        assert!(m.text.contains("3件") && m.html.contains("3件"));
        assert!(m.text.contains("https://kinmu.example.jp/"));
        assert!(m.ics.is_none());
    }
}
