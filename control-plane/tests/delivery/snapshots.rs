//! The published datafiles of the demo project (ids and times redacted).

use crate::backend_tests;
use crate::harness::{redact, TestApp};
use crate::support::datafile;
use std::time::Duration;

backend_tests!(demo_datafiles_are_stable);

async fn demo_datafiles_are_stable(app: TestApp) {
    let seeded = control_plane::demo::seed(&app.router, &app.store)
        .await
        .expect("seed the demo");
    assert!(seeded);
    for env in ["production", "staging"] {
        let record = app
            .get(&format!(
                "/api/orgs/demo/projects/default/environments/{env}"
            ))
            .data()
            .await;
        let key = record["sdkKey"].as_str().expect("sdkKey");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let served = loop {
            let served = datafile(&app, key).await;
            if served["revision"] == record["revision"] || tokio::time::Instant::now() > deadline {
                break served;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(served["revision"], record["revision"], "{env}");
        insta::assert_json_snapshot!(format!("demo_{env}"), redact(&served));
    }
}
