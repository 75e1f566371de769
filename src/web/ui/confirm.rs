//! The confirmation step of an action that cannot be undone on screen
//! (issue 16): disabling an account, asking for another interview
//! physician, an addendum to a permanent record. The first POST shows what
//! will be recorded and what happens next; the same form sent again with
//! `go=1` does it.

use super::{html, PageCtx, Reply, UiError};
use actix_web::HttpResponse;
use askama::Template;

/// What a confirmation page says (already in the viewer's language).
pub struct Confirmation {
    /// The page's heading: the action, e.g. 「アカウントの停止の確認」.
    pub title: String,
    /// One sentence: what will be recorded.
    pub summary: String,
    /// The facts recorded, as label and value.
    pub rows: Vec<(String, String)>,
    /// What happens next, and whether it can be undone.
    pub then: String,
    /// Where the form goes (the same POST route).
    pub action: String,
    /// The form's fields, sent again unchanged.
    pub hidden: Vec<(String, String)>,
    /// The button's word, e.g. 「停止する」.
    pub button: String,
    /// Where 「戻る」 leads.
    pub back: String,
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    ctx: PageCtx,
    c: Confirmation,
}

/// Whether a form was sent from its confirmation page.
pub fn confirmed(go: Option<&str>) -> bool {
    go == Some("1")
}

/// The confirmation page.
pub fn page(ctx: PageCtx, c: Confirmation) -> Result<HttpResponse, UiError> {
    html(&ConfirmPage { ctx, c })
}

/// The confirmation page, from a handler on the blocking pool.
pub fn reply(ctx: PageCtx, c: Confirmation) -> Result<Reply, UiError> {
    Reply::page(actix_web::http::StatusCode::OK, &ConfirmPage { ctx, c })
}
