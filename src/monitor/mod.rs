//! Monitoring (rules §7, §8, §10): the daily job that opens interviews and
//! measures, the mail outbox and its sender, and the records of interviews,
//! pre-checks and measures.

pub mod account_job;
pub mod daily;
pub mod mailer;
pub mod mails;
pub mod monthly;
pub mod outbox;
pub mod records;
