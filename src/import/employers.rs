//! The other employers of doctors (formats.md C.3, `kinmu import employers
//! FILE`): per doctor and employer, the contract date (rules §5b.3) and
//! whether this hospital dispatched the doctor there (rules §16).

use super::fields::{self, text};
use super::header::{Field, MAX_CODE_CHARS, STAFF_ID};
use super::shifts::EMPLOYER;
use super::table::read_table;
use super::{FileError, Parsed};
use chrono::NaiveDate;
use std::collections::hash_map::{Entry, HashMap};

/// One doctor's employer as listed in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployerRecord {
    pub staff_id: String,
    /// NFKC, trimmed: as external rows' `employer` is matched.
    pub employer: String,
    pub contract_date: Option<NaiveDate>,
    pub dispatched: bool,
}

const REQUIRED_EMPLOYER: Field = Field {
    required: true,
    ..EMPLOYER
};
const CONTRACT_DATE: Field = Field {
    name: "contract_date",
    aliases: &["契約締結日", "契約日", "雇入日"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};
const DISPATCHED: Field = Field {
    name: "dispatched",
    aliases: &["派遣", "当院からの派遣"],
    required: false,
    max_chars: MAX_CODE_CHARS,
};

pub(crate) const FIELDS: [Field; 4] = [STAFF_ID, REQUIRED_EMPLOYER, CONTRACT_DATE, DISPATCHED];

/// Reads an employers file. A (staff_id, employer) pair seen earlier in
/// the same file rejects the later line.
pub fn parse_employers(bytes: &[u8]) -> Result<Parsed<EmployerRecord>, FileError> {
    let mut first_seen: HashMap<(String, String), usize> = HashMap::new();
    read_table(bytes, &FIELDS, |c| {
        let staff_id = c.required(&STAFF_ID, text);
        let employer = c.required(&REQUIRED_EMPLOYER, text);
        let contract_date = c.optional(&CONTRACT_DATE, fields::past_date);
        let dispatched = c.value(&DISPATCHED, fields::yes_no);
        if let (Some(id), Some(name)) = (&staff_id, &employer) {
            match first_seen.entry((id.clone(), name.clone())) {
                Entry::Occupied(first) => {
                    let first = first.get();
                    c.reject(
                        Some(&REQUIRED_EMPLOYER),
                        format!("同じ職員番号・勤務先の行が{first}行目にあります: {id:?} {name:?} / duplicate staff_id and employer (same as line {first})"),
                    );
                }
                Entry::Vacant(slot) => {
                    slot.insert(c.line());
                }
            }
        }
        if c.has_errors() {
            return None;
        }
        Some(EmployerRecord {
            staff_id: staff_id?,
            employer: employer?,
            contract_date,
            dispatched: dispatched?,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_employers_file_reads_its_aliases_and_defaults() {
        let csv = "職員番号,兼業先,契約締結日,派遣\n\
                   D001,Ｂ病院,2023/4/1,はい\n\
                   D001,Cクリニック,,\n\
                   D002, B病院 ,1999-10-01,○\n";
        let parsed = parse_employers(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rejected, vec![]);
        let rows: Vec<&EmployerRecord> = parsed.rows.iter().map(|r| &r.value).collect();
        assert_eq!(rows[0].employer, "B病院");
        assert_eq!(rows[0].contract_date, NaiveDate::from_ymd_opt(2023, 4, 1));
        assert!(rows[0].dispatched);
        assert!(!rows[1].dispatched && rows[1].contract_date.is_none());
        assert_eq!((rows[2].employer.as_str(), rows[2].dispatched), ("B病院", true));
        for header in ["勤務先", "副業先", "医療機関名", "employer"] {
            let csv = format!("staff_id,{header},契約日,当院からの派遣\nD1,X,,no\n");
            assert_eq!(parse_employers(csv.as_bytes()).unwrap().rows.len(), 1, "{header}");
        }
    }

    #[test]
    fn a_missing_employer_a_repeated_pair_or_an_unreadable_cell_refuses_the_row() {
        let err = parse_employers("staff_id,contract_date\nD1,2024-01-01\n".as_bytes()).unwrap_err();
        assert_eq!(err, FileError::MissingColumns(vec!["勤務先(employer)".into()]));
        let csv = "staff_id,employer,contract_date,dispatched\n\
                   D1,,,\n\
                   D1,C病院,2024-13-01,\n\
                   D1,D病院,,maybe\n\
                   D1,B病院,,\n\
                   D1,Ｂ病院,,\n";
        let parsed = parse_employers(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        let got: Vec<(usize, Option<&str>)> = parsed.rejected.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (2, Some("employer")),
                (3, Some("contract_date")),
                (4, Some("dispatched")),
                (6, Some("employer"))
            ]
        );
        assert!(parsed.rejected[3].reason.contains("line 5"), "{:?}", parsed.rejected[3]);
    }
}
