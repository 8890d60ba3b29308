//! `/playground`: the SDK's page and files, read from the SDK directory.

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use std::path::Path;
use tower::ServiceExt;

async fn get(dir: &Path, path: &str) -> (u16, String, String) {
    let router = control_plane::playground::router::<()>(dir.to_owned());
    let response = router
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().expect("ascii").to_owned())
        .unwrap_or_default();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        content_type,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[tokio::test]
async fn serves_the_page_and_the_built_sdk_with_their_types() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "playground/index.html",
        "<title>Halyard playground</title>",
    );
    write(
        dir.path(),
        "dist/index.js",
        "export const createClient = 1;",
    );
    write(dir.path(), "dist/wasm/evaluator_wasm_bg.wasm", "\0asm");
    for path in ["/playground", "/playground/", "/playground?sdkKey=x"] {
        let (status, content_type, body) = get(dir.path(), path).await;
        assert_eq!(
            (status, content_type.as_str()),
            (200, "text/html; charset=utf-8"),
            "{path}"
        );
        assert!(body.contains("Halyard playground"));
    }
    let (status, content_type, body) = get(dir.path(), "/playground/sdk/index.js").await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/javascript; charset=utf-8")
    );
    assert_eq!(body, "export const createClient = 1;");
    let (status, content_type, _) =
        get(dir.path(), "/playground/sdk/wasm/evaluator_wasm_bg.wasm").await;
    assert_eq!((status, content_type.as_str()), (200, "application/wasm"));

    // Read at request time: a rebuilt SDK shows up at once.
    write(
        dir.path(),
        "dist/index.js",
        "export const createClient = 2;",
    );
    assert!(get(dir.path(), "/playground/sdk/index.js")
        .await
        .2
        .ends_with("2;"));
}

#[tokio::test]
async fn missing_files_and_escapes_are_not_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "playground/index.html",
        "<title>Halyard playground</title>",
    );
    write(dir.path(), "secret.txt", "secret");
    // The SDK is not built: the page says how to build it.
    let (status, content_type, body) = get(dir.path(), "/playground").await;
    assert_eq!(
        (status, content_type.as_str()),
        (404, "text/html; charset=utf-8")
    );
    assert!(body.contains("npm run build"), "{body}");
    let (status, content_type, body) = get(dir.path(), "/playground/sdk/index.js").await;
    assert_eq!((status, content_type.as_str()), (404, "application/json"));
    assert!(body.contains("is the SDK built"), "{body}");
    for path in [
        "/playground/../secret.txt",
        "/playground/sdk/../../secret.txt",
        "/playground/%2e%2e/secret.txt",
    ] {
        let (status, _, body) = get(dir.path(), path).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_ne!(body, "secret", "{path}");
    }
}

#[tokio::test]
async fn the_default_directory_is_the_repositorys_sdk() {
    let dir = control_plane::playground::sdk_dir();
    if std::env::var_os("HALYARD_SDK_DIR").is_none() {
        assert!(
            dir.join("playground/index.html").is_file(),
            "{}",
            dir.display()
        );
    }
}
