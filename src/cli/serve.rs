//! `kinmu serve` (the default command): the web service with its
//! scheduler, and with `--demo` a demo database filled with example data
//! (only one the demo created or marked: its accounts share a public
//! password).

use super::{cli_actor, Settings};
use crate::app::App;
use crate::jobs::{Job, Outcome, Trigger};
use anyhow::Context;
use std::process::ExitCode;

pub(super) fn run(
    mut settings: Settings,
    listen: Option<String>,
    demo: bool,
    demo_into_this_database: bool,
) -> anyhow::Result<ExitCode> {
    if let Some(l) = listen {
        settings.listen = l;
    }
    // The published demo password opens accounts only in a demo.
    settings.accounts.demo_mode = demo;
    // Whether this start creates the database: only such a database
    // (or one marked as a demo before) takes the demo data.
    let created_now = match crate::db::DatabaseUrl::parse(&settings.database_url)? {
        crate::db::DatabaseUrl::Sqlite(path) => !path.exists(),
        crate::db::DatabaseUrl::Postgres(_) => false,
    };
    let app = App::open(settings)?;
    let demo = demo.then_some(DemoStart {
        created_now,
        into_this_database: demo_into_this_database,
    });
    serve(app, demo)?;
    Ok(ExitCode::SUCCESS)
}

/// How `serve --demo` found its database.
struct DemoStart {
    /// The SQLite file did not exist before this start.
    created_now: bool,
    /// `--demo-into-this-database` was given.
    into_this_database: bool,
}

fn serve(app: App, demo: Option<DemoStart>) -> anyhow::Result<()> {
    if let Some(start) = demo {
        let mut conn = app.pool.get()?;
        crate::demo::claim(
            &mut conn,
            &app.database.redacted(),
            start.created_now,
            start.into_this_database,
            app.now(),
        )?;
        let loaded = crate::demo::load_if_empty(&mut conn, app.settings.today(), app.now())?;
        drop(conn);
        if loaded {
            // The demo hospital's past: its daily job every morning from
            // the first day of the previous month, a late file, the
            // interviews and measures recorded (crate::demo::replay).
            let actor = cli_actor();
            let mailer = app.mailer()?;
            let mut conn = app.pool.get()?;
            crate::demo::replay(&mut conn, &app.settings, &mailer, app.settings.today(), app.now())?;
            drop(conn);
            let outcome = Job::Daily { as_of: None }.run(&app, None, Trigger::Command { actor: &actor })?;
            if let Outcome::Daily(summary) = outcome {
                tracing::info!(
                    interviews = summary.interviews_scheduled,
                    password = crate::demo::DEMO_PASSWORD,
                    "demo data loaded; the sign-in page lists the demo accounts: admin, jinji (HR), naika-bucho (manager), mensetsu-i (physician), d001 (doctor), …"
                );
            }
        }
    }
    let listener = std::net::TcpListener::bind(&app.settings.listen)
        .with_context(|| format!("cannot listen on {}", app.settings.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "kinmu is listening: http://{addr}/");
    let mailer = app.mailer()?;
    actix_web::rt::System::new().block_on(async move {
        let _scheduler = crate::scheduler::start(app.clone(), mailer)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        crate::web::serve(app, listener)?.await
    })?;
    Ok(())
}
