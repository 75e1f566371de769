//! The physician's opinion (意見書) on the MHLW form for long-hours doctors
//! (厚労省「面接指導結果及び意見書」様式例; issue 13 §5): 本人への指導区分,
//! 就業区分, the limits on working hours and night duties, the measures other
//! than working hours, their period, the opinion on the workplace and on
//! medical care. Pure rules: what may be written, checked field by field so
//! that a screen can show each message next to its field; the storing is
//! `monitor::records`'s.
//!
//! And the corrections: a saved record is never edited in place; a
//! correction is a dated addendum (追記) naming the field it corrects
//! ([`AddendumField`]).

use super::text::Label;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The longest free text of a record (each field).
pub const MAX_TEXT_CHARS: usize = 2000;
/// The longest 「要再面接」 time (e.g. 「3か月後」).
pub const MAX_WHEN_CHARS: usize = 200;
/// The highest limit on 時間外・休日労働 (hours a month) an opinion may set.
pub const MAX_OVERTIME_LIMIT_HOURS: i32 = 200;
/// The highest limit on night duties (a month).
pub const MAX_NIGHT_DUTIES: i32 = 31;

/// 本人への指導区分.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guidance {
    NoneNeeded,
    HealthGuidance,
    Observation,
    Reinterview,
    Treatment,
}

impl Guidance {
    pub const ALL: [Guidance; 5] = [
        Guidance::NoneNeeded,
        Guidance::HealthGuidance,
        Guidance::Observation,
        Guidance::Reinterview,
        Guidance::Treatment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Guidance::NoneNeeded => "none",
            Guidance::HealthGuidance => "health_guidance",
            Guidance::Observation => "observation",
            Guidance::Reinterview => "reinterview",
            Guidance::Treatment => "treatment",
        }
    }

    pub fn parse(code: &str) -> Option<Guidance> {
        Guidance::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn label(self) -> Label {
        match self {
            Guidance::NoneNeeded => Label::new("措置不要", "no action needed"),
            Guidance::HealthGuidance => Label::new("要保健指導", "health guidance"),
            Guidance::Observation => Label::new("要経過観察", "follow-up observation"),
            Guidance::Reinterview => Label::new("要再面接", "another interview"),
            Guidance::Treatment => Label::new(
                "現病治療継続又は医療機関紹介",
                "continue treatment or refer to a medical institution",
            ),
        }
    }

    pub fn label_of(code: &str) -> Label {
        Guidance::parse(code).map_or(Label::new("—", "—"), Guidance::label)
    }
}

/// 就業区分.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkClass {
    Normal,
    Restricted,
    Leave,
}

impl WorkClass {
    pub const ALL: [WorkClass; 3] = [WorkClass::Normal, WorkClass::Restricted, WorkClass::Leave];

    pub fn code(self) -> &'static str {
        match self {
            WorkClass::Normal => "normal",
            WorkClass::Restricted => "restricted",
            WorkClass::Leave => "leave",
        }
    }

    pub fn parse(code: &str) -> Option<WorkClass> {
        WorkClass::ALL.into_iter().find(|w| w.code() == code)
    }

    pub fn label(self) -> Label {
        match self {
            WorkClass::Normal => Label::new("通常勤務", "normal work"),
            WorkClass::Restricted => Label::new("就業制限・配慮", "restricted work"),
            WorkClass::Leave => Label::new("要休業", "leave needed"),
        }
    }

    pub fn label_of(code: &str) -> Label {
        WorkClass::parse(code).map_or(Label::new("—", "—"), WorkClass::label)
    }
}

