/**
 * Back office of campaigns and envelopes (/admin/budget, /admin/budget/campagnes/…). Every
 * form works without JavaScript: 303 on success, 422 with the form filled again.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError, ValidationError } from '../../../core/http/errors.js';
import type { App } from '../../../core/http/types.js';
import { listDirectorates } from '../../../core/org/org.store.js';
import type { CoreServices } from '../../../core/services.js';
import { bodyOf, field } from '../../backoffice/common.js';
import {
  type CampaignFormInput,
  campaignFormDays,
  campaignPhase,
  centsToInput,
  routeField,
  THEMES,
  UNROUTED,
} from './campaign.domain.js';
import {
  addEnvelope,
  createArrondissementEnvelopes,
  createCampaign,
  deleteEnvelope,
  setPublished,
  updateCampaign,
  updateEnvelope,
  updateThemeRoutes,
} from './campaigns.service.js';
import type { Campaign } from './campaigns.store.js';
import * as campaigns from './campaigns.store.js';
import {
  adminCampaignHref,
  CampaignsAdminPage,
  EditCampaignPage,
  type EnvelopeFormValues,
  EnvelopePage,
  NewCampaignPage,
} from './views/admin-campaigns.js';

const emptyCampaign: CampaignFormInput = {
  slug: '',
  title: '',
  description: '',
  submissionStart: '',
  submissionEnd: '',
  studyStart: '',
  studyEnd: '',
  voteStart: '',
  voteEnd: '',
  resultsDay: '',
  implementationStart: '',
  votingMethod: 'majority_judgment',
  maxChoices: '',
  minSpendPercent: '',
  selectionRule: 'greedy',
};

const emptyEnvelope: EnvelopeFormValues = { kind: 'earmarked', code: '', label: '', amount: '' };

function campaignValues(body: Record<string, unknown>): CampaignFormInput {
  const out = { ...emptyCampaign };
  for (const key of Object.keys(emptyCampaign) as (keyof CampaignFormInput)[]) out[key] = field(body, key);
  return out;
}

function storedValues(campaign: Campaign): CampaignFormInput {
  return {
    slug: campaign.slug,
    title: campaign.title,
    description: campaign.description,
    ...campaignFormDays(campaign),
    votingMethod: campaign.votingMethod,
    maxChoices: campaign.maxChoices === null ? '' : String(campaign.maxChoices),
    minSpendPercent: String(campaign.minSpendPercent),
    selectionRule: campaign.selectionRule,
  };
}

/** Field errors of a refused use case; other 4xx rules go on `fallback`. */
function errorsOf(error: unknown, fallback: string): Record<string, string> {
  if (error instanceof ValidationError) return error.fields;
  if (error instanceof DomainError && (error.status === 422 || error.status === 409))
    return { [fallback]: error.code };
  throw error;
}

