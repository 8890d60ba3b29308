//! `GET /api/sdk/datafile/{sdkKey}`: the current datafile, exactly the bytes
//! prepared for its revision, with validators and cache headers for CDNs.

use super::revisions::AcceptedEncodings;
use super::{Delivery, DeliveryError};
use crate::error::ErrorBody;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Fresh for 10 s; then a CDN may serve it for a minute while revalidating,
/// and for a day while the control plane is down.
const CACHE_CONTROL: HeaderValue =
    HeaderValue::from_static("public, max-age=10, stale-while-revalidate=60, stale-if-error=86400");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_datafile))
}

/// The environment's current datafile (public; the SDK key is the credential).
///
/// Strong `ETag` per content coding; `If-None-Match` answers 304. Served with
/// brotli or gzip when the client accepts them. CORS allows every origin.
#[utoipa::path(get, path = "/api/sdk/datafile/{sdkKey}", tag = "sdk", security(()),
    params(("sdkKey" = String, Path, description = "The environment's public SDK key"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of the datafile the SDK has")),
    responses(
        (status = 200, description = "Datafile v1 JSON", content_type = "application/json", body = Object,
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The datafile has not changed"),
        (status = 404, description = "Unknown SDK key, or the environment has no published datafile", body = ErrorBody)))]
async fn get_datafile(
    State(delivery): State<Delivery>,
    Path(sdk_key): Path<String>,
    headers: HeaderMap,
) -> Result<Response, DeliveryError> {
    let prepared = delivery.published(&sdk_key).await?;
    let accepted = AcceptedEncodings::parse(
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let (encoding, body) = prepared.select(accepted);
    let etag = HeaderValue::from_str(&prepared.etag(encoding))
        .map_err(|error| crate::error::ApiError::Internal(error.to_string()))?;
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, CACHE_CONTROL),
        (header::VARY, HeaderValue::from_static("Accept-Encoding")),
    ];
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| prepared.matches(tags));
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let mut response = (
        common,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.clone(),
    )
        .into_response();
    if let Some(coding) = encoding.header() {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    Ok(response)
}
