import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The category tree (type > sub-type > leaf), with its default service and target time.
    create table report_category (
      id text primary key,
      parent_id text references report_category(id) on delete restrict,
      label text not null,
      -- Former labels (kept on rename) and synonyms, for search and old exports.
      aliases text[] not null default '{}',
      default_service_id uuid references org_service(id) on delete set null,
      target_days integer check (target_days is null or target_days > 0),
      -- [{code, label, datatype, required, order, values: [{key, name}]}]
      extra_questions jsonb not null default '[]',
      active boolean not null default true,
      position integer not null default 0,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index report_category_parent on report_category(parent_id);

    -- One counter row per year for readable references (DMR-2026-000123).
    create table report_sequence (
      year integer primary key,
      last_value integer not null
    );

    create table report_report (
      id uuid primary key default gen_random_uuid(),
      reference text not null unique,
      category_id text not null references report_category(id) on delete restrict,
      service_id uuid references org_service(id) on delete set null,
      state text not null,
      description text not null default '',
      address text not null default '',
      -- x = longitude, y = latitude; GiST for boxes and nearby searches.
      location point not null,
      arrondissement_code text,
      arrondissement_name text,
      quartier_code text,
      quartier_name text,
      area_ids uuid[] not null default '{}',
      -- Why the report went where it went: {reason, categoryPath, area, service}.
      routing jsonb not null default '{}',
      channel text not null check (channel in ('web', 'open311', 'backoffice')),
      -- Personal data: never in a public page, API or export.
      reporter_user_id uuid references account_user(id) on delete set null,
      reporter_name text not null default '',
      reporter_email text not null default '',
      reporter_phone text not null default '',
      attributes jsonb not null default '{}',
      assigned_agent_id uuid references account_user(id) on delete set null,
      scheduled_for timestamptz,
      closed_at timestamptz,
      duplicate_of uuid references report_report(id) on delete set null,
      reason_code text,
      -- The reporter's answer to "fixed well?" after the fix.
      satisfied boolean,
      api_key_id uuid,
      -- A resubmitted form (double click) finds the report it already made.
      idempotency_key text unique,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index report_report_location on report_report using gist (location);
    create index report_report_service_state on report_report(service_id, state);
    create index report_report_state_created on report_report(state, created_at desc);
    create index report_report_category on report_report(category_id);
    create index report_report_reporter on report_report(reporter_user_id);
    create index report_report_arrondissement on report_report(arrondissement_code);

    create table report_photo (
      id uuid primary key default gen_random_uuid(),
      report_id uuid not null references report_report(id) on delete cascade,
      kind text not null check (kind in ('initial', 'after_fix')),
      -- Public only once accepted by an agent (unless the city publishes photos at once).
      status text not null check (status in ('pending', 'accepted', 'refused')),
      storage_key text not null,
      width integer not null,
      height integer not null,
      bytes integer not null,
      created_at timestamptz not null default now()
    );
    create index report_photo_report on report_photo(report_id);

    -- The timeline: received, routed, transferred, status changes, messages, notes.
    create table report_event (
      id bigint generated always as identity primary key,
      report_id uuid not null references report_report(id) on delete cascade,
      at timestamptz not null default now(),
      kind text not null,
      actor_id uuid references account_user(id) on delete set null,
      -- Internal notes are never public.
      public boolean not null,
      data jsonb not null default '{}'
    );
    create index report_event_report on report_event(report_id, at);

    create table report_follower (
      report_id uuid not null references report_report(id) on delete cascade,
      user_id uuid not null references account_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (report_id, user_id)
    );
    create index report_follower_user on report_follower(user_id);

    -- Open311 keys, one per application, stored hashed.
    create table report_api_key (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      key_hash text not null unique,
      created_by uuid references account_user(id) on delete set null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table report_api_key; drop table report_follower; drop table report_event; drop table report_photo;
    drop table report_report; drop table report_sequence; drop table report_category;
  `.execute(db);
}
