-- Delivery (SQLite): published datafiles, SDK heartbeats and aggregated SDK
-- events. Publishes are noticed by polling `environments` (see delivery::feed).

-- One immutable row per published revision: the exact bytes SDKs download.
create table datafile_revisions (
    environment_id text not null references environments (id) on delete cascade,
    revision integer not null,
    -- hex SHA-256 prefix of body; the HTTP ETag derives from it
    etag text not null,
    body text not null,
    published_at text not null,
    published_by text not null,
    -- the revision a rollback re-published, null for a regular publish
    source_revision integer,
    primary key (environment_id, revision)
);

create table sdk_heartbeats (
    environment_id text not null references environments (id) on delete cascade,
    sdk_type text not null,
    sdk_version text not null,
    first_seen_at text not null,
    last_seen_at text not null,
    heartbeats integer not null,
    primary key (environment_id, sdk_type, sdk_version)
);

-- Event aggregates. `day` is the UTC day (YYYY-MM-DD) the batch arrived.
create table impression_counts (
    environment_id text not null references environments (id) on delete cascade,
    flag_key text not null,
    variation text not null,
    day text not null,
    impressions integer not null,
    primary key (environment_id, flag_key, variation, day)
);

create table evaluation_counts (
    environment_id text not null references environments (id) on delete cascade,
    flag_key text not null,
    variation text not null,
    day text not null,
    evaluations integer not null,
    primary key (environment_id, flag_key, variation, day)
);

-- A user's first exposure to a flag decides the variation conversions count for.
create table exposures (
    environment_id text not null references environments (id) on delete cascade,
    flag_key text not null,
    user_key text not null,
    variation text not null,
    first_seen_ms integer not null,
    primary key (environment_id, flag_key, user_key)
);
create index exposures_user_idx on exposures (environment_id, user_key);

-- Custom (`track`) events per user and event key; the times are the SDK's clock,
-- like the exposures' they are compared with.
create table conversions (
    environment_id text not null references environments (id) on delete cascade,
    event_key text not null,
    user_key text not null,
    conversions integer not null,
    value_sum real not null,
    value_count integer not null,
    first_ms integer not null,
    last_ms integer not null,
    primary key (environment_id, event_key, user_key)
);
