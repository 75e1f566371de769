//! The user ledger (利用者ID台帳, checklist 2-(4)): every account with its
//! role and its state (usable, leaving, locked, disabled and why), on the
//! screen and as CSV for a spreadsheet program.

use super::role::Role;
use super::users::DisableReason;
use crate::db::models::User;
use crate::db::{users, AnyConnection};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryResult;
use serde::Serialize;

/// An account's state on the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AccountState {
    Active,
    /// Active, leaving: usable through this date.
    Leaving {
        leaves_on: NaiveDate,
    },
    Locked {
        until: NaiveDateTime,
    },
    Disabled {
        reason: Option<DisableReason>,
        since: Option<NaiveDateTime>,
    },
}

impl AccountState {
    /// The state as the ledger shows it (使用可 / 使用可（…まで） / ロック中 / 停止).
    pub fn label_ja(&self) -> String {
        match self {
            AccountState::Active => "使用可".into(),
            AccountState::Leaving { leaves_on } => format!("使用可（{leaves_on} まで・退職予定）"),
            AccountState::Locked { until } => format!("ロック中（{} まで）", until.format("%Y-%m-%d %H:%M")),
            AccountState::Disabled { reason, .. } => match reason {
                Some(DisableReason::Unused) => "停止（長期未使用）".into(),
                Some(DisableReason::Left) => "停止（退職）".into(),
                _ => "停止".into(),
            },
        }
    }
    pub fn label_en(&self) -> String {
        match self {
            AccountState::Active => "active".into(),
            AccountState::Leaving { leaves_on } => format!("active until {leaves_on} (leaving)"),
            AccountState::Locked { until } => format!("locked until {}", until.format("%Y-%m-%d %H:%M")),
            AccountState::Disabled { reason, .. } => match reason {
                Some(DisableReason::Unused) => "disabled (unused)".into(),
                Some(DisableReason::Left) => "disabled (left)".into(),
                _ => "disabled".into(),
            },
        }
    }
    pub fn is_usable(&self) -> bool {
        matches!(self, AccountState::Active | AccountState::Leaving { .. })
    }
}

impl User {
    /// The account's state at `now`.
    pub fn state(&self, now: NaiveDateTime) -> AccountState {
        if !self.is_active() || self.leaves_on.is_some_and(|d| d < now.date()) {
            return AccountState::Disabled {
                reason: self
                    .disabled_reason
                    .as_deref()
                    .and_then(DisableReason::parse)
                    .or_else(|| self.leaves_on.filter(|d| *d < now.date()).map(|_| DisableReason::Left)),
                since: self.disabled_at,
            };
        }
        if let Some(until) = self.locked_until.filter(|u| *u > now) {
            return AccountState::Locked { until };
        }
        match self.leaves_on {
            Some(leaves_on) => AccountState::Leaving { leaves_on },
            None => AccountState::Active,
        }
    }
}

/// One line of the user ledger (利用者ID台帳, checklist 2-(4)).
#[derive(Debug, Clone, Serialize)]
pub struct LedgerLine {
    pub no: usize,
    pub department: Option<String>,
    pub name: Option<String>,
    pub login: String,
    pub staff_id: Option<String>,
    pub role: Role,
    pub role_label: &'static str,
    pub administrator: bool,
    #[serde(flatten)]
    pub state: AccountState,
    pub state_label: String,
    pub last_sign_in_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub leaves_on: Option<NaiveDate>,
}

/// The user ledger: every account, enabled or not, by department and login.
pub fn ledger(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<LedgerLine>> {
    let mut all = users::all_users(conn)?;
    all.sort_by(|a, b| (&a.department, &a.login).cmp(&(&b.department, &b.login)));
    Ok(all
        .into_iter()
        .filter_map(|u| {
            let role = u.role()?;
            let state = u.state(now);
            Some((u, role, state))
        })
        .enumerate()
        .map(|(i, (u, role, state))| LedgerLine {
            no: i + 1,
            state_label: state.label_ja(),
            department: u.department,
            name: u.name,
            login: u.login,
            staff_id: u.staff_id,
            role,
            role_label: role.label_ja(),
            administrator: u.is_administrator != 0,
            state,
            last_sign_in_at: u.last_sign_in_at,
            created_at: u.created_at,
            leaves_on: u.leaves_on,
        })
        .collect())
}

/// The ledger as CSV for a spreadsheet program.
pub fn ledger_csv(lines: &[LedgerLine]) -> Result<Vec<u8>, csv::Error> {
    let time = |t: Option<NaiveDateTime>| t.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default();
    crate::export::spreadsheet_csv(
        &[
            "No",
            "所属部署",
            "氏名",
            "ユーザID",
            "職員番号",
            "権限",
            "管理者",
            "状態",
            "最終ログイン",
            "登録日",
            "退職日",
        ],
        lines.iter().map(|l| {
            vec![
                l.no.to_string(),
                l.department.clone().unwrap_or_default(),
                l.name.clone().unwrap_or_default(),
                l.login.clone(),
                l.staff_id.clone().unwrap_or_default(),
                l.role_label.to_string(),
                if l.administrator {
                    "管理者".into()
                } else {
                    String::new()
                },
                l.state_label.clone(),
                time(l.last_sign_in_at),
                l.created_at.format("%Y-%m-%d").to_string(),
                l.leaves_on.map(|d| d.to_string()).unwrap_or_default(),
            ]
        }),
    )
}
