/**
 * Citizen and public pages of the reports module: the form (every step works without
 * JavaScript), the list and the map with filters, the report page with its timeline, follow,
 * reopen and satisfaction, photos, "my reports", and the JSON the map script reads.
 * Handlers stay thin: rules, permissions and audit are in the services.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { layerFeatures } from '../../core/areas/areas.store.js';
import type { AreaGeometry, Position } from '../../core/areas/geojson.js';
import { DomainError, NotFoundError, ValidationError } from '../../core/http/errors.js';
import type { App, RouteRegistrar } from '../../core/http/types.js';
import type { Locale } from '../../core/i18n/i18n.js';
import type { CoreServices } from '../../core/services.js';
import type { PageContext } from '../../core/views/context.js';
import { getCategory, listCategoryTree, type StoredCategory } from './categories.service.js';
import { normaliseForSearch } from './domain/categories.js';
import {
  CLOSED_STATES,
  isPublicState,
  OPEN_STATES,
  PUBLIC_STATES,
  type ReportState,
} from './domain/workflow.js';
import { photoGpsPosition } from './photos.js';
import { rateFix, reopenReport } from './reports.agent.service.js';
import {
  findNearbyOpenReports,
  followedReports,
  followReport,
  getPublicReport,
  listPublicReports,
  mapClusters,
  myReports,
  type PublicReport,
  photoFile,
  type ReportFilters,
  type ReportPhotoUpload,
  submitReport,
  unfollowReport,
} from './reports.service.js';
import { findReportIdByIdempotencyKey } from './reports.store.js';
import { type AnswerRow, answerRows } from './views/answers.js';
import { dayAt, parseDayText } from './views/dates.js';
import {
  type AreaOption,
  attributeField,
  type CategoryGroup,
  DuplicatesPage,
  MAX_DESCRIPTION,
  MAX_PHOTOS,
  NewReportPage,
  type NewReportProps,
  type ReportFormValues,
  ThanksPage,
} from './views/public/form.js';
import { type ListFilterValues, ReportListPage, ReportMapPage } from './views/public/list.js';
import { MyReportsPage, ReportPage } from './views/public/report.js';

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const DUPLICATE_RADIUS_METRES = 50;
const PAGE_SIZE = 20;
/** Photos kept between the steps of the form are dropped after this. */
const DRAFT_TTL_MS = 2 * 60 * 60 * 1000;
const DRAFT_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Query = Record<string, string | undefined>;
type Errors = Record<string, string>;

export const registerReportPages: RouteRegistrar = async (app: App, core: CoreServices) => {
  // Only the form takes files: multipart is parsed in this scope alone.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      attachFieldsToBody: true,
      // An oversized photo comes back as a form error (422), not as a bare 413.
      throwFileSizeLimit: false,
      limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS + 2, fields: 200, parts: 210 },
    });
    registerReportForm(scope as unknown as App, core);
  });
  registerPublicReportViews(app, core);
  registerFollowAndFeedback(app, core);
  registerClustersApi(app, core);
};

// ——— Posted forms, url-encoded or multipart ———

interface UploadedFile extends ReportPhotoUpload {
  truncated: boolean;
}

interface PostedForm {
  fields: Record<string, string[]>;
  files: UploadedFile[];
}

/** Url-encoded bodies give strings (arrays when repeated); multipart ones give parts. */
function readPostedForm(request: FastifyRequest): PostedForm {
  const body =
    request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  const fields: Record<string, string[]> = {};
  const files: UploadedFile[] = [];
  const add = (name: string, value: string) => {
    fields[name] = [...(fields[name] ?? []), value];
  };
  for (const [name, raw] of Object.entries(body)) {
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (typeof item === 'string') {
        add(name, item);
        continue;
      }
      if (!item || typeof item !== 'object') continue;
      const part = item as {
        type?: string;
        value?: unknown;
        filename?: string;
        mimetype?: string;
        _buf?: Buffer | null;
        file?: { truncated?: boolean };
      };
      if (part.type === 'file') {
        const data = part._buf ?? Buffer.alloc(0);
        // An empty file input still sends a part, with no name and no bytes.
        if (!part.filename && data.length === 0) continue;
        files.push({
          filename: part.filename ?? '',
          mimetype: part.mimetype ?? 'application/octet-stream',
          data,
          truncated: part.file?.truncated === true,
        });
      } else if (part.value !== undefined) {
        add(name, String(part.value));
      }
    }
  }
  return { fields, files };
}

