/**
 * Pure routing decision: which service receives a report.
 *
 * The rule (after DansMaRue, reports.md §4, simplified):
 * 1. The category gives a default service (`fk_id_unit` → org_service).
 * 2. Optional "major" services (e.g. green spaces in a park) win when one of their areas
 *    contains the point — only when the caller passes `majorServiceIds`.
 * 3. The default service is narrowed to its **family**: the active services of the same
 *    directorate as the default service (the default one included) whose `areaIds` contain one of
 *    the point's areas. The most specific wins: the one matching the earliest area in
 *    `pointAreaIds` (callers list the point's areas most specific first: sector, quartier,
 *    arrondissement), then the one covering fewer areas, then the smallest code.
 * 4. No family member covers the point → the default service itself, when it is active
 *    (reason says whether it covers the whole city or the point lies outside its sector, so
 *    agents can requalify). DansMaRue raises a routing error there; we prefer a queue.
 * 5. No default service, unknown or inactive with no sector → no service (`serviceId: null`):
 *    the report waits in the triage queue.
 * An empty `areaIds` means "the whole city" (org_service.area_ids default).
 */

export interface RoutingService {
  id: string;
  code: string;
  directorateId: string;
  /** Areas (any layer) covered; empty = the whole city. */
  areaIds: readonly string[];
  active: boolean;
}

export type RoutingReason =
  | 'major_sector'
  | 'default_service_covers_point'
  | 'sector_in_directorate'
  | 'default_service_citywide'
  | 'default_service_outside_sector'
  | 'default_service_inactive'
  | 'default_service_unknown'
  | 'no_default_service';

export interface RoutingDecision {
  serviceId: string | null;
  reason: RoutingReason;
  /** The area of the point that selected the service, when an area did. */
  matchedAreaId: string | null;
}

export interface RoutingInput {
  /** The category's default service id (resolved from its code), or null. */
  defaultServiceId: string | null;
  services: readonly RoutingService[];
  /** Areas containing the point, most specific first. */
  pointAreaIds: readonly string[];
  /** Services whose sectors take precedence over the category (opt-in). */
  majorServiceIds?: readonly string[];
}

interface Candidate {
  service: RoutingService;
  rank: number;
  areaId: string;
}

function bestCandidate(
  services: readonly RoutingService[],
  pointAreaIds: readonly string[],
): Candidate | null {
  const candidates: Candidate[] = [];
  for (const service of services) {
    if (!service.active || service.areaIds.length === 0) continue;
    const covered = new Set(service.areaIds);
    const rank = pointAreaIds.findIndex((areaId) => covered.has(areaId));
    if (rank >= 0) candidates.push({ service, rank, areaId: pointAreaIds[rank]! });
  }
  candidates.sort(
    (a, b) =>
      a.rank - b.rank ||
      a.service.areaIds.length - b.service.areaIds.length ||
      a.service.code.localeCompare(b.service.code) ||
      a.service.id.localeCompare(b.service.id),
  );
  return candidates[0] ?? null;
}

export function routeReport(input: RoutingInput): RoutingDecision {
  const { services, pointAreaIds } = input;

  if (input.majorServiceIds && input.majorServiceIds.length > 0) {
    const majors = new Set(input.majorServiceIds);
    const major = bestCandidate(
      services.filter((service) => majors.has(service.id)),
      pointAreaIds,
    );
    if (major) return { serviceId: major.service.id, reason: 'major_sector', matchedAreaId: major.areaId };
  }

  if (!input.defaultServiceId) return { serviceId: null, reason: 'no_default_service', matchedAreaId: null };
  const fallback = services.find((service) => service.id === input.defaultServiceId);
  if (!fallback) return { serviceId: null, reason: 'default_service_unknown', matchedAreaId: null };

  const family = services.filter((service) => service.directorateId === fallback.directorateId);
  const sector = bestCandidate(family, pointAreaIds);
  if (sector) {
    return {
      serviceId: sector.service.id,
      reason: sector.service.id === fallback.id ? 'default_service_covers_point' : 'sector_in_directorate',
      matchedAreaId: sector.areaId,
    };
  }
  if (!fallback.active) return { serviceId: null, reason: 'default_service_inactive', matchedAreaId: null };
  return {
    serviceId: fallback.id,
    reason: fallback.areaIds.length === 0 ? 'default_service_citywide' : 'default_service_outside_sector',
    matchedAreaId: null,
  };
}
