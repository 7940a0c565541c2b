/**
 * Citizen-side and shared report use cases: submit, nearby duplicates, public views, map
 * clusters, follow, "my reports", photo files. Permission checks and audit live here; SQL in
 * reports.store.ts; rules in domain/.
 */
import type { Actor } from '../../core/audit/audit.js';
import type { Viewer } from '../../core/auth/viewer.js';
import type { CoreServices } from '../../core/services.js';
import type { ReportState } from './domain/workflow.js';
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
  reporter: { userId?: string | null; name?: string; email?: string; phone?: string };
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

export async function submitReport(
  _core: CoreServices,
  _input: SubmitReportInput,
  _actor: Actor,
): Promise<SubmitReportResult> {
  throw new Error('not implemented');
}

export async function findNearbyOpenReports(
  _core: CoreServices,
  _q: { categoryId: string; lat: number; lon: number; radiusMetres?: number },
): Promise<NearbyReport[]> {
  throw new Error('not implemented');
}

export async function getPublicReport(
  _core: CoreServices,
  _idOrReference: string,
  _viewer: Viewer | null,
): Promise<PublicReport | null> {
  throw new Error('not implemented');
}

export async function listPublicReports(
  _core: CoreServices,
  _filters: ReportFilters,
  _page: { page: number; pageSize: number },
): Promise<{ items: PublicReportSummary[]; total: number }> {
  throw new Error('not implemented');
}

export async function mapClusters(
  _core: CoreServices,
  _q: MapClusterQuery,
): Promise<{ clusters: MapCluster[] }> {
  throw new Error('not implemented');
}

export async function followReport(
  _core: CoreServices,
  _viewer: Viewer | null,
  _reportId: string,
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function unfollowReport(
  _core: CoreServices,
  _viewer: Viewer | null,
  _reportId: string,
  _actor: Actor,
): Promise<void> {
  throw new Error('not implemented');
}

export async function myReports(_core: CoreServices, _viewer: Viewer | null): Promise<PublicReportSummary[]> {
  throw new Error('not implemented');
}

export async function followedReports(
  _core: CoreServices,
  _viewer: Viewer | null,
): Promise<PublicReportSummary[]> {
  throw new Error('not implemented');
}

export async function photoFile(
  _core: CoreServices,
  _photoId: string,
  _viewer: Viewer | null,
): Promise<{ data: Buffer; contentType: string } | null> {
  throw new Error('not implemented');
}
