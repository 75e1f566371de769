//! The `.ics` invitation attached to the assigned physician's mail: an
//! iCalendar REQUEST (RFC 5545 / 5546) for the interview deadline, with the
//! escaping and the line folding the RFC asks for.

use super::facts::{date_ja, month_ja, DoctorFacts};
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// The iCalendar invitation (RFC 5545 / 5546 REQUEST) for the interview
/// deadline: one all-day VEVENT on the deadline date, CRLF lines, folded at
/// 75 octets. Pure: UID from staff id + month, DTSTAMP from the deadline.
/// The physician is both ORGANIZER and ATTENDEE — REQUEST needs an
/// organizer, and making the event the physician's own keeps calendar
/// clients from sending RSVPs to kinmu's unattended sender address.
pub(super) fn interview_ics(f: &DoctorFacts, to: &str, physician_name: &str, deadline: NaiveDate) -> String {
    let day = |d: NaiveDate| d.format("%Y%m%d").to_string();
    let address = mail_address(to);
    let cn = param_value(physician_name);
    let description = format!(
        "{} 先生（職員番号 {}、{}）の面接指導の実施期限です。\n期限：{}\n{}/",
        f.name,
        f.staff_id,
        month_ja(f.month),
        date_ja(deadline),
        f.base_url.trim_end_matches('/')
    );
    let mut lines = request_head(f);
    lines.extend([
        format!("DTSTAMP:{}T000000Z", day(deadline)),
        "SEQUENCE:0".to_string(),
        format!("DTSTART;VALUE=DATE:{}", day(deadline)),
        format!("DTEND;VALUE=DATE:{}", day(deadline + Duration::days(1))),
        format!("SUMMARY:{}", ics_text(&format!("面接指導（{}）期限", f.name))),
        format!("DESCRIPTION:{}", ics_text(&description)),
        format!("ORGANIZER;CN={cn}:mailto:{address}"),
        format!("ATTENDEE;CN={cn};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:{address}"),
        "STATUS:CONFIRMED".to_string(),
        "TRANSP:TRANSPARENT".to_string(),
    ]);
    written(lines)
}

/// One attendee of a scheduled interview: the address (`名前 <addr>` or
/// `addr`) and the name.
pub(super) struct Party<'a> {
    pub(super) to: &'a str,
    pub(super) name: &'a str,
}

/// The invitation for the interview's 予定日時 (issue 13): the same UID as
/// the deadline's invitation, so a calendar replaces the event, with a
/// higher SEQUENCE each time the time is set (RFC 5546 §2.1.4), a timed
/// event of 30 minutes. `utc_offset_secs` turns the hospital's local
/// times into UTC (`…Z`); `stamp` is when the time was set. The physician
/// organises; the doctor is asked to attend.
pub(super) fn interview_schedule_ics(
    f: &DoctorFacts,
    physician: &Party,
    doctor: Option<&Party>,
    at: NaiveDateTime,
    sequence: i64,
    stamp: NaiveDateTime,
    utc_offset_secs: i32,
) -> String {
    let utc = |t: NaiveDateTime| {
        (t - Duration::seconds(i64::from(utc_offset_secs)))
            .format("%Y%m%dT%H%M%SZ")
            .to_string()
    };
    let address = mail_address(physician.to);
    let cn = param_value(physician.name);
    let description = format!(
        "{} 先生（職員番号 {}、{}）の面接指導です。\n予定：{} {}\n{}/",
        f.name,
        f.staff_id,
        month_ja(f.month),
        date_ja(at.date()),
        at.format("%H:%M"),
        f.base_url.trim_end_matches('/')
    );
    let mut lines = request_head(f);
    lines.extend([
        format!("DTSTAMP:{}", utc(stamp)),
        format!("SEQUENCE:{sequence}"),
        format!("DTSTART:{}", utc(at)),
        format!("DTEND:{}", utc(at + Duration::minutes(30))),
        format!("SUMMARY:{}", ics_text(&format!("面接指導（{}）", f.name))),
        format!("DESCRIPTION:{}", ics_text(&description)),
        format!("ORGANIZER;CN={cn}:mailto:{address}"),
        format!("ATTENDEE;CN={cn};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:{address}"),
    ]);
    if let Some(d) = doctor {
        lines.push(format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:{}",
            param_value(d.name),
            mail_address(d.to)
        ));
    }
    lines.extend(["STATUS:CONFIRMED".to_string(), "TRANSP:OPAQUE".to_string()]);
    written(lines)
}

/// The lines every invitation of a doctor-month's interview starts with:
/// one UID per doctor and month, so a calendar replaces the event.
fn request_head(f: &DoctorFacts) -> Vec<String> {
    vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//kinmu//kinmu//JA".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:REQUEST".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!(
            "UID:{}",
            ics_text(&format!("kinmu-interview-{}-{}@kinmu", f.staff_id, f.month))
        ),
    ]
}

/// The event closed, each line folded and ended with CRLF.
fn written(mut lines: Vec<String>) -> String {
    lines.extend(["END:VEVENT".to_string(), "END:VCALENDAR".to_string()]);
    let mut out = String::new();
    for line in &lines {
        out.push_str(&fold(line));
        out.push_str("\r\n");
    }
    out
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma, newline.
pub(super) fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (CN=…): always quoted; DQUOTE and controls cannot
/// appear in one, so they are dropped.
fn param_value(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// The bare address of `名前 <addr>` or `addr`.
fn mail_address(to: &str) -> String {
    let to = to.trim();
    match (to.rfind('<'), to.rfind('>')) {
        (Some(a), Some(b)) if a < b => to[a + 1..b].trim().to_string(),
        _ => to.to_string(),
    }
    .chars()
    .filter(|c| !c.is_control() && !c.is_whitespace())
    .collect()
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a
/// UTF-8 character: continuation lines start with one space.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    let mut limit = 75;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > limit {
            out.push_str("\r\n ");
            width = 0;
            limit = 74; // the leading space counts
        }
        out.push(c);
        width += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ics_lines_fold_at_75_octets_between_characters() {
        let long = format!("DESCRIPTION:{}", "面接指導".repeat(30));
        let folded = fold(&long);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{part}");
        }
        assert_eq!(folded.replace("\r\n ", ""), long);
        assert_eq!(fold("SHORT"), "SHORT");
    }
}
