import fastifyMultipart from '@fastify/multipart';
import { GeoJsonError } from '../../core/areas/areas.service.js';
import { countLayers } from '../../core/areas/areas.store.js';
import { cleanAuditFilter, searchAuditLog } from '../../core/audit/audit.service.js';
import { recentAudit } from '../../core/audit/audit.store.js';
import type { App, RouteRegistrar } from '../../core/http/types.js';
import { OrgUseCases } from '../../core/org/org.service.js';
import { orgCounts } from '../../core/org/org.store.js';
import type { CoreServices } from '../../core/services.js';
import { bodyOf, field, fieldList, formErrors, requireAgent } from './common.js';
import { AgentsPage, type MembershipValues } from './views/agents.js';
import { AreasPage, type ImportValues } from './views/areas.js';
import { AuditPage } from './views/audit.js';
import { type DashboardFigure, DashboardPage, PermissionsPage } from './views/dashboard.js';
import { DirectoratePage, DirectoratesPage, type DirectorateValues } from './views/directorates.js';
import { ServiceFormPage, ServicesPage, type ServiceValues } from './views/services.js';

/** A GeoJSON layer of a big city's sectors stays well under this. */
const MAX_GEOJSON_BYTES = 20 * 1024 * 1024;

type Query = Record<string, string | undefined>;
type Params = Record<string, string>;

/**
 * The back office under /admin: always on, not a module. Everything here needs
 * `backoffice.access`; each use case checks its own permission again in its service.
 */
export const registerBackoffice: RouteRegistrar = async (app: App, core: CoreServices) => {
  await app.register(async (scope) => {
    // Only here: the layer import is the one multipart form of the back office.
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_GEOJSON_BYTES, files: 1, fields: 20, parts: 25 },
    });
    scope.addHook('onRequest', requireAgent);
    registerDashboard(scope as unknown as App, core);
    registerOrgPages(scope as unknown as App, core, new OrgUseCases(core.db, core.permissions));
    registerAreaPages(scope as unknown as App, core);
    registerAuditPage(scope as unknown as App, core);
  });
};

function registerDashboard(app: App, core: CoreServices) {
  app.get('/admin', { schema: { hide: true } }, async (request, reply) => {
    const t = request.t;
    const counts = await orgCounts(core.db);
    const figures: DashboardFigure[] = [
      {
        label: t('backoffice.dashboard.directorates'),
        value: counts.directorates,
        href: '/admin/directions',
      },
      { label: t('backoffice.dashboard.services'), value: counts.services, href: '/admin/services' },
      { label: t('backoffice.dashboard.agents'), value: counts.agents, href: '/admin/agents' },
      {
        label: t('backoffice.dashboard.layers'),
        value: await countLayers(core.db),
        href: '/admin/territoires',
      },
    ];
    const recent = core.permissions.can(request.viewer, 'audit.read') ? await recentAudit(core.db, 10) : null;
    return reply.page(<DashboardPage ctx={reply.ctx()} figures={figures} recent={recent} />);
  });

  app.get('/admin/permissions', { schema: { hide: true } }, async (_request, reply) => {
    return reply.page(<PermissionsPage ctx={reply.ctx()} permissions={core.permissions.list()} />);
  });
}

