//! `kinmu backup` and `kinmu restore`: a consistent copy of the database
//! and putting it back.

use super::{cli_actor, Settings};
use crate::app::App;
use std::path::Path;
use std::process::ExitCode;

pub(super) fn backup(settings: Settings, file: &Path) -> anyhow::Result<ExitCode> {
    let app = App::open(settings)?;
    let mut conn = app.pool.get()?;
    // A backup is a copy of every record: logged (before it is
    // taken, so the copy holds its own entry) as an export.
    crate::audit::log(
        &mut conn,
        Some(&cli_actor()),
        crate::audit::Category::Export,
        "backup",
        serde_json::json!({ "file": file.display().to_string() }),
        app.now(),
    )?;
    crate::backup::backup(&app.database, &mut conn, file)?;
    println!("{}", serde_json::json!({ "backup": file.display().to_string() }));
    Ok(ExitCode::SUCCESS)
}

pub(super) fn restore(settings: &Settings, file: &Path) -> anyhow::Result<ExitCode> {
    // No pool: the target must not be in use while it is replaced.
    let url = crate::db::DatabaseUrl::parse(&settings.database_url)?;
    crate::backup::restore(&url, file)?;
    println!("{}", serde_json::json!({ "restored": file.display().to_string() }));
    Ok(ExitCode::SUCCESS)
}
