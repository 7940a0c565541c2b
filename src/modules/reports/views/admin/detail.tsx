/** One report as its service sees it: everything, the workflow forms, the full timeline. */
import { formatDate, formatDateTime } from '../../../../core/i18n/i18n.js';
import {
  Button,
  type Choice,
  CsrfField,
  ErrorSummary,
  Field,
  type FieldErrors,
  FileUpload,
  Form,
  Radios,
  Select,
} from '../../../../core/views/components/form.js';
import { Breadcrumbs, Details, SummaryList, Tag } from '../../../../core/views/components/ui.js';
import type { PageContext } from '../../../../core/views/context.js';
import { BackofficePage } from '../../../backoffice/common.js';
import type { WorkflowAction } from '../../domain/workflow.js';
import {
  type AgentReport,
  type AgentTimelineEvent,
  NOTE_MAX_LENGTH,
  THIRD_PARTY_MAX_LENGTH,
} from '../../reports.agent.service.js';
import type { AnswerRow } from '../answers.js';
import { DayField } from '../dates.js';
import { actionLabel, LateTag, REJECT_REASONS, rejectReasonLabel, StateTag, stateLabel } from './labels.js';

export interface DetailValues {
  scheduledFor: string;
  reasonCode: string;
  duplicateOf: string;
  /** A contractor of the city's list (its id)… */
  thirdParty: string;
  /** …or another one, typed. */
  thirdPartyOther: string;
  requalifyCategoryId: string;
  toServiceId: string;
  transferReason: string;
  agentId: string;
  noteText: string;
  noteVisibility: string;
}

export const emptyDetailValues: DetailValues = {
  scheduledFor: '',
  reasonCode: '',
  duplicateOf: '',
  thirdParty: '',
  thirdPartyOther: '',
  requalifyCategoryId: '',
  toServiceId: '',
  transferReason: '',
  agentId: '',
  noteText: '',
  noteVisibility: 'internal',
};

export interface Contractor {
  id: string;
  name: string;
}

/** "Lumiville (éclairage public) (identifiant : LUMIVILLE)"; a typed name is its own id. */
function contractorText(ctx: PageContext, contractor: { id: string; name: string }): string {
  return contractor.name === contractor.id
    ? contractor.name
    : ctx.t('reports.admin.detail.third_party_value', { name: contractor.name, id: contractor.id });
}

export interface ServiceGroup {
  directorate: string;
  services: { id: string; name: string }[];
}

/** Which of the page's forms a refused POST came from: it opens, the others stay closed. */
export type DetailForm = WorkflowAction | 'transfer' | 'assign' | 'note';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function eventTitle(ctx: PageContext, event: AgentTimelineEvent): string {
  const { t } = ctx;
  switch (event.kind) {
    case 'received':
    case 'created':
      return t('reports.admin.event.received');
    case 'routed':
      return t('reports.admin.event.routed');
    case 'status_changed':
      return t('reports.admin.event.state_changed', { state: stateLabel(t, text(event.data.to)) });
    case 'transferred':
      return t('reports.admin.event.transferred', { service: text(event.data.toServiceName) });
    case 'assigned':
      return t('reports.admin.event.assigned');
    case 'note':
      return t('reports.admin.event.note');
    case 'message':
      return t('reports.admin.event.message');
    case 'photo_reviewed':
      return t('reports.admin.event.photo_reviewed');
    case 'after_fix_photo':
      return t('reports.admin.event.after_fix_photo');
    case 'reopened':
      return t('reports.admin.event.reopened');
    case 'rated':
      return t('reports.admin.event.rated');
    case 'escalated':
      return t('reports.admin.event.escalated');
    default:
      return event.kind;
  }
}

/** Free text of an event (note, message): rendered as text, never as HTML. */
function eventText(ctx: PageContext, event: AgentTimelineEvent): string {
  if (event.kind === 'routed') return routingSentence(ctx, event.data);
  return text(event.data.text) || text(event.data.note) || text(event.data.message);
}

