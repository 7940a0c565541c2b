/**
 * The agents' back office for reports: the queue (filters, bulk actions, backlog), one report
 * (every workflow action, transfer, assignment, notes, photos), the category tree and the
 * Open311 API keys. Thin routes: parse the form, call R1/R2's services, render or redirect.
 * Everything works without JavaScript.
 */
import fastifyMultipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Viewer } from '../../core/auth/viewer.js';
import { DomainError, NotFoundError, ValidationError } from '../../core/http/errors.js';
import type { App, RouteRegistrar } from '../../core/http/types.js';
import { OrgUseCases } from '../../core/org/org.service.js';
import type { CoreServices } from '../../core/services.js';
import type { Choice } from '../../core/views/components/form.js';
import { bodyOf, type FormBody, field, fieldList, requireAgent } from '../backoffice/common.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import { getCategory, listCategoryTree, type SaveCategoryInput, saveCategory } from './categories.service.js';
import { normaliseForSearch } from './domain/categories.js';
import {
  ATTRIBUTE_DATATYPES,
  type AttributeDatatype,
  checkExtraQuestions,
  type ExtraQuestion,
} from './domain/open311.js';
import { isReportState, isWorkflowAction, OPEN_STATES, type WorkflowAction } from './domain/workflow.js';
import {
  type AgentActionInput,
  type AgentReport,
  actOnReport,
  addAfterFixPhoto,
  addNote,
  agentQueue,
  assignReport,
  backlog,
  bulkAct,
  getReportForAgent,
  NOTE_MAX_LENGTH,
  reviewPhoto,
  THIRD_PARTY_MAX_LENGTH,
  transferReport,
} from './reports.agent.service.js';
import { selectReport } from './reports.store.js';
import { ApiKeyCreatedPage, ApiKeysPage, RevokeApiKeyPage } from './views/admin/api-keys.js';
import {
  CategoriesPage,
  CategoryFormPage,
  type CategoryValues,
  EMPTY_QUESTION_ROWS,
  emptyQuestion,
  type QuestionValues,
} from './views/admin/categories.js';
import {
  type DetailForm,
  DetailPage,
  type DetailValues,
  emptyDetailValues,
  type ServiceGroup,
} from './views/admin/detail.js';
import { REJECT_REASONS } from './views/admin/labels.js';
import {
  ALL_STATES,
  BULK_ACTIONS,
  type BulkValues,
  MAP_VIEW,
  type QueueFilters,
  QueuePage,
} from './views/admin/queue.js';
import { answerRows } from './views/answers.js';
import { dayAt, parseDayText } from './views/dates.js';

type Query = Record<string, string | undefined>;
type Params = Record<string, string>;

const PAGE_SIZE = 50;
/** The map shows one page of the same list: more reports per page, still bounded. */
const MAP_PAGE_SIZE = 200;
/** Same bound as the citizen's photos (R1 re-encodes and checks the real type). */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** An uploaded file as @fastify/multipart's onFile below leaves it in the body. */
interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

function isUploadedFile(value: unknown): value is UploadedFile {
  return !!value && typeof value === 'object' && Buffer.isBuffer((value as UploadedFile).data);
}

export const registerReportAdmin: RouteRegistrar = async (app: App, core: CoreServices) => {
  await app.register(async (scope) => {
    // The after-fix photo is the one multipart form here; files keep their name and type.
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 20, parts: 25 },
      async onFile(part) {
        const data = await part.toBuffer();
        (part as unknown as { value: unknown }).value = {
          filename: part.filename,
          mimetype: part.mimetype,
          data,
        } satisfies UploadedFile;
      },
    });
    scope.addHook('onRequest', requireAgent);
    const org = new OrgUseCases(core.db, core.permissions);
    registerQueue(scope as unknown as App, core);
    registerCategoryPages(scope as unknown as App, core, org);
    registerDetail(scope as unknown as App, core, org);
    registerApiKeyPages(scope as unknown as App, core);
  });
};

