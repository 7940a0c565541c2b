import { type Kysely, sql } from 'kysely';

/**
 * Participatory budget, implementation tracking of the winners: dated milestones (reached or
 * planned) with photos, the history of status changes, the people who follow a project and
 * the addresses that unsubscribed from a project's mail. The status itself, the progress and
 * the reason of an abandon live on budget_project (202611260100_budget_init).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The rules the service enforces, kept by the database too: a delivered project is done,
    -- an abandoned one says why in public.
    alter table budget_project
      add constraint budget_project_delivered_complete
        check (implementation_status is distinct from 'delivered' or progress_percent = 100),
      add constraint budget_project_abandoned_reason
        check (implementation_status is distinct from 'abandoned' or length(btrim(abandoned_reason)) > 0);
    create index budget_project_winners on budget_project(campaign_id) where selected;

    -- studies → works → delivered one step at a time, abandoned from any status but delivered;
    -- delivered and abandoned are final (their progress too). No status yet counts as studies.
    -- Two agents acting at once cannot both move a project: the second sees the first's row.
    create function budget_project_tracking_rules() returns trigger language plpgsql as $$
    declare
      was text := coalesce(old.implementation_status, 'studies');
    begin
      if old.implementation_status in ('delivered', 'abandoned') and (
        new.implementation_status is distinct from old.implementation_status
        or new.progress_percent is distinct from old.progress_percent
      ) then
        raise exception 'budget.tracking.errors.final' using errcode = 'check_violation';
      end if;
      if new.implementation_status is distinct from old.implementation_status and (
        new.implementation_status is null or not (
        new.implementation_status = was
        or (was = 'studies' and new.implementation_status in ('works', 'abandoned'))
        or (was = 'works' and new.implementation_status in ('delivered', 'abandoned')))
      ) then
        raise exception 'budget.tracking.errors.transition' using errcode = 'check_violation';
      end if;
      return new;
    end $$;
    create trigger budget_project_tracking_rules before update of implementation_status, progress_percent
      on budget_project for each row execute function budget_project_tracking_rules();

    -- A dated step of the works: reached ("works started on 3 March") or planned ("delivery
    -- planned in June"). A reached milestone may carry a status change and the progress after it.
    create table budget_milestone (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references budget_project(id) on delete cascade,
      occurred_on date not null,
      reached boolean not null default true,
      -- The day a planned milestone was marked as reached.
      reached_at timestamptz,
      title text not null check (length(title) between 1 and 150),
      description text not null default '' check (length(description) <= 5000),
      status_to text check (status_to in ('studies', 'works', 'delivered', 'abandoned')),
      progress_after integer check (progress_after between 0 and 100),
      created_by uuid references account_user(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (reached or (status_to is null and progress_after is null))
    );
    create index budget_milestone_project on budget_milestone(project_id, occurred_on);
    create index budget_milestone_planned on budget_milestone(occurred_on) where not reached;

    -- Photos of a milestone: re-encoded JPEG without metadata, on disk under files/budget-milestones/.
    create table budget_milestone_photo (
      id uuid primary key default gen_random_uuid(),
      milestone_id uuid not null references budget_milestone(id) on delete cascade,
      storage_key text not null,
      width integer not null,
      height integer not null,
      bytes integer not null,
      position integer not null default 0,
      created_at timestamptz not null default now()
    );
    create index budget_milestone_photo_milestone on budget_milestone_photo(milestone_id, position);

    -- Every change of status or progress, in order: the public history of a winner.
    create table budget_project_status_change (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references budget_project(id) on delete cascade,
      from_status text,
      to_status text not null check (to_status in ('studies', 'works', 'delivered', 'abandoned')),
      progress_percent integer not null check (progress_percent between 0 and 100),
      -- The public reason of an abandon.
      reason text not null default '',
      milestone_id uuid references budget_milestone(id) on delete set null,
      actor_user_id uuid references account_user(id) on delete set null,
      created_at timestamptz not null default now()
    );
    create index budget_project_status_change_project on budget_project_status_change(project_id, created_at);

    create table budget_project_follower (
      project_id uuid not null references budget_project(id) on delete cascade,
      user_id uuid not null references account_user(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (project_id, user_id)
    );
    create index budget_project_follower_user on budget_project_follower(user_id, created_at);

    -- Addresses that used a project's unsubscribe link: never mailed about it again.
    create table budget_project_optout (
      project_id uuid not null references budget_project(id) on delete cascade,
      email text not null,
      created_at timestamptz not null default now(),
      primary key (project_id, email)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists budget_project_optout, budget_project_follower, budget_project_status_change,
      budget_milestone_photo, budget_milestone cascade;
    drop index if exists budget_project_winners;
    drop trigger if exists budget_project_tracking_rules on budget_project;
    drop function if exists budget_project_tracking_rules();
    alter table budget_project
      drop constraint if exists budget_project_delivered_complete,
      drop constraint if exists budget_project_abandoned_reason;
  `.execute(db);
}
