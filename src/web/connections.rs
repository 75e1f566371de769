//! Slow and greedy clients (issue 10, finding 4): connections that never
//! finish their request must not use up the server's open files.
//!
//! - actix itself closes a connection whose first request head has not
//!   arrived within `http_header_timeout_seconds`, and idle kept-alive
//!   connections after `http_keep_alive_seconds` (see `serve`).
//! - [`PerAddress`] counts the open connections of each client address, from
//!   accept to close; above `http_max_connections_per_address` a connection
//!   is answered 429 and closed at once, before actix reads from it.
//! - [`guard`] gives every request body a deadline
//!   (`http_body_timeout_seconds`, counted from the request head): actix's
//!   request timeout covers only the head, so a client that sends headers
//!   and then trickles the body would otherwise hold its connection for as
//!   long as it likes. On the deadline the body fails, the answer is 408 and
//!   the connection is closed.
//! - Not covered: actix times only the first request head of a connection;
//!   the next head on a kept-alive connection may come byte by byte. The
//!   per-address cap bounds that; `http_keep_alive_seconds = 0` or a proxy's
//!   `client_header_timeout` closes it (docs/operations.md, section 5).
//! - [`raise_open_file_limit`] lifts the soft open-file limit to the hard
//!   one at start, and the connection cap of the server is kept under it.

use crate::app::App;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Extensions, Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::rt::net::TcpStream;
use actix_web::web::{Bytes, Data};
use actix_web::{HttpMessage, HttpResponse};
use futures_core::Stream;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Shutdown};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// What the server answers on a connection over the per-address cap, before
/// closing it.
const TOO_MANY: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\n\
Connection: close\r\nRetry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Length: 31\r\n\r\ntoo many connections from you\r\n";

/// Open files kept for everything but client connections: the database
/// pool, SQLite's files, the logs, backups and exports.
pub const RESERVED_FILES: u64 = 256;

/// The open connections of every client address, shared by all workers.
#[derive(Debug, Clone, Default)]
pub struct PerAddress {
    cap: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    /// When a refusal was last logged, and the refusals since: a flood of
    /// connections must not become a flood of log lines.
    refused: Arc<Mutex<(Option<Instant>, u64)>>,
}

/// At most one log line about refused connections in this time.
const REFUSED_LOG_EVERY: Duration = Duration::from_secs(10);

/// One counted connection: released (the count goes down) when actix drops
/// the connection's data, i.e. when the connection is closed.
#[derive(Debug)]
struct Slot {
    ip: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Marks a connection refused for being over the cap: any request that
/// still reaches a handler on it is answered 429.
#[derive(Debug, Clone, Copy)]
struct OverCap;

impl PerAddress {
    /// At most `cap` open connections per address (0: no cap).
    pub fn new(cap: usize) -> PerAddress {
        PerAddress {
            cap,
            open: Arc::default(),
            refused: Arc::default(),
        }
    }

    /// The open connections of `ip` now.
    pub fn open(&self, ip: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&ip).copied().unwrap_or(0)
    }

    /// Takes a slot for `ip`, or None when it already has `cap` connections.
    fn take(&self, ip: IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let n = open.entry(ip).or_insert(0);
        if self.cap > 0 && *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(Slot {
            ip,
            open: self.open.clone(),
        })
    }

    /// Logs a refusal, at most once every [`REFUSED_LOG_EVERY`].
    fn log_refusal(&self, ip: IpAddr) {
        let mut refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner);
        refused.1 += 1;
        let now = Instant::now();
        if refused
            .0
            .is_none_or(|last| now.duration_since(last) >= REFUSED_LOG_EVERY)
        {
            tracing::warn!(
                address = %ip,
                cap = self.cap,
                refused = refused.1,
                "too many connections from one address; refused (count since the last such line)"
            );
            *refused = (Some(now), 0);
        }
    }

    /// For `HttpServer::on_connect`: counts the new connection, or answers
    /// 429 and shuts it down when its address is over the cap.
    pub fn on_connect(&self, conn: &dyn Any, data: &mut Extensions) {
        let Some(stream) = conn.downcast_ref::<TcpStream>() else {
            return;
        };
        let Ok(peer) = stream.peer_addr() else {
            return;
        };
        match self.take(peer.ip()) {
            Some(slot) => {
                data.insert(slot);
            }
            None => {
                data.insert(OverCap);
                self.log_refusal(peer.ip());
                // Straight on the socket (a fresh socket takes this small
                // answer at once); then no more is read or written on it,
                // so actix sees the end of the stream and closes it.
                let socket = socket2::SockRef::from(stream);
                let _ = socket.send(TOO_MANY);
                let _ = socket.shutdown(Shutdown::Both);
            }
        }
    }
}

