/**
 * The study of proposals by the directorates and comment moderation. An agent studies the
 * proposals routed to their directorate (budget.study with the directorate as resource;
 * administrators study any, and route the unrouted ones): admissible or not, then feasible or
 * not, with a public reason and a cost estimate; reroute to another directorate; put a feasible
 * proposal on the ballot as its own project, or merge several into one project. The ballot is
 * fixed once the vote starts (or the first ballot is cast). Authors are told at each step.
 */
import { type Actor, recordAudit } from '../../../core/audit/audit.js';
import type { Viewer } from '../../../core/auth/viewer.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../../core/http/errors.js';
import { listDirectorates } from '../../../core/org/org.store.js';
import type { CoreServices } from '../../../core/services.js';
import type { ProposalState } from '../budget.tables.js';
import {
  canDecide,
  isBallotOpenForChanges,
  isProposalState,
  MAX_TITLE,
  parseEuros,
  REROUTABLE_STATES,
  type StudyDecision,
} from './campaign.domain.js';
import type { Campaign } from './campaigns.store.js';
import * as campaigns from './campaigns.store.js';
import { notifyAuthors } from './notifications.js';
import { cleanLine, cleanText, MAX_DESCRIPTION } from './proposals.service.js';
import * as store from './proposals.store.js';

export const MAX_REASON = 2000;

/** Directorates the viewer studies for: those of their services (every one for administrators). */
export async function studyDirectorates(
  core: CoreServices,
  viewer: Viewer | null,
): Promise<{ id: string; name: string; code: string }[]> {
  core.permissions.assert(viewer, 'budget.study');
  const all = await listDirectorates(core.db);
  if (viewer.isAdmin) return all.map((d) => ({ id: d.id, name: d.name, code: d.code }));
  const mine = new Set(viewer.memberships.map((m) => m.directorateId));
  return all.filter((d) => mine.has(d.id)).map((d) => ({ id: d.id, name: d.name, code: d.code }));
}

export interface StudyQueueFilters {
  campaignId: string;
  /** A directorate id, 'none' for unrouted proposals (administrators), '' for all of the viewer's. */
  directorate: string;
  state: string;
  q: string;
}

export const STUDY_OPEN_STATES: readonly ProposalState[] = ['submitted', 'admissible', 'feasible'];

export async function studyQueue(
  core: CoreServices,
  viewer: Viewer | null,
  filters: StudyQueueFilters,
  page: { page: number; pageSize: number },
) {
  const directorates = await studyDirectorates(core, viewer);
  const allowed: (string | null)[] = directorates.map((d) => d.id);
  if (viewer?.isAdmin) allowed.push(null);
  let scope: (string | null)[] = allowed;
  if (filters.directorate === 'none') scope = allowed.includes(null) ? [null] : [];
  else if (filters.directorate) scope = allowed.includes(filters.directorate) ? [filters.directorate] : [];
  const states = isProposalState(filters.state)
    ? [filters.state]
    : filters.state === 'all'
      ? undefined
      : STUDY_OPEN_STATES;
  const query = {
    campaignId: filters.campaignId,
    states,
    directorateIds: scope,
    text: filters.q.trim().slice(0, 200) || undefined,
  };
  const pageSize = Math.min(Math.max(page.pageSize, 1), 200);
  const pageNumber = Math.max(page.page, 1);
  const [{ rows, total }, counts] = await Promise.all([
    store.selectProposalPage(
      core.db,
      query,
      { offset: (pageNumber - 1) * pageSize, limit: pageSize },
      'oldest',
    ),
    store.countByState(core.db, { campaignId: filters.campaignId, directorateIds: scope }),
  ]);
  return { directorates, rows, total, counts, unroutedVisible: allowed.includes(null) };
}

/**
 * The campaign's proposals with their study, for the CSV export: the same proposals the
 * viewer's study queue holds in every state (their directorates; unrouted ones too for
 * administrators). Agents only.
 */
