//! Sending one mail over SMTP (issue part 5: alerts by email through an outbox).
//!
//! The daily job renders alerts into [`Mail`]s (see `mails`), stores them in
//! the outbox table, and hands each one to [`Mailer::send`]. Sending is plain
//! SMTP to the hospital's relay (`smtp://[user:pass@]host[:port]`, no TLS —
//! lettre is built without a TLS backend), synchronous, with a short timeout,
//! so a dead relay costs seconds, not minutes. Any failure is returned, never
//! panicked: the mail then simply stays queued and the next run retries it.
//! With no `smtp_url` configured the mailer is "not configured" and every
//! send returns [`MailError::NotConfigured`], which likewise keeps mail queued.

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::{Message, SmtpTransport, Transport};
use std::fmt;
use std::time::Duration;

/// The SMTP port used when the URL names none.
const DEFAULT_PORT: u16 = 25;
/// How long one SMTP connection or command may take (each socket read or
/// write; one mail is a connection and about seven commands, so at most
/// about 80 s even against a relay that answers each just in time).
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The content type of the `.ics` invitation.
const ICS_CONTENT_TYPE: &str = "text/calendar; method=REQUEST; charset=utf-8";
/// The file name of the `.ics` invitation.
const ICS_FILE_NAME: &str = "invite.ics";

/// A mail ready to send (what the outbox stores).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The recipient: `addr@example.jp` or `名前 <addr@example.jp>`.
    pub to: String,
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body (an alternative to `text`).
    pub html: String,
    /// An iCalendar invitation, attached as `invite.ics` when present.
    pub ics: Option<String>,
}

/// Why a mail could not be built or sent. Displayed as "日本語 / English".
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP の URL が正しくありません / bad SMTP URL: {0}")]
    BadUrl(String),
    #[error("メールアドレスが正しくありません / bad mail address: {0}")]
    BadAddress(String),
    #[error("メールを作成できません / cannot build the mail: {0}")]
    Build(String),
    #[error("メールを送信できません / cannot send the mail: {0}")]
    Send(String),
    #[error("SMTP が設定されていません（smtp_url） / SMTP is not configured (smtp_url)")]
    NotConfigured,
}

/// Where and how to deliver: what `smtp://[user:pass@]host[:port]` says.
#[derive(Clone, PartialEq, Eq)]
struct SmtpTarget {
    host: String,
    port: u16,
    credentials: Option<(String, String)>,
}

impl fmt::Debug for SmtpTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the password.
        f.debug_struct("SmtpTarget")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .finish()
    }
}

/// The configured transport: the target, the built lettre transport and the sender.
#[derive(Clone)]
struct Configured {
    target: SmtpTarget,
    transport: SmtpTransport,
}

/// Sends [`Mail`]s through the configured SMTP relay (or refuses to, when
/// none is configured). Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    smtp: Option<Configured>,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("smtp", &self.smtp.as_ref().map(|c| &c.target))
            .finish()
    }
}

impl Mailer {
    /// `smtp://host:port` (port default 25); `smtp://user:pass@host:port`
    /// adds AUTH PLAIN/LOGIN credentials (percent-encoded in the URL); `None`
    /// or `""` → not configured (send returns NotConfigured so mails stay
    /// queued). `from` is the sender, checked here either way.
    pub fn from_url(url: Option<&str>, from: &str) -> Result<Mailer, MailError> {
        let from: Mailbox = from
            .trim()
            .parse()
            .map_err(|e| MailError::BadAddress(format!("{from:?}: {e}")))?;
        let smtp = match url.map(str::trim) {
            None | Some("") => None,
            Some(url) => {
                let target = parse_smtp_url(url)?;
                let mut builder = SmtpTransport::builder_dangerous(target.host.clone())
                    .port(target.port)
                    .timeout(Some(TIMEOUT));
                if let Some((user, pass)) = &target.credentials {
                    builder = builder
                        .credentials(Credentials::new(user.clone(), pass.clone()))
                        .authentication(vec![Mechanism::Plain, Mechanism::Login]);
                }
                Some(Configured {
                    target,
                    transport: builder.build(),
                })
            }
        };
        Ok(Mailer { from, smtp })
    }

