//! `GET /api/v1/inspection`: the inspector's print pack (rules §12) as the
//! tables its HTML, .xlsx and CSV are made of (`report::pack`).

use super::auth::CurrentUser;
use super::blocking;
use crate::app::App;
use crate::policy::Who;
use crate::report::pack;
use crate::web::ApiError;
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;

/// One part of the print pack as the API answers it (fields in the order
/// the API has always written them).
#[derive(serde::Serialize)]
struct InspectionPart {
    columns: Vec<&'static str>,
    key: &'static str,
    keys: Vec<String>,
    notes: Vec<String>,
    rows: Vec<Vec<String>>,
    title: String,
}

/// `GET /api/v1/inspection`'s answer.
#[derive(serde::Serialize)]
struct Inspection {
    fiscal_year: i32,
    from: NaiveDate,
    health_data: bool,
    parts: Vec<InspectionPart>,
    /// The per-doctor 意見書 pages the pack carries (the manager's; the
    /// administrator's only under `[inspection] administrator_sees_opinions`).
    opinions: Vec<crate::report::opinion::OpinionPage>,
    /// `hospital` or `manager`.
    scope: &'static str,
    to: NaiveDate,
}

/// `GET /api/v1/inspection`: every part of the print pack as the tables the
/// HTML, .xlsx and CSV forms are made of (`report::pack`), with its scope rule.
#[get("/api/v1/inspection")]
pub(super) async fn inspection(
    app: web::Data<App>,
    me: CurrentUser,
    q: web::Query<pack::PackQuery>,
) -> Result<HttpResponse, ApiError> {
    if !pack::may_print(Who::of(me.role, &me.user)) {
        return Err(ApiError::forbidden(
            "この操作の権限がありません / not allowed for this role",
        ));
    }
    let params = pack::Params::read(&q, app.settings.today())
        .map_err(|pack::BadParams(m)| ApiError::bad_request_pair("bad_query", &m))?;
    let ctx = pack::Context::new(&app.settings, app.now());
    let (role, user) = (me.role, me.user.clone());
    let without_health =
        crate::policy::pack_carries_opinions(Who::of(me.role, &me.user), app.settings.administrator_sees_opinions);
    let (loaded, opinions) = blocking(&app, move |conn| {
        let loaded = pack::load(conn, &ctx, Who::of(role, &user), params, pack::Want::ALL).map_err(|e| match e {
            pack::PackError::NotAllowed => {
                ApiError::forbidden("この操作の権限がありません / not allowed for this role")
            }
            pack::PackError::Report(e) => ApiError::internal(e),
        })?;
        let opinions = match &loaded.documents {
            Some(d) => crate::report::opinion::opinion_pages(conn, d, without_health)?,
            None => Vec::new(),
        };
        Ok((loaded, opinions))
    })
    .await?;
    let parts = pack::tables(&loaded)
        .into_iter()
        .map(|t| InspectionPart {
            columns: t.columns.iter().map(|c| c.header).collect(),
            key: t.key,
            keys: t.keys,
            notes: t.notes,
            rows: t.rows,
            title: t.title,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Inspection {
        fiscal_year: params.fiscal_year,
        from: params.from,
        health_data: loaded.scope.health(),
        parts,
        opinions,
        scope: if loaded.scope.manager_login().is_some() {
            "manager"
        } else if loaded.scope.physician_login().is_some() {
            "physician"
        } else {
            "hospital"
        },
        to: params.to,
    }))
}
