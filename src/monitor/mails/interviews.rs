//! The interview mails (rules §8): to the assigned physician (with the
//! deadline and an `.ics` invitation), to the doctor (with whom, by when,
//! and that another physician may be asked for), and to the manager when
//! the deadline passed with no interview recorded.

use super::body::{Block, Doc};
use super::facts::{date_ja, doctor_facts, month_ja, DoctorFacts};
use super::ics::interview_ics;
use crate::domain::projection::INTERVIEW_LINE;
use crate::monitor::mailer::Mail;
use chrono::NaiveDate;

/// To the assigned physician: a new interview, with the deadline and an
/// `.ics` invitation (an all-day event on the deadline).
pub fn interview_assigned(f: &DoctorFacts, to: &str, physician_name: &str, deadline: NaiveDate) -> Mail {
    let subject = format!(
        "【kinmu】面接指導のご依頼：{} 先生（{}）期限 {}",
        f.name,
        month_ja(f.month),
        deadline.format("%Y-%m-%d")
    );
    let reached = if f.actual_minutes >= INTERVIEW_LINE {
        "100時間に達しました"
    } else {
        "100時間に達する見込みです"
    };
    let doc = Doc {
        hospital: f.hospital,
        base_url: f.base_url,
        salutation: format!("{physician_name} 先生"),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです。\n下記の医師の{}の時間外・休日労働が{reached}。\
                 先生が面接指導実施医師として割り当てられました。",
                f.hospital,
                month_ja(f.month)
            )),
            Block::Strong(format!("実施期限：{}まで", date_ja(deadline))),
            Block::Facts(doctor_facts(f)),
            Block::Para(
                "期限までに面接指導を実施し、結果とご意見（就業上の措置）を kinmu に記録してください。\n\
                 面接指導は、原則として時間外・休日労働が100時間に達する前に行う必要があります。\n\
                 カレンダー登録用の招待状（invite.ics）を添付しています。日程の調整をお願いします。"
                    .to_string(),
            ),
        ],
        english: format!(
            "This is an automatic message from kinmu: you are assigned the interview (面接指導) of Dr. {} ({}), due by {}.",
            f.name,
            f.month,
            deadline.format("%Y-%m-%d")
        ),
    };
    let mut mail = doc.into_mail(to, subject);
    mail.ics = Some(interview_ics(f, to, physician_name, deadline));
    mail
}

/// To the doctor: an interview is coming — with whom, by when — and another
/// physician may be asked for.
pub fn interview_notice_doctor(f: &DoctorFacts, to: &str, physician_name: &str, deadline: NaiveDate) -> Mail {
    let subject = format!(
        "【kinmu】面接指導のお知らせ：{} 先生（{}）期限 {}",
        f.name,
        month_ja(f.month),
        deadline.format("%Y-%m-%d")
    );
    let reached = if f.actual_minutes >= INTERVIEW_LINE {
        "100時間に達しました"
    } else {
        "100時間に達する見込みです"
    };
    let doc = Doc {
        hospital: f.hospital,
        base_url: f.base_url,
        salutation: format!("{} 先生", f.name),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです。\n先生の{}の時間外・休日労働が{reached}。\
                 健康確保のため、面接指導を受けていただく必要があります。",
                f.hospital,
                month_ja(f.month)
            )),
            Block::Facts(vec![
                ("面接指導実施医師", format!("{physician_name} 先生")),
                ("実施期限", format!("{}まで", date_ja(deadline))),
            ]),
            Block::Facts(doctor_facts(f)),
            Block::Para(format!(
                "{physician_name} 先生から日程のご連絡がありますので、ご対応をお願いします。\n\
                 なお、割り当てられた医師以外の面接指導実施医師を希望される場合は、\
                 所属長または人事担当へお申し出ください。"
            )),
        ],
        english: format!(
            "This is an automatic message from kinmu: you will have an interview (面接指導) with Dr. {physician_name} by {}; you may ask for another physician.",
            deadline.format("%Y-%m-%d")
        ),
    };
    doc.into_mail(to, subject)
}

/// To the manager: the interview deadline has passed with no interview recorded.
pub fn interview_overdue(f: &DoctorFacts, to: &str, deadline: NaiveDate) -> Mail {
    let subject = format!(
        "【kinmu・至急】面接指導の期限超過：{} 先生（{}）",
        f.name,
        month_ja(f.month)
    );
    let doc = Doc {
        hospital: f.hospital,
        base_url: f.base_url,
        salutation: "ご担当者様".to_string(),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです。\n\
                 下記の医師の面接指導が、期限を過ぎても記録されていません。",
                f.hospital
            )),
            Block::Strong(format!("期限：{}", date_ja(deadline))),
            Block::Facts(doctor_facts(f)),
            Block::Para(
                "速やかに面接指導を実施してください。\n\
                 実施済みの場合は、面接指導実施医師に結果の記録をお願いします。"
                    .to_string(),
            ),
        ],
        english: format!(
            "This is an automatic message from kinmu: the interview (面接指導) of Dr. {} was due by {} and is not recorded.",
            f.name,
            deadline.format("%Y-%m-%d")
        ),
    };
    doc.into_mail(to, subject)
}

#[cfg(test)]
mod tests {
    use super::super::facts::fixtures::{date, facts};
    use super::super::ics::ics_text;
    use super::*;

