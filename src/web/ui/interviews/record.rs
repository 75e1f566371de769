//! The physician's record of an interview on the MHLW form (issue 13 §5):
//! the form's values, its checks field by field, the confirmation step
//! (「確認」 shows what will be saved, 「確定」 saves), the saved 意見書 as
//! shown, and the dated addenda (追記) of interview and measures records.

use super::Lang;
use crate::db::models::{InterviewOpinion, RecordAddendum};
use crate::domain::opinion::{
    addendum_fields, AddendumInput, FieldError, Guidance, OpinionInput, RecordKind, WorkClass,
};
use crate::domain::text::Message;
use crate::monitor::opinions::opinion_field_words;
use crate::monitor::records::InterviewInput;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

/// The interview record form's values, as typed (checkboxes are absent
/// when not ticked).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RecordForm {
    pub(super) csrf: String,
    /// `confirm` (「確認」, the default), `save` (「確定」) or `edit`.
    pub(super) step: String,
    pub(super) held_at: String,
    /// A date-only record (the API's old form); the screen sends `held_at`.
    pub(super) held_on: String,
    pub(super) check_work: String,
    pub(super) check_sleep: String,
    pub(super) check_fatigue: String,
    pub(super) check_mental_physical: String,
    pub(super) opinion: String,
    pub(super) guidance: String,
    pub(super) reinterview_when: String,
    pub(super) work_class: String,
    pub(super) overtime_limit_hours: String,
    pub(super) overtime_forbidden: Option<String>,
    pub(super) night_duty_limit: String,
    pub(super) change_workplace: Option<String>,
    pub(super) change_work: Option<String>,
    pub(super) fewer_late_night: Option<String>,
    pub(super) day_shift: Option<String>,
    pub(super) other_measure: String,
    pub(super) period_from: String,
    pub(super) period_until: String,
    pub(super) environment: String,
    pub(super) medical_care: String,
}

fn text(t: &str) -> Option<String> {
    Some(t.trim().to_string()).filter(|t| !t.is_empty())
}

fn number(errors: &mut Vec<FieldError>, field: &'static str, t: &str) -> Option<i32> {
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i32>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(field, "数字で入力してください", "give a whole number"));
            None
        }
    }
}

fn date(errors: &mut Vec<FieldError>, field: &'static str, t: &str) -> Option<NaiveDate> {
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "日付を YYYY-MM-DD の形で入力してください",
                "give a date as YYYY-MM-DD",
            ));
            None
        }
    }
}

impl RecordForm {
    /// The form as the record's input, or every broken rule with its field.
    pub(super) fn input(&self, now: NaiveDateTime) -> Result<InterviewInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let form = OpinionInput {
            guidance: self.guidance.clone(),
            reinterview_when: text(&self.reinterview_when),
            work_class: self.work_class.clone(),
            overtime_limit_hours: number(&mut errors, "overtime_limit_hours", &self.overtime_limit_hours),
            overtime_forbidden: self.overtime_forbidden.is_some(),
            night_duty_limit: number(&mut errors, "night_duty_limit", &self.night_duty_limit),
            change_workplace: self.change_workplace.is_some(),
            change_work: self.change_work.is_some(),
            fewer_late_night: self.fewer_late_night.is_some(),
            day_shift: self.day_shift.is_some(),
            other_measure: text(&self.other_measure),
            period_from: date(&mut errors, "period_from", &self.period_from),
            period_until: date(&mut errors, "period_until", &self.period_until),
            environment: text(&self.environment),
            medical_care: text(&self.medical_care),
        };
        let held_on = date(&mut errors, "held_on", &self.held_on);
        let input = InterviewInput {
            held_on,
            held_at: text(&self.held_at),
            check_work: self.check_work.trim().to_string(),
            check_sleep: self.check_sleep.trim().to_string(),
            check_fatigue: self.check_fatigue.trim().to_string(),
            check_mental_physical: self.check_mental_physical.trim().to_string(),
            opinion: self.opinion.trim().to_string(),
            opinion_form: Some(form),
        };
        if self.held_at.trim().is_empty() && held_on.is_none() && !errors.iter().any(|e| e.field == "held_on") {
            errors.push(FieldError::new(
                "held_at",
                "実施日時を入力してください",
                "give the date and time held",
            ));
        }
        if let Err(e) = input.check(now) {
            for e in e {
                if !errors.iter().any(|x| x.field == e.field) {
                    errors.push(e);
                }
            }
        }
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }

    /// Every value as a hidden input of the confirmation step.
    pub(super) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("held_at", self.held_at.clone()),
            ("held_on", self.held_on.clone()),
            ("check_work", self.check_work.clone()),
            ("check_sleep", self.check_sleep.clone()),
            ("check_fatigue", self.check_fatigue.clone()),
            ("check_mental_physical", self.check_mental_physical.clone()),
            ("opinion", self.opinion.clone()),
            ("guidance", self.guidance.clone()),
            ("reinterview_when", self.reinterview_when.clone()),
            ("work_class", self.work_class.clone()),
            ("overtime_limit_hours", self.overtime_limit_hours.clone()),
            ("night_duty_limit", self.night_duty_limit.clone()),
            ("other_measure", self.other_measure.clone()),
            ("period_from", self.period_from.clone()),
            ("period_until", self.period_until.clone()),
            ("environment", self.environment.clone()),
            ("medical_care", self.medical_care.clone()),
        ];
        for (name, on) in [
            ("overtime_forbidden", &self.overtime_forbidden),
            ("change_workplace", &self.change_workplace),
            ("change_work", &self.change_work),
            ("fewer_late_night", &self.fewer_late_night),
            ("day_shift", &self.day_shift),
        ] {
            if on.is_some() {
                v.push((name, "1".into()));
            }
        }
        v
    }

    pub(super) fn ticked(&self, name: &str) -> bool {
        match name {
            "overtime_forbidden" => self.overtime_forbidden.is_some(),
            "change_workplace" => self.change_workplace.is_some(),
            "change_work" => self.change_work.is_some(),
            "fewer_late_night" => self.fewer_late_night.is_some(),
            "day_shift" => self.day_shift.is_some(),
            _ => false,
        }
    }

    pub(super) fn confirming(&self) -> bool {
        !matches!(self.step.as_str(), "save" | "edit")
    }
}

