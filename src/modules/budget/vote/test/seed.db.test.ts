/**
 * The demo seed: ballots for "2026" (majority judgment, vote open) and "2025" (approval, past),
 * whose results are computed and published; a second run changes nothing; nothing happens
 * while the campaigns do not exist.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../../test/helpers/test-database.js';
import { loadConfig } from '../../../../core/config/config.js';
import { createCore, type OpenedCore } from '../../../../core/core.js';
import type { Database } from '../../../../core/db/database.js';
import { ImmediateJobQueue } from '../../../../core/jobs/jobs.js';
import type { CoreServices } from '../../../../core/services.js';
import { seedVoteDemo } from '../seed.js';
import { createCampaign } from './fixtures.js';

let database: Database;
let opened: OpenedCore;
let core: CoreServices;

beforeAll(async () => {
  database = await createTestDatabase();
  opened = await createCore(
    loadConfig({ NODE_ENV: 'test', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vo-seed-')), DEMO: 'false' }),
    { database, jobs: new ImmediateJobQueue(), migrate: false },
  );
  core = opened.core;
});

afterAll(async () => {
  await opened?.close();
  await database?.close();
});

async function count(table: 'budget_ballot' | 'budget_ballot_line' | 'budget_voter', campaignId: string) {
  const row = await core.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('vote demo seed', () => {
  it('waits for the campaigns, then seeds ballots, publishes 2025 and stays put on a second run', async () => {
    const messages: string[] = [];
    await seedVoteDemo(core, (m) => messages.push(m));
    expect(messages.join('\n')).toContain('no campaign "2026" yet');

    const current = await createCampaign(core.db, {
      slug: '2026',
      method: 'majority_judgment',
      maxChoices: null,
    });
    const past = await createCampaign(core.db, {
      slug: '2025',
      method: 'approval',
      maxChoices: 3,
      phase: 'closed',
    });
    await seedVoteDemo(core, (m) => messages.push(m), { voters: { '2026': 300, '2025': 400 } });

    const ballots2026 = await count('budget_ballot', current.id);
    expect(ballots2026).toBeGreaterThan(250);
    const states = await core.db
      .selectFrom('budget_ballot')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('campaign_id', '=', current.id)
      .groupBy('state')
      .execute();
    expect(states.map((s) => s.state).sort()).toEqual(['confirmed', 'draft']);
    const grades = await core.db
      .selectFrom('budget_ballot_line')
      .select('grade')
      .distinct()
      .where('campaign_id', '=', current.id)
      .execute();
    expect(grades.map((g) => g.grade).sort()).toEqual([0, 1, 2, 3]);
    // Nobody votes in two arrondissements: the database would have refused it anyway.
    expect(await count('budget_voter', current.id)).toBe(ballots2026);

    const results = await core.db
      .selectFrom('budget_result')
      .selectAll()
      .where('campaign_id', '=', past.id)
      .execute();
    expect(results).toHaveLength(4);
    expect(results.every((r) => r.published_at !== null)).toBe(true);
    const winners = await core.db
      .selectFrom('budget_project')
      .select('number')
      .where('campaign_id', '=', past.id)
      .where('selected', '=', true)
      .execute();
    expect(winners.length).toBeGreaterThan(0);
    expect(
      await core.db
        .selectFrom('budget_result')
        .select('envelope_id')
        .where('campaign_id', '=', current.id)
        .execute(),
    ).toHaveLength(0);

    const lines = await count('budget_ballot_line', current.id);
    await seedVoteDemo(core, () => {}, { voters: { '2026': 300, '2025': 400 } });
    expect(await count('budget_ballot', current.id)).toBe(ballots2026);
    expect(await count('budget_ballot_line', current.id)).toBe(lines);
  });
});
