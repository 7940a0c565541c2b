/**
 * Citizen pages of the proposals part: /budget, /budget/:slug, the list, the form (new and
 * edit; multipart for images, url-encoded works too), the proposal page with support and
 * comments, withdrawal, images, "my proposals". Thin routes: services hold the rules.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError, ValidationError } from '../../../core/http/errors.js';
import type { App, RouteRegistrar } from '../../../core/http/types.js';
import type { CoreServices } from '../../../core/services.js';
import type { PageContext } from '../../../core/views/context.js';
import { phaseInfo } from './campaign.domain.js';
import type { Campaign } from './campaigns.store.js';
import * as campaigns from './campaigns.store.js';
import { type ImageUpload, MAX_IMAGE_BYTES, MAX_IMAGES } from './images.js';
import {
  commentProposal,
  editFormValues,
  editProposal,
  getProposalPage,
  imageFile,
  listProposals,
  myProposals,
  type ProposalFormInput,
  proposeProject,
  setProposalSupport,
  visibleCampaign,
  withdrawProposal,
} from './proposals.service.js';
import { CampaignPage, CampaignsPage } from './views/campaign-pages.js';
import { proposalHref } from './views/common.js';
import { type AreaOption, ProposalFormPage, WithdrawPage } from './views/proposal-form.js';
import { type ListFilterValues, ProposalListPage } from './views/proposal-list.js';
import { type CommentValues, MyProposalsPage, ProposalPage } from './views/proposal-page.js';

const PAGE_SIZE = 20;
type Query = Record<string, string | undefined>;

// ——— Posted forms ———

export interface PostedForm {
  fields: Record<string, string[]>;
  files: (ImageUpload & { truncated: boolean })[];
}

/** Url-encoded bodies give strings (arrays when repeated); multipart ones give parts. */
export function readPostedForm(request: FastifyRequest): PostedForm {
  const body =
    request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  const fields: Record<string, string[]> = {};
  const files: PostedForm['files'] = [];
  for (const [name, raw] of Object.entries(body)) {
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (typeof item === 'string') {
        fields[name] = [...(fields[name] ?? []), item];
        continue;
      }
      if (!item || typeof item !== 'object') continue;
      const part = item as {
        type?: string;
        value?: unknown;
        filename?: string;
        _buf?: Buffer | null;
        file?: { truncated?: boolean };
      };
      if (part.type === 'file') {
        const data = part._buf ?? Buffer.alloc(0);
        if (!part.filename && data.length === 0) continue;
        files.push({ filename: part.filename ?? '', data, truncated: part.file?.truncated === true });
      } else if (part.value !== undefined) {
        fields[name] = [...(fields[name] ?? []), String(part.value)];
      }
    }
  }
  return { fields, files };
}

export const one = (form: PostedForm, name: string): string => form.fields[name]?.[0] ?? '';

function proposalValues(form: PostedForm): ProposalFormInput {
  return {
    title: one(form, 'title').trim(),
    description: one(form, 'description').trim(),
    theme: one(form, 'theme').trim(),
    envelope: one(form, 'envelope').trim(),
    address: one(form, 'address').trim(),
    lat: one(form, 'lat').trim(),
    lon: one(form, 'lon').trim(),
    arrondissement: one(form, 'arrondissement').trim(),
    estimatedCost: one(form, 'estimatedCost').trim(),
    publicName: one(form, 'publicName').trim(),
    coauthors: one(form, 'coauthors').trim(),
  };
}

const emptyValues: ProposalFormInput = {
  title: '',
  description: '',
  theme: '',
  envelope: 'auto',
  address: '',
  lat: '',
  lon: '',
  arrondissement: '',
  estimatedCost: '',
  publicName: '',
  coauthors: '',
};

/** The field errors of a refused use case; 422 domain rules land on `fallback`. */
function errorsOf(error: unknown, fallback: string): Record<string, string> {
  if (error instanceof ValidationError) return error.fields;
  if (error instanceof DomainError && error.status === 422) return { [fallback]: error.code };
  throw error;
}

