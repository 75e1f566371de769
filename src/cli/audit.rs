//! `kinmu audit`: the access log's check (MHLW checklist 2-(6)): exit 3
//! when it was tampered with.

use super::Settings;
use crate::app::App;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub(super) enum AuditCommand {
    /// Check the access log's hash chain and signatures: exit 0 when intact,
    /// 3 when an entry was edited, removed or reordered.
    Verify {
        /// An entry kept outside the database, as ID:HASH (from an earlier
        /// run's `last` or the daily mail to administrators); it must still
        /// be there unchanged. May be given more than once.
        #[arg(long = "anchor", value_name = "ID:HASH")]
        anchors: Vec<crate::audit::Anchor>,
    },
}

pub(super) fn run(settings: Settings, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify { anchors } = command;
    let app = App::open(settings)?;
    let mut conn = app.pool.get()?;
    let mut report = crate::audit::verify_with(&mut conn, app.audit_key().as_deref())?;
    crate::audit::check_anchors(&mut conn, &mut report, &anchors)?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}
