/**
 * The proposals use cases against a real database (both engines): deadline, editing rights,
 * co-authors, withdrawal, supports, the study (wrong directorate refused, transitions,
 * rerouting), merging into projects, the rules lock, moderation, anonymisation.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import type { Actor } from '../../../../core/audit/audit.js';
import type { Viewer } from '../../../../core/auth/viewer.js';
import { DomainError, ForbiddenError, ValidationError } from '../../../../core/http/errors.js';
import { seedParisDemo } from '../../../../core/seed/paris-demo.js';
import type { CoreServices } from '../../../../core/services.js';
import {
  addEnvelope,
  createArrondissementEnvelopes,
  isRulesLockedError,
  updateCampaign,
} from '../campaigns.service.js';
import { findCampaignById, findProject, listProjectCredits, listProjects } from '../campaigns.store.js';
import {
  commentProposal,
  editProposal,
  getProposalPage,
  listProposals,
  proposeProject,
  setProposalSupport,
  withdrawProposal,
} from '../proposals.service.js';
import * as store from '../proposals.store.js';
import {
  decideProposal,
  moderateComment,
  putOnBallot,
  rerouteProposal,
  studyQueue,
} from '../study.service.js';
import {
  directorateId,
  mailMark,
  makeCampaign,
  makeUser,
  proposalInput,
  rejection,
  sentMails,
} from './fixtures.js';

const actor: Actor = { userId: null, label: 'test' };
let t: TestApp;
let core: CoreServices;
let open: Awaited<ReturnType<typeof makeCampaign>>;
let citizen: Viewer;
let friend: Viewer;
let stranger: Viewer;
let admin: Viewer;
let deve: Viewer;
let dvd: Viewer;

beforeAll(async () => {
  t = await createTestApp();
  core = t.core;
  await seedParisDemo(core.db);
  open = await makeCampaign(core, 'submission', { slug: 'ouverte' });
  citizen = await makeUser(core, { email: 'auteur@example.test' });
  friend = await makeUser(core, { email: 'amie@example.test' });
  stranger = await makeUser(core);
  admin = await makeUser(core, { isAdmin: true });
  deve = await makeUser(core, { directorate: 'DEVE' });
  dvd = await makeUser(core, { directorate: 'DVD' });
}, 180_000);

afterAll(async () => {
  await t?.close();
});

async function count(table: 'budget_proposal' | 'budget_project'): Promise<number> {
  const row = await core.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function propose(who: Viewer = citizen, overrides = {}) {
  return proposeProject(core, who, 'ouverte', proposalInput(overrides), [], actor);
}

describe('proposing', () => {
  it('stores the proposal with a readable reference, routes it by theme and mails the author', async () => {
    const mark = mailMark(core);
    const { reference, created } = await propose();
    expect(created).toBe(true);
    expect(reference).toMatch(/^BP-\d{4}-0001$/);
    const proposal = (await store.findProposalByReference(core.db, reference))!;
    expect(proposal).toMatchObject({
      state: 'submitted',
      theme: 'environnement',
      arrondissementCode: '5',
      envelopeId: open.byCode('5').id,
      estimatedCostCents: 12_000_000,
      directorateId: await directorateId(core, 'DEVE'),
    });
    expect((await store.listEvents(core.db, proposal.id)).map((e) => e.kind)).toEqual([
      'submitted',
      'routed',
    ]);
    const mails = sentMails(core, mark);
    expect(mails.map((m) => m.to)).toEqual(['auteur@example.test']);
    expect(mails[0]?.subject).toContain(reference);
    expect(mails[0]?.text).toContain(`/budget/ouverte/propositions/${reference}`);
    const audit = await core.db
      .selectFrom('audit_event')
      .select('action')
      .where('object_id', '=', proposal.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('budget.proposal.submitted');
  });

  it('counts a second click on "send" as the same proposal', async () => {
    const before = await count('budget_proposal');
    const again = await propose();
    expect(again.created).toBe(false);
    expect(await count('budget_proposal')).toBe(before);
  });

  it('refuses a proposal after the deadline, and changes nothing', async () => {
    const closed = await makeCampaign(core, 'study', { slug: 'fermee' });
    const before = await count('budget_proposal');
    const error = await rejection(proposeProject(core, citizen, closed.slug, proposalInput(), [], actor));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('budget.proposals.submission_closed');
    expect(await count('budget_proposal')).toBe(before);
  });

  it('gives two campaigns of the same year distinct references', async () => {
    const other = await makeCampaign(core, 'submission', { slug: 'meme-annee' });
    const { reference } = await proposeProject(
      core,
      citizen,
      other.slug,
      proposalInput({ title: 'Même année' }),
      [],
      actor,
    );
    const taken = await core.db
      .selectFrom('budget_proposal')
      .select('reference')
      .where('campaign_id', '=', open.id)
      .execute();
    expect(taken.map((r) => r.reference)).not.toContain(reference);
    const next = await proposeProject(
      core,
      citizen,
      other.slug,
      proposalInput({ title: 'Même année 2' }),
      [],
      actor,
    );
    expect(Number(next.reference.slice(8))).toBe(Number(reference.slice(8)) + 1);
  });

  it('refuses a signed-out person and an unpublished campaign', async () => {
    expect(
      ((await rejection(proposeProject(core, null, 'ouverte', proposalInput(), [], actor))) as DomainError)
        .status,
    ).toBe(401);
    await makeCampaign(core, 'submission', { slug: 'brouillon', published: false });
    expect(
      (
        (await rejection(
          proposeProject(core, citizen, 'brouillon', proposalInput(), [], actor),
        )) as DomainError
      ).status,
    ).toBe(404);
  });

  it('lists every problem of an empty form at once', async () => {
    const error = await rejection(
      propose(citizen, { title: ' ', description: '', theme: 'astrologie', address: '', lat: '', lon: '' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual({
      title: 'budget.proposals.form.title_required',
      description: 'budget.proposals.form.description_required',
      theme: 'budget.proposals.form.theme_required',
      address: 'budget.proposals.form.place_required',
    });
    // A typed address alone says nothing of the envelope: it must be chosen.
    const addressOnly = (await rejection(
      propose(citizen, { lat: '', lon: '', title: 'Adresse seule' }),
    )) as ValidationError;
    expect(addressOnly.fields).toEqual({ envelope: 'budget.proposals.form.envelope_required' });
  });

  it('checks the place against the envelope and the city', async () => {
    const outside = (await rejection(propose(citizen, { lat: '48.80', lon: '2.10' }))) as ValidationError;
    expect(outside.fields.lat).toBe('budget.proposals.form.outside_city');
    const mismatch = (await rejection(
      propose(citizen, { envelope: open.byCode('13').id, title: 'Ailleurs' }),
    )) as ValidationError;
    expect(mismatch.fields.envelope).toBe('budget.proposals.form.envelope_place_mismatch');
    const bad = (await rejection(
      propose(citizen, { lat: 'nord', lon: '2.3', estimatedCost: 'beaucoup', envelope: 'nope' }),
    )) as ValidationError;
    expect(bad.fields).toMatchObject({
      lat: 'budget.proposals.form.bad_latitude',
      estimatedCost: 'budget.proposals.form.cost_invalid',
      envelope: 'budget.proposals.form.envelope_unknown',
    });
    // An arrondissement chosen from the list, no point: its envelope.
    const { reference } = await propose(citizen, {
      title: 'Un banc au 13e',
      lat: '',
      lon: '',
      address: '',
      arrondissement: '13',
    });
    const stored = await store.findProposalByReference(core.db, reference);
    expect(stored).toMatchObject({
      envelopeId: open.byCode('13').id,
      location: null,
      arrondissementCode: '13',
    });
    // City-wide: the place's arrondissement is kept, the envelope is the one chosen.
    const cityWide = await propose(citizen, { title: 'Pour tout Paris', envelope: open.byCode('paris').id });
    expect((await store.findProposalByReference(core.db, cityWide.reference))?.envelopeId).toBe(
      open.byCode('paris').id,
    );
  });

  it('keeps hostile text as text, and refuses too long a title', async () => {
    const { reference } = await propose(citizen, {
      title: '<script>alert(1)</script> Fontaine',
      description: '<img src=x onerror=alert(1)>',
    });
    expect((await store.findProposalByReference(core.db, reference))?.title).toBe(
      '<script>alert(1)</script> Fontaine',
    );
    const long = (await rejection(propose(citizen, { title: 'x'.repeat(151) }))) as ValidationError;
    expect(long.fields.title).toBe('budget.proposals.form.title_too_long');
  });

  it('re-encodes images and refuses a non-image and a fourth one', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const { reference } = await proposeProject(
      core,
      citizen,
      'ouverte',
      proposalInput({ title: 'Avec image' }),
      [{ filename: 'plan.png', data: png }],
      actor,
    );
    const proposal = (await store.findProposalByReference(core.db, reference))!;
    const [image] = await store.listImages(core.db, proposal.id);
    expect(image?.storageKey).toMatch(/\.jpg$/);
    const svg = (await rejection(
      proposeProject(
        core,
        citizen,
        'ouverte',
        proposalInput({ title: 'SVG' }),
        [{ filename: 'x.png', data: Buffer.from('<svg onload="alert(1)"></svg>') }],
        actor,
      ),
    )) as ValidationError;
    expect(svg.fields.images).toBe('budget.proposals.form.image_not_image');
    const four = (await rejection(
      proposeProject(
        core,
        citizen,
        'ouverte',
        proposalInput({ title: 'Quatre' }),
        Array.from({ length: 4 }, () => ({ filename: 'a.png', data: png })),
        actor,
      ),
    )) as ValidationError;
    expect(four.fields.images).toBe('budget.proposals.form.too_many_images');
  });
});

describe('co-authors and editing rights', () => {
  it('invites existing accounts only, and mails them', async () => {
    const unknown = (await rejection(
      propose(citizen, { title: 'Co', coauthors: 'personne@nulle-part.test' }),
    )) as ValidationError;
    expect(unknown.fields.coauthors).toBe('budget.proposals.form.coauthor_unknown');
    const self = (await rejection(
      propose(citizen, { title: 'Co', coauthors: 'AUTEUR@example.test' }),
    )) as ValidationError;
    expect(self.fields.coauthors).toBe('budget.proposals.form.coauthor_self');
    const mark = mailMark(core);
    const { reference } = await propose(citizen, { title: 'Jardin partagé', coauthors: 'amie@example.test' });
    const proposal = (await store.findProposalByReference(core.db, reference))!;
    const authors = await store.listAuthors(core.db, proposal.id);
    expect(authors).toEqual([
      { userId: citizen.id, displayName: 'Collectif Soufflot vert', role: 'author' },
      { userId: friend.id, displayName: '', role: 'coauthor' },
    ]);
    expect(
      sentMails(core, mark)
        .map((m) => m.to)
        .sort(),
    ).toEqual(['amie@example.test', 'auteur@example.test']);
  });

  it('lets authors and co-authors edit; refuses anyone else', async () => {
    const { reference } = await propose(citizen, {
      title: 'Tables de pique-nique',
      coauthors: 'amie@example.test',
    });
    await editProposal(
      core,
      friend,
      'ouverte',
      reference,
      proposalInput({ title: 'Tables de pique-nique au square', coauthors: '' }),
      [],
      [],
      actor,
    );
    const proposal = (await store.findProposalByReference(core.db, reference))!;
    expect(proposal.title).toBe('Tables de pique-nique au square');
    // A co-author cannot drop the co-authors: the list stays.
    expect((await store.listAuthors(core.db, proposal.id)).length).toBe(2);
    const forbidden = await rejection(
      editProposal(core, stranger, 'ouverte', reference, proposalInput(), [], [], actor),
    );
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    expect((await store.listEvents(core.db, proposal.id)).map((e) => e.kind)).toContain('edited');
  });

  it('closes editing once an agent has taken it up, and after the deadline', async () => {
    const { reference } = await propose(citizen, { title: 'Nichoirs' });
    const proposal = (await store.findProposalByReference(core.db, reference))!;
    await decideProposal(core, deve, proposal.id, { decision: 'admissible', reason: '', cost: '' }, actor);
    const studied = (await rejection(
      editProposal(core, citizen, 'ouverte', reference, proposalInput(), [], [], actor),
    )) as DomainError;
    expect(studied.code).toBe('budget.proposals.edit.under_study');
    const late = (await rejection(
      editProposal(
        core,
        citizen,
        'ouverte',
        reference,
        proposalInput(),
        [],
        [],
        actor,
        new Date(Date.now() + 30 * 86_400_000),
      ),
    )) as DomainError;
    expect(late.code).toBe('budget.proposals.edit.closed');
  });

  it('lets the author withdraw, not a co-author', async () => {
    const { reference } = await propose(citizen, { title: 'À retirer', coauthors: 'amie@example.test' });
    expect(await rejection(withdrawProposal(core, friend, 'ouverte', reference, actor))).toBeInstanceOf(
      ForbiddenError,
    );
    await withdrawProposal(core, citizen, 'ouverte', reference, actor);
    expect((await store.findProposalByReference(core.db, reference))?.state).toBe('withdrawn');
    const again = (await rejection(
      withdrawProposal(core, citizen, 'ouverte', reference, actor),
    )) as DomainError;
    expect(again.code).toBe('budget.proposals.withdraw.not_possible');
    // Withdrawn proposals leave the default list.
    const campaign = (await findCampaignById(core.db, open.id))!;
    const list = await listProposals(core, campaign, { q: 'retirer' }, { page: 1, pageSize: 50 });
    expect(list.items.map((i) => i.reference)).not.toContain(reference);
  });
});

describe('supports, comments, search', () => {
  it('toggles one support per account and keeps the count right', async () => {
    const { reference } = await propose(citizen, { title: 'Composteur collectif' });
    expect(await setProposalSupport(core, friend, 'ouverte', reference, true, actor)).toBe(true);
    expect(await setProposalSupport(core, friend, 'ouverte', reference, true, actor)).toBe(false);
    await Promise.all([
      setProposalSupport(core, stranger, 'ouverte', reference, true, actor),
      setProposalSupport(core, stranger, 'ouverte', reference, true, actor),
    ]);
    expect((await store.findProposalByReference(core.db, reference))?.supportsCount).toBe(2);
    await setProposalSupport(core, friend, 'ouverte', reference, false, actor);
    const page = await getProposalPage(core, friend, 'ouverte', reference);
    expect(page.proposal.supportsCount).toBe(1);
    expect(page.supported).toBe(false);
  });

  it('refuses supports once the vote has started', async () => {
    const { reference } = await propose(citizen, { title: 'Trop tard pour soutenir' });
    const error = (await rejection(
      setProposalSupport(
        core,
        friend,
        'ouverte',
        reference,
        true,
        actor,
        new Date(Date.now() + 50 * 86_400_000),
      ),
    )) as DomainError;
    expect(error.code).toBe('budget.proposals.support.closed');
  });

  it('comments need a body; moderation hides with a reason, audited', async () => {
    const { reference } = await propose(citizen, { title: 'Bancs publics' });
    const empty = (await rejection(
      commentProposal(core, friend, 'ouverte', reference, { body: '  ', publicName: '' }, actor),
    )) as ValidationError;
    expect(empty.fields.body).toBe('budget.proposals.comments.body_required');
    const id = await commentProposal(
      core,
      friend,
      'ouverte',
      reference,
      { body: 'Bonne idée', publicName: 'Léa' },
      actor,
    );
    expect(
      await rejection(moderateComment(core, citizen, id, { action: 'hide', reason: 'x' }, actor)),
    ).toBeInstanceOf(ForbiddenError);
    const noReason = (await rejection(
      moderateComment(core, deve, id, { action: 'hide', reason: '' }, actor),
    )) as ValidationError;
    expect(Object.values(noReason.fields)).toEqual(['budget.proposals.moderation.reason_required']);
    await moderateComment(core, deve, id, { action: 'hide', reason: 'Hors sujet' }, actor);
    const page = await getProposalPage(core, null, 'ouverte', reference);
    expect(page.comments).toEqual([
      expect.objectContaining({ hidden: true, body: '', moderationReason: 'Hors sujet', name: 'Léa' }),
    ]);
    const audit = await core.db
      .selectFrom('audit_event')
      .select('action')
      .where('object_id', '=', id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['budget.comment.created', 'budget.comment.hidden']);
  });

  it('finds proposals in French: plural and accents, with filters', async () => {
    await propose(citizen, {
      title: 'Végétaliser la cour de l’école',
      theme: 'education',
      envelope: open.byCode('ecoles').id,
    });
    const campaign = (await findCampaignById(core.db, open.id))!;
    const found = await listProposals(
      core,
      campaign,
      { q: 'écoles végétalisées' },
      { page: 1, pageSize: 10 },
    );
    expect(found.items.map((i) => i.title)).toContain('Végétaliser la cour de l’école');
    const byEnvelope = await listProposals(
      core,
      campaign,
      { envelopeId: open.byCode('ecoles').id },
      { page: 1, pageSize: 10 },
    );
    expect(byEnvelope.items.every((i) => i.envelopeId === open.byCode('ecoles').id)).toBe(true);
    const byTheme = await listProposals(core, campaign, { theme: 'education' }, { page: 1, pageSize: 10 });
    expect(byTheme.total).toBe(1);
    // Search syntax errors never reach the user: websearch_to_tsquery reads anything.
    await listProposals(core, campaign, { q: '"( & | !' }, { page: 1, pageSize: 10 });
  });
});

describe('the study by the directorates', () => {
  it('refuses an agent of another directorate, lets the right one decide with reasons and costs', async () => {
    const mark = mailMark(core);
    const { reference } = await propose(citizen, { title: 'Mare pédagogique' });
    const proposal = (await store.findProposalByReference(core.db, reference))!;
    const wrong = await rejection(
      decideProposal(core, dvd, proposal.id, { decision: 'admissible', reason: '', cost: '' }, actor),
    );
    expect(wrong).toBeInstanceOf(ForbiddenError);
    expect((wrong as DomainError).code).toBe('budget.study.wrong_directorate');
    // Not feasible before it is admissible.
    const order = (await rejection(
      decideProposal(core, deve, proposal.id, { decision: 'feasible', reason: '', cost: '1000' }, actor),
    )) as DomainError;
    expect(order.code).toBe('budget.study.not_allowed_from_state');
    await decideProposal(core, deve, proposal.id, { decision: 'admissible', reason: '', cost: '' }, actor);
    const noCost = (await rejection(
      decideProposal(core, deve, proposal.id, { decision: 'feasible', reason: '', cost: '' }, actor),
    )) as ValidationError;
    expect(noCost.fields.cost).toBe('budget.study.cost_required');
    const noReason = (await rejection(
      decideProposal(core, deve, proposal.id, { decision: 'unfeasible', reason: ' ', cost: '' }, actor),
    )) as ValidationError;
    expect(noReason.fields.reason).toBe('budget.study.reason_required');
    await decideProposal(
      core,
      deve,
      proposal.id,
      { decision: 'feasible', reason: 'Étude faite', cost: '85 000' },
      actor,
    );
    const after = (await store.findProposalByReference(core.db, reference))!;
    expect(after).toMatchObject({ state: 'feasible', studyCostCents: 8_500_000, studyReason: 'Étude faite' });
    const subjects = sentMails(core, mark).map((m) => m.subject);
    expect(subjects.some((s) => s.includes('recevable'))).toBe(true);
    expect(subjects.some((s) => s.includes('faisable'))).toBe(true);
  });

  it('reroutes to another directorate, which then studies it; the first no longer can', async () => {
    const { reference } = await propose(citizen, { title: 'Piste cyclable', theme: 'environnement' });
    const proposal = (await store.findProposalByReference(core.db, reference))!;
    const dvdId = await directorateId(core, 'DVD');
    await rerouteProposal(core, deve, proposal.id, dvdId, actor);
    expect(
      await rejection(
        decideProposal(core, deve, proposal.id, { decision: 'admissible', reason: '', cost: '' }, actor),
      ),
    ).toBeInstanceOf(ForbiddenError);
    await decideProposal(
      core,
      dvd,
      proposal.id,
      { decision: 'inadmissible', reason: 'Hors compétence', cost: '' },
      actor,
    );
    const events = await store.listEvents(core.db, proposal.id);
    expect(events.map((e) => e.kind)).toEqual(['submitted', 'routed', 'rerouted', 'inadmissible']);
    expect(events[2]?.data).toEqual({ directorate: 'Direction de la Voirie et des Déplacements' });
    const queue = await studyQueue(
      core,
      dvd,
      { campaignId: open.id, directorate: '', state: 'all', q: 'cyclable' },
      { page: 1, pageSize: 10 },
    );
    expect(queue.rows.map((r) => r.reference)).toEqual([reference]);
    const deveQueue = await studyQueue(
      core,
      deve,
      { campaignId: open.id, directorate: dvdId, state: 'all', q: '' },
      { page: 1, pageSize: 10 },
    );
    expect(deveQueue.rows).toEqual([]);
  });

  async function feasible(title: string, cost = '100 000') {
    const { reference } = await propose(citizen, { title });
    const proposal = (await store.findProposalByReference(core.db, reference))!;
    await decideProposal(core, deve, proposal.id, { decision: 'admissible', reason: '', cost: '' }, actor);
    await decideProposal(core, deve, proposal.id, { decision: 'feasible', reason: '', cost }, actor);
    return proposal;
  }

  it('merges feasible proposals into one numbered project, credits the authors, tells them', async () => {
    const a = await feasible('Arbres square Monge');
    const b = await feasible('Ombre pour le square Monge');
    const notYet = (await store.findProposalByReference(
      core.db,
      (
        await propose(citizen, { title: 'Pas étudiée' })
      ).reference,
    ))!;
    const refused = (await rejection(
      putOnBallot(
        core,
        deve,
        [a.id, notYet.id],
        { title: 'X', summary: '', cost: '1000', envelope: open.byCode('5').id },
        actor,
      ),
    )) as ValidationError;
    expect(refused.fields.proposals).toBe('budget.study.project.feasible_only');
    const tooExpensive = (await rejection(
      putOnBallot(
        core,
        deve,
        [a.id, b.id],
        { title: 'X', summary: '', cost: '5 000 000', envelope: open.byCode('5').id },
        actor,
      ),
    )) as ValidationError;
    expect(tooExpensive.fields.cost).toBe('budget.study.project.cost_over_envelope');
    expect(
      await rejection(
        putOnBallot(
          core,
          dvd,
          [a.id, b.id],
          { title: 'X', summary: '', cost: '1000', envelope: open.byCode('5').id },
          actor,
        ),
      ),
    ).toBeInstanceOf(ForbiddenError);

    const mark = mailMark(core);
    const result = await putOnBallot(
      core,
      deve,
      [a.id, b.id],
      {
        title: 'Un square Monge ombragé',
        summary: 'Arbres et ombrières',
        cost: '180 000',
        envelope: open.byCode('5').id,
      },
      actor,
    );
    expect(result.number).toBe(1);
    const project = (await findProject(core.db, open.id, 1))!;
    expect(project).toMatchObject({
      title: 'Un square Monge ombragé',
      costCents: 18_000_000,
      arrondissementCode: '5',
    });
    for (const p of [a, b]) {
      const stored = (await store.findProposalById(core.db, p.id))!;
      expect(stored).toMatchObject({ state: 'merged', projectId: project.id, projectNumber: 1 });
      const last = (await store.listEvents(core.db, p.id)).at(-1);
      expect(last?.kind).toBe('merged');
    }
    expect((await listProjectCredits(core.db, project.id)).map((c) => c.authors)).toEqual([
      ['Collectif Soufflot vert'],
      ['Collectif Soufflot vert'],
    ]);
    expect(sentMails(core, mark).filter((m) => m.subject.includes('regroupée')).length).toBe(2);
    // Already merged: cannot go on the ballot again.
    const twice = await rejection(
      putOnBallot(
        core,
        deve,
        [a.id],
        { title: 'Encore', summary: '', cost: '1000', envelope: open.byCode('5').id },
        actor,
      ),
    );
    expect(twice).toBeInstanceOf(ValidationError);

    const c = await feasible('Fontaine rue Mouffetard', '40 000');
    const alone = await putOnBallot(
      core,
      deve,
      [c.id],
      { title: 'Fontaine rue Mouffetard', summary: '', cost: '40 000', envelope: open.byCode('5').id },
      actor,
    );
    expect(alone.number).toBe(2);
    expect((await store.findProposalById(core.db, c.id))?.state).toBe('on_ballot');
    expect((await listProjects(core.db, open.id)).map((p) => p.number)).toEqual([1, 2]);
  });

  it('fixes the ballot once the vote has started', async () => {
    const d = await feasible('Jeux pour enfants');
    const error = (await rejection(
      putOnBallot(
        core,
        deve,
        [d.id],
        { title: 'Jeux', summary: '', cost: '1000', envelope: open.byCode('5').id },
        actor,
        new Date(Date.now() + 50 * 86_400_000),
      ),
    )) as DomainError;
    expect(error.code).toBe('budget.study.ballot_fixed');
  });
});

describe('campaign rules', () => {
  it('refuses a change of voting rules once locked, in the service and in the database', async () => {
    const campaign = await makeCampaign(core, 'vote', { slug: 'verrouillee' });
    await core.db
      .updateTable('budget_campaign')
      .set({ rules_locked_at: new Date() })
      .where('id', '=', campaign.id)
      .execute();
    const stored = (await findCampaignById(core.db, campaign.id))!;
    const form = {
      slug: 'verrouillee',
      title: 'Nouveau titre',
      description: '',
      submissionStart: '2026-01-01',
      submissionEnd: '2026-01-10',
      studyStart: '2026-01-11',
      studyEnd: '2026-02-01',
      voteStart: new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(stored.voteStartsAt),
      voteEnd: '2099-12-01',
      resultsDay: '2099-12-05',
      implementationStart: '2099-12-10',
      votingMethod: 'approval',
      maxChoices: '5',
      minSpendPercent: '',
      selectionRule: 'greedy',
    };
    const error = (await rejection(updateCampaign(core, admin, campaign.id, form, actor))) as DomainError;
    expect(error.code).toBe('budget.campaigns.rules_locked');
    expect((await findCampaignById(core.db, campaign.id))?.votingMethod).toBe('majority_judgment');
    // Whoever writes the row, the trigger refuses.
    const raw = await rejection(
      core.db
        .updateTable('budget_campaign')
        .set({ voting_method: 'approval' })
        .where('id', '=', campaign.id)
        .execute(),
    );
    expect(isRulesLockedError(raw)).toBe(true);
    // Envelopes are part of the rules.
    const envelope = (await rejection(
      addEnvelope(
        core,
        admin,
        campaign.id,
        { kind: 'earmarked', code: 'neuve', label: 'Neuve', amount: '1000' },
        actor,
      ),
    )) as DomainError;
    expect(envelope.code).toBe('budget.campaigns.rules_locked');
    expect(await rejection(updateCampaign(core, citizen, campaign.id, form, actor))).toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('creates one envelope per arrondissement in one go, once', async () => {
    const id = (await makeCampaign(core, 'before', { slug: 'sans-arr' })).id;
    await core.db
      .deleteFrom('budget_envelope')
      .where('campaign_id', '=', id)
      .where('kind', '=', 'arrondissement')
      .execute();
    const t = (key: string, params?: Record<string, string | number>) => `${key}:${JSON.stringify(params)}`;
    expect(await createArrondissementEnvelopes(core, admin, id, '1 000 000', t, actor)).toBe(20);
    expect(await createArrondissementEnvelopes(core, admin, id, '1 000 000', t, actor)).toBe(0);
    const bad = (await rejection(
      createArrondissementEnvelopes(core, admin, id, '0', t, actor),
    )) as ValidationError;
    expect(bad.fields.amount).toBe('budget.campaigns.envelope.amount_invalid');
  });
});

describe('personal data', () => {
  it('anonymises a deleted account: names and links go, proposals and comments stay', async () => {
    const leaving = await makeUser(core);
    const { reference } = await propose(leaving, { title: 'Proposition qui reste', publicName: 'Marc' });
    const proposal = (await store.findProposalByReference(core.db, reference))!;
    await setProposalSupport(core, leaving, 'ouverte', reference, true, actor);
    await commentProposal(
      core,
      leaving,
      'ouverte',
      reference,
      { body: 'Mon avis', publicName: 'Marc' },
      actor,
    );
    await core.db.transaction().execute((tx) => store.anonymiseUser(tx, leaving.id));
    expect(await store.listAuthors(core.db, proposal.id)).toEqual([
      { userId: null, displayName: '', role: 'author' },
    ]);
    const after = (await store.findProposalById(core.db, proposal.id))!;
    expect(after.supportsCount).toBe(0);
    expect((await store.listComments(core.db, proposal.id))[0]).toMatchObject({
      displayName: '',
      userId: null,
      body: 'Mon avis',
    });
  });
});
