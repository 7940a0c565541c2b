/**
 * Two app instances on one PostgreSQL (as test/cross/two-instances.http.test.ts builds them):
 * the same voter posts two baskets at once, one to each instance, from the same page; one is
 * saved, the other refused as stale, and the envelope never holds their union. Skipped on
 * PGlite (one folder serves one process).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProbeApp, type ProbeApp } from '../../../../../test/cross/probe-app.js';
import { createTestDatabase } from '../../../../../test/helpers/test-database.js';
import { SESSION_COOKIE } from '../../../../core/auth/sessions.js';
import { type Database, openDatabase } from '../../../../core/db/database.js';
import { forgetCachedCampaigns } from '../vote.service.js';
import { createCampaign, createUser } from './fixtures.js';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const reason = onPostgres
  ? ''
  : ' [SKIPPED: needs PostgreSQL — set TEST_DATABASE_URL; one PGlite folder serves one process]';

describe.skipIf(!onPostgres)(`voting through two app instances${reason}`, () => {
  let first: Database & { url?: string };
  let second: Database;
  let one: ProbeApp;
  let two: ProbeApp;

  beforeAll(async () => {
    first = await createTestDatabase();
    if (!first.url) throw new Error('no url on PostgreSQL');
    second = await openDatabase({ databaseUrl: first.url, poolSize: 3 });
    one = await buildProbeApp(first);
    two = await buildProbeApp(second);
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await second?.close();
    await first?.close();
  });

  /** A cookie jar shared by both instances, as a browser behind a load balancer has. */
  function client(sessionToken: string) {
    const jar = new Map<string, string>([[SESSION_COOKIE, sessionToken]]);
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const keep = (response: { cookies: { name: string; value: string }[] }) => {
      for (const c of response.cookies) jar.set(c.name, c.value);
    };
    return {
      async get(instance: ProbeApp, url: string) {
        const response = await instance.app.inject({ method: 'GET', url, headers: { cookie: cookie() } });
        keep(response);
        return response;
      },
      async post(instance: ProbeApp, url: string, fields: Record<string, string | string[]>) {
        const body = new URLSearchParams();
        for (const [k, v] of Object.entries(fields))
          for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
        const response = await instance.app.inject({
          method: 'POST',
          url,
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: body.toString(),
        });
        keep(response);
        return response;
      },
    };
  }

  const token = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  const revision = (body: string) => /name="revision" value="(\d+)"/.exec(body)?.[1] ?? '';

  it('two baskets from the same page, one to each instance: one saved, one refused, never both', async () => {
    const fx = await createCampaign(one.core.db, { method: 'knapsack', maxChoices: null });
    forgetCachedCampaigns();
    const viewer = await createUser(one.core.db);
    const browser = client(await one.core.sessions.create(viewer.id));
    const vote = `/budget/${fx.slug}/vote`;
    const page = await browser.get(one, vote);
    expect(
      (
        await browser.post(one, `${vote}/declaration`, {
          _csrf: token(page.body),
          declaration: 'work',
          lastName: 'Deux',
          firstName: 'Instances',
          birthDate: '1999-09-09',
          sworn: '1',
        })
      ).statusCode,
    ).toBe(303);
    const chose = await browser.get(two, vote);
    expect(
      (await browser.post(two, `${vote}/arrondissement`, { _csrf: token(chose.body), arrondissement: '5' }))
        .statusCode,
    ).toBe(303);

    const city = `${vote}/enveloppe/paris`;
    for (let round = 0; round < 6; round++) {
      const form = await browser.get(one, city);
      const common = { _csrf: token(form.body), envelope: 'paris', revision: revision(form.body) };
      const [r1, r2] = await Promise.all([
        browser.post(one, city, { ...common, projects: ['1', '2'] }),
        browser.post(two, city, { ...common, projects: ['3', '4', '5'] }),
      ]);
      expect([r1.statusCode, r2.statusCode].sort()).toEqual([303, 409]);
      const lines = await one.core.db
        .selectFrom('budget_ballot_line as l')
        .innerJoin('budget_project as p', 'p.id', 'l.project_id')
        .select(['p.number', 'p.cost_cents'])
        .where('l.campaign_id', '=', fx.id)
        .orderBy('p.number')
        .execute();
      const numbers = lines.map((l) => l.number);
      expect([
        [1, 2],
        [3, 4, 5],
      ]).toContainEqual(numbers);
      expect(lines.reduce((s, l) => s + Number(l.cost_cents), 0)).toBeLessThanOrEqual(10_000_000);
    }
    const ballots = await one.core.db
      .selectFrom('budget_ballot')
      .select('ballot_key')
      .where('campaign_id', '=', fx.id)
      .execute();
    expect(ballots).toHaveLength(1);
  });
});
