use crate::backend_tests;
use crate::harness::TestApp;

async fn health_readiness_and_metrics(app: TestApp) {
    assert_eq!(
        app.get("/healthz").anonymous().expect(200).await["status"],
        "ok"
    );
    assert_eq!(
        app.get("/readyz").anonymous().expect(200).await["status"],
        "ready"
    );
    app.get("/api/orgs").expect(200).await;
    let metrics = app.get("/metrics").anonymous().send().await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    assert!(
        metrics.text.contains(
            "halyard_http_requests_total{method=\"GET\",route=\"/api/orgs\",status=\"200\"} 1"
        ),
        "{}",
        metrics.text
    );
    app.store.close().await;
    app.get("/readyz").anonymous().expect(503).await;
}

backend_tests!(health_readiness_and_metrics);
