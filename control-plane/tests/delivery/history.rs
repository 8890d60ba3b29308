//! Published revisions: listing, reading one, rolling back; audit and permissions.

use crate::backend_tests;
use crate::fixtures::{boolean_flag, config, org, token, ACME};
use crate::harness::TestApp;
use crate::support::{
    acme_environment, acme_with_flag, datafile, eventually, publish, set_enabled,
};
use control_plane::store::DatafileRevision;
use serde_json::json;
use std::time::Duration;

backend_tests!(
    every_publish_is_an_immutable_revision,
    rollback_republishes_an_old_revision_as_a_new_one,
    rollback_needs_the_same_permissions_as_publishing,
    bad_rollbacks_are_refused,
);

async fn every_publish_is_an_immutable_revision(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    set_enabled(&app, "new_checkout", "production", true).await;
    let listed = app
        .get(&format!("{ACME}/environments/production/datafiles"))
        .data()
        .await;
    let listed = listed.as_array().expect("array");
    let revisions: Vec<i64> = listed
        .iter()
        .map(|r| r["revision"].as_i64().expect("revision"))
        .collect();
    let newest = revisions[0];
    assert_eq!(
        revisions,
        (1..=newest).rev().collect::<Vec<_>>(),
        "newest first, no gaps"
    );
    assert!(
        newest >= 3,
        "org creation, flag creation and the toggle each publish: {revisions:?}"
    );
    for revision in listed {
        assert!(revision["size"].as_i64().expect("size") > 0);
        assert_eq!(revision["etag"].as_str().expect("etag").len(), 32);
        assert!(revision["publishedBy"].is_string());
        assert!(revision["publishedAt"].is_string());
        assert!(revision["sourceRevision"].is_null());
    }
    assert_ne!(listed[0]["etag"], listed[1]["etag"]);

    let before_toggle = app
        .get(&format!(
            "{ACME}/environments/production/datafiles/{}",
            newest - 1
        ))
        .data()
        .await;
    assert_eq!(before_toggle["revision"], newest - 1);
    assert_eq!(before_toggle["datafile"]["revision"], newest - 1);
    assert_eq!(before_toggle["datafile"]["flags"][0]["enabled"], false);
    eventually(Duration::from_secs(5), "the toggle is served", || async {
        datafile(&app, &key).await["revision"] == newest
    })
    .await;
    app.get(&format!(
        "{ACME}/environments/production/datafiles/{}",
        newest + 1
    ))
    .expect(404)
    .await;
}

async fn rollback_republishes_an_old_revision_as_a_new_one(app: TestApp) {
    let key = acme_with_flag(&app, "new_checkout").await;
    let off = publish(&app, "production").await;
    set_enabled(&app, "new_checkout", "production", true).await;
    let old = app
        .get(&format!("{ACME}/environments/production/datafiles/{off}"))
        .data()
        .await;

    let rolled = app
        .post(&format!("{ACME}/environments/production/rollback"))
        .json(json!({ "revision": off }))
        .data()
        .await;
    let revision = rolled["revision"].as_i64().expect("revision");
    assert_eq!(revision, off + 2, "a new revision after the toggle's");
    assert_eq!(rolled["sourceRevision"], off);
    assert_eq!(rolled["datafile"]["revision"], revision);
    assert_eq!(rolled["datafile"]["flags"], old["datafile"]["flags"]);
    assert_eq!(rolled["datafile"]["flags"][0]["enabled"], false);
    assert_ne!(
        rolled["datafile"]["publishedAt"],
        old["datafile"]["publishedAt"]
    );

    eventually(Duration::from_secs(5), "SDKs get the rollback", || async {
        let served = datafile(&app, &key).await;
        served["revision"] == revision && served["flags"][0]["enabled"] == false
    })
    .await;
    // The configuration still says enabled and now differs from what is live.
    let flag = app.get(&format!("{ACME}/flags/new_checkout")).data().await;
    assert_eq!(config(&flag, "production")["enabled"], true);
    assert_eq!(config(&flag, "production")["hasPendingChanges"], true);

    let audit = app
        .get("/api/orgs/acme/audit-log?entityType=environment")
        .data()
        .await;
    let entry = audit
        .as_array()
        .and_then(|entries| {
            entries
                .iter()
                .find(|e| e["action"] == "environment.rollback")
        })
        .unwrap_or_else(|| panic!("no rollback in {audit}"));
    assert_eq!(
        entry["after"],
        json!({ "revision": revision, "sourceRevision": off })
    );
    assert_eq!(entry["before"], json!({ "revision": off + 1 }));
}

