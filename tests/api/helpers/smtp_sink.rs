//! A minimal real SMTP server for the integration tests (std only).
//!
//! The mail alerts go out through lettre over plain SMTP; to test that end to
//! end — including "a mail that cannot be sent stays queued and goes out on
//! the next run" — the tests need a server they can read back from, stop
//! (the port then refuses connections) and start again on the same port.
//! [`SmtpSink`] is that server: it listens on 127.0.0.1, one thread per
//! connection, speaks just enough SMTP for lettre (greeting, EHLO/HELO with
//! 8BITMIME and SMTPUTF8, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP,
//! QUIT) and keeps every message as a [`Received`]. [`Received`] has small
//! decoders (RFC 2047 encoded words, MIME parts in base64 or
//! quoted-printable) so tests can assert on the Japanese text itself.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One message the server accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope sender (`MAIL FROM:<…>`), without brackets.
    pub from: String,
    /// The envelope recipients (`RCPT TO:<…>`), without brackets.
    pub to: Vec<String>,
    /// The message as sent after DATA (headers and body, CRLF lines,
    /// dot-unstuffed, without the final `.` line).
    pub data: String,
}

/// A running (or stopped) test SMTP server.
pub struct SmtpSink {
    port: u16,
    store: Arc<Mutex<Vec<Received>>>,
    running: Option<Running>,
}

/// The accept loop of a started sink.
struct Running {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl SmtpSink {
    /// Starts a server on 127.0.0.1 on a free port.
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let store = Arc::new(Mutex::new(Vec::new()));
        let running = Some(Self::serve(listener, store.clone()));
        SmtpSink { port, store, running }
    }

    /// `smtp://127.0.0.1:PORT`, for `smtp_url`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message received so far, oldest first (kept across stop/restart).
    pub fn messages(&self) -> Vec<Received> {
        self.store.lock().unwrap().clone()
    }

    /// Stops accepting and closes the port: new connections are refused.
    /// Connections already open are left to finish.
    pub fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop.store(true, Ordering::SeqCst);
            // Wake the blocking accept so the loop sees the flag and drops the listener.
            let _ = TcpStream::connect_timeout(&self.addr(), Duration::from_secs(2));
            running.thread.join().unwrap();
        }
    }

    /// Listens again on the same port (after [`stop`](Self::stop)).
    pub fn restart(&mut self) {
        if self.running.is_some() {
            return;
        }
        // std sets SO_REUSEADDR on Unix; retry briefly in case the port lingers.
        let mut tries = 0;
        let listener = loop {
            match TcpListener::bind(self.addr()) {
                Ok(l) => break l,
                Err(_) if tries < 50 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("cannot listen again on port {}: {e}", self.port),
            }
        };
        self.running = Some(Self::serve(listener, self.store.clone()));
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    fn serve(listener: TcpListener, store: Arc<Mutex<Vec<Received>>>) -> Running {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let store = store.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &store);
                });
            }
            // `listener` is dropped here: the port closes.
        });
        Running { stop, thread }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One SMTP conversation.
