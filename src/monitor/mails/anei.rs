//! The 安衛法 80 h notice (rules §16, 労働安全衛生規則第52条の2): at the
//! monthly check, to the doctor whose hours beyond 40 a week passed 80 in
//! the month — the month, the excess and how to ask for the 面接指導
//! (安衛法66条の8, on the doctor's request) — and to the 産業医 the names and
//! excesses (安衛則14条の2第1項).

use super::body::{Block, Doc};
use super::facts::month_ja;
use crate::domain::time::{format_hm, Minutes};
use crate::monitor::mailer::Mail;
use chrono::NaiveDate;

/// The agreement month of the notice.
#[derive(Debug, Clone, Copy)]
pub struct AneiMonth<'a> {
    pub hospital: &'a str,
    pub base_url: &'a str,
    /// `YYYY-MM`.
    pub month: &'a str,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl AneiMonth<'_> {
    /// `2024年6月（2024-06-01〜2024-06-30）`.
    fn span(&self) -> String {
        format!(
            "{}（{}〜{}）",
            month_ja(self.month),
            self.first_day.format("%Y-%m-%d"),
            self.last_day.format("%Y-%m-%d")
        )
    }
}

/// One doctor over the line, for the 産業医's list.
#[derive(Debug, Clone, Copy)]
pub struct AneiLine<'a> {
    pub staff_id: &'a str,
    pub name: &'a str,
    pub department: Option<&'a str>,
    pub excess_minutes: Minutes,
    /// Whether the doctor could not be told by mail (no address).
    pub doctor_not_mailed: bool,
}

/// To the doctor: the hours beyond 40 a week in the month passed 80 by
/// `excess_minutes`; the 面接指導 is held on their request.
pub fn anei_notice_doctor(m: &AneiMonth, to: &str, name: &str, excess_minutes: Minutes) -> Mail {
    let subject = format!(
        "【kinmu】時間外・休日労働が80時間を超えました（{}）：面接指導のお申出について",
        month_ja(m.month)
    );
    let doc = Doc {
        hospital: m.hospital,
        base_url: m.base_url,
        salutation: format!("{name} 先生"),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです（労働安全衛生規則第52条の2第3項による通知）。\n\
                 先生の{}の、休憩時間を除き1週間当たり40時間を超えて労働した時間（時間外・休日労働時間）が80時間を超えました。",
                m.hospital,
                month_ja(m.month)
            )),
            Block::Facts(vec![
                ("対象月", m.span()),
                ("80時間を超えた時間", format_hm(excess_minutes)),
            ]),
            Block::Strong("医師による面接指導（労働安全衛生法第66条の8）を申し出ることができます".to_string()),
            Block::Para(format!(
                "面接指導は先生のお申出により実施します。希望される場合は、産業医または人事担当者にお申し出ください。\n\
                 kinmu の疲労蓄積度セルフチェック（{}/me/selfcheck）で「面接指導を希望する」と回答して申し出ることもできます。\n\
                 疲労の蓄積が気になる場合は、早めのお申出をお勧めします。",
                m.base_url.trim_end_matches('/')
            )),
        ],
        english: format!(
            "This is an automatic message from kinmu: in {} your hours beyond 40 a week passed 80 hours by {}; you may ask for an interview with a physician (面接指導, Industrial Safety and Health Act art. 66-8).",
            m.month,
            format_hm(excess_minutes)
        ),
    };
    doc.into_mail(to, subject)
}

