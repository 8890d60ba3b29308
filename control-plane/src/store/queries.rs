//! Every query Halyard runs, written once. `define_tx!` turns this list into
//! the [`Tx`] trait and implements it for both backends' transactions: the
//! SQL is portable (`$n` placeholders work on PostgreSQL and SQLite) except
//! where a query says otherwise through `Self::DIALECT.pick(pg, sqlite)`.

use super::delivery::*;
use super::records::*;
use chrono::{DateTime, Utc};

/// Expands a query list into the `Tx` trait and its implementations.
///
/// Item: `kind name(args) -> Output = sql [, [binds]];` where kind is `opt`
/// (optional row), `all` (rows), `exec` (rows affected), `scalar` (one value),
/// `scalar_opt` (an optional value), `scalars` (a column). Without explicit binds the arguments bind in order.
macro_rules! define_tx {
    (impl for $postgres:ty, $sqlite:ty; $($items:tt)*) => {
        define_tx!(@trait $($items)*);
        define_tx!(@impl $postgres; $($items)*);
        define_tx!(@impl $sqlite; $($items)*);
    };
    (@trait $(
        $(#[$doc:meta])*
        $kind:ident $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $sql:expr $(, [$($bind:expr),+])?;
    )*) => {
        /// One database transaction. Dropping it without [`Tx::commit`] rolls it back.
        #[async_trait::async_trait]
        pub trait Tx: Send {
            /// Commits the transaction.
            async fn commit(self: Box<Self>) -> Result<(), sqlx::Error>;
            $( $(#[$doc])* async fn $name(&mut self, $($arg: $ty),*) -> Result<$ret, sqlx::Error>; )*
        }
    };
    (@impl $tx:ty; $(
        $(#[$doc:meta])*
        $kind:ident $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $sql:expr $(, [$($bind:expr),+])?;
    )*) => {
        #[async_trait::async_trait]
        impl Tx for $tx {
            async fn commit(self: Box<Self>) -> Result<(), sqlx::Error> {
                self.tx.commit().await
            }
            $(
                async fn $name(&mut self, $($arg: $ty),*) -> Result<$ret, sqlx::Error> {
                    define_tx!(@binds $kind, $sql, (&mut *self.tx), [$($arg),*] $([$($bind),+])?)
                }
            )*
        }
    };
    (@binds $kind:ident, $sql:expr, $conn:expr, [$($arg:expr),*] [$($bind:expr),+]) => {
        define_tx!(@run $kind, $sql, $conn, [$($bind),+])
    };
    (@binds $kind:ident, $sql:expr, $conn:expr, [$($arg:expr),*]) => {
        define_tx!(@run $kind, $sql, $conn, [$($arg),*])
    };
    (@run opt, $sql:expr, $conn:expr, [$($b:expr),*]) => {
        sqlx::query_as($sql)$(.bind($b))*.fetch_optional($conn).await
    };
    (@run all, $sql:expr, $conn:expr, [$($b:expr),*]) => {
        sqlx::query_as($sql)$(.bind($b))*.fetch_all($conn).await
    };
    (@run exec, $sql:expr, $conn:expr, [$($b:expr),*]) => {
        sqlx::query($sql)$(.bind($b))*.execute($conn).await.map(|done| done.rows_affected())
    };
    (@run scalar, $sql:expr, $conn:expr, [$($b:expr),*]) => {
        sqlx::query_scalar($sql)$(.bind($b))*.fetch_one($conn).await
    };
    (@run scalar_opt, $sql:expr, $conn:expr, [$($b:expr),*]) => {
        sqlx::query_scalar($sql)$(.bind($b))*.fetch_optional($conn).await
    };
    (@run scalars, $sql:expr, $conn:expr, [$($b:expr),*]) => {
        sqlx::query_scalar($sql)$(.bind($b))*.fetch_all($conn).await
    };
}

define_tx! {
    impl for super::postgres::PgTx, super::sqlite::SqliteTx;

    // -- organizations
    exec insert_org(o: &Organization) -> u64 =
        "insert into organizations (id, name, created_at, updated_at) values ($1, $2, $3, $4)",
        [&o.id, &o.name, o.created_at, o.updated_at];
    opt get_org(id: &str) -> Option<Organization> = "select * from organizations where id = $1";
    all list_orgs() -> Vec<Organization> = "select * from organizations order by id";
    exec update_org(o: &Organization) -> u64 =
        "update organizations set name = $2, updated_at = $3 where id = $1",
        [&o.id, &o.name, o.updated_at];
    exec delete_org(id: &str) -> u64 = "delete from organizations where id = $1";

    // -- projects
    exec insert_project(p: &Project) -> u64 =
        "insert into projects (id, org_id, key, name, description, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
        [&p.id, &p.org_id, &p.key, &p.name, &p.description, p.created_at, p.updated_at];
    /// By id or key; an id match wins.
    opt find_project(org_id: &str, reference: &str) -> Option<Project> =
        "select * from projects where org_id = $1 and (id = $2 or key = $2)
         order by case when id = $2 then 0 else 1 end limit 1";
    all list_projects(org_id: &str) -> Vec<Project> =
        "select * from projects where org_id = $1 order by key";
    exec update_project(p: &Project) -> u64 =
        "update projects set key = $2, name = $3, description = $4, updated_at = $5 where id = $1",
        [&p.id, &p.key, &p.name, &p.description, p.updated_at];
    exec delete_project(id: &str) -> u64 = "delete from projects where id = $1";

    // -- environments
    exec insert_environment(e: &Environment) -> u64 =
        "insert into environments (id, project_id, key, name, sdk_key, production, auto_publish,
             revision, published_at, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        [&e.id, &e.project_id, &e.key, &e.name, &e.sdk_key, e.production, e.auto_publish,
         e.revision, e.published_at, e.created_at, e.updated_at];
    /// By id or key; an id match wins.
    opt find_environment(project_id: &str, reference: &str) -> Option<Environment> =
        "select * from environments where project_id = $1 and (id = $2 or key = $2)
         order by case when id = $2 then 0 else 1 end limit 1";
    all list_environments(project_id: &str) -> Vec<Environment> =
        "select * from environments where project_id = $1 order by key";
    exec update_environment(e: &Environment) -> u64 =
        "update environments set key = $2, name = $3, production = $4, auto_publish = $5, updated_at = $6
         where id = $1",
        [&e.id, &e.key, &e.name, e.production, e.auto_publish, e.updated_at];
    exec delete_environment(id: &str) -> u64 = "delete from environments where id = $1";
    /// Bumps the revision and returns the environment as published.
    opt publish_environment(id: &str, at: DateTime<Utc>) -> Option<Environment> =
        "update environments set revision = revision + 1, published_at = $2, updated_at = $2
         where id = $1 returning *";
    exec clear_pending_changes(environment_id: &str) -> u64 =
        "update flag_environments set has_pending_changes = false where environment_id = $1";

    // -- flags and variations
    exec insert_flag(f: &Flag) -> u64 =
        "insert into flags (id, project_id, key, name, description, flag_type, status, off_variation_id,
             created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        [&f.id, &f.project_id, &f.key, &f.name, &f.description, f.flag_type, f.status,
         &f.off_variation_id, f.created_at, f.updated_at];
    /// By id or key; an id match wins.
    opt find_flag(project_id: &str, reference: &str) -> Option<Flag> =
        "select * from flags where project_id = $1 and (id = $2 or key = $2)
         order by case when id = $2 then 0 else 1 end limit 1";
    /// The project's flags, or only `flag_id` when given.
    all list_flags(project_id: &str, flag_id: Option<&str>) -> Vec<Flag> =
        "select * from flags where project_id = $1 and ($2 is null or id = $2) order by key";
    exec update_flag(f: &Flag) -> u64 =
        "update flags set name = $2, description = $3, status = $4, off_variation_id = $5, updated_at = $6
         where id = $1",
        [&f.id, &f.name, &f.description, f.status, &f.off_variation_id, f.updated_at];
    exec delete_flag(id: &str) -> u64 = "delete from flags where id = $1";
    exec insert_variation(v: &Variation) -> u64 =
        "insert into variations (id, flag_id, key, name, value, sort_order) values ($1, $2, $3, $4, $5, $6)",
        [&v.id, &v.flag_id, &v.key, &v.name, &v.value, v.sort_order];
    exec update_variation(v: &Variation) -> u64 =
        "update variations set key = $2, name = $3, value = $4, sort_order = $5 where id = $1",
        [&v.id, &v.key, &v.name, &v.value, v.sort_order];
    exec delete_variation(id: &str) -> u64 = "delete from variations where id = $1";
    all list_variations(project_id: &str, flag_id: Option<&str>) -> Vec<Variation> =
        "select v.* from variations v join flags f on f.id = v.flag_id
         where f.project_id = $1 and ($2 is null or f.id = $2) order by v.flag_id, v.sort_order";

    // -- flag × environment configs
    exec insert_config(c: &FlagConfig) -> u64 =
        "insert into flag_environments (flag_id, environment_id, enabled, default_variation_id,
             scheduling_enabled, scheduled_enable_at, timezone, min_version, activation_date,
             has_pending_changes, version, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        [&c.flag_id, &c.environment_id, c.enabled, &c.default_variation_id, c.scheduling_enabled,
         c.scheduled_enable_at, &c.timezone, &c.min_version, c.activation_date,
         c.has_pending_changes, c.version, c.updated_at];
    /// Reads a config and locks it against concurrent writers until commit.
    opt lock_config(flag_id: &str, environment_id: &str) -> Option<FlagConfig> = Self::DIALECT.pick(
        "select * from flag_environments where flag_id = $1 and environment_id = $2 for update",
        // SQLite write transactions begin IMMEDIATE and so already hold the write lock.
        "select * from flag_environments where flag_id = $1 and environment_id = $2",
    );
    all list_configs(project_id: &str, flag_id: Option<&str>) -> Vec<FlagConfig> =
        "select c.* from flag_environments c join flags f on f.id = c.flag_id
         where f.project_id = $1 and ($2 is null or f.id = $2) order by c.flag_id, c.environment_id";
    /// Writes every field; `c.version` is the new version.
    exec update_config(c: &FlagConfig) -> u64 =
        "update flag_environments set enabled = $3, default_variation_id = $4, scheduling_enabled = $5,
             scheduled_enable_at = $6, timezone = $7, min_version = $8, activation_date = $9,
             has_pending_changes = $10, version = $11, updated_at = $12
         where flag_id = $1 and environment_id = $2",
        [&c.flag_id, &c.environment_id, c.enabled, &c.default_variation_id, c.scheduling_enabled,
         c.scheduled_enable_at, &c.timezone, &c.min_version, c.activation_date,
         c.has_pending_changes, c.version, c.updated_at];
    exec mark_config_pending(flag_id: &str, environment_id: &str) -> u64 =
        "update flag_environments set has_pending_changes = true where flag_id = $1 and environment_id = $2";
    /// Marks a flag's configs changed (all of them, or only the enabled ones).
    exec mark_flag_pending(flag_id: &str, only_enabled: bool) -> u64 =
        "update flag_environments set has_pending_changes = true
         where flag_id = $1 and (enabled or not $2)";

    // -- rules
    exec insert_rule(r: &Rule) -> u64 =
        "insert into rules (id, flag_id, environment_id, rule_type, name, traffic_allocation,
             hash_attribute, sort_order, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        [&r.id, &r.flag_id, &r.environment_id, r.rule_type, &r.name, r.traffic_allocation,
         &r.hash_attribute, r.sort_order, r.created_at, r.updated_at];
    exec update_rule(r: &Rule) -> u64 =
        "update rules set rule_type = $2, name = $3, traffic_allocation = $4, hash_attribute = $5,
             sort_order = $6, updated_at = $7
         where id = $1",
        [&r.id, r.rule_type, &r.name, r.traffic_allocation, &r.hash_attribute, r.sort_order, r.updated_at];
    exec delete_rule(id: &str) -> u64 = "delete from rules where id = $1";
    all list_rules(project_id: &str, flag_id: Option<&str>) -> Vec<Rule> =
        "select r.* from rules r join flags f on f.id = r.flag_id
         where f.project_id = $1 and ($2 is null or f.id = $2)
         order by r.flag_id, r.environment_id, r.sort_order";
    exec insert_rule_variation(v: &RuleVariation) -> u64 =
        "insert into rule_variations (rule_id, variation_id, percentage, sort_order) values ($1, $2, $3, $4)",
        [&v.rule_id, &v.variation_id, v.percentage, v.sort_order];
    exec delete_rule_variations(rule_id: &str) -> u64 = "delete from rule_variations where rule_id = $1";
    all list_rule_variations(project_id: &str, flag_id: Option<&str>) -> Vec<RuleVariation> =
        "select rv.* from rule_variations rv join rules r on r.id = rv.rule_id join flags f on f.id = r.flag_id
         where f.project_id = $1 and ($2 is null or f.id = $2) order by rv.rule_id, rv.sort_order";
    exec insert_rule_audience(a: &RuleAudience) -> u64 =
        "insert into rule_audiences (rule_id, audience_id, sort_order) values ($1, $2, $3)",
        [&a.rule_id, &a.audience_id, a.sort_order];
    exec delete_rule_audiences(rule_id: &str) -> u64 = "delete from rule_audiences where rule_id = $1";
    all list_rule_audiences(project_id: &str, flag_id: Option<&str>) -> Vec<RuleAudience> =
        "select ra.* from rule_audiences ra join rules r on r.id = ra.rule_id join flags f on f.id = r.flag_id
         where f.project_id = $1 and ($2 is null or f.id = $2) order by ra.rule_id, ra.sort_order";

    // -- overrides
    exec insert_override(o: &Override) -> u64 =
        "insert into overrides (flag_id, environment_id, sort_order, attribute, match_values, variation_id)
         values ($1, $2, $3, $4, $5, $6)",
        [&o.flag_id, &o.environment_id, o.sort_order, &o.attribute, &o.match_values, &o.variation_id];
    exec delete_overrides(flag_id: &str, environment_id: &str) -> u64 =
        "delete from overrides where flag_id = $1 and environment_id = $2";
    all list_overrides(project_id: &str, flag_id: Option<&str>) -> Vec<Override> =
        "select o.* from overrides o join flags f on f.id = o.flag_id
         where f.project_id = $1 and ($2 is null or f.id = $2)
         order by o.flag_id, o.environment_id, o.sort_order";

    // -- audiences
    exec insert_audience(a: &Audience) -> u64 =
        "insert into audiences (id, project_id, key, name, description, included, excluded, conditions,
             created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        [&a.id, &a.project_id, &a.key, &a.name, &a.description, &a.included, &a.excluded,
         &a.conditions, a.created_at, a.updated_at];
    /// By id or key; an id match wins.
    opt find_audience(project_id: &str, reference: &str) -> Option<Audience> =
        "select * from audiences where project_id = $1 and (id = $2 or key = $2)
         order by case when id = $2 then 0 else 1 end limit 1";
    all list_audiences(project_id: &str) -> Vec<Audience> =
        "select * from audiences where project_id = $1 order by key";
    exec update_audience(a: &Audience) -> u64 =
        "update audiences set key = $2, name = $3, description = $4, included = $5, excluded = $6,
             conditions = $7, updated_at = $8
         where id = $1",
        [&a.id, &a.key, &a.name, &a.description, &a.included, &a.excluded, &a.conditions, a.updated_at];
    exec delete_audience(id: &str) -> u64 = "delete from audiences where id = $1";
    /// Keys of the flags whose rules use the audience.
    scalars audience_users(audience_id: &str) -> Vec<String> =
        "select distinct f.key from rule_audiences ra join rules r on r.id = ra.rule_id
             join flags f on f.id = r.flag_id
         where ra.audience_id = $1 order by f.key";

    // -- events
    exec insert_event(e: &FlagEvent) -> u64 =
        "insert into flag_events (id, project_id, key, name, description, event_type, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
        [&e.id, &e.project_id, &e.key, &e.name, &e.description, e.event_type, e.created_at];
    all list_events(project_id: &str) -> Vec<FlagEvent> =
        "select * from flag_events where project_id = $1 order by key";

    // -- tokens
    exec insert_token(t: &ApiToken) -> u64 =
        "insert into api_tokens (id, org_id, name, token_hash, token_prefix, permissions, created_at, revoked_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        [&t.id, &t.org_id, &t.name, &t.token_hash, &t.token_prefix, &t.permissions, t.created_at, t.revoked_at];
    opt find_token_by_hash(token_hash: &str) -> Option<ApiToken> =
        "select * from api_tokens where token_hash = $1";
    opt get_token(org_id: &str, id: &str) -> Option<ApiToken> =
        "select * from api_tokens where org_id = $1 and id = $2";
    all list_tokens(org_id: &str) -> Vec<ApiToken> =
        "select * from api_tokens where org_id = $1 order by created_at, id";
    exec revoke_token(id: &str, at: DateTime<Utc>) -> u64 =
        "update api_tokens set revoked_at = $2 where id = $1 and revoked_at is null";
    scalar count_super_admin_tokens() -> i64 =
        "select count(*) from api_tokens where org_id is null and revoked_at is null";

    // -- audit log
    exec insert_audit(e: &NewAuditEntry<'_>) -> u64 =
        "insert into audit_log (org_id, actor_id, actor_name, action, entity_type, entity_id,
             before_state, after_state, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [e.org_id, e.actor_id, e.actor_name, e.action, e.entity_type, e.entity_id, &e.before, &e.after,
         e.created_at];
    all list_audit(org_id: &str, f: &AuditFilter) -> Vec<AuditEntry> =
        "select * from audit_log
         where org_id = $1 and ($2 is null or entity_type = $2) and ($3 is null or entity_id = $3)
             and ($4 is null or created_at >= $4) and ($5 is null or created_at < $5)
             and ($6 is null or seq < $6)
         order by seq desc limit $7",
        [org_id, &f.entity_type, &f.entity_id, f.from, f.to, f.before_seq, f.limit];

    // -- settings
    scalar_opt get_setting(key: &str) -> Option<String> = "select value from settings where key = $1";
    exec put_setting(key: &str, value: &str) -> u64 =
        "insert into settings (key, value) values ($1, $2)
         on conflict (key) do update set value = excluded.value";
    scalar ping() -> i32 = "select 1";

    // -- delivery: published datafiles
    exec insert_datafile_revision(r: &DatafileRevision) -> u64 =
        "insert into datafile_revisions (environment_id, revision, etag, body, published_at,
             published_by, source_revision)
         values ($1, $2, $3, $4, $5, $6, $7)",
        [&r.environment_id, r.revision, &r.etag, &r.body, r.published_at, &r.published_by,
         r.source_revision];
    /// The environment with this SDK key and its current revision's datafile (if stored).
    opt current_datafile(sdk_key: &str) -> Option<CurrentDatafile> =
        "select e.id as environment_id, e.revision, r.etag, r.body
         from environments e
             left join datafile_revisions r on r.environment_id = e.id and r.revision = e.revision
         where e.sdk_key = $1";
    /// Newest first.
    all list_datafile_revisions(environment_id: &str) -> Vec<RevisionSummary> = Self::DIALECT.pick(
        "select revision, etag, cast(octet_length(body) as bigint) as size, published_at,
             published_by, source_revision
         from datafile_revisions where environment_id = $1 order by revision desc",
        "select revision, etag, length(cast(body as blob)) as size, published_at,
             published_by, source_revision
         from datafile_revisions where environment_id = $1 order by revision desc",
    );
    opt get_datafile_revision(environment_id: &str, revision: i64) -> Option<DatafileRevision> =
        "select * from datafile_revisions where environment_id = $1 and revision = $2";
    all list_environment_heads() -> Vec<EnvironmentHead> =
        "select id, sdk_key, revision from environments";
    exec mark_environment_pending(environment_id: &str) -> u64 =
        "update flag_environments set has_pending_changes = true where environment_id = $1";

    // -- delivery: SDK heartbeats
    exec record_heartbeat(environment_id: &str, sdk_type: &str, sdk_version: &str,
        at: DateTime<Utc>) -> u64 =
        "insert into sdk_heartbeats (environment_id, sdk_type, sdk_version, first_seen_at,
             last_seen_at, heartbeats)
         values ($1, $2, $3, $4, $4, 1)
         on conflict (environment_id, sdk_type, sdk_version)
         do update set last_seen_at = excluded.last_seen_at,
             heartbeats = sdk_heartbeats.heartbeats + 1";
    all list_heartbeats(environment_id: &str) -> Vec<SdkHeartbeat> =
        "select sdk_type, sdk_version, first_seen_at, last_seen_at, heartbeats
         from sdk_heartbeats where environment_id = $1
         order by last_seen_at desc, sdk_type, sdk_version";

    // -- delivery: SDK events, aggregated
    exec add_impressions(environment_id: &str, flag_key: &str, variation: &str, day: &str,
        impressions: i64) -> u64 =
        "insert into impression_counts (environment_id, flag_key, variation, day, impressions)
         values ($1, $2, $3, $4, $5)
         on conflict (environment_id, flag_key, variation, day)
         do update set impressions = impression_counts.impressions + excluded.impressions";
    exec add_evaluations(environment_id: &str, flag_key: &str, variation: &str, day: &str,
        evaluations: i64) -> u64 =
        "insert into evaluation_counts (environment_id, flag_key, variation, day, evaluations)
         values ($1, $2, $3, $4, $5)
         on conflict (environment_id, flag_key, variation, day)
         do update set evaluations = evaluation_counts.evaluations + excluded.evaluations";
    /// Keeps the first exposure: later ones of the same user and flag change nothing.
    exec insert_exposure(environment_id: &str, flag_key: &str, user_key: &str, variation: &str,
        at_ms: i64) -> u64 =
        "insert into exposures (environment_id, flag_key, user_key, variation, first_seen_ms)
         values ($1, $2, $3, $4, $5)
         on conflict (environment_id, flag_key, user_key) do nothing";
    exec add_conversions(environment_id: &str, event_key: &str, user_key: &str,
        c: &ConversionDelta) -> u64 = Self::DIALECT.pick(
        "insert into conversions (environment_id, event_key, user_key, conversions, value_sum,
             value_count, first_ms, last_ms)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (environment_id, event_key, user_key)
         do update set conversions = conversions.conversions + excluded.conversions,
             value_sum = conversions.value_sum + excluded.value_sum,
             value_count = conversions.value_count + excluded.value_count,
             first_ms = least(conversions.first_ms, excluded.first_ms),
             last_ms = greatest(conversions.last_ms, excluded.last_ms)",
        "insert into conversions (environment_id, event_key, user_key, conversions, value_sum,
             value_count, first_ms, last_ms)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (environment_id, event_key, user_key)
         do update set conversions = conversions.conversions + excluded.conversions,
             value_sum = conversions.value_sum + excluded.value_sum,
             value_count = conversions.value_count + excluded.value_count,
             first_ms = min(conversions.first_ms, excluded.first_ms),
             last_ms = max(conversions.last_ms, excluded.last_ms)",
    ), [environment_id, event_key, user_key, c.conversions, c.value_sum, c.value_count,
        c.first_ms, c.last_ms];
    all impression_totals(project_id: &str, flag_key: &str) -> Vec<VariationCount> =
        "select c.environment_id, c.variation, cast(sum(c.impressions) as bigint) as total
         from impression_counts c join environments e on e.id = c.environment_id
         where e.project_id = $1 and c.flag_key = $2
         group by c.environment_id, c.variation";
    all evaluation_totals(project_id: &str, flag_key: &str) -> Vec<VariationCount> =
        "select c.environment_id, c.variation, cast(sum(c.evaluations) as bigint) as total
         from evaluation_counts c join environments e on e.id = c.environment_id
         where e.project_id = $1 and c.flag_key = $2
         group by c.environment_id, c.variation";
    all exposed_users(project_id: &str, flag_key: &str) -> Vec<VariationCount> =
        "select x.environment_id, x.variation, count(*) as total
         from exposures x join environments e on e.id = x.environment_id
         where e.project_id = $1 and x.flag_key = $2
         group by x.environment_id, x.variation";
    /// Per variation and event key: what exposed users did after their first exposure.
    all conversion_totals(project_id: &str, flag_key: &str) -> Vec<ConversionTotal> =
        "select x.environment_id, x.variation, c.event_key, count(*) as users,
             cast(sum(c.conversions) as bigint) as conversions,
             cast(sum(c.value_sum) as double precision) as value_sum,
             cast(sum(c.value_count) as bigint) as value_count
         from exposures x join environments e on e.id = x.environment_id
             join conversions c on c.environment_id = x.environment_id
                 and c.user_key = x.user_key and c.last_ms >= x.first_seen_ms
         where e.project_id = $1 and x.flag_key = $2
         group by x.environment_id, x.variation, c.event_key";
    /// Evaluations per environment, flag and variation since `since_day` (YYYY-MM-DD).
    all served_counts(project_id: &str, since_day: &str) -> Vec<ServedCount> =
        "select c.environment_id, c.flag_key, c.variation,
             cast(sum(c.evaluations) as bigint) as evaluations
         from evaluation_counts c join environments e on e.id = c.environment_id
         where e.project_id = $1 and c.day >= $2
         group by c.environment_id, c.flag_key, c.variation";
}
