/** The public list of a campaign's proposals: filters, full-text search, pagination and a map. */
import { Button, ButtonGroup, ButtonLink, Field, Select } from '../../../../core/views/components/form.js';
import type { MapMarker } from '../../../../core/views/components/map.js';
import { MapView } from '../../../../core/views/components/map.js';
import { Breadcrumbs, Pagination } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { isSubmissionOpen, THEMES } from '../campaign.domain.js';
import type { Campaign, Envelope, LatLon } from '../campaigns.store.js';
import { LISTED_STATES } from '../proposals.service.js';
import type { ProposalSummaryRow } from '../proposals.store.js';
import {
  BudgetScript,
  BudgetStyles,
  campaignHref,
  euros,
  proposalHref,
  proposalsHref,
  StateTag,
  stateLabel,
  Time,
  themeLabel,
} from './common.js';

export interface ListFilterValues {
  enveloppe: string;
  theme: string;
  etat: string;
  q: string;
}

export function ProposalListPage({
  ctx,
  campaign,
  envelopes,
  values,
  items,
  total,
  page,
  pageCount,
  points,
  now,
}: {
  ctx: PageContext;
  campaign: Campaign;
  envelopes: Envelope[];
  values: ListFilterValues;
  items: (ProposalSummaryRow & { authors: string[] })[];
  total: number;
  page: number;
  pageCount: number;
  points: { reference: string; title: string; location: LatLon }[];
  now: Date;
}) {
  const { t } = ctx;
  const envelopeName = new Map(envelopes.map((e) => [e.id, e.label]));
  const markers: MapMarker[] = points.map((p) => ({
    id: p.reference,
    lat: p.location.lat,
    lng: p.location.lon,
    label: `${p.reference} — ${p.title}`,
    href: proposalHref(campaign.slug, p.reference),
  }));
  const title = t('budget.proposals.list.title');
  return (
    <Layout ctx={ctx} title={`${title} — ${campaign.title}`}>
      <BudgetStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('budget.campaigns.home.title'), href: '/budget' },
          { label: campaign.title, href: campaignHref(campaign.slug) },
          { label: title },
        ]}
      />
      <h1>
        {title} <span class="bp-muted">— {campaign.title}</span>
      </h1>
      {isSubmissionOpen(campaign, now) && (
        <p>
          <ButtonLink href={`${proposalsHref(campaign.slug)}/nouvelle`}>
            {t('budget.campaigns.now.propose')}
          </ButtonLink>
        </p>
      )}
      <form method="get" action={proposalsHref(campaign.slug)} class="form bp-filters">
        <Field
          ctx={ctx}
          name="q"
          type="search"
          label={t('budget.proposals.list.search')}
          hint={t('budget.proposals.list.search_hint')}
          value={values.q}
          maxLength={200}
        />
        <Select
          ctx={ctx}
          name="enveloppe"
          label={t('budget.proposals.list.envelope')}
          options={envelopes.map((e) => ({ value: e.id, label: e.label }))}
          placeholder={t('budget.proposals.list.all')}
          value={values.enveloppe}
        />
        <Select
          ctx={ctx}
          name="theme"
          label={t('budget.proposals.list.theme')}
          options={THEMES.map((theme) => ({ value: theme, label: themeLabel(ctx, theme) }))}
          placeholder={t('budget.proposals.list.all')}
          value={values.theme}
        />
        <Select
          ctx={ctx}
          name="etat"
          label={t('budget.proposals.list.state')}
          options={[...LISTED_STATES, 'withdrawn'].map((s) => ({ value: s, label: stateLabel(ctx, s) }))}
          placeholder={t('budget.proposals.list.all_but_withdrawn')}
          value={values.etat}
        />
        <ButtonGroup>
          <Button variant="secondary">{t('budget.proposals.list.filter')}</Button>
          <a href={proposalsHref(campaign.slug)}>{t('budget.proposals.list.reset')}</a>
        </ButtonGroup>
      </form>
      <p aria-live="polite" class="bp-count">
        {t('budget.proposals.list.count', { count: total })}
      </p>
      <div data-budget-map>
        <MapView
          ctx={ctx}
          label={t('budget.proposals.list.map_label')}
          markers={markers}
          geojsonUrl={`/api/areas/${encodeURIComponent(ctx.city.districtLayer)}.geojson`}
        >
          <p>{t('budget.proposals.list.map_fallback', { count: markers.length })}</p>
        </MapView>
      </div>
      {items.length === 0 ? (
        <p>{t('budget.proposals.list.empty')}</p>
      ) : (
        <ol class="bp-list">
          {items.map((item) => (
            <li key={item.id} class="bp-list__item">
              <h2 class="bp-list__title">
                <a href={proposalHref(campaign.slug, item.reference)}>{item.title}</a>
              </h2>
              <p class="bp-list__meta">
                <StateTag ctx={ctx} state={item.state} /> <span>{item.reference}</span> ·{' '}
                <span>{themeLabel(ctx, item.theme)}</span> ·{' '}
                <span>{envelopeName.get(item.envelopeId) ?? ''}</span>
              </p>
              <p class="bp-list__meta bp-muted">
                {item.authors.length > 0 && (
                  <>{t('budget.proposals.list.by', { names: item.authors.join(', ') })} · </>
                )}
                <Time ctx={ctx} date={item.createdAt} /> ·{' '}
                {t('budget.proposals.list.supports', { count: item.supportsCount })}
                {item.studyCostCents !== null && (
                  <> · {t('budget.proposals.list.studied_cost', { cost: euros(ctx, item.studyCostCents) })}</>
                )}
              </p>
            </li>
          ))}
        </ol>
      )}
      <Pagination ctx={ctx} url={ctx.path} page={page} pageCount={pageCount} />
      <BudgetScript ctx={ctx} />
    </Layout>
  );
}