// ---- shared lookups ----------------------------------------------------------------------------

async function serviceGroups(org: OrgUseCases, viewer: Viewer | null): Promise<ServiceGroup[]> {
  const services = (await org.listServices(viewer)).filter((s) => s.active);
  const groups = new Map<string, ServiceGroup>();
  for (const s of services) {
    const group = groups.get(s.directorateName) ?? { directorate: s.directorateName, services: [] };
    group.services.push({ id: s.id, name: s.name });
    groups.set(s.directorateName, group);
  }
  return [...groups.values()].sort((a, b) => a.directorate.localeCompare(b.directorate, 'fr'));
}

async function categoryChoices(core: CoreServices, filter: 'selectable' | 'parents'): Promise<Choice[]> {
  const { categories } = await listCategoryTree(core);
  return categories
    .filter((c) => (filter === 'selectable' ? c.selectable : c.depth < 3))
    .map((c) => ({ value: c.id, label: c.pathLabel }));
}

/** A date typed jj/mm/aaaa (or ISO), at noon so that no time zone moves it to another day. */
function parseDay(value: string): Date | null {
  const day = parseDayText(value);
  return day ? dayAt(day, 12) : null;
}

/** A refused use case: its field errors, or a rule of the domain shown on `fallbackField`. */
function errorsOf(
  error: unknown,
  fallbackField: string,
  byCode: Record<string, string> = {},
): Record<string, string> {
  if (error instanceof ValidationError) return error.fields;
  if (error instanceof DomainError && error.status === 422) {
    return { [byCode[error.code] ?? fallbackField]: error.code };
  }
  throw error;
}

/**
 * Pages are addressed by reference (what agents read and say on the phone); the services take
 * ids. Archived reports are found too (getPublicReport would hide them).
 */
async function reportIdOf(core: CoreServices, reference: string): Promise<string | null> {
  const record = await selectReport(core.db, reference.trim().toUpperCase());
  return record?.id ?? null;
}

// ---- queue --------------------------------------------------------------------------------------

function queueFilters(query: Query): QueueFilters {
  return {
    service: query.service ?? '',
    etat: isReportState(query.etat) || query.etat === ALL_STATES ? query.etat : '',
    categorie: query.categorie ?? '',
    arrondissement: query.arrondissement ?? '',
    retard: query.retard === '1',
    tri: query.tri === 'lateness' ? 'lateness' : 'age',
    vue: query.vue === MAP_VIEW ? MAP_VIEW : 'liste',
  };
}

const emptyBulk: BulkValues = { ids: [], bulkAction: '', bulkReason: '', bulkDate: '' };

