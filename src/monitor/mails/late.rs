//! A case found late (issue 13): a month's data arrived or changed after
//! the fact — a timecard exported after the month closed, a correction, a
//! resolved discrepancy — and showed a doctor who had reached 100 h without
//! the interview in time, or gone over 155 h, with no case open. The case
//! is opened now and recorded as a violation; the manager and HR hear what
//! happened and who must act now.

use super::body::{Block, Doc};
use super::facts::{date_ja, doctor_facts, month_ja, DoctorFacts};
use crate::monitor::mailer::Mail;
use chrono::NaiveDate;

/// What was found late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Late {
    /// 100 h reached (or projected) and the interview's deadline passed.
    Interview { deadline: NaiveDate },
    /// Over 155 h in a month that has closed.
    Measures,
}

/// To the manager and HR: a case opened after its deadline, from data that
/// came late.
pub fn case_found_late(f: &DoctorFacts, to: &str, late: Late) -> Mail {
    let month = month_ja(f.month);
    let (what, deadline, act) = match late {
        Late::Interview { deadline } => (
            "時間外・休日労働が100時間に達していた（または達する見込みだった）ことが分かりました",
            Some(deadline),
            "面接指導の期限を過ぎているため、面接指導の未実施（違反）として記録されています。\n\
             所属長は直ちに面接指導の日程を面接指導実施医師と調整し、実施後は結果を kinmu に記録してください。",
        ),
        Late::Measures => (
            "時間外・休日労働が155時間を超えていたことが分かりました",
            None,
            "月の途中で措置を講じられなかったため、措置なしの155時間超（違反）として記録されています。\n\
             所属長は労働時間短縮の措置を講じ、その内容を kinmu に記録してください。",
        ),
    };
    let subject = format!("【kinmu・至急】後から判明した違反：{} 先生（{month}）", f.name);
    let mut blocks = vec![Block::Para(format!(
        "{} の勤務時間管理システム kinmu からのお知らせです。\n\
         {month}の勤務データが後から（月の締め後に）取り込まれ、または訂正され、\
         下記の医師の{month}の{what}。",
        f.hospital
    ))];
    if let Some(d) = deadline {
        blocks.push(Block::Strong(format!("面接指導の期限：{}（経過済み）", date_ja(d))));
    }
    blocks.push(Block::Facts(doctor_facts(f)));
    blocks.push(Block::Para(act.to_string()));
    blocks.push(Block::Para(
        "勤務データは、できるだけ月の途中から毎日取り込んでください（取込フォルダを使うと自動で取り込まれます）。"
            .to_string(),
    ));
    let english = match late {
        Late::Interview { deadline } => format!(
            "This is an automatic message from kinmu: data imported late shows Dr. {} at or heading to 100 h in {}; the interview was due by {} and is recorded as missed. Hold it now.",
            f.name,
            f.month,
            deadline.format("%Y-%m-%d")
        ),
        Late::Measures => format!(
            "This is an automatic message from kinmu: data imported late shows Dr. {} over 155 h in {}, with no measures during the month. Record the measures now.",
            f.name, f.month
        ),
    };
    Doc {
        hospital: f.hospital,
        base_url: f.base_url,
        salutation: "ご担当者様".to_string(),
        blocks,
        english,
    }
    .into_mail(to, subject)
}
