/** The participation counter: confirmed ballots, numbers only. */
import { Banner, Table } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { formatNumber } from '../money.js';
import {
  CampaignCrumbs,
  type CampaignView,
  dateTime,
  type EnvelopeView,
  Figure,
  VoteStyles,
  voteHref,
} from './common.js';

export interface ParticipationView {
  confirmed: number;
  online: number;
  booth: number;
  envelopes: { envelope: EnvelopeView; ballots: number }[];
}

export function ParticipationPage({
  ctx,
  campaign,
  open,
  counts,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  open: boolean;
  counts: ParticipationView | null;
}) {
  const { t } = ctx;
  const title = t('budget.vote.participation.title', { campaign: campaign.title });
  const n = (value: number) => formatNumber(value, ctx.locale);
  return (
    <Layout ctx={ctx} title={title}>
      <VoteStyles ctx={ctx} />
      <CampaignCrumbs ctx={ctx} campaign={campaign} items={[{ label: t('budget.vote.participation.nav') }]} />
      <h1>{title}</h1>
      {!counts ? (
        <Banner tone="info">
          <p>{t('budget.vote.participation.not_started', { start: dateTime(ctx, campaign.voteStartsAt) })}</p>
        </Banner>
      ) : (
        <>
          <p class="lead">
            {open
              ? t('budget.vote.participation.open', { end: dateTime(ctx, campaign.voteEndsAt) })
              : t('budget.vote.participation.closed', { end: dateTime(ctx, campaign.voteEndsAt) })}
          </p>
          <div class="vote-figures">
            <Figure value={n(counts.confirmed)} label={t('budget.vote.participation.ballots')} />
            <Figure value={n(counts.online)} label={t('budget.vote.participation.online')} />
            <Figure value={n(counts.booth)} label={t('budget.vote.participation.booth')} />
          </div>
          <Table
            caption={t('budget.vote.participation.by_envelope')}
            columns={[
              { label: t('budget.vote.overview.envelope') },
              { label: t('budget.vote.participation.ballots'), numeric: true },
            ]}
            rowHeaders
            rows={counts.envelopes.map((e) => [e.envelope.label, n(e.ballots)])}
          />
          <p class="muted">{t('budget.vote.participation.note')}</p>
          <p>
            <a href={`/budget/${encodeURIComponent(campaign.slug)}/participation.json`}>
              {t('budget.vote.participation.json')}
            </a>
          </p>
          {open && (
            <p>
              <a href={voteHref(campaign.slug)}>{t('budget.vote.participation.vote_link')}</a>
            </p>
          )}
        </>
      )}
    </Layout>
  );
}