function registerQueue(app: App, core: CoreServices) {
  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    listUrl: string,
    extra: {
      bulk?: BulkValues;
      errors?: Record<string, string>;
      result?: { done: number; failed: { reference: string; messageKey: string }[] };
      status?: number;
    } = {},
  ) => {
    core.permissions.assert(request.viewer, 'reports.queue');
    const viewer = request.viewer;
    const query = Object.fromEntries(new URL(listUrl, 'http://local.invalid').searchParams) as Query;
    const filters = queueFilters(query);
    const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1);
    const pageSize = filters.vue === MAP_VIEW ? MAP_PAGE_SIZE : PAGE_SIZE;
    const { items, total } = await agentQueue(core, viewer, {
      serviceId: filters.service || undefined,
      // No choice = the work to do (open states); "all" = every state.
      states: filters.etat === ALL_STATES ? undefined : filters.etat ? [filters.etat] : [...OPEN_STATES],
      categoryId: filters.categorie || undefined,
      arrondissementCode: filters.arrondissement || undefined,
      late: filters.retard ? true : undefined,
      sort: filters.tri,
      page,
      pageSize,
    });
    const isManager = viewer.isAdmin || viewer.memberships.some((m) => m.role === 'manager');
    const services: Choice[] = viewer.isAdmin
      ? (await new OrgUseCases(core.db, core.permissions).listServices(viewer)).map((s) => ({
          value: s.id,
          label: s.name,
        }))
      : viewer.memberships.map((m) => ({ value: m.serviceId, label: m.serviceName }));
    const arrondissements = (await core.areas.listAreas())
      .filter((a) => a.layerId === 'arrondissements')
      .sort((a, b) => Number(a.code) - Number(b.code) || a.code.localeCompare(b.code))
      .map((a) => ({ value: a.code, label: a.name }));
    return reply.page(
      <QueuePage
        ctx={reply.ctx()}
        listUrl={listUrl}
        filters={filters}
        services={services}
        categories={await categoryChoices(core, 'parents')}
        arrondissements={arrondissements}
        rows={items}
        total={total}
        page={page}
        pageCount={Math.ceil(total / pageSize)}
        backlog={isManager ? await backlog(core, viewer) : null}
        bulk={extra.bulk ?? emptyBulk}
        errors={extra.errors}
        result={extra.result}
      />,
      extra.status ?? 200,
    );
  };

  app.get('/admin/signalements', { schema: { hide: true } }, async (request, reply) =>
    render(request, reply, request.url),
  );

  app.post('/admin/signalements/lot', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'reports.queue');
    const body = bodyOf(request);
    const back = field(body, 'retour').replace(/^\?/, '');
    const listUrl = `/admin/signalements${back ? `?${back}` : ''}`;
    const bulk: BulkValues = {
      ids: fieldList(body, 'ids'),
      bulkAction: field(body, 'bulkAction'),
      bulkReason: field(body, 'bulkReason'),
      bulkDate: field(body, 'bulkDate'),
    };
    const errors: Record<string, string> = {};
    const action = bulk.bulkAction as WorkflowAction;
    if (bulk.ids.length === 0) errors.ids = 'reports.admin.bulk.none_selected';
    if (!(BULK_ACTIONS as readonly string[]).includes(action))
      errors.bulkAction = 'reports.admin.bulk.action_required';
    const input: AgentActionInput = {};
    if (action === 'reject') {
      const reason = REJECT_REASONS.find((r) => r.code === bulk.bulkReason);
      if (!reason) errors.bulkReason = 'reports.admin.detail.reason_required';
      else Object.assign(input, { reasonCode: reason.code, reasonKind: reason.kind });
    }
    if (action === 'schedule') {
      const date = parseDay(bulk.bulkDate);
      if (!date) errors.bulkDate = 'reports.admin.detail.date_required';
      else input.scheduledFor = date;
    }
    if (Object.keys(errors).length > 0) return render(request, reply, listUrl, { bulk, errors, status: 422 });
    const outcome = await bulkAct(core, request.viewer, bulk.ids, action, input, request.actor());
    // Failures come back by id: name them by reference, as the agent knows them.
    const failed = await Promise.all(
      outcome.failed.map(async (f) => {
        const report = await getReportForAgent(core, request.viewer, f.id).catch(() => null);
        return { reference: report?.reference ?? f.id, messageKey: f.code };
      }),
    );
    return render(request, reply, listUrl, { result: { done: outcome.done, failed } });
  });
}

// ---- one report ---------------------------------------------------------------------------------

function detailValues(body: FormBody): DetailValues {
  return {
    scheduledFor: field(body, 'scheduledFor'),
    reasonCode: field(body, 'reasonCode'),
    duplicateOf: field(body, 'duplicateOf'),
    thirdParty: field(body, 'thirdParty'),
    thirdPartyOther: field(body, 'thirdPartyOther'),
    requalifyCategoryId: field(body, 'requalifyCategoryId'),
    toServiceId: field(body, 'toServiceId'),
    transferReason: field(body, 'transferReason'),
    agentId: field(body, 'agentId'),
    noteText: field(body, 'noteText'),
    noteVisibility: field(body, 'noteVisibility') || 'internal',
  };
}

