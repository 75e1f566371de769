//! `kinmu import`: a CSV file through the ordinary import path (formats.md;
//! exit 2 when rows were rejected), read with a layout chosen by
//! `--layout`/`--layout-file` or recognised from the header.

use super::Settings;
use crate::app::App;
use crate::import::layout::{self, Layout};
use crate::ingest::{self, ImportKind, ImportRequest};
use anyhow::Context;
use clap::ValueEnum;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum KindArg {
    Doctors,
    Timecard,
    Roster,
    Pclog,
    Employers,
    Permits,
    /// 代償休息 grants (formats.md R.4).
    CompRest,
}

impl From<KindArg> for ImportKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Doctors => ImportKind::Doctors,
            KindArg::Timecard => ImportKind::Timecard,
            KindArg::Roster => ImportKind::Roster,
            KindArg::Pclog => ImportKind::Pclog,
            KindArg::Employers => ImportKind::Employers,
            KindArg::Permits => ImportKind::Permits,
            KindArg::CompRest => ImportKind::CompRest,
        }
    }
}

/// Which layout `--layout` / `--layout-file` chose.
pub(super) enum LayoutArg {
    Recognise,
    Preset(String),
    File(PathBuf),
}

impl LayoutArg {
    pub(super) fn of(name: Option<String>, file: Option<PathBuf>) -> Self {
        match (name, file) {
            (_, Some(f)) => LayoutArg::File(f),
            (Some(n), None) => LayoutArg::Preset(n),
            (None, None) => LayoutArg::Recognise,
        }
    }

    /// The layout: a preset, a saved layout, or a TOML file.
    fn load(&self, conn: &mut crate::db::AnyConnection) -> anyhow::Result<Option<Layout>> {
        Ok(match self {
            LayoutArg::Recognise => None,
            LayoutArg::Preset(n) => Some(crate::layouts::resolve(conn, n)?),
            LayoutArg::File(f) => {
                let text = std::fs::read_to_string(f)
                    .with_context(|| format!("ファイルを読めません / cannot read {}", f.display()))?;
                Some(Layout::from_toml(&text)?)
            }
        })
    }
}

/// `--period FROM..TO` (see [`ingest::parse_period`]).
pub(super) fn parse_period_arg(s: &str) -> Result<(chrono::NaiveDate, chrono::NaiveDate), String> {
    let (from, to) = s
        .split_once("..")
        .ok_or("対象期間は FROM..TO と書いてください（例 2024-06-01..2024-06-30） / write the period as FROM..TO")?;
    ingest::parse_period(from, to)
}

/// How an import goes on (the command's switches).
#[derive(Debug, Clone, Copy)]
pub(super) struct Flags {
    /// Write the valid rows even when some are rejected.
    pub skip_invalid: bool,
    /// Re-check the months the file touched once it is stored.
    pub recheck: bool,
}

pub(super) fn run(
    settings: Settings,
    kind: ImportKind,
    file: &std::path::Path,
    Flags { skip_invalid, recheck }: Flags,
    layout: LayoutArg,
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    published_at: Option<chrono::NaiveDateTime>,
) -> anyhow::Result<ExitCode> {
    if period.is_some() && kind != ImportKind::Timecard {
        anyhow::bail!("--period はタイムカードの取込にだけ指定できます / --period applies to timecard imports only");
    }
    let app = App::open(settings)?;
    // A publication after the import is refused before the file is read.
    let now = app.now();
    ingest::check_published_at(kind, published_at, now).map_err(anyhow::Error::msg)?;
    // A wrong layout is said before the file is read.
    let layout = layout.load(&mut *app.pool.get()?)?;
    let cannot_read = || format!("ファイルを読めません / cannot read {}", file.display());
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut conn = app.pool.get()?;
    let mut req = ImportRequest {
        layout: layout.as_ref(),
        period,
        published_at,
        kind,
        bytes: &[],
        file_name: &name,
        skip_invalid,
        actor: None,
        now,
    };
    // kinmu's own PC log is read from disk block by block: a year of a
    // large hospital's sessions never has to fit in memory.
    if kind == ImportKind::Pclog && layout.is_none() {
        let mut f = std::fs::File::open(file).with_context(cannot_read)?;
        let mut head = Vec::with_capacity(64 << 10);
        (&mut f)
            .take(64 << 10)
            .read_to_end(&mut head)
            .with_context(cannot_read)?;
        if layout::pclog_is_kinmu(&head) {
            let whole = std::io::Cursor::new(head).chain(f);
            let report = ingest::run_pclog_file(&mut conn, &req, whole)?;
            drop(conn);
            if recheck {
                recheck_after(&app, &report);
            }
            return answer(&report);
        }
    }
    let bytes = std::fs::read(file).with_context(cannot_read)?;
    req.bytes = &bytes;
    let report = ingest::run(&mut conn, &req)?;
    drop(conn);
    if recheck {
        recheck_after(&app, &report);
    }
    answer(&report)
}

/// After an import that changed something, the months it touched are
/// re-checked at once (interviews and measures cases opened, late ones as
/// violations), as `kinmu serve` does within a minute. A failure here is
/// said, and the import stands.
fn recheck_after(app: &App, report: &ingest::ImportReport) {
    if !report.committed || report.inserted + report.corrected + report.superseded == 0 {
        return;
    }
    let actor = super::cli_actor();
    let job = crate::jobs::Job::Recheck { as_of: None };
    if let Err(e) = job.run(app, None, crate::jobs::Trigger::Command { actor: &actor }) {
        eprintln!("取り込んだ月の再確認に失敗しました（kinmu jobs recheck で再実行できます）: {e} / re-checking the imported months failed");
    }
}

/// Prints the answer; exit 2 when rows were rejected.
fn answer(report: &ingest::ImportReport) -> anyhow::Result<ExitCode> {
    println!("{}", serde_json::to_string(report)?);
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
