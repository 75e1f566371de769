//! Layouts: how a vendor's export maps onto kinmu's rows (issue 12).
//!
//! A layout is plain TOML (shareable between hospitals on the same system);
//! the built-in presets are such files compiled into the binary. A file is
//! read either through kinmu's own header aliases (formats.md, the `kinmu`
//! layout) or through a layout chosen explicitly or recognised from its
//! header.
//!
//! SKELETON: the contract other modules rely on. Filled in by the layouts
//! work; keep these signatures.

use serde::Serialize;

/// A layout, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// `kingoftime-daily`, `jinjer-daily`, …, or a hospital's own name.
    pub name: String,
}

/// Why a layout could not be found or read. Japanese first, then English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("取込レイアウト {0:?} がありません / no such layout")]
    Unknown(String),
    #[error("取込レイアウトを読めません: {0} / unreadable layout")]
    Invalid(String),
}

impl Layout {
    /// A built-in preset by name.
    pub fn preset(name: &str) -> Result<Layout, LayoutError> {
        Err(LayoutError::Unknown(name.to_string()))
    }

    /// A layout from TOML text (a `--layout-file` or a saved layout).
    pub fn from_toml(_text: &str) -> Result<Layout, LayoutError> {
        Err(LayoutError::Invalid("not implemented yet".into()))
    }

    /// A preset name, or a path to a `.toml` file (config, intake rules).
    pub fn load(spec: &str) -> Result<Layout, LayoutError> {
        if spec.ends_with(".toml") {
            let text = std::fs::read_to_string(spec).map_err(|e| LayoutError::Invalid(format!("{spec}: {e}")))?;
            Layout::from_toml(&text)
        } else {
            Layout::preset(spec)
        }
    }
}
