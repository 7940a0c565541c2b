/**
 * Clusters of the public map counted ahead (migration 202611260200_reports_map_cells).
 *
 * Grouping the reports of a whole city per request took seconds at 1,000,000 reports. Instead,
 * report_map_cell keeps, for the grid of zoom levels 16, 14 and 12 and for each state, the count,
 * the sums for the mean position, the extent and one report of the cell. A map at zoom z ≤ 16
 * reads the level just finer than or equal to z and merges 4^k cells into one (the grids nest:
 * a level-L cell is 2 × 2 cells of level L + 1, `cx >> k`). Beyond zoom 16 a screen holds few
 * reports and the caller groups them live.
 *
 * Freshness: triggers on report_report append a delta to report_map_dirty for every added (+1),
 * moved or re-stated (−1 old, +1 new) or deleted (−1) report. Before a read, `refreshMapCells`
 * takes them in one transaction, under an advisory lock so two refreshes never overwrite each
 * other: the +1s are added to the cells' counts, sums and extents without reading any report;
 * a cell that lost a report is counted again (its extent or single report may have gone). A
 * process that finds the lock taken reads the cells as they are (a refresh is running
 * elsewhere). Many dirty rows, no grid yet, or a grid of another latitude: everything is counted
 * again from scratch.
 *
 * The grid's latitude scale is fixed by the city's map centre (not by each request's box), so
 * the cells are the same for every request.
 */
import { sql } from 'kysely';
import type { Db } from '../../core/db/database.js';
import { gridCellSize } from './domain/geo.js';

declare module '../../core/db/schema.js' {
  interface Tables {
    report_map_cell: {
      level: number;
      cx: number;
      cy: number;
      state: string;
      n: number;
      sum_lat: number;
      sum_lon: number;
      min_lat: number;
      max_lat: number;
      min_lon: number;
      max_lon: number;
      one_id: string;
      one_reference: string;
    };
    report_map_dirty: {
      location: string;
      state: string;
      delta: number;
      report_id: string;
      reference: string;
    };
    report_map_grid: { singleton: boolean; ref_lat: number; built_at: Date; generation: number };
  }
}

/** Stored levels, finest first; each is 2 × 2 cells of the next finer one. */
export const MAP_LEVELS = [16, 14, 12] as const;
/** Zoom levels above this are grouped live (few reports on a screen). */
export const MAX_COUNTED_ZOOM = MAP_LEVELS[0];
/** Past this many dirty places, counting everything again is cheaper than cell by cell. */
export const FULL_REBUILD_OVER = 20_000;
const LOCK_KEY = 7_311_002; // pg advisory lock: one refresh at a time, across processes

export interface MapCellQuery {
  zoom: number;
  refLat: number;
  bbox: { minLat: number; minLon: number; maxLat: number; maxLon: number };
  states: readonly string[];
}

export interface MapCellCluster {
  count: number;
  lat: number;
  lon: number;
  min_lat: number;
  max_lat: number;
  min_lon: number;
  max_lon: number;
  id: string | null;
  reference: string | null;
}

const f8 = (n: number) => sql`${n}::float8`;

/** Columns of one aggregated row from report_map_cell rows `m` (sums of sums). */
const rollupColumns = sql`
  sum(m.n)::int as n, sum(m.sum_lat) as sum_lat, sum(m.sum_lon) as sum_lon,
  min(m.min_lat) as min_lat, max(m.max_lat) as max_lat, min(m.min_lon) as min_lon, max(m.max_lon) as max_lon,
  min(m.one_id::text)::uuid as one_id, min(m.one_reference) as one_reference`;

const reportColumns = sql`
  count(*)::int as n, sum(r.location[1]) as sum_lat, sum(r.location[0]) as sum_lon,
  min(r.location[1]) as min_lat, max(r.location[1]) as max_lat,
  min(r.location[0]) as min_lon, max(r.location[0]) as max_lon,
  min(r.id::text)::uuid as one_id, min(r.reference) as one_reference`;

