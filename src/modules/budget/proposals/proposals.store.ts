/**
 * SQL of proposals: the proposals themselves, their authors, images, public history, supports,
 * comments, the study queue and the projects made from them. Only this file and
 * campaigns.store.ts touch the budget tables for the proposals part.
 */
import { sql } from 'kysely';
import type { Db } from '../../../core/db/database.js';
import type { ProposalState } from '../budget.tables.js';
import '../budget.tables.js';
import { isUuid, type LatLon, pointValue } from './campaigns.store.js';

export interface ProposalRecord {
  id: string;
  campaignId: string;
  reference: string;
  envelopeId: string;
  title: string;
  description: string;
  theme: string;
  address: string;
  location: LatLon | null;
  arrondissementCode: string | null;
  estimatedCostCents: number | null;
  state: ProposalState;
  directorateId: string | null;
  directorateName: string | null;
  studyReason: string;
  studyCostCents: number | null;
  projectId: string | null;
  projectNumber: number | null;
  supportsCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface AuthorRecord {
  userId: string | null;
  displayName: string;
  role: 'author' | 'coauthor';
}

function proposalQuery(db: Db) {
  return db
    .selectFrom('budget_proposal as p')
    .leftJoin('org_directorate as d', 'd.id', 'p.directorate_id')
    .leftJoin('budget_project as j', 'j.id', 'p.project_id')
    .select([
      'p.id',
      'p.campaign_id',
      'p.reference',
      'p.envelope_id',
      'p.title',
      'p.description',
      'p.theme',
      'p.address',
      'p.location',
      'p.arrondissement_code',
      'p.estimated_cost_cents',
      'p.state',
      'p.directorate_id',
      'd.name as directorate_name',
      'p.study_reason',
      'p.study_cost_cents',
      'p.project_id',
      'j.number as project_number',
      'p.supports_count',
      'p.created_at',
      'p.updated_at',
    ]);
}

type ProposalRow = Awaited<ReturnType<ReturnType<typeof proposalQuery>['executeTakeFirstOrThrow']>>;

function toProposal(row: ProposalRow): ProposalRecord {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    reference: row.reference,
    envelopeId: row.envelope_id,
    title: row.title,
    description: row.description,
    theme: row.theme,
    address: row.address,
    location: row.location ? { lat: row.location.y, lon: row.location.x } : null,
    arrondissementCode: row.arrondissement_code,
    estimatedCostCents: row.estimated_cost_cents === null ? null : Number(row.estimated_cost_cents),
    state: row.state,
    directorateId: row.directorate_id,
    directorateName: row.directorate_name ?? null,
    studyReason: row.study_reason,
    studyCostCents: row.study_cost_cents === null ? null : Number(row.study_cost_cents),
    projectId: row.project_id,
    projectNumber: row.project_number === null ? null : Number(row.project_number),
    supportsCount: Number(row.supports_count),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findProposalByReference(db: Db, reference: string): Promise<ProposalRecord | null> {
  const row = await proposalQuery(db).where('p.reference', '=', reference.toUpperCase()).executeTakeFirst();
  return row ? toProposal(row) : null;
}

export async function findProposalById(db: Db, id: string): Promise<ProposalRecord | null> {
  if (!isUuid(id)) return null;
  const row = await proposalQuery(db).where('p.id', '=', id).executeTakeFirst();
  return row ? toProposal(row) : null;
}

/** Locks the proposal's row for the rest of the transaction, then reads it. */
export async function lockProposal(db: Db, id: string): Promise<ProposalRecord | null> {
  if (!isUuid(id)) return null;
  await db.selectFrom('budget_proposal').select('id').where('id', '=', id).forUpdate().execute();
  return findProposalById(db, id);
}

/** Next number of the campaign's sequence (the row is created if another part made the campaign). */
export async function allocateSequence(db: Db, campaignId: string): Promise<number> {
  const row = await db
    .insertInto('budget_sequence')
    .values({ campaign_id: campaignId, last_value: 1 })
    .onConflict((oc) =>
      oc.column('campaign_id').doUpdateSet({ last_value: sql`budget_sequence.last_value + 1` }),
    )
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return Number(row.last_value);
}

export async function referenceTaken(db: Db, reference: string): Promise<boolean> {
  const row = await db
    .selectFrom('budget_proposal')
    .select('id')
    .where('reference', '=', reference)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Moves a campaign's sequence past every number already used under `prefix` ('BP-2026-'):
 * two campaigns in one year share the year's references. Returns the next number.
 */
export async function skipUsedReferences(db: Db, campaignId: string, prefix: string): Promise<number> {
  const row = await db
    .selectFrom('budget_proposal')
    // 'BP-2026-0042' → 42 (the third part; a text parameter would make substring a regex).
    .select(sql<number>`max(split_part(reference, '-', 3)::int)`.as('n'))
    .where('reference', 'like', `${prefix}%`)
    .executeTakeFirst();
  const next = Number(row?.n ?? 0) + 1;
  await db
    .updateTable('budget_sequence')
    .set({ last_value: next })
    .where('campaign_id', '=', campaignId)
    .execute();
  return next;
}

export interface ProposalWrite {
  envelopeId: string;
  title: string;
  description: string;
  theme: string;
  address: string;
  location: LatLon | null;
  arrondissementCode: string | null;
  estimatedCostCents: number | null;
}

export async function insertProposal(
  db: Db,
  values: ProposalWrite & {
    campaignId: string;
    reference: string;
    directorateId: string | null;
    state?: ProposalState;
    createdAt?: Date;
  },
): Promise<string> {
  const row = await db
    .insertInto('budget_proposal')
    .values({
      campaign_id: values.campaignId,
      reference: values.reference,
      envelope_id: values.envelopeId,
      title: values.title,
      description: values.description,
      theme: values.theme,
      address: values.address,
      location: pointValue(values.location),
      arrondissement_code: values.arrondissementCode,
      estimated_cost_cents: values.estimatedCostCents,
      directorate_id: values.directorateId,
      state: values.state ?? 'submitted',
      ...(values.createdAt ? { created_at: values.createdAt, updated_at: values.createdAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateProposalContent(db: Db, id: string, values: ProposalWrite): Promise<void> {
  await db
    .updateTable('budget_proposal')
    .set({
      envelope_id: values.envelopeId,
      title: values.title,
      description: values.description,
      theme: values.theme,
      address: values.address,
      location: pointValue(values.location),
      arrondissement_code: values.arrondissementCode,
      estimated_cost_cents: values.estimatedCostCents,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function updateProposalStudy(
  db: Db,
  id: string,
  values: {
    state?: ProposalState;
    studyReason?: string;
    studyCostCents?: number | null;
    studiedBy?: string | null;
    directorateId?: string | null;
    projectId?: string | null;
  },
): Promise<void> {
  await db
    .updateTable('budget_proposal')
    .set({
      ...(values.state !== undefined ? { state: values.state } : {}),
      ...(values.studyReason !== undefined ? { study_reason: values.studyReason } : {}),
      ...(values.studyCostCents !== undefined ? { study_cost_cents: values.studyCostCents } : {}),
      ...(values.studiedBy !== undefined ? { studied_by: values.studiedBy } : {}),
      ...(values.directorateId !== undefined ? { directorate_id: values.directorateId } : {}),
      ...(values.projectId !== undefined ? { project_id: values.projectId } : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

// ——— Authors ———

export async function listAuthors(db: Db, proposalId: string): Promise<AuthorRecord[]> {
  const rows = await db
    .selectFrom('budget_proposal_author')
    .select(['user_id', 'display_name', 'role'])
    .where('proposal_id', '=', proposalId)
    .orderBy('role')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, displayName: r.display_name, role: r.role }));
}

/** Public names of the authors of many proposals at once. */
export async function authorNames(db: Db, proposalIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (proposalIds.length === 0) return out;
  const rows = await db
    .selectFrom('budget_proposal_author')
    .select(['proposal_id', 'display_name'])
    .where('proposal_id', 'in', proposalIds)
    .where('display_name', '<>', '')
    .orderBy('role')
    .orderBy('created_at')
    .execute();
  for (const r of rows) out.set(r.proposal_id, [...(out.get(r.proposal_id) ?? []), r.display_name]);
  return out;
}

export async function insertAuthor(
  db: Db,
  proposalId: string,
  author: { userId: string | null; displayName: string; role: 'author' | 'coauthor' },
): Promise<void> {
  await db
    .insertInto('budget_proposal_author')
    .values({
      proposal_id: proposalId,
      user_id: author.userId,
      display_name: author.displayName,
      role: author.role,
    })
    .execute();
}

export async function setAuthorName(db: Db, proposalId: string, userId: string, name: string): Promise<void> {
  await db
    .updateTable('budget_proposal_author')
    .set({ display_name: name })
    .where('proposal_id', '=', proposalId)
    .where('user_id', '=', userId)
    .execute();
}

export async function deleteCoauthors(db: Db, proposalId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .deleteFrom('budget_proposal_author')
    .where('proposal_id', '=', proposalId)
    .where('role', '=', 'coauthor')
    .where('user_id', 'in', userIds)
    .execute();
}

/** Accounts by e-mail (active ones), for inviting co-authors. */
export async function usersByEmail(
  db: Db,
  emails: string[],
): Promise<{ id: string; email: string; locale: string; notify: boolean }[]> {
  if (emails.length === 0) return [];
  const rows = await db
    .selectFrom('account_user')
    .select(['id', 'email', 'locale', 'notify_by_email'])
    .where(sql<string>`lower(email)`, 'in', emails)
    .where('deleted_at', 'is', null)
    .execute();
  return rows.map((r) => ({ id: r.id, email: r.email ?? '', locale: r.locale, notify: r.notify_by_email }));
}

/** Who to tell about a proposal: its authors with an account, e-mail and wish to be mailed. */
export async function authorContacts(
  db: Db,
  proposalId: string,
): Promise<{ userId: string; email: string; locale: string; role: 'author' | 'coauthor' }[]> {
  const rows = await db
    .selectFrom('budget_proposal_author as a')
    .innerJoin('account_user as u', 'u.id', 'a.user_id')
    .select(['u.id', 'u.email', 'u.locale', 'a.role'])
    .where('a.proposal_id', '=', proposalId)
    .where('u.deleted_at', 'is', null)
    .where('u.notify_by_email', '=', true)
    .where('u.email', 'is not', null)
    .execute();
  return rows.map((r) => ({ userId: r.id, email: r.email ?? '', locale: r.locale, role: r.role }));
}

// ——— Images ———

export interface ImageRecord {
  id: string;
  proposalId: string;
  storageKey: string;
  position: number;
}

export async function listImages(db: Db, proposalId: string): Promise<ImageRecord[]> {
  const rows = await db
    .selectFrom('budget_proposal_image')
    .select(['id', 'proposal_id', 'storage_key', 'position'])
    .where('proposal_id', '=', proposalId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    proposalId: r.proposal_id,
    storageKey: r.storage_key,
    position: Number(r.position),
  }));
}

export async function insertImage(
  db: Db,
  proposalId: string,
  storageKey: string,
  position: number,
): Promise<void> {
  await db
    .insertInto('budget_proposal_image')
    .values({ proposal_id: proposalId, storage_key: storageKey, position })
    .execute();
}

export async function deleteImages(db: Db, proposalId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .deleteFrom('budget_proposal_image')
    .where('proposal_id', '=', proposalId)
    .where('id', 'in', ids)
    .execute();
}

/** An image with what decides who may see it: its proposal's campaign. */
export async function findImage(
  db: Db,
  id: string,
): Promise<{ storageKey: string; campaignId: string; published: boolean } | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('budget_proposal_image as i')
    .innerJoin('budget_proposal as p', 'p.id', 'i.proposal_id')
    .innerJoin('budget_campaign as c', 'c.id', 'p.campaign_id')
    .select(['i.storage_key', 'p.campaign_id', 'c.published'])
    .where('i.id', '=', id)
    .executeTakeFirst();
  return row ? { storageKey: row.storage_key, campaignId: row.campaign_id, published: row.published } : null;
}

// ——— Public history ———

export interface EventRecord {
  kind: string;
  data: Record<string, unknown>;
  at: Date;
}

export async function insertEvent(
  db: Db,
  proposalId: string,
  kind: string,
  data: Record<string, unknown>,
  actorUserId: string | null,
  at?: Date,
): Promise<void> {
  await db
    .insertInto('budget_proposal_event')
    .values({
      proposal_id: proposalId,
      kind,
      data: JSON.stringify(data),
      actor_user_id: actorUserId,
      // now() is the transaction's start: events of one transaction keep their order by the clock.
      created_at: at ?? sql<Date>`clock_timestamp()`,
    })
    .execute();
}

export async function listEvents(db: Db, proposalId: string): Promise<EventRecord[]> {
  const rows = await db
    .selectFrom('budget_proposal_event')
    .select(['kind', 'data', 'created_at'])
    .where('proposal_id', '=', proposalId)
    .orderBy('created_at')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ kind: r.kind, data: r.data ?? {}, at: r.created_at }));
}

// ——— Supports ———

export async function hasSupport(db: Db, proposalId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('budget_support')
    .select('user_id')
    .where('proposal_id', '=', proposalId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Adds or removes one support; the count is recomputed from the rows (two clicks at once stay right). */
export async function setSupport(db: Db, proposalId: string, userId: string, on: boolean): Promise<boolean> {
  let changed: boolean;
  if (on) {
    const rows = await db
      .insertInto('budget_support')
      .values({ proposal_id: proposalId, user_id: userId })
      .onConflict((oc) => oc.columns(['proposal_id', 'user_id']).doNothing())
      .returning('user_id')
      .execute();
    changed = rows.length > 0;
  } else {
    const result = await db
      .deleteFrom('budget_support')
      .where('proposal_id', '=', proposalId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    changed = Number(result.numDeletedRows) > 0;
  }
  if (changed) {
    await db
      .updateTable('budget_proposal')
      .set({
        supports_count: sql`(select count(*) from budget_support where proposal_id = ${proposalId})`,
      })
      .where('id', '=', proposalId)
      .execute();
  }
  return changed;
}

// ——— Comments ———

export interface CommentRecord {
  id: string;
  proposalId: string | null;
  userId: string | null;
  displayName: string;
  body: string;
  status: 'visible' | 'hidden';
  moderationReason: string;
  createdAt: Date;
}

function toComment(r: {
  id: string;
  proposal_id: string | null;
  user_id: string | null;
  display_name: string;
  body: string;
  status: 'visible' | 'hidden';
  moderation_reason: string;
  created_at: Date;
}): CommentRecord {
  return {
    id: r.id,
    proposalId: r.proposal_id,
    userId: r.user_id,
    displayName: r.display_name,
    body: r.body,
    status: r.status,
    moderationReason: r.moderation_reason,
    createdAt: r.created_at,
  };
}

const commentColumns = [
  'id',
  'proposal_id',
  'user_id',
  'display_name',
  'body',
  'status',
  'moderation_reason',
  'created_at',
] as const;

export async function insertComment(
  db: Db,
  values: { proposalId: string; userId: string | null; displayName: string; body: string; createdAt?: Date },
): Promise<string> {
  const row = await db
    .insertInto('budget_comment')
    .values({
      proposal_id: values.proposalId,
      user_id: values.userId,
      display_name: values.displayName,
      body: values.body,
      ...(values.createdAt ? { created_at: values.createdAt, updated_at: values.createdAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listComments(db: Db, proposalId: string): Promise<CommentRecord[]> {
  const rows = await db
    .selectFrom('budget_comment')
    .select(commentColumns)
    .where('proposal_id', '=', proposalId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toComment);
}

export async function findComment(db: Db, id: string): Promise<CommentRecord | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('budget_comment')
    .select(commentColumns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toComment(row) : null;
}

export async function setCommentStatus(
  db: Db,
  id: string,
  status: 'visible' | 'hidden',
  reason: string,
): Promise<void> {
  await db
    .updateTable('budget_comment')
    .set({ status, moderation_reason: reason, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export interface ModerationRow extends CommentRecord {
  proposalReference: string;
  proposalTitle: string;
  campaignSlug: string;
}

/** Comments on proposals, newest first, for moderators. */
export async function selectCommentsForModeration(
  db: Db,
  filter: { status?: 'visible' | 'hidden'; campaignId?: string },
  page: { offset: number; limit: number },
): Promise<{ rows: ModerationRow[]; total: number }> {
  let query = db
    .selectFrom('budget_comment as m')
    .innerJoin('budget_proposal as p', 'p.id', 'm.proposal_id')
    .innerJoin('budget_campaign as c', 'c.id', 'p.campaign_id');
  if (filter.status) query = query.where('m.status', '=', filter.status);
  if (filter.campaignId) query = query.where('p.campaign_id', '=', filter.campaignId);
  const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .select([
      'm.id',
      'm.proposal_id',
      'm.user_id',
      'm.display_name',
      'm.body',
      'm.status',
      'm.moderation_reason',
      'm.created_at',
      'p.reference',
      'p.title',
      'c.slug',
    ])
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return {
    total: Number(total.n),
    rows: rows.map((r) => ({
      ...toComment(r),
      proposalReference: r.reference,
      proposalTitle: r.title,
      campaignSlug: r.slug,
    })),
  };
}

// ——— Lists, search, map ———

export interface ProposalQuery {
  campaignId: string;
  states?: readonly ProposalState[];
  envelopeId?: string;
  theme?: string;
  /** websearch syntax, French stemming. */
  text?: string;
  directorateIds?: readonly (string | null)[];
}

function filtered(db: Db, q: ProposalQuery) {
  let query = db.selectFrom('budget_proposal as p').where('p.campaign_id', '=', q.campaignId);
  if (q.states && q.states.length > 0) query = query.where('p.state', 'in', [...q.states]);
  if (q.envelopeId) query = query.where('p.envelope_id', '=', q.envelopeId);
  if (q.theme) query = query.where('p.theme', '=', q.theme);
  if (q.text) query = query.where(sql<boolean>`p.search @@ websearch_to_tsquery('french', ${q.text})`);
  if (q.directorateIds) {
    const ids = q.directorateIds.filter((id): id is string => id !== null);
    const unrouted = q.directorateIds.includes(null);
    query = query.where((eb) =>
      eb.or([
        ...(ids.length > 0 ? [eb('p.directorate_id', 'in', ids)] : []),
        ...(unrouted ? [eb('p.directorate_id', 'is', null)] : []),
        ...(ids.length === 0 && !unrouted ? [eb.val(false)] : []),
      ]),
    );
  }
  return query;
}

export interface ProposalSummaryRow {
  id: string;
  reference: string;
  title: string;
  theme: string;
  state: ProposalState;
  envelopeId: string;
  arrondissementCode: string | null;
  location: LatLon | null;
  supportsCount: number;
  directorateId: string | null;
  estimatedCostCents: number | null;
  studyCostCents: number | null;
  createdAt: Date;
}

/** One page of proposals: best match first when searching, otherwise newest first. */
export async function selectProposalPage(
  db: Db,
  q: ProposalQuery,
  page: { offset: number; limit: number },
  order: 'recent' | 'supports' | 'oldest' = 'recent',
): Promise<{ rows: ProposalSummaryRow[]; total: number }> {
  const total = await filtered(db, q)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  let query = filtered(db, q).select([
    'p.id',
    'p.reference',
    'p.title',
    'p.theme',
    'p.state',
    'p.envelope_id',
    'p.arrondissement_code',
    'p.location',
    'p.supports_count',
    'p.directorate_id',
    'p.estimated_cost_cents',
    'p.study_cost_cents',
    'p.created_at',
  ]);
  if (q.text) {
    query = query.orderBy(sql`ts_rank(p.search, websearch_to_tsquery('french', ${q.text}))`, 'desc');
  }
  if (order === 'supports') query = query.orderBy('p.supports_count', 'desc');
  query = order === 'oldest' ? query.orderBy('p.created_at', 'asc') : query.orderBy('p.created_at', 'desc');
  const rows = await query.orderBy('p.reference').offset(page.offset).limit(page.limit).execute();
  return {
    total: Number(total.n),
    rows: rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      title: r.title,
      theme: r.theme,
      state: r.state,
      envelopeId: r.envelope_id,
      arrondissementCode: r.arrondissement_code,
      location: r.location ? { lat: r.location.y, lon: r.location.x } : null,
      supportsCount: Number(r.supports_count),
      directorateId: r.directorate_id,
      estimatedCostCents: r.estimated_cost_cents === null ? null : Number(r.estimated_cost_cents),
      studyCostCents: r.study_cost_cents === null ? null : Number(r.study_cost_cents),
      createdAt: r.created_at,
    })),
  };
}

export interface StudyExportRow {
  id: string;
  reference: string;
  title: string;
  theme: string;
  state: ProposalState;
  arrondissementCode: string | null;
  directorateName: string | null;
  /** The last admissibility decision and its public reason (null before any). */
  admissibility: { decision: 'admissible' | 'inadmissible'; reason: string } | null;
  /** The last feasibility decision and its public reason (null before any). */
  feasibility: { decision: 'feasible' | 'unfeasible'; reason: string } | null;
  estimatedCostCents: number | null;
  studyCostCents: number | null;
  /** The project on the ballot the proposal became or was merged into. */
  projectNumber: number | null;
  supportsCount: number;
  createdAt: Date;
}

/**
 * The proposals of a campaign with their study, for the back-office export, in reference
 * order. No author, no e-mail: nothing personal.
 */
export async function selectStudyExport(
  db: Db,
  q: Pick<ProposalQuery, 'campaignId' | 'directorateIds'>,
): Promise<StudyExportRow[]> {
  const rows = await filtered(db, q)
    .leftJoin('org_directorate as d', 'd.id', 'p.directorate_id')
    .leftJoin('budget_project as pr', 'pr.id', 'p.project_id')
    .select([
      'p.id',
      'p.reference',
      'p.title',
      'p.theme',
      'p.state',
      'p.arrondissement_code',
      'd.name as directorate_name',
      'p.estimated_cost_cents',
      'p.study_cost_cents',
      'pr.number as project_number',
      'p.supports_count',
      'p.created_at',
    ])
    .orderBy(sql`length(p.reference)`)
    .orderBy('p.reference')
    .execute();
  const decisions = new Map<string, Pick<StudyExportRow, 'admissibility' | 'feasibility'>>();
  for (let i = 0; i < rows.length; i += 1000) {
    const ids = rows.slice(i, i + 1000).map((r) => r.id);
    const events = await db
      .selectFrom('budget_proposal_event')
      .select(['proposal_id', 'kind', 'data'])
      .where('proposal_id', 'in', ids)
      .where('kind', 'in', ['admissible', 'inadmissible', 'feasible', 'unfeasible'])
      .orderBy('created_at')
      .orderBy('seq')
      .execute();
    for (const e of events) {
      const entry = decisions.get(e.proposal_id) ?? { admissibility: null, feasibility: null };
      const reason = typeof e.data?.reason === 'string' ? e.data.reason : '';
      if (e.kind === 'admissible' || e.kind === 'inadmissible')
        entry.admissibility = { decision: e.kind, reason };
      else entry.feasibility = { decision: e.kind as 'feasible' | 'unfeasible', reason };
      decisions.set(e.proposal_id, entry);
    }
  }
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    title: r.title,
    theme: r.theme,
    state: r.state,
    arrondissementCode: r.arrondissement_code,
    directorateName: r.directorate_name,
    admissibility: decisions.get(r.id)?.admissibility ?? null,
    feasibility: decisions.get(r.id)?.feasibility ?? null,
    estimatedCostCents: r.estimated_cost_cents === null ? null : Number(r.estimated_cost_cents),
    studyCostCents: r.study_cost_cents === null ? null : Number(r.study_cost_cents),
    projectNumber: r.project_number === null ? null : Number(r.project_number),
    supportsCount: Number(r.supports_count),
    createdAt: r.created_at,
  }));
}

/** The placed proposals of a filter, for the map (at most `limit`). */
export async function selectProposalPoints(
  db: Db,
  q: ProposalQuery,
  limit: number,
): Promise<{ reference: string; title: string; location: LatLon }[]> {
  const rows = await filtered(db, q)
    .where('p.location', 'is not', null)
    .select(['p.reference', 'p.title', 'p.location'])
    .orderBy('p.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows
    .filter((r) => r.location)
    .map((r) => ({
      reference: r.reference,
      title: r.title,
      location: { lat: r.location!.y, lon: r.location!.x },
    }));
}

/** Proposals someone wrote or co-wrote, every campaign, newest first. */
export async function selectProposalsOfUser(
  db: Db,
  userId: string,
): Promise<
  {
    reference: string;
    title: string;
    state: ProposalState;
    role: 'author' | 'coauthor';
    campaignSlug: string;
    campaignTitle: string;
    createdAt: Date;
  }[]
> {
  const rows = await db
    .selectFrom('budget_proposal_author as a')
    .innerJoin('budget_proposal as p', 'p.id', 'a.proposal_id')
    .innerJoin('budget_campaign as c', 'c.id', 'p.campaign_id')
    .select([
      'p.reference',
      'p.title',
      'p.state',
      'a.role',
      'c.slug',
      'c.title as campaign_title',
      'p.created_at',
    ])
    .where('a.user_id', '=', userId)
    .orderBy('p.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    reference: r.reference,
    title: r.title,
    state: r.state,
    role: r.role,
    campaignSlug: r.slug,
    campaignTitle: r.campaign_title,
    createdAt: r.created_at,
  }));
}

/** Counts per state and per directorate for the study queue's summary. */
export async function countByState(
  db: Db,
  q: Omit<ProposalQuery, 'states'>,
): Promise<Map<ProposalState, number>> {
  const rows = await filtered(db, q)
    .select(['p.state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('p.state')
    .execute();
  return new Map(rows.map((r) => [r.state, Number(r.n)]));
}

// ——— Projects ———

/** Next ballot number of a campaign; call with the campaign row locked. */
export async function nextProjectNumber(db: Db, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom('budget_project')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertProject(
  db: Db,
  values: {
    campaignId: string;
    envelopeId: string;
    number: number;
    title: string;
    summary: string;
    theme: string;
    address: string;
    location: LatLon | null;
    arrondissementCode: string | null;
    costCents: number;
    directorateId: string | null;
    createdAt?: Date;
  },
): Promise<string> {
  const row = await db
    .insertInto('budget_project')
    .values({
      campaign_id: values.campaignId,
      envelope_id: values.envelopeId,
      number: values.number,
      title: values.title,
      summary: values.summary,
      theme: values.theme,
      address: values.address,
      location: pointValue(values.location),
      arrondissement_code: values.arrondissementCode,
      cost_cents: values.costCents,
      directorate_id: values.directorateId,
      ...(values.createdAt ? { created_at: values.createdAt, updated_at: values.createdAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ——— Personal data ———

export async function selectPersonalData(db: Db, userId: string) {
  const [proposals, comments, supports] = await Promise.all([
    selectProposalsOfUser(db, userId),
    db
      .selectFrom('budget_comment as m')
      .leftJoin('budget_proposal as p', 'p.id', 'm.proposal_id')
      .select(['p.reference', 'm.display_name', 'm.body', 'm.status', 'm.created_at'])
      .where('m.user_id', '=', userId)
      .orderBy('m.created_at')
      .execute(),
    db
      .selectFrom('budget_support as s')
      .innerJoin('budget_proposal as p', 'p.id', 's.proposal_id')
      .select(['p.reference', 's.created_at'])
      .where('s.user_id', '=', userId)
      .orderBy('s.created_at')
      .execute(),
  ]);
  return { proposals, comments, supports };
}

/**
 * A deleted account: proposals and comments stay (public record) without the person's chosen
 * names or account link; supports go (the count is recomputed).
 */
export async function anonymiseUser(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('budget_proposal_author')
    .set({ user_id: null, display_name: '' })
    .where('user_id', '=', userId)
    .execute();
  await db
    .updateTable('budget_comment')
    .set({ user_id: null, display_name: '' })
    .where('user_id', '=', userId)
    .execute();
  const supported = await db
    .deleteFrom('budget_support')
    .where('user_id', '=', userId)
    .returning('proposal_id')
    .execute();
  const ids = supported.map((s) => s.proposal_id);
  if (ids.length > 0) {
    await db
      .updateTable('budget_proposal')
      .set({
        supports_count: sql`(select count(*) from budget_support s where s.proposal_id = budget_proposal.id)`,
      })
      .where('id', 'in', ids)
      .execute();
  }
  await db
    .updateTable('budget_proposal_event')
    .set({ actor_user_id: null })
    .where('actor_user_id', '=', userId)
    .execute();
}
