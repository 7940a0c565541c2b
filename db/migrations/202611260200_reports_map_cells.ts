import { type Kysely, sql } from 'kysely';

// The public map's clusters, counted ahead: grouping every report per request took seconds at
// 1,000,000 reports. report_map_cell holds, per grid cell of a few zoom levels and per state,
// the count, the sums for the mean position, the extent and one report (for a cell of one).
// Triggers note where reports were added, changed state, moved or were deleted
// (report_map_dirty, append-only, so concurrent submissions never wait for each other); the
// application recomputes those cells before reading (src/modules/reports/map-cells.ts); with no
// grid row yet (existing reports), the first read counts everything.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_map_cell (
      level smallint not null,
      cx integer not null,
      cy integer not null,
      state text not null,
      n integer not null check (n > 0),
      sum_lat double precision not null,
      sum_lon double precision not null,
      min_lat double precision not null,
      max_lat double precision not null,
      min_lon double precision not null,
      max_lon double precision not null,
      -- The smallest id and reference of the cell: the report itself when n = 1.
      one_id uuid not null,
      one_reference text not null,
      primary key (level, cx, cy, state)
    );

    create table report_map_dirty (
      location point not null
    );

    -- The grid the cells were counted on (its latitude scale); another one means a rebuild.
    create table report_map_grid (
      singleton boolean primary key default true check (singleton),
      ref_lat double precision not null,
      built_at timestamptz not null default now()
    );

    create function report_map_mark_inserted() returns trigger language plpgsql as $$
    begin
      insert into report_map_dirty (location) select location from new_rows;
      return null;
    end $$;

    create function report_map_mark_updated() returns trigger language plpgsql as $$
    begin
      insert into report_map_dirty (location)
      select o.location from old_rows o join new_rows n on n.id = o.id
       where o.state is distinct from n.state or o.reference is distinct from n.reference
          or not (o.location ~= n.location)
      union all
      select n.location from old_rows o join new_rows n on n.id = o.id
       where not (o.location ~= n.location);
      return null;
    end $$;

    create function report_map_mark_deleted() returns trigger language plpgsql as $$
    begin
      insert into report_map_dirty (location) select location from old_rows;
      return null;
    end $$;

    create trigger report_map_inserted after insert on report_report
      referencing new table as new_rows for each statement execute function report_map_mark_inserted();
    create trigger report_map_updated after update on report_report
      referencing old table as old_rows new table as new_rows
      for each statement execute function report_map_mark_updated();
    create trigger report_map_deleted after delete on report_report
      referencing old table as old_rows for each statement execute function report_map_mark_deleted();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger report_map_inserted on report_report;
    drop trigger report_map_updated on report_report;
    drop trigger report_map_deleted on report_report;
    drop function report_map_mark_inserted(); drop function report_map_mark_updated();
    drop function report_map_mark_deleted();
    drop table report_map_grid; drop table report_map_dirty; drop table report_map_cell;
  `.execute(db);
}
