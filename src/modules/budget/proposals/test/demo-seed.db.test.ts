/** The demo campaigns: phases, about 200 projects across the envelopes, the proposals behind them, idempotent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { seedParisDemo } from '../../../../core/seed/paris-demo.js';
import { campaignPhase } from '../campaign.domain.js';
import { findCampaignBySlug, listEnvelopes, listProjectCredits, listProjects } from '../campaigns.store.js';
import { SUPPORTER_COUNT, seedProposalsDemo, supporterEmail } from '../seed/demo.js';

let t: TestApp;
let first: Awaited<ReturnType<typeof seedProposalsDemo>>;

beforeAll(async () => {
  t = await createTestApp();
  await seedParisDemo(t.core.db);
  const started = Date.now();
  first = await seedProposalsDemo(t.core, { now: new Date('2026-11-25T10:00:00Z') });
  console.log(`budget proposals demo seeded in ${Date.now() - started} ms`);
}, 300_000);

afterAll(async () => {
  await t?.close();
});

describe('the budget demo', () => {
  it('has 2026 in its vote phase (majority judgment) and 2025 in implementation (approval, 5 choices)', async () => {
    const now = new Date('2026-11-25T10:00:00Z');
    const c2026 = (await findCampaignBySlug(t.core.db, '2026'))!;
    const c2025 = (await findCampaignBySlug(t.core.db, '2025'))!;
    expect(campaignPhase(c2026, now)).toBe('vote');
    expect(c2026).toMatchObject({ votingMethod: 'majority_judgment', published: true, rulesLockedAt: null });
    expect(campaignPhase(c2025, now)).toBe('implementation');
    expect(c2025).toMatchObject({ votingMethod: 'approval', maxChoices: 5, published: true });
  });

  it('puts about 200 projects on the 2026 ballot, in every envelope, each within its envelope', async () => {
    const campaign = (await findCampaignBySlug(t.core.db, '2026'))!;
    const envelopes = await listEnvelopes(t.core.db, campaign.id);
    expect(envelopes.map((e) => e.kind).filter((k) => k === 'arrondissement')).toHaveLength(20);
    expect(envelopes.map((e) => e.code)).toEqual(
      expect.arrayContaining(['paris', 'quartiers-populaires', 'ecoles']),
    );
    const projects = await listProjects(t.core.db, campaign.id);
    expect(projects.length).toBeGreaterThanOrEqual(190);
    expect(projects.length).toBeLessThanOrEqual(210);
    expect(projects.map((p) => p.number)).toEqual(projects.map((_, i) => i + 1));
    for (const envelope of envelopes) {
      const inside = projects.filter((p) => p.envelopeId === envelope.id);
      expect(inside.length, envelope.code).toBeGreaterThan(0);
      for (const p of inside) expect(p.costCents).toBeLessThanOrEqual(envelope.amountCents);
    }
    expect(new Set(projects.map((p) => p.title)).size).toBe(projects.length);
  });

  it('has the proposals behind them: merged ones credited, not feasible ones with reasons', async () => {
    const campaign = (await findCampaignBySlug(t.core.db, '2026'))!;
    const states = await t.core.db
      .selectFrom('budget_proposal')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('campaign_id', '=', campaign.id)
      .groupBy('state')
      .execute();
    const byState = Object.fromEntries(states.map((s) => [s.state, Number(s.n)]));
    expect(byState.merged).toBeGreaterThan(20);
    expect(byState.on_ballot).toBeGreaterThan(100);
    expect(byState.unfeasible).toBeGreaterThan(20);
    expect(byState.inadmissible).toBeGreaterThan(5);
    const noReason = await t.core.db
      .selectFrom('budget_proposal')
      .select('reference')
      .where('state', 'in', ['unfeasible', 'inadmissible'])
      .where('study_reason', '=', '')
      .execute();
    expect(noReason).toEqual([]);
    const merged = await t.core.db
      .selectFrom('budget_proposal')
      .select('project_id')
      .where('campaign_id', '=', campaign.id)
      .where('state', '=', 'merged')
      .executeTakeFirstOrThrow();
    expect((await listProjectCredits(t.core.db, merged.project_id!)).length).toBeGreaterThan(1);
    const c2025 = (await findCampaignBySlug(t.core.db, '2025'))!;
    expect((await listProjects(t.core.db, c2025.id)).length).toBeGreaterThan(100);
    // The demo citizen has proposals to find under "my proposals".
    const mine = await t.core.db
      .selectFrom('budget_proposal_author as a')
      .innerJoin('account_user as u', 'u.id', 'a.user_id')
      .select('a.proposal_id')
      .where('u.email', '=', 'citoyen@demo.ville-ouverte.fr')
      .execute();
    expect(mine.length).toBeGreaterThan(0);
  });

  it('gives the proposals a long tail of supports from demo accounts, counted right', async () => {
    for (const slug of ['2026', '2025']) {
      const campaign = (await findCampaignBySlug(t.core.db, slug))!;
      const proposals = await t.core.db
        .selectFrom('budget_proposal as p')
        .select([
          'p.reference',
          'p.supports_count',
          (eb) =>
            eb
              .selectFrom('budget_support as s')
              .select((e) => e.fn.countAll<number>().as('n'))
              .whereRef('s.proposal_id', '=', 'p.id')
              .as('rows'),
        ])
        .where('p.campaign_id', '=', campaign.id)
        .execute();
      // The stored count is the number of supports.
      for (const p of proposals) expect(Number(p.rows), p.reference).toBe(Number(p.supports_count));
      const counts = proposals.map((p) => Number(p.supports_count)).sort((a, b) => a - b);
      const median = counts[Math.floor(counts.length / 2)]!;
      expect(median, slug).toBeGreaterThanOrEqual(3);
      expect(median, slug).toBeLessThanOrEqual(20);
      expect(counts.at(-1), slug).toBeGreaterThanOrEqual(80);
      expect(counts.at(-1), slug).toBeLessThanOrEqual(SUPPORTER_COUNT + 1);
      // Given before the vote opened.
      const late = await t.core.db
        .selectFrom('budget_support as s')
        .innerJoin('budget_proposal as p', 'p.id', 's.proposal_id')
        .select('p.reference')
        .where('p.campaign_id', '=', campaign.id)
        .where((eb) =>
          eb.or([
            eb('s.created_at', '>=', campaign.voteStartsAt),
            eb('s.created_at', '<', eb.ref('p.created_at')),
          ]),
        )
        .execute();
      expect(late).toEqual([]);
    }
    // The supporters cannot sign in (no password) and show no name; the demo citizen supports some.
    const supporters = await t.core.db
      .selectFrom('account_user')
      .select(['password_hash', 'display_name'])
      .where('email', 'in', [supporterEmail(0), supporterEmail(SUPPORTER_COUNT - 1)])
      .execute();
    expect(supporters).toEqual([
      { password_hash: null, display_name: '' },
      { password_hash: null, display_name: '' },
    ]);
    const citizen = await t.core.db
      .selectFrom('budget_support as s')
      .innerJoin('account_user as u', 'u.id', 's.user_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('u.email', '=', 'citoyen@demo.ville-ouverte.fr')
      .executeTakeFirstOrThrow();
    expect(Number(citizen.n)).toBeGreaterThan(5);
  });

  it('does nothing the second time', async () => {
    expect(first.skipped).toBe(false);
    expect(await seedProposalsDemo(t.core)).toEqual({ skipped: true, projects: 0, proposals: 0 });
  });
});
