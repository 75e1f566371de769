//! Errors as the web answers them: a status, a stable snake_case code for
//! scripts, and a message in Japanese (with English beside it).

use crate::domain::text::Message;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use std::fmt;

/// An error with every cause under it, `outer: inner: innermost`, for the
/// log: a failure's answer says nothing of internals, its log line all.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        // thiserror's `transparent` and `{0}` repeat the cause already.
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// The failures below the web that are always ours (storage, the blocking
/// pool, a computation), converted by `?` into each surface's error: logged
/// with their causes, answered as a plain 500.
macro_rules! internal_from {
    ($target:ty, $ctor:path: $($source:ty),+ $(,)?) => {
        $(impl From<$source> for $target {
            fn from(e: $source) -> Self {
                $ctor(crate::web::error::chain(&e))
            }
        })+
    };
}
pub(crate) use internal_from;

internal_from!(
    ApiError,
    ApiError::internal:
    diesel::result::Error,
    diesel::r2d2::PoolError,
    actix_web::error::BlockingError,
    crate::db::DbError,
    crate::month::ReportError,
);

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Message,
}

impl ApiError {
    /// Any status, with a stable code and both messages.
    pub fn new(status: StatusCode, code: &'static str, message: &str, message_en: &str) -> ApiError {
        ApiError {
            status,
            code,
            message: Message::new(message, message_en),
        }
    }

    /// Too many sign-in attempts from one address.
    pub fn too_many_sign_ins() -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_sign_ins",
            "ログインの試行が多すぎます。1分ほど待ってから再度お試しください。",
            "too many sign-in attempts; wait a minute",
        )
    }

    /// A 400 whose message is written `"日本語 / English"` (a refusal of
    /// the domain's, in both languages).
    pub fn bad_request_pair(code: &'static str, message: &str) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: Message::from_pair(message),
        }
    }

    pub fn bad_request(code: &'static str, message: &str, message_en: &str) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: Message::new(message, message_en),
        }
    }

    /// A refused sign-in, whatever the reason (wrong password, unknown
    /// login, disabled or locked account): one answer for all.
    pub fn bad_credentials(policy: &crate::accounts::AccountPolicy) -> ApiError {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: "bad_credentials",
            message: Message::new(
                format!(
                    "ログインIDまたはパスワードが違います（続けて{}回間違えるとアカウントは{}分間ロックされます）",
                    policy.lockout_failures, policy.lockout_minutes
                ),
                format!(
                    "wrong login or password ({} wrong passwords in a row lock the account for {} minutes)",
                    policy.lockout_failures, policy.lockout_minutes
                ),
            ),
        }
    }

    pub fn unauthorized() -> ApiError {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: Message::new(
                "ログインが必要です（ログインIDまたはパスワードが違うか、有効期限切れです）",
                "sign-in required (wrong credentials or expired session)",
            ),
        }
    }

    /// A refusal; `message` is written `"日本語 / English"`.
    pub fn forbidden(message: &str) -> ApiError {
        ApiError {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: Message::from_pair(message),
        }
    }

    pub fn not_found() -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: Message::new("見つかりません", "not found"),
        }
    }

    /// A conflict; `message` is written `"日本語 / English"`.
    pub fn conflict(code: &'static str, message: &str) -> ApiError {
        ApiError {
            status: StatusCode::CONFLICT,
            code,
            message: Message::from_pair(message),
        }
    }

    /// A failure that is ours, not the caller's: logged in full, answered
    /// without internals.
    pub fn internal(e: impl fmt::Display) -> ApiError {
        tracing::error!(error = %e, "request failed");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error",
            message: Message::new(
                "サーバーでエラーが発生しました。管理者に連絡してください。",
                "internal server error",
            ),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message.en)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(serde_json::json!({
            "error": self.code,
            "message": self.message.ja,
            "message_en": self.message.en,
        }))
    }
}
