//! Who may see what of a doctor and of their interviews (面接指導) — the one
//! access rule of health data, asked by the doctor page and its API, the
//! interviews API and screens, the measures screens and the inspector's
//! print pack (rules.md §8.4, §12; docs/api.md "who sees what").
//!
//! Health data is the pre-checks of an interview's doctor-month (事前確認:
//! they belong to the month and may exist before its interview is opened),
//! the physician's check items and opinion (意見), and the doctor's fatigue
//! self-checks and sleep of that month. It is seen **per interview**, by the
//! doctor themself, their manager (所属長) and the physician *currently*
//! assigned to that interview — not by a physician who interviewed the doctor
//! another month, nor by one the interview was moved away from at the
//! doctor's request. HR and admin see who, when and the status, never health
//! data. Anyone else sees nothing: the doctor or interview does not exist
//! for them (404).
//!
//! Pure: the callers look up the facts (the doctor's staff id and manager,
//! the interview's physician) and ask here; nothing here reads the database,
//! so the rule is pinned by a role × relation table (the tests below).

use crate::accounts::Role;
use crate::db::models::{Doctor, User};

/// What a user may see of a doctor or of one interview, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sight {
    /// Nothing: it does not exist for them (404, not 403).
    None,
    /// A doctor's hours; of an interview who, when and its status.
    Status,
    /// Health data too.
    Health,
}

impl Sight {
    pub fn health(self) -> bool {
        self == Sight::Health
    }
}

/// The user asking.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub role: Role,
    pub login: &'a str,
    /// The doctor record of a doctor's account.
    pub staff_id: Option<&'a str>,
}

impl<'a> Who<'a> {
    pub fn of(role: Role, user: &'a User) -> Who<'a> {
        Who {
            role,
            login: &user.login,
            staff_id: user.staff_id.as_deref(),
        }
    }
}

/// The doctor asked about.
#[derive(Debug, Clone, Copy)]
pub struct Whose<'a> {
    pub staff_id: &'a str,
    pub manager_login: Option<&'a str>,
}

impl<'a> From<&'a Doctor> for Whose<'a> {
    fn from(d: &'a Doctor) -> Whose<'a> {
        Whose {
            staff_id: &d.staff_id,
            manager_login: d.manager_login.as_deref(),
        }
    }
}

/// The doctor's own account.
fn is_themself(who: Who, whose: Whose) -> bool {
    who.role == Role::Doctor && who.staff_id == Some(whose.staff_id)
}

/// The doctor's manager (所属長), who records pre-checks and measures.
pub fn is_manager(who: Who, whose: Whose) -> bool {
    who.role == Role::Manager && whose.manager_login == Some(who.login)
}

/// The physician assigned to an interview now, who records it.
pub fn is_assigned_physician(who: Who, physician_login: Option<&str>) -> bool {
    who.role == Role::Physician && physician_login == Some(who.login)
}

/// What `who` sees of one interview of `whose`, whose physician is
/// `physician_login` (`None` while none is assigned). Also the rule of the
/// pre-checks and self-checks of that doctor-month.
pub fn interview(who: Who, whose: Whose, physician_login: Option<&str>) -> Sight {
    if is_themself(who, whose) || is_manager(who, whose) || is_assigned_physician(who, physician_login) {
        Sight::Health
    } else if matches!(who.role, Role::Hr | Role::Admin) {
        Sight::Status
    } else {
        Sight::None
    }
}

/// What `who` sees of a doctor as a whole (their page and month), given
/// the physicians of every interview of the doctor. `Health` means health
/// data of every interview (the doctor, their manager); a physician
/// assigned to one of the interviews sees the doctor's hours (`Status`) and
/// health data only as [`listed_interview`] says.
pub fn doctor<'p>(who: Who, whose: Whose, physicians: impl IntoIterator<Item = Option<&'p str>>) -> Sight {
    if is_themself(who, whose) || is_manager(who, whose) {
        Sight::Health
    } else if matches!(who.role, Role::Hr | Role::Admin)
        || physicians.into_iter().any(|p| is_assigned_physician(who, p))
    {
        Sight::Status
    } else {
        Sight::None
    }
}