function registerOrgPages(app: App, core: CoreServices, org: OrgUseCases) {
  const emptyDirectorate: DirectorateValues = { code: '', name: '', description: '' };

  app.get('/admin/directions', { schema: { hide: true } }, async (request, reply) => {
    const directorates = await org.listDirectorates(request.viewer);
    return reply.page(
      <DirectoratesPage ctx={reply.ctx()} directorates={directorates} values={emptyDirectorate} />,
    );
  });

  app.post('/admin/directions', { schema: { hide: true } }, async (request, reply) => {
    const body = bodyOf(request);
    const values = {
      code: field(body, 'code'),
      name: field(body, 'name'),
      description: field(body, 'description'),
    };
    try {
      const created = await org.createDirectorate(request.viewer, values, request.actor());
      return reply.redirectWithFlash(`/admin/directions/${created.id}`, 'backoffice.directorates.created');
    } catch (error) {
      const errors = formErrors(error);
      const directorates = await org.listDirectorates(request.viewer);
      return reply.page(
        <DirectoratesPage ctx={reply.ctx()} directorates={directorates} values={values} errors={errors} />,
        422,
      );
    }
  });

  app.get('/admin/directions/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as Params).id ?? '';
    const directorate = await org.getDirectorate(request.viewer, id);
    const services = await org.listServices(request.viewer, { directorateId: id });
    return reply.page(
      <DirectoratePage
        ctx={reply.ctx()}
        directorate={directorate}
        services={services}
        values={directorate}
      />,
    );
  });

  app.post('/admin/directions/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as Params).id ?? '';
    const body = bodyOf(request);
    const values = {
      code: field(body, 'code'),
      name: field(body, 'name'),
      description: field(body, 'description'),
    };
    try {
      await org.editDirectorate(request.viewer, id, values, request.actor());
      return reply.redirectWithFlash(`/admin/directions/${id}`, 'backoffice.saved');
    } catch (error) {
      const errors = formErrors(error);
      const directorate = await org.getDirectorate(request.viewer, id);
      const services = await org.listServices(request.viewer, { directorateId: id });
      return reply.page(
        <DirectoratePage
          ctx={reply.ctx()}
          directorate={directorate}
          services={services}
          values={values}
          errors={errors}
        />,
        422,
      );
    }
  });

  app.get('/admin/services', { schema: { hide: true } }, async (request, reply) => {
    const directorateId = (request.query as Query).direction ?? '';
    const services = await org.listServices(request.viewer, directorateId ? { directorateId } : {});
    const directorates = await org.listDirectorates(request.viewer);
    return reply.page(
      <ServicesPage
        ctx={reply.ctx()}
        services={services}
        directorates={directorates}
        directorateId={directorateId}
      />,
    );
  });

  const serviceForm = async (
    request: import('fastify').FastifyRequest,
    service: Awaited<ReturnType<OrgUseCases['getService']>> | null,
    values: ServiceValues,
  ) => ({
    service,
    directorates: await org.listDirectorates(request.viewer),
    layers: await core.areas.listLayers(),
    areas: await core.areas.listAreas(),
    values,
  });

  const serviceValues = (body: Record<string, unknown>): ServiceValues => ({
    directorateId: field(body, 'directorateId'),
    code: field(body, 'code'),
    name: field(body, 'name'),
    email: field(body, 'email'),
    areaIds: fieldList(body, 'areaIds'),
    active: field(body, 'active') === '1',
  });

  app.get('/admin/services/nouveau', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'org.manage');
    const directorateId = (request.query as Query).direction ?? '';
    const empty: ServiceValues = { directorateId, code: '', name: '', email: '', areaIds: [], active: true };
    return reply.page(<ServiceFormPage ctx={reply.ctx()} {...(await serviceForm(request, null, empty))} />);
  });

  app.post('/admin/services', { schema: { hide: true } }, async (request, reply) => {
    const values = serviceValues(bodyOf(request));
    try {
      const created = await org.createService(request.viewer, values, request.actor());
      return reply.redirectWithFlash(`/admin/services/${created.id}`, 'backoffice.services.created');
    } catch (error) {
      const errors = formErrors(error);
      return reply.page(
        <ServiceFormPage ctx={reply.ctx()} {...(await serviceForm(request, null, values))} errors={errors} />,
        422,
      );
    }
  });

  app.get('/admin/services/:id', { schema: { hide: true } }, async (request, reply) => {
    const service = await org.getService(request.viewer, (request.params as Params).id ?? '');
    return reply.page(
      <ServiceFormPage ctx={reply.ctx()} {...(await serviceForm(request, service, service))} />,
    );
  });

  app.post('/admin/services/:id', { schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as Params).id ?? '';
    const values = serviceValues(bodyOf(request));
    try {
      await org.editService(request.viewer, id, values, request.actor());
      return reply.redirectWithFlash(`/admin/services/${id}`, 'backoffice.saved');
    } catch (error) {
      const errors = formErrors(error);
      const service = await org.getService(request.viewer, id);
      return reply.page(
        <ServiceFormPage
          ctx={reply.ctx()}
          {...(await serviceForm(request, service, values))}
          errors={errors}
        />,
        422,
      );
    }
  });

  const agentsPage = async (
    request: import('fastify').FastifyRequest,
    extra: {
      values?: MembershipValues;
      errors?: Record<string, string>;
      adminEmail?: string;
      adminErrors?: Record<string, string>;
    } = {},
  ) => {
    const serviceFilter = (request.query as Query).service;
    let agents = await org.listAgents(request.viewer);
    if (serviceFilter)
      agents = agents.filter((a) => a.memberships.some((m) => m.serviceId === serviceFilter));
    return {
      agents,
      services: await org.listServices(request.viewer),
      values: extra.values ?? { email: '', serviceId: serviceFilter ?? '', role: 'agent' },
      errors: extra.errors,
      adminEmail: extra.adminEmail ?? '',
      adminErrors: extra.adminErrors,
    };
  };

  app.get('/admin/agents', { schema: { hide: true } }, async (request, reply) => {
    return reply.page(<AgentsPage ctx={reply.ctx()} {...(await agentsPage(request))} />);
  });

  app.post('/admin/agents/membres', { schema: { hide: true } }, async (request, reply) => {
    const body = bodyOf(request);
    const values = {
      email: field(body, 'email'),
      serviceId: field(body, 'serviceId'),
      role: field(body, 'role'),
    };
    try {
      await org.addMemberByEmail(request.viewer, values, request.actor());
      return reply.redirectWithFlash('/admin/agents', 'backoffice.agents.added');
    } catch (error) {
      const errors = formErrors(error);
      return reply.page(
        <AgentsPage ctx={reply.ctx()} {...(await agentsPage(request, { values, errors }))} />,
        422,
      );
    }
  });

  app.post('/admin/agents/role', { schema: { hide: true } }, async (request, reply) => {
    const body = bodyOf(request);
    const role = field(body, 'role');
    await org.changeRole(
      request.viewer,
      {
        userId: field(body, 'userId'),
        serviceId: field(body, 'serviceId'),
        role: role === 'manager' ? 'manager' : 'agent',
      },
      request.actor(),
    );
    return reply.redirectWithFlash('/admin/agents', 'backoffice.saved');
  });

  app.post('/admin/agents/retirer', { schema: { hide: true } }, async (request, reply) => {
    const body = bodyOf(request);
    await org.removeMember(
      request.viewer,
      { userId: field(body, 'userId'), serviceId: field(body, 'serviceId') },
      request.actor(),
    );
    return reply.redirectWithFlash('/admin/agents', 'backoffice.agents.removed');
  });

  app.post('/admin/agents/administrateurs', { schema: { hide: true } }, async (request, reply) => {
    const body = bodyOf(request);
    const grant = field(body, 'grant') === '1';
    const adminEmail = field(body, 'adminEmail');
    try {
      await org.setAdministrator(
        request.viewer,
        grant ? { email: adminEmail, isAdmin: true } : { userId: field(body, 'userId'), isAdmin: false },
        request.actor(),
      );
      return reply.redirectWithFlash(
        '/admin/agents',
        grant ? 'backoffice.agents.admin_granted' : 'backoffice.agents.admin_revoked',
      );
    } catch (error) {
      const fields = formErrors(error);
      const adminErrors = fields.email ? { adminEmail: fields.email } : fields;
      return reply.page(
        <AgentsPage ctx={reply.ctx()} {...(await agentsPage(request, { adminEmail, adminErrors }))} />,
        422,
      );
    }
  });
}