async function arrondissementOptions(core: CoreServices, ctx: PageContext): Promise<AreaOption[]> {
  const layer = core.config.city.districtLayer;
  return (await core.areas.listAreas())
    .filter((a) => a.layerId === layer)
    .sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true }))
    .map((a) => ({
      code: a.code,
      name:
        a.code === '1'
          ? ctx.t('budget.campaigns.envelope.arrondissement_label_first', { name: a.name })
          : ctx.t('budget.campaigns.envelope.arrondissement_label', { code: a.code, name: a.name }),
    }));
}

const signInFirst = (reply: FastifyReply, back: string) =>
  reply.redirect(`/connexion?retour=${encodeURIComponent(back)}`, 303);

export const registerProposalPages: RouteRegistrar = async (app: App, core: CoreServices) => {
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: true,
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_IMAGE_BYTES, files: MAX_IMAGES + 2, fields: 60, parts: 70 },
    });
    registerForms(scope as unknown as App, core);
  });
  registerPublicPages(app, core);
  registerActions(app, core);
};

// ——— /budget, campaign page, list, proposal page ———

function registerPublicPages(app: App, core: CoreServices) {
  app.get('/budget', { schema: { hide: true } }, async (request, reply) => {
    const manage = core.permissions.can(request.viewer, 'budget.campaigns.manage');
    const list = await campaigns.listCampaigns(core.db, { publishedOnly: !manage });
    const now = new Date();
    const summaries = await Promise.all(
      list.map(async (campaign) => ({
        campaign,
        info: phaseInfo(campaign, now),
        totalCents: (await campaigns.listEnvelopes(core.db, campaign.id)).reduce(
          (n, e) => n + e.amountCents,
          0,
        ),
      })),
    );
    return reply.page(<CampaignsPage ctx={reply.ctx()} campaigns={summaries} />);
  });

  app.get('/budget/images/:id', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const data = await imageFile(core, request.viewer, id);
    if (!data) throw new NotFoundError();
    return reply.header('cache-control', 'public, max-age=86400').type('image/jpeg').send(data);
  });

  app.get('/budget/:slug', { schema: { hide: true } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const campaign = await visibleCampaign(core, request.viewer, slug);
    const now = new Date();
    const [envelopes, projects, proposals] = await Promise.all([
      campaigns.listEnvelopes(core.db, campaign.id),
      campaigns.listProjects(core.db, campaign.id),
      core.db
        .selectFrom('budget_proposal')
        .select(['envelope_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('campaign_id', '=', campaign.id)
        .where('state', '<>', 'withdrawn')
        .groupBy('envelope_id')
        .execute(),
    ]);
    return reply.page(
      <CampaignPage
        ctx={reply.ctx()}
        campaign={campaign}
        info={phaseInfo(campaign, now)}
        envelopes={envelopes}
        projects={projects}
        proposalCounts={new Map(proposals.map((p) => [p.envelope_id, Number(p.n)]))}
        now={now}
      />,
    );
  });

  app.get('/budget/:slug/propositions', { schema: { hide: true } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const campaign = await visibleCampaign(core, request.viewer, slug);
    const query = request.query as Query;
    const values: ListFilterValues = {
      enveloppe: (query.enveloppe ?? '').trim(),
      theme: (query.theme ?? '').trim(),
      etat: (query.etat ?? '').trim(),
      q: (query.q ?? '').trim().slice(0, 200),
    };
    const filters = { envelopeId: values.enveloppe, theme: values.theme, state: values.etat, q: values.q };
    const requested = Math.max(1, Math.floor(Number(query.page)) || 1);
    let result = await listProposals(core, campaign, filters, { page: requested, pageSize: PAGE_SIZE });
    const pageCount = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const page = Math.min(requested, pageCount);
    if (page !== requested)
      result = await listProposals(core, campaign, filters, { page, pageSize: PAGE_SIZE });
    return reply.page(
      <ProposalListPage
        ctx={reply.ctx()}
        campaign={campaign}
        envelopes={await campaigns.listEnvelopes(core.db, campaign.id)}
        values={values}
        items={result.items}
        total={result.total}
        page={page}
        pageCount={pageCount}
        points={result.points}
        now={new Date()}
      />,
    );
  });

  app.get('/budget/:slug/propositions/:reference', { schema: { hide: true } }, async (request, reply) => {
    const { slug, reference } = request.params as { slug: string; reference: string };
    const data = await getProposalPage(core, request.viewer, slug, reference);
    return reply.page(<ProposalPage ctx={reply.ctx()} data={data} comment={{ body: '', commentName: '' }} />);
  });

  app.get(
    '/budget/:slug/propositions/:reference/retirer',
    { schema: { hide: true } },
    async (request, reply) => {
      const { slug, reference } = request.params as { slug: string; reference: string };
      const here = proposalHref(slug, reference);
      if (!request.viewer) return signInFirst(reply, `${here}/retirer`);
      const data = await getProposalPage(core, request.viewer, slug, reference);
      if (!data.canWithdraw) return reply.redirect(here, 303);
      return reply.page(
        <WithdrawPage
          ctx={reply.ctx()}
          campaign={data.campaign}
          reference={data.proposal.reference}
          title={data.proposal.title}
        />,
      );
    },
  );

  app.get('/compte/budget', { schema: { hide: true } }, async (request, reply) => {
    if (!request.viewer) return signInFirst(reply, '/compte/budget');
    return reply.page(<MyProposalsPage ctx={reply.ctx()} rows={await myProposals(core, request.viewer)} />);
  });
}

// ——— Images kept between a refused form and the next try (a file input cannot be refilled) ———

const DRAFT_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DRAFT_TTL_MS = 2 * 60 * 60 * 1000;

function draftsRoot(core: CoreServices): string {
  return path.join(core.config.dataDir, 'files', 'budget-drafts');
}

async function keptImages(core: CoreServices, key: string): Promise<ImageUpload[]> {
  if (!DRAFT_KEY.test(key)) return [];
  const dir = path.join(draftsRoot(core), key);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^\d+\.bin$/.test(n)).sort();
  return Promise.all(
    names.map(async (name) => ({ filename: name, data: await readFile(path.join(dir, name)) })),
  );
}