const one = (form: PostedForm, name: string): string => (form.fields[name]?.[0] ?? '').trim();
const oneRaw = (form: PostedForm, name: string): string => form.fields[name]?.[0] ?? '';

function formValuesOf(form: PostedForm): ReportFormValues {
  const attributes: Record<string, string | string[]> = {};
  for (const [name, list] of Object.entries(form.fields)) {
    if (!name.startsWith('attr_')) continue;
    const code = name.slice('attr_'.length);
    const answers = list.map((v) => v.trim()).filter((v) => v !== '');
    if (answers.length === 0) continue;
    attributes[code] = answers.length === 1 ? (answers[0] as string) : answers;
  }
  const key = one(form, 'idempotencyKey');
  return {
    idempotencyKey: DRAFT_KEY.test(key) ? key : randomUUID(),
    q: one(form, 'q'),
    categoryId: one(form, 'categoryId'),
    lat: one(form, 'lat'),
    lon: one(form, 'lon'),
    address: one(form, 'address'),
    arrondissement: one(form, 'arrondissement'),
    description: oneRaw(form, 'description').trim(),
    name: one(form, 'name'),
    email: one(form, 'email'),
    phone: one(form, 'phone'),
    attributes,
    questionsFor: one(form, 'questionsFor'),
    photoLat: one(form, 'photoLat'),
    photoLon: one(form, 'photoLon'),
    usePhotoPosition: one(form, 'usePhotoPosition'),
  };
}

function emptyValues(viewerEmail: string | null, q = '', categoryId = ''): ReportFormValues {
  return {
    idempotencyKey: randomUUID(),
    q,
    categoryId,
    lat: '',
    lon: '',
    address: '',
    arrondissement: '',
    description: '',
    name: '',
    email: viewerEmail ?? '',
    phone: '',
    attributes: {},
    questionsFor: '',
    photoLat: '',
    photoLon: '',
    usePhotoPosition: '',
  };
}

// ——— Photos kept between steps (the duplicates and questions steps come before sending) ———

function draftDir(core: CoreServices, key: string): string {
  return path.join(core.config.dataDir, 'files', 'report-drafts', key);
}

async function keptPhotos(core: CoreServices, key: string): Promise<ReportPhotoUpload[]> {
  if (!DRAFT_KEY.test(key)) return [];
  const dir = draftDir(core, key);
  try {
    const meta = JSON.parse(await readFile(path.join(dir, 'photos.json'), 'utf8')) as {
      filename: string;
      mimetype: string;
    }[];
    return await Promise.all(
      meta.map(async (m, i) => ({ ...m, data: await readFile(path.join(dir, `${i}.bin`)) })),
    );
  } catch {
    return [];
  }
}

async function keepPhotos(core: CoreServices, key: string, photos: ReportPhotoUpload[]): Promise<void> {
  const dir = draftDir(core, key);
  await mkdir(dir, { recursive: true });
  await Promise.all(photos.map((p, i) => writeFile(path.join(dir, `${i}.bin`), p.data)));
  await writeFile(
    path.join(dir, 'photos.json'),
    JSON.stringify(photos.map((p) => ({ filename: p.filename, mimetype: p.mimetype }))),
  );
  await sweepOldDrafts(core);
}

async function dropPhotos(core: CoreServices, key: string): Promise<void> {
  if (DRAFT_KEY.test(key)) await rm(draftDir(core, key), { recursive: true, force: true });
}

/** Forms left half-way leave photos behind: remove the old ones whenever new ones are kept. */
async function sweepOldDrafts(core: CoreServices): Promise<void> {
  const root = path.join(core.config.dataDir, 'files', 'report-drafts');
  const names = await readdir(root).catch(() => [] as string[]);
  const limit = Date.now() - DRAFT_TTL_MS;
  for (const name of names) {
    const info = await stat(path.join(root, name)).catch(() => null);
    if (info && info.mtimeMs < limit) await rm(path.join(root, name), { recursive: true, force: true });
  }
}

