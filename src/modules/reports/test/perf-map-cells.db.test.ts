/**
 * Clusters counted ahead (map-cells.ts): the same counts, positions and extents as grouping the
 * reports live, kept right when reports are added, change state, move or are deleted, and one
 * refresh at a time.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-database.js';
import type { Actor } from '../../../core/audit/audit.js';
import { loadConfig } from '../../../core/config/config.js';
import { createCore, type OpenedCore } from '../../../core/core.js';
import type { Database } from '../../../core/db/database.js';
import { ImmediateJobQueue } from '../../../core/jobs/jobs.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import type { CoreServices } from '../../../core/services.js';
import { seedReportCategories } from '../categories.service.js';
import { gridCellSize } from '../domain/geo.js';
import { OPEN_STATES, PUBLIC_STATES } from '../domain/workflow.js';
import { refreshMapCells, selectMapCellClusters } from '../map-cells.js';
import { type MapCluster, mapClusters, submitReport } from '../reports.service.js';
import { selectClusters } from '../reports.store.js';

const actor: Actor = { userId: null, label: 'test' };
const PARIS = { minLat: 48.8, minLon: 2.2, maxLat: 48.92, maxLon: 2.47 };
const CATEGORY = '1002';

let database: Database;
let opened: OpenedCore;
let core: CoreServices;
let refLat: number;

/** Live grouping (the reference) at a zoom, in the grid of the city's latitude. */
async function live(zoom: number, states: readonly string[] = PUBLIC_STATES) {
  return selectClusters(core.db, { states, bbox: PARIS }, gridCellSize(zoom, refLat));
}

function normalise(
  rows: { count: number; lat: number; lon: number; min_lat: number; max_lon: number; id: string | null }[],
) {
  return rows
    .map((r) => ({
      count: r.count,
      lat: r.lat.toFixed(9),
      lon: r.lon.toFixed(9),
      minLat: r.min_lat.toFixed(9),
      maxLon: r.max_lon.toFixed(9),
      id: r.id ?? null,
    }))
    .sort((a, b) => b.count - a.count || a.lat.localeCompare(b.lat) || a.lon.localeCompare(b.lon));
}

async function counted(zoom: number, states: readonly string[] = PUBLIC_STATES) {
  await refreshMapCells(core.db, refLat);
  return selectMapCellClusters(core.db, { zoom, refLat, bbox: PARIS, states });
}

const total = (clusters: readonly Pick<MapCluster, 'count'>[]) => clusters.reduce((n, c) => n + c.count, 0);

/** 60 reports over the 5e and 6e, a few on the same spot, various states. */
async function seedReports() {
  const states = ['new', 'to_process', 'done', 'rejected', 'archived', 'scheduled'];
  const values = Array.from({ length: 60 }, (_, i) => {
    const lat = 48.842 + (i % 12) * 0.0011 + (i % 5 === 0 ? 0 : (i % 7) * 0.00003);
    const lon = 2.332 + Math.floor(i / 12) * 0.0023;
    return sql`(${`TEST-${i}`}, ${CATEGORY}, ${states[i % states.length]!}, point(${lon}::float8, ${lat}::float8), 'web')`;
  });
  await sql`insert into report_report (reference, category_id, state, location, channel)
    values ${sql.join(values)}`.execute(core.db);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vo-cells-')),
    DEMO: 'false',
  });
  opened = await createCore(config, { database, jobs: new ImmediateJobQueue(), migrate: false });
  core = opened.core;
  refLat = core.config.city.map.center[0];
  await seedParisDemo(core.db);
  await seedReportCategories(core, actor);
  await seedReports();
}, 120_000);

afterAll(async () => {
  await opened?.close();
  await database?.close();
});

