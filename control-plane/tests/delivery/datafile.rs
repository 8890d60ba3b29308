//! `GET /api/sdk/datafile/{sdkKey}`: bytes, validators, compression, CORS.

use crate::backend_tests;
use crate::fixtures::{boolean_flag, ACME};
use crate::harness::TestApp;
use crate::support::{acme_with_flag, datafile, eventually, publish, raw, sdk_key, set_enabled};
use serde_json::Value;
use std::io::Read;
use std::time::Duration;

backend_tests!(
    serves_the_published_bytes_with_validators,
    if_none_match_revalidates_until_a_publish,
    compresses_with_brotli_or_gzip_as_accepted,
    answers_cors_preflights_for_every_sdk_endpoint,
    unknown_unpublished_and_deleted_environments_are_not_found,
);

const CACHE_CONTROL: &str = "public, max-age=10, stale-while-revalidate=60, stale-if-error=86400";

async fn serves_the_published_bytes_with_validators(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let path = format!("/api/sdk/datafile/{key}");
    let reply = raw(&app, "GET", &path, &[("origin", "https://shop.example")]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.header("cache-control"), CACHE_CONTROL);
    assert_eq!(reply.header("vary").to_ascii_lowercase(), "accept-encoding");
    assert_eq!(reply.header("access-control-allow-origin"), "*");
    assert_eq!(
        reply
            .header("access-control-expose-headers")
            .to_ascii_lowercase(),
        "etag"
    );
    let etag = reply.header("etag");
    assert!(
        etag.len() > 10 && etag.starts_with('"') && etag.ends_with('"'),
        "{etag}"
    );

    // Exactly the stored revision's bytes.
    let served: Value = serde_json::from_slice(&reply.bytes).expect("JSON");
    let revision = served["revision"].as_i64().expect("revision");
    let stored = app
        .get(&format!(
            "{ACME}/environments/production/datafiles/{revision}"
        ))
        .data()
        .await;
    assert_eq!(stored["datafile"], served);
    assert_eq!(
        format!("\"{}\"", stored["etag"].as_str().expect("etag")),
        etag
    );
    assert_eq!(stored["size"], reply.bytes.len());
    assert_eq!(served["schemaVersion"], 1);
    assert_eq!(served["flags"][0]["key"], "new_checkout");
    let env = app
        .get(&format!("{ACME}/environments/production"))
        .data()
        .await;
    assert_eq!(env["revision"], revision);
}

async fn if_none_match_revalidates_until_a_publish(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let path = format!("/api/sdk/datafile/{key}");
    let first = raw(&app, "GET", &path, &[]).await;
    let etag = first.header("etag").to_owned();

    let again = raw(&app, "GET", &path, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.bytes.is_empty());
    assert_eq!(again.header("etag"), etag);
    assert_eq!(again.header("cache-control"), CACHE_CONTROL);
    let weak = format!("W/{etag}");
    let listed = format!("\"stale\", {etag}");
    for tags in [weak.as_str(), listed.as_str(), "*"] {
        assert_eq!(
            raw(&app, "GET", &path, &[("if-none-match", tags)])
                .await
                .status,
            304,
            "{tags}"
        );
    }
    assert_eq!(
        raw(&app, "GET", &path, &[("if-none-match", "\"stale\"")])
            .await
            .status,
        200
    );

    // Production auto-publishes: the toggle is a new revision with a new ETag.
    let before = datafile(&app, &key).await;
    set_enabled(&app, "new_checkout", "production", true).await;
    let mut reply = raw(&app, "GET", &path, &[("if-none-match", &etag)]).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while reply.status == 304 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        reply = raw(&app, "GET", &path, &[("if-none-match", &etag)]).await;
    }
    assert_eq!(reply.status, 200, "the new revision is served");
    assert_ne!(reply.header("etag"), etag);
    let after: Value = serde_json::from_slice(&reply.bytes).expect("JSON");
    assert_eq!(
        after["revision"],
        before["revision"].as_i64().expect("revision") + 1
    );
    assert_eq!(after["flags"][0]["enabled"], true);
    assert_eq!(before["flags"][0]["enabled"], false);
}

