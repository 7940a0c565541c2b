/**
 * The submission path under concurrency (the benchmark's Open311 POST at 32 clients): the
 * reference counter, the cached routing data and the duplicate check behave the same when many
 * submissions run at once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
import { parseReference } from '../domain/reference.js';
import { type SubmitReportInput, submitReport } from '../reports.service.js';

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
