//! The outbox after a crash (issue 10, finding 12): a mail sent again
//! carries the same Message-ID, and the claims of a dead sender are taken
//! back after the short lease, on both backends against a real SMTP server.

use crate::helpers::*;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use kinmu::db::schema::outbox as ob;
use kinmu::db::AnyConnection;
use kinmu::monitor::mailer::{Mail, Mailer};
use kinmu::monitor::outbox::{self, Topic, CLAIM_LEASE_SECONDS};

/// Queues one mail to `to` at `at`; returns its dedupe key.
fn queue(db: &TestDb, to: &str, at: NaiveDateTime) -> String {
    let mut conn = db.conn();
    let topic = Topic {
        reason: kinmu::monitor::outbox::MailKind::DiscrepanciesWaiting,
        doctor_id: None,
        month: Some("2024-06"),
    };
    let mail = Mail {
        to: to.into(),
        subject: "面接指導のお知らせ".into(),
        text: "本文\n".into(),
        html: "<p>本文</p>".into(),
        ics: None,
    };
    assert!(outbox::enqueue(&mut conn, &topic, mail, at).unwrap());
    // reason/doctor/month/recipient, as the outbox makes it.
    format!("discrepancies_waiting//2024-06/{to}")
}

/// What a sender that died after the relay's 250 (or while sending) leaves:
/// every mail claimed at `at`, none marked sent.
fn claimed_by_a_dead_sender(db: &TestDb, at: NaiveDateTime) {
    let mut conn = db.conn();
    let conn: &mut AnyConnection = &mut conn;
    diesel::update(ob::table)
        .set((
            ob::status.eq(outbox::SENDING),
            ob::claimed_at.eq(Some(at)),
            ob::sent_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .unwrap();
}

fn flush(db: &TestDb, mailer: &Mailer, at: NaiveDateTime) -> outbox::Flushed {
    let mut conn = db.conn();
    outbox::flush(&mut conn, mailer, at, false).unwrap()
}

#[test]
fn a_mail_sent_again_after_a_crash_carries_the_same_message_id() {
    each_backend(|db| {
        let sink = SmtpSink::start();
        let mailer = Mailer::from_url(Some(&sink.url()), "kinmu <kinmu@hospital.example.jp>").unwrap();
        let t0 = now();
        let key = queue(db, "sato@example.jp", t0);
        assert_eq!(flush(db, &mailer, t0).sent, 1);

        // The relay said 250, then the process died before the outbox update.
        let crash = t0 + Duration::minutes(1);
        claimed_by_a_dead_sender(db, crash);
        let again = flush(db, &mailer, crash + Duration::seconds(CLAIM_LEASE_SECONDS + 1));
        assert_eq!(again.sent, 1, "the abandoned claim is taken back and the mail sent");

        let got = sink.messages();
        assert_eq!(got.len(), 2);
        let ids: Vec<String> = got.iter().map(|m| m.header("Message-ID").unwrap()).collect();
        assert_eq!(ids[0], ids[1], "a resend repeats the Message-ID");
        assert_eq!(ids[0], mailer.message_id_for(&key));
        let (local, domain) = ids[0]
            .strip_prefix('<')
            .and_then(|s| s.strip_suffix('>'))
            .and_then(|s| s.split_once('@'))
            .unwrap();
        assert_eq!(local.len(), 64, "{}", ids[0]);
        assert_eq!(domain, "kinmu.hospital.example.jp");

        // Another mail has another Message-ID.
        queue(db, "suzuki@example.jp", t0);
        assert_eq!(flush(db, &mailer, t0 + Duration::minutes(10)).sent, 1);
        let third = sink.messages()[2].header("Message-ID").unwrap();
        assert_ne!(third, ids[0]);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'"),
            2
        );
    });
}

#[test]
fn a_claim_left_by_a_dead_sender_is_taken_back_after_the_two_minute_lease() {
    each_backend(|db| {
        let sink = SmtpSink::start();
        let mailer = Mailer::from_url(Some(&sink.url()), "kinmu <kinmu@hospital.example.jp>").unwrap();
        let t0 = now();
        queue(db, "a@example.jp", t0);
        queue(db, "b@example.jp", t0);
        claimed_by_a_dead_sender(db, t0);

        // Within the lease the claim stands: nobody sends the mails.
        let early = flush(db, &mailer, t0 + Duration::seconds(CLAIM_LEASE_SECONDS - 1));
        assert_eq!(early, outbox::Flushed::default());
        assert!(sink.messages().is_empty());

        // Two minutes on, another sender takes them (not ten minutes).
        const { assert!(CLAIM_LEASE_SECONDS <= 120) };
        let late = flush(db, &mailer, t0 + Duration::seconds(121));
        assert_eq!(late.sent, 2);
        assert_eq!(sink.messages().len(), 2);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM outbox WHERE status = 'sent'"),
            2
        );
    });
}
