/** Open311 API keys: list, create (the key is shown once), revoke after a confirmation. */
import { formatDateTime } from '../../../../core/i18n/i18n.js';
import {
  Button,
  ButtonGroup,
  ButtonLink,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
} from '../../../../core/views/components/form.js';
import { Banner, Breadcrumbs, Table, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { BackofficePage } from '../../../backoffice/common.js';
import type { ApiKeySummary } from '../../api-keys.js';

export function ApiKeysPage({
  ctx,
  keys,
  name,
  errors,
}: {
  ctx: PageContext;
  keys: ApiKeySummary[];
  name: string;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('reports.admin.api_keys.title')}>
      <p>{t('reports.admin.api_keys.intro')}</p>
      {keys.length === 0 ? (
        <p>{t('reports.admin.api_keys.none')}</p>
      ) : (
        <Table
          caption={t('reports.admin.api_keys.caption', { count: keys.length })}
          rowHeaders
          columns={[
            { label: t('reports.admin.api_keys.name') },
            { label: t('reports.admin.api_keys.created') },
            { label: t('reports.admin.api_keys.status') },
            { label: t('reports.admin.api_keys.actions') },
          ]}
          rows={keys.map((key) => [
            key.name,
            formatDateTime(ctx.locale, key.createdAt),
            key.revokedAt ? (
              <Tag tone="grey" key="s">
                {t('reports.admin.api_keys.revoked_on', { date: formatDateTime(ctx.locale, key.revokedAt) })}
              </Tag>
            ) : (
              <Tag tone="success" key="s">
                {t('reports.admin.api_keys.active')}
              </Tag>
            ),
            key.revokedAt ? (
              ''
            ) : (
              <a href={`/admin/cles-api/${encodeURIComponent(key.id)}/revoquer`} key="a">
                {t('reports.admin.api_keys.revoke')}
                <span class="visually-hidden"> {key.name}</span>
              </a>
            ),
          ])}
        />
      )}
      <section aria-labelledby="create-key">
        <h2 id="create-key">{t('reports.admin.api_keys.create_title')}</h2>
        <ErrorSummary ctx={ctx} errors={errors} />
        <Form ctx={ctx} action="/admin/cles-api">
          <Field
            ctx={ctx}
            name="name"
            label={t('reports.admin.api_keys.name')}
            hint={t('reports.admin.api_keys.name_hint')}
            value={name}
            errors={errors}
            required
            maxLength={100}
            autocomplete="off"
          />
          <Button>{t('reports.admin.api_keys.create')}</Button>
        </Form>
      </section>
    </BackofficePage>
  );
}

/** The only time the key is ever shown: it is stored hashed. */
export function ApiKeyCreatedPage({ ctx, name, secret }: { ctx: PageContext; name: string; secret: string }) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('reports.admin.api_keys.created_title')}>
      <Breadcrumbs
        ctx={ctx}
        items={[{ label: t('reports.admin.api_keys.title'), href: '/admin/cles-api' }, { label: name }]}
      />
      <Banner tone="warning" title={t('reports.admin.api_keys.once_title')}>
        <p>{t('reports.admin.api_keys.once_text')}</p>
      </Banner>
      <p>{t('reports.admin.api_keys.key_for', { name })}</p>
      <p>
        <code data-api-key>{secret}</code>
      </p>
      <ButtonLink href="/admin/cles-api" variant="secondary">
        {t('reports.admin.api_keys.back')}
      </ButtonLink>
    </BackofficePage>
  );
}

export function RevokeApiKeyPage({ ctx, apiKey }: { ctx: PageContext; apiKey: ApiKeySummary }) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('reports.admin.api_keys.revoke_title', { name: apiKey.name })}>
      <p>{t('reports.admin.api_keys.revoke_text')}</p>
      <Form ctx={ctx} action={`/admin/cles-api/${encodeURIComponent(apiKey.id)}/revoquer`}>
        <ButtonGroup>
          <Button variant="danger">{t('reports.admin.api_keys.revoke_confirm')}</Button>
          <ButtonLink href="/admin/cles-api" variant="secondary">
            {t('reports.admin.api_keys.cancel')}
          </ButtonLink>
        </ButtonGroup>
      </Form>
    </BackofficePage>
  );
}
