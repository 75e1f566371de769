//! Read models: what the screens (`web::ui`), the JSON API (`web::api`) and
//! the command line show, computed once below them from the compute stage
//! (`month`) and the stored records, as plain typed data. The surfaces only
//! render or serialise these; who sees what is asked of `policy` here.
//!
//! - [`dashboard`]: every doctor's month with department, state, interview;
//! - [`doctor_month`]: one doctor's month, rows, last twelve months,
//!   interviews and measures;
//! - [`queue`]: the discrepancy (乖離) queue;
//! - [`inspection`]: the records and figures of the inspector's print pack
//!   (rules §12), and [`pack`]: its parts as tables (HTML, CSV, xlsx, API).

pub mod dashboard;
pub mod doctor_month;
pub mod duties;
pub mod freshness;
pub mod inspection;
pub mod opinion;
pub mod pack;
pub mod payroll;
pub mod queue;
pub mod rest;
pub mod roster_check;
pub mod staffing;
