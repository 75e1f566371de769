//! Monitoring (rules §7, §8, §10): the daily job that opens interviews and
//! measures, the people its mails go to, the mail outbox and its sender,
//! and the records of interviews, pre-checks, self-checks and measures.
//!
//! The jobs use the records (and the directory), never the other way round.

pub mod account_job;
pub mod daily;
pub mod directory;
pub mod mailer;
pub mod mails;
pub mod monthly;
pub mod outbox;
pub mod records;
