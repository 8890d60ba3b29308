//! The management REST API: contract 004 and the endpoints it implies.
//! Every response uses the `{ "data": … }` / `{ "error": "…" }` envelope.

mod audiences;
mod audit_log;
mod configs;
mod environments;
mod events;
mod flags;
mod orgs;
mod overrides;
pub(crate) mod paths;
mod projects;
mod rules;
pub(crate) mod scope;
mod tokens;
mod variations;
pub mod views;

use crate::AppState;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

/// The success envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct Data<T> {
    pub data: T,
}

/// A 200 response in the envelope.
pub type Reply<T> = axum::Json<Data<T>>;

/// Wraps `data` in the envelope.
pub fn reply<T>(data: T) -> Reply<T> {
    axum::Json(Data { data })
}

/// Wraps `data` in the envelope with status 201.
pub fn created<T>(data: T) -> (StatusCode, Reply<T>) {
    (StatusCode::CREATED, reply(data))
}

/// What a DELETE answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    pub id: String,
    pub deleted: bool,
}

impl Deleted {
    /// `id` was deleted.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            deleted: true,
        }
    }
}

/// Every API route with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::base())
        .merge(orgs::router())
        .merge(projects::router())
        .merge(environments::router())
        .merge(flags::router())
        .merge(variations::router())
        .merge(configs::router())
        .merge(rules::router())
        .merge(overrides::router())
        .merge(audiences::router())
        .merge(events::router())
        .merge(tokens::router())
        .merge(audit_log::router())
        .merge(crate::delivery::api_router())
        .merge(crate::evaluate::router())
        .merge(crate::delivery::sdk_router())
        .merge(crate::ofrep::router())
}
