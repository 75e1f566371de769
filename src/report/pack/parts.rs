//! The print pack's parts (rules §12), in the pack's order: the list of
//! doctors at ≥ 100 h and the checklist here, the five documents (ア)〜(オ)
//! in `documents.rs`, the 宿日直許可 register and its use in `permits.rs`,
//! and the cell texts they share.

use super::documents::{measures_table, results_table, subjects_table, work_status_table, working_hours_table};
use super::permits::{outside_table, permits_table};
use super::table::{add_wareki_month, col, group, num, Column, Group, Table};
use super::Pack;
use crate::domain::profile::EmploymentType;
use crate::domain::staffing::Staffing;
use crate::domain::time::format_hm;
use crate::report::inspection::date_both;
use crate::report::inspection::{fiscal_year_ja, InterviewRecord, MeasureRecord, PreCheckRecord};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};

/// The parts of the pack, in order: (CSV name, title of the index).
pub const PARTS: [(&str, &str); 12] = [
    (
        "over100",
        "時間外・休日労働が月100時間以上となった医師の一覧（直近12か月）",
    ),
    ("checklist", "病院立入検査重点項目「医師の働き方改革」点検表"),
    ("staffing", "医師の員数（基準週の勤務時間と常勤換算）"),
    ("a", "（ア）医師の勤務状況がわかる書類（タイムカード、PCの利用状況）"),
    ("b", "（イ）労働時間が把握できる書類（勤務日、勤務時間）"),
    ("c", "（ウ）面接指導対象医師の一覧表"),
    ("d", "（エ）長時間労働医師面接指導結果及び意見書"),
    ("e", "（オ）労働時間短縮のために必要な措置の内容の記録"),
    ("permits", "宿日直許可と宿日直の実績"),
    (
        "permits_outside",
        "宿日直許可と宿日直の実績（許可の範囲外の宿日直、医師ごと）",
    ),
    (
        "rest",
        "勤務間インターバル・連続勤務時間制限の記録（休息が不足した勤務）",
    ),
    ("comp_rest", "代償休息の記録（発生・期限・付与）"),
];

/// The parts of raw records: every doctor's day. The printed pack holds
/// them as attachments (`records`), given on request, not as pages.
pub const RAW_PARTS: [&str; 1] = ["a"];

/// The order the printed pack shows the summary parts in: the monthly
/// hours and their cases first, then the interviews, measures, hours,
/// duty permits, rest, the checklist and the staffing count. The raw
/// records ([`RAW_PARTS`]) come after them all.
pub const PRINT_ORDER: [&str; 11] = [
    "over100",
    "checklist",
    "c",
    "d",
    "e",
    "b",
    "permits",
    "permits_outside",
    "rest",
    "comp_rest",
    "staffing",
];

/// The title of the part named `key` in [`PARTS`].
pub(super) fn title_of(key: &str) -> String {
    PARTS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, title)| title.to_string())
        .unwrap_or_default()
}

pub(super) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(super) fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

pub(super) fn datetime(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

pub(super) fn weekday_ja(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

/// A span of time on its start's day: `08:00–22:00`, `22:00–翌08:30`, or
/// with the end's date when it is later still.
pub(super) fn span(start: NaiveDateTime, end: NaiveDateTime) -> String {
    let days = (end.date() - start.date()).num_days();
    let end_text = match days {
        0 => end.format("%H:%M").to_string(),
        1 => format!("翌{}", end.format("%H:%M")),
        _ => end.format("%m/%d %H:%M").to_string(),
    };
    format!("{}–{end_text}", start.format("%H:%M"))
}

pub(super) const WITHHELD: &str = "記録あり（健康情報のため省略）";

pub(super) fn recorded(yes: bool) -> &'static str {
    if yes {
        "記録あり"
    } else {
        "未記録"
    }
}

/// The interview physician by name (a person, not a login).
pub(super) fn physician(i: &InterviewRecord) -> String {
    i.physician
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "未定".into())
}

