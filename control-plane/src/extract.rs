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
use serde_json::Value;

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

/// Deserializes a request body: 400 for malformed JSON, 422 naming the field
/// for a well-formed body of the wrong shape.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest(
            "request body is empty: expected a JSON object".to_owned(),
        ));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|error| ApiError::BadRequest(format!("malformed JSON: {error}")))?;
    // Every body is an object; serde would otherwise accept structs as arrays.
    if !value.is_object() {
        return Err(ApiError::invalid("body", "expected a JSON object"));
    }
    // PostgreSQL text cannot hold NUL, so no backend may accept it.
    if let Some(field) = find_nul(&value, String::new()) {
        return Err(ApiError::invalid(field, "must not contain NUL characters"));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::invalid(field, error.into_inner().to_string())
    })
}

/// The path (`variations[1].value`) of the first string or key holding a NUL.
fn find_nul(value: &Value, path: String) -> Option<String> {
    let nul = |text: &str| text.contains('\0');
    match value {
        Value::String(text) if nul(text) => Some(if path.is_empty() {
            "body".to_owned()
        } else {
            path
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| find_nul(item, format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let field = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if nul(key) {
                Some(field)
            } else {
                find_nul(item, field)
            }
        }),
        _ => None,
    }
}

/// 400 when a URL part carries an encoded NUL (`%00`).
fn reject_encoded_nul(part: Option<&str>, what: &str) -> Result<(), ApiError> {
    if part.is_some_and(|text| text.contains("%00")) {
        return Err(ApiError::BadRequest(format!(
            "the {what} must not contain NUL characters"
        )));
    }
    Ok(())
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
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        reject_encoded_nul(Some(parts.uri.path()), "path")?;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(PathRejection::FailedToDeserializePathParams(error)) => {
                Err(ApiError::BadRequest(error.body_text()))
            }
            Err(other) => Err(ApiError::Internal(other.body_text())),
        }
    }
}

/// Query-string parameters.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        reject_encoded_nul(parts.uri.query(), "query string")?;
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection: QueryRejection| ApiError::BadRequest(rejection.body_text()))
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

    #[test]
    fn nul_characters_and_non_objects_are_refused() {
        let error = error_of(r#"{"name": "a\u0000b", "items": []}"#);
        assert_eq!(error.to_string(), "name: must not contain NUL characters");
        let error = error_of(r#"{"name": "a", "items": [{"value": 1, "n\u0000": 2}]}"#);
        assert_eq!(error.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error.to_string().starts_with("items[0].n"), "{error}");
        assert_eq!(
            error_of("[1, 2]").to_string(),
            "body: expected a JSON object"
        );
    }
}