function registerAreaPages(app: App, core: CoreServices) {
  const empty: ImportValues = { layerId: '', name: '', codeProperty: '', nameProperty: '' };

  app.get('/admin/territoires', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'areas.manage');
    return reply.page(<AreasPage ctx={reply.ctx()} layers={await core.areas.listLayers()} values={empty} />);
  });

  app.post('/admin/territoires', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'areas.manage');
    const body = bodyOf(request);
    const values: ImportValues = {
      layerId: field(body, 'layerId'),
      name: field(body, 'name'),
      codeProperty: field(body, 'codeProperty'),
      nameProperty: field(body, 'nameProperty'),
    };
    const file = body.file;
    const render = async (errors?: Record<string, string>, problems?: GeoJsonError['problems']) =>
      reply.page(
        <AreasPage
          ctx={reply.ctx()}
          layers={await core.areas.listLayers()}
          values={values}
          errors={errors}
          problems={problems}
        />,
        422,
      );
    if (!Buffer.isBuffer(file) || file.length === 0)
      return render({ file: 'backoffice.areas.file_required' });
    try {
      const summary = await core.areas.importLayer(
        request.viewer,
        { ...values, geojson: file.toString('utf8'), source: 'upload' },
        request.actor(),
      );
      return reply.redirectWithFlash(
        '/admin/territoires',
        summary.replaced > 0 ? 'backoffice.areas.replaced' : 'backoffice.areas.imported',
      );
    } catch (error) {
      if (error instanceof GeoJsonError) return render(undefined, error.problems);
      return render(formErrors(error));
    }
  });

  app.post('/admin/territoires/:layerId/supprimer', { schema: { hide: true } }, async (request, reply) => {
    const { layerId } = request.params as Params;
    await core.areas.deleteLayer(request.viewer, layerId ?? '', request.actor());
    return reply.redirectWithFlash('/admin/territoires', 'backoffice.areas.deleted');
  });
}

function registerAuditPage(app: App, core: CoreServices) {
  app.get('/admin/audit', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Query;
    const { filter, invalid } = cleanAuditFilter(query);
    const result = await searchAuditLog(
      core.db,
      core.permissions,
      request.viewer,
      filter,
      Number(query.page ?? 1),
    );
    const errors = Object.fromEntries(invalid.map((key) => [key, 'backoffice.audit.bad_date']));
    return reply.page(
      <AuditPage
        ctx={reply.ctx()}
        filter={{ ...filter, from: query.from, to: query.to }}
        {...result}
        errors={errors}
      />,
    );
  });
}
