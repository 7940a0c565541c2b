/** Every winner since the first campaign, on a map and as a list with filters; and "projects I follow". */
import { Button, Select } from '../../../../core/views/components/form.js';
import { MapView } from '../../../../core/views/components/map.js';
import { Breadcrumbs, Pagination } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { STATUSES } from '../tracking.domain.js';
import type { WinnerFacets, WinnerSummary } from '../tracking.service.js';
import {
  arrondissementText,
  markersOf,
  statusText,
  TrackingStyles,
  themeLabel,
  WinnersTable,
} from './common.js';

/** The filters as typed in the query string (kept as text to fill the form back). */
export interface RealisationFilterValues {
  campagne: string;
  arrondissement: string;
  statut: string;
  theme: string;
}

export function filterQuery(values: RealisationFilterValues): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function FiltersForm({
  ctx,
  values,
  facets,
}: {
  ctx: PageContext;
  values: RealisationFilterValues;
  facets: WinnerFacets;
}) {
  const { t } = ctx;
  const all = t('budget.tracking.filters.all');
  return (
    <form
      method="get"
      action="/budget/realisations"
      class="form form--inline tracking-filters"
      aria-label={t('budget.tracking.filters.label')}
    >
      <Select
        ctx={ctx}
        name="campagne"
        label={t('budget.tracking.filters.campaign')}
        options={facets.campaigns.map((c) => ({ value: c.slug, label: c.title }))}
        placeholder={all}
        value={values.campagne}
      />
      <Select
        ctx={ctx}
        name="arrondissement"
        label={t('budget.tracking.filters.arrondissement')}
        options={facets.arrondissements.map((a) => ({
          value: a.code,
          label: arrondissementText(ctx, a.code, a.name),
        }))}
        placeholder={all}
        value={values.arrondissement}
      />
      <Select
        ctx={ctx}
        name="statut"
        label={t('budget.tracking.filters.status')}
        options={STATUSES.map((s) => ({ value: s, label: statusText(ctx, s) }))}
        placeholder={all}
        value={values.statut}
      />
      <Select
        ctx={ctx}
        name="theme"
        label={t('budget.tracking.filters.theme')}
        options={facets.themes.map((theme) => ({ value: theme, label: themeLabel(ctx, theme) }))}
        placeholder={all}
        value={values.theme}
      />
      <Button variant="secondary">{t('budget.tracking.filters.apply')}</Button>
    </form>
  );
}

export function RealisationsPage({
  ctx,
  values,
  facets,
  winners,
  points,
  total,
  page,
  pageCount,
}: {
  ctx: PageContext;
  values: RealisationFilterValues;
  facets: WinnerFacets;
  winners: WinnerSummary[];
  points: WinnerSummary[];
  total: number;
  page: number;
  pageCount: number;
}) {
  const { t } = ctx;
  const title = t('budget.tracking.list.title');
  return (
    <Layout ctx={ctx} title={title}>
      <TrackingStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[{ label: t('budget.tracking.breadcrumb_budget'), href: '/budget' }, { label: title }]}
      />
      <h1>{title}</h1>
      <p class="lead">{t('budget.tracking.list.intro')}</p>
      {ctx.viewer && (
        <p>
          <a href="/compte/budget/suivis">{t('budget.tracking.followed.title')}</a>
        </p>
      )}
      <FiltersForm ctx={ctx} values={values} facets={facets} />
      <p role="status" class="tracking-count">
        {t('budget.tracking.list.count', { count: total })}
      </p>
      <div data-budget-map data-fit-markers data-fit-city class="tracking-map tracking-map--list-below">
        <MapView
          ctx={ctx}
          id="realisations-map"
          label={t('budget.tracking.map.label')}
          markers={markersOf(ctx, points)}
          geojsonUrl={`/api/areas/${encodeURIComponent(ctx.city.districtLayer)}.geojson`}
        >
          <p>
            {t('budget.tracking.map.fallback')}{' '}
            <a href="#realisations-list">{t('budget.tracking.map.fallback_link')}</a>
          </p>
        </MapView>
      </div>
      <script src={ctx.asset('budget-map.js')} defer />
      <h2 id="realisations-list">{t('budget.tracking.list.heading')}</h2>
      {winners.length === 0 ? (
        <p>{t('budget.tracking.list.empty')}</p>
      ) : (
        <WinnersTable
          ctx={ctx}
          caption={t('budget.tracking.list.caption', { count: total, page, pages: pageCount })}
          winners={winners}
        />
      )}
      <Pagination ctx={ctx} url={ctx.path} page={page} pageCount={pageCount} />
    </Layout>
  );
}

export function FollowedPage({ ctx, winners }: { ctx: PageContext; winners: WinnerSummary[] }) {
  const { t } = ctx;
  const title = t('budget.tracking.followed.title');
  return (
    <Layout ctx={ctx} title={title}>
      <TrackingStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[{ label: t('budget.tracking.followed.account'), href: '/compte' }, { label: title }]}
      />
      <h1>{title}</h1>
      {winners.length === 0 ? (
        <p>
          {t('budget.tracking.followed.empty')}{' '}
          <a href="/budget/realisations">{t('budget.tracking.followed.browse')}</a>
        </p>
      ) : (
        <WinnersTable ctx={ctx} caption={title} captionHidden winners={winners} />
      )}
    </Layout>
  );
}
