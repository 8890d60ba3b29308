//! The feed of committed publishes, so every process drops stale datafiles
//! and pushes `revision` events to its SSE subscribers.
//!
//! On PostgreSQL a trigger on `environments` NOTIFYs `halyard_delivery` when a
//! revision moves or an environment is deleted; notifications arrive only
//! after the commit, in every process connected to the database. On SQLite
//! the feed polls the environments' revisions, which sees only committed
//! changes too (and works across processes sharing the file).

use super::Inner;
use crate::store::{DynStore, EnvironmentHead};
use serde::Deserialize;
use sqlx::postgres::PgListener;
use std::collections::HashMap;
use std::sync::Weak;
use std::time::Duration;
use tokio::sync::oneshot;

/// The NOTIFY channel of migration 0002.
pub const CHANNEL: &str = "halyard_delivery";
/// How often SQLite is polled for new revisions.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Pause before reconnecting after the feed failed.
const RETRY_DELAY: Duration = Duration::from_secs(1);

/// What subscribers learn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The environment published `revision`.
    Revision {
        environment_id: String,
        sdk_key: String,
        revision: i64,
    },
    /// The environment was deleted.
    Removed {
        environment_id: String,
        sdk_key: String,
    },
    /// Notices may have been missed: check again.
    Resync,
    /// The server is shutting down: end every stream.
    Closing,
}

/// The payload of a notification (see the trigger in migration 0002).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    environment_id: String,
    sdk_key: String,
    revision: Option<i64>,
}

impl From<Payload> for Notice {
    fn from(payload: Payload) -> Self {
        let Payload {
            environment_id,
            sdk_key,
            revision,
        } = payload;
        match revision {
            Some(revision) => Self::Revision {
                environment_id,
                sdk_key,
                revision,
            },
            None => Self::Removed {
                environment_id,
                sdk_key,
            },
        }
    }
}

/// Why following stopped.
enum Stop {
    /// The hub is gone: nobody needs the feed any more.
    HubGone,
    Failed(String),
}

/// Follows the store until the hub is dropped (`stop` resolves then), and
/// reconnects after failures. `ready` fires once the first connection is up.
pub(super) async fn run(
    hub: Weak<Inner>,
    store: DynStore,
    ready: oneshot::Sender<()>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut ready = Some(ready);
    loop {
        let stopped = tokio::select! {
            _ = &mut stop => return,
            stopped = follow(&hub, &store, &mut ready) => stopped,
        };
        match stopped {
            Stop::HubGone => return,
            Stop::Failed(error) => {
                tracing::warn!(%error, "publish feed interrupted; reconnecting");
            }
        }
        tokio::select! {
            _ = &mut stop => return,
            () = tokio::time::sleep(RETRY_DELAY) => {}
        }
    }
}

async fn follow(
    hub: &Weak<Inner>,
    store: &DynStore,
    ready: &mut Option<oneshot::Sender<()>>,
) -> Stop {
    match store.listen(CHANNEL).await {
        Ok(Some(listener)) => listen(hub, listener, ready).await,
        Ok(None) => poll(hub, store, ready).await,
        Err(error) => Stop::Failed(error.to_string()),
    }
}

/// Signals readiness once, and makes subscribers re-check what they may have missed.
fn connected(hub: &Weak<Inner>, ready: &mut Option<oneshot::Sender<()>>) -> Result<(), Stop> {
    if let Some(ready) = ready.take() {
        let _ = ready.send(());
    }
    deliver(hub, Notice::Resync)
}

fn deliver(hub: &Weak<Inner>, notice: Notice) -> Result<(), Stop> {
    let hub = hub.upgrade().ok_or(Stop::HubGone)?;
    hub.apply(notice);
    Ok(())
}

