/** The agent's queue: filters (GET), the table with bulk actions (POST), the managers' backlog. */
import {
  Button,
  type Choice,
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  Select,
} from '../../../../core/views/components/form.js';
import { Banner, Pagination, Table } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { BackofficePage } from '../../../backoffice/common.js';
import type { WorkflowAction } from '../../domain/workflow.js';
import type { AgentReportRow, BacklogRow } from '../../reports.agent.service.js';
import { DayField } from '../dates.js';
import { ReportStyles } from '../public/common.js';
import {
  actionLabel,
  ageInDays,
  LateTag,
  REJECT_REASONS,
  rejectReasonLabel,
  StateTag,
  stateLabel,
} from './labels.js';

export interface QueueFilters {
  service: string;
  etat: string;
  categorie: string;
  arrondissement: string;
  retard: boolean;
  tri: 'age' | 'lateness';
  /** The same queue as a table ('liste') or on a map above the table ('carte'). */
  vue: 'liste' | typeof MAP_VIEW;
}

/** The `vue` value of the map view. */
export const MAP_VIEW = 'carte';

export interface BulkValues {
  ids: string[];
  bulkAction: string;
  bulkReason: string;
  bulkDate: string;
}

export interface BulkResult {
  done: number;
  failed: { reference: string; messageKey: string }[];
}

/** Actions that make sense on many reports at once: none needs a per-report input. */
export const BULK_ACTIONS: readonly WorkflowAction[] = [
  'qualify',
  'schedule',
  'mark_done',
  'reject',
  'watch',
];

/** The state filter's value for "every state, closed ones included". */
export const ALL_STATES = 'tous';

export const QUEUE_STATES = [
  'new',
  'to_process',
  'scheduled',
  'transferred_third_party',
  'done',
  'rejected',
  'duplicate',
  'watched',
  'archived',
] as const;

