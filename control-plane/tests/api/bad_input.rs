use crate::harness::TestApp;
use crate::{assert_snapshot, backend_tests, fixtures};
use serde_json::json;

async fn client_errors_never_500(app: TestApp) {
    fixtures::org(&app, "acme").await;
    let path = "/api/orgs/acme/projects";
    let malformed = app.post(path).raw("{\"key\": \"x\",").expect(400).await;
    let empty = app.post(path).raw("").expect(400).await;
    let wrong_type = app
        .post(path)
        .json(json!({ "key": 5, "name": "x" }))
        .expect(422)
        .await;
    let unknown_field = app
        .post(path)
        .json(json!({ "key": "x", "name": "x", "colour": 1 }))
        .expect(422)
        .await;
    let not_an_object = app.post(path).json(json!([1, 2])).expect(422).await;
    let too_large = app.post(path).raw(vec![b' '; 2 << 20]).expect(413).await;
    let no_route = app.get("/api/nothing/here").expect(404).await;
    let bad_method = app.put("/api/orgs").json(json!({})).expect(405).await;
    // PostgreSQL text cannot hold NUL: refused the same way on every backend.
    let nul_body = app
        .post(path)
        .json(json!({ "key": "x", "name": "a\u{0}b" }))
        .expect(422)
        .await;
    let nul_path = app.get("/api/orgs/acme/projects/a%00b").expect(400).await;
    let nul_query = app
        .get("/api/orgs/acme/audit-log?entityId=a%00b")
        .expect(400)
        .await;
    assert_snapshot!(
        "errors",
        json!({
            "malformed": malformed, "empty": empty, "wrongType": wrong_type,
            "unknownField": unknown_field, "notAnObject": not_an_object, "tooLarge": too_large,
            "noRoute": no_route, "badMethod": bad_method, "nulBody": nul_body, "nulPath": nul_path,
            "nulQuery": nul_query,
        })
    );
}

backend_tests!(client_errors_never_500);
