/**
 * Integrity under concurrency, on PostgreSQL: two real transactions on two connection pools
 * (what two app instances have) submitting for the same voter at once can neither overspend
 * an envelope nor produce two ballots. PGlite has a single session — transactions there can
 * never overlap — so this file is skipped on it.
 */

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../../test/helpers/test-database.js';
import type { Viewer } from '../../../../core/auth/viewer.js';
import { loadConfig } from '../../../../core/config/config.js';
import { createCore, type OpenedCore } from '../../../../core/core.js';
import { type Database, openDatabase } from '../../../../core/db/database.js';
import { DomainError } from '../../../../core/http/errors.js';
import { ImmediateJobQueue } from '../../../../core/jobs/jobs.js';
import type { CoreServices } from '../../../../core/services.js';
import {
  castPaperBallot,
  chooseArrondissement,
  declareVoter,
  forgetCachedCampaigns,
  loadVoteCampaign,
  myVote,
  saveBasket,
  type VoteCampaign,
} from '../vote.service.js';
import { actorOf, type CampaignFixture, createCampaign, createUser, declaration } from './fixtures.js';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const reason = onPostgres
  ? ''
  : ' [SKIPPED: needs PostgreSQL — set TEST_DATABASE_URL; PGlite has one session]';

describe.skipIf(!onPostgres)(`two transactions at once on PostgreSQL${reason}`, () => {
  let first: Database & { url?: string };
  let second: Database;
  let one: OpenedCore;
  let two: OpenedCore;
  let a: CoreServices;
  let b: CoreServices;

  beforeAll(async () => {
    first = await createTestDatabase();
    if (!first.url) throw new Error('no url on PostgreSQL');
    second = await openDatabase({ databaseUrl: first.url, poolSize: 5 });
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/vo-vote-concurrency', DEMO: 'false' });
    one = await createCore(config, { database: first, jobs: new ImmediateJobQueue(), migrate: false });
    two = await createCore(config, { database: second, jobs: new ImmediateJobQueue(), migrate: false });
    a = one.core;
    b = two.core;
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await second?.close();
    await first?.close();
  });

  async function setup(method: 'knapsack' | 'approval' = 'knapsack') {
    const fx = await createCampaign(a.db, { method, maxChoices: method === 'approval' ? 2 : null });
    forgetCachedCampaigns();
    const vc = await loadVoteCampaign(a, fx.slug, null, { fresh: true });
    const viewer = await createUser(a.db);
    await declareVoter(a, vc, viewer, declaration(), actorOf(viewer));
    await chooseArrondissement(a, vc, viewer, fx.envelopes.arr5, actorOf(viewer));
    return { fx, vc, viewer };
  }

  const select = (...numbers: number[]) => ({
    kind: 'selection' as const,
    projectNumbers: numbers.map(String),
  });

  async function cityLines(fx: CampaignFixture, vc: VoteCampaign, viewer: Viewer) {
    const mine = await myVote(a, vc.campaign, viewer);
    const numberOf = new Map([...fx.projects].map(([n, id]) => [id, n]));
    return mine.lines
      .filter((l) => l.envelope_id === fx.envelopes.city)
      .map((l) => numberOf.get(l.project_id)!)
      .sort((x, y) => x - y);
  }

  it('two baskets saved at once on two instances: one whole basket wins, never their union', async () => {
    const { fx, vc, viewer } = await setup();
    // {1, 2} costs 70 000 and {3, 4, 5} 55 000: together 125 000, over the 100 000 envelope.
    for (let round = 0; round < 15; round++) {
      const results = await Promise.allSettled([
        saveBasket(a, vc, viewer, fx.envelopes.city, select(1, 2), undefined, actorOf(viewer)),
        saveBasket(b, vc, viewer, fx.envelopes.city, select(3, 4, 5), undefined, actorOf(viewer)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      const lines = await cityLines(fx, vc, viewer);
      expect([
        [1, 2],
        [3, 4, 5],
      ]).toContainEqual(lines);
    }
  });

  it('the same page sent twice at once: the first is saved, the second is refused as stale', async () => {
    const { fx, vc, viewer } = await setup('approval');
    for (let round = 0; round < 10; round++) {
      const revision = (await myVote(a, vc.campaign, viewer)).ballot!.revision;
      const results = await Promise.allSettled([
        saveBasket(a, vc, viewer, fx.envelopes.city, select(1, 2), revision, actorOf(viewer)),
        saveBasket(b, vc, viewer, fx.envelopes.city, select(5, 6), revision, actorOf(viewer)),
      ]);
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect(((refused[0] as PromiseRejectedResult).reason as DomainError).code).toBe(
        'budget.vote.stale_form',
      );
      const lines = await cityLines(fx, vc, viewer);
      expect([
        [1, 2],
        [5, 6],
      ]).toContainEqual(lines);
    }
  });

  it('the lock protocol, step by step: the second transaction waits, then finds the revision moved', async () => {
    const { fx, vc, viewer } = await setup();
    const ballot = (await myVote(a, vc.campaign, viewer)).ballot!;
    const c1 = new pg.Client({ connectionString: first.url });
    const c2 = new pg.Client({ connectionString: first.url });
    await c1.connect();
    await c2.connect();
    try {
      const lock =
        'update budget_ballot set revision = revision + 1 where ballot_key = $1 and revision = $2 returning revision';
      const insert = `insert into budget_ballot_line (ballot_key, campaign_id, envelope_id, project_id)
        select $1, $2, $3, unnest($4::uuid[])`;
      await c1.query('begin');
      expect((await c1.query(lock, [ballot.ballot_key, ballot.revision])).rowCount).toBe(1);
      await c1.query(insert, [
        ballot.ballot_key,
        fx.id,
        fx.envelopes.city,
        [fx.projects.get(1), fx.projects.get(2)],
      ]);
      await c2.query('begin');
      let settled = false;
      const waiting = c2.query(lock, [ballot.ballot_key, ballot.revision]).then((r) => {
        settled = true;
        return r;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false); // blocked on the ballot's row lock
      await c1.query('commit');
      expect((await waiting).rowCount).toBe(0); // the revision it expected is gone
      await c2.query('rollback');
      // Without the protocol, the database's own check still refuses an overspent basket.
      await c2.query('begin');
      await expect(
        c2.query(insert, [ballot.ballot_key, fx.id, fx.envelopes.city, [fx.projects.get(6)]]),
      ).rejects.toThrow(/budget.ballot.over_budget/);
      await c2.query('rollback');
    } finally {
      await c1.end();
      await c2.end();
    }
    expect(await cityLines(fx, vc, viewer)).toEqual([1, 2]);
  });

  it('the same person declared from two accounts and entered at a booth, all at once: one voter', async () => {
    const fx = await createCampaign(a.db);
    forgetCachedCampaigns();
    const vc = await loadVoteCampaign(a, fx.slug, null, { fresh: true });
    for (let round = 0; round < 8; round++) {
      const person = {
        lastName: `Simultane${'x'.repeat(round + 1)}`,
        firstName: 'Eve',
        birthDate: '1992-02-02',
      };
      const [u1, u2, agent] = await Promise.all([
        createUser(a.db),
        createUser(a.db),
        createUser(a.db, { admin: true }),
      ]);
      const results = await Promise.allSettled([
        declareVoter(a, vc, u1, declaration(person), actorOf(u1)),
        declareVoter(b, vc, u2, declaration(person), actorOf(u2)),
        castPaperBallot(
          round % 2 === 0 ? a : b,
          vc,
          agent,
          {
            ...person,
            arrondissementEnvelopeId: fx.envelopes.arr5,
            baskets: { [fx.envelopes.city]: select(1) },
          },
          actorOf(agent),
        ),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
        expect(r.reason).toBeInstanceOf(DomainError);
        expect([
          'budget.vote.person_already_voted',
          'budget.vote.already_voted_booth',
          'budget.paper.already_voted_online',
        ]).toContain((r.reason as DomainError).code);
      }
    }
    const counts = await a.db
      .selectFrom('budget_voter')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('campaign_id', '=', fx.id)
      .executeTakeFirstOrThrow();
    expect(Number(counts.n)).toBe(8);
    const ballots = await a.db
      .selectFrom('budget_ballot')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('campaign_id', '=', fx.id)
      .executeTakeFirstOrThrow();
    expect(Number(ballots.n)).toBe(8);
  });
});
