/**
 * Citizen-side and shared report use cases: submit, nearby duplicates, public views, map
 * clusters, follow, "my reports", photo files. Permission checks and audit live here; SQL in
 * reports.store.ts; rules in domain/.
 */
import { type Actor, recordAudit } from '../../core/audit/audit.js';
import type { Viewer } from '../../core/auth/viewer.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../core/http/errors.js';
import { isLocale, type Locale } from '../../core/i18n/i18n.js';
import type { CoreServices } from '../../core/services.js';
import { type CategoryTreeView, listCategoryTree, type StoredCategory } from './categories.service.js';
import { explainRouting } from './domain/categories.js';
import { boundingBox, gridCellSize, haversineMetres, isValidLatLon } from './domain/geo.js';
import type { ExtraQuestion } from './domain/open311.js';
import { DEFAULT_REFERENCE_PREFIX, formatReference, parseReference } from './domain/reference.js';
import { routeReport } from './domain/routing.js';
import {
  isReportState,
  OPEN_STATES,
  PUBLIC_STATES,
  REOPEN_WINDOW_DAYS,
  type ReportState,
} from './domain/workflow.js';
import { levelForZoom, refreshMapCells, selectMapCellClusters } from './map-cells.js';
import { notifyReportCreated } from './notifications.js';
import {
  deletePhotoFile,
  MAX_PHOTOS,
  PhotoError,
  processPhoto,
  readPhotoFile,
  storePhotoFile,
} from './photos.js';
import * as store from './reports.store.js';
import './reports.tables.js';

export interface ReportPhotoUpload {
  filename: string;
  mimetype: string;
  data: Buffer;
}

export interface SubmitReportInput {
  categoryId: string;
  lat: number;
  lon: number;
  address?: string;
  description: string;
  photos?: ReportPhotoUpload[];
  attributes?: Record<string, string | string[]>;
  /**
   * Kept with the answers as given, for the agents only (no question asks them): an Open311
   * client's `media_url` links and FixMyStreet fields. Never shown in public.
   */
  clientAttributes?: Record<string, string[]>;
  /** `locale`: the site's language when reporting; mail to a reporter without an account uses it. */
  reporter: { userId?: string | null; name?: string; email?: string; phone?: string; locale?: Locale };
  channel: 'web' | 'open311' | 'backoffice';
  idempotencyKey?: string;
  apiKeyId?: string;
}

export interface SubmitReportResult {
  id: string;
  reference: string;
  /** false when the idempotency key matched an earlier report (double click, retried request). */
  created: boolean;
}

export interface NearbyReport {
  id: string;
  reference: string;
  categoryLabel: string;
  state: ReportState;
  address: string;
  createdAt: Date;
  distanceMetres: number;
}

export interface ReportFilters {
  categoryId?: string;
  states?: string[];
  arrondissementCode?: string;
  from?: Date;
  to?: Date;
  bbox?: { minLat: number; minLon: number; maxLat: number; maxLon: number };
}

