/**
 * Results: compute every envelope's count from the confirmed ballots and store it, then
 * publish it — two separate steps, both audited. Publishing marks the winners
 * (budget_project.selected) and freezes the ballots (the database refuses any change after).
 */
import { type Actor, recordAudit } from '../../../core/audit/audit.js';
import type { Viewer } from '../../../core/auth/viewer.js';
import { DomainError } from '../../../core/http/errors.js';
import type { CoreServices } from '../../../core/services.js';
import type { Campaign, Envelope } from '../proposals/campaigns.store.js';
import { GRADES } from './ballot-rules.js';
import { type CountInput, countEnvelope, type EnvelopeCount, lotOrder } from './counting.js';
import { projectsOf, type VoteCampaign } from './vote.service.js';
import * as store from './vote.store.js';

export interface EnvelopeResult {
  envelope: Envelope;
  count: EnvelopeCount;
  computedAt: Date;
  publishedAt: Date | null;
  /** Confirmed ballots of the campaign when it was computed. */
  campaignBallots: number;
}

export interface CampaignResults {
  envelopes: EnvelopeResult[];
  computedAt: Date | null;
  publishedAt: Date | null;
  /** Confirmed ballots now, to tell a stale count (null unless asked for). */
  confirmedBallots: number | null;
  stale: boolean;
}

/** The count of every envelope, from the database, without storing it. */
export async function countCampaign(
  core: CoreServices,
  vc: VoteCampaign,
): Promise<Map<string, EnvelopeCount>> {
  const { campaign } = vc;
  const mj = campaign.votingMethod === 'majority_judgment';
  const [lines, byArrondissement] = await Promise.all([
    store.tallyLines(core.db, campaign.id),
    store.confirmedByArrondissement(core.db, campaign.id),
  ]);
  // The electorate of each envelope: every confirmed ballot, or those of its arrondissement.
  const participants = store.ballotsPerEnvelope(vc.envelopes, byArrondissement);
  const out = new Map<string, EnvelopeCount>();
  for (const envelope of vc.envelopes) {
    const projects = projectsOf(vc, envelope.id).map((p) => ({
      id: p.id,
      number: p.number,
      costCents: p.costCents,
    }));
    const mine = lines.filter((l) => l.envelope_id === envelope.id);
    const voters = participants.get(envelope.id) ?? 0;
    let input: CountInput;
    if (mj) {
      const judgments = new Map<string, number[]>();
      for (const line of mine) {
        const profile = judgments.get(line.project_id) ?? GRADES.map(() => 0);
        if (line.grade !== null) profile[line.grade]! += line.n;
        judgments.set(line.project_id, profile);
      }
      input = { method: 'majority_judgment', judgments, participants: voters };
    } else {
      const votes = new Map<string, number>();
      for (const line of mine) votes.set(line.project_id, (votes.get(line.project_id) ?? 0) + line.n);
      const ballots =
        campaign.selectionRule === 'equal_shares'
          ? (await store.envelopeBallots(core.db, campaign.id, envelope)).map((b) => b.projectIds)
          : undefined;
      input = {
        method: campaign.votingMethod as 'approval' | 'knapsack',
        votes,
        participants: voters,
        ballots,
      };
    }
    out.set(
      envelope.id,
      countEnvelope(
        {
          method: campaign.votingMethod,
          selectionRule: campaign.selectionRule,
          amountCents: envelope.amountCents,
          projects,
          lotOrder: lotOrder(campaign.slug, projects),
        },
        input,
      ),
    );
  }
  return out;
}

function assertCountable(campaign: Campaign, now: Date): void {
  if (now < campaign.voteEndsAt) throw new DomainError('budget.results.vote_not_closed', 422);
}

/** Step 1: count and store (replacing an earlier unpublished count). */
export async function computeResults(
  core: CoreServices,
  vc: VoteCampaign,
  viewer: Viewer | null,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  core.permissions.assert(viewer, 'budget.results.manage');
  await storeResults(core, vc, viewer?.id ?? null, actor, now);
}

