/**
 * Routing of proposals by theme, campaign by campaign (both engines): a new campaign starts
 * from the default map, the migration gives it to campaigns made before it, administrators
 * change it (checked, audited), and new proposals and theme changes follow it while proposals
 * already filed stay where they are.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { down, up } from '../../../../../db/migrations/202611260320_budget_theme_routing.js';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import type { Actor } from '../../../../core/audit/audit.js';
import type { Viewer } from '../../../../core/auth/viewer.js';
import { ForbiddenError, ValidationError } from '../../../../core/http/errors.js';
import { seedParisDemo } from '../../../../core/seed/paris-demo.js';
import type { CoreServices } from '../../../../core/services.js';
import {
  checkThemeRoutesForm,
  DEFAULT_THEME_DIRECTORATES,
  routeField,
  THEMES,
  type Theme,
  UNROUTED,
} from '../campaign.domain.js';
import { createCampaign, updateThemeRoutes } from '../campaigns.service.js';
import { listThemeRoutes } from '../campaigns.store.js';
import { editProposal, proposeProject } from '../proposals.service.js';
import * as store from '../proposals.store.js';
import { directorateId, makeCampaign, makeUser, proposalInput, rejection } from './fixtures.js';

const actor: Actor = { userId: null, label: 'test' };
let t: TestApp;
let core: CoreServices;
let admin: Viewer;
let citizen: Viewer;
let codes: Map<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  core = t.core;
  await seedParisDemo(core.db);
  admin = await makeUser(core, { isAdmin: true });
  citizen = await makeUser(core);
  const rows = await core.db.selectFrom('org_directorate').select(['id', 'code']).execute();
  codes = new Map(rows.map((r) => [r.id, r.code]));
}, 180_000);

afterAll(async () => {
  await t?.close();
});

/** The campaign's map as directorate codes. */
async function routesByCode(campaignId: string): Promise<Record<string, string>> {
  const routes = await listThemeRoutes(core.db, campaignId);
  return Object.fromEntries([...routes].map(([theme, id]) => [theme, codes.get(id) ?? id]));
}

/** A full routing form: the default map, with some themes changed (by directorate code). */
async function routingForm(changes: Partial<Record<Theme, string>> = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const theme of THEMES) {
    const code = changes[theme] ?? DEFAULT_THEME_DIRECTORATES[theme];
    out[routeField(theme)] = code === UNROUTED ? UNROUTED : await directorateId(core, code);
  }
  return out;
}

describe('checking the routing form', () => {
  it('wants a directorate or "not routed" for every theme, among those that exist', () => {
    const known = new Set(['d1', 'd2']);
    const full = Object.fromEntries(THEMES.map((theme) => [routeField(theme), 'd1']));
    const ok = checkThemeRoutesForm({ ...full, [routeField('sport')]: UNROUTED }, known);
    expect(ok.ok && ok.values.sport).toBe(null);
    expect(ok.ok && ok.values.culture).toBe('d1');
    const bad = checkThemeRoutesForm(
      { ...full, [routeField('culture')]: 'd9', [routeField('sante')]: ' ', [routeField('numerique')]: '' },
      known,
    );
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors).toEqual({
      'route-culture': 'budget.campaigns.routing.directorate_unknown',
      'route-sante': 'budget.campaigns.routing.directorate_required',
      'route-numerique': 'budget.campaigns.routing.directorate_required',
    });
  });
});

