//! The interview's 予定日時 (issue 13): to the physician and to the doctor,
//! with the invitation updated (same UID, a higher SEQUENCE).

use super::body::{Block, Doc};
use super::facts::{date_ja, doctor_facts, month_ja, DoctorFacts};
use super::ics::{interview_schedule_ics, Party};
use crate::monitor::mailer::Mail;
use chrono::{NaiveDate, NaiveDateTime};

/// What a schedule mail says, besides the doctor's facts.
#[derive(Debug, Clone, Copy)]
pub struct Scheduled<'a> {
    pub at: NaiveDateTime,
    pub deadline: NaiveDate,
    /// The invitation's SEQUENCE: how many times a time was set.
    pub sequence: i64,
    /// When the time was set (the invitation's DTSTAMP).
    pub set_at: NaiveDateTime,
    pub utc_offset_secs: i32,
    pub physician_to: &'a str,
    pub physician_name: &'a str,
    pub doctor_to: Option<&'a str>,
}

/// To `to` (the physician or the doctor, named `salutation`): the interview
/// is scheduled at `s.at`, with the updated invitation.
pub fn interview_scheduled(f: &DoctorFacts, to: &str, salutation: &str, s: &Scheduled) -> Mail {
    let when = format!("{} {}", date_ja(s.at.date()), s.at.format("%H:%M"));
    let changed = if s.sequence > 1 { "変更" } else { "決定" };
    let subject = format!(
        "【kinmu】面接指導の予定日時{changed}：{} 先生（{}）{}",
        f.name,
        month_ja(f.month),
        s.at.format("%Y-%m-%d %H:%M")
    );
    let doc = Doc {
        hospital: f.hospital,
        base_url: f.base_url,
        salutation: format!("{salutation} 先生"),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです。\n{} 先生（{}）の面接指導の予定日時が{changed}されました。",
                f.hospital,
                f.name,
                month_ja(f.month)
            )),
            Block::Strong(format!("予定日時：{when}")),
            Block::Facts(vec![
                ("面接指導実施医師", format!("{} 先生", s.physician_name)),
                ("実施期限", format!("{}まで", date_ja(s.deadline))),
            ]),
            Block::Facts(doctor_facts(f)),
            Block::Para(
                "カレンダー登録用の招待状（invite.ics）を添付しています。以前の招待状は自動的に置き換わります。\n\
                 ご都合が合わない場合は、面接指導実施医師または人事担当へご連絡をお願いします。"
                    .to_string(),
            ),
        ],
        english: format!(
            "This is an automatic message from kinmu: the interview (面接指導) of Dr. {} is scheduled at {}.",
            f.name,
            s.at.format("%Y-%m-%d %H:%M")
        ),
    };
    let mut mail = doc.into_mail(to, subject);
    let doctor = s.doctor_to.map(|to| Party { to, name: f.name });
    mail.ics = Some(interview_schedule_ics(
        f,
        &Party {
            to: s.physician_to,
            name: s.physician_name,
        },
        doctor.as_ref(),
        s.at,
        s.sequence,
        s.set_at,
        s.utc_offset_secs,
    ));
    mail
}

#[cfg(test)]
mod tests {
    use super::super::facts::fixtures::{date, facts};
    use super::*;

    #[test]
    fn the_invitation_keeps_its_uid_and_counts_its_sequence_in_utc() {
        let f = facts("山田 太郎");
        let at = NaiveDateTime::parse_from_str("2024-06-20T14:30", "%Y-%m-%dT%H:%M").unwrap();
        let s = Scheduled {
            at,
            deadline: date("2024-06-25"),
            sequence: 2,
            set_at: at - chrono::Duration::days(1),
            utc_offset_secs: 9 * 3600,
            physician_to: "sato@example.jp",
            physician_name: "佐藤 花子",
            doctor_to: Some("yamada@example.jp"),
        };
        let m = interview_scheduled(&f, "yamada@example.jp", "山田 太郎", &s);
        let ics = m.ics.unwrap().replace("\r\n ", "");
        assert!(ics.contains("METHOD:REQUEST\r\n"));
        assert!(ics.contains(&format!("UID:kinmu-interview-{}-{}@kinmu\r\n", f.staff_id, f.month)));
        assert!(ics.contains("SEQUENCE:2\r\n"));
        assert!(ics.contains("DTSTART:20240620T053000Z\r\n"), "{ics}");
        assert!(ics.contains("DTEND:20240620T060000Z\r\n"));
        assert!(ics.contains("mailto:yamada@example.jp"));
        assert!(m.subject.contains("変更"));
        assert!(m.text.contains("2024-06-20"));
    }
}