export interface PublicReportSummary {
  id: string;
  reference: string;
  categoryId: string;
  /** "Propreté › Dépôt sauvage". */
  categoryLabel: string;
  state: ReportState;
  address: string;
  arrondissementCode: string | null;
  arrondissementName: string | null;
  lat: number;
  lon: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface PublicReportPhoto {
  id: string;
  kind: 'initial' | 'after_fix';
  width: number;
  height: number;
  /** `/signalements/photos/<id>` */
  url: string;
}

export interface PublicReportEvent {
  at: Date;
  kind: string;
  /** Event data without any personal field (no actor name, no reporter contact). */
  data: Record<string, unknown>;
}

export interface PublicReport extends PublicReportSummary {
  description: string;
  quartierCode: string | null;
  quartierName: string | null;
  serviceId: string | null;
  serviceName: string | null;
  /** Why it went where it went: see domain explainRouting (key + parts for the i18n sentence). */
  routing: Record<string, unknown>;
  attributes: Record<string, unknown>;
  closedAt: Date | null;
  photos: PublicReportPhoto[];
  timeline: PublicReportEvent[];
  followerCount: number;
  /** The viewer follows this report. */
  following: boolean;
  /** The viewer is the reporter. */
  isReporter: boolean;
  /** The viewer may say "still not fixed" (reporter, done, ≤ 30 days). */
  canReopen: boolean;
  /** The viewer may answer "fixed well?" (reporter, done, not answered yet). */
  canRate: boolean;
  canFollow: boolean;
}

export interface MapClusterQuery {
  bbox: { minLat: number; minLon: number; maxLat: number; maxLon: number };
  zoom: number;
  filters: ReportFilters;
}

export interface MapCluster {
  lat: number;
  lon: number;
  count: number;
  /** Set when the cluster is a single report. */
  id?: string;
  reference?: string;
  bbox: { minLat: number; minLon: number; maxLat: number; maxLon: number };
}

/** Limits of the free text. Open311 clients may send up to 4,000 characters (GeoReport practice). */
export const MAX_DESCRIPTION = 2000;
export const MAX_DESCRIPTION_OPEN311 = 4000;
export const MAX_ADDRESS = 300;
export const MAX_NAME = 100;
export const MAX_EMAIL = 254;
export const MAX_PHONE = 30;
export const MAX_IDEMPOTENCY_KEY = 200;
export const NEARBY_RADIUS_METRES = 50;
const MAX_STRING_ATTRIBUTE = 1000;
const MAX_TEXT_ATTRIBUTE = 4000;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const PHONE = /^\+?[0-9 ().-]{6,30}$/;

/**
 * A form error whose message needs parameters (e.g. the city's name in
 * `reports.submit.outside_city`): `fieldParams[field]` goes with `fields[field]` to `t()`.
 */
export class ReportValidationError extends ValidationError {
  constructor(
    fields: Record<string, string>,
    readonly fieldParams: Record<string, Record<string, string | number>> = {},
  ) {
    super(fields);
    this.name = 'ReportValidationError';
  }
}

/** Line breaks normalised, control characters dropped (tabs and newlines kept), trimmed. */
export function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
      .trim()
  );
}

function cleanLine(text: string | undefined): string {
  return cleanText(text ?? '').replace(/\s+/g, ' ');
}

// Built once: constructing a DateTimeFormat costs about a millisecond (seen in profiles).
const PARIS_YEAR = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Paris', year: 'numeric' });
let knownYear: { year: number; until: number } | null = null;

/** Year of the reference, in the city's time zone (a report at 00:30 on 1 January is next year's). */
function referenceYear(now: Date): number {
  // Formatting is still a tenth of a millisecond: the answer is kept for a minute when the year
  // is the same a minute later (so never across New Year).
  const t = now.getTime();
  if (knownYear && t >= knownYear.until - 60_000 && t < knownYear.until) return knownYear.year;
  const year = Number(PARIS_YEAR.format(now));
  knownYear = Number(PARIS_YEAR.format(t + 60_000)) === year ? { year, until: t + 60_000 } : null;
  return year;
}

function checkAttributes(
  questions: readonly ExtraQuestion[],
  given: Record<string, string | string[]>,
  errors: Record<string, string>,
): Record<string, string | number | string[]> {
  const out: Record<string, string | number | string[]> = {};
  for (const q of [...questions].sort((a, b) => a.order - b.order)) {
    if (q.variable === false) continue;
    const field = `attributes.${q.code}`;
    const raw = given[q.code];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .map((v) => (typeof v === 'string' ? cleanText(v) : ''))
      .filter((v) => v !== '');
    if (values.length === 0) {
      if (q.required) errors[field] = 'reports.submit.attribute_required';
      continue;
    }
    const allowed = new Set((q.values ?? []).map((v) => v.key));
    if (q.datatype !== 'multivaluelist' && values.length > 1) {
      errors[field] = 'reports.submit.attribute_bad_value';
      continue;
    }
    const value = values[0]!;
    switch (q.datatype) {
      case 'number': {
        const n = /^-?\d+([.,]\d+)?$/.test(value) ? Number(value.replace(',', '.')) : Number.NaN;
        if (Number.isFinite(n)) out[q.code] = n;
        else errors[field] = 'reports.submit.attribute_bad_value';
        break;
      }
      case 'datetime': {
        const date = new Date(value);
        if (Number.isNaN(date.getTime())) errors[field] = 'reports.submit.attribute_bad_value';
        else out[q.code] = date.toISOString();
        break;
      }
      case 'singlevaluelist':
        if (allowed.has(value)) out[q.code] = value;
        else errors[field] = 'reports.submit.attribute_bad_value';
        break;
      case 'multivaluelist':
        if (values.every((v) => allowed.has(v))) out[q.code] = [...new Set(values)];
        else errors[field] = 'reports.submit.attribute_bad_value';
        break;
      default: {
        const max = q.datatype === 'text' ? MAX_TEXT_ATTRIBUTE : MAX_STRING_ATTRIBUTE;
        if ([...value].length > max) errors[field] = 'reports.submit.attribute_too_long';
        else out[q.code] = value;
      }
    }
  }
  return out;
}

