import { Button, ErrorSummary, type FieldErrors, Select } from '../../../../core/views/components/form.js';
import { MapView } from '../../../../core/views/components/map.js';
import { Breadcrumbs, Pagination } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { PUBLIC_STATES } from '../../domain/workflow.js';
import type { PublicReportSummary } from '../../reports.service.js';
import { DayField } from '../dates.js';
import { ReportStyles, ReportsLinks, ReportsTable, stateLabel } from './common.js';
import type { AreaOption } from './form.js';

/** The filters as typed in the query string (kept as text to fill the form back). */
export interface ListFilterValues {
  categoryId: string;
  status: string;
  arrondissement: string;
  from: string;
  to: string;
}

export interface FilterOptions {
  categories: { id: string; label: string }[];
  arrondissements: AreaOption[];
}

function FiltersForm({
  ctx,
  action,
  values,
  options,
  errors,
}: {
  ctx: PageContext;
  action: string;
  values: ListFilterValues;
  options: FilterOptions;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const statusOptions = [
    { value: 'open', label: t('reports.public.filters.status_open') },
    { value: 'closed', label: t('reports.public.filters.status_closed') },
    ...PUBLIC_STATES.map((state) => ({ value: state, label: stateLabel(ctx, state) })),
  ];
  return (
    <form
      method="get"
      action={action}
      class="form form--inline report-filters"
      aria-label={t('reports.public.filters.label')}
    >
      <Select
        ctx={ctx}
        name="categoryId"
        label={t('reports.public.filters.category')}
        options={options.categories.map((c) => ({ value: c.id, label: c.label }))}
        placeholder={t('reports.public.filters.all')}
        value={values.categoryId}
      />
      <Select
        ctx={ctx}
        name="status"
        label={t('reports.public.filters.status')}
        options={statusOptions}
        placeholder={t('reports.public.filters.all')}
        value={values.status}
      />
      <Select
        ctx={ctx}
        name="arrondissement"
        label={t('reports.public.filters.arrondissement')}
        options={options.arrondissements.map((a) => ({ value: a.code, label: a.name }))}
        placeholder={t('reports.public.filters.all')}
        value={values.arrondissement}
      />
      <DayField
        ctx={ctx}
        name="from"
        label={t('reports.public.filters.from')}
        value={values.from}
        errors={errors}
      />
      <DayField
        ctx={ctx}
        name="to"
        label={t('reports.public.filters.to')}
        value={values.to}
        errors={errors}
      />
      <Button variant="secondary">{t('reports.public.filters.apply')}</Button>
    </form>
  );
}

export function queryOf(values: ListFilterValues): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function ReportListPage({
  ctx,
  values,
  options,
  errors,
  reports,
  total,
  page,
  pageCount,
}: {
  ctx: PageContext;
  values: ListFilterValues;
  options: FilterOptions;
  errors?: FieldErrors;
  reports: PublicReportSummary[];
  total: number;
  page: number;
  pageCount: number;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('reports.public.list.title')}>
      <ReportStyles ctx={ctx} />
      <h1>{t('reports.public.list.title')}</h1>
      <p class="lead">{t('reports.public.list.intro')}</p>
      <ReportsLinks ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <FiltersForm ctx={ctx} action="/signalements" values={values} options={options} errors={errors} />
      <p>
        <a href={`/signalements/carte${queryOf(values)}`}>{t('reports.public.list.see_map')}</a>
      </p>
      {reports.length === 0 ? (
        <p>{t('reports.public.list.empty')}</p>
      ) : (
        <ReportsTable
          ctx={ctx}
          caption={t('reports.public.list.caption', { count: total, page, pages: pageCount })}
          reports={reports}
        />
      )}
      <Pagination ctx={ctx} url={ctx.path} page={page} pageCount={pageCount} />
    </Layout>
  );
}

export function ReportMapPage({
  ctx,
  values,
  options,
  errors,
  reports,
  total,
}: {
  ctx: PageContext;
  values: ListFilterValues;
  options: FilterOptions;
  errors?: FieldErrors;
  /** The first page of the list: what people without the map get. */
  reports: PublicReportSummary[];
  total: number;
}) {
  const { t } = ctx;
  const query = queryOf(values);
  return (
    <Layout ctx={ctx} title={t('reports.public.map.title')}>
      <ReportStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('reports.public.list.title'), href: '/signalements' },
          { label: t('reports.public.map.title') },
        ]}
      />
      <h1>{t('reports.public.map.title')}</h1>
      <ReportsLinks ctx={ctx} />
      <ErrorSummary ctx={ctx} errors={errors} />
      <FiltersForm ctx={ctx} action="/signalements/carte" values={values} options={options} errors={errors} />
      <div
        data-report-map
        data-clusters-url={`/api/signalements/clusters${query}`}
        data-count-label={t('reports.public.map.cluster_label')}
        data-zoom-in={t('reports.public.map.zoom_in')}
      >
        <MapView
          ctx={ctx}
          id="reports-map"
          label={t('reports.public.map.label')}
          geojsonUrl={`/api/areas/${encodeURIComponent(ctx.city.districtLayer)}.geojson`}
        >
          <p>
            {t('reports.public.map.fallback', { count: total })}{' '}
            <a href={`/signalements${query}`}>{t('reports.public.map.fallback_link')}</a>
          </p>
          {reports.length > 0 && (
            <ReportsTable ctx={ctx} caption={t('reports.public.map.fallback_caption')} reports={reports} />
          )}
        </MapView>
      </div>
      <script src={ctx.asset('report-map.js')} defer />
    </Layout>
  );
}
