//! Halyard's control plane: the management REST API over PostgreSQL or SQLite,
//! authentication, the audit log and publishing.
//!
//! [`app`] builds the whole HTTP application from an [`AppState`]; tests drive
//! it with `tower::ServiceExt::oneshot`, [`server::run`] serves it.

pub mod api;
pub mod audit;
pub mod auth;
pub mod config;
pub mod datafile;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod evaluate;
pub mod extract;
pub mod health;
pub mod ids;
pub mod metrics;
pub mod ofrep;
pub mod openapi;
pub mod playground;
pub mod publish;
pub mod seed;
pub mod server;
pub mod stale;
pub mod store;
pub mod validate;

use crate::delivery::Delivery;
use crate::error::ApiError;
use crate::extract::MAX_BODY_BYTES;
use crate::metrics::Metrics;
use crate::store::DynStore;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Router};
use std::any::Any;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

/// What handlers share.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub store: DynStore,
    pub metrics: Arc<Metrics>,
    pub delivery: Delivery,
}

impl AppState {
    /// State over `store` with fresh metrics.
    pub fn new(store: DynStore) -> Self {
        Self {
            delivery: Delivery::new(store.clone()),
            store,
            metrics: Arc::default(),
        }
    }
}

/// The OpenAPI document of the management API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api::router().into_openapi();
    openapi::finish(&mut doc);
    doc
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let (api, mut doc) = api::router().split_for_parts();
    openapi::finish(&mut doc);
    let document: Arc<str> = doc.to_pretty_json().unwrap_or_default().into();
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    document.to_string(),
                )
            }),
        )
        .merge(health::router())
        .merge(playground::router(playground::sdk_dir()))
        .fallback(|method: Method, uri: Uri| async move {
            ApiError::not_found(format!("route {method} {}", uri.path()))
        })
        .method_not_allowed_fallback(|| async {
            (
                StatusCode::METHOD_NOT_ALLOWED,
                axum::Json(error::ErrorBody {
                    error: "method not allowed".to_owned(),
                }),
            )
        })
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .layer(middleware::from_fn(error::log_errors))
        .layer(middleware::from_fn(delivery::cors))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(answer_panic))
        .with_state(state)
}

/// A panic is a bug: answer 500 in the usual envelope and log it.
fn answer_panic(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    ApiError::Internal(format!("handler panicked: {detail}")).into_response()
}