/** Domain error codes of the workflow, shown on the field they are about. */
const WORKFLOW_FIELDS: Record<string, string> = {
  'reports.workflow.date_required': 'scheduledFor',
  'reports.workflow.reason_required': 'reasonCode',
  'reports.workflow.original_required': 'duplicateOf',
  'reports.workflow.duplicate_of_self': 'duplicateOf',
  'reports.workflow.third_party_required': 'thirdParty',
  'reports.agent.third_party_too_long': 'thirdPartyOther',
  'reports.workflow.requalify_change_required': 'requalifyCategoryId',
};

function registerDetail(app: App, core: CoreServices, org: OrgUseCases) {
  const load = async (request: FastifyRequest): Promise<AgentReport> => {
    core.permissions.assert(request.viewer, 'reports.queue');
    const reference = (request.params as Params).reference ?? '';
    const id = await reportIdOf(core, reference);
    const report = id ? await getReportForAgent(core, request.viewer, id) : null;
    if (!report) throw new NotFoundError();
    return report;
  };

  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    report: AgentReport,
    extra: { values?: DetailValues; errors?: Record<string, string>; openForm?: DetailForm } = {},
  ) =>
    reply.page(
      <DetailPage
        ctx={reply.ctx()}
        report={report}
        answers={answerRows(
          (await getCategory(core, report.categoryId))?.extraQuestions ?? [],
          report.attributes,
          'agent',
          request.locale,
        )}
        categories={
          report.availableActions.includes('requalify') ? await categoryChoices(core, 'selectable') : []
        }
        contractors={core.config.city.reports.contractors}
        serviceGroups={await serviceGroups(org, request.viewer)}
        values={extra.values ?? emptyDetailValues}
        errors={extra.errors}
        openForm={extra.openForm}
      />,
      extra.errors ? 422 : 200,
    );

  const detailUrl = (report: AgentReport) => `/admin/signalements/${encodeURIComponent(report.reference)}`;

  app.get('/admin/signalements/:reference', { schema: { hide: true } }, async (request, reply) =>
    render(request, reply, await load(request)),
  );

  app.post('/admin/signalements/:reference/action', { schema: { hide: true } }, async (request, reply) => {
    const report = await load(request);
    const body = bodyOf(request);
    const values = detailValues(body);
    const actionField = field(body, 'action');
    if (!isWorkflowAction(actionField) || !report.availableActions.includes(actionField)) {
      return render(request, reply, report, {
        values,
        errors: { action: 'reports.workflow.transition_not_allowed' },
      });
    }
    const action = actionField;
    const errors: Record<string, string> = {};
    const input: AgentActionInput = {};
    switch (action) {
      case 'schedule': {
        const date = parseDay(values.scheduledFor);
        if (!date) errors.scheduledFor = 'reports.admin.detail.date_required';
        else input.scheduledFor = date;
        break;
      }
      case 'reject': {
        const reason = REJECT_REASONS.find((r) => r.code === values.reasonCode);
        if (!reason) errors.reasonCode = 'reports.admin.detail.reason_required';
        else Object.assign(input, { reasonCode: reason.code, reasonKind: reason.kind });
        break;
      }
      case 'mark_duplicate': {
        const originalId = values.duplicateOf.trim()
          ? await reportIdOf(core, values.duplicateOf.trim())
          : null;
        if (!values.duplicateOf.trim()) errors.duplicateOf = 'reports.admin.detail.original_required';
        else if (!originalId) errors.duplicateOf = 'reports.admin.detail.original_not_found';
        else input.duplicateOfId = originalId;
        break;
      }
      case 'transfer_third_party': {
        // One of the city's contractors, or another one typed: never both, never neither.
        const chosen = values.thirdParty.trim();
        const typed = values.thirdPartyOther.trim().replace(/\s+/g, ' ');
        const contractor = core.config.city.reports.contractors.find((c) => c.id === chosen);
        if (chosen && typed) errors.thirdParty = 'reports.admin.detail.third_party_both';
        else if (chosen && !contractor) errors.thirdParty = 'reports.admin.detail.third_party_unknown';
        else if (contractor)
          Object.assign(input, { thirdPartyId: contractor.id, thirdPartyName: contractor.name });
        else if (!typed)
          errors[core.config.city.reports.contractors.length > 0 ? 'thirdParty' : 'thirdPartyOther'] =
            'reports.admin.detail.third_party_required';
        else if (typed.length > THIRD_PARTY_MAX_LENGTH)
          errors.thirdPartyOther = 'reports.agent.third_party_too_long';
        else Object.assign(input, { thirdPartyId: typed, thirdPartyName: typed });
        break;
      }
      case 'requalify':
        if (!values.requalifyCategoryId)
          errors.requalifyCategoryId = 'reports.admin.detail.category_required';
        else input.categoryId = values.requalifyCategoryId;
        break;
      default:
        break;
    }
    const photo = body.afterPhoto;
    const hasPhoto = action === 'mark_done' && isUploadedFile(photo) && photo.data.length > 0;
    if (Object.keys(errors).length > 0)
      return render(request, reply, report, { values, errors, openForm: action });
    try {
      // The photo first: a refused file (not an image, too big) leaves the report as it was.
      if (hasPhoto) await addAfterFixPhoto(core, request.viewer, report.id, photo, request.actor());
      await actOnReport(core, request.viewer, report.id, action, input, request.actor());
    } catch (error) {
      const fallback = action === 'mark_done' ? 'afterPhoto' : 'action';
      return render(request, reply, report, {
        values,
        errors: errorsOf(error, fallback, WORKFLOW_FIELDS),
        openForm: action,
      });
    }
    return reply.redirectWithFlash(detailUrl(report), 'reports.admin.detail.action_done');
  });

  app.post('/admin/signalements/:reference/transfert', { schema: { hide: true } }, async (request, reply) => {
    const report = await load(request);
    const values = detailValues(bodyOf(request));
    const errors: Record<string, string> = {};
    if (!values.toServiceId) errors.toServiceId = 'reports.admin.detail.service_required';
    else if (values.toServiceId === report.serviceId)
      errors.toServiceId = 'reports.admin.detail.same_service';
    if (!values.transferReason.trim())
      errors.transferReason = 'reports.admin.detail.transfer_reason_required';
    if (Object.keys(errors).length > 0)
      return render(request, reply, report, { values, errors, openForm: 'transfer' });
    try {
      await transferReport(
        core,
        request.viewer,
        report.id,
        values.toServiceId,
        values.transferReason.trim(),
        request.actor(),
      );
    } catch (error) {
      return render(request, reply, report, {
        values,
        errors: errorsOf(error, 'toServiceId'),
        openForm: 'transfer',
      });
    }
    // The report has left the agent's services: back to the queue, not to a page they may no longer see.
    return reply.redirectWithFlash('/admin/signalements', 'reports.admin.detail.transferred');
  });

  app.post(
    '/admin/signalements/:reference/attribution',
    { schema: { hide: true } },
    async (request, reply) => {
      const report = await load(request);
      const values = detailValues(bodyOf(request));
      if (values.agentId && !report.serviceAgents.some((a) => a.id === values.agentId)) {
        return render(request, reply, report, {
          values,
          errors: { agentId: 'reports.admin.detail.agent_not_in_service' },
          openForm: 'assign',
        });
      }
      try {
        await assignReport(core, request.viewer, report.id, values.agentId || null, request.actor());
      } catch (error) {
        return render(request, reply, report, {
          values,
          errors: errorsOf(error, 'agentId'),
          openForm: 'assign',
        });
      }
      return reply.redirectWithFlash(detailUrl(report), 'reports.admin.detail.assigned');
    },
  );

  app.post('/admin/signalements/:reference/note', { schema: { hide: true } }, async (request, reply) => {
    const report = await load(request);
    const values = detailValues(bodyOf(request));
    const errors: Record<string, string> = {};
    const text = values.noteText.trim();
    if (!text) errors.noteText = 'reports.admin.detail.note_required';
    else if (text.length > NOTE_MAX_LENGTH) errors.noteText = 'reports.admin.detail.note_too_long';
    if (values.noteVisibility !== 'internal' && values.noteVisibility !== 'public') {
      errors.noteVisibility = 'reports.admin.detail.visibility_required';
    }
    if (Object.keys(errors).length > 0)
      return render(request, reply, report, { values, errors, openForm: 'note' });
    try {
      await addNote(
        core,
        request.viewer,
        report.id,
        { text, public: values.noteVisibility === 'public' },
        request.actor(),
      );
    } catch (error) {
      return render(request, reply, report, {
        values,
        errors: errorsOf(error, 'noteText'),
        openForm: 'note',
      });
    }
    return reply.redirectWithFlash(
      detailUrl(report),
      values.noteVisibility === 'public'
        ? 'reports.admin.detail.message_sent'
        : 'reports.admin.detail.note_added',
    );
  });

  app.post(
    '/admin/signalements/:reference/photos/:photoId',
    { schema: { hide: true } },
    async (request, reply) => {
      const report = await load(request);
      const photoId = (request.params as Params).photoId ?? '';
      if (!report.photos.some((p) => p.id === photoId)) throw new NotFoundError();
      const decision = field(bodyOf(request), 'decision');
      if (decision !== 'accepted' && decision !== 'refused') throw new NotFoundError();
      await reviewPhoto(core, request.viewer, photoId, decision, request.actor());
      return reply.redirectWithFlash(
        `${detailUrl(report)}#report-photos`,
        decision === 'accepted'
          ? 'reports.admin.detail.photo_was_accepted'
          : 'reports.admin.detail.photo_was_refused',
      );
    },
  );
}

