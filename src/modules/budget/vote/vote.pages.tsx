/**
 * Citizen pages of the vote: /budget/:slug/vote (declaration, arrondissement, overview,
 * confirmation), one page per envelope's basket, and the participation counter. Thin routes:
 * rules, secrecy and audit are in vote.service.ts. Every form works without JavaScript: 303
 * on success, 422 with the error summary and the form as it was sent otherwise.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError } from '../../../core/http/errors.js';
import type { App, RouteRegistrar } from '../../../core/http/types.js';
import type { CoreServices } from '../../../core/services.js';
import type { Campaign, Envelope } from '../proposals/campaigns.store.js';
import { type BasketSubmission, GRADES } from './ballot-rules.js';
import { formatEuros } from './money.js';
import { registerResultPages } from './results.pages.js';
import { campaignView, envelopeView, projectView } from './view-models.js';
import type { BasketValues } from './views/ballot-fields.js';
import type { FormErrors } from './views/common.js';
import { voteHref } from './views/common.js';
import { ParticipationPage } from './views/participation.js';
import {
  ArrondissementPage,
  BasketPage,
  ConfirmationPage,
  DeclarationPage,
  type DeclarationValues,
  IneligiblePage,
  OverviewPage,
  SignInToVotePage,
  type SummaryEnvelope,
  VoteNotOpenPage,
} from './views/vote.js';
import {
  accountProblem,
  BasketError,
  chooseArrondissement,
  confirmBallot,
  declareVoter,
  envelopesFor,
  hasArrondissements,
  isVoteOpen,
  loadVoteCampaign,
  type MyVote,
  myVote,
  projectsOf,
  saveBasket,
  type VoteCampaign,
} from './vote.service.js';
import * as store from './vote.store.js';

type Body = Record<string, unknown>;

/** The first value of a posted field, as text ('' when absent or not text). */
export function field(body: unknown, name: string): string {
  const value = (body as Body | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every value of a repeated field (ticked checkboxes). */
export function fieldList(body: unknown, name: string): string[] {
  const value = (body as Body | undefined)?.[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** A hidden revision field: a small whole number, or a tampered form. */
export function parseRevision(text: string): number | null {
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/** What a basket form sent, as the service reads it and as the form shows it again. */
export function readBasket(
  body: unknown,
  method: Campaign['votingMethod'],
  prefix = '',
): { submission: BasketSubmission; values: BasketValues } {
  if (method === 'majority_judgment') {
    const grades: Record<string, string> = {};
    const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}grade-(\\d{1,9})$`);
    for (const name of Object.keys((body as Body) ?? {})) {
      const match = pattern.exec(name);
      if (match) grades[String(Number(match[1]))] = field(body, name).slice(0, 50);
    }
    return { submission: { kind: 'grades', grades }, values: { selected: [], grades } };
  }
  const numbers = fieldList(body, `${prefix}projects`).map((n) => n.slice(0, 50));
  return {
    submission: { kind: 'selection', projectNumbers: numbers },
    values: { selected: numbers, grades: {} },
  };
}

/** The saved basket of an envelope as form values. */
export function savedValues(vc: VoteCampaign, mine: MyVote, envelopeId: string): BasketValues {
  const numberOf = new Map(vc.projects.map((p) => [p.id, p.number]));
  const lines = mine.lines.filter((l) => l.envelope_id === envelopeId);
  return {
    selected: lines.filter((l) => l.grade === null).map((l) => String(numberOf.get(l.project_id))),
    grades: Object.fromEntries(
      lines
        .filter((l) => l.grade !== null)
        .map((l) => [String(numberOf.get(l.project_id)), GRADES[l.grade!]!]),
    ),
  };
}

export function problemsToErrors(error: BasketError): FormErrors {
  const fields: Record<string, string> = {};
  const params: Record<string, Record<string, string | number>> = {};
  for (const p of error.problems) {
    if (fields[p.field]) continue;
    fields[p.field] = p.code;
    if (p.params) params[p.field] = p.params;
  }
  return { fields, params };
}

/** Money in an error's numbers, shown as euros. */
export function formatErrorParams(errors: FormErrors, format: (cents: number) => string): FormErrors {
  const params: FormErrors['params'] = {};
  for (const [name, values] of Object.entries(errors.params ?? {})) {
    params[name] = { ...values };
    for (const key of ['total', 'amount'] as const) {
      const value = values[key];
      if (typeof value === 'number') params[name]![key] = format(value);
    }
  }
  return { ...errors, params };
}

function signIn(reply: FastifyReply, back: string) {
  return reply.redirect(`/connexion?retour=${encodeURIComponent(back)}`, 303);
}

export const registerVotePages: RouteRegistrar = async (app: App, core: CoreServices) => {
  const params = (request: FastifyRequest) => request.params as { slug: string; code?: string };

  /** The page at /budget/:slug/vote for where the viewer stands. */
  async function voteHome(
    request: FastifyRequest,
    reply: FastifyReply,
    vc: VoteCampaign,
    problem?: string,
    status = 200,
  ) {
    const ctx = reply.ctx();
    const campaign = campaignView(vc.campaign);
    const now = new Date();
    if (!isVoteOpen(vc.campaign, now)) {
      const published = (await store.listResults(core.db, vc.campaign.id)).some((r) => r.published_at);
      return reply.page(
        <VoteNotOpenPage
          ctx={ctx}
          campaign={campaign}
          reason={now < vc.campaign.voteStartsAt ? 'before' : 'closed'}
          resultsPublished={published}
          problem={problem}
        />,
        problem ? 422 : 200,
      );
    }
    const viewer = request.viewer;
    if (!viewer) return reply.page(<SignInToVotePage ctx={ctx} campaign={campaign} />);
    const ineligible = accountProblem(vc.campaign, viewer);
    if (ineligible)
      return reply.page(<IneligiblePage ctx={ctx} campaign={campaign} problem={ineligible} />, 403);
    const mine = await myVote(core, vc.campaign, viewer);
    if (!mine.voter || !mine.ballot) {
      return reply.page(
        <DeclarationPage
          ctx={ctx}
          campaign={campaign}
          values={{ declaration: '', lastName: '', firstName: '', birthDate: '', sworn: false }}
          problem={problem}
        />,
        status,
      );
    }
    const arrondissements = vc.envelopes.filter((e) => e.kind === 'arrondissement');
    if (hasArrondissements(vc) && !mine.ballot.arrondissement_envelope_id) {
      return reply.page(
        <ArrondissementPage
          ctx={ctx}
          campaign={campaign}
          options={arrondissements.map(envelopeView)}
          value=""
          problem={problem}
        />,
        status,
      );
    }
    const cost = new Map(vc.projects.map((p) => [p.id, p.costCents]));
    const statuses = envelopesFor(vc, mine.ballot.arrondissement_envelope_id).map((envelope) => {
      const lines = mine.lines.filter((l) => l.envelope_id === envelope.id);
      return {
        envelope: envelopeView(envelope),
        projectCount: projectsOf(vc, envelope.id).length,
        count: lines.length,
        totalCents: lines.reduce((s, l) => s + (cost.get(l.project_id) ?? 0), 0),
      };
    });
    const arrondissement = arrondissements.find((e) => e.id === mine.ballot!.arrondissement_envelope_id);
    return reply.page(
      <OverviewPage
        ctx={ctx}
        campaign={campaign}
        statuses={statuses}
        state={mine.ballot.state}
        revision={mine.ballot.revision}
        arrondissementLabel={arrondissement?.label ?? null}
        problem={problem}
      />,
      status,
    );
  }

  app.get('/budget/:slug/vote', { schema: { hide: true } }, async (request, reply) => {
    const vc = await loadVoteCampaign(core, params(request).slug, request.viewer);
    return voteHome(request, reply, vc);
  });

  app.post('/budget/:slug/vote/declaration', { schema: { hide: true } }, async (request, reply) => {
    const vc = await loadVoteCampaign(core, params(request).slug, request.viewer);
    const here = voteHref(vc.campaign.slug);
    if (!request.viewer) return signIn(reply, here);
    const body = request.body;
    const values: DeclarationValues = {
      declaration: field(body, 'declaration'),
      lastName: field(body, 'lastName').slice(0, 200),
      firstName: field(body, 'firstName').slice(0, 200),
      birthDate: field(body, 'birthDate').slice(0, 20),
      sworn: field(body, 'sworn') === '1',
    };
    try {
      await declareVoter(core, vc, request.viewer, values, request.actor());
    } catch (error) {
      const ctx = reply.ctx();
      const campaign = campaignView(vc.campaign);
      if (error instanceof BasketError)
        return reply.page(
          <DeclarationPage ctx={ctx} campaign={campaign} values={values} errors={problemsToErrors(error)} />,
          422,
        );
      if (error instanceof DomainError && error.status !== 404) {
        if (error.status === 403)
          return reply.page(<IneligiblePage ctx={ctx} campaign={campaign} problem={error.code} />, 403);
        if (!isVoteOpen(vc.campaign, new Date())) return voteHome(request, reply, vc, error.code, 422);
        return reply.page(
          <DeclarationPage ctx={ctx} campaign={campaign} values={values} problem={error.code} />,
          422,
        );
      }
      throw error;
    }
    return reply.redirectWithFlash(here, 'budget.vote.declaration.done');
  });

  app.post('/budget/:slug/vote/arrondissement', { schema: { hide: true } }, async (request, reply) => {
    const vc = await loadVoteCampaign(core, params(request).slug, request.viewer);
    const here = voteHref(vc.campaign.slug);
    if (!request.viewer) return signIn(reply, here);
    const code = field(request.body, 'arrondissement').slice(0, 50);
    const envelope = vc.envelopes.find((e) => e.kind === 'arrondissement' && e.code === code);
    try {
      await chooseArrondissement(core, vc, request.viewer, envelope?.id ?? '', request.actor());
    } catch (error) {
      if (error instanceof BasketError) {
        return reply.page(
          <ArrondissementPage
            ctx={reply.ctx()}
            campaign={campaignView(vc.campaign)}
            options={vc.envelopes.filter((e) => e.kind === 'arrondissement').map(envelopeView)}
            value={code}
            errors={problemsToErrors(error)}
          />,
          422,
        );
      }
      if (error instanceof DomainError && error.status !== 404)
        return voteHome(request, reply, vc, error.code, 422);
      throw error;
    }
    return reply.redirectWithFlash(here, 'budget.vote.arrondissement.done');
  });

  /** The envelope of a basket page, if the viewer may vote in it. */
  async function basketContext(request: FastifyRequest, reply: FastifyReply) {
    const vc = await loadVoteCampaign(core, params(request).slug, request.viewer);
    const envelope = vc.envelopes.find((e) => e.code === params(request).code);
    if (!envelope) throw new NotFoundError();
    const here = voteHref(vc.campaign.slug);
    if (!request.viewer) return { vc, envelope, redirect: signIn(reply, here) };
    if (!isVoteOpen(vc.campaign, new Date())) return { vc, envelope, redirect: reply.redirect(here, 303) };
    const mine = await myVote(core, vc.campaign, request.viewer);
    if (!mine.ballot || (hasArrondissements(vc) && !mine.ballot.arrondissement_envelope_id))
      return { vc, envelope, redirect: reply.redirect(here, 303) };
    if (envelope.kind === 'arrondissement' && envelope.id !== mine.ballot.arrondissement_envelope_id)
      return { vc, envelope, redirect: reply.redirectWithFlash(here, 'budget.vote.not_your_arrondissement') };
    return { vc, envelope, mine, redirect: null };
  }

  function renderBasket(
    reply: FastifyReply,
    vc: VoteCampaign,
    envelope: Envelope,
    values: BasketValues,
    revision: number,
    extra: { errors?: FormErrors; problem?: string } = {},
    status = 200,
  ) {
    const ctx = reply.ctx();
    const errors = extra.errors
      ? formatErrorParams(extra.errors, (cents) => formatEuros(cents, ctx.locale))
      : undefined;
    return reply.page(
      <BasketPage
        ctx={ctx}
        campaign={campaignView(vc.campaign)}
        envelope={envelopeView(envelope)}
        projects={projectsOf(vc, envelope.id).map(projectView)}
        values={values}
        revision={revision}
        errors={errors}
        problem={extra.problem}
      />,
      status,
    );
  }

  app.get('/budget/:slug/vote/enveloppe/:code', { schema: { hide: true } }, async (request, reply) => {
    const context = await basketContext(request, reply);
    if (context.redirect) return context.redirect;
    const { vc, envelope, mine } = context;
    return renderBasket(reply, vc, envelope, savedValues(vc, mine!, envelope.id), mine!.ballot!.revision);
  });

  /**
   * Saving a basket: the service checks everything (voter, arrondissement, rules) in its
   * transaction, so nothing is read before it; the saved ballot is read only to redraw a
   * refused form.
   */
  app.post('/budget/:slug/vote/enveloppe/:code', { schema: { hide: true } }, async (request, reply) => {
    const vc = await loadVoteCampaign(core, params(request).slug, request.viewer);
    const envelope = vc.envelopes.find((e) => e.code === params(request).code);
    if (!envelope) throw new NotFoundError();
    const here = voteHref(vc.campaign.slug);
    const viewer = request.viewer;
    if (!viewer) return signIn(reply, here);
    if (!isVoteOpen(vc.campaign, new Date())) return voteHome(request, reply, vc, 'budget.vote.closed', 422);
    const body = request.body;
    const { submission, values } = readBasket(body, vc.campaign.votingMethod);
    const revision = parseRevision(field(body, 'revision'));
    const confirm = field(body, 'action') === 'confirm';
    const refuse = async (extra: { errors?: FormErrors; problem?: string }, status: number) => {
      const mine = await myVote(core, vc.campaign, viewer);
      if (!mine.ballot) return voteHome(request, reply, vc, extra.problem, status);
      return renderBasket(reply, vc, envelope, values, mine.ballot.revision, extra, status);
    };
    if (field(body, 'envelope') !== envelope.code || revision === null)
      return refuse({ errors: { fields: { basket: 'budget.vote.tampered' } } }, 422);
    try {
      const result = await saveBasket(
        core,
        vc,
        viewer,
        envelope.id,
        submission,
        revision,
        request.actor(),
        new Date(),
        {
          confirm,
        },
      );
      if (result.confirmed) return reply.redirect(`${here}/confirmation`, 303);
      return reply.redirectWithFlash(
        here,
        result.emptied ? 'budget.vote.basket.emptied' : 'budget.vote.basket.saved',
      );
    } catch (error) {
      if (error instanceof BasketError) return refuse({ errors: problemsToErrors(error) }, 422);
      if (error instanceof DomainError && error.status !== 404) {
        if (
          error.code === 'budget.vote.declaration_first' ||
          error.code === 'budget.vote.arrondissement.choose_first'
        )
          return voteHome(request, reply, vc, error.code, 422);
        // A stale page: what was sent is shown again, against the current revision, to send again.
        return refuse({ problem: error.code }, error.code === 'budget.vote.stale_form' ? 409 : 422);
      }
      throw error;
    }
  });

  app.post('/budget/:slug/vote/confirmer', { schema: { hide: true } }, async (request, reply) => {
    const vc = await loadVoteCampaign(core, params(request).slug, request.viewer);
    const here = voteHref(vc.campaign.slug);
    if (!request.viewer) return signIn(reply, here);
    const revision = parseRevision(field(request.body, 'revision'));
    if (revision === null) return voteHome(request, reply, vc, 'budget.vote.tampered', 422);
    try {
      await confirmBallot(core, vc, request.viewer, revision, request.actor());
    } catch (error) {
      if (error instanceof DomainError && error.status !== 404)
        return voteHome(request, reply, vc, error.code, error.code === 'budget.vote.stale_form' ? 409 : 422);
      throw error;
    }
    return reply.redirect(`${here}/confirmation`, 303);
  });

  app.get('/budget/:slug/vote/confirmation', { schema: { hide: true } }, async (request, reply) => {
    const vc = await loadVoteCampaign(core, params(request).slug, request.viewer);
    const here = voteHref(vc.campaign.slug);
    if (!request.viewer) return signIn(reply, here);
    const mine = await myVote(core, vc.campaign, request.viewer);
    if (mine.ballot?.state !== 'confirmed') return reply.redirect(here, 303);
    const byId = new Map(vc.projects.map((p) => [p.id, p]));
    const summary: SummaryEnvelope[] = envelopesFor(vc, mine.ballot.arrondissement_envelope_id)
      .map((envelope) => ({
        envelope: envelopeView(envelope),
        lines: mine.lines
          .filter((l) => l.envelope_id === envelope.id && byId.has(l.project_id))
          .map((l) => ({ project: projectView(byId.get(l.project_id)!), grade: l.grade }))
          .sort((a, b) => a.project.number - b.project.number),
      }))
      .filter((s) => s.lines.length > 0);
    return reply.page(
      <ConfirmationPage
        ctx={reply.ctx()}
        campaign={campaignView(vc.campaign)}
        summary={summary}
        mailed={Boolean(request.viewer.email)}
      />,
    );
  });

  registerParticipation(app, core);
  await registerResultPages(app, core);
};

// ——— Participation counter ———

const COUNTER_TTL_MS = 5_000;
const counters = new Map<string, { at: number; value: Promise<store.ParticipationCounts> }>();

/** Counted at most every few seconds per process: a popular counter stays cheap. */
function participation(core: CoreServices, campaignId: string): Promise<store.ParticipationCounts> {
  const now = Date.now();
  const cached = counters.get(campaignId);
  if (cached && now - cached.at < COUNTER_TTL_MS) return cached.value;
  const value = store.participationCounts(core.db, campaignId);
  counters.set(campaignId, { at: now, value });
  value.catch(() => counters.delete(campaignId));
  return value;
}

function registerParticipation(app: App, core: CoreServices) {
  const load = async (request: FastifyRequest) => {
    const { slug } = request.params as { slug: string };
    const vc = await loadVoteCampaign(core, slug, request.viewer);
    const started = new Date() >= vc.campaign.voteStartsAt;
    const counts = started ? await participation(core, vc.campaign.id) : null;
    return { vc, counts };
  };

  app.get('/budget/:slug/participation', { schema: { hide: true } }, async (request, reply) => {
    const accept = request.headers.accept ?? '';
    if (accept.includes('application/json') && !accept.includes('text/html'))
      return reply.redirect(
        `/budget/${encodeURIComponent((request.params as { slug: string }).slug)}/participation.json`,
        303,
      );
    const { vc, counts } = await load(request);
    return reply.page(
      <ParticipationPage
        ctx={reply.ctx()}
        campaign={campaignView(vc.campaign)}
        open={isVoteOpen(vc.campaign, new Date())}
        counts={
          counts
            ? {
                confirmed: counts.confirmed,
                online: counts.online,
                booth: counts.booth,
                envelopes: vc.envelopes.map((e) => ({
                  envelope: envelopeView(e),
                  ballots: store.ballotsPerEnvelope(vc.envelopes, counts.byArrondissement).get(e.id) ?? 0,
                })),
              }
            : null
        }
      />,
    );
  });

  app.get('/budget/:slug/participation.json', { schema: { hide: true } }, async (request, reply) => {
    const { vc, counts } = await load(request);
    reply.header('cache-control', 'public, max-age=5');
    return {
      campaign: vc.campaign.slug,
      voteStartsAt: vc.campaign.voteStartsAt.toISOString(),
      voteEndsAt: vc.campaign.voteEndsAt.toISOString(),
      open: isVoteOpen(vc.campaign, new Date()),
      ballots: counts?.confirmed ?? 0,
      online: counts?.online ?? 0,
      booth: counts?.booth ?? 0,
      envelopes: vc.envelopes.map((e) => ({
        code: e.code,
        label: e.label,
        kind: e.kind,
        ballots: counts
          ? (store.ballotsPerEnvelope(vc.envelopes, counts.byArrondissement).get(e.id) ?? 0)
          : 0,
      })),
    };
  });
}