/// The opinion as typed (screens and the JSON API). Empty texts are "not
/// given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct OpinionInput {
    /// [`Guidance`] code.
    pub guidance: String,
    /// 要再面接の時期 (required with `reinterview`).
    pub reinterview_when: Option<String>,
    /// [`WorkClass`] code.
    pub work_class: String,
    /// 時間外・休日労働の上限 (hours a month).
    pub overtime_limit_hours: Option<i32>,
    /// 時間外・休日労働の禁止.
    pub overtime_forbidden: bool,
    /// 宿直の回数の上限 (a month).
    pub night_duty_limit: Option<i32>,
    /// 就業場所の変更.
    pub change_workplace: bool,
    /// 作業の転換.
    pub change_work: bool,
    /// 深夜業の回数の減少.
    pub fewer_late_night: bool,
    /// 昼間勤務への転換.
    pub day_shift: bool,
    /// その他の措置.
    pub other_measure: Option<String>,
    /// 措置期間.
    pub period_from: Option<NaiveDate>,
    pub period_until: Option<NaiveDate>,
    /// 職場環境の改善に関する意見.
    pub environment: Option<String>,
    /// 医療機関への受診配慮等.
    pub medical_care: Option<String>,
}

/// A refused field: its name (the form's and the API's) and the message,
/// `"日本語 / English"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, ja: &str, en: &str) -> FieldError {
        FieldError {
            field,
            message: format!("{ja}（{field}） / {en} ({field})"),
        }
    }
}

/// Every message of `errors`, one per line (what a caller without fields
/// shows).
pub fn joined(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("\n")
}

fn trimmed(t: &Option<String>) -> Option<String> {
    t.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(String::from)
}

fn text_ok(errors: &mut Vec<FieldError>, field: &'static str, name: &str, t: &Option<String>, max: usize) {
    if t.as_deref().is_some_and(|t| t.chars().count() > max) {
        errors.push(FieldError::new(
            field,
            &format!("{name}は{max}文字までです"),
            &format!("at most {max} characters"),
        ));
    }
}

/// The opinion after its checks: texts trimmed, empty ones `None`.
pub type Opinion = OpinionInput;

impl OpinionInput {
    /// Whether any limit or measure is given.
    fn any_measure(&self) -> bool {
        self.overtime_limit_hours.is_some()
            || self.overtime_forbidden
            || self.night_duty_limit.is_some()
            || self.change_workplace
            || self.change_work
            || self.fewer_late_night
            || self.day_shift
            || self.other_measure.is_some()
    }