const isAttributeDatatype = (value: string): value is AttributeDatatype =>
  (ATTRIBUTE_DATATYPES as readonly string[]).includes(value);

// ---- categories ---------------------------------------------------------------------------------

function questionValues(body: FormBody): QuestionValues[] {
  const count = Math.min(50, Math.max(0, Number.parseInt(field(body, 'questionCount'), 10) || 0));
  const rows: QuestionValues[] = [];
  for (let i = 0; i < count; i++) {
    rows.push({
      code: field(body, `q${i}_code`).trim(),
      label: field(body, `q${i}_label`).trim(),
      datatype: field(body, `q${i}_datatype`) || 'string',
      required: field(body, `q${i}_required`) === '1',
      options: field(body, `q${i}_options`),
    });
  }
  return rows;
}

const isBlankQuestion = (q: QuestionValues) => q.code === '' && q.label === '' && q.options.trim() === '';

/** Filled rows plus empty ones to add questions without JavaScript. */
function withEmptyRows(questions: QuestionValues[], extra = EMPTY_QUESTION_ROWS): QuestionValues[] {
  const filled = questions.filter((q) => !isBlankQuestion(q));
  return [...filled, ...Array.from({ length: extra }, () => ({ ...emptyQuestion }))];
}

function optionKey(name: string): string {
  return normaliseForSearch(name).replace(/ /g, '_').slice(0, 64) || 'option';
}