/** "Propreté › Dépôt sauvage in the 5e → Division propreté du 5e", from what routing stored. */
function routingSentence(ctx: PageContext, routing: Record<string, unknown>): string {
  const { t } = ctx;
  // R1 stores the explanation at submission; a requalification keeps only the new service.
  const explanation = (routing.explanation ?? {}) as Record<string, unknown>;
  if (explanation.key === 'reports.routing.explanation') {
    return t('reports.routing.explanation', {
      category: text(explanation.category),
      area: text(explanation.area),
      service: text(explanation.service),
    });
  }
  if (explanation.key === 'reports.routing.explanation_no_area') {
    return t('reports.routing.explanation_no_area', {
      category: text(explanation.category),
      service: text(explanation.service),
    });
  }
  return text(routing.service) || text(routing.serviceName);
}

function TimelineItem({ ctx, event }: { ctx: PageContext; event: AgentTimelineEvent }) {
  const { t } = ctx;
  const body = eventText(ctx, event);
  const reasonCode = text(event.data.reasonCode);
  const thirdPartyId = text(event.data.thirdPartyId);
  const content = (
    <>
      <p>
        <strong>{eventTitle(ctx, event)}</strong>
        {' — '}
        <time dateTime={event.at.toISOString()}>{formatDateTime(ctx.locale, event.at)}</time>
        {event.actorName && <span class="muted"> · {event.actorName}</span>}
      </p>
      {reasonCode && <p>{t('reports.admin.detail.reason', { reason: rejectReasonLabel(t, reasonCode) })}</p>}
      {thirdPartyId && (
        <p>
          {t('reports.admin.event.third_party', {
            contractor: contractorText(ctx, {
              id: thirdPartyId,
              name: text(event.data.thirdPartyName) || thirdPartyId,
            }),
          })}
        </p>
      )}
      {body && <p class="prose">{body}</p>}
    </>
  );
  return (
    <li>
      {event.public ? (
        content
      ) : (
        <div class="banner banner--warning">
          <p>
            <Tag tone="warning">{t('reports.admin.detail.internal')}</Tag>
          </p>
          {content}
        </div>
      )}
    </li>
  );
}

