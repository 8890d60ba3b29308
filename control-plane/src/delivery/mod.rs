//! Delivery: how a published datafile reaches SDKs. The public endpoints
//! under `/api/sdk/` (datafile, SSE stream, heartbeat, events; the SDK key is
//! the only credential), the management endpoints around published revisions,
//! SDKs and experiment results, and the [`Delivery`] hub that keeps one
//! prepared copy of each environment's current datafile in memory and tells
//! subscribers when an environment publishes.

mod cache;
mod datafile;
mod events;
mod feed;
mod heartbeat;
mod history;
mod results;
pub mod revisions;
mod stream;

pub use cache::Entry;
pub use revisions::Prepared;

use crate::error::{ApiError, ErrorBody};
use crate::store::DynStore;
use crate::AppState;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cache::DatafileCache;
use feed::Notice;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, oneshot, OnceCell};
use utoipa_axum::router::OpenApiRouter;

/// How long a new subscriber waits for the change feed to be connected.
const FEED_READY_TIMEOUT: Duration = Duration::from_secs(5);
/// Notices a slow SSE subscriber may fall behind by before it resynchronizes.
const NOTICE_BUFFER: usize = 256;

/// Errors of the SDK-facing endpoints.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("unknown SDK key")]
    UnknownKey,
    #[error("environment has no published datafile")]
    NotPublished,
    #[error("at most {0} events per request")]
    TooManyEvents(usize),
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl From<sqlx::Error> for DeliveryError {
    fn from(error: sqlx::Error) -> Self {
        Self::Api(error.into())
    }
}

impl IntoResponse for DeliveryError {
    fn into_response(self) -> Response {
        let status = match self {
            Self::UnknownKey | Self::NotPublished => StatusCode::NOT_FOUND,
            Self::TooManyEvents(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Api(error) => return error.into_response(),
        };
        let body = ErrorBody {
            error: self.to_string(),
        };
        (status, axum::Json(body)).into_response()
    }
}

/// The delivery hub shared by every handler: the datafile cache and the feed
/// of publishes (PostgreSQL LISTEN/NOTIFY, or polling on SQLite).
#[derive(Clone)]
pub struct Delivery {
    inner: Arc<Inner>,
}

struct Inner {
    store: DynStore,
    cache: DatafileCache,
    notices: broadcast::Sender<Notice>,
    /// Started on first use; dropping the hub drops the sender, which stops the feed task.
    feed: OnceCell<oneshot::Sender<()>>,
}

impl Delivery {
    /// A hub over `store`; the feed starts when an SDK endpoint is first used.
    pub fn new(store: DynStore) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                cache: DatafileCache::default(),
                notices: broadcast::channel(NOTICE_BUFFER).0,
                feed: OnceCell::new(),
            }),
        }
    }

    /// The current datafile of the environment with `sdk_key`, prepared once
    /// per revision; `None` for an unknown key.
    pub async fn lookup(&self, sdk_key: &str) -> Result<Option<Entry>, ApiError> {
        // The cache is only trustworthy while the feed invalidates it.
        self.start_feed().await;
        self.inner.cache.get(&self.inner.store, sdk_key).await
    }

    /// Like [`Self::lookup`], but unknown keys and unpublished environments are errors.
    pub async fn published(&self, sdk_key: &str) -> Result<Arc<Prepared>, DeliveryError> {
        match self.lookup(sdk_key).await? {
            None => Err(DeliveryError::UnknownKey),
            Some(Entry::Unpublished { .. }) => Err(DeliveryError::NotPublished),
            Some(Entry::Published(prepared)) => Ok(prepared),
        }
    }

    /// Ends every SSE stream (graceful shutdown waits for open connections).
    pub fn close(&self) {
        let _ = self.inner.notices.send(Notice::Closing);
    }

    /// Notices of publishes from now on.
    async fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.start_feed().await;
        self.inner.notices.subscribe()
    }

    async fn start_feed(&self) {
        self.inner
            .feed
            .get_or_init(|| async {
                let (stop, stopped) = oneshot::channel();
                let (ready, is_ready) = oneshot::channel();
                let hub = Arc::downgrade(&self.inner);
                tokio::spawn(feed::run(hub, self.inner.store.clone(), ready, stopped));
                if tokio::time::timeout(FEED_READY_TIMEOUT, is_ready)
                    .await
                    .is_err()
                {
                    tracing::warn!(
                        "the publish feed is not connected yet; retrying in the background"
                    );
                }
                stop
            })
            .await;
    }
}

impl Inner {
    /// Forgets what a notice makes stale, then tells the subscribers.
    fn apply(self: &Arc<Self>, notice: Notice) {
        match &notice {
            Notice::Revision { sdk_key, .. } => {
                if self.cache.invalidate(sdk_key) {
                    // It was in demand: prepare the new revision before SDKs ask for it.
                    let hub = Delivery {
                        inner: self.clone(),
                    };
                    let sdk_key = sdk_key.clone();
                    tokio::spawn(async move { hub.lookup(&sdk_key).await });
                }
            }
            Notice::Removed { sdk_key, .. } => {
                self.cache.invalidate(sdk_key);
            }
            Notice::Resync => self.cache.clear(),
            Notice::Closing => {}
        }
        // No subscriber is not an error.
        let _ = self.notices.send(notice);
    }
}

/// The public SDK endpoints (CORS: see [`cors`]).
pub fn sdk_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(datafile::router())
        .merge(stream::router())
        .merge(heartbeat::sdk_router())
        .merge(events::router())
}

/// The management endpoints of delivery (`/api/orgs/…`).
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(history::router())
        .merge(heartbeat::api_router())
        .merge(results::router())
}

/// Paths SDKs and OFREP providers call from browsers.
fn is_public(path: &str) -> bool {
    path.starts_with("/api/sdk/") || path.starts_with("/ofrep/")
}

/// CORS for the public endpoints (middleware over the whole application, so
/// it also covers their 404s and answers preflights before routing): any
/// origin may read datafiles and results and post heartbeats and events;
/// browsers may cache a preflight for a day.
pub async fn cors(request: Request, next: Next) -> Response {
    if !is_public(request.uri().path()) {
        return next.run(request).await;
    }
    let any = HeaderValue::from_static("*");
    if request.method() == Method::OPTIONS {
        let headers = [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, any),
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("content-type, if-none-match, authorization, x-api-key"),
            ),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            ),
        ];
        return (StatusCode::NO_CONTENT, headers).into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, any);
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("ETag"),
    );
    response
}
