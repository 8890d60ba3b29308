-- Halyard schema v1 (PostgreSQL). JSON documents are stored as text so both
-- backends hold identical values; the application validates them.

create table organizations (
    id text primary key,
    name text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create table projects (
    id text primary key,
    org_id text not null references organizations (id) on delete cascade,
    key text not null,
    name text not null,
    description text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (org_id, key)
);

create table environments (
    id text primary key,
    project_id text not null references projects (id) on delete cascade,
    key text not null,
    name text not null,
    sdk_key text not null unique,
    production boolean not null,
    auto_publish boolean not null,
    revision bigint not null,
    published_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (project_id, key)
);

create table flags (
    id text primary key,
    project_id text not null references projects (id) on delete cascade,
    key text not null,
    name text not null,
    description text not null,
    flag_type text not null,
    status text not null,
    off_variation_id text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (project_id, key)
);

create table variations (
    id text primary key,
    flag_id text not null references flags (id) on delete cascade,
    key text not null,
    name text not null,
    value text not null,
    sort_order bigint not null,
    unique (flag_id, key)
);

-- References to variations and audiences are checked at commit: deleting a
-- whole flag or project cascades along several paths in no fixed order. The
-- API itself refuses to remove a variation or an audience that is in use.
create table flag_environments (
    flag_id text not null references flags (id) on delete cascade,
    environment_id text not null references environments (id) on delete cascade,
    enabled boolean not null,
    default_variation_id text not null references variations (id) deferrable initially deferred,
    scheduling_enabled boolean not null,
    scheduled_enable_at timestamptz,
    timezone text not null,
    min_version text,
    activation_date timestamptz,
    has_pending_changes boolean not null,
    version bigint not null,
    updated_at timestamptz not null,
    primary key (flag_id, environment_id)
);
create index flag_environments_environment_idx on flag_environments (environment_id);

create table audiences (
    id text primary key,
    project_id text not null references projects (id) on delete cascade,
    key text not null,
    name text not null,
    description text not null,
    included text not null,
    excluded text not null,
    conditions text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (project_id, key)
);

create table rules (
    id text primary key,
    flag_id text not null,
    environment_id text not null,
    rule_type text not null,
    name text not null,
    traffic_allocation double precision not null,
    hash_attribute text not null,
    sort_order bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    foreign key (flag_id, environment_id)
        references flag_environments (flag_id, environment_id) on delete cascade
);
create index rules_config_idx on rules (flag_id, environment_id);

create table rule_variations (
    rule_id text not null references rules (id) on delete cascade,
    variation_id text not null references variations (id) deferrable initially deferred,
    percentage double precision not null,
    sort_order bigint not null,
    primary key (rule_id, variation_id)
);
create index rule_variations_variation_idx on rule_variations (variation_id);

create table rule_audiences (
    rule_id text not null references rules (id) on delete cascade,
    audience_id text not null references audiences (id) deferrable initially deferred,
    sort_order bigint not null,
    primary key (rule_id, audience_id)
);
create index rule_audiences_audience_idx on rule_audiences (audience_id);

create table overrides (
    flag_id text not null,
    environment_id text not null,
    sort_order bigint not null,
    attribute text not null,
    match_values text not null,
    variation_id text not null references variations (id) deferrable initially deferred,
    primary key (flag_id, environment_id, sort_order),
    foreign key (flag_id, environment_id)
        references flag_environments (flag_id, environment_id) on delete cascade
);
create index overrides_variation_idx on overrides (variation_id);

create table flag_events (
    id text primary key,
    project_id text not null references projects (id) on delete cascade,
    key text not null,
    name text not null,
    description text not null,
    event_type text not null,
    created_at timestamptz not null,
    unique (project_id, key)
);

create table api_tokens (
    id text primary key,
    -- null for super-admin tokens
    org_id text references organizations (id) on delete cascade,
    name text not null,
    token_hash text not null unique,
    token_prefix text not null,
    permissions text not null,
    created_at timestamptz not null,
    revoked_at timestamptz
);
create index api_tokens_org_idx on api_tokens (org_id);

-- No foreign keys: the history outlives what it describes.
create table audit_log (
    seq bigint generated always as identity primary key,
    org_id text not null,
    actor_id text not null,
    actor_name text not null,
    action text not null,
    entity_type text not null,
    entity_id text not null,
    before_state text,
    after_state text,
    created_at timestamptz not null
);
create index audit_log_org_idx on audit_log (org_id, seq);
create index audit_log_entity_idx on audit_log (org_id, entity_type, entity_id, seq);

create table settings (
    key text primary key,
    value text not null
);
