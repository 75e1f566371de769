//! `kinmu import`: a CSV file through the ordinary import path (formats.md;
//! exit 2 when rows were rejected).

use super::Settings;
use crate::app::App;
use crate::ingest::{self, ImportKind, ImportRequest};
use anyhow::Context;
use clap::ValueEnum;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum KindArg {
    Doctors,
    Timecard,
    Roster,
    Pclog,
}

impl From<KindArg> for ImportKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Doctors => ImportKind::Doctors,
            KindArg::Timecard => ImportKind::Timecard,
            KindArg::Roster => ImportKind::Roster,
            KindArg::Pclog => ImportKind::Pclog,
        }
    }
}

/// `--period FROM..TO` (see [`ingest::parse_period`]).
pub(super) fn parse_period_arg(s: &str) -> Result<(chrono::NaiveDate, chrono::NaiveDate), String> {
    let (from, to) = s
        .split_once("..")
        .ok_or("対象期間は FROM..TO と書いてください（例 2024-06-01..2024-06-30） / write the period as FROM..TO")?;
    ingest::parse_period(from, to)
}

pub(super) fn run(
    settings: Settings,
    kind: ImportKind,
    file: &std::path::Path,
    skip_invalid: bool,
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
) -> anyhow::Result<ExitCode> {
    if period.is_some() && kind != ImportKind::Timecard {
        anyhow::bail!("--period はタイムカードの取込にだけ指定できます / --period applies to timecard imports only");
    }
    let app = App::open(settings)?;
    let bytes =
        std::fs::read(file).with_context(|| format!("ファイルを読めません / cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut conn = app.pool.get()?;
    let report = ingest::run(
        &mut conn,
        &ImportRequest {
            layout: None,
            period,
            kind,
            bytes: &bytes,
            file_name: &name,
            skip_invalid,
            actor: None,
            now: app.now(),
        },
    )?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