/// An interview as the page of its doctor lists it, to one who sees the
/// doctor at `doctor` and the interview itself at `interview` (of
/// [`interview`]): the status at least (its month, deadline and state are
/// part of the doctor's hours, shown to whoever sees the page), health data
/// only where the interview's own rule allows it.
pub fn listed_interview(doctor: Sight, interview: Sight) -> Sight {
    if doctor == Sight::None {
        Sight::None
    } else {
        interview.max(Sight::Status)
    }
}

/// Who records a doctor's 代償休息 grants and the reasons on their ledger
/// entries (formats.md R.4): HR and admins for every doctor, a manager for
/// their own doctors.
pub fn may_record_comp_rest(who: Who, whose: Whose) -> bool {
    matches!(who.role, Role::Hr | Role::Admin) || is_manager(who, whose)
}

/// Who may ask for another physician: the doctor, their manager, an admin.
/// `sight` is what `who` sees of the interview.
pub fn may_reassign(who: Who, sight: Sight) -> bool {
    who.role == Role::Admin || (sight.health() && matches!(who.role, Role::Doctor | Role::Manager))
}

/// Who sees the 面接指導管理 work list (every interview and measures case
/// of the hospital, case facts only — no health data): HR and admin.
pub fn sees_worklist(who: Who) -> bool {
    matches!(who.role, Role::Hr | Role::Admin)
}

/// Who may set an interview's 予定日時: its assigned physician, or HR.
pub fn may_schedule(who: Who, physician_login: Option<&str>) -> bool {
    who.role == Role::Hr || is_assigned_physician(who, physician_login)
}

/// Who may give an interview to a physician of their choice: HR (who
/// assign from the work list) and whoever may ask for another physician.
pub fn may_choose_physician(who: Who, sight: Sight) -> bool {
    who.role == Role::Hr || may_reassign(who, sight)
}

/// Whose measures cases (就業上の措置: employment measures, not health data)
/// `who` sees in the measures lists.
pub fn sees_measures(who: Who, whose: Whose) -> bool {
    match who.role {
        Role::Admin | Role::Hr => true,
        Role::Manager => is_manager(who, whose),
        Role::Doctor => is_themself(who, whose),
        Role::Physician => false,
    }
}

/// Whose month `who` sees on the dashboard, in the monthly report and the
/// discrepancy queue's figures: HR and admin every doctor's, a manager their
/// own doctors'. Physicians and doctors have no dashboard (they see a
/// doctor's month through [`doctor`]).
pub fn sees_dashboard_line(who: Who, whose: Whose) -> bool {
    match who.role {
        Role::Admin | Role::Hr => true,
        Role::Manager => is_manager(who, whose),
        Role::Physician | Role::Doctor => false,
    }
}

/// Which inspector's print pack (rules.md §12) a user may print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pack {
    /// Every doctor of the hospital, without health data (admin, HR).
    Hospital,
    /// The doctors whose manager the user is, each interview with what
    /// [`interview`] allows (所属長: all of it).
    Managed,
    /// The doctors an interview physician interviews (or is assigned to),
    /// each interview with what [`interview`] allows: the physician's own
    /// interviews' records and 意見書, nothing of the others'.
    Interviewed,
}

impl Pack {
    /// Whether the pack may carry any health data at all.
    pub fn health(self) -> bool {
        matches!(self, Pack::Managed | Pack::Interviewed)
    }
}

/// The print pack `who` may print, if any: admin and HR the hospital's,
/// without health data (「記録あり」 where a record exists); a manager
/// their doctors'; an interview physician the doctors of their interviews
/// (with their own interviews' records and 意見書). Doctors print none.
pub fn print_pack(who: Who) -> Option<Pack> {
    match who.role {
        Role::Admin | Role::Hr => Some(Pack::Hospital),
        Role::Manager => Some(Pack::Managed),
        Role::Physician => Some(Pack::Interviewed),
        Role::Doctor => None,
    }
}

