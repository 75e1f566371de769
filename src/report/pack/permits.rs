//! 「宿日直許可と宿日直の実績」 (rules §12, §13) as two parts of the print
//! pack: `permits`, each permit of the register with the 宿直・日直 it
//! covered in each month of the period and how many of those had work; and
//! `permits_outside`, per doctor and month the permitted duty that no permit
//! covers — working time. The figures are `kinmu report duties`'.

use super::parts::title_of;
use super::table::{col, group, num, Table};
use super::Pack;
use crate::db::permits::StoredPermit;
use crate::domain::permits::{Permit, PermitKind, PermitsRegister};
use crate::domain::time::format_hm;
use crate::report::inspection::{date_both, PermitsUse};
use chrono::Weekday;

/// What the register's setting and content mean for the figures, plainly.
fn register_notes(u: &PermitsUse) -> Vec<String> {
    if u.register == PermitsRegister::Off {
        return vec!["設定 permits_register = off のため、宿日直許可の登録簿と照合していません。宿日直許可として記録された勤務は、すべて許可の範囲内（労働時間に含めない）として扱っています（改正前の扱い）。".into()];
    }
    if u.permits.is_empty() {
        return vec![
            "宿日直許可が登録されていません。宿日直許可として記録された勤務は、すべて労働時間として計算しています。"
                .into(),
        ];
    }
    Vec::new()
}

fn period_note(pack: &Pack) -> String {
    format!(
        "対象期間: {} 〜 {}（各月は月末時点、当月は本日時点の集計）。",
        date_both(pack.params.from),
        date_both(pack.params.to)
    )
}

fn kind_ja(kind: PermitKind) -> &'static str {
    match kind {
        PermitKind::Night => "宿直",
        PermitKind::Day => "日直",
    }
}

/// `毎日` or `土・日`, Sunday first.
fn weekdays_ja(p: &Permit) -> String {
    use Weekday::*;
    let days = [
        (Sun, "日"),
        (Mon, "月"),
        (Tue, "火"),
        (Wed, "水"),
        (Thu, "木"),
        (Fri, "金"),
        (Sat, "土"),
    ];
    let on: Vec<&str> = days
        .iter()
        .filter(|(w, _)| p.weekdays.contains(*w))
        .map(|(_, ja)| *ja)
        .collect();
    if on.len() == days.len() {
        "毎日".into()
    } else {
        on.join("・")
    }
}

/// `17:00–翌08:30` (the end on the next day when at or before the start).
fn band(p: &Permit) -> String {
    let next = if p.band_end <= p.band_start { "翌" } else { "" };
    format!("{}–{next}{}", p.band_start.format("%H:%M"), p.band_end.format("%H:%M"))
}

/// One permit's cells (after the month): number, granted, kind,
/// departments, band, weekdays, revoked.
fn permit_cells(s: &StoredPermit, p: Option<&Permit>) -> Vec<String> {
    let departments = match p {
        Some(p) if p.departments.is_empty() => "全診療科".to_string(),
        Some(p) => p.departments.join("、"),
        None => s.departments.lines().collect::<Vec<_>>().join("、"),
    };
    vec![
        s.permit_no.clone(),
        date_both(s.granted_on),
        p.map(|p| kind_ja(p.kind)).unwrap_or("（読めない値）").to_string(),
        departments,
        p.map(band)
            .unwrap_or_else(|| format!("{}–{}", s.band_start, s.band_end)),
        p.map(weekdays_ja).unwrap_or_else(|| s.weekdays.clone()),
        s.revoked_on.map(date_both).unwrap_or_default(),
    ]
}

