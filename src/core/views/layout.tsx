import type { ComponentChildren } from 'preact';
import { LOCALES, type Locale } from '../i18n/i18n.js';
import { CsrfField } from './components/form.js';
import { Banner } from './components/ui.js';
import type { PageContext } from './context.js';
import { themeUrl } from './theme.js';

export interface LayoutProps {
  ctx: PageContext;
  /** The page's own title; the city's name is added after it. */
  title: string;
  children: ComponentChildren;
  /** Back-office pages get the back-office navigation. */
  area?: 'public' | 'backoffice';
  /** The page lays out its own full-width sections (home): no centred container around it. */
  fullWidth?: boolean;
}

/** Names of the languages, in their own language (never translated). */
const languageNames: Record<Locale, string> = { fr: 'Français', en: 'English' };

/** True when `href` is the current page or one of its sub-pages ("/" only matches itself). */
export function isCurrent(path: string, href: string): boolean {
  const current = path.split('?')[0] ?? '/';
  if (href === '/') return current === '/';
  return current === href || current.startsWith(`${href}/`);
}

export function languageSwitchHref(code: Locale, path: string): string {
  return `/langue/${code}?retour=${encodeURIComponent(path)}`;
}

export function Layout({ ctx, title, children, area = 'public', fullWidth = false }: LayoutProps) {
  const { t } = ctx;
  const content =
    area === 'backoffice' ? (
      <div class="container backoffice">
        <BackofficeNav ctx={ctx} />
        <div class="backoffice__content">
          <Flash ctx={ctx} />
          {children}
        </div>
      </div>
    ) : fullWidth ? (
      <>
        {ctx.flash && (
          <div class="container">
            <Flash ctx={ctx} />
          </div>
        )}
        {children}
      </>
    ) : (
      <div class="container">
        <Flash ctx={ctx} />
        {children}
      </div>
    );
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${ctx.city.name}`}</title>
        <link rel="icon" href={ctx.asset('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={themeUrl(ctx.city)} />
        <link rel="stylesheet" href={ctx.asset('app.css')} />
        <script src={ctx.asset('app.js')} defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('core.layout.skip_to_content')}
        </a>
        <Header ctx={ctx} />
        <main id="main" tabIndex={-1} class={`site-main${fullWidth ? ' site-main--full' : ''}`}>
          {content}
        </main>
        <Footer ctx={ctx} />
      </body>
    </html>
  );
}

function Flash({ ctx }: { ctx: PageContext }) {
  if (!ctx.flash) return null;
  return (
    <div class="flash">
      <Banner tone="success" announce="status">
        <p>{ctx.flash}</p>
      </Banner>
    </div>
  );
}

/** An absolute URL as is; a file of public/ through its hashed URL. */
function logoUrl(ctx: PageContext, logo: string): string {
  if (/^https?:\/\//.test(logo)) return logo;
  try {
    return ctx.asset(logo.replace(/^\/+/, ''));
  } catch {
    return logo;
  }
}

function Brand({ ctx }: { ctx: PageContext }) {
  const { city } = ctx;
  const logo = city.logo ? logoUrl(ctx, city.logo) : null;
  return (
    <a class="brand" href="/">
      {logo ? (
        <img class="brand__logo" src={logo} alt="" />
      ) : (
        <span class="brand__mark" aria-hidden="true">
          {city.shortName.charAt(0).toUpperCase()}
        </span>
      )}
      <span class="brand__text">
        <span class="brand__name">{city.name}</span>
        <span class="brand__tagline">{ctx.t('core.layout.tagline')}</span>
      </span>
    </a>
  );
}

function Header({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const items = [{ href: '/', label: t('core.layout.nav_home') }].concat(
    ctx.nav.map((item) => ({ href: item.href, label: t(item.labelKey) })),
  );
  if (ctx.can('backoffice.access')) items.push({ href: '/admin', label: t('core.layout.nav_backoffice') });
  return (
    <header class="site-header" data-site-header>
      <div class="container site-header__inner">
        <Brand ctx={ctx} />
        {/* Shown by app.js on small screens; without JavaScript every link stays visible. */}
        <button
          type="button"
          class="nav-toggle"
          aria-expanded="false"
          aria-controls="site-tools main-nav"
          data-nav-toggle
          hidden
        >
          <span class="nav-toggle__icon" aria-hidden="true" />
          {t('core.layout.menu')}
        </button>
        <div class="site-tools" id="site-tools">
          <nav class="lang-switch" aria-label={t('core.layout.language')}>
            <ul>
              {LOCALES.map((code) => (
                <li key={code}>
                  <a
                    href={languageSwitchHref(code, ctx.path)}
                    lang={code}
                    hrefLang={code}
                    aria-current={code === ctx.locale ? 'true' : undefined}
                  >
                    {languageNames[code]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <AccountMenu ctx={ctx} />
        </div>
      </div>
      <nav class="main-nav" id="main-nav" aria-label={t('core.layout.main_nav')}>
        <div class="container">
          <ul>
            {items.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={isCurrent(ctx.path, item.href) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </nav>
    </header>
  );
}

function AccountMenu({ ctx }: { ctx: PageContext }) {
  const { t, viewer } = ctx;
  return (
    <nav class="account-menu" aria-label={t('core.layout.account_nav')}>
      <ul>
        {viewer ? (
          <>
            <li>
              <span class="visually-hidden">{t('core.layout.signed_in_as')} </span>
              <span class="account-menu__name">{viewer.displayName}</span>
            </li>
            <li>
              <a href="/compte" aria-current={isCurrent(ctx.path, '/compte') ? 'page' : undefined}>
                {t('core.layout.my_account')}
              </a>
            </li>
            <li>
              <form method="post" action="/deconnexion">
                <CsrfField ctx={ctx} />
                <button type="submit" class="button button--secondary">
                  {t('core.layout.sign_out')}
                </button>
              </form>
            </li>
          </>
        ) : (
          <>
            <li>
              <a href="/connexion">{t('core.layout.sign_in')}</a>
            </li>
            <li>
              <a class="button button--primary" href="/inscription">
                {t('core.layout.sign_up')}
              </a>
            </li>
          </>
        )}
      </ul>
    </nav>
  );
}

function BackofficeNav({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const items = [
    { href: '/admin', label: t('core.layout.bo_dashboard'), permission: 'backoffice.access' },
    { href: '/admin/directions', label: t('core.layout.bo_directorates'), permission: 'org.read' },
    { href: '/admin/services', label: t('core.layout.bo_services'), permission: 'org.read' },
    { href: '/admin/agents', label: t('core.layout.bo_agents'), permission: 'org.read' },
    { href: '/admin/territoires', label: t('core.layout.bo_areas'), permission: 'areas.manage' },
    { href: '/admin/audit', label: t('core.layout.bo_audit'), permission: 'audit.read' },
    { href: '/admin/courriels', label: t('core.layout.bo_outbox'), permission: 'mail.outbox.read' },
  ];
  // Reports module (its permissions exist only when the module is enabled).
  const reportItems = [
    { href: '/admin/signalements', label: t('reports.admin.nav.queue'), permission: 'reports.queue' },
    {
      href: '/admin/signalements/categories',
      label: t('reports.admin.nav.categories'),
      permission: 'reports.categories.manage',
    },
    {
      href: '/admin/cles-api',
      label: t('reports.admin.nav.api_keys'),
      permission: 'reports.api_keys.manage',
    },
  ].filter((item) => permissionDefined(ctx, item.permission));
  items.splice(1, 0, ...reportItems);
  // Participatory budget module.
  const budgetItems = [
    {
      href: '/admin/budget',
      label: t('budget.campaigns.admin.title'),
      permission: 'budget.campaigns.manage',
    },
    { href: '/admin/budget/etude', label: t('budget.study.title'), permission: 'budget.study' },
    {
      href: '/admin/budget/moderation',
      label: t('budget.proposals.moderation.title'),
      permission: 'budget.moderate',
    },
    {
      href: '/admin/budget/realisations',
      label: t('budget.tracking.admin.nav'),
      permission: 'budget.tracking.manage',
    },
    { href: '/admin/budget/vote', label: t('budget.paper.index_title'), permission: 'budget.ballots.paper' },
  ].filter((item) => permissionDefined(ctx, item.permission));
  items.splice(1 + reportItems.length, 0, ...budgetItems);
  const visible = items.filter((item) => ctx.can(item.permission));
  const path = ctx.path.split('?')[0];
  return (
    <nav class="backoffice-nav" aria-labelledby="backoffice-nav-title">
      <p class="backoffice-nav__title" id="backoffice-nav-title">
        {t('core.layout.nav_backoffice')}
      </p>
      <ul>
        {visible.map((item) => (
          <li key={item.href}>
            <a
              href={item.href}
              aria-current={
                (
                  item.href === '/admin'
                    ? path === '/admin'
                    : isCurrent(ctx.path, item.href) &&
                      !visible.some(
                        (other) => other.href.startsWith(`${item.href}/`) && isCurrent(ctx.path, other.href),
                      )
                )
                  ? 'page'
                  : undefined
              }
            >
              {item.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** False when the module that defines the permission is not enabled. */
function permissionDefined(ctx: PageContext, permission: string): boolean {
  try {
    ctx.can(permission);
    return true;
  } catch {
    return false;
  }
}

function Footer({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const links = [
    { href: '/accessibilite', label: t('core.layout.accessibility') },
    { href: '/mentions-legales', label: t('core.layout.legal') },
    { href: '/donnees-personnelles', label: t('core.layout.personal_data') },
    { href: '/plan-du-site', label: t('core.layout.sitemap') },
    { href: '/design', label: t('core.layout.design_system') },
  ];
  return (
    <footer class="site-footer">
      <div class="container site-footer__inner">
        <div>
          <p class="site-footer__city">{ctx.city.name}</p>
          <p class="site-footer__about">{t('core.layout.footer_about')}</p>
        </div>
        <nav aria-label={t('core.layout.footer_nav')}>
          <ul class="site-footer__links">
            {links.map((link) => (
              <li key={link.href}>
                <a href={link.href} aria-current={isCurrent(ctx.path, link.href) ? 'page' : undefined}>
                  {link.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </footer>
  );
}