export async function studyExport(
  core: CoreServices,
  viewer: Viewer | null,
  campaignId: string,
): Promise<store.StudyExportRow[]> {
  const directorates = await studyDirectorates(core, viewer);
  const allowed: (string | null)[] = directorates.map((d) => d.id);
  if (viewer?.isAdmin) allowed.push(null);
  return store.selectStudyExport(core.db, { campaignId, directorateIds: allowed });
}

/** The proposal for an agent: 403 when it is routed to another directorate. */
async function studiedProposal(
  core: CoreServices,
  viewer: Viewer | null,
  proposalId: string,
): Promise<{ proposal: store.ProposalRecord; campaign: Campaign }> {
  core.permissions.assert(viewer, 'budget.study');
  const proposal = await store.findProposalById(core.db, proposalId);
  if (!proposal) throw new NotFoundError();
  if (!core.permissions.can(viewer, 'budget.study', proposal.directorateId))
    throw new ForbiddenError('budget.study.wrong_directorate');
  const campaign = await campaigns.findCampaignById(core.db, proposal.campaignId);
  if (!campaign) throw new NotFoundError();
  return { proposal, campaign };
}

export async function getStudyProposal(core: CoreServices, viewer: Viewer | null, reference: string) {
  core.permissions.assert(viewer, 'budget.study');
  const found = await store.findProposalByReference(core.db, reference);
  if (!found) throw new NotFoundError();
  const { proposal, campaign } = await studiedProposal(core, viewer, found.id);
  const [envelope, authors, images, history, directorates, envelopes] = await Promise.all([
    campaigns.findEnvelope(core.db, campaign.id, proposal.envelopeId),
    store.listAuthors(core.db, proposal.id),
    store.listImages(core.db, proposal.id),
    store.listEvents(core.db, proposal.id),
    listDirectorates(core.db),
    campaigns.listEnvelopes(core.db, campaign.id),
  ]);
  return {
    proposal,
    campaign,
    envelope,
    envelopes,
    authorNames: authors.filter((a) => a.displayName).map((a) => a.displayName),
    coauthorCount: authors.filter((a) => a.role === 'coauthor').length,
    images: images.map((i) => ({ id: i.id, url: `/budget/images/${i.id}` })),
    history,
    directorates: directorates.map((d) => ({ id: d.id, name: d.name })),
    ballotOpen: isBallotOpenForChanges(campaign, new Date(), campaign.rulesLockedAt),
  };
}

function refuseWhenBallotFixed(campaign: Campaign, now: Date): void {
  if (!isBallotOpenForChanges(campaign, now, campaign.rulesLockedAt))
    throw new DomainError('budget.study.ballot_fixed', 409);
}