describe('clusters counted ahead', () => {
  it('the first read counts everything; then nothing is left to do', async () => {
    expect(await refreshMapCells(core.db, refLat)).toBe('rebuilt');
    expect(await refreshMapCells(core.db, refLat)).toBe('fresh');
  });

  it('gives the same clusters as grouping the reports live, at every counted zoom and for a state filter', async () => {
    for (const zoom of [9, 12, 13, 14, 15, 16]) {
      const expected = await live(zoom);
      expect(expected.length).toBeGreaterThan(0);
      expect(normalise(await counted(zoom))).toEqual(normalise(expected));
    }
    const open = await counted(14, OPEN_STATES);
    expect(normalise(open)).toEqual(normalise(await live(14, OPEN_STATES)));
    expect(total(open)).toBeLessThan(total(await counted(14)));
    // archived reports are never on the public map
    expect(total(await counted(12))).toBe(50);
  });

  it('a single report keeps its id and reference', async () => {
    const single = (await counted(16)).find((c) => c.count === 1);
    expect(single?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(single?.reference).toMatch(/^TEST-\d+$/);
  });

  it('a new report, a change of state, a move and a deletion show on the next read', async () => {
    const before = total(await counted(12));
    const created = await submitReport(
      core,
      { categoryId: CATEGORY, lat: 48.8462, lon: 2.3464, description: 'x', reporter: {}, channel: 'web' },
      actor,
    );
    // the submission left its place to recount; mapClusters recounts before reading
    const dirty = await sql<{ n: number }>`select count(*)::int as n from report_map_dirty`.execute(core.db);
    expect(dirty.rows[0]!.n).toBe(1);
    const after = await mapClusters(core, { bbox: PARIS, zoom: 12, filters: {} });
    expect(total(after.clusters)).toBe(before + 1);

    await sql`update report_report set state = 'archived' where id = ${created.id}`.execute(core.db);
    expect(total(await counted(12))).toBe(before);
    await sql`update report_report set state = 'new' where reference = 'TEST-4'`.execute(core.db); // was archived
    expect(total(await counted(12))).toBe(before + 1);
    await sql`update report_report set location = point(2.40, 48.86) where reference = 'TEST-0'`.execute(
      core.db,
    );
    await sql`delete from report_report where reference = 'TEST-1'`.execute(core.db);
    for (const zoom of [12, 14, 16])
      expect(normalise(await counted(zoom))).toEqual(normalise(await live(zoom)));
    expect(total(await counted(12))).toBe(before);
  });

  it('reports only added are added to the cells without recounting them, with the same result', async () => {
    await refreshMapCells(core.db, refLat);
    const values = Array.from({ length: 30 }, (_, i) => {
      // some on existing cells, some far away (new cells), various states
      const lat = i % 3 === 0 ? 48.87 + i * 0.0007 : 48.842 + (i % 12) * 0.0011;
      const lon = i % 3 === 0 ? 2.3 + i * 0.0009 : 2.332 + (i % 4) * 0.0023;
      const state = ['new', 'done', 'scheduled'][i % 3]!;
      return sql`(${`ADD-${i}`}, ${CATEGORY}, ${state}, point(${lon}::float8, ${lat}::float8), 'web')`;
    });
    await sql`insert into report_report (reference, category_id, state, location, channel)
      values ${sql.join(values)}`.execute(core.db);
    expect(await refreshMapCells(core.db, refLat)).toBe('updated');
    for (const zoom of [10, 12, 14, 15, 16]) {
      expect(normalise(await counted(zoom))).toEqual(normalise(await live(zoom)));
    }
    // added, then moved on before any read: counted again, still exact
    await sql`insert into report_report (reference, category_id, state, location, channel)
      values ('ADD-X', ${CATEGORY}, 'new', point(2.31, 48.88), 'web')`.execute(core.db);
    await sql`update report_report set state = 'to_process' where reference = 'ADD-X'`.execute(core.db);
    for (const zoom of [12, 16]) expect(normalise(await counted(zoom))).toEqual(normalise(await live(zoom)));
  });

  it('serves clusters already read again until the cells change', async () => {
    const first = await counted(13);
    expect(await counted(13)).toBe(first); // the same answer, not read again
    await sql`insert into report_report (reference, category_id, state, location, channel)
      values ('KEEP-1', ${CATEGORY}, 'new', point(2.35, 48.85), 'web')`.execute(core.db);
    const after = await counted(13);
    expect(after).not.toBe(first);
    expect(total(after)).toBe(total(first) + 1);
    // another process changed the cells (generation moved on): not served from what was kept
    await sql`update report_map_grid set generation = generation + 1`.execute(core.db);
    expect(await counted(13)).not.toBe(after);
  });

  it('two refreshes at once do the work once and agree', async () => {
    await sql`update report_report set state = 'done' where reference like 'TEST-1%'`.execute(core.db);
    const outcomes = await Promise.all([refreshMapCells(core.db, refLat), refreshMapCells(core.db, refLat)]);
    expect(outcomes).toEqual(['updated', 'updated']); // the second caller shares the first refresh
    expect(normalise(await counted(14))).toEqual(normalise(await live(14)));
  });

  it('another grid latitude counts everything again', async () => {
    expect(await refreshMapCells(core.db, 45)).toBe('rebuilt');
    expect(await refreshMapCells(core.db, refLat)).toBe('rebuilt');
    expect(normalise(await counted(16))).toEqual(normalise(await live(16)));
  });

  it('the clusters API keeps its shape: zoomed out counts, zoomed in (live) single reports', async () => {
    const far = await mapClusters(core, { bbox: PARIS, zoom: 10, filters: {} });
    const near = await mapClusters(core, { bbox: PARIS, zoom: 20, filters: {} });
    expect(total(far.clusters)).toBe(total(near.clusters));
    expect(near.clusters.every((c) => c.count === 1 || c.id === undefined)).toBe(true);
    const filtered = await mapClusters(core, { bbox: PARIS, zoom: 12, filters: { categoryId: CATEGORY } });
    expect(total(filtered.clusters)).toBe(total(far.clusters));
  });
});
