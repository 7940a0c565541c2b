/**
 * Results pages: every envelope's winners, then one page per envelope with its chart (CSS
 * bars, hidden from screen readers) and the same figures in a data table next to it. Also the
 * participation counter (numbers only).
 */
import type { ComponentChildren } from 'preact';
import { ButtonGroup, ButtonLink } from '../../../../core/views/components/form.js';
import { Banner, Table, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { GRADES } from '../ballot-rules.js';
import type { ProjectResult } from '../counting.js';
import { formatNumber, formatPercent } from '../money.js';
import {
  CampaignCrumbs,
  type CampaignView,
  dateTime,
  type EnvelopeView,
  euros,
  gradeName,
  projectHref,
  resultsHref,
  VoteStyles,
  widthClass,
} from './common.js';

export interface ResultView {
  envelope: EnvelopeView;
  ballots: number;
  totalCostCents: number;
  winners: string[];
  projects: (ProjectResult & { title: string })[];
  perVoterCents?: number;
}

const num = (ctx: PageContext, n: number) => formatNumber(n, ctx.locale);

function methodRule(ctx: PageContext, campaign: CampaignView, rule: string): string {
  const { t } = ctx;
  if (campaign.votingMethod === 'majority_judgment') return t('budget.results.rule.majority_judgment');
  return rule === 'equal_shares' ? t('budget.results.rule.equal_shares') : t('budget.results.rule.greedy');
}

/** Largest-remainder percentages, so that a stacked bar's parts add up to 100. */
function shares(counts: number[]): number[] {
  const total = counts.reduce((s, x) => s + x, 0);
  if (total === 0) return counts.map(() => 0);
  const raw = counts.map((c) => (c * 100) / total);
  const floors = raw.map(Math.floor);
  let left = 100 - floors.reduce((s, x) => s + x, 0);
  const order = raw.map((r, i) => ({ i, rest: r - Math.floor(r) })).sort((a, b) => b.rest - a.rest);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]!++;
    left--;
  }
  return floors;
}

export function exportHref(slug: string, code: string, extension: 'pb' | 'csv'): string {
  return `${resultsHref(slug)}/${encodeURIComponent(code)}.${extension}`;
}

function Exports({ ctx, slug, code }: { ctx: PageContext; slug: string; code: string }) {
  const { t } = ctx;
  return (
    <ul class="vote-exports">
      <li>
        <a href={exportHref(slug, code, 'pb')} download>
          {t('budget.results.export_pb')}
        </a>
      </li>
      <li>
        <a href={exportHref(slug, code, 'csv')} download>
          {t('budget.results.export_csv')}
        </a>
      </li>
      <li>
        <a href={`${resultsHref(slug)}/schema.json`}>{t('budget.results.export_schema')}</a>
      </li>
    </ul>
  );
}

/** The winners of one envelope, as a table. */
export function WinnersTable({
  ctx,
  campaign,
  result,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  result: ResultView;
}) {
  const { t } = ctx;
  const winners = result.winners
    .map((id) => result.projects.find((p) => p.id === id))
    .filter((p): p is ResultView['projects'][number] => Boolean(p));
  if (winners.length === 0) return <p>{t('budget.results.no_winner')}</p>;
  return (
    <Table
      caption={t('budget.results.winners_caption', { envelope: result.envelope.label })}
      columns={[
        { label: t('budget.results.project') },
        { label: t('budget.results.cost'), numeric: true },
        { label: t('budget.results.rank'), numeric: true },
      ]}
      rowHeaders
      rows={winners.map((p) => [
        <a href={projectHref(campaign.slug, p.number)} key="p">
          {t('budget.vote.basket.project_label', { number: p.number, title: p.title })}
        </a>,
        euros(ctx, p.costCents),
        num(ctx, p.rank),
      ])}
    />
  );
}

