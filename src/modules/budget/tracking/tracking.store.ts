/**
 * Every SQL query of the implementation tracking: the winners and their tracking columns on
 * budget_project, milestones and their photos, status history, followers, opt-outs, and the
 * public reads of the project page (credited authors, merged proposals, comments).
 */
import { sql } from 'kysely';
import type { Db } from '../../../core/db/database.js';
import type { ImplementationStatus } from '../budget.tables.js';
import '../vote/vote.tables.js';
import './tracking.tables.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A project with what tracking needs to decide: its campaign, its directorate, its status. */
export interface ProjectRecord {
  id: string;
  campaign_id: string;
  campaign_slug: string;
  campaign_title: string;
  campaign_published: boolean;
  envelope_id: string;
  envelope_label: string;
  envelope_kind: string;
  envelope_amount_cents: number;
  number: number;
  title: string;
  summary: string;
  theme: string;
  address: string;
  location: { x: number; y: number } | null;
  arrondissement_code: string | null;
  cost_cents: number;
  directorate_id: string | null;
  directorate_name: string | null;
  selected: boolean | null;
  implementation_status: ImplementationStatus | null;
  progress_percent: number;
  abandoned_reason: string;
  results_at: Date;
  updated_at: Date;
}

function projectQuery(db: Db) {
  return db
    .selectFrom('budget_project as p')
    .innerJoin('budget_campaign as c', 'c.id', 'p.campaign_id')
    .innerJoin('budget_envelope as e', 'e.id', 'p.envelope_id')
    .leftJoin('org_directorate as d', 'd.id', 'p.directorate_id')
    .select([
      'p.id',
      'p.campaign_id',
      'c.slug as campaign_slug',
      'c.title as campaign_title',
      'c.published as campaign_published',
      'c.results_at',
      'p.envelope_id',
      'e.label as envelope_label',
      'e.kind as envelope_kind',
      'e.amount_cents as envelope_amount_cents',
      'p.number',
      'p.title',
      'p.summary',
      'p.theme',
      'p.address',
      'p.location',
      'p.arrondissement_code',
      'p.cost_cents',
      'p.directorate_id',
      'd.name as directorate_name',
      'p.selected',
      'p.implementation_status',
      'p.progress_percent',
      'p.abandoned_reason',
      'p.updated_at',
    ]);
}

export async function selectProject(db: Db, projectId: string): Promise<ProjectRecord | undefined> {
  if (!isUuid(projectId)) return undefined;
  return (await projectQuery(db).where('p.id', '=', projectId).executeTakeFirst()) as
    | ProjectRecord
    | undefined;
}

export async function selectProjectByNumber(
  db: Db,
  campaignSlug: string,
  number: number,
): Promise<ProjectRecord | undefined> {
  return (await projectQuery(db)
    .where('c.slug', '=', campaignSlug)
    .where('p.number', '=', number)
    .executeTakeFirst()) as ProjectRecord | undefined;
}