/// `permits`: one row per month of the period and permit.
pub(super) fn permits_table(pack: &Pack, u: &PermitsUse) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("許可番号", 14.0),
        col("許可年月日", 22.0),
        col("種別", 6.0),
        col("対象診療科", 24.0),
        col("許可の時間帯", 14.0),
        col("曜日", 10.0),
        col("取消日", 22.0),
        num("宿直・日直の回数", 8.0),
        num("うち労働のあった回数", 8.0),
        col("業務の種類（備考）", 30.0),
    ];
    let groups = vec![
        group("対象月", &[0], 11),
        group("許可番号\n種別", &[1, 3], 12),
        group("許可年月日\n取消日", &[2, 7], 17),
        group("対象診療科", &[4], 16),
        group("許可の時間帯\n曜日", &[5, 6], 12),
        group("宿直・日直の回数\nうち労働あり", &[8, 9], 10),
        group("業務の種類（備考）", &[10], 22),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for month in &u.months {
        for (s, p) in &u.permits {
            let line = month.permits.iter().find(|l| l.permit_no == s.permit_no);
            let mut row = vec![month.month.clone()];
            row.extend(permit_cells(s, p.as_ref()));
            row.push(line.map(|l| l.duties).unwrap_or(0).to_string());
            row.push(line.map(|l| l.duties_with_work).unwrap_or(0).to_string());
            row.push(s.note.clone().unwrap_or_default());
            rows.push(row);
            keys.push(format!("{} {}", month.month, s.permit_no));
        }
    }
    let mut notes = register_notes(u);
    notes.push(period_note(pack));
    notes.push("回数は `kinmu report duties` と同じ集計です。許可の時間帯に宿日直許可の勤務があった日を、宿直・日直それぞれ1回と数えます（同じ日の複数の勤務は1回）。「うち労働のあった回数」は、許可の時間帯に通常の勤務（労働）の記録がある回数で、その時間は労働時間です。".into());
    if !pack.scope.whole_hospital() {
        notes.push("回数は担当の医師の宿日直のみです（病院全体の回数ではありません）。".into());
    }
    Table {
        key: "permits",
        sheet: "宿日直許可と実績",
        title: title_of("permits"),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}

/// `permits_outside`: per month and doctor with permitted duty outside
/// every permit.
pub(super) fn outside_table(pack: &Pack, u: &PermitsUse) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        num("許可の範囲外の宿日直", 12.0),
        num("許可の範囲外の宿日直（分）", 10.0),
        num("許可の範囲内の宿日直", 12.0),
        col("許可の範囲内の宿直・日直の回数", 16.0),
        num("うち労働のあった回数", 8.0),
        num("回数の目安を超えた宿日直", 10.0),
    ];
    let groups = vec![
        group("対象月", &[0], 11),
        group("職員番号\n氏名", &[1, 2], 15),
        group("診療科", &[3], 10),
        // The minutes column is for the CSV and the sheet (as (イ)'s).
        group("許可の範囲外の宿日直\n（労働時間）", &[4], 18),
        group("許可の範囲内の宿日直", &[6], 12),
        group("宿直・日直の回数\nうち労働あり", &[7, 8], 18),
        group("回数の目安を超えた宿日直", &[9], 16),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for month in &u.months {
        for d in month.doctors.iter().filter(|d| d.duty_outside_permit_minutes > 0) {
            let doctor = u.doctors.get(&d.staff_id);
            rows.push(vec![
                month.month.clone(),
                d.staff_id.clone(),
                doctor.map(|x| x.name.clone()).unwrap_or_default(),
                doctor.and_then(|x| x.department.clone()).unwrap_or_default(),
                format_hm(d.duty_outside_permit_minutes),
                d.duty_outside_permit_minutes.to_string(),
                format_hm(d.duty_permitted_minutes),
                format!("宿直 {}回・日直 {}回", d.permitted_night_duties, d.permitted_day_duties),
                d.permitted_duties_with_work.to_string(),
                d.warnings.len().to_string(),
            ]);
            keys.push(format!("{} {}", month.month, d.staff_id));
        }
    }
    let mut notes = register_notes(u);
    notes.push(period_note(pack));
    notes.push("許可の範囲外の宿日直は、宿日直許可として記録された勤務のうち、医師の診療科・時間帯・曜日・期間がどの許可にも当たらない時間です。労働時間（宿日直許可のない宿日直）として、時間外・休日労働に含めて計算しています。".into());
    if rows.is_empty() && u.register == PermitsRegister::Required {
        notes.push("対象期間に、許可の範囲外の宿日直のある医師はいません。".into());
    }
    Table {
        key: "permits_outside",
        sheet: "許可の範囲外の宿日直",
        title: title_of("permits_outside"),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}