async function keepImages(core: CoreServices, key: string, images: ImageUpload[]): Promise<void> {
  const dir = path.join(draftsRoot(core), key);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await Promise.all(images.map((image, i) => writeFile(path.join(dir, `${i}.bin`), image.data)));
  // Forms left half-way leave images behind: remove the old ones whenever new ones are kept.
  const limit = Date.now() - DRAFT_TTL_MS;
  for (const name of await readdir(draftsRoot(core)).catch(() => [] as string[])) {
    const info = await stat(path.join(draftsRoot(core), name)).catch(() => null);
    if (info && info.mtimeMs < limit)
      await rm(path.join(draftsRoot(core), name), { recursive: true, force: true });
  }
}

async function dropImages(core: CoreServices, key: string): Promise<void> {
  if (DRAFT_KEY.test(key)) await rm(path.join(draftsRoot(core), key), { recursive: true, force: true });
}

/** The images of this try: those kept from the last one, then the new files. */
async function imagesOf(core: CoreServices, form: PostedForm) {
  const given = one(form, 'draft');
  const draft = DRAFT_KEY.test(given) ? given : randomUUID();
  const kept = await keptImages(core, draft);
  return { draft, uploads: [...kept, ...form.files.map(({ filename, data }) => ({ filename, data }))] };
}

/** After a refusal: keep the images for the next try, unless they are what was refused. */
async function afterRefusal(
  core: CoreServices,
  draft: string,
  uploads: ImageUpload[],
  errors: Record<string, string>,
) {
  if (errors.images || uploads.length === 0) {
    await dropImages(core, draft);
    return { keptImages: 0, imagesLost: uploads.length > 0 };
  }
  await keepImages(core, draft, uploads);
  return { keptImages: uploads.length, imagesLost: false };
}

