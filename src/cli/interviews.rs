//! `kinmu interviews list`: the interviews (面接指導) of a month (rules §8);
//! who is due one says who worked over 100 hours, so the read is logged.

use super::{cli_actor, parse_month, Settings};
use crate::app::App;
use crate::domain::time::YearMonth;
use clap::{Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub(super) enum InterviewsCommand {
    /// The interviews of a month.
    List {
        #[arg(long, value_parser = parse_month)]
        month: YearMonth,
        #[arg(long, value_enum, default_value_t = ListFormat::Json)]
        format: ListFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum ListFormat {
    Json,
}

pub(super) fn run(settings: Settings, command: InterviewsCommand) -> anyhow::Result<ExitCode> {
    let InterviewsCommand::List {
        month,
        format: ListFormat::Json,
    } = command;
    let app = App::open(settings)?;
    let mut conn = app.pool.get()?;
    let lines = crate::monitor::records::list_interviews(&mut conn, month, app.settings.today())?;
    // Who is due an interview says who worked over 100 hours: a read
    // of personal data, logged before it is printed.
    crate::audit::log(
        &mut conn,
        Some(&cli_actor()),
        crate::audit::Category::Read,
        "interviews list",
        serde_json::json!({ "month": month.to_string(), "lines": lines.len() }),
        app.now(),
    )?;
    // formats.md's names; the line's other fields (the doctor's name,
    // department, manager) are not printed here.
    let interviews: Vec<_> = lines
        .iter()
        .map(|l| {
            let minute = |at: Option<chrono::NaiveDateTime>| at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string());
            serde_json::json!({
                "staff_id": l.staff_id,
                "physician_login": l.physician_login,
                "deadline": l.deadline,
                "status": l.status,
                "reason": l.reason,
                "held_on": l.held_on,
                "held_at": minute(l.held_at),
                "reach_100_date": l.reach_100_date,
                "reach_100_at": minute(l.reach_100_at),
                "interview_in_time": l.interview_in_time,
                "a_level_exception": l.a_level_exception,
                "days_after_reach": l.days_after_reach,
                "past_planning_deadline": l.past_planning_deadline,
                "opened_late": l.opened_late,
                "days_late": l.days_late,
            })
        })
        .collect();
    let out = serde_json::json!({ "month": month.to_string(), "interviews": interviews });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
