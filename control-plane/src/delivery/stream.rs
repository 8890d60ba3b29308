//! `GET /api/sdk/stream/{sdkKey}`: Server-Sent Events telling SDKs to refetch.
//! `event: revision` with `{"revision":N}` on connect and after every publish,
//! and a `: keep-alive` comment every 15 s so proxies keep the connection.

use super::feed::Notice;
use super::{Delivery, DeliveryError};
use crate::error::ErrorBody;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::{error::RecvError, Receiver};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(15);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream_revisions))
}

/// Revision events of the environment (public; the SDK key is the credential).
///
/// `text/event-stream`: `event: revision` / `data: {"revision":N}` on connect
/// and after every publish (from any control-plane process sharing the
/// database), `: keep-alive` every 15 s. The stream ends if the environment is deleted.
#[utoipa::path(get, path = "/api/sdk/stream/{sdkKey}", tag = "sdk", security(()),
    params(("sdkKey" = String, Path, description = "The environment's public SDK key")),
    responses(
        (status = 200, description = "An endless event stream", content_type = "text/event-stream", body = String),
        (status = 404, description = "Unknown SDK key", body = ErrorBody)))]
async fn stream_revisions(
    State(delivery): State<Delivery>,
    Path(sdk_key): Path<String>,
) -> Result<impl IntoResponse, DeliveryError> {
    // Subscribe before reading the revision, so no publish falls in between.
    let notices = delivery.subscribe().await;
    let entry = delivery
        .lookup(&sdk_key)
        .await?
        .ok_or(DeliveryError::UnknownKey)?;
    let watch = Watch {
        delivery,
        sdk_key,
        environment_id: entry.environment_id().to_owned(),
        notices,
        pending: Some(entry.revision()),
    };
    let keep_alive = KeepAlive::new()
        .interval(KEEP_ALIVE_INTERVAL)
        .text("keep-alive");
    // Tell nginx-style proxies not to buffer the stream.
    let unbuffered = [(
        header::HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    )];
    Ok((unbuffered, Sse::new(events(watch)).keep_alive(keep_alive)))
}

/// One subscriber's view of the feed.
struct Watch {
    delivery: Delivery,
    sdk_key: String,
    environment_id: String,
    notices: Receiver<Notice>,
    /// A revision to announce before waiting again.
    pending: Option<i64>,
}

fn events(watch: Watch) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(watch, |mut watch| async move {
        let revision = match watch.pending.take() {
            Some(revision) => revision,
            None => watch.next_revision().await?,
        };
        let event = Event::default()
            .event("revision")
            .data(format!("{{\"revision\":{revision}}}"));
        Some((Ok(event), watch))
    })
}

impl Watch {
    /// Waits for this environment's next revision; `None` ends the stream.
    async fn next_revision(&mut self) -> Option<i64> {
        loop {
            match self.notices.recv().await {
                Ok(Notice::Revision {
                    environment_id,
                    revision,
                    ..
                }) if environment_id == self.environment_id => return Some(revision),
                Ok(Notice::Removed { environment_id, .. })
                    if environment_id == self.environment_id =>
                {
                    return None
                }
                Ok(Notice::Closing) => return None,
                Ok(Notice::Resync) | Err(RecvError::Lagged(_)) => {
                    // Announce where the environment stands now; SDKs ignore a revision they have.
                    let entry = self.delivery.lookup(&self.sdk_key).await.ok()??;
                    return Some(entry.revision());
                }
                Ok(_) => {}
                Err(RecvError::Closed) => return None,
            }
        }
    }
}
