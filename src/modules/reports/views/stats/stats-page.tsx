import { formatDate, formatNumber, type Locale } from '../../../../core/i18n/i18n.js';
import { Button, ErrorSummary, type FieldErrors } from '../../../../core/views/components/form.js';
import { Breadcrumbs, Table } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import type { CountRow, ReportStats } from '../../stats.js';
import { DayField } from '../dates.js';

export interface StatsFilterValues {
  from: string;
  to: string;
}

/** The state labels of the public statistics (full keys, so the i18n check sees them). */
export function stateLabel(t: PageContext['t'], state: string): string {
  const keys: Record<string, string> = {
    new: 'reports.stats.state.new',
    to_process: 'reports.stats.state.to_process',
    scheduled: 'reports.stats.state.scheduled',
    transferred_third_party: 'reports.stats.state.transferred_third_party',
    done: 'reports.stats.state.done',
    rejected: 'reports.stats.state.rejected',
    duplicate: 'reports.stats.state.duplicate',
    watched: 'reports.stats.state.watched',
    archived: 'reports.stats.state.archived',
  };
  return keys[state] ? t(keys[state]) : state;
}

function days(locale: Locale, value: number | null, t: PageContext['t']): string {
  if (value === null) return t('reports.stats.no_value');
  return t('reports.stats.days', { days: formatNumber(locale, Math.round(value * 10) / 10) });
}

const CHART_WIDTH = 640;
const ROW_HEIGHT = 44;
const LABEL_MAX = 80;

/**
 * A horizontal bar chart drawn on the server: one SVG, `role="img"` with a spoken summary
 * (the figures themselves are in the table that follows). Bar lengths are SVG attributes,
 * not style attributes, so the strict CSP holds.
 */
