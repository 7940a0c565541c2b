import {
  Button,
  ButtonGroup,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
} from '../../../../core/views/components/form.js';
import { Breadcrumbs, SummaryList } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import type { PublicReport, PublicReportEvent, PublicReportSummary } from '../../reports.service.js';
import type { AnswerRow } from '../answers.js';
import {
  dateTimeText,
  ReportStyles,
  ReportsLinks,
  ReportsTable,
  reportHref,
  StateTag,
  stateLabel,
  Time,
} from './common.js';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The i18n sentence of one public timeline event; unknown kinds get a neutral "updated". */
function eventText(ctx: PageContext, event: PublicReportEvent): string {
  const { t } = ctx;
  const d = event.data;
  switch (event.kind) {
    case 'received':
      return t('reports.public.timeline.received');
    case 'routed':
      return text(d.serviceName)
        ? t('reports.public.timeline.routed', { service: text(d.serviceName) })
        : t('reports.public.timeline.routed_triage');
    case 'transferred':
      return text(d.toServiceName)
        ? t('reports.public.timeline.transferred', { service: text(d.toServiceName) })
        : t('reports.public.timeline.transferred_other');
    case 'status_changed':
      if (d.action === 'reopen') return t('reports.public.timeline.reopened');
      return t('reports.public.timeline.state_changed', { state: stateLabel(ctx, text(d.to)) });
    case 'message':
      return t('reports.public.timeline.message');
    case 'after_fix_photo':
      return t('reports.public.timeline.after_fix_photo');
    default:
      return t('reports.public.timeline.updated');
  }
}

/** A message written by the service or by the reporter, shown as quoted text (escaped by Preact). */
function eventMessage(event: PublicReportEvent): string {
  const d = event.data;
  return text(d.text) || text(d.note);
}

export interface ReopenValues {
  message: string;
}