export function QueuePage({
  ctx,
  filters,
  services,
  categories,
  arrondissements,
  rows,
  total,
  page,
  pageCount,
  backlog,
  bulk,
  errors,
  result,
  listUrl,
}: {
  ctx: PageContext;
  /** Path and query of the list shown (after a bulk POST, the list the agent came from). */
  listUrl: string;
  filters: QueueFilters;
  services: Choice[];
  categories: Choice[];
  arrondissements: Choice[];
  rows: AgentReportRow[];
  total: number;
  page: number;
  pageCount: number;
  /** Managers only: open and late reports per service. */
  backlog: BacklogRow[] | null;
  bulk: BulkValues;
  errors?: FieldErrors;
  result?: BulkResult;
}) {
  const { t } = ctx;
  const query = listUrl.includes('?') ? listUrl.slice(listUrl.indexOf('?') + 1) : '';
  const onMap = filters.vue === MAP_VIEW;
  return (
    <BackofficePage ctx={ctx} title={t('reports.admin.queue.title')}>
      {onMap && <ReportStyles ctx={ctx} />}
      {backlog && backlog.length > 0 && (
        <section aria-labelledby="backlog-title">
          <h2 id="backlog-title">{t('reports.admin.backlog.title')}</h2>
          <Table
            caption={t('reports.admin.backlog.caption')}
            captionHidden
            rowHeaders
            columns={[
              { label: t('reports.admin.backlog.service') },
              { label: t('reports.admin.backlog.open'), numeric: true },
              { label: t('reports.admin.backlog.late'), numeric: true },
            ]}
            rows={backlog.map((row) => [
              <a href={`/admin/signalements?service=${encodeURIComponent(row.serviceId)}`} key="s">
                {row.serviceName}
              </a>,
              row.open,
              row.late > 0 ? (
                <a
                  href={`/admin/signalements?service=${encodeURIComponent(row.serviceId)}&retard=1&tri=lateness`}
                  key="l"
                >
                  {row.late}
                </a>
              ) : (
                0
              ),
            ])}
          />
        </section>
      )}

      <ViewSwitch ctx={ctx} query={query} onMap={onMap} />
      <form method="get" action="/admin/signalements" class="form form--inline">
        {onMap && <input type="hidden" name="vue" value={MAP_VIEW} />}
        <Select
          ctx={ctx}
          name="service"
          label={t('reports.admin.queue.service')}
          placeholder={t('reports.admin.queue.all_my_services')}
          options={services}
          value={filters.service}
        />
        <Select
          ctx={ctx}
          name="etat"
          label={t('reports.admin.queue.state')}
          placeholder={t('reports.admin.queue.open_states')}
          options={[
            { value: ALL_STATES, label: t('reports.admin.queue.all_states') },
            ...QUEUE_STATES.map((s) => ({ value: s, label: stateLabel(t, s) })),
          ]}
          value={filters.etat}
        />
        <Select
          ctx={ctx}
          name="categorie"
          label={t('reports.admin.queue.category')}
          placeholder={t('reports.admin.queue.all_categories')}
          options={categories}
          value={filters.categorie}
        />
        <Select
          ctx={ctx}
          name="arrondissement"
          label={t('reports.admin.queue.arrondissement')}
          placeholder={t('reports.admin.queue.all_arrondissements')}
          options={arrondissements}
          value={filters.arrondissement}
        />
        <Select
          ctx={ctx}
          name="tri"
          label={t('reports.admin.queue.sort')}
          options={[
            { value: 'age', label: t('reports.admin.queue.sort_age') },
            { value: 'lateness', label: t('reports.admin.queue.sort_lateness') },
          ]}
          value={filters.tri}
          required
        />
        <div class="choice">
          <input
            class="choice__input"
            type="checkbox"
            id="field-retard"
            name="retard"
            value="1"
            checked={filters.retard}
          />
          <label class="choice__label" for="field-retard">
            {t('reports.admin.queue.late_only')}
          </label>
        </div>
        <Button variant="secondary">{t('reports.admin.queue.filter')}</Button>
      </form>

      {result && (
        <Banner
          tone={result.failed.length > 0 ? 'warning' : 'success'}
          title={t('reports.admin.bulk.result_title')}
          announce="status"
        >
          <p>{t('reports.admin.bulk.result_done', { count: result.done })}</p>
          {result.failed.length > 0 && (
            <>
              <p>{t('reports.admin.bulk.result_failed', { count: result.failed.length })}</p>
              <ul>
                {result.failed.map((f) => (
                  <li key={f.reference}>
                    <a href={`/admin/signalements/${encodeURIComponent(f.reference)}`}>{f.reference}</a> —{' '}
                    {t(f.messageKey)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Banner>
      )}

      <ErrorSummary ctx={ctx} errors={errors} />
      {onMap && rows.length > 0 && <QueueMap ctx={ctx} rows={rows} />}
      {rows.length === 0 ? (
        <p>{t('reports.admin.queue.empty')}</p>
      ) : (
        // Not `.form`: its reading width would squeeze the table.
        <form method="post" action="/admin/signalements/lot" class="bulk-form" noValidate>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="retour" value={query} />
          <Table
            caption={t('reports.admin.queue.caption', { count: total, page, pages: Math.max(1, pageCount) })}
            columns={[
              { label: t('reports.admin.queue.select') },
              { label: t('reports.admin.queue.reference') },
              { label: t('reports.admin.queue.category') },
              { label: t('reports.admin.queue.arrondissement') },
              { label: t('reports.admin.queue.state') },
              { label: t('reports.admin.queue.age'), numeric: true },
              { label: t('reports.admin.queue.lateness') },
              { label: t('reports.admin.queue.assignee') },
            ]}
            rows={rows.map((row, index) => {
              const checkboxId = index === 0 ? 'field-ids' : `field-ids-${index + 1}`;
              return [
                <span key="select">
                  <input
                    type="checkbox"
                    id={checkboxId}
                    name="ids"
                    value={row.id}
                    checked={bulk.ids.includes(row.id)}
                  />
                  <label class="visually-hidden" for={checkboxId}>
                    {t('reports.admin.queue.select_one', { reference: row.reference })}
                  </label>
                </span>,
                <a href={`/admin/signalements/${encodeURIComponent(row.reference)}`} key="ref">
                  {row.reference}
                </a>,
                // The leaf is what tells reports apart; the full path is on the report's page.
                row.categoryLabel.split(' › ').pop() ?? row.categoryLabel,
                row.arrondissementName ?? '',
                <StateTag ctx={ctx} state={row.state} key="state" />,
                t('reports.admin.queue.age_days', { days: ageInDays(row.createdAt) }),
                row.late ? <LateTag ctx={ctx} lateDays={row.lateDays} key="late" /> : '',
                row.assignedAgentName ?? t('reports.admin.queue.unassigned'),
              ];
            })}
          />
          <fieldset class="fieldset">
            <legend class="fieldset__legend">{t('reports.admin.bulk.legend')}</legend>
            <p class="field__hint">{t('reports.admin.bulk.hint')}</p>
            <div class="form--inline">
              <Select
                ctx={ctx}
                name="bulkAction"
                label={t('reports.admin.bulk.action')}
                placeholder={t('reports.admin.bulk.choose_action')}
                options={BULK_ACTIONS.map((a) => ({ value: a, label: actionLabel(t, a) }))}
                value={bulk.bulkAction}
                errors={errors}
                required
              />
              <Select
                ctx={ctx}
                name="bulkReason"
                label={t('reports.admin.bulk.reason')}
                placeholder={t('reports.admin.detail.choose_reason')}
                options={REJECT_REASONS.map((r) => ({ value: r.code, label: rejectReasonLabel(t, r.code) }))}
                value={bulk.bulkReason}
                errors={errors}
              />
              <DayField
                ctx={ctx}
                name="bulkDate"
                label={t('reports.admin.bulk.date')}
                value={bulk.bulkDate}
                errors={errors}
              />
            </div>
            <Button>{t('reports.admin.bulk.submit')}</Button>
          </fieldset>
        </form>
      )}
      <Pagination ctx={ctx} url={listUrl} page={page} pageCount={pageCount} />
      {onMap && <script src={ctx.asset('queue-map.js')} defer />}
    </BackofficePage>
  );
}

/** "List | Map": the same filters, the other view (the page number starts again). */
function ViewSwitch({ ctx, query, onMap }: { ctx: PageContext; query: string; onMap: boolean }) {
  const { t } = ctx;
  const params = new URLSearchParams(query);
  params.delete('page');
  params.delete('vue');
  const list = params.toString();
  params.set('vue', MAP_VIEW);
  const map = params.toString();
  return (
    <nav aria-label={t('reports.admin.map.views')}>
      <ul class="reports-links queue-views">
        <li>
          <a href={`/admin/signalements${list ? `?${list}` : ''}`} aria-current={onMap ? undefined : 'page'}>
            {t('reports.admin.map.view_list')}
          </a>
        </li>
        <li>
          <a href={`/admin/signalements?${map}`} aria-current={onMap ? 'page' : undefined}>
            {t('reports.admin.map.view_map')}
          </a>
        </li>
      </ul>
    </nav>
  );
}

/**
 * The reports of this page of the queue on a map (drawn by queue-map.js). The table below
 * stays the reference: without JavaScript only this note shows, and it says so.
 */
function QueueMap({ ctx, rows }: { ctx: PageContext; rows: AgentReportRow[] }) {
  const { t } = ctx;
  const { map } = ctx.city;
  const markers = rows.map((row) => ({
    lat: row.lat,
    lng: row.lon,
    href: `/admin/signalements/${encodeURIComponent(row.reference)}`,
    reference: row.reference,
    late: row.late,
    label: t(row.late ? 'reports.admin.map.marker_late' : 'reports.admin.map.marker', {
      reference: row.reference,
      category: row.categoryLabel.split(' › ').pop() ?? row.categoryLabel,
      state: stateLabel(t, row.state),
    }),
  }));
  return (
    <section
      class="map queue-map"
      aria-labelledby="queue-map-title"
      data-queue-map
      data-lat={String(map.center[0])}
      data-lng={String(map.center[1])}
      data-zoom={String(map.zoom)}
      data-tile-url={map.tileUrl}
      data-attribution={map.tileAttribution}
      data-geojson-url={`/api/areas/${encodeURIComponent(ctx.city.districtLayer)}.geojson`}
      data-markers={JSON.stringify(markers)}
    >
      <h2 id="queue-map-title">{t('reports.admin.map.title')}</h2>
      <div class="map__canvas" />
      <p class="queue-map__legend" data-map-only hidden>
        <span class="queue-map__key">
          <span class="queue-pin" aria-hidden="true" /> {t('reports.admin.map.legend_on_time')}
        </span>
        <span class="queue-map__key">
          <span class="queue-pin queue-pin--late" aria-hidden="true">
            !
          </span>{' '}
          {t('reports.admin.map.legend_late')}
        </span>
      </p>
      <div class="map__fallback">
        <p>{t('reports.admin.map.note', { count: rows.length })}</p>
      </div>
    </section>
  );
}
