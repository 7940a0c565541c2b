import type { ComponentChildren } from 'preact';
import { formatDate, formatDateTime } from '../../../../core/i18n/i18n.js';
import { Table, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import type { ReportState } from '../../domain/workflow.js';
import type { PublicReportSummary } from '../../reports.service.js';

/** The public name of each state. Full keys, so that the i18n check sees them used. */
const STATE_LABEL_KEYS: Record<ReportState, string> = {
  new: 'reports.public.state.new',
  to_process: 'reports.public.state.to_process',
  scheduled: 'reports.public.state.scheduled',
  transferred_third_party: 'reports.public.state.transferred_third_party',
  done: 'reports.public.state.done',
  rejected: 'reports.public.state.rejected',
  duplicate: 'reports.public.state.duplicate',
  watched: 'reports.public.state.watched',
  archived: 'reports.public.state.archived',
};

const STATE_TONES: Record<ReportState, 'info' | 'grey' | 'success' | 'warning' | 'error'> = {
  new: 'info',
  to_process: 'info',
  scheduled: 'warning',
  transferred_third_party: 'warning',
  done: 'success',
  rejected: 'grey',
  duplicate: 'grey',
  watched: 'grey',
  archived: 'grey',
};

export function stateLabel(ctx: PageContext, state: string): string {
  const key = STATE_LABEL_KEYS[state as ReportState];
  return key ? ctx.t(key) : state;
}

/** A state as a tag: the word carries the meaning, the colour only repeats it. */
export function StateTag({ ctx, state }: { ctx: PageContext; state: string }) {
  return <Tag tone={STATE_TONES[state as ReportState] ?? 'info'}>{stateLabel(ctx, state)}</Tag>;
}

export function dateText(ctx: PageContext, date: Date): string {
  return formatDate(ctx.locale, date);
}

export function dateTimeText(ctx: PageContext, date: Date): string {
  return formatDateTime(ctx.locale, date);
}

/** `<time>` with a machine-readable value. */
export function Time({ ctx, date, withTime = false }: { ctx: PageContext; date: Date; withTime?: boolean }) {
  return (
    <time dateTime={date.toISOString()}>{withTime ? dateTimeText(ctx, date) : dateText(ctx, date)}</time>
  );
}

export function reportHref(reference: string): string {
  return `/signalements/${encodeURIComponent(reference)}`;
}

/** The table of reports shared by the list, the map's fallback and "my reports". */
export function ReportsTable({
  ctx,
  caption,
  reports,
  captionHidden,
}: {
  ctx: PageContext;
  caption: string;
  reports: PublicReportSummary[];
  captionHidden?: boolean;
}) {
  const { t } = ctx;
  return (
    <Table
      caption={caption}
      captionHidden={captionHidden}
      columns={[
        { label: t('reports.public.list.reference') },
        { label: t('reports.public.list.category') },
        { label: t('reports.public.list.arrondissement') },
        { label: t('reports.public.list.status') },
        { label: t('reports.public.list.date') },
      ]}
      rowHeaders
      rows={reports.map((r) => [
        <a href={reportHref(r.reference)} key="ref">
          {r.reference}
        </a>,
        r.categoryLabel,
        r.arrondissementName ?? '—',
        <StateTag ctx={ctx} state={r.state} key="state" />,
        <Time ctx={ctx} date={r.createdAt} key="date" />,
      ])}
    />
  );
}

/** The reports pages' own styles (the picker, clusters, photos, timeline). */
export function ReportStyles({ ctx }: { ctx: PageContext }) {
  return <link rel="stylesheet" href={ctx.asset('reports.css')} />;
}

/** Links between the public report pages. */
export function ReportsLinks({ ctx, children }: { ctx: PageContext; children?: ComponentChildren }) {
  const { t } = ctx;
  return (
    <ul class="reports-links">
      <li>
        <a href="/signalements/nouveau">{t('reports.public.links.new')}</a>
      </li>
      <li>
        <a href="/signalements">{t('reports.public.links.list')}</a>
      </li>
      <li>
        <a href="/signalements/carte">{t('reports.public.links.map')}</a>
      </li>
      {ctx.viewer && (
        <li>
          <a href="/compte/signalements">{t('reports.public.links.mine')}</a>
        </li>
      )}
      {children}
    </ul>
  );
}