function BarChart({
  ctx,
  id,
  title,
  rows,
}: {
  ctx: PageContext;
  id: string;
  title: string;
  rows: { label: string; count: number }[];
}) {
  const { t } = ctx;
  const max = Math.max(1, ...rows.map((row) => row.count));
  const top = rows.reduce<{ label: string; count: number } | null>(
    (best, row) => (best === null || row.count > best.count ? row : best),
    null,
  );
  const summary = top
    ? t('reports.stats.chart_summary', {
        title,
        bars: rows.length,
        top: top.label,
        count: formatNumber(ctx.locale, top.count),
      })
    : t('reports.stats.chart_empty', { title });
  const height = Math.max(1, rows.length) * ROW_HEIGHT;
  return (
    <svg
      id={id}
      class="stats-chart"
      role="img"
      aria-label={summary}
      viewBox={`0 0 ${CHART_WIDTH} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      focusable="false"
    >
      {rows.map((row, i) => {
        const y = i * ROW_HEIGHT;
        const barWidth = Math.max(row.count > 0 ? 2 : 0, Math.round((row.count / max) * (CHART_WIDTH - 80)));
        const label = row.label.length > LABEL_MAX ? `${row.label.slice(0, LABEL_MAX - 1)}…` : row.label;
        return (
          <g key={`${row.label}-${i}`}>
            <text x="0" y={y + 14} font-size="13" fill="#1e1e1e">
              {label}
            </text>
            <rect x="0" y={y + 20} height="16" width={barWidth} fill={ctx.city.colours.primary} />
            <text x={barWidth + 6} y={y + 33} font-size="13" fill="#1e1e1e">
              {formatNumber(ctx.locale, row.count)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function ChartWithTable({
  ctx,
  id,
  title,
  firstColumn,
  rows,
  top = 20,
}: {
  ctx: PageContext;
  id: string;
  title: string;
  firstColumn: string;
  rows: CountRow[];
  /** The chart shows the biggest rows only; the table has them all. */
  top?: number;
}) {
  const { t } = ctx;
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  const shown = [...rows].sort((a, b) => b.count - a.count).slice(0, top);
  return (
    <section aria-labelledby={`${id}-title`} class="stats-section">
      <h2 id={`${id}-title`}>{title}</h2>
      {rows.length > top && <p>{t('reports.stats.chart_top', { top })}</p>}
      <BarChart ctx={ctx} id={`${id}-chart`} title={title} rows={shown} />
      <Table
        caption={t('reports.stats.table_caption', { title })}
        columns={[
          { label: firstColumn },
          { label: t('reports.stats.col_count'), numeric: true },
          { label: t('reports.stats.col_share'), numeric: true },
        ]}
        rowHeaders
        rows={rows.map((row) => [
          row.label || t('reports.stats.none'),
          formatNumber(ctx.locale, row.count),
          total > 0 ? `${formatNumber(ctx.locale, Math.round((row.count / total) * 1000) / 10)} %` : '–',
        ])}
      />
    </section>
  );
}

export function StatsPage({
  ctx,
  stats,
  values,
  errors,
  generatedAt,
}: {
  ctx: PageContext;
  stats: ReportStats;
  values: StatsFilterValues;
  errors?: FieldErrors;
  generatedAt: Date;
}) {
  const { t, locale } = ctx;
  const title = t('reports.stats.title');
  const rate = stats.satisfaction.rate;
  const figures = [
    { label: t('reports.stats.figure_total'), value: formatNumber(locale, stats.total) },
    { label: t('reports.stats.figure_median'), value: days(locale, stats.timeToFix.medianDays, t) },
    { label: t('reports.stats.figure_p90'), value: days(locale, stats.timeToFix.p90Days, t) },
    {
      label: t('reports.stats.figure_satisfaction', {
        rated: formatNumber(locale, stats.satisfaction.rated),
      }),
      value:
        rate === null
          ? t('reports.stats.no_value')
          : `${formatNumber(locale, Math.round(rate * 1000) / 10)} %`,
    },
  ];
  return (
    <Layout ctx={ctx} title={title}>
      <Breadcrumbs ctx={ctx} items={[{ label: t('core.layout.nav_home'), href: '/' }, { label: title }]} />
      <h1>{title}</h1>
      <p class="lead">{t('reports.stats.intro')}</p>

      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="get" action="/statistiques/signalements" class="form" noValidate>
        <fieldset class="fieldset">
          <legend class="fieldset__legend">{t('reports.stats.filter_legend')}</legend>
          <DayField
            ctx={ctx}
            name="du"
            label={t('reports.stats.filter_from')}
            value={values.from}
            errors={errors}
          />
          <DayField
            ctx={ctx}
            name="au"
            label={t('reports.stats.filter_to')}
            value={values.to}
            errors={errors}
          />
          <Button>{t('reports.stats.filter_submit')}</Button>
        </fieldset>
      </form>

      <section aria-labelledby="stats-figures">
        <h2 id="stats-figures">{t('reports.stats.figures_title')}</h2>
        <ul class="figures">
          {figures.map((figure) => (
            <li class="figure" key={figure.label}>
              <span class="figure__value">{figure.value}</span>{' '}
              <span class="figure__label">{figure.label}</span>
            </li>
          ))}
        </ul>
        <p>{t('reports.stats.time_to_fix_note', { count: formatNumber(locale, stats.timeToFix.count) })}</p>
      </section>

      <ChartWithTable
        ctx={ctx}
        id="by-state"
        title={t('reports.stats.by_state')}
        firstColumn={t('reports.stats.col_state')}
        rows={stats.byState.map((row) => ({ ...row, label: stateLabel(t, row.key) }))}
      />
      <ChartWithTable
        ctx={ctx}
        id="by-category"
        title={t('reports.stats.by_category')}
        firstColumn={t('reports.stats.col_category')}
        rows={stats.byTopCategory}
      />
      <ChartWithTable
        ctx={ctx}
        id="by-arrondissement"
        title={t('reports.stats.by_arrondissement')}
        firstColumn={t('reports.stats.col_arrondissement')}
        rows={stats.byArrondissement}
        top={40}
      />
      <ChartWithTable
        ctx={ctx}
        id="by-service"
        title={t('reports.stats.by_service')}
        firstColumn={t('reports.stats.col_service')}
        rows={stats.byService}
      />

      <section aria-labelledby="backlog-title" class="stats-section">
        <h2 id="backlog-title">{t('reports.stats.backlog_title')}</h2>
        <p>{t('reports.stats.backlog_intro')}</p>
        <Table
          caption={t('reports.stats.backlog_caption')}
          columns={[
            { label: t('reports.stats.col_service') },
            { label: t('reports.stats.col_open'), numeric: true },
            { label: t('reports.stats.col_late'), numeric: true },
          ]}
          rowHeaders
          rows={stats.backlog.map((row) => [
            row.serviceName || t('reports.stats.none'),
            formatNumber(locale, row.open),
            formatNumber(locale, row.late),
          ])}
        />
      </section>

      <section aria-labelledby="leaf-title" class="stats-section">
        <h2 id="leaf-title">{t('reports.stats.by_leaf')}</h2>
        <Table
          caption={t('reports.stats.by_leaf_caption')}
          columns={[
            { label: t('reports.stats.col_category') },
            { label: t('reports.stats.col_count'), numeric: true },
          ]}
          rowHeaders
          rows={stats.byCategory.map((row) => [row.label, formatNumber(locale, row.count)])}
        />
      </section>

      <section aria-labelledby="opendata-title" class="stats-section">
        <h2 id="opendata-title">{t('reports.stats.opendata_title')}</h2>
        <p>{t('reports.stats.opendata_intro')}</p>
        <ul>
          <li>
            <a href="/donnees/signalements.csv">{t('reports.stats.download_csv')}</a>
          </li>
          <li>
            <a href="/donnees/signalements.csv?format=excel">{t('reports.stats.download_excel')}</a>
          </li>
          <li>
            <a href="/donnees/signalements.geojson">{t('reports.stats.download_geojson')}</a>
          </li>
          <li>
            <a href="/donnees/signalements.schema.json">{t('reports.stats.download_schema')}</a>
          </li>
        </ul>
        <p>{t('reports.stats.opendata_privacy')}</p>
        <p>{t('reports.stats.generated_at', { date: formatDate(locale, generatedAt) })}</p>
      </section>
    </Layout>
  );
}
