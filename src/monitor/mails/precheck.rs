//! The pre-check mail (事前確認, rules §7–§8): to the manager when a doctor
//! passed the watch level, with the five items to ask the doctor.

use super::body::{Block, Doc};
use super::facts::{doctor_facts, month_ja, DoctorFacts};
use crate::domain::time::format_hm;
use crate::monitor::mailer::Mail;

/// To the manager: the doctor passed the watch level (80 h); record the
/// pre-check (事前確認).
pub fn precheck_needed(f: &DoctorFacts, to: &str) -> Mail {
    let subject = format!("【kinmu】事前確認のお願い：{} 先生（{}）", f.name, month_ja(f.month));
    let doc = Doc {
        hospital: f.hospital,
        base_url: f.base_url,
        salutation: "ご担当者様".to_string(),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです。\n\
                 下記の医師の今月の時間外・休日労働が注意水準を超えました（実績 {}）。",
                f.hospital,
                format_hm(f.actual_minutes)
            )),
            Block::Facts(doctor_facts(f)),
            Block::Para(
                "面接指導に先立ち、ご本人に次の事項を確認し、事前確認として kinmu に記録してください。"
                    .to_string(),
            ),
            Block::List(vec![
                "勤務の状況（前月の時間外・休日労働時間を含む）".to_string(),
                "睡眠の状況（直近2週間の1日平均睡眠時間）".to_string(),
                "疲労の蓄積の状況（労働者の疲労蓄積度自己診断チェックリスト）".to_string(),
                "心身の状況".to_string(),
                "面接指導を受ける希望の有無".to_string(),
            ]),
            Block::Para("ご対応をお願いします。".to_string()),
        ],
        english: format!(
            "This is an automatic message from kinmu: Dr. {} passed the watch level for {}; please record the pre-check.",
            f.name, f.month
        ),
    };
    doc.into_mail(to, subject)
}

#[cfg(test)]
mod tests {
    use super::super::facts::fixtures::facts;
    use super::*;

    #[test]
    fn the_manager_is_asked_for_a_precheck_with_the_five_items() {
        let m = precheck_needed(&facts("山田 太郎"), "boss@example.jp");
        assert_eq!(m.to, "boss@example.jp");
        assert!(m.subject.contains("事前確認"));
        assert!(m.subject.contains("山田 太郎") && m.subject.contains("2024年6月"));
        for item in ["勤務の状況", "睡眠", "疲労の蓄積", "心身の状況", "面接指導を受ける希望"]
        {
            assert!(m.text.contains(item), "{item}");
            assert!(m.html.contains(item), "{item}");
        }
        assert!(m.text.contains("81:30"));
        assert!(m.ics.is_none());
    }
}