/** What the bytes are, whatever the name says: JPEG, PNG, WebP or GIF only (no SVG: it can carry script). */
function looksLikeImage(data: Buffer): boolean {
  if (data.length < 12) return false;
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return true;
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return true;
  if (data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return true;
  return data.toString('latin1', 0, 4) === 'GIF8';
}

// ——— Places ———

/**
 * The position a phone wrote in one of the photos (read from the uploads, before they are
 * re-encoded without it), when it is in the city: offered as the place, never taken silently.
 */
async function photoPositionInCity(
  core: CoreServices,
  photos: ReportPhotoUpload[],
): Promise<{ lat: number; lon: number } | null> {
  for (const photo of photos) {
    const position = await photoGpsPosition(photo.data);
    if (position && (await core.areas.locateIn(core.config.city.districtLayer, position))) return position;
  }
  return null;
}

async function arrondissementOptions(core: CoreServices): Promise<AreaOption[]> {
  const layer = core.config.city.districtLayer;
  const areas = (await core.areas.listAreas()).filter((a) => a.layerId === layer);
  return areas
    .sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true }))
    .map((a) => ({ code: a.code, name: a.name }));
}

/** Labels "5e — Panthéon" in the page's language. */
function labelledArrondissements(ctx: PageContext, areas: AreaOption[]): AreaOption[] {
  return areas.map((a) => ({
    code: a.code,
    name:
      a.code === '1'
        ? ctx.t('reports.public.arrondissement_first', { name: a.name })
        : ctx.t('reports.public.arrondissement', { code: a.code, name: a.name }),
  }));
}

function ringCentroid(ring: Position[]): { lat: number; lon: number; area: number } {
  let area = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i] as Position;
    const [x1, y1] = ring[i + 1] as Position;
    const cross = x0 * y1 - x1 * y0;
    area += cross;
    x += (x0 + x1) * cross;
    y += (y0 + y1) * cross;
  }
  area /= 2;
  if (area === 0) return { lon: ring[0]?.[0] ?? 0, lat: ring[0]?.[1] ?? 0, area: 0 };
  return { lon: x / (6 * area), lat: y / (6 * area), area: Math.abs(area) };
}

/** Candidate points for an area, best first: its centroid, then its bounding box's middle. */
function centreCandidates(geometry: AreaGeometry): { lat: number; lon: number }[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const outer = polygons.map((p) => ringCentroid(p[0] ?? []));
  const total = outer.reduce((n, c) => n + c.area, 0) || 1;
  const centroid = {
    lat: outer.reduce((n, c) => n + c.lat * c.area, 0) / total,
    lon: outer.reduce((n, c) => n + c.lon * c.area, 0) / total,
  };
  const all = polygons.flatMap((p) => p[0] ?? []);
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const biggest = [...outer].sort((a, b) => b.area - a.area)[0];
  return [
    centroid,
    ...(biggest ? [{ lat: biggest.lat, lon: biggest.lon }] : []),
    { lat: (Math.min(...lats) + Math.max(...lats)) / 2, lon: (Math.min(...lons) + Math.max(...lons)) / 2 },
  ];
}

/** A point inside the arrondissement, for reports placed without a map: an agent refines it. */
async function arrondissementPoint(
  core: CoreServices,
  code: string,
): Promise<{ lat: number; lon: number } | null> {
  const layer = core.config.city.districtLayer;
  const feature = (await layerFeatures(core.db, layer)).find((f) => f.code === code);
  if (!feature) return null;
  const candidates = centreCandidates(feature.geometry);
  for (const point of candidates) {
    const area = await core.areas.locateIn(layer, point);
    if (area?.code === code) return point;
  }
  return candidates[0] ?? null;
}

function parseCoordinate(text: string, min: number, max: number): number | null {
  if (!/^[-+]?\d{1,3}([.,]\d+)?$/.test(text)) return null;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) && value >= min && value <= max ? value : null;
}

// ——— The form ———