    /// The stable Message-ID of the outbox mail with this dedupe key:
    /// `<sha256(key) in hex@kinmu.DOMAIN>`, DOMAIN being the sender's
    /// (`mail_from`) domain, so every instance and host gives the same one.
    /// The key is unique in the outbox, so no two mails share an id.
    pub fn message_id_for(&self, dedupe_key: &str) -> String {
        use sha2::{Digest, Sha256};
        let hash: String = Sha256::digest(dedupe_key.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let domain = self.from.email.domain();
        let domain: String = domain
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            .collect();
        let domain = if domain.is_empty() { "localhost".into() } else { domain };
        format!("<{hash}@kinmu.{domain}>")
    }

    /// Whether an SMTP relay is configured.
    pub fn is_configured(&self) -> bool {
        self.smtp.is_some()
    }

    /// Builds the MIME message (multipart/mixed: multipart/alternative
    /// text+html, plus `invite.ics` as `text/calendar; method=REQUEST;
    /// charset=utf-8` when `ics` is Some; only the alternative otherwise) and
    /// sends it synchronously, with a ~10 s timeout. Never panics.
    pub fn send(&self, mail: &Mail) -> Result<(), MailError> {
        self.send_with_id(mail, None)
    }

    /// As [`Mailer::send`], with the given `Message-ID` (a random one when
    /// `None`). The outbox gives every mail a stable one
    /// ([`Mailer::message_id_for`]), so sending a mail again after a crash
    /// between the relay's 250 and the outbox update repeats the same
    /// Message-ID, by which receivers and mail stores drop the duplicate.
    pub fn send_with_id(&self, mail: &Mail, message_id: Option<&str>) -> Result<(), MailError> {
        let smtp = self.smtp.as_ref().ok_or(MailError::NotConfigured)?;
        let message = build_message(&self.from, mail, message_id)?;
        smtp.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }
}

/// The MIME message for `mail`, from `from`.
fn build_message(from: &Mailbox, mail: &Mail, message_id: Option<&str>) -> Result<Message, MailError> {
    let to: Mailbox = mail
        .to
        .trim()
        .parse()
        .map_err(|e| MailError::BadAddress(format!("{:?}: {e}", mail.to)))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(&mail.subject))
        .message_id(message_id.map(str::to_string))
        .header(AutoSubmitted);
    let alternative = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
    let message = match &mail.ics {
        None => builder.multipart(alternative),
        Some(ics) => {
            let content_type = ContentType::parse(ICS_CONTENT_TYPE).map_err(|e| MailError::Build(e.to_string()))?;
            let invite = Attachment::new(ICS_FILE_NAME.to_string()).body(ics.clone(), content_type);
            builder.multipart(MultiPart::mixed().multipart(alternative).singlepart(invite))
        }
    };
    message.map_err(|e| MailError::Build(e.to_string()))
}

/// `Auto-Submitted: auto-generated` (RFC 3834): tells out-of-office
/// responders not to answer an alert.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

/// A subject on one line: control characters (CR, LF, tabs…) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Parses `smtp://[user:pass@]host[:port][/]`.
fn parse_smtp_url(url: &str) -> Result<SmtpTarget, MailError> {
    let bad = |why: &str| MailError::BadUrl(format!("{why}: {}", redact(url)));
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("smtp") => rest,
        Some((scheme, _)) => {
            return Err(bad(&format!(
                "scheme {scheme:?} is not supported (only smtp://, plain SMTP to the relay)"
            )))
        }
        None => return Err(bad("expected smtp://host[:port]")),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) {
        return Err(bad("no path or query is allowed"));
    }
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let credentials = match userinfo {
        None => None,
        Some(u) => {
            let (user, pass) = u
                .split_once(':')
                .ok_or_else(|| bad("credentials must be user:password"))?;
            let user = percent_decode(user).ok_or_else(|| bad("bad %-escape in the user"))?;
            let pass = percent_decode(pass).ok_or_else(|| bad("bad %-escape in the password"))?;
            if user.is_empty() {
                return Err(bad("empty user"));
            }
            Some((user, pass))
        }
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or_else(|| bad("unclosed [ in the host"))?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(|| bad("bad port"))?),
        };
        (host, port)
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("missing or bad host"));
    }
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(bad("bad port")),
        },
    };
    Ok(SmtpTarget {
        host: host.to_string(),
        port,
        credentials,
    })
}

