//! The alert mails (issue part 5), as pure functions returning [`Mail`](super::mailer::Mail).
//!
//! Who gets what (rules §7–§8):
//! - the assigned interview physician: a new interview (面接指導), with the
//!   deadline and an `.ics` invitation for it;
//! - the doctor: that an interview is coming, with whom, by when, and that
//!   another physician may be asked for;
//! - the manager: a pre-check (事前確認) is needed past the watch level,
//!   measures (労働時間短縮のための措置) are needed over 155 h, an interview
//!   is overdue;
//! - HR: PC-log / timecard discrepancies (乖離) wait for resolution;
//! - at the monthly check (rules §16), the doctor over the 安衛法 80 h line:
//!   the excess and how to ask for the 面接指導; the 産業医: the list.
//!
//! Each mail is written once, as a list of [`Block`]s, and rendered twice —
//! plain text and a minimal inline-styled HTML — so the two never drift
//! apart and every interpolated value goes through one HTML escape. Bodies
//! are Japanese in a polite business style with a short English line at the
//! end; hours are `H:MM` (`format_hm`), dates ISO plus 和暦 ([`wareki`]).
//! Nothing here reads the clock or the database: the same facts give the
//! same mail, which keeps the outbox idempotent and the tests simple.
//!
//! By concern: `facts.rs` what a mail says about a doctor and month and
//! how dates and months are written; `body.rs` the blocks and their text and
//! HTML rendering; `ics.rs` the invitation; one file per kind of mail —
//! `interviews.rs`, `precheck.rs`, `measures.rs`, `discrepancies.rs`,
//! `admin.rs` (accounts disabled, the access-log anchor), `anei.rs` (the
//! 安衛法 80 h notice and the 産業医's list), `intake.rs` (a file
//! of the intake folder refused), `late.rs` (a case found from late data). This file declares
//! and re-exports them, so every `crate::monitor::mails::X` path is as it was.

mod admin;
mod anei;
mod body;
mod comp_rest;
mod discrepancies;
mod facts;
mod ics;
mod intake;
mod interviews;
mod late;
mod measures;
mod precheck;
mod request;
mod schedule;

pub use crate::domain::time::wareki;
pub use admin::{access_log_anchor, accounts_disabled};
pub use anei::{anei_notice_doctor, anei_physician_list, AneiLine, AneiMonth};
pub use comp_rest::{comp_rest_reminder, OpenRest};
pub use discrepancies::discrepancies_waiting;
pub use facts::DoctorFacts;
pub use intake::{intake_rejected, one_line, IntakeRejection, MAX_REASONS_IN_MAIL};
pub use interviews::{interview_assigned, interview_notice_doctor, interview_overdue};
pub use late::{case_found_late, Late};
pub use measures::measures_needed;
pub use precheck::precheck_needed;
pub use request::{interview_requested, Requester};
pub use schedule::{interview_scheduled, Scheduled};

#[cfg(test)]
mod tests {
    use super::facts::fixtures::{date, facts};
    use super::*;
    use crate::monitor::mailer::Mail;

    fn all_mails(name: &str) -> Vec<Mail> {
        let f = facts(name);
        let d = date("2024-06-19");
        vec![
            interview_assigned(&f, "sato@example.jp", "佐藤 花子", d),
            interview_notice_doctor(&f, "yamada@example.jp", "佐藤 花子", d),
            precheck_needed(&f, "boss@example.jp"),
            measures_needed(&f, "boss@example.jp", true),
            interview_overdue(&f, "boss@example.jp", d),
        ]
    }

    #[test]
    fn every_text_body_is_polite_japanese_ending_with_an_english_line() {
        let mut mails = all_mails("山田 太郎");
        mails.push(discrepancies_waiting(
            "みなと総合病院",
            "hr@example.jp",
            "2024-06",
            3,
            "https://x",
        ));
        for m in mails {
            assert!(m.text.contains("してください") || m.text.contains("お願いします"));
            let last = m.text.trim_end().lines().last().unwrap();
            assert!(last.starts_with("This is an automatic message from kinmu"), "{last}");
            assert!(m.html.contains("This is an automatic message from kinmu"));
            assert!(m.html.starts_with("<!DOCTYPE html>"));
        }
    }

    #[test]
    fn html_bodies_escape_every_value() {
        let mut f = facts("<b>山田</b>");
        f.department = Some("内科 & \"外科\"");
        f.hospital = "<script>";
        f.base_url = "https://x/\"><script>";
        let mut mails = all_mails("<b>山田</b>");
        let d = date("2024-06-19");
        mails.push(interview_assigned(&f, "a@example.jp", "<i>佐藤</i>", d));
        mails.push(discrepancies_waiting(
            "<script>",
            "hr@example.jp",
            "<m>",
            1,
            "https://x/\"",
        ));
        for m in mails {
            assert!(!m.html.contains("<b>"), "{}", m.html);
            assert!(!m.html.contains("<i>"));
            assert!(!m.html.contains("<script>"));
            assert!(!m.html.contains("<m>"));
        }
        let m = precheck_needed(&facts("<b>山田</b>"), "boss@example.jp");
        assert!(m.html.contains("&lt;b&gt;山田&lt;/b&gt;"));
        let m = interview_assigned(&f, "a@example.jp", "x", d);
        assert!(m.html.contains("内科 &amp; &quot;外科&quot;"));
    }
}
