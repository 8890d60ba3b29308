//! Extractors whose rejections are [`ApiError`]s, so bad input gets the same
//! `{ "error": "…" }` envelope and the right status as everything else.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::IF_MATCH;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::error::Category;

/// Largest request body accepted (413 above).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// A JSON request body. Unlike `axum::Json` it ignores the Content-Type
/// (a bare `curl -d` works), answers 400 for malformed JSON and 422 naming the
/// field for well-formed JSON of the wrong shape.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge(MAX_BODY_BYTES)
                } else {
                    ApiError::BadRequest(rejection.body_text())
                }
            })?;
        parse_json(&bytes).map(Json)
    }
}

/// Deserializes a request body, classifying failures as 400 or 422.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => {
            return Err(ApiError::BadRequest(
                "request body is empty: expected a JSON object".to_owned(),
            ))
        }
        // Every body is an object; serde would otherwise accept structs as arrays.
        Some(b'{') => {}
        Some(_) if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() => {
            return Err(ApiError::invalid("body", "expected a JSON object"));
        }
        Some(_) => {}
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            Category::Data => ApiError::invalid(
                if path == "." { "body".to_owned() } else { path },
                inner.to_string(),
            ),
            Category::Syntax | Category::Eof | Category::Io => {
                ApiError::BadRequest(format!("malformed JSON: {inner}"))
            }
        }
    })?;
    deserializer
        .end()
        .map_err(|error| ApiError::BadRequest(format!("malformed JSON: {error}")))?;
    Ok(value)
}

/// For `Option<Option<T>>` fields: absent → `None`, `null` → `Some(None)`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The optional `If-Match` header: the configuration version a change was
/// based on (`"3"`, `3` or `W/"3"`; `*` matches any version).
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(IF_MATCH) else {
            return Ok(Self(None));
        };
        let raw = String::from_utf8_lossy(value.as_bytes());
        let text = raw.trim();
        if text == "*" {
            return Ok(Self(None));
        }
        let version = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
        version.parse().map(|v| Self(Some(v))).map_err(|_| {
            ApiError::BadRequest(format!(
                "If-Match must be a configuration version such as \"3\", not `{text}`"
            ))
        })
    }
}

/// Path parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        match rejection {
            PathRejection::FailedToDeserializePathParams(error) => {
                ApiError::BadRequest(error.body_text())
            }
            other => ApiError::Internal(other.body_text()),
        }
    }
}

/// Query-string parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        value: u32,
    }

    fn error_of(text: &str) -> ApiError {
        parse_json::<Body>(text.as_bytes()).expect_err("must fail")
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        let error = error_of(r#"{"name": "x", "#);
        assert_eq!(error.status_code(), StatusCode::BAD_REQUEST);
        assert!(
            error.to_string().starts_with("malformed JSON: EOF"),
            "{error}"
        );
        assert_eq!(error_of("  ").status_code(), StatusCode::BAD_REQUEST);
        assert_eq!(
            error_of(r#"{"name":"x","items":[]} x"#).status_code(),
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn wrong_shapes_name_the_field() {
        let error = error_of(r#"{"name": "x", "items": [{"value": 1}, {"value": "two"}]}"#);
        assert_eq!(error.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            error
                .to_string()
                .starts_with("items[1].value: invalid type"),
            "{error}"
        );
        assert!(error_of(r#"{"items": []}"#)
            .to_string()
            .starts_with("body: missing field `name`"));
        assert!(error_of(r#"{"name":"x","items":[],"extra":1}"#)
            .to_string()
            .contains("unknown field `extra`"));
    }
}