export function ReportPage({
  ctx,
  report,
  answers = [],
  reopen,
  errors,
}: {
  ctx: PageContext;
  report: PublicReport;
  /** Answers to the category's questions the public may read (choices and numbers only). */
  answers?: AnswerRow[];
  reopen: ReopenValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const routing = ((report.routing as { explanation?: unknown }).explanation ?? {}) as {
    key?: string;
    category?: string;
    area?: string | null;
    service?: string;
  };
  const routingSentence =
    routing.key === 'reports.routing.explanation' || routing.key === 'reports.routing.explanation_no_area'
      ? routing.key === 'reports.routing.explanation'
        ? t('reports.routing.explanation', {
            category: routing.category ?? report.categoryLabel,
            area: routing.area ?? '',
            service: routing.service ?? report.serviceName ?? '',
          })
        : t('reports.routing.explanation_no_area', {
            category: routing.category ?? report.categoryLabel,
            service: routing.service ?? report.serviceName ?? '',
          })
      : null;
  const place = [report.arrondissementName, report.quartierName].filter(Boolean).join(' · ');
  const timeline = [...report.timeline].sort((a, b) => a.at.getTime() - b.at.getTime());
  const here = reportHref(report.reference);
  const afterFix = report.photos.filter((p) => p.kind === 'after_fix');
  const initial = report.photos.filter((p) => p.kind !== 'after_fix');
  return (
    <Layout ctx={ctx} title={t('reports.public.report.title', { reference: report.reference })}>
      <ReportStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('reports.public.list.title'), href: '/signalements' },
          { label: report.reference },
        ]}
      />
      <ErrorSummary ctx={ctx} errors={errors} />
      <p class="report-page__category">{report.categoryLabel}</p>
      <h1>{t('reports.public.report.title', { reference: report.reference })}</h1>
      <p>
        <StateTag ctx={ctx} state={report.state} />
      </p>
      <SummaryList
        rows={[
          { key: t('reports.public.report.category'), value: report.categoryLabel },
          { key: t('reports.public.report.status'), value: stateLabel(ctx, report.state) },
          { key: t('reports.public.report.place'), value: place || '—' },
          ...(report.address ? [{ key: t('reports.public.report.address'), value: report.address }] : []),
          {
            key: t('reports.public.report.date'),
            value: <Time ctx={ctx} date={report.createdAt} withTime />,
          },
          ...(report.serviceName
            ? [{ key: t('reports.public.report.service'), value: report.serviceName }]
            : []),
          {
            key: t('reports.public.report.followers'),
            value: t('reports.public.report.followers_count', { count: report.followerCount }),
          },
        ]}
      />
      {routingSentence && (
        <p class="report-page__routing">
          <strong>{t('reports.public.report.routing_label')}</strong> {routingSentence}
        </p>
      )}
      {answers.length > 0 && (
        <>
          <h2>{t('reports.public.report.answers')}</h2>
          <SummaryList rows={answers.map((row) => ({ key: row.question, value: row.answer }))} />
        </>
      )}
      {report.description && (
        <>
          <h2>{t('reports.public.report.description')}</h2>
          <p class="report-page__description">{report.description}</p>
        </>
      )}
      {initial.length > 0 && (
        <>
          <h2>{t('reports.public.report.photos')}</h2>
          <ul class="report-photos">
            {initial.map((photo, i) => (
              <li key={photo.id}>
                <a href={photo.url}>
                  <img
                    src={photo.url}
                    width={photo.width}
                    height={photo.height}
                    alt={t('reports.public.report.photo_alt', { n: i + 1, reference: report.reference })}
                    loading="lazy"
                  />
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      <FollowBlock ctx={ctx} report={report} />
      <h2>{t('reports.public.timeline.heading')}</h2>
      <ol class="report-timeline">
        {timeline.map((event, i) => {
          const message = eventMessage(event);
          return (
            <li class="report-timeline__item" key={i}>
              <p class="report-timeline__when">
                <time dateTime={event.at.toISOString()}>{dateTimeText(ctx, event.at)}</time>
              </p>
              <p class="report-timeline__what">{eventText(ctx, event)}</p>
              {message && <blockquote class="report-timeline__message">{message}</blockquote>}
            </li>
          );
        })}
      </ol>
      {afterFix.length > 0 && (
        <>
          <h2>{t('reports.public.report.after_fix_photo')}</h2>
          <ul class="report-photos">
            {afterFix.map((photo) => (
              <li key={photo.id}>
                <img
                  src={photo.url}
                  width={photo.width}
                  height={photo.height}
                  alt={t('reports.public.report.after_fix_alt', { reference: report.reference })}
                  loading="lazy"
                />
              </li>
            ))}
          </ul>
        </>
      )}
      {report.canRate && (
        <section aria-labelledby="rate-title" class="report-page__section">
          <h2 id="rate-title">{t('reports.public.rate.heading')}</h2>
          <Form ctx={ctx} action={`${here}/avis`}>
            <ButtonGroup>
              <Button variant="secondary" name="satisfied" value="yes">
                {t('reports.public.rate.yes')}
              </Button>
              <Button variant="secondary" name="satisfied" value="no">
                {t('reports.public.rate.no')}
              </Button>
            </ButtonGroup>
          </Form>
        </section>
      )}
      {report.canReopen && (
        <section aria-labelledby="reopen-title" class="report-page__section">
          <h2 id="reopen-title">{t('reports.public.reopen.heading')}</h2>
          <p>{t('reports.public.reopen.intro')}</p>
          <Form ctx={ctx} action={`${here}/rouvrir`}>
            <Field
              ctx={ctx}
              name="message"
              label={t('reports.public.reopen.message')}
              value={reopen.message}
              errors={errors}
              multiline
              required
              rows={4}
              maxLength={2000}
            />
            <Button>{t('reports.public.reopen.submit')}</Button>
          </Form>
        </section>
      )}
      <ReportsLinks ctx={ctx} />
    </Layout>
  );
}

function FollowBlock({ ctx, report }: { ctx: PageContext; report: PublicReport }) {
  const { t } = ctx;
  const here = reportHref(report.reference);
  if (!ctx.viewer) {
    return (
      <p class="report-page__follow">
        <a href={`/connexion?retour=${encodeURIComponent(here)}`}>{t('reports.public.follow.sign_in')}</a>
      </p>
    );
  }
  if (report.isReporter) return <p class="report-page__follow">{t('reports.public.follow.reporter')}</p>;
  if (!report.following && !report.canFollow) return null;
  return (
    <Form ctx={ctx} action={`${here}/suivre`} class="inline-form report-page__follow">
      <input type="hidden" name="follow" value={report.following ? '0' : '1'} />
      <Button variant="secondary">
        {report.following ? t('reports.public.follow.unfollow') : t('reports.public.follow.button')}
      </Button>
    </Form>
  );
}

export function MyReportsPage({
  ctx,
  mine,
  followed,
}: {
  ctx: PageContext;
  mine: PublicReportSummary[];
  followed: PublicReportSummary[];
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('reports.public.mine.title')}>
      <ReportStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('reports.public.mine.account'), href: '/compte' },
          { label: t('reports.public.mine.title') },
        ]}
      />
      <h1>{t('reports.public.mine.title')}</h1>
      <h2>{t('reports.public.mine.mine_heading')}</h2>
      {mine.length === 0 ? (
        <p>
          {t('reports.public.mine.mine_empty')}{' '}
          <a href="/signalements/nouveau">{t('reports.public.links.new')}</a>
        </p>
      ) : (
        <ReportsTable
          ctx={ctx}
          caption={t('reports.public.mine.mine_heading')}
          captionHidden
          reports={mine}
        />
      )}
      <h2>{t('reports.public.mine.followed_heading')}</h2>
      {followed.length === 0 ? (
        <p>{t('reports.public.mine.followed_empty')}</p>
      ) : (
        <ReportsTable
          ctx={ctx}
          caption={t('reports.public.mine.followed_heading')}
          captionHidden
          reports={followed}
        />
      )}
    </Layout>
  );
}
