/**
 * Open311 GeoReport v2 under /open311/v2 (spec + mySociety servicerequestupdates), XML and JSON by
 * the URL suffix. API keys, no cookies: CSRF is off on these routes. Every error is the spec's
 * list with 400/403/404, described in French unless Accept-Language asks for English.
 * Thin handlers: parsing in domain/open311.ts, use cases in open311/*.ts.
 */
import fastifyMultipart from '@fastify/multipart';
import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/http/errors.js';
import type { App, RouteRegistrar } from '../../core/http/types.js';
import type { CoreServices } from '../../core/services.js';
import { verifyApiKey } from './api-keys.js';
import {
  buildCreateResponse,
  buildRequestList,
  buildServiceRequestUpdates,
  buildSingleRequest,
  DEFAULT_MAX_REQUESTS,
  type FormFields,
  O311List,
  type Open311Error,
  type Open311Format,
  parseCreateRequest,
  parseRequestsQuery,
  parseUpdatesQuery,
  parseW3cDateTime,
} from './domain/open311.js';
import { fieldValue, formatOfUrl, queryFields, readForm, sendDocument, sendErrors } from './open311/http.js';
import {
  createOpen311Request,
  discoveryDocument,
  jurisdictionOf,
  OPEN311_BASE_PATH,
  OPEN311_TIME_ZONE,
  open311Services,
  planBoxSearch,
  serviceDefinitionDocument,
  serviceListDocument,
  toOpen311Updates,
  toPublicRequest,
} from './open311/open311.service.js';
import {
  type BBox,
  findOpen311Request,
  listPublicEvents,
  searchOpen311Requests,
} from './open311/open311.store.js';
import * as schemas from './open311/schemas.js';
import { applyOpen311Update, domainErrorToOpen311 } from './open311/updates.js';

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const MAX_PHOTOS = 3;
const FORMATS: readonly Open311Format[] = ['xml', 'json'];
const POST_LIMIT = { name: 'open311-post', max: 600, windowSeconds: 3600 };

type Handler = (format: Open311Format, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

interface RouteDoc {
  summary: string;
  description?: string;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** JSON shape of the 200 answer. */
  json: TSchema;
  consumes?: string[];
}

export const registerOpen311: RouteRegistrar = async (app: App, core: CoreServices) => {
  await app.register(
    async (scope) => {
      // Files only through the media extension; fields stay small.
      await scope.register(fastifyMultipart, {
        attachFieldsToBody: true,
        limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS, fields: 200, parts: 210 },
      });
      // The schemas document; the domain validates and answers with the spec's error list.
      scope.setValidatorCompiler(() => (data) => ({ value: data }));
      scope.setErrorHandler((error, request, reply) => errorReply(error, request, reply));
      scope.setNotFoundHandler((request, reply) =>
        sendErrors(reply, request.t, formatOfUrl(request.url), [
          { code: 404, key: 'reports.open311.errors.not_found' },
        ]),
      );
      registerRoutes(scope as unknown as App, core);
    },
    { prefix: OPEN311_BASE_PATH },
  );
};

function errorReply(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const format = formatOfUrl(request.url);
  const t = request.t;
  if (error instanceof DomainError) {
    if (error.status === 429) {
      const document = {
        root: 'errors',
        body: new O311List('error', [{ code: 429, description: t(error.code, error.params) }]),
      };
      return sendDocument(reply, format, document, 429);
    }
    return sendErrors(reply, t, format, domainErrorToOpen311(error));
  }
  const code = (error as { code?: string }).code ?? '';
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return sendErrors(reply, t, format, [{ code: 400, key: 'reports.open311.errors.too_many_files' }]);
  }
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return sendErrors(reply, t, format, [{ code: 400, key: 'reports.open311.errors.body_invalid' }]);
  }
  request.log.error({ err: error }, 'open311 error');
  const document = {
    root: 'errors',
    body: new O311List('error', [{ code: 500, description: t('reports.open311.errors.server') }]),
  };
  return sendDocument(reply, format, document, 500);
}

