//! The measures mail (労働時間短縮のための措置, 規則第70条, rules §7–§8):
//! to the manager when a doctor is over, or projected over, 155 h.

use super::body::{Block, Doc};
use super::facts::{doctor_facts, month_ja, DoctorFacts};
use crate::domain::projection::MEASURES_LINE;
use crate::domain::time::format_hm;
use crate::monitor::mailer::Mail;

/// To the manager: over (or projected over) 155 h, measures to shorten
/// working hours (規則第70条) are required without delay.
pub fn measures_needed(f: &DoctorFacts, to: &str, over_155: bool) -> Mail {
    let subject = format!(
        "【kinmu・至急】労働時間短縮の措置のお願い：{} 先生（{}）",
        f.name,
        month_ja(f.month)
    );
    let line = format_hm(MEASURES_LINE);
    let situation = if over_155 {
        format!(
            "下記の医師の{}の時間外・休日労働が {line} を超えました（実績 {}）。",
            month_ja(f.month),
            format_hm(f.actual_minutes)
        )
    } else {
        format!(
            "下記の医師の{}の時間外・休日労働が {line} を超える見込みです（見込み {}）。",
            month_ja(f.month),
            format_hm(f.projected_minutes)
        )
    };
    let doc = Doc {
        hospital: f.hospital,
        base_url: f.base_url,
        salutation: "ご担当者様".to_string(),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです。\n{situation}",
                f.hospital
            )),
            Block::Strong(
                "労働時間短縮のための措置（規則第70条）を遅滞なく講じてください。".to_string(),
            ),
            Block::Facts(doctor_facts(f)),
            Block::Para(
                "この措置は、面接指導実施医師の意見の内容にかかわらず必要です。\n\
                 講じた措置（労働時間の短縮、宿直の回数の減少など）とその具体的内容を kinmu に記録してください。"
                    .to_string(),
            ),
        ],
        english: format!(
            "This is an automatic message from kinmu: Dr. {} is {} 155 h for {}; measures to shorten working hours are required without delay.",
            f.name,
            if over_155 { "over" } else { "projected over" },
            f.month
        ),
    };
    doc.into_mail(to, subject)
}

#[cfg(test)]
mod tests {
    use super::super::facts::fixtures::facts;
    use super::*;

    #[test]
    fn the_manager_is_told_measures_are_needed_over_or_projected_over_155_hours() {
        let mut f = facts("山田 太郎");
        f.actual_minutes = 9330;
        f.projected_minutes = 12000;
        let over = measures_needed(&f, "boss@example.jp", true);
        assert_eq!(over.to, "boss@example.jp");
        assert!(over.subject.contains("措置"));
        assert!(over.subject.contains("山田 太郎") && over.subject.contains("2024年6月"));
        assert!(
            over.text.contains("155:00 を超えました（実績 155:30）"),
            "{}",
            over.text
        );
        assert!(over.text.contains("規則第70条"));
        assert!(over.text.contains("遅滞なく"));
        let projected = measures_needed(&f, "boss@example.jp", false);
        assert!(
            projected.text.contains("超える見込みです（見込み 200:00）"),
            "{}",
            projected.text
        );
        assert!(projected.text.contains("projected over 155 h"));
    }
}
