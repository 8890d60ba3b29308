//! Recording changes: every write stores who did what to which entity, when,
//! with the entity's state before and after, in the write's own transaction.

use crate::auth::{OrgAccess, Principal};
use crate::error::{ApiError, Result};
use crate::ids::now;
use crate::store::text::JsonText;
use crate::store::{NewAuditEntry, Tx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// Who is writing, in which organization, and the time the write is stamped with.
pub struct Writer {
    pub actor_id: String,
    pub actor_name: String,
    pub org_id: String,
    pub now: DateTime<Utc>,
}

impl Writer {
    /// `principal` writing in `org_id`, now.
    pub fn new(principal: &Principal, org_id: &str) -> Self {
        Self {
            actor_id: principal.token_id.clone(),
            actor_name: principal.name.clone(),
            org_id: org_id.to_owned(),
            now: now(),
        }
    }

    /// Appends `change` to the organization's audit log.
    pub async fn record(&self, tx: &mut dyn Tx, change: Change<'_>) -> Result<()> {
        tx.insert_audit(&NewAuditEntry {
            org_id: &self.org_id,
            actor_id: &self.actor_id,
            actor_name: &self.actor_name,
            action: change.action,
            entity_type: change.entity_type,
            entity_id: change.entity_id,
            before: change.before.map(JsonText),
            after: change.after.map(JsonText),
            created_at: self.now,
        })
        .await?;
        Ok(())
    }
}

impl<N> OrgAccess<N> {
    /// The writer for changes made through this access.
    pub fn writer(&self) -> Writer {
        Writer::new(&self.principal, &self.org_id)
    }
}

/// One audit-log entry to record.
pub struct Change<'a> {
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    before: Option<Value>,
    after: Option<Value>,
}

impl<'a> Change<'a> {
    /// `action` (e.g. `flag.archive`) on the entity `entity_type`/`entity_id`.
    pub fn new(action: &'a str, entity_type: &'a str, entity_id: &'a str) -> Self {
        Self {
            action,
            entity_type,
            entity_id,
            before: None,
            after: None,
        }
    }

    /// The entity's state before the change.
    pub fn before(mut self, state: &impl Serialize) -> Result<Self> {
        self.before = Some(to_json(state)?);
        Ok(self)
    }

    /// The entity's state after the change.
    pub fn after(mut self, state: &impl Serialize) -> Result<Self> {
        self.after = Some(to_json(state)?);
        Ok(self)
    }
}

/// A flag-configuration state tagged with its environment: `{ "environmentId", <name>: state }`.
pub fn in_environment(environment_id: &str, name: &str, state: &impl Serialize) -> Result<Value> {
    let mut map = serde_json::Map::new();
    map.insert(
        "environmentId".to_owned(),
        Value::String(environment_id.to_owned()),
    );
    map.insert(name.to_owned(), to_json(state)?);
    Ok(Value::Object(map))
}

fn to_json(state: &impl Serialize) -> Result<Value> {
    serde_json::to_value(state).map_err(|error| ApiError::Internal(format!("audit state: {error}")))
}