async fn listen(
    hub: &Weak<Inner>,
    mut listener: PgListener,
    ready: &mut Option<oneshot::Sender<()>>,
) -> Stop {
    if let Err(stop) = connected(hub, ready) {
        return stop;
    }
    loop {
        // `None` means the connection dropped; reconnect ourselves so the
        // resync happens after LISTEN is in place again.
        let notification = match listener.try_recv().await {
            Ok(Some(notification)) => notification,
            Ok(None) => return Stop::Failed("connection lost".to_owned()),
            Err(error) => return Stop::Failed(error.to_string()),
        };
        let notice = match serde_json::from_str::<Payload>(notification.payload()) {
            Ok(payload) => Notice::from(payload),
            Err(error) => {
                tracing::warn!(%error, payload = notification.payload(), "unreadable publish notification");
                Notice::Resync
            }
        };
        if let Err(stop) = deliver(hub, notice) {
            return stop;
        }
    }
}

async fn poll(
    hub: &Weak<Inner>,
    store: &DynStore,
    ready: &mut Option<oneshot::Sender<()>>,
) -> Stop {
    let mut known = match snapshot(store).await {
        Ok(heads) => heads,
        Err(error) => return Stop::Failed(error.to_string()),
    };
    if let Err(stop) = connected(hub, ready) {
        return stop;
    }
    loop {
        tokio::time::sleep(POLL_INTERVAL).await;
        let current = match snapshot(store).await {
            Ok(heads) => heads,
            Err(error) => return Stop::Failed(error.to_string()),
        };
        for notice in compare(&known, &current) {
            if let Err(stop) = deliver(hub, notice) {
                return stop;
            }
        }
        known = current;
    }
}

type Heads = HashMap<String, EnvironmentHead>;

async fn snapshot(store: &DynStore) -> Result<Heads, sqlx::Error> {
    let heads = store.begin().await?.list_environment_heads().await?;
    Ok(heads
        .into_iter()
        .map(|head| (head.id.clone(), head))
        .collect())
}

/// The notices that turn `before` into `after`.
fn compare(before: &Heads, after: &Heads) -> Vec<Notice> {
    let published = after.values().filter_map(|head| {
        let moved = before
            .get(&head.id)
            .is_none_or(|old| old.revision != head.revision);
        (moved && head.revision > 0).then(|| Notice::Revision {
            environment_id: head.id.clone(),
            sdk_key: head.sdk_key.clone(),
            revision: head.revision,
        })
    });
    let removed = before
        .values()
        .filter(|head| !after.contains_key(&head.id))
        .map(|head| Notice::Removed {
            environment_id: head.id.clone(),
            sdk_key: head.sdk_key.clone(),
        });
    published.chain(removed).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(list: &[(&str, i64)]) -> Heads {
        list.iter()
            .map(|&(id, revision)| {
                let head = EnvironmentHead {
                    id: id.to_owned(),
                    sdk_key: format!("sdk_{id}"),
                    revision,
                };
                (id.to_owned(), head)
            })
            .collect()
    }

    #[test]
    fn polling_notices_moved_new_and_deleted_environments() {
        let before = heads(&[("a", 1), ("b", 4), ("gone", 2)]);
        let after = heads(&[("a", 1), ("b", 5), ("new", 1), ("draft", 0)]);
        let mut notices = compare(&before, &after);
        notices.sort_by_key(|n| format!("{n:?}"));
        assert_eq!(
            notices,
            vec![
                Notice::Removed {
                    environment_id: "gone".into(),
                    sdk_key: "sdk_gone".into()
                },
                Notice::Revision {
                    environment_id: "b".into(),
                    sdk_key: "sdk_b".into(),
                    revision: 5
                },
                Notice::Revision {
                    environment_id: "new".into(),
                    sdk_key: "sdk_new".into(),
                    revision: 1
                },
            ]
        );
        assert!(compare(&after, &after).is_empty());
    }

    #[test]
    fn notifications_carry_revisions_or_deletions() {
        let parse =
            |json: &str| Notice::from(serde_json::from_str::<Payload>(json).expect("payload"));
        assert_eq!(
            parse(r#"{"environmentId":"e","sdkKey":"k","revision":3}"#),
            Notice::Revision {
                environment_id: "e".into(),
                sdk_key: "k".into(),
                revision: 3
            }
        );
        assert_eq!(
            parse(r#"{"environmentId":"e","sdkKey":"k","revision":null}"#),
            Notice::Removed {
                environment_id: "e".into(),
                sdk_key: "k".into()
            }
        );
    }
}
