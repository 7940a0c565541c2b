import { type Kysely, sql } from 'kysely';

/**
 * Casting a ballot reads that ballot's lines by its key only. Two plans read far more:
 * - the index on (envelope, project, grade) was chosen for "this ballot's lines in this
 *   envelope": a bitmap of every line of the envelope (166,000 entries at 8,000 ballots) ANDed
 *   with the ballot's few — tens of milliseconds per cast, growing with every ballot. The tally
 *   never used that index (it reads the campaign's lines whole), so it goes, and each cast
 *   writes 20 index entries less;
 * - the lines' statement check joined the transition table to budget_ballot_line; the plan
 *   PL/pgSQL cached for it read the whole table on some casts (2 billion rows read for 19,000
 *   ballots, the cast rate falling from 130/s to 43/s as ballots piled up). A lateral subquery
 *   per (ballot, envelope) is read through the primary key. Same rules, same messages.
 */
/** The check of this migration; the next one's down restores it. */
export const LINES_CHECK_BY_KEY = `
    create or replace function budget_ballot_lines_check() returns trigger language plpgsql as $$
    declare
      basket record;
    begin
      for basket in
        with touched as (select distinct ballot_key, envelope_id from new_lines)
        select t.ballot_key, t.envelope_id, totals.chosen, totals.spent, totals.ungraded, totals.graded,
               e.kind, e.amount_cents, c.voting_method, c.max_choices,
               b.arrondissement_envelope_id, b.campaign_id
        from touched t
        cross join lateral (
          select count(*) as chosen, sum(p.cost_cents) as spent,
                 bool_or(l.grade is null) as ungraded, bool_or(l.grade is not null) as graded
          from budget_ballot_line l
          join budget_project p on p.id = l.project_id
          where l.ballot_key = t.ballot_key and l.envelope_id = t.envelope_id
        ) totals
        join budget_envelope e on e.id = t.envelope_id
        join budget_campaign c on c.id = e.campaign_id
        join budget_ballot b on b.ballot_key = t.ballot_key
        where totals.chosen > 0
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
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index budget_ballot_line_tally;
    ${sql.raw(LINES_CHECK_BY_KEY)}
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index budget_ballot_line_tally on budget_ballot_line(envelope_id, project_id, grade);
    create or replace function budget_ballot_lines_check() returns trigger language plpgsql as $$
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
  `.execute(db);
}