export function ResultsOverview({
  ctx,
  campaign,
  results,
  rule,
  lead,
  exports = true,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  results: ResultView[];
  rule: string;
  lead: string;
  /** Links to the files (published results only). */
  exports?: boolean;
}) {
  const { t } = ctx;
  return (
    <>
      <p class="lead">{lead}</p>
      <p>{methodRule(ctx, campaign, rule)}</p>
      {results.map((r) => (
        <section class="section" key={r.envelope.id} aria-labelledby={`envelope-${r.envelope.code}`}>
          <h2 id={`envelope-${r.envelope.code}`}>{r.envelope.label}</h2>
          <p>
            {t('budget.results.envelope_summary', {
              ballots: num(ctx, r.ballots),
              amount: euros(ctx, r.envelope.amountCents),
              spent: euros(ctx, r.totalCostCents),
              winners: r.winners.length,
            })}
          </p>
          <WinnersTable ctx={ctx} campaign={campaign} result={r} />
          {exports && (
            <>
              <p>
                <a href={`${resultsHref(campaign.slug)}/${encodeURIComponent(r.envelope.code)}`}>
                  {t('budget.results.details')}
                  <span class="visually-hidden"> {r.envelope.label}</span>
                </a>
              </p>
              <Exports ctx={ctx} slug={campaign.slug} code={r.envelope.code} />
            </>
          )}
        </section>
      ))}
    </>
  );
}

export function ResultsPage({
  ctx,
  campaign,
  results,
  rule,
  publishedAt,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  results: ResultView[];
  rule: string;
  publishedAt: Date | null;
}) {
  const { t } = ctx;
  const title = t('budget.results.title', { campaign: campaign.title });
  return (
    <Layout ctx={ctx} title={title}>
      <VoteStyles ctx={ctx} />
      <CampaignCrumbs ctx={ctx} campaign={campaign} items={[{ label: t('budget.results.nav') }]} />
      <h1>{title}</h1>
      {publishedAt ? (
        <ResultsOverview
          ctx={ctx}
          campaign={campaign}
          results={results}
          rule={rule}
          lead={t('budget.results.published_on', { date: dateTime(ctx, publishedAt) })}
        />
      ) : (
        <Banner tone="info">
          <p>{t('budget.results.not_published', { end: dateTime(ctx, campaign.voteEndsAt) })}</p>
        </Banner>
      )}
      {ctx.can('budget.results.manage') && (
        <p>
          <a href={`/admin/budget/${encodeURIComponent(campaign.slug)}/resultats`}>
            {t('budget.results.admin_link')}
          </a>
        </p>
      )}
    </Layout>
  );
}

function GradeBar({ ctx, profile }: { ctx: PageContext; profile: number[] }) {
  const parts = shares(profile);
  return (
    <div class="vote-bar vote-bar--stacked">
      {[...GRADES.keys()]
        .reverse()
        .map((g) =>
          parts[g]! > 0 ? (
            <span
              key={g}
              class={`vote-bar__part vote-bar__part--g${g} ${widthClass(parts[g]! / 100)}`}
              title={gradeName(ctx, g)}
            />
          ) : null,
        )}
    </div>
  );
}

function Legend({ ctx }: { ctx: PageContext }) {
  return (
    <ul class="vote-legend">
      {[...GRADES.keys()].reverse().map((g) => (
        <li key={g}>
          <span class={`vote-legend__swatch vote-bar__part--g${g}`} />
          {gradeName(ctx, g)}
        </li>
      ))}
    </ul>
  );
}

/** The chart: one row per project. Hidden from screen readers, who get the table below. */
function Chart({ ctx, title, children }: { ctx: PageContext; title: string; children: ComponentChildren }) {
  return (
    <figure class="vote-chart">
      <figcaption class="vote-chart__title">{title}</figcaption>
      <div aria-hidden="true">{children}</div>
      <p class="visually-hidden">{ctx.t('budget.results.chart_table_below')}</p>
    </figure>
  );
}

