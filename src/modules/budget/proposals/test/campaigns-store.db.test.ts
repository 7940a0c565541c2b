/** The shared read functions of campaigns.store.ts, and the rules trigger seen from the store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../../test/helpers/test-database.js';
import type { Database } from '../../../../core/db/database.js';
import { dayStart } from '../campaign.domain.js';
import {
  type CampaignWrite,
  findCampaignById,
  findCampaignBySlug,
  findProject,
  insertCampaign,
  insertEnvelope,
  listCampaigns,
  listEnvelopes,
  listProjectCredits,
  listProjects,
  phaseOf,
} from '../campaigns.store.js';

let database: Database;

const day = (d: string) => dayStart(d)!;

const base: CampaignWrite = {
  slug: '2026',
  title: 'Budget participatif 2026',
  description: '',
  submissionStartsAt: day('2026-01-09'),
  submissionEndsAt: day('2026-01-30'),
  studyStartsAt: day('2026-02-01'),
  studyEndsAt: day('2026-09-01'),
  voteStartsAt: day('2026-09-01'),
  voteEndsAt: day('2026-10-01'),
  resultsAt: day('2026-10-05'),
  implementationStartsAt: day('2026-11-01'),
  votingMethod: 'majority_judgment',
  maxChoices: null,
  minSpendPercent: 0,
  selectionRule: 'greedy',
};

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe('campaigns store', () => {
  it('finds a campaign by slug and id, with its dates and rules', async () => {
    const id = await insertCampaign(database.db, { ...base, published: true });
    const bySlug = await findCampaignBySlug(database.db, '2026');
    expect(bySlug).toMatchObject({ id, slug: '2026', votingMethod: 'majority_judgment', published: true });
    expect(bySlug?.voteStartsAt.toISOString()).toBe('2026-08-31T22:00:00.000Z');
    expect(await findCampaignById(database.db, id)).toEqual(bySlug);
    expect(await findCampaignById(database.db, 'not-a-uuid')).toBeNull();
    expect(await findCampaignBySlug(database.db, 'nope')).toBeNull();
    expect(phaseOf(bySlug!, new Date('2026-09-10T10:00:00Z'))).toBe('vote');
  });

  it('lists envelopes city first, then earmarked, then arrondissements in number order', async () => {
    const campaign = (await findCampaignBySlug(database.db, '2026'))!;
    for (const code of ['10', '2', '1']) {
      await insertEnvelope(database.db, campaign.id, {
        kind: 'arrondissement',
        code,
        label: `Arrondissement ${code}`,
        amountCents: 100_000_000,
      });
    }
    await insertEnvelope(database.db, campaign.id, {
      kind: 'earmarked',
      code: 'ecoles',
      label: 'Écoles',
      amountCents: 1_000_000_000,
    });
    await insertEnvelope(database.db, campaign.id, {
      kind: 'city',
      code: 'paris',
      label: 'Tout Paris',
      amountCents: 3_000_000_000,
    });
    const envelopes = await listEnvelopes(database.db, campaign.id);
    expect(envelopes.map((e) => e.code)).toEqual(['paris', 'ecoles', '1', '2', '10']);
    expect(envelopes[0]).toMatchObject({ kind: 'city', amountCents: 3_000_000_000 });
    expect(typeof envelopes[0]?.amountCents).toBe('number');
  });

  it('lists and finds projects by number, with the proposals and public names behind them', async () => {
    const campaign = (await findCampaignBySlug(database.db, '2026'))!;
    const [paris, ecoles] = await listEnvelopes(database.db, campaign.id);
    const project = await database.db
      .insertInto('budget_project')
      .values({
        campaign_id: campaign.id,
        envelope_id: paris!.id,
        number: 7,
        title: 'Des fontaines à boire',
        summary: 'Vingt fontaines',
        theme: 'environnement',
        location: '(2.35,48.85)',
        cost_cents: 120_000_000,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('budget_project')
      .values({
        campaign_id: campaign.id,
        envelope_id: ecoles!.id,
        number: 3,
        title: 'Cours oasis',
        summary: '',
        theme: 'education',
        cost_cents: 50_000_000,
      })
      .execute();
    expect((await listProjects(database.db, campaign.id)).map((p) => p.number)).toEqual([3, 7]);
    expect((await listProjects(database.db, campaign.id, paris!.id)).map((p) => p.number)).toEqual([7]);
    const found = await findProject(database.db, campaign.id, 7);
    expect(found).toMatchObject({ title: 'Des fontaines à boire', costCents: 120_000_000, selected: null });
    expect(found?.location).toEqual({ lat: 48.85, lon: 2.35 });
    expect(await findProject(database.db, campaign.id, 99)).toBeNull();
    expect(await findProject(database.db, campaign.id, Number.NaN)).toBeNull();

    const proposal = await database.db
      .insertInto('budget_proposal')
      .values({
        campaign_id: campaign.id,
        reference: 'BP-2026-0001',
        envelope_id: paris!.id,
        title: 'Fontaines',
        description: '',
        theme: 'environnement',
        state: 'on_ballot',
        project_id: project.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('budget_proposal_author')
      .values([
        { proposal_id: proposal.id, user_id: null, display_name: 'Collectif Eau de Paris', role: 'author' },
        { proposal_id: proposal.id, user_id: null, display_name: '', role: 'coauthor' },
      ])
      .execute();
    expect(await listProjectCredits(database.db, project.id)).toEqual([
      {
        proposalId: proposal.id,
        reference: 'BP-2026-0001',
        title: 'Fontaines',
        authors: ['Collectif Eau de Paris'],
      },
    ]);
  });

  it('lists published campaigns only when asked', async () => {
    await insertCampaign(database.db, { ...base, slug: 'brouillon', published: false });
    expect((await listCampaigns(database.db)).map((c) => c.slug).sort()).toEqual(['2026', 'brouillon']);
    expect((await listCampaigns(database.db, { publishedOnly: true })).map((c) => c.slug)).toEqual(['2026']);
  });
});
