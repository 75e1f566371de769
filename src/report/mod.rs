//! Reports built from the stored rows by the rule book.

pub mod cache;
pub mod inspection;
pub mod monthly;
pub mod pack;

pub use monthly::{monthly, DoctorMonth, MonthlyReport, ReportError};
