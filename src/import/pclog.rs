//! PC log-on/log-off logs (formats.md, "PC logs (`kinmu import pclog
//! FILE`)"), compared later against timecards to find discrepancies.

use super::fields::{self, text};
use super::header::{Field, MAX_ACCOUNT_CHARS, MAX_CODE_CHARS, MAX_NAME_CHARS};
use super::table::read_table;
use super::{FileError, Parsed};
use chrono::NaiveDateTime;

/// One session on a PC, seconds as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcRecord {
    /// A staff_id or a doctor's pc_account; resolving it is the caller's job.
    pub account: String,
    pub pc_name: Option<String>,
    pub logon: NaiveDateTime,
    pub logoff: NaiveDateTime,
}

const ACCOUNT: Field = Field {
    name: "staff_id",
    aliases: &["職員番号", "アカウント", "ユーザー", "account", "職員ID", "社員番号"],
    required: true,
    max_chars: MAX_ACCOUNT_CHARS,
};
const PC_NAME: Field = Field {
    name: "pc_name",
    aliases: &["端末名", "PC名", "コンピュータ名"],
    required: false,
    max_chars: MAX_NAME_CHARS,
};
const LOGON: Field = Field {
    name: "logon",
    aliases: &["ログオン", "ログオン日時", "開始日時"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};
const LOGOFF: Field = Field {
    name: "logoff",
    aliases: &["ログオフ", "ログオフ日時", "終了日時"],
    required: true,
    max_chars: MAX_CODE_CHARS,
};

pub(crate) const FIELDS: [Field; 4] = [ACCOUNT, PC_NAME, LOGON, LOGOFF];

/// Reads a PC log. Sessions have no maximum length (a PC left logged on
/// over a weekend is a fact worth seeing, not a bad row).
pub fn parse_pclog(bytes: &[u8]) -> Result<Parsed<PcRecord>, FileError> {
    read_table(bytes, &FIELDS, |c| {
        let account = c.required(&ACCOUNT, text);
        let pc_name = c.optional(&PC_NAME, text);
        let logon = c.required(&LOGON, fields::datetime);
        let logoff = c.required(&LOGOFF, fields::datetime);
        let (account, logon, logoff) = (account?, logon?, logoff?);
        if logoff <= logon {
            c.reject(
                Some(&LOGOFF),
                format!("ログオフがログオンより後ではありません（{logon} → {logoff}） / logoff is not after logon"),
            );
            return None;
        }
        Some(PcRecord {
            account,
            pc_name,
            logon,
            logoff,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn a_pc_log_with_japanese_headers_and_slash_dates_is_read() {
        let csv = "ユーザー,コンピュータ名,ログオン日時,ログオフ日時\n\
                   yamada-t,PC-01,2024/6/1 7:55:12,2024/06/03 08:10\n";
        let parsed = parse_pclog(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rejected, vec![]);
        assert_eq!(
            parsed.rows[0].value,
            PcRecord {
                account: "yamada-t".into(),
                pc_name: Some("PC-01".into()),
                logon: dt("2024-06-01 07:55:12"),
                logoff: dt("2024-06-03 08:10:00"),
            }
        );
    }

    #[test]
    fn an_account_header_and_an_empty_pc_name_are_accepted() {
        let csv = "account,pc_name,logon,logoff\nD001,,2024-06-01T08:00,2024-06-01T09:00\n";
        let parsed = parse_pclog(csv.as_bytes()).unwrap();
        assert_eq!(parsed.rows[0].value.pc_name, None);
        assert_eq!(parsed.rows[0].value.account, "D001");
    }

    #[test]
    fn a_logoff_not_after_the_logon_is_rejected_on_the_logoff_column() {
        let csv = "アカウント,ログオン,ログオフ\nD001,2024-06-01 09:00,2024-06-01 09:00\nD001,2024-06-01 09:00,昨日\n";
        let parsed = parse_pclog(csv.as_bytes()).unwrap();
        assert!(parsed.rows.is_empty());
        assert_eq!(parsed.rejected.len(), 2);
        assert_eq!(parsed.rejected[0].line, 2);
        assert_eq!(parsed.rejected[0].column.as_deref(), Some("ログオフ"));
        assert_eq!(
            parsed.rejected[0].reason,
            "ログオフがログオンより後ではありません（2024-06-01 09:00:00 → 2024-06-01 09:00:00） / logoff is not after logon"
        );
        assert_eq!(parsed.rejected[1].line, 3);
        assert!(parsed.rejected[1].reason.starts_with("日時が読めません"));
    }
}
