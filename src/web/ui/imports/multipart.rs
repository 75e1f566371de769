//! Reading the upload form (multipart) within its limits: the file up to
//! `MAX_UPLOAD_BYTES` (50 MB), the text fields up to 1 KiB, every field read
//! to its end so the limits count all of the body; an upload over the limit
//! is answered with the error page and 413.

use super::MAX_UPLOAD_BYTES;
use crate::web::ui::{Lang, UiError};
use actix_multipart::form::bytes::Bytes as FieldBytes;
use actix_multipart::form::{FieldReader, Limits, MultipartCollect, MultipartFormConfig, State};
use actix_multipart::{Field, MultipartError};
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use std::future::Future;
use std::pin::Pin;

/// The fields of the upload form.
pub(super) struct Upload {
    pub(super) csrf: String,
    pub(super) kind: String,
    pub(super) skip_invalid: bool,
    /// A built-in layout's name; empty: recognised from the header.
    pub(super) layout: String,
    /// 対象期間 (timecard): the first and last date, `YYYY-MM-DD` or empty.
    pub(super) period_from: String,
    pub(super) period_to: String,
    /// 公表日時 (roster): `YYYY-MM-DDTHH:MM` or empty.
    pub(super) published_at: String,
    pub(super) file: Option<FieldBytes>,
    /// `map`: the file is a sample for the mapping screen, not an import.
    pub(super) then: String,
    /// The roster check (rules §15): its month and as-of date, or empty.
    pub(super) month: String,
    pub(super) as_of: String,
}

/// The form's text fields are small; only `file` may be large.
const TEXT_FIELD_LIMIT: usize = 1024;

fn text_of(state: &mut State, name: &str) -> String {
    state
        .remove(name)
        .and_then(|b| b.downcast::<FieldBytes>().ok())
        .map(|b| String::from_utf8_lossy(&b.data).trim().to_string())
        .unwrap_or_default()
}

impl MultipartCollect for Upload {
    fn limit(field_name: &str) -> Option<usize> {
        Some(if field_name == "file" {
            MAX_UPLOAD_BYTES
        } else {
            TEXT_FIELD_LIMIT
        })
    }

    fn handle_field<'t>(
        req: &'t HttpRequest,
        field: Field,
        limits: &'t mut Limits,
        state: &'t mut State,
    ) -> Pin<Box<dyn Future<Output = Result<(), MultipartError>> + 't>> {
        Box::pin(async move {
            let name = field.name().unwrap_or_default().to_string();
            // Every field is read to its end (unknown ones too) so the
            // limits count all of the body; the first of a name wins.
            let value = FieldBytes::read_field(req, field, limits).await?;
            if matches!(
                name.as_str(),
                "csrf"
                    | "kind"
                    | "skip_invalid"
                    | "layout"
                    | "period_from"
                    | "period_to"
                    | "published_at"
                    | "file"
                    | "then"
                    | "month"
                    | "as_of"
            ) && !state.contains_key(&name)
            {
                state.insert(name, Box::new(value));
            }
            Ok(())
        })
    }

    fn from_state(mut state: State) -> Result<Self, MultipartError> {
        Ok(Upload {
            csrf: text_of(&mut state, "csrf"),
            kind: text_of(&mut state, "kind"),
            skip_invalid: !text_of(&mut state, "skip_invalid").is_empty(),
            layout: text_of(&mut state, "layout"),
            period_from: text_of(&mut state, "period_from"),
            period_to: text_of(&mut state, "period_to"),
            published_at: text_of(&mut state, "published_at"),
            then: text_of(&mut state, "then"),
            month: text_of(&mut state, "month"),
            as_of: text_of(&mut state, "as_of"),
            file: state
                .remove("file")
                .and_then(|b| b.downcast::<FieldBytes>().ok())
                .map(|b| *b),
        })
    }
}

fn too_large_message() -> String {
    format!(
        "ファイルが大きすぎます（上限 {} MB）。期間を分けて取り込んでください。 / The file is too large (limit {} MB); split it by period.",
        MAX_UPLOAD_BYTES / (1024 * 1024),
        MAX_UPLOAD_BYTES / (1024 * 1024)
    )
}

/// An upload over the limit: the error page with 413.
#[derive(Debug)]
pub(super) struct TooLarge(pub(super) Lang);

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&too_large_message())
    }
}

impl ResponseError for TooLarge {
    fn status_code(&self) -> StatusCode {
        StatusCode::PAYLOAD_TOO_LARGE
    }
    fn error_response(&self) -> HttpResponse {
        let mut resp = UiError::BadRequest(self.0, too_large_message()).error_response();
        *resp.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        resp
    }
}

/// How a broken upload is answered (the multipart reader's errors are
/// English and technical).
fn multipart_error(err: MultipartError, req: &HttpRequest) -> actix_web::Error {
    let lang = Lang::of(req);
    if matches!(err, MultipartError::Payload(PayloadError::Overflow)) {
        return TooLarge(lang).into();
    }
    tracing::info!(error = %err, "unreadable upload");
    UiError::BadRequest(
        lang,
        format!("アップロードを読み取れませんでした。もう一度お試しください。 / The upload could not be read ({err})."),
    )
    .into()
}

pub(super) fn multipart_config() -> MultipartFormConfig {
    // Memory and total limits: the file plus its small text fields.
    let total = MAX_UPLOAD_BYTES + 16 * TEXT_FIELD_LIMIT;
    MultipartFormConfig::default()
        .total_limit(total)
        .memory_limit(total)
        .error_handler(multipart_error)
}
