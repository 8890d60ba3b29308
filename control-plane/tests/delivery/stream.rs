//! `GET /api/sdk/stream/{sdkKey}` over real sockets: a revision event on
//! connect and after each publish, also when the publish happened in another
//! application instance on the same database.

use crate::backend_tests;
use crate::fixtures::{boolean_flag, ACME};
use crate::harness::TestApp;
use crate::support::{
    acme_with_flag, datafile, publish, raw, sdk_key, serve_another, serve_same, set_enabled, Sse,
};
use std::future::IntoFuture;
use std::time::{Duration, Instant};

backend_tests!(
    announces_the_current_revision_then_every_publish,
    a_publish_through_one_instance_reaches_subscribers_of_another,
    the_stream_ends_when_the_environment_is_deleted,
    unknown_keys_are_not_found,
);

/// What the brief promises: a publish reaches a subscriber within a second.
const WITHIN: Duration = Duration::from_secs(1);

async fn revision(app: &TestApp, env: &str) -> i64 {
    let env = app.get(&format!("{ACME}/environments/{env}")).data().await;
    env["revision"].as_i64().expect("revision")
}

async fn announces_the_current_revision_then_every_publish(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let address = serve_same(&app).await;
    let mut sse = Sse::connect(address, &key).await;
    let current = revision(&app, "production").await;
    sse.expect_revision(current, Duration::from_secs(5)).await;
    let head = sse.received.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-type: text/event-stream"), "{head}");
    assert!(head.contains("access-control-allow-origin: *"), "{head}");

    for (step, enabled) in [true, false].into_iter().enumerate() {
        set_enabled(&app, "new_checkout", "production", enabled).await;
        let started = Instant::now();
        sse.expect_revision(current + 1 + step as i64, WITHIN).await;
        eprintln!("revision event after {:?}", started.elapsed());
    }
    // An explicit publish is a revision too.
    let published = publish(&app, "production").await;
    sse.expect_revision(published, WITHIN).await;
}

async fn a_publish_through_one_instance_reaches_subscribers_of_another(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let other = serve_another(&app).await;
    let current = revision(&app, "production").await;
    let mut sse = Sse::connect(other, &key).await;
    sse.expect_revision(current, Duration::from_secs(5)).await;
    // The other instance has cached the current datafile by now.
    let cached = fetch_datafile(other, &key).await;
    assert!(
        cached.contains(&format!("\"revision\":{current}")),
        "{cached}"
    );

    set_enabled(&app, "new_checkout", "production", true).await;
    let started = Instant::now();
    sse.expect_revision(current + 1, WITHIN).await;
    eprintln!(
        "cross-instance revision event after {:?}",
        started.elapsed()
    );
    // …and its datafile cache was invalidated by the same notice.
    let body = fetch_datafile(other, &key).await;
    assert!(
        body.contains(&format!("\"revision\":{}", current + 1)),
        "{body}"
    );
    assert!(body.contains("\"enabled\":true"), "{body}");
    // The first instance agrees.
    assert_eq!(datafile(&app, &key).await["revision"], current + 1);
}

/// The datafile response of the server at `address`, head and body, over HTTP/1.1.
async fn fetch_datafile(address: std::net::SocketAddr, key: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let request = format!(
        "GET /api/sdk/datafile/{key} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    );
    let mut socket = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    socket.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    socket.read_to_string(&mut response).await.expect("read");
    response
}

async fn the_stream_ends_when_the_environment_is_deleted(app: TestApp) {
    acme_with_flag(&app, "new_checkout").await;
    boolean_flag(&app, "holiday_banner").await;
    let staging = sdk_key(&app, "staging").await;
    let address = serve_same(&app).await;
    // Never published: revision 0 is announced, then the first publish.
    let mut sse = Sse::connect(address, &staging).await;
    sse.expect_revision(0, Duration::from_secs(5)).await;
    let first = publish(&app, "staging").await;
    sse.expect_revision(first, WITHIN).await;
    app.delete(&format!("{ACME}/environments/staging"))
        .data()
        .await;
    sse.expect_closed(Duration::from_secs(5)).await;
}

async fn unknown_keys_are_not_found(app: TestApp) {
    acme_with_flag(&app, "new_checkout").await;
    let reply = raw(
        &app,
        "GET",
        "/api/sdk/stream/sdk_unknown",
        &[("origin", "https://x.example")],
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("access-control-allow-origin"), "*");
    let body: serde_json::Value = serde_json::from_slice(&reply.bytes).expect("JSON");
    assert_eq!(body["error"], "unknown SDK key");
}

/// A quiet stream still sends `: keep-alive` every 15 s (one backend suffices: no database involved).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_stream_sends_keep_alive_comments() {
    crate::harness::run(crate::harness::Backend::Sqlite, |app| async move {
        let key = acme_with_flag(&app, "new_checkout").await;
        let mut sse = Sse::connect(serve_same(&app).await, &key).await;
        sse.expect_revision(revision(&app, "production").await, Duration::from_secs(5))
            .await;
        let started = Instant::now();
        sse.expect_text("\n: keep-alive\n\n", Duration::from_secs(17))
            .await;
        assert!(
            started.elapsed() > Duration::from_secs(13),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

/// Graceful shutdown ends open streams instead of waiting for them forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_open_streams() {
    crate::harness::run(crate::harness::Backend::Sqlite, |app| async move {
        let key = acme_with_flag(&app, "new_checkout").await;
        let state = control_plane::AppState::new(app.store.clone());
        let delivery = state.delivery.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(
            axum::serve(listener, control_plane::app(state))
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                    delivery.close();
                })
                .into_future(),
        );
        let mut sse = Sse::connect(address, &key).await;
        sse.expect_revision(revision(&app, "production").await, Duration::from_secs(5))
            .await;
        stop.send(()).expect("server running");
        sse.expect_closed(Duration::from_secs(2)).await;
        tokio::time::timeout(Duration::from_secs(2), server)
            .await
            .expect("the server stops")
            .expect("no panic")
            .expect("no error");
    })
    .await;
}
