import type { PageContext } from '../context.js';
import { Layout } from '../layout.js';

/** Every status the error handler shows gets its own title. */
function statusTitle(ctx: PageContext, status: number): string {
  const titles: Record<number, string> = {
    400: ctx.t('core.errors.title_400'),
    403: ctx.t('core.errors.title_403'),
    404: ctx.t('core.errors.title_404'),
    405: ctx.t('core.errors.title_405'),
    413: ctx.t('core.errors.title_413'),
    415: ctx.t('core.errors.title_415'),
    422: ctx.t('core.errors.title_422'),
    429: ctx.t('core.errors.title_429'),
    500: ctx.t('core.errors.title_500'),
    503: ctx.t('core.errors.title_503'),
  };
  return titles[status] ?? ctx.t('core.errors.title_500');
}

export function ErrorPage({ ctx, status, message }: { ctx: PageContext; status: number; message: string }) {
  const { t } = ctx;
  const title = statusTitle(ctx, status);
  return (
    <Layout ctx={ctx} title={title}>
      <div class="error-page">
        <p class="error-page__status">{t('core.errors.status_code', { status })}</p>
        <h1>{title}</h1>
        <p class="lead">{message}</p>
        <p>{t('core.errors.help', { email: ctx.city.contactEmail })}</p>
        <div class="button-group">
          <a class="button button--primary" href="/">
            {t('core.errors.back_home')}
          </a>
          <a class="button button--secondary" href="/plan-du-site">
            {t('core.layout.sitemap')}
          </a>
        </div>
      </div>
    </Layout>
  );
}
