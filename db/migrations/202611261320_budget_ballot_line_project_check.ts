import { type Kysely, sql } from 'kysely';
import { up as linesCheckOfTheLastMigration } from './202611261300_budget_ballot_lines_check_new_lines.js';

/**
 * A ballot line names a project of its envelope and campaign: checked by the lines' statement
 * check instead of a foreign key. The foreign key took a share lock on each of the envelope's
 * project rows for every line written, and concurrent casts, which all lock the same 20 rows,
 * made PostgreSQL record every overlap (multixacts): on 2 cores that was a third of the
 * database's work per cast (budget bench at 30,000 voters: 0.73 ms of PostgreSQL CPU per cast
 * with the key, 0.48 ms without). What the key's `on delete restrict` did, a trigger on the
 * project does: a project that ballots name can be neither deleted nor moved to another envelope
 * or campaign (a whole campaign being deleted takes its ballots with it). It first locks the
 * ballot lines in share mode, so that a ballot being written at that moment is waited for, and
 * one written after sees the project gone and is refused.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table budget_ballot_line drop constraint budget_ballot_line_campaign_id_envelope_id_project_id_fkey;

    create or replace function budget_ballot_lines_check() returns trigger language plpgsql as $$
    declare
      basket record;
      chosen bigint;
      spent bigint;
    begin
      -- Each written line names a project of its own envelope and campaign.
      if exists (select 1 from new_lines n
                 where not exists (select 1 from budget_project p
                                   where p.id = n.project_id and p.envelope_id = n.envelope_id
                                     and p.campaign_id = n.campaign_id)) then
        raise exception 'budget.ballot.unknown_project' using errcode = 'foreign_key_violation';
      end if;
      for basket in
        with touched as (
          select ballot_key, envelope_id, bool_or(grade is null) as ungraded, bool_or(grade is not null) as graded
          from new_lines group by ballot_key, envelope_id
        )
        select t.ballot_key, t.envelope_id, t.ungraded, t.graded, e.kind, e.amount_cents,
               c.voting_method, c.max_choices, b.arrondissement_envelope_id,
               exists (select 1 from budget_result r
                       where r.campaign_id = c.id and r.published_at is not null) as published
        from touched t
        join budget_envelope e on e.id = t.envelope_id
        join budget_campaign c on c.id = e.campaign_id
        join budget_ballot b on b.ballot_key = t.ballot_key
      loop
        if basket.published then
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
        if basket.voting_method in ('knapsack', 'approval') then
          select count(*), sum(p.cost_cents) into chosen, spent
          from budget_ballot_line l join budget_project p on p.id = l.project_id
          where l.ballot_key = basket.ballot_key and l.envelope_id = basket.envelope_id;
          if basket.voting_method = 'knapsack' and spent > basket.amount_cents then
            raise exception 'budget.ballot.over_budget' using errcode = 'check_violation';
          end if;
          if basket.voting_method = 'approval' and chosen > coalesce(basket.max_choices, chosen) then
            raise exception 'budget.ballot.too_many_projects' using errcode = 'check_violation';
          end if;
        end if;
      end loop;
      return null;
    end $$;

    create function budget_project_voted_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.id = old.id and new.envelope_id = old.envelope_id
         and new.campaign_id = old.campaign_id then
        return new;
      end if;
      lock table budget_ballot_line in share mode;
      if exists (select 1 from budget_campaign c where c.id = old.campaign_id)
         and exists (select 1 from budget_ballot_line l where l.project_id = old.id) then
        raise exception 'budget.project.on_ballots' using errcode = 'foreign_key_violation';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$;
    create trigger budget_project_voted_guard before delete or update of id, envelope_id, campaign_id
      on budget_project for each row execute function budget_project_voted_guard();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists budget_project_voted_guard on budget_project;
    drop function if exists budget_project_voted_guard();
    alter table budget_ballot_line add constraint budget_ballot_line_campaign_id_envelope_id_project_id_fkey
      foreign key (campaign_id, envelope_id, project_id) references budget_project(campaign_id, envelope_id, id)
      on delete restrict;
  `.execute(db);
  await linesCheckOfTheLastMigration(db);
}
