//! `kinmu layouts list|show NAME`: the built-in layouts vendor exports are
//! read with (docs/formats.md, "Layouts").

use crate::import::layout::Layout;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub(super) enum LayoutsCommand {
    /// The built-in layouts: name, title, what they read, and whether a
    /// file is recognised from its header without --layout.
    List,
    /// Print a built-in layout's TOML (a starting point for a hospital's own).
    Show { name: String },
}

pub(super) fn run(command: LayoutsCommand) -> anyhow::Result<ExitCode> {
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
        }
        LayoutsCommand::Show { name } => print!("{}", Layout::preset(&name)?.source),
    }
    Ok(ExitCode::SUCCESS)
}
