import { type Kysely, sql } from 'kysely';

// The 50 m duplicate check looks only at open reports: a GiST index of their places alone is a
// fifth of the full one and finds the few dozen open reports of a street block without
// visiting the closed ones (reports.store.ts selectInBox). The states are OPEN_STATES.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index report_report_open_location on report_report using gist (location)
      where state in ('new', 'to_process', 'scheduled', 'transferred_third_party')
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index report_report_open_location`.execute(db);
}