async function categoryGroups(core: CoreServices, q: string, selectedId: string): Promise<CategoryGroup[]> {
  const view = await listCategoryTree(core);
  const words = normaliseForSearch(q).split(' ').filter(Boolean);
  const matches = (c: StoredCategory) => {
    // The chosen category stays in sight whatever the search.
    if (words.length === 0 || c.id === selectedId) return true;
    const haystack = normaliseForSearch([c.pathLabel, ...c.aliases].join(' ')).split(' ');
    return words.every((w) => haystack.some((h) => h.startsWith(w)));
  };
  const groups: CategoryGroup[] = [];
  for (const root of view.categories.filter((c) => c.parentId === null && c.active)) {
    const choices = view.categories
      .filter(
        (c) => c.selectable && c.pathLabel.startsWith(`${root.label} › `) && topOf(view.byId, c) === root.id,
      )
      .filter(matches)
      .map((c) => ({
        id: c.id,
        label: c.pathLabel.slice(root.label.length + ' › '.length),
        searchText: normaliseForSearch([c.pathLabel, ...c.aliases].join(' ')),
        hasQuestions: c.extraQuestions.some((question) => question.variable !== false),
      }));
    if (choices.length > 0) groups.push({ id: root.id, label: root.label, choices });
  }
  return groups;
}

function topOf(byId: Map<string, StoredCategory>, category: StoredCategory): string {
  let current = category;
  while (current.parentId) {
    const parent = byId.get(current.parentId);
    if (!parent) break;
    current = parent;
  }
  return current.id;
}

/** Where a service's field name lands in this form (its error links to that field). */
function formFieldOf(name: string): string {
  const field = name.replace(/^reporter\./, '');
  if (/^(categoryId|category|category_id|service_code)$/.test(field)) return 'categoryId';
  if (/^(lat|lon)$/.test(field)) return field;
  if (/^(location|point|place|long|address_string)$/.test(field)) return 'place';
  if (/^photo/.test(field)) return 'photos';
  const attribute = /^(?:attributes?[.[])([^\]]+)\]?$/.exec(field);
  if (attribute?.[1]) return attributeField(attribute[1]);
  return field;
}

/** The errors of a refused submission, by form field; anything else goes on to the error pages. */
function serviceErrors(error: unknown): Errors {
  if (error instanceof ValidationError) {
    const out: Errors = {};
    for (const [name, key] of Object.entries(error.fields)) out[formFieldOf(name)] ??= key;
    return out;
  }
  if (error instanceof DomainError && error.status === 422) {
    const code = error.code;
    const field = /photo/.test(code)
      ? 'photos'
      : /categor/.test(code)
        ? 'categoryId'
        : /outside|location|point|geo|place/.test(code)
          ? 'place'
          : 'description';
    return { [field]: code };
  }
  throw error;
}

