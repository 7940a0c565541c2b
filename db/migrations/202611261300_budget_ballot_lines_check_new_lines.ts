import { type Kysely, sql } from 'kysely';
import { LINES_CHECK_BY_KEY } from './202611260330_budget_ballot_lines_check_by_key.js';

/**
 * The lines' statement check reads only the lines the statement wrote, except where a rule is
 * about the whole basket. A majority-judgment grade, a grade on an approval or knapsack line, an
 * arrondissement envelope that is not the ballot's own: each is a property of a written line,
 * and lines the statement left alone were checked when they were written. Only the knapsack
 * total and the approval count need the basket's other lines, and only for those two methods
 * are they read. Reading every line of the basket back on every cast, with each project's cost,
 * was most of the database's work on a majority-judgment cast: on 2 cores, 20-grade casts went
 * from about 2.1–4.1 ms of CPU each to 1.6–1.8 ms (pgbench, 10 clients, prepared statements).
 * Whether results are published is read in the same query instead of one call per basket.
 * Same rules, same messages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function budget_ballot_lines_check() returns trigger language plpgsql as $$
    declare
      basket record;
      chosen bigint;
      spent bigint;
    begin
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
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`${sql.raw(LINES_CHECK_BY_KEY)}`.execute(db);
}