// ——— The form (new and edit) ———

function registerForms(app: App, core: CoreServices) {
  const renderForm = async (
    reply: FastifyReply,
    campaign: Campaign,
    props: {
      values: ProposalFormInput;
      errors?: Record<string, string>;
      mode: 'new' | 'edit';
      reference?: string;
      images?: { id: string; url: string }[];
      removeImages?: string[];
      canManageAuthors?: boolean;
      imagesLost?: boolean;
      draft?: string;
      keptImages?: number;
    },
    status = 200,
  ) => {
    const ctx = reply.ctx();
    return reply.page(
      <ProposalFormPage
        ctx={ctx}
        campaign={campaign}
        envelopes={await campaigns.listEnvelopes(core.db, campaign.id)}
        arrondissements={await arrondissementOptions(core, ctx)}
        {...props}
      />,
      status,
    );
  };

  /** The form only while submission is open: otherwise the campaign page says why. */
  const closedRedirect = (reply: FastifyReply, campaign: Campaign) =>
    reply.redirectWithFlash(
      `/budget/${encodeURIComponent(campaign.slug)}`,
      'budget.proposals.submission_closed',
    );

  app.get('/budget/:slug/propositions/nouvelle', { schema: { hide: true } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const campaign = await visibleCampaign(core, request.viewer, slug);
    if (!request.viewer)
      return signInFirst(reply, `/budget/${encodeURIComponent(slug)}/propositions/nouvelle`);
    if (phaseInfo(campaign, new Date()).phase !== 'submission') return closedRedirect(reply, campaign);
    return renderForm(reply, campaign, { values: emptyValues, mode: 'new' });
  });

  app.post('/budget/:slug/propositions/nouvelle', { schema: { hide: true } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const campaign = await visibleCampaign(core, request.viewer, slug);
    if (!request.viewer)
      return signInFirst(reply, `/budget/${encodeURIComponent(slug)}/propositions/nouvelle`);
    const form = readPostedForm(request);
    const values = proposalValues(form);
    const { draft, uploads } = await imagesOf(core, form);
    const refuse = async (errors: Record<string, string>) =>
      renderForm(
        reply,
        campaign,
        { values, mode: 'new', errors, draft, ...(await afterRefusal(core, draft, uploads, errors)) },
        422,
      );
    if (form.files.some((f) => f.truncated))
      return refuse({ images: 'budget.proposals.form.image_too_large' });
    try {
      const result = await proposeProject(core, request.viewer, slug, values, uploads, request.actor());
      await dropImages(core, draft);
      return reply.redirectWithFlash(
        proposalHref(campaign.slug, result.reference),
        'budget.proposals.form.submitted',
      );
    } catch (error) {
      return refuse(errorsOf(error, 'title'));
    }
  });

  app.get(
    '/budget/:slug/propositions/:reference/modifier',
    { schema: { hide: true } },
    async (request, reply) => {
      const { slug, reference } = request.params as { slug: string; reference: string };
      if (!request.viewer) return signInFirst(reply, `${proposalHref(slug, reference)}/modifier`);
      const { page, values, images } = await editFormValues(core, request.viewer, slug, reference);
      if (page.rights.editClosedReason)
        return reply.redirectWithFlash(
          proposalHref(page.campaign.slug, page.proposal.reference),
          page.rights.editClosedReason,
        );
      return renderForm(reply, page.campaign, {
        values,
        mode: 'edit',
        reference: page.proposal.reference,
        images,
        canManageAuthors: page.rights.isMainAuthor,
      });
    },
  );

  app.post(
    '/budget/:slug/propositions/:reference/modifier',
    { schema: { hide: true } },
    async (request, reply) => {
      const { slug, reference } = request.params as { slug: string; reference: string };
      if (!request.viewer) return signInFirst(reply, `${proposalHref(slug, reference)}/modifier`);
      const { page, images } = await editFormValues(core, request.viewer, slug, reference);
      const form = readPostedForm(request);
      const values = proposalValues(form);
      const removeImages = form.fields.removeImages ?? [];
      const here = proposalHref(page.campaign.slug, page.proposal.reference);
      const { draft, uploads } = await imagesOf(core, form);
      const refuse = async (errors: Record<string, string>) =>
        renderForm(
          reply,
          page.campaign,
          {
            values,
            mode: 'edit',
            reference: page.proposal.reference,
            images,
            removeImages,
            canManageAuthors: page.rights.isMainAuthor,
            errors,
            draft,
            ...(await afterRefusal(core, draft, uploads, errors)),
          },
          422,
        );
      if (form.files.some((f) => f.truncated))
        return refuse({ images: 'budget.proposals.form.image_too_large' });
      try {
        await editProposal(
          core,
          request.viewer,
          slug,
          reference,
          values,
          uploads,
          removeImages,
          request.actor(),
        );
      } catch (error) {
        // Closed meanwhile (deadline, an agent took it up): the page says so.
        if (
          error instanceof DomainError &&
          (error.code === 'budget.proposals.edit.closed' ||
            error.code === 'budget.proposals.edit.under_study')
        ) {
          await dropImages(core, draft);
          return reply.redirectWithFlash(here, error.code);
        }
        return refuse(errorsOf(error, 'title'));
      }
      await dropImages(core, draft);
      return reply.redirectWithFlash(here, 'budget.proposals.form.saved');
    },
  );
}

