use crate::backend_tests;
use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use serde_json::{json, Value};
use std::sync::Arc;

const WRITERS: usize = 4;

/// Sends `bodies` as simultaneous PATCHes from separate tasks; returns the statuses.
async fn patch_at_once(
    app: &Arc<TestApp>,
    path: &str,
    if_match: Option<i64>,
    bodies: Vec<Value>,
) -> Vec<u16> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let (app, path) = (Arc::clone(app), path.to_owned());
            tokio::spawn(async move {
                let mut call = app.patch(&path).json(body);
                if let Some(version) = if_match {
                    call = call.header("if-match", &format!("\"{version}\""));
                }
                call.send().await.status.as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    statuses
}

async fn concurrent_patches_apply_or_conflict(app: TestApp) {
    fixtures::acme(&app).await;
    fixtures::colour_flag(&app, "colour").await;
    let app = Arc::new(app);
    for env in ["staging", "production"] {
        let path = format!("{ACME}/flags/colour/envs/{env}");
        // Same If-Match: exactly one writer wins, the others get 409.
        for round in 0..3 {
            let version = app.get(&path).data().await["version"].as_i64().unwrap();
            let bodies = (0..WRITERS)
                .map(|i| json!({ "enabled": (i + round) % 2 == 0 }))
                .collect();
            let mut statuses = patch_at_once(&app, &path, Some(version), bodies).await;
            statuses.sort_unstable();
            assert_eq!(statuses, [200, 409, 409, 409], "{env} round {round}");
            assert_eq!(app.get(&path).data().await["version"], version + 1);
        }
        // Without If-Match: every change applies, none is lost.
        let version = app.get(&path).data().await["version"].as_i64().unwrap();
        let bodies = vec![
            json!({ "enabled": true }),
            json!({ "timezone": "Europe/Oslo" }),
            json!({ "rolloutCondition": { "minVersion": "3.1.0" } }),
            json!({ "schedulingEnabled": true, "scheduledEnableAt": "2030-01-01T00:00:00Z" }),
        ];
        assert_eq!(
            patch_at_once(&app, &path, None, bodies).await,
            [200; WRITERS]
        );
        let config = app.get(&path).data().await;
        assert_eq!(config["version"], version + WRITERS as i64);
        assert_eq!(config["enabled"], true);
        assert_eq!(config["timezone"], "Europe/Oslo");
        assert_eq!(config["rolloutCondition"]["minVersion"], "3.1.0");
        assert_eq!(config["scheduledEnableAt"], "2030-01-01T00:00:00Z");
    }
}

backend_tests!(concurrent_patches_apply_or_conflict);
