//! The mails of the daily housekeeping to administrators: the accounts it
//! disabled (checklist 2-(5)) and the access-log check with its anchor
//! (rules §10).

use super::body::{Block, Doc};
use crate::domain::time::wareki;
use crate::monitor::mailer::Mail;
use chrono::NaiveDate;

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
