import { Button, ErrorSummary, Field, type FieldErrors, Form } from '../../views/components/form.js';
import type { NavItem, PageContext } from '../../views/context.js';
import { Layout } from '../../views/layout.js';

export interface AccountValues {
  display_name: string;
  email: string;
  locale: string;
  notify_by_email: boolean;
  notify_digest: boolean;
}

/** The signed-in person's page: profile, address, password, their data, deleting the account. */
export function AccountPage({
  ctx,
  values,
  currentEmail,
  emailVerified,
  hasPassword,
  moduleLinks = [],
  errors,
}: {
  ctx: PageContext;
  values: AccountValues;
  /** What the modules keep for this person (their reports, votes…). */
  moduleLinks?: NavItem[];
  currentEmail: string;
  emailVerified: boolean;
  hasPassword: boolean;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const title = t('core.account.page.title');
  const localeError = errors?.locale;
  return (
    <Layout ctx={ctx} title={errors ? `${t('core.account.error_title_prefix')} ${title}` : title}>
      <h1>{title}</h1>
      {!emailVerified && (
        <div class="banner banner--warning" role="status">
          {t('core.account.page.unconfirmed')}
        </div>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      {moduleLinks.length > 0 && (
        <ul class="account-links">
          {moduleLinks.map((link) => (
            <li key={link.href}>
              <a href={link.href}>{t(link.labelKey)}</a>
            </li>
          ))}
        </ul>
      )}

      <section class="section" aria-labelledby="account-profile">
        <h2 id="account-profile">{t('core.account.page.profile')}</h2>
        <Form ctx={ctx} action="/compte">
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
          <div class={`field${localeError ? ' field--error' : ''}`}>
            <fieldset class="fieldset" aria-describedby={localeError ? 'field-locale-error' : undefined}>
              <legend class="fieldset__legend">{t('core.account.fields.locale')}</legend>
              {localeError && (
                <p class="field__error" id="field-locale-error">
                  <span class="visually-hidden">{t('core.form.error_prefix')} </span>
                  {t(localeError)}
                </p>
              )}
              <div class="choices">
                {(
                  [
                    ['fr', 'core.account.locale.fr'],
                    ['en', 'core.account.locale.en'],
                  ] as const
                ).map(([code, key]) => (
                  <div class="choice" key={code}>
                    <input
                      class="choice__input"
                      type="radio"
                      id={code === 'fr' ? 'field-locale' : `field-locale-${code}`}
                      name="locale"
                      value={code}
                      checked={values.locale === code}
                      lang={code}
                    />
                    <label
                      class="choice__label"
                      for={code === 'fr' ? 'field-locale' : `field-locale-${code}`}
                      lang={code}
                    >
                      {t(key)}
                    </label>
                  </div>
                ))}
              </div>
            </fieldset>
          </div>
          <div class="field">
            <fieldset class="fieldset">
              <legend class="fieldset__legend">{t('core.account.fields.notifications')}</legend>
              <div class="choices">
                <div class="choice">
                  <input
                    class="choice__input"
                    type="checkbox"
                    id="field-notify_by_email"
                    name="notify_by_email"
                    value="1"
                    checked={values.notify_by_email}
                  />
                  <label class="choice__label" for="field-notify_by_email">
                    {t('core.account.fields.notify_by_email')}
                  </label>
                </div>
                <div class="choice">
                  <input
                    class="choice__input"
                    type="checkbox"
                    id="field-notify_digest"
                    name="notify_digest"
                    value="1"
                    checked={values.notify_digest}
                  />
                  <label class="choice__label" for="field-notify_digest">
                    {t('core.account.fields.notify_digest')}
                  </label>
                </div>
              </div>
            </fieldset>
          </div>
          <Button>{t('core.account.page.save')}</Button>
        </Form>
      </section>

      <section class="section" aria-labelledby="account-email">
        <h2 id="account-email">{t('core.account.page.email')}</h2>
        <p>{t('core.account.page.email_current', { email: currentEmail })}</p>
        <Form ctx={ctx} action="/compte/email">
          <Field
            ctx={ctx}
            name="email"
            type="email"
            label={t('core.account.fields.new_email')}
            hint={t('core.account.fields.new_email_hint')}
            value={values.email}
            errors={errors}
            autocomplete="email"
            inputMode="email"
            required
            width="medium"
          />
          <Button variant="secondary">{t('core.account.page.email_submit')}</Button>
        </Form>
      </section>

      <section class="section" aria-labelledby="account-password">
        <h2 id="account-password">{t('core.account.page.password')}</h2>
        <Form ctx={ctx} action="/compte/mot-de-passe">
          {hasPassword ? (
            <Field
              ctx={ctx}
              name="current_password"
              type="password"
              label={t('core.account.fields.current_password')}
              errors={errors}
              autocomplete="current-password"
              required
              width="medium"
            />
          ) : (
            <p>{t('core.account.page.no_password')}</p>
          )}
          <Field
            ctx={ctx}
            name="new_password"
            type="password"
            label={t('core.account.fields.new_password')}
            hint={t('core.account.fields.new_password_hint')}
            errors={errors}
            autocomplete="new-password"
            required
            width="medium"
          />
          <Button variant="secondary">{t('core.account.page.password_submit')}</Button>
        </Form>
      </section>

      <section class="section" aria-labelledby="account-data">
        <h2 id="account-data">{t('core.account.page.data')}</h2>
        <p>{t('core.account.page.data_intro')}</p>
        <p>
          <a href="/compte/donnees.json" download>
            {t('core.account.page.data_download')}
          </a>
        </p>
      </section>

      <section class="section" aria-labelledby="account-signout">
        <h2 id="account-signout">{t('core.account.page.session')}</h2>
        <Form ctx={ctx} action="/deconnexion">
          <Button variant="secondary">{t('core.account.signout.submit')}</Button>
        </Form>
      </section>

      <section class="section" aria-labelledby="account-delete">
        <h2 id="account-delete">{t('core.account.delete.title')}</h2>
        <p>{t('core.account.delete.intro')}</p>
        <p>
          <a href="/compte/supprimer">{t('core.account.delete.link')}</a>
        </p>
      </section>
    </Layout>
  );
}

export function DeleteAccountPage({
  ctx,
  hasPassword,
  errors,
}: {
  ctx: PageContext;
  hasPassword: boolean;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const title = t('core.account.delete.title');
  const word = t('core.account.delete.confirm_word');
  return (
    <Layout ctx={ctx} title={errors ? `${t('core.account.error_title_prefix')} ${title}` : title}>
      <h1>{title}</h1>
      <p>{t('core.account.delete.explain_erased')}</p>
      <p>{t('core.account.delete.explain_kept')}</p>
      <p>{t('core.account.delete.explain_final')}</p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <Form ctx={ctx} action="/compte/supprimer">
        {hasPassword ? (
          <Field
            ctx={ctx}
            name="password"
            type="password"
            label={t('core.account.fields.current_password')}
            hint={t('core.account.delete.password_hint')}
            errors={errors}
            autocomplete="current-password"
            required
            width="medium"
          />
        ) : (
          <Field
            ctx={ctx}
            name="confirmation"
            label={t('core.account.delete.confirmation_label', { word })}
            errors={errors}
            autocomplete="off"
            required
            width="short"
          />
        )}
        <Button variant="danger">{t('core.account.delete.submit')}</Button>
      </Form>
      <p>
        <a href="/compte">{t('core.account.delete.cancel')}</a>
      </p>
    </Layout>
  );
}
