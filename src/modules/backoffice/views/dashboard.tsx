import type { AuditRow } from '../../../core/audit/audit.service.js';
import { formatDateTime, formatNumber } from '../../../core/i18n/i18n.js';
import type { PermissionDefinition } from '../../../core/permissions/permissions.js';
import { Table } from '../../../core/views/components/ui.js';
import type { PageContext } from '../../../core/views/context.js';
import { BackofficePage } from '../common.js';

/** A figure on the dashboard: a label (already translated), a number and where it leads. */
export interface DashboardFigure {
  label: string;
  value: number;
  href?: string;
}

export function DashboardPage({
  ctx,
  figures,
  recent,
}: {
  ctx: PageContext;
  figures: DashboardFigure[];
  recent: AuditRow[] | null;
}) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('backoffice.dashboard.title')}>
      <p>{t('backoffice.dashboard.welcome', { name: ctx.viewer?.displayName || ctx.viewer?.email || '' })}</p>
      <section aria-labelledby="figures">
        <h2 id="figures">{t('backoffice.dashboard.figures')}</h2>
        <ul class="figures">
          {figures.map((f) => (
            <li class="figure" key={f.label}>
              <span class="figure__value">{formatNumber(ctx.locale, f.value)}</span>{' '}
              <span class="figure__label">{f.href ? <a href={f.href}>{f.label}</a> : f.label}</span>
            </li>
          ))}
        </ul>
      </section>
      {recent && (
        <section aria-labelledby="recent">
          <h2 id="recent">{t('backoffice.dashboard.recent')}</h2>
          <Table
            caption={t('backoffice.dashboard.recent_caption')}
            captionHidden
            columns={[
              { label: t('backoffice.audit.when') },
              { label: t('backoffice.audit.actor') },
              { label: t('backoffice.audit.action') },
            ]}
            rows={recent.map((r) => [
              formatDateTime(ctx.locale, r.at),
              r.actorLabel,
              <code key="a">{r.action}</code>,
            ])}
          />
          <p>
            <a href="/admin/audit">{t('backoffice.dashboard.all_audit')}</a>
          </p>
        </section>
      )}
      <p>
        <a href="/admin/permissions">{t('backoffice.permissions.title')}</a>
      </p>
    </BackofficePage>
  );
}

export function PermissionsPage({
  ctx,
  permissions,
}: {
  ctx: PageContext;
  permissions: PermissionDefinition[];
}) {
  const { t } = ctx;
  return (
    <BackofficePage ctx={ctx} title={t('backoffice.permissions.title')}>
      <p>{t('backoffice.permissions.intro')}</p>
      <Table
        caption={t('backoffice.permissions.caption')}
        columns={[
          { label: t('backoffice.permissions.name') },
          { label: t('backoffice.permissions.who') },
          { label: t('backoffice.permissions.you') },
        ]}
        rowHeaders
        rows={permissions.map((p) => [
          <code key="n">{p.name}</code>,
          t(p.descriptionKey),
          ctx.can(p.name) ? t('backoffice.permissions.yes') : t('backoffice.permissions.no'),
        ])}
      />
    </BackofficePage>
  );
}
