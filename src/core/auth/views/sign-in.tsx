import { Button, ErrorSummary, Field, type FieldErrors, Form } from '../../views/components/form.js';
import type { PageContext } from '../../views/context.js';
import { Layout } from '../../views/layout.js';

export function SignInPage({
  ctx,
  email = '',
  returnTo,
  errors,
}: {
  ctx: PageContext;
  email?: string;
  /** A local path to go back to after signing in. */
  returnTo?: string;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const title = t('core.account.signin.title');
  return (
    <Layout ctx={ctx} title={errors ? `${t('core.account.error_title_prefix')} ${title}` : title}>
      <h1>{title}</h1>
      {ctx.viewer && <p>{t('core.account.signin.already', { name: ctx.viewer.displayName })}</p>}
      <ErrorSummary ctx={ctx} errors={errors} />
      <Form ctx={ctx} action="/connexion">
        {returnTo && <input type="hidden" name="retour" value={returnTo} />}
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
        <Field
          ctx={ctx}
          name="password"
          type="password"
          label={t('core.account.fields.password')}
          errors={errors}
          autocomplete="current-password"
          required
          width="medium"
        />
        <Button>{t('core.account.signin.submit')}</Button>
      </Form>
      <ul class="link-list">
        <li>
          <a href="/mot-de-passe-oublie">{t('core.account.reset.link')}</a>
        </li>
        <li>
          <a href="/connexion/lien">{t('core.account.magic.link')}</a>
        </li>
        <li>
          <a href="/inscription">{t('core.account.signup.link')}</a>
        </li>
      </ul>
    </Layout>
  );
}
