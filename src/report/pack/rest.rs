//! 「勤務間インターバル・代償休息の記録」 (rules §11, §12) as two parts of the
//! print pack: `rest`, per month and doctor the windows whose rest fell
//! short (the planned check on the roster, the actual check on the
//! timecard); and `comp_rest`, the 代償休息 and 配慮 ledger — what arose,
//! by when it was due, what was given and what is open. The figures are
//! `kinmu report rest`'s.

use super::parts::{datetime, title_of};
use super::table::{col, group, num, Table};
use super::Pack;
use crate::domain::time::format_hm;
use crate::report::inspection::{date_both, RestRecords};

fn period_note(pack: &Pack) -> String {
    format!(
        "対象期間: {} 〜 {}（各月は月末時点、当月は本日時点の集計）。",
        date_both(pack.params.from),
        date_both(pack.params.to)
    )
}

fn scope_note(pack: &Pack, notes: &mut Vec<String>) {
    if !pack.scope.whole_hospital() {
        notes.push("担当の医師のみの記録です（病院全体の記録ではありません）。".into());
    }
}

/// `rest`: one row per short-rest record.
pub(super) fn rest_table(pack: &Pack, r: &RestRecords) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("水準", 6.0),
        col("区分", 6.0),
        col("始業", 14.0),
        col("規則", 24.0),
        num("必要な休息", 8.0),
        num("最長の休息", 8.0),
        num("不足", 8.0),
        col("内容", 26.0),
        col("重さ", 6.0),
    ];
    let groups = vec![
        group("対象月", &[0], 8),
        group("職員番号\n氏名", &[1, 2], 13),
        group("診療科\n水準", &[3, 4], 9),
        group("区分\n始業", &[5, 6], 12),
        group("規則", &[7], 18),
        group("必要な休息\n最長の休息\n不足", &[8, 9, 10], 12),
        group("内容\n重さ", &[11, 12], 28),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for month in &r.months {
        for d in &month.doctors {
            let department = r.departments.get(&d.staff_id).cloned().unwrap_or_default();
            for (check, w) in d
                .planned
                .iter()
                .map(|w| ("予定", w))
                .chain(d.actual.iter().map(|w| ("実績", w)))
            {
                let what = match (w.status, w.cause) {
                    (Some(s), _) => s.words().0,
                    (None, Some(c)) => c.words().0,
                    _ => "",
                };
                rows.push(vec![
                    month.month.clone(),
                    d.staff_id.clone(),
                    d.name.clone(),
                    department.clone(),
                    d.level.clone(),
                    check.to_string(),
                    datetime(w.window_start),
                    w.rule.words().0.to_string(),
                    format_hm(w.required_rest_minutes),
                    format_hm(w.longest_rest_minutes),
                    format_hm(w.shortfall_minutes),
                    what.to_string(),
                    w.severity.words().0.to_string(),
                ]);
                keys.push(format!(
                    "{} {} {} {}",
                    month.month,
                    d.staff_id,
                    check,
                    crate::domain::rest::format_instant(w.window_start)
                ));
            }
        }
    }
    let mut notes = vec![period_note(pack)];
    notes.push("連携B・B・C水準の医師は勤務間インターバル（始業から24時間以内に9時間の連続した休息、宿日直許可のない宿日直の後は46時間以内に18時間、C-1水準の臨床研修医の24時間連続勤務の後は48時間以内に24時間）の確保が義務、A水準の医師は努力義務です（医療法第123条、第110条）。「予定」は勤務予定（勤務開始時点の版）による確認、「実績」はタイムカードによる確認です。".into());
    if rows.is_empty() {
        notes.push("対象期間に、休息が不足した記録はありません。".into());
    }
    scope_note(pack, &mut notes);
    Table {
        key: "rest",
        sheet: "勤務間インターバル",
        title: title_of("rest"),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}

/// `comp_rest`: one row per ledger entry shown in a month.
pub(super) fn comp_rest_table(pack: &Pack, r: &RestRecords) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("種類", 10.0),
        col("発生日時", 14.0),
        col("理由", 20.0),
        num("時間", 8.0),
        col("期限", 22.0),
        num("期限内に付与", 8.0),
        num("期限後に付与", 8.0),
        num("未付与", 8.0),
        col("状況", 10.0),
    ];
    let groups = vec![
        group("対象月", &[0], 8),
        group("職員番号\n氏名", &[1, 2], 13),
        group("種類\n発生日時", &[3, 4], 15),
        group("理由", &[5], 18),
        group("時間\n期限", &[6, 7], 16),
        group("付与（期限内／期限後）\n未付与", &[8, 9, 10], 18),
        group("状況", &[11], 12),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for month in &r.months {
        for d in &month.doctors {
            for e in d.comp_rest.entries.iter().chain(d.consideration.entries.iter()) {
                let reason = match e.reason {
                    Some(x) => format!("{}（{}）", e.cause.words().0, x.words().0),
                    None => e.cause.words().0.to_string(),
                };
                rows.push(vec![
                    month.month.clone(),
                    d.staff_id.clone(),
                    d.name.clone(),
                    e.kind.words().0.to_string(),
                    datetime(e.arose_at),
                    reason,
                    format_hm(e.minutes),
                    date_both(e.due),
                    format_hm(e.granted_minutes),
                    format_hm(e.granted_late_minutes),
                    format_hm(e.open_minutes),
                    e.status.words().0.to_string(),
                ]);
                keys.push(format!(
                    "{} {} {}",
                    month.month,
                    d.staff_id,
                    crate::domain::rest::format_instant(e.arose_at)
                ));
            }
        }
    }
    let mut notes = vec![period_note(pack)];
    notes.push("予定された休息時間中に勤務した時間は、翌月末までに同じ時間の代償休息を与えます（医療法施行規則）。付与は記録された付与のうち、所定労働時間内で勤務・宿日直と重ならない時間だけを、期限の早いものから充てています。宿日直許可のある宿日直中に9時間以上の連続した宿日直があり労働した場合は「休息の配慮」です。".into());
    if rows.is_empty() {
        notes.push("対象期間に、代償休息の記録はありません。".into());
    }
    scope_note(pack, &mut notes);
    Table {
        key: "comp_rest",
        sheet: "代償休息",
        title: title_of("comp_rest"),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}
