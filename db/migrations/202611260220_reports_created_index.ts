import { type Kysely, sql } from 'kysely';

// Newest reports first, whatever their state: Open311's GET /requests (newest 1,000 of a 90-day
// window) walked a per-state index or sorted the window; with a box, the newest reports are
// read in order and the box checked on them (open311.store.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index report_report_created on report_report (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index report_report_created`.execute(db);
}
