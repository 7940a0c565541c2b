/** Rows for the tracking tests: an organisation, accounts, a past campaign with winners and proposals. */
import { randomUUID } from 'node:crypto';
import { loadViewer, type Viewer } from '../../../../core/auth/viewer.js';
import type { ImmediateJobQueue } from '../../../../core/jobs/jobs.js';
import type { MailMessage } from '../../../../core/mail/mailer.js';
import type { CoreServices } from '../../../../core/services.js';
import { insertCampaign, insertEnvelope } from '../../proposals/campaigns.store.js';
import '../tracking.tables.js';

export async function createUser(
  core: CoreServices,
  options: { email?: string; locale?: string; isAdmin?: boolean; notify?: boolean; name?: string } = {},
): Promise<string> {
  const row = await core.db
    .insertInto('account_user')
    .values({
      email: options.email ?? `${randomUUID().slice(0, 8)}@example.test`,
      email_verified_at: new Date(),
      password_hash: null,
      deleted_at: null,
      display_name: options.name ?? 'Quelqu’un',
      locale: options.locale ?? 'fr',
      is_admin: options.isAdmin ?? false,
      notify_by_email: options.notify ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function viewerOf(core: CoreServices, userId: string): Promise<Viewer> {
  const viewer = await loadViewer(core.db, userId);
  if (!viewer) throw new Error('no viewer');
  return viewer;
}

export interface World {
  suffix: string;
  /** Voirie (DVD-like) and espaces verts (DEVE-like). */
  dvd: string;
  deve: string;
  dvdService: string;
  deveService: string;
  dvdAgent: string;
  deveAgent: string;
  admin: string;
  citizen: string;
  campaignId: string;
  slug: string;
  cityEnvelope: string;
  arrEnvelope: string;
  /** Winner of the DVD directorate, with two merged proposals. */
  winner: string;
  winnerNumber: number;
  /** Another winner (DEVE). */
  winner2: string;
  winner2Number: number;
  /** Not selected by the vote. */
  loser: string;
  loserNumber: number;
}

let counter = 0;

/**
 * Two directorates with a service and an agent each, an admin, a citizen, a published past
 * campaign (results out) with a city and an arrondissement envelope, two winners and a loser.
 */
export async function createWorld(core: CoreServices, options: { published?: boolean } = {}): Promise<World> {
  counter += 1;
  const suffix = `${randomUUID().slice(0, 6).toUpperCase()}${counter}`;
  const directorate = async (code: string, name: string) =>
    (
      await core.db
        .insertInto('org_directorate')
        .values({ code: `${code}${suffix}`, name })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const dvd = await directorate('DVD', 'Direction de la Voirie et des Déplacements');
  const deve = await directorate('DEVE', 'Direction des Espaces Verts');
  const service = async (directorateId: string, code: string, name: string) =>
    (
      await core.db
        .insertInto('org_service')
        .values({ directorate_id: directorateId, code: `${code}-${suffix}`, name })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const dvdService = await service(dvd, 'STV', 'Section territoriale de voirie');
  const deveService = await service(deve, 'SAB', 'Service de l’arbre');
  const dvdAgent = await createUser(core, { name: 'Léa Voirie' });
  const deveAgent = await createUser(core, { name: 'Paul Jardins' });
  const admin = await createUser(core, { isAdmin: true, name: 'Admin' });
  const citizen = await createUser(core, { name: 'Jean Citoyen' });
  await core.db
    .insertInto('org_membership')
    .values([
      { user_id: dvdAgent, service_id: dvdService, role: 'agent' },
      { user_id: deveAgent, service_id: deveService, role: 'agent' },
    ])
    .execute();

  const slug = `t${suffix.toLowerCase()}`;
  const campaignId = await insertCampaign(core.db, {
    slug,
    title: `Budget participatif ${suffix}`,
    description: '',
    submissionStartsAt: new Date('2025-01-06T00:00:00Z'),
    submissionEndsAt: new Date('2025-02-01T00:00:00Z'),
    studyStartsAt: new Date('2025-02-02T00:00:00Z'),
    studyEndsAt: new Date('2025-06-30T00:00:00Z'),
    voteStartsAt: new Date('2025-09-05T00:00:00Z'),
    voteEndsAt: new Date('2025-09-30T00:00:00Z'),
    resultsAt: new Date('2025-10-15T00:00:00Z'),
    implementationStartsAt: new Date('2025-11-01T00:00:00Z'),
    votingMethod: 'approval',
    maxChoices: 5,
    minSpendPercent: 0,
    selectionRule: 'greedy',
    published: options.published ?? true,
  });
  const cityEnvelope = await insertEnvelope(core.db, campaignId, {
    kind: 'city',
    code: 'paris',
    label: 'Tout Paris',
    amountCents: 30_000_000_00,
  });
  const arrEnvelope = await insertEnvelope(core.db, campaignId, {
    kind: 'arrondissement',
    code: '5',
    label: '5e arrondissement',
    amountCents: 1_500_000_00,
  });
  const project = async (values: {
    number: number;
    title: string;
    envelope: string;
    directorate: string | null;
    selected: boolean | null;
    location?: string | null;
  }) =>
    (
      await core.db
        .insertInto('budget_project')
        .values({
          campaign_id: campaignId,
          envelope_id: values.envelope,
          number: values.number,
          title: values.title,
          summary: 'Des arbres, des bancs et une piste cyclable protégée.',
          theme: 'cadre_de_vie',
          address: 'Rue Mouffetard',
          location: values.location === undefined ? '(2.3499,48.8432)' : values.location,
          arrondissement_code: '5',
          cost_cents: 450_000_00,
          directorate_id: values.directorate,
          selected: values.selected,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const winner = await project({
    number: 1,
    title: 'Une rue Mouffetard apaisée',
    envelope: arrEnvelope,
    directorate: dvd,
    selected: true,
  });
  const winner2 = await project({
    number: 2,
    title: 'Cent arbres pour le 5e',
    envelope: arrEnvelope,
    directorate: deve,
    selected: true,
    location: null,
  });
  const loser = await project({
    number: 3,
    title: 'Un kiosque à musique',
    envelope: cityEnvelope,
    directorate: dvd,
    selected: false,
  });
  return {
    suffix,
    dvd,
    deve,
    dvdService,
    deveService,
    dvdAgent,
    deveAgent,
    admin,
    citizen,
    campaignId,
    slug,
    cityEnvelope,
    arrEnvelope,
    winner,
    winnerNumber: 1,
    winner2,
    winner2Number: 2,
    loser,
    loserNumber: 3,
  };
}

/** A proposal merged into `projectId`, with its authors (account or not). */
export async function addProposal(
  core: CoreServices,
  world: World,
  projectId: string,
  authors: { userId?: string | null; name: string; role?: 'author' | 'coauthor' }[],
): Promise<string> {
  counter += 1;
  const reference = `BP-2025-${String(counter).padStart(4, '0')}${world.suffix}`;
  const proposal = await core.db
    .insertInto('budget_proposal')
    .values({
      campaign_id: world.campaignId,
      reference,
      envelope_id: world.arrEnvelope,
      title: `Proposition ${counter}`,
      description: 'Une proposition d’habitants.',
      theme: 'cadre_de_vie',
      state: 'merged',
      project_id: projectId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const author of authors) {
    await core.db
      .insertInto('budget_proposal_author')
      .values({
        proposal_id: proposal.id,
        user_id: author.userId ?? null,
        display_name: author.name,
        role: author.role ?? 'author',
      })
      .execute();
  }
  return reference;
}

export async function follow(core: CoreServices, projectId: string, userId: string): Promise<void> {
  await core.db
    .insertInto('budget_project_follower')
    .values({ project_id: projectId, user_id: userId })
    .execute();
}

/** Mails handed to the job queue since `from`. */
export function sentMails(core: CoreServices, from = 0): MailMessage[] {
  return (core.jobs as ImmediateJobQueue).sent
    .slice(from)
    .filter((job) => job.name === 'mail.send')
    .map((job) => job.data as MailMessage);
}

export function mailMark(core: CoreServices): number {
  return (core.jobs as ImmediateJobQueue).sent.length;
}

export async function projectRow(core: CoreServices, projectId: string) {
  return core.db
    .selectFrom('budget_project')
    .select(['implementation_status', 'progress_percent', 'abandoned_reason', 'selected'])
    .where('id', '=', projectId)
    .executeTakeFirstOrThrow();
}

export async function auditActions(core: CoreServices, projectId: string): Promise<string[]> {
  const rows = await core.db
    .selectFrom('audit_event')
    .select('action')
    .where('object_id', '=', projectId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}
