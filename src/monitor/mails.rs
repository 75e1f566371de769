//! The alert mails (issue part 5), as pure functions returning [`Mail`].
//!
//! Who gets what (rules §7–§8):
//! - the assigned interview physician: a new interview (面接指導), with the
//!   deadline and an `.ics` invitation for it;
//! - the doctor: that an interview is coming, with whom, by when, and that
//!   another physician may be asked for;
//! - the manager: a pre-check (事前確認) is needed past the watch level,
//!   measures (労働時間短縮のための措置) are needed over 155 h, an interview
//!   is overdue;
//! - HR: PC-log / timecard discrepancies (乖離) wait for resolution.
//!
//! Each mail is written once, as a list of [`Block`]s, and rendered twice —
//! plain text and a minimal inline-styled HTML — so the two never drift
//! apart and every interpolated value goes through one HTML escape. Bodies
//! are Japanese in a polite business style with a short English line at the
//! end; hours are `H:MM` (`format_hm`), dates ISO plus 和暦 ([`wareki`]).
//! Nothing here reads the clock or the database: the same facts give the
//! same mail, which keeps the outbox idempotent and the tests simple.

use super::mailer::Mail;
use crate::domain::projection::{INTERVIEW_LINE, MEASURES_LINE};
use crate::domain::time::format_hm;
use crate::html::escape;
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// What every mail about one doctor and month says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoctorFacts<'a> {
    pub hospital: &'a str,
    pub staff_id: &'a str,
    pub name: &'a str,
    pub department: Option<&'a str>,
    /// The level code as shown (`A`, `連携B`, `B`, `C-1`, `C-2`).
    pub level: &'a str,
    /// `YYYY-MM`.
    pub month: &'a str,
    /// Overtime + holiday minutes so far (rules §6).
    pub actual_minutes: i64,
    /// Projected overtime + holiday minutes of the month (rules §8).
    pub projected_minutes: i64,
    pub reach_100_date: Option<NaiveDate>,
    /// The service's public address, without a trailing slash.
    pub base_url: &'a str,
}

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
                "{} の勤務時間管理システム kinmu からのお知らせです。\n下記の医師の今月の時間外・休日労働が{reached}。\
                 先生が面接指導実施医師として割り当てられました。",
                f.hospital
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
                "{} の勤務時間管理システム kinmu からのお知らせです。\n先生の今月の時間外・休日労働が{reached}。\
                 健康確保のため、面接指導を受けていただく必要があります。",
                f.hospital
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
            "下記の医師の今月の時間外・休日労働が {line} を超えました（実績 {}）。",
            format_hm(f.actual_minutes)
        )
    } else {
        format!(
            "下記の医師の今月の時間外・休日労働が {line} を超える見込みです（見込み {}）。",
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
                 講じた措置（勤務時間の短縮、当直回数の削減など）を kinmu に記録してください。"
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

/// To administrators: the accounts the daily account job disabled
/// (checklist 2-(5)).
pub fn accounts_disabled(
    hospital: &str,
    to: &str,
    on: NaiveDate,
    disabled: &[crate::accounts::DisabledAccount],
    base_url: &str,
) -> Mail {
    use crate::accounts::DisableReason;
    let subject = format!("【kinmu】アカウントを停止しました（{}件）", disabled.len());
    let lines = disabled
        .iter()
        .map(|d| {
            let why = match d.reason {
                DisableReason::Left => format!(
                    "退職（最終日 {}）",
                    d.leaves_on.map(|x| x.to_string()).unwrap_or_default()
                ),
                DisableReason::Unused => format!("長期未使用（最終利用 {}）", d.last_used.format("%Y-%m-%d")),
                DisableReason::Admin => "管理者による停止".to_string(),
            };
            format!("・{}（{}）：{why}", d.login, d.name.as_deref().unwrap_or("—"))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let doc = Doc {
        hospital,
        base_url,
        salutation: "システム管理者様".to_string(),
        blocks: vec![
            Block::Para(format!(
                "{hospital} の勤務時間管理システム kinmu からのお知らせです。\n\
                 {} の定期処理で、次のアカウントを停止しました。",
                wareki(on)
            )),
            Block::Para(lines),
            Block::Para("再び使う場合は、利用者台帳の画面から有効にしてください。".to_string()),
        ],
        english: format!(
            "This is an automatic message from kinmu: {} account(s) were disabled (leavers and accounts unused for too long).",
            disabled.len()
        ),
    };
    doc.into_mail(to, subject)
}

/// The daily access-log check for administrators: whether the log is
/// intact, and its newest entry to keep outside the database.
pub fn access_log_anchor(
    hospital: &str,
    to: &str,
    on: NaiveDate,
    report: &crate::audit::VerifyReport,
    base_url: &str,
) -> Mail {
    let state = if report.ok { "異常なし" } else { "要確認" };
    let subject = format!("【kinmu】アクセスログの確認（{}）：{state}", wareki(on));
    let last = report
        .last
        .as_ref()
        .map_or_else(|| "（記録なし）".to_string(), ToString::to_string);
    let mut blocks = vec![
        Block::Para(format!(
            "{hospital} の勤務時間管理システム kinmu からのお知らせです。\n\
             {} の定期処理でアクセスログ（{}件）を検査しました：{state}。",
            wareki(on),
            report.entries
        )),
        Block::Para(format!(
            "最新の記録（アンカー）：{last}\n\
             このメールを保管してください。後日 `kinmu audit verify --anchor {last}` で、\
             この記録以前のログが削除・書き換えされていないことを確かめられます。"
        )),
    ];
    if let Some(problem) = &report.problem {
        blocks.push(Block::Para(format!("検出した問題：{}", problem.message)));
    }
    if let Some(reason) = &report.cannot_check {
        blocks.push(Block::Para(reason.clone()));
    }
    let doc = Doc {
        hospital,
        base_url,
        salutation: "システム管理者様".to_string(),
        blocks,
        english: format!(
            "This is an automatic message from kinmu: the access log ({} entries) was checked: {}. Keep this mail: its newest entry {last} lets `kinmu audit verify --anchor` show later that nothing before it was deleted or rewritten.",
            report.entries,
            if report.ok { "intact" } else { "PROBLEM FOUND" }
        ),
    };
    doc.into_mail(to, subject)
}

pub use crate::domain::time::wareki;

/// `2024-06-19（令和6年6月19日・水）`.
fn date_ja(d: NaiveDate) -> String {
    let wd = match d.weekday() {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    };
    format!("{}（{}・{wd}）", d.format("%Y-%m-%d"), wareki(d))
}

/// `2024-06` → `2024年6月`; anything else is shown as given.
fn month_ja(month: &str) -> String {
    let parsed = month.split_once('-').and_then(|(y, m)| {
        let y: i32 = y.parse().ok()?;
        let m: u32 = m.parse().ok()?;
        (y > 0 && (1..=12).contains(&m)).then_some((y, m))
    });
    match parsed {
        Some((y, m)) => format!("{y}年{m}月"),
        None => month.to_string(),
    }
}

/// The doctor's facts as label/value rows.
fn doctor_facts(f: &DoctorFacts) -> Vec<(&'static str, String)> {
    let mut rows = vec![("対象医師", format!("{} 先生（職員番号 {}）", f.name, f.staff_id))];
    if let Some(dept) = f.department.filter(|d| !d.trim().is_empty()) {
        rows.push(("診療科", dept.to_string()));
    }
    let level = if f.level.ends_with("水準") {
        f.level.to_string()
    } else {
        format!("{}水準", f.level)
    };
    rows.push(("水準", level));
    rows.push(("対象月", month_ja(f.month)));
    rows.push(("時間外・休日労働（実績）", format_hm(f.actual_minutes)));
    rows.push(("時間外・休日労働（今月の見込み）", format_hm(f.projected_minutes)));
    if let Some(d) = f.reach_100_date {
        rows.push(("100時間到達見込日", date_ja(d)));
    }
    rows
}

/// One piece of a mail body.
enum Block {
    /// A paragraph; `\n` breaks lines.
    Para(String),
    /// An emphasised one-line paragraph (a deadline, a duty).
    Strong(String),
    /// Label / value rows.
    Facts(Vec<(&'static str, String)>),
    /// A numbered list.
    List(Vec<String>),
}

/// A mail body, rendered as plain text and as HTML.
struct Doc<'a> {
    hospital: &'a str,
    base_url: &'a str,
    salutation: String,
    blocks: Vec<Block>,
    /// The short English line at the very end.
    english: String,
}

impl Doc<'_> {
    fn into_mail(self, to: &str, subject: String) -> Mail {
        Mail {
            to: to.to_string(),
            text: self.text(),
            html: self.html(&subject),
            subject,
            ics: None,
        }
    }

    fn link(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }

    fn footer(&self) -> String {
        format!(
            "このメールは {} の勤務時間管理システム kinmu から自動送信しています。",
            self.hospital
        )
    }

    fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.salutation);
        for block in &self.blocks {
            match block {
                Block::Para(p) => out.push_str(p),
                Block::Strong(s) => {
                    out.push_str("■ ");
                    out.push_str(s);
                }
                Block::Facts(rows) => {
                    let lines: Vec<String> = rows.iter().map(|(k, v)| format!("  {k}：{v}")).collect();
                    out.push_str(&lines.join("\n"));
                }
                Block::List(items) => {
                    let lines: Vec<String> = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| format!("  {}. {item}", i + 1))
                        .collect();
                    out.push_str(&lines.join("\n"));
                }
            }
            out.push_str("\n\n");
        }
        out.push_str(&format!("kinmu：{}\n\n", self.link()));
        out.push_str("--\n");
        out.push_str(&self.footer());
        out.push('\n');
        out.push_str(&self.english);
        out.push('\n');
        out
    }

    fn html(&self, subject: &str) -> String {
        let br = |s: &str| escape(s).replace('\n', "<br>\n");
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"ja\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n\
             <body style=\"font-family:'Hiragino Sans','Meiryo',sans-serif;font-size:14px;line-height:1.7;color:#222;\">\n\
             <p>{}</p>\n",
            escape(subject),
            escape(&self.salutation)
        );
        for block in &self.blocks {
            match block {
                Block::Para(p) => out.push_str(&format!("<p>{}</p>\n", br(p))),
                Block::Strong(s) => {
                    out.push_str(&format!("<p style=\"font-weight:bold;color:#b00020;\">{}</p>\n", br(s)))
                }
                Block::Facts(rows) => {
                    out.push_str("<table style=\"border-collapse:collapse;margin:8px 0;\">\n");
                    for (k, v) in rows {
                        out.push_str(&format!(
                            "<tr><th style=\"text-align:left;font-weight:normal;color:#555;padding:2px 16px 2px 0;\">{}</th>\
                             <td style=\"padding:2px 0;\">{}</td></tr>\n",
                            escape(k),
                            escape(v)
                        ));
                    }
                    out.push_str("</table>\n");
                }
                Block::List(items) => {
                    out.push_str("<ol style=\"margin:8px 0;\">\n");
                    for item in items {
                        out.push_str(&format!("<li>{}</li>\n", escape(item)));
                    }
                    out.push_str("</ol>\n");
                }
            }
        }
        out.push_str(&format!(
            "<p><a href=\"{}\" style=\"color:#0b57d0;\">kinmu を開く</a></p>\n\
             <hr style=\"border:none;border-top:1px solid #ddd;\">\n\
             <p style=\"font-size:12px;color:#666;\">{}<br>\n{}</p>\n</body>\n</html>\n",
            escape(&self.link()),
            escape(&self.footer()),
            escape(&self.english)
        ));
        out
    }
}

