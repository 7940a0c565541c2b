import { Button, Form } from '../../../../core/views/components/form.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';

/** "Stop the mail about this project?": a button, so that a link scanner cannot unsubscribe anyone. */
export function UnsubscribePage({
  ctx,
  action,
  number,
  title,
}: {
  ctx: PageContext;
  action: string;
  number: number;
  title: string;
}) {
  const { t } = ctx;
  const heading = t('budget.tracking.unsubscribe.title');
  return (
    <Layout ctx={ctx} title={heading}>
      <h1>{heading}</h1>
      <p>{t('budget.tracking.unsubscribe.intro', { number, title })}</p>
      <Form ctx={ctx} action={action}>
        <Button>{t('budget.tracking.unsubscribe.submit')}</Button>
      </Form>
    </Layout>
  );
}
