import { type Kysely, sql } from 'kysely';

// A number that grows with every change of the map's cells: a process may keep clusters it has
// read and serve them again while the number is the same (src/modules/reports/map-cells.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table report_map_grid add column generation bigint not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table report_map_grid drop column generation`.execute(db);
}
