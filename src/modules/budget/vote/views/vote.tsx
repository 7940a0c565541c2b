/**
 * The citizen's vote pages: the sworn declaration, the arrondissement de cœur, the overview of
 * the baskets with the confirmation, one envelope's basket, the confirmation page. Every form
 * works without JavaScript.
 */
import {
  Button,
  ButtonGroup,
  ButtonLink,
  Field,
  Form,
  Radios,
  Select,
} from '../../../../core/views/components/form.js';
import { Banner, Panel, SummaryList, Table, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { BasketFields, type BasketValues } from './ballot-fields.js';
import {
  basketHref,
  CampaignCrumbs,
  type CampaignView,
  campaignHref,
  dateTime,
  type EnvelopeView,
  euros,
  FormErrorSummary,
  type FormErrors,
  gradeName,
  type ProjectView,
  resultsHref,
  VoteStyles,
  voteHref,
} from './common.js';

function methodExplanation(ctx: PageContext, campaign: CampaignView): string {
  const { t } = ctx;
  if (campaign.votingMethod === 'majority_judgment') return t('budget.vote.method.majority_judgment');
  if (campaign.votingMethod === 'knapsack') return t('budget.vote.method.knapsack');
  return t('budget.vote.method.approval', { max: campaign.maxChoices ?? '—' });
}

function VoteLayout({
  ctx,
  campaign,
  title,
  children,
  crumbs = [],
}: {
  ctx: PageContext;
  campaign: CampaignView;
  title: string;
  children: preact.ComponentChildren;
  crumbs?: { label: string; href?: string }[];
}) {
  return (
    <Layout ctx={ctx} title={title}>
      <VoteStyles ctx={ctx} />
      <CampaignCrumbs ctx={ctx} campaign={campaign} items={crumbs.length > 0 ? crumbs : [{ label: title }]} />
      {children}
    </Layout>
  );
}

/** Before or after the vote: when it opens, or that it closed (and where the results are). */
export function VoteNotOpenPage({
  ctx,
  campaign,
  reason,
  resultsPublished,
  problem,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  reason: 'before' | 'closed';
  resultsPublished: boolean;
  problem?: string;
}) {
  const { t } = ctx;
  const title = t('budget.vote.title', { campaign: campaign.title });
  return (
    <VoteLayout ctx={ctx} campaign={campaign} title={title}>
      <h1>{title}</h1>
      {problem && (
        <Banner tone="error" announce="alert" title={t('budget.vote.refused')}>
          <p>{t(problem)}</p>
        </Banner>
      )}
      <Banner tone={reason === 'before' ? 'info' : 'warning'}>
        <p>
          {reason === 'before'
            ? t('budget.vote.not_open_yet_dates', {
                start: dateTime(ctx, campaign.voteStartsAt),
                end: dateTime(ctx, campaign.voteEndsAt),
              })
            : t('budget.vote.closed_on', { end: dateTime(ctx, campaign.voteEndsAt) })}
        </p>
      </Banner>
      <ButtonGroup>
        {resultsPublished && (
          <ButtonLink href={resultsHref(campaign.slug)}>{t('budget.vote.see_results')}</ButtonLink>
        )}
        <ButtonLink href={campaignHref(campaign.slug)} variant="secondary">
          {t('budget.vote.back_to_campaign')}
        </ButtonLink>
      </ButtonGroup>
    </VoteLayout>
  );
}

function Intro({ ctx, campaign }: { ctx: PageContext; campaign: CampaignView }) {
  const { t } = ctx;
  return (
    <>
      <p class="lead">{t('budget.vote.intro', { end: dateTime(ctx, campaign.voteEndsAt) })}</p>
      <p>{methodExplanation(ctx, campaign)}</p>
    </>
  );
}

export function SignInToVotePage({ ctx, campaign }: { ctx: PageContext; campaign: CampaignView }) {
  const { t } = ctx;
  const title = t('budget.vote.title', { campaign: campaign.title });
  const back = encodeURIComponent(voteHref(campaign.slug));
  return (
    <VoteLayout ctx={ctx} campaign={campaign} title={title}>
      <h1>{title}</h1>
      <Intro ctx={ctx} campaign={campaign} />
      <p>{t('budget.vote.sign_in_needed')}</p>
      <ButtonGroup>
        <ButtonLink href={`/connexion?retour=${back}`}>{t('budget.vote.sign_in')}</ButtonLink>
        <ButtonLink href="/inscription" variant="secondary">
          {t('budget.vote.sign_up')}
        </ButtonLink>
      </ButtonGroup>
    </VoteLayout>
  );
}

/** The account cannot vote (address not confirmed, or a stronger check says no). */
export function IneligiblePage({
  ctx,
  campaign,
  problem,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  problem: string;
}) {
  const { t } = ctx;
  const title = t('budget.vote.title', { campaign: campaign.title });
  return (
    <VoteLayout ctx={ctx} campaign={campaign} title={title}>
      <h1>{title}</h1>
      <Banner tone="warning" title={t('budget.vote.eligibility.title')}>
        <p>{t(problem)}</p>
      </Banner>
      <p>
        <a href="/compte">{t('budget.vote.eligibility.account_link')}</a>
      </p>
    </VoteLayout>
  );
}

export interface DeclarationValues {
  declaration: string;
  lastName: string;
  firstName: string;
  birthDate: string;
  sworn: boolean;
}

export function DeclarationPage({
  ctx,
  campaign,
  values,
  errors,
  problem,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  values: DeclarationValues;
  errors?: FormErrors;
  /** A refusal that is not about one field (the person already voted…). */
  problem?: string;
}) {
  const { t } = ctx;
  const title = t('budget.vote.declaration.title');
  const fields = errors?.fields;
  return (
    <VoteLayout
      ctx={ctx}
      campaign={campaign}
      title={title}
      crumbs={[{ label: t('budget.vote.nav'), href: voteHref(campaign.slug) }, { label: title }]}
    >
      <h1>{title}</h1>
      <Intro ctx={ctx} campaign={campaign} />
      {problem && (
        <Banner tone="error" announce="alert" title={t('budget.vote.refused')}>
          <p>{t(problem)}</p>
        </Banner>
      )}
      <FormErrorSummary ctx={ctx} errors={errors} />
      <p>{t('budget.vote.declaration.why')}</p>
      <Form ctx={ctx} action={`${voteHref(campaign.slug)}/declaration`}>
        <Radios
          ctx={ctx}
          name="declaration"
          legend={t('budget.vote.declaration.declaration_legend')}
          options={[
            { value: 'live', label: t('budget.vote.declaration.live') },
            { value: 'work', label: t('budget.vote.declaration.work') },
            { value: 'study', label: t('budget.vote.declaration.study') },
          ]}
          value={values.declaration}
          errors={fields}
          required
        />
        <Field
          ctx={ctx}
          name="lastName"
          label={t('budget.vote.declaration.last_name')}
          value={values.lastName}
          errors={fields}
          autocomplete="family-name"
          maxLength={100}
          width="medium"
          required
        />
        <Field
          ctx={ctx}
          name="firstName"
          label={t('budget.vote.declaration.first_name')}
          value={values.firstName}
          errors={fields}
          autocomplete="given-name"
          maxLength={100}
          width="medium"
          required
        />
        <Field
          ctx={ctx}
          name="birthDate"
          label={t('budget.vote.declaration.birth_date')}
          hint={t('budget.vote.declaration.birth_date_hint')}
          maxLength={10}
          value={values.birthDate}
          errors={fields}
          autocomplete="bday"
          width="medium"
          required
        />
        <div class={`field${fields?.sworn ? ' field--error' : ''}`}>
          {fields?.sworn && (
            <p class="field__error" id="field-sworn-error">
              <span class="visually-hidden">{t('core.form.error_prefix')} </span>
              {t(fields.sworn)}
            </p>
          )}
          <div class="choice">
            <input
              class="choice__input"
              type="checkbox"
              id="field-sworn"
              name="sworn"
              value="1"
              checked={values.sworn}
              aria-describedby={fields?.sworn ? 'field-sworn-error' : undefined}
            />
            <label class="choice__label" for="field-sworn">
              {t('budget.vote.declaration.sworn', { city: ctx.city.shortName })}
            </label>
          </div>
        </div>
        <p class="muted">{t('budget.vote.declaration.privacy')}</p>
        <Button>{t('budget.vote.declaration.submit')}</Button>
      </Form>
    </VoteLayout>
  );
}

export function ArrondissementPage({
  ctx,
  campaign,
  options,
  value,
  errors,
  problem,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  options: EnvelopeView[];
  value: string;
  errors?: FormErrors;
  problem?: string;
}) {
  const { t } = ctx;
  const title = t('budget.vote.arrondissement.title');
  return (
    <VoteLayout
      ctx={ctx}
      campaign={campaign}
      title={title}
      crumbs={[{ label: t('budget.vote.nav'), href: voteHref(campaign.slug) }, { label: title }]}
    >
      <h1>{title}</h1>
      {problem && (
        <Banner tone="error" announce="alert" title={t('budget.vote.refused')}>
          <p>{t(problem)}</p>
        </Banner>
      )}
      <FormErrorSummary ctx={ctx} errors={errors} />
      <p class="lead">{t('budget.vote.arrondissement.explain')}</p>
      <Form ctx={ctx} action={`${voteHref(campaign.slug)}/arrondissement`}>
        <Select
          ctx={ctx}
          name="arrondissement"
          label={t('budget.vote.arrondissement.label')}
          hint={t('budget.vote.arrondissement.once')}
          options={options.map((e) => ({
            value: e.code,
            label: `${e.label} — ${euros(ctx, e.amountCents)}`,
          }))}
          value={value}
          errors={errors?.fields}
          placeholder={t('budget.vote.arrondissement.placeholder')}
          required
        />
        <Button>{t('budget.vote.arrondissement.submit')}</Button>
      </Form>
    </VoteLayout>
  );
}

export interface EnvelopeStatus {
  envelope: EnvelopeView;
  projectCount: number;
  /** Chosen or graded projects. */
  count: number;
  totalCents: number;
}

export function OverviewPage({
  ctx,
  campaign,
  statuses,
  state,
  revision,
  arrondissementLabel,
  problem,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  statuses: EnvelopeStatus[];
  state: 'draft' | 'confirmed';
  revision: number;
  arrondissementLabel: string | null;
  problem?: string;
}) {
  const { t } = ctx;
  const title = t('budget.vote.title', { campaign: campaign.title });
  const mj = campaign.votingMethod === 'majority_judgment';
  const anything = statuses.some((s) => s.count > 0);
  return (
    <VoteLayout ctx={ctx} campaign={campaign} title={title}>
      <h1>{title}</h1>
      {problem && (
        <Banner tone="error" announce="alert" title={t('budget.vote.refused')}>
          <p>{t(problem)}</p>
        </Banner>
      )}
      {state === 'confirmed' ? (
        <Banner tone="success" title={t('budget.vote.overview.confirmed_title')}>
          <p>{t('budget.vote.overview.confirmed_text', { end: dateTime(ctx, campaign.voteEndsAt) })}</p>
        </Banner>
      ) : anything ? (
        <Banner tone="warning" title={t('budget.vote.overview.draft_title')}>
          <p>{t('budget.vote.overview.draft_text')}</p>
        </Banner>
      ) : (
        <Intro ctx={ctx} campaign={campaign} />
      )}
      {arrondissementLabel && (
        <p>{t('budget.vote.overview.arrondissement', { arrondissement: arrondissementLabel })}</p>
      )}
      <Table
        caption={t('budget.vote.overview.caption')}
        columns={[
          { label: t('budget.vote.overview.envelope') },
          { label: t('budget.vote.overview.amount'), numeric: true },
          { label: t('budget.vote.overview.my_basket') },
          { label: t('budget.vote.overview.action') },
        ]}
        rowHeaders
        rows={statuses.map((s) => [
          s.envelope.label,
          euros(ctx, s.envelope.amountCents),
          s.count === 0 ? (
            <Tag tone="grey">{t('budget.vote.overview.empty')}</Tag>
          ) : mj ? (
            t('budget.vote.overview.graded', { count: s.count, total: s.projectCount })
          ) : campaign.votingMethod === 'knapsack' ? (
            t('budget.vote.overview.chosen_cost', { count: s.count, total: euros(ctx, s.totalCents) })
          ) : (
            t('budget.vote.overview.chosen', { count: s.count })
          ),
          <a href={basketHref(campaign.slug, s.envelope.code)} key="a">
            {s.count === 0 ? t('budget.vote.overview.vote') : t('budget.vote.overview.change')}
            <span class="visually-hidden"> {s.envelope.label}</span>
          </a>,
        ])}
      />
      {state !== 'confirmed' && (
        <section class="section" aria-labelledby="confirm-title">
          <h2 id="confirm-title">{t('budget.vote.overview.confirm_title')}</h2>
          <p>{anything ? t('budget.vote.overview.confirm_text') : t('budget.vote.overview.confirm_empty')}</p>
          {anything && (
            <Form ctx={ctx} action={`${voteHref(campaign.slug)}/confirmer`}>
              <input type="hidden" name="revision" value={String(revision)} />
              <Button>{t('budget.vote.overview.confirm')}</Button>
            </Form>
          )}
        </section>
      )}
    </VoteLayout>
  );
}

export function BasketPage({
  ctx,
  campaign,
  envelope,
  projects,
  values,
  revision,
  errors,
  problem,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  envelope: EnvelopeView;
  projects: ProjectView[];
  values: BasketValues;
  revision: number;
  errors?: FormErrors;
  problem?: string;
}) {
  const { t } = ctx;
  const title = envelope.label;
  return (
    <VoteLayout
      ctx={ctx}
      campaign={campaign}
      title={t('budget.vote.basket.title', { envelope: envelope.label })}
      crumbs={[{ label: t('budget.vote.nav'), href: voteHref(campaign.slug) }, { label: title }]}
    >
      <h1>{t('budget.vote.basket.title', { envelope: envelope.label })}</h1>
      {problem && (
        <Banner tone="error" announce="alert" title={t('budget.vote.refused')}>
          <p>{t(problem)}</p>
        </Banner>
      )}
      <FormErrorSummary ctx={ctx} errors={errors} />
      <p class="lead">
        {t('budget.vote.basket.lead', { amount: euros(ctx, envelope.amountCents), count: projects.length })}
      </p>
      <Form ctx={ctx} action={basketHref(campaign.slug, envelope.code)} class="form vote-basket">
        <input type="hidden" name="envelope" value={envelope.code} />
        <input type="hidden" name="revision" value={String(revision)} />
        <div id="field-basket">
          <BasketFields
            ctx={ctx}
            campaign={campaign}
            amountCents={envelope.amountCents}
            projects={projects}
            values={values}
            errors={errors}
            legend={t('budget.vote.basket.legend', { envelope: envelope.label })}
          />
        </div>
        <ButtonGroup>
          <Button name="action" value="save">
            {t('budget.vote.basket.save')}
          </Button>
          <Button name="action" value="confirm" variant="secondary">
            {t('budget.vote.basket.save_confirm')}
          </Button>
          <ButtonLink href={voteHref(campaign.slug)} variant="secondary">
            {t('budget.vote.basket.back')}
          </ButtonLink>
        </ButtonGroup>
      </Form>
      <script src={ctx.asset('budget-vote.js')} defer />
    </VoteLayout>
  );
}

export interface SummaryEnvelope {
  envelope: EnvelopeView;
  lines: { project: ProjectView; grade: number | null }[];
}

export function ConfirmationPage({
  ctx,
  campaign,
  summary,
  mailed,
}: {
  ctx: PageContext;
  campaign: CampaignView;
  summary: SummaryEnvelope[];
  mailed: boolean;
}) {
  const { t } = ctx;
  const title = t('budget.vote.confirmation.title');
  return (
    <VoteLayout
      ctx={ctx}
      campaign={campaign}
      title={title}
      crumbs={[{ label: t('budget.vote.nav'), href: voteHref(campaign.slug) }, { label: title }]}
    >
      <Panel title={title}>
        <p>{t('budget.vote.confirmation.text', { end: dateTime(ctx, campaign.voteEndsAt) })}</p>
        {mailed && <p>{t('budget.vote.confirmation.mailed')}</p>}
      </Panel>
      <h2>{t('budget.vote.confirmation.summary')}</h2>
      {summary.map((s) => (
        <section class="section" key={s.envelope.id} aria-labelledby={`summary-${s.envelope.code}`}>
          <h3 id={`summary-${s.envelope.code}`}>{s.envelope.label}</h3>
          <SummaryList
            rows={s.lines.map((line) => ({
              key: t('budget.vote.basket.project_label', {
                number: line.project.number,
                title: line.project.title,
              }),
              value: line.grade === null ? euros(ctx, line.project.costCents) : gradeName(ctx, line.grade),
            }))}
          />
        </section>
      ))}
      {campaign.votingMethod === 'majority_judgment' && (
        <p class="muted">{t('budget.vote.confirmation.unrated')}</p>
      )}
      <ButtonGroup>
        <ButtonLink href={voteHref(campaign.slug)} variant="secondary">
          {t('budget.vote.confirmation.change')}
        </ButtonLink>
        <ButtonLink href={`${campaignHref(campaign.slug)}/participation`} variant="secondary">
          {t('budget.vote.confirmation.participation')}
        </ButtonLink>
      </ButtonGroup>
    </VoteLayout>
  );
}
