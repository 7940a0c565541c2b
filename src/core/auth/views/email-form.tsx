import { Button, ErrorSummary, Field, type FieldErrors, Form } from '../../views/components/form.js';
import type { PageContext } from '../../views/context.js';
import { Layout } from '../../views/layout.js';

/** One address to type: used to ask for a magic link and for a password reset. */
export function EmailRequestPage({
  ctx,
  title,
  intro,
  action,
  submit,
  email = '',
  errors,
}: {
  ctx: PageContext;
  title: string;
  intro: string;
  action: string;
  submit: string;
  email?: string;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={errors ? `${t('core.account.error_title_prefix')} ${title}` : title}>
      <h1>{title}</h1>
      <p>{intro}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <Form ctx={ctx} action={action}>
        <Field
          ctx={ctx}
          name="email"
          type="email"
          label={t('core.account.fields.email')}
          value={email}
          errors={errors}
          autocomplete="email"
          inputMode="email"
          required
          width="medium"
        />
        <Button>{submit}</Button>
      </Form>
    </Layout>
  );
}

/**
 * The page a mailed link opens: a button to press. Mail scanners follow links with GET;
 * only the POST of this button uses the link up.
 */
export function ConfirmLinkPage({
  ctx,
  title,
  intro,
  action,
  submit,
}: {
  ctx: PageContext;
  title: string;
  intro: string;
  action: string;
  submit: string;
}) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{intro}</p>
      <Form ctx={ctx} action={action}>
        <Button>{submit}</Button>
      </Form>
    </Layout>
  );
}

export function NewPasswordPage({
  ctx,
  action,
  errors,
}: {
  ctx: PageContext;
  action: string;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const title = t('core.account.reset.new_title');
  return (
    <Layout ctx={ctx} title={errors ? `${t('core.account.error_title_prefix')} ${title}` : title}>
      <h1>{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <Form ctx={ctx} action={action}>
        <Field
          ctx={ctx}
          name="password"
          type="password"
          label={t('core.account.fields.new_password')}
          hint={t('core.account.fields.new_password_hint')}
          errors={errors}
          autocomplete="new-password"
          required
          width="medium"
        />
        <Button>{t('core.account.reset.new_submit')}</Button>
      </Form>
    </Layout>
  );
}
