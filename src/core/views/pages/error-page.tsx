import type { PageContext } from '../context.js';
import { Layout } from '../layout.js';

export function ErrorPage({ ctx, status, message }: { ctx: PageContext; status: number; message: string }) {
  const { t } = ctx;
  const title = t(`core.errors.title_${status}`);
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">{t('core.errors.back_home')}</a>
      </p>
    </Layout>
  );
}
