/**
 * Back office of the tracking: the winners of the agent's directorates (status, progress, late
 * milestones) and one winner's page (status and progress, abandon with a reason, add a
 * milestone with photos, mark a planned one reached). Every form works without JavaScript.
 */
import {
  Button,
  ButtonGroup,
  ButtonLink,
  Checkboxes,
  ErrorSummary,
  Field,
  type FieldErrors,
  FileUpload,
  Form,
  Radios,
  Select,
} from '../../../../core/views/components/form.js';
import { Breadcrumbs, Pagination, SummaryList, Table, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { Layout } from '../../../../core/views/layout.js';
import {
  dayInput,
  MAX_DESCRIPTION,
  MAX_PHOTOS,
  MAX_REASON,
  MAX_TITLE,
  MILESTONE_STATUSES,
  STATUSES,
} from '../tracking.domain.js';
import type { AgentProject, AgentWinner, MilestoneView, WinnerFacets } from '../tracking.service.js';
import { Day, euros, Progress, percent, StatusTag, statusText, TrackingStyles } from './common.js';

export const ADMIN_BASE = '/admin/budget/realisations';

/** A date as text with its format shown (a native date input follows the browser's language, not the page's). */
function DayField(props: {
  ctx: PageContext;
  name: string;
  label: string;
  value: string;
  errors?: FieldErrors;
}) {
  return (
    <Field
      ctx={props.ctx}
      name={props.name}
      label={props.label}
      hint={props.ctx.t('budget.tracking.admin.date_hint')}
      value={props.value}
      errors={props.errors}
      autocomplete="off"
      maxLength={10}
      width="short"
      required
    />
  );
}

export function adminProjectHref(project: { campaign: { slug: string }; number: number }): string {
  return `${ADMIN_BASE}/${encodeURIComponent(project.campaign.slug)}/${project.number}`;
}

export interface AdminFilterValues {
  campagne: string;
  statut: string;
  retard: boolean;
}

export function AdminListPage({
  ctx,
  values,
  facets,
  winners,
  total,
  page,
  pageCount,
}: {
  ctx: PageContext;
  values: AdminFilterValues;
  facets: WinnerFacets;
  winners: AgentWinner[];
  total: number;
  page: number;
  pageCount: number;
}) {
  const { t } = ctx;
  const title = t('budget.tracking.admin.list_title');
  const all = t('budget.tracking.filters.all');
  // An agent sees their own directorate's projects: the column only helps administrators.
  const withDirectorate = !!ctx.viewer?.isAdmin;
  return (
    <Layout ctx={ctx} title={title} area="backoffice">
      <TrackingStyles ctx={ctx} />
      <h1>{title}</h1>
      <p>
        {ctx.viewer?.isAdmin
          ? t('budget.tracking.admin.list_intro_admin')
          : t('budget.tracking.admin.list_intro')}
      </p>
      <form
        method="get"
        action={ADMIN_BASE}
        class="form form--inline tracking-filters"
        aria-label={t('budget.tracking.filters.label')}
      >
        <Select
          ctx={ctx}
          name="campagne"
          label={t('budget.tracking.filters.campaign')}
          options={facets.campaigns.map((c) => ({ value: c.slug, label: c.title }))}
          placeholder={all}
          value={values.campagne}
        />
        <Select
          ctx={ctx}
          name="statut"
          label={t('budget.tracking.filters.status')}
          options={STATUSES.map((s) => ({ value: s, label: statusText(ctx, s) }))}
          placeholder={all}
          value={values.statut}
        />
        <Checkboxes
          ctx={ctx}
          name="retard"
          legend={t('budget.tracking.admin.late_legend')}
          options={[{ value: '1', label: t('budget.tracking.admin.late_only') }]}
          values={values.retard ? ['1'] : []}
        />
        <Button variant="secondary">{t('budget.tracking.filters.apply')}</Button>
      </form>
      {winners.length === 0 ? (
        <p>{t('budget.tracking.admin.empty')}</p>
      ) : (
        <Table
          caption={t('budget.tracking.admin.caption', { count: total, page, pages: pageCount })}
          columns={[
            { label: t('budget.tracking.list.project') },
            ...(withDirectorate ? [{ label: t('budget.tracking.admin.directorate') }] : []),
            { label: t('budget.tracking.list.status') },
            { label: t('budget.tracking.list.progress'), numeric: true },
            { label: t('budget.tracking.admin.late'), numeric: true },
            { label: t('budget.tracking.admin.last_milestone') },
          ]}
          rowHeaders
          rows={winners.map((w) => [
            <span key="title">
              <a href={adminProjectHref(w)}>
                {t('budget.project.number_title', { number: w.number, title: w.title })}
              </a>
              <span class="tracking-muted">{w.campaign.title}</span>
            </span>,
            ...(withDirectorate ? [w.directorateName ?? '—'] : []),
            <StatusTag ctx={ctx} status={w.status} key="status" />,
            percent(ctx, w.progress),
            w.lateMilestones > 0 ? (
              <Tag tone="error" key="late">
                {t('budget.tracking.admin.late_count', { count: w.lateMilestones })}
              </Tag>
            ) : (
              '0'
            ),
            w.lastMilestoneOn ? <Day ctx={ctx} day={w.lastMilestoneOn} key="last" /> : '—',
          ])}
        />
      )}
      <Pagination ctx={ctx} url={ctx.path} page={page} pageCount={pageCount} />
    </Layout>
  );
}

export interface AdminProjectValues {
  status: string;
  progress: string;
  reason: string;
  kind: string;
  date: string;
  title: string;
  description: string;
  milestoneStatus: string;
  milestoneProgress: string;
  /** Typed "reached on" days, by milestone id. */
  reachedOn: Record<string, string>;
}

export function emptyAdminValues(project: AgentProject, today: string): AdminProjectValues {
  return {
    status: project.tracking.status,
    progress: String(project.tracking.progress),
    reason: '',
    kind: 'reached',
    date: dayInput(today),
    title: '',
    description: '',
    milestoneStatus: '',
    milestoneProgress: '',
    reachedOn: {},
  };
}

export function AdminProjectPage({
  ctx,
  project,
  values,
  errors,
  today,
}: {
  ctx: PageContext;
  project: AgentProject;
  values: AdminProjectValues;
  errors?: FieldErrors;
  today: string;
}) {
  const { t } = ctx;
  const title = t('budget.project.number_title', { number: project.number, title: project.title });
  const base = adminProjectHref(project);
  const publicHref = `/budget/${encodeURIComponent(project.campaign.slug)}/projets/${project.number}`;
  const tracking = project.tracking;
  const statusTargets = project.targets.filter((s) => s !== 'abandoned');
  const milestoneTargets = MILESTONE_STATUSES.filter(
    (s) => s !== tracking.status && project.targets.includes(s),
  );
  const planned = tracking.milestones.filter((m) => !m.reached);
  const reached = tracking.milestones.filter((m) => m.reached);
  return (
    <Layout ctx={ctx} title={title} area="backoffice">
      <TrackingStyles ctx={ctx} />
      <Breadcrumbs
        ctx={ctx}
        items={[{ label: t('budget.tracking.admin.list_title'), href: ADMIN_BASE }, { label: title }]}
      />
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <SummaryList
        rows={[
          { key: t('budget.project.campaign'), value: project.campaign.title },
          { key: t('budget.project.envelope'), value: project.envelopeLabel },
          { key: t('budget.project.cost'), value: euros(ctx, project.costCents) },
          { key: t('budget.tracking.admin.directorate'), value: project.directorateName ?? '—' },
          { key: t('budget.tracking.list.status'), value: <StatusTag ctx={ctx} status={tracking.status} /> },
          { key: t('budget.tracking.list.progress'), value: percent(ctx, tracking.progress) },
          {
            key: t('budget.tracking.admin.public_page'),
            value: <a href={publicHref}>{t('budget.tracking.admin.public_page_link')}</a>,
          },
        ]}
      />
      {tracking.status === 'abandoned' && (
        <p class="tracking-text">
          <strong>{t('budget.tracking.abandoned_title')}</strong> {tracking.abandonedReason}
        </p>
      )}

      <section aria-labelledby="status-title" class="tracking-section">
        <h2 id="status-title">{t('budget.tracking.admin.status_heading')}</h2>
        {statusTargets.length === 0 ? (
          <p>{t('budget.tracking.admin.final', { status: statusText(ctx, tracking.status) })}</p>
        ) : (
          <>
            <Progress ctx={ctx} value={tracking.progress} label={t('budget.tracking.progress_label')} />
            <Form ctx={ctx} action={`${base}/statut`}>
              <Radios
                ctx={ctx}
                name="status"
                legend={t('budget.tracking.admin.status_legend')}
                hint={t('budget.tracking.admin.status_hint')}
                options={statusTargets.map((s) => ({ value: s, label: statusText(ctx, s) }))}
                value={values.status}
                errors={errors}
                required
              />
              <Field
                ctx={ctx}
                name="progress"
                label={t('budget.tracking.admin.progress_label')}
                hint={t('budget.tracking.admin.progress_hint')}
                value={values.progress}
                errors={errors}
                inputMode="numeric"
                width="short"
                required
              />
              <Button>{t('budget.tracking.admin.status_submit')}</Button>
            </Form>
          </>
        )}
      </section>

      {project.targets.includes('abandoned') && (
        <section aria-labelledby="abandon-title" class="tracking-section">
          <h2 id="abandon-title">{t('budget.tracking.admin.abandon_heading')}</h2>
          <p>{t('budget.tracking.admin.abandon_intro')}</p>
          <Form ctx={ctx} action={`${base}/abandon`}>
            <Field
              ctx={ctx}
              name="reason"
              label={t('budget.tracking.admin.reason_label')}
              hint={t('budget.tracking.admin.reason_hint')}
              value={values.reason}
              errors={errors}
              multiline
              rows={4}
              maxLength={MAX_REASON}
              required
            />
            <Button variant="danger">{t('budget.tracking.admin.abandon_submit')}</Button>
          </Form>
        </section>
      )}

      <section aria-labelledby="milestone-title" class="tracking-section">
        <h2 id="milestone-title">{t('budget.tracking.admin.milestone_heading')}</h2>
        <Form ctx={ctx} action={`${base}/etapes`} enctype="multipart/form-data">
          <Radios
            ctx={ctx}
            name="kind"
            legend={t('budget.tracking.admin.kind_legend')}
            options={[
              { value: 'reached', label: t('budget.tracking.admin.kind_reached') },
              { value: 'planned', label: t('budget.tracking.admin.kind_planned') },
            ]}
            value={values.kind}
            errors={errors}
            inline
            required
          />
          <DayField
            ctx={ctx}
            name="date"
            label={t('budget.tracking.admin.date_label')}
            value={values.date}
            errors={errors}
          />
          <Field
            ctx={ctx}
            name="title"
            label={t('budget.tracking.admin.title_label')}
            hint={t('budget.tracking.admin.title_hint')}
            value={values.title}
            errors={errors}
            maxLength={MAX_TITLE}
            required
          />
          <Field
            ctx={ctx}
            name="description"
            label={t('budget.tracking.admin.description_label')}
            value={values.description}
            errors={errors}
            multiline
            rows={5}
            maxLength={MAX_DESCRIPTION}
          />
          {milestoneTargets.length > 0 && (
            <Select
              ctx={ctx}
              name="milestoneStatus"
              label={t('budget.tracking.admin.milestone_status_label')}
              hint={t('budget.tracking.admin.milestone_status_hint')}
              options={milestoneTargets.map((s) => ({ value: s, label: statusText(ctx, s) }))}
              placeholder={t('budget.tracking.admin.no_change')}
              value={values.milestoneStatus}
              errors={errors}
            />
          )}
          {project.targets.length > 0 && (
            <Field
              ctx={ctx}
              name="milestoneProgress"
              label={t('budget.tracking.admin.milestone_progress_label')}
              hint={t('budget.tracking.admin.milestone_progress_hint')}
              value={values.milestoneProgress}
              errors={errors}
              inputMode="numeric"
              width="short"
            />
          )}
          <FileUpload
            ctx={ctx}
            name="photos"
            label={t('budget.tracking.admin.photos_label')}
            hint={t('budget.tracking.admin.photos_hint', { max: MAX_PHOTOS })}
            errors={errors}
            accept="image/jpeg,image/png,image/webp,image/heic"
            multiple
          />
          <Button>{t('budget.tracking.admin.milestone_submit')}</Button>
        </Form>
      </section>

      <section aria-labelledby="milestones-title" class="tracking-section">
        <h2 id="milestones-title">{t('budget.tracking.admin.milestones_heading')}</h2>
        {planned.length > 0 && (
          <>
            <h3>{t('budget.tracking.timeline.planned_heading')}</h3>
            <ul class="tracking-admin-milestones">
              {planned.map((m) => {
                const field = `reachedOn-${m.id}`;
                return (
                  <li key={m.id} class="tracking-admin-milestones__item">
                    <h4 class="tracking-timeline__what">
                      {m.title} {m.late && <Tag tone="error">{t('budget.tracking.admin.late_tag')}</Tag>}
                    </h4>
                    <p>
                      {t('budget.tracking.timeline.planned_on')} <Day ctx={ctx} day={m.occurredOn} />
                    </p>
                    <p>
                      <MilestoneActions ctx={ctx} base={base} milestone={m} />
                    </p>
                    <Form ctx={ctx} action={`${base}/etapes/${m.id}/atteinte`} class="form form--inline">
                      <DayField
                        ctx={ctx}
                        name={field}
                        label={t('budget.tracking.admin.reached_on_label', { milestone: m.title })}
                        value={values.reachedOn[m.id] ?? dayInput(today)}
                        errors={errors}
                      />
                      <Button variant="secondary">{t('budget.tracking.admin.reached_submit')}</Button>
                    </Form>
                  </li>
                );
              })}
            </ul>
          </>
        )}
        <h3>{t('budget.tracking.timeline.heading')}</h3>
        {reached.length === 0 ? (
          <p>{t('budget.tracking.timeline.empty')}</p>
        ) : (
          <Table
            caption={t('budget.tracking.admin.milestones_caption')}
            captionHidden
            columns={[
              { label: t('budget.tracking.admin.date_label') },
              { label: t('budget.tracking.admin.title_label') },
              { label: t('budget.tracking.admin.milestone_status_label') },
              { label: t('budget.tracking.list.progress'), numeric: true },
              { label: t('budget.tracking.admin.photos_count'), numeric: true },
              { label: t('budget.tracking.admin.actions') },
            ]}
            rows={[...reached]
              .reverse()
              .map((m) => [
                <Day ctx={ctx} day={m.occurredOn} key="day" />,
                m.title,
                m.statusTo ? statusText(ctx, m.statusTo) : '—',
                m.progressAfter === null ? '—' : percent(ctx, m.progressAfter),
                String(m.photos.length),
                <MilestoneActions ctx={ctx} base={base} milestone={m} key="actions" />,
              ])}
          />
        )}
      </section>
    </Layout>
  );
}

export function milestoneHref(base: string, milestoneId: string): string {
  return `${base}/etapes/${milestoneId}`;
}

/** "Edit" and "Delete" links of a milestone, each naming it for screen readers. */
function MilestoneActions({
  ctx,
  base,
  milestone,
}: {
  ctx: PageContext;
  base: string;
  milestone: MilestoneView;
}) {
  const { t } = ctx;
  const href = milestoneHref(base, milestone.id);
  return (
    <>
      <a href={`${href}/modifier`}>
        {t('budget.tracking.admin.edit_link')}
        <span class="visually-hidden">
          {' '}
          {t('budget.tracking.admin.milestone_named', { title: milestone.title })}
        </span>
      </a>{' '}
      <a href={`${href}/supprimer`}>
        {t('budget.tracking.admin.delete_link')}
        <span class="visually-hidden">
          {' '}
          {t('budget.tracking.admin.milestone_named', { title: milestone.title })}
        </span>
      </a>
    </>
  );
}

export interface MilestoneEditValues {
  date: string;
  title: string;
  description: string;
  /** Ids of the photos ticked for removal. */
  removePhotos: string[];
}

export function milestoneEditValues(milestone: MilestoneView): MilestoneEditValues {
  return {
    date: dayInput(milestone.occurredOn),
    title: milestone.title,
    description: milestone.description,
    removePhotos: [],
  };
}

/** The milestone's breadcrumbs: the list, its project, then this page. */
function milestoneCrumbs(ctx: PageContext, project: AgentProject, label: string) {
  const { t } = ctx;
  return (
    <Breadcrumbs
      ctx={ctx}
      items={[
        { label: t('budget.tracking.admin.list_title'), href: ADMIN_BASE },
        {
          label: t('budget.project.number_title', { number: project.number, title: project.title }),
          href: adminProjectHref(project),
        },
        { label },
      ]}
    />
  );
}

/**
 * Correcting a milestone: date, title, description, and its photos (tick those to remove, add
 * new ones). Its kind and the status change it carried are history and are not edited here.
 */
export function AdminMilestoneEditPage({
  ctx,
  project,
  milestone,
  values,
  errors,
}: {
  ctx: PageContext;
  project: AgentProject;
  milestone: MilestoneView;
  values: MilestoneEditValues;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  const base = adminProjectHref(project);
  const title = t('budget.tracking.admin.edit_title', { milestone: milestone.title });
  return (
    <Layout ctx={ctx} title={title} area="backoffice">
      <TrackingStyles ctx={ctx} />
      {milestoneCrumbs(ctx, project, t('budget.tracking.admin.edit_crumb'))}
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <p>
        {milestone.reached
          ? t('budget.tracking.admin.edit_intro_reached')
          : t('budget.tracking.admin.edit_intro_planned')}{' '}
        {t('budget.tracking.admin.edit_no_mail')}
      </p>
      <Form ctx={ctx} action={`${milestoneHref(base, milestone.id)}/modifier`} enctype="multipart/form-data">
        <DayField
          ctx={ctx}
          name="date"
          label={t('budget.tracking.admin.date_label')}
          value={values.date}
          errors={errors}
        />
        <Field
          ctx={ctx}
          name="title"
          label={t('budget.tracking.admin.title_label')}
          hint={t('budget.tracking.admin.title_hint')}
          value={values.title}
          errors={errors}
          maxLength={MAX_TITLE}
          required
        />
        <Field
          ctx={ctx}
          name="description"
          label={t('budget.tracking.admin.description_label')}
          value={values.description}
          errors={errors}
          multiline
          rows={5}
          maxLength={MAX_DESCRIPTION}
        />
        {milestone.photos.length > 0 && (
          <fieldset class="fieldset tracking-section">
            <legend class="fieldset__legend">{t('budget.tracking.admin.current_photos')}</legend>
            <p class="field__hint">{t('budget.tracking.admin.remove_photos_hint')}</p>
            <ul class="tracking-photos">
              {milestone.photos.map((photo, i) => {
                const id = `field-removePhotos-${i + 1}`;
                return (
                  <li key={photo.id}>
                    <img
                      src={photo.url}
                      width={photo.width}
                      height={photo.height}
                      alt={t('budget.tracking.photo_alt', {
                        n: i + 1,
                        milestone: milestone.title,
                        number: project.number,
                      })}
                    />
                    <div class="choice">
                      <input
                        class="choice__input"
                        type="checkbox"
                        id={id}
                        name="removePhotos"
                        value={photo.id}
                        checked={values.removePhotos.includes(photo.id)}
                      />
                      <label class="choice__label" for={id}>
                        {t('budget.tracking.admin.remove_photo', { n: i + 1 })}
                      </label>
                    </div>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        )}
        <FileUpload
          ctx={ctx}
          name="photos"
          label={t('budget.tracking.admin.add_photos_label')}
          hint={t('budget.tracking.admin.photos_hint', { max: MAX_PHOTOS })}
          errors={errors}
          accept="image/jpeg,image/png,image/webp,image/heic"
          multiple
        />
        <ButtonGroup>
          <Button>{t('budget.tracking.admin.edit_submit')}</Button>
          <ButtonLink href={base} variant="secondary">
            {t('budget.tracking.admin.cancel')}
          </ButtonLink>
        </ButtonGroup>
      </Form>
    </Layout>
  );
}

/** Asks before deleting a milestone: a page of its own, then a POST (no JavaScript needed). */
export function AdminMilestoneDeletePage({
  ctx,
  project,
  milestone,
}: {
  ctx: PageContext;
  project: AgentProject;
  milestone: MilestoneView;
}) {
  const { t } = ctx;
  const base = adminProjectHref(project);
  const title = t('budget.tracking.admin.delete_title', { milestone: milestone.title });
  return (
    <Layout ctx={ctx} title={title} area="backoffice">
      <TrackingStyles ctx={ctx} />
      {milestoneCrumbs(ctx, project, t('budget.tracking.admin.delete_crumb'))}
      <h1>{title}</h1>
      <SummaryList
        rows={[
          { key: t('budget.tracking.admin.date_label'), value: <Day ctx={ctx} day={milestone.occurredOn} /> },
          {
            key: t('budget.tracking.admin.kind_legend'),
            value: milestone.reached
              ? t('budget.tracking.admin.kind_reached')
              : t('budget.tracking.admin.kind_planned'),
          },
          { key: t('budget.tracking.admin.photos_count'), value: String(milestone.photos.length) },
        ]}
      />
      <p>{t('budget.tracking.admin.delete_text')}</p>
      {milestone.statusTo !== null && (
        <p>
          {t('budget.tracking.admin.delete_status_stays', { status: statusText(ctx, milestone.statusTo) })}
        </p>
      )}
      <p>{t('budget.tracking.admin.delete_no_mail')}</p>
      <Form ctx={ctx} action={`${milestoneHref(base, milestone.id)}/supprimer`}>
        <ButtonGroup>
          <Button variant="danger">{t('budget.tracking.admin.delete_submit')}</Button>
          <ButtonLink href={base} variant="secondary">
            {t('budget.tracking.admin.cancel')}
          </ButtonLink>
        </ButtonGroup>
      </Form>
    </Layout>
  );
}
