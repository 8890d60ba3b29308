//! The shared vectors (`tests/vectors/*.json`) through the evaluate endpoint:
//! each file's datafile is published as a revision of a test environment
//! (straight into the store, as the vectors' datafiles are not built from
//! API records), then every case is POSTed with its `now`.

use crate::backend_tests;
use crate::fixtures::{org, ACME};
use crate::harness::TestApp;
use crate::support::acme_environment;
use control_plane::audit::Writer;
use control_plane::delivery::revisions::publish_next;
use evaluator_core::Datafile;
use halyard_tests::vectors::{compare, load_vector_files, vectors_dir, NamedFile};
use serde_json::{json, Value};
use std::time::Duration;

backend_tests!(every_vector_case_evaluates_as_expected);

async fn every_vector_case_evaluates_as_expected(app: TestApp) {
    org(&app, "acme").await;
    app.post(&format!("{ACME}/environments"))
        .json(json!({ "key": "vectors" }))
        .data()
        .await;
    let files = load_vector_files(&vectors_dir()).expect("vector files");
    assert!(files.len() >= 10, "only {} vector files", files.len());
    let mut cases = 0;
    let mut mismatches = Vec::new();
    for named in &files {
        let revision = publish_vector_datafile(&app, named).await;
        wait_for_revision(&app, revision).await;
        for case in &named.file.cases {
            cases += 1;
            let mut request =
                json!({ "flagKey": case.flag_key, "context": case.context, "now": case.now });
            if let Some(default) = &case.default_value {
                request["defaultValue"] = default.clone();
            }
            if let Some(value_type) = case.value_type {
                request["valueType"] = json!(format!("{value_type:?}").to_lowercase());
            }
            let reply = app
                .post(&format!("{ACME}/environments/vectors/evaluate"))
                .json(request)
                .data()
                .await;
            assert_eq!(
                reply["revision"], revision,
                "{} › {}",
                named.name, case.description
            );
            let Value::Object(mut actual) = reply["results"][0].clone() else {
                panic!(
                    "{} › {}: no result in {reply}",
                    named.name, case.description
                );
            };
            assert_eq!(actual.remove("flagKey"), Some(json!(case.flag_key)));
            for (field, expected, got) in compare(&case.expected, &actual) {
                mismatches.push(format!(
                    "{} › {}\n    {field}: expected {expected}, got {got}",
                    named.name, case.description
                ));
            }
        }
    }
    assert!(cases >= 100, "only {cases} cases");
    assert!(
        mismatches.is_empty(),
        "{} of {cases} cases differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Publishes the file's datafile as the next revision of `vectors`.
async fn publish_vector_datafile(app: &TestApp, named: &NamedFile) -> i64 {
    let datafile = Datafile::parse(&named.file.datafile.to_string())
        .unwrap_or_else(|error| panic!("{}: {error}", named.name));
    let mut tx = app.store.begin_write().await.expect("transaction");
    let env = acme_environment(&mut *tx, "vectors").await;
    let writer = Writer {
        actor_id: "test".to_owned(),
        actor_name: "vector test".to_owned(),
        org_id: "acme".to_owned(),
        now: control_plane::ids::now(),
    };
    let published = publish_next(&mut *tx, &env, datafile, &writer, None)
        .await
        .expect("publish");
    tx.commit().await.expect("commit");
    published.revision
}

/// Waits until the evaluate endpoint serves `revision` (the feed invalidates the cache).
async fn wait_for_revision(app: &TestApp, revision: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let reply = app
            .post(&format!("{ACME}/environments/vectors/evaluate"))
            .json(json!({}))
            .data()
            .await;
        if reply["revision"] == revision {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "revision {revision} not served: {reply}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
