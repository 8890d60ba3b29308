//! Drives the real router (no port) against a fresh database per test, on
//! both backends. `backend_tests!` writes one `#[tokio::test]` per backend
//! for each shared test function.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use control_plane::store::{self, DynStore};
use control_plane::{app, seed, AppState};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};
use std::future::Future;
use tower::ServiceExt;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `test` on a fresh database of `backend`, dropping the database afterwards.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = TestDb::create(backend).await;
    let app = TestApp::open(db.url.clone(), None).await;
    let outcome = tokio::spawn(test(app)).await;
    db.destroy().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// Declares, for each named `async fn(TestApp)`, a test per backend.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::harness::run($crate::harness::Backend::Sqlite, super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::harness::run($crate::harness::Backend::Postgres, super::$name).await;
                }
            )*
        }
    };
}

/// A throwaway database: a temporary SQLite file, or a uniquely named
/// PostgreSQL database in the cluster of `TEST_DATABASE_URL`.
struct TestDb {
    url: String,
    postgres_admin: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    async fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("halyard.db").display());
                Self {
                    url,
                    postgres_admin: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let base = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| {
                    panic!(
                        "TEST_DATABASE_URL is not set: PostgreSQL tests need a server, e.g. \
                         TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres \
                         (scripts/pg-up.sh starts a throwaway one)"
                    )
                });
                let name = format!(
                    "halyard_test_{}",
                    control_plane::ids::new_id("db").trim_start_matches("db_")
                );
                let mut admin = PgConnection::connect(&base)
                    .await
                    .unwrap_or_else(|error| panic!("cannot connect to TEST_DATABASE_URL: {error}"));
                admin
                    .execute(sqlx::AssertSqlSafe(format!("create database \"{name}\"")))
                    .await
                    .expect("create the test database");
                let url = with_database(&base, &name);
                Self {
                    url,
                    postgres_admin: Some((base, name)),
                    _dir: None,
                }
            }
        }
    }

    async fn destroy(self) {
        if let Some((base, name)) = self.postgres_admin {
            let mut admin = PgConnection::connect(&base)
                .await
                .expect("reconnect to TEST_DATABASE_URL");
            admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "drop database if exists \"{name}\" with (force)"
                )))
                .await
                .expect("drop the test database");
        }
    }
}

/// `base` with its database name replaced by `name`.
fn with_database(base: &str, name: &str) -> String {
    let (address, query) = base
        .split_once('?')
        .map_or((base, None), |(a, q)| (a, Some(q)));
    let authority_end = address.find("://").map_or(0, |i| i + 3);
    let root = match address[authority_end..].find('/') {
        Some(slash) => &address[..authority_end + slash],
        None => address,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

/// The application over one test database, with its super-admin token.
pub struct TestApp {
    pub router: Router,
    pub store: DynStore,
    pub url: String,
    /// The super-admin token (sent by default).
    pub admin: String,
}

impl TestApp {
    async fn open(url: String, admin: Option<String>) -> Self {
        let store = store::open(&url).await.expect("open the test database");
        let generated = seed::bootstrap_admin(&store, None)
            .await
            .expect("bootstrap");
        let admin = admin
            .or(generated)
            .expect("a fresh database gets a super-admin token");
        let router = app(AppState::new(store.clone()));
        Self {
            router,
            store,
            url,
            admin,
        }
    }

    /// Stops this app (closing every connection) and starts a new one on the same database.
    pub async fn restart(self) -> Self {
        let Self {
            router,
            store,
            url,
            admin,
        } = self;
        drop(router);
        store.close().await;
        drop(store);
        Self::open(url, Some(admin)).await
    }

    pub fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            app: self,
            method,
            path: path.to_owned(),
            token: Some(self.admin.clone()),
            headers: Vec::new(),
            body: Body::empty(),
        }
    }

    pub fn get(&self, path: &str) -> Call<'_> {
        self.call(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Call<'_> {
        self.call(Method::POST, path)
    }

    pub fn patch(&self, path: &str) -> Call<'_> {
        self.call(Method::PATCH, path)
    }

    pub fn put(&self, path: &str) -> Call<'_> {
        self.call(Method::PUT, path)
    }

    pub fn delete(&self, path: &str) -> Call<'_> {
        self.call(Method::DELETE, path)
    }
}

/// A request being built.
pub struct Call<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    token: Option<String>,
    headers: Vec<(String, String)>,
    body: Body,
}