class DuplicateSubmission extends Error {}

/**
 * Check, route and store a new report; the same rules for the site, Open311 and the back office.
 * Every problem of the input is reported at once (ReportValidationError, fields named after the
 * input: categoryId, location, description, address, name, email, phone, photos,
 * attributes.<code>). A repeated idempotency key returns the first report (created: false).
 */
export async function submitReport(
  core: CoreServices,
  input: SubmitReportInput,
  actor: Actor,
): Promise<SubmitReportResult> {
  const idempotencyKey = input.idempotencyKey?.trim().slice(0, MAX_IDEMPOTENCY_KEY) || null;
  if (idempotencyKey) {
    const existing = await store.findReportIdByIdempotencyKey(core.db, idempotencyKey);
    if (existing) return { ...existing, created: false };
  }

  const errors: Record<string, string> = {};
  const fieldParams: Record<string, Record<string, string | number>> = {};

  const view = await listCategoryTree(core);
  const category = input.categoryId ? view.byId.get(input.categoryId) : undefined;
  if (!input.categoryId) errors.categoryId = 'reports.submit.category_required';
  else if (!category) errors.categoryId = 'reports.submit.category_unknown';
  else if (!category.selectable) {
    errors.categoryId =
      category.childIds.length > 0 && category.active
        ? 'reports.submit.category_not_leaf'
        : 'reports.submit.category_inactive';
  }

  const lat = input.lat;
  const lon = input.lon;
  const pointValid = typeof lat === 'number' && typeof lon === 'number' && isValidLatLon(lat, lon);
  let located: Record<string, { id: string; code: string; name: string } | null> = {};
  if (!pointValid) errors.location = 'reports.submit.bad_point';
  else {
    located = await core.areas.locate({ lat, lon });
    // A city with no district layer imported accepts any point; otherwise it must be in a district.
    if (located[core.config.city.districtLayer] === null) {
      errors.location = 'reports.submit.outside_city';
      fieldParams.location = { city: core.config.city.shortName };
    }
  }

  const description = cleanText(typeof input.description === 'string' ? input.description : '');
  const maxDescription = input.channel === 'open311' ? MAX_DESCRIPTION_OPEN311 : MAX_DESCRIPTION;
  if ([...description].length > maxDescription) {
    errors.description = 'reports.submit.description_too_long';
    fieldParams.description = { max: maxDescription };
  }
  const address = cleanLine(input.address);
  if (address.length > MAX_ADDRESS) errors.address = 'reports.submit.address_too_long';
  const name = cleanLine(input.reporter.name);
  if (name.length > MAX_NAME) errors.name = 'reports.submit.name_too_long';
  const email = cleanLine(input.reporter.email).toLowerCase();
  if (email !== '' && (email.length > MAX_EMAIL || !EMAIL.test(email)))
    errors.email = 'reports.submit.bad_email';
  const phone = cleanLine(input.reporter.phone);
  if (phone !== '' && !PHONE.test(phone)) errors.phone = 'reports.submit.bad_phone';

  const answers = category ? checkAttributes(category.extraQuestions, input.attributes ?? {}, errors) : {};
  const attributes: Record<string, string | number | string[]> = {};
  for (const [code, values] of Object.entries(input.clientAttributes ?? {}).slice(0, 20)) {
    const kept = values
      .map((value) => cleanLine(value).slice(0, MAX_STRING_ATTRIBUTE))
      .filter(Boolean)
      .slice(0, 10);
    if (kept.length > 0) attributes[code.slice(0, 100)] = kept.length === 1 ? kept[0]! : kept;
  }
  // The category's own questions win over a client field of the same code.
  Object.assign(attributes, answers);

  const uploads = input.photos ?? [];
  const processed: Awaited<ReturnType<typeof processPhoto>>[] = [];
  if (uploads.length > MAX_PHOTOS) {
    errors.photos = 'reports.photos.too_many';
    fieldParams.photos = { max: MAX_PHOTOS };
  } else {
    for (const upload of uploads) {
      try {
        processed.push(await processPhoto(upload.data));
      } catch (error) {
        if (!(error instanceof PhotoError)) throw error;
        errors.photos = error.code;
        fieldParams.photos = { name: cleanLine(upload.filename).slice(0, 100) };
        break;
      }
    }
  }
  if (Object.keys(errors).length > 0) throw new ReportValidationError(errors, fieldParams);
  const chosen = category as StoredCategory;

  // Routing: the category's default service narrowed by the areas of the point.
  const district = located[core.config.city.districtLayer] ?? null;
  const quartier = located.quartiers ?? null;
  const others = Object.entries(located)
    .filter(([layer, area]) => area && layer !== core.config.city.districtLayer && layer !== 'quartiers')
    .map(([, area]) => area!);
  const pointAreas = [...others, ...(quartier ? [quartier] : []), ...(district ? [district] : [])];
  const services = view.services;
  const decision = routeReport({
    defaultServiceId: chosen.effectiveServiceId,
    services: services.map((s) => ({
      id: s.id,
      code: s.code,
      directorateId: s.directorate_id,
      areaIds: s.area_ids,
      active: s.active,
    })),
    pointAreaIds: pointAreas.map((area) => area.id),
  });
  const service = services.find((s) => s.id === decision.serviceId) ?? null;
  const matchedArea = pointAreas.find((area) => area.id === decision.matchedAreaId) ?? null;
  const explanation = service
    ? explainRouting({
        categoryPath: chosen.path,
        areaName: matchedArea?.name ?? null,
        serviceName: service.name,
      })
    : null;
  const routing = {
    reason: decision.reason,
    serviceId: decision.serviceId,
    serviceCode: service?.code ?? null,
    matchedAreaId: decision.matchedAreaId,
    explanation,
  };

  const photoStatus = core.config.city.reports.photoReview ? 'pending' : 'accepted';
  const storageKeys: string[] = [];
  try {
    for (const photo of processed) storageKeys.push(await storePhotoFile(core.config.dataDir, photo.jpeg));
    // Outside the report's transaction: see allocateSequence (no lock held while it runs).
    const year = referenceYear(new Date());
    const sequence = await store.allocateSequence(core.database, year);
    const reference = formatReference({ prefix: DEFAULT_REFERENCE_PREFIX, year, sequence });
    const result = await core.db.transaction().execute(async (tx) => {
      const inserted = await store.insertReport(tx, {
        reference,
        category_id: chosen.id,
        service_id: decision.serviceId,
        state: 'new',
        description,
        address,
        lat: lat as number,
        lon: lon as number,
        arrondissement_code: district?.code ?? null,
        arrondissement_name: district?.name ?? null,
        quartier_code: quartier?.code ?? null,
        quartier_name: quartier?.name ?? null,
        area_ids: pointAreas.map((area) => area.id),
        routing,
        channel: input.channel,
        reporter_user_id: input.reporter.userId ?? null,
        reporter_name: name,
        reporter_email: email,
        reporter_phone: phone,
        reporter_locale: isLocale(input.reporter.locale) ? input.reporter.locale : null,
        attributes,
        api_key_id: input.apiKeyId ?? null,
        idempotency_key: idempotencyKey,
      });
      // Someone else's transaction holds this key: roll back ours (its number stays unused).
      if (!inserted) throw new DuplicateSubmission();
      await store.insertEvents(tx, [
        {
          report_id: inserted.id,
          kind: 'received',
          actor_id: actor.userId,
          public: true,
          data: { channel: input.channel },
        },
        {
          report_id: inserted.id,
          kind: 'routed',
          actor_id: null,
          public: true,
          data: { ...routing, serviceName: service?.name ?? null },
        },
      ]);
      for (const [i, photo] of processed.entries()) {
        await store.insertPhoto(tx, {
          report_id: inserted.id,
          kind: 'initial',
          status: photoStatus,
          storage_key: storageKeys[i]!,
          width: photo.width,
          height: photo.height,
          bytes: photo.jpeg.length,
        });
      }
      await recordAudit(tx, actor, {
        action: 'reports.report.submitted',
        objectType: 'report_report',
        objectId: inserted.id,
        details: {
          reference,
          categoryId: chosen.id,
          serviceId: decision.serviceId,
          reason: decision.reason,
          channel: input.channel,
          photos: processed.length,
        },
      });
      return { id: inserted.id, reference };
    });
    // No e-mail and no account: nobody to write to, no need to look.
    if (email !== '' || input.reporter.userId) await notifyReportCreated(core, result.id);
    return { ...result, created: true };
  } catch (error) {
    await Promise.all(storageKeys.map((key) => deletePhotoFile(core.config.dataDir, key)));
    if (error instanceof DuplicateSubmission && idempotencyKey) {
      const existing = await store.findReportIdByIdempotencyKey(core.db, idempotencyKey);
      if (existing) return { ...existing, created: false };
    }
    throw error;
  }
}

