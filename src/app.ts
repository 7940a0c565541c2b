import { randomUUID } from 'node:crypto';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { SESSION_COOKIE } from './core/auth/sessions.js';
import type { Config } from './core/config/config.js';
import { createCore } from './core/core.js';
import type { Database } from './core/db/database.js';
import { buildAssets } from './core/http/assets.js';
import { registerErrorHandling } from './core/http/error-handling.js';
import { registerHealthRoutes } from './core/http/health.js';
import type { App } from './core/http/types.js';
import { LOCALE_COOKIE, resolveLocale, translator } from './core/i18n/i18n.js';
import type { JobQueue } from './core/jobs/jobs.js';
import { coreRoutes } from './core/routes.js';
import type { CoreServices } from './core/services.js';
import type { NavItem, PageContext } from './core/views/context.js';
import { renderDocument } from './core/views/render.js';

const FLASH_COOKIE = 'vo_flash';

export interface BuildOptions {
  /** An already open database (tests); otherwise opened from the config. */
  database?: Database;
  /** A job queue (tests use the immediate one); otherwise pg-boss. */
  jobs?: JobQueue;
  /** Run migrations at start (default true). */
  migrate?: boolean;
}

export async function buildApp(
  config: Config,
  options: BuildOptions = {},
): Promise<{ app: App; core: CoreServices }> {
  let jobErrorLog: ((error: unknown) => void) | undefined;
  const opened = await createCore(config, {
    ...options,
    onJobError: (error: unknown) => jobErrorLog?.(error),
  });
  const { core } = opened;
  const { permissions } = core;

  const app = Fastify({
    logger: { level: config.logLevel },
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  jobErrorLog = (error) => app.log.error({ err: error }, 'background job error');
  const modules = core.modules;

  const assets = await buildAssets({ minify: config.env === 'production' });
  const tileOrigin = safeOrigin(config.city.map.tileUrl.replace(/\{[a-z]\}/g, 'a'));

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(tileOrigin ? [tileOrigin] : [])],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: config.publicUrl.startsWith('https:') ? [] : null,
      },
    },
    strictTransportSecurity: config.publicUrl.startsWith('https:'),
  });
  await app.register(fastifyCompress, { threshold: 1024 });
  await app.register(fastifyFormbody);
  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'vo_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/' },
    // A field of the form; in a multipart form parsed with attachFieldsToBody, a { value } part.
    getToken: (request) => {
      const field = (request.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof field === 'string') return field;
      if (field && typeof field === 'object' && 'value' in field) return String(field.value);
      return request.headers['x-csrf-token'] as string | undefined;
    },
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: `${config.city.name} — API`, version: '1' },
      servers: [{ url: config.publicUrl }],
    },
    hideUntagged: true,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.decorate('core', core);
  app.decorateRequest('viewer', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('locale', 'fr');
  app.decorateRequest('t', undefined as never);
  app.decorateRequest('actor', function (this: import('fastify').FastifyRequest) {
    return {
      userId: this.viewer?.id ?? null,
      label: this.viewer ? `user:${this.viewer.email ?? this.viewer.id}` : 'anonymous',
      ip: this.ip,
      requestId: String(this.id),
    };
  });

  // The request id is in every log line of the request; give it to the client too, for support.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Who is asking, and in which language: before any route runs.
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/assets/')) return;
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      request.viewer = await core.sessions.viewer(token);
      if (request.viewer) request.sessionToken = token;
    }
    const lang = request.cookies[LOCALE_COOKIE];
    request.locale = resolveLocale({
      account: request.viewer?.locale,
      cookie: lang,
      acceptLanguage: request.headers['accept-language'],
    });
    request.t = translator(request.locale);
  });

  // Every form posted with a cookie session carries a CSRF token; API routes opt out.
  app.addHook('preHandler', (request, reply, done) => {
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    if (!unsafe || request.routeOptions.config?.csrf === false) return done();
    app.csrfProtection(request, reply, done);
  });

  const nav: NavItem[] = modules.flatMap((m) => m.nav ?? []);
  app.decorateReply('ctx', function (this: import('fastify').FastifyReply): PageContext {
    const request = this.request;
    const flashRaw = request.cookies[FLASH_COOKIE];
    const flash = flashRaw ? this.unsignCookie(flashRaw) : null;
    if (flashRaw) this.clearCookie(FLASH_COOKIE, { path: '/' });
    return {
      locale: request.locale,
      t: request.t,
      viewer: request.viewer,
      city: config.city,
      csrfToken: this.generateCsrf(),
      path: request.url,
      asset: assets.url,
      nav,
      demo: config.demo,
      can: (permission, resource) => permissions.can(request.viewer, permission, resource),
      flash: flash?.valid && flash.value ? request.t(flash.value) : null,
    };
  });
  app.decorateReply('page', function (this: import('fastify').FastifyReply, node, status = 200) {
    return this.code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(renderDocument(node));
  });
  app.decorateReply(
    'redirectWithFlash',
    function (this: import('fastify').FastifyReply, url: string, flashKey) {
      if (flashKey) {
        this.setCookie(FLASH_COOKIE, flashKey, {
          path: '/',
          signed: true,
          httpOnly: true,
          sameSite: 'lax',
          maxAge: 60,
        });
      }
      return this.redirect(url, 303);
    },
  );

  app.get('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get((request.params as { file: string }).file);
    if (!asset) return reply.callNotFound();
    return reply
      .header('content-type', asset.contentType)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(asset.body);
  });

  registerErrorHandling(app, core);
  registerHealthRoutes(app, core);
  for (const register of coreRoutes) await register(app, core);
  for (const module of modules) await module.routes?.(app, core);
  app.addHook('onClose', async () => {
    await opened.close();
  });

  return { app, core };
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    core: CoreServices;
  }
}
