import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { VNode } from 'preact';
import type { Actor } from '../audit/audit.js';
import type { Viewer } from '../auth/viewer.js';
import type { Locale, Translate } from '../i18n/i18n.js';
import type { CoreServices } from '../services.js';
import type { PageContext } from '../views/context.js';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A part of the core or a module adds its routes with one of these. */
export type RouteRegistrar = (app: App, core: CoreServices) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
    /** The raw session token of the signed-in viewer, if any. */
    sessionToken: string | null;
    locale: Locale;
    t: Translate;
    /** Who is acting, for the audit log. */
    actor(): Actor;
  }
  interface FastifyReply {
    /** Everything a view needs about this request. */
    ctx(): PageContext;
    /** Renders a full page (use Layout) with a status, 200 by default. */
    page(node: VNode, status?: number): FastifyReply;
    /** 303 to `url`, with a one-time message (an i18n key) shown on the next page. */
    redirectWithFlash(url: string, flashKey?: string): FastifyReply;
  }
  interface FastifyContextConfig {
    /** false for routes that take no cookie-authenticated form (API with keys, webhooks). */
    csrf?: boolean;
  }
}
