/** Back-office pages of the vote: booth ballots (urne) and the results (compute, then publish). */
import { Button, ButtonGroup, Field, Form, Select } from '../../../../core/views/components/form.js';
import { Banner, Breadcrumbs, SummaryList, Table } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { formatNumber } from '../money.js';
import { BasketFields, type BasketValues } from './ballot-fields.js';
import {
  type CampaignView,
  campaignHref,
  dateTime,
  type EnvelopeView,
  FormErrorSummary,
  type FormErrors,
  type ProjectView,
  resultsHref,
  VoteStyles,
} from './common.js';
import { ResultsOverview, type ResultView } from './results.js';

const urneHref = (slug: string) => `/admin/budget/${encodeURIComponent(slug)}/urne`;
const adminResultsHref = (slug: string) => `/admin/budget/${encodeURIComponent(slug)}/resultats`;

function AdminCrumbs({ ctx, campaign, label }: { ctx: PageContext; campaign: CampaignView; label: string }) {
  return (
    <Breadcrumbs
      ctx={ctx}
      items={[
        { label: ctx.t('budget.paper.index_title'), href: '/admin/budget/vote' },
        { label: campaign.title, href: campaignHref(campaign.slug) },
        { label },
      ]}
    />
  );
}

export interface PaperValues {
  lastName: string;
  firstName: string;
  birthDate: string;
  arrondissement: string;
  /** Envelope code → basket. */
  baskets: Record<string, BasketValues>;
}

export interface PaperEnvelope {
  envelope: EnvelopeView;
  projects: ProjectView[];
}

export function PaperBallotPage({
  ctx,
  campaign,
  arrondissements,
  envelopes,
  values,
  booth,
  open,
  errors,
  problem,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  arrondissements: EnvelopeView[];
  /** The envelopes of the ballot for the chosen arrondissement (empty until one is chosen). */
  envelopes: PaperEnvelope[];
  values: PaperValues;
  /** Booth ballots entered so far. */
  booth: number;
  open: boolean;
  errors?: FormErrors;
  problem?: string;
}) {
  const { t } = ctx;
  const title = t('budget.paper.title', { campaign: campaign.title });
  const ready = envelopes.length > 0 && (arrondissements.length === 0 || values.arrondissement !== '');
  return (
    <Layout ctx={ctx} title={title} area="backoffice">
      <VoteStyles ctx={ctx} />
      <AdminCrumbs ctx={ctx} campaign={campaign} label={t('budget.paper.nav')} />
      <h1>{title}</h1>
      <p class="lead">{t('budget.paper.lead')}</p>
      <p>{t('budget.paper.count', { count: formatNumber(booth, ctx.locale) })}</p>
      {!open && (
        <Banner tone="warning">
          <p>{t('budget.paper.closed')}</p>
        </Banner>
      )}
      {problem && (
        <Banner tone="error" announce="alert" title={t('budget.vote.refused')}>
          <p>{t(problem)}</p>
        </Banner>
      )}
      <FormErrorSummary ctx={ctx} errors={errors} />
      {arrondissements.length > 0 && (
        <form method="get" action={urneHref(campaign.slug)} class="form form--inline">
          <Select
            ctx={ctx}
            name="arrondissement"
            label={t('budget.paper.arrondissement')}
            hint={t('budget.paper.arrondissement_hint')}
            options={arrondissements.map((e) => ({ value: e.code, label: e.label }))}
            value={values.arrondissement}
            errors={errors?.fields}
            placeholder={t('budget.vote.arrondissement.placeholder')}
            required
          />
          <Button variant="secondary">{t('budget.paper.show_ballot')}</Button>
        </form>
      )}
      {ready && (
        <Form ctx={ctx} action={urneHref(campaign.slug)}>
          <input type="hidden" name="arrondissement" value={values.arrondissement} />
          <fieldset class="fieldset">
            <legend class="fieldset__legend fieldset__legend--large">{t('budget.paper.person')}</legend>
            <p class="field__hint">{t('budget.paper.person_hint')}</p>
            <Field
              ctx={ctx}
              name="lastName"
              label={t('budget.vote.declaration.last_name')}
              value={values.lastName}
              errors={errors?.fields}
              maxLength={100}
              width="short"
              autocomplete="off"
              required
            />
            <Field
              ctx={ctx}
              name="firstName"
              label={t('budget.vote.declaration.first_name')}
              value={values.firstName}
              errors={errors?.fields}
              maxLength={100}
              width="short"
              autocomplete="off"
              required
            />
            <Field
              ctx={ctx}
              name="birthDate"
              label={t('budget.vote.declaration.birth_date')}
              hint={t('budget.vote.declaration.birth_date_hint')}
              maxLength={10}
              value={values.birthDate}
              errors={errors?.fields}
              width="short"
              autocomplete="off"
              required
            />
          </fieldset>
          <div id="field-basket">
            {envelopes.map((e) => (
              <BasketFields
                key={e.envelope.id}
                ctx={ctx}
                campaign={campaign}
                amountCents={e.envelope.amountCents}
                projects={e.projects}
                values={values.baskets[e.envelope.code] ?? { selected: [], grades: {} }}
                errors={errors}
                prefix={`${e.envelope.code}.`}
                legend={e.envelope.label}
              />
            ))}
          </div>
          <Button>{t('budget.paper.submit')}</Button>
        </Form>
      )}
    </Layout>
  );
}

