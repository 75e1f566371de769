//! The doctors list (formats.md, "Doctors (`kinmu import doctors FILE`)"
//! and C.1 of rule book v2: the schedule, the statutory-holiday form, the
//! 変形 regime, employment type, main employer and contract date), and R.1
//! (a C-1 doctor's clinical-trainee flag).

use super::fields::{self, text};
use super::header::{Field, MAX_ACCOUNT_CHARS, MAX_CODE_CHARS, MAX_NAME_CHARS, STAFF_ID};
use super::table::{read_table, Cells};
use super::{FileError, Parsed};
use crate::domain::profile::{EmploymentType, LegalHoliday, ProfileError, Regime, VariablePeriod, WeekdaySet};
use crate::domain::Level;
use chrono::{NaiveDate, NaiveTime};
use std::collections::hash_map::{Entry, HashMap};

/// One doctor as listed in the file, defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorRecord {
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    /// A when the cell is empty.
    pub level: Level,
    pub email: Option<String>,
    /// A fixed weekday (Sunday when the cell is empty), `unspecified`, or
    /// `4w4` from `holiday_period_start` (rules §4.1).
    pub legal_holiday: LegalHoliday,
    /// `holiday_period_start` as written (also when not `4w4`).
    pub holiday_period_start: Option<NaiveDate>,
    /// The account name used in PC logs, when it is not the staff_id.
    pub pc_account: Option<String>,
    /// `None` means the configured default (rules §5).
    pub scheduled_start: Option<NaiveTime>,
    pub manager_login: Option<String>,
    /// `None` means the configured default (rules §2.1).
    pub scheduled_end: Option<NaiveTime>,
    /// `None` means the configured default (rules §2.1).
    pub scheduled_days: Option<WeekdaySet>,
    /// `standard`, or `monthly_variable` with its periods (rules §5a.1).
    pub regime: Regime,
    /// `variable_period_start` as written (also when `standard`).
    pub variable_period_start: Option<NaiveDate>,
    /// `variable_period` as written (`month` when empty).
    pub variable_period: VariablePeriod,
    pub employment_type: EmploymentType,
    /// 主たる勤務先; `None` = this hospital (required for `visiting`).
    pub main_employer: Option<String>,
    pub contract_date: Option<NaiveDate>,
    /// A clinical trainee (formats.md R.1, rules §11.1): read only with
    /// level C-1, false for every other level (also read when the file
    /// has no level column: the stored level decides, see [`Columns`]).
    pub clinical_trainee: bool,
    /// The columns the file has.
    pub columns: Columns,
}

/// The columns of a doctors file (its header). A doctor already stored
/// keeps what the file has no column for (formats.md: re-importing a
/// doctor updates the columns the file carries; a blank cell clears).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Columns(u32);

impl Columns {
    fn of(c: &Cells<'_>) -> Columns {
        Columns(
            FIELDS
                .iter()
                .enumerate()
                .filter(|(_, f)| c.has(f))
                .fold(0, |bits, (i, _)| bits | 1 << i),
        )
    }

    /// Whether the file has any of the columns `names` (formats.md names).
    pub fn any(&self, names: &[&str]) -> bool {
        FIELDS
            .iter()
            .enumerate()
            .any(|(i, f)| self.0 & 1 << i != 0 && names.contains(&f.name))
    }
}