impl Call<'_> {
    /// Sends `token` instead of the super-admin token.
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// Sends no Authorization header.
    pub fn anonymous(mut self) -> Self {
        self.token = None;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Body::from(body.to_string());
        self
    }

    pub fn raw(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    pub async fn send(self) -> Reply {
        let mut request = Request::builder()
            .method(self.method.clone())
            .uri(&self.path);
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let request = request.body(self.body).expect("valid request");
        let response = self
            .app
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible router");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::String(text.clone()));
        Reply {
            method: self.method,
            path: self.path,
            status,
            headers,
            body,
            text,
        }
    }

    /// Sends and asserts the status; returns the body.
    pub async fn expect(self, status: u16) -> Value {
        self.send().await.expect(status)
    }

    /// Sends, asserts 200 or 201, and returns `data`.
    pub async fn data(self) -> Value {
        let reply = self.send().await;
        assert!(
            reply.status == StatusCode::OK || reply.status == StatusCode::CREATED,
            "{} {} answered {}: {}",
            reply.method,
            reply.path,
            reply.status,
            reply.text
        );
        reply.body["data"].clone()
    }
}

/// A response.
pub struct Reply {
    pub method: Method,
    pub path: String,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// Asserts the status and, for errors, the `{ "error": "…" }` envelope; returns the body.
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{} {} answered {}: {}",
            self.method,
            self.path,
            self.status,
            self.text
        );
        if status >= 400 {
            assert!(
                self.body["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{} {}: error without the envelope: {}",
                self.method,
                self.path,
                self.text
            );
        }
        self.body
    }
}

/// Replaces generated values (ids, secrets, SDK keys, timestamps, cursors)
/// by stable placeholders: the n-th distinct id becomes `[id:n]`, so
/// snapshots still show which records refer to which.
pub fn redact(value: &Value) -> Value {
    let mut ids = Vec::new();
    redact_into(value, None, &mut ids)
}

fn redact_into(value: &Value, key: Option<&str>, ids: &mut Vec<String>) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), redact_into(v, Some(k), ids)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| redact_into(v, key, ids)).collect())
        }
        Value::String(text) if is_generated_id(text) => Value::String(placeholder(text, ids)),
        Value::String(text) if text.starts_with("hly_") => Value::String("[secret]".into()),
        Value::String(text) if text.starts_with("sdk_") => Value::String("[sdkKey]".into()),
        _ if matches!(
            key,
            Some("createdAt" | "updatedAt" | "publishedAt" | "revokedAt")
        ) && !value.is_null() =>
        {
            Value::String("[time]".into())
        }
        _ if matches!(key, Some("nextCursor" | "tokenPrefix")) && !value.is_null() => {
            Value::String(format!("[{}]", key.unwrap_or_default()))
        }
        Value::Number(_) if key == Some("id") => Value::String("[seq]".into()),
        // Ids quoted inside messages (`var_…` is not a variation) too.
        Value::String(text) => Value::String(redact_words(text, ids)),
        other => other.clone(),
    }
}

fn placeholder(id: &str, ids: &mut Vec<String>) -> String {
    let index = ids.iter().position(|known| known == id).unwrap_or_else(|| {
        ids.push(id.to_owned());
        ids.len() - 1
    });
    format!("[id:{}]", index + 1)
}

/// Replaces every generated id among the words (runs of `[a-z0-9_]`) of `text`.
fn redact_words(text: &str, ids: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
            word.push(c);
            continue;
        }
        if is_generated_id(&word) {
            out.push_str(&placeholder(&word, ids));
        } else {
            out.push_str(&word);
        }
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// `prefix_` followed by 16 characters of Halyard's base32 alphabet.
fn is_generated_id(text: &str) -> bool {
    text.split_once('_').is_some_and(|(prefix, rest)| {
        prefix.len() == 3
            && prefix.chars().all(|c| c.is_ascii_lowercase())
            && rest.len() == 16
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
    })
}

/// Asserts a redacted JSON snapshot; both backends share (and must match) it.
#[macro_export]
macro_rules! assert_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ sort_maps => true, prepend_module_to_snapshot => true }, {
            let redacted = $crate::harness::redact(&$value);
            insta::assert_json_snapshot!($name, redacted);
        });
    };
}

#[test]
fn database_names_are_replaced() {
    assert_eq!(
        with_database("postgres://u@h:5/postgres", "x"),
        "postgres://u@h:5/x"
    );
    assert_eq!(
        with_database("postgres://u@h:5/postgres?sslmode=disable", "x"),
        "postgres://u@h:5/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://u@h:5", "x"), "postgres://u@h:5/x");
}
