//! `kinmu users`: accounts (MHLW checklist 2-(5)) — adding one, the user
//! ledger (利用者ID台帳), disabling, enabling, a leaver's last day and a new
//! password; every change is logged with the operating-system user.

use super::{cli_actor, parse_date, password_from_stdin, Settings};
use crate::accounts::{self, NewAccount, Role};
use crate::app::App;
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub(super) enum UsersCommand {
    /// Add an account; the password is read from standard input.
    Add {
        #[arg(long)]
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The person's name as shown in mails and screens.
        #[arg(long)]
        name: Option<String>,
        /// The doctor this account belongs to (required for --role doctor).
        #[arg(long)]
        staff_id: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        department: Option<String>,
        /// Physicians: the date the MHLW interview-physician course was completed.
        #[arg(long, value_parser = parse_date)]
        trained_on: Option<NaiveDate>,
        /// This user is the hospital's 管理者 (never assigned as interview physician).
        #[arg(long)]
        administrator: bool,
        /// Read the password from standard input (one line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// The user ledger (利用者ID台帳): every account with its state.
    List {
        #[arg(long, value_enum, default_value_t = LedgerFormat::Json)]
        format: LedgerFormat,
    },
    /// Disable an account now.
    Disable { login: String },
    /// Enable an account again (also clears a lock-out).
    Enable { login: String },
    /// Record a leaver's last day: the account is disabled the day after.
    Leave {
        login: String,
        /// The last working day; `--clear` removes it.
        #[arg(long, value_parser = parse_date, required_unless_present = "clear")]
        on: Option<NaiveDate>,
        #[arg(long, conflicts_with = "on")]
        clear: bool,
    },
    /// Set a new password (read from standard input); ends the user's sessions.
    Password {
        login: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum LedgerFormat {
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum RoleArg {
    Admin,
    Hr,
    Manager,
    Physician,
    Doctor,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Hr => Role::Hr,
            RoleArg::Manager => Role::Manager,
            RoleArg::Physician => Role::Physician,
            RoleArg::Doctor => Role::Doctor,
        }
    }
}

pub(super) fn run(settings: Settings, command: UsersCommand) -> anyhow::Result<ExitCode> {
    let app = App::open(settings)?;
    let mut conn = app.pool.get()?;
    let actor = cli_actor();
    let (now, actor) = (app.now(), Some(actor.as_str()));
    let out = match command {
        UsersCommand::Add {
            login,
            role,
            name,
            staff_id,
            email,
            department,
            trained_on,
            administrator,
            password_stdin: _,
        } => {
            let password = password_from_stdin()?;
            let account = NewAccount {
                login,
                role: role.into(),
                name,
                staff_id,
                email,
                department,
                trained_on,
                is_administrator: administrator,
                password,
            };
            let user = accounts::add_user(&mut conn, &account, &app.settings.accounts, actor, now)?;
            serde_json::json!({ "login": user.login, "role": user.role, "id": user.id })
        }
        UsersCommand::List { format } => {
            let ledger = accounts::ledger(&mut conn, now)?;
            crate::audit::log(
                &mut conn,
                actor,
                crate::audit::Category::Export,
                "users list",
                serde_json::json!({ "lines": ledger.len() }),
                now,
            )?;
            match format {
                LedgerFormat::Json => std::io::stdout().write_all(serde_json::to_string_pretty(&ledger)?.as_bytes())?,
                LedgerFormat::Csv => std::io::stdout().write_all(&accounts::ledger_csv(&ledger)?)?,
            }
            return Ok(ExitCode::SUCCESS);
        }
        UsersCommand::Disable { login } => {
            accounts::disable(&mut conn, &login, actor, now)?;
            serde_json::json!({ "login": login, "disabled": true })
        }
        UsersCommand::Enable { login } => {
            accounts::enable(&mut conn, &login, actor, now)?;
            serde_json::json!({ "login": login, "enabled": true })
        }
        UsersCommand::Leave { login, on, clear: _ } => {
            accounts::set_leaving_date(&mut conn, &login, on, actor, now)?;
            serde_json::json!({ "login": login, "leaves_on": on })
        }
        UsersCommand::Password { login, .. } => {
            let password = password_from_stdin()?;
            accounts::set_password(
                &mut conn,
                &login,
                accounts::PasswordChange::Reset,
                &password,
                &app.settings.accounts,
                actor,
                now,
            )?;
            serde_json::json!({ "login": login, "password_set": true })
        }
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}
