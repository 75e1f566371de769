//! The rule book (docs/rules.md) as pure code: no I/O, no database, no clock.
//!
//! Everything here works in whole minutes (`i64`) on local hospital wall-clock
//! time (`chrono::NaiveDateTime`). Each public function implements one rule of
//! docs/rules.md and is pinned by worked examples computed by hand in its
//! module's tests.

pub mod agreement;
pub mod breaks;
pub mod count;
pub mod discrepancy;
pub mod due;
pub mod duties;
#[cfg(test)]
mod duty_examples;
#[cfg(test)]
mod example_json;
pub mod fatigue;
pub mod frozen;
pub mod hours;
pub mod identity;
pub mod input;
pub mod interval;
pub mod interview;
pub mod opinion;
pub mod permits;
pub mod profile;
pub mod projection;
pub mod rest;
pub mod retention;
pub mod roster_check;
pub mod row_status;
pub mod selfcheck;
pub mod shift;
pub mod staffing;
pub mod text;
pub mod time;
pub mod worklist;

pub use count::MonthFigures;
pub use hours::RuleConfig;
pub use projection::{Flags, Projection};
pub use shift::{Kind, Level, Shift, ShiftError};
pub use time::{Minutes, YearMonth};
