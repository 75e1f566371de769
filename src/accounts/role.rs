//! What a user may do: the roles of role-based access (admin, HR, manager,
//! interview physician, doctor), their codes and their Japanese names.

use super::error::AccountError;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// What a user may do (role-based access).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Hr,
    Manager,
    Physician,
    Doctor,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Hr => "hr",
            Role::Manager => "manager",
            Role::Physician => "physician",
            Role::Doctor => "doctor",
        }
    }
}

impl Role {
    /// The role's name on Japanese screens and ledgers.
    pub fn label_ja(self) -> &'static str {
        match self {
            Role::Admin => "システム管理者",
            Role::Hr => "人事",
            Role::Manager => "所属長",
            Role::Physician => "面接指導実施医師",
            Role::Doctor => "医師",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Role, AccountError> {
        Ok(match s {
            "admin" => Role::Admin,
            "hr" => Role::Hr,
            "manager" => Role::Manager,
            "physician" => Role::Physician,
            "doctor" => Role::Doctor,
            other => return Err(AccountError::BadRole(other.to_string())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_their_codes() {
        assert_eq!("physician".parse::<Role>().unwrap(), Role::Physician);
        assert!("nurse".parse::<Role>().is_err());
    }
}
