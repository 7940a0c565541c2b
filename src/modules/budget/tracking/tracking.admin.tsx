/**
 * Back office of the tracking under /admin/budget/realisations: the list of winners of the
 * agent's directorates and one winner's page with its forms (status and progress, abandon,
 * milestone with photos, planned milestone reached), and a milestone's own pages (edit it,
 * delete it after a confirmation page). 303 on success, 422 with the values kept.
 */
import fastifyMultipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError, ValidationError } from '../../../core/http/errors.js';
import type { App } from '../../../core/http/types.js';
import type { CoreServices } from '../../../core/services.js';
import { bodyOf, type FormBody, field, fieldList, requireAgent } from '../../backoffice/common.js';
import { cityToday, MAX_PHOTOS } from './tracking.domain.js';
import {
  abandonProject,
  addMilestone,
  agentWinners,
  deleteMilestone,
  editMilestone,
  getProjectForAgent,
  MANAGE_PERMISSION,
  markMilestoneReached,
  type PhotoUpload,
  updateProjectStatus,
} from './tracking.service.js';
import {
  ADMIN_BASE,
  type AdminFilterValues,
  AdminListPage,
  AdminMilestoneDeletePage,
  AdminMilestoneEditPage,
  AdminProjectPage,
  type AdminProjectValues,
  adminProjectHref,
  emptyAdminValues,
  type MilestoneEditValues,
  milestoneEditValues,
} from './views/admin.js';

const PAGE_SIZE = 50;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** A file as onFile below leaves it in the body. */
interface UploadedFile {
  filename: string;
  data: Buffer;
  truncated: boolean;
}

function isUploadedFile(value: unknown): value is UploadedFile {
  return !!value && typeof value === 'object' && Buffer.isBuffer((value as UploadedFile).data);
}

/** The files of a field; an empty file input still sends a part, with no name and no bytes. */
function filesOf(body: FormBody, name: string): UploadedFile[] {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter(isUploadedFile).filter((f) => f.filename !== '' || f.data.length > 0);
}

type Params = { slug: string; number: string };

export async function registerTrackingAdmin(app: App, core: CoreServices): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      // An oversized photo comes back as a form error (422), not as a bare 413.
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS + 2, fields: 30, parts: 40 },
      async onFile(part) {
        const data = await part.toBuffer();
        (part as unknown as { value: unknown }).value = {
          filename: part.filename,
          data,
          truncated: part.file.truncated,
        } satisfies UploadedFile;
      },
    });
    scope.addHook('onRequest', requireAgent);
    register(scope as unknown as App, core);
  });
}

