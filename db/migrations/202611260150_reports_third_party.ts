import { type Kysely, sql } from 'kysely';

// The contractor a report was handed to ("Transféré à un tiers"): an id from the city's list
// (or the name an agent typed) and its name as shown to agents. Kept after the work is done;
// cleared when the report is requalified. Never public.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table report_report
      add column third_party_id text check (third_party_id is null or length(third_party_id) <= 200),
      add column third_party_name text check (third_party_name is null or length(third_party_name) <= 200)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table report_report drop column third_party_name, drop column third_party_id`.execute(db);
}
