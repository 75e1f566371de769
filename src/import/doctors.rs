//! The doctors list (formats.md, "Doctors (`kinmu import doctors FILE`)").

use super::fields::{self, text};
use super::header::{Field, MAX_ACCOUNT_CHARS, MAX_CODE_CHARS, MAX_NAME_CHARS, STAFF_ID};
use super::table::read_table;
use super::{FileError, Parsed};
use crate::domain::Level;
use chrono::{NaiveTime, Weekday};
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
    /// Sunday when the cell is empty.
    pub legal_holiday: Weekday,
    /// The account name used in PC logs, when it is not the staff_id.
    pub pc_account: Option<String>,
    /// `None` means the configured default (rules §5).
    pub scheduled_start: Option<NaiveTime>,
    pub manager_login: Option<String>,
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

pub(crate) const FIELDS: [Field; 9] = [
    STAFF_ID,
    NAME,
    DEPARTMENT,
    LEVEL,
    EMAIL,
    LEGAL_HOLIDAY,
    PC_ACCOUNT,
    SCHEDULED_START,
    MANAGER_LOGIN,
];

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
        let legal_holiday = c.value(&LEGAL_HOLIDAY, fields::weekday);
        let pc_account = c.optional(&PC_ACCOUNT, text);
        let scheduled_start = c.optional(&SCHEDULED_START, fields::time_of_day);
        let manager_login = c.optional(&MANAGER_LOGIN, text);
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
        Some(DoctorRecord {
            staff_id: staff_id?,
            name: name?,
            department,
            level: level?,
            email,
            legal_holiday: legal_holiday?,
            pc_account,
            scheduled_start,
            manager_login,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::RowError;

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
                legal_holiday: Weekday::Sat,
                pc_account: Some("yamada-t".into()),
                scheduled_start: NaiveTime::from_hms_opt(9, 0, 0),
                manager_login: Some("suzuki".into()),
            }
        );
    }

    #[test]
    fn empty_optional_cells_take_their_defaults() {
        let csv = "staff_id,name,level,legal_holiday,email\nD001,山田,,,\n";
        let parsed = parse_doctors(csv.as_bytes()).unwrap();
        let d = &parsed.rows[0].value;
        assert_eq!((d.level, d.legal_holiday), (Level::A, Weekday::Sun));
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