function registerReportForm(app: App, core: CoreServices) {
  const render = async (
    reply: FastifyReply,
    values: ReportFormValues,
    extra: { errors?: Errors; keptPhotos?: number; notice?: NewReportProps['notice'] } = {},
    status = 200,
  ) => {
    const ctx = reply.ctx();
    const category = values.categoryId ? await getCategory(core, values.categoryId) : null;
    // The chosen category's questions are shown as soon as it is known; the form then says so.
    const questions = category?.extraQuestions ?? [];
    const shown = { ...values, questionsFor: questions.length > 0 && category ? category.id : '' };
    return reply.page(
      <NewReportPage
        ctx={ctx}
        values={shown}
        groups={await categoryGroups(core, values.q, values.categoryId)}
        arrondissements={labelledArrondissements(ctx, await arrondissementOptions(core))}
        questions={questions}
        categoryLabel={category?.pathLabel ?? null}
        errors={extra.errors}
        keptPhotos={extra.keptPhotos ?? 0}
        notice={extra.notice}
      />,
      status,
    );
  };

  app.get('/signalements/nouveau', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Query;
    const values = emptyValues(request.viewer?.email ?? null, (query.q ?? '').trim(), query.categoryId ?? '');
    return render(reply, values);
  });

  app.post('/signalements/nouveau', { schema: { hide: true } }, async (request, reply) => {
    const form = readPostedForm(request);
    const values = formValuesOf(form);
    const action = one(form, 'action');
    const kept = await keptPhotos(core, values.idempotencyKey);

    // Steps that only redraw the form: searching the categories, going back from the duplicates.
    if (action === 'search' || action === 'edit') {
      return render(reply, values, { keptPhotos: kept.length });
    }

    // A second click on "send" (or a resent request): the first one made the report.
    const already = await findReportIdByIdempotencyKey(core.db, values.idempotencyKey);
    if (already) return reply.redirect(`/signalements/merci/${encodeURIComponent(already.reference)}`, 303);

    const errors: Errors = {};
    // The category.
    const category = values.categoryId ? await getCategory(core, values.categoryId) : null;
    if (!values.categoryId) errors.categoryId = 'reports.public.form.category_required';
    else if (!category?.selectable) errors.categoryId = 'reports.public.form.category_unavailable';

    // The place: the photo's position when the person chose it, typed or pinned coordinates,
    // else the arrondissement.
    let point: { lat: number; lon: number } | null = null;
    const noPlace = values.lat === '' && values.lon === '' && values.arrondissement === '';
    if (values.usePhotoPosition === '1') {
      const lat = parseCoordinate(values.photoLat, -90, 90);
      const lon = parseCoordinate(values.photoLon, -180, 180);
      if (lat === null || lon === null) errors.place = 'reports.public.form.photo_position_bad';
      else point = { lat, lon };
    } else if (values.lat !== '' || values.lon !== '') {
      const lat = parseCoordinate(values.lat, -90, 90);
      const lon = parseCoordinate(values.lon, -180, 180);
      if (lat === null) errors.lat = 'reports.public.form.bad_latitude';
      if (lon === null) errors.lon = 'reports.public.form.bad_longitude';
      if (lat !== null && lon !== null) point = { lat, lon };
    } else if (values.arrondissement) {
      point = await arrondissementPoint(core, values.arrondissement);
      if (!point) errors.arrondissement = 'reports.public.form.arrondissement_unknown';
    } else {
      errors.place = 'reports.public.form.place_required';
    }
    // No place yet, and a photo knows where it was taken: offer its position (once).
    let photoPosition: { lat: number; lon: number } | null = null;
    if (noPlace && values.usePhotoPosition === '') {
      photoPosition = await photoPositionInCity(core, [...kept, ...form.files.filter((f) => !f.truncated)]);
      if (photoPosition) {
        values.photoLat = photoPosition.lat.toFixed(6);
        values.photoLon = photoPosition.lon.toFixed(6);
        // Not an error of the place: a question about it, linked to its radios.
        delete errors.place;
        errors.usePhotoPosition = 'reports.public.form.photo_position_choose';
      }
    }
    if (point && !(await core.areas.locateIn(core.config.city.districtLayer, point))) {
      errors.place = 'reports.public.form.outside_city';
    }

    if (values.description.length > MAX_DESCRIPTION)
      errors.description = 'reports.public.form.description_too_long';

    // Photos: at most three in all, each an image of at most 10 MB.
    const photos = [...kept];
    if (kept.length + form.files.length > MAX_PHOTOS) errors.photos = 'reports.public.form.too_many_photos';
    else if (form.files.some((f) => f.truncated)) errors.photos = 'reports.public.form.photo_too_big';
    else if (form.files.some((f) => !looksLikeImage(f.data)))
      errors.photos = 'reports.public.form.photo_not_image';
    else photos.push(...form.files.map(({ filename, mimetype, data }) => ({ filename, mimetype, data })));

    // Required answers, once the questions have been shown.
    const questions = category?.extraQuestions.filter((q) => q.variable !== false) ?? [];
    if (category && values.questionsFor === category.id) {
      for (const q of questions) {
        if (q.required && values.attributes[q.code] === undefined) {
          errors[attributeField(q.code)] = 'reports.public.form.answer_required';
        }
      }
    }

    // Only the place was missing and a photo offers one: the form again (200), photos kept,
    // with the photo's position as a choice to confirm.
    if (photoPosition && Object.keys(errors).length === 1 && errors.usePhotoPosition) {
      await keepPhotos(core, values.idempotencyKey, photos);
      return render(reply, values, { keptPhotos: photos.length, notice: 'photo_position' });
    }
    if (Object.keys(errors).length > 0) {
      await dropPhotos(core, values.idempotencyKey);
      return render(reply, values, { errors }, 422);
    }
    if (!category || !point) throw new Error('unreachable: checked above');

    // The category's questions, as a step of their own when they have not been seen yet.
    if (questions.length > 0 && values.questionsFor !== category.id) {
      await keepPhotos(core, values.idempotencyKey, photos);
      return render(
        reply,
        { ...values, questionsFor: category.id },
        { keptPhotos: photos.length, notice: 'questions' },
      );
    }

    // Already reported? Shown once, until the person says theirs is different.
    if (one(form, 'confirmed') !== '1') {
      const nearby = await findNearbyOpenReports(core, {
        categoryId: category.id,
        lat: point.lat,
        lon: point.lon,
        radiusMetres: DUPLICATE_RADIUS_METRES,
      });
      if (nearby.length > 0) {
        await keepPhotos(core, values.idempotencyKey, photos);
        return reply.page(
          <DuplicatesPage
            ctx={reply.ctx()}
            values={values}
            nearby={nearby}
            keptPhotos={photos.length}
            categoryLabel={category.pathLabel}
          />,
        );
      }
    }

    try {
      const result = await submitReport(
        core,
        {
          categoryId: category.id,
          lat: point.lat,
          lon: point.lon,
          address: values.address || undefined,
          description: values.description,
          photos,
          attributes: values.attributes,
          reporter: {
            userId: request.viewer?.id ?? null,
            name: values.name || undefined,
            email: values.email || undefined,
            phone: values.phone || undefined,
            // Mail to someone without an account speaks the language of the page they used.
            locale: request.locale,
          },
          channel: 'web',
          idempotencyKey: values.idempotencyKey,
        },
        request.actor(),
      );
      await dropPhotos(core, values.idempotencyKey);
      return reply.redirect(`/signalements/merci/${encodeURIComponent(result.reference)}`, 303);
    } catch (error) {
      const fieldErrors = serviceErrors(error);
      await dropPhotos(core, values.idempotencyKey);
      return render(reply, values, { errors: fieldErrors }, 422);
    }
  });
}

