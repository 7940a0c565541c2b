/**
 * Use cases of the implementation tracking: agents move a winner through its statuses, set
 * its progress, abandon it with a public reason and record dated milestones with photos;
 * citizens follow a winner, read its page and comment on it; everyone sees the map and list
 * of the winners being built. Permission checks and audit here; SQL in tracking.store.ts;
 * rules in tracking.domain.ts.
 */
import { type Actor, recordAudit } from '../../../core/audit/audit.js';
import type { Viewer } from '../../../core/auth/viewer.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../../core/http/errors.js';
import type { PermissionRule } from '../../../core/permissions/permissions.js';
import type { CoreServices } from '../../../core/services.js';
import type { ImplementationStatus } from '../budget.tables.js';
import * as campaigns from '../proposals/campaigns.store.js';
import { notifyTrackingChange, type TrackingChange } from './notifications.js';
import {
  deleteMilestonePhoto,
  type ProcessedPhoto,
  processMilestonePhoto,
  readMilestonePhoto,
  storeMilestonePhoto,
} from './photos.js';
import {
  allowedTargets,
  type CheckedMilestone,
  checkMilestone,
  checkMilestoneEdit,
  checkStatusUpdate,
  cityToday,
  cleanText,
  effectiveStatus,
  isLate,
  MAX_PHOTOS,
  type MilestoneInput,
  parseDay,
} from './tracking.domain.js';
import * as store from './tracking.store.js';

export const MANAGE_PERMISSION = 'budget.tracking.manage';

/**
 * budget.tracking.manage. Resource `{ directorateId }`: admins, and agents of that directorate
 * (members of any of its services); a project with no directorate is the admins'. Without a
 * resource: may this person manage any winner at all (admins and agents)?
 */
export const canManageTracking: PermissionRule = (viewer, resource) => {
  if (!viewer) return false;
  if (viewer.isAdmin) return true;
  if (resource === undefined) return viewer.memberships.length > 0;
  const directorateId = (resource as { directorateId?: string | null } | null)?.directorateId ?? null;
  return directorateId !== null && viewer.memberships.some((m) => m.directorateId === directorateId);
};

export interface PhotoUpload {
  filename: string;
  data: Buffer;
}

export const MAX_COMMENT = 2000;
/** The map of winners draws at most this many points. */
export const MAX_MAP_POINTS = 3000;
export const MAX_PAGE_SIZE = 100;

// ---- shared lookups ---------------------------------------------------------------------

async function projectOrNotFound(core: CoreServices, projectId: string): Promise<store.ProjectRecord> {
  const project = await store.selectProject(core.db, projectId);
  if (!project) throw new NotFoundError();
  return project;
}

/** The project, once the viewer may manage it; only winners are tracked. */
async function managedWinner(
  core: CoreServices,
  viewer: Viewer | null,
  projectId: string,
): Promise<{ viewer: Viewer; project: store.ProjectRecord }> {
  const project = await projectOrNotFound(core, projectId);
  core.permissions.assert(viewer, MANAGE_PERMISSION, { directorateId: project.directorate_id });
  if (project.selected !== true) throw new DomainError('budget.tracking.errors.not_winner', 422);
  return { viewer, project };
}

function auditDetails(project: store.ProjectRecord) {
  return { campaign: project.campaign_slug, number: project.number };
}

// ---- status and progress ----------------------------------------------------------------

export interface StatusFormInput {
  status: string;
  progress: string;
  reason?: string;
}

/**
 * Moves a winner on (studies → works → delivered) or abandons it with a reason, and sets its
 * progress. Field errors: status, progress, reason. Returns false when nothing changed.
 */
export async function updateProjectStatus(
  core: CoreServices,
  viewer: Viewer | null,
  projectId: string,
  input: StatusFormInput,
  actor: Actor,
): Promise<boolean> {
  const { viewer: agent, project } = await managedWinner(core, viewer, projectId);
  const result = await core.db.transaction().execute(async (tx) => {
    const locked = await store.lockProject(tx, project.id);
    if (locked?.selected !== true) throw new DomainError('budget.tracking.errors.not_winner', 422);
    const { update, errors } = checkStatusUpdate({
      from: locked.implementation_status,
      fromProgress: locked.progress_percent,
      to: input.status,
      progress: input.progress,
      reason: input.reason,
    });
    if (!update) throw new ValidationError(errors);
    if (!update.changed) return null;
    await store.updateProjectTracking(tx, project.id, {
      status: update.to,
      progress: update.progress,
      ...(update.to === 'abandoned' ? { abandonedReason: update.reason } : {}),
    });
    await store.insertStatusChange(tx, {
      projectId: project.id,
      from: locked.implementation_status,
      to: update.to,
      progress: update.progress,
      reason: update.reason,
      actorUserId: agent.id,
    });
    await recordAudit(tx, actor, {
      action: update.to === 'abandoned' ? 'budget.tracking.abandoned' : 'budget.tracking.status_changed',
      objectType: 'budget_project',
      objectId: project.id,
      details: {
        ...auditDetails(project),
        from: locked.implementation_status,
        to: update.to,
        progressFrom: locked.progress_percent,
        progress: update.progress,
        ...(update.reason ? { reason: update.reason } : {}),
      },
    });
    return update;
  });
  if (!result) return false;
  // Followers hear of a new status; a progress tweak alone is shown on the page, not mailed.
  if (result.to !== result.from) {
    await notifyTrackingChange(
      core,
      project.id,
      { kind: 'status', to: result.to, progress: result.progress, reason: result.reason },
      { exceptUserId: agent.id },
    );
  }
  return true;
}

