import type { AuditFilter, AuditRow } from '../../../core/audit/audit.service.js';
import { formatDateTime } from '../../../core/i18n/i18n.js';
import { Button, DateInput, Field, type FieldErrors } from '../../../core/views/components/form.js';
import { Pagination, Table } from '../../../core/views/components/ui.js';
import type { PageContext } from '../../../core/views/context.js';
import { BackofficePage } from '../common.js';

export function AuditPage({
  ctx,
  filter,
  rows,
  total,
  page,
  pages,
  errors,
}: {
  ctx: PageContext;
  filter: AuditFilter;
  rows: AuditRow[];
  total: number;
  page: number;
  pages: number;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('backoffice.audit.title')}>
      <form method="get" action="/admin/audit" class="form form--filters">
        <Field
          ctx={ctx}
          name="action"
          label={t('backoffice.audit.action')}
          hint={t('backoffice.audit.action_hint')}
          value={filter.action}
          width="medium"
        />
        <Field
          ctx={ctx}
          name="actor"
          label={t('backoffice.audit.actor')}
          value={filter.actor}
          width="medium"
        />
        <Field
          ctx={ctx}
          name="objectType"
          label={t('backoffice.audit.object_type')}
          value={filter.objectType}
          width="medium"
        />
        <Field
          ctx={ctx}
          name="objectId"
          label={t('backoffice.audit.object_id')}
          value={filter.objectId}
          width="medium"
        />
        <DateInput
          ctx={ctx}
          name="from"
          label={t('backoffice.audit.from')}
          value={filter.from}
          errors={errors}
        />
        <DateInput ctx={ctx} name="to" label={t('backoffice.audit.to')} value={filter.to} errors={errors} />
        <Button variant="secondary">{t('backoffice.audit.search')}</Button>
      </form>
      <Table
        caption={t('backoffice.audit.caption', { count: total, page, pages })}
        columns={[
          { label: t('backoffice.audit.when') },
          { label: t('backoffice.audit.actor') },
          { label: t('backoffice.audit.action') },
          { label: t('backoffice.audit.object') },
          { label: t('backoffice.audit.ip') },
          { label: t('backoffice.audit.details') },
        ]}
        rows={rows.map((row) => [
          <time dateTime={row.at.toISOString()} key="at">
            {formatDateTime(ctx.locale, row.at)}
          </time>,
          row.actorLabel,
          <code key="action">{row.action}</code>,
          row.objectType ? `${row.objectType} ${row.objectId}` : '',
          row.ip,
          <code class="audit-details" key="details">
            {JSON.stringify(row.details).slice(0, 300)}
          </code>,
        ])}
      />
      {rows.length === 0 && <p>{t('backoffice.audit.none')}</p>}
      <Pagination ctx={ctx} url={ctx.path} page={page} pageCount={pages} />
    </BackofficePage>
  );
}
