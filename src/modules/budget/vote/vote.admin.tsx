/**
 * Back office of the vote: /admin/budget/:slug/urne (an agent enters booth ballots) and
 * /admin/budget/:slug/resultats (an admin computes, then publishes the results). Thin routes;
 * permissions and audit are in the services.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ForbiddenError } from '../../../core/http/errors.js';
import type { App, RouteRegistrar } from '../../../core/http/types.js';
import type { CoreServices } from '../../../core/services.js';
import { listCampaigns } from '../proposals/campaigns.store.js';
import type { BasketSubmission } from './ballot-rules.js';
import { formatEuros } from './money.js';
import { resultViews } from './results.pages.js';
import { computeResults, publishResults, readResults } from './results.service.js';
import { campaignView, envelopeView, projectView } from './view-models.js';
import { AdminResultsPage, AdminVoteIndexPage, PaperBallotPage, type PaperValues } from './views/admin.js';
import type { FormErrors } from './views/common.js';
import { field, formatErrorParams, problemsToErrors, readBasket } from './vote.pages.js';
import {
  assertPaperAgent,
  BasketError,
  castPaperBallot,
  envelopesFor,
  hasArrondissements,
  loadVoteCampaign,
  paperEntryOpen,
  projectsOf,
  type VoteCampaign,
} from './vote.service.js';
import * as store from './vote.store.js';

export const registerVoteAdmin: RouteRegistrar = async (app: App, core: CoreServices) => {
  const slugOf = (request: FastifyRequest) => (request.params as { slug: string }).slug;

  app.get('/admin/budget/vote', { schema: { hide: true } }, async (request, reply) => {
    assertPaperAgent(core, request.viewer);
    const campaigns = await listCampaigns(core.db);
    const rows = await Promise.all(
      campaigns.map(async (c) => ({
        slug: c.slug,
        title: c.title,
        voteStartsAt: c.voteStartsAt,
        voteEndsAt: c.voteEndsAt,
        confirmed: await store.confirmedBallotCount(core.db, c.id),
        published: (await store.listResults(core.db, c.id)).some((r) => r.published_at),
      })),
    );
    return reply.page(<AdminVoteIndexPage ctx={reply.ctx()} campaigns={rows} />);
  });

  async function renderUrne(
    reply: FastifyReply,
    vc: VoteCampaign,
    values: PaperValues,
    extra: { errors?: FormErrors; problem?: string } = {},
    status = 200,
  ) {
    const ctx = reply.ctx();
    const arrondissement = vc.envelopes.find(
      (e) => e.kind === 'arrondissement' && e.code === values.arrondissement,
    );
    const envelopes =
      hasArrondissements(vc) && !arrondissement ? [] : envelopesFor(vc, arrondissement?.id ?? null);
    const counts = await store.participationCounts(core.db, vc.campaign.id);
    return reply.page(
      <PaperBallotPage
        ctx={ctx}
        campaign={campaignView(vc.campaign)}
        arrondissements={vc.envelopes.filter((e) => e.kind === 'arrondissement').map(envelopeView)}
        envelopes={envelopes.map((e) => ({
          envelope: envelopeView(e),
          projects: projectsOf(vc, e.id).map(projectView),
        }))}
        values={values}
        booth={counts.booth}
        open={paperEntryOpen(vc.campaign, new Date())}
        errors={
          extra.errors
            ? formatErrorParams(extra.errors, (cents) => formatEuros(cents, ctx.locale))
            : undefined
        }
        problem={extra.problem}
      />,
      status,
    );
  }

  const emptyValues = (arrondissement: string): PaperValues => ({
    lastName: '',
    firstName: '',
    birthDate: '',
    arrondissement,
    baskets: {},
  });

  app.get('/admin/budget/:slug/urne', { schema: { hide: true } }, async (request, reply) => {
    assertPaperAgent(core, request.viewer);
    const vc = await loadVoteCampaign(core, slugOf(request), request.viewer);
    const code = String((request.query as { arrondissement?: unknown }).arrondissement ?? '').slice(0, 50);
    const known = vc.envelopes.some((e) => e.kind === 'arrondissement' && e.code === code);
    return renderUrne(reply, vc, emptyValues(known ? code : ''));
  });

  app.post('/admin/budget/:slug/urne', { schema: { hide: true } }, async (request, reply) => {
    assertPaperAgent(core, request.viewer);
    const vc = await loadVoteCampaign(core, slugOf(request), request.viewer);
    const body = request.body;
    const code = field(body, 'arrondissement').slice(0, 50);
    const arrondissement = vc.envelopes.find((e) => e.kind === 'arrondissement' && e.code === code);
    const values: PaperValues = {
      lastName: field(body, 'lastName').slice(0, 200),
      firstName: field(body, 'firstName').slice(0, 200),
      birthDate: field(body, 'birthDate').slice(0, 20),
      arrondissement: arrondissement ? code : '',
      baskets: {},
    };
    const baskets: Record<string, BasketSubmission> = {};
    for (const envelope of vc.envelopes) {
      const { submission, values: shown } = readBasket(body, vc.campaign.votingMethod, `${envelope.code}.`);
      const empty =
        submission.kind === 'selection'
          ? submission.projectNumbers.length === 0
          : Object.values(submission.grades).every((g) => g === '');
      if (empty) continue;
      baskets[envelope.id] = submission;
      values.baskets[envelope.code] = shown;
    }
    try {
      await castPaperBallot(
        core,
        vc,
        request.viewer,
        { ...values, arrondissementEnvelopeId: arrondissement?.id ?? '', baskets },
        request.actor(),
      );
    } catch (error) {
      if (error instanceof BasketError)
        return renderUrne(reply, vc, values, { errors: problemsToErrors(error) }, 422);
      if (error instanceof DomainError && error.status === 422)
        return renderUrne(reply, vc, values, { problem: error.code }, 422);
      throw error;
    }
    const back = `/admin/budget/${encodeURIComponent(vc.campaign.slug)}/urne${arrondissement ? `?arrondissement=${encodeURIComponent(code)}` : ''}`;
    return reply.redirectWithFlash(back, 'budget.paper.saved');
  });

  async function renderResults(reply: FastifyReply, vc: VoteCampaign, problem?: string, status = 200) {
    const results = await readResults(core, vc, { withCount: true });
    return reply.page(
      <AdminResultsPage
        ctx={reply.ctx()}
        campaign={campaignView(vc.campaign)}
        results={resultViews(vc, results)}
        rule={vc.campaign.selectionRule}
        confirmed={results.confirmedBallots ?? 0}
        computedAt={results.computedAt}
        publishedAt={results.publishedAt}
        stale={results.stale}
        closed={new Date() >= vc.campaign.voteEndsAt}
        problem={problem}
      />,
      status,
    );
  }

  const manager = (request: FastifyRequest) => {
    if (!core.permissions.can(request.viewer, 'budget.results.manage')) throw new ForbiddenError();
  };

  app.get('/admin/budget/:slug/resultats', { schema: { hide: true } }, async (request, reply) => {
    manager(request);
    const vc = await loadVoteCampaign(core, slugOf(request), request.viewer, { fresh: true });
    return renderResults(reply, vc);
  });

  app.post('/admin/budget/:slug/resultats/calculer', { schema: { hide: true } }, async (request, reply) => {
    manager(request);
    const vc = await loadVoteCampaign(core, slugOf(request), request.viewer, { fresh: true });
    try {
      await computeResults(core, vc, request.viewer, request.actor());
    } catch (error) {
      if (error instanceof DomainError && error.status === 422)
        return renderResults(reply, vc, error.code, 422);
      throw error;
    }
    return reply.redirectWithFlash(
      `/admin/budget/${encodeURIComponent(vc.campaign.slug)}/resultats`,
      'budget.results.computed_flash',
    );
  });

  app.post('/admin/budget/:slug/resultats/publier', { schema: { hide: true } }, async (request, reply) => {
    manager(request);
    const vc = await loadVoteCampaign(core, slugOf(request), request.viewer, { fresh: true });
    if (field(request.body, 'confirm') !== '1')
      return renderResults(reply, vc, 'budget.results.publish_confirm_required', 422);
    try {
      await publishResults(core, vc, request.viewer, request.actor());
    } catch (error) {
      if (error instanceof DomainError && error.status === 422)
        return renderResults(reply, vc, error.code, 422);
      throw error;
    }
    return reply.redirectWithFlash(
      `/admin/budget/${encodeURIComponent(vc.campaign.slug)}/resultats`,
      'budget.results.published_flash',
    );
  });
};