/// The iCalendar invitation (RFC 5545 / 5546 REQUEST) for the interview
/// deadline: one all-day VEVENT on the deadline date, CRLF lines, folded at
/// 75 octets. Pure: UID from staff id + month, DTSTAMP from the deadline.
/// The physician is both ORGANIZER and ATTENDEE — REQUEST needs an
/// organizer, and making the event the physician's own keeps calendar
/// clients from sending RSVPs to kinmu's unattended sender address.
fn interview_ics(f: &DoctorFacts, to: &str, physician_name: &str, deadline: NaiveDate) -> String {
    let day = |d: NaiveDate| d.format("%Y%m%d").to_string();
    let address = mail_address(to);
    let cn = param_value(physician_name);
    let description = format!(
        "{} 先生（職員番号 {}、{}）の面接指導の実施期限です。\n期限：{}\n{}/",
        f.name,
        f.staff_id,
        month_ja(f.month),
        date_ja(deadline),
        f.base_url.trim_end_matches('/')
    );
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//kinmu//kinmu//JA".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:REQUEST".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!(
            "UID:{}",
            ics_text(&format!("kinmu-interview-{}-{}@kinmu", f.staff_id, f.month))
        ),
        format!("DTSTAMP:{}T000000Z", day(deadline)),
        "SEQUENCE:0".to_string(),
        format!("DTSTART;VALUE=DATE:{}", day(deadline)),
        format!("DTEND;VALUE=DATE:{}", day(deadline + Duration::days(1))),
        format!("SUMMARY:{}", ics_text(&format!("面接指導（{}）期限", f.name))),
        format!("DESCRIPTION:{}", ics_text(&description)),
        format!("ORGANIZER;CN={cn}:mailto:{address}"),
        format!("ATTENDEE;CN={cn};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:{address}"),
        "STATUS:CONFIRMED".to_string(),
        "TRANSP:TRANSPARENT".to_string(),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ];
    let mut out = String::new();
    for line in &lines {
        out.push_str(&fold(line));
        out.push_str("\r\n");
    }
    out
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma, newline.
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (CN=…): always quoted; DQUOTE and controls cannot
/// appear in one, so they are dropped.
fn param_value(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// The bare address of `名前 <addr>` or `addr`.
fn mail_address(to: &str) -> String {
    let to = to.trim();
    match (to.rfind('<'), to.rfind('>')) {
        (Some(a), Some(b)) if a < b => to[a + 1..b].trim().to_string(),
        _ => to.to_string(),
    }
    .chars()
    .filter(|c| !c.is_control() && !c.is_whitespace())
    .collect()
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a
/// UTF-8 character: continuation lines start with one space.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    let mut limit = 75;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > limit {
            out.push_str("\r\n ");
            width = 0;
            limit = 74; // the leading space counts
        }
        out.push(c);
        width += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts(name: &str) -> DoctorFacts<'_> {
        DoctorFacts {
            hospital: "みなと総合病院",
            staff_id: "D001",
            name,
            department: Some("内科"),
            level: "B",
            month: "2024-06",
            actual_minutes: 4890,
            projected_minutes: 6090,
            reach_100_date: Some(date("2024-06-20")),
            base_url: "https://kinmu.example.jp/",
        }
    }

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

    fn all_mails(name: &str) -> Vec<Mail> {
        let f = facts(name);
        let d = date("2024-06-19");
        vec![
            interview_assigned(&f, "sato@example.jp", "佐藤 花子", d),
            interview_notice_doctor(&f, "yamada@example.jp", "佐藤 花子", d),
            precheck_needed(&f, "boss@example.jp"),
            measures_needed(&f, "boss@example.jp", true),
            interview_overdue(&f, "boss@example.jp", d),
        ]
    }

    #[test]
    fn wareki_counts_reiwa_from_may_2019_with_gannen() {
        assert_eq!(wareki(date("2024-06-19")), "令和6年6月19日");
        assert_eq!(wareki(date("2019-05-01")), "令和元年5月1日");
        assert_eq!(wareki(date("2019-12-31")), "令和元年12月31日");
        assert_eq!(wareki(date("2020-01-01")), "令和2年1月1日");
    }

    #[test]
    fn wareki_falls_back_to_heisei_and_showa_before() {
        assert_eq!(wareki(date("2019-04-30")), "平成31年4月30日");
        assert_eq!(wareki(date("1989-01-08")), "平成元年1月8日");
        assert_eq!(wareki(date("1989-01-07")), "昭和64年1月7日");
        assert_eq!(wareki(date("1926-12-25")), "昭和元年12月25日");
        assert_eq!(wareki(date("1926-12-24")), "1926年12月24日");
    }

    #[test]
    fn dates_are_shown_in_iso_and_wareki_with_the_weekday() {
        assert_eq!(date_ja(date("2024-06-19")), "2024-06-19（令和6年6月19日・水）");
    }

    #[test]
    fn months_are_shown_in_japanese_and_odd_ones_as_given() {
        assert_eq!(month_ja("2024-06"), "2024年6月");
        assert_eq!(month_ja("2024-12"), "2024年12月");
        assert_eq!(month_ja("June"), "June");
        assert_eq!(month_ja("2024-13"), "2024-13");
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

    #[test]
    fn every_text_body_is_polite_japanese_ending_with_an_english_line() {
        let mut mails = all_mails("山田 太郎");
        mails.push(discrepancies_waiting(
            "みなと総合病院",
            "hr@example.jp",
            "2024-06",
            3,
            "https://x",
        ));
        for m in mails {
            assert!(m.text.contains("してください") || m.text.contains("お願いします"));
            let last = m.text.trim_end().lines().last().unwrap();
            assert!(last.starts_with("This is an automatic message from kinmu"), "{last}");
            assert!(m.html.contains("This is an automatic message from kinmu"));
            assert!(m.html.starts_with("<!DOCTYPE html>"));
        }
    }

    #[test]
    fn html_bodies_escape_every_value() {
        let mut f = facts("<b>山田</b>");
        f.department = Some("内科 & \"外科\"");
        f.hospital = "<script>";
        f.base_url = "https://x/\"><script>";
        let mut mails = all_mails("<b>山田</b>");
        let d = date("2024-06-19");
        mails.push(interview_assigned(&f, "a@example.jp", "<i>佐藤</i>", d));
        mails.push(discrepancies_waiting(
            "<script>",
            "hr@example.jp",
            "<m>",
            1,
            "https://x/\"",
        ));
        for m in mails {
            assert!(!m.html.contains("<b>"), "{}", m.html);
            assert!(!m.html.contains("<i>"));
            assert!(!m.html.contains("<script>"));
            assert!(!m.html.contains("<m>"));
        }
        let m = precheck_needed(&facts("<b>山田</b>"), "boss@example.jp");
        assert!(m.html.contains("&lt;b&gt;山田&lt;/b&gt;"));
        let m = interview_assigned(&f, "a@example.jp", "x", d);
        assert!(m.html.contains("内科 &amp; &quot;外科&quot;"));
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

    #[test]
    fn long_ics_lines_fold_at_75_octets_between_characters() {
        let long = format!("DESCRIPTION:{}", "面接指導".repeat(30));
        let folded = fold(&long);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{part}");
        }
        assert_eq!(folded.replace("\r\n ", ""), long);
        assert_eq!(fold("SHORT"), "SHORT");
    }
}