function toSummary(view: CategoryTreeView, row: store.ReportSummaryRecord): PublicReportSummary {
  return {
    id: row.id,
    reference: row.reference,
    categoryId: row.category_id,
    categoryLabel: view.byId.get(row.category_id)?.pathLabel ?? row.category_id,
    state: row.state as ReportState,
    address: row.address,
    arrondissementCode: row.arrondissement_code,
    arrondissementName: row.arrondissement_name,
    lat: row.location.y,
    lon: row.location.x,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Open reports of the same category within the radius (50 m), nearest first. */
export async function findNearbyOpenReports(
  core: CoreServices,
  q: { categoryId: string; lat: number; lon: number; radiusMetres?: number },
): Promise<NearbyReport[]> {
  const radius = q.radiusMetres ?? NEARBY_RADIUS_METRES;
  if (!isValidLatLon(q.lat, q.lon) || !(radius > 0 && radius <= 1000)) return [];
  const centre = { lat: q.lat, lon: q.lon };
  const rows = await store.selectInBox(core.db, {
    box: boundingBox(centre, radius),
    states: OPEN_STATES.filter((state) => PUBLIC_STATES.includes(state)),
    categoryId: q.categoryId,
  });
  const view = await listCategoryTree(core);
  return rows
    .map((row) => ({ row, distance: haversineMetres(centre, { lat: row.location.y, lon: row.location.x }) }))
    .filter(({ distance }) => distance <= radius)
    .sort((a, b) => a.distance - b.distance)
    .map(({ row, distance }) => ({
      id: row.id,
      reference: row.reference,
      categoryLabel: view.byId.get(row.category_id)?.pathLabel ?? row.category_id,
      state: row.state as ReportState,
      address: row.address,
      createdAt: row.created_at,
      distanceMetres: Math.round(distance),
    }));
}

function photoUrl(id: string): string {
  return `/signalements/photos/${id}`;
}

/** Event data keys that could name a person (or a contractor, shown to agents only); never in public. */
const PRIVATE_EVENT_KEY = /email|phone|name$|reporter|actor|agent|user|thirdParty/i;
/** Service names are public (the agent's name is not): "Transféré au service X". */
const PUBLIC_NAME_KEYS = new Set(['serviceName', 'fromServiceName', 'toServiceName']);

function publicEventData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data ?? {}).filter(([key]) => PUBLIC_NAME_KEYS.has(key) || !PRIVATE_EVENT_KEY.test(key)),
  );
}