function registerRoutes(app: App, core: CoreServices) {
  const jurisdiction = jurisdictionOf(core.config);

  /** One route per format: `<path>.xml` and `<path>.json`, both in the OpenAPI document. */
  const both = (method: 'GET' | 'POST', path: string, doc: RouteDoc, handler: Handler) => {
    for (const format of FORMATS) {
      app.route({
        method,
        url: `${path}.${format}`,
        config: { csrf: false },
        schema: {
          tags: ['open311'],
          summary: `${doc.summary} (${format.toUpperCase()})`,
          ...(doc.description ? { description: doc.description } : {}),
          ...(doc.params ? { params: doc.params } : {}),
          ...(doc.querystring ? { querystring: doc.querystring } : {}),
          ...(doc.body ? { body: doc.body } : {}),
          ...(doc.consumes ? { consumes: doc.consumes } : {}),
          produces: [format === 'xml' ? 'text/xml' : 'application/json'],
          response: {
            200:
              format === 'json'
                ? doc.json
                : { type: 'string', description: 'The same document as XML (text/xml; charset=utf-8)' },
            '4xx': schemas.ErrorsSchema,
          },
        },
        handler: (request, reply) => handler(format, request, reply),
      });
    }
  };

  const jurisdictionError = (fields: FormFields): Open311Error | null => {
    const given = fieldValue(fields, 'jurisdiction_id');
    return given && given !== jurisdiction
      ? { code: 404, key: 'reports.open311.errors.jurisdiction_unknown' }
      : null;
  };

  both(
    'GET',
    '/discovery',
    { summary: 'Open311 discovery', json: schemas.DiscoverySchema },
    async (format, request, reply) => sendDocument(reply, format, await discoveryDocument(core, request.t)),
  );

  both(
    'GET',
    '/services',
    {
      summary: 'Services: the report categories a citizen may choose',
      querystring: schemas.JurisdictionQuery,
      json: schemas.ServiceSchema,
    },
    async (format, request, reply) => {
      const problem = jurisdictionError(queryFields(request));
      if (problem) return sendErrors(reply, request.t, format, [problem]);
      return sendDocument(reply, format, await serviceListDocument(core));
    },
  );

  both(
    'GET',
    '/services/:service_code',
    {
      summary: 'Service definition: the extra questions of a category',
      params: Type.Object({ service_code: Type.String() }),
      querystring: schemas.JurisdictionQuery,
      json: schemas.ServiceDefinitionSchema,
    },
    async (format, request, reply) => {
      const problem = jurisdictionError(queryFields(request));
      if (problem) return sendErrors(reply, request.t, format, [problem]);
      const { service_code: code } = request.params as { service_code: string };
      const document = await serviceDefinitionDocument(core, code);
      if (!document) {
        return sendErrors(reply, request.t, format, [
          { code: 404, key: 'reports.open311.errors.service_unknown' },
        ]);
      }
      return sendDocument(reply, format, document);
    },
  );

  both(
    'POST',
    '/requests',
    {
      summary: 'Create a report (API key required; form-encoded, or multipart with photos in media)',
      description:
        'Goes through the same routing, duplicate check and notifications as the site. A nearby open report of the same ' +
        'category is named in service_notice; the report is still created. Each media_url is kept for the agents and fetched ' +
        'once in the background as a photo, public only after review like an uploaded one. An attribute that is not a ' +
        'question of the service is an error (except FixMyStreet’s fixmystreet_id, closest_address, report_title, report_url).',
      body: schemas.CreateBody,
      consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
      json: schemas.CreatedSchema,
    },
    async (format, request, reply) => {
      const { fields, files } = await readForm(request);
      const keyText = fieldValue(fields, 'api_key');
      const apiKey = keyText ? await verifyApiKey(core, keyText) : null;
      const { byCode } = apiKey ? await open311Services(core) : { byCode: new Map() };
      const parsed = parseCreateRequest(fields, {
        isApiKeyValid: () => apiKey !== null,
        jurisdictionId: jurisdiction,
        findService: (code) => {
          const category = byCode.get(code);
          return category ? { questions: category.extraQuestions } : null;
        },
      });
      if (!parsed.ok) return sendErrors(reply, request.t, format, parsed.errors);
      const value = parsed.value;
      if (value.lat === null || value.long === null) {
        return sendErrors(reply, request.t, format, [
          { code: 400, key: 'reports.open311.errors.address_not_located' },
        ]);
      }
      await core.rateLimiter.consume(POST_LIMIT, apiKey!.id);
      const actor = { ...request.actor(), label: `open311:${apiKey!.name}` };
      const created = await createOpen311Request(
        core,
        { ...value, lat: value.lat, long: value.long },
        files.map((file) => ({ filename: file.filename, mimetype: file.mimetype, data: file.data })),
        apiKey!,
        actor,
      );
      const notice = created.nearbyReference
        ? request.t('reports.open311.notice.nearby_report', { reference: created.nearbyReference })
        : null;
      return sendDocument(
        reply,
        format,
        buildCreateResponse({ serviceRequestId: created.reference, serviceNotice: notice, accountId: null }),
      );
    },
  );

  both(
    'GET',
    '/requests',
    {
      summary: 'Search public reports (default: last 90 days, at most 1,000)',
      querystring: schemas.RequestsQuery,
      json: Type.Array(schemas.RequestSchema),
    },
    async (format, request, reply) => {
      const fields = queryFields(request);
      const parsed = parseRequestsQuery(fields, new Date(), { jurisdictionId: jurisdiction });
      const extra = parseRequestsExtensions(fields);
      if (!parsed.ok || !extra.ok) {
        const errors = [...(parsed.ok ? [] : parsed.errors), ...(extra.ok ? [] : extra.errors)];
        return sendErrors(reply, request.t, format, errors);
      }
      const q = parsed.value;
      const { bbox, pageSize, page } = extra.value;
      const plan = q.kind === 'search' && bbox ? await planBoxSearch(core, bbox, page * pageSize) : undefined;
      const rows = await searchOpen311Requests(
        core.db,
        q.kind === 'ids'
          ? {
              kind: 'ids',
              references: q.serviceRequestIds.map((id) => id.toUpperCase()).slice(0, DEFAULT_MAX_REQUESTS),
            }
          : {
              kind: 'search',
              categoryIds: q.serviceCodes,
              statuses: q.statuses,
              start: q.start,
              end: q.end,
              updatedAfter: extra.value.updatedAfter,
              updatedBefore: extra.value.updatedBefore,
              bbox,
              limit: pageSize,
              offset: (page - 1) * pageSize,
            },
        plan,
      );
      const requests = rows.map((row) => toPublicRequest(row, request.t, core.config.publicUrl));
      return sendDocument(
        reply,
        format,
        buildRequestList(requests, { timeZone: OPEN311_TIME_ZONE, extensions: extra.value.extensions }),
      );
    },
  );

  both(
    'GET',
    '/requests/:service_request_id',
    {
      summary: 'One public report by its reference (a one-element list)',
      params: Type.Object({ service_request_id: Type.String({ description: 'e.g. DMR-2026-000123' }) }),
      querystring: schemas.JurisdictionQuery,
      json: Type.Array(schemas.RequestSchema),
    },
    async (format, request, reply) => {
      const fields = queryFields(request);
      const problem = jurisdictionError(fields);
      if (problem) return sendErrors(reply, request.t, format, [problem]);
      const { service_request_id: id } = request.params as { service_request_id: string };
      const row = await findOpen311Request(core.db, id.trim().toUpperCase());
      if (!row) {
        return sendErrors(reply, request.t, format, [
          { code: 404, key: 'reports.open311.errors.request_not_found' },
        ]);
      }
      const extensions = fieldValue(fields, 'extensions') === 'true';
      return sendDocument(
        reply,
        format,
        buildSingleRequest(toPublicRequest(row, request.t, core.config.publicUrl), {
          timeZone: OPEN311_TIME_ZONE,
          extensions,
        }),
      );
    },
  );

  both(
    'GET',
    '/tokens/:token',
    {
      summary: 'Tokens: never issued (this server is realtime), always 404',
      params: Type.Object({ token: Type.String() }),
      querystring: schemas.JurisdictionQuery,
      json: schemas.TokenSchema,
    },
    async (format, request, reply) => {
      const problem = jurisdictionError(queryFields(request));
      return sendErrors(reply, request.t, format, [
        problem ?? { code: 404, key: 'reports.open311.errors.token_not_found' },
      ]);
    },
  );

  both(
    'GET',
    '/servicerequestupdates',
    {
      summary: 'mySociety extension: public status changes and messages in a window (API key required)',
      querystring: schemas.UpdatesQuery,
      json: Type.Array(schemas.UpdateSchema),
    },
    async (format, request, reply) => {
      const fields = queryFields(request);
      const keyText = fieldValue(fields, 'api_key');
      const apiKey = keyText ? await verifyApiKey(core, keyText) : null;
      if (!apiKey) {
        return sendErrors(reply, request.t, format, [
          { code: 403, key: 'reports.open311.errors.api_key_invalid' },
        ]);
      }
      const parsed = parseUpdatesQuery(fields, new Date(), { jurisdictionId: jurisdiction });
      if (!parsed.ok) return sendErrors(reply, request.t, format, parsed.errors);
      const events = await listPublicEvents(core.db, { ...parsed.value, limit: DEFAULT_MAX_REQUESTS });
      const updates = toOpen311Updates(events);
      return sendDocument(reply, format, buildServiceRequestUpdates(updates, OPEN311_TIME_ZONE));
    },
  );

  both(
    'POST',
    '/servicerequestupdates',
    {
      summary:
        'mySociety extension: a client moves a report on (FIXED, CLOSED, IN_PROGRESS, ACTION_SCHEDULED…)',
      description:
        'Acts with the rights of the account that created the API key, through the agent workflow (timeline, audit, ' +
        'notifications). Resending the current status changes nothing.',
      body: schemas.UpdateBody,
      consumes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
      json: schemas.UpdateCreatedSchema,
    },
    async (format, request, reply) => {
      const { fields } = await readForm(request);
      const keyText = fieldValue(fields, 'api_key');
      const apiKey = keyText ? await verifyApiKey(core, keyText) : null;
      if (!apiKey) {
        return sendErrors(reply, request.t, format, [
          { code: 403, key: 'reports.open311.errors.api_key_invalid' },
        ]);
      }
      const problem = jurisdictionError(fields);
      if (problem) return sendErrors(reply, request.t, format, [problem]);
      await core.rateLimiter.consume(POST_LIMIT, apiKey.id);
      const actor = { ...request.actor(), label: `open311:${apiKey.name}` };
      const result = await applyOpen311Update(core, apiKey, fields, actor);
      if (!result.ok) return sendErrors(reply, request.t, format, result.errors);
      return sendDocument(reply, format, {
        root: 'service_request_updates',
        body: new O311List('request_update', [{ update_id: result.updateId }]),
      });
    },
  );
}