const cellColumns = sql`level, cx, cy, state, n, sum_lat, sum_lon, min_lat, max_lat, min_lon, max_lon, one_id, one_reference`;

const upsertSet = sql`
  n = excluded.n, sum_lat = excluded.sum_lat, sum_lon = excluded.sum_lon,
  min_lat = excluded.min_lat, max_lat = excluded.max_lat, min_lon = excluded.min_lon, max_lon = excluded.max_lon,
  one_id = excluded.one_id, one_reference = excluded.one_reference`;

/** Everything again: level 16 from the reports, then each coarser level from the finer one. */
async function rebuild(tx: Db, refLat: number): Promise<void> {
  const base = gridCellSize(MAP_LEVELS[0], refLat);
  // Truncated, not deleted: after a recount of a million reports, a million dead rows would
  // make every "anything new?" read scan them until a vacuum. The lock it takes also holds new
  // reports back until the recount commits, so none is both counted and left as a delta.
  await sql`truncate report_map_dirty`.execute(tx);
  await sql`delete from report_map_cell`.execute(tx);
  await sql`
    insert into report_map_cell (${cellColumns})
    select ${MAP_LEVELS[0]}, floor(r.location[0] / ${f8(base.lon)})::int as cx,
           floor(r.location[1] / ${f8(base.lat)})::int as cy, r.state, ${reportColumns}
    from report_report r group by 2, 3, 4`.execute(tx);
  for (let i = 1; i < MAP_LEVELS.length; i++) {
    const shift = MAP_LEVELS[i - 1]! - MAP_LEVELS[i]!;
    await sql`
      insert into report_map_cell (${cellColumns})
      select ${MAP_LEVELS[i]}, m.cx >> ${shift}, m.cy >> ${shift}, m.state, ${rollupColumns}
      from report_map_cell m where m.level = ${MAP_LEVELS[i - 1]} group by 2, 3, 4`.execute(tx);
  }
  await sql`
    insert into report_map_grid (singleton, ref_lat, built_at) values (true, ${f8(refLat)}, now())
    on conflict (singleton) do update set ref_lat = excluded.ref_lat, built_at = excluded.built_at`.execute(
    tx,
  );
}

/** The cells changed: their generation grows (kept clusters of an older one are not served). */
async function bumpGeneration(tx: Db): Promise<number | null> {
  const { rows } = await sql<{ generation: number }>`
    update report_map_grid set generation = generation + 1 returning generation`.execute(tx);
  return rows[0] ? Number(rows[0].generation) : null;
}

type Cells = { cx: number[]; cy: number[] };

/**
 * Takes the dirty rows and adds them to the cells of every level in one statement: a cell that
 * only gained reports gets the +1s added to its count, sums and extent (no report read again);
 * a cell that lost one (a −1: a change of state or place, a deletion) is left to `recount`,
 * since its extent or its single report may have gone. Returns those cells, per level.
 */