    /// Checks the opinion: every broken rule, each with its field.
    pub fn check(&self) -> Result<Opinion, Vec<FieldError>> {
        let mut o = self.clone();
        o.guidance = o.guidance.trim().to_string();
        o.work_class = o.work_class.trim().to_string();
        o.reinterview_when = trimmed(&o.reinterview_when);
        o.other_measure = trimmed(&o.other_measure);
        o.environment = trimmed(&o.environment);
        o.medical_care = trimmed(&o.medical_care);
        let mut errors = Vec::new();
        let guidance = Guidance::parse(&o.guidance);
        if guidance.is_none() {
            errors.push(FieldError::new(
                "guidance",
                "本人への指導区分を選んでください",
                "choose the guidance to the doctor",
            ));
        }
        if guidance == Some(Guidance::Reinterview) && o.reinterview_when.is_none() {
            errors.push(FieldError::new(
                "reinterview_when",
                "要再面接の時期を入力してください",
                "say when the next interview is due",
            ));
        }
        text_ok(
            &mut errors,
            "reinterview_when",
            "再面接の時期",
            &o.reinterview_when,
            MAX_WHEN_CHARS,
        );
        let class = WorkClass::parse(&o.work_class);
        if class.is_none() {
            errors.push(FieldError::new(
                "work_class",
                "就業区分を選んでください",
                "choose the work class",
            ));
        }
        if let Some(h) = o.overtime_limit_hours {
            if !(0..=MAX_OVERTIME_LIMIT_HOURS).contains(&h) {
                errors.push(FieldError::new(
                    "overtime_limit_hours",
                    &format!("時間外・休日労働の上限は0〜{MAX_OVERTIME_LIMIT_HOURS}時間/月です"),
                    &format!("the overtime limit is 0 to {MAX_OVERTIME_LIMIT_HOURS} hours a month"),
                ));
            } else if o.overtime_forbidden {
                errors.push(FieldError::new(
                    "overtime_limit_hours",
                    "時間外・休日労働の上限と禁止は同時に指定できません",
                    "give either a limit on overtime or forbid it, not both",
                ));
            }
        }
        if let Some(n) = o.night_duty_limit {
            if !(0..=MAX_NIGHT_DUTIES).contains(&n) {
                errors.push(FieldError::new(
                    "night_duty_limit",
                    &format!("宿直の回数の上限は0〜{MAX_NIGHT_DUTIES}回/月です"),
                    &format!("the night-duty limit is 0 to {MAX_NIGHT_DUTIES} a month"),
                ));
            }
        }
        text_ok(
            &mut errors,
            "other_measure",
            "その他の措置",
            &o.other_measure,
            MAX_TEXT_CHARS,
        );
        text_ok(
            &mut errors,
            "environment",
            "職場環境の改善に関する意見",
            &o.environment,
            MAX_TEXT_CHARS,
        );
        text_ok(
            &mut errors,
            "medical_care",
            "医療機関への受診配慮",
            &o.medical_care,
            MAX_TEXT_CHARS,
        );
        match class {
            Some(WorkClass::Normal) if o.any_measure() => errors.push(FieldError::new(
                "work_class",
                "通常勤務では労働時間の制限や措置を指定できません（就業制限・配慮を選んでください）",
                "normal work takes no limits or measures (choose restricted work)",
            )),
            Some(WorkClass::Restricted) if !o.any_measure() => errors.push(FieldError::new(
                "work_class",
                "就業制限・配慮には、労働時間の制限か労働時間以外の措置を一つ以上指定してください",
                "restricted work needs at least one limit or measure",
            )),
            Some(WorkClass::Restricted | WorkClass::Leave) if o.period_from.is_none() => errors.push(FieldError::new(
                "period_from",
                "措置期間の開始日を入力してください",
                "give the first day of the measures",
            )),
            _ => {}
        }
        if let (Some(from), Some(until)) = (o.period_from, o.period_until) {
            if until < from {
                errors.push(FieldError::new(
                    "period_until",
                    "措置期間の終了日は開始日以降にしてください",
                    "the period must end on or after its first day",
                ));
            }
        }
        if o.period_until.is_some() && o.period_from.is_none() {
            errors.push(FieldError::new(
                "period_from",
                "措置期間の開始日を入力してください",
                "give the first day of the measures",
            ));
        }
        for (field, d) in [("period_from", o.period_from), ("period_until", o.period_until)] {
            if let Some(d) = d {
                if !(super::input::EARLIEST..=super::input::LATEST).contains(&d) {
                    errors.push(FieldError::new(field, "日付が範囲外です", "date out of range"));
                }
            }
        }
        if errors.is_empty() {
            Ok(o)
        } else {
            Err(errors)
        }
    }
}

/// The minute an interview was held, as typed (`YYYY-MM-DDTHH:MM`, a
/// `datetime-local`, or with a space): not in the future, not before this
/// service's dates.
pub fn held_at(typed: &str, now: NaiveDateTime) -> Result<NaiveDateTime, FieldError> {
    let t = typed.trim();
    let parsed = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok());
    let Some(at) = parsed else {
        return Err(FieldError::new(
            "held_at",
            "実施日時を YYYY-MM-DD HH:MM の形で入力してください",
            "give the date and time held as YYYY-MM-DD HH:MM",
        ));
    };
    checked_held_at(at, now)
}

/// [`held_at`] for a parsed time: cut to the minute, not in the future.
pub fn checked_held_at(at: NaiveDateTime, now: NaiveDateTime) -> Result<NaiveDateTime, FieldError> {
    use chrono::Timelike;
    let at = at.with_second(0).and_then(|a| a.with_nanosecond(0)).unwrap_or(at);
    if at > now {
        return Err(FieldError::new(
            "held_at",
            "実施日時が未来です",
            "the time held is in the future",
        ));
    }
    if at.date() < super::input::EARLIEST {
        return Err(FieldError::new(
            "held_at",
            "実施日時が範囲外です",
            "the time held is out of range",
        ));
    }
    Ok(at)
}