/** The typed questions, or the field errors of the rows that are wrong. */
function toExtraQuestions(rows: QuestionValues[]): {
  questions: ExtraQuestion[];
  errors: Record<string, string>;
} {
  const errors: Record<string, string> = {};
  const questions: ExtraQuestion[] = [];
  const indexByCode = new Map<string, number>();
  rows.forEach((row, i) => {
    if (isBlankQuestion(row)) return;
    if (!row.label) errors[`q${i}_label`] = 'reports.admin.categories.question_label_required';
    if (!isAttributeDatatype(row.datatype)) {
      errors[`q${i}_datatype`] = 'reports.admin.categories.question_datatype_invalid';
      return;
    }
    const names = row.options
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean);
    const isList = row.datatype === 'singlevaluelist' || row.datatype === 'multivaluelist';
    indexByCode.set(row.code, i);
    questions.push({
      code: row.code,
      description: row.label,
      datatype: row.datatype,
      required: row.required,
      order: questions.length + 1,
      values: isList ? names.map((name) => ({ key: optionKey(name), name })) : undefined,
    });
  });
  for (const problem of checkExtraQuestions(questions)) {
    const i = indexByCode.get(problem.code) ?? 0;
    const key =
      problem.key === 'reports.questions.values_required' ||
      problem.key === 'reports.questions.duplicate_value'
        ? `q${i}_options`
        : `q${i}_code`;
    errors[key] ??=
      problem.key === 'reports.questions.values_required'
        ? 'reports.admin.categories.question_options_required'
        : problem.key === 'reports.questions.duplicate_value'
          ? 'reports.admin.categories.question_options_duplicate'
          : problem.key === 'reports.questions.duplicate_code'
            ? 'reports.admin.categories.question_code_duplicate'
            : 'reports.admin.categories.question_code_invalid';
  }
  return { questions, errors };
}

