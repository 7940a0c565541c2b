/** Pieces shared by the tracking pages: status tags, progress, money, days, the winners' table. */
import { formatDate } from '../../../../core/i18n/i18n.js';
import { Table, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import type { ImplementationStatus } from '../../budget.tables.js';
import { STATUS_KEYS } from '../notifications.js';
import type { WinnerSummary } from '../tracking.service.js';

const STATUS_TONES: Record<ImplementationStatus, 'info' | 'warning' | 'success' | 'grey'> = {
  studies: 'info',
  works: 'warning',
  delivered: 'success',
  abandoned: 'grey',
};

export function statusText(ctx: PageContext, status: ImplementationStatus | null): string {
  return ctx.t(STATUS_KEYS[status ?? 'studies']);
}

/** The word carries the meaning; the colour only repeats it. */
export function StatusTag({ ctx, status }: { ctx: PageContext; status: ImplementationStatus }) {
  return <Tag tone={STATUS_TONES[status]}>{statusText(ctx, status)}</Tag>;
}

/** Euros from cents, in the page's language, without cents. */
export function euros(ctx: PageContext, cents: number): string {
  return new Intl.NumberFormat(ctx.locale === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
    maximumFractionDigits: 0,
  }).format(Math.round(cents / 100));
}

/** A calendar day (YYYY-MM-DD) as `<time>`, in words. */
export function Day({ ctx, day }: { ctx: PageContext; day: string }) {
  return <time dateTime={day}>{formatDate(ctx.locale, new Date(`${day}T12:00:00Z`))}</time>;
}

/** "5e — Panthéon" (the district's number and name); a code that is not a number stays as it is. */
export function arrondissementText(ctx: PageContext, code: string | null, name: string | null): string {
  if (!code) return ctx.t('budget.tracking.list.citywide');
  if (!/^\d+$/.test(code)) return name ?? code;
  if (!name) {
    return code === '1'
      ? ctx.t('budget.tracking.arrondissement_number_first')
      : ctx.t('budget.tracking.arrondissement_number', { code });
  }
  return code === '1'
    ? ctx.t('budget.tracking.arrondissement_first', { name })
    : ctx.t('budget.tracking.arrondissement', { code, name });
}

export function percent(ctx: PageContext, value: number): string {
  const number = new Intl.NumberFormat(ctx.locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });
  return ctx.t('budget.tracking.progress_value', { progress: number.format(value) });
}

/** A progress bar with its value in words next to it (the bar alone says nothing to some). */
export function Progress({ ctx, value, label }: { ctx: PageContext; value: number; label: string }) {
  return (
    <p class="tracking-progress">
      <span class="tracking-progress__label">{label}</span>{' '}
      <progress class="tracking-progress__bar" max={100} value={value} aria-hidden="true">
        {percent(ctx, value)}
      </progress>{' '}
      <strong class="tracking-progress__value">{percent(ctx, value)}</strong>
    </p>
  );
}

/**
 * A theme's name. Themes are the proposals part's; their label is used when it has one under
 * `budget.proposals.theme.<code>`, the code otherwise.
 */
export function themeLabel(ctx: PageContext, theme: string): string {
  const key = `budget.proposals.theme.${theme}`;
  const label = ctx.t(key);
  return label === key ? theme : label;
}

export function TrackingStyles({ ctx }: { ctx: PageContext }) {
  return <link rel="stylesheet" href={ctx.asset('budget-tracking.css')} />;
}

/** The table of winners shared by the public list and "projects I follow". */
export function WinnersTable({
  ctx,
  caption,
  winners,
  captionHidden,
}: {
  ctx: PageContext;
  caption: string;
  winners: WinnerSummary[];
  captionHidden?: boolean;
}) {
  const { t } = ctx;
  return (
    <Table
      caption={caption}
      captionHidden={captionHidden}
      columns={[
        { label: t('budget.tracking.list.project') },
        { label: t('budget.tracking.list.campaign') },
        { label: t('budget.tracking.list.arrondissement') },
        { label: t('budget.tracking.list.theme') },
        { label: t('budget.tracking.list.status') },
        { label: t('budget.tracking.list.progress'), numeric: true },
      ]}
      rowHeaders
      rows={winners.map((w) => [
        <a href={w.href} key="title">
          {t('budget.project.number_title', { number: w.number, title: w.title })}
        </a>,
        w.campaign.title,
        arrondissementText(ctx, w.arrondissementCode, w.arrondissementName),
        themeLabel(ctx, w.theme),
        <StatusTag ctx={ctx} status={w.status} key="status" />,
        percent(ctx, w.progress),
      ])}
    />
  );
}

/** Markers for the map script: plain data, the labels already in the page's language. */
export function markersOf(ctx: PageContext, winners: WinnerSummary[]) {
  return winners
    .filter((w) => w.lat !== null && w.lon !== null)
    .map((w) => ({
      id: w.id,
      lat: w.lat as number,
      lng: w.lon as number,
      label: `${ctx.t('budget.project.number_title', { number: w.number, title: w.title })} — ${statusText(ctx, w.status)}`,
      href: w.href,
    }));
}
