//! The web service (actix-web): the screens (`ui`), the JSON API behind
//! sign-in and role rules, and the health check.
//!
//! Database work is blocking (diesel), so every handler runs it through
//! `web::block` on actix's blocking pool, never on the async workers.

pub mod access;
pub(crate) mod api;
pub mod connections;
mod error;
pub mod limit;
pub mod ui;

pub use crate::rate_limit::SignInLimiter;
pub use error::ApiError;

use crate::app::App;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{get, web, HttpResponse};
use std::net::TcpListener;

/// Runs a request's database work on actix's blocking pool with a pooled
/// connection — the one way both surfaces (the screens and the API) do
/// blocking work. A pool or pool-thread failure becomes the surface's own
/// error through `From`, so `?` works on both sides of the call.
pub(crate) async fn blocking<T, E>(
    app: &App,
    f: impl FnOnce(&mut crate::db::AnyConnection) -> Result<T, E> + Send + 'static,
) -> Result<T, E>
where
    T: Send + 'static,
    E: From<diesel::r2d2::PoolError> + From<actix_web::error::BlockingError> + Send + 'static,
{
    let pool = app.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

/// Registers every route and how bad queries and bodies are answered;
/// shared by the server and the tests.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| ApiError::bad_request("bad_query", &e.to_string(), &e.to_string()).into()),
    )
    .app_data(
        web::JsonConfig::default()
            .limit(JSON_LIMIT)
            .error_handler(|e, _| json_error(e).into()),
    )
    .app_data(web::FormConfig::default().error_handler(ui::form_body_error));
    cfg.configure(api::configure);
    cfg.service(healthz).configure(ui::configure);
}

/// The largest JSON body the API reads.
const JSON_LIMIT: usize = 64 * 1024;

/// A JSON body the API cannot read: 400 `bad_json` (api.md), saying
/// which of the documented causes it is — too large, not JSON by its
/// `Content-Type`, or not the fields the route takes (with serde's own
/// account of where).
fn json_error(e: actix_web::error::JsonPayloadError) -> ApiError {
    use actix_web::error::JsonPayloadError as E;
    let kb = JSON_LIMIT / 1024;
    match e {
        E::Overflow { .. } | E::OverflowKnownLength { .. } => ApiError::bad_request(
            "bad_json",
            &format!("本文が大きすぎます（上限 {kb} KiB）"),
            &format!("the body is too large (at most {kb} KiB)"),
        ),
        E::ContentType => ApiError::bad_request(
            "bad_json",
            "Content-Type を application/json にしてください",
            "the Content-Type must be application/json",
        ),
        e => ApiError::bad_request(
            "bad_json",
            &format!("JSONが不正です: {e}"),
            &format!("invalid JSON: {e}"),
        ),
    }
}

/// The Content-Security-Policy of every answer: kinmu's own scripts and
/// styles only (inline style attributes are used by the templates; no
/// inline script), no framing, forms post only to kinmu.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The whole web application: security headers, the access log and every
/// route. The server and the tests both build it here.
pub fn application(
    data: web::Data<App>,
) -> actix_web::App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let mut headers = actix_web::middleware::DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Content-Security-Policy", CSP))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
        // Personal data must not stay in shared or browser caches.
        .add(("Cache-Control", "no-store"));
    if data.settings.base_url.starts_with("https://") {
        headers = headers.add(("Strict-Transport-Security", "max-age=31536000"));
    }
    actix_web::App::new()
        .app_data(data)
        .wrap(actix_web::middleware::from_fn(connections::guard))
        .wrap(actix_web::middleware::from_fn(access::log_access))
        .wrap(headers)
        .wrap(actix_web::middleware::Logger::new("%a \"%r\" %s %Dms").log_target("kinmu::http"))
        .wrap(actix_web::middleware::from_fn(boxed))
        .configure(configure)
}

/// The outermost layer: one body type for every answer.
async fn boxed(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Starts the server on an already-bound listener (port 0 in tests), with
/// the time-outs and connection caps of `settings.http` (see
/// [`connections`]): the open-file limit is raised first, and the
/// connections of all workers together are kept under it.
pub fn serve(app: App, listener: TcpListener) -> std::io::Result<Server> {
    let limits = app.settings.http.clone();
    let files = connections::raise_open_file_limit();
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let per_worker = connections::per_worker(limits.max_connections, workers, files);
    if per_worker * workers < limits.max_connections {
        tracing::warn!(
            http_max_connections = limits.max_connections,
            allowed = per_worker * workers,
            open_files = files,
            "the open-file limit allows fewer connections than http_max_connections"
        );
    }
    tracing::info!(
        workers,
        connections_per_worker = per_worker,
        connections_per_address = limits.max_connections_per_address,
        header_timeout_s = limits.header_timeout.as_secs(),
        body_timeout_s = limits.body_timeout.as_secs(),
        keep_alive_s = limits.keep_alive.as_secs(),
        "web server limits"
    );
    let per_address = connections::PerAddress::new(limits.max_connections_per_address);
    let keep_alive = if limits.keep_alive.is_zero() {
        actix_web::http::KeepAlive::Disabled
    } else {
        actix_web::http::KeepAlive::Timeout(limits.keep_alive)
    };
    let data = web::Data::new(app);
    let server = actix_web::HttpServer::new(move || application(data.clone()))
        .workers(workers)
        .max_connections(per_worker)
        .client_request_timeout(limits.header_timeout)
        .client_disconnect_timeout(limits.disconnect_timeout)
        .keep_alive(keep_alive)
        .on_connect(move |conn, data| per_address.on_connect(conn, data))
        .listen(listener)?
        .run();
    Ok(server)
}

#[get("/healthz")]
async fn healthz(app: web::Data<App>) -> Result<HttpResponse, ApiError> {
    let backend = if app.database.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let pool = app.pool.clone();
    web::block(move || -> Result<(), ApiError> {
        let mut conn = pool.get()?;
        crate::db::queries::all_doctors(&mut conn)?;
        Ok(())
    })
    .await??;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "database": backend })))
}
