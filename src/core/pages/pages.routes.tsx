import { Type } from '@sinclair/typebox';
import type { RouteRegistrar } from '../http/types.js';
import { LOCALE_COOKIE } from '../i18n/i18n.js';
import { themeStylesheet } from '../views/theme.js';
import { parseLanguage, safeReturnPath, saveAccountLocale } from './language.js';
import { DesignPage } from './views/design.js';
import { HomePage } from './views/home.js';
import { AccessibilityPage, LegalNoticePage, PersonalDataPage, SitemapPage } from './views/static-pages.js';

const ONE_YEAR = 365 * 24 * 3600;

/** Home, pattern library, legal pages, the city's theme and the language switch. */
export const registerPublicPages: RouteRegistrar = (app, core) => {
  const theme = themeStylesheet(core.config.city);

  app.get('/theme.css', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      // The URL carries a hash of the theme (see themeUrl), so it may be cached for long.
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(theme),
  );

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const services = core.modules.flatMap((m) =>
      m.home
        ? [
            {
              title: request.t(m.home.titleKey),
              description: request.t(m.home.descriptionKey),
              href: m.home.href,
            },
          ]
        : [],
    );
    return reply.page(<HomePage ctx={reply.ctx()} services={services} />);
  });

  app.get(
    '/design',
    { schema: { hide: true, querystring: Type.Object({ page: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      const page = Math.min(12, Math.max(1, Number.parseInt(request.query.page ?? '1', 10) || 1));
      return reply.page(<DesignPage ctx={reply.ctx()} page={page} />);
    },
  );

  app.get('/accessibilite', { schema: { hide: true } }, async (_request, reply) =>
    reply.page(<AccessibilityPage ctx={reply.ctx()} />),
  );
  app.get('/mentions-legales', { schema: { hide: true } }, async (_request, reply) =>
    reply.page(<LegalNoticePage ctx={reply.ctx()} />),
  );
  app.get('/donnees-personnelles', { schema: { hide: true } }, async (_request, reply) =>
    reply.page(<PersonalDataPage ctx={reply.ctx()} />),
  );
  app.get('/plan-du-site', { schema: { hide: true } }, async (_request, reply) =>
    reply.page(<SitemapPage ctx={reply.ctx()} />),
  );

  app.get(
    '/langue/:code',
    {
      schema: {
        hide: true,
        params: Type.Object({ code: Type.String({ maxLength: 10 }) }),
        querystring: Type.Object({ retour: Type.Optional(Type.String({ maxLength: 2000 })) }),
      },
    },
    async (request, reply) => {
      const locale = parseLanguage(request.params.code);
      if (request.viewer) await saveAccountLocale(core.db, request.actor(), request.viewer.id, locale);
      reply.setCookie(LOCALE_COOKIE, locale, {
        path: '/',
        maxAge: ONE_YEAR,
        sameSite: 'lax',
        httpOnly: true,
        secure: core.config.publicUrl.startsWith('https:'),
      });
      return reply.redirect(safeReturnPath(request.query.retour), 303);
    },
  );
};
