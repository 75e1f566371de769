//! The physician's 意見書 as words (the screens, addenda and the print
//! pack say the same), and the print pack's per-doctor 意見書 pages
//! (issue 13 §5): one page for each interview of the pack's (エ) whose
//! opinion the pack may carry — the manager's pack (health data of their
//! doctors, as the access policy allows), and the administrator's only when
//! the hospital's policy says so (`[inspection] administrator_sees_opinions`);
//! otherwise the pack shows 「記録あり」 as before.

use crate::db::models::{InterviewOpinion, RecordAddendum};
use crate::db::opinions::{addenda_of_many, opinions_of};
use crate::db::AnyConnection;
use crate::domain::opinion::{addendum_fields, Guidance, RecordKind, WorkClass};
use crate::report::inspection::Documents;
use diesel::result::QueryResult;

/// An opinion's field in Japanese words (for addenda and print); `None`
/// when the opinion says nothing there.
pub fn opinion_field_words(o: &InterviewOpinion, field: &str) -> Option<String> {
    let words = |parts: Vec<String>| {
        let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        (!parts.is_empty()).then(|| parts.join("、"))
    };
    let flag = |on: i32, text: &str| if on != 0 { text.to_string() } else { String::new() };
    match field {
        "guidance" => Some(match &o.reinterview_when {
            Some(w) => format!("{}（時期: {}）", Guidance::label_of(&o.guidance).ja, w),
            None => Guidance::label_of(&o.guidance).ja.to_string(),
        }),
        "work_class" => Some(WorkClass::label_of(&o.work_class).ja.to_string()),
        "working_time" => words(vec![
            match (o.overtime_forbidden != 0, o.overtime_limit_hours) {
                (true, _) => "時間外・休日労働の禁止".to_string(),
                (false, Some(h)) => format!("時間外・休日労働の上限 {h}時間/月"),
                _ => String::new(),
            },
            o.night_duty_limit
                .map(|n| format!("宿直の回数の上限 {n}回/月"))
                .unwrap_or_default(),
        ]),
        "other_measures" => words(vec![
            flag(o.change_workplace, "就業場所の変更"),
            flag(o.change_work, "作業の転換"),
            flag(o.fewer_late_night, "深夜業の回数の減少"),
            flag(o.day_shift, "昼間勤務への転換"),
            o.other_measure
                .as_ref()
                .map(|t| format!("その他: {t}"))
                .unwrap_or_default(),
        ]),
        "period" => o.period_from.map(|f| match o.period_until {
            Some(u) => format!("{f} 〜 {u}"),
            None => format!("{f} 〜"),
        }),
        "environment_medical" => words(vec![
            o.environment
                .as_ref()
                .map(|t| format!("職場環境の改善: {t}"))
                .unwrap_or_default(),
            o.medical_care
                .as_ref()
                .map(|t| format!("医療機関への受診配慮: {t}"))
                .unwrap_or_default(),
        ]),
        _ => None,
    }
}

/// The rows of the 意見書, in the MHLW form's order: (field, label).
pub const OPINION_ROWS: [(&str, &str); 6] = [
    ("guidance", "本人への指導区分"),
    ("work_class", "就業区分"),
    ("working_time", "労働時間の短縮"),
    ("other_measures", "労働時間以外の措置"),
    ("period", "措置期間"),
    ("environment_medical", "職場環境の改善・医療機関への受診配慮"),
];

/// One row of a page: label and words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PageRow {
    pub field: &'static str,
    pub label: &'static str,
    pub value: String,
}

/// An addendum as printed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PageAddendum {
    pub written_at: String,
    pub written_by: String,
    pub field: &'static str,
    pub old_value: String,
    pub new_value: String,
    pub reason: String,
}

/// One doctor's 意見書 page of the pack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpinionPage {
    pub interview_id: i64,
    pub month: String,
    pub staff_id: String,
    pub name: String,
    pub department: String,
    /// 実施日時 (the minute when recorded, else the day).
    pub held: String,
    pub physician: String,
    /// The four check items, when the pack may carry them (the manager's);
    /// the administrator's 意見書 pages say 「記録あり」 for them.
    pub checks: Vec<PageRow>,
    pub rows: Vec<PageRow>,
    /// その他・特記事項.
    pub remarks: String,
    pub addenda: Vec<PageAddendum>,
}

