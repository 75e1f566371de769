//! The 代償休息 mails (rules §11.12): to the doctor's manager when a debt of
//! rest falls due within `comp_rest_reminder_days`, and the day after it
//! fell due unpaid. One mail per entry and reason (the outbox's topic).

use super::body::{Block, Doc};
use super::facts::{date_ja, doctor_facts, DoctorFacts};
use crate::domain::time::format_hm;
use crate::monitor::mailer::Mail;
use chrono::{NaiveDate, NaiveDateTime};

/// One open entry as the mail tells it.
#[derive(Debug, Clone, Copy)]
pub struct OpenRest {
    /// `true`: a 代償休息 (binding); `false`: a 配慮 (work during permitted
    /// duty of 9 h or more).
    pub compensatory: bool,
    pub arose_at: NaiveDateTime,
    pub due: NaiveDate,
    pub open_minutes: i64,
}

/// To the manager: an entry falls due soon (`overdue = false`) or is past
/// its due date unpaid (`overdue = true`).
pub fn comp_rest_reminder(f: &DoctorFacts, to: &str, e: OpenRest, overdue: bool) -> Mail {
    let what = if e.compensatory {
        "代償休息"
    } else {
        "休息の配慮"
    };
    let subject = if overdue {
        format!("【kinmu・至急】{what}の期限超過：{} 先生", f.name)
    } else {
        format!("【kinmu】{what}の期限が近づいています：{} 先生", f.name)
    };
    let arose = format!("{} {}", date_ja(e.arose_at.date()), e.arose_at.format("%H:%M"));
    let situation = format!(
        "下記の医師は {arose} からの勤務が予定された休息（勤務間インターバル）に食い込み、\
         {what}が {} 残っています。期限は {} です。",
        format_hm(e.open_minutes),
        date_ja(e.due)
    );
    let act = if overdue {
        "期限を過ぎています。直ちに所定労働時間中の休息（時間休）またはインターバルの延長として与え、\
         kinmu の「代償休息」画面で付与を記録してください。期限後の付与も記録されますが、期限超過として残ります。"
    } else {
        "期限までに、所定労働時間中の休息（時間休）またはインターバルの延長として与え、\
         kinmu の「代償休息」画面で付与を記録してください。"
    };
    let english = format!(
        "This is an automatic message from kinmu: Dr. {} has {} of {} open, due {}{}.",
        f.name,
        format_hm(e.open_minutes),
        if e.compensatory {
            "compensatory rest"
        } else {
            "rest owed as consideration"
        },
        e.due.format("%Y-%m-%d"),
        if overdue { " — it is overdue" } else { "" }
    );
    Doc {
        hospital: f.hospital,
        base_url: f.base_url,
        salutation: "所属長様".to_string(),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです。\n{situation}",
                f.hospital
            )),
            Block::Strong(act.to_string()),
            Block::Facts(doctor_facts(f)),
        ],
        english,
    }
    .into_mail(to, subject)
}

#[cfg(test)]
mod tests {
    use super::super::facts::fixtures::facts;
    use super::*;

    #[test]
    fn the_manager_hears_what_is_open_and_by_when() {
        let f = facts("山田 <b>太郎</b>");
        let e = OpenRest {
            compensatory: true,
            arose_at: NaiveDate::from_ymd_opt(2024, 6, 11)
                .unwrap()
                .and_hms_opt(1, 0, 0)
                .unwrap(),
            due: NaiveDate::from_ymd_opt(2024, 7, 31).unwrap(),
            open_minutes: 180,
        };
        let soon = comp_rest_reminder(&f, "boss@example.jp", e, false);
        assert_eq!(soon.to, "boss@example.jp");
        assert!(
            soon.subject.contains("代償休息の期限が近づいています"),
            "{}",
            soon.subject
        );
        assert!(soon.text.contains("3:00"), "{}", soon.text);
        assert!(soon.text.contains("2024-07-31"), "{}", soon.text);
        assert!(!soon.html.contains("<b>太郎"), "names are escaped in HTML");
        let late = comp_rest_reminder(&f, "boss@example.jp", e, true);
        assert!(late.subject.contains("期限超過"));
        assert!(late.text.contains("overdue"));
    }
}