/** Step 1 without a person: the demo seed (system actor). */
export async function storeResults(
  core: CoreServices,
  vc: VoteCampaign,
  userId: string | null,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  const { campaign } = vc;
  assertCountable(campaign, now);
  const existing = await store.listResults(core.db, campaign.id);
  if (existing.some((r) => r.published_at)) throw new DomainError('budget.results.already_published', 422);
  const campaignBallots = await store.confirmedBallotCount(core.db, campaign.id);
  const counts = await countCampaign(core, vc);
  await core.db.transaction().execute(async (tx) => {
    for (const [envelopeId, count] of counts) {
      await store.upsertResult(tx, {
        campaignId: campaign.id,
        envelopeId,
        campaignBallots,
        ballots: count.ballots,
        method: campaign.votingMethod,
        rule: count.rule,
        data: count,
        computedBy: userId,
      });
    }
    await store.deleteResultsExcept(tx, campaign.id, [...counts.keys()]);
    await recordAudit(tx, actor, {
      action: 'budget.results.computed',
      objectType: 'budget_campaign',
      objectId: campaign.id,
      details: { campaign: campaign.slug, ballots: campaignBallots, envelopes: counts.size },
    });
  });
}

/**
 * Step 2: publish. Refused when nothing is computed, or when ballots changed since (a booth
 * ballot entered after the count): count again first.
 */
export async function publishResults(
  core: CoreServices,
  vc: VoteCampaign,
  viewer: Viewer | null,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  core.permissions.assert(viewer, 'budget.results.manage');
  await publishStoredResults(core, vc, viewer?.id ?? null, actor, now);
}

/** Step 2 without a person: the demo seed (system actor). */
export async function publishStoredResults(
  core: CoreServices,
  vc: VoteCampaign,
  userId: string | null,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  const { campaign } = vc;
  assertCountable(campaign, now);
  await core.db.transaction().execute(async (tx) => {
    // One publisher at a time: the campaign's results are read under lock.
    const rows = await tx
      .selectFrom('budget_result')
      .selectAll()
      .where('campaign_id', '=', campaign.id)
      .forUpdate()
      .execute();
    if (rows.length === 0) throw new DomainError('budget.results.not_computed', 422);
    if (rows.some((r) => r.published_at)) throw new DomainError('budget.results.already_published', 422);
    const current = await store.confirmedBallotCount(tx, campaign.id);
    if (rows.some((r) => Number(r.campaign_ballots) !== current))
      throw new DomainError('budget.results.stale', 422);
    const winners = rows.flatMap((r) => (r.data as EnvelopeCount).winners);
    await store.markSelectedProjects(tx, campaign.id, winners);
    await store.publishResults(tx, campaign.id, userId);
    await recordAudit(tx, actor, {
      action: 'budget.results.published',
      objectType: 'budget_campaign',
      objectId: campaign.id,
      details: { campaign: campaign.slug, ballots: current, winners: winners.length },
    });
  });
}

/**
 * The stored results (published or not: the caller decides who may see which). The count of
 * ballots now, to tell a stale count, only for the back office (`withCount`).
 */
export async function readResults(
  core: CoreServices,
  vc: VoteCampaign,
  options: { withCount?: boolean } = {},
): Promise<CampaignResults> {
  const [rows, confirmed] = await Promise.all([
    store.listResults(core.db, vc.campaign.id),
    options.withCount ? store.confirmedBallotCount(core.db, vc.campaign.id) : Promise.resolve(null),
  ]);
  const envelopes: EnvelopeResult[] = [];
  for (const envelope of vc.envelopes) {
    const row = rows.find((r) => r.envelope_id === envelope.id);
    if (!row) continue;
    envelopes.push({
      envelope,
      count: row.data as EnvelopeCount,
      computedAt: row.computed_at,
      publishedAt: row.published_at,
      campaignBallots: row.campaign_ballots,
    });
  }
  const computedAt = envelopes.length > 0 ? envelopes[0]!.computedAt : null;
  const publishedAt = envelopes.find((e) => e.publishedAt)?.publishedAt ?? null;
  return {
    envelopes,
    computedAt,
    publishedAt,
    confirmedBallots: confirmed,
    stale: confirmed !== null && envelopes.some((e) => e.campaignBallots !== confirmed),
  };
}