/** Abandons a winner; the reason is public and required. */
export function abandonProject(
  core: CoreServices,
  viewer: Viewer | null,
  projectId: string,
  reason: string,
  actor: Actor,
): Promise<boolean> {
  return updateProjectStatus(core, viewer, projectId, { status: 'abandoned', progress: '', reason }, actor);
}

// ---- milestones -------------------------------------------------------------------------

export interface MilestoneFormInput extends Omit<MilestoneInput, 'photoCount'> {
  photos: PhotoUpload[];
}

/**
 * Records a dated milestone (reached, or planned) with up to three photos. A reached one may
 * move the project on and set its progress. Field errors: date, kind, title, description,
 * status, progress, photos. Followers and credited authors are mailed.
 */
export async function addMilestone(
  core: CoreServices,
  viewer: Viewer | null,
  projectId: string,
  input: MilestoneFormInput,
  actor: Actor,
  now: Date = new Date(),
): Promise<string> {
  const { viewer: agent, project } = await managedWinner(core, viewer, projectId);
  const today = cityToday(now);
  const first = checkMilestone(
    { ...input, photoCount: input.photos.length },
    { status: project.implementation_status, progress: project.progress_percent },
    today,
  );
  const errors = { ...first.errors };
  const processed: ProcessedPhoto[] = [];
  if (!errors.photos) {
    for (const upload of input.photos.slice(0, MAX_PHOTOS)) {
      const result = await processMilestonePhoto(upload.data);
      if ('error' in result) {
        errors.photos = result.error;
        break;
      }
      processed.push(result.photo);
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);

  const keys: string[] = [];
  try {
    for (const photo of processed) keys.push(await storeMilestonePhoto(core.config.dataDir, photo.jpeg));
    const saved = await core.db.transaction().execute(async (tx) => {
      const locked = await store.lockProject(tx, project.id);
      if (locked?.selected !== true) throw new DomainError('budget.tracking.errors.not_winner', 422);
      // Checked again against the locked row: another agent may have moved the project meanwhile.
      const { milestone, errors: again } = checkMilestone(
        { ...input, photoCount: processed.length },
        { status: locked.implementation_status, progress: locked.progress_percent },
        today,
      );
      if (!milestone) throw new ValidationError(again);
      const milestoneId = await store.insertMilestone(tx, {
        projectId: project.id,
        occurredOn: milestone.occurredOn,
        reached: milestone.reached,
        title: milestone.title,
        description: milestone.description,
        statusTo: milestone.statusTo,
        progressAfter: milestone.progress,
        createdBy: agent.id,
        at: now,
      });
      for (const [position, photo] of processed.entries()) {
        await store.insertMilestonePhoto(tx, {
          milestoneId,
          storageKey: keys[position] as string,
          width: photo.width,
          height: photo.height,
          bytes: photo.jpeg.length,
          position,
        });
      }
      const status = milestone.statusTo ?? effectiveStatus(locked.implementation_status);
      const progress = milestone.progress ?? locked.progress_percent;
      const moved =
        milestone.reached && (milestone.statusTo !== null || progress !== locked.progress_percent);
      if (moved) {
        await store.updateProjectTracking(tx, project.id, { status, progress });
        await store.insertStatusChange(tx, {
          projectId: project.id,
          from: locked.implementation_status,
          to: status,
          progress,
          milestoneId,
          actorUserId: agent.id,
          at: now,
        });
      }
      await recordAudit(tx, actor, {
        action: 'budget.tracking.milestone_added',
        objectType: 'budget_project',
        objectId: project.id,
        details: {
          ...auditDetails(project),
          milestoneId,
          date: milestone.occurredOn,
          reached: milestone.reached,
          title: milestone.title,
          photos: processed.length,
          ...(moved ? { from: locked.implementation_status, to: status, progress } : {}),
        },
      });
      return { milestoneId, milestone };
    });
    await notifyMilestone(core, project.id, saved.milestone, agent.id);
    return saved.milestoneId;
  } catch (error) {
    await Promise.all(keys.map((key) => deleteMilestonePhoto(core.config.dataDir, key)));
    throw error;
  }
}

function notifyMilestone(core: CoreServices, projectId: string, m: CheckedMilestone, exceptUserId: string) {
  const change: TrackingChange = {
    kind: 'milestone',
    title: m.title,
    description: m.description,
    day: m.occurredOn,
    reached: m.reached,
    statusTo: m.statusTo,
    progress: m.reached ? m.progress : null,
  };
  return notifyTrackingChange(core, projectId, change, { exceptUserId });
}

/** A planned milestone happened: it becomes reached on the given day (today or before). Field error: date. */
export async function markMilestoneReached(
  core: CoreServices,
  viewer: Viewer | null,
  milestoneId: string,
  dayText: string,
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  const found = store.isUuid(milestoneId)
    ? await core.db
        .selectFrom('budget_milestone')
        .select('project_id')
        .where('id', '=', milestoneId)
        .executeTakeFirst()
    : undefined;
  if (!found) throw new NotFoundError();
  const { viewer: agent, project } = await managedWinner(core, viewer, found.project_id);
  const today = cityToday(now);
  const day = parseDay(dayText);
  if (!dayText.trim()) throw new ValidationError({ reachedOn: 'budget.tracking.errors.date_required' });
  if (!day) throw new ValidationError({ reachedOn: 'budget.tracking.errors.date_invalid' });
  if (day > today) throw new ValidationError({ reachedOn: 'budget.tracking.errors.reached_in_future' });
  const reached = await core.db.transaction().execute(async (tx) => {
    const milestone = await store.lockMilestone(tx, milestoneId);
    if (!milestone) throw new NotFoundError();
    if (milestone.reached) return null;
    await store.markMilestoneReached(tx, milestoneId, day);
    await recordAudit(tx, actor, {
      action: 'budget.tracking.milestone_reached',
      objectType: 'budget_project',
      objectId: project.id,
      details: { ...auditDetails(project), milestoneId, date: day, title: milestone.title },
    });
    return milestone;
  });
  if (!reached) return;
  const description =
    (
      await core.db
        .selectFrom('budget_milestone')
        .select('description')
        .where('id', '=', milestoneId)
        .executeTakeFirst()
    )?.description ?? '';
  await notifyMilestone(
    core,
    project.id,
    {
      occurredOn: day,
      reached: true,
      title: reached.title,
      description,
      statusTo: null,
      progress: project.progress_percent,
    },
    agent.id,
  );
}

// ---- correcting and deleting a milestone -------------------------------------------------
//
// Followers are NOT mailed when a milestone is edited or deleted: they were told when it was
// added (or reached), and a correction is only shown on the public page. Both are audited.

export interface MilestoneEditFormInput {
  date: string;
  title: string;
  description: string;
  /** Photos to remove (the ticked boxes); ids of other milestones' photos are ignored. */
  removePhotoIds: string[];
  /** New photos, added after the kept ones. */
  photos: PhotoUpload[];
}

/** The milestone's project, once the viewer may manage it. */
async function managedMilestone(core: CoreServices, viewer: Viewer | null, milestoneId: string) {
  const projectId = await store.selectMilestoneProjectId(core.db, milestoneId);
  if (!projectId) throw new NotFoundError();
  return managedWinner(core, viewer, projectId);
}

/**
 * Corrects a milestone: its date, title, description and photos (remove some, add some; three
 * at most in all). Its kind, and the status and progress a reached one set, stay as they were.
 * Field errors: date, title, description, photos. Removed photos lose their row and their file.
 * Followers are not mailed again (see above). Returns false when nothing changed.
 */
export async function editMilestone(
  core: CoreServices,
  viewer: Viewer | null,
  milestoneId: string,
  input: MilestoneEditFormInput,
  actor: Actor,
  now: Date = new Date(),
): Promise<boolean> {
  const { project } = await managedMilestone(core, viewer, milestoneId);
  const today = cityToday(now);
  const check = async (db: typeof core.db, photoCount: (existing: number) => number) => {
    const current = await store.lockMilestone(db, milestoneId);
    if (current?.project_id !== project.id) throw new NotFoundError();
    const existing = await store.selectPhotoFiles(db, milestoneId);
    const removed = existing.filter((p) => input.removePhotoIds.includes(p.id));
    const kept = existing.filter((p) => !input.removePhotoIds.includes(p.id));
    const result = checkMilestoneEdit(
      { ...input, photoCount: photoCount(kept.length) },
      { reached: current.reached, occurredOn: current.occurred_on },
      today,
    );
    return { current, removed, kept, ...result };
  };

  const first = await check(core.db, (kept) => kept + input.photos.length);
  const errors = { ...first.errors };
  const processed: ProcessedPhoto[] = [];
  if (!errors.photos) {
    for (const upload of input.photos.slice(0, MAX_PHOTOS)) {
      const result = await processMilestonePhoto(upload.data);
      if ('error' in result) {
        errors.photos = result.error;
        break;
      }
      processed.push(result.photo);
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);

  const keys: string[] = [];
  try {
    for (const photo of processed) keys.push(await storeMilestonePhoto(core.config.dataDir, photo.jpeg));
    const removedKeys = await core.db.transaction().execute(async (tx) => {
      // Checked again on the locked row: another agent may have changed its photos meanwhile.
      const {
        current,
        removed,
        kept,
        milestone,
        errors: again,
      } = await check(tx, (count) => count + processed.length);
      if (!milestone) throw new ValidationError(again);
      const changed = [
        ...(milestone.occurredOn !== current.occurred_on ? ['date'] : []),
        ...(milestone.title !== current.title ? ['title'] : []),
        ...(milestone.description !== current.description ? ['description'] : []),
      ];
      if (changed.length === 0 && removed.length === 0 && processed.length === 0) return null;
      if (changed.length > 0) await store.updateMilestone(tx, milestoneId, milestone);
      await store.deletePhotos(
        tx,
        removed.map((p) => p.id),
      );
      for (const [index, photo] of kept.entries()) {
        if (photo.position !== index) await store.setPhotoPosition(tx, photo.id, index);
      }
      for (const [index, photo] of processed.entries()) {
        await store.insertMilestonePhoto(tx, {
          milestoneId,
          storageKey: keys[index] as string,
          width: photo.width,
          height: photo.height,
          bytes: photo.jpeg.length,
          position: kept.length + index,
        });
      }
      await recordAudit(tx, actor, {
        action: 'budget.tracking.milestone_edited',
        objectType: 'budget_project',
        objectId: project.id,
        details: {
          ...auditDetails(project),
          milestoneId,
          changed,
          ...(changed.includes('date') ? { dateFrom: current.occurred_on, date: milestone.occurredOn } : {}),
          ...(changed.includes('title') ? { titleFrom: current.title, title: milestone.title } : {}),
          photosRemoved: removed.length,
          photosAdded: processed.length,
        },
      });
      return removed.map((p) => p.storage_key);
    });
    if (!removedKeys) {
      await Promise.all(keys.map((key) => deleteMilestonePhoto(core.config.dataDir, key)));
      return false;
    }
    // The rows are gone with the transaction: the files can go too.
    await Promise.all(removedKeys.map((key) => deleteMilestonePhoto(core.config.dataDir, key)));
    return true;
  } catch (error) {
    await Promise.all(keys.map((key) => deleteMilestonePhoto(core.config.dataDir, key)));
    throw error;
  }
}

/**
 * Deletes a milestone with its photos (rows and files). A status change it carried stays in
 * the project's history, as does the project's status and progress. Audited; followers are not
 * mailed (see above).
 */
export async function deleteMilestone(
  core: CoreServices,
  viewer: Viewer | null,
  milestoneId: string,
  actor: Actor,
): Promise<void> {
  const { project } = await managedMilestone(core, viewer, milestoneId);
  const keys = await core.db.transaction().execute(async (tx) => {
    const milestone = await store.lockMilestone(tx, milestoneId);
    if (milestone?.project_id !== project.id) throw new NotFoundError();
    const photos = await store.selectPhotoFiles(tx, milestoneId);
    await store.deleteMilestone(tx, milestoneId);
    await recordAudit(tx, actor, {
      action: 'budget.tracking.milestone_deleted',
      objectType: 'budget_project',
      objectId: project.id,
      details: {
        ...auditDetails(project),
        milestoneId,
        date: milestone.occurred_on,
        reached: milestone.reached,
        title: milestone.title,
        photos: photos.length,
      },
    });
    return photos.map((p) => p.storage_key);
  });
  await Promise.all(keys.map((key) => deleteMilestonePhoto(core.config.dataDir, key)));
}

// ---- reading a winner's tracking ----------------------------------------------------------

export interface MilestoneView {
  id: string;
  occurredOn: string;
  reached: boolean;
  late: boolean;
  title: string;
  description: string;
  statusTo: ImplementationStatus | null;
  progressAfter: number | null;
  photos: { id: string; url: string; width: number; height: number }[];
}

export interface StatusChangeView {
  at: Date;
  from: ImplementationStatus | null;
  to: ImplementationStatus;
  progress: number;
  reason: string;
  /** Set when the change came with a milestone (shown with it, not twice). */
  milestoneId: string | null;
}

export interface Tracking {
  status: ImplementationStatus;
  progress: number;
  abandonedReason: string;
  milestones: MilestoneView[];
  history: StatusChangeView[];
}

export function photoUrl(photoId: string): string {
  return `/budget/realisations/photos/${photoId}`;
}

type TrackedColumns = Pick<
  store.ProjectRecord,
  'id' | 'implementation_status' | 'progress_percent' | 'abandoned_reason'
>;

async function trackingOf(core: CoreServices, project: TrackedColumns, now: Date): Promise<Tracking> {
  const today = cityToday(now);
  const [milestones, history] = await Promise.all([
    store.selectMilestones(core.db, project.id),
    store.selectStatusChanges(core.db, project.id),
  ]);
  const photos = await store.selectMilestonePhotos(
    core.db,
    milestones.map((m) => m.id),
  );
  return {
    status: effectiveStatus(project.implementation_status),
    progress: project.progress_percent,
    abandonedReason: project.abandoned_reason,
    milestones: milestones.map((m) => ({
      id: m.id,
      occurredOn: m.occurred_on,
      reached: m.reached,
      late: isLate({ reached: m.reached, occurredOn: m.occurred_on }, today),
      title: m.title,
      description: m.description,
      statusTo: m.status_to,
      progressAfter: m.progress_after,
      photos: photos
        .filter((p) => p.milestone_id === m.id)
        .map((p) => ({ id: p.id, url: photoUrl(p.id), width: p.width, height: p.height })),
    })),
    history: history.map((h) => ({
      at: h.created_at,
      from: h.from_status,
      to: h.to_status,
      progress: h.progress_percent,
      reason: h.reason,
      milestoneId: h.milestone_id,
    })),
  };
}

// ---- the public project page ------------------------------------------------------------

export interface ProjectPlace {
  address: string;
  arrondissementCode: string | null;
  arrondissementName: string | null;
  lat: number | null;
  lon: number | null;
}

/** What the published count says of one project (read from the vote part's stored results). */
export interface ProjectVoteResult {
  method: 'approval' | 'knapsack' | 'majority_judgment';
  /** Ballots counted in the project's envelope. */
  ballots: number;
  /** Ballots that chose it, or graded it above the lowest grade. */
  votes: number;
  rank: number;
  /** Projects in the envelope's count. */
  projectCount: number;
  selected: boolean;
  /** Majority judgment: judgments per grade, worst first (PARIS_GRADES order). */
  profile: number[] | null;
  /** Majority judgment: index of the majority grade in PARIS_GRADES. */
  majorityGrade: number | null;
}

interface StoredCount {
  ballots?: unknown;
  projects?: {
    id?: unknown;
    votes?: unknown;
    rank?: unknown;
    selected?: unknown;
    profile?: unknown;
    majorityGrade?: unknown;
  }[];
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The published result of a project, or null (not published, or a shape this code does not know). */
async function voteResultOf(
  core: CoreServices,
  campaignId: string,
  envelopeId: string,
  projectId: string,
): Promise<ProjectVoteResult | null> {
  const row = await store.selectPublishedResult(core.db, campaignId, envelopeId);
  if (!row) return null;
  const method = row.method;
  if (method !== 'approval' && method !== 'knapsack' && method !== 'majority_judgment') return null;
  const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as StoredCount | null;
  const projects = Array.isArray(data?.projects) ? data.projects : [];
  const mine = projects.find((p) => p?.id === projectId);
  if (!mine || !isCount(mine.votes) || !isCount(mine.rank)) return null;
  const profile =
    Array.isArray(mine.profile) && mine.profile.every(isCount) ? (mine.profile as number[]) : null;
  return {
    method,
    ballots: isCount(data?.ballots) ? data.ballots : Number(row.ballots),
    votes: mine.votes,
    rank: mine.rank,
    projectCount: projects.length,
    selected: mine.selected === true,
    profile: method === 'majority_judgment' ? profile : null,
    majorityGrade: method === 'majority_judgment' && isCount(mine.majorityGrade) ? mine.majorityGrade : null,
  };
}

export interface PublicProject {
  id: string;
  campaign: { slug: string; title: string };
  number: number;
  title: string;
  summary: string;
  theme: string;
  costCents: number;
  envelope: { label: string; kind: string; amountCents: number };
  directorateName: string | null;
  place: ProjectPlace;
  /** Display names of the credited authors; never an e-mail. */
  authors: string[];
  mergedProposals: { reference: string; title: string; href: string }[];
  /** null until the results are published. */
  selected: boolean | null;
  /** Votes or grades received, once the results are published. */
  voteResult: ProjectVoteResult | null;
  /** Winners only. */
  tracking: Tracking | null;
  followerCount: number;
  following: boolean;
  canFollow: boolean;
  canManage: boolean;
  comments: { id: string; author: string; body: string; at: Date }[];
}

/** A name of a district layer area ("5e arrondissement"), or null. */
async function arrondissementNames(core: CoreServices): Promise<Map<string, string>> {
  const layer = core.config.city.districtLayer;
  const areas = (await core.areas.listAreas()).filter((a) => a.layerId === layer);
  return new Map(areas.map((a) => [a.code, a.name]));
}

function visibleTo(viewer: Viewer | null, project: { campaign_published: boolean }): boolean {
  return project.campaign_published || !!viewer?.isAdmin;
}

/**
 * The public page of a project of a campaign (any project on the ballot, tracked once a
 * winner). Campaign, project, envelope and credits come from the proposals part's shared reads.
 */
export async function getPublicProject(
  core: CoreServices,
  campaignSlug: string,
  numberText: string,
  viewer: Viewer | null,
  now: Date = new Date(),
): Promise<PublicProject | null> {
  if (!/^\d{1,9}$/.test(numberText)) return null;
  const campaign = await campaigns.findCampaignBySlug(core.db, campaignSlug);
  if (!campaign || !visibleTo(viewer, { campaign_published: campaign.published })) return null;
  const project = await campaigns.findProject(core.db, campaign.id, Number(numberText));
  if (!project) return null;
  const [envelope, credits, directorateName, followers, comments, names, tracking, voteResult] =
    await Promise.all([
      campaigns.findEnvelope(core.db, campaign.id, project.envelopeId),
      campaigns.listProjectCredits(core.db, project.id),
      project.directorateId
        ? store.selectDirectorateName(core.db, project.directorateId)
        : Promise.resolve(null),
      store.followerInfo(core.db, project.id, viewer?.id ?? null),
      store.selectVisibleComments(core.db, project.id),
      arrondissementNames(core),
      project.selected === true
        ? trackingOf(
            core,
            {
              id: project.id,
              implementation_status: project.implementationStatus,
              progress_percent: project.progressPercent,
              abandoned_reason: project.abandonedReason,
            },
            now,
          )
        : Promise.resolve(null),
      voteResultOf(core, campaign.id, project.envelopeId, project.id),
    ]);
  const authors: string[] = [];
  for (const name of credits.flatMap((c) => c.authors.map((a) => a.trim()))) {
    if (name && !authors.includes(name)) authors.push(name);
  }
  const slug = encodeURIComponent(campaign.slug);
  return {
    id: project.id,
    campaign: { slug: campaign.slug, title: campaign.title },
    number: project.number,
    title: project.title,
    summary: project.summary,
    theme: project.theme,
    costCents: project.costCents,
    envelope: {
      label: envelope?.label ?? '',
      kind: envelope?.kind ?? 'city',
      amountCents: envelope?.amountCents ?? 0,
    },
    directorateName,
    place: placeOf(
      {
        address: project.address,
        arrondissement_code: project.arrondissementCode,
        location: project.location ? { x: project.location.lon, y: project.location.lat } : null,
      },
      names,
    ),
    authors,
    mergedProposals: credits.map((c) => ({
      reference: c.reference,
      title: c.title,
      href: `/budget/${slug}/propositions/${encodeURIComponent(c.reference)}`,
    })),
    selected: project.selected,
    voteResult,
    tracking,
    followerCount: followers.count,
    following: followers.following,
    canFollow: project.selected === true && campaign.published,
    canManage:
      project.selected === true &&
      core.permissions.can(viewer, MANAGE_PERMISSION, { directorateId: project.directorateId }),
    comments: comments.map((c) => ({ id: c.id, author: c.display_name, body: c.body, at: c.created_at })),
  };
}

function placeOf(
  project: { address: string; arrondissement_code: string | null; location: { x: number; y: number } | null },
  names: Map<string, string>,
): ProjectPlace {
  return {
    address: project.address,
    arrondissementCode: project.arrondissement_code,
    arrondissementName: project.arrondissement_code ? (names.get(project.arrondissement_code) ?? null) : null,
    lat: project.location ? project.location.y : null,
    lon: project.location ? project.location.x : null,
  };
}

// ---- follow -----------------------------------------------------------------------------

async function followable(core: CoreServices, viewer: Viewer | null, projectId: string) {
  if (!viewer) throw new DomainError('budget.tracking.follow.sign_in_required', 401);
  const project = await projectOrNotFound(core, projectId);
  if (!project.campaign_published) throw new NotFoundError();
  return { viewer, project };
}

export async function followProject(
  core: CoreServices,
  viewer: Viewer | null,
  projectId: string,
  actor: Actor,
): Promise<void> {
  const { viewer: who, project } = await followable(core, viewer, projectId);
  if (project.selected !== true) throw new DomainError('budget.tracking.follow.not_winner', 422);
  await core.db.transaction().execute(async (tx) => {
    if (!(await store.insertFollower(tx, project.id, who.id))) return;
    await recordAudit(tx, actor, {
      action: 'budget.tracking.followed',
      objectType: 'budget_project',
      objectId: project.id,
      details: auditDetails(project),
    });
  });
}

export async function unfollowProject(
  core: CoreServices,
  viewer: Viewer | null,
  projectId: string,
  actor: Actor,
): Promise<void> {
  const { viewer: who, project } = await followable(core, viewer, projectId);
  await core.db.transaction().execute(async (tx) => {
    if (!(await store.deleteFollower(tx, project.id, who.id))) return;
    await recordAudit(tx, actor, {
      action: 'budget.tracking.unfollowed',
      objectType: 'budget_project',
      objectId: project.id,
      details: auditDetails(project),
    });
  });
}

// ---- comments ---------------------------------------------------------------------------

/** A signed-in person comments on a project; shown at once (moderators may hide it). Field error: body. */
export async function commentOnProject(
  core: CoreServices,
  viewer: Viewer | null,
  projectId: string,
  bodyText: string,
  actor: Actor,
): Promise<string> {
  if (!viewer) throw new DomainError('budget.project.comments.sign_in_required', 401);
  const project = await projectOrNotFound(core, projectId);
  if (!project.campaign_published) throw new NotFoundError();
  const body = cleanText(bodyText);
  if (body === '') throw new ValidationError({ body: 'budget.project.comments.body_required' });
  if ([...body].length > MAX_COMMENT)
    throw new ValidationError({ body: 'budget.project.comments.body_too_long' });
  return core.db.transaction().execute(async (tx) => {
    const id = await store.insertComment(tx, {
      projectId: project.id,
      userId: viewer.id,
      displayName: viewer.displayName.trim().slice(0, 100),
      body,
    });
    await recordAudit(tx, actor, {
      action: 'budget.project.commented',
      objectType: 'budget_comment',
      objectId: id,
      details: { ...auditDetails(project), projectId: project.id },
    });
    return id;
  });
}

// ---- lists of winners -------------------------------------------------------------------

export interface WinnerFilterInput {
  campaign?: string;
  arrondissement?: string;
  status?: string;
  theme?: string;
}

export interface WinnerSummary {
  id: string;
  campaign: { slug: string; title: string };
  number: number;
  title: string;
  theme: string;
  href: string;
  arrondissementCode: string | null;
  arrondissementName: string | null;
  lat: number | null;
  lon: number | null;
  costCents: number;
  envelopeLabel: string;
  directorateName: string | null;
  status: ImplementationStatus;
  progress: number;
}

export interface WinnerFacets {
  campaigns: { slug: string; title: string }[];
  themes: string[];
  arrondissements: { code: string; name: string }[];
}

function toFilters(input: WinnerFilterInput): Omit<store.WinnerFilters, 'publishedOnly'> {
  const status = input.status?.trim();
  return {
    campaignSlug: input.campaign?.trim() || undefined,
    arrondissementCode: input.arrondissement?.trim() || undefined,
    status:
      status && ['studies', 'works', 'delivered', 'abandoned'].includes(status)
        ? (status as ImplementationStatus)
        : undefined,
    theme: input.theme?.trim() || undefined,
  };
}

function toSummary(row: store.WinnerRecord, names: Map<string, string>): WinnerSummary {
  return {
    id: row.id,
    campaign: { slug: row.campaign_slug, title: row.campaign_title },
    number: row.number,
    title: row.title,
    theme: row.theme,
    href: `/budget/${encodeURIComponent(row.campaign_slug)}/projets/${row.number}`,
    arrondissementCode: row.arrondissement_code,
    arrondissementName: row.arrondissement_code ? (names.get(row.arrondissement_code) ?? null) : null,
    lat: row.location ? row.location.y : null,
    lon: row.location ? row.location.x : null,
    costCents: row.cost_cents,
    envelopeLabel: row.envelope_label,
    directorateName: row.directorate_name,
    status: effectiveStatus(row.implementation_status),
    progress: row.progress_percent,
  };
}

/** Every winner since the first campaign (published campaigns), filtered, a page at a time, with the map's points. */
export async function listRealisations(
  core: CoreServices,
  input: WinnerFilterInput,
  page: { page: number; pageSize: number },
): Promise<{ items: WinnerSummary[]; total: number; points: WinnerSummary[]; facets: WinnerFacets }> {
  const filters = { ...toFilters(input), publishedOnly: true };
  const pageSize = Math.min(Math.max(Math.trunc(page.pageSize) || 20, 1), MAX_PAGE_SIZE);
  const pageNumber = Math.max(Math.trunc(page.page) || 1, 1);
  const [result, points, facets, names] = await Promise.all([
    store.selectWinnerPage(core.db, filters, { offset: (pageNumber - 1) * pageSize, limit: pageSize }),
    store.selectWinnerPoints(core.db, filters, MAX_MAP_POINTS),
    store.selectWinnerFacets(core.db, true),
    arrondissementNames(core),
  ]);
  return {
    items: result.rows.map((r) => toSummary(r, names)),
    total: result.total,
    points: points.map((r) => toSummary(r, names)),
    facets: {
      campaigns: facets.campaigns,
      themes: facets.themes,
      arrondissements: facets.arrondissements
        .map((code) => ({ code, name: names.get(code) ?? code }))
        .sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true })),
    },
  };
}