/// The pre-check as one cell of the list.
fn precheck_text(p: Option<&PreCheckRecord>) -> String {
    let Some(p) = p else {
        return "なし".into();
    };
    let head = format!(
        "{} 記録（{}）",
        datetime(p.recorded_at),
        p.recorded_by.as_deref().unwrap_or("—")
    );
    match &p.facts {
        Some(f) => format!(
            "{head}\nア 勤務: {}\nイ 睡眠: 平均 {}/日\nウ 疲労: 自覚症状 {}・疲労蓄積度 {}\nエ 心身: {}\nオ 面接指導の希望: {}",
            f.work_status,
            format_hm(i64::from(f.sleep_average_minutes)),
            f.fatigue_symptom,
            f.fatigue_score,
            f.mental_physical,
            if f.doctor_requests_interview != 0 {
                "あり"
            } else {
                "なし"
            }
        ),
        None => format!("{head}\n{WITHHELD}"),
    }
}

fn measures_text(ms: &[MeasureRecord], none: &str) -> String {
    if ms.is_empty() {
        return none.to_string();
    }
    ms.iter()
        .map(|m| match m.recorded_at {
            Some(at) => format!("{}（{} 記録）", m.taken_ja(), date(at.date())),
            None => "未記録".to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The A-level exception of a case (rules §8.4), with the days from
/// reaching 100 h to the interview where it applies (rules §12).
fn exception_text(i: &InterviewRecord) -> String {
    use crate::domain::due::{days_after_reach, Exception};
    let label = i.due.exception.label().ja;
    match (i.due.exception, days_after_reach(i.reach_100_date, i.held_on)) {
        (Exception::Established | Exception::DueNow, Some(n)) => format!("{label}・到達後{n}日で実施"),
        _ => label.to_string(),
    }
}

pub(super) const HEALTH_NOTE: &str = "健康情報（事前確認・確認事項・意見の内容）は、医師本人・所属長・面接指導実施医師のみが閲覧できるため、この出力では記録の有無のみを示します。内容は所属長の出力に含まれます。";

fn over100_table(pack: &Pack) -> Table {
    let columns = vec![
        col("年月", 8.0),
        col("基準日", 11.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("水準", 6.0),
        num("時間外・休日労働時間", 10.0),
        num("時間外・休日労働（分）", 10.0),
        col("155時間超", 9.0),
        col("面接指導の状況", 12.0),
        col("面接指導期限", 11.0),
        col("面接指導実施日", 11.0),
        col("面接指導実施医師", 16.0),
        col("事前確認", 28.0),
        col("意見", 28.0),
        col("就業上の措置", 28.0),
        col("155時間超の措置", 28.0),
        col("100時間到達日時", 16.0),
        col("期限内の実施", 10.0),
        col("A水準の特例", 22.0),
        col("雇用形態", 7.0),
        num("うち自院分", 9.0),
    ];
    let groups = vec![
        group("年月\n基準日", &[0, 1], 11),
        group("職員番号\n氏名\n雇用形態", &[2, 3, 20], 10),
        group("診療科\n水準\nA水準の特例", &[4, 5, 19], 8),
        group("時間外・休日労働（通算）\nうち自院分\n100時間到達", &[6, 21, 8, 17], 8),
        group("面接指導\n実施日／医師", &[11, 12], 11),
        group("期限\n状況\n期限内", &[10, 9, 18], 9),
        group("事前確認", &[13], 13),
        group("意見", &[14], 11),
        group("就業上の措置", &[15], 10),
        group("155時間超の措置", &[16], 9),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for l in &pack.over100 {
        let i = l.interview.as_ref();
        let opinion = match i {
            None => "—".to_string(),
            Some(i) if i.held_on.is_none() => "—（面接指導前）".to_string(),
            Some(i) if !i.opinion_recorded => "未記録".to_string(),
            Some(i) => match &i.health {
                Some(h) => h.opinion.clone(),
                None => WITHHELD.to_string(),
            },
        };
        let held = i.is_some_and(|i| i.held_on.is_some());
        rows.push(vec![
            l.month.to_string(),
            date(l.as_of),
            l.staff_id.clone(),
            l.name.clone(),
            l.department.clone().unwrap_or_default(),
            l.level.clone(),
            format_hm(l.minutes),
            l.minutes.to_string(),
            if l.over_155 {
                "155時間超".into()
            } else {
                String::new()
            },
            i.map(InterviewRecord::status_words)
                .unwrap_or_else(|| "面接指導の記録なし".into()),
            i.map(|i| date(i.deadline)).unwrap_or_default(),
            i.map(|i| match (i.due.held_at, i.held_on) {
                (Some(at), _) => datetime(at),
                (None, on) => opt_date(on),
            })
            .unwrap_or_default(),
            i.map(physician).unwrap_or_default(),
            precheck_text(l.precheck.as_ref()),
            opinion,
            measures_text(&l.measures, if held { "措置の記録なし" } else { "—" }),
            if l.over_155 || !l.over_155_measures.is_empty() {
                measures_text(&l.over_155_measures, "措置の記録なし")
            } else {
                "—".into()
            },
            i.and_then(|i| i.due.reach_100_at).map(datetime).unwrap_or_default(),
            match i.and_then(|i| i.due.in_time()) {
                Some(true) => "期限内".into(),
                Some(false) => "期限内でない".into(),
                None => "—".into(),
            },
            i.map(exception_text).unwrap_or_default(),
            l.employment_type.to_string(),
            format_hm(l.own_minutes),
        ]);
        keys.push(format!("{} {} {}", l.month, l.staff_id, l.minutes));
    }
    let mut notes = vec![
        "時間外・休日労働時間は月次報告と同じ規則による集計です（締まった月は月末時点、当月は本日時点）。副業・兼業先の時間を通算した時間で、「うち自院分」は当院の時間外・休日労働です。非常勤・外勤受入の医師を含みます。".to_string(),
    ];
    // Agreement months (rules §6.1) that do not start on the 1st.
    if let Some(first) = pack.over100.first().map(|l| l.month.first_day()) {
        if first.day() != 1 {
            notes.push(format!(
                "年月は36協定の1か月（毎月{}日から翌月{}日まで）で、その初日の月の名で示しています。",
                first.day(),
                first.day() - 1
            ));
        }
    }
    if !pack.scope.health() {
        notes.push(HEALTH_NOTE.into());
    }
    Table {
        key: "over100",
        sheet: "一覧（100時間以上）",
        title: title_of("over100"),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}

fn checklist_table(pack: &Pack) -> Table {
    let columns = vec![
        col("番号", 7.0),
        col("項目", 60.0),
        col("確認", 6.0),
        col("記入内容", 50.0),
        col("根拠（kinmu の記録）", 50.0),
    ];
    let groups = vec![
        group("番号", &[0], 6),
        group("項目", &[1], 35),
        group("確認", &[2], 5),
        group("記入内容", &[3], 30),
        group("根拠（kinmu の記録）", &[4], 24),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    let mut notes = Vec::new();
    if let Some(c) = &pack.checklist {
        for (n, r) in c.rows().into_iter().enumerate() {
            keys.push(format!("{} {n}", r.number));
            rows.push(vec![
                r.number.to_string(),
                r.item,
                r.mark.to_string(),
                r.answer,
                r.basis,
            ]);
        }
        notes.push(format!(
            "{}（{}年4月〜{}年3月）、{}。☑ 記録で確認できる　□ 記録で確認できない　— 該当なし・数値",
            fiscal_year_ja(c.fiscal_year),
            c.fiscal_year,
            c.fiscal_year + 1,
            if c.whole_hospital {
                "病院全体"
            } else {
                "所属長の担当医師のみ"
            }
        ));
    }
    let fy = pack
        .checklist
        .as_ref()
        .map(|c| c.fiscal_year)
        .unwrap_or(pack.params.fiscal_year);
    Table {
        key: "checklist",
        sheet: "点検表",
        title: format!("{} 病院立入検査重点項目「医師の働き方改革」点検表", fiscal_year_ja(fy)),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}

/// The reference week's staffing (rules §18): one line per doctor counted,
/// then the total of full-time equivalents as the 立入検査要綱 cuts it.
/// The staffing part's columns and their print layout.
fn staffing_layout() -> (Vec<Column>, Vec<Group>) {
    let columns = vec![
        col("職員番号", 12.0),
        col("氏名", 18.0),
        col("雇用形態", 10.0),
        num("通常の勤務", 12.0),
        num("当直", 12.0),
        num("常勤換算", 10.0),
    ];
    let groups = columns
        .iter()
        .enumerate()
        .zip([14, 26, 14, 16, 16, 14])
        .map(|((i, c), percent)| group(c.header, &[i], percent))
        .collect();
    (columns, groups)
}

fn staffing_table(s: &Staffing, whole_hospital: bool) -> Table {
    let (columns, groups) = staffing_layout();
    let mut rows = Vec::with_capacity(s.doctors.len() + 1);
    let mut keys = Vec::with_capacity(s.doctors.len() + 1);
    for l in &s.doctors {
        keys.push(l.staff_id.clone());
        rows.push(vec![
            l.staff_id.clone(),
            l.name.clone(),
            EmploymentType::parse(l.employment_type)
                .map(|t| t.label_ja().to_string())
                .unwrap_or_else(|_| l.employment_type.to_string()),
            format_hm(l.work_minutes),
            format_hm(l.duty_minutes),
            format!("{}.{:02}", l.fte_hundredths / 100, l.fte_hundredths % 100),
        ]);
    }
    keys.push("TOTAL".into());
    rows.push(vec![
        String::new(),
        "合計（常勤換算後）".into(),
        format!("常勤 {}人", s.full_time_count),
        String::new(),
        String::new(),
        s.total_fte.clone(),
    ]);
    let mut notes = vec![
        format!(
            "基準週：{} 〜 {}。常勤の医師は1人、非常勤・外勤受入の医師は（通常の勤務×2＋当直）÷（2×{}）で換算し、換算後の数値を積み上げた後に小数点第2位以下を切り捨てています（医療法第25条第1項の規定に基づく立入検査要綱）。",
            date_both(s.from),
            date_both(s.to),
            format_hm(s.denominator_minutes),
        ),
        "時間はタイムカードの記録（休憩を除く）による基準週内の分です。自己研鑽と他院での勤務は含みません。非常勤・外勤受入の医師は基準週に勤務がある場合に記載します。".into(),
    ];
    if !whole_hospital {
        notes.push("所属長の担当医師のみの集計です（病院全体の員数ではありません）。".into());
    }
    Table {
        key: "staffing",
        sheet: "医師の員数",
        title: title_of("staffing"),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}

/// The staffing part of a physician's pack: the doctors they interview are
/// no count of the hospital's staff.
fn no_staffing_table() -> Table {
    let (columns, groups) = staffing_layout();
    Table {
        key: "staffing",
        sheet: "医師の員数",
        title: title_of("staffing"),
        notes: vec!["面接指導実施医師の資料には含みません。病院全体の員数は管理者の資料に、所属長の担当医師の員数は所属長の資料にあります。".into()],
        columns,
        groups,
        rows: Vec::new(),
        keys: Vec::new(),
    }
}

/// The parts that were loaded, in the pack's order.
pub fn tables(pack: &Pack) -> Vec<Table> {
    let mut out = Vec::with_capacity(PARTS.len());
    if pack.want.over100 {
        out.push(add_wareki_month(over100_table(pack)));
    }
    if pack.checklist.is_some() {
        out.push(checklist_table(pack));
    }
    if let Some(s) = &pack.staffing {
        out.push(staffing_table(s, pack.scope.whole_hospital()));
    } else if pack.want.staffing {
        out.push(no_staffing_table());
    }
    if let Some(d) = &pack.documents {
        out.push(work_status_table(d));
        out.push(add_wareki_month(working_hours_table(d)));
        out.push(add_wareki_month(subjects_table(d)));
        out.push(add_wareki_month(results_table(d, pack.scope.health())));
        out.push(add_wareki_month(measures_table(d)));
    }
    if let Some(u) = &pack.permits {
        out.push(add_wareki_month(permits_table(pack, u)));
        out.push(add_wareki_month(outside_table(pack, u)));
    }
    if let Some(r) = &pack.rest {
        out.push(add_wareki_month(super::rest::rest_table(pack, r)));
        out.push(add_wareki_month(super::rest::comp_rest_table(pack, r)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Params, Want};
    use super::*;
    use crate::report::inspection::{Documents, Scope};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn spans_name_the_next_day_and_later_days() {
        assert_eq!(span(t("2024-06-03 08:00"), t("2024-06-03 22:00")), "08:00–22:00");
        assert_eq!(span(t("2024-06-03 22:00"), t("2024-06-04 08:30")), "22:00–翌08:30");
        assert_eq!(span(t("2024-06-03 22:00"), t("2024-06-05 08:30")), "22:00–06/05 08:30");
        assert_eq!(weekday_ja(d("2024-07-22")), "月");
    }

    /// Every part of an empty pack, as built for the pages.
    fn empty_tables() -> Vec<Table> {
        let pack = Pack {
            want: Want::ALL,
            params: Params {
                fiscal_year: 2024,
                from: d("2024-06-01"),
                to: d("2024-06-30"),
                week: d("2024-07-22"),
            },
            scope: Scope::hospital(),
            hospital: "テスト病院".into(),
            today: d("2024-07-22"),
            generated: t("2024-07-22 09:00"),
            over100: vec![],
            checklist: None,
            staffing: None,
            documents: Some(Documents {
                from: d("2024-06-01"),
                to: d("2024-06-30"),
                work_status: vec![],
                working_hours: vec![],
                subjects: vec![],
                results: vec![],
                measures: vec![],
            }),
            permits: Some(crate::report::inspection::PermitsUse {
                register: crate::domain::permits::PermitsRegister::Required,
                permits: vec![],
                months: vec![],
                doctors: Default::default(),
            }),
            rest: Some(crate::report::inspection::RestRecords {
                months: vec![],
                departments: Default::default(),
            }),
        };
        let mut all = tables(&pack);
        all.insert(1, checklist_table(&pack));
        all
    }

    #[test]
    fn every_part_fills_the_page_width_exactly_and_names_each_column_once() {
        let all = empty_tables();
        assert_eq!(
            all.iter().map(|t| t.key).collect::<Vec<_>>(),
            PARTS.iter().map(|(k, _)| *k).collect::<Vec<_>>()
        );
        for t in &all {
            let total: u32 = t.groups.iter().map(|g| g.percent).sum();
            assert_eq!(total, 100, "{}", t.key);
            assert!(
                t.groups.iter().flat_map(|g| &g.columns).all(|&i| i < t.columns.len()),
                "{}",
                t.key
            );
            let mut headers: Vec<&str> = t.columns.iter().map(|c| c.header).collect();
            headers.sort_unstable();
            headers.dedup();
            assert_eq!(headers.len(), t.columns.len(), "{}: a header twice", t.key);
            assert!(t.sheet.chars().count() <= 31 && !t.sheet.contains(['[', ']', ':', '*', '?', '/', '\\']));
        }
        assert_eq!(all[0].columns[1].header, "年月（和暦）");
        assert_eq!(
            all[0].groups[0].columns,
            vec![0, 1, 2],
            "month, 和暦 and as-of in one cell"
        );
    }

    /// (イ)'s self-study column is the part that is not working time
    /// (§2.3), as its heading says: not every self-study minute.
    #[test]
    fn the_working_hours_part_shows_the_self_study_excluded_from_working_time() {
        let line = crate::report::inspection::MonthLine {
            month: crate::domain::time::YearMonth::parse("2024-06").unwrap(),
            as_of: d("2024-06-30"),
            doctor_id: 1,
            department: None,
            work_days: 1,
            m: crate::month::DoctorMonth {
                staff_id: "A01".into(),
                self_study_minutes: 300,
                self_study_counted_minutes: 120,
                self_study_excluded_minutes: 180,
                ..Default::default()
            },
        };
        let docs = Documents {
            from: d("2024-06-01"),
            to: d("2024-06-30"),
            work_status: vec![],
            working_hours: vec![line],
            subjects: vec![],
            results: vec![],
            measures: vec![],
        };
        let table = working_hours_table(&docs);
        let col = table
            .columns
            .iter()
            .position(|c| c.header == "自己研鑽（労働時間外）")
            .unwrap();
        assert_eq!(table.rows[0][col], "3:00");
    }
}