/// What a record is: an interview (report and opinion) or a measures case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Interview,
    Measure,
}

impl RecordKind {
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Interview => "interview",
            RecordKind::Measure => "measure",
        }
    }
}

/// A field an addendum (追記) may correct, with its label; `note` is a
/// remark on the whole record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddendumField {
    pub code: &'static str,
    pub label: Label,
}

const INTERVIEW_FIELDS: [AddendumField; 12] = [
    AddendumField {
        code: "note",
        label: Label::new("記録全体への追記", "remark on the record"),
    },
    AddendumField {
        code: "check_work",
        label: Label::new("勤務の状況", "work"),
    },
    AddendumField {
        code: "check_sleep",
        label: Label::new("睡眠の状況", "sleep"),
    },
    AddendumField {
        code: "check_fatigue",
        label: Label::new("疲労の蓄積の状況", "fatigue"),
    },
    AddendumField {
        code: "check_mental_physical",
        label: Label::new("心身の状況", "mental and physical state"),
    },
    AddendumField {
        code: "opinion",
        label: Label::new("その他・特記事項", "other remarks"),
    },
    AddendumField {
        code: "guidance",
        label: Label::new("本人への指導区分", "guidance"),
    },
    AddendumField {
        code: "work_class",
        label: Label::new("就業区分", "work class"),
    },
    AddendumField {
        code: "working_time",
        label: Label::new("労働時間の短縮", "limits on working hours"),
    },
    AddendumField {
        code: "other_measures",
        label: Label::new("労働時間以外の措置", "other measures"),
    },
    AddendumField {
        code: "period",
        label: Label::new("措置期間", "period"),
    },
    AddendumField {
        code: "environment_medical",
        label: Label::new("職場環境・受診配慮", "workplace and medical care"),
    },
];

const MEASURE_FIELDS: [AddendumField; 2] = [
    AddendumField {
        code: "note",
        label: Label::new("記録全体への追記", "remark on the record"),
    },
    AddendumField {
        code: "other_text",
        label: Label::new("講じた措置の具体的内容", "what was done"),
    },
];

/// The fields an addendum of a record of `kind` may name.
pub fn addendum_fields(kind: RecordKind) -> &'static [AddendumField] {
    match kind {
        RecordKind::Interview => &INTERVIEW_FIELDS,
        RecordKind::Measure => &MEASURE_FIELDS,
    }
}

/// An addendum as typed: which field, the corrected text, why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AddendumInput {
    pub field: String,
    pub new_value: String,
    pub reason: String,
}