/** The winners the viewer follows. */
export async function followedProjects(core: CoreServices, viewer: Viewer | null): Promise<WinnerSummary[]> {
  if (!viewer) throw new ForbiddenError();
  const [rows, names] = await Promise.all([
    store.selectFollowedWinners(core.db, viewer.id),
    arrondissementNames(core),
  ]);
  return rows.map((r) => toSummary(r, names));
}

// ---- back office ------------------------------------------------------------------------

export interface AgentWinner extends WinnerSummary {
  lateMilestones: number;
  lastMilestoneOn: string | null;
}

/** The directorates whose winners the viewer manages; undefined = every one (admins). */
function managedDirectorates(viewer: Viewer): string[] | undefined {
  if (viewer.isAdmin) return undefined;
  return [...new Set(viewer.memberships.map((m) => m.directorateId))];
}

/** Winners of the viewer's directorates (all for admins), with late planned milestones. */
export async function agentWinners(
  core: CoreServices,
  viewer: Viewer | null,
  input: WinnerFilterInput & { late?: boolean },
  page: { page: number; pageSize: number },
  now: Date = new Date(),
): Promise<{ items: AgentWinner[]; total: number; facets: WinnerFacets }> {
  core.permissions.assert(viewer, MANAGE_PERMISSION);
  const today = cityToday(now);
  const filters: store.WinnerFilters = {
    ...toFilters(input),
    publishedOnly: false,
    directorateIds: managedDirectorates(viewer),
    lateOn: input.late ? today : undefined,
  };
  const pageSize = Math.min(Math.max(Math.trunc(page.pageSize) || 50, 1), MAX_PAGE_SIZE);
  const pageNumber = Math.max(Math.trunc(page.page) || 1, 1);
  const [result, facets, names] = await Promise.all([
    store.selectWinnerPage(core.db, filters, { offset: (pageNumber - 1) * pageSize, limit: pageSize }),
    store.selectWinnerFacets(core.db, false),
    arrondissementNames(core),
  ]);
  const ids = result.rows.map((r) => r.id);
  const [late, last] = await Promise.all([
    store.countLateMilestones(core.db, ids, today),
    store.lastReachedMilestones(core.db, ids),
  ]);
  return {
    items: result.rows.map((r) => ({
      ...toSummary(r, names),
      lateMilestones: late.get(r.id) ?? 0,
      lastMilestoneOn: last.get(r.id) ?? null,
    })),
    total: result.total,
    facets: {
      campaigns: facets.campaigns,
      themes: facets.themes,
      arrondissements: facets.arrondissements.map((code) => ({ code, name: names.get(code) ?? code })),
    },
  };
}

