import { Button, ErrorSummary, Field, type FieldErrors, Form } from '../../views/components/form.js';
import type { PageContext } from '../../views/context.js';
import { Layout } from '../../views/layout.js';

export interface SignUpValues {
  display_name?: string;
  email?: string;
}

export function SignUpPage({
  ctx,
  values = {},
  errors,
}: {
  ctx: PageContext;
  values?: SignUpValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const title = t('core.account.signup.title');
  return (
    <Layout ctx={ctx} title={errors ? `${t('core.account.error_title_prefix')} ${title}` : title}>
      <h1>{title}</h1>
      <p>{t('core.account.signup.intro')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <Form ctx={ctx} action="/inscription">
        <Field
          ctx={ctx}
          name="display_name"
          label={t('core.account.fields.display_name')}
          hint={t('core.account.fields.display_name_hint')}
          value={values.display_name}
          errors={errors}
          autocomplete="name"
          required
          width="medium"
        />
        <Field
          ctx={ctx}
          name="email"
          type="email"
          label={t('core.account.fields.email')}
          value={values.email}
          errors={errors}
          autocomplete="email"
          inputMode="email"
          required
          width="medium"
        />
        <Field
          ctx={ctx}
          name="password"
          type="password"
          label={t('core.account.fields.password')}
          hint={t('core.account.fields.new_password_hint')}
          errors={errors}
          autocomplete="new-password"
          required
          width="medium"
        />
        <Button>{t('core.account.signup.submit')}</Button>
      </Form>
      <p>
        {t('core.account.signup.have_account')} <a href="/connexion">{t('core.account.signin.title')}</a>
      </p>
    </Layout>
  );
}
