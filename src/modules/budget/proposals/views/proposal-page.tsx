/** A proposal's public page (history, images, supports, comments) and "my proposals". */
import {
  Button,
  ButtonGroup,
  ButtonLink,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
} from '../../../../core/views/components/form.js';
import { Banner, Breadcrumbs, SummaryList, Table } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import type { ProposalState } from '../../budget.tables.js';
import type { ProposalPage as ProposalPageData } from '../proposals.service.js';
import type { EventRecord } from '../proposals.store.js';
import {
  BudgetStyles,
  campaignHref,
  euros,
  projectHref,
  proposalHref,
  proposalsHref,
  publicName,
  StateTag,
  Time,
  themeLabel,
} from './common.js';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** The sentence of one public event. Keys in full, for the i18n check. */
export function eventSentence(ctx: PageContext, event: EventRecord): string {
  const { t } = ctx;
  const d = event.data;
  switch (event.kind) {
    case 'submitted':
      return t('budget.proposals.history.submitted');
    case 'edited':
      return t('budget.proposals.history.edited');
    case 'routed':
      return text(d.directorate)
        ? t('budget.proposals.history.routed', { directorate: text(d.directorate) })
        : t('budget.proposals.history.unrouted');
    case 'rerouted':
      return t('budget.proposals.history.rerouted', { directorate: text(d.directorate) });
    case 'admissible':
      return t('budget.proposals.history.admissible');
    case 'inadmissible':
      return t('budget.proposals.history.inadmissible');
    case 'feasible':
      return t('budget.proposals.history.feasible');
    case 'unfeasible':
      return t('budget.proposals.history.unfeasible');
    case 'on_ballot':
      return t('budget.proposals.history.on_ballot', { number: num(d.projectNumber) ?? 0 });
    case 'merged':
      return t('budget.proposals.history.merged', {
        number: num(d.projectNumber) ?? 0,
        references: Array.isArray(d.with) ? d.with.filter((x) => typeof x === 'string').join(', ') : '',
      });
    case 'withdrawn':
      return t('budget.proposals.history.withdrawn');
    default:
      return t('budget.proposals.history.updated');
  }
}

