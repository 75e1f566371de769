//! People by name on screens (issue 16): the stored records keep the
//! login of who did something (`recorded_by`, `written_by`, `imported_by`
//! …), a person reads a name. A page that shows such columns loads the
//! names once and writes `names.of(login)`.

use std::collections::HashMap;

/// Every account's name by login, as read for one page.
#[derive(Debug, Default, Clone)]
pub struct Names(HashMap<String, String>);

impl Names {
    /// The names of every account that has one.
    pub fn load(conn: &mut crate::db::AnyConnection) -> Result<Names, super::UiError> {
        Ok(Names(crate::db::users::names_by_login(conn)?))
    }

    /// The person's name, or the login when the account has no name (or
    /// is not an account: a job, an import by the command line).
    pub fn of(&self, login: &str) -> String {
        self.0.get(login).cloned().unwrap_or_else(|| login.to_string())
    }

    /// Replaces a stored login by the person's name, for a view about to
    /// be rendered.
    pub fn put(&self, login: &mut String) {
        *login = self.of(login);
    }

    /// As [`Names::put`], for a login that may be missing.
    pub fn put_opt(&self, login: &mut Option<String>) {
        if let Some(l) = login.as_mut() {
            self.put(l);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_reads_as_its_name_and_an_unknown_one_as_itself() {
        let names = Names(
            [("sangyo-i".to_string(), "産業 一郎".to_string())]
                .into_iter()
                .collect(),
        );
        assert_eq!(names.of("sangyo-i"), "産業 一郎");
        assert_eq!(names.of("cron"), "cron");
        let (mut some, mut none) = (Some("sangyo-i".to_string()), None);
        names.put_opt(&mut some);
        names.put_opt(&mut none);
        assert_eq!((some.as_deref(), none), (Some("産業 一郎"), None));
    }
}