// ——— List, map, report page, photos, my reports ———

async function filterOptions(core: CoreServices, ctx: PageContext) {
  const view = await listCategoryTree(core);
  return {
    categories: view.categories.filter((c) => c.active).map((c) => ({ id: c.id, label: c.pathLabel })),
    arrondissements: labelledArrondissements(ctx, await arrondissementOptions(core)),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A day typed jj/mm/aaaa (or ISO): its first millisecond, or its last one for "to". */
function parseDay(text: string, endOfDay: boolean): Date | null {
  const day = parseDayText(text);
  if (!day) return null;
  return new Date(dayAt(day).getTime() + (endOfDay ? DAY_MS - 1 : 0));
}

/** The filters of the list, the map and the clusters API, from their query string. */
export function parseListFilters(query: Query): {
  values: ListFilterValues;
  filters: ReportFilters;
  errors: Errors;
} {
  const values: ListFilterValues = {
    categoryId: (query.categoryId ?? '').trim(),
    status: (query.status ?? '').trim(),
    arrondissement: (query.arrondissement ?? '').trim(),
    from: (query.from ?? '').trim(),
    to: (query.to ?? '').trim(),
  };
  const filters: ReportFilters = {};
  const errors: Errors = {};
  if (values.categoryId) filters.categoryId = values.categoryId;
  if (values.status === 'open') filters.states = [...OPEN_STATES];
  else if (values.status === 'closed') filters.states = CLOSED_STATES.filter((s) => isPublicState(s));
  else if ((PUBLIC_STATES as readonly string[]).includes(values.status))
    filters.states = [values.status as ReportState];
  else values.status = '';
  if (values.arrondissement) filters.arrondissementCode = values.arrondissement;
  if (values.from) {
    const from = parseDay(values.from, false);
    if (from) filters.from = from;
    else errors.from = 'reports.public.filters.bad_date';
  }
  if (values.to) {
    const to = parseDay(values.to, true);
    if (to) filters.to = to;
    else errors.to = 'reports.public.filters.bad_date';
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    errors.to = 'reports.public.filters.date_order';
    delete filters.to;
  }
  return { values, filters, errors };
}

function registerPublicReportViews(app: App, core: CoreServices) {
  app.get('/signalements', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Query;
    const { values, filters, errors } = parseListFilters(query);
    const requested = Math.max(1, Math.floor(Number(query.page)) || 1);
    const first = await listPublicReports(core, filters, { page: requested, pageSize: PAGE_SIZE });
    const pageCount = Math.max(1, Math.ceil(first.total / PAGE_SIZE));
    const page = Math.min(requested, pageCount);
    const result =
      page === requested ? first : await listPublicReports(core, filters, { page, pageSize: PAGE_SIZE });
    const ctx = reply.ctx();
    return reply.page(
      <ReportListPage
        ctx={ctx}
        values={values}
        options={await filterOptions(core, ctx)}
        errors={errors}
        reports={result.items}
        total={result.total}
        page={page}
        pageCount={pageCount}
      />,
    );
  });

  app.get('/signalements/carte', { schema: { hide: true } }, async (request, reply) => {
    const { values, filters, errors } = parseListFilters(request.query as Query);
    const result = await listPublicReports(core, filters, { page: 1, pageSize: PAGE_SIZE });
    const ctx = reply.ctx();
    return reply.page(
      <ReportMapPage
        ctx={ctx}
        values={values}
        options={await filterOptions(core, ctx)}
        errors={errors}
        reports={result.items}
        total={result.total}
      />,
    );
  });

  app.get('/signalements/merci/:reference', { schema: { hide: true } }, async (request, reply) => {
    const { reference } = request.params as { reference: string };
    const report = await getPublicReport(core, reference, request.viewer);
    if (!report) throw new NotFoundError();
    return reply.page(<ThanksPage ctx={reply.ctx()} reference={report.reference} />);
  });

  app.get('/signalements/photos/:photoId', { schema: { hide: true } }, async (request, reply) => {
    const { photoId } = request.params as { photoId: string };
    const file = await photoFile(core, photoId, request.viewer);
    if (!file) throw new NotFoundError();
    // A photo anyone may see can be cached anywhere; one shown only to agents stays private.
    const isPublic = request.viewer ? (await photoFile(core, photoId, null)) !== null : true;
    return reply
      .header('cache-control', isPublic ? 'public, max-age=86400' : 'private, no-store')
      .type(file.contentType)
      .send(file.data);
  });

  app.get('/signalements/:reference', { schema: { hide: true } }, async (request, reply) => {
    const { reference } = request.params as { reference: string };
    const report = await getPublicReport(core, reference, request.viewer);
    if (!report) throw new NotFoundError();
    return reply.page(
      <ReportPage
        ctx={reply.ctx()}
        report={report}
        answers={await publicAnswers(core, report, request.locale)}
        reopen={{ message: '' }}
      />,
    );
  });

  app.get('/compte/signalements', { schema: { hide: true } }, async (request, reply) => {
    if (!request.viewer)
      return reply.redirect(`/connexion?retour=${encodeURIComponent('/compte/signalements')}`, 303);
    const [mine, followed] = await Promise.all([
      myReports(core, request.viewer),
      followedReports(core, request.viewer),
    ]);
    return reply.page(<MyReportsPage ctx={reply.ctx()} mine={mine} followed={followed} />);
  });
}

/** The answers to the category's questions that the public may read (choices and numbers). */
async function publicAnswers(core: CoreServices, report: PublicReport, locale: Locale): Promise<AnswerRow[]> {
  const category = await getCategory(core, report.categoryId);
  return answerRows(category?.extraQuestions ?? [], report.attributes, 'public', locale);
}

/** A local path to come back to, never another site. */
function safeReturn(value: unknown, fallback: string): string {
  return typeof value === 'string' &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.includes('\\')
    ? value
    : fallback;
}

function registerFollowAndFeedback(app: App, core: CoreServices) {
  const signInFirst = (reply: FastifyReply, back: string) =>
    reply.redirect(`/connexion?retour=${encodeURIComponent(back)}`, 303);

  const loadReport = async (request: FastifyRequest) => {
    const { reference } = request.params as { reference: string };
    const report = await getPublicReport(core, reference, request.viewer);
    if (!report) throw new NotFoundError();
    return report;
  };

  app.post('/signalements/:reference/suivre', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadReport(request);
    const here = `/signalements/${encodeURIComponent(report.reference)}`;
    if (!request.viewer) return signInFirst(reply, here);
    const form = readPostedForm(request);
    const back = safeReturn(one(form, 'retour'), here);
    const follow = one(form, 'follow') !== '0';
    try {
      if (follow) await followReport(core, request.viewer, report.id, request.actor());
      else await unfollowReport(core, request.viewer, report.id, request.actor());
    } catch (error) {
      if (error instanceof DomainError && error.status === 422)
        return reply.redirectWithFlash(back, error.code);
      throw error;
    }
    return reply.redirectWithFlash(
      back,
      follow ? 'reports.public.follow.followed' : 'reports.public.follow.unfollowed',
    );
  });

  app.post('/signalements/:reference/rouvrir', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadReport(request);
    const here = `/signalements/${encodeURIComponent(report.reference)}`;
    if (!request.viewer) return signInFirst(reply, here);
    const message = oneRaw(readPostedForm(request), 'message').trim();
    const answers = await publicAnswers(core, report, request.locale);
    const refuse = (key: string) =>
      reply.page(
        <ReportPage
          ctx={reply.ctx()}
          report={report}
          answers={answers}
          reopen={{ message }}
          errors={{ message: key }}
        />,
        422,
      );
    if (!message) return refuse('reports.public.reopen.message_required');
    try {
      await reopenReport(core, request.viewer, report.id, message, request.actor());
    } catch (error) {
      if (error instanceof ValidationError) return refuse(Object.values(error.fields)[0] ?? error.code);
      if (error instanceof DomainError && error.status === 422) return refuse(error.code);
      throw error;
    }
    return reply.redirectWithFlash(here, 'reports.public.reopen.done');
  });

  app.post('/signalements/:reference/avis', { schema: { hide: true } }, async (request, reply) => {
    const report = await loadReport(request);
    const here = `/signalements/${encodeURIComponent(report.reference)}`;
    if (!request.viewer) return signInFirst(reply, here);
    const answer = one(readPostedForm(request), 'satisfied');
    if (answer !== 'yes' && answer !== 'no') return reply.redirect(here, 303);
    try {
      await rateFix(core, request.viewer, report.id, answer === 'yes', request.actor());
    } catch (error) {
      if (error instanceof DomainError && error.status === 422)
        return reply.redirectWithFlash(here, error.code);
      throw error;
    }
    return reply.redirectWithFlash(here, 'reports.public.rate.thanks');
  });
}

