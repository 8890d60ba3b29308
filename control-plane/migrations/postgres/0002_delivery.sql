-- Delivery (PostgreSQL): published datafiles, SDK heartbeats, aggregated SDK
-- events, and the notification that tells every control-plane process about
-- a publish.

-- One immutable row per published revision: the exact bytes SDKs download.
create table datafile_revisions (
    environment_id text not null references environments (id) on delete cascade,
    revision bigint not null,
    -- hex SHA-256 prefix of body; the HTTP ETag derives from it
    etag text not null,
    body text not null,
    published_at timestamptz not null,
    published_by text not null,
    -- the revision a rollback re-published, null for a regular publish
    source_revision bigint,
    primary key (environment_id, revision)
);

-- Fires at commit: every process listening on `halyard_delivery` drops its
-- cached datafile and tells its SSE subscribers. `revision` null = deleted.
create function halyard_notify_delivery() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('halyard_delivery', json_build_object(
            'environmentId', old.id, 'sdkKey', old.sdk_key, 'revision', null)::text);
        return old;
    end if;
    perform pg_notify('halyard_delivery', json_build_object(
        'environmentId', new.id, 'sdkKey', new.sdk_key, 'revision', new.revision)::text);
    return new;
end
$$;

create trigger environments_published after update of revision on environments
    for each row when (old.revision is distinct from new.revision)
    execute function halyard_notify_delivery();

create trigger environments_deleted after delete on environments
    for each row execute function halyard_notify_delivery();

create table sdk_heartbeats (
    environment_id text not null references environments (id) on delete cascade,
    sdk_type text not null,
    sdk_version text not null,
    first_seen_at timestamptz not null,
    last_seen_at timestamptz not null,
    heartbeats bigint not null,
    primary key (environment_id, sdk_type, sdk_version)
);

-- Event aggregates. `day` is the UTC day (YYYY-MM-DD) the batch arrived.
create table impression_counts (
    environment_id text not null references environments (id) on delete cascade,
    flag_key text not null,
    variation text not null,
    day text not null,
    impressions bigint not null,
    primary key (environment_id, flag_key, variation, day)
);

create table evaluation_counts (
    environment_id text not null references environments (id) on delete cascade,
    flag_key text not null,
    variation text not null,
    day text not null,
    evaluations bigint not null,
    primary key (environment_id, flag_key, variation, day)
);

-- A user's first exposure to a flag decides the variation conversions count for.
create table exposures (
    environment_id text not null references environments (id) on delete cascade,
    flag_key text not null,
    user_key text not null,
    variation text not null,
    first_seen_ms bigint not null,
    primary key (environment_id, flag_key, user_key)
);
create index exposures_user_idx on exposures (environment_id, user_key);

-- Custom (`track`) events per user and event key; the times are the SDK's clock,
-- like the exposures' they are compared with.
create table conversions (
    environment_id text not null references environments (id) on delete cascade,
    event_key text not null,
    user_key text not null,
    conversions bigint not null,
    value_sum double precision not null,
    value_count bigint not null,
    first_ms bigint not null,
    last_ms bigint not null,
    primary key (environment_id, event_key, user_key)
);