const NAME: Field = Field {
    name: "name",
    aliases: &["氏名", "名前"],
    required: true,
    max_chars: MAX_NAME_CHARS,
};
const DEPARTMENT: Field = Field {
    name: "department",
    aliases: &["診療科", "所属"],
    required: false,
    max_chars: MAX_NAME_CHARS,
};
const LEVEL: Field = Field {
    name: "level",
    aliases: &["水準"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const EMAIL: Field = Field {
    name: "email",
    aliases: &["メールアドレス", "メール"],
    required: false,
    max_chars: 254,
};
const LEGAL_HOLIDAY: Field = Field {
    name: "legal_holiday",
    aliases: &["法定休日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const PC_ACCOUNT: Field = Field {
    name: "pc_account",
    aliases: &["PCアカウント"],
    required: false,
    max_chars: MAX_ACCOUNT_CHARS,
};
const SCHEDULED_START: Field = Field {
    name: "scheduled_start",
    aliases: &["所定始業", "始業時刻"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const MANAGER_LOGIN: Field = Field {
    name: "manager_login",
    aliases: &["所属長", "管理責任者"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};

const HOLIDAY_PERIOD_START: Field = Field {
    name: "holiday_period_start",
    aliases: &["4週起算日", "変形休日起算日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const SCHEDULED_END: Field = Field {
    name: "scheduled_end",
    aliases: &["所定終業", "終業時刻"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const SCHEDULED_DAYS: Field = Field {
    name: "scheduled_days",
    aliases: &["所定労働日", "勤務曜日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const REGIME: Field = Field {
    name: "regime",
    aliases: &["労働時間制", "変形労働"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const VARIABLE_PERIOD_START: Field = Field {
    name: "variable_period_start",
    aliases: &["変形期間起算日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const VARIABLE_PERIOD: Field = Field {
    name: "variable_period",
    aliases: &["変形期間"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const EMPLOYMENT_TYPE: Field = Field {
    name: "employment_type",
    aliases: &["雇用形態", "勤務形態", "常勤区分"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const MAIN_EMPLOYER: Field = Field {
    name: "main_employer",
    aliases: &["主たる勤務先", "本務先"],
    required: false,
    max_chars: MAX_NAME_CHARS,
};
const CONTRACT_DATE: Field = Field {
    name: "contract_date",
    aliases: &["契約締結日", "雇入日", "入職日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};

const CLINICAL_TRAINEE: Field = Field {
    name: "clinical_trainee",
    aliases: &["臨床研修医", "研修医"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};

pub(crate) const FIELDS: [Field; 19] = [
    STAFF_ID,
    NAME,
    DEPARTMENT,
    LEVEL,
    EMAIL,
    LEGAL_HOLIDAY,
    PC_ACCOUNT,
    SCHEDULED_START,
    MANAGER_LOGIN,
    HOLIDAY_PERIOD_START,
    SCHEDULED_END,
    SCHEDULED_DAYS,
    REGIME,
    VARIABLE_PERIOD_START,
    VARIABLE_PERIOD,
    EMPLOYMENT_TYPE,
    MAIN_EMPLOYER,
    CONTRACT_DATE,
    CLINICAL_TRAINEE,
];

/// The cell as written (normalised), for a value read with others.
fn as_written(s: &str) -> Result<String, String> {
    Ok(s.to_string())
}

/// Refuses the row for a reason of rule book v2, under the first of
/// `fields` the file has (the cell to correct), else the last.
fn refuse(c: &mut Cells<'_>, fields: &[&Field], e: ProfileError) {
    let field = fields.iter().find(|f| c.has(f)).or(fields.last()).copied();
    c.reject(field, e.to_string());
}

/// The v2 columns of one row: the statutory-holiday form, the regime and
/// the employment, each with the dates or names it requires.
struct Profile {
    legal_holiday: LegalHoliday,
    holiday_period_start: Option<NaiveDate>,
    scheduled_end: Option<NaiveTime>,
    scheduled_days: Option<WeekdaySet>,
    regime: Regime,
    variable_period_start: Option<NaiveDate>,
    variable_period: VariablePeriod,
    employment_type: EmploymentType,
    main_employer: Option<String>,
    contract_date: Option<NaiveDate>,
}

fn profile(c: &mut Cells<'_>) -> Option<Profile> {
    let holiday = c.value(&LEGAL_HOLIDAY, as_written);
    let holiday_period_start = c.optional(&HOLIDAY_PERIOD_START, fields::date);
    let scheduled_end = c.optional(&SCHEDULED_END, fields::time_of_day);
    let scheduled_days = c.optional(&SCHEDULED_DAYS, fields::weekdays);
    let regime = c.value(&REGIME, as_written);
    let variable_period_start = c.optional(&VARIABLE_PERIOD_START, fields::date);
    let variable_period = c.value(&VARIABLE_PERIOD, |s| {
        VariablePeriod::parse(s).map_err(|e| e.to_string())
    });
    let employment_type = c.value(&EMPLOYMENT_TYPE, |s| {
        EmploymentType::parse(s).map_err(|e| e.to_string())
    });
    let main_employer = c.optional(&MAIN_EMPLOYER, text);
    let contract_date = c.optional(&CONTRACT_DATE, fields::past_date);
    // A date that could not be read is that cell's error alone: the form
    // that needs it is not refused a second time for missing it.
    let (holiday, regime) = (holiday?, regime?);
    let legal_holiday = match LegalHoliday::parse(&holiday, holiday_period_start) {
        Ok(h) => Some(h),
        Err(e @ ProfileError::MissingHolidayPeriodStart) => {
            refuse(c, &[&HOLIDAY_PERIOD_START, &LEGAL_HOLIDAY], e);
            None
        }
        Err(e) => {
            refuse(c, &[&LEGAL_HOLIDAY], e);
            None
        }
    };
    let regime = match Regime::parse(&regime, variable_period_start, variable_period.map_or("", |p| p.code())) {
        Ok(r) => Some(r),
        Err(e @ (ProfileError::MissingVariablePeriodStart | ProfileError::VariableStartAfter28th(_))) => {
            refuse(c, &[&VARIABLE_PERIOD_START, &REGIME], e);
            None
        }
        Err(e) => {
            refuse(c, &[&REGIME], e);
            None
        }
    };
    let employment_type = employment_type?;
    if employment_type == EmploymentType::Visiting && main_employer.is_none() {
        refuse(
            c,
            &[&MAIN_EMPLOYER, &EMPLOYMENT_TYPE],
            ProfileError::VisitingWithoutMainEmployer,
        );
        return None;
    }
    Some(Profile {
        legal_holiday: legal_holiday?,
        holiday_period_start,
        scheduled_end,
        scheduled_days,
        regime: regime?,
        variable_period_start,
        variable_period: variable_period?,
        employment_type,
        main_employer,
        contract_date,
    })
}

/// Reads a doctors list. A staff_id seen earlier in the same file rejects
/// the later line: which of the two is meant cannot be guessed.
pub fn parse_doctors(bytes: &[u8]) -> Result<Parsed<DoctorRecord>, FileError> {
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    read_table(bytes, &FIELDS, |c| {
        let staff_id = c.required(&STAFF_ID, text);
        let name = c.required(&NAME, text);
        let department = c.optional(&DEPARTMENT, text);
        let level = c.value(&LEVEL, fields::level);
        let email = c.optional(&EMAIL, fields::email);
        let pc_account = c.optional(&PC_ACCOUNT, text);
        let scheduled_start = c.optional(&SCHEDULED_START, fields::time_of_day);
        let manager_login = c.optional(&MANAGER_LOGIN, text);
        // Read only with level C-1 (formats.md R.1): the cell of a doctor of
        // another level is not read, and false is stored. Without a level
        // column the stored level decides (the import clears it for others).
        let clinical_trainee = if level == Some(Level::C1) || !c.has(&LEVEL) {
            c.value(&CLINICAL_TRAINEE, fields::yes_no)
        } else {
            Some(false)
        };
        let profile = profile(c);
        if let Some(id) = &staff_id {
            match first_seen.entry(id.clone()) {
                Entry::Occupied(first) => {
                    let first = first.get();
                    c.reject(
                        Some(&STAFF_ID),
                        format!("職員番号が重複しています（{first}行目と同じ）: {id:?} / duplicate staff_id (same as line {first})"),
                    );
                }
                Entry::Vacant(slot) => {
                    slot.insert(c.line());
                }
            }
        }
        let p = profile?;
        let level = level?;
        Some(DoctorRecord {
            staff_id: staff_id?,
            name: name?,
            department,
            level,
            email,
            legal_holiday: p.legal_holiday,
            holiday_period_start: p.holiday_period_start,
            pc_account,
            scheduled_start,
            manager_login,
            scheduled_end: p.scheduled_end,
            scheduled_days: p.scheduled_days,
            regime: p.regime,
            variable_period_start: p.variable_period_start,
            variable_period: p.variable_period,
            employment_type: p.employment_type,
            main_employer: p.main_employer,
            contract_date: p.contract_date,
            clinical_trainee: clinical_trainee?,
            columns: Columns::of(c),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::RowError;
    use chrono::Weekday;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_v2_columns_are_read_under_every_japanese_alias() {
        let csv = "職員番号,氏名,法定休日,4週起算日,所定終業,所定労働日,労働時間制,変形期間起算日,変形期間,雇用形態,主たる勤務先,契約締結日\n\
                   D001,山田,4週4休,2024/6/2,17:30,月火水木,1か月変形,2024-04-16,1か月,外勤受入,Ａ大学病院,1998/4/1\n";
        let parsed = parse_doctors(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rejected, vec![]);
        let r = &parsed.rows[0].value;
        assert_eq!(r.legal_holiday, LegalHoliday::FourWeeks(d("2024-06-02")));
        assert_eq!(r.scheduled_end, NaiveTime::from_hms_opt(17, 30, 0));
        assert_eq!(r.scheduled_days, WeekdaySet::parse("mon,tue,wed,thu"));
        assert_eq!(
            r.regime,
            Regime::MonthlyVariable {
                start: d("2024-04-16"),
                period: VariablePeriod::Month
            }
        );
        assert_eq!(r.employment_type, EmploymentType::Visiting);
        assert_eq!(r.main_employer.as_deref(), Some("A大学病院"), "NFKC");
        assert_eq!(r.contract_date, Some(d("1998-04-01")));
        let other = "職員ID,氏名,変形休日起算日,終業時刻,勤務曜日,変形労働,変形期間,勤務形態,本務先,雇入日\n\
                     D002,鈴木,,17:00,\"mon,wed\",通常,4週,非常勤,,2020-10-01\n\
                     D003,佐藤,,,,,,常勤区分の値,,\n";
        let parsed = parse_doctors(other.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        let r = &parsed.rows[0].value;
        assert_eq!(
            (r.regime, r.variable_period),
            (Regime::Standard, VariablePeriod::FourWeeks)
        );
        assert_eq!(r.employment_type, EmploymentType::PartTime);
        assert_eq!(parsed.rejected[0].line, 3);
        assert_eq!(parsed.rejected[0].column.as_deref(), Some("勤務形態"));
        for (header, alias) in [
            ("regime", "月変形"),
            ("employment_type", "派遣受入"),
            ("legal_holiday", "指定なし"),
        ] {
            let csv =
                format!("staff_id,name,{header},main_employer,variable_period_start\nD1,x,{alias},B病院,2024-04-01\n");
            assert_eq!(parse_doctors(csv.as_bytes()).unwrap().rejected, vec![], "{alias}");
        }
    }

    /// Each refusal of formats.md C.1, with its line and the column to correct.
    #[test]
    fn a_form_without_what_it_needs_or_an_unknown_value_refuses_the_row() {
        let csv = "staff_id,name,legal_holiday,holiday_period_start,regime,variable_period_start,variable_period,employment_type,main_employer,scheduled_days\n\
                   D01,a,4w4,,,,,,,\n\
                   D02,b,,,monthly_variable,,,,,\n\
                   D03,c,,,monthly_variable,2024-06-29,month,,,\n\
                   D04,d,,,,,,visiting,,\n\
                   D05,e,someday,,,,,,,\n\
                   D06,f,,,flex,,,,,\n\
                   D07,g,,,,,2months,,,\n\
                   D08,h,,,,,,contract,,\n\
                   D09,i,,,,,,,,月から金\n\
                   D10,j,,,monthly_variable,2024-06-29,4weeks,visiting,B病院,月火\n";
        let parsed = parse_doctors(csv.as_bytes()).unwrap();
        assert_eq!(
            parsed
                .rows
                .iter()
                .map(|r| r.value.staff_id.as_str())
                .collect::<Vec<_>>(),
            ["D10"]
        );
        let got: Vec<(usize, Option<&str>, &str)> = parsed
            .rejected
            .iter()
            .map(|e| (e.line, e.column.as_deref(), e.reason.rsplit(" / ").next().unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, Some("holiday_period_start"), "4w4 needs holiday_period_start"),
                (
                    3,
                    Some("variable_period_start"),
                    "monthly_variable needs variable_period_start"
                ),
                (
                    4,
                    Some("variable_period_start"),
                    "a month period must start on day 1–28"
                ),
                (5, Some("main_employer"), "visiting needs main_employer"),
                (6, Some("legal_holiday"), "unknown legal_holiday"),
                (7, Some("regime"), "unknown regime"),
                (8, Some("variable_period"), "unknown variable_period"),
                (9, Some("employment_type"), "unknown employment_type"),
                (10, Some("scheduled_days"), "unreadable weekdays (mon,tue… or 月火…)"),
            ]
        );
        assert!(parsed.rejected[0].reason.starts_with("4週4休には"), "Japanese first");
        // Without the column the requirement names, the form's own column.
        let parsed = parse_doctors("staff_id,name,法定休日\nD01,a,4週4日\n".as_bytes()).unwrap();
        assert_eq!(parsed.rejected[0].column.as_deref(), Some("法定休日"));
    }

    #[test]
    fn a_doctor_with_every_column_in_japanese_is_read() {
        let csv = "職員番号,氏名,診療科,水準,メールアドレス,法定休日,PCアカウント,所定始業,所属長\n\
                   Ｄ００１,山田　太郎,内科,連携B,yamada@example.jp,土,yamada-t,９：００,suzuki\n";
        let parsed = parse_doctors(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rejected, vec![]);
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rows[0].line, 2);
        assert_eq!(
            parsed.rows[0].value,
            DoctorRecord {
                staff_id: "D001".into(),
                name: "山田 太郎".into(),
                department: Some("内科".into()),
                level: Level::RenkeiB,
                email: Some("yamada@example.jp".into()),
                legal_holiday: LegalHoliday::Fixed(Weekday::Sat),
                holiday_period_start: None,
                pc_account: Some("yamada-t".into()),
                scheduled_start: NaiveTime::from_hms_opt(9, 0, 0),
                manager_login: Some("suzuki".into()),
                scheduled_end: None,
                scheduled_days: None,
                regime: Regime::Standard,
                variable_period_start: None,
                variable_period: VariablePeriod::Month,
                employment_type: EmploymentType::FullTime,
                main_employer: None,
                contract_date: None,
                clinical_trainee: false,
                columns: parsed.rows[0].value.columns,
            }
        );
        let columns = parsed.rows[0].value.columns;
        assert!(columns.any(&["manager_login"]) && columns.any(&["pc_account", "regime"]));
        assert!(!columns.any(&["regime", "employment_type", "clinical_trainee"]));
    }

    #[test]
    fn clinical_trainee_is_read_only_with_level_c1() {
        let csv = "staff_id,name,level,臨床研修医\n\
                   D1,a,C-1,はい\n\
                   D2,b,C-1,○\n\
                   D3,c,C-1,\n\
                   D4,d,C-1,いいえ\n\
                   D5,e,B,はい\n\
                   D6,f,A,whatever\n\
                   D7,g,C-1,たぶん\n";
        let parsed = parse_doctors(csv.as_bytes()).unwrap();
        let read: Vec<_> = parsed
            .rows
            .iter()
            .map(|r| (r.value.staff_id.as_str(), r.value.clinical_trainee))
            .collect();
        assert_eq!(
            read,
            vec![
                ("D1", true),
                ("D2", true),
                ("D3", false),
                ("D4", false),
                ("D5", false),
                ("D6", false)
            ]
        );
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(
            (parsed.rejected[0].line, parsed.rejected[0].column.as_deref()),
            (8, Some("臨床研修医"))
        );
        for header in ["clinical_trainee", "研修医"] {
            let csv = format!("staff_id,name,level,{header}\nD1,a,C-1,1\n");
            assert!(
                parse_doctors(csv.as_bytes()).unwrap().rows[0].value.clinical_trainee,
                "{header}"
            );
        }
    }

    #[test]
    fn empty_optional_cells_take_their_defaults() {
        let csv = "staff_id,name,level,legal_holiday,email\nD001,山田,,,\n";
        let parsed = parse_doctors(csv.as_bytes()).unwrap();
        let d = &parsed.rows[0].value;
        assert_eq!(
            (d.level, d.legal_holiday),
            (Level::A, LegalHoliday::Fixed(Weekday::Sun))
        );
        assert_eq!((&d.department, &d.email, d.scheduled_start), (&None, &None, None));
    }

    #[test]
    fn a_repeated_staff_id_rejects_the_later_line() {
        let csv = "staff_id,name\nD001,山田\nD002,鈴木\nD001,佐藤\n";
        let parsed = parse_doctors(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(
            parsed.rejected,
            vec![RowError {
                line: 4,
                column: Some("staff_id".into()),
                reason: r#"職員番号が重複しています（2行目と同じ）: "D001" / duplicate staff_id (same as line 2)"#
                    .into(),
            }]
        );
    }

    #[test]
    fn every_bad_cell_of_a_doctor_is_listed_under_its_column() {
        let csv = "職員番号,氏名,水準,メール,所定始業\n,山田,D,yamada,25:00\n";
        let parsed = parse_doctors(csv.as_bytes()).unwrap();
        assert!(parsed.rows.is_empty());
        let columns: Vec<_> = parsed.rejected.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(
            columns,
            vec![
                (2, Some("職員番号")),
                (2, Some("水準")),
                (2, Some("メール")),
                (2, Some("所定始業"))
            ]
        );
        assert_eq!(parsed.rejected[0].reason, "職員番号が空です / staff_id is empty");
    }

    #[test]
    fn a_cell_over_its_field_s_limit_refuses_the_row_naming_the_field() {
        let long = "山".repeat(201);
        let huge = "x".repeat(1 << 20);
        let csv = format!(
            "staff_id,name,department\nD001,{},内科\nD002,{long},内科\nD003,山田,{huge}\n",
            "山".repeat(200)
        );
        let parsed = parse_doctors(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1, "200 characters are accepted");
        assert_eq!(
            parsed.rejected,
            vec![
                RowError {
                    line: 3,
                    column: Some("name".into()),
                    reason: "氏名(name)が長すぎます（200文字まで、この値は201文字） / name is too long (at most 200 characters, this one has 201)".into(),
                },
                RowError {
                    line: 4,
                    column: Some("department".into()),
                    reason: "診療科(department)が長すぎます（200文字まで、この値は1048576文字） / department is too long (at most 200 characters, this one has 1048576)".into(),
                },
            ]
        );
    }
}
