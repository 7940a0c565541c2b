/** Back office: the campaigns, a campaign's form with its envelopes, an envelope's form. */
import type { ComponentChildren } from 'preact';
import {
  Button,
  ButtonGroup,
  ButtonLink,
  DateInput,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  Radios,
  Select,
} from '../../../../core/views/components/form.js';
import { Banner, Breadcrumbs, Table, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import {
  type CampaignFormInput,
  type CampaignPhase,
  routeField,
  THEMES,
  UNROUTED,
} from '../campaign.domain.js';
import type { Campaign, Envelope } from '../campaigns.store.js';
import {
  BudgetStyles,
  campaignHref,
  euros,
  kindLabel,
  methodLabel,
  phaseLabel,
  Time,
  themeLabel,
} from './common.js';

export const adminCampaignHref = (slug: string) => `/admin/budget/campagnes/${encodeURIComponent(slug)}`;

function AdminLayout({
  ctx,
  title,
  crumbs,
  children,
}: {
  ctx: PageContext;
  title: string;
  crumbs?: { label: string; href?: string }[];
  children: ComponentChildren;
}) {
  return (
    <Layout ctx={ctx} title={title} area="backoffice">
      <BudgetStyles ctx={ctx} />
      {crumbs && <Breadcrumbs ctx={ctx} items={crumbs} />}
      {children}
    </Layout>
  );
}

export function CampaignsAdminPage({
  ctx,
  campaigns,
}: {
  ctx: PageContext;
  campaigns: {
    campaign: Campaign;
    phase: CampaignPhase;
    counts: { envelopes: number; proposals: number; projects: number };
  }[];
}) {
  const { t } = ctx;
  const title = t('budget.campaigns.admin.title');
  return (
    <AdminLayout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <ButtonGroup>
        <ButtonLink href="/admin/budget/campagnes/nouvelle">{t('budget.campaigns.admin.create')}</ButtonLink>
        {ctx.can('budget.study') && (
          <ButtonLink href="/admin/budget/etude" variant="secondary">
            {t('budget.study.title')}
          </ButtonLink>
        )}
        {ctx.can('budget.moderate') && (
          <ButtonLink href="/admin/budget/moderation" variant="secondary">
            {t('budget.proposals.moderation.title')}
          </ButtonLink>
        )}
      </ButtonGroup>
      {campaigns.length === 0 ? (
        <p>{t('budget.campaigns.admin.none')}</p>
      ) : (
        <Table
          caption={t('budget.campaigns.admin.caption')}
          columns={[
            { label: t('budget.campaigns.admin.campaign') },
            { label: t('budget.campaigns.admin.phase') },
            { label: t('budget.campaigns.admin.method') },
            { label: t('budget.campaigns.admin.published') },
            { label: t('budget.campaigns.admin.envelopes'), numeric: true },
            { label: t('budget.campaigns.admin.proposals'), numeric: true },
            { label: t('budget.campaigns.admin.projects'), numeric: true },
          ]}
          rowHeaders
          rows={campaigns.map(({ campaign, phase, counts }) => [
            <a key="a" href={adminCampaignHref(campaign.slug)}>
              {campaign.title}
            </a>,
            phaseLabel(ctx, phase),
            methodLabel(ctx, campaign.votingMethod),
            campaign.published ? (
              <Tag key="p" tone="success">
                {t('budget.campaigns.admin.yes')}
              </Tag>
            ) : (
              <Tag key="p" tone="grey">
                {t('budget.campaigns.admin.no')}
              </Tag>
            ),
            String(counts.envelopes),
            String(counts.proposals),
            String(counts.projects),
          ])}
        />
      )}
    </AdminLayout>
  );
}

function CampaignFields({
  ctx,
  values,
  errors,
  locked,
}: {
  ctx: PageContext;
  values: CampaignFormInput;
  errors?: FieldErrors;
  locked: boolean;
}) {
  const { t } = ctx;
  const day = (name: keyof CampaignFormInput, label: string) => (
    <DateInput ctx={ctx} name={name} label={label} value={values[name]} errors={errors} required />
  );
  return (
    <>
      <Field
        ctx={ctx}
        name="title"
        label={t('budget.campaigns.form.title')}
        value={values.title}
        errors={errors}
        required
        maxLength={150}
      />
      <Field
        ctx={ctx}
        name="slug"
        label={t('budget.campaigns.form.slug')}
        hint={t('budget.campaigns.form.slug_hint')}
        value={values.slug}
        errors={errors}
        required
        width="medium"
        maxLength={40}
      />
      <Field
        ctx={ctx}
        name="description"
        label={t('budget.campaigns.form.description')}
        value={values.description}
        errors={errors}
        multiline
        rows={4}
        maxLength={5000}
      />
      <fieldset class="fieldset">
        <legend class="fieldset__legend fieldset__legend--large">{t('budget.campaigns.form.phases')}</legend>
        <p class="field__hint">{t('budget.campaigns.form.phases_hint')}</p>
        {day('submissionStart', t('budget.campaigns.form.submission_start'))}
        {day('submissionEnd', t('budget.campaigns.form.submission_end'))}
        {day('studyStart', t('budget.campaigns.form.study_start'))}
        {day('studyEnd', t('budget.campaigns.form.study_end'))}
        {day('voteStart', t('budget.campaigns.form.vote_start'))}
        {day('voteEnd', t('budget.campaigns.form.vote_end'))}
        {day('resultsDay', t('budget.campaigns.form.results_day'))}
        {day('implementationStart', t('budget.campaigns.form.implementation_start'))}
      </fieldset>
      <fieldset class="fieldset">
        <legend class="fieldset__legend fieldset__legend--large">{t('budget.campaigns.form.rules')}</legend>
        {locked && (
          <Banner tone="warning">
            <p>{t('budget.campaigns.form.rules_locked_notice')}</p>
          </Banner>
        )}
        <Radios
          ctx={ctx}
          name="votingMethod"
          legend={t('budget.campaigns.form.method')}
          value={values.votingMethod}
          errors={errors}
          required
          options={[
            {
              value: 'majority_judgment',
              label: t('budget.campaigns.method.majority_judgment'),
              hint: t('budget.campaigns.method.majority_judgment_hint'),
            },
            {
              value: 'approval',
              label: t('budget.campaigns.method.approval'),
              hint: t('budget.campaigns.method.approval_hint'),
            },
            {
              value: 'knapsack',
              label: t('budget.campaigns.method.knapsack'),
              hint: t('budget.campaigns.method.knapsack_hint'),
            },
          ]}
        />
        <Field
          ctx={ctx}
          name="maxChoices"
          label={t('budget.campaigns.form.max_choices')}
          hint={t('budget.campaigns.form.max_choices_hint')}
          value={values.maxChoices}
          errors={errors}
          inputMode="numeric"
          width="short"
        />
        <Field
          ctx={ctx}
          name="minSpendPercent"
          label={t('budget.campaigns.form.min_spend')}
          hint={t('budget.campaigns.form.min_spend_hint')}
          value={values.minSpendPercent}
          errors={errors}
          inputMode="numeric"
          width="short"
        />
        <Radios
          ctx={ctx}
          name="selectionRule"
          legend={t('budget.campaigns.form.selection_rule')}
          value={values.selectionRule || 'greedy'}
          errors={errors}
          required
          options={[
            {
              value: 'greedy',
              label: t('budget.campaigns.selection.greedy'),
              hint: t('budget.campaigns.selection.greedy_hint'),
            },
            {
              value: 'equal_shares',
              label: t('budget.campaigns.selection.equal_shares'),
              hint: t('budget.campaigns.selection.equal_shares_hint'),
            },
          ]}
        />
      </fieldset>
    </>
  );
}

export function NewCampaignPage({
  ctx,
  values,
  errors,
}: {
  ctx: PageContext;
  values: CampaignFormInput;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const title = t('budget.campaigns.admin.create');
  return (
    <AdminLayout
      ctx={ctx}
      title={title}
      crumbs={[{ label: t('budget.campaigns.admin.title'), href: '/admin/budget' }, { label: title }]}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <Form ctx={ctx} action="/admin/budget/campagnes/nouvelle">
        <CampaignFields ctx={ctx} values={values} errors={errors} locked={false} />
        <ButtonGroup>
          <Button>{t('budget.campaigns.admin.create_submit')}</Button>
          <a href="/admin/budget">{t('budget.proposals.form.cancel')}</a>
        </ButtonGroup>
      </Form>
    </AdminLayout>
  );
}

export interface EnvelopeFormValues {
  kind: string;
  code: string;
  label: string;
  amount: string;
}

export function EditCampaignPage({
  ctx,
  campaign,
  phase,
  values,
  errors,
  envelopes,
  envelope,
  envelopeErrors,
  arrondissementAmount,
  arrondissementErrors,
  arrondissementsAvailable,
  directorates,
  routes,
  routeErrors,
}: {
  ctx: PageContext;
  campaign: Campaign;
  phase: CampaignPhase;
  values: CampaignFormInput;
  errors?: FieldErrors;
  envelopes: Envelope[];
  envelope: EnvelopeFormValues;
  envelopeErrors?: FieldErrors;
  arrondissementAmount: string;
  arrondissementErrors?: FieldErrors;
  arrondissementsAvailable: number;
  directorates: { id: string; code: string; name: string }[];
  /** routeField(theme) → a directorate id or UNROUTED. */
  routes: Record<string, string>;
  routeErrors?: FieldErrors;
}) {
  const { t } = ctx;
  const href = adminCampaignHref(campaign.slug);
  const locked = campaign.rulesLockedAt !== null;
  const total = envelopes.reduce((n, e) => n + e.amountCents, 0);
  const allErrors = { ...errors, ...envelopeErrors, ...arrondissementErrors, ...routeErrors };
  const directorateOptions = [
    { value: UNROUTED, label: t('budget.campaigns.routing.unrouted') },
    // The code first: the list is narrow and long names are cut at its edge.
    ...directorates.map((d) => ({ value: d.id, label: `${d.code} — ${d.name}` })),
  ];
  return (
    <AdminLayout
      ctx={ctx}
      title={campaign.title}
      crumbs={[
        { label: t('budget.campaigns.admin.title'), href: '/admin/budget' },
        { label: campaign.title },
      ]}
    >
      <ErrorSummary ctx={ctx} errors={Object.keys(allErrors).length > 0 ? allErrors : undefined} />
      <h1>{campaign.title}</h1>
      <p>
        <Tag tone="info">{phaseLabel(ctx, phase)}</Tag>{' '}
        {campaign.published ? (
          <Tag tone="success">{t('budget.campaigns.admin.is_published')}</Tag>
        ) : (
          <Tag tone="grey">{t('budget.campaigns.unpublished')}</Tag>
        )}{' '}
        {locked && (
          <Tag tone="warning">
            {t('budget.campaigns.rules.locked_since')}{' '}
            <Time ctx={ctx} date={campaign.rulesLockedAt!} withTime />
          </Tag>
        )}
      </p>
      <ButtonGroup>
        <a href={campaignHref(campaign.slug)}>{t('budget.campaigns.admin.view_public')}</a>
      </ButtonGroup>
      <Form ctx={ctx} action={`${href}/publication`} class="form form--inline">
        <input type="hidden" name="published" value={campaign.published ? '0' : '1'} />
        <Button variant={campaign.published ? 'secondary' : 'primary'}>
          {campaign.published ? t('budget.campaigns.admin.unpublish') : t('budget.campaigns.admin.publish')}
        </Button>
      </Form>

      <section aria-labelledby="envelopes-title" class="bp-section">
        <h2 id="envelopes-title">{t('budget.campaigns.admin.envelopes_title')}</h2>
        <p>{t('budget.campaigns.page.envelopes_lead', { amount: euros(ctx, total) })}</p>
        {locked && (
          <Banner tone="warning">
            <p>{t('budget.campaigns.rules_locked')}</p>
          </Banner>
        )}
        {envelopes.length > 0 && (
          <Table
            caption={t('budget.campaigns.admin.envelopes_caption')}
            columns={[
              { label: t('budget.campaigns.envelope.label') },
              { label: t('budget.campaigns.envelope.kind_label') },
              { label: t('budget.campaigns.envelope.code') },
              { label: t('budget.campaigns.envelope.amount'), numeric: true },
            ]}
            rowHeaders
            rows={envelopes.map((e) => [
              <a key="e" href={`${href}/enveloppes/${e.id}`}>
                {e.label}
              </a>,
              kindLabel(ctx, e.kind),
              e.code,
              euros(ctx, e.amountCents),
            ])}
          />
        )}
        {!locked && (
          <>
            <h3>{t('budget.campaigns.admin.add_envelope')}</h3>
            <Form ctx={ctx} action={`${href}/enveloppes`}>
              <Radios
                ctx={ctx}
                name="kind"
                legend={t('budget.campaigns.envelope.kind_label')}
                value={envelope.kind}
                errors={envelopeErrors}
                required
                inline
                options={[
                  { value: 'city', label: t('budget.campaigns.envelope.kind.city') },
                  { value: 'earmarked', label: t('budget.campaigns.envelope.kind.earmarked') },
                ]}
              />
              <Field
                ctx={ctx}
                name="label"
                label={t('budget.campaigns.envelope.label')}
                value={envelope.label}
                errors={envelopeErrors}
                required
                maxLength={120}
              />
              <Field
                ctx={ctx}
                name="code"
                label={t('budget.campaigns.envelope.code')}
                hint={t('budget.campaigns.envelope.code_hint')}
                value={envelope.code}
                errors={envelopeErrors}
                required
                width="medium"
              />
              <Field
                ctx={ctx}
                name="amount"
                label={t('budget.campaigns.envelope.amount_euros')}
                hint={t('budget.campaigns.envelope.amount_hint')}
                value={envelope.amount}
                errors={envelopeErrors}
                required
                inputMode="decimal"
                width="medium"
              />
              <Button variant="secondary">{t('budget.campaigns.admin.add_envelope_submit')}</Button>
            </Form>
            {arrondissementsAvailable > 0 && (
              <>
                <h3>{t('budget.campaigns.admin.arrondissements_title')}</h3>
                <p>{t('budget.campaigns.admin.arrondissements_lead', { count: arrondissementsAvailable })}</p>
                <Form ctx={ctx} action={`${href}/arrondissements`}>
                  <Field
                    ctx={ctx}
                    name="arrondissementAmount"
                    label={t('budget.campaigns.admin.arrondissements_amount')}
                    hint={t('budget.campaigns.envelope.amount_hint')}
                    value={arrondissementAmount}
                    errors={arrondissementErrors}
                    required
                    inputMode="decimal"
                    width="medium"
                  />
                  <Button variant="secondary">{t('budget.campaigns.admin.arrondissements_submit')}</Button>
                </Form>
              </>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="routing-title" class="bp-section bp-routing">
        <h2 id="routing-title">{t('budget.campaigns.routing.title')}</h2>
        <p>{t('budget.campaigns.routing.lead')}</p>
        <p>{t('budget.campaigns.routing.not_retroactive')}</p>
        <Form ctx={ctx} action={`${href}/orientation`}>
          <fieldset class="fieldset">
            <legend class="fieldset__legend">{t('budget.campaigns.routing.legend')}</legend>
            {THEMES.map((theme) => (
              <Select
                key={theme}
                ctx={ctx}
                name={routeField(theme)}
                label={themeLabel(ctx, theme)}
                options={directorateOptions}
                value={routes[routeField(theme)] ?? ''}
                errors={routeErrors}
                required
                placeholder={
                  directorateOptions.some((o) => o.value === routes[routeField(theme)])
                    ? undefined
                    : t('budget.campaigns.routing.choose')
                }
              />
            ))}
          </fieldset>
          <Button variant="secondary">{t('budget.campaigns.routing.submit')}</Button>
        </Form>
      </section>

      <section aria-labelledby="settings-title" class="bp-section">
        <h2 id="settings-title">{t('budget.campaigns.admin.settings')}</h2>
        <Form ctx={ctx} action={href}>
          <CampaignFields ctx={ctx} values={values} errors={errors} locked={locked} />
          <Button>{t('budget.campaigns.admin.save')}</Button>
        </Form>
      </section>
    </AdminLayout>
  );
}

export function EnvelopePage({
  ctx,
  campaign,
  envelope,
  values,
  errors,
}: {
  ctx: PageContext;
  campaign: Campaign;
  envelope: Envelope;
  values: EnvelopeFormValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const href = `${adminCampaignHref(campaign.slug)}/enveloppes/${envelope.id}`;
  const locked = campaign.rulesLockedAt !== null;
  return (
    <AdminLayout
      ctx={ctx}
      title={envelope.label}
      crumbs={[
        { label: t('budget.campaigns.admin.title'), href: '/admin/budget' },
        { label: campaign.title, href: adminCampaignHref(campaign.slug) },
        { label: envelope.label },
      ]}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{envelope.label}</h1>
      <p>{kindLabel(ctx, envelope.kind)}</p>
      {locked && (
        <Banner tone="warning">
          <p>{t('budget.campaigns.rules_locked')}</p>
        </Banner>
      )}
      <Form ctx={ctx} action={href}>
        <Field
          ctx={ctx}
          name="label"
          label={t('budget.campaigns.envelope.label')}
          value={values.label}
          errors={errors}
          required
          maxLength={120}
        />
        {envelope.kind !== 'arrondissement' && (
          <Field
            ctx={ctx}
            name="code"
            label={t('budget.campaigns.envelope.code')}
            hint={t('budget.campaigns.envelope.code_hint')}
            value={values.code}
            errors={errors}
            required
            width="medium"
          />
        )}
        <Field
          ctx={ctx}
          name="amount"
          label={t('budget.campaigns.envelope.amount_euros')}
          hint={t('budget.campaigns.envelope.amount_hint')}
          value={values.amount}
          errors={errors}
          required
          inputMode="decimal"
          width="medium"
        />
        <ButtonGroup>
          <Button>{t('budget.campaigns.admin.save')}</Button>
          <a href={adminCampaignHref(campaign.slug)}>{t('budget.proposals.form.cancel')}</a>
        </ButtonGroup>
      </Form>
      {!locked && (
        <Form ctx={ctx} action={`${href}/supprimer`}>
          <h2>{t('budget.campaigns.admin.delete_envelope')}</h2>
          <p>{t('budget.campaigns.admin.delete_envelope_hint')}</p>
          <Button variant="danger">{t('budget.campaigns.admin.delete_envelope_submit')}</Button>
        </Form>
      )}
    </AdminLayout>
  );
}