    /// The ics unfolded (RFC 5545 §3.1) into its content lines.
    fn ics_lines(ics: &str) -> Vec<String> {
        assert!(ics.ends_with("\r\n"));
        let body = &ics[..ics.len() - 2];
        assert!(!body.replace("\r\n", "").contains(['\r', '\n']), "bare CR or LF");
        let mut lines: Vec<String> = Vec::new();
        for raw in body.split("\r\n") {
            assert!(raw.len() <= 75, "line longer than 75 octets: {raw}");
            match raw.strip_prefix(' ') {
                Some(more) => lines.last_mut().unwrap().push_str(more),
                None => lines.push(raw.to_string()),
            }
        }
        lines
    }

    #[test]
    fn the_assigned_physician_gets_the_deadline_and_an_invitation() {
        let m = interview_assigned(&facts("山田 太郎"), "sato@example.jp", "佐藤 花子", date("2024-06-19"));
        assert_eq!(m.to, "sato@example.jp");
        assert!(m.subject.contains("面接指導"));
        assert!(m.subject.contains("山田 太郎"));
        assert!(m.subject.contains("2024年6月"));
        for body in [&m.text, &m.html] {
            assert!(body.contains("佐藤 花子 先生"));
            assert!(body.contains("2024-06-19"));
            assert!(body.contains("令和6年6月19日"));
            assert!(body.contains("81:30"), "actual hours as H:MM");
            assert!(body.contains("101:30"), "projected hours as H:MM");
            assert!(body.contains("令和6年6月20日"), "the day 100 h is reached");
            assert!(body.contains("https://kinmu.example.jp/"));
        }
        assert!(m.text.contains("100時間に達する見込み"));
        assert!(m.ics.is_some());
    }

    #[test]
    fn the_doctor_is_told_who_by_when_and_that_another_physician_may_be_asked_for() {
        let m = interview_notice_doctor(
            &facts("山田 太郎"),
            "yamada@example.jp",
            "佐藤 花子",
            date("2024-06-19"),
        );
        assert_eq!(m.to, "yamada@example.jp");
        assert!(m.subject.contains("山田 太郎") && m.subject.contains("2024年6月"));
        assert!(m.text.starts_with("山田 太郎 先生"));
        assert!(m.text.contains("佐藤 花子 先生"));
        assert!(m.text.contains("2024-06-19") && m.text.contains("令和6年6月19日"));
        assert!(m.text.contains("以外の面接指導実施医師を希望"));
        assert!(m.ics.is_none());
    }

    #[test]
    fn the_manager_is_told_an_interview_is_overdue() {
        let mut f = facts("山田 太郎");
        f.actual_minutes = 6100;
        let m = interview_overdue(&f, "boss@example.jp", date("2024-06-19"));
        assert_eq!(m.to, "boss@example.jp");
        assert!(m.subject.contains("期限超過"));
        assert!(m.subject.contains("山田 太郎") && m.subject.contains("2024年6月"));
        assert!(m.text.contains("2024-06-19（令和6年6月19日・水）"));
        assert!(m.html.contains("2024-06-19（令和6年6月19日・水）"));
        assert!(m.text.contains("101:40"));
    }

    #[test]
    fn the_ics_is_an_all_day_request_on_the_deadline_with_crlf_lines() {
        let m = interview_assigned(
            &facts("山田 太郎"),
            "佐藤 花子 <sato@example.jp>",
            "佐藤 花子",
            date("2024-06-19"),
        );
        let ics = m.ics.unwrap();
        let lines = ics_lines(&ics);
        assert_eq!(lines.first().unwrap(), "BEGIN:VCALENDAR");
        assert_eq!(lines.last().unwrap(), "END:VCALENDAR");
        for want in [
            "VERSION:2.0",
            "METHOD:REQUEST",
            "BEGIN:VEVENT",
            "END:VEVENT",
            "UID:kinmu-interview-D001-2024-06@kinmu",
            "DTSTAMP:20240619T000000Z",
            "DTSTART;VALUE=DATE:20240619",
            "DTEND;VALUE=DATE:20240620",
            "SUMMARY:面接指導（山田 太郎）期限",
            "ORGANIZER;CN=\"佐藤 花子\":mailto:sato@example.jp",
        ] {
            assert!(lines.iter().any(|l| l == want), "{want} in {lines:#?}");
        }
        let desc = lines.iter().find(|l| l.starts_with("DESCRIPTION:")).unwrap();
        assert!(desc.contains("令和6年6月19日"));
        assert!(desc.contains("\\n"), "newlines escaped: {desc}");
        assert!(desc.contains("職員番号 D001、2024年6月"), "{desc}");
    }

    #[test]
    fn the_ics_is_the_same_for_the_same_facts() {
        let f = facts("山田 太郎");
        let a = interview_assigned(&f, "sato@example.jp", "佐藤", date("2024-06-19"));
        let b = interview_assigned(&f, "sato@example.jp", "佐藤", date("2024-06-19"));
        assert_eq!(a, b);
    }

    #[test]
    fn the_ics_escapes_commas_semicolons_backslashes_and_newlines() {
        assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let m = interview_assigned(&facts("山田,太郎;\\x"), "s@example.jp", "佐\"藤", date("2024-06-19"));
        let lines = ics_lines(&m.ics.unwrap());
        assert!(
            lines.iter().any(|l| l == "SUMMARY:面接指導（山田\\,太郎\\;\\\\x）期限"),
            "{lines:#?}"
        );
        assert!(lines.iter().any(|l| l.starts_with("ORGANIZER;CN=\"佐藤\":")));
    }
}
