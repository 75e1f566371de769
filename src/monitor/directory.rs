//! Whom the monitoring mails go to and what they say about a doctor's
//! month (rules §7, §8): the active users by id and login, HR, a doctor's
//! manager, and the facts of one computed month. The daily and monthly jobs
//! and the records (a change of physician mails the new one) share it.

use super::mails::DoctorFacts;
use crate::accounts::Role;
use crate::config::Settings;
use crate::db::models::{Doctor, User};
use crate::db::users::active_users;
use crate::db::AnyConnection;
use crate::month::DoctorComputation;
use diesel::result::QueryResult;
use std::collections::HashMap;

/// The people mails go to.
pub(crate) struct Directory {
    by_login: HashMap<String, User>,
    by_id: HashMap<i64, User>,
    hr: Vec<User>,
}

impl Directory {
    pub(crate) fn load(conn: &mut AnyConnection) -> QueryResult<Directory> {
        let all: Vec<User> = active_users(conn)?;
        Ok(Directory {
            hr: all.iter().filter(|u| u.role() == Some(Role::Hr)).cloned().collect(),
            by_id: all.iter().map(|u| (u.id, u.clone())).collect(),
            by_login: all.into_iter().map(|u| (u.login.clone(), u)).collect(),
        })
    }
    pub(crate) fn user(&self, id: Option<i64>) -> Option<&User> {
        self.by_id.get(&id?)
    }
    pub(crate) fn manager_of(&self, d: &Doctor) -> Option<&User> {
        self.by_login.get(d.manager_login.as_deref()?)
    }
    /// The active HR staff.
    pub(crate) fn hr(&self) -> &[User] {
        &self.hr
    }
}

/// The mail facts of one doctor's computed month.
pub(crate) fn facts<'a>(s: &'a Settings, d: &'a Doctor, month: &'a str, c: &DoctorComputation) -> DoctorFacts<'a> {
    DoctorFacts {
        hospital: &s.hospital_name,
        staff_id: &d.staff_id,
        name: &d.name,
        department: d.department.as_deref(),
        level: d.level().code(),
        month,
        actual_minutes: c.projection.actual.overtime_holiday_minutes,
        projected_minutes: c.projection.projected_overtime_holiday_minutes,
        reach_100_date: c.projection.reach_100_date,
        base_url: &s.base_url,
    }
}

/// How a user is named in mails and lists.
pub fn display_name(u: &User) -> String {
    u.name.clone().unwrap_or_else(|| u.login.clone())
}