fn addendum(a: &RecordAddendum, people: &[crate::db::models::User]) -> PageAddendum {
    PageAddendum {
        written_at: a.written_at.format("%Y-%m-%d %H:%M").to_string(),
        // The person, by name (not their login).
        written_by: crate::report::inspection::name_of_login(people, &a.written_by),
        field: addendum_fields(RecordKind::Interview)
            .iter()
            .find(|f| f.code == a.field)
            .map_or("—", |f| f.label.ja),
        old_value: a.old_value.clone().unwrap_or_else(|| "—".into()),
        new_value: a.new_value.clone(),
        reason: a.reason.clone(),
    }
}

/// The 意見書 pages of a pack's documents: an interview's page when the
/// pack carries its health data (`health` of its record), or, when
/// `opinions_without_health` (the administrator's pack where the hospital
/// allows it), the opinion without the check items.
pub fn opinion_pages(
    conn: &mut AnyConnection,
    documents: &Documents,
    opinions_without_health: bool,
) -> QueryResult<Vec<OpinionPage>> {
    let shown: Vec<_> = documents
        .results
        .iter()
        .filter(|r| r.interview.held_on.is_some())
        .filter(|r| r.interview.health.is_some() || opinions_without_health)
        .collect();
    let ids: Vec<i64> = shown.iter().map(|r| r.interview.id).collect();
    let opinions = opinions_of(conn, &ids)?;
    let addenda = addenda_of_many(conn, RecordKind::Interview.code(), &ids)?;
    let held = crate::db::interviews::held_times_of(conn, &ids)?;
    let people = if addenda.is_empty() {
        Vec::new()
    } else {
        crate::db::inspection::all_users(conn)?
    };
    let mut pages = Vec::new();
    for r in shown {
        let i = &r.interview;
        let o = opinions.get(&i.id);
        let health = i.health.as_ref();
        let check = |field: &'static str, label: &'static str, text: Option<&String>| PageRow {
            field,
            label,
            value: match text {
                Some(t) if !t.trim().is_empty() => t.clone(),
                Some(_) => "—".into(),
                None => "記録あり（健康情報のため省略）".into(),
            },
        };
        pages.push(OpinionPage {
            interview_id: i.id,
            month: i.month.clone(),
            staff_id: r.staff_id.clone(),
            name: r.name.clone(),
            department: r.department.clone().unwrap_or_default(),
            held: match (held.get(&i.id).copied().flatten(), i.held_on) {
                (Some(at), _) => at.format("%Y-%m-%d %H:%M").to_string(),
                (None, Some(d)) => d.to_string(),
                (None, None) => "—".into(),
            },
            physician: o
                .map(|o| o.physician_name.clone())
                .or_else(|| i.recorded_by.clone())
                .unwrap_or_else(|| "—".into()),
            checks: vec![
                check("check_work", "勤務の状況", health.map(|h| &h.check_work)),
                check("check_sleep", "睡眠の状況", health.map(|h| &h.check_sleep)),
                check("check_fatigue", "疲労の蓄積の状況", health.map(|h| &h.check_fatigue)),
                check(
                    "check_mental_physical",
                    "心身の状況",
                    health.map(|h| &h.check_mental_physical),
                ),
            ],
            rows: OPINION_ROWS
                .iter()
                .map(|(field, label)| PageRow {
                    field,
                    label,
                    value: o.and_then(|o| opinion_field_words(o, field)).unwrap_or_else(|| {
                        if o.is_some() {
                            "—".into()
                        } else {
                            "（様式の記録なし）".into()
                        }
                    }),
                })
                .collect(),
            remarks: match (health, o) {
                (Some(h), _) => h.opinion.clone(),
                (None, _) => crate::db::interviews::remarks_of(conn, i.id)?.unwrap_or_default(),
            },
            addenda: addenda
                .get(&i.id)
                .map(|l| l.iter().map(|a| addendum(a, &people)).collect())
                .unwrap_or_default(),
        });
    }
    Ok(pages)
}
