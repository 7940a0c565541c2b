import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table account_user (
      id uuid primary key default gen_random_uuid(),
      email text unique,
      email_verified_at timestamptz,
      password_hash text,
      display_name text not null default '',
      locale text not null default 'fr',
      is_admin boolean not null default false,
      notify_by_email boolean not null default true,
      notify_digest boolean not null default false,
      deleted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table account_session (
      id_hash text primary key,
      user_id uuid not null references account_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      user_agent text not null default '',
      ip text not null default ''
    );
    create index account_session_user on account_session(user_id);
    create index account_session_expires on account_session(expires_at);

    -- Single-use tokens (email confirmation, password reset, magic link), stored hashed.
    create table account_token (
      token_hash text primary key,
      purpose text not null check (purpose in ('confirm_email', 'reset_password', 'magic_link')),
      user_id uuid references account_user(id) on delete cascade,
      email text not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index account_token_user on account_token(user_id);

    create table org_directorate (
      id uuid primary key default gen_random_uuid(),
      code text not null unique,
      name text not null,
      description text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table org_service (
      id uuid primary key default gen_random_uuid(),
      directorate_id uuid not null references org_directorate(id) on delete restrict,
      code text not null unique,
      name text not null,
      email text not null default '',
      -- The areas (of any layer) this service covers; empty means the whole city.
      area_ids uuid[] not null default '{}',
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index org_service_directorate on org_service(directorate_id);

    create table org_membership (
      user_id uuid not null references account_user(id) on delete cascade,
      service_id uuid not null references org_service(id) on delete cascade,
      role text not null check (role in ('agent', 'manager')),
      created_at timestamptz not null default now(),
      primary key (user_id, service_id)
    );
    create index org_membership_service on org_membership(service_id);

    create table area_layer (
      id text primary key,
      name text not null,
      source text not null default '',
      feature_count integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table area_feature (
      id uuid primary key default gen_random_uuid(),
      layer_id text not null references area_layer(id) on delete cascade,
      code text not null,
      name text not null,
      properties jsonb not null default '{}',
      geometry jsonb not null,
      bbox box not null,
      created_at timestamptz not null default now(),
      unique (layer_id, code)
    );
    create index area_feature_bbox on area_feature using gist (bbox);

    create table audit_event (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor_id uuid,
      actor_label text not null default '',
      action text not null,
      object_type text not null default '',
      object_id text not null default '',
      ip text not null default '',
      request_id text not null default '',
      details jsonb not null default '{}'
    );
    create index audit_event_at on audit_event(at desc);
    create index audit_event_object on audit_event(object_type, object_id);
    create index audit_event_actor on audit_event(actor_id);
    create index audit_event_action on audit_event(action);

    -- Fixed-window counters shared by every app instance.
    create table http_rate_limit (
      key text primary key,
      hits integer not null,
      window_ends_at timestamptz not null
    );
    create index http_rate_limit_window on http_rate_limit(window_ends_at);

    create table core_setting (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table core_setting; drop table http_rate_limit; drop table audit_event;
    drop table area_feature; drop table area_layer; drop table org_membership; drop table org_service;
    drop table org_directorate; drop table account_token; drop table account_session; drop table account_user;
  `.execute(db);
}