/** The tracking columns of a project, locked until the end of the transaction (two agents at once). */
export async function lockProject(tx: Db, projectId: string) {
  return tx
    .selectFrom('budget_project')
    .select([
      'id',
      'selected',
      'implementation_status',
      'progress_percent',
      'abandoned_reason',
      'directorate_id',
    ])
    .where('id', '=', projectId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateProjectTracking(
  tx: Db,
  projectId: string,
  values: { status: ImplementationStatus; progress: number; abandonedReason?: string },
): Promise<void> {
  await tx
    .updateTable('budget_project')
    .set({
      implementation_status: values.status,
      progress_percent: values.progress,
      ...(values.abandonedReason !== undefined ? { abandoned_reason: values.abandonedReason } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', projectId)
    .execute();
}

export async function insertStatusChange(
  tx: Db,
  values: {
    projectId: string;
    from: ImplementationStatus | null;
    to: ImplementationStatus;
    progress: number;
    reason?: string;
    milestoneId?: string | null;
    actorUserId: string | null;
    at?: Date;
  },
): Promise<void> {
  await tx
    .insertInto('budget_project_status_change')
    .values({
      project_id: values.projectId,
      from_status: values.from,
      to_status: values.to,
      progress_percent: values.progress,
      reason: values.reason ?? '',
      milestone_id: values.milestoneId ?? null,
      actor_user_id: values.actorUserId,
      ...(values.at ? { created_at: values.at } : {}),
    })
    .execute();
}

export interface StatusChangeRecord {
  id: string;
  from_status: ImplementationStatus | null;
  to_status: ImplementationStatus;
  progress_percent: number;
  reason: string;
  milestone_id: string | null;
  created_at: Date;
}

export async function selectStatusChanges(db: Db, projectId: string): Promise<StatusChangeRecord[]> {
  return db
    .selectFrom('budget_project_status_change')
    .select(['id', 'from_status', 'to_status', 'progress_percent', 'reason', 'milestone_id', 'created_at'])
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

// ---- milestones ---------------------------------------------------------------------------

export async function insertMilestone(
  tx: Db,
  values: {
    projectId: string;
    occurredOn: string;
    reached: boolean;
    title: string;
    description: string;
    statusTo: ImplementationStatus | null;
    progressAfter: number | null;
    createdBy: string | null;
    at?: Date;
  },
): Promise<string> {
  const row = await tx
    .insertInto('budget_milestone')
    .values({
      project_id: values.projectId,
      occurred_on: values.occurredOn,
      reached: values.reached,
      reached_at: values.reached ? (values.at ?? new Date()) : null,
      title: values.title,
      description: values.description,
      status_to: values.statusTo,
      progress_after: values.progressAfter,
      created_by: values.createdBy,
      ...(values.at ? { created_at: values.at, updated_at: values.at } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertMilestonePhoto(
  tx: Db,
  values: {
    milestoneId: string;
    storageKey: string;
    width: number;
    height: number;
    bytes: number;
    position: number;
  },
): Promise<void> {
  await tx
    .insertInto('budget_milestone_photo')
    .values({
      milestone_id: values.milestoneId,
      storage_key: values.storageKey,
      width: values.width,
      height: values.height,
      bytes: values.bytes,
      position: values.position,
    })
    .execute();
}

export interface MilestoneRecord {
  id: string;
  project_id: string;
  occurred_on: string;
  reached: boolean;
  reached_at: Date | null;
  title: string;
  description: string;
  status_to: ImplementationStatus | null;
  progress_after: number | null;
  created_at: Date;
}

const occurredOn = sql<string>`to_char(m.occurred_on, 'YYYY-MM-DD')`.as('occurred_on');

export async function selectMilestones(db: Db, projectId: string): Promise<MilestoneRecord[]> {
  return db
    .selectFrom('budget_milestone as m')
    .select([
      'm.id',
      'm.project_id',
      occurredOn,
      'm.reached',
      'm.reached_at',
      'm.title',
      'm.description',
      'm.status_to',
      'm.progress_after',
      'm.created_at',
    ])
    .where('m.project_id', '=', projectId)
    .orderBy('m.occurred_on')
    .orderBy('m.created_at')
    .execute();
}

export async function lockMilestone(tx: Db, milestoneId: string) {
  if (!isUuid(milestoneId)) return undefined;
  return tx
    .selectFrom('budget_milestone as m')
    .select(['m.id', 'm.project_id', 'm.reached', occurredOn, 'm.title', 'm.description'])
    .where('m.id', '=', milestoneId)
    .forUpdate()
    .executeTakeFirst();
}

/** The project a milestone belongs to, or undefined. */
export async function selectMilestoneProjectId(db: Db, milestoneId: string): Promise<string | undefined> {
  if (!isUuid(milestoneId)) return undefined;
  const row = await db
    .selectFrom('budget_milestone')
    .select('project_id')
    .where('id', '=', milestoneId)
    .executeTakeFirst();
  return row?.project_id;
}

export async function updateMilestone(
  tx: Db,
  milestoneId: string,
  values: { occurredOn: string; title: string; description: string },
): Promise<void> {
  await tx
    .updateTable('budget_milestone')
    .set({
      occurred_on: values.occurredOn,
      title: values.title,
      description: values.description,
      updated_at: new Date(),
    })
    .where('id', '=', milestoneId)
    .execute();
}

/** The photos of a milestone with their stored files, in order. */
export async function selectPhotoFiles(
  db: Db,
  milestoneId: string,
): Promise<{ id: string; storage_key: string; position: number }[]> {
  return db
    .selectFrom('budget_milestone_photo')
    .select(['id', 'storage_key', 'position'])
    .where('milestone_id', '=', milestoneId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
}

export async function deletePhotos(tx: Db, photoIds: string[]): Promise<void> {
  if (photoIds.length === 0) return;
  await tx.deleteFrom('budget_milestone_photo').where('id', 'in', photoIds).execute();
}

export async function setPhotoPosition(tx: Db, photoId: string, position: number): Promise<void> {
  await tx.updateTable('budget_milestone_photo').set({ position }).where('id', '=', photoId).execute();
}

/**
 * Deletes a milestone; its photo rows go with it (cascade) and a status change it carried
 * stays in the history, no longer tied to it (set null).
 */
export async function deleteMilestone(tx: Db, milestoneId: string): Promise<void> {
  await tx.deleteFrom('budget_milestone').where('id', '=', milestoneId).execute();
}

export async function markMilestoneReached(tx: Db, milestoneId: string, day: string): Promise<void> {
  await tx
    .updateTable('budget_milestone')
    .set({ reached: true, reached_at: new Date(), occurred_on: day, updated_at: new Date() })
    .where('id', '=', milestoneId)
    .execute();
}

export interface MilestonePhotoRecord {
  id: string;
  milestone_id: string;
  width: number;
  height: number;
  position: number;
}

export async function selectMilestonePhotos(db: Db, milestoneIds: string[]): Promise<MilestonePhotoRecord[]> {
  if (milestoneIds.length === 0) return [];
  return db
    .selectFrom('budget_milestone_photo')
    .select(['id', 'milestone_id', 'width', 'height', 'position'])
    .where('milestone_id', 'in', milestoneIds)
    .orderBy('milestone_id')
    .orderBy('position')
    .execute();
}

/** A photo with what decides who may see it (its project's campaign and winner flag). */
export async function selectPhotoWithProject(db: Db, photoId: string) {
  if (!isUuid(photoId)) return undefined;
  return db
    .selectFrom('budget_milestone_photo as ph')
    .innerJoin('budget_milestone as m', 'm.id', 'ph.milestone_id')
    .innerJoin('budget_project as p', 'p.id', 'm.project_id')
    .innerJoin('budget_campaign as c', 'c.id', 'p.campaign_id')
    .select(['ph.storage_key', 'p.directorate_id', 'c.published', 'p.selected'])
    .where('ph.id', '=', photoId)
    .executeTakeFirst();
}

/** Planned milestones whose day has passed, per project. */
export async function countLateMilestones(
  db: Db,
  projectIds: string[],
  today: string,
): Promise<Map<string, number>> {
  if (projectIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('budget_milestone')
    .select(['project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', 'in', projectIds)
    .where('reached', '=', false)
    .where('occurred_on', '<', today)
    .groupBy('project_id')
    .execute();
  return new Map(rows.map((r) => [r.project_id, Number(r.n)]));
}

/** The last reached milestone's day, per project. */
export async function lastReachedMilestones(db: Db, projectIds: string[]): Promise<Map<string, string>> {
  if (projectIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('budget_milestone as m')
    .select(['m.project_id', sql<string>`to_char(max(m.occurred_on), 'YYYY-MM-DD')`.as('last')])
    .where('m.project_id', 'in', projectIds)
    .where('m.reached', '=', true)
    .groupBy('m.project_id')
    .execute();
  return new Map(rows.map((r) => [r.project_id, r.last]));
}

// ---- followers and mail -------------------------------------------------------------------

export async function insertFollower(tx: Db, projectId: string, userId: string): Promise<boolean> {
  const result = await tx
    .insertInto('budget_project_follower')
    .values({ project_id: projectId, user_id: userId })
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteFollower(tx: Db, projectId: string, userId: string): Promise<boolean> {
  const result = await tx
    .deleteFrom('budget_project_follower')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function followerInfo(
  db: Db,
  projectId: string,
  userId: string | null,
): Promise<{ count: number; following: boolean }> {
  const row = await db
    .selectFrom('budget_project_follower')
    .select([
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<boolean>`coalesce(bool_or(user_id = ${userId}), false)`.as('following'),
    ])
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), following: userId ? row.following === true : false };
}

export interface RecipientRecord {
  user_id: string;
  email: string;
  locale: string;
}

/** Followers whose account takes mail. */
export async function selectFollowerRecipients(db: Db, projectId: string): Promise<RecipientRecord[]> {
  return (await db
    .selectFrom('budget_project_follower as f')
    .innerJoin('account_user as u', 'u.id', 'f.user_id')
    .select(['u.id as user_id', 'u.email', 'u.locale'])
    .where('f.project_id', '=', projectId)
    .where('u.deleted_at', 'is', null)
    .where('u.email', 'is not', null)
    .where('u.notify_by_email', '=', true)
    .orderBy('f.created_at')
    .execute()) as RecipientRecord[];
}

/** Accounts credited on a proposal merged into the project, whose account takes mail. */
export async function selectAuthorRecipients(db: Db, projectId: string): Promise<RecipientRecord[]> {
  return (await db
    .selectFrom('budget_proposal_author as a')
    .innerJoin('budget_proposal as pr', 'pr.id', 'a.proposal_id')
    .innerJoin('account_user as u', 'u.id', 'a.user_id')
    .select(['u.id as user_id', 'u.email', 'u.locale'])
    .where('pr.project_id', '=', projectId)
    .where('u.deleted_at', 'is', null)
    .where('u.email', 'is not', null)
    .where('u.notify_by_email', '=', true)
    .orderBy('a.created_at')
    .execute()) as RecipientRecord[];
}

export async function selectOptouts(db: Db, projectId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('budget_project_optout')
    .select('email')
    .where('project_id', '=', projectId)
    .execute();
  return new Set(rows.map((r) => r.email));
}

/** The address is never mailed about the project again, and its account stops following it. */
export async function optOut(tx: Db, projectId: string, email: string): Promise<void> {
  const address = email.trim().toLowerCase();
  await tx
    .insertInto('budget_project_optout')
    .values({ project_id: projectId, email: address })
    .onConflict((oc) => oc.columns(['project_id', 'email']).doNothing())
    .execute();
  await tx
    .deleteFrom('budget_project_follower')
    .where('project_id', '=', projectId)
    .where('user_id', 'in', (eb) =>
      eb.selectFrom('account_user').select('id').where(sql<boolean>`lower(email) = ${address}`),
    )
    .execute();
}

// ---- the public page ------------------------------------------------------------------------

export async function selectDirectorateName(db: Db, directorateId: string): Promise<string | null> {
  const row = await db
    .selectFrom('org_directorate')
    .select('name')
    .where('id', '=', directorateId)
    .executeTakeFirst();
  return row?.name ?? null;
}

/** The vote part's published count of an envelope (budget_result), or nothing before publication. */
export async function selectPublishedResult(db: Db, campaignId: string, envelopeId: string) {
  return db
    .selectFrom('budget_result')
    .select(['method', 'ballots', 'data'])
    .where('campaign_id', '=', campaignId)
    .where('envelope_id', '=', envelopeId)
    .where('published_at', 'is not', null)
    .executeTakeFirst();
}

export interface CommentRecord {
  id: string;
  display_name: string;
  body: string;
  created_at: Date;
}

export async function selectVisibleComments(db: Db, projectId: string): Promise<CommentRecord[]> {
  return db
    .selectFrom('budget_comment')
    .select(['id', 'display_name', 'body', 'created_at'])
    .where('project_id', '=', projectId)
    .where('status', '=', 'visible')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function insertComment(
  tx: Db,
  values: { projectId: string; userId: string; displayName: string; body: string },
): Promise<string> {
  const row = await tx
    .insertInto('budget_comment')
    .values({
      project_id: values.projectId,
      proposal_id: null,
      user_id: values.userId,
      display_name: values.displayName,
      body: values.body,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---- lists of winners -----------------------------------------------------------------------

export interface WinnerFilters {
  campaignSlug?: string;
  arrondissementCode?: string;
  /** 'studies' also finds winners with no status yet. */
  status?: ImplementationStatus;
  theme?: string;
  /** Back office: only these directorates (undefined = every one). */
  directorateIds?: string[];
  /** Back office: only projects with a late planned milestone. */
  lateOn?: string;
  /** Public lists: published campaigns only. */
  publishedOnly: boolean;
}

export interface WinnerRecord {
  id: string;
  campaign_slug: string;
  campaign_title: string;
  number: number;
  title: string;
  theme: string;
  arrondissement_code: string | null;
  location: { x: number; y: number } | null;
  cost_cents: number;
  directorate_id: string | null;
  directorate_name: string | null;
  implementation_status: ImplementationStatus | null;
  progress_percent: number;
  envelope_label: string;
}

function winnersQuery(db: Db, f: WinnerFilters) {
  let q = db
    .selectFrom('budget_project as p')
    .innerJoin('budget_campaign as c', 'c.id', 'p.campaign_id')
    .innerJoin('budget_envelope as e', 'e.id', 'p.envelope_id')
    .leftJoin('org_directorate as d', 'd.id', 'p.directorate_id')
    .where('p.selected', '=', true);
  if (f.publishedOnly) q = q.where('c.published', '=', true);
  if (f.campaignSlug) q = q.where('c.slug', '=', f.campaignSlug);
  if (f.arrondissementCode) q = q.where('p.arrondissement_code', '=', f.arrondissementCode);
  if (f.theme) q = q.where('p.theme', '=', f.theme);
  if (f.status === 'studies') {
    q = q.where((eb) =>
      eb.or([eb('p.implementation_status', '=', 'studies'), eb('p.implementation_status', 'is', null)]),
    );
  } else if (f.status) {
    q = q.where('p.implementation_status', '=', f.status);
  }
  if (f.directorateIds) {
    const ids = f.directorateIds;
    q = ids.length === 0 ? q.where(sql<boolean>`false`) : q.where('p.directorate_id', 'in', ids);
  }
  if (f.lateOn) {
    const day = f.lateOn;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('budget_milestone as m')
          .select('m.id')
          .whereRef('m.project_id', '=', 'p.id')
          .where('m.reached', '=', false)
          .where('m.occurred_on', '<', day),
      ),
    );
  }
  return q;
}

const winnerColumns = [
  'p.id',
  'c.slug as campaign_slug',
  'c.title as campaign_title',
  'p.number',
  'p.title',
  'p.theme',
  'p.arrondissement_code',
  'p.location',
  'p.cost_cents',
  'p.directorate_id',
  'd.name as directorate_name',
  'p.implementation_status',
  'p.progress_percent',
  'e.label as envelope_label',
] as const;

/** Newest campaign first (by its results date), then by ballot number. */
export async function selectWinnerPage(
  db: Db,
  filters: WinnerFilters,
  page: { offset: number; limit: number },
): Promise<{ rows: WinnerRecord[]; total: number }> {
  const [rows, count] = await Promise.all([
    winnersQuery(db, filters)
      .select([...winnerColumns])
      .orderBy('c.results_at', 'desc')
      .orderBy('c.slug')
      .orderBy('p.number')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    winnersQuery(db, filters)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as WinnerRecord[], total: Number(count.n) };
}

/** The placed winners for the map (bounded: a city has a few thousand at most). */
export async function selectWinnerPoints(
  db: Db,
  filters: WinnerFilters,
  limit: number,
): Promise<WinnerRecord[]> {
  return (await winnersQuery(db, filters)
    .select([...winnerColumns])
    .where('p.location', 'is not', null)
    .orderBy('c.results_at', 'desc')
    .orderBy('p.number')
    .limit(limit)
    .execute()) as WinnerRecord[];
}

/** What the filters can offer: campaigns, themes and arrondissements that have winners. */
export async function selectWinnerFacets(db: Db, publishedOnly: boolean) {
  const base = winnersQuery(db, { publishedOnly });
  const [campaigns, themes, arrondissements] = await Promise.all([
    base.select(['c.slug', 'c.title', 'c.results_at']).distinct().orderBy('c.results_at', 'desc').execute(),
    base.select('p.theme').distinct().orderBy('p.theme').execute(),
    base.select('p.arrondissement_code').distinct().where('p.arrondissement_code', 'is not', null).execute(),
  ]);
  return {
    campaigns: campaigns.map((c) => ({ slug: c.slug, title: c.title })),
    themes: themes.map((t) => t.theme),
    arrondissements: arrondissements.map((a) => a.arrondissement_code as string),
  };
}

/** Winners the user follows, most recently followed first. */
export async function selectFollowedWinners(db: Db, userId: string): Promise<WinnerRecord[]> {
  return (await winnersQuery(db, { publishedOnly: true })
    .innerJoin('budget_project_follower as f', 'f.project_id', 'p.id')
    .select([...winnerColumns])
    .where('f.user_id', '=', userId)
    .orderBy('f.created_at', 'desc')
    .execute()) as WinnerRecord[];
}

// ---- personal data --------------------------------------------------------------------------

export async function selectPersonalFollows(db: Db, userId: string) {
  return db
    .selectFrom('budget_project_follower as f')
    .innerJoin('budget_project as p', 'p.id', 'f.project_id')
    .innerJoin('budget_campaign as c', 'c.id', 'p.campaign_id')
    .select(['c.slug as campaign', 'p.number', 'p.title', 'f.created_at as followedAt'])
    .where('f.user_id', '=', userId)
    .orderBy('f.created_at')
    .execute();
}

export async function deleteFollowsOf(tx: Db, userId: string): Promise<void> {
  await tx.deleteFrom('budget_project_follower').where('user_id', '=', userId).execute();
}

export async function forgetActor(tx: Db, userId: string): Promise<void> {
  await tx
    .updateTable('budget_milestone')
    .set({ created_by: null })
    .where('created_by', '=', userId)
    .execute();
  await tx
    .updateTable('budget_project_status_change')
    .set({ actor_user_id: null })
    .where('actor_user_id', '=', userId)
    .execute();
}
