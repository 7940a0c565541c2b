import { type Kysely, sql } from 'kysely';

/**
 * Participatory budget, the vote: voters (who may vote, under keyed pseudonyms), ballots and
 * their lines (what was chosen, under another pseudonym), the register of who took part, and
 * the computed results. The database itself keeps ballots whole: one ballot per person across
 * channels and accounts, a project only in its own envelope, no overspent envelope, no more
 * choices than allowed, one arrondissement, rules locked by the first ballot, nothing changed
 * once results are published. Why and how: src/modules/budget/vote/BALLOTS.md.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Composite key so that a ballot line can name its project, envelope and campaign together.
    alter table budget_project add constraint budget_project_envelope_key unique (campaign_id, envelope_id, id);

    -- Who may hold a ballot. person_key = HMAC(name, first name, birth date) from the sworn
    -- declaration or the booth; account_key = HMAC(user id) for online voters. Neither is
    -- readable without the ballot key, which is not in the database.
    create table budget_voter (
      campaign_id uuid not null references budget_campaign(id) on delete cascade,
      person_key uuid not null,
      account_key uuid,
      channel text not null check (channel in ('online', 'booth')),
      created_at timestamptz not null default now(),
      primary key (campaign_id, person_key),
      unique (campaign_id, account_key),
      -- A booth voter has no account; an online voter loses the link when the account is deleted.
      check (channel = 'online' or account_key is null)
    );

    -- One ballot per person: ballot_key = HMAC('ballot', campaign, person_key). No user id, no
    -- date, no sequence number: nothing here orders or dates a ballot against the register.
    create table budget_ballot (
      ballot_key uuid primary key,
      campaign_id uuid not null references budget_campaign(id) on delete cascade,
      channel text not null check (channel in ('online', 'booth')),
      -- The "arrondissement de cœur": chosen once per campaign.
      arrondissement_envelope_id uuid,
      state text not null default 'draft' check (state in ('draft', 'confirmed')),
      -- Bumped by every change: a form sent from a stale page is refused, not merged.
      revision integer not null default 0 check (revision >= 0),
      unique (campaign_id, ballot_key),
      foreign key (campaign_id, arrondissement_envelope_id) references budget_envelope(campaign_id, id)
    );
    create index budget_ballot_campaign_state on budget_ballot(campaign_id, state);

    -- What a ballot says: a chosen project (grade null) or a graded one (majority judgment,
    -- 0 = Pas convaincu·e … 3 = J'adore). The project must be of that envelope and campaign.
    create table budget_ballot_line (
      ballot_key uuid not null,
      campaign_id uuid not null,
      envelope_id uuid not null,
      project_id uuid not null,
      grade smallint check (grade between 0 and 3),
      primary key (ballot_key, project_id),
      foreign key (campaign_id, ballot_key) references budget_ballot(campaign_id, ballot_key) on delete cascade,
      foreign key (campaign_id, envelope_id, project_id)
        references budget_project(campaign_id, envelope_id, id) on delete restrict
    );
    create index budget_ballot_line_tally on budget_ballot_line(envelope_id, project_id, grade);
    create index budget_ballot_line_project on budget_ballot_line(project_id);

    -- The register of who took part (like the signatures next to an electoral roll): never what.
    create table budget_participation (
      campaign_id uuid not null references budget_campaign(id) on delete cascade,
      user_id uuid not null references account_user(id) on delete cascade,
      -- Sworn declaration: lives, works or studies in the city.
      declaration text not null check (declaration in ('live', 'work', 'study')),
      -- declared: nothing saved yet; draft: a basket saved, not confirmed; confirmed.
      state text not null default 'declared' check (state in ('declared', 'draft', 'confirmed')),
      confirmed_at timestamptz,
      -- Set when the voter was reminded of an unconfirmed basket (once).
      reminded_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (campaign_id, user_id)
    );
    create index budget_participation_reminders on budget_participation(campaign_id, updated_at)
      where state = 'draft' and reminded_at is null;
    create index budget_participation_user on budget_participation(user_id);

    -- The count of each envelope, computed then published (two steps).
    create table budget_result (
      campaign_id uuid not null references budget_campaign(id) on delete cascade,
      envelope_id uuid not null,
      -- Confirmed ballots of the whole campaign when computed: publishing a stale count is refused.
      campaign_ballots integer not null check (campaign_ballots >= 0),
      ballots integer not null check (ballots >= 0),
      method text not null,
      rule text not null,
      data jsonb not null,
      computed_at timestamptz not null default now(),
      computed_by uuid references account_user(id) on delete set null,
      published_at timestamptz,
      published_by uuid references account_user(id) on delete set null,
      primary key (campaign_id, envelope_id),
      foreign key (campaign_id, envelope_id) references budget_envelope(campaign_id, id) on delete cascade
    );

    create function budget_results_published(campaign uuid) returns boolean language sql stable as $$
      select exists (select 1 from budget_result where campaign_id = campaign and published_at is not null)
    $$;

    -- A ballot: the first one locks the campaign's rules; its arrondissement is an arrondissement
    -- envelope, chosen once; nothing moves after publication.
    create function budget_ballot_guard() returns trigger language plpgsql as $$
    begin
      if budget_results_published(new.campaign_id) then
        raise exception 'budget.results.already_published' using errcode = 'check_violation';
      end if;
      if tg_op = 'UPDATE' and old.arrondissement_envelope_id is not null
         and new.arrondissement_envelope_id is distinct from old.arrondissement_envelope_id then
        raise exception 'budget.vote.arrondissement_already_chosen' using errcode = 'check_violation';
      end if;
      if new.arrondissement_envelope_id is not null and (tg_op = 'INSERT'
         or new.arrondissement_envelope_id is distinct from old.arrondissement_envelope_id) then
        if not exists (select 1 from budget_envelope
                       where id = new.arrondissement_envelope_id and kind = 'arrondissement') then
          raise exception 'budget.vote.not_an_arrondissement' using errcode = 'check_violation';
        end if;
      end if;
      if tg_op = 'INSERT' then
        update budget_campaign set rules_locked_at = now()
          where id = new.campaign_id and rules_locked_at is null;
      end if;
      return new;
    end $$;
    create trigger budget_ballot_guard before insert or update on budget_ballot
      for each row execute function budget_ballot_guard();

    -- Ballot lines, checked once per statement over every (ballot, envelope) it touched: the
    -- kind of line fits the campaign's method, an arrondissement envelope is the ballot's own,
    -- a knapsack basket fits its envelope, an approval basket has at most max_choices projects.
    create function budget_ballot_lines_check() returns trigger language plpgsql as $$
    declare
      basket record;
    begin
      for basket in
        with touched as (select distinct ballot_key, envelope_id from new_lines),
        totals as (
          select t.ballot_key, t.envelope_id, count(*) as chosen, sum(p.cost_cents) as spent,
                 bool_or(l.grade is null) as ungraded, bool_or(l.grade is not null) as graded
          from touched t
          join budget_ballot_line l on l.ballot_key = t.ballot_key and l.envelope_id = t.envelope_id
          join budget_project p on p.id = l.project_id
          group by t.ballot_key, t.envelope_id
        )
        select totals.*, e.kind, e.amount_cents, c.voting_method, c.max_choices,
               b.arrondissement_envelope_id, b.campaign_id
        from totals
        join budget_envelope e on e.id = totals.envelope_id
        join budget_campaign c on c.id = e.campaign_id
        join budget_ballot b on b.ballot_key = totals.ballot_key
      loop
        if budget_results_published(basket.campaign_id) then
          raise exception 'budget.results.already_published' using errcode = 'check_violation';
        end if;
        if basket.kind = 'arrondissement' and basket.envelope_id is distinct from basket.arrondissement_envelope_id then
          raise exception 'budget.vote.not_your_arrondissement' using errcode = 'check_violation';
        end if;
        if basket.voting_method = 'majority_judgment' and basket.ungraded then
          raise exception 'budget.ballot.unknown_grade' using errcode = 'check_violation';
        end if;
        if basket.voting_method <> 'majority_judgment' and basket.graded then
          raise exception 'budget.vote.grade_not_allowed' using errcode = 'check_violation';
        end if;
        if basket.voting_method = 'knapsack' and basket.spent > basket.amount_cents then
          raise exception 'budget.ballot.over_budget' using errcode = 'check_violation';
        end if;
        if basket.voting_method = 'approval' and basket.chosen > coalesce(basket.max_choices, basket.chosen) then
          raise exception 'budget.ballot.too_many_projects' using errcode = 'check_violation';
        end if;
      end loop;
      return null;
    end $$;
    create trigger budget_ballot_lines_insert after insert on budget_ballot_line
      referencing new table as new_lines for each statement execute function budget_ballot_lines_check();
    create trigger budget_ballot_lines_update after update on budget_ballot_line
      referencing new table as new_lines for each statement execute function budget_ballot_lines_check();

    -- Deleting lines after publication would change a published count.
    create function budget_ballot_lines_frozen() returns trigger language plpgsql as $$
    begin
      -- (A campaign being deleted takes its ballots with it.)
      if exists (select 1 from (select distinct campaign_id from old_lines) o
                 where budget_results_published(o.campaign_id)
                   and exists (select 1 from budget_campaign c where c.id = o.campaign_id)) then
        raise exception 'budget.results.already_published' using errcode = 'check_violation';
      end if;
      return null;
    end $$;
    create trigger budget_ballot_lines_delete after delete on budget_ballot_line
      referencing old table as old_lines for each statement execute function budget_ballot_lines_frozen();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists budget_result, budget_participation, budget_ballot_line, budget_ballot, budget_voter cascade;
    drop function if exists budget_ballot_lines_frozen(), budget_ballot_lines_check(), budget_ballot_guard(),
      budget_results_published(uuid);
    alter table if exists budget_project drop constraint if exists budget_project_envelope_key;
  `.execute(db);
}
