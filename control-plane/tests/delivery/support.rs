//! Helpers of the delivery tests: SDK keys, toggles, real listeners and an
//! SSE reader over plain TCP.

use crate::fixtures::ACME;
use crate::harness::TestApp;
use control_plane::{store, AppState};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// `acme`'s environment `env` (project `default`), read inside `tx`.
pub async fn acme_environment(tx: &mut dyn store::Tx, env: &str) -> store::Environment {
    let project = tx
        .find_project("acme", "default")
        .await
        .expect("query")
        .expect("project");
    tx.find_environment(&project.id, env)
        .await
        .expect("query")
        .expect("environment")
}

/// The SDK key of `acme`'s environment `env`.
pub async fn sdk_key(app: &TestApp, env: &str) -> String {
    let env = app.get(&format!("{ACME}/environments/{env}")).data().await;
    env["sdkKey"].as_str().expect("sdkKey").to_owned()
}

/// Turns `flag` on or off in `env`.
pub async fn set_enabled(app: &TestApp, flag: &str, env: &str, enabled: bool) {
    app.patch(&format!("{ACME}/flags/{flag}/envs/{env}"))
        .json(json!({ "enabled": enabled }))
        .data()
        .await;
}

/// Publishes `env` explicitly; returns the new revision.
pub async fn publish(app: &TestApp, env: &str) -> i64 {
    let env = app
        .post(&format!("{ACME}/environments/{env}/publish"))
        .data()
        .await;
    env["revision"].as_i64().expect("revision")
}

/// The datafile SDKs download for `sdk_key`, parsed.
pub async fn datafile(app: &TestApp, sdk_key: &str) -> Value {
    app.get(&format!("/api/sdk/datafile/{sdk_key}"))
        .anonymous()
        .expect(200)
        .await
}

/// Serves a second application on the database of `app` on 127.0.0.1:0.
pub async fn serve_another(app: &TestApp) -> SocketAddr {
    let store = store::open(&app.url)
        .await
        .expect("open the database again");
    serve(control_plane::app(AppState::new(store))).await
}

/// Serves `app`'s own router on 127.0.0.1:0.
pub async fn serve_same(app: &TestApp) -> SocketAddr {
    serve(app.router.clone()).await
}

async fn serve(router: axum::Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// An open `GET /api/sdk/stream/{sdkKey}` over a real socket.
pub struct Sse {
    socket: TcpStream,
    /// Everything received so far (HTTP head and chunked body, undecoded).
    pub received: String,
}

impl Sse {
    pub async fn connect(address: SocketAddr, sdk_key: &str) -> Self {
        let mut socket = TcpStream::connect(address).await.expect("connect");
        let request = format!(
            "GET /api/sdk/stream/{sdk_key} HTTP/1.1\r\nHost: {address}\r\n\
             Accept: text/event-stream\r\nOrigin: https://app.example\r\n\r\n"
        );
        socket
            .write_all(request.as_bytes())
            .await
            .expect("send the request");
        Self {
            socket,
            received: String::new(),
        }
    }

    /// Waits up to `within` for `event: revision` with revision `revision`.
    pub async fn expect_revision(&mut self, revision: i64, within: Duration) {
        let wanted = format!("event: revision\ndata: {{\"revision\":{revision}}}\n\n");
        self.expect_text(&wanted, within).await;
    }

    /// Waits up to `within` until `text` has been received.
    pub async fn expect_text(&mut self, text: &str, within: Duration) {
        let deadline = tokio::time::Instant::now() + within;
        let mut buffer = [0u8; 4096];
        while !self.received.contains(text) {
            let read = tokio::time::timeout_at(deadline, self.socket.read(&mut buffer))
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "no {text:?} within {within:?}; received:\n{}",
                        self.received
                    )
                })
                .expect("read");
            assert!(read > 0, "stream closed; received:\n{}", self.received);
            self.received
                .push_str(&String::from_utf8_lossy(&buffer[..read]));
        }
    }

    /// Waits up to `within` for the server to close the stream.
    pub async fn expect_closed(&mut self, within: Duration) {
        let mut buffer = [0u8; 4096];
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let read = tokio::time::timeout_at(deadline, self.socket.read(&mut buffer))
                .await
                .unwrap_or_else(|_| panic!("still open; received:\n{}", self.received))
                .expect("read");
            let chunk = String::from_utf8_lossy(&buffer[..read]);
            self.received.push_str(&chunk);
            // The last chunk of a chunked body, or the connection itself, ends it.
            if read == 0 || self.received.ends_with("0\r\n\r\n") {
                return;
            }
        }
    }
}

/// Organization `acme` with boolean flag `key`; returns production's SDK key.
pub async fn acme_with_flag(app: &TestApp, key: &str) -> String {
    crate::fixtures::acme(app).await;
    crate::fixtures::boolean_flag(app, key).await;
    sdk_key(app, "production").await
}

/// A response with its body as raw bytes (compressed bodies are not text).
pub struct RawReply {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub bytes: axum::body::Bytes,
}

impl RawReply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }
}

/// Sends `method path` with `headers` and no credentials through the router.
pub async fn raw(app: &TestApp, method: &str, path: &str, headers: &[(&str, &str)]) -> RawReply {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(axum::body::Body::empty())
        .expect("valid request");
    let response = app
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("infallible router");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    RawReply {
        status,
        headers,
        bytes,
    }
}

/// Retries `check` every 20 ms until it returns true or `within` passes.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} did not happen within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
