/**
 * The submission path under concurrency (the benchmark's Open311 POST at 32 clients): the
 * reference counter, the cached routing data and the duplicate check behave the same when many
 * submissions run at once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-database.js';
import type { Actor } from '../../../core/audit/audit.js';
import { loadConfig } from '../../../core/config/config.js';
import { createCore, type OpenedCore } from '../../../core/core.js';
import type { Database } from '../../../core/db/database.js';
import { ImmediateJobQueue } from '../../../core/jobs/jobs.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import type { CoreServices } from '../../../core/services.js';
import { seedReportCategories } from '../categories.service.js';
import { parseReference } from '../domain/reference.js';
import { CLOSED_STATES, OPEN_STATES } from '../domain/workflow.js';
import { findNearbyOpenReports, type SubmitReportInput, submitReport } from '../reports.service.js';

const actor: Actor = { userId: null, label: 'test' };
const DEPOT_MEUBLES = '1002';

let database: Database;
let opened: OpenedCore;
let core: CoreServices;

function input(i: number, overrides: Partial<SubmitReportInput> = {}): SubmitReportInput {
  return {
    categoryId: DEPOT_MEUBLES,
    // spread over the 5e, a few metres apart
    lat: 48.8462 + i * 0.0001,
    lon: 2.3464,
    description: `Signalement ${i}`,
    reporter: {},
    channel: 'open311',
    ...overrides,
  };
}

async function lastValue(year: number): Promise<number> {
  const row = await core.db
    .selectFrom('report_sequence')
    .select('last_value')
    .where('year', '=', year)
    .executeTakeFirst();
  return row?.last_value ?? 0;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vo-perf-')),
    DEMO: 'false',
  });
  opened = await createCore(config, { database, jobs: new ImmediateJobQueue(), migrate: false });
  core = opened.core;
  await seedParisDemo(core.db);
  await seedReportCategories(core, actor);
}, 120_000);

afterAll(async () => {
  await opened?.close();
  await database?.close();
});

describe('references under concurrency', () => {
  it('twenty submissions at once get twenty distinct, consecutive references of the counter', async () => {
    const year = new Date().getFullYear();
    const before = await lastValue(year);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submitReport(core, input(i), actor)),
    );
    const numbers = results.map((r) => parseReference(r.reference)!.sequence).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(20);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
    expect(await lastValue(year)).toBe(before + 20);
    for (const r of results) expect(parseReference(r.reference)!.year).toBe(year);
  });

  it('a double submission at once makes one report; the loser’s number is skipped, never reused', async () => {
    const year = new Date().getFullYear();
    const key = `double-${Date.now()}`;
    const before = await lastValue(year);
    const [a, b] = await Promise.all([
      submitReport(core, input(30, { idempotencyKey: key }), actor),
      submitReport(core, input(30, { idempotencyKey: key }), actor),
    ]);
    expect(a.reference).toBe(b.reference);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    const next = await submitReport(core, input(31), actor);
    const used = parseReference(next.reference)!.sequence;
    expect(used).toBeGreaterThan(parseReference(a.reference)!.sequence);
    expect(used).toBeLessThanOrEqual(before + 3);
    const count = await core.db
      .selectFrom('report_report')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });
});

describe('the year of a reference', () => {
  it('is the year in Paris, and changes at midnight in Paris on New Year’s Eve', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-12-31T22:59:30Z')); // 23:59:30 in Paris
      const before = await submitReport(core, input(40), actor);
      vi.setSystemTime(new Date('2026-12-31T22:59:50Z'));
      const again = await submitReport(core, input(41), actor);
      vi.setSystemTime(new Date('2026-12-31T23:00:20Z')); // 00:00:20 in Paris
      const after = await submitReport(core, input(42), actor);
      expect(parseReference(before.reference)!.year).toBe(2026);
      expect(parseReference(again.reference)!.year).toBe(2026);
      expect(parseReference(after.reference)!.year).toBe(2027);
      expect(parseReference(after.reference)!.sequence).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the 50 m duplicate check', () => {
  it('has a GiST index of exactly the open states, and its query can use it', async () => {
    const { rows } = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where indexname = 'report_report_open_location'`.execute(core.db);
    const definition = rows[0]?.indexdef ?? '';
    for (const state of OPEN_STATES) expect(definition).toContain(`'${state}'`);
    for (const state of CLOSED_STATES) expect(definition).not.toContain(`'${state}'`);
    // With sequential scans off, the planner must still find a plan: only possible if the
    // query's states are seen to imply the index's predicate.
    const plan = await core.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      await sql`set local enable_bitmapscan = off`.execute(tx);
      const explained = await sql<Record<string, string>>`explain
        with near as materialized (
          select r.id from report_report r
          where r.location <@ box(point(2.34, 48.84), point(2.35, 48.85))
            and r.state in ('new', 'to_process', 'scheduled', 'transferred_third_party'))
        select * from near`.execute(tx);
      return explained.rows.map((row) => Object.values(row)[0]).join('\n');
    });
    expect(plan).toContain('report_report_open_location');
  });

  it('finds an open report of the same category a few metres away, not a closed one nor another category', async () => {
    const here = { lat: 48.8391, lon: 2.3552 }; // 5e, away from the other tests
    const open = await submitReport(core, input(0, { ...here, description: 'ouvert' }), actor);
    const closed = await submitReport(core, input(0, { ...here, lat: here.lat + 0.0001 }), actor);
    await core.db.updateTable('report_report').set({ state: 'done' }).where('id', '=', closed.id).execute();
    await submitReport(core, input(0, { ...here, categoryId: '3405' }), actor);
    const found = await findNearbyOpenReports(core, {
      categoryId: DEPOT_MEUBLES,
      lat: here.lat + 0.0002,
      lon: here.lon,
    });
    expect(found.map((r) => r.reference)).toEqual([open.reference]);
    expect(found[0]!.distanceMetres).toBe(22);
  });
});