/// The messages of refused fields, each in the page's language.
#[derive(Debug, Clone, Default)]
pub(super) struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub(super) fn of(lang: Lang, errors: &[FieldError]) -> FieldErrors {
        FieldErrors(
            errors
                .iter()
                .map(|e| (e.field, lang.pick(&Message::from_pair(&e.message)).to_string()))
                .collect(),
        )
    }

    /// The message of a field, if it was refused.
    pub(super) fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    pub(super) fn all(&self) -> String {
        self.0.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" / ")
    }
}

/// An option of a select: code, label, selected.
pub(super) struct Opt {
    pub(super) value: &'static str,
    pub(super) label: &'static str,
    pub(super) selected: bool,
}

pub(super) fn guidance_options(lang: Lang, selected: &str) -> Vec<Opt> {
    Guidance::ALL
        .iter()
        .map(|g| Opt {
            value: g.code(),
            label: lang.label(g.label()),
            selected: g.code() == selected,
        })
        .collect()
}

pub(super) fn work_class_options(lang: Lang, selected: &str) -> Vec<Opt> {
    WorkClass::ALL
        .iter()
        .map(|w| Opt {
            value: w.code(),
            label: lang.label(w.label()),
            selected: w.code() == selected,
        })
        .collect()
}

/// The fields an addendum of `kind` may name, as options.
pub(super) fn addendum_options(lang: Lang, kind: RecordKind, selected: &str) -> Vec<Opt> {
    addendum_fields(kind)
        .iter()
        .map(|f| Opt {
            value: f.code,
            label: lang.label(f.label),
            selected: f.code == selected,
        })
        .collect()
}

/// One row of the 意見書 (or of the confirmation): a label and its words.
pub(super) struct Row {
    pub(super) field: &'static str,
    pub(super) label: &'static str,
    pub(super) value: String,
}

const OPINION_ROWS: [(&str, &str, &str); 6] = [
    ("guidance", "本人への指導区分", "Guidance"),
    ("work_class", "就業区分", "Work class"),
    ("working_time", "労働時間の短縮", "Limits on working hours"),
    ("other_measures", "労働時間以外の措置", "Other measures"),
    ("period", "措置期間", "Period"),
    (
        "environment_medical",
        "職場環境の改善・医療機関への受診配慮",
        "Workplace and medical care",
    ),
];

/// The saved opinion as rows.
pub(super) fn opinion_rows(lang: Lang, o: &InterviewOpinion) -> Vec<Row> {
    OPINION_ROWS
        .iter()
        .map(|(field, ja, en)| Row {
            field,
            label: match lang {
                Lang::Ja => ja,
                Lang::En => en,
            },
            value: opinion_field_words(o, field).unwrap_or_else(|| "—".into()),
        })
        .collect()
}