export async function decideProposal(
  core: CoreServices,
  viewer: Viewer | null,
  proposalId: string,
  input: { decision: string; reason: string; cost: string },
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  const { proposal, campaign } = await studiedProposal(core, viewer, proposalId);
  refuseWhenBallotFixed(campaign, now);
  const errors: Record<string, string> = {};
  const decision = input.decision as StudyDecision;
  if (!['admissible', 'inadmissible', 'feasible', 'unfeasible'].includes(decision))
    throw new ValidationError({ decision: 'budget.study.decision_required' });
  const reason = cleanText(input.reason);
  if ((decision === 'inadmissible' || decision === 'unfeasible') && !reason)
    errors.reason = 'budget.study.reason_required';
  else if ([...reason].length > MAX_REASON) errors.reason = 'budget.study.reason_too_long';
  let costCents: number | null = null;
  if (decision === 'feasible') {
    costCents = parseEuros(input.cost);
    if (!input.cost.trim()) errors.cost = 'budget.study.cost_required';
    else if (costCents === null || costCents <= 0) errors.cost = 'budget.study.cost_invalid';
  } else if (input.cost.trim()) {
    costCents = parseEuros(input.cost);
    if (costCents === null) errors.cost = 'budget.study.cost_invalid';
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  await core.db.transaction().execute(async (tx) => {
    const locked = await store.lockProposal(tx, proposal.id);
    if (!locked) throw new NotFoundError();
    if (locked.directorateId !== proposal.directorateId)
      throw new ForbiddenError('budget.study.wrong_directorate');
    if (!canDecide(locked.state, decision)) throw new DomainError('budget.study.not_allowed_from_state', 409);
    await store.updateProposalStudy(tx, proposal.id, {
      state: decision,
      studyReason: reason,
      studyCostCents: decision === 'feasible' || costCents !== null ? costCents : locked.studyCostCents,
      studiedBy: viewer!.id,
    });
    await store.insertEvent(tx, proposal.id, decision, { reason, costCents }, viewer!.id);
    await recordAudit(tx, actor, {
      action: `budget.proposal.${decision}`,
      objectType: 'budget_proposal',
      objectId: proposal.id,
      details: { reference: proposal.reference, from: locked.state, reason, costCents },
    });
  });
  await notifyAuthors(core, proposal.id, { kind: 'decided', decision, reason, costCents });
}

export async function rerouteProposal(
  core: CoreServices,
  viewer: Viewer | null,
  proposalId: string,
  directorateId: string,
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  const { proposal, campaign } = await studiedProposal(core, viewer, proposalId);
  refuseWhenBallotFixed(campaign, now);
  const target = (await listDirectorates(core.db)).find((d) => d.id === directorateId);
  if (!target) throw new ValidationError({ directorate: 'budget.study.directorate_required' });
  if (target.id === proposal.directorateId)
    throw new ValidationError({ directorate: 'budget.study.same_directorate' });
  await core.db.transaction().execute(async (tx) => {
    const locked = await store.lockProposal(tx, proposal.id);
    if (!locked) throw new NotFoundError();
    if (!REROUTABLE_STATES.includes(locked.state))
      throw new DomainError('budget.study.reroute_not_allowed', 409);
    await store.updateProposalStudy(tx, proposal.id, { directorateId: target.id });
    await store.insertEvent(tx, proposal.id, 'rerouted', { directorate: target.name }, viewer!.id);
    await recordAudit(tx, actor, {
      action: 'budget.proposal.rerouted',
      objectType: 'budget_proposal',
      objectId: proposal.id,
      details: { reference: proposal.reference, from: locked.directorateId, to: target.id },
    });
  });
}

export interface ProjectFormInput {
  title: string;
  summary: string;
  cost: string;
  envelope: string;
}

/**
 * One project on the ballot from one feasible proposal ("on ballot") or several ("merged"):
 * numbered in the campaign, its authors credited through the proposals, a public event on each.
 */
export async function putOnBallot(
  core: CoreServices,
  viewer: Viewer | null,
  proposalIds: string[],
  input: ProjectFormInput,
  actor: Actor,
  now: Date = new Date(),
): Promise<{ campaign: Campaign; number: number; projectId: string }> {
  core.permissions.assert(viewer, 'budget.study');
  const ids = [...new Set(proposalIds)];
  if (ids.length === 0) throw new ValidationError({ proposals: 'budget.study.project.proposals_required' });
  const proposals: store.ProposalRecord[] = [];
  for (const id of ids) proposals.push((await studiedProposal(core, viewer, id)).proposal);
  const campaignId = proposals[0]!.campaignId;
  if (proposals.some((p) => p.campaignId !== campaignId))
    throw new ValidationError({ proposals: 'budget.study.project.same_campaign' });
  const errors: Record<string, string> = {};
  if (proposals.some((p) => p.state !== 'feasible')) errors.proposals = 'budget.study.project.feasible_only';
  const title = cleanLine(input.title);
  if (!title) errors.title = 'budget.study.project.title_required';
  else if ([...title].length > MAX_TITLE) errors.title = 'budget.study.project.title_too_long';
  const summary = cleanText(input.summary);
  if ([...summary].length > MAX_DESCRIPTION) errors.summary = 'budget.study.project.summary_too_long';
  const costCents = parseEuros(input.cost);
  if (!input.cost.trim()) errors.cost = 'budget.study.cost_required';
  else if (costCents === null || costCents <= 0) errors.cost = 'budget.study.cost_invalid';
  const envelope = await campaigns.findEnvelope(core.db, campaignId, input.envelope.trim());
  if (!envelope) errors.envelope = 'budget.study.project.envelope_required';
  else if (costCents !== null && costCents > envelope.amountCents)
    errors.cost = 'budget.study.project.cost_over_envelope';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);

  const merged = proposals.length > 1;
  const first = proposals[0]!;
  const placed = proposals.find((p) => p.location) ?? first;
  const result = await core.db.transaction().execute(async (tx) => {
    // The campaign row is the lock that keeps ballot numbers unique and in order.
    const campaign = await campaigns.lockCampaign(tx, campaignId);
    if (!campaign) throw new NotFoundError();
    refuseWhenBallotFixed(campaign, now);
    for (const p of proposals) {
      const locked = await store.lockProposal(tx, p.id);
      if (locked?.state !== 'feasible') throw new DomainError('budget.study.project.feasible_only', 409);
    }
    const number = await store.nextProjectNumber(tx, campaignId);
    const projectId = await store.insertProject(tx, {
      campaignId,
      envelopeId: envelope!.id,
      number,
      title,
      summary,
      theme: first.theme,
      address: placed.address,
      location: placed.location,
      arrondissementCode: envelope!.kind === 'arrondissement' ? envelope!.code : placed.arrondissementCode,
      costCents: costCents!,
      directorateId: first.directorateId,
    });
    for (const p of proposals) {
      await store.updateProposalStudy(tx, p.id, { state: merged ? 'merged' : 'on_ballot', projectId });
      await store.insertEvent(
        tx,
        p.id,
        merged ? 'merged' : 'on_ballot',
        {
          projectNumber: number,
          projectTitle: title,
          with: proposals.filter((o) => o.id !== p.id).map((o) => o.reference),
        },
        viewer!.id,
      );
    }
    await recordAudit(tx, actor, {
      action: merged ? 'budget.project.merged' : 'budget.project.created',
      objectType: 'budget_project',
      objectId: projectId,
      details: {
        campaignId,
        number,
        envelopeId: envelope!.id,
        costCents,
        proposals: proposals.map((p) => p.reference),
      },
    });
    return { campaign, number, projectId };
  });
  for (const p of proposals) {
    await notifyAuthors(core, p.id, {
      kind: merged ? 'merged' : 'on_ballot',
      projectNumber: result.number,
      projectTitle: title,
    });
  }
  return result;
}

