/**
 * Public pages of the tracking: the project page (with follow and comments), the map and list
 * of every winner, milestone photos, "projects I follow". Thin routes: parse, call the
 * service, render or redirect; every form works without JavaScript.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError, ValidationError } from '../../../core/http/errors.js';
import type { App } from '../../../core/http/types.js';
import type { CoreServices } from '../../../core/services.js';
import { bodyOf, field } from '../../backoffice/common.js';
import {
  commentOnProject,
  followedProjects,
  followProject,
  getPublicProject,
  listRealisations,
  milestonePhotoFile,
  type PublicProject,
  unfollowProject,
} from './tracking.service.js';
import { type CommentValues, ProjectPage, projectHref } from './views/project.js';
import { FollowedPage, type RealisationFilterValues, RealisationsPage } from './views/realisations.js';

const PAGE_SIZE = 20;
type Query = Record<string, string | undefined>;

function queryText(query: Query, name: string, max = 100): string {
  const value = query[name];
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

export function registerTrackingPages(app: App, core: CoreServices): void {
  app.get('/budget/realisations', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Query;
    const values: RealisationFilterValues = {
      campagne: queryText(query, 'campagne'),
      arrondissement: queryText(query, 'arrondissement'),
      statut: queryText(query, 'statut'),
      theme: queryText(query, 'theme'),
    };
    const filters = {
      campaign: values.campagne,
      arrondissement: values.arrondissement,
      status: values.statut,
      theme: values.theme,
    };
    const requested = Math.max(1, Math.floor(Number(query.page)) || 1);
    let result = await listRealisations(core, filters, { page: requested, pageSize: PAGE_SIZE });
    const pageCount = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const page = Math.min(requested, pageCount);
    if (page !== requested) result = await listRealisations(core, filters, { page, pageSize: PAGE_SIZE });
    return reply.page(
      <RealisationsPage
        ctx={reply.ctx()}
        values={values}
        facets={result.facets}
        winners={result.items}
        points={result.points}
        total={result.total}
        page={page}
        pageCount={pageCount}
      />,
    );
  });

  app.get('/budget/realisations/photos/:photoId', { schema: { hide: true } }, async (request, reply) => {
    const { photoId } = request.params as { photoId: string };
    const file = await milestonePhotoFile(core, photoId, request.viewer);
    if (!file) throw new NotFoundError();
    return reply
      .header('cache-control', file.isPublic ? 'public, max-age=86400' : 'private, no-store')
      .type('image/jpeg')
      .send(file.data);
  });

  app.get('/compte/budget/suivis', { schema: { hide: true } }, async (request, reply) => {
    if (!request.viewer)
      return reply.redirect(`/connexion?retour=${encodeURIComponent('/compte/budget/suivis')}`, 303);
    const winners = await followedProjects(core, request.viewer);
    return reply.page(<FollowedPage ctx={reply.ctx()} winners={winners} />);
  });

  const loadProject = async (request: FastifyRequest): Promise<PublicProject> => {
    const { slug, number } = request.params as { slug: string; number: string };
    const project = await getPublicProject(core, slug, number, request.viewer);
    if (!project) throw new NotFoundError();
    return project;
  };

  const render = (
    reply: FastifyReply,
    project: PublicProject,
    comment: CommentValues,
    errors?: Record<string, string>,
    status = 200,
  ) =>
    reply.page(<ProjectPage ctx={reply.ctx()} project={project} comment={comment} errors={errors} />, status);

  app.get('/budget/:slug/projets/:number', { schema: { hide: true } }, async (request, reply) => {
    const project = await loadProject(request);
    return render(reply, project, { body: '' });
  });

  app.post('/budget/:slug/projets/:number/suivre', { schema: { hide: true } }, async (request, reply) => {
    const project = await loadProject(request);
    const here = projectHref(project);
    if (!request.viewer) return reply.redirect(`/connexion?retour=${encodeURIComponent(here)}`, 303);
    const follow = field(bodyOf(request), 'follow') !== '0';
    try {
      if (follow) await followProject(core, request.viewer, project.id, request.actor());
      else await unfollowProject(core, request.viewer, project.id, request.actor());
    } catch (error) {
      if (error instanceof DomainError && error.status === 422)
        return reply.redirectWithFlash(here, error.code);
      throw error;
    }
    return reply.redirectWithFlash(
      here,
      follow ? 'budget.tracking.follow.followed' : 'budget.tracking.follow.unfollowed',
    );
  });

  app.post(
    '/budget/:slug/projets/:number/commentaires',
    { schema: { hide: true } },
    async (request, reply) => {
      const project = await loadProject(request);
      const here = projectHref(project);
      if (!request.viewer)
        return reply.redirect(`/connexion?retour=${encodeURIComponent(`${here}#commentaires`)}`, 303);
      const body = field(bodyOf(request), 'body');
      try {
        await commentOnProject(core, request.viewer, project.id, body, request.actor());
      } catch (error) {
        if (error instanceof ValidationError) return render(reply, project, { body }, error.fields, 422);
        throw error;
      }
      return reply.redirectWithFlash(`${here}#commentaires`, 'budget.project.comments.posted');
    },
  );
}
