//! `/playground`: the SDK's playground page, served from the SDK package
//! (`sdk-js/playground/`, with the built SDK `sdk-js/dist/` at
//! `/playground/sdk/`), read from disk at request time so a rebuilt SDK shows
//! up without restarting. The directory is `HALYARD_SDK_DIR`, by default the
//! `sdk-js` next to this crate.

use crate::error::ErrorBody;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::{Component, PathBuf};
use std::sync::Arc;

/// The SDK package directory: `HALYARD_SDK_DIR`, else `../sdk-js` from this crate.
pub fn sdk_dir() -> PathBuf {
    std::env::var_os("HALYARD_SDK_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sdk-js"),
        PathBuf::from,
    )
}

/// The playground routes over the SDK package in `dir`.
pub fn router<S: Clone + Send + Sync + 'static>(dir: PathBuf) -> Router<S> {
    Router::new()
        .route("/playground", get(page))
        .route("/playground/", get(page))
        .route("/playground/{*path}", get(asset))
        .with_state(Arc::new(dir))
}

/// The page itself, or a page saying how to build the SDK.
async fn page(State(dir): State<Arc<PathBuf>>) -> Response {
    let sdk = dir.join("dist/index.js");
    let page = dir.join("playground/index.html");
    match (tokio::fs::metadata(&sdk).await, tokio::fs::read(&page).await) {
        (Ok(_), Ok(html)) => with_type(html, "text/html; charset=utf-8"),
        _ => (
            StatusCode::NOT_FOUND,
            Html(format!(
                "<!doctype html><meta charset=\"utf-8\"><title>Halyard playground</title>\
                 <h1>The playground needs the SDK</h1>\
                 <p>Expected <code>{}</code> and <code>{}</code>. Build the SDK with \
                 <code>scripts/build-wasm.sh &amp;&amp; (cd sdk-js &amp;&amp; npm ci &amp;&amp; npm run build)</code>, \
                 or point <code>HALYARD_SDK_DIR</code> at a built <code>sdk-js</code>.</p>",
                page.display(),
                sdk.display()
            )),
        )
            .into_response(),
    }
}

/// `/playground/sdk/<file>` from `dist/`, anything else from `playground/`.
async fn asset(State(dir): State<Arc<PathBuf>>, Path(path): Path<String>) -> Response {
    let (root, rest) = match path.strip_prefix("sdk/") {
        Some(rest) => ("dist", rest),
        None => ("playground", path.as_str()),
    };
    let relative = PathBuf::from(rest);
    // Only plain names: no `..`, no absolute paths, nothing outside the package.
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !plain || rest.is_empty() {
        return missing(&path);
    }
    match tokio::fs::read(dir.join(root).join(&relative)).await {
        Ok(bytes) => with_type(bytes, content_type(&relative)),
        Err(_) => missing(&path),
    }
}

fn missing(path: &str) -> Response {
    let error = if path.starts_with("sdk/") {
        format!("playground file `{path}` not found: is the SDK built (sdk-js: npm run build)?")
    } else {
        format!("playground file `{path}` not found")
    };
    (StatusCode::NOT_FOUND, axum::Json(ErrorBody { error })).into_response()
}

fn with_type(bytes: Vec<u8>, content_type: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        // Read from disk each time: a rebuilt SDK must not hide behind a cache.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    (headers, bytes).into_response()
}

fn content_type(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json" | "map") => "application/json",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ts") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
