//! The access log of what people look at (MHLW checklist 2-(6)): every
//! request a signed-in user makes — a page or API read of personal data, an
//! export, a print, a change — is logged with the user, the time, a category
//! and the operation, by one middleware, so a new screen cannot forget it.
//!
//! The extractors that authenticate ([`super::auth::CurrentUser`] and
//! [`super::ui::Viewer`]) mark the request with [`note_reader`]; requests
//! nobody signed in to (static files, the health check, the sign-in page)
//! carry no personal data and are not logged here. Sign-in and sign-out are
//! logged by `accounts`; imports, purges and other changes also log their
//! own detailed entries.
//!
//! A read is logged before its answer leaves: if the entry cannot be
//! written, the reader gets a 500 instead of the data (fail closed). Entries
//! go through [`crate::audit::Sink`], which commits the entries of requests
//! arriving together in one transaction.

use crate::app::App;
use crate::audit::Category;
use crate::db::models::{NewAuditEntry, User};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

/// Who made a request (set by the authenticating extractors).
#[derive(Debug, Clone)]
struct Reader {
    login: String,
}

/// Marks the request as made by `user`, for the access log.
pub fn note_reader(req: &HttpRequest, user: &User) {
    req.extensions_mut().insert(Reader {
        login: user.login.clone(),
    });
}

/// The access-log category of a request, decided by what it did:
///
/// - a request that may change something (not GET/HEAD) is `change` when it
///   succeeded (2xx, 3xx) and `read` when it was refused (4xx, 5xx: nothing
///   was changed, and what the answer showed — a form re-shown with its
///   error, the page behind it — was read; `detail.status` says it was
///   refused);
/// - a download (`.csv`, `.xlsx`, `.ics`, `format=csv|xlsx`, the log's
///   export) is `export`, also from the print screens;
/// - a print page (`/print…`, the inspection pack as a page) is `print`;
/// - anything else is `read`.
///
/// `None` for the session endpoints, which `accounts` logs.
pub fn category(method: &Method, path: &str, query: &str, status: StatusCode) -> Option<Category> {
    if matches!(path, "/login" | "/logout" | "/api/v1/sessions") {
        return None;
    }
    if !matches!(*method, Method::GET | Method::HEAD) {
        let done = status.is_success() || status.is_redirection();
        return Some(if done { Category::Change } else { Category::Read });
    }
    let exported = [".csv", ".xlsx", ".ics"].iter().any(|ext| path.ends_with(ext))
        || query.split('&').any(|kv| matches!(kv, "format=csv" | "format=xlsx"));
    if exported || path.starts_with("/admin/") && path.contains("export") {
        Some(Category::Export)
    } else if path.starts_with("/print") || path.starts_with("/api/v1/inspection") {
        Some(Category::Print)
    } else {
        Some(Category::Read)
    }
}

/// The middleware: runs the request, then logs it when a signed-in user
/// made it.
pub async fn log_access(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let method = req.method().clone();
    let path = req.path().to_string();
    let query = req.query_string().to_string();
    let res = next.call(req).await?;
    let reader = res.request().extensions().get::<Reader>().cloned();
    let status = res.status();
    let (Some(reader), Some(category)) = (reader, category(&method, &path, &query, status)) else {
        return Ok(res.map_into_left_body());
    };
    let Some(app) = res.request().app_data::<web::Data<App>>().cloned() else {
        return Ok(res.map_into_left_body());
    };
    let pattern = res.request().match_pattern().unwrap_or_else(|| path.clone());
    let operation = format!("{method} {pattern}");
    let detail = serde_json::json!({
        "path": path,
        "query": query,
        "status": res.status().as_u16(),
    });
    let entry = NewAuditEntry {
        at: app.now(),
        actor: Some(reader.login),
        category: category.code().to_string(),
        operation,
        detail: detail.to_string(),
    };
    let written = match app.audit_sink() {
        Ok(sink) => sink.log(entry).await,
        Err(e) => Err(e.to_string()),
    };
    match written {
        Ok(()) => Ok(res.map_into_left_body()),
        Err(e) if category == Category::Change => {
            // The change is done; refusing the answer now would mislead.
            tracing::error!(error = %e, "access log entry not written for a change");
            Ok(res.map_into_left_body())
        }
        Err(e) => {
            tracing::error!(error = %e, "access log entry not written; answer withheld");
            let (req, _) = res.into_parts();
            let resp = HttpResponse::InternalServerError().json(serde_json::json!({
                "error": "access_log_unavailable",
                "message": "アクセスログを記録できないため表示できません。管理者に連絡してください。",
                "message_en": "the access log cannot be written, so nothing is shown",
            }));
            Ok(ServiceResponse::new(req, resp).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_fall_into_the_categories_of_the_log() {
        let ok = StatusCode::OK;
        assert_eq!(
            category(&Method::GET, "/doctors/D001", "month=2024-06", ok),
            Some(Category::Read)
        );
        assert_eq!(
            category(&Method::GET, "/api/v1/reports/monthly", "format=csv", ok),
            Some(Category::Export)
        );
        assert_eq!(
            category(&Method::GET, "/imports/result/x/rejected.csv", "", ok),
            Some(Category::Export)
        );
        assert_eq!(
            category(&Method::GET, "/admin/users/export.csv", "", ok),
            Some(Category::Export)
        );
        assert_eq!(
            category(&Method::GET, "/print/pack", "month=2024-06", ok),
            Some(Category::Print)
        );
        assert_eq!(
            category(&Method::GET, "/api/v1/inspection", "", ok),
            Some(Category::Print)
        );
        assert_eq!(
            category(&Method::POST, "/interviews/3/record", "", StatusCode::SEE_OTHER),
            Some(Category::Change)
        );
        assert_eq!(category(&Method::POST, "/login", "", ok), None);
        assert_eq!(category(&Method::DELETE, "/api/v1/sessions", "", ok), None);
    }

    #[test]
    fn downloads_from_the_print_screens_are_exports() {
        let ok = StatusCode::OK;
        assert_eq!(
            category(&Method::GET, "/print/pack.xlsx", "", ok),
            Some(Category::Export)
        );
        assert_eq!(
            category(&Method::GET, "/print/monthly.csv", "fy=2024", ok),
            Some(Category::Export)
        );
        assert_eq!(
            category(&Method::GET, "/api/v1/inspection", "format=csv", ok),
            Some(Category::Export)
        );
    }

    #[test]
    fn a_refused_change_is_a_read_not_a_change() {
        for status in [StatusCode::OK, StatusCode::CREATED, StatusCode::SEE_OTHER] {
            assert_eq!(
                category(&Method::POST, "/discrepancies/resolve", "", status),
                Some(Category::Change)
            );
        }
        for status in [
            StatusCode::BAD_REQUEST,
            StatusCode::FORBIDDEN,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::INTERNAL_SERVER_ERROR,
        ] {
            assert_eq!(
                category(&Method::POST, "/discrepancies/resolve", "", status),
                Some(Category::Read)
            );
        }
    }
}
