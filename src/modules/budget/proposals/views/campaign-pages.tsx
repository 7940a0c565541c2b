/** The public home of the participatory budget (/budget) and a campaign's page (/budget/:slug). */
import { ButtonGroup, ButtonLink } from '../../../../core/views/components/form.js';
import { Breadcrumbs, Details, SummaryList, Table, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { type PhaseInfo, phaseTimeline } from '../campaign.domain.js';
import type { Campaign, Envelope, Project } from '../campaigns.store.js';
import {
  BudgetStyles,
  campaignHref,
  euros,
  kindLabel,
  lastDayOf,
  methodLabel,
  phaseLabel,
  projectHref,
  proposalsHref,
  Time,
} from './common.js';

export interface CampaignSummary {
  campaign: Campaign;
  info: PhaseInfo;
  totalCents: number;
}

/** One sentence on where the campaign stands, and the links for what one can do now. */
export function WhatNow({ ctx, campaign, info }: { ctx: PageContext; campaign: Campaign; info: PhaseInfo }) {
  const { t } = ctx;
  const slug = campaign.slug;
  const date = (d: Date | null) => (d ? <Time ctx={ctx} date={d} /> : null);
  switch (info.phase) {
    case 'before':
      return (
        <p>
          {t('budget.campaigns.now.before')} {date(info.nextAt)}.
        </p>
      );
    case 'submission':
      return (
        <>
          <p>
            {t('budget.campaigns.now.submission')} {date(info.endsAt ? lastDayOf(info.endsAt) : null)}.
          </p>
          <ButtonGroup>
            <ButtonLink href={`${proposalsHref(slug)}/nouvelle`}>
              {t('budget.campaigns.now.propose')}
            </ButtonLink>
            <ButtonLink href={proposalsHref(slug)} variant="secondary">
              {t('budget.campaigns.now.browse')}
            </ButtonLink>
          </ButtonGroup>
        </>
      );
    case 'study':
      return (
        <>
          <p>
            {t('budget.campaigns.now.study')} {date(campaign.voteStartsAt)}.
          </p>
          <ButtonGroup>
            <ButtonLink href={proposalsHref(slug)}>{t('budget.campaigns.now.browse')}</ButtonLink>
          </ButtonGroup>
        </>
      );
    case 'vote':
      return (
        <>
          <p>
            {t('budget.campaigns.now.vote')} {date(info.endsAt ? lastDayOf(info.endsAt) : null)}.
          </p>
          <ButtonGroup>
            <ButtonLink href={`${campaignHref(slug)}/vote`}>{t('budget.campaigns.now.vote_link')}</ButtonLink>
            <ButtonLink href={`${campaignHref(slug)}/participation`} variant="secondary">
              {t('budget.campaigns.now.participation_link')}
            </ButtonLink>
          </ButtonGroup>
        </>
      );
    case 'results':
      return (
        <>
          <p>{t('budget.campaigns.now.results')}</p>
          <ButtonGroup>
            <ButtonLink href={`${campaignHref(slug)}/resultats`}>
              {t('budget.campaigns.now.results_link')}
            </ButtonLink>
          </ButtonGroup>
        </>
      );
    case 'implementation':
      return (
        <>
          <p>{t('budget.campaigns.now.implementation')}</p>
          <ButtonGroup>
            <ButtonLink href="/budget/realisations">
              {t('budget.campaigns.now.implementation_link')}
            </ButtonLink>
            <ButtonLink href={`${campaignHref(slug)}/resultats`} variant="secondary">
              {t('budget.campaigns.now.results_link')}
            </ButtonLink>
          </ButtonGroup>
        </>
      );
    default:
      return (
        <p>
          {t('budget.campaigns.now.between', { phase: info.next ? phaseLabel(ctx, info.next) : '' })}{' '}
          {date(info.nextAt)}.
        </p>
      );
  }
}

export function CampaignsPage({ ctx, campaigns }: { ctx: PageContext; campaigns: CampaignSummary[] }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('budget.campaigns.home.title')}>
      <BudgetStyles ctx={ctx} />
      <h1>{t('budget.campaigns.home.title')}</h1>
      <p class="lead">{t('budget.campaigns.home.lead')}</p>
      {campaigns.length === 0 ? (
        <p>{t('budget.campaigns.home.none')}</p>
      ) : (
        <ul class="bp-campaigns">
          {campaigns.map(({ campaign, info, totalCents }) => (
            <li key={campaign.id} class="bp-campaign">
              <h2 class="bp-campaign__title">
                <a href={campaignHref(campaign.slug)}>{campaign.title}</a>
              </h2>
              <p class="bp-campaign__meta">
                <Tag tone={info.phase === 'vote' || info.phase === 'submission' ? 'success' : 'info'}>
                  {phaseLabel(ctx, info.phase)}
                </Tag>{' '}
                {!campaign.published && <Tag tone="warning">{t('budget.campaigns.unpublished')}</Tag>}{' '}
                {t('budget.campaigns.home.total', { amount: euros(ctx, totalCents) })}
              </p>
              <WhatNow ctx={ctx} campaign={campaign} info={info} />
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/budget/realisations">{t('budget.campaigns.home.winners_link')}</a>
      </p>
    </Layout>
  );
}

export function PhaseTimeline({ ctx, campaign, now }: { ctx: PageContext; campaign: Campaign; now: Date }) {
  const { t } = ctx;
  return (
    <ol class="bp-timeline">
      {phaseTimeline(campaign, now).map((span) => (
        <li
          key={span.name}
          class={`bp-timeline__item bp-timeline__item--${span.state}`}
          aria-current={span.state === 'current' ? 'step' : undefined}
        >
          <span class="bp-timeline__name">{phaseLabel(ctx, span.name)}</span>
          <span class="bp-timeline__dates">
            {span.endsAt && span.name !== 'results' ? (
              <>
                <Time ctx={ctx} date={span.startsAt} /> – <Time ctx={ctx} date={lastDayOf(span.endsAt)} />
              </>
            ) : (
              <>
                {t('budget.campaigns.timeline.from')} <Time ctx={ctx} date={span.startsAt} />
              </>
            )}
          </span>
          <span class="visually-hidden">
            {' '}
            {span.state === 'past'
              ? t('budget.campaigns.timeline.past')
              : span.state === 'current'
                ? t('budget.campaigns.timeline.current')
                : t('budget.campaigns.timeline.future')}
          </span>
        </li>
      ))}
    </ol>
  );
}

export function CampaignPage({
  ctx,
  campaign,
  info,
  envelopes,
  projects,
  proposalCounts,
  now,
}: {
  ctx: PageContext;
  campaign: Campaign;
  info: PhaseInfo;
  envelopes: Envelope[];
  projects: Project[];
  proposalCounts: Map<string, number>;
  now: Date;
}) {
  const { t } = ctx;
  const total = envelopes.reduce((sum, e) => sum + e.amountCents, 0);
  const projectsOf = (e: Envelope) => projects.filter((p) => p.envelopeId === e.id);
  const rules = [
    { key: t('budget.campaigns.rules.method'), value: methodLabel(ctx, campaign.votingMethod) },
    ...(campaign.votingMethod === 'approval' && campaign.maxChoices
      ? [{ key: t('budget.campaigns.rules.max_choices'), value: String(campaign.maxChoices) }]
      : []),
    ...(campaign.votingMethod === 'knapsack'
      ? [{ key: t('budget.campaigns.rules.min_spend'), value: `${campaign.minSpendPercent} %` }]
      : []),
    {
      key: t('budget.campaigns.rules.selection'),
      value:
        campaign.selectionRule === 'equal_shares'
          ? t('budget.campaigns.selection.equal_shares')
          : t('budget.campaigns.selection.greedy'),
    },
    { key: t('budget.campaigns.rules.who'), value: t('budget.campaigns.rules.who_value') },
    {
      key: t('budget.campaigns.rules.locked'),
      value: campaign.rulesLockedAt ? (
        <>
          {t('budget.campaigns.rules.locked_since')} <Time ctx={ctx} date={campaign.rulesLockedAt} withTime />
        </>
      ) : (
        t('budget.campaigns.rules.not_locked')
      ),
    },
  ];
  return (
    <Layout ctx={ctx} title={campaign.title}>
      <BudgetStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[{ label: t('budget.campaigns.home.title'), href: '/budget' }, { label: campaign.title }]}
      />
      <h1>{campaign.title}</h1>
      {!campaign.published && (
        <p>
          <Tag tone="warning">{t('budget.campaigns.unpublished')}</Tag>
        </p>
      )}
      {campaign.description && <p class="bp-prose">{campaign.description}</p>}
      <section aria-labelledby="now-title" class="bp-section">
        <h2 id="now-title">
          {t('budget.campaigns.page.now')} <Tag tone="info">{phaseLabel(ctx, info.phase)}</Tag>
        </h2>
        <WhatNow ctx={ctx} campaign={campaign} info={info} />
      </section>
      <section aria-labelledby="phases-title" class="bp-section">
        <h2 id="phases-title">{t('budget.campaigns.page.phases')}</h2>
        <PhaseTimeline ctx={ctx} campaign={campaign} now={now} />
      </section>
      <section aria-labelledby="envelopes-title" class="bp-section">
        <h2 id="envelopes-title">{t('budget.campaigns.page.envelopes')}</h2>
        <p>{t('budget.campaigns.page.envelopes_lead', { amount: euros(ctx, total) })}</p>
        <Table
          caption={t('budget.campaigns.page.envelopes_caption', { campaign: campaign.title })}
          columns={[
            { label: t('budget.campaigns.envelope.label') },
            { label: t('budget.campaigns.envelope.kind_label') },
            { label: t('budget.campaigns.envelope.amount'), numeric: true },
            { label: t('budget.campaigns.page.proposals'), numeric: true },
            { label: t('budget.campaigns.page.projects'), numeric: true },
          ]}
          rowHeaders
          rows={envelopes.map((e) => [
            e.label,
            kindLabel(ctx, e.kind),
            euros(ctx, e.amountCents),
            <a key="p" href={`${proposalsHref(campaign.slug)}?enveloppe=${e.id}`}>
              {proposalCounts.get(e.id) ?? 0}
              <span class="visually-hidden">
                {' '}
                {t('budget.campaigns.page.proposals_in', { envelope: e.label })}
              </span>
            </a>,
            String(projectsOf(e).length),
          ])}
        />
      </section>
      <section aria-labelledby="rules-title" class="bp-section">
        <h2 id="rules-title">{t('budget.campaigns.page.rules')}</h2>
        <SummaryList rows={rules} />
      </section>
      {projects.length > 0 && (
        <section aria-labelledby="projects-title" class="bp-section">
          <h2 id="projects-title">{t('budget.campaigns.page.ballot', { count: projects.length })}</h2>
          {envelopes
            .filter((e) => projectsOf(e).length > 0)
            .map((e) => (
              <Details
                key={e.id}
                summary={t('budget.campaigns.page.ballot_envelope', {
                  envelope: e.label,
                  count: projectsOf(e).length,
                })}
              >
                <ul class="bp-project-list">
                  {projectsOf(e).map((p) => (
                    <li key={p.id}>
                      <a href={projectHref(campaign.slug, p.number)}>
                        {t('budget.campaigns.page.project_number', { number: p.number })} {p.title}
                      </a>{' '}
                      <span class="bp-muted">{euros(ctx, p.costCents)}</span>
                    </li>
                  ))}
                </ul>
              </Details>
            ))}
        </section>
      )}
      <p>
        <a href={proposalsHref(campaign.slug)}>{t('budget.campaigns.page.all_proposals')}</a>
      </p>
    </Layout>
  );
}
