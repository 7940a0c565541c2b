/**
 * The public page of a project: what it is, where, who proposed it, the proposals it merges,
 * the vote result once published, its tracking (status, progress, milestones with photos),
 * follow, and comments.
 */
import { formatDateTime } from '../../../../core/i18n/i18n.js';
import {
  Button,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
} from '../../../../core/views/components/form.js';
import { MapView } from '../../../../core/views/components/map.js';
import { Banner, Breadcrumbs, SummaryList, Table } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import { cityToday } from '../tracking.domain.js';
import {
  MAX_COMMENT,
  type MilestoneView,
  type ProjectVoteResult,
  type PublicProject,
  type Tracking,
} from '../tracking.service.js';
import {
  arrondissementText,
  Day,
  euros,
  Progress,
  percent,
  StatusTag,
  statusText,
  TrackingStyles,
  themeLabel,
} from './common.js';

export function projectHref(project: { campaign: { slug: string }; number: number }): string {
  return `/budget/${encodeURIComponent(project.campaign.slug)}/projets/${project.number}`;
}

export interface CommentValues {
  body: string;
}

export function ProjectPage({
  ctx,
  project,
  comment,
  errors,
}: {
  ctx: PageContext;
  project: PublicProject;
  comment: CommentValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const title = t('budget.project.number_title', { number: project.number, title: project.title });
  const place = [
    project.place.arrondissementCode
      ? arrondissementText(ctx, project.place.arrondissementCode, project.place.arrondissementName)
      : '',
    project.place.address,
  ]
    .filter(Boolean)
    .join(' — ');
  const here = projectHref(project);
  return (
    <Layout ctx={ctx} title={title}>
      <TrackingStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('budget.tracking.breadcrumb_budget'), href: '/budget' },
          { label: project.campaign.title, href: `/budget/${encodeURIComponent(project.campaign.slug)}` },
          { label: t('budget.project.number', { number: project.number }) },
        ]}
      />
      <ErrorSummary ctx={ctx} errors={errors} />
      <p class="tracking-kicker">{project.campaign.title}</p>
      <h1>{title}</h1>
      {(project.selected !== null || project.tracking) && (
        <p class="tracking-tags">
          {project.selected === true && (
            <strong class="tag tag--success">{t('budget.project.winner')}</strong>
          )}
          {project.selected === false && (
            <strong class="tag tag--grey">{t('budget.project.not_selected')}</strong>
          )}{' '}
          {project.tracking && <StatusTag ctx={ctx} status={project.tracking.status} />}
        </p>
      )}
      {project.canManage && (
        <p>
          <a
            href={`/admin/budget/realisations/${encodeURIComponent(project.campaign.slug)}/${project.number}`}
          >
            {t('budget.project.manage_link')}
          </a>
        </p>
      )}
      <SummaryList
        rows={[
          { key: t('budget.project.campaign'), value: project.campaign.title },
          {
            key: t('budget.project.envelope'),
            value: t('budget.project.envelope_value', {
              envelope: project.envelope.label,
              amount: euros(ctx, project.envelope.amountCents),
            }),
          },
          { key: t('budget.project.theme'), value: themeLabel(ctx, project.theme) },
          { key: t('budget.project.cost'), value: euros(ctx, project.costCents) },
          { key: t('budget.project.place'), value: place || t('budget.project.place_citywide') },
          {
            key: t('budget.project.authors'),
            value:
              project.authors.length > 0 ? (
                <ul class="tracking-plain-list">
                  {project.authors.map((name) => (
                    <li key={name}>{name}</li>
                  ))}
                </ul>
              ) : (
                t('budget.project.authors_none')
              ),
          },
          ...(project.directorateName
            ? [{ key: t('budget.project.directorate'), value: project.directorateName }]
            : []),
        ]}
      />

      <h2>{t('budget.project.summary')}</h2>
      <p class="tracking-text">{project.summary}</p>

      {project.place.lat !== null && project.place.lon !== null && (
        <>
          <h2>{t('budget.project.map_heading')}</h2>
          <div data-budget-map>
            <MapView
              ctx={ctx}
              id="project-map"
              label={t('budget.project.map_label', { title: project.title })}
              center={[project.place.lat, project.place.lon]}
              zoom={16}
              geojsonUrl={`/api/areas/${encodeURIComponent(ctx.city.districtLayer)}.geojson`}
              markers={[
                {
                  id: project.id,
                  lat: project.place.lat,
                  lng: project.place.lon,
                  label: title,
                },
              ]}
            >
              <p>
                {t('budget.project.map_fallback', { place: place || t('budget.project.place_citywide') })}
              </p>
            </MapView>
          </div>
          <script src={ctx.asset('budget-map.js')} defer />
        </>
      )}

      {project.mergedProposals.length > 0 && (
        <>
          <h2>{t('budget.project.proposals_heading')}</h2>
          <p>{t('budget.project.proposals_intro', { count: project.mergedProposals.length })}</p>
          <ul>
            {project.mergedProposals.map((p) => (
              <li key={p.reference}>
                <a href={p.href}>
                  {t('budget.project.proposal_link', { reference: p.reference, title: p.title })}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}

      {project.selected !== null && (
        <>
          <h2>{t('budget.project.result_heading')}</h2>
          <p>
            {project.selected ? t('budget.project.result_winner') : t('budget.project.result_not_selected')}
          </p>
          {project.voteResult && (
            <VoteResultBlock ctx={ctx} result={project.voteResult} envelope={project.envelope.label} />
          )}
        </>
      )}

      {project.tracking && (
        <section aria-labelledby="tracking-title" class="tracking-section">
          <h2 id="tracking-title">{t('budget.tracking.heading')}</h2>
          <TrackingBlock ctx={ctx} tracking={project.tracking} projectNumber={project.number} />
          <FollowBlock ctx={ctx} project={project} here={here} />
        </section>
      )}

      <section aria-labelledby="comments-title" class="tracking-section" id="commentaires">
        <h2 id="comments-title">
          {t('budget.project.comments.heading', { count: project.comments.length })}
        </h2>
        {project.comments.length === 0 ? (
          <p>{t('budget.project.comments.none')}</p>
        ) : (
          <ol class="tracking-comments">
            {project.comments.map((c) => (
              <li class="tracking-comments__item" key={c.id}>
                <p class="tracking-comments__meta">
                  <strong>{c.author || t('budget.project.comments.anonymous')}</strong>{' '}
                  <time dateTime={c.at.toISOString()}>{formatDateTime(ctx.locale, c.at)}</time>
                </p>
                <p class="tracking-text">{c.body}</p>
              </li>
            ))}
          </ol>
        )}
        {ctx.viewer ? (
          <Form ctx={ctx} action={`${here}/commentaires`}>
            <Field
              ctx={ctx}
              name="body"
              label={t('budget.project.comments.label')}
              hint={t('budget.project.comments.hint')}
              value={comment.body}
              errors={errors}
              multiline
              required
              rows={4}
              maxLength={MAX_COMMENT}
            />
            <Button>{t('budget.project.comments.submit')}</Button>
          </Form>
        ) : (
          <p>
            <a href={`/connexion?retour=${encodeURIComponent(`${here}#commentaires`)}`}>
              {t('budget.project.comments.sign_in')}
            </a>
          </p>
        )}
      </section>
    </Layout>
  );
}

/** The grades' names are the vote part's (full keys, so that the i18n check sees them used). */
const GRADE_KEYS = [
  'budget.vote.grade.pas_convaincu',
  'budget.vote.grade.pourquoi_pas',
  'budget.vote.grade.aime_bien',
  'budget.vote.grade.adore',
] as const;
/** Worst grade first, as the count stores them; the colour only repeats the table's words. */
const GRADE_COLOURS = ['#b3261e', '#d08c00', '#5a9e6f', '#1b6b3a'];

function gradeText(ctx: PageContext, index: number): string {
  const key = GRADE_KEYS[index];
  return key ? ctx.t(key) : String(index);
}

/** Votes, or the grades received as a bar and its data table, from the published count. */
function VoteResultBlock({
  ctx,
  result,
  envelope,
}: {
  ctx: PageContext;
  result: ProjectVoteResult;
  envelope: string;
}) {
  const { t } = ctx;
  const rank = (
    <p>{t('budget.project.result_rank', { rank: result.rank, count: result.projectCount, envelope })}</p>
  );
  if (result.method !== 'majority_judgment' || !result.profile) {
    return (
      <>
        <p>{t('budget.project.result_votes', { votes: result.votes, ballots: result.ballots, envelope })}</p>
        {rank}
      </>
    );
  }
  const profile = result.profile;
  const total = profile.reduce((n, v) => n + v, 0) || 1;
  const bestFirst = profile.map((count, index) => ({ index, count })).reverse();
  let x = 0;
  const share = (count: number) => Math.round((count / total) * 1000) / 10;
  const summary = t('budget.project.result_chart', {
    summary: bestFirst
      .map(({ index, count }) => `${gradeText(ctx, index)} ${percent(ctx, share(count))}`)
      .join(', '),
  });
  return (
    <>
      {result.majorityGrade !== null && (
        <p>{t('budget.project.result_majority_grade', { grade: gradeText(ctx, result.majorityGrade) })}</p>
      )}
      {rank}
      <div class="tracking-grades">
        <svg class="tracking-grades__bar" viewBox="0 0 1000 48" preserveAspectRatio="none" role="img">
          <title>{summary}</title>
          {bestFirst.map(({ index, count }) => {
            const width = (count / total) * 1000;
            const rect = (
              <rect key={index} x={x} y={0} width={width} height={48} fill={GRADE_COLOURS[index]} />
            );
            x += width;
            return rect;
          })}
        </svg>
      </div>
      <Table
        caption={t('budget.project.result_table', { ballots: result.ballots })}
        columns={[
          { label: t('budget.project.result_grade') },
          { label: t('budget.project.result_count'), numeric: true },
          { label: t('budget.project.result_share'), numeric: true },
        ]}
        rowHeaders
        rows={bestFirst.map(({ index, count }) => [
          <span key="grade">
            <svg class="tracking-grades__swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
              <rect width="10" height="10" fill={GRADE_COLOURS[index]} />
            </svg>{' '}
            {gradeText(ctx, index)}
          </span>,
          String(count),
          percent(ctx, share(count)),
        ])}
      />
    </>
  );
}

/** What a status change says on the timeline. */
function changeText(ctx: PageContext, to: Tracking['history'][number]['to']): string {
  return ctx.t('budget.tracking.timeline.status', { status: statusText(ctx, to) });
}

type TimelineItem =
  | { kind: 'milestone'; day: string; milestone: MilestoneView }
  | { kind: 'status'; day: string; at: Date; change: Tracking['history'][number] };

function TrackingBlock({
  ctx,
  tracking,
  projectNumber,
}: {
  ctx: PageContext;
  tracking: Tracking;
  projectNumber: number;
}) {
  const { t } = ctx;
  const reached: TimelineItem[] = [
    ...tracking.milestones
      .filter((m) => m.reached)
      .map((m) => ({ kind: 'milestone' as const, day: m.occurredOn, milestone: m })),
    // Changes made with a milestone are told with it; the others get their own line.
    ...tracking.history
      .filter((h) => h.milestoneId === null)
      .map((h) => ({ kind: 'status' as const, day: cityToday(h.at), at: h.at, change: h })),
  ].sort((a, b) => a.day.localeCompare(b.day));
  const planned = tracking.milestones.filter((m) => !m.reached);
  return (
    <>
      <p>
        {t('budget.tracking.current_status')} <StatusTag ctx={ctx} status={tracking.status} />
      </p>
      {tracking.status !== 'abandoned' && (
        <Progress ctx={ctx} value={tracking.progress} label={t('budget.tracking.progress_label')} />
      )}
      {tracking.status === 'abandoned' && (
        <Banner tone="warning" title={t('budget.tracking.abandoned_title')}>
          <p class="tracking-text">{tracking.abandonedReason}</p>
        </Banner>
      )}
      <h3>{t('budget.tracking.timeline.heading')}</h3>
      {reached.length === 0 ? (
        <p>{t('budget.tracking.timeline.empty')}</p>
      ) : (
        <ol class="tracking-timeline">
          {reached.map((item, i) =>
            item.kind === 'milestone' ? (
              <MilestoneItem
                ctx={ctx}
                milestone={item.milestone}
                projectNumber={projectNumber}
                key={`m${i}`}
              />
            ) : (
              <li class="tracking-timeline__item" key={`s${i}`}>
                <p class="tracking-timeline__when">
                  <Day ctx={ctx} day={item.day} />
                </p>
                <p class="tracking-timeline__what">{changeText(ctx, item.change.to)}</p>
                {item.change.to === 'abandoned' && item.change.reason && (
                  <p class="tracking-text">{item.change.reason}</p>
                )}
              </li>
            ),
          )}
        </ol>
      )}
      {planned.length > 0 && (
        <>
          <h3>{t('budget.tracking.timeline.planned_heading')}</h3>
          <ol class="tracking-timeline tracking-timeline--planned">
            {planned.map((m) => (
              <MilestoneItem ctx={ctx} milestone={m} projectNumber={projectNumber} key={m.id} />
            ))}
          </ol>
        </>
      )}
    </>
  );
}

function MilestoneItem({
  ctx,
  milestone,
  projectNumber,
}: {
  ctx: PageContext;
  milestone: MilestoneView;
  projectNumber: number;
}) {
  const { t } = ctx;
  return (
    <li class="tracking-timeline__item">
      <p class="tracking-timeline__when">
        {milestone.reached ? (
          <Day ctx={ctx} day={milestone.occurredOn} />
        ) : (
          <>
            {t('budget.tracking.timeline.planned_on')} <Day ctx={ctx} day={milestone.occurredOn} />
          </>
        )}
      </p>
      <h4 class="tracking-timeline__what">{milestone.title}</h4>
      {milestone.description && <p class="tracking-text">{milestone.description}</p>}
      {milestone.statusTo && <p>{changeText(ctx, milestone.statusTo)}</p>}
      {milestone.reached && milestone.progressAfter !== null && (
        <p>{t('budget.tracking.timeline.progress_after', { progress: milestone.progressAfter })}</p>
      )}
      {milestone.photos.length > 0 && (
        <ul class="tracking-photos">
          {milestone.photos.map((photo, i) => (
            <li key={photo.id}>
              <a href={photo.url}>
                <img
                  src={photo.url}
                  width={photo.width}
                  height={photo.height}
                  alt={t('budget.tracking.photo_alt', {
                    n: i + 1,
                    milestone: milestone.title,
                    number: projectNumber,
                  })}
                />
              </a>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function FollowBlock({ ctx, project, here }: { ctx: PageContext; project: PublicProject; here: string }) {
  const { t } = ctx;
  const count = (
    <p class="tracking-followers">{t('budget.tracking.follow.count', { count: project.followerCount })}</p>
  );
  if (!ctx.viewer) {
    return (
      <>
        {count}
        <p>
          <a href={`/connexion?retour=${encodeURIComponent(here)}`}>{t('budget.tracking.follow.sign_in')}</a>
        </p>
      </>
    );
  }
  if (!project.following && !project.canFollow) return count;
  return (
    <>
      {count}
      <Form ctx={ctx} action={`${here}/suivre`} class="inline-form tracking-follow">
        <input type="hidden" name="follow" value={project.following ? '0' : '1'} />
        <Button variant="secondary">
          {project.following ? t('budget.tracking.follow.unfollow') : t('budget.tracking.follow.button')}
        </Button>
        <p class="field__hint">{t('budget.tracking.follow.hint')}</p>
      </Form>
    </>
  );
}