async function applyDeltas(tx: Db, refLat: number): Promise<Map<number, Cells>> {
  const base = gridCellSize(MAP_LEVELS[0], refLat);
  const levels = sql.join(
    MAP_LEVELS.map(
      (level) => sql`
        select ${level}::int as level, cx >> ${MAP_LEVELS[0] - level} as cx, cy >> ${MAP_LEVELS[0] - level} as cy,
               state, delta, lat, lon, report_id, reference
        from d`,
    ),
    sql` union all `,
  );
  const { rows } = await sql<{ level: number; cx: number[]; cy: number[] }>`
    with claimed as (delete from report_map_dirty returning location, state, delta, report_id, reference),
    d as (
      select floor(location[0] / ${f8(base.lon)})::int as cx, floor(location[1] / ${f8(base.lat)})::int as cy,
             location[1] as lat, location[0] as lon, state, delta, report_id, reference
      from claimed),
    levels as (${levels}),
    cells as (select level, cx, cy, bool_or(delta < 0) as shrunk from levels group by level, cx, cy),
    gained as (
      select l.level, l.cx, l.cy, l.state, sum(l.delta)::int as n, sum(l.lat) as sum_lat, sum(l.lon) as sum_lon,
             min(l.lat) as min_lat, max(l.lat) as max_lat, min(l.lon) as min_lon, max(l.lon) as max_lon,
             min(l.report_id::text)::uuid as one_id, min(l.reference) as one_reference
      from levels l join cells c on c.level = l.level and c.cx = l.cx and c.cy = l.cy
      where not c.shrunk
      group by l.level, l.cx, l.cy, l.state),
    added as (
      insert into report_map_cell (${cellColumns})
      select level, cx, cy, state, n, sum_lat, sum_lon, min_lat, max_lat, min_lon, max_lon, one_id, one_reference
      from gained
      on conflict (level, cx, cy, state) do update set
        n = report_map_cell.n + excluded.n,
        sum_lat = report_map_cell.sum_lat + excluded.sum_lat,
        sum_lon = report_map_cell.sum_lon + excluded.sum_lon,
        min_lat = least(report_map_cell.min_lat, excluded.min_lat),
        max_lat = greatest(report_map_cell.max_lat, excluded.max_lat),
        min_lon = least(report_map_cell.min_lon, excluded.min_lon),
        max_lon = greatest(report_map_cell.max_lon, excluded.max_lon),
        -- meaningful only for a cell of one report, which a cell that gained always was before
        -- (n = 0: a new row) or is no longer (n ≥ 2)
        one_id = excluded.one_id, one_reference = excluded.one_reference
      returning 1)
    select level, array_agg(cx) as cx, array_agg(cy) as cy
    from cells where shrunk and (select count(*) from added) >= 0
    group by level`.execute(tx);
  return new Map(rows.map((row) => [Number(row.level), { cx: row.cx, cy: row.cy }]));
}

/**
 * Counts these cells of a level again, exactly: level 16 from the reports (spatial index, one
 * cell at a time), a coarser level from the rows of the finer one.
 */
async function recount(tx: Db, refLat: number, index: number, cells: Cells): Promise<void> {
  if (cells.cx.length === 0) return;
  const level = MAP_LEVELS[index]!;
  let fresh: ReturnType<typeof sql>;
  if (index === 0) {
    const cell = gridCellSize(level, refLat);
    fresh = sql`
      select c.cx, c.cy, x.*
      from cells c cross join lateral (
        select r.state, ${reportColumns}
        from report_report r
        where r.location <@ box(point(c.cx * ${f8(cell.lon)}, c.cy * ${f8(cell.lat)}),
                                point((c.cx + 1) * ${f8(cell.lon)}, (c.cy + 1) * ${f8(cell.lat)}))
          and floor(r.location[0] / ${f8(cell.lon)})::int = c.cx
          and floor(r.location[1] / ${f8(cell.lat)})::int = c.cy
        group by r.state) x`;
  } else {
    const finer = MAP_LEVELS[index - 1]!;
    const size = 2 ** (finer - level);
    fresh = sql`
      select c.cx, c.cy, m.state, ${rollupColumns}
      from cells c join report_map_cell m
        on m.level = ${finer}
       and m.cx between c.cx * ${size} and c.cx * ${size} + ${size - 1}
       and m.cy between c.cy * ${size} and c.cy * ${size} + ${size - 1}
      group by c.cx, c.cy, m.state`;
  }
  await sql`
    with cells as (select distinct x as cx, y as cy from unnest(${cells.cx}::int[], ${cells.cy}::int[]) as c(x, y)),
    fresh as (${fresh}),
    upserted as (
      insert into report_map_cell (${cellColumns})
      select ${level}, cx, cy, state, n, sum_lat, sum_lon, min_lat, max_lat, min_lon, max_lon, one_id, one_reference
      from fresh
      on conflict (level, cx, cy, state) do update set ${upsertSet}
      returning 1),
    removed as (
      delete from report_map_cell m using cells c
      where m.level = ${level} and m.cx = c.cx and m.cy = c.cy
        and not exists (select 1 from fresh f where f.cx = m.cx and f.cy = m.cy and f.state = m.state)
      returning 1)
    select (select count(*) from upserted) + (select count(*) from removed) as touched`.execute(tx);
}