async fn compresses_with_brotli_or_gzip_as_accepted(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    for flag in ["checkout_button", "search_box", "holiday_banner"] {
        boolean_flag(&app, flag).await;
    }
    let path = format!("/api/sdk/datafile/{key}");
    let plain = raw(&app, "GET", &path, &[("accept-encoding", "identity")]).await;
    assert!(plain.headers.get("content-encoding").is_none());

    let br = raw(
        &app,
        "GET",
        &path,
        &[("accept-encoding", "gzip, deflate, br")],
    )
    .await;
    assert_eq!(br.header("content-encoding"), "br");
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&br.bytes[..], 4096)
        .read_to_end(&mut decoded)
        .expect("brotli");
    assert_eq!(decoded, plain.bytes);
    assert!(br.bytes.len() < plain.bytes.len());

    let gzip = raw(&app, "GET", &path, &[("accept-encoding", "br;q=0, gzip")]).await;
    assert_eq!(gzip.header("content-encoding"), "gzip");
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gzip.bytes[..])
        .read_to_end(&mut decoded)
        .expect("gzip");
    assert_eq!(decoded, plain.bytes);

    // Each coding is its own representation, and any of them revalidates.
    let tags = [plain.header("etag"), gzip.header("etag"), br.header("etag")];
    assert!(
        tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2],
        "{tags:?}"
    );
    for tag in tags {
        let reply = raw(
            &app,
            "GET",
            &path,
            &[("if-none-match", tag), ("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(reply.status, 304, "{tag}");
        assert_eq!(reply.header("etag"), gzip.header("etag"));
    }
}

async fn answers_cors_preflights_for_every_sdk_endpoint(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let datafile = format!("/api/sdk/datafile/{key}");
    let stream = format!("/api/sdk/stream/{key}");
    let cases = [
        (datafile.as_str(), "GET", "if-none-match"),
        (stream.as_str(), "GET", "accept"),
        ("/api/sdk/heartbeat", "POST", "content-type"),
        ("/api/sdk/events", "POST", "content-type"),
        (
            "/ofrep/v1/evaluate/flags",
            "POST",
            "authorization,content-type",
        ),
    ];
    for (path, method, headers) in cases {
        let reply = raw(
            &app,
            "OPTIONS",
            path,
            &[
                ("origin", "https://shop.example"),
                ("access-control-request-method", method),
                ("access-control-request-headers", headers),
            ],
        )
        .await;
        assert_eq!(reply.status, 204, "{path}");
        assert_eq!(reply.header("access-control-allow-origin"), "*", "{path}");
        assert!(
            reply
                .header("access-control-allow-methods")
                .contains(method),
            "{path}"
        );
        let allowed = reply
            .header("access-control-allow-headers")
            .to_ascii_lowercase();
        for header in headers.split(',').filter(|h| *h != "accept") {
            assert!(
                allowed.contains(header),
                "{path}: {header} not in {allowed}"
            );
        }
        assert_eq!(reply.header("access-control-max-age"), "86400");
    }
    // Errors carry CORS headers too, so browsers can read them.
    let unknown = raw(
        &app,
        "GET",
        "/api/sdk/datafile/sdk_nope",
        &[("origin", "https://x.example")],
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.header("access-control-allow-origin"), "*");
}

async fn unknown_unpublished_and_deleted_environments_are_not_found(app: TestApp) {
    acme_with_flag(&app, "new_checkout").await;
    let unknown = app
        .get("/api/sdk/datafile/sdk_unknown_key")
        .anonymous()
        .expect(404)
        .await;
    assert_eq!(unknown["error"], "unknown SDK key");

    // Staging does not auto-publish: nothing until its first publish.
    let staging = sdk_key(&app, "staging").await;
    let path = format!("/api/sdk/datafile/{staging}");
    let body = app.get(&path).anonymous().expect(404).await;
    assert_eq!(
        body,
        serde_json::json!({ "error": "environment has no published datafile" })
    );
    boolean_flag(&app, "holiday_banner").await;
    let revision = publish(&app, "staging").await;
    assert_eq!(datafile(&app, &staging).await["revision"], revision);

    app.delete(&format!("{ACME}/environments/staging"))
        .data()
        .await;
    eventually(
        Duration::from_secs(5),
        "the deleted environment disappears",
        || async { app.get(&path).anonymous().send().await.status == 404 },
    )
    .await;
    let gone = app.get(&path).anonymous().expect(404).await;
    assert_eq!(gone["error"], "unknown SDK key");
}