// ——— JSON for the map script ———

const BBox = Type.Object({
  minLat: Type.Number(),
  minLon: Type.Number(),
  maxLat: Type.Number(),
  maxLon: Type.Number(),
});

const ClustersQuery = Type.Object({
  minLat: Type.Number({ minimum: -90, maximum: 90 }),
  minLon: Type.Number({ minimum: -180, maximum: 180 }),
  maxLat: Type.Number({ minimum: -90, maximum: 90 }),
  maxLon: Type.Number({ minimum: -180, maximum: 180 }),
  zoom: Type.Integer({ minimum: 0, maximum: 22 }),
  categoryId: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(Type.String({ maxLength: 32 })),
  arrondissement: Type.Optional(Type.String({ maxLength: 16 })),
  from: Type.Optional(Type.String({ maxLength: 10 })),
  to: Type.Optional(Type.String({ maxLength: 10 })),
});

const ClustersResponse = Type.Object({
  clusters: Type.Array(
    Type.Object({
      lat: Type.Number(),
      lon: Type.Number(),
      count: Type.Integer(),
      id: Type.Optional(Type.String()),
      reference: Type.Optional(Type.String()),
      url: Type.Optional(Type.String()),
      bbox: BBox,
    }),
  ),
});

function registerClustersApi(app: App, core: CoreServices) {
  app.get(
    '/api/signalements/clusters',
    {
      schema: {
        tags: ['reports'],
        summary: 'Public reports in a box, grouped in clusters at low zoom (one point each when zoomed in)',
        querystring: ClustersQuery,
        response: { 200: ClustersResponse },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const { filters } = parseListFilters(q as unknown as Query);
      const result = await mapClusters(core, {
        bbox: { minLat: q.minLat, minLon: q.minLon, maxLat: q.maxLat, maxLon: q.maxLon },
        zoom: q.zoom,
        filters,
      });
      reply.header('cache-control', 'public, max-age=60');
      return {
        clusters: result.clusters.map((c) => ({
          lat: c.lat,
          lon: c.lon,
          count: c.count,
          ...(c.id ? { id: c.id } : {}),
          ...(c.reference
            ? { reference: c.reference, url: `/signalements/${encodeURIComponent(c.reference)}` }
            : {}),
          bbox: c.bbox,
        })),
      };
    },
  );
}