// ——— Support, comment, withdraw ———

function registerActions(app: App, core: CoreServices) {
  app.post(
    '/budget/:slug/propositions/:reference/soutien',
    { schema: { hide: true } },
    async (request, reply) => {
      const { slug, reference } = request.params as { slug: string; reference: string };
      const here = proposalHref(slug, reference);
      if (!request.viewer) return signInFirst(reply, here);
      const on = one(readPostedForm(request), 'support') !== '0';
      try {
        await setProposalSupport(core, request.viewer, slug, reference, on, request.actor());
      } catch (error) {
        if (error instanceof DomainError && error.status === 422)
          return reply.redirectWithFlash(here, error.code);
        throw error;
      }
      return reply.redirectWithFlash(
        here,
        on ? 'budget.proposals.support.added' : 'budget.proposals.support.removed',
      );
    },
  );

  app.post(
    '/budget/:slug/propositions/:reference/commentaires',
    { schema: { hide: true } },
    async (request, reply) => {
      const { slug, reference } = request.params as { slug: string; reference: string };
      const here = proposalHref(slug, reference);
      if (!request.viewer) return signInFirst(reply, here);
      const form = readPostedForm(request);
      const comment: CommentValues = { body: one(form, 'body'), commentName: one(form, 'commentName') };
      try {
        const id = await commentProposal(
          core,
          request.viewer,
          slug,
          reference,
          { body: comment.body, publicName: comment.commentName },
          request.actor(),
        );
        return reply.redirectWithFlash(`${here}#commentaire-${id}`, 'budget.proposals.comments.sent');
      } catch (error) {
        const errors = errorsOf(error, 'body');
        const data = await getProposalPage(core, request.viewer, slug, reference);
        return reply.page(
          <ProposalPage ctx={reply.ctx()} data={data} comment={comment} errors={errors} />,
          422,
        );
      }
    },
  );

  app.post(
    '/budget/:slug/propositions/:reference/retirer',
    { schema: { hide: true } },
    async (request, reply) => {
      const { slug, reference } = request.params as { slug: string; reference: string };
      const here = proposalHref(slug, reference);
      if (!request.viewer) return signInFirst(reply, here);
      try {
        await withdrawProposal(core, request.viewer, slug, reference, request.actor());
      } catch (error) {
        if (error instanceof DomainError && error.status === 422)
          return reply.redirectWithFlash(here, error.code);
        throw error;
      }
      return reply.redirectWithFlash(here, 'budget.proposals.withdraw.done');
    },
  );
}
