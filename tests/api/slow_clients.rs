//! Slow and greedy clients (issue 10, finding 4) against the real server
//! (`kinmu::web::serve`) on loopback: connections that stall in their
//! request head or trickle their body are cut off after the configured
//! time-outs while others are answered, and one address cannot hold more
//! than its share of connections.
//!
//! Every client connects to 127.0.0.1 only, from loopback addresses
//! (127.0.0.x) so that the per-address count can tell them apart; every
//! loop is bounded in count and time.

use crate::helpers::*;
use kinmu::config::HttpLimits;
use socket2::{Domain, Socket, Type};
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The server on its own thread; stopped when dropped.
struct Server {
    addr: SocketAddr,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    _db: TestDb,
}

impl Server {
    fn start(http: HttpLimits) -> Server {
        let db = TestDb::new(Backend::Sqlite);
        let mut app = db.app();
        app.settings.http = http;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = kinmu::web::serve(app, listener).unwrap();
                tx.send(server.handle()).unwrap();
                server.await.unwrap();
            });
        });
        let handle = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        Server {
            addr,
            handle,
            thread: Some(thread),
            _db: db,
        }
    }

    /// A connection from the loopback address 127.0.0.`from`.
    fn connect_from(&self, from: u8) -> TcpStream {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let local = SocketAddr::from((Ipv4Addr::new(127, 0, 0, from), 0));
        socket.bind(&local.into()).unwrap();
        socket
            .connect_timeout(&self.addr.into(), Duration::from_secs(5))
            .unwrap();
        socket.into()
    }

    /// GET /healthz on a new connection from 127.0.0.`from`: the status
    /// line, or None when the connection was refused or closed.
    fn health_from(&self, from: u8) -> Option<String> {
        let mut c = self.connect_from(from);
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: kinmu\r\nConnection: close\r\n\r\n")
            .ok()?;
        let mut answer = Vec::new();
        let _ = c.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer).into_owned();
        answer.lines().next().map(str::to_string).filter(|l| !l.is_empty())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        actix_web::rt::System::new().block_on(stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What the server sent before closing `c`, once it has closed it by
/// `deadline`; None if it is still open then.
fn closed_by(c: &mut TcpStream, deadline: Instant) -> Option<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        c.set_read_timeout(Some(left)).unwrap();
        match c.read(&mut buf) {
            Ok(0) => return Some(String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return None,
            // Reset by the server: closed too.
            Err(_) => return Some(String::from_utf8_lossy(&got).into_owned()),
        }
    }
}

fn limits() -> HttpLimits {
    HttpLimits {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(2),
        keep_alive: Duration::from_secs(1),
        disconnect_timeout: Duration::from_secs(1),
        max_connections: 2048,
        max_connections_per_address: 1000,
    }
}

#[test]
fn stalled_and_trickling_clients_are_cut_off_while_others_are_answered() {
    let server = Server::start(limits());
    let started = Instant::now();
    // 300 connections that send part of a request head and stall.
    let mut stalled: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut c = server.connect_from(2);
            c.write_all(b"GET /healthz HTTP/1.1\r\nHost: kin").unwrap();
            c
        })
        .collect();
    // 5 that send a whole head, then trickle the body a byte at a time.
    let mut trickling: Vec<TcpStream> = (0..5)
        .map(|_| {
            let mut c = server.connect_from(3);
            c.write_all(
                b"POST /api/v1/sessions HTTP/1.1\r\nHost: kinmu\r\nContent-Type: application/json\r\n\
Content-Length: 1000\r\n\r\n{",
            )
            .unwrap();
            c
        })
        .collect();
    let writers: Vec<TcpStream> = trickling.iter().map(|c| c.try_clone().unwrap()).collect();
    let trickler = std::thread::spawn(move || {
        // At most 20 rounds of 250 ms: 5 s, never the 1000 bytes announced.
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(250));
            for mut w in &writers {
                let _ = w.write_all(b" ");
            }
        }
    });
    let opened = started.elapsed();

    // Another client is answered at once.
    let asked = Instant::now();
    let status = server.health_from(1);
    let answered = asked.elapsed();
    assert_eq!(status.as_deref(), Some("HTTP/1.1 200 OK"), "{status:?}");
    assert!(answered < Duration::from_secs(2), "answered in {answered:?}");

    // The stalled heads are closed after the 1 s header time-out (actix's
    // own default would be 5 s), with 408.
    let deadline = started + Duration::from_millis(4000);
    let mut timed_out = 0;
    for (i, c) in stalled.iter_mut().enumerate() {
        let got = closed_by(c, deadline).unwrap_or_else(|| panic!("stalled connection {i} still open"));
        if got.starts_with("HTTP/1.1 408") {
            timed_out += 1;
        }
    }
    let heads_closed = started.elapsed();
    assert!(timed_out > 0, "the server answers 408 to a stalled head");

    // The trickled bodies are cut off after the 2 s body time-out (and the
    // 1 s the closing connection gets), though a byte arrives every 250 ms.
    let deadline = started + Duration::from_millis(6000);
    for (i, c) in trickling.iter_mut().enumerate() {
        let got = closed_by(c, deadline).unwrap_or_else(|| panic!("trickling connection {i} still open"));
        assert!(got.starts_with("HTTP/1.1 408"), "connection {i}: {got:?}");
        assert!(got.to_ascii_lowercase().contains("connection: close"), "{got:?}");
    }
    let bodies_closed = started.elapsed();
    trickler.join().unwrap();
    assert_eq!(server.health_from(1).as_deref(), Some("HTTP/1.1 200 OK"));
    eprintln!(
        "slow clients: 305 opened in {opened:?}, other client answered in {answered:?}, \
         stalled heads closed by {heads_closed:?}, trickled bodies closed by {bodies_closed:?}"
    );
}

#[test]
fn one_address_cannot_hold_more_than_its_connections() {
    let server = Server::start(HttpLimits {
        header_timeout: Duration::from_secs(20),
        max_connections_per_address: 10,
        ..limits()
    });
    let held: Vec<TcpStream> = (0..10)
        .map(|_| {
            let mut c = server.connect_from(4);
            c.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
            c
        })
        .collect();
    // Let the server accept and count them.
    std::thread::sleep(Duration::from_millis(300));

    // 300 more from the same address are answered 429 and closed at once.
    let started = Instant::now();
    for i in 0..300 {
        let mut c = server.connect_from(4);
        let got = closed_by(&mut c, Instant::now() + Duration::from_secs(2))
            .unwrap_or_else(|| panic!("connection {i} over the cap is still open"));
        assert!(
            got.is_empty() || got.starts_with("HTTP/1.1 429"),
            "connection {i}: {got:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(15), "refusing takes too long");
    }
    let refused_in = started.elapsed();
    let mut c = server.connect_from(4);
    let got = closed_by(&mut c, Instant::now() + Duration::from_secs(2)).unwrap();
    assert!(got.starts_with("HTTP/1.1 429"), "{got:?}");
    assert!(got.contains("Retry-After: 5"), "{got:?}");

    // Other addresses are served meanwhile.
    assert_eq!(server.health_from(1).as_deref(), Some("HTTP/1.1 200 OK"));
    assert_eq!(server.health_from(5).as_deref(), Some("HTTP/1.1 200 OK"));

    // Once the address closes its connections it is served again.
    drop(held);
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        match server.health_from(4) {
            Some(s) if s == "HTTP/1.1 200 OK" => break,
            other => assert!(Instant::now() < until, "still refused after closing: {other:?}"),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("per-address cap: 300 connections over the cap refused in {refused_in:?}");
}