export interface AgentProject {
  id: string;
  campaign: { slug: string; title: string };
  number: number;
  title: string;
  directorateName: string | null;
  costCents: number;
  envelopeLabel: string;
  place: ProjectPlace;
  tracking: Tracking;
  /** What the status form may offer. */
  targets: ImplementationStatus[];
}

/** One winner for its agents: tracking, milestones (late ones flagged), what may come next. */
export async function getProjectForAgent(
  core: CoreServices,
  viewer: Viewer | null,
  campaignSlug: string,
  numberText: string,
  now: Date = new Date(),
): Promise<AgentProject> {
  if (!/^\d{1,9}$/.test(numberText)) throw new NotFoundError();
  const found = await store.selectProjectByNumber(core.db, campaignSlug, Number(numberText));
  if (!found) throw new NotFoundError();
  const { project } = await managedWinner(core, viewer, found.id);
  const [tracking, names] = await Promise.all([trackingOf(core, project, now), arrondissementNames(core)]);
  return {
    id: project.id,
    campaign: { slug: project.campaign_slug, title: project.campaign_title },
    number: project.number,
    title: project.title,
    directorateName: project.directorate_name,
    costCents: project.cost_cents,
    envelopeLabel: project.envelope_label,
    place: placeOf(project, names),
    tracking,
    targets: allowedTargets(tracking.status),
  };
}

// ---- photos -----------------------------------------------------------------------------

/** A milestone photo: to anyone on a winner of a published campaign; otherwise to its managers. */
export async function milestonePhotoFile(
  core: CoreServices,
  photoId: string,
  viewer: Viewer | null,
): Promise<{ data: Buffer; isPublic: boolean } | null> {
  const photo = await store.selectPhotoWithProject(core.db, photoId);
  if (!photo) return null;
  const isPublic = photo.published && photo.selected === true;
  if (!isPublic && !core.permissions.can(viewer, MANAGE_PERMISSION, { directorateId: photo.directorate_id }))
    return null;
  const data = await readMilestonePhoto(core.config.dataDir, photo.storage_key);
  return data ? { data, isPublic } : null;
}