/** `minLon,minLat,maxLon,maxLat` (the order of OpenStreetMap and WMS); null when malformed. */
export function parseBbox(text: string): BBox | null {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length !== 4 || !parts.every((part) => /^-?\d{1,3}(\.\d{1,15})?$/.test(part))) return null;
  const [minLon, minLat, maxLon, maxLat] = parts.map(Number) as [number, number, number, number];
  const valid =
    Math.abs(minLat) <= 90 &&
    Math.abs(maxLat) <= 90 &&
    Math.abs(minLon) <= 180 &&
    Math.abs(maxLon) <= 180 &&
    minLat <= maxLat &&
    minLon <= maxLon;
  return valid ? { minLat, minLon, maxLat, maxLon } : null;
}

/**
 * Extensions of GET /requests: page/page_size, updated_after/updated_before (v2.1 draft),
 * extensions, and bbox (reports in a box, e.g. the part of a map on screen).
 */
function parseRequestsExtensions(fields: FormFields):
  | {
      ok: true;
      value: {
        page: number;
        pageSize: number;
        updatedAfter: Date | null;
        updatedBefore: Date | null;
        bbox: BBox | null;
        extensions: boolean;
      };
    }
  | { ok: false; errors: Open311Error[] } {
  const errors: Open311Error[] = [];
  const integer = (param: 'page' | 'page_size', fallback: number, max: number) => {
    const text = fieldValue(fields, param);
    if (text === null) return fallback;
    const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > max) {
      errors.push({ code: 400, key: 'reports.open311.errors.page_invalid', params: { param, max } });
      return fallback;
    }
    return n;
  };
  const date = (param: 'updated_after' | 'updated_before') => {
    const text = fieldValue(fields, param);
    if (text === null) return null;
    const parsed = parseW3cDateTime(text);
    if (!parsed) errors.push({ code: 400, key: 'reports.open311.errors.date_invalid', params: { param } });
    return parsed;
  };
  const page = integer('page', 1, 1_000_000);
  const pageSize = integer('page_size', DEFAULT_MAX_REQUESTS, DEFAULT_MAX_REQUESTS);
  const updatedAfter = date('updated_after');
  const updatedBefore = date('updated_before');
  const bboxText = fieldValue(fields, 'bbox');
  const bbox = bboxText === null ? null : parseBbox(bboxText);
  if (bboxText !== null && !bbox) errors.push({ code: 400, key: 'reports.open311.errors.bbox_invalid' });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      page,
      pageSize,
      updatedAfter,
      updatedBefore,
      bbox,
      extensions: fieldValue(fields, 'extensions') === 'true',
    },
  };
}