export function registerCampaignAdmin(app: App, core: CoreServices) {
  const managed = async (request: FastifyRequest): Promise<Campaign> => {
    core.permissions.assert(request.viewer, 'budget.campaigns.manage');
    const { slug } = request.params as { slug: string };
    const campaign = await campaigns.findCampaignBySlug(core.db, slug);
    if (!campaign) throw new NotFoundError();
    return campaign;
  };

  const renderEdit = async (
    reply: FastifyReply,
    campaign: Campaign,
    extra: {
      values?: CampaignFormInput;
      errors?: Record<string, string>;
      envelope?: EnvelopeFormValues;
      envelopeErrors?: Record<string, string>;
      arrondissementAmount?: string;
      arrondissementErrors?: Record<string, string>;
      routes?: Record<string, string>;
      routeErrors?: Record<string, string>;
    } = {},
    status = 200,
  ) => {
    const envelopes = await campaigns.listEnvelopes(core.db, campaign.id);
    const directorates = await listDirectorates(core.db);
    const layer = core.config.city.districtLayer;
    const areas = (await core.areas.listAreas()).filter((a) => a.layerId === layer);
    const taken = new Set(envelopes.filter((e) => e.kind === 'arrondissement').map((e) => e.code));
    return reply.page(
      <EditCampaignPage
        ctx={reply.ctx()}
        campaign={campaign}
        phase={campaignPhase(campaign, new Date())}
        values={extra.values ?? storedValues(campaign)}
        errors={extra.errors}
        envelopes={envelopes}
        envelope={extra.envelope ?? emptyEnvelope}
        envelopeErrors={extra.envelopeErrors}
        arrondissementAmount={extra.arrondissementAmount ?? ''}
        arrondissementErrors={extra.arrondissementErrors}
        arrondissementsAvailable={areas.filter((a) => !taken.has(a.code)).length}
        directorates={directorates.map((d) => ({ id: d.id, code: d.code, name: d.name }))}
        routes={extra.routes ?? (await storedRoutes(campaign.id))}
        routeErrors={extra.routeErrors}
      />,
      status,
    );
  };

  /** The campaign's map as the routing form shows it: a directorate id or UNROUTED per theme. */
  const storedRoutes = async (campaignId: string): Promise<Record<string, string>> => {
    const routes = await campaigns.listThemeRoutes(core.db, campaignId);
    return Object.fromEntries(THEMES.map((theme) => [routeField(theme), routes.get(theme) ?? UNROUTED]));
  };

  app.get('/admin/budget', async (request, reply) => {
    core.permissions.assert(request.viewer, 'budget.campaigns.manage');
    const [list, counts] = await Promise.all([
      campaigns.listCampaigns(core.db),
      campaigns.campaignCounts(core.db),
    ]);
    const now = new Date();
    return reply.page(
      <CampaignsAdminPage
        ctx={reply.ctx()}
        campaigns={list.map((campaign) => ({
          campaign,
          phase: campaignPhase(campaign, now),
          counts: counts.get(campaign.id) ?? { envelopes: 0, proposals: 0, projects: 0 },
        }))}
      />,
    );
  });

  app.get('/admin/budget/campagnes/nouvelle', async (request, reply) => {
    core.permissions.assert(request.viewer, 'budget.campaigns.manage');
    return reply.page(<NewCampaignPage ctx={reply.ctx()} values={emptyCampaign} />);
  });

  app.post('/admin/budget/campagnes/nouvelle', async (request, reply) => {
    core.permissions.assert(request.viewer, 'budget.campaigns.manage');
    const values = campaignValues(bodyOf(request));
    try {
      const campaign = await createCampaign(core, request.viewer, values, request.actor());
      return reply.redirectWithFlash(adminCampaignHref(campaign.slug), 'budget.campaigns.admin.created');
    } catch (error) {
      return reply.page(
        <NewCampaignPage ctx={reply.ctx()} values={values} errors={errorsOf(error, 'title')} />,
        422,
      );
    }
  });

  app.get('/admin/budget/campagnes/:slug', async (request, reply) => {
    const campaign = await managed(request);
    return renderEdit(reply, campaign);
  });

  app.post('/admin/budget/campagnes/:slug', async (request, reply) => {
    const campaign = await managed(request);
    const values = campaignValues(bodyOf(request));
    try {
      const saved = await updateCampaign(core, request.viewer, campaign.id, values, request.actor());
      return reply.redirectWithFlash(adminCampaignHref(saved.slug), 'budget.campaigns.admin.saved');
    } catch (error) {
      return renderEdit(reply, campaign, { values, errors: errorsOf(error, 'votingMethod') }, 422);
    }
  });

  app.post('/admin/budget/campagnes/:slug/publication', async (request, reply) => {
    const campaign = await managed(request);
    const published = field(bodyOf(request), 'published') === '1';
    try {
      await setPublished(core, request.viewer, campaign.id, published, request.actor());
    } catch (error) {
      if (error instanceof DomainError && error.status === 422)
        return reply.redirectWithFlash(adminCampaignHref(campaign.slug), error.code);
      throw error;
    }
    return reply.redirectWithFlash(
      adminCampaignHref(campaign.slug),
      published ? 'budget.campaigns.admin.published_done' : 'budget.campaigns.admin.unpublished_done',
    );
  });

  app.post('/admin/budget/campagnes/:slug/orientation', async (request, reply) => {
    const campaign = await managed(request);
    const body = bodyOf(request);
    const routes = Object.fromEntries(
      THEMES.map((theme) => [routeField(theme), field(body, routeField(theme))]),
    );
    try {
      await updateThemeRoutes(core, request.viewer, campaign.id, routes, request.actor());
    } catch (error) {
      return renderEdit(
        reply,
        campaign,
        { routes, routeErrors: errorsOf(error, routeField(THEMES[0])) },
        422,
      );
    }
    return reply.redirectWithFlash(adminCampaignHref(campaign.slug), 'budget.campaigns.routing.saved');
  });

  app.post('/admin/budget/campagnes/:slug/enveloppes', async (request, reply) => {
    const campaign = await managed(request);
    const body = bodyOf(request);
    const envelope: EnvelopeFormValues = {
      kind: field(body, 'kind'),
      code: field(body, 'code'),
      label: field(body, 'label'),
      amount: field(body, 'amount'),
    };
    try {
      await addEnvelope(core, request.viewer, campaign.id, envelope, request.actor());
    } catch (error) {
      return renderEdit(reply, campaign, { envelope, envelopeErrors: errorsOf(error, 'label') }, 422);
    }
    return reply.redirectWithFlash(adminCampaignHref(campaign.slug), 'budget.campaigns.admin.envelope_added');
  });

  app.post('/admin/budget/campagnes/:slug/arrondissements', async (request, reply) => {
    const campaign = await managed(request);
    const amount = field(bodyOf(request), 'arrondissementAmount');
    try {
      await createArrondissementEnvelopes(
        core,
        request.viewer,
        campaign.id,
        amount,
        request.t,
        request.actor(),
      );
    } catch (error) {
      const errors = errorsOf(error, 'amount');
      return renderEdit(
        reply,
        campaign,
        {
          arrondissementAmount: amount,
          arrondissementErrors: Object.fromEntries(
            Object.entries(errors).map(([, key]) => ['arrondissementAmount', key]),
          ),
        },
        422,
      );
    }
    return reply.redirectWithFlash(
      adminCampaignHref(campaign.slug),
      'budget.campaigns.admin.arrondissements_done',
    );
  });

  const envelopeOf = async (request: FastifyRequest, campaign: Campaign) => {
    const { envelopeId } = request.params as { envelopeId: string };
    const envelope = await campaigns.findEnvelope(core.db, campaign.id, envelopeId);
    if (!envelope) throw new NotFoundError();
    return envelope;
  };

  app.get('/admin/budget/campagnes/:slug/enveloppes/:envelopeId', async (request, reply) => {
    const campaign = await managed(request);
    const envelope = await envelopeOf(request, campaign);
    return reply.page(
      <EnvelopePage
        ctx={reply.ctx()}
        campaign={campaign}
        envelope={envelope}
        values={{
          kind: envelope.kind,
          code: envelope.code,
          label: envelope.label,
          amount: centsToInput(envelope.amountCents),
        }}
      />,
    );
  });

  app.post('/admin/budget/campagnes/:slug/enveloppes/:envelopeId', async (request, reply) => {
    const campaign = await managed(request);
    const envelope = await envelopeOf(request, campaign);
    const body = bodyOf(request);
    const values: EnvelopeFormValues = {
      kind: envelope.kind,
      code: envelope.kind === 'arrondissement' ? envelope.code : field(body, 'code'),
      label: field(body, 'label'),
      amount: field(body, 'amount'),
    };
    try {
      await updateEnvelope(core, request.viewer, campaign.id, envelope.id, values, request.actor());
    } catch (error) {
      return reply.page(
        <EnvelopePage
          ctx={reply.ctx()}
          campaign={campaign}
          envelope={envelope}
          values={values}
          errors={errorsOf(error, 'amount')}
        />,
        422,
      );
    }
    return reply.redirectWithFlash(adminCampaignHref(campaign.slug), 'budget.campaigns.admin.envelope_saved');
  });

  app.post('/admin/budget/campagnes/:slug/enveloppes/:envelopeId/supprimer', async (request, reply) => {
    const campaign = await managed(request);
    const envelope = await envelopeOf(request, campaign);
    try {
      await deleteEnvelope(core, request.viewer, campaign.id, envelope.id, request.actor());
    } catch (error) {
      if (error instanceof DomainError && (error.status === 409 || error.status === 422))
        return reply.redirectWithFlash(adminCampaignHref(campaign.slug), error.code);
      throw error;
    }
    return reply.redirectWithFlash(
      adminCampaignHref(campaign.slug),
      'budget.campaigns.admin.envelope_deleted',
    );
  });
}
