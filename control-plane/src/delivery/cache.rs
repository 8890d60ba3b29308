//! The current datafile of each SDK key, prepared once per revision and kept
//! until the feed says the environment published again.
//!
//! Each key has a slot that the first request fills while concurrent ones
//! wait for it, so a burst of SDKs refetching after a publish costs one
//! database read and one compression. Invalidation removes the slot: a load
//! that began before the publish fills the old, detached slot and is never
//! served to later requests. Unknown keys and environments never published
//! are not kept, so a new environment or a first publish is seen at once.

use super::revisions::Prepared;
use crate::error::{ApiError, Result};
use crate::store::DynStore;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use tokio::sync::OnceCell;

/// What an SDK key leads to.
#[derive(Clone)]
pub enum Entry {
    /// The environment exists but was never published (never cached).
    Unpublished {
        environment_id: Arc<str>,
    },
    Published(Arc<Prepared>),
}

impl Entry {
    pub fn environment_id(&self) -> &str {
        match self {
            Self::Unpublished { environment_id } => environment_id,
            Self::Published(prepared) => &prepared.environment_id,
        }
    }

    /// The current revision (0 when never published).
    pub fn revision(&self) -> i64 {
        match self {
            Self::Unpublished { .. } => 0,
            Self::Published(prepared) => prepared.revision,
        }
    }
}

type Slot = Arc<OnceCell<Entry>>;

/// Why a slot stays empty.
enum Miss {
    /// Not cached: a key created later must be found.
    UnknownKey,
    /// Not cached either: the first publish is then visible at once.
    Unpublished {
        environment_id: Arc<str>,
    },
    Failed(ApiError),
}

#[derive(Default)]
pub struct DatafileCache {
    slots: RwLock<HashMap<String, Slot>>,
}

impl DatafileCache {
    /// The entry for `sdk_key`, loading it on a miss; `None` for unknown keys.
    pub async fn get(&self, store: &DynStore, sdk_key: &str) -> Result<Option<Entry>> {
        let slot = self.slot(sdk_key);
        match slot.get_or_try_init(|| load(store, sdk_key)).await {
            Ok(entry) => Ok(Some(entry.clone())),
            Err(miss) => {
                self.remove_if_same(sdk_key, &slot);
                match miss {
                    Miss::UnknownKey => Ok(None),
                    Miss::Unpublished { environment_id } => {
                        Ok(Some(Entry::Unpublished { environment_id }))
                    }
                    Miss::Failed(error) => Err(error),
                }
            }
        }
    }

    /// Forgets `sdk_key`; true when it had been loaded.
    pub fn invalidate(&self, sdk_key: &str) -> bool {
        let removed = self.write().remove(sdk_key);
        removed.is_some_and(|slot| slot.initialized())
    }

    /// Forgets everything (after the feed may have missed notices).
    pub fn clear(&self) {
        self.write().clear();
    }

    fn slot(&self, sdk_key: &str) -> Slot {
        if let Some(slot) = self.read().get(sdk_key) {
            return slot.clone();
        }
        self.write().entry(sdk_key.to_owned()).or_default().clone()
    }

    fn remove_if_same(&self, sdk_key: &str, slot: &Slot) {
        let mut slots = self.write();
        if slots.get(sdk_key).is_some_and(|s| Arc::ptr_eq(s, slot)) {
            slots.remove(sdk_key);
        }
    }

    // A panic while holding the lock cannot leave the map inconsistent: every
    // critical section is a single map operation.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Slot>> {
        self.slots.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Slot>> {
        self.slots.write().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn load(store: &DynStore, sdk_key: &str) -> Result<Entry, Miss> {
    let current = async { store.begin().await?.current_datafile(sdk_key).await };
    let row = current
        .await
        .map_err(|error| Miss::Failed(error.into()))?
        .ok_or(Miss::UnknownKey)?;
    let (Some(etag), Some(body)) = (row.etag, row.body) else {
        return Err(Miss::Unpublished {
            environment_id: row.environment_id.into(),
        });
    };
    let prepare = move || Prepared::prepare(row.environment_id, row.revision, etag, body);
    let prepared = tokio::task::spawn_blocking(prepare)
        .await
        .map_err(|error| {
            Miss::Failed(ApiError::Internal(format!("preparing a datafile: {error}")))
        })?
        .map_err(Miss::Failed)?;
    Ok(Entry::Published(Arc::new(prepared)))
}
