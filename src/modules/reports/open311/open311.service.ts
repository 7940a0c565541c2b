/**
 * Open311 use cases over the reports module: services are the selectable categories, requests are
 * the public reports (by reference), creation goes through `submitReport` exactly like the site,
 * status updates from a client go through the agent workflow (`actOnReport`).
 *
 * Decisions (see the module report):
 * - We are `realtime`: POST returns the reference at once; tokens are never issued, so
 *   GET /tokens/<token> is always 404.
 * - Open311 has no interactive duplicate step: the report is still created, and the response's
 *   `service_notice` names the nearby open report of the same category (50 m), as the site shows.
 * - `media_url`: kept as the `media_url` attribute for the agents, and fetched once by a job that
 *   makes it a photo of the report, pending review like an uploaded one (media.ts).
 * - `address_string` alone cannot be placed (no geocoder): 400 asking for lat/long.
 */
import type { Actor } from '../../../core/audit/audit.js';
import type { Config } from '../../../core/config/config.js';
import type { Translate } from '../../../core/i18n/i18n.js';
import type { CoreServices } from '../../../core/services.js';
import { listCategoryTree, type StoredCategory } from '../categories.service.js';
import {
  buildDiscovery,
  buildServiceDefinition,
  buildServiceList,
  type O311Document,
  type Open311PublicRequest,
  type Open311Service,
  type Open311Update,
  type ParsedServiceRequest,
} from '../domain/open311.js';
import {
  isClosedState,
  open311ExtendedStatus,
  type RejectionKind,
  type ReportState,
} from '../domain/workflow.js';
import { reportsInBox } from '../map-cells.js';
import { MAX_PHOTOS } from '../photos.js';
import { REJECTION_REASONS } from '../reports.agent.service.js';
import { findNearbyOpenReports, type ReportPhotoUpload, submitReport } from '../reports.service.js';
import { type MediaJob, OPEN311_MEDIA_JOB } from './media.js';
import {
  type BBox,
  categoriesChangeset,
  type Open311EventRow,
  type Open311RequestRow,
} from './open311.store.js';

/** Dates in the city's time zone, like the rest of the site. */
export const OPEN311_TIME_ZONE = 'Europe/Paris';
export const OPEN311_BASE_PATH = '/open311/v2';

/** The jurisdiction of this single-city server: PUBLIC_URL's host without `www.` (spec convention). */
export function jurisdictionOf(config: Config): string {
  return new URL(config.publicUrl).hostname.replace(/^www\./, '');
}

type Open311ServiceList = {
  services: (Open311Service & { category: StoredCategory })[];
  byCode: Map<string, StoredCategory>;
};

// Built once per category tree (every POST looks its service up here).
const servicesOfTree = new WeakMap<object, Open311ServiceList>();

/** Selectable categories as Open311 services, with their questions, in tree order. */
export async function open311Services(core: CoreServices): Promise<Open311ServiceList> {
  const view = await listCategoryTree(core);
  const cached = servicesOfTree.get(view);
  if (cached) return cached;
  const topLevel = (category: StoredCategory): StoredCategory => {
    let current = category;
    for (let guard = 0; current.parentId && guard < 10; guard++) {
      const parent = view.byId.get(current.parentId);
      if (!parent) break;
      current = parent;
    }
    return current;
  };
  const services = view.categories
    .filter((category) => category.selectable)
    .map((category) => ({
      code: category.id,
      name: category.label,
      description: category.pathLabel,
      metadata: category.extraQuestions.length > 0,
      type: 'realtime' as const,
      keywords: category.aliases,
      group: topLevel(category).label,
      category,
    }));
  const list = { services, byCode: new Map(services.map((service) => [service.code, service.category])) };
  servicesOfTree.set(view, list);
  return list;
}

export async function discoveryDocument(core: CoreServices, t: Translate): Promise<O311Document> {
  const changed = (await categoriesChangeset(core.db)) ?? new Date(0);
  const { config } = core;
  return buildDiscovery(
    {
      changeset: changed,
      contact: config.city.contactEmail,
      keyService: t('reports.open311.discovery.key_service', { email: config.city.contactEmail }),
      endpoints: [
        {
          url: `${config.publicUrl}${OPEN311_BASE_PATH}`,
          changeset: changed,
          type: config.env === 'production' ? 'production' : 'test',
          formats: ['xml', 'json'],
        },
      ],
      maxRequests: 1000,
    },
    OPEN311_TIME_ZONE,
  );
}