export type RefreshOutcome = 'fresh' | 'updated' | 'rebuilt' | 'busy';

/** The cells' generation as this process last saw it (null: unknown, e.g. a refresh elsewhere). */
const generations = new WeakMap<Db, number | null>();

const asGeneration = (value: number | string | null | undefined) =>
  value === null || value === undefined ? null : Number(value);

async function refreshOnce(
  db: Db,
  refLat: number,
): Promise<{ outcome: RefreshOutcome; generation: number | null }> {
  // Nothing to do is the common case: one cheap read, no transaction.
  const { rows: state } = await sql<{ ref_lat: number | null; generation: number | null; dirty: boolean }>`
    select (select ref_lat from report_map_grid) as ref_lat,
           (select generation from report_map_grid) as generation,
           exists (select 1 from report_map_dirty) as dirty`.execute(db);
  const grid = state[0];
  if (grid && grid.ref_lat === refLat && !grid.dirty) {
    return { outcome: 'fresh', generation: asGeneration(grid.generation) };
  }
  return db.transaction().execute(async (tx) => {
    // Derived data: a crash loses the recount and its claim on the dirty rows together.
    await sql`set local synchronous_commit = off`.execute(tx);
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_xact_lock(${LOCK_KEY}) as locked`.execute(tx);
    // Another process is changing the cells: nothing read now may be kept.
    if (!rows[0]?.locked) return { outcome: 'busy' as const, generation: null };
    const { rows: now } = await sql<{ ref_lat: number | null; generation: number | null; dirty: number }>`
      select (select ref_lat from report_map_grid) as ref_lat,
             (select generation from report_map_grid) as generation,
             (select count(*) from (select 1 from report_map_dirty limit ${FULL_REBUILD_OVER + 1}) d)::int as dirty`.execute(
      tx,
    );
    const current = now[0]!;
    if (current.ref_lat !== refLat || current.dirty > FULL_REBUILD_OVER) {
      await rebuild(tx, refLat);
      return { outcome: 'rebuilt' as const, generation: await bumpGeneration(tx) };
    }
    if (current.dirty === 0)
      return { outcome: 'fresh' as const, generation: asGeneration(current.generation) };
    const shrunk = await applyDeltas(tx, refLat);
    // Finest first: a coarser cell is counted from the finer ones.
    for (const [index, level] of MAP_LEVELS.entries()) {
      const cells = shrunk.get(level);
      if (cells) await recount(tx, refLat, index, cells);
    }
    return { outcome: 'updated' as const, generation: await bumpGeneration(tx) };
  });
}

// One refresh at a time per database in this process; readers meanwhile wait for it.
const running = new WeakMap<Db, Promise<RefreshOutcome>>();

/** Brings report_map_cell up to date with the reports (see the file's comment). */
export function refreshMapCells(db: Db, refLat: number): Promise<RefreshOutcome> {
  const pending = running.get(db);
  if (pending) return pending;
  const started = refreshOnce(db, refLat)
    .then(({ outcome, generation }) => {
      generations.set(db, generation);
      return outcome;
    })
    .finally(() => running.delete(db));
  running.set(db, started);
  return started;
}

/** The stored level a map at `zoom` reads: the coarsest one at least as fine (null past 16). */
export function levelForZoom(zoom: number): number | null {
  if (zoom > MAX_COUNTED_ZOOM) return null;
  return [...MAP_LEVELS].reverse().find((level) => level >= zoom) ?? null;
}

/**
 * Clusters of the cells in the box at `zoom` (≤ 16), for the given states; a cell partly in the
 * box counts whole. Call refreshMapCells first.
 */
export async function selectMapCellClusters(db: Db, q: MapCellQuery): Promise<MapCellCluster[]> {
  const level = levelForZoom(q.zoom);
  if (level === null) throw new Error(`zoom ${q.zoom} is grouped live`);
  if (q.states.length === 0) return [];
  const shift = level - q.zoom;
  const cell = gridCellSize(level, q.refLat);
  const x0 = Math.floor(q.bbox.minLon / cell.lon);
  const x1 = Math.floor(q.bbox.maxLon / cell.lon);
  const y0 = Math.floor(q.bbox.minLat / cell.lat);
  const y1 = Math.floor(q.bbox.maxLat / cell.lat);
  // Read before the cells: what is read next is at least this fresh.
  const generation = generations.get(db) ?? null;
  const key = `${q.refLat}|${level}|${shift}|${x0}|${x1}|${y0}|${y1}|${[...q.states].sort().join(',')}`;
  const kept = generation === null ? undefined : keptClusters(db).get(key);
  if (kept && kept.generation === generation) return kept.clusters;
  const { rows } = await sql<{
    n: number;
    sum_lat: number;
    sum_lon: number;
    min_lat: number;
    max_lat: number;
    min_lon: number;
    max_lon: number;
    one_id: string;
    one_reference: string;
  }>`
    select ${rollupColumns}
    from report_map_cell m
    where m.level = ${level} and m.state = any(${[...q.states]}::text[])
      and m.cx between ${x0} and ${x1} and m.cy between ${y0} and ${y1}
    group by m.cx >> ${shift}, m.cy >> ${shift}
    order by 1 desc, 8`.execute(db);
  const clusters = rows.map((row) => {
    const n = Number(row.n);
    return {
      count: n,
      lat: Number(row.sum_lat) / n,
      lon: Number(row.sum_lon) / n,
      min_lat: Number(row.min_lat),
      max_lat: Number(row.max_lat),
      min_lon: Number(row.min_lon),
      max_lon: Number(row.max_lon),
      id: n === 1 ? row.one_id : null,
      reference: n === 1 ? row.one_reference : null,
    };
  });
  if (generation !== null) keepClusters(db, key, generation, clusters);
  return clusters;
}

/**
 * Clusters already read, served again while the cells' generation has not changed (the same
 * whole-city map is asked for again and again). At most KEPT_CLUSTERS clusters in all, the
 * oldest answers dropped first.
 */
const KEPT_CLUSTERS = 20_000;
const kept = new WeakMap<Db, Map<string, { generation: number; clusters: MapCellCluster[] }>>();

function keptClusters(db: Db) {
  let map = kept.get(db);
  if (!map) {
    map = new Map();
    kept.set(db, map);
  }
  return map;
}

function keepClusters(db: Db, key: string, generation: number, clusters: MapCellCluster[]) {
  if (clusters.length > KEPT_CLUSTERS / 4) return;
  const map = keptClusters(db);
  map.delete(key);
  map.set(key, { generation, clusters });
  let total = 0;
  for (const entry of map.values()) total += entry.clusters.length;
  for (const [oldest, entry] of map) {
    if (total <= KEPT_CLUSTERS) break;
    map.delete(oldest);
    total -= entry.clusters.length;
  }
}

/**
 * How many reports (every state and date) the counted cells put in the box (whole level-14
 * cells, so a little more than the box), and in all: an estimate for choosing how to search
 * the box, read as the cells are. Null before the first count.
 */
export async function reportsInBox(
  db: Db,
  bbox: MapCellQuery['bbox'],
  refLat: number,
): Promise<{ inBox: number; total: number } | null> {
  const level = 14;
  const cell = gridCellSize(level, refLat);
  const { rows } = await sql<{ built: boolean; in_box: number | null; total: number | null }>`
    select exists (select 1 from report_map_grid) as built,
      (select sum(n) from report_map_cell
        where level = ${level}
          and cx between ${Math.floor(bbox.minLon / cell.lon)} and ${Math.floor(bbox.maxLon / cell.lon)}
          and cy between ${Math.floor(bbox.minLat / cell.lat)} and ${Math.floor(bbox.maxLat / cell.lat)})::float8 as in_box,
      (select sum(n) from report_map_cell where level = ${MAP_LEVELS.at(-1)!})::float8 as total`.execute(db);
  const row = rows[0];
  if (!row?.built) return null;
  return { inBox: Number(row.in_box ?? 0), total: Number(row.total ?? 0) };
}