async fn rollback_needs_the_same_permissions_as_publishing(app: TestApp) {
    acme_with_flag(&app, "new_checkout").await;
    boolean_flag(&app, "holiday_banner").await;
    let staging = publish(&app, "staging").await;
    let writer = token(&app, "acme", &["write"]).await;
    let publisher = token(&app, "acme", &["write", "publishProduction"]).await;
    let reader = token(&app, "acme", &["read"]).await;
    let rollback = |env: &str| format!("{ACME}/environments/{env}/rollback");

    app.get(&format!("{ACME}/environments/production/datafiles"))
        .token(&reader)
        .data()
        .await;
    app.post(&rollback("staging"))
        .token(&reader)
        .json(json!({ "revision": staging }))
        .expect(403)
        .await;
    app.post(&rollback("staging"))
        .token(&writer)
        .json(json!({ "revision": staging }))
        .data()
        .await;
    app.post(&rollback("production"))
        .token(&writer)
        .json(json!({ "revision": 1 }))
        .expect(403)
        .await;
    app.post(&rollback("production"))
        .token(&publisher)
        .json(json!({ "revision": 1 }))
        .data()
        .await;
    app.post(&rollback("production"))
        .anonymous()
        .json(json!({ "revision": 1 }))
        .expect(401)
        .await;

    org(&app, "other").await;
    let stranger = token(&app, "other", &["admin"]).await;
    app.get(&format!("{ACME}/environments/production/datafiles"))
        .token(&stranger)
        .expect(404)
        .await;
    app.post(&rollback("production"))
        .token(&stranger)
        .json(json!({ "revision": 1 }))
        .expect(404)
        .await;
}

async fn bad_rollbacks_are_refused(app: TestApp) {
    acme_with_flag(&app, "new_checkout").await;
    let rollback = format!("{ACME}/environments/production/rollback");
    let missing = app
        .post(&rollback)
        .json(json!({ "revision": 99 }))
        .expect(404)
        .await;
    assert!(
        missing["error"]
            .as_str()
            .expect("error")
            .contains("revision 99"),
        "{missing}"
    );
    app.post(&rollback)
        .json(json!({ "revision": "one" }))
        .expect(422)
        .await;
    app.post(&rollback).json(json!({})).expect(422).await;
    app.post(&rollback).raw("{").expect(400).await;
    app.post(&format!("{ACME}/environments/nowhere/rollback"))
        .json(json!({ "revision": 1 }))
        .expect(404)
        .await;
    // A stored revision that today's validation rejects is not published again.
    let current = app
        .get(&format!("{ACME}/environments/production/datafiles/2"))
        .data()
        .await;
    let mut broken = current["datafile"].clone();
    broken["flags"][0]["defaultVariation"] = json!("no-such-variation");
    let mut tx = app.store.begin_write().await.expect("transaction");
    let env = acme_environment(&mut *tx, "production").await;
    let stored = DatafileRevision {
        environment_id: env.id,
        revision: 1000,
        etag: "0".repeat(32),
        body: broken.to_string(),
        published_at: control_plane::ids::now(),
        published_by: "test".to_owned(),
        source_revision: None,
    };
    tx.insert_datafile_revision(&stored).await.expect("insert");
    tx.commit().await.expect("commit");
    let refused = app
        .post(&rollback)
        .json(json!({ "revision": 1000 }))
        .expect(422)
        .await;
    let error = refused["error"].as_str().expect("error");
    assert!(
        error.starts_with("revision 1000: no longer passes validation: flags[0]"),
        "{error}"
    );
    // Nothing was published by the refusals.
    let listed = app
        .get(&format!("{ACME}/environments/production/datafiles"))
        .data()
        .await;
    assert!(listed
        .as_array()
        .expect("array")
        .iter()
        .all(|r| r["sourceRevision"].is_null()));
}
