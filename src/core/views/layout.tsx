import type { ComponentChildren } from 'preact';
import type { PageContext } from './context.js';

export interface LayoutProps {
  ctx: PageContext;
  /** The page's own title; the city's name is added after it. */
  title: string;
  children: ComponentChildren;
  /** Back-office pages get the back-office navigation. */
  area?: 'public' | 'backoffice';
}

export function Layout({ ctx, title, children }: LayoutProps) {
  const { t } = ctx;
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} — ${ctx.city.name}`}</title>
        <link rel="stylesheet" href={ctx.asset('app.css')} />
        <script src={ctx.asset('app.js')} defer />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('core.layout.skip_to_content')}
        </a>
        <header class="site-header">
          <a href="/">{ctx.city.name}</a>
        </header>
        <main id="main" tabIndex={-1}>
          {ctx.flash && (
            <div class="banner banner--success" role="status">
              {ctx.flash}
            </div>
          )}
          {children}
        </main>
        <footer class="site-footer">
          <a href="/accessibilite">{t('core.layout.accessibility')}</a>
        </footer>
      </body>
    </html>
  );
}
