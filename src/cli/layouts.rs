//! `kinmu layouts list|show|save|delete`: the built-in layouts vendor
//! exports are read with, and the hospital's saved ones (docs/formats.md,
//! "Layouts"; the mapping screen saves them too).

use super::{cli_actor, Settings};
use crate::app::App;
use crate::import::layout::Layout;
use anyhow::Context;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub(super) enum LayoutsCommand {
    /// The built-in layouts, then the saved ones: name, title, what they
    /// read, and whether a file is recognised from its header without
    /// --layout.
    List,
    /// Print a layout's TOML (a starting point for a hospital's own).
    Show { name: String },
    /// Check a layout file and save it under its `name`, for --layout NAME,
    /// the upload form and intake rules (a saved name is replaced).
    Save { file: PathBuf },
    /// Delete a saved layout.
    Delete { name: String },
}

pub(super) fn run(settings: Settings, command: LayoutsCommand) -> anyhow::Result<ExitCode> {
    let app = App::open(settings)?;
    let mut conn = app.pool.get()?;
    let actor = cli_actor();
    match command {
        LayoutsCommand::List => {
            for l in Layout::presets() {
                let recognised = if l.recognised_automatically {
                    "自動認識 / recognised automatically"
                } else {
                    "--layout で指定 / chosen explicitly"
                };
                println!("{}\t{}\t{}\t{}", l.name, l.title, l.yields.code(), recognised);
            }
            for s in crate::layouts::saved(&mut conn)? {
                let by = s.saved_by.as_deref().unwrap_or("-");
                println!(
                    "{}\t{}\t{}\t登録 / saved {} {by}",
                    s.name,
                    s.title,
                    s.yields,
                    s.saved_at.format("%Y-%m-%d %H:%M")
                );
            }
        }
        LayoutsCommand::Show { name } => print!("{}", crate::layouts::resolve(&mut conn, &name)?.source),
        LayoutsCommand::Save { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("ファイルを読めません / cannot read {}", file.display()))?;
            let saved = crate::layouts::save(&mut conn, &text, Some(&actor), app.now())?;
            let what = if saved.replaced {
                "置き換えました / replaced"
            } else {
                "登録しました / saved"
            };
            println!("{}\t{}\t{what}", saved.layout.name, saved.layout.title);
        }
        LayoutsCommand::Delete { name } => {
            if !crate::layouts::delete(&mut conn, &name, Some(&actor), app.now())? {
                anyhow::bail!("登録された形式 {name:?} はありません / no saved layout of that name");
            }
            println!("{name}\t削除しました / deleted");
        }
    }
    Ok(ExitCode::SUCCESS)
}