describe('routing by campaign', () => {
  it('gives the default map to existing campaigns (migration) and to new ones', async () => {
    const before = await makeCampaign(core, 'submission', { slug: 'avant-migration' });
    // As if the campaign was made before the migration: the table did not exist yet.
    const db = core.db as unknown as Kysely<unknown>;
    await down(db);
    await up(db);
    expect(await routesByCode(before.id)).toEqual(DEFAULT_THEME_DIRECTORATES);

    const created = await createCampaign(
      core,
      admin,
      {
        slug: 'nouvelle-campagne',
        title: 'Nouvelle campagne',
        description: '',
        submissionStart: '2031-01-05',
        submissionEnd: '2031-02-05',
        studyStart: '2031-02-06',
        studyEnd: '2031-05-01',
        voteStart: '2031-09-01',
        voteEnd: '2031-09-20',
        resultsDay: '2031-09-25',
        implementationStart: '2031-10-01',
        votingMethod: 'majority_judgment',
        maxChoices: '',
        minSpendPercent: '',
        selectionRule: 'greedy',
      },
      actor,
    );
    expect(await routesByCode(created.id)).toEqual(DEFAULT_THEME_DIRECTORATES);
  });

  it('lets only administrators change it, refuses an unknown directorate and changes nothing then', async () => {
    const campaign = await makeCampaign(core, 'submission');
    const form = await routingForm({ culture: 'DEVE' });
    expect(await rejection(updateThemeRoutes(core, citizen, campaign.id, form, actor))).toBeInstanceOf(
      ForbiddenError,
    );
    const bad = await rejection(
      updateThemeRoutes(
        core,
        admin,
        campaign.id,
        { ...form, [routeField('sport')]: '00000000-0000-4000-8000-000000000000' },
        actor,
      ),
    );
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).fields).toEqual({
      'route-sport': 'budget.campaigns.routing.directorate_unknown',
    });
    expect(await routesByCode(campaign.id)).toEqual(DEFAULT_THEME_DIRECTORATES);
  });

  it('routes new proposals and theme changes with the campaign map, not those already filed', async () => {
    const campaign = await makeCampaign(core, 'submission');
    const other = await makeCampaign(core, 'submission');
    const author = await makeUser(core);
    const filed = await proposeProject(
      core,
      author,
      campaign.slug,
      proposalInput({ title: 'Un verger partagé', theme: 'environnement' }),
      [],
      actor,
    );
    const deve = await directorateId(core, 'DEVE');
    const dvd = await directorateId(core, 'DVD');
    expect((await store.findProposalByReference(core.db, filed.reference))?.directorateId).toBe(deve);

    await updateThemeRoutes(
      core,
      admin,
      campaign.id,
      await routingForm({ environnement: 'DVD', culture: UNROUTED }),
      actor,
    );
    expect(await routesByCode(campaign.id)).toEqual({
      ...Object.fromEntries(Object.entries(DEFAULT_THEME_DIRECTORATES).filter(([k]) => k !== 'culture')),
      environnement: 'DVD',
    });
    const audit = await core.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('object_id', '=', campaign.id)
      .where('action', '=', 'budget.campaign.routing_updated')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toEqual({
      slug: campaign.slug,
      changes: { environnement: { from: 'DEVE', to: 'DVD' }, culture: { from: 'DCPA', to: null } },
    });

    // Saving the same map again changes nothing and writes no audit line.
    await updateThemeRoutes(
      core,
      admin,
      campaign.id,
      await routingForm({ environnement: 'DVD', culture: UNROUTED }),
      actor,
    );
    const again = await core.db
      .selectFrom('audit_event')
      .select('id')
      .where('object_id', '=', campaign.id)
      .where('action', '=', 'budget.campaign.routing_updated')
      .execute();
    expect(again).toHaveLength(1);

    // Already filed: stays with DEVE.
    expect((await store.findProposalByReference(core.db, filed.reference))?.directorateId).toBe(deve);
    // New: the campaign's map; the other campaign keeps the default one.
    const fresh = await proposeProject(
      core,
      author,
      campaign.slug,
      proposalInput({ title: 'Des nichoirs', theme: 'environnement' }),
      [],
      actor,
    );
    expect((await store.findProposalByReference(core.db, fresh.reference))?.directorateId).toBe(dvd);
    const elsewhere = await proposeProject(
      core,
      author,
      other.slug,
      proposalInput({ title: 'Des nichoirs ailleurs', theme: 'environnement' }),
      [],
      actor,
    );
    expect((await store.findProposalByReference(core.db, elsewhere.reference))?.directorateId).toBe(deve);
    // A theme change follows the map: culture is not routed any more.
    await editProposal(
      core,
      author,
      campaign.slug,
      filed.reference,
      proposalInput({ title: 'Un verger partagé', theme: 'culture' }),
      [],
      [],
      actor,
    );
    expect((await store.findProposalByReference(core.db, filed.reference))?.directorateId).toBe(null);
  });
});