// ——— Moderation ———

export async function moderationQueue(
  core: CoreServices,
  viewer: Viewer | null,
  filter: { status: string; page: number },
) {
  core.permissions.assert(viewer, 'budget.moderate');
  const status = filter.status === 'hidden' || filter.status === 'visible' ? filter.status : undefined;
  const pageSize = 30;
  const page = Math.max(filter.page, 1);
  const { rows, total } = await store.selectCommentsForModeration(
    core.db,
    { status },
    { offset: (page - 1) * pageSize, limit: pageSize },
  );
  return { rows, total, page, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
}

export async function moderateComment(
  core: CoreServices,
  viewer: Viewer | null,
  commentId: string,
  input: { action: string; reason: string },
  actor: Actor,
): Promise<void> {
  core.permissions.assert(viewer, 'budget.moderate');
  const comment = await store.findComment(core.db, commentId);
  if (!comment) throw new NotFoundError();
  const hide = input.action === 'hide';
  if (!hide && input.action !== 'show')
    throw new ValidationError({ action: 'budget.proposals.moderation.action_required' });
  const reason = cleanLine(input.reason);
  if (hide && !reason)
    throw new ValidationError({ [`reason-${commentId}`]: 'budget.proposals.moderation.reason_required' });
  if ([...reason].length > 300)
    throw new ValidationError({ [`reason-${commentId}`]: 'budget.proposals.moderation.reason_too_long' });
  await core.db.transaction().execute(async (tx) => {
    await store.setCommentStatus(tx, commentId, hide ? 'hidden' : 'visible', hide ? reason : '');
    await recordAudit(tx, actor, {
      action: hide ? 'budget.comment.hidden' : 'budget.comment.shown',
      objectType: 'budget_comment',
      objectId: commentId,
      details: { reason, proposalId: comment.proposalId },
    });
  });
}
