import type { Directorate, OrgUnit } from '../../../core/org/org.service.js';
import { Button, ErrorSummary, Field, type FieldErrors, Form } from '../../../core/views/components/form.js';
import { Breadcrumbs, Table } from '../../../core/views/components/ui.js';
import type { PageContext } from '../../../core/views/context.js';
import { BackofficePage } from '../common.js';

export interface DirectorateValues {
  code: string;
  name: string;
  description: string;
}

function DirectorateFields({
  ctx,
  values,
  errors,
}: {
  ctx: PageContext;
  values: DirectorateValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  return (
    <>
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
        name="description"
        label={t('backoffice.org.description')}
        value={values.description}
        errors={errors}
        multiline
        rows={3}
      />
    </>
  );
}

export function DirectoratesPage({
  ctx,
  directorates,
  values,
  errors,
}: {
  ctx: PageContext;
  directorates: Directorate[];
  values: DirectorateValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('backoffice.directorates.title')}>
      <Table
        caption={t('backoffice.directorates.caption', { count: directorates.length })}
        columns={[
          { label: t('backoffice.org.name') },
          { label: t('backoffice.org.code') },
          { label: t('backoffice.directorates.services'), numeric: true },
        ]}
        rowHeaders
        rows={directorates.map((d) => [
          <a href={`/admin/directions/${d.id}`} key="name">
            {d.name}
          </a>,
          d.code,
          <a href={`/admin/services?direction=${d.id}`} key="services">
            {d.serviceCount}
          </a>,
        ])}
      />
      {ctx.can('org.manage') && (
        <section aria-labelledby="new-directorate">
          <h2 id="new-directorate">{t('backoffice.directorates.create')}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <Form ctx={ctx} action="/admin/directions">
            <DirectorateFields ctx={ctx} values={values} errors={errors} />
            <Button>{t('backoffice.directorates.create_button')}</Button>
          </Form>
        </section>
      )}
    </BackofficePage>
  );
}

export function DirectoratePage({
  ctx,
  directorate,
  services,
  values,
  errors,
}: {
  ctx: PageContext;
  directorate: Directorate;
  services: OrgUnit[];
  values: DirectorateValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={directorate.name}>
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('backoffice.directorates.title'), href: '/admin/directions' },
          { label: directorate.name },
        ]}
      />
      {directorate.description && <p>{directorate.description}</p>}
      <Table
        caption={t('backoffice.directorates.its_services')}
        columns={[
          { label: t('backoffice.org.name') },
          { label: t('backoffice.org.code') },
          { label: t('backoffice.services.members'), numeric: true },
        ]}
        rowHeaders
        rows={services.map((s) => [
          <a href={`/admin/services/${s.id}`} key="name">
            {s.name}
          </a>,
          s.code,
          s.memberCount,
        ])}
      />
      {ctx.can('org.manage') && (
        <section aria-labelledby="edit-directorate">
          <h2 id="edit-directorate">{t('backoffice.directorates.edit')}</h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <Form ctx={ctx} action={`/admin/directions/${directorate.id}`}>
            <DirectorateFields ctx={ctx} values={values} errors={errors} />
            <Button>{t('backoffice.save')}</Button>
          </Form>
        </section>
      )}
    </BackofficePage>
  );
}
