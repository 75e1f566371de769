//! Who the inspector's print pack (rules §12) is for: which doctors it
//! covers and which health data it may carry, as the access policy
//! ([`crate::policy`]) decides for the one who prints and per interview.

use crate::accounts::Role;
use crate::db::models::Doctor;
use crate::db::{queries, AnyConnection};
use crate::policy::{self, Pack, Who};
use diesel::QueryResult;

/// Which doctors the pack covers and what health data it may carry: the
/// access policy's print pack ([`policy::print_pack`]) for the one who
/// prints, and each interview's health data (with its pre-check) as
/// [`policy::interview`] allows it to them.
///
/// The hospital's pack (admin) covers every doctor without health data; a
/// manager's (所属長) covers their doctors with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    manager: Option<String>,
    /// The interview physician whose interviewees these are.
    physician: Option<String>,
    pack: Pack,
    /// Who prints, as the policy asks about them (`None`: no one's health
    /// data).
    reader: Option<Reader>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Reader {
    role: Role,
    login: String,
    staff_id: Option<String>,
}

impl Scope {
    /// The pack `who` may print, if any.
    pub fn of(who: Who) -> Option<Scope> {
        let pack = policy::print_pack(who)?;
        Some(Scope {
            manager: (pack == Pack::Managed).then(|| who.login.to_string()),
            physician: (pack == Pack::Interviewed).then(|| who.login.to_string()),
            pack,
            reader: Some(Reader {
                role: who.role,
                login: who.login.to_string(),
                staff_id: who.staff_id.map(str::to_string),
            }),
        })
    }

    /// Every doctor of the hospital, without health data.
    pub fn hospital() -> Scope {
        Scope {
            manager: None,
            physician: None,
            pack: Pack::Hospital,
            reader: None,
        }
    }

    /// Whether the health data of an interview of `d` whose physician is
    /// `physician_login` (and the pre-check of its month) may be shown.
    pub(super) fn health_of(&self, d: &Doctor, physician_login: Option<&str>) -> bool {
        self.pack.health()
            && self.reader.as_ref().is_some_and(|r| {
                let who = Who {
                    role: r.role,
                    login: &r.login,
                    staff_id: r.staff_id.as_deref(),
                };
                policy::interview(who, d.into(), physician_login).health()
            })
    }

    pub fn includes(&self, d: &Doctor) -> bool {
        self.manager
            .as_deref()
            .is_none_or(|m| d.manager_login.as_deref() == Some(m))
    }

    /// Whether the pack may carry any health data at all.
    pub fn health(&self) -> bool {
        self.pack.health()
    }

    /// The manager whose doctors these are.
    pub fn manager_login(&self) -> Option<&str> {
        self.manager.as_deref()
    }

    /// The interview physician whose interviewees these are.
    pub fn physician_login(&self) -> Option<&str> {
        self.physician.as_deref()
    }

    /// Every doctor of the hospital (not one manager's or physician's).
    pub fn whole_hospital(&self) -> bool {
        self.manager.is_none() && self.physician.is_none()
    }
}

/// The doctors in scope, and their ids as a query filter (`None`: all, so
/// the queries need no id list).
pub(super) fn scoped(conn: &mut AnyConnection, scope: &Scope) -> QueryResult<(Vec<Doctor>, Option<Vec<i64>>)> {
    let all = queries::all_doctors(conn)?;
    if scope.whole_hospital() {
        return Ok((all, None));
    }
    let interviewed: Option<std::collections::HashSet<i64>> = match &scope.physician {
        Some(login) => Some(
            crate::db::inspection::doctors_interviewed_by(conn, login)?
                .into_iter()
                .collect(),
        ),
        None => None,
    };
    let mine: Vec<Doctor> = all
        .into_iter()
        .filter(|d| scope.includes(d) && interviewed.as_ref().is_none_or(|ids| ids.contains(&d.id)))
        .collect();
    let ids = mine.iter().map(|d| d.id).collect();
    Ok((mine, Some(ids)))
}

/// The name of the doctor `staff_id` if they are in `scope` (`None`: no
/// such doctor, or not one the scope covers).
pub fn doctor_in_scope(conn: &mut AnyConnection, scope: &Scope, staff_id: &str) -> QueryResult<Option<String>> {
    let (doctors, _) = scoped(conn, scope)?;
    Ok(doctors.into_iter().find(|d| d.staff_id == staff_id).map(|d| d.name))
}
