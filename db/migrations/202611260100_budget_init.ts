import { type Kysely, sql } from 'kysely';

/**
 * Participatory budget: campaigns and their phases, envelopes, citizens' proposals, the
 * study by the directorates and the projects on the ballot. Ballots and implementation
 * tracking have their own migrations.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One campaign a year. Phases are dated columns so that the database itself keeps
    -- them in order and apart: submission → study → vote → results → implementation.
    create table budget_campaign (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique,
      title text not null,
      description text not null default '',
      submission_starts_at timestamptz not null,
      submission_ends_at timestamptz not null,
      study_starts_at timestamptz not null,
      study_ends_at timestamptz not null,
      vote_starts_at timestamptz not null,
      vote_ends_at timestamptz not null,
      results_at timestamptz not null,
      implementation_starts_at timestamptz not null,
      -- Voting rules: locked (rules_locked_at set) when the first ballot is cast.
      voting_method text not null check (voting_method in ('approval', 'knapsack', 'majority_judgment')),
      -- approval: at most this many projects per envelope.
      max_choices integer check (max_choices is null or max_choices > 0),
      -- knapsack: the basket must spend at least this share of the envelope (0 to 100).
      min_spend_percent integer not null default 0 check (min_spend_percent between 0 and 100),
      -- How winners are drawn from the count: down the ranking while money is left, or the
      -- Method of Equal Shares (approval and knapsack only).
      selection_rule text not null default 'greedy' check (selection_rule in ('greedy', 'equal_shares')),
      eligibility text not null default 'sworn_declaration',
      rules_locked_at timestamptz,
      published boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (submission_starts_at < submission_ends_at),
      check (submission_ends_at <= study_starts_at),
      check (study_starts_at < study_ends_at),
      check (study_ends_at <= vote_starts_at),
      check (vote_starts_at < vote_ends_at),
      check (vote_ends_at <= results_at),
      check (results_at <= implementation_starts_at)
    );

    -- The rules of a campaign cannot change once a ballot exists, whoever writes the row.
    create function budget_campaign_rules_locked() returns trigger language plpgsql as $$
    begin
      if old.rules_locked_at is not null and (
        new.voting_method is distinct from old.voting_method
        or new.max_choices is distinct from old.max_choices
        or new.min_spend_percent is distinct from old.min_spend_percent
        or new.selection_rule is distinct from old.selection_rule
        or new.eligibility is distinct from old.eligibility
        or new.vote_starts_at is distinct from old.vote_starts_at
        or new.rules_locked_at is distinct from old.rules_locked_at
      ) then
        raise exception 'budget.campaign.rules_locked' using errcode = 'check_violation';
      end if;
      return new;
    end $$;
    create trigger budget_campaign_rules_locked before update on budget_campaign
      for each row execute function budget_campaign_rules_locked();

    -- Envelopes: the city-wide one, one per arrondissement, earmarked ones (quartiers
    -- populaires, schools…). A voter votes in the city-wide and earmarked envelopes and in
    -- one arrondissement envelope of their choice.
    create table budget_envelope (
      id uuid primary key default gen_random_uuid(),
      campaign_id uuid not null references budget_campaign(id) on delete cascade,
      kind text not null check (kind in ('city', 'arrondissement', 'earmarked')),
      -- 'paris', the arrondissement's area code ('75105'), or a slug ('ecoles').
      code text not null,
      label text not null,
      amount_cents bigint not null check (amount_cents > 0),
      -- The arrondissement's area, for arrondissement envelopes.
      area_id uuid references area_feature(id) on delete set null,
      position integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (campaign_id, code),
      unique (campaign_id, id)
    );
    create unique index budget_envelope_one_city on budget_envelope(campaign_id) where kind = 'city';

    -- Proposals made by citizens during the submission phase, then studied.
    create table budget_proposal (
      id uuid primary key default gen_random_uuid(),
      campaign_id uuid not null references budget_campaign(id) on delete cascade,
      -- Readable reference: BP-2026-0042.
      reference text not null unique,
      envelope_id uuid not null,
      title text not null check (length(title) between 1 and 150),
      description text not null check (length(description) <= 5000),
      theme text not null,
      address text not null default '',
      location point,
      arrondissement_code text,
      estimated_cost_cents bigint check (estimated_cost_cents is null or estimated_cost_cents >= 0),
      -- submitted → admissible | inadmissible; admissible → feasible | unfeasible;
      -- feasible → on_ballot (alone or merged into a project) ; withdrawn by the author.
      state text not null default 'submitted' check (
        state in ('submitted', 'admissible', 'inadmissible', 'feasible', 'unfeasible', 'merged', 'on_ballot', 'withdrawn')
      ),
      -- The directorate that studies it (routed by theme, can be changed by an agent).
      directorate_id uuid references org_directorate(id) on delete set null,
      study_reason text not null default '',
      study_cost_cents bigint check (study_cost_cents is null or study_cost_cents >= 0),
      studied_by uuid references account_user(id) on delete set null,
      project_id uuid,
      supports_count integer not null default 0,
      search tsvector generated always as (
        setweight(to_tsvector('french', title), 'A') || setweight(to_tsvector('french', description), 'B')
      ) stored,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (campaign_id, envelope_id) references budget_envelope(campaign_id, id) on delete restrict
    );
    create index budget_proposal_campaign_state on budget_proposal(campaign_id, state);
    create index budget_proposal_directorate on budget_proposal(directorate_id, state);
    create index budget_proposal_search on budget_proposal using gin (search);
    create index budget_proposal_location on budget_proposal using gist (location);

    -- Author and co-authors; a group (association, collective) is named on the author row.
    create table budget_proposal_author (
      proposal_id uuid not null references budget_proposal(id) on delete cascade,
      user_id uuid references account_user(id) on delete set null,
      -- Public name chosen by the author ("Collectif Ourcq propre"); never the e-mail.
      display_name text not null,
      role text not null check (role in ('author', 'coauthor')),
      created_at timestamptz not null default now()
    );
    create unique index budget_proposal_author_user on budget_proposal_author(proposal_id, user_id)
      where user_id is not null;
    create index budget_proposal_author_by_user on budget_proposal_author(user_id);

    create table budget_proposal_image (
      id uuid primary key default gen_random_uuid(),
      proposal_id uuid not null references budget_proposal(id) on delete cascade,
      storage_key text not null,
      alt text not null default '',
      position integer not null default 0,
      created_at timestamptz not null default now()
    );

    create table budget_support (
      proposal_id uuid not null references budget_proposal(id) on delete cascade,
      user_id uuid not null references account_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (proposal_id, user_id)
    );

    -- Comments on proposals and on projects; moderators hide them with a reason.
    create table budget_comment (
      id uuid primary key default gen_random_uuid(),
      proposal_id uuid references budget_proposal(id) on delete cascade,
      project_id uuid,
      user_id uuid references account_user(id) on delete set null,
      display_name text not null,
      body text not null check (length(body) between 1 and 2000),
      status text not null default 'visible' check (status in ('visible', 'hidden')),
      moderation_reason text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((proposal_id is null) <> (project_id is null))
    );
    create index budget_comment_proposal on budget_comment(proposal_id, created_at);
    create index budget_comment_project on budget_comment(project_id, created_at);

    -- A project on the ballot: one feasible proposal, or several merged.
    create table budget_project (
      id uuid primary key default gen_random_uuid(),
      campaign_id uuid not null references budget_campaign(id) on delete cascade,
      envelope_id uuid not null,
      -- Number on the ballot within the campaign, also its Pabulib project_id.
      number integer not null,
      title text not null check (length(title) between 1 and 150),
      summary text not null check (length(summary) <= 5000),
      theme text not null,
      address text not null default '',
      location point,
      arrondissement_code text,
      cost_cents bigint not null check (cost_cents > 0),
      directorate_id uuid references org_directorate(id) on delete set null,
      -- Set when results are published.
      selected boolean,
      -- Implementation: studies → works → delivered, or abandoned with a reason.
      implementation_status text check (implementation_status in ('studies', 'works', 'delivered', 'abandoned')),
      progress_percent integer not null default 0 check (progress_percent between 0 and 100),
      abandoned_reason text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (campaign_id, number),
      unique (campaign_id, id),
      foreign key (campaign_id, envelope_id) references budget_envelope(campaign_id, id) on delete restrict
    );
    create index budget_project_envelope on budget_project(envelope_id);
    create index budget_project_location on budget_project using gist (location);
    alter table budget_proposal add foreign key (project_id) references budget_project(id) on delete set null;
    alter table budget_comment add foreign key (project_id) references budget_project(id) on delete cascade;

    -- The public history of a proposal (submitted, routed, admissible, merged…).
    create table budget_proposal_event (
      id uuid primary key default gen_random_uuid(),
      proposal_id uuid not null references budget_proposal(id) on delete cascade,
      kind text not null,
      -- Public data only (reason, directorate name, project number…).
      data jsonb not null default '{}',
      actor_user_id uuid references account_user(id) on delete set null,
      created_at timestamptz not null default now()
    );
    create index budget_proposal_event_proposal on budget_proposal_event(proposal_id, created_at);

    create table budget_sequence (
      campaign_id uuid primary key references budget_campaign(id) on delete cascade,
      last_value integer not null
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists budget_sequence, budget_proposal_event, budget_comment, budget_support,
      budget_proposal_image, budget_proposal_author cascade;
    alter table if exists budget_proposal drop constraint if exists budget_proposal_project_id_fkey;
    drop table if exists budget_project, budget_proposal, budget_envelope, budget_campaign cascade;
    drop function if exists budget_campaign_rules_locked();
  `.execute(db);
}
