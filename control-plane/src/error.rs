//! The API's error type: one status per variant, `{ "error": "…" }` bodies,
//! and no internal detail in responses (it is logged by [`log_errors`]).

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// Result of API handlers and helpers.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("missing, malformed, unknown or revoked bearer token")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("request body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("internal database error")]
    Database(#[source] sqlx::Error),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A validation error naming the offending field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// `what` does not exist (or is not visible to the caller).
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }
}

impl From<sqlx::Error> for ApiError {
    /// Constraint violations are conflicts with existing data, never 500s;
    /// handlers check the common cases first to give a precise message.
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict("a record with the same key already exists".to_owned())
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                Self::Conflict("the change conflicts with records that refer to it".to_owned())
            }
            _ => Self::Database(error),
        }
    }
}

/// Maps a unique-constraint violation to a 409 with a precise message.
pub trait UniqueViolation<T> {
    /// Replaces a unique violation by `Conflict(message())`.
    fn or_conflict(self, message: impl FnOnce() -> String) -> Result<T>;
}

impl<T> UniqueViolation<T> for Result<T, sqlx::Error> {
    fn or_conflict(self, message: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => ApiError::Conflict(message()),
            _ => error.into(),
        })
    }
}

/// The error envelope of every endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, naming the field for validation errors.
    pub error: String,
}

/// The error behind a response, for the logging middleware.
#[derive(Clone)]
struct Logged(Arc<ApiError>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.to_string(),
        };
        let mut response = (self.status_code(), axum::Json(body)).into_response();
        if matches!(self, Self::Unauthorized) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response.extensions_mut().insert(Logged(Arc::new(self)));
        response
    }
}

/// Logs the error behind each failed response: server errors with their
/// internal cause, client errors at debug level.
pub async fn log_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if let Some(Logged(error)) = response.extensions().get::<Logged>() {
        if response.status().is_server_error() {
            let cause = match error.as_ref() {
                ApiError::Database(source) => source.to_string(),
                ApiError::Internal(detail) => detail.clone(),
                other => other.to_string(),
            };
            tracing::error!(%method, %path, status = response.status().as_u16(), %cause, "request failed");
        } else {
            tracing::debug!(%method, %path, status = response.status().as_u16(), error = %error, "request rejected");
        }
    }
    response
}