export function History({ ctx, events }: { ctx: PageContext; events: EventRecord[] }) {
  const { t } = ctx;
  return (
    <ol class="bp-history">
      {events.map((event, i) => {
        const reason = text(event.data.reason);
        const cost = num(event.data.costCents);
        return (
          <li key={i} class="bp-history__item">
            <p class="bp-history__when">
              <Time ctx={ctx} date={event.at} withTime />
            </p>
            <p class="bp-history__what">{eventSentence(ctx, event)}</p>
            {reason && (
              <p class="bp-history__reason">
                <strong>{t('budget.proposals.history.reason')}</strong> {reason}
              </p>
            )}
            {cost !== null && (
              <p class="bp-history__reason">
                <strong>{t('budget.proposals.history.cost')}</strong> {euros(ctx, cost)}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}

export interface CommentValues {
  body: string;
  commentName: string;
}

export function ProposalPage({
  ctx,
  data,
  comment,
  errors,
}: {
  ctx: PageContext;
  data: ProposalPageData;
  comment: CommentValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const { campaign, proposal, envelope } = data;
  const here = proposalHref(campaign.slug, proposal.reference);
  const authors = data.authorNames.length > 0 ? data.authorNames.join(', ') : t('budget.proposals.anonymous');
  return (
    <Layout ctx={ctx} title={`${proposal.title} (${proposal.reference})`}>
      <BudgetStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('budget.campaigns.home.title'), href: '/budget' },
          { label: campaign.title, href: campaignHref(campaign.slug) },
          { label: t('budget.proposals.list.title'), href: proposalsHref(campaign.slug) },
          { label: proposal.reference },
        ]}
      />
      <ErrorSummary ctx={ctx} errors={errors} />
      <p class="bp-kicker">{proposal.reference}</p>
      <h1>{proposal.title}</h1>
      <p>
        <StateTag ctx={ctx} state={proposal.state} />
      </p>
      {data.project && (
        <Banner tone="success">
          <p>
            {t('budget.proposals.page.on_ballot')}{' '}
            <a href={projectHref(campaign.slug, data.project.number)}>
              {t('budget.campaigns.page.project_number', { number: data.project.number })}{' '}
              {data.project.title}
            </a>
          </p>
        </Banner>
      )}
      <SummaryList
        rows={[
          {
            key: t('budget.proposals.page.authors'),
            value:
              data.coauthorCount > 0
                ? t('budget.proposals.page.authors_with', { names: authors, count: data.coauthorCount })
                : authors,
          },
          { key: t('budget.proposals.page.theme'), value: themeLabel(ctx, proposal.theme) },
          { key: t('budget.proposals.page.envelope'), value: envelope?.label ?? '—' },
          ...(proposal.address ? [{ key: t('budget.proposals.page.address'), value: proposal.address }] : []),
          ...(proposal.estimatedCostCents !== null
            ? [
                {
                  key: t('budget.proposals.page.estimated_cost'),
                  value: euros(ctx, proposal.estimatedCostCents),
                },
              ]
            : []),
          ...(proposal.studyCostCents !== null
            ? [{ key: t('budget.proposals.page.study_cost'), value: euros(ctx, proposal.studyCostCents) }]
            : []),
          ...(proposal.directorateName
            ? [{ key: t('budget.proposals.page.directorate'), value: proposal.directorateName }]
            : []),
          { key: t('budget.proposals.page.date'), value: <Time ctx={ctx} date={proposal.createdAt} /> },
          {
            key: t('budget.proposals.page.supports'),
            value: t('budget.proposals.list.supports', { count: proposal.supportsCount }),
          },
        ]}
      />
      {proposal.studyReason && (proposal.state === 'inadmissible' || proposal.state === 'unfeasible') && (
        <Banner tone="info" title={t('budget.proposals.page.study_answer')}>
          <p class="bp-prose">{proposal.studyReason}</p>
        </Banner>
      )}
      {data.rights.isAuthor && (
        <section aria-labelledby="manage-title" class="bp-section bp-manage">
          <h2 id="manage-title">{t('budget.proposals.page.manage')}</h2>
          {data.rights.editClosedReason ? (
            <p>{t(data.rights.editClosedReason)}</p>
          ) : (
            <p>{t('budget.proposals.page.editable')}</p>
          )}
          <ButtonGroup>
            {!data.rights.editClosedReason && (
              <ButtonLink href={`${here}/modifier`}>{t('budget.proposals.page.edit')}</ButtonLink>
            )}
            {data.canWithdraw && (
              <ButtonLink href={`${here}/retirer`} variant="secondary">
                {t('budget.proposals.page.withdraw')}
              </ButtonLink>
            )}
          </ButtonGroup>
        </section>
      )}
      <section aria-labelledby="description-title" class="bp-section">
        <h2 id="description-title">{t('budget.proposals.page.description')}</h2>
        <p class="bp-prose">{proposal.description}</p>
      </section>
      {data.images.length > 0 && (
        <section aria-labelledby="images-title" class="bp-section">
          <h2 id="images-title">{t('budget.proposals.page.images')}</h2>
          <ul class="bp-images">
            {data.images.map((image, i) => (
              <li key={image.id}>
                <a href={image.url}>
                  <img
                    src={image.url}
                    alt={t('budget.proposals.page.image_alt', { n: i + 1, title: proposal.title })}
                    loading="lazy"
                  />
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="support-title" class="bp-section">
        <h2 id="support-title">{t('budget.proposals.support.title')}</h2>
        <p>{t('budget.proposals.list.supports', { count: proposal.supportsCount })}</p>
        {!ctx.viewer ? (
          <p>
            <a href={`/connexion?retour=${encodeURIComponent(here)}`}>
              {t('budget.proposals.support.sign_in')}
            </a>
          </p>
        ) : data.canSupport ? (
          <Form ctx={ctx} action={`${here}/soutien`} class="form form--inline">
            <input type="hidden" name="support" value={data.supported ? '0' : '1'} />
            <Button variant={data.supported ? 'secondary' : 'primary'}>
              {data.supported ? t('budget.proposals.support.remove') : t('budget.proposals.support.add')}
            </Button>
          </Form>
        ) : (
          <p>{t('budget.proposals.support.closed')}</p>
        )}
      </section>
      <section aria-labelledby="history-title" class="bp-section">
        <h2 id="history-title">{t('budget.proposals.history.title')}</h2>
        <History ctx={ctx} events={data.history} />
      </section>
      <section aria-labelledby="comments-title" class="bp-section">
        <h2 id="comments-title">
          {t('budget.proposals.comments.title', { count: data.comments.filter((c) => !c.hidden).length })}
        </h2>
        {data.comments.length === 0 ? (
          <p>{t('budget.proposals.comments.none')}</p>
        ) : (
          <ol class="bp-comments">
            {data.comments.map((c) => (
              <li key={c.id} class="bp-comment" id={`commentaire-${c.id}`}>
                {c.hidden ? (
                  <p class="bp-muted">
                    {t('budget.proposals.comments.hidden', { reason: c.moderationReason || '—' })}
                  </p>
                ) : (
                  <>
                    <p class="bp-comment__meta">
                      <strong>{publicName(ctx, c.name)}</strong> · <Time ctx={ctx} date={c.at} withTime />
                    </p>
                    <p class="bp-prose">{c.body}</p>
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
        {data.canComment ? (
          <Form ctx={ctx} action={`${here}/commentaires`}>
            <h3>{t('budget.proposals.comments.add')}</h3>
            <Field
              ctx={ctx}
              name="body"
              label={t('budget.proposals.comments.body')}
              value={comment.body}
              errors={errors}
              required
              multiline
              rows={4}
              maxLength={2000}
            />
            <Field
              ctx={ctx}
              name="commentName"
              label={t('budget.proposals.comments.name')}
              hint={t('budget.proposals.comments.name_hint')}
              value={comment.commentName}
              errors={errors}
              maxLength={80}
            />
            <Button>{t('budget.proposals.comments.send')}</Button>
          </Form>
        ) : (
          <p>
            <a href={`/connexion?retour=${encodeURIComponent(here)}`}>
              {t('budget.proposals.comments.sign_in')}
            </a>
          </p>
        )}
      </section>
    </Layout>
  );
}

export interface MyProposalRow {
  reference: string;
  title: string;
  state: ProposalState;
  role: 'author' | 'coauthor';
  campaignSlug: string;
  campaignTitle: string;
  createdAt: Date;
}

export function MyProposalsPage({ ctx, rows }: { ctx: PageContext; rows: MyProposalRow[] }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('budget.proposals.mine.title')}>
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('budget.proposals.mine.account'), href: '/compte' },
          { label: t('budget.proposals.mine.title') },
        ]}
      />
      <h1>{t('budget.proposals.mine.title')}</h1>
      {rows.length === 0 ? (
        <p>
          {t('budget.proposals.mine.none')} <a href="/budget">{t('budget.proposals.mine.see_campaigns')}</a>
        </p>
      ) : (
        <Table
          caption={t('budget.proposals.mine.caption')}
          columns={[
            { label: t('budget.proposals.mine.proposal') },
            { label: t('budget.proposals.mine.campaign') },
            { label: t('budget.proposals.mine.role') },
            { label: t('budget.proposals.mine.state') },
            { label: t('budget.proposals.mine.date') },
          ]}
          rowHeaders
          rows={rows.map((r) => [
            <a key="a" href={proposalHref(r.campaignSlug, r.reference)}>
              {r.title} <span class="bp-muted">({r.reference})</span>
            </a>,
            r.campaignTitle,
            r.role === 'author'
              ? t('budget.proposals.mine.role_author')
              : t('budget.proposals.mine.role_coauthor'),
            <StateTag key="s" ctx={ctx} state={r.state} />,
            <Time key="d" ctx={ctx} date={r.createdAt} />,
          ])}
        />
      )}
    </Layout>
  );
}
