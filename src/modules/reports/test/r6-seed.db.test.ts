import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-database.js';
import { Areas } from '../../../core/areas/areas.js';
import { loadConfig } from '../../../core/config/config.js';
import type { Database } from '../../../core/db/database.js';
import { Permissions } from '../../../core/permissions/permissions.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import type { CoreServices } from '../../../core/services.js';
import { parseReference } from '../domain/reference.js';
import { REPORT_STATES } from '../domain/workflow.js';
import { seedReportsDemo } from '../seed/reports-demo.js';
import { reportStats } from '../stats.js';

let database: Database;
let core: CoreServices;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vo-r6-seed-'));
  database = await createTestDatabase();
  await seedParisDemo(database.db);
  const permissions = new Permissions();
  core = {
    config: loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DEMO: 'false' }),
    database,
    db: database.db,
    permissions,
    areas: new Areas(database.db, permissions),
  } as unknown as CoreServices;
}, 60_000);
afterAll(async () => {
  await database.close();
});

describe('reports demo seed', () => {
  it('creates reports in every state with consistent timelines, then does nothing the second time', async () => {
    const started = Date.now();
    const messages: string[] = [];
    const summary = await seedReportsDemo(core, { count: 200, onProgress: (m) => messages.push(m) });
    console.log(messages.join('\n'));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(summary.skipped).toBe(false);
    expect(summary.reports).toBe(200);
    const db = database.db;

    const states = await db.selectFrom('report_report').select('state').distinct().execute();
    expect(new Set(states.map((s) => s.state))).toEqual(new Set(REPORT_STATES));

    const reports = await db
      .selectFrom('report_report')
      .select([
        'id',
        'reference',
        'state',
        'created_at',
        'closed_at',
        'arrondissement_code',
        'service_id',
        'location',
        'third_party_id',
        'third_party_name',
      ])
      .execute();
    expect(reports).toHaveLength(200);
    // Reports handed to a third party name a contractor from the city's list; no other does.
    const contractors = new Map(core.config.city.reports.contractors.map((c) => [c.id, c.name]));
    expect(contractors.size).toBeGreaterThan(0);
    for (const r of reports) {
      if (r.state !== 'transferred_third_party') expect(r.third_party_id).toBeNull();
      else expect(contractors.get(r.third_party_id ?? '')).toBe(r.third_party_name);
    }
    // unique readable references, consistent with the yearly sequence
    expect(new Set(reports.map((r) => r.reference)).size).toBe(200);
    const sequences = await db.selectFrom('report_sequence').selectAll().execute();
    for (const report of reports) {
      const ref = parseReference(report.reference)!;
      const row = sequences.find((s) => s.year === ref.year)!;
      expect(ref.sequence).toBeLessThanOrEqual(row.last_value);
    }
    expect(sequences.reduce((sum, s) => sum + s.last_value, 0)).toBe(200);
    // every arrondissement code is real; points inside Paris; most reports routed
    const codes = new Set(reports.map((r) => r.arrondissement_code));
    for (const code of codes) expect(Number(code)).toBeGreaterThanOrEqual(1);
    expect(codes.size).toBeGreaterThan(12);
    for (const r of reports) {
      expect(r.location.x).toBeGreaterThan(2.2);
      expect(r.location.x).toBeLessThan(2.5);
      expect(r.location.y).toBeGreaterThan(48.8);
      expect(r.location.y).toBeLessThan(48.91);
    }
    expect(reports.filter((r) => r.service_id).length).toBeGreaterThan(150);
    // closed reports have a closing time after their creation; open ones none
    const now = Date.now();
    for (const r of reports) {
      const open = ['new', 'to_process', 'scheduled', 'transferred_third_party'].includes(r.state);
      if (open) expect(r.closed_at).toBeNull();
      else {
        expect(r.closed_at).not.toBeNull();
        expect(new Date(r.closed_at!).getTime()).toBeGreaterThan(new Date(r.created_at).getTime());
      }
      expect(new Date(r.created_at).getTime()).toBeLessThanOrEqual(now);
      expect(now - new Date(r.created_at).getTime()).toBeLessThan(367 * 86_400_000);
    }

    // timelines: received and routed first, then transitions in order ending in the report's state
    const events = await db
      .selectFrom('report_event')
      .select(['report_id', 'kind', 'at', 'data'])
      .orderBy('at')
      .orderBy('id')
      .execute();
    for (const report of reports) {
      const own = events.filter((e) => e.report_id === report.id);
      expect(own[0]?.kind).toBe('received');
      expect(own[1]?.kind).toBe('routed');
      const changes = own.filter((e) => e.kind === 'status_changed');
      const last = changes.at(-1)?.data as { to?: string } | undefined;
      expect(last?.to ?? 'new').toBe(report.state);
      for (const e of own) expect(new Date(e.at).getTime()).toBeLessThanOrEqual(now);
    }

    // followers, satisfaction answers, photos (files on disk, few of them)
    const followers = await db.selectFrom('report_follower').selectAll().execute();
    expect(followers.length).toBeGreaterThan(0);
    const rated =
      reports.length -
      (await db.selectFrom('report_report').select('id').where('satisfied', 'is', null).execute()).length;
    expect(rated).toBeGreaterThan(0);
    const photos = await db.selectFrom('report_photo').select(['storage_key', 'kind', 'status']).execute();
    expect(photos.length).toBeGreaterThan(40);
    expect(photos.some((p) => p.kind === 'after_fix')).toBe(true);
    const files = readdirSync(path.join(dataDir, 'files', 'reports'));
    expect(files.length).toBeLessThanOrEqual(6);
    for (const p of photos) expect(files).toContain(p.storage_key);
    // some open reports are late against their category's target time
    const stats = await reportStats(db);
    expect(stats.backlog.reduce((sum, row) => sum + row.late, 0)).toBeGreaterThan(0);
    expect(stats.timeToFix.count).toBeGreaterThan(50);

    const again = await seedReportsDemo(core, { count: 200 });
    expect(again.skipped).toBe(true);
    const total = await db
      .selectFrom('report_report')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(total.n)).toBe(200);
  }, 60_000);
});