/// The URL with any password replaced by `***`, for error messages.
fn redact(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(_)) => match rest.rsplit_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
                format!("{scheme}://{user}:***@{host}")
            }
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

/// Decodes `%XX` escapes (as in URL user info); None on a malformed escape
/// or a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(ics: Option<&str>) -> Mail {
        Mail {
            to: "佐藤 花子 <sato@example.jp>".to_string(),
            subject: "面接指導のご依頼：山田 太郎 医師（2024年6月）".to_string(),
            text: "佐藤 花子 先生\n\n面接指導をお願いします。\n".to_string(),
            html: "<p>佐藤 花子 先生</p>".to_string(),
            ics: ics.map(str::to_string),
        }
    }

    fn formatted(m: &Mail) -> String {
        let from: Mailbox = "kinmu <kinmu@example.jp>".parse().unwrap();
        String::from_utf8(build_message(&from, m, None).unwrap().formatted()).unwrap()
    }

    #[test]
    fn a_plain_smtp_url_gives_host_and_port() {
        let t = parse_smtp_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(t.host, "127.0.0.1");
        assert_eq!(t.port, 2525);
        assert_eq!(t.credentials, None);
    }

    #[test]
    fn the_port_defaults_to_25_and_a_trailing_slash_is_fine() {
        let t = parse_smtp_url("smtp://relay.hospital.local/").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("relay.hospital.local", 25));
        let t = parse_smtp_url("SMTP://relay").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("relay", 25));
    }

    #[test]
    fn credentials_in_the_url_are_percent_decoded() {
        let t = parse_smtp_url("smtp://kinmu%40hosp:p%3Ass%40w@relay:587").unwrap();
        assert_eq!(t.host, "relay");
        assert_eq!(t.port, 587);
        assert_eq!(t.credentials, Some(("kinmu@hosp".to_string(), "p:ss@w".to_string())));
    }

    #[test]
    fn an_ipv6_host_in_brackets_is_accepted() {
        let t = parse_smtp_url("smtp://[::1]:2525").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 2525));
    }

    #[test]
    fn bad_urls_are_refused() {
        for url in [
            "relay:25",
            "smtps://relay",
            "http://relay",
            "smtp://",
            "smtp://:25",
            "smtp://relay:0",
            "smtp://relay:99999",
            "smtp://relay:abc",
            "smtp://relay?tls=required",
            "smtp://relay/ehlo-name",
            "smtp://user@relay",
            "smtp://user:%zz@relay",
            "smtp://[::1",
        ] {
            assert!(
                matches!(parse_smtp_url(url), Err(MailError::BadUrl(_))),
                "{url} should be refused"
            );
        }
    }

    #[test]
    fn a_bad_url_error_never_shows_the_password() {
        let err = Mailer::from_url(Some("smtp://u:secret@relay:xx"), "kinmu@example.jp")
            .unwrap_err()
            .to_string();
        assert!(err.contains("u:***@relay:xx"), "{err}");
        assert!(!err.contains("secret"), "{err}");
        let m = Mailer::from_url(Some("smtp://u:secret@relay:25"), "kinmu@example.jp").unwrap();
        assert!(!format!("{m:?}").contains("secret"));
    }

    #[test]
    fn a_bad_sender_address_is_refused() {
        assert!(matches!(
            Mailer::from_url(None, "not an address"),
            Err(MailError::BadAddress(_))
        ));
    }

    #[test]
    fn no_url_or_an_empty_url_means_not_configured_and_send_keeps_mail_queued() {
        for url in [None, Some(""), Some("  ")] {
            let m = Mailer::from_url(url, "kinmu <kinmu@example.jp>").unwrap();
            assert!(!m.is_configured());
            assert!(matches!(m.send(&mail(None)), Err(MailError::NotConfigured)));
        }
        let m = Mailer::from_url(Some("smtp://127.0.0.1:2525"), "kinmu@example.jp").unwrap();
        assert!(m.is_configured());
    }

    #[test]
    fn a_dead_relay_is_a_send_error_not_a_panic() {
        // Bind then drop: the port is (almost certainly) closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let m = Mailer::from_url(Some(&format!("smtp://127.0.0.1:{port}")), "kinmu@example.jp").unwrap();
        assert!(matches!(m.send(&mail(None)), Err(MailError::Send(_))));
    }

    #[test]
    fn a_bad_recipient_is_a_bad_address() {
        let m = Mailer::from_url(Some("smtp://127.0.0.1:2525"), "kinmu@example.jp").unwrap();
        let mut bad = mail(None);
        bad.to = "nobody".to_string();
        assert!(matches!(m.send(&bad), Err(MailError::BadAddress(_))));
    }

    #[test]
    fn without_ics_the_message_is_a_text_and_html_alternative() {
        let f = formatted(&mail(None));
        assert!(f.contains("Content-Type: multipart/alternative"), "{f}");
        assert!(!f.contains("multipart/mixed"));
        assert!(f.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(f.contains("Content-Type: text/html; charset=utf-8"));
        assert!(!f.contains("text/calendar"));
        assert!(f.contains("\r\nAuto-Submitted: auto-generated\r\n"), "{f}");
        assert!(f.contains("\r\nMessage-ID: <"), "{f}");
    }

    #[test]
    fn the_outbox_message_id_is_stable_per_dedupe_key() {
        let m = Mailer::from_url(None, "kinmu <kinmu@Hospital.example.jp>").unwrap();
        let id = m.message_id_for("interview/7/2024-06/sato@example.jp");
        assert_eq!(id, m.message_id_for("interview/7/2024-06/sato@example.jp"));
        assert_ne!(id, m.message_id_for("interview/8/2024-06/sato@example.jp"));
        let (local, domain) = id
            .strip_prefix('<')
            .and_then(|s| s.strip_suffix('>'))
            .and_then(|s| s.split_once('@'))
            .unwrap();
        assert_eq!(local.len(), 64);
        assert!(local.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(domain, "kinmu.Hospital.example.jp");
        let from: Mailbox = "kinmu@example.jp".parse().unwrap();
        let f = String::from_utf8(build_message(&from, &mail(None), Some(&id)).unwrap().formatted()).unwrap();
        assert!(f.contains(&format!("\r\nMessage-ID: {id}\r\n")), "{f}");
    }

    #[test]
    fn with_ics_the_message_is_mixed_with_a_text_calendar_part() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
        let f = formatted(&mail(Some(ics)));
        assert!(f.contains("Content-Type: multipart/mixed"), "{f}");
        assert!(f.contains("Content-Type: multipart/alternative"));
        assert!(f.contains("text/calendar; method=REQUEST; charset=utf-8"), "{f}");
        assert!(f.contains("filename=\"invite.ics\""), "{f}");
        assert!(f.contains("BEGIN:VCALENDAR"), "{f}");
        // The calendar part comes after the alternative.
        assert!(f.find("multipart/alternative") < f.find("text/calendar"));
    }

    #[test]
    fn the_japanese_subject_is_encoded_and_kept_on_one_line() {
        let mut m = mail(None);
        m.subject = "面接指導\r\nBcc: evil@example.com".to_string();
        let f = formatted(&m);
        let headers = &f[..f.find("\r\n\r\n").unwrap()];
        assert!(headers.is_ascii(), "{headers}");
        assert!(headers.contains("Subject: =?utf-8?"), "{headers}");
        assert!(!headers.contains("\r\nBcc:"), "{headers}");
    }
}
