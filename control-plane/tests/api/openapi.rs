use crate::backend_tests;
use crate::harness::TestApp;
use std::path::Path;

fn generated() -> String {
    control_plane::openapi()
        .to_pretty_json()
        .expect("serializable")
        + "\n"
}

/// `control-plane/openapi.json` is the document the handlers generate;
/// `UPDATE_OPENAPI=1 cargo test -p control-plane --test api openapi` rewrites it.
#[test]
fn committed_document_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = generated();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "control-plane/openapi.json is out of date: run \
         `UPDATE_OPENAPI=1 cargo test -p control-plane --test api openapi` and commit it"
    );
}

#[test]
fn every_operation_documents_auth_and_errors() {
    let doc: serde_json::Value = serde_json::from_str(&generated()).expect("JSON");
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            let responses = operation["responses"].as_object().expect("responses");
            // Public SDK endpoints take no token: no 401/403.
            let public = operation["security"] == serde_json::json!([{}]);
            let statuses: &[&str] = if public {
                &["404", "500"]
            } else {
                &["401", "403", "404", "500"]
            };
            for &status in statuses {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
            if operation.get("requestBody").is_some() {
                assert!(responses.contains_key("422"), "{method} {path} lacks 422");
            }
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} has no success"
            );
            operations += 1;
        }
    }
    assert!(operations >= 40, "{operations} operations");
    assert_eq!(doc["security"][0]["bearer"], serde_json::json!([]));
}

async fn served_document_is_the_generated_one(app: TestApp) {
    let reply = app.get("/api/openapi.json").anonymous().send().await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text + "\n", generated());
}

backend_tests!(served_document_is_the_generated_one);