/// Raises the soft open-file limit to the hard limit (where the platform
/// allows) and returns the soft limit in force, None when unknown.
pub fn raise_open_file_limit() -> Option<u64> {
    let before = rlimit::Resource::NOFILE.get().ok();
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(now) => {
            let hard = before.map(|(_, hard)| hard);
            tracing::info!(
                soft_before = before.map(|(soft, _)| soft),
                soft = now,
                hard,
                "open-file limit"
            );
            Some(now)
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read or raise the open-file limit");
            before.map(|(soft, _)| soft)
        }
    }
}

/// Connections each of `workers` workers may hold: `total` shared among
/// them, lowered so that all of them together stay under the open-file
/// limit `files` less [`RESERVED_FILES`]; at least one.
pub fn per_worker(total: usize, workers: usize, files: Option<u64>) -> usize {
    let workers = workers.max(1);
    let mut each = total.div_ceil(workers);
    if let Some(files) = files {
        let room = files.saturating_sub(RESERVED_FILES) / workers as u64;
        each = each.min(usize::try_from(room).unwrap_or(usize::MAX));
    }
    each.max(1)
}

/// The request body with a deadline: after it, reading fails with a time-out.
struct Deadline {
    inner: Rc<RefCell<Payload>>,
    sleep: Pin<Box<actix_web::rt::time::Sleep>>,
    timed_out: Rc<Cell<bool>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.timed_out.get() {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut *this.inner.borrow_mut()).poll_next(cx) {
            return Poll::Ready(item);
        }
        if this.sleep.as_mut().poll(cx).is_ready() {
            this.timed_out.set(true);
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "request body timed out",
            )))));
        }
        Poll::Pending
    }
}

/// Keeps the request body open until the answer is sent: while it is open
/// and unfinished, actix closes the connection after the answer instead of
/// reading (draining) the rest of a slow body without any time limit.
struct KeepBody(#[allow(dead_code)] Rc<RefCell<Payload>>);

/// The middleware: refuses requests on connections over the per-address
/// cap, and puts the deadline on request bodies.
pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.conn_data::<OverCap>().is_some() {
        let res = HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
            .insert_header(("Retry-After", "5"))
            .force_close()
            .body("too many connections from you");
        return Ok(req.into_response(res));
    }
    let payload = req.take_payload();
    if matches!(payload, Payload::None) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let timeout = req
        .app_data::<Data<App>>()
        .map_or(Duration::from_secs(60), |app| app.settings.http.body_timeout);
    let inner = Rc::new(RefCell::new(payload));
    let timed_out = Rc::new(Cell::new(false));
    let deadline = Deadline {
        inner: inner.clone(),
        sleep: Box::pin(actix_web::rt::time::sleep(timeout)),
        timed_out: timed_out.clone(),
    };
    req.set_payload(Payload::Stream {
        payload: Box::pin(deadline),
    });
    let path = req.path().to_string();
    let peer = req.peer_addr().map(|a| a.ip());
    let result = next.call(req).await;
    if !timed_out.get() {
        let mut res = result?.map_into_boxed_body();
        res.response_mut().extensions_mut().insert(KeepBody(inner));
        return Ok(res);
    }
    tracing::warn!(path, address = ?peer, "request body not received in time; connection closed");
    let mut timeout = HttpResponse::build(StatusCode::REQUEST_TIMEOUT)
        .force_close()
        .json(serde_json::json!({
            "error": "body_timeout",
            "message": "リクエスト本文の受信が時間内に終わりませんでした / the request body did not arrive in time",
        }));
    timeout.extensions_mut().insert(KeepBody(inner));
    match result {
        Ok(res) => Ok(ServiceResponse::new(res.into_parts().0, timeout)),
        Err(e) => Err(actix_web::error::InternalError::from_response(e, timeout).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_per_address_count_goes_down_when_a_connection_closes() {
        let limits = PerAddress::new(2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let first = limits.take(a).unwrap();
        let _second = limits.take(a).unwrap();
        assert!(limits.take(a).is_none(), "a third connection is over the cap");
        assert!(limits.take(b).is_some(), "another address has its own count");
        drop(first);
        assert_eq!(limits.open(a), 1);
        assert!(limits.take(a).is_some());
        let unlimited = PerAddress::new(0);
        let slots: Vec<Slot> = (0..1000).filter_map(|_| unlimited.take(a)).collect();
        assert_eq!(slots.len(), 1000);
        drop(slots);
        assert_eq!(unlimited.open(a), 0);
    }

    #[test]
    fn connections_are_shared_among_workers_under_the_open_file_limit() {
        assert_eq!(per_worker(2048, 2, None), 1024);
        assert_eq!(per_worker(2048, 3, Some(1_048_576)), 683);
        // A soft limit of 1024: 768 for connections, 384 a worker.
        assert_eq!(per_worker(2048, 2, Some(1024)), 384);
        assert_eq!(per_worker(2048, 2, Some(100)), 1);
    }
}