function categoryValues(body: FormBody): CategoryValues {
  return {
    label: field(body, 'label'),
    parentId: field(body, 'parentId'),
    defaultServiceId: field(body, 'defaultServiceId'),
    targetDays: field(body, 'targetDays').trim(),
    active: field(body, 'active') === '1',
    questions: questionValues(body),
  };
}

function registerCategoryPages(app: App, core: CoreServices, org: OrgUseCases) {
  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    category: Awaited<ReturnType<typeof getCategory>>,
    values: CategoryValues,
    errors?: Record<string, string>,
    status = 200,
  ) => {
    // A node cannot become its own parent: leave it out of the choices.
    const parents = (await categoryChoices(core, 'parents')).filter((c) => c.value !== category?.id);
    return reply.page(
      <CategoryFormPage
        ctx={reply.ctx()}
        category={category}
        values={values}
        parents={parents}
        serviceGroups={await serviceGroups(org, request.viewer)}
        errors={errors}
      />,
      status,
    );
  };

  const getNode = async (request: FastifyRequest) => {
    const category = await getCategory(core, (request.params as Params).id ?? '');
    if (!category) throw new NotFoundError();
    return category;
  };

  app.get('/admin/signalements/categories', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'reports.categories.manage');
    const { categories } = await listCategoryTree(core);
    return reply.page(<CategoriesPage ctx={reply.ctx()} categories={categories} />);
  });

  app.get('/admin/signalements/categories/nouvelle', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'reports.categories.manage');
    const parentId = (request.query as Query).parent ?? '';
    const values: CategoryValues = {
      label: '',
      parentId,
      defaultServiceId: '',
      targetDays: '',
      active: true,
      questions: withEmptyRows([]),
    };
    return formPage(request, reply, null, values);
  });

  app.get('/admin/signalements/categories/:id', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'reports.categories.manage');
    const category = await getNode(request);
    const values: CategoryValues = {
      label: category.label,
      parentId: category.parentId ?? '',
      defaultServiceId: category.defaultServiceId ?? '',
      targetDays: category.targetDays ? String(category.targetDays) : '',
      active: category.active,
      questions: withEmptyRows(
        [...category.extraQuestions]
          .sort((a, b) => a.order - b.order)
          .map((q) => ({
            code: q.code,
            label: q.description,
            datatype: q.datatype,
            required: q.required,
            options: (q.values ?? []).map((v) => v.name).join('\n'),
          })),
      ),
    };
    return formPage(request, reply, category, values);
  });

  const save = async (request: FastifyRequest, reply: FastifyReply, id: string | undefined) => {
    core.permissions.assert(request.viewer, 'reports.categories.manage');
    const category = id ? await getNode(request) : null;
    const body = bodyOf(request);
    const values = categoryValues(body);
    // "Add a question": the same form again with one more empty row; nothing is saved.
    if (field(body, 'addQuestion') === '1') {
      return formPage(request, reply, category, { ...values, questions: withEmptyRows(values.questions, 1) });
    }
    const errors: Record<string, string> = {};
    const label = values.label.trim();
    if (!label) errors.label = 'reports.admin.categories.label_required';
    else if (label.length > 200) errors.label = 'reports.admin.categories.label_too_long';
    let targetDays: number | null = null;
    if (values.targetDays) {
      targetDays = Number(values.targetDays);
      if (!Number.isInteger(targetDays) || targetDays < 1 || targetDays > 3650) {
        errors.targetDays = 'reports.admin.categories.target_days_invalid';
      }
    }
    const { questions, errors: questionErrors } = toExtraQuestions(values.questions);
    Object.assign(errors, questionErrors);
    const shown = { ...values, questions: withEmptyRows(values.questions) };
    if (Object.keys(errors).length > 0) return formPage(request, reply, category, shown, errors, 422);
    const input: SaveCategoryInput = {
      ...(category ? { id: category.id } : {}),
      label,
      parentId: values.parentId || null,
      defaultServiceId: values.defaultServiceId || null,
      targetDays,
      extraQuestions: questions,
      active: values.active,
    };
    try {
      const saved = await saveCategory(core, request.viewer, input, request.actor());
      return reply.redirectWithFlash(
        `/admin/signalements/categories/${encodeURIComponent(saved.id)}`,
        category ? 'reports.admin.categories.saved' : 'reports.admin.categories.created',
      );
    } catch (error) {
      const fieldErrors = errorsOf(error, 'label', {
        'reports.categories.too_deep': 'parentId',
        'reports.categories.unknown_parent': 'parentId',
      });
      return formPage(request, reply, category, shown, fieldErrors, 422);
    }
  };

  app.post('/admin/signalements/categories', { schema: { hide: true } }, async (request, reply) =>
    save(request, reply, undefined),
  );
  app.post('/admin/signalements/categories/:id', { schema: { hide: true } }, async (request, reply) =>
    save(request, reply, (request.params as Params).id),
  );
}

