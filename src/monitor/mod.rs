//! Monitoring (rules §7, §8, §10): the daily job that opens interviews and
//! measures, the people its mails go to, the mail outbox and its sender,
//! the records of interviews, pre-checks, self-checks and measures, and
//! the intake folder's job (files imported by themselves, HR told of a
//! refused one).
//!
//! The jobs use the records (and the directory), never the other way round.

pub mod account_job;
pub mod anei;
pub mod daily;
pub mod directory;
pub mod intake;
pub mod mailer;
pub mod mails;
pub mod monthly;
pub mod opinions;
pub mod outbox;
pub mod recheck;
pub mod records;
pub mod selfcheck;
pub mod worklist;
