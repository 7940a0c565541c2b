import { type Kysely, sql } from 'kysely';

// The language a reporter used on the site, so that mail to someone without an account speaks
// it too (an account's own language wins). Null: unknown (older reports, Open311) → French.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table report_report
      add column reporter_locale text check (reporter_locale is null or reporter_locale ~ '^[a-z]{2}$')
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table report_report drop column reporter_locale`.execute(db);
}
