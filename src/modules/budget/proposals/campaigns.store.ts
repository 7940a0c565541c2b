/**
 * SQL of campaigns, envelopes and projects. The read functions at the top are shared with the
 * vote and tracking parts of the module: keep their names and signatures stable.
 * Money is in integer cents; points are {lat, lon}.
 */
import { sql } from 'kysely';
import type { Db } from '../../../core/db/database.js';
import type {
  EnvelopeKind,
  ImplementationStatus,
  SelectionRuleName,
  VotingMethodName,
} from '../budget.tables.js';
import '../budget.tables.js';
import type { CreatedAt } from '../../../core/db/core-tables.js';
import {
  type CampaignDates,
  type CampaignPhase,
  campaignPhase,
  DEFAULT_THEME_DIRECTORATES,
  isTheme,
  type Theme,
} from './campaign.domain.js';

/** Table of 202611260320_budget_theme_routing: which directorate studies a theme, per campaign. */
export interface BudgetCampaignThemeRouteTable {
  campaign_id: string;
  theme: string;
  directorate_id: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

declare module '../../../core/db/schema.js' {
  interface Tables {
    budget_campaign_theme_route: BudgetCampaignThemeRouteTable;
  }
}

export interface Campaign extends CampaignDates {
  id: string;
  slug: string;
  title: string;
  description: string;
  votingMethod: VotingMethodName;
  /** approval: at most this many projects per envelope. */
  maxChoices: number | null;
  /** knapsack: the basket spends at least this share of the envelope (0–100). */
  minSpendPercent: number;
  selectionRule: SelectionRuleName;
  eligibility: string;
  /** Set when the first ballot is cast: the voting rules can no longer change. */
  rulesLockedAt: Date | null;
  published: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Envelope {
  id: string;
  campaignId: string;
  kind: EnvelopeKind;
  /** 'paris', the arrondissement's area code ('5'), or a slug ('ecoles'). */
  code: string;
  label: string;
  amountCents: number;
  areaId: string | null;
  position: number;
}

export interface LatLon {
  lat: number;
  lon: number;
}

export interface Project {
  id: string;
  campaignId: string;
  envelopeId: string;
  /** Number on the ballot within the campaign (also its Pabulib project_id). */
  number: number;
  title: string;
  summary: string;
  theme: string;
  address: string;
  location: LatLon | null;
  arrondissementCode: string | null;
  costCents: number;
  directorateId: string | null;
  selected: boolean | null;
  implementationStatus: ImplementationStatus | null;
  progressPercent: number;
  abandonedReason: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A proposal behind a project, with the public names of its authors (never an e-mail). */
export interface ProjectCredit {
  proposalId: string;
  reference: string;
  title: string;
  /** Public names chosen by the authors; empty names are left out. */
  authors: string[];
}

type Point = { x: number; y: number } | null;

function toLatLon(point: Point): LatLon | null {
  return point ? { lat: point.y, lon: point.x } : null;
}

/** '(lon,lat)' for a point column. */
export function pointValue(point: LatLon | null): string | null {
  return point ? `(${point.lon},${point.lat})` : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

const campaignColumns = [
  'id',
  'slug',
  'title',
  'description',
  'submission_starts_at',
  'submission_ends_at',
  'study_starts_at',
  'study_ends_at',
  'vote_starts_at',
  'vote_ends_at',
  'results_at',
  'implementation_starts_at',
  'voting_method',
  'max_choices',
  'min_spend_percent',
  'selection_rule',
  'eligibility',
  'rules_locked_at',
  'published',
  'created_at',
  'updated_at',
] as const;

interface CampaignRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  submission_starts_at: Date;
  submission_ends_at: Date;
  study_starts_at: Date;
  study_ends_at: Date;
  vote_starts_at: Date;
  vote_ends_at: Date;
  results_at: Date;
  implementation_starts_at: Date;
  voting_method: VotingMethodName;
  max_choices: number | null;
  min_spend_percent: number;
  selection_rule: SelectionRuleName;
  eligibility: string;
  rules_locked_at: Date | null;
  published: boolean;
  created_at: Date;
  updated_at: Date;
}

function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    submissionStartsAt: row.submission_starts_at,
    submissionEndsAt: row.submission_ends_at,
    studyStartsAt: row.study_starts_at,
    studyEndsAt: row.study_ends_at,
    voteStartsAt: row.vote_starts_at,
    voteEndsAt: row.vote_ends_at,
    resultsAt: row.results_at,
    implementationStartsAt: row.implementation_starts_at,
    votingMethod: row.voting_method,
    maxChoices: row.max_choices,
    minSpendPercent: Number(row.min_spend_percent),
    selectionRule: row.selection_rule,
    eligibility: row.eligibility,
    rulesLockedAt: row.rules_locked_at,
    published: row.published,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// ——— Shared reads (used by vote/ and tracking/) ———

export async function findCampaignBySlug(db: Db, slug: string): Promise<Campaign | null> {
  const row = await db
    .selectFrom('budget_campaign')
    .select(campaignColumns)
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row ? toCampaign(row) : null;
}

export async function findCampaignById(db: Db, id: string): Promise<Campaign | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('budget_campaign')
    .select(campaignColumns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toCampaign(row) : null;
}

/** Every campaign, newest vote first; `publishedOnly` for what the public may see. */
export async function listCampaigns(db: Db, options: { publishedOnly?: boolean } = {}): Promise<Campaign[]> {
  let query = db.selectFrom('budget_campaign').select(campaignColumns);
  if (options.publishedOnly) query = query.where('published', '=', true);
  const rows = await query.orderBy('vote_starts_at', 'desc').orderBy('slug').execute();
  return rows.map(toCampaign);
}

/** The phase of a campaign now (or at `at`), Europe/Paris dates. */
export function phaseOf(campaign: CampaignDates, at: Date = new Date()): CampaignPhase {
  return campaignPhase(campaign, at);
}

const envelopeColumns = [
  'id',
  'campaign_id',
  'kind',
  'code',
  'label',
  'amount_cents',
  'area_id',
  'position',
] as const;

function toEnvelope(row: {
  id: string;
  campaign_id: string;
  kind: EnvelopeKind;
  code: string;
  label: string;
  amount_cents: number;
  area_id: string | null;
  position: number;
}): Envelope {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    kind: row.kind,
    code: row.code,
    label: row.label,
    amountCents: Number(row.amount_cents),
    areaId: row.area_id,
    position: Number(row.position),
  };
}

/**
 * The envelopes of a campaign: the city-wide one first, then earmarked ones, then the
 * arrondissements in their numeric order.
 */
export async function listEnvelopes(db: Db, campaignId: string): Promise<Envelope[]> {
  if (!isUuid(campaignId)) return [];
  const rows = await db
    .selectFrom('budget_envelope')
    .select(envelopeColumns)
    .where('campaign_id', '=', campaignId)
    .orderBy(sql`case kind when 'city' then 0 when 'earmarked' then 1 else 2 end`)
    .orderBy('position')
    .orderBy(sql`case when code ~ '^[0-9]+$' then lpad(code, 6, '0') else code end`)
    .execute();
  return rows.map(toEnvelope);
}

export async function findEnvelope(db: Db, campaignId: string, envelopeId: string): Promise<Envelope | null> {
  if (!isUuid(campaignId) || !isUuid(envelopeId)) return null;
  const row = await db
    .selectFrom('budget_envelope')
    .select(envelopeColumns)
    .where('campaign_id', '=', campaignId)
    .where('id', '=', envelopeId)
    .executeTakeFirst();
  return row ? toEnvelope(row) : null;
}

const projectColumns = [
  'id',
  'campaign_id',
  'envelope_id',
  'number',
  'title',
  'summary',
  'theme',
  'address',
  'location',
  'arrondissement_code',
  'cost_cents',
  'directorate_id',
  'selected',
  'implementation_status',
  'progress_percent',
  'abandoned_reason',
  'created_at',
  'updated_at',
] as const;

function toProject(row: {
  id: string;
  campaign_id: string;
  envelope_id: string;
  number: number;
  title: string;
  summary: string;
  theme: string;
  address: string;
  location: Point;
  arrondissement_code: string | null;
  cost_cents: number;
  directorate_id: string | null;
  selected: boolean | null;
  implementation_status: ImplementationStatus | null;
  progress_percent: number;
  abandoned_reason: string;
  created_at: Date;
  updated_at: Date;
}): Project {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    envelopeId: row.envelope_id,
    number: Number(row.number),
    title: row.title,
    summary: row.summary,
    theme: row.theme,
    address: row.address,
    location: toLatLon(row.location),
    arrondissementCode: row.arrondissement_code,
    costCents: Number(row.cost_cents),
    directorateId: row.directorate_id,
    selected: row.selected,
    implementationStatus: row.implementation_status,
    progressPercent: Number(row.progress_percent),
    abandonedReason: row.abandoned_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The projects on the ballot of a campaign (of one envelope when given), by number. */
export async function listProjects(db: Db, campaignId: string, envelopeId?: string): Promise<Project[]> {
  if (!isUuid(campaignId) || (envelopeId !== undefined && !isUuid(envelopeId))) return [];
  let query = db.selectFrom('budget_project').select(projectColumns).where('campaign_id', '=', campaignId);
  if (envelopeId !== undefined) query = query.where('envelope_id', '=', envelopeId);
  const rows = await query.orderBy('number').execute();
  return rows.map(toProject);
}

export async function findProject(db: Db, campaignId: string, number: number): Promise<Project | null> {
  if (!isUuid(campaignId) || !Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647)
    return null;
  const row = await db
    .selectFrom('budget_project')
    .select(projectColumns)
    .where('campaign_id', '=', campaignId)
    .where('number', '=', number)
    .executeTakeFirst();
  return row ? toProject(row) : null;
}

export async function findProjectById(db: Db, projectId: string): Promise<Project | null> {
  if (!isUuid(projectId)) return null;
  const row = await db
    .selectFrom('budget_project')
    .select(projectColumns)
    .where('id', '=', projectId)
    .executeTakeFirst();
  return row ? toProject(row) : null;
}

/** The proposals a project came from (one, or several merged), with their authors' public names. */
export async function listProjectCredits(db: Db, projectId: string): Promise<ProjectCredit[]> {
  if (!isUuid(projectId)) return [];
  const proposals = await db
    .selectFrom('budget_proposal')
    .select(['id', 'reference', 'title'])
    .where('project_id', '=', projectId)
    .orderBy('reference')
    .execute();
  if (proposals.length === 0) return [];
  const authors = await db
    .selectFrom('budget_proposal_author')
    .select(['proposal_id', 'display_name', 'role'])
    .where(
      'proposal_id',
      'in',
      proposals.map((p) => p.id),
    )
    .orderBy('role')
    .orderBy('created_at')
    .execute();
  return proposals.map((p) => ({
    proposalId: p.id,
    reference: p.reference,
    title: p.title,
    authors: authors
      .filter((a) => a.proposal_id === p.id && a.display_name.trim() !== '')
      .map((a) => a.display_name),
  }));
}

// ——— Campaign and envelope writes (the back office) ———

export interface CampaignWrite extends CampaignDates {
  slug: string;
  title: string;
  description: string;
  votingMethod: VotingMethodName;
  maxChoices: number | null;
  minSpendPercent: number;
  selectionRule: SelectionRuleName;
}

function campaignRow(values: CampaignWrite) {
  return {
    slug: values.slug,
    title: values.title,
    description: values.description,
    submission_starts_at: values.submissionStartsAt,
    submission_ends_at: values.submissionEndsAt,
    study_starts_at: values.studyStartsAt,
    study_ends_at: values.studyEndsAt,
    vote_starts_at: values.voteStartsAt,
    vote_ends_at: values.voteEndsAt,
    results_at: values.resultsAt,
    implementation_starts_at: values.implementationStartsAt,
    voting_method: values.votingMethod,
    max_choices: values.maxChoices,
    min_spend_percent: values.minSpendPercent,
    selection_rule: values.selectionRule,
  };
}

export async function slugTaken(db: Db, slug: string, exceptId?: string): Promise<boolean> {
  let query = db.selectFrom('budget_campaign').select('id').where('slug', '=', slug);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertCampaign(
  db: Db,
  values: CampaignWrite & { published?: boolean; rulesLockedAt?: Date | null },
): Promise<string> {
  const row = await db
    .insertInto('budget_campaign')
    .values({
      ...campaignRow(values),
      published: values.published ?? false,
      rules_locked_at: values.rulesLockedAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('budget_sequence').values({ campaign_id: row.id, last_value: 0 }).execute();
  await insertDefaultThemeRoutes(db, row.id);
  return row.id;
}

// ——— Routing of proposals by theme ———

/**
 * A new campaign's routing: the default map of the code, for the directorates that exist
 * (matched by code, as the migration did for the campaigns made before it).
 */
export async function insertDefaultThemeRoutes(db: Db, campaignId: string): Promise<void> {
  const directorates = await db.selectFrom('org_directorate').select(['id', 'code']).execute();
  const byCode = new Map(directorates.map((d) => [d.code.toLowerCase(), d.id]));
  const rows = Object.entries(DEFAULT_THEME_DIRECTORATES).flatMap(([theme, code]) => {
    const directorateId = byCode.get(code.toLowerCase());
    return directorateId ? [{ campaign_id: campaignId, theme, directorate_id: directorateId }] : [];
  });
  if (rows.length > 0) await db.insertInto('budget_campaign_theme_route').values(rows).execute();
}

/** The campaign's map: theme → directorate id (themes left out are not routed). */
export async function listThemeRoutes(db: Db, campaignId: string): Promise<Map<Theme, string>> {
  if (!isUuid(campaignId)) return new Map();
  const rows = await db
    .selectFrom('budget_campaign_theme_route')
    .select(['theme', 'directorate_id'])
    .where('campaign_id', '=', campaignId)
    .execute();
  const out = new Map<Theme, string>();
  for (const r of rows) if (isTheme(r.theme)) out.set(r.theme, r.directorate_id);
  return out;
}

/** The directorate that studies a theme in a campaign, or null when the theme is not routed. */
export async function themeDirectorate(db: Db, campaignId: string, theme: string): Promise<string | null> {
  const row = await db
    .selectFrom('budget_campaign_theme_route')
    .select('directorate_id')
    .where('campaign_id', '=', campaignId)
    .where('theme', '=', theme)
    .executeTakeFirst();
  return row?.directorate_id ?? null;
}

/** Sets the whole map at once: a theme mapped to null loses its route. */
export async function replaceThemeRoutes(
  db: Db,
  campaignId: string,
  routes: Partial<Record<Theme, string | null>>,
): Promise<void> {
  await db.deleteFrom('budget_campaign_theme_route').where('campaign_id', '=', campaignId).execute();
  const rows = Object.entries(routes).flatMap(([theme, directorateId]) =>
    directorateId ? [{ campaign_id: campaignId, theme, directorate_id: directorateId }] : [],
  );
  if (rows.length > 0) await db.insertInto('budget_campaign_theme_route').values(rows).execute();
}

export async function updateCampaign(db: Db, id: string, values: CampaignWrite): Promise<void> {
  await db
    .updateTable('budget_campaign')
    .set({ ...campaignRow(values), updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function setCampaignPublished(db: Db, id: string, published: boolean): Promise<void> {
  await db
    .updateTable('budget_campaign')
    .set({ published, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Reads a campaign and locks its row for the rest of the transaction (numbering, rule checks). */
export async function lockCampaign(db: Db, id: string): Promise<Campaign | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('budget_campaign')
    .select(campaignColumns)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row ? toCampaign(row) : null;
}

export async function envelopeCodeTaken(
  db: Db,
  campaignId: string,
  code: string,
  exceptId?: string,
): Promise<boolean> {
  let query = db
    .selectFrom('budget_envelope')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('code', '=', code);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function hasCityEnvelope(db: Db, campaignId: string, exceptId?: string): Promise<boolean> {
  let query = db
    .selectFrom('budget_envelope')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('kind', '=', 'city');
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export interface EnvelopeWrite {
  kind: EnvelopeKind;
  code: string;
  label: string;
  amountCents: number;
  areaId?: string | null;
  position?: number;
}

export async function insertEnvelope(db: Db, campaignId: string, values: EnvelopeWrite): Promise<string> {
  const row = await db
    .insertInto('budget_envelope')
    .values({
      campaign_id: campaignId,
      kind: values.kind,
      code: values.code,
      label: values.label,
      amount_cents: values.amountCents,
      area_id: values.areaId ?? null,
      position: values.position ?? 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateEnvelope(
  db: Db,
  envelopeId: string,
  values: Pick<EnvelopeWrite, 'label' | 'amountCents' | 'code'>,
): Promise<void> {
  await db
    .updateTable('budget_envelope')
    .set({ label: values.label, amount_cents: values.amountCents, code: values.code, updated_at: sql`now()` })
    .where('id', '=', envelopeId)
    .execute();
}

/** How many proposals and projects use an envelope (it cannot go while any does). */
export async function envelopeUse(db: Db, envelopeId: string): Promise<number> {
  const [proposals, projects] = await Promise.all([
    db
      .selectFrom('budget_proposal')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('envelope_id', '=', envelopeId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('budget_project')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('envelope_id', '=', envelopeId)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(proposals.n) + Number(projects.n);
}

export async function deleteEnvelope(db: Db, envelopeId: string): Promise<void> {
  await db.deleteFrom('budget_envelope').where('id', '=', envelopeId).execute();
}

/** Counts per campaign for the back-office list. */
export async function campaignCounts(
  db: Db,
): Promise<Map<string, { envelopes: number; proposals: number; projects: number }>> {
  const [envelopes, proposals, projects] = await Promise.all([
    db
      .selectFrom('budget_envelope')
      .select(['campaign_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('campaign_id')
      .execute(),
    db
      .selectFrom('budget_proposal')
      .select(['campaign_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('campaign_id')
      .execute(),
    db
      .selectFrom('budget_project')
      .select(['campaign_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('campaign_id')
      .execute(),
  ]);
  const out = new Map<string, { envelopes: number; proposals: number; projects: number }>();
  const get = (id: string) => {
    const entry = out.get(id) ?? { envelopes: 0, proposals: 0, projects: 0 };
    out.set(id, entry);
    return entry;
  };
  for (const r of envelopes) get(r.campaign_id).envelopes = Number(r.n);
  for (const r of proposals) get(r.campaign_id).proposals = Number(r.n);
  for (const r of projects) get(r.campaign_id).projects = Number(r.n);
  return out;
}