/// Whether a print pack may carry the physicians' 意見書 pages for
/// interviews whose health data it does not carry: only the
/// administrator's, and only where the hospital's policy allows it
/// (`[inspection] administrator_sees_opinions`). The check items and
/// pre-checks stay withheld.
pub fn pack_carries_opinions(who: Who, hospital_allows: bool) -> bool {
    who.role == Role::Admin && hospital_allows
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: [Role; 5] = [Role::Admin, Role::Hr, Role::Manager, Role::Physician, Role::Doctor];

    /// How the user's account stands to doctor D01 and to one interview of
    /// D01 (physician `interviewer`); D01 has another interview, by `other`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Rel {
        /// The account's staff id is D01's.
        Themself,
        /// The account is D01's `manager_login`.
        Manager,
        /// The account is the interview's physician now.
        Assigned,
        /// The interview was moved from the account to another physician,
        /// who now has it; the account keeps D01's other interview.
        ReassignedAway,
        /// The account is the physician of D01's other interview (last
        /// month's), not of this one.
        OtherInterview,
        /// No relation to D01.
        Stranger,
    }
    const RELS: [Rel; 6] = [
        Rel::Themself,
        Rel::Manager,
        Rel::Assigned,
        Rel::ReassignedAway,
        Rel::OtherInterview,
        Rel::Stranger,
    ];

    /// (this interview's physician, the other interview's physician).
    fn physicians(rel: Rel) -> (Option<&'static str>, Option<&'static str>) {
        match rel {
            Rel::Assigned => (Some("me"), Some("colleague")),
            Rel::ReassignedAway | Rel::OtherInterview => (Some("colleague"), Some("me")),
            _ => (Some("colleague"), Some("colleague")),
        }
    }

    fn ask(role: Role, rel: Rel) -> Seen {
        let staff_id = (rel == Rel::Themself).then_some("D01");
        let who = Who {
            role,
            login: "me",
            staff_id,
        };
        let manager = if rel == Rel::Manager { "me" } else { "boss" };
        let whose = Whose {
            staff_id: "D01",
            manager_login: Some(manager),
        };
        let (this, other) = physicians(rel);
        let i = interview(who, whose, this);
        let d = doctor(who, whose, [this, other]);
        (d, i, listed_interview(d, i))
    }

    use Sight::{Health as H, None as N, Status as S};

    /// What one user sees: (the doctor, the interview, the interview on the
    /// doctor's page).
    type Seen = (Sight, Sight, Sight);

    /// (role, relation) → what they see. The relation only counts with the
    /// matching role: a manager's login on a doctor's account, say, is no
    /// manager.
    #[rustfmt::skip]
    const TABLE: [(Role, [Seen; 6]); 5] = [
        //                 Themself   Manager    Assigned   ReassignedAway OtherInterview Stranger
        (Role::Admin,     [(S, S, S), (S, S, S), (S, S, S), (S, S, S),     (S, S, S),     (S, S, S)]),
        (Role::Hr,        [(S, S, S), (S, S, S), (S, S, S), (S, S, S),     (S, S, S),     (S, S, S)]),
        (Role::Manager,   [(N, N, N), (H, H, H), (N, N, N), (N, N, N),     (N, N, N),     (N, N, N)]),
        (Role::Physician, [(N, N, N), (N, N, N), (S, H, H), (S, N, S),     (S, N, S),     (N, N, N)]),
        (Role::Doctor,    [(H, H, H), (N, N, N), (N, N, N), (N, N, N),     (N, N, N),     (N, N, N)]),
    ];

    #[test]
    fn health_data_is_seen_per_interview_by_the_doctor_their_manager_and_its_physician() {
        for (role, row) in TABLE {
            for (rel, want) in RELS.iter().zip(row) {
                assert_eq!(ask(role, *rel), want, "{role:?} × {rel:?} (doctor, interview, listed)");
            }
        }
    }

    #[test]
    fn a_physician_never_sees_the_health_data_of_an_interview_not_theirs() {
        for rel in [Rel::ReassignedAway, Rel::OtherInterview, Rel::Stranger] {
            let (_, i, listed) = ask(Role::Physician, rel);
            assert!(!i.health() && !listed.health(), "{rel:?}");
        }
    }

    #[test]
    fn an_interview_without_a_physician_is_health_data_of_the_doctor_and_manager_only() {
        let whose = Whose {
            staff_id: "D01",
            manager_login: Some("boss"),
        };
        for (role, login, staff_id, want) in [
            (Role::Doctor, "d01", Some("D01"), H),
            (Role::Manager, "boss", None, H),
            (Role::Physician, "kato", None, N),
            (Role::Hr, "jinji", None, S),
        ] {
            let who = Who { role, login, staff_id };
            assert_eq!(interview(who, whose, None), want, "{role:?}");
        }
        // A physician with no interview of the doctor sees nothing of them.
        let kato = Who {
            role: Role::Physician,
            login: "kato",
            staff_id: None,
        };
        assert_eq!(doctor(kato, whose, [None, Some("sato")]), N);
        assert_eq!(doctor(kato, whose, []), N);
    }

    #[test]
    fn the_dashboard_shows_hr_and_admin_every_doctor_and_a_manager_their_own() {
        for (role, rel, want) in [
            (Role::Admin, Rel::Stranger, true),
            (Role::Hr, Rel::Stranger, true),
            (Role::Manager, Rel::Manager, true),
            (Role::Manager, Rel::Stranger, false),
            (Role::Physician, Rel::Assigned, false),
            (Role::Doctor, Rel::Themself, false),
        ] {
            let who = Who {
                role,
                login: "me",
                staff_id: (rel == Rel::Themself).then_some("D01"),
            };
            let whose = Whose {
                staff_id: "D01",
                manager_login: Some(if rel == Rel::Manager { "me" } else { "boss" }),
            };
            assert_eq!(sees_dashboard_line(who, whose), want, "{role:?} × {rel:?}");
        }
    }

    #[test]
    fn who_may_ask_for_another_physician_and_see_measures_and_print() {
        let whose = Whose {
            staff_id: "D01",
            manager_login: Some("me"),
        };
        for role in ROLES {
            let who = Who {
                role,
                login: "me",
                staff_id: Some("D01"),
            };
            let sight = interview(who, whose, Some("me"));
            assert_eq!(
                may_reassign(who, sight),
                matches!(role, Role::Admin | Role::Manager | Role::Doctor),
                "{role:?} reassigns"
            );
            assert_eq!(sees_measures(who, whose), role != Role::Physician, "{role:?} measures");
            assert_eq!(
                print_pack(who),
                match role {
                    Role::Admin | Role::Hr => Some(Pack::Hospital),
                    Role::Manager => Some(Pack::Managed),
                    Role::Physician => Some(Pack::Interviewed),
                    Role::Doctor => None,
                },
                "{role:?} prints"
            );
        }
        // A manager or doctor who may not see the interview may not move it.
        let other = Who {
            role: Role::Manager,
            login: "other-boss",
            staff_id: None,
        };
        assert!(!may_reassign(other, interview(other, whose, Some("kato"))));
        assert!(!Pack::Hospital.health() && Pack::Managed.health() && Pack::Interviewed.health());
    }

    #[test]
    fn hr_and_admin_see_the_work_list_hr_and_the_physician_schedule() {
        let whose = Whose {
            staff_id: "D01",
            manager_login: Some("me"),
        };
        for role in ROLES {
            let who = Who {
                role,
                login: "me",
                staff_id: Some("D01"),
            };
            assert_eq!(sees_worklist(who), matches!(role, Role::Hr | Role::Admin), "{role:?}");
            assert_eq!(
                may_schedule(who, Some("me")),
                matches!(role, Role::Hr | Role::Physician),
                "{role:?} schedules"
            );
            assert_eq!(may_schedule(who, Some("colleague")), role == Role::Hr, "{role:?}");
            let sight = interview(who, whose, Some("me"));
            assert_eq!(
                may_choose_physician(who, sight),
                matches!(role, Role::Hr | Role::Admin | Role::Manager | Role::Doctor),
                "{role:?} chooses"
            );
        }
    }

    #[test]
    fn comp_rest_is_recorded_by_hr_admins_and_the_doctors_own_manager() {
        for role in ROLES {
            for rel in RELS {
                let staff_id = (rel == Rel::Themself).then_some("D01");
                let who = Who {
                    role,
                    login: "me",
                    staff_id,
                };
                let manager = if rel == Rel::Manager { "me" } else { "boss" };
                let whose = Whose {
                    staff_id: "D01",
                    manager_login: Some(manager),
                };
                let want = matches!(role, Role::Hr | Role::Admin) || (role == Role::Manager && rel == Rel::Manager);
                assert_eq!(may_record_comp_rest(who, whose), want, "{role:?} {rel:?}");
            }
        }
    }
}