function register(app: App, core: CoreServices) {
  app.get(ADMIN_BASE, { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, MANAGE_PERMISSION);
    const query = request.query as Record<string, string | undefined>;
    const values: AdminFilterValues = {
      campagne: (query.campagne ?? '').trim().slice(0, 100),
      statut: (query.statut ?? '').trim().slice(0, 20),
      retard: query.retard === '1',
    };
    const filters = { campaign: values.campagne, status: values.statut, late: values.retard };
    const requested = Math.max(1, Math.floor(Number(query.page)) || 1);
    let result = await agentWinners(core, request.viewer, filters, { page: requested, pageSize: PAGE_SIZE });
    const pageCount = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const page = Math.min(requested, pageCount);
    if (page !== requested)
      result = await agentWinners(core, request.viewer, filters, { page, pageSize: PAGE_SIZE });
    return reply.page(
      <AdminListPage
        ctx={reply.ctx()}
        values={values}
        facets={result.facets}
        winners={result.items}
        total={result.total}
        page={page}
        pageCount={pageCount}
      />,
    );
  });

  const load = (request: FastifyRequest) => {
    const { slug, number } = request.params as Params;
    return getProjectForAgent(core, request.viewer, slug, number);
  };

  /** The page again with what was typed and the errors, 422. */
  const refuse = async (
    request: FastifyRequest,
    reply: FastifyReply,
    typed: Partial<AdminProjectValues>,
    errors: Record<string, string>,
  ) => {
    const project = await load(request);
    const today = cityToday();
    const values = { ...emptyAdminValues(project, today), ...typed };
    return reply.page(
      <AdminProjectPage ctx={reply.ctx()} project={project} values={values} errors={errors} today={today} />,
      422,
    );
  };

  /** A refused use case: its field errors (renamed for this page), or a rule shown on `fallback`. */
  const errorsOf = (error: unknown, fallback: string, rename: Record<string, string> = {}) => {
    if (error instanceof ValidationError) {
      const out: Record<string, string> = {};
      for (const [name, key] of Object.entries(error.fields)) out[rename[name] ?? name] ??= key;
      return out;
    }
    if (error instanceof DomainError && error.status === 422) return { [fallback]: error.code };
    throw error;
  };

  app.get(`${ADMIN_BASE}/:slug/:number`, { schema: { hide: true } }, async (request, reply) => {
    const project = await load(request);
    const today = cityToday();
    return reply.page(
      <AdminProjectPage
        ctx={reply.ctx()}
        project={project}
        values={emptyAdminValues(project, today)}
        today={today}
      />,
    );
  });

  app.post(`${ADMIN_BASE}/:slug/:number/statut`, { schema: { hide: true } }, async (request, reply) => {
    const project = await load(request);
    const body = bodyOf(request);
    const typed = { status: field(body, 'status'), progress: field(body, 'progress') };
    try {
      const changed = await updateProjectStatus(core, request.viewer, project.id, typed, request.actor());
      return reply.redirectWithFlash(
        adminProjectHref(project),
        changed ? 'budget.tracking.admin.status_saved' : 'budget.tracking.admin.nothing_changed',
      );
    } catch (error) {
      return refuse(request, reply, typed, errorsOf(error, 'status'));
    }
  });

  app.post(`${ADMIN_BASE}/:slug/:number/abandon`, { schema: { hide: true } }, async (request, reply) => {
    const project = await load(request);
    const reason = field(bodyOf(request), 'reason');
    try {
      await abandonProject(core, request.viewer, project.id, reason, request.actor());
      return reply.redirectWithFlash(adminProjectHref(project), 'budget.tracking.admin.abandoned');
    } catch (error) {
      return refuse(request, reply, { reason }, errorsOf(error, 'reason', { status: 'reason' }));
    }
  });

  app.post(`${ADMIN_BASE}/:slug/:number/etapes`, { schema: { hide: true } }, async (request, reply) => {
    const project = await load(request);
    const body = bodyOf(request);
    const typed = {
      kind: field(body, 'kind'),
      date: field(body, 'date'),
      title: field(body, 'title'),
      description: field(body, 'description'),
      milestoneStatus: field(body, 'milestoneStatus'),
      milestoneProgress: field(body, 'milestoneProgress'),
    };
    const files = filesOf(body, 'photos');
    if (files.some((f) => f.truncated))
      return refuse(request, reply, typed, { photos: 'budget.tracking.errors.photo_too_large' });
    const photos: PhotoUpload[] = files.map((f) => ({ filename: f.filename, data: f.data }));
    try {
      await addMilestone(
        core,
        request.viewer,
        project.id,
        {
          kind: typed.kind,
          date: typed.date,
          title: typed.title,
          description: typed.description,
          status: typed.milestoneStatus,
          progress: typed.milestoneProgress,
          photos,
        },
        request.actor(),
      );
      return reply.redirectWithFlash(adminProjectHref(project), 'budget.tracking.admin.milestone_saved');
    } catch (error) {
      return refuse(
        request,
        reply,
        typed,
        errorsOf(error, 'title', { status: 'milestoneStatus', progress: 'milestoneProgress' }),
      );
    }
  });

  app.post(
    `${ADMIN_BASE}/:slug/:number/etapes/:milestoneId/atteinte`,
    { schema: { hide: true } },
    async (request, reply) => {
      const project = await load(request);
      const { milestoneId } = request.params as Params & { milestoneId: string };
      if (!project.tracking.milestones.some((m) => m.id === milestoneId)) throw new NotFoundError();
      const fieldName = `reachedOn-${milestoneId}`;
      const day = field(bodyOf(request), fieldName);
      try {
        await markMilestoneReached(core, request.viewer, milestoneId, day, request.actor());
        return reply.redirectWithFlash(adminProjectHref(project), 'budget.tracking.admin.milestone_reached');
      } catch (error) {
        return refuse(
          request,
          reply,
          { reachedOn: { [milestoneId]: day } },
          errorsOf(error, fieldName, { reachedOn: fieldName }),
        );
      }
    },
  );

  /** The project of the address and one of its milestones (404 when it is another project's). */
  const loadMilestone = async (request: FastifyRequest) => {
    const project = await load(request);
    const { milestoneId } = request.params as Params & { milestoneId: string };
    const milestone = project.tracking.milestones.find((m) => m.id === milestoneId);
    if (!milestone) throw new NotFoundError();
    return { project, milestone };
  };

  const editPath = `${ADMIN_BASE}/:slug/:number/etapes/:milestoneId/modifier`;

  app.get(editPath, { schema: { hide: true } }, async (request, reply) => {
    const { project, milestone } = await loadMilestone(request);
    return reply.page(
      <AdminMilestoneEditPage
        ctx={reply.ctx()}
        project={project}
        milestone={milestone}
        values={milestoneEditValues(milestone)}
      />,
    );
  });

  app.post(editPath, { schema: { hide: true } }, async (request, reply) => {
    const { project, milestone } = await loadMilestone(request);
    const body = bodyOf(request);
    const typed: MilestoneEditValues = {
      date: field(body, 'date'),
      title: field(body, 'title'),
      description: field(body, 'description'),
      removePhotos: fieldList(body, 'removePhotos'),
    };
    const again = async (errors: Record<string, string>) =>
      reply.page(
        <AdminMilestoneEditPage
          ctx={reply.ctx()}
          project={project}
          milestone={milestone}
          values={typed}
          errors={errors}
        />,
        422,
      );
    const files = filesOf(body, 'photos');
    if (files.some((f) => f.truncated)) return again({ photos: 'budget.tracking.errors.photo_too_large' });
    try {
      const changed = await editMilestone(
        core,
        request.viewer,
        milestone.id,
        {
          date: typed.date,
          title: typed.title,
          description: typed.description,
          removePhotoIds: typed.removePhotos,
          photos: files.map((f) => ({ filename: f.filename, data: f.data })),
        },
        request.actor(),
      );
      return reply.redirectWithFlash(
        adminProjectHref(project),
        changed ? 'budget.tracking.admin.milestone_updated' : 'budget.tracking.admin.nothing_changed',
      );
    } catch (error) {
      return again(errorsOf(error, 'title'));
    }
  });

  const deletePath = `${ADMIN_BASE}/:slug/:number/etapes/:milestoneId/supprimer`;

  app.get(deletePath, { schema: { hide: true } }, async (request, reply) => {
    const { project, milestone } = await loadMilestone(request);
    return reply.page(<AdminMilestoneDeletePage ctx={reply.ctx()} project={project} milestone={milestone} />);
  });

  app.post(deletePath, { schema: { hide: true } }, async (request, reply) => {
    const { project, milestone } = await loadMilestone(request);
    await deleteMilestone(core, request.viewer, milestone.id, request.actor());
    return reply.redirectWithFlash(adminProjectHref(project), 'budget.tracking.admin.milestone_deleted');
  });
}
