import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { translator } from '../i18n/i18n.js';
import type { CoreServices } from '../services.js';
import { ErrorPage } from '../views/pages/error-page.js';
import { DomainError, ValidationError } from './errors.js';
import type { App } from './types.js';

const KNOWN_STATUSES = [400, 403, 404, 405, 413, 415, 422, 429, 500, 503];

/** API clients get application/problem+json (RFC 9457); people get an HTML page. */
export function wantsProblemJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url.startsWith('/open311/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `urn:ville-ouverte:problem:${code}`,
      title: translator('en')(`core.errors.title_${KNOWN_STATUSES.includes(status) ? status : 500}`),
      status,
      detail,
      code,
      instance: request.url,
      ...extra,
    });
}

function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  if (!request.t) request.t = translator(request.locale ?? 'fr');
  const shownStatus = KNOWN_STATUSES.includes(status) ? status : 500;
  return reply.page(ErrorPage({ ctx: reply.ctx(), status: shownStatus, message }), status);
}

export function registerErrorHandling(app: App, _core: CoreServices) {
  app.setNotFoundHandler((request, reply) => {
    const t = request.t ?? translator('fr');
    if (wantsProblemJson(request))
      return sendProblem(request, reply, 404, 'core.errors.not_found', t('core.errors.not_found'));
    return sendErrorPage(request, reply, 404, t('core.errors.not_found'));
  });

  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    const t = request.t ?? translator('fr');
    if (error instanceof DomainError) {
      if (error.status === 429) reply.header('retry-after', String(error.params.seconds ?? 60));
      const detail = t(error.code, error.params);
      if (wantsProblemJson(request)) {
        const extra = error instanceof ValidationError ? { errors: error.fields } : {};
        return sendProblem(request, reply, error.status, error.code, detail, extra);
      }
      return sendErrorPage(request, reply, error.status, detail);
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.code?.startsWith('FST_CSRF')) {
      if (wantsProblemJson(request))
        return sendProblem(request, reply, 403, 'core.errors.csrf', t('core.errors.csrf'));
      return sendErrorPage(request, reply, 403, t('core.errors.csrf'));
    }
    const status = fastifyError.statusCode && fastifyError.statusCode >= 400 ? fastifyError.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const code =
      status >= 500
        ? 'core.errors.internal'
        : status === 413
          ? 'core.errors.too_large'
          : 'core.errors.bad_request';
    if (wantsProblemJson(request)) {
      const detail = status >= 500 ? t(code) : fastifyError.message;
      const extra = fastifyError.validation
        ? { errors: fastifyError.validation.map((v) => ({ path: v.instancePath, message: v.message })) }
        : {};
      return sendProblem(request, reply, status, code, detail, extra);
    }
    return sendErrorPage(request, reply, status, t(code));
  });
}