export async function serviceListDocument(core: CoreServices): Promise<O311Document> {
  const { services } = await open311Services(core);
  return buildServiceList(services);
}

/** The definition of a service, or null when the code is not a selectable category. */
export async function serviceDefinitionDocument(
  core: CoreServices,
  code: string,
): Promise<O311Document | null> {
  const { byCode } = await open311Services(core);
  const category = byCode.get(code);
  return category ? buildServiceDefinition(category.id, category.extraQuestions) : null;
}

const STATUS_NOTES: Record<Exclude<ReportState, 'archived'>, string> = {
  new: 'reports.open311.status_notes.new',
  to_process: 'reports.open311.status_notes.to_process',
  scheduled: 'reports.open311.status_notes.scheduled',
  transferred_third_party: 'reports.open311.status_notes.transferred_third_party',
  done: 'reports.open311.status_notes.done',
  rejected: 'reports.open311.status_notes.rejected',
  duplicate: 'reports.open311.status_notes.duplicate',
  watched: 'reports.open311.status_notes.watched',
};

const DAY_MS = 86_400_000;

/** A stored report as the public Open311 model: no field for the reporter exists there. */
export function toPublicRequest(
  row: Open311RequestRow,
  t: Translate,
  publicUrl: string,
): Open311PublicRequest {
  const open = !isClosedState(row.state);
  const expected =
    open && row.scheduledFor
      ? row.scheduledFor
      : open && row.targetDays
        ? new Date(row.createdAt.getTime() + row.targetDays * DAY_MS)
        : null;
  const notesKey = row.state === 'archived' ? null : STATUS_NOTES[row.state];
  return {
    id: row.reference,
    state: row.state,
    rejectionKind: REJECTION_REASONS.find((reason) => reason.code === row.reasonCode)?.kind ?? null,
    statusNotes: notesKey ? t(notesKey) : null,
    serviceName: row.categoryLabel,
    serviceCode: row.categoryId,
    description: row.description === '' ? null : row.description,
    agencyResponsible: row.serviceName,
    serviceNotice: null,
    requestedAt: row.createdAt,
    updatedAt: row.updatedAt,
    closedAt: row.closedAt,
    expectedAt: expected,
    address: row.address === '' ? null : row.address,
    addressId: null,
    zipcode: null,
    lat: row.lat,
    long: row.lon,
    mediaUrl: row.photoId ? `${publicUrl}/signalements/photos/${row.photoId}` : null,
  };
}

export interface CreatedRequest {
  reference: string;
  created: boolean;
  /** Reference of an open report of the same category within 50 m, if any. */
  nearbyReference: string | null;
}

/**
 * Creates the report through the site's own use case (routing, duplicates check, photos,
 * notifications, audit). The API key's id is kept on the report.
 */
