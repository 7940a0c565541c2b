import { type Kysely, sql } from 'kysely';

// Deleting a report checks the reports that point to it as their original: without this
// index that check scans the whole table (seen at 1,000,000 reports).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index report_report_duplicate_of on report_report(duplicate_of) where duplicate_of is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index report_report_duplicate_of`.execute(db);
}
