//! Layouts by name (issue 12): the built-in presets and the layouts a
//! hospital saved — on the mapping screen, from a shared TOML file, or with
//! `kinmu layouts save`. Every place an import is started (the upload form,
//! the API's `?layout=`, `--layout`, the intake folder's rules) finds a
//! layout through [`resolve`], so a saved name works wherever a preset's
//! does. A saved layout never takes a preset's name; saving a name again
//! replaces it; saving and deleting are written to the access log.

use crate::audit::{self, Category};
use crate::db::layouts as store;
use crate::db::models::{NewSavedLayout, SavedLayout};
use crate::db::{write_transaction, AnyConnection, DbError};
use crate::import::layout::{Layout, LayoutError};
use chrono::NaiveDateTime;
use serde_json::json;

/// Why a layout could not be found, saved or deleted.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        Error::Db(e.into())
    }
}

/// The layout called `name`: a built-in preset, else a saved layout.
pub fn resolve(conn: &mut AnyConnection, name: &str) -> Result<Layout, Error> {
    if Layout::preset_names().contains(&name) {
        return Ok(Layout::preset(name)?);
    }
    match store::by_name(conn, name).map_err(DbError::from)? {
        Some(saved) => Ok(Layout::from_toml(&saved.toml)?),
        None => Err(LayoutError::Unknown(name.to_string()).into()),
    }
}

/// A layout named in settings (intake rules): a path to a `.toml` file, or
/// a name for [`resolve`].
pub fn resolve_spec(conn: &mut AnyConnection, spec: &str) -> Result<Layout, Error> {
    if spec.ends_with(".toml") {
        Ok(Layout::load(spec)?)
    } else {
        resolve(conn, spec)
    }
}

/// Every saved layout, by name.
pub fn saved(conn: &mut AnyConnection) -> Result<Vec<SavedLayout>, Error> {
    Ok(store::all(conn).map_err(DbError::from)?)
}

/// What [`save`] did.
#[derive(Debug)]
pub struct Saved {
    pub layout: Layout,
    /// Whether a layout of that name was replaced.
    pub replaced: bool,
}

/// Checks a layout's TOML and saves it under its `name`.
pub fn save(conn: &mut AnyConnection, toml: &str, actor: Option<&str>, now: NaiveDateTime) -> Result<Saved, Error> {
    let layout = Layout::from_toml(toml)?;
    if Layout::preset_names().contains(&layout.name.as_str()) {
        return Err(LayoutError::Key {
            key: "name".into(),
            reason: format!(
                "「{}」は組み込みの形式の名前です。別の名前を付けてください / {:?} is a built-in layout's name; choose another",
                layout.name, layout.name
            ),
        }
        .into());
    }
    let new = NewSavedLayout {
        name: layout.name.clone(),
        title: layout.title.clone(),
        yields: layout.yields.code().to_string(),
        toml: toml.to_string(),
        saved_by: actor.map(String::from),
        saved_at: now,
    };
    let replaced = write_transaction(conn, |conn| -> Result<bool, Error> {
        let replaced = store::put(conn, &new)?;
        audit::log(
            conn,
            actor,
            Category::Change,
            "layout_save",
            json!({ "name": new.name, "yields": new.yields, "replaced": replaced }),
            now,
        )?;
        Ok(replaced)
    })?;
    Ok(Saved { layout, replaced })
}

/// Deletes a saved layout; false when there was none of that name.
pub fn delete(conn: &mut AnyConnection, name: &str, actor: Option<&str>, now: NaiveDateTime) -> Result<bool, Error> {
    write_transaction(conn, |conn| -> Result<bool, Error> {
        let deleted = store::delete(conn, name)?;
        if deleted {
            audit::log(
                conn,
                actor,
                Category::Change,
                "layout_delete",
                json!({ "name": name }),
                now,
            )?;
        }
        Ok(deleted)
    })
}