export interface VoteIndexRow {
  slug: string;
  title: string;
  voteStartsAt: Date;
  voteEndsAt: Date;
  confirmed: number;
  published: boolean;
}

/** Every campaign, with links to its booth ballots and its results. */
export function AdminVoteIndexPage({ ctx, campaigns }: { ctx: PageContext; campaigns: VoteIndexRow[] }) {
  const { t } = ctx;
  const title = t('budget.paper.index_title');
  const manager = ctx.can('budget.results.manage');
  return (
    <Layout ctx={ctx} title={title} area="backoffice">
      <h1>{title}</h1>
      <p class="lead">{t('budget.paper.index_lead')}</p>
      {campaigns.length === 0 ? (
        <p>{t('budget.paper.index_empty')}</p>
      ) : (
        <Table
          caption={t('budget.paper.index_caption')}
          columns={[
            { label: t('budget.paper.index_campaign') },
            { label: t('budget.paper.index_dates') },
            { label: t('budget.results.admin_ballots'), numeric: true },
            { label: t('budget.paper.index_actions') },
          ]}
          rowHeaders
          rows={campaigns.map((c) => [
            c.title,
            t('budget.paper.index_period', {
              start: dateTime(ctx, c.voteStartsAt),
              end: dateTime(ctx, c.voteEndsAt),
            }),
            formatNumber(c.confirmed, ctx.locale),
            <ul class="vote-exports" key="a">
              <li>
                <a href={urneHref(c.slug)}>
                  {t('budget.paper.nav')}
                  <span class="visually-hidden"> {c.title}</span>
                </a>
              </li>
              {manager && (
                <li>
                  <a href={adminResultsHref(c.slug)}>
                    {c.published ? t('budget.paper.index_published') : t('budget.results.nav')}
                    <span class="visually-hidden"> {c.title}</span>
                  </a>
                </li>
              )}
            </ul>,
          ])}
        />
      )}
    </Layout>
  );
}

export function AdminResultsPage({
  ctx,
  campaign,
  results,
  rule,
  confirmed,
  computedAt,
  publishedAt,
  stale,
  closed,
  problem,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  results: ResultView[];
  rule: string;
  confirmed: number;
  computedAt: Date | null;
  publishedAt: Date | null;
  stale: boolean;
  closed: boolean;
  problem?: string;
}) {
  const { t } = ctx;
  const title = t('budget.results.admin_title', { campaign: campaign.title });
  return (
    <Layout ctx={ctx} title={title} area="backoffice">
      <VoteStyles ctx={ctx} />
      <AdminCrumbs ctx={ctx} campaign={campaign} label={t('budget.results.nav')} />
      <h1>{title}</h1>
      {problem && (
        <Banner tone="error" announce="alert" title={t('budget.vote.refused')}>
          <p>{t(problem)}</p>
        </Banner>
      )}
      <SummaryList
        rows={[
          { key: t('budget.results.admin_ballots'), value: formatNumber(confirmed, ctx.locale) },
          {
            key: t('budget.results.admin_computed'),
            value: computedAt ? dateTime(ctx, computedAt) : t('budget.results.admin_never'),
          },
          {
            key: t('budget.results.admin_published'),
            value: publishedAt ? dateTime(ctx, publishedAt) : t('budget.results.admin_never'),
          },
        ]}
      />
      {!closed && (
        <Banner tone="info">
          <p>{t('budget.results.vote_not_closed')}</p>
        </Banner>
      )}
      {stale && !publishedAt && (
        <Banner tone="warning">
          <p>{t('budget.results.stale')}</p>
        </Banner>
      )}
      {closed && !publishedAt && (
        <ButtonGroup>
          <Form ctx={ctx} action={`${adminResultsHref(campaign.slug)}/calculer`} class="form form--inline">
            <Button variant={computedAt ? 'secondary' : 'primary'}>
              {computedAt ? t('budget.results.recompute') : t('budget.results.compute')}
            </Button>
          </Form>
        </ButtonGroup>
      )}
      {computedAt && !publishedAt && !stale && (
        <section class="section" aria-labelledby="publish-title">
          <h2 id="publish-title">{t('budget.results.publish_title')}</h2>
          <p>{t('budget.results.publish_text')}</p>
          <Form ctx={ctx} action={`${adminResultsHref(campaign.slug)}/publier`}>
            <div class="choice">
              <input class="choice__input" type="checkbox" id="field-confirm" name="confirm" value="1" />
              <label class="choice__label" for="field-confirm">
                {t('budget.results.publish_confirm')}
              </label>
            </div>
            <Button>{t('budget.results.publish')}</Button>
          </Form>
        </section>
      )}
      {publishedAt && (
        <p>
          <a href={resultsHref(campaign.slug)}>{t('budget.results.public_link')}</a>
        </p>
      )}
      {computedAt && (
        <ResultsOverview
          ctx={ctx}
          campaign={campaign}
          results={results}
          rule={rule}
          lead={
            publishedAt
              ? t('budget.results.published_on', { date: dateTime(ctx, publishedAt) })
              : t('budget.results.computed_on', { date: dateTime(ctx, computedAt) })
          }
          exports={publishedAt !== null}
        />
      )}
    </Layout>
  );
}
