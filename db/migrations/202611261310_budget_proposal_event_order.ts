import { type Kysely, sql } from 'kysely';

/**
 * A proposal's events written in one transaction (submitted, then routed) share their
 * created_at, and their random ids put them in any order: a timeline could show "routed"
 * before "submitted". A number given at insertion orders them as they were written.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table budget_proposal_event add column seq bigint generated always as identity;
    drop index budget_proposal_event_proposal;
    create index budget_proposal_event_proposal on budget_proposal_event(proposal_id, created_at, seq);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index budget_proposal_event_proposal;
    alter table budget_proposal_event drop column seq;
    create index budget_proposal_event_proposal on budget_proposal_event(proposal_id, created_at);
  `.execute(db);
}
