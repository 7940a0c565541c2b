/**
 * Back office of the study (/admin/budget/etude) and of comment moderation
 * (/admin/budget/moderation). Forms work without JavaScript: 303 on success, 422 refilled.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError, ValidationError } from '../../../core/http/errors.js';
import type { App } from '../../../core/http/types.js';
import { listDirectorates } from '../../../core/org/org.store.js';
import type { CoreServices } from '../../../core/services.js';
import { bodyOf, field, fieldList } from '../../backoffice/common.js';
import { centsToInput, dayOf } from './campaign.domain.js';
import * as campaigns from './campaigns.store.js';
import { csvDocument } from './csv.js';
import * as store from './proposals.store.js';
import {
  decideProposal,
  getStudyProposal,
  moderateComment,
  moderationQueue,
  putOnBallot,
  rerouteProposal,
  studyExport,
  studyQueue,
} from './study.service.js';
import { stateLabel, themeLabel } from './views/common.js';
import {
  type DecisionValues,
  ModerationPage,
  ProjectFormPage,
  type ProjectValues,
  StudyProposalPage,
  StudyQueuePage,
  studyHref,
} from './views/study.js';

type Query = Record<string, string | string[] | undefined>;
const PAGE_SIZE = 50;

const str = (value: string | string[] | undefined): string =>
  (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();

function errorsOf(error: unknown, fallback: string): Record<string, string> {
  if (error instanceof ValidationError) return error.fields;
  if (error instanceof DomainError && (error.status === 422 || error.status === 409))
    return { [fallback]: error.code };
  throw error;
}

export function registerStudyAdmin(app: App, core: CoreServices) {
  app.get('/admin/budget/etude', async (request, reply) => {
    core.permissions.assert(request.viewer, 'budget.study');
    const query = request.query as Query;
    const all = await campaigns.listCampaigns(core.db);
    const campaign = all.find((c) => c.slug === str(query.campagne)) ?? all[0] ?? null;
    const values = {
      campagne: campaign?.slug ?? '',
      direction: str(query.direction),
      etat: str(query.etat),
      q: str(query.q).slice(0, 200),
    };
    const page = Math.max(1, Math.floor(Number(str(query.page))) || 1);
    const directorates = await listDirectorates(core.db);
    const directorateNames = new Map(directorates.map((d) => [d.id, d.name]));
    if (!campaign) {
      return reply.page(
        <StudyQueuePage
          ctx={reply.ctx()}
          campaigns={all}
          campaign={null}
          values={values}
          directorates={[]}
          unroutedVisible={false}
          rows={[]}
          total={0}
          counts={new Map()}
          page={1}
          pageCount={1}
          envelopes={[]}
          directorateNames={directorateNames}
        />,
      );
    }
    const result = await studyQueue(
      core,
      request.viewer,
      { campaignId: campaign.id, directorate: values.direction, state: values.etat, q: values.q },
      { page, pageSize: PAGE_SIZE },
    );
    return reply.page(
      <StudyQueuePage
        ctx={reply.ctx()}
        campaigns={all}
        campaign={campaign}
        values={values}
        directorates={result.directorates}
        unroutedVisible={result.unroutedVisible}
        rows={result.rows}
        total={result.total}
        counts={result.counts}
        page={page}
        pageCount={Math.max(1, Math.ceil(result.total / PAGE_SIZE))}
        envelopes={await campaigns.listEnvelopes(core.db, campaign.id)}
        directorateNames={directorateNames}
      />,
    );
  });

  // ——— Export ———

  /** The campaign's proposals and their study as CSV (see csv.ts for the format). */
  app.get('/admin/budget/etude/propositions.csv', async (request, reply) => {
    core.permissions.assert(request.viewer, 'budget.study');
    const query = request.query as Query;
    const campaign = await campaigns.findCampaignBySlug(core.db, str(query.campagne));
    if (!campaign) throw new NotFoundError();
    const rows = await studyExport(core, request.viewer, campaign.id);
    const ctx = reply.ctx();
    const t = request.t;
    const header = [
      t('budget.study.export.col.reference'),
      t('budget.study.export.col.title'),
      t('budget.study.export.col.theme'),
      t('budget.study.export.col.arrondissement'),
      t('budget.study.export.col.directorate'),
      t('budget.study.export.col.state'),
      t('budget.study.export.col.admissibility'),
      t('budget.study.export.col.admissibility_reason'),
      t('budget.study.export.col.feasibility'),
      t('budget.study.export.col.feasibility_reason'),
      t('budget.study.export.col.estimated_cost'),
      t('budget.study.export.col.study_cost'),
      t('budget.study.export.col.project'),
      t('budget.study.export.col.supports'),
      t('budget.study.export.col.created'),
    ];
    const body = csvDocument(
      header,
      rows.map((r) => [
        r.reference,
        r.title,
        themeLabel(ctx, r.theme),
        r.arrondissementCode ?? '',
        r.directorateName ?? '',
        stateLabel(ctx, r.state),
        r.admissibility ? stateLabel(ctx, r.admissibility.decision) : '',
        r.admissibility?.reason ?? '',
        r.feasibility ? stateLabel(ctx, r.feasibility.decision) : '',
        r.feasibility?.reason ?? '',
        centsToInput(r.estimatedCostCents),
        centsToInput(r.studyCostCents),
        r.projectNumber,
        r.supportsCount,
        dayOf(r.createdAt),
      ]),
    );
    return reply
      .header('content-disposition', `attachment; filename="propositions-${campaign.slug}.csv"`)
      .header('cache-control', 'no-store')
      .type('text/csv; charset=utf-8')
      .send(body);
  });

  // ——— Making a project (alone or merged) ———

  const loadSelection = async (request: FastifyRequest, ids: string[]) => {
    core.permissions.assert(request.viewer, 'budget.study');
    const proposals: store.ProposalRecord[] = [];
    for (const id of [...new Set(ids)].slice(0, 50)) {
      const proposal = await store.findProposalById(core.db, id);
      if (proposal) proposals.push(proposal);
    }
    if (proposals.length === 0) return null;
    const campaign = await campaigns.findCampaignById(core.db, proposals[0]!.campaignId);
    if (!campaign) return null;
    return { proposals, campaign, envelopes: await campaigns.listEnvelopes(core.db, campaign.id) };
  };

  const renderProject = async (
    reply: FastifyReply,
    selection: NonNullable<Awaited<ReturnType<typeof loadSelection>>>,
    values: ProjectValues,
    errors?: Record<string, string>,
  ) =>
    reply.page(
      <ProjectFormPage
        ctx={reply.ctx()}
        campaign={selection.campaign}
        proposals={selection.proposals}
        envelopes={selection.envelopes}
        values={values}
        errors={errors}
      />,
      errors ? 422 : 200,
    );

  app.get('/admin/budget/etude/projet', async (request, reply) => {
    const query = request.query as Query;
    const ids = Array.isArray(query.p) ? query.p : query.p ? [query.p] : [];
    const selection = await loadSelection(request, ids);
    if (!selection)
      return reply.redirectWithFlash('/admin/budget/etude', 'budget.study.project.proposals_required');
    const first = selection.proposals[0]!;
    const cost = selection.proposals.reduce((n, p) => n + (p.studyCostCents ?? 0), 0);
    return renderProject(reply, selection, {
      title: first.title,
      summary: selection.proposals.map((p) => p.description).join('\n\n'),
      cost: cost > 0 ? centsToInput(cost) : '',
      envelope: first.envelopeId,
    });
  });

  app.post('/admin/budget/etude/projet', async (request, reply) => {
    const body = bodyOf(request);
    const ids = fieldList(body, 'p');
    const selection = await loadSelection(request, ids);
    if (!selection)
      return reply.redirectWithFlash('/admin/budget/etude', 'budget.study.project.proposals_required');
    const values: ProjectValues = {
      title: field(body, 'title'),
      summary: field(body, 'summary'),
      cost: field(body, 'cost'),
      envelope: field(body, 'envelope'),
    };
    try {
      const result = await putOnBallot(
        core,
        request.viewer,
        selection.proposals.map((p) => p.id),
        values,
        request.actor(),
      );
      return reply.redirectWithFlash(
        `/admin/budget/etude?campagne=${encodeURIComponent(result.campaign.slug)}`,
        'budget.study.project.created',
      );
    } catch (error) {
      return renderProject(reply, selection, values, errorsOf(error, 'proposals'));
    }
  });

  // ——— One proposal ———

  const renderProposal = async (
    request: FastifyRequest,
    reply: FastifyReply,
    reference: string,
    extra: { decision?: DecisionValues; errors?: Record<string, string>; directorate?: string } = {},
  ) => {
    const data = await getStudyProposal(core, request.viewer, reference);
    return reply.page(
      <StudyProposalPage
        ctx={reply.ctx()}
        data={data}
        decision={
          extra.decision ?? {
            decision: '',
            reason: '',
            cost: centsToInput(data.proposal.studyCostCents ?? data.proposal.estimatedCostCents),
          }
        }
        errors={extra.errors}
        directorate={extra.directorate ?? ''}
      />,
      extra.errors ? 422 : 200,
    );
  };

  app.get('/admin/budget/etude/:reference', async (request, reply) => {
    const { reference } = request.params as { reference: string };
    return renderProposal(request, reply, reference);
  });

  app.post('/admin/budget/etude/:reference/decision', async (request, reply) => {
    core.permissions.assert(request.viewer, 'budget.study');
    const { reference } = request.params as { reference: string };
    const proposal = await store.findProposalByReference(core.db, reference);
    if (!proposal) throw new NotFoundError();
    const body = bodyOf(request);
    const decision: DecisionValues = {
      decision: field(body, 'decision'),
      reason: field(body, 'reason'),
      cost: field(body, 'cost'),
    };
    try {
      await decideProposal(core, request.viewer, proposal.id, decision, request.actor());
    } catch (error) {
      return renderProposal(request, reply, reference, { decision, errors: errorsOf(error, 'decision') });
    }
    return reply.redirectWithFlash(studyHref(proposal.reference), 'budget.study.decision.done');
  });

  app.post('/admin/budget/etude/:reference/orientation', async (request, reply) => {
    core.permissions.assert(request.viewer, 'budget.study');
    const { reference } = request.params as { reference: string };
    const proposal = await store.findProposalByReference(core.db, reference);
    if (!proposal) throw new NotFoundError();
    const directorate = field(bodyOf(request), 'directorate');
    try {
      await rerouteProposal(core, request.viewer, proposal.id, directorate, request.actor());
    } catch (error) {
      return renderProposal(request, reply, reference, {
        directorate,
        errors: errorsOf(error, 'directorate'),
      });
    }
    // The agent may no longer see it: back to the queue.
    return reply.redirectWithFlash('/admin/budget/etude', 'budget.study.reroute.done');
  });

  // ——— Moderation ———

  const renderModeration = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: Record<string, string>; reasons?: Record<string, string> } = {},
  ) => {
    const query = request.query as Query;
    const status = str(query.statut);
    const result = await moderationQueue(core, request.viewer, {
      status,
      page: Math.max(1, Math.floor(Number(str(query.page))) || 1),
    });
    return reply.page(
      <ModerationPage
        ctx={reply.ctx()}
        rows={result.rows}
        status={status}
        page={result.page}
        pageCount={result.pageCount}
        total={result.total}
        errors={extra.errors}
        reasons={extra.reasons}
      />,
      extra.errors ? 422 : 200,
    );
  };

  app.get('/admin/budget/moderation', async (request, reply) => renderModeration(request, reply));

  app.post('/admin/budget/moderation/:commentId', async (request, reply) => {
    core.permissions.assert(request.viewer, 'budget.moderate');
    const { commentId } = request.params as { commentId: string };
    const body = bodyOf(request);
    const reason = field(body, `reason-${commentId}`);
    try {
      await moderateComment(
        core,
        request.viewer,
        commentId,
        { action: field(body, 'action'), reason },
        request.actor(),
      );
    } catch (error) {
      return renderModeration(request, reply, {
        errors: errorsOf(error, `reason-${commentId}`),
        reasons: { [commentId]: reason },
      });
    }
    return reply.redirectWithFlash('/admin/budget/moderation', 'budget.proposals.moderation.done');
  });
}
