import type { FeatureSummary, LayerRow } from '../../../core/areas/areas.store.js';
import type { Directorate, OrgUnit } from '../../../core/org/org.service.js';
import {
  Button,
  ButtonLink,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  Select,
} from '../../../core/views/components/form.js';
import { Breadcrumbs, Table, Tag } from '../../../core/views/components/ui.js';
import type { PageContext } from '../../../core/views/context.js';
import { BackofficePage } from '../common.js';

export interface ServiceValues {
  directorateId: string;
  code: string;
  name: string;
  email: string;
  areaIds: string[];
  active: boolean;
}

export function ServicesPage({
  ctx,
  services,
  directorates,
  directorateId,
}: {
  ctx: PageContext;
  services: OrgUnit[];
  directorates: Directorate[];
  directorateId: string;
}) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('backoffice.services.title')}>
      <form method="get" action="/admin/services" class="form form--inline">
        <Select
          ctx={ctx}
          name="direction"
          label={t('backoffice.services.filter_directorate')}
          placeholder={t('backoffice.services.all_directorates')}
          options={directorates.map((d) => ({ value: d.id, label: d.name }))}
          value={directorateId}
        />
        <Button variant="secondary">{t('backoffice.filter')}</Button>
      </form>
      {ctx.can('org.manage') && (
        <p>
          <ButtonLink href="/admin/services/nouveau">{t('backoffice.services.create')}</ButtonLink>
        </p>
      )}
      <Table
        caption={t('backoffice.services.caption', { count: services.length })}
        columns={[
          { label: t('backoffice.org.name') },
          { label: t('backoffice.org.code') },
          { label: t('backoffice.services.directorate') },
          { label: t('backoffice.services.members'), numeric: true },
          { label: t('backoffice.services.status') },
        ]}
        rowHeaders
        rows={services.map((s) => [
          <a href={`/admin/services/${s.id}`} key="name">
            {s.name}
          </a>,
          s.code,
          s.directorateName,
          s.memberCount,
          s.active ? (
            <Tag tone="success">{t('backoffice.services.active')}</Tag>
          ) : (
            <Tag tone="grey">{t('backoffice.services.inactive')}</Tag>
          ),
        ])}
      />
    </BackofficePage>
  );
}

/** Covered areas: one fieldset of checkboxes per layer; the first box carries the error anchor. */
function AreaChoices({
  ctx,
  layers,
  areas,
  selected,
  errors,
}: {
  ctx: PageContext;
  layers: LayerRow[];
  areas: FeatureSummary[];
  selected: string[];
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const error = errors?.areaIds;
  let first = true;
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <p class="field__label">{t('backoffice.services.areas')}</p>
      <p class="field__hint">{t('backoffice.services.areas_hint')}</p>
      {error && (
        <p class="field__error" id="field-areaIds-error">
          {t(error)}
        </p>
      )}
      {layers.length === 0 && <p>{t('backoffice.services.no_layers')}</p>}
      {layers.map((layer) => (
        <details
          class="details"
          key={layer.id}
          open={areas.some((a) => a.layerId === layer.id && selected.includes(a.id))}
        >
          <summary>{layer.name}</summary>
          <fieldset class="fieldset">
            <legend class="fieldset__legend">{layer.name}</legend>
            <div class="choices choices--inline">
              {areas
                .filter((a) => a.layerId === layer.id)
                .map((area) => {
                  const id = first ? 'field-areaIds' : `area-${area.id}`;
                  first = false;
                  return (
                    <div class="choice" key={area.id}>
                      <input
                        class="choice__input"
                        type="checkbox"
                        id={id}
                        name="areaIds"
                        value={area.id}
                        checked={selected.includes(area.id)}
                      />
                      <label class="choice__label" for={id}>
                        {area.code} — {area.name}
                      </label>
                    </div>
                  );
                })}
            </div>
          </fieldset>
        </details>
      ))}
    </div>
  );
}

export function ServiceFormPage({
  ctx,
  service,
  directorates,
  layers,
  areas,
  values,
  errors,
}: {
  ctx: PageContext;
  service: OrgUnit | null;
  directorates: Directorate[];
  layers: LayerRow[];
  areas: FeatureSummary[];
  values: ServiceValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const title = service ? service.name : t('backoffice.services.create');
  const canManage = ctx.can('org.manage');
  return (
    <BackofficePage ctx={ctx} title={title}>
      <Breadcrumbs
        ctx={ctx}
        items={[{ label: t('backoffice.services.title'), href: '/admin/services' }, { label: title }]}
      />
      {service && <p>{t('backoffice.services.of_directorate', { name: service.directorateName })}</p>}
      {service && (
        <p>
          <a href={`/admin/agents?service=${service.id}`}>
            {t('backoffice.services.see_members', { count: service.memberCount })}
          </a>
        </p>
      )}
      {canManage && (
        <>
          <ErrorSummary ctx={ctx} errors={errors} />
          <Form ctx={ctx} action={service ? `/admin/services/${service.id}` : '/admin/services'}>
            <Select
              ctx={ctx}
              name="directorateId"
              label={t('backoffice.services.directorate')}
              placeholder={t('backoffice.services.choose_directorate')}
              options={directorates.map((d) => ({ value: d.id, label: d.name }))}
              value={values.directorateId}
              errors={errors}
              required
            />
            <Field
              ctx={ctx}
              name="code"
              label={t('backoffice.org.code')}
              hint={t('backoffice.org.code_hint')}
              value={values.code}
              errors={errors}
              required
              width="medium"
              maxLength={40}
            />
            <Field
              ctx={ctx}
              name="name"
              label={t('backoffice.org.name')}
              value={values.name}
              errors={errors}
              required
            />
            <Field
              ctx={ctx}
              name="email"
              type="email"
              label={t('backoffice.services.email')}
              hint={t('backoffice.services.email_hint')}
              value={values.email}
              errors={errors}
            />
            <AreaChoices ctx={ctx} layers={layers} areas={areas} selected={values.areaIds} errors={errors} />
            <div class="choice">
              <input
                class="choice__input"
                type="checkbox"
                id="field-active"
                name="active"
                value="1"
                checked={values.active}
              />
              <label class="choice__label" for="field-active">
                {t('backoffice.services.active_label')}
              </label>
            </div>
            <Button>{service ? t('backoffice.save') : t('backoffice.services.create_button')}</Button>
          </Form>
        </>
      )}
    </BackofficePage>
  );
}