/** The public page of a report: no name, e-mail or phone; public events; photos once accepted. */
export async function getPublicReport(
  core: CoreServices,
  idOrReference: string,
  viewer: Viewer | null,
): Promise<PublicReport | null> {
  const key = store.isUuid(idOrReference) ? idOrReference : parseReference(idOrReference);
  if (!key) return null;
  const lookup =
    typeof key === 'string'
      ? key
      : formatReference({ prefix: key.prefix, year: key.year, sequence: key.sequence });
  const row = await store.selectReport(core.db, lookup);
  if (!row || !isReportState(row.state) || !PUBLIC_STATES.includes(row.state)) return null;
  const statuses = core.config.city.reports.photoReview
    ? (['accepted'] as const)
    : (['accepted', 'pending'] as const);
  const [view, events, photos, followers] = await Promise.all([
    listCategoryTree(core),
    store.selectPublicEvents(core.db, row.id),
    store.selectPhotos(core.db, row.id, statuses),
    store.followerInfo(core.db, row.id, viewer?.id ?? null),
  ]);
  const isReporter = !!viewer && row.reporter_user_id === viewer.id;
  const withinReopenWindow =
    !!row.closed_at && Date.now() - row.closed_at.getTime() <= REOPEN_WINDOW_DAYS * 24 * 3600 * 1000;
  return {
    ...toSummary(view, row),
    description: row.description,
    quartierCode: row.quartier_code,
    quartierName: row.quartier_name,
    serviceId: row.service_id,
    serviceName: row.service_name,
    routing: row.routing,
    attributes: row.attributes,
    closedAt: row.closed_at,
    photos: photos.map((p) => ({ ...p, url: photoUrl(p.id) })),
    timeline: events.map((e) => ({ at: e.at, kind: e.kind, data: publicEventData(e.data) })),
    followerCount: followers.count,
    following: followers.following,
    isReporter,
    canReopen: isReporter && row.state === 'done' && withinReopenWindow,
    canRate: isReporter && row.state === 'done' && row.satisfied === null,
    canFollow: !!viewer,
  };
}

