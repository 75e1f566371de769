//! Reports built from the stored rows by the rule book.

pub mod monthly;

pub use monthly::{monthly, DoctorMonth, MonthlyReport, ReportError};
