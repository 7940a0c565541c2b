import { type Kysely, sql } from 'kysely';

/**
 * The confirmation summary is asked for in the register row the confirmation itself writes
 * (`summary_due`), instead of by a job queued after the commit: a cast is then one commit, and
 * a crash between the commit and the queueing no longer loses the mail. A worker sends the due
 * summaries in batches. The partial index holds only the rows waiting for their mail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table budget_participation add column summary_due boolean not null default false;
    create index budget_participation_summary_due on budget_participation (confirmed_at) where summary_due;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists budget_participation_summary_due;
    alter table budget_participation drop column if exists summary_due;
  `.execute(db);
}