export function EnvelopeResultPage({
  ctx,
  campaign,
  result,
  rule,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  result: ResultView;
  rule: string;
}) {
  const { t } = ctx;
  const mj = campaign.votingMethod === 'majority_judgment';
  const title = t('budget.results.envelope_title', { envelope: result.envelope.label });
  const ballots = Math.max(1, result.ballots);
  return (
    <Layout ctx={ctx} title={title}>
      <VoteStyles ctx={ctx} />
      <CampaignCrumbs
        ctx={ctx}
        campaign={campaign}
        items={[
          { label: t('budget.results.nav'), href: resultsHref(campaign.slug) },
          { label: result.envelope.label },
        ]}
      />
      <h1>{title}</h1>
      <p class="lead">
        {t('budget.results.envelope_summary', {
          ballots: num(ctx, result.ballots),
          amount: euros(ctx, result.envelope.amountCents),
          spent: euros(ctx, result.totalCostCents),
          winners: result.winners.length,
        })}
      </p>
      <p>{methodRule(ctx, campaign, rule)}</p>
      {result.perVoterCents !== undefined && (
        <p>{t('budget.results.per_voter', { amount: euros(ctx, Math.round(result.perVoterCents)) })}</p>
      )}
      <div class="vote-results">
        <Chart ctx={ctx} title={mj ? t('budget.results.chart_grades') : t('budget.results.chart_votes')}>
          {mj && <Legend ctx={ctx} />}
          <ol class="vote-chart__rows">
            {result.projects.map((p) => (
              <li class="vote-chart__row" key={p.id}>
                <span class="vote-chart__label">
                  {t('budget.results.chart_label', { number: p.number, title: p.title })}
                  {p.selected && <> · {t('budget.results.selected')}</>}
                </span>
                {mj && p.profile ? (
                  <GradeBar ctx={ctx} profile={p.profile} />
                ) : (
                  <span class="vote-bar">
                    <span class="vote-bar__track">
                      <span class={`vote-bar__part vote-bar__part--votes ${widthClass(p.votes / ballots)}`} />
                    </span>
                    <span class="vote-bar__value">{formatPercent(p.votes / ballots, ctx.locale)}</span>
                  </span>
                )}
              </li>
            ))}
          </ol>
        </Chart>
        {mj ? (
          <Table
            caption={t('budget.results.table_grades', { envelope: result.envelope.label })}
            columns={[
              { label: t('budget.results.rank'), numeric: true },
              { label: t('budget.results.project') },
              { label: t('budget.results.cost'), numeric: true },
              ...[...GRADES.keys()].reverse().map((g) => ({ label: gradeName(ctx, g), numeric: true })),
              { label: t('budget.results.majority_grade') },
              { label: t('budget.results.outcome') },
            ]}
            rows={result.projects.map((p) => [
              num(ctx, p.rank),
              <a href={projectHref(campaign.slug, p.number)} key="p">
                {t('budget.vote.basket.project_label', { number: p.number, title: p.title })}
              </a>,
              euros(ctx, p.costCents),
              ...[...GRADES.keys()].reverse().map((g) => num(ctx, p.profile?.[g] ?? 0)),
              p.majorityGrade === undefined ? '—' : gradeName(ctx, p.majorityGrade),
              p.selected ? (
                <Tag tone="success">{t('budget.results.selected')}</Tag>
              ) : (
                t('budget.results.not_selected')
              ),
            ])}
          />
        ) : (
          <Table
            caption={t('budget.results.table_votes', { envelope: result.envelope.label })}
            columns={[
              { label: t('budget.results.rank'), numeric: true },
              { label: t('budget.results.project') },
              { label: t('budget.results.cost'), numeric: true },
              { label: t('budget.results.votes'), numeric: true },
              { label: t('budget.results.share'), numeric: true },
              { label: t('budget.results.outcome') },
            ]}
            rows={result.projects.map((p) => [
              num(ctx, p.rank),
              <a href={projectHref(campaign.slug, p.number)} key="p">
                {t('budget.vote.basket.project_label', { number: p.number, title: p.title })}
              </a>,
              euros(ctx, p.costCents),
              num(ctx, p.votes),
              formatPercent(p.votes / ballots, ctx.locale),
              p.selected ? (
                <Tag tone="success">{t('budget.results.selected')}</Tag>
              ) : (
                t('budget.results.not_selected')
              ),
            ])}
          />
        )}
      </div>
      <h2>{t('budget.results.downloads')}</h2>
      <p>{t('budget.results.downloads_text')}</p>
      <Exports ctx={ctx} slug={campaign.slug} code={result.envelope.code} />
      <ButtonGroup>
        <ButtonLink href={resultsHref(campaign.slug)} variant="secondary">
          {t('budget.results.back')}
        </ButtonLink>
      </ButtonGroup>
    </Layout>
  );
}