function toQuery(view: CategoryTreeView, f: ReportFilters): store.ReportQuery {
  const states = f.states?.length ? PUBLIC_STATES.filter((s) => f.states!.includes(s)) : [...PUBLIC_STATES];
  let categoryIds: string[] | undefined;
  if (f.categoryId) {
    // A category stands for its whole subtree.
    categoryIds = [];
    const visit = (id: string) => {
      categoryIds!.push(id);
      for (const child of view.byId.get(id)?.childIds ?? []) visit(child);
    };
    if (view.byId.has(f.categoryId)) visit(f.categoryId);
  }
  return {
    states,
    categoryIds,
    arrondissementCode: f.arrondissementCode || undefined,
    from: f.from,
    to: f.to,
    bbox: f.bbox,
  };
}

export const MAX_PAGE_SIZE = 100;

/** Public reports, newest first. */
export async function listPublicReports(
  core: CoreServices,
  filters: ReportFilters,
  page: { page: number; pageSize: number },
): Promise<{ items: PublicReportSummary[]; total: number }> {
  const view = await listCategoryTree(core);
  const pageSize = Math.min(Math.max(Math.trunc(page.pageSize) || 20, 1), MAX_PAGE_SIZE);
  const pageNumber = Math.max(Math.trunc(page.page) || 1, 1);
  const { rows, total } = await store.selectReportPage(core.db, toQuery(view, filters), {
    offset: (pageNumber - 1) * pageSize,
    limit: pageSize,
  });
  return { items: rows.map((row) => toSummary(view, row)), total };
}

/** Server-side grid clusters of the public reports in the visible box; single points carry their reference. */
export async function mapClusters(
  core: CoreServices,
  q: MapClusterQuery,
): Promise<{ clusters: MapCluster[] }> {
  const { bbox } = q;
  if (
    !isValidLatLon(bbox.minLat, bbox.minLon) ||
    !isValidLatLon(bbox.maxLat, bbox.maxLon) ||
    bbox.minLat > bbox.maxLat ||
    bbox.minLon > bbox.maxLon
  ) {
    throw new DomainError('reports.geo.bad_point', 400);
  }
  // One grid for every request (the city's latitude), so cells counted ahead can be reused.
  const refLat = core.config.city.map.center[0];
  const cell = gridCellSize(q.zoom, refLat);
  const view = await listCategoryTree(core);
  const query = toQuery(view, q.filters);
  let rows: store.ClusterRecord[];
  if (
    levelForZoom(q.zoom) !== null &&
    !query.categoryIds &&
    !query.arrondissementCode &&
    !query.from &&
    !query.to
  ) {
    // The usual map (any states, no other filter): cells counted ahead (map-cells.ts).
    await refreshMapCells(core.db, refLat);
    rows = await selectMapCellClusters(core.db, { zoom: q.zoom, refLat, bbox, states: query.states });
  } else {
    rows = await store.selectClusters(core.db, { ...query, bbox }, cell);
  }
  return {
    clusters: rows.map((row) => ({
      lat: micro(row.lat),
      lon: micro(row.lon),
      count: row.count,
      ...(row.id ? { id: row.id, reference: row.reference ?? undefined } : {}),
      bbox: {
        minLat: micro(row.min_lat),
        minLon: micro(row.min_lon),
        maxLat: micro(row.max_lat),
        maxLon: micro(row.max_lon),
      },
    })),
  };
}

