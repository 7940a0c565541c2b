/** Back office: the study queue per directorate, one proposal's study, the project form, moderation. */
import type { ComponentChildren } from 'preact';
import {
  Button,
  ButtonGroup,
  ButtonLink,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  Radios,
  Select,
} from '../../../../core/views/components/form.js';
import {
  Banner,
  Breadcrumbs,
  Pagination,
  SummaryList,
  Table,
  Tag,
} from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import type { ProposalState } from '../../budget.tables.js';
import { canDecide, PROPOSAL_STATES, REROUTABLE_STATES, type StudyDecision } from '../campaign.domain.js';
import type { Campaign, Envelope } from '../campaigns.store.js';
import type { ModerationRow, ProposalRecord, ProposalSummaryRow } from '../proposals.store.js';
import {
  BudgetStyles,
  campaignHref,
  euros,
  kindLabel,
  proposalHref,
  publicName,
  StateTag,
  stateLabel,
  Time,
  themeLabel,
} from './common.js';
import { History } from './proposal-page.js';

export const studyHref = (reference: string) => `/admin/budget/etude/${encodeURIComponent(reference)}`;

function BackofficeLayout({
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

export interface QueueValues {
  campagne: string;
  direction: string;
  etat: string;
  q: string;
}

export function StudyQueuePage({
  ctx,
  campaigns,
  campaign,
  values,
  directorates,
  unroutedVisible,
  rows,
  total,
  counts,
  page,
  pageCount,
  envelopes,
  directorateNames,
}: {
  ctx: PageContext;
  campaigns: Campaign[];
  campaign: Campaign | null;
  values: QueueValues;
  directorates: { id: string; name: string }[];
  unroutedVisible: boolean;
  rows: ProposalSummaryRow[];
  total: number;
  counts: Map<ProposalState, number>;
  page: number;
  pageCount: number;
  envelopes: Envelope[];
  directorateNames: Map<string, string>;
}) {
  const { t } = ctx;
  const title = t('budget.study.title');
  const envelopeName = new Map(envelopes.map((e) => [e.id, e.label]));
  return (
    <BackofficeLayout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{t('budget.study.lead')}</p>
      <form method="get" action="/admin/budget/etude" class="form bp-filters">
        <Select
          ctx={ctx}
          name="campagne"
          label={t('budget.study.campaign')}
          options={campaigns.map((c) => ({ value: c.slug, label: c.title }))}
          value={values.campagne}
          required
        />
        <Select
          ctx={ctx}
          name="direction"
          label={t('budget.study.directorate')}
          options={[
            ...directorates.map((d) => ({ value: d.id, label: d.name })),
            ...(unroutedVisible ? [{ value: 'none', label: t('budget.study.unrouted') }] : []),
          ]}
          placeholder={t('budget.study.all_my_directorates')}
          value={values.direction}
        />
        <Select
          ctx={ctx}
          name="etat"
          label={t('budget.study.state')}
          options={[
            { value: 'all', label: t('budget.study.all_states') },
            ...PROPOSAL_STATES.map((s) => ({ value: s, label: stateLabel(ctx, s) })),
          ]}
          placeholder={t('budget.study.open_states')}
          value={values.etat}
        />
        <Field
          ctx={ctx}
          name="q"
          type="search"
          label={t('budget.study.search')}
          value={values.q}
          maxLength={200}
        />
        <Button variant="secondary">{t('budget.proposals.list.filter')}</Button>
      </form>
      {campaign && (
        <>
          <p>
            {PROPOSAL_STATES.filter((s) => (counts.get(s) ?? 0) > 0)
              .map((s) =>
                t('budget.study.count_state', { state: stateLabel(ctx, s), count: counts.get(s) ?? 0 }),
              )
              .join(' · ')}
          </p>
          <p aria-live="polite">{t('budget.proposals.list.count', { count: total })}</p>
          <p>
            <a
              href={`/admin/budget/etude/propositions.csv?campagne=${encodeURIComponent(campaign.slug)}`}
              download
            >
              {t('budget.study.export.link', { campaign: campaign.title })}
            </a>
          </p>
          <p class="field__hint">{t('budget.study.export.hint')}</p>
          {rows.length === 0 ? (
            <p>{t('budget.study.empty')}</p>
          ) : (
            // A GET form: ticking proposals and asking for the project form needs no script.
            <form method="get" action="/admin/budget/etude/projet" class="bp-queue">
              <Table
                caption={t('budget.study.caption', { campaign: campaign.title })}
                columns={[
                  { label: t('budget.study.select') },
                  { label: t('budget.study.proposal') },
                  { label: t('budget.study.theme') },
                  { label: t('budget.study.envelope') },
                  { label: t('budget.study.directorate') },
                  { label: t('budget.study.state') },
                  { label: t('budget.study.cost'), numeric: true },
                  { label: t('budget.study.received') },
                ]}
                rows={rows.map((r) => [
                  r.state === 'feasible' ? (
                    <span key="c" class="bp-check">
                      <input type="checkbox" name="p" value={r.id} id={`p-${r.id}`} class="bp-check__input" />
                      <label for={`p-${r.id}`} class="bp-check__label">
                        <span class="visually-hidden">
                          {t('budget.study.select_one', { reference: r.reference })}
                        </span>
                      </label>
                    </span>
                  ) : (
                    ''
                  ),
                  <a key="a" href={studyHref(r.reference)}>
                    {r.reference} — {r.title}
                  </a>,
                  themeLabel(ctx, r.theme),
                  envelopeName.get(r.envelopeId) ?? '',
                  r.directorateId
                    ? (directorateNames.get(r.directorateId) ?? '')
                    : t('budget.study.unrouted'),
                  <StateTag key="s" ctx={ctx} state={r.state} />,
                  r.studyCostCents !== null
                    ? euros(ctx, r.studyCostCents)
                    : r.estimatedCostCents !== null
                      ? t('budget.study.estimated', { cost: euros(ctx, r.estimatedCostCents) })
                      : '—',
                  <Time key="d" ctx={ctx} date={r.createdAt} />,
                ])}
              />
              <p class="field__hint">{t('budget.study.project_hint')}</p>
              <Button variant="secondary">{t('budget.study.project_from_selection')}</Button>
            </form>
          )}
          <Pagination ctx={ctx} url={ctx.path} page={page} pageCount={pageCount} />
        </>
      )}
    </BackofficeLayout>
  );
}

export interface DecisionValues {
  decision: string;
  reason: string;
  cost: string;
}

const DECISION_KEYS: Record<StudyDecision, { label: string; hint: string }> = {
  admissible: { label: 'budget.study.decision.admissible', hint: 'budget.study.decision.admissible_hint' },
  inadmissible: {
    label: 'budget.study.decision.inadmissible',
    hint: 'budget.study.decision.inadmissible_hint',
  },
  feasible: { label: 'budget.study.decision.feasible', hint: 'budget.study.decision.feasible_hint' },
  unfeasible: { label: 'budget.study.decision.unfeasible', hint: 'budget.study.decision.unfeasible_hint' },
};

export function StudyProposalPage({
  ctx,
  data,
  decision,
  errors,
  directorate,
}: {
  ctx: PageContext;
  data: {
    proposal: ProposalRecord;
    campaign: Campaign;
    envelope: Envelope | null;
    authorNames: string[];
    coauthorCount: number;
    images: { id: string; url: string }[];
    history: import('../proposals.store.js').EventRecord[];
    directorates: { id: string; name: string }[];
    ballotOpen: boolean;
  };
  decision: DecisionValues;
  errors?: FieldErrors;
  directorate: string;
}) {
  const { t } = ctx;
  const { proposal, campaign } = data;
  const href = studyHref(proposal.reference);
  const decisions = (Object.keys(DECISION_KEYS) as StudyDecision[]).filter((d) =>
    canDecide(proposal.state, d),
  );
  return (
    <BackofficeLayout
      ctx={ctx}
      title={`${proposal.reference} — ${proposal.title}`}
      crumbs={[
        { label: t('budget.study.title'), href: `/admin/budget/etude?campagne=${campaign.slug}` },
        { label: proposal.reference },
      ]}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <p class="bp-kicker">{proposal.reference}</p>
      <h1>{proposal.title}</h1>
      <p>
        <StateTag ctx={ctx} state={proposal.state} />{' '}
        <a href={proposalHref(campaign.slug, proposal.reference)}>{t('budget.study.public_page')}</a>
      </p>
      {!data.ballotOpen && (
        <Banner tone="warning">
          <p>{t('budget.study.ballot_fixed')}</p>
        </Banner>
      )}
      <SummaryList
        rows={[
          {
            key: t('budget.proposals.page.authors'),
            value: data.authorNames.join(', ') || t('budget.proposals.anonymous'),
          },
          { key: t('budget.proposals.page.theme'), value: themeLabel(ctx, proposal.theme) },
          {
            key: t('budget.proposals.page.envelope'),
            value: data.envelope ? `${data.envelope.label} (${kindLabel(ctx, data.envelope.kind)})` : '—',
          },
          { key: t('budget.proposals.page.address'), value: proposal.address || '—' },
          {
            key: t('budget.study.location'),
            value: proposal.location
              ? `${proposal.location.lat.toFixed(5)}, ${proposal.location.lon.toFixed(5)}`
              : (proposal.arrondissementCode ?? '—'),
          },
          {
            key: t('budget.proposals.page.estimated_cost'),
            value: proposal.estimatedCostCents !== null ? euros(ctx, proposal.estimatedCostCents) : '—',
          },
          {
            key: t('budget.study.directorate'),
            value: proposal.directorateName ?? t('budget.study.unrouted'),
          },
          { key: t('budget.proposals.page.supports'), value: String(proposal.supportsCount) },
        ]}
      />
      <h2>{t('budget.proposals.page.description')}</h2>
      <p class="bp-prose">{proposal.description}</p>
      {data.images.length > 0 && (
        <ul class="bp-images">
          {data.images.map((image, i) => (
            <li key={image.id}>
              <img
                src={image.url}
                alt={t('budget.proposals.page.image_alt', { n: i + 1, title: proposal.title })}
              />
            </li>
          ))}
        </ul>
      )}
      {data.ballotOpen && decisions.length > 0 && (
        <section aria-labelledby="decision-title" class="bp-section">
          <h2 id="decision-title">{t('budget.study.decision.title')}</h2>
          <Form ctx={ctx} action={`${href}/decision`}>
            <Radios
              ctx={ctx}
              name="decision"
              legend={t('budget.study.decision.legend')}
              value={decision.decision}
              errors={errors}
              required
              options={decisions.map((d) => ({
                value: d,
                label: t(DECISION_KEYS[d].label),
                hint: t(DECISION_KEYS[d].hint),
              }))}
            />
            <Field
              ctx={ctx}
              name="reason"
              label={t('budget.study.decision.reason')}
              hint={t('budget.study.decision.reason_hint')}
              value={decision.reason}
              errors={errors}
              multiline
              rows={4}
              maxLength={2000}
            />
            <Field
              ctx={ctx}
              name="cost"
              label={t('budget.study.decision.cost')}
              hint={t('budget.study.decision.cost_hint')}
              value={decision.cost}
              errors={errors}
              inputMode="decimal"
              width="medium"
            />
            <Button>{t('budget.study.decision.submit')}</Button>
          </Form>
        </section>
      )}
      {data.ballotOpen && proposal.state === 'feasible' && (
        <section aria-labelledby="ballot-title" class="bp-section">
          <h2 id="ballot-title">{t('budget.study.ballot.title')}</h2>
          <p>{t('budget.study.ballot.lead')}</p>
          <ButtonLink href={`/admin/budget/etude/projet?p=${proposal.id}`}>
            {t('budget.study.ballot.alone')}
          </ButtonLink>
        </section>
      )}
      {data.ballotOpen && REROUTABLE_STATES.includes(proposal.state) && (
        <section aria-labelledby="reroute-title" class="bp-section">
          <h2 id="reroute-title">{t('budget.study.reroute.title')}</h2>
          <Form ctx={ctx} action={`${href}/orientation`}>
            <Select
              ctx={ctx}
              name="directorate"
              label={t('budget.study.reroute.directorate')}
              options={data.directorates
                .filter((d) => d.id !== proposal.directorateId)
                .map((d) => ({ value: d.id, label: d.name }))}
              placeholder={t('budget.proposals.form.choose')}
              value={directorate}
              errors={errors}
              required
            />
            <Button variant="secondary">{t('budget.study.reroute.submit')}</Button>
          </Form>
        </section>
      )}
      <section aria-labelledby="history-title" class="bp-section">
        <h2 id="history-title">{t('budget.proposals.history.title')}</h2>
        <History ctx={ctx} events={data.history} />
      </section>
    </BackofficeLayout>
  );
}

export interface ProjectValues {
  title: string;
  summary: string;
  cost: string;
  envelope: string;
}

export function ProjectFormPage({
  ctx,
  campaign,
  proposals,
  envelopes,
  values,
  errors,
}: {
  ctx: PageContext;
  campaign: Campaign;
  proposals: ProposalRecord[];
  envelopes: Envelope[];
  values: ProjectValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const merged = proposals.length > 1;
  const title = merged ? t('budget.study.project.title_merge') : t('budget.study.project.title_alone');
  return (
    <BackofficeLayout
      ctx={ctx}
      title={title}
      crumbs={[
        { label: t('budget.study.title'), href: `/admin/budget/etude?campagne=${campaign.slug}` },
        { label: title },
      ]}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>{merged ? t('budget.study.project.lead_merge') : t('budget.study.project.lead_alone')}</p>
      <Form ctx={ctx} action="/admin/budget/etude/projet">
        <div class="field" id="field-proposals" tabIndex={-1}>
          <Table
            caption={t('budget.study.project.proposals')}
            columns={[
              { label: t('budget.study.proposal') },
              { label: t('budget.study.state') },
              { label: t('budget.study.cost'), numeric: true },
            ]}
            rowHeaders
            rows={proposals.map((p) => [
              <a key="a" href={studyHref(p.reference)}>
                {p.reference} — {p.title}
              </a>,
              <StateTag key="s" ctx={ctx} state={p.state} />,
              p.studyCostCents !== null ? euros(ctx, p.studyCostCents) : '—',
            ])}
          />
          {proposals.map((p) => (
            <input key={p.id} type="hidden" name="p" value={p.id} />
          ))}
        </div>
        <Field
          ctx={ctx}
          name="title"
          label={t('budget.study.project.name')}
          value={values.title}
          errors={errors}
          required
          maxLength={150}
        />
        <Field
          ctx={ctx}
          name="summary"
          label={t('budget.study.project.summary')}
          value={values.summary}
          errors={errors}
          multiline
          rows={6}
          maxLength={5000}
        />
        <Field
          ctx={ctx}
          name="cost"
          label={t('budget.study.project.cost')}
          hint={t('budget.study.decision.cost_hint')}
          value={values.cost}
          errors={errors}
          required
          inputMode="decimal"
          width="medium"
        />
        <Select
          ctx={ctx}
          name="envelope"
          label={t('budget.study.project.envelope')}
          options={envelopes.map((e) => ({
            value: e.id,
            label: `${e.label} (${euros(ctx, e.amountCents)})`,
          }))}
          placeholder={t('budget.proposals.form.choose')}
          value={values.envelope}
          errors={errors}
          required
        />
        <ButtonGroup>
          <Button>{t('budget.study.project.submit')}</Button>
          <a href={`/admin/budget/etude?campagne=${campaign.slug}`}>{t('budget.proposals.form.cancel')}</a>
        </ButtonGroup>
      </Form>
      <p>
        <a href={campaignHref(campaign.slug)}>{campaign.title}</a>
      </p>
    </BackofficeLayout>
  );
}

export function ModerationPage({
  ctx,
  rows,
  status,
  page,
  pageCount,
  total,
  errors,
  reasons,
}: {
  ctx: PageContext;
  rows: ModerationRow[];
  status: string;
  page: number;
  pageCount: number;
  total: number;
  errors?: FieldErrors;
  reasons?: Record<string, string>;
}) {
  const { t } = ctx;
  const title = t('budget.proposals.moderation.title');
  return (
    <BackofficeLayout ctx={ctx} title={title}>
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <form method="get" action="/admin/budget/moderation" class="form bp-filters">
        <Select
          ctx={ctx}
          name="statut"
          label={t('budget.proposals.moderation.status')}
          options={[
            { value: 'visible', label: t('budget.proposals.moderation.visible') },
            { value: 'hidden', label: t('budget.proposals.moderation.hidden') },
          ]}
          placeholder={t('budget.proposals.moderation.all')}
          value={status}
        />
        <Button variant="secondary">{t('budget.proposals.list.filter')}</Button>
      </form>
      <p>{t('budget.proposals.moderation.count', { count: total })}</p>
      <ol class="bp-comments">
        {rows.map((c) => (
          <li key={c.id} class="bp-comment">
            <p class="bp-comment__meta">
              <a href={proposalHref(c.campaignSlug, c.proposalReference)}>
                {c.proposalReference} — {c.proposalTitle}
              </a>{' '}
              · <strong>{publicName(ctx, c.displayName)}</strong> ·{' '}
              <Time ctx={ctx} date={c.createdAt} withTime />{' '}
              {c.status === 'hidden' ? (
                <Tag tone="grey">{t('budget.proposals.moderation.hidden')}</Tag>
              ) : (
                <Tag tone="success">{t('budget.proposals.moderation.visible')}</Tag>
              )}
            </p>
            <p class="bp-prose">{c.body}</p>
            {c.status === 'hidden' && (
              <p>
                <strong>{t('budget.proposals.moderation.reason')}</strong> {c.moderationReason}
              </p>
            )}
            <Form ctx={ctx} action={`/admin/budget/moderation/${c.id}`} class="form">
              {c.status === 'visible' ? (
                <>
                  <Field
                    ctx={ctx}
                    name={`reason-${c.id}`}
                    label={t('budget.proposals.moderation.reason_label')}
                    hint={t('budget.proposals.moderation.reason_hint')}
                    value={reasons?.[c.id] ?? ''}
                    errors={errors}
                    required
                    maxLength={300}
                  />
                  <input type="hidden" name="action" value="hide" />
                  <Button variant="danger">{t('budget.proposals.moderation.hide')}</Button>
                </>
              ) : (
                <>
                  <input type="hidden" name="action" value="show" />
                  <Button variant="secondary">{t('budget.proposals.moderation.show')}</Button>
                </>
              )}
            </Form>
          </li>
        ))}
      </ol>
      <Pagination ctx={ctx} url={ctx.path} page={page} pageCount={pageCount} />
    </BackofficeLayout>
  );
}
