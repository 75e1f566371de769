//! The service under test (zero-to-production's `spawn_app`, crates.io's
//! `TestApp::init().with_user()`): one place builds actix's test service
//! over the real routes for a [`TestDb`], signs in as someone (the screens'
//! cookie through a [`Browser`], or an API token) and runs a job. A
//! [`TestApp`] is itself a service, so it can be called like the one it
//! wraps.

use super::{TestDb, PASSWORD};
use actix_web::dev::ServiceResponse;
use actix_web::{test, web};
use kinmu::app::App;
use kinmu::jobs::{Job, Outcome, Trigger};
use serde_json::Value;
use std::task::{Context, Poll};

/// A service over the real routes (actix's test service).
pub trait Service:
    actix_web::dev::Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
{
}
impl<S> Service for S where
    S: actix_web::dev::Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
{
}

/// The web service of one test, with the application it runs on.
pub struct TestApp<S> {
    /// The application the service runs with (shares its caches).
    pub app: App,
    service: S,
}

impl TestDb {
    /// The web service over this database, with [`TestDb::app`]'s settings.
    pub async fn spawn(&self) -> TestApp<impl Service> {
        spawn_with(self.app()).await
    }
}

/// The web service over `app` (settings of the test's own choosing).
pub async fn spawn_with(app: App) -> TestApp<impl Service> {
    let service = test::init_service(kinmu::web::application(web::Data::new(app.clone()))).await;
    TestApp { app, service }
}

impl<S: Service> TestApp<S> {
    /// A browser with no session yet.
    pub fn browser(&self) -> Browser<'_, Self> {
        Browser::new(self)
    }

    /// A browser signed in as `login` through the sign-in form.
    pub async fn signed_in(&self, login: &str) -> Browser<'_, Self> {
        let mut b = self.browser();
        assert_eq!(b.sign_in(login, PASSWORD).await.status, 303, "{login} signs in");
        b
    }

    /// A browser signed in as `login`, or nobody's when `login` is empty
    /// (the route × role matrices have an anonymous row).
    pub async fn browser_of(&self, login: &str) -> Browser<'_, Self> {
        if login.is_empty() {
            self.browser()
        } else {
            self.signed_in(login).await
        }
    }

    /// An API bearer token of `login`.
    pub async fn token(&self, login: &str) -> String {
        let req = test::TestRequest::post()
            .uri("/api/v1/sessions")
            .set_json(serde_json::json!({"login": login, "password": PASSWORD}));
        let (status, body) = self.call(req, None).await;
        assert_eq!(status, 200, "{login} signs in: {body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// Calls the service with an optional bearer token; answers the status
    /// and the JSON body (Null if none).
    pub async fn call(&self, req: test::TestRequest, token: Option<&str>) -> (u16, Value) {
        let req = match token {
            Some(t) => req.insert_header(("Authorization", format!("Bearer {t}"))),
            None => req,
        };
        let resp = test::call_service(&self.service, req.to_request()).await;
        let status = resp.status().as_u16();
        let body = test::read_body(resp).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// A GET with an optional bearer token.
    pub async fn get_json(&self, uri: &str, token: Option<&str>) -> (u16, Value) {
        self.call(test::TestRequest::get().uri(uri), token).await
    }

    /// A GET with a session cookie, answered with its content type,
    /// content disposition and raw bytes.
    pub async fn raw(&self, session: &str, uri: &str) -> (u16, String, String, Vec<u8>) {
        let req = test::TestRequest::get()
            .uri(uri)
            .insert_header(("Cookie", format!("kinmu_session={session}")))
            .to_request();
        let resp = test::call_service(&self.service, req).await;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (status, ctype, disposition) = (
            resp.status().as_u16(),
            header("content-type"),
            header("content-disposition"),
        );
        let body = test::read_body(resp).await.to_vec();
        (status, ctype, disposition, body)
    }

    /// Runs a job now, as the scheduler would, with the configured mailer.
    pub fn run_job(&self, job: Job) -> Outcome {
        job.run(&self.app, None, Trigger::Schedule).unwrap()
    }
}

impl<S: Service> actix_web::dev::Service<actix_http::Request> for TestApp<S> {
    type Response = ServiceResponse;
    type Error = actix_web::Error;
    type Future = S::Future;

    fn poll_ready(&self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.service.poll_ready(cx)
    }

    fn call(&self, req: actix_http::Request) -> Self::Future {
        self.service.call(req)
    }
}

/// A browser of one: keeps the cookies the service sets.
pub struct Browser<'a, S: Service> {
    service: &'a S,
    cookies: Vec<(String, String)>,
}

/// What a request answered.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl<'a, S: Service> Browser<'a, S> {
    pub fn new(service: &'a S) -> Self {
        Browser {
            service,
            cookies: Vec::new(),
        }
    }

    /// The `Cookie` header this browser sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, req: test::TestRequest) -> Page {
        let req = if self.cookies.is_empty() {
            req
        } else {
            req.insert_header(("Cookie", self.cookie_header()))
        };
        let resp = test::call_service(self.service, req.to_request()).await;
        for c in resp.response().cookies() {
            self.cookies.retain(|(k, _)| k != c.name());
            if !c.value().is_empty() {
                self.cookies.push((c.name().to_string(), c.value().to_string()));
            }
        }
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let body = String::from_utf8_lossy(&test::read_body(resp).await).into_owned();
        Page { status, location, body }
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        self.send(test::TestRequest::get().uri(uri)).await
    }

    pub async fn post(&mut self, uri: &str, form: &[(&str, &str)]) -> Page {
        self.send(test::TestRequest::post().uri(uri).set_form(form)).await
    }

    /// Signs in through the form, as a person would.
    pub async fn sign_in(&mut self, login: &str, password: &str) -> Page {
        let form = self.get("/login").await;
        let csrf = hidden(&form.body, "csrf");
        self.post(
            "/login",
            &[("login", login), ("password", password), ("csrf", &csrf), ("next", "/")],
        )
        .await
    }

    /// The session's CSRF token, read off the role's home page (every page
    /// has the sign-out form).
    pub async fn csrf(&mut self, login: &str) -> String {
        let uri = match login {
            "jinji" | "admin" => "/",
            "aoki" => "/me/selfcheck",
            _ => "/interviews",
        };
        let page = self.get(uri).await;
        assert_eq!(page.status, 200, "{uri}: {}", page.body);
        hidden(&page.body, "csrf")
    }
}

/// The value of a hidden form field.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    html[start..].split('"').next().unwrap_or_default().to_string()
}