function ServiceSelect({
  ctx,
  name,
  label,
  groups,
  value,
  errors,
}: {
  ctx: PageContext;
  name: string;
  label: string;
  groups: ServiceGroup[];
  value: string;
  errors?: FieldErrors;
}) {
  const id = `field-${name}`;
  const error = errors?.[name];
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label class="field__label" for={id}>
        {label}
      </label>
      {error && (
        <p class="field__error" id={`${id}-error`}>
          <span class="visually-hidden">{ctx.t('core.form.error_prefix')} </span>
          {ctx.t(error)}
        </p>
      )}
      <select
        class="field__select"
        id={id}
        name={name}
        aria-required="true"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        <option value="">{ctx.t('reports.admin.detail.choose_service')}</option>
        {groups.map((group) => (
          <optgroup label={group.directorate} key={group.directorate}>
            {group.services.map((s) => (
              <option value={s.id} key={s.id} selected={s.id === value}>
                {s.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}

/** The form of one workflow action, in a disclosure; the one that was refused comes back open. */
function ActionForm({
  ctx,
  report,
  action,
  categories,
  contractors,
  values,
  errors,
  open,
}: {
  ctx: PageContext;
  report: AgentReport;
  action: WorkflowAction;
  categories: Choice[];
  contractors: Contractor[];
  values: DetailValues;
  errors?: FieldErrors;
  open: boolean;
}) {
  const { t } = ctx;
  const url = `/admin/signalements/${encodeURIComponent(report.reference)}/action`;
  const multipart = action === 'mark_done';
  return (
    <Details summary={actionLabel(t, action)} open={open}>
      <Form ctx={ctx} action={url} enctype={multipart ? 'multipart/form-data' : undefined}>
        <input type="hidden" name="action" value={action} />
        {action === 'schedule' && (
          <DayField
            ctx={ctx}
            name="scheduledFor"
            label={t('reports.admin.detail.scheduled_for')}
            value={values.scheduledFor}
            errors={errors}
            required
          />
        )}
        {action === 'reject' && (
          <Select
            ctx={ctx}
            name="reasonCode"
            label={t('reports.admin.detail.reject_reason')}
            placeholder={t('reports.admin.detail.choose_reason')}
            options={REJECT_REASONS.map((r) => ({ value: r.code, label: rejectReasonLabel(t, r.code) }))}
            value={values.reasonCode}
            errors={errors}
            required
          />
        )}
        {action === 'mark_duplicate' && (
          <Field
            ctx={ctx}
            name="duplicateOf"
            label={t('reports.admin.detail.duplicate_of')}
            hint={t('reports.admin.detail.duplicate_of_hint')}
            value={values.duplicateOf}
            errors={errors}
            required
            width="medium"
          />
        )}
        {action === 'transfer_third_party' &&
          (contractors.length > 0 ? (
            <fieldset class="fieldset">
              <legend class="fieldset__legend">{t('reports.admin.detail.third_party_legend')}</legend>
              <Select
                ctx={ctx}
                name="thirdParty"
                label={t('reports.admin.detail.third_party_list')}
                placeholder={t('reports.admin.detail.third_party_choose')}
                options={contractors.map((c) => ({ value: c.id, label: c.name }))}
                value={values.thirdParty}
                errors={errors}
                required
              />
              <Field
                ctx={ctx}
                name="thirdPartyOther"
                label={t('reports.admin.detail.third_party_other')}
                hint={t('reports.admin.detail.third_party_other_hint')}
                value={values.thirdPartyOther}
                errors={errors}
                maxLength={THIRD_PARTY_MAX_LENGTH}
                width="medium"
              />
            </fieldset>
          ) : (
            <Field
              ctx={ctx}
              name="thirdPartyOther"
              label={t('reports.admin.detail.third_party')}
              hint={t('reports.admin.detail.third_party_hint')}
              value={values.thirdPartyOther}
              errors={errors}
              maxLength={THIRD_PARTY_MAX_LENGTH}
              required
              width="medium"
            />
          ))}
        {action === 'requalify' && (
          <Select
            ctx={ctx}
            name="requalifyCategoryId"
            label={t('reports.admin.detail.new_category')}
            hint={t('reports.admin.detail.new_category_hint')}
            placeholder={t('reports.admin.detail.choose_category')}
            options={categories}
            value={values.requalifyCategoryId}
            errors={errors}
            required
          />
        )}
        {action === 'mark_done' && (
          <FileUpload
            ctx={ctx}
            name="afterPhoto"
            label={t('reports.admin.detail.after_photo')}
            hint={t('reports.admin.detail.after_photo_hint')}
            accept="image/jpeg,image/png,image/webp"
            errors={errors}
          />
        )}
        <Button>{t('reports.admin.detail.confirm_action', { action: actionLabel(t, action) })}</Button>
      </Form>
    </Details>
  );
}

export function DetailPage({
  ctx,
  report,
  answers,
  categories,
  contractors,
  serviceGroups,
  values,
  errors,
  openForm,
}: {
  ctx: PageContext;
  report: AgentReport;
  /** Every answer to the category's questions, free text included (agents only). */
  answers: AnswerRow[];
  /** Selectable categories, for requalifying. */
  categories: Choice[];
  /** The city's contractors, for "transferred to a third party". */
  contractors: Contractor[];
  serviceGroups: ServiceGroup[];
  values: DetailValues;
  errors?: FieldErrors;
  openForm?: DetailForm;
}) {
  const { t } = ctx;
  const base = `/admin/signalements/${encodeURIComponent(report.reference)}`;
  const routing = routingSentence(ctx, report.routing) || t('reports.admin.detail.no_routing');
  const actions = report.availableActions.filter((a) => a !== 'reopen');
  const contact = report.reporter;
  return (
    <BackofficePage ctx={ctx} title={t('reports.admin.detail.title', { reference: report.reference })}>
      <Breadcrumbs
        ctx={ctx}
        items={[
          { label: t('reports.admin.queue.title'), href: '/admin/signalements' },
          { label: report.reference },
        ]}
      />
      <p>
        <StateTag ctx={ctx} state={report.state} />{' '}
        {report.late && <LateTag ctx={ctx} lateDays={report.lateDays} />}
      </p>
      <ErrorSummary ctx={ctx} errors={errors} />

      <section aria-labelledby="report-facts">
        <h2 id="report-facts">{t('reports.admin.detail.facts')}</h2>
        <SummaryList
          rows={[
            { key: t('reports.admin.queue.category'), value: report.categoryLabel },
            { key: t('reports.admin.detail.description'), value: <p class="prose">{report.description}</p> },
            { key: t('reports.admin.detail.address'), value: report.address || '—' },
            {
              key: t('reports.admin.queue.arrondissement'),
              value: [report.arrondissementName, report.quartierName].filter(Boolean).join(' · ') || '—',
            },
            {
              key: t('reports.admin.queue.service'),
              value: report.serviceName ?? t('reports.admin.detail.triage'),
            },
            { key: t('reports.admin.detail.routing'), value: routing },
            { key: t('reports.admin.detail.created'), value: formatDateTime(ctx.locale, report.createdAt) },
            {
              key: t('reports.admin.detail.due'),
              value: report.dueAt
                ? formatDate(ctx.locale, report.dueAt)
                : t('reports.admin.detail.no_target'),
            },
            ...(report.scheduledFor
              ? [
                  {
                    key: t('reports.admin.detail.scheduled_for'),
                    value: formatDate(ctx.locale, report.scheduledFor),
                  },
                ]
              : []),
            ...(report.thirdParty
              ? [
                  {
                    key: t('reports.admin.detail.third_party'),
                    value: contractorText(ctx, report.thirdParty),
                  },
                ]
              : []),
            ...(report.reasonCode
              ? [
                  {
                    key: t('reports.admin.detail.reject_reason'),
                    value: rejectReasonLabel(t, report.reasonCode),
                  },
                ]
              : []),
            {
              key: t('reports.admin.queue.assignee'),
              value: report.assignedAgentName ?? t('reports.admin.queue.unassigned'),
            },
            { key: t('reports.admin.detail.followers'), value: String(report.followerCount) },
          ]}
        />
      </section>

      {answers.length > 0 && (
        <section aria-labelledby="report-answers">
          <h2 id="report-answers">{t('reports.admin.detail.answers')}</h2>
          <p class="field__hint">{t('reports.admin.detail.answers_hint')}</p>
          <SummaryList
            rows={answers.map((row) => ({
              key: row.question,
              value: <p class="prose">{row.answer}</p>,
            }))}
          />
        </section>
      )}

      <section aria-labelledby="report-reporter">
        <h2 id="report-reporter">{t('reports.admin.detail.reporter')}</h2>
        <p class="field__hint">{t('reports.admin.detail.reporter_hint')}</p>
        <SummaryList
          rows={[
            { key: t('reports.admin.detail.reporter_name'), value: contact.name || '—' },
            {
              key: t('reports.admin.detail.reporter_email'),
              value: contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : '—',
            },
            { key: t('reports.admin.detail.reporter_phone'), value: contact.phone || '—' },
          ]}
        />
      </section>

      <section aria-labelledby="report-photos">
        <h2 id="report-photos">{t('reports.admin.detail.photos')}</h2>
        {report.photos.length === 0 ? (
          <p>{t('reports.admin.detail.no_photos')}</p>
        ) : (
          <ul class="list">
            {report.photos.map((photo, index) => {
              const scale = Math.min(1, 320 / Math.max(1, photo.width));
              return (
                <li key={photo.id}>
                  <img
                    src={`/signalements/photos/${encodeURIComponent(photo.id)}`}
                    alt={
                      photo.kind === 'after_fix'
                        ? t('reports.admin.detail.after_photo_alt', { n: index + 1 })
                        : t('reports.admin.detail.photo_alt', { n: index + 1 })
                    }
                    width={Math.round(photo.width * scale)}
                    height={Math.round(photo.height * scale)}
                  />
                  <p>
                    {photo.status === 'accepted' ? (
                      <Tag tone="success">{t('reports.admin.detail.photo_accepted')}</Tag>
                    ) : photo.status === 'refused' ? (
                      <Tag tone="grey">{t('reports.admin.detail.photo_refused')}</Tag>
                    ) : (
                      <Tag tone="warning">{t('reports.admin.detail.photo_pending')}</Tag>
                    )}
                  </p>
                  <div class="inline-forms">
                    {photo.status !== 'accepted' && (
                      <form method="post" action={`${base}/photos/${photo.id}`} class="form form--inline">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="decision" value="accepted" />
                        <Button variant="secondary">
                          {t('reports.admin.detail.photo_accept')}
                          <span class="visually-hidden">
                            {' '}
                            {t('reports.admin.detail.photo_alt', { n: index + 1 })}
                          </span>
                        </Button>
                      </form>
                    )}
                    {photo.status !== 'refused' && (
                      <form method="post" action={`${base}/photos/${photo.id}`} class="form form--inline">
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="decision" value="refused" />
                        <Button variant="danger">
                          {t('reports.admin.detail.photo_refuse')}
                          <span class="visually-hidden">
                            {' '}
                            {t('reports.admin.detail.photo_alt', { n: index + 1 })}
                          </span>
                        </Button>
                      </form>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="report-actions">
        <h2 id="report-actions">{t('reports.admin.detail.actions')}</h2>
        {actions.length === 0 ? (
          <p>{t('reports.admin.detail.no_actions')}</p>
        ) : (
          actions.map((action) => (
            <ActionForm
              key={action}
              ctx={ctx}
              report={report}
              action={action}
              categories={categories}
              contractors={contractors}
              values={values}
              errors={errors}
              open={openForm === action}
            />
          ))
        )}
        <Details summary={t('reports.admin.detail.transfer')} open={openForm === 'transfer'}>
          <Form ctx={ctx} action={`${base}/transfert`}>
            <ServiceSelect
              ctx={ctx}
              name="toServiceId"
              label={t('reports.admin.detail.transfer_to')}
              groups={serviceGroups}
              value={values.toServiceId}
              errors={errors}
            />
            <Field
              ctx={ctx}
              name="transferReason"
              label={t('reports.admin.detail.transfer_reason')}
              value={values.transferReason}
              errors={errors}
              multiline
              rows={3}
              maxLength={1000}
              required
            />
            <Button>{t('reports.admin.detail.transfer_submit')}</Button>
          </Form>
        </Details>
        <Details summary={t('reports.admin.detail.assign')} open={openForm === 'assign'}>
          <Form ctx={ctx} action={`${base}/attribution`}>
            <Select
              ctx={ctx}
              name="agentId"
              label={t('reports.admin.detail.assign_to')}
              placeholder={t('reports.admin.queue.unassigned')}
              options={report.serviceAgents.map((a) => ({ value: a.id, label: a.name }))}
              value={values.agentId || report.assignedAgentId || ''}
              errors={errors}
            />
            <Button>{t('reports.admin.detail.assign_submit')}</Button>
          </Form>
        </Details>
      </section>

      <section aria-labelledby="report-note">
        <h2 id="report-note">{t('reports.admin.detail.note_title')}</h2>
        <Form ctx={ctx} action={`${base}/note`}>
          <Field
            ctx={ctx}
            name="noteText"
            label={t('reports.admin.detail.note_text')}
            value={values.noteText}
            errors={errors}
            multiline
            rows={4}
            maxLength={NOTE_MAX_LENGTH}
            required
          />
          <Radios
            ctx={ctx}
            name="noteVisibility"
            legend={t('reports.admin.detail.note_visibility')}
            options={[
              {
                value: 'internal',
                label: t('reports.admin.detail.note_internal'),
                hint: t('reports.admin.detail.note_internal_hint'),
              },
              {
                value: 'public',
                label: t('reports.admin.detail.note_public'),
                hint: t('reports.admin.detail.note_public_hint'),
              },
            ]}
            value={values.noteVisibility}
            errors={errors}
            required
            inline
          />
          <Button>{t('reports.admin.detail.note_submit')}</Button>
        </Form>
      </section>

      <section aria-labelledby="report-timeline">
        <h2 id="report-timeline">{t('reports.admin.detail.timeline')}</h2>
        <ol class="list">
          {report.timeline.map((event) => (
            <TimelineItem key={event.id} ctx={ctx} event={event} />
          ))}
        </ol>
      </section>
    </BackofficePage>
  );
}