export async function createOpen311Request(
  core: CoreServices,
  parsed: ParsedServiceRequest & { lat: number; long: number },
  media: ReportPhotoUpload[],
  apiKey: { id: string; name: string },
  actor: Actor,
): Promise<CreatedRequest> {
  // Looked up while the report is made (another connection): the notice needs no wait of its own.
  const nearbyLookup = findNearbyOpenReports(core, {
    categoryId: parsed.serviceCode,
    lat: parsed.lat,
    lon: parsed.long,
    radiusMetres: 50,
  });
  // A failed submission must not leave this promise's rejection unhandled.
  nearbyLookup.catch(() => {});
  const attributes: Record<string, string | string[]> = {};
  for (const [code, value] of Object.entries(parsed.attributes)) {
    attributes[code] = Array.isArray(value) ? value : String(value);
  }
  // The links stay with the report for the agents; a job fetches the pictures (media.ts).
  const mediaUrls = parsed.mediaUrls.slice(0, MAX_PHOTOS);
  const clientAttributes: Record<string, string[]> = { ...parsed.extraAttributes };
  if (mediaUrls.length > 0) clientAttributes.media_url = mediaUrls;
  const name = [parsed.contact.firstName, parsed.contact.lastName].filter(Boolean).join(' ');
  const result = await submitReport(
    core,
    {
      categoryId: parsed.serviceCode,
      lat: parsed.lat,
      lon: parsed.long,
      address: parsed.addressString ?? undefined,
      description: parsed.description ?? '',
      photos: media,
      attributes,
      clientAttributes,
      reporter: {
        userId: null,
        name: name || undefined,
        email: parsed.contact.email ?? undefined,
        phone: parsed.contact.phone ?? undefined,
      },
      channel: 'open311',
      apiKeyId: apiKey.id,
    },
    actor,
  );
  // Room for the linked pictures next to the uploaded ones; each fetched once, in the background.
  if (result.created) {
    for (const url of mediaUrls.slice(0, Math.max(0, MAX_PHOTOS - media.length))) {
      try {
        await core.jobs.send<MediaJob>(OPEN311_MEDIA_JOB, { reportId: result.id, url }, { retryLimit: 2 });
      } catch {
        // The report is made; a link that cannot be fetched only stays a link (audit in media.ts).
      }
    }
  }
  const nearby = await nearbyLookup;
  const other = nearby.find((report) => report.reference !== result.reference);
  return { reference: result.reference, created: result.created, nearbyReference: other?.reference ?? null };
}

/**
 * Public timeline events as mySociety `request_update`s, oldest first: the receipt (OPEN), each
 * status change with its own status (REOPEN for a reopening), and each public message with the
 * status the report had then (the last change seen in the window, else its status now). Routing,
 * assignment and photo reviews are not updates for a client.
 */
export function toOpen311Updates(events: readonly Open311EventRow[]): Open311Update[] {
  const lastStatus = new Map<string, Open311Update['status']>();
  const updates: Open311Update[] = [];
  for (const event of events) {
    const data = event.data;
    let status: Open311Update['status'] | null = null;
    if (event.kind === 'received') status = 'OPEN';
    else if (event.kind === 'status_changed') {
      const to = typeof data.to === 'string' ? (data.to as ReportState) : null;
      const reasonKind = (
        typeof data.reasonKind === 'string' ? data.reasonKind : null
      ) as RejectionKind | null;
      status = data.action === 'reopen' ? 'REOPEN' : to ? open311ExtendedStatus(to, reasonKind) : null;
    } else if (event.kind === 'message') {
      status = lastStatus.get(event.reportReference) ?? open311ExtendedStatus(event.reportState, null);
    }
    if (!status) continue;
    lastStatus.set(event.reportReference, status);
    const text = [data.note, data.text, data.message].find(
      (value): value is string => typeof value === 'string' && value.trim() !== '',
    );
    updates.push({
      updateId: event.id,
      serviceRequestId: event.reportReference,
      status,
      updatedAt: event.at,
      description: text ?? null,
      mediaUrl: null,
    });
  }
  return updates;
}

/** The most reports a box search reads newest first before it asks the spatial index instead. */
const MAX_NEWEST_FIRST_SCAN = 50_000;

/**
 * How to search a box for the newest `needed` reports (see SearchPlan in open311.store.ts): read
 * the newest reports and keep those in the box when that reads fewer rows than the box holds,
 * i.e. when inBox² > needed × total (about inBox / total of what is read is kept; three times
 * that, for safety). Estimated from the map's counted cells; none yet: the spatial index.
 */
export async function planBoxSearch(
  core: CoreServices,
  bbox: BBox,
  needed: number,
): Promise<{ newestFirstScan: number | null }> {
  const counts = await reportsInBox(core.db, bbox, core.config.city.map.center[0]);
  if (!counts || counts.inBox <= 0 || counts.inBox ** 2 <= needed * counts.total) {
    return { newestFirstScan: null };
  }
  const scan = Math.ceil((3 * needed * counts.total) / counts.inBox);
  return { newestFirstScan: scan > MAX_NEWEST_FIRST_SCAN ? null : Math.max(scan, needed) };
}