impl AddendumInput {
    /// Checks an addendum of a record of `kind`: a known field, a text and
    /// a reason, each within [`MAX_TEXT_CHARS`].
    pub fn check(&self, kind: RecordKind) -> Result<(AddendumField, String, String), Vec<FieldError>> {
        let mut errors = Vec::new();
        let field = addendum_fields(kind)
            .iter()
            .find(|f| f.code == self.field.trim())
            .copied();
        if field.is_none() {
            errors.push(FieldError::new(
                "field",
                "追記する項目を選んでください",
                "choose the field to correct",
            ));
        }
        let value = self.new_value.trim().to_string();
        let reason = self.reason.trim().to_string();
        if value.is_empty() {
            errors.push(FieldError::new(
                "new_value",
                "追記の内容を入力してください",
                "write the addendum",
            ));
        }
        if reason.is_empty() {
            errors.push(FieldError::new(
                "reason",
                "追記の理由を入力してください",
                "give the reason",
            ));
        }
        let max = MAX_TEXT_CHARS;
        for (f, t) in [("new_value", &value), ("reason", &reason)] {
            if t.chars().count() > max {
                errors.push(FieldError::new(
                    f,
                    &format!("{max}文字までです"),
                    &format!("at most {max} characters"),
                ));
            }
        }
        match field {
            Some(f) if errors.is_empty() => Ok((f, value, reason)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal() -> OpinionInput {
        OpinionInput {
            guidance: "none".into(),
            work_class: "normal".into(),
            ..OpinionInput::default()
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<&'static str> {
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_normal_opinion_passes_and_its_texts_are_trimmed() {
        let o = OpinionInput {
            environment: Some("  ".into()),
            medical_care: Some(" 受診継続 ".into()),
            ..normal()
        }
        .check()
        .unwrap();
        assert_eq!(o.environment, None);
        assert_eq!(o.medical_care.as_deref(), Some("受診継続"));
    }

    #[test]
    fn restricted_work_needs_a_limit_or_a_measure_and_a_period() {
        let o = OpinionInput {
            work_class: "restricted".into(),
            ..normal()
        };
        assert_eq!(fields(o.check().unwrap_err()), vec!["work_class"]);
        let o = OpinionInput {
            night_duty_limit: Some(2),
            ..o
        };
        assert_eq!(fields(o.clone().check().unwrap_err()), vec!["period_from"]);
        let d = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        assert!(OpinionInput {
            period_from: Some(d),
            ..o
        }
        .check()
        .is_ok());
    }

    #[test]
    fn numbers_periods_and_codes_are_checked_with_their_fields() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        let o = OpinionInput {
            guidance: "reinterview".into(),
            work_class: "restricted".into(),
            overtime_limit_hours: Some(201),
            night_duty_limit: Some(-1),
            period_from: Some(d),
            period_until: Some(d.pred_opt().unwrap()),
            ..OpinionInput::default()
        };
        let e = o.check().unwrap_err();
        assert_eq!(
            fields(e.clone()),
            vec![
                "reinterview_when",
                "overtime_limit_hours",
                "night_duty_limit",
                "period_until"
            ]
        );
        assert!(e[1].message.contains("時間外・休日労働の上限"));
        assert!(fields(OpinionInput::default().check().unwrap_err()).contains(&"guidance"));
        let both = OpinionInput {
            work_class: "restricted".into(),
            overtime_limit_hours: Some(45),
            overtime_forbidden: true,
            period_from: Some(d),
            ..normal()
        };
        assert_eq!(fields(both.check().unwrap_err()), vec!["overtime_limit_hours"]);
        let long = OpinionInput {
            environment: Some("あ".repeat(MAX_TEXT_CHARS + 1)),
            ..normal()
        };
        assert_eq!(fields(long.check().unwrap_err()), vec!["environment"]);
    }

    #[test]
    fn held_at_is_to_the_minute_and_never_in_the_future() {
        let now = NaiveDate::from_ymd_opt(2024, 6, 10)
            .unwrap()
            .and_hms_opt(14, 30, 20)
            .unwrap();
        let at = held_at("2024-06-10T14:30", now).unwrap();
        assert_eq!(
            at,
            NaiveDate::from_ymd_opt(2024, 6, 10)
                .unwrap()
                .and_hms_opt(14, 30, 0)
                .unwrap()
        );
        assert_eq!(held_at("2024-06-10 14:31", now).unwrap_err().field, "held_at");
        assert_eq!(held_at("2024-06-10", now).unwrap_err().field, "held_at");
    }

    #[test]
    fn an_addendum_needs_a_known_field_a_text_and_a_reason() {
        let a = AddendumInput {
            field: "opinion".into(),
            new_value: "訂正".into(),
            reason: "誤記".into(),
        };
        assert!(a.check(RecordKind::Interview).is_ok());
        assert_eq!(fields(a.check(RecordKind::Measure).unwrap_err()), vec!["field"]);
        let empty = AddendumInput {
            field: "note".into(),
            ..AddendumInput::default()
        };
        assert_eq!(
            fields(empty.check(RecordKind::Measure).unwrap_err()),
            vec!["new_value", "reason"]
        );
    }
}