// ---- API keys -----------------------------------------------------------------------------------

function registerApiKeyPages(app: App, core: CoreServices) {
  const findKey = async (id: string) => {
    const key = (await listApiKeys(core)).find((k) => k.id === id);
    if (!key) throw new NotFoundError();
    return key;
  };

  app.get('/admin/cles-api', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'reports.api_keys.manage');
    return reply.page(<ApiKeysPage ctx={reply.ctx()} keys={await listApiKeys(core)} name="" />);
  });

  app.post('/admin/cles-api', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'reports.api_keys.manage');
    const name = field(bodyOf(request), 'name').trim();
    const errors: Record<string, string> = {};
    if (!name) errors.name = 'reports.admin.api_keys.name_required';
    else if (name.length > 100) errors.name = 'reports.admin.api_keys.name_too_long';
    if (Object.keys(errors).length === 0) {
      try {
        const created = await createApiKey(core, name, request.actor());
        // Shown on this response only (no redirect): the key is stored hashed and never again readable.
        return reply.page(<ApiKeyCreatedPage ctx={reply.ctx()} name={name} secret={created.key} />);
      } catch (error) {
        Object.assign(errors, errorsOf(error, 'name'));
      }
    }
    return reply.page(
      <ApiKeysPage ctx={reply.ctx()} keys={await listApiKeys(core)} name={name} errors={errors} />,
      422,
    );
  });

  app.get('/admin/cles-api/:id/revoquer', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'reports.api_keys.manage');
    const key = await findKey((request.params as Params).id ?? '');
    if (key.revokedAt) return reply.redirect('/admin/cles-api', 303);
    return reply.page(<RevokeApiKeyPage ctx={reply.ctx()} apiKey={key} />);
  });

  app.post('/admin/cles-api/:id/revoquer', { schema: { hide: true } }, async (request, reply) => {
    core.permissions.assert(request.viewer, 'reports.api_keys.manage');
    const key = await findKey((request.params as Params).id ?? '');
    await revokeApiKey(core, key.id, request.actor());
    return reply.redirectWithFlash('/admin/cles-api', 'reports.admin.api_keys.revoked');
  });
}
