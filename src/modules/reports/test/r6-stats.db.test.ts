import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-database.js';
import type { Database } from '../../../core/db/database.js';
import { PUBLIC_STATES } from '../domain/workflow.js';
import { categoryPaths, exportSourcePages, reportStats } from '../stats.js';
import { NOW, type Planted, plantReports, TRICKY_LABEL } from './r6-fixtures.js';

let database: Database;
let planted: Planted;

beforeAll(async () => {
  database = await createTestDatabase();
  planted = await plantReports(database.db);
});
afterAll(async () => {
  await database.close();
});

describe('report statistics', () => {
  it('counts public reports only (archived left out)', async () => {
    const stats = await reportStats(database.db);
    expect(stats.total).toBe(9);
    expect(stats.byState.find((s) => s.key === 'done')?.count).toBe(5);
    expect(stats.byState.some((s) => s.key === 'archived')).toBe(false);
    expect(stats.byState.map((s) => s.key)).toEqual([...PUBLIC_STATES]);
  });

  it('counts by top-level and leaf category, arrondissement and service', async () => {
    const stats = await reportStats(database.db);
    expect(stats.byTopCategory).toEqual([
      { key: '3000', label: 'Propreté', count: 5 },
      { key: '4000', label: 'Voirie', count: 4 },
    ]);
    expect(stats.byCategory).toEqual([
      { key: '3001', label: `Propreté › ${TRICKY_LABEL}`, count: 5 },
      { key: '4001', label: 'Voirie › Nid de poule', count: 2 },
      { key: '4002', label: 'Voirie › Nid de poule › Gros nid', count: 2 },
    ]);
    expect(stats.byArrondissement.map((a) => [a.key, a.count])).toEqual([
      ['1', 2],
      ['2', 3],
      ['3', 1],
      ['10', 3],
    ]);
    expect(stats.byService).toEqual([
      { key: planted.serviceA, label: 'Service A', count: 5 },
      { key: planted.serviceB, label: 'Service B', count: 3 },
      { key: '', label: '', count: 1 },
    ]);
  });

  it('gives the exact median and 90th percentile of the time to fix', async () => {
    const { timeToFix } = await reportStats(database.db);
    expect(timeToFix.count).toBe(5);
    expect(timeToFix.medianDays).toBeCloseTo(3, 6);
    expect(timeToFix.p90Days).toBeCloseTo(7.6, 6);
  });

  it('gives the backlog per service, late against the (inherited) target time', async () => {
    const { backlog } = await reportStats(database.db);
    expect(backlog).toEqual([
      { serviceId: planted.serviceA, serviceName: 'Service A', open: 2, late: 1 },
      { serviceId: planted.serviceB, serviceName: 'Service B', open: 1, late: 0 },
    ]);
  });

  it('gives the satisfaction rate among rated reports', async () => {
    const { satisfaction } = await reportStats(database.db);
    expect(satisfaction).toEqual({ rated: 3, satisfied: 2, rate: 2 / 3 });
  });

  it('filters by date of the report', async () => {
    const DAY = 86_400_000;
    const stats = await reportStats(database.db, {
      from: new Date(NOW.getTime() - 85 * DAY),
      to: new Date(NOW.getTime() - 65 * DAY),
    });
    expect(stats.total).toBe(2);
    expect(stats.timeToFix.medianDays).toBeCloseTo(3.5, 6);
    const empty = await reportStats(database.db, { from: new Date(NOW.getTime() + DAY) });
    expect(empty.total).toBe(0);
    expect(empty.timeToFix).toEqual({ count: 0, medianDays: null, p90Days: null });
    expect(empty.satisfaction.rate).toBeNull();
  });
});

describe('export source pages', () => {
  it('walks the table in keyset pages without losing or repeating a row, archived left out', async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of exportSourcePages(database.db, 4)) {
      pages++;
      expect(page.length).toBeLessThanOrEqual(4);
      seen.push(...page.map((r) => r.reference));
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    expect(seen).toEqual([...seen].sort());
    expect(seen).not.toContain('DMR-2026-000010');
  });

  it('knows every category path', async () => {
    const paths = await categoryPaths(database.db);
    expect(paths.get('4002')).toEqual(['Voirie', 'Nid de poule', 'Gros nid']);
  });
});