/// To the 産業医: the doctors over the line and their excesses. A
/// `supplement` lists doctors found at a later check of the same month.
pub fn anei_physician_list(m: &AneiMonth, to: &str, lines: &[AneiLine], supplement: bool) -> Mail {
    let extra = if supplement { "（追加分）" } else { "" };
    let subject = format!(
        "【kinmu】月80時間超の医師の一覧{extra}：{}（{}名）",
        month_ja(m.month),
        lines.len()
    );
    let items = lines
        .iter()
        .map(|l| {
            let department = l.department.map(|d| format!("・{d}")).unwrap_or_default();
            let not_mailed = if l.doctor_not_mailed {
                "（本人のメールアドレス未登録のため本人への通知は未送信）"
            } else {
                ""
            };
            format!(
                "{}（職員番号 {}{department}）：80時間を超えた時間 {}{not_mailed}",
                l.name,
                l.staff_id,
                format_hm(l.excess_minutes)
            )
        })
        .collect();
    let doc = Doc {
        hospital: m.hospital,
        base_url: m.base_url,
        salutation: "産業医の先生".to_string(),
        blocks: vec![
            Block::Para(format!(
                "{} の勤務時間管理システム kinmu からのお知らせです（労働安全衛生規則第14条の2第1項による情報提供）。\n\
                 {}の月次確認で、休憩時間を除き1週間当たり40時間を超えて労働した時間が80時間を超えた医師{}は次のとおりです。",
                m.hospital,
                month_ja(m.month),
                if supplement { "（前回の一覧の後に判明した分）" } else { "" }
            )),
            Block::Facts(vec![("対象月", m.span())]),
            Block::List(items),
            Block::Para(
                "各医師には、超えた時間と面接指導（労働安全衛生法第66条の8）の申出の方法を通知しています。\n\
                 申出があった医師の面接指導をお願いします。"
                    .to_string(),
            ),
        ],
        english: format!(
            "This is an automatic message from kinmu: {} doctor(s) passed 80 hours beyond 40 a week in {}; names and excesses above.",
            lines.len(),
            m.month
        ),
    };
    doc.into_mail(to, subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month() -> AneiMonth<'static> {
        AneiMonth {
            hospital: "テスト病院",
            base_url: "https://kinmu.example.jp/",
            month: "2024-06",
            first_day: NaiveDate::from_ymd_opt(2024, 6, 16).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2024, 7, 15).unwrap(),
        }
    }

    #[test]
    fn the_doctor_is_told_the_month_the_excess_and_how_to_ask_for_the_interview() {
        let m = anei_notice_doctor(&month(), "a@example.jp", "<b>青木</b>", 4801);
        assert!(m.subject.contains("80時間を超えました") && m.subject.contains("2024年6月"));
        assert!(m.text.contains("2024-06-16〜2024-07-15"), "the agreement month's days");
        assert!(m.text.contains("80時間を超えた時間：80:01"));
        assert!(m.text.contains("第66条の8") && m.text.contains("申し出"));
        assert!(m.text.contains("https://kinmu.example.jp/me/selfcheck"));
        assert!(m
            .text
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("This is an automatic message"));
        assert!(!m.html.contains("<b>青木") && m.html.contains("&lt;b&gt;青木"));
    }

    #[test]
    fn the_physician_is_given_the_names_and_excesses_escaped() {
        let lines = [
            AneiLine {
                staff_id: "C03",
                name: "千葉 三郎",
                department: Some("外科"),
                excess_minutes: 4915,
                doctor_not_mailed: false,
            },
            AneiLine {
                staff_id: "E05",
                name: "<script>x</script>",
                department: None,
                excess_minutes: 6000,
                doctor_not_mailed: true,
            },
        ];
        let m = anei_physician_list(&month(), "sangyoi@example.jp", &lines, false);
        assert!(m.subject.contains("2名"));
        assert!(m
            .text
            .contains("1. 千葉 三郎（職員番号 C03・外科）：80時間を超えた時間 81:55"));
        assert!(m.text.contains("100:00（本人のメールアドレス未登録"));
        assert!(!m.html.contains("<script>") && m.html.contains("&lt;script&gt;x"));
        let more = anei_physician_list(&month(), "sangyoi@example.jp", &lines[..1], true);
        assert!(more.subject.contains("追加分") && more.subject.contains("1名"));
    }
}
