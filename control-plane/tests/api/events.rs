use crate::fixtures::{self, ACME};
use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests};
use serde_json::json;

async fn events_list_and_create(app: TestApp) {
    fixtures::acme(&app).await;
    let events = format!("{ACME}/flag-events");
    let purchase = app
        .post(&events)
        .json(json!({ "name": "Purchase", "key": "purchase", "description": "User completes a purchase", "type": "CONVERSION" }))
        .expect(201)
        .await;
    assert_snapshot!("created", purchase);
    app.post(&events)
        .json(json!({ "name": "Revenue", "key": "revenue", "type": "NUMERIC" }))
        .expect(201)
        .await;
    let list = app.get(&events).data().await;
    let keys: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["purchase", "revenue"]);
    app.post(&events)
        .json(json!({ "name": "Again", "key": "purchase", "type": "NUMERIC" }))
        .expect(409)
        .await;
    let kind = app
        .post(&events)
        .json(json!({ "name": "x", "key": "x", "type": "COUNT" }))
        .expect(422)
        .await;
    assert!(kind["error"]
        .as_str()
        .unwrap()
        .starts_with("type: unknown variant `COUNT`"));
    let reader = fixtures::token(&app, "acme", &["read"]).await;
    app.get(&events).token(&reader).expect(200).await;
    app.post(&events)
        .token(&reader)
        .json(json!({ "name": "x", "key": "x", "type": "NUMERIC" }))
        .expect(403)
        .await;
}

backend_tests!(events_list_and_create);