/** Six decimals of a degree (~0.1 m): means and sums carry fifteen, which only weigh on the wire. */
function micro(degrees: number): number {
  return Math.round(degrees * 1e6) / 1e6;
}

async function followableReport(core: CoreServices, viewer: Viewer | null, reportId: string) {
  if (!viewer) throw new DomainError('reports.follow.sign_in_required', 401);
  const report = await store.selectReportState(core.db, reportId);
  if (!report) throw new NotFoundError();
  return { viewer, report };
}

export async function followReport(
  core: CoreServices,
  viewer: Viewer | null,
  reportId: string,
  actor: Actor,
): Promise<void> {
  const { viewer: who, report } = await followableReport(core, viewer, reportId);
  if (!isReportState(report.state) || !PUBLIC_STATES.includes(report.state)) {
    throw new DomainError('reports.follow.not_public', 422);
  }
  await core.db.transaction().execute(async (tx) => {
    if (!(await store.insertFollower(tx, report.id, who.id))) return;
    await recordAudit(tx, actor, {
      action: 'reports.report.followed',
      objectType: 'report_report',
      objectId: report.id,
    });
  });
}

export async function unfollowReport(
  core: CoreServices,
  viewer: Viewer | null,
  reportId: string,
  actor: Actor,
): Promise<void> {
  const { viewer: who, report } = await followableReport(core, viewer, reportId);
  await core.db.transaction().execute(async (tx) => {
    if (!(await store.deleteFollower(tx, report.id, who.id))) return;
    await recordAudit(tx, actor, {
      action: 'reports.report.unfollowed',
      objectType: 'report_report',
      objectId: report.id,
    });
  });
}

/** The viewer's own reports, every state, newest first. */
export async function myReports(core: CoreServices, viewer: Viewer | null): Promise<PublicReportSummary[]> {
  if (!viewer) throw new ForbiddenError();
  const [view, rows] = await Promise.all([
    listCategoryTree(core),
    store.selectReportsOfUser(core.db, viewer.id),
  ]);
  return rows.map((row) => toSummary(view, row));
}

/** Public reports the viewer follows, most recently followed first. */
export async function followedReports(
  core: CoreServices,
  viewer: Viewer | null,
): Promise<PublicReportSummary[]> {
  if (!viewer) throw new ForbiddenError();
  const [view, rows] = await Promise.all([
    listCategoryTree(core),
    store.selectFollowedReports(core.db, viewer.id, PUBLIC_STATES),
  ]);
  return rows.map((row) => toSummary(view, row));
}

/**
 * A photo's JPEG: to anyone once accepted (or at once when the city does not review photos) on a
 * public report; otherwise only to agents of the report's service (and admins).
 */
export async function photoFile(
  core: CoreServices,
  photoId: string,
  viewer: Viewer | null,
): Promise<{ data: Buffer; contentType: string } | null> {
  const photo = await store.selectPhotoWithReport(core.db, photoId);
  if (!photo) return null;
  const published =
    photo.status === 'accepted' || (photo.status === 'pending' && !core.config.city.reports.photoReview);
  const publicReport = isReportState(photo.state) && PUBLIC_STATES.includes(photo.state);
  const visible =
    (published && publicReport) ||
    (photo.service_id !== null && core.permissions.can(viewer, 'reports.internal.read', photo.service_id)) ||
    !!viewer?.isAdmin;
  if (!visible) return null;
  const data = await readPhotoFile(core.config.dataDir, photo.storage_key);
  return data ? { data, contentType: 'image/jpeg' } : null;
}