/// The opinion typed into the form, as the confirmation shows it (the
/// same words as the saved one).
pub(super) fn confirm_rows(lang: Lang, input: &InterviewInput) -> Vec<Row> {
    let Some(o) = &input.opinion_form else {
        return Vec::new();
    };
    let as_saved = InterviewOpinion {
        id: 0,
        interview_id: 0,
        guidance: o.guidance.trim().into(),
        reinterview_when: o.reinterview_when.clone(),
        work_class: o.work_class.trim().into(),
        overtime_limit_hours: o.overtime_limit_hours,
        overtime_forbidden: i32::from(o.overtime_forbidden),
        night_duty_limit: o.night_duty_limit,
        change_workplace: i32::from(o.change_workplace),
        change_work: i32::from(o.change_work),
        fewer_late_night: i32::from(o.fewer_late_night),
        day_shift: i32::from(o.day_shift),
        other_measure: o.other_measure.clone(),
        period_from: o.period_from,
        period_until: o.period_until,
        environment: o.environment.clone(),
        medical_care: o.medical_care.clone(),
        physician_login: String::new(),
        physician_name: String::new(),
        recorded_at: NaiveDateTime::default(),
        retention_until: NaiveDate::default(),
    };
    opinion_rows(lang, &as_saved)
}

/// An addendum as shown.
pub(super) struct AddendumView {
    pub(super) a: RecordAddendum,
    pub(super) field: &'static str,
}

pub(super) fn addendum_views(
    lang: Lang,
    kind: RecordKind,
    list: Vec<RecordAddendum>,
    names: &crate::web::ui::names::Names,
) -> Vec<AddendumView> {
    list.into_iter()
        .map(|mut a| {
            names.put(&mut a.written_by);
            a
        })
        .map(|a| AddendumView {
            field: addendum_fields(kind)
                .iter()
                .find(|f| f.code == a.field)
                .map_or("—", |f| lang.label(f.label)),
            a,
        })
        .collect()
}

/// The addendum form's values.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct AddendumForm {
    pub(super) csrf: String,
    pub(super) field: String,
    pub(super) new_value: String,
    pub(super) reason: String,
    /// `1` when sent from the confirmation page.
    pub(super) go: Option<String>,
}

impl AddendumForm {
    /// Whether the addendum was confirmed (else its checks passed and the
    /// confirmation page is shown).
    pub(super) fn confirmed(&self) -> bool {
        crate::web::ui::confirm::confirmed(self.go.as_deref())
    }

    /// What recording this addendum to `whose` record will do, asked before
    /// it is written: an addendum is permanent.
    pub(super) fn confirmation(
        &self,
        ctx: &crate::web::ui::PageCtx,
        kind: RecordKind,
        whose: String,
        action: String,
        back: String,
    ) -> crate::web::ui::confirm::Confirmation {
        let t = |ja: &str, en: &str| ctx.tr(ja, en).to_string();
        let field = addendum_fields(kind)
            .iter()
            .find(|f| f.code == self.field)
            .map_or_else(|| self.field.clone(), |f| ctx.lang.label(f.label).to_string());
        let record = match kind {
            RecordKind::Interview => t("面接指導の記録", "Interview record"),
            RecordKind::Measure => t("就業上の措置の記録", "Measures record"),
        };
        crate::web::ui::confirm::Confirmation {
            title: t("追記の確認", "Record this addendum?"),
            summary: t(
                "次の追記を記録します。元の記録は書き換えられず、追記が日時と記録者とともに残ります。",
                "This addendum will be recorded; the original stays as written, the addendum is kept with its time and author.",
            ),
            rows: vec![
                (t("記録", "Record"), format!("{record}（{whose}）")),
                (t("訂正する項目", "Field"), field),
                (t("新しい内容", "New text"), self.new_value.clone()),
                (t("理由", "Reason"), self.reason.clone()),
            ],
            then: t(
                "記録した追記は削除も変更もできません（さらに追記することはできます）。記録と同じ期間（5年間）保存され、立入検査の印刷資料にも載ります。",
                "A recorded addendum cannot be deleted or changed (another may be added). It is kept as long as the record (5 years) and printed in the inspection pack.",
            ),
            action,
            hidden: vec![
                ("field".into(), self.field.clone()),
                ("new_value".into(), self.new_value.clone()),
                ("reason".into(), self.reason.clone()),
            ],
            button: t("追記を記録する", "Record the addendum"),
            back,
        }
    }

    pub(super) fn input(&self) -> AddendumInput {
        AddendumInput {
            field: self.field.clone(),
            new_value: self.new_value.clone(),
            reason: self.reason.clone(),
        }
    }
}
