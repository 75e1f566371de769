//! The five documents of the inspection day (rules §12), (ア)〜(オ), as
//! parts of the print pack: timecards and PC use by day, the monthly
//! figures, the doctors subject to an interview, the interviews' results
//! and the measures.

use super::parts::{date, datetime, opt_date, physician, recorded, span, title_of, weekday_ja, HEALTH_NOTE, WITHHELD};
use super::table::{col, group, group_labelled, labelled, num, Table};
use crate::domain::interview::MeasureTaken;
use crate::domain::time::format_hm;
use crate::report::inspection::{
    date_both, interview_reason_ja, measure_reason_ja, Documents, MeasureRecord, WorkStatusDay,
};

fn period_note(d: &Documents) -> String {
    period_words(d.from, d.to)
}

pub(super) fn period_words(from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    format!("対象期間: {} 〜 {}", date_both(from), date_both(to))
}

pub(super) fn work_status_table(d: &Documents) -> Table {
    work_status_days_table(&d.work_status, period_note(d))
}

/// (ア) of some days: one row per doctor and day (the raw records).
pub(super) fn work_status_days_table(days: &[WorkStatusDay], period: String) -> Table {
    let columns = vec![
        col("日付", 15.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("タイムカード（区分 始業–終業 休憩）", 40.0),
        col("PC使用（ログオン–ログオフ 端末）", 40.0),
        col("乖離の確認（PC使用と打刻の差）", 30.0),
    ];
    let groups = vec![
        group("日付", &[0], 12),
        group("職員番号\n氏名", &[1, 2], 12),
        group("診療科", &[3], 9),
        group("タイムカード\n（区分 始業–終業 休憩）", &[4], 25),
        group("PC使用\n（ログオン–ログオフ 端末）", &[5], 24),
        group("乖離の確認", &[6], 18),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for day in days {
        let cards: Vec<String> = day
            .timecard
            .iter()
            .map(|t| {
                let mut s = format!("{} {} 休憩{}分", t.kind, span(t.start, t.end), t.break_minutes);
                if t.version > 1 {
                    s.push_str(&format!(
                        "［修正 第{}版: {}］",
                        t.version,
                        t.correction_reason.as_deref().unwrap_or("—")
                    ));
                }
                s
            })
            .collect();
        let pcs: Vec<String> = day
            .pc
            .iter()
            .map(|p| format!("{} {}", span(p.logon, p.logoff), p.pc_name))
            .collect();
        rows.push(vec![
            format!("{}（{}）", date(day.date), weekday_ja(day.date)),
            day.staff_id.clone(),
            day.name.clone(),
            day.department.clone().unwrap_or_default(),
            cards.join("\n"),
            pcs.join("\n"),
            day.resolution
                .as_ref()
                .map(|(r, why)| format!("{r}: {why}"))
                .unwrap_or_default(),
        ]);
        keys.push(format!("{} {}", day.staff_id, day.date));
    }
    Table {
        key: "a",
        sheet: "（ア）勤務状況",
        title: title_of("a"),
        notes: vec![
            period,
            "現在有効な打刻記録（修正された記録は修正後の版と理由）と、PCのログオン・ログオフ記録。".into(),
        ],
        columns,
        groups,
        rows,
        keys,
    }
}

pub(super) fn working_hours_table(d: &Documents) -> Table {
    let columns = vec![
        col("年月", 8.0),
        col("基準日", 11.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("水準", 6.0),
        num("勤務日数", 8.0),
        num("総労働時間", 10.0),
        num("時間外労働", 10.0),
        num("休日労働", 10.0),
        num("時間外・休日労働", 12.0),
        num("自己研鑽（労働時間外）", 12.0),
        num("副業・兼業", 10.0),
        num("宿日直（許可あり）", 12.0),
        num("時間外・休日労働（分）", 12.0),
    ];
    let groups = vec![
        group("年月\n基準日", &[0, 1], 12),
        group("職員番号\n氏名", &[2, 3], 12),
        group("診療科\n水準", &[4, 5], 10),
        group("勤務日数", &[6], 7),
        group("総労働時間", &[7], 8),
        group("時間外労働", &[8], 8),
        group("休日労働", &[9], 8),
        group("時間外・休日労働", &[10], 9),
        group("自己研鑽\n（労働時間外）", &[11], 9),
        group("副業・兼業", &[12], 8),
        group("宿日直\n（許可あり）", &[13], 9),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for l in &d.working_hours {
        let m = &l.m;
        rows.push(vec![
            l.month.to_string(),
            date(l.as_of),
            m.staff_id.clone(),
            m.name.clone(),
            l.department.clone().unwrap_or_default(),
            m.level.clone(),
            l.work_days.to_string(),
            format_hm(m.total_work_minutes),
            format_hm(m.overtime_minutes),
            format_hm(m.holiday_minutes),
            format_hm(m.overtime_holiday_minutes),
            // The part of self-study that is not working time (§2.3):
            // the column's heading; counted self-study is in the totals.
            format_hm(m.self_study_excluded_minutes),
            format_hm(m.external_minutes),
            format_hm(m.duty_permitted_minutes),
            m.overtime_holiday_minutes.to_string(),
        ]);
        keys.push(format!("{} {} {}", l.month, m.staff_id, m.overtime_holiday_minutes));
    }
    Table {
        key: "b",
        sheet: "（イ）労働時間",
        title: title_of("b"),
        notes: vec![
            period_note(d),
            "対象期間を含む各月の月次集計（時間:分）。締まった月は月末時点、当月は本日時点。".into(),
        ],
        columns,
        groups,
        rows,
        keys,
    }
}

pub(super) fn subjects_table(d: &Documents) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("水準", 6.0),
        col("対象となった理由", 16.0),
        num("時間外・休日労働時間", 10.0),
        col("基準日", 11.0),
        col("100時間到達（見込）日", 11.0),
        col("面接指導期限", 11.0),
        col("面接指導実施医師", 16.0),
        col("面接指導実施日", 11.0),
        col("状況", 14.0),
    ];
    let groups = vec![
        group("対象月", &[0], 12),
        group("職員番号\n氏名", &[1, 2], 12),
        group("診療科\n水準", &[3, 4], 9),
        group("対象となった理由", &[5], 11),
        group("時間外・休日労働\n基準日", &[6, 7], 11),
        group("100時間到達\n（見込）日", &[8], 9),
        group("面接指導期限", &[9], 9),
        group("面接指導実施医師", &[10], 13),
        group("実施日\n状況", &[11, 12], 14),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for s in &d.subjects {
        let i = &s.interview;
        rows.push(vec![
            s.month.to_string(),
            s.staff_id.clone(),
            s.name.clone(),
            s.department.clone().unwrap_or_default(),
            s.level.clone(),
            interview_reason_ja(&i.reason).to_string(),
            s.minutes.map(format_hm).unwrap_or_default(),
            opt_date(s.as_of),
            date(i.reach_100_date),
            date(i.deadline),
            physician(i),
            opt_date(i.held_on),
            i.status_words(),
        ]);
        keys.push(format!("{} {}", s.month, s.staff_id));
    }
    Table {
        key: "c",
        sheet: "（ウ）面接指導対象医師",
        title: title_of("c"),
        notes: vec![
            period_note(d),
            "時間外・休日労働が月100時間以上となった、または見込まれた医師（面接指導の対象）。".into(),
        ],
        columns,
        groups,
        rows,
        keys,
    }
}

pub(super) fn results_table(d: &Documents, health: bool) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("面接指導実施日", 11.0),
        col("面接指導実施医師", 16.0),
        labelled("事前確認 記録", "記録", 18.0),
        labelled("事前確認 ア 勤務の状況", "ア 勤務の状況", 24.0),
        labelled("事前確認 イ 睡眠の状況", "イ 睡眠の状況", 14.0),
        labelled("事前確認 ウ 疲労の蓄積の状況", "ウ 疲労の蓄積の状況", 18.0),
        labelled("事前確認 エ 心身の状況", "エ 心身の状況", 24.0),
        labelled("事前確認 オ 面接指導を受ける意思", "オ 面接指導を受ける意思", 12.0),
        labelled("確認事項 ア 勤務の状況", "ア 勤務の状況", 24.0),
        labelled("確認事項 イ 睡眠の状況", "イ 睡眠の状況", 24.0),
        labelled("確認事項 ウ 疲労の蓄積の状況", "ウ 疲労の蓄積の状況", 24.0),
        labelled("確認事項 エ その他心身の状況", "エ その他心身の状況", 24.0),
        col("意見（意見書）", 40.0),
        col("記録者・記録日時", 20.0),
        col("保管期限", 11.0),
    ];
    let groups = vec![
        group("対象月\n実施日", &[0, 3], 11),
        group("職員番号\n氏名", &[1, 2], 10),
        group("面接指導実施医師", &[4], 10),
        group_labelled("事前確認（管理者）", &[5, 6, 7, 8, 9, 10], 22),
        group_labelled("確認事項（面接指導実施医師）", &[11, 12, 13, 14], 22),
        group("意見", &[15], 15),
        group("記録\n保管期限", &[16, 17], 10),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for r in &d.results {
        let i = &r.interview;
        let pre: [String; 6] = match &r.precheck {
            None => std::array::from_fn(|k| if k == 0 { "なし".to_string() } else { String::new() }),
            Some(p) => match &p.facts {
                Some(f) => [
                    format!(
                        "{}（{}）",
                        datetime(p.recorded_at),
                        p.recorded_by.as_deref().unwrap_or("—")
                    ),
                    f.work_status.clone(),
                    format!("平均 {}/日", format_hm(i64::from(f.sleep_average_minutes))),
                    format!("自覚症状 {}・疲労蓄積度 {}", f.fatigue_symptom, f.fatigue_score),
                    f.mental_physical.clone(),
                    if f.doctor_requests_interview != 0 {
                        "希望あり".into()
                    } else {
                        "希望なし".into()
                    },
                ],
                None => {
                    let [a, b, c, e, o] = p.items_recorded.map(|r| recorded(r).to_string());
                    [
                        format!(
                            "{}（{}）",
                            datetime(p.recorded_at),
                            p.recorded_by.as_deref().unwrap_or("—")
                        ),
                        a,
                        b,
                        c,
                        e,
                        o,
                    ]
                }
            },
        };
        let checks: [String; 5] = match &i.health {
            Some(h) => [
                h.check_work.clone(),
                h.check_sleep.clone(),
                h.check_fatigue.clone(),
                h.check_mental_physical.clone(),
                h.opinion.clone(),
            ],
            None => [
                recorded(i.checks_recorded[0]).to_string(),
                recorded(i.checks_recorded[1]).to_string(),
                recorded(i.checks_recorded[2]).to_string(),
                recorded(i.checks_recorded[3]).to_string(),
                if i.opinion_recorded {
                    WITHHELD.to_string()
                } else {
                    "未記録".to_string()
                },
            ],
        };
        let mut row = vec![
            r.month.to_string(),
            r.staff_id.clone(),
            r.name.clone(),
            opt_date(i.held_on),
            physician(i),
        ];
        row.extend(pre);
        row.extend(checks);
        row.push(format!(
            "{} {}",
            i.recorded_by.as_deref().unwrap_or("—"),
            i.recorded_at.map(datetime).unwrap_or_default()
        ));
        row.push(opt_date(i.retention_until));
        rows.push(row);
        keys.push(format!("{} {}", r.month, r.staff_id));
    }
    let mut notes = vec![
        period_note(d),
        "面接指導実施医師の記録（医療法施行規則第64条）と、その前の管理者による事前確認（同第63条）。".into(),
    ];
    if !health {
        notes.push(HEALTH_NOTE.into());
    }
    Table {
        key: "d",
        sheet: "（エ）面接指導結果・意見書",
        title: title_of("d"),
        notes,
        columns,
        groups,
        rows,
        keys,
    }
}

pub(super) fn measures_table(d: &Documents) -> Table {
    let columns = vec![
        col("対象月", 8.0),
        col("職員番号", 9.0),
        col("氏名", 12.0),
        col("診療科", 10.0),
        col("区分", 24.0),
        col("面接指導実施日", 11.0),
        col(MeasureTaken::ShorterHours.label().ja, 8.0),
        col(MeasureTaken::FewerNightDuties.label().ja, 8.0),
        col(MeasureTaken::Other.label().ja, 8.0),
        col("講じた措置の具体的内容", 30.0),
        col("講じた措置", 36.0),
        col("状況", 10.0),
        col("記録者", 12.0),
        col("記録日時", 16.0),
        col("保管期限", 11.0),
    ];
    let groups = vec![
        group("対象月", &[0], 12),
        group("職員番号\n氏名", &[1, 2], 12),
        group("診療科", &[3], 8),
        group("区分", &[4], 14),
        group("面接指導実施日", &[5], 10),
        group("講じた措置", &[10], 22),
        group("状況\n記録", &[11, 12, 13], 13),
        group("保管期限", &[14], 9),
    ];
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    let mark = |b: bool, m: &MeasureRecord| if b && m.recorded() { "○" } else { "" }.to_string();
    for l in &d.measures {
        let m = &l.measure;
        rows.push(vec![
            l.month.to_string(),
            l.staff_id.clone(),
            l.name.clone(),
            l.department.clone().unwrap_or_default(),
            match &m.extra_reason {
                Some(x) => format!("{}・{}", measure_reason_ja(&m.reason), measure_reason_ja(x)),
                None => measure_reason_ja(&m.reason).to_string(),
            },
            opt_date(l.interview_held_on),
            mark(m.shorter_hours, m),
            mark(m.fewer_night_duties, m),
            mark(m.other, m),
            m.other_text.clone().unwrap_or_default(),
            if m.recorded() { m.taken_ja() } else { String::new() },
            if m.recorded() { "記録済み" } else { "未記録" }.to_string(),
            m.recorded_by.clone().unwrap_or_default(),
            m.recorded_at.map(datetime).unwrap_or_default(),
            opt_date(m.retention_until),
        ]);
        keys.push(format!("{} {} {}", l.month, l.staff_id, m.reason));
    }
    Table {
        key: "e",
        sheet: "（オ）措置の記録",
        title: title_of("e"),
        notes: vec![
            period_note(d),
            "面接指導実施医師の意見を勘案した就業上の措置（医療法施行規則第69条）と、155時間超の労働時間短縮の措置（同第70条）。"
                .into(),
        ],
        columns,
        groups,
        rows,
        keys,
    }
}
