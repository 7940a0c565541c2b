import { type Kysely, sql } from 'kysely';

/**
 * A ballot line names a project of its envelope and campaign: checked by a statement trigger
 * instead of a foreign key. The foreign key took a share lock on each of the envelope's
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

    -- Each written line names a project of its own envelope and campaign (a statement trigger
    -- of its own beside the lines' check, named to run first).
    create function budget_ballot_lines_project() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from new_lines n
                 where not exists (select 1 from budget_project p
                                   where p.id = n.project_id and p.envelope_id = n.envelope_id
                                     and p.campaign_id = n.campaign_id)) then
        raise exception 'budget.ballot.unknown_project' using errcode = 'foreign_key_violation';
      end if;
      return null;
    end $$;
    create trigger budget_ballot_lines_a_project_insert after insert on budget_ballot_line
      referencing new table as new_lines for each statement execute function budget_ballot_lines_project();
    create trigger budget_ballot_lines_a_project_update after update on budget_ballot_line
      referencing new table as new_lines for each statement execute function budget_ballot_lines_project();

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
    drop trigger if exists budget_ballot_lines_a_project_insert on budget_ballot_line;
    drop trigger if exists budget_ballot_lines_a_project_update on budget_ballot_line;
    drop function if exists budget_ballot_lines_project();
    alter table budget_ballot_line add constraint budget_ballot_line_campaign_id_envelope_id_project_id_fkey
      foreign key (campaign_id, envelope_id, project_id) references budget_project(campaign_id, envelope_id, id)
      on delete restrict;
  `.execute(db);
}
