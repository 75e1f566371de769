//! [`Coded`]: a text column holding one of the domain's codes (a row's kind,
//! 研鑽 status, 所定区分, rest-rule flag), read straight into its enum.
//!
//! A month's report reads hundreds of thousands of shift rows; reading
//! each code as a `String` first was an allocation per column and row.
//! Here the text is looked at where the driver holds it (SQLite's value,
//! PostgreSQL's result) and only an unreadable value is copied, so that
//! the caller can say which row is corrupt and what it held.

use crate::domain::row_status::{ScheduleClass, StudyStatus};
use crate::domain::shift::{IntervalRule, Kind};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

/// A code as stored: the value, or the text when it is none of the codes.
#[derive(Debug, Clone, PartialEq, Eq, FromSqlRow)]
pub struct Coded<T>(pub Result<T, Box<str>>);

/// A domain enum stored as text.
pub trait Code: Sized {
    /// The value of a stored text (its code or an alias), if any.
    fn from_text(s: &str) -> Option<Self>;
}

impl Code for Kind {
    fn from_text(s: &str) -> Option<Kind> {
        Kind::parse(s)
    }
}

impl Code for StudyStatus {
    fn from_text(s: &str) -> Option<StudyStatus> {
        StudyStatus::parse(s)
    }
}

impl Code for ScheduleClass {
    fn from_text(s: &str) -> Option<ScheduleClass> {
        ScheduleClass::parse(s)
    }
}

impl Code for IntervalRule {
    fn from_text(s: &str) -> Option<IntervalRule> {
        IntervalRule::parse(s)
    }
}

impl<T: Code> Coded<T> {
    fn of(s: &str) -> Coded<T> {
        Coded(T::from_text(s).ok_or_else(|| s.into()))
    }
}

impl<T: Code> FromSql<Text, Sqlite> for Coded<T> {
    fn from_sql(mut value: <Sqlite as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(Coded::of(value.read_text()))
    }
}

impl<T: Code> FromSql<Text, Pg> for Coded<T> {
    fn from_sql(value: <Pg as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(Coded::of(std::str::from_utf8(value.as_bytes())?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_or_an_alias_is_read_and_anything_else_is_kept_as_written() {
        assert_eq!(Coded::<Kind>::of("work").0, Ok(Kind::Work));
        assert_eq!(Coded::<Kind>::of("宿日直(許可)").0, Ok(Kind::DutyPermitted));
        assert_eq!(Coded::<ScheduleClass>::of("extra").0, Ok(ScheduleClass::Extra));
        assert_eq!(Coded::<StudyStatus>::of("").0, Ok(StudyStatus::Unconfirmed));
        assert_eq!(Coded::<IntervalRule>::of("c1_24h").0, Ok(IntervalRule::C1Day));
        assert_eq!(Coded::<Kind>::of("nap").0, Err("nap".into()));
    }
}