fn session(stream: TcpStream, store: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    out.write_all(b"220 127.0.0.1 kinmu test SMTP ready\r\n")?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    loop {
        let Some(line) = read_line(&mut input)? else {
            return Ok(());
        };
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or("");
        let reply: &[u8] = match verb {
            "EHLO" => {
                from = None;
                to.clear();
                b"250-127.0.0.1 hello\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            }
            "HELO" => {
                from = None;
                to.clear();
                b"250 127.0.0.1 hello\r\n"
            }
            "MAIL" if upper.starts_with("MAIL FROM:") => {
                from = Some(address(&line["MAIL FROM:".len()..]));
                to.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if upper.starts_with("RCPT TO:") => {
                if from.is_some() {
                    to.push(address(&line["RCPT TO:".len()..]));
                    b"250 2.1.5 OK\r\n"
                } else {
                    b"503 5.5.1 MAIL first\r\n"
                }
            }
            "DATA" => {
                if from.is_none() || to.is_empty() {
                    b"503 5.5.1 RCPT first\r\n"
                } else {
                    out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                    let Some(data) = read_data(&mut input)? else {
                        return Ok(());
                    };
                    store.lock().unwrap().push(Received {
                        from: from.take().unwrap_or_default(),
                        to: std::mem::take(&mut to),
                        data,
                    });
                    b"250 2.0.0 OK queued\r\n"
                }
            }
            "RSET" => {
                from = None;
                to.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                out.write_all(b"221 2.0.0 Bye\r\n")?;
                return Ok(());
            }
            _ => b"500 5.5.2 command not recognized\r\n",
        };
        out.write_all(reply)?;
    }
}

/// One line without its CRLF (lossy UTF-8); None at end of stream.
fn read_line(input: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    if input.read_until(b'\n', &mut buf)? == 0 {
        return Ok(None);
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// The DATA section up to the `.` line, dot-unstuffed, CRLF lines; None if
/// the stream ends first.
fn read_data(input: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut data = String::new();
    loop {
        let Some(line) = read_line(input)? else {
            return Ok(None);
        };
        if line == "." {
            return Ok(Some(data));
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
        data.push_str("\r\n");
    }
}

/// `<a@b> SIZE=…` or ` a@b` → `a@b`.
fn address(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(a), Some(b)) if a < b => arg[a + 1..b].to_string(),
        _ => arg.split_whitespace().next().unwrap_or("").to_string(),
    }
}

/// One leaf of the MIME tree: its headers (unfolded) and its raw body.
#[derive(Debug, Clone)]
pub struct Part {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Part {
    /// The first header of that name (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body with its Content-Transfer-Encoding undone, as UTF-8 (lossy).
    pub fn decoded(&self) -> String {
        let cte = self
            .header("Content-Transfer-Encoding")
            .unwrap_or("7bit")
            .trim()
            .to_ascii_lowercase();
        let bytes = match cte.as_str() {
            "base64" => base64_decode(&self.body),
            "quoted-printable" => qp_decode(&self.body, false),
            _ => self.body.clone().into_bytes(),
        };
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Received {
    /// The first top-level header of that name (case-insensitive), unfolded, raw.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = split_entity(&self.data);
        parse_headers(head)
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The Subject with RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) decoded.
    pub fn subject_decoded(&self) -> String {
        decode_encoded_words(&self.header("Subject").unwrap_or_default())
    }

    /// The leaf parts of the message, in order (the message itself if not multipart).
    pub fn parts(&self) -> Vec<Part> {
        let mut out = Vec::new();
        collect_parts(&self.data, &mut out);
        out
    }

    /// The decoded body of the first part whose Content-Type starts with
    /// `mime` (e.g. `text/plain`, `text/html`, `text/calendar`), line ends as `\n`.
    pub fn part_text(&self, mime: &str) -> Option<String> {
        self.parts()
            .into_iter()
            .find(|p| {
                p.header("Content-Type")
                    .unwrap_or("text/plain")
                    .trim()
                    .to_ascii_lowercase()
                    .starts_with(&mime.to_ascii_lowercase())
            })
            .map(|p| p.decoded().replace("\r\n", "\n"))
    }

    /// The decoded plain-text body.
    pub fn text(&self) -> Option<String> {
        self.part_text("text/plain")
    }

    /// The decoded HTML body.
    pub fn html(&self) -> Option<String> {
        self.part_text("text/html")
    }

    /// The decoded `.ics` attachment, CRLF kept.
    pub fn ics(&self) -> Option<String> {
        self.parts()
            .into_iter()
            .find(|p| {
                p.header("Content-Type")
                    .is_some_and(|c| c.to_ascii_lowercase().starts_with("text/calendar"))
            })
            .map(|p| p.decoded())
    }
}

/// Splits an entity into its header block and its body at the first empty line.
fn split_entity(entity: &str) -> (&str, &str) {
    match entity.find("\r\n\r\n") {
        Some(i) => (&entity[..i], &entity[i + 4..]),
        None => (entity, ""),
    }
}

/// Header lines, unfolded (continuation lines start with space or tab).
fn parse_headers(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push_str(line);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

/// The `boundary` parameter of a multipart Content-Type.
fn boundary(content_type: &str) -> Option<String> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("boundary=")? + "boundary=".len();
    let rest = &content_type[at..];
    Some(match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?.to_string(),
        None => rest.split([';', ' ']).next()?.trim().to_string(),
    })
}

fn collect_parts(entity: &str, out: &mut Vec<Part>) {
    let (head, body) = split_entity(entity);
    let headers = parse_headers(head);
    let content_type = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Content-Type"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let multipart = content_type.to_ascii_lowercase().starts_with("multipart/");
    match boundary(&content_type).filter(|_| multipart) {
        Some(b) => {
            let (open, close) = (format!("--{b}"), format!("--{b}--"));
            let mut chunk: Option<Vec<&str>> = None;
            for line in body.split("\r\n") {
                if line == close {
                    break;
                }
                if line == open {
                    if let Some(lines) = chunk.take() {
                        collect_parts(&lines.join("\r\n"), out);
                    }
                    chunk = Some(Vec::new());
                } else if let Some(lines) = chunk.as_mut() {
                    lines.push(line);
                }
            }
            if let Some(lines) = chunk {
                collect_parts(&lines.join("\r\n"), out);
            }
        }
        None => out.push(Part {
            headers,
            body: body.to_string(),
        }),
    }
}

/// Decodes RFC 2047 encoded words; whitespace between two encoded words is dropped.
pub fn decode_encoded_words(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    let mut pending_space = String::new();
    let mut after_word = false;
    while !rest.is_empty() {
        if let Some((decoded, used)) = encoded_word(rest) {
            if !after_word {
                out.push_str(&pending_space);
            }
            pending_space.clear();
            out.push_str(&decoded);
            rest = &rest[used..];
            after_word = true;
            continue;
        }
        let c = rest.chars().next().unwrap();
        if c.is_whitespace() {
            pending_space.push(c);
        } else {
            out.push_str(&pending_space);
            pending_space.clear();
            out.push(c);
            after_word = false;
        }
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(&pending_space);
    out
}

/// `=?charset?B|Q?text?=` at the start of `s`: the decoded text and the bytes used.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (_charset, inner) = inner.split_once('?')?;
    let (encoding, inner) = inner.split_once('?')?;
    let end = inner.find("?=")?;
    let text = &inner[..end];
    if text.contains(char::is_whitespace) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => base64_decode(text),
        "Q" | "q" => qp_decode(text, true),
        _ => return None,
    };
    let used = s.len() - inner.len() + end + 2;
    Some((String::from_utf8_lossy(&bytes).into_owned(), used))
}

/// Base64 (standard alphabet); whitespace and padding are skipped.
pub fn base64_decode(s: &str) -> Vec<u8> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(value) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Quoted-printable (`=XX`, soft line breaks); in an encoded word `_` is a space.
pub fn qp_decode(s: &str, word: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if b[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if b[i + 1..].starts_with(b"\n") => i += 2,
            b'=' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => out.push(v),
                    Err(_) => out.extend_from_slice(&b[i..i + 3]),
                }
                i += 3;
            }
            b'_' if word => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use kinmu::monitor::mailer::{Mail, MailError, Mailer};
    use kinmu::monitor::mails::{interview_assigned, DoctorFacts};

    fn invitation() -> Mail {
        let facts = DoctorFacts {
            hospital: "みなと総合病院",
            staff_id: "D001",
            name: "山田 太郎",
            department: Some("内科"),
            level: "B",
            month: "2024-06",
            actual_minutes: 4890,
            projected_minutes: 6090,
            reach_100_date: NaiveDate::from_ymd_opt(2024, 6, 20),
            base_url: "http://127.0.0.1:8080",
        };
        let deadline = NaiveDate::from_ymd_opt(2024, 6, 19).unwrap();
        interview_assigned(&facts, "佐藤 花子 <sato@example.jp>", "佐藤 花子", deadline)
    }

    #[test]
    fn a_mail_from_the_mailer_arrives_decoded_and_a_stopped_server_keeps_it_unsent() {
        let mut sink = SmtpSink::start();
        let mailer = Mailer::from_url(Some(&sink.url()), "kinmu <kinmu@example.jp>").unwrap();
        let mail = invitation();
        mailer.send(&mail).unwrap();

        let got = sink.messages();
        assert_eq!(got.len(), 1);
        let m = &got[0];
        assert_eq!(m.from, "kinmu@example.jp");
        assert_eq!(m.to, vec!["sato@example.jp".to_string()]);
        assert_eq!(m.subject_decoded(), mail.subject);
        assert_eq!(m.text().unwrap(), mail.text);
        assert_eq!(m.html().unwrap(), mail.html);
        assert_eq!(m.ics().unwrap(), mail.ics.clone().unwrap());
        assert!(m.header("Content-Type").unwrap().starts_with("multipart/mixed"));

        sink.stop();
        assert!(matches!(mailer.send(&mail), Err(MailError::Send(_))));
        assert_eq!(sink.messages().len(), 1);

        sink.restart();
        mailer.send(&mail).unwrap();
        assert_eq!(sink.messages().len(), 2);
    }

    #[test]
    fn the_sink_speaks_smtp_with_several_recipients_rset_and_dot_unstuffing() {
        let sink = SmtpSink::start();
        let stream = TcpStream::connect(("127.0.0.1", sink.port())).unwrap();
        let mut out = stream.try_clone().unwrap();
        let mut input = BufReader::new(stream);
        let mut expect = |code: &str| loop {
            let line = read_line(&mut input).unwrap().unwrap();
            assert!(line.starts_with(code), "expected {code}, got {line}");
            if line.as_bytes().get(3) != Some(&b'-') {
                break;
            }
        };
        expect("220");
        let say = |cmd: &str, out: &mut TcpStream| out.write_all(cmd.as_bytes()).unwrap();
        say("EHLO test\r\n", &mut out);
        expect("250");
        say("MAIL FROM:<lost@example.jp>\r\nRCPT TO:<x@example.jp>\r\n", &mut out);
        expect("250");
        expect("250");
        say("RSET\r\nNOOP\r\n", &mut out);
        expect("250");
        expect("250");
        say("RCPT TO:<y@example.jp>\r\n", &mut out);
        expect("503");
        say("MAIL FROM:<a@example.jp> BODY=8BITMIME\r\n", &mut out);
        expect("250");
        say("RCPT TO:<b@example.jp>\r\nRCPT TO:<c@example.jp>\r\nDATA\r\n", &mut out);
        expect("250");
        expect("250");
        expect("354");
        say(
            "Subject: =?utf-8?q?=E9=9D=A2=E6=8E=A5_?= =?utf-8?b?5oyH5bCO?= x\r\n\r\n..dot\r\nline\r\n.\r\n",
            &mut out,
        );
        expect("250");
        say("QUIT\r\n", &mut out);
        expect("221");

        let got = sink.messages();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].from, "a@example.jp");
        assert_eq!(got[0].to, vec!["b@example.jp", "c@example.jp"]);
        assert!(got[0].data.ends_with("\r\n\r\n.dot\r\nline\r\n"));
        assert_eq!(got[0].subject_decoded(), "面接 指導 x");
        assert_eq!(got[0].text().unwrap(), ".dot\nline\n");
    }

    #[test]
    fn base64_and_quoted_printable_decode() {
        assert_eq!(base64_decode("5bGx55Sw"), "山田".as_bytes());
        assert_eq!(base64_decode("YQ=="), b"a");
        assert_eq!(base64_decode("YW\r\nJj"), b"abc");
        assert_eq!(qp_decode("a=3Db=\r\nc", false), b"a=bc");
        assert_eq!(qp_decode("a_b", true), b"a b");
        assert_eq!(qp_decode("end=", false), b"end=");
    }
}
