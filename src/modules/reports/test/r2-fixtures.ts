/** Rows for R2's tests (agent workflow, notifications), inserted directly with Kysely. */
import { randomUUID } from 'node:crypto';
import { loadViewer, type Viewer } from '../../../core/auth/viewer.js';
import type { ImmediateJobQueue } from '../../../core/jobs/jobs.js';
import type { MailMessage } from '../../../core/mail/mailer.js';
import type { CoreServices } from '../../../core/services.js';
import '../reports.tables.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function createUser(
  core: CoreServices,
  options: {
    email?: string | null;
    locale?: string;
    isAdmin?: boolean;
    notify?: boolean;
    name?: string;
  } = {},
): Promise<string> {
  const row = await core.db
    .insertInto('account_user')
    .values({
      email: options.email === undefined ? `${randomUUID().slice(0, 8)}@example.test` : options.email,
      email_verified_at: new Date(),
      password_hash: null,
      deleted_at: null,
      display_name: options.name ?? 'Someone',
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
  directorateId: string;
  s1: string;
  s2: string;
  s3: string;
  agent1: string;
  agent2: string;
  manager1: string;
  admin: string;
  categoryId: string;
}

/** Two services in one directorate and one in another, their agents, a manager, an admin, a category. */
export async function createWorld(core: CoreServices): Promise<World> {
  const suffix = randomUUID().slice(0, 6).toUpperCase();
  const d1 = await core.db
    .insertInto('org_directorate')
    .values({ code: `DPE${suffix}`, name: 'Propreté et eau' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const d2 = await core.db
    .insertInto('org_directorate')
    .values({ code: `DVD${suffix}`, name: 'Voirie et déplacements' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const service = async (directorateId: string, code: string, name: string, email: string) =>
    (
      await core.db
        .insertInto('org_service')
        .values({ directorate_id: directorateId, code: `${code}-${suffix}`, name, email })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const s1 = await service(d1.id, 'PROP-05', 'Division propreté du 5e', 'prop05@ville.test');
  const s2 = await service(d1.id, 'PROP-06', 'Division propreté du 6e', 'prop06@ville.test');
  const s3 = await service(d2.id, 'STV', 'Section voirie', 'stv@ville.test');
  const agent1 = await createUser(core, { name: 'Agent Un' });
  const agent2 = await createUser(core, { name: 'Agent Deux' });
  const manager1 = await createUser(core, {
    name: 'Cheffe Un',
    email: `manager-${suffix}@ville.test`,
    locale: 'en',
  });
  const admin = await createUser(core, { isAdmin: true, name: 'Admin' });
  await core.db
    .insertInto('org_membership')
    .values([
      { user_id: agent1, service_id: s1, role: 'agent' },
      { user_id: agent2, service_id: s2, role: 'agent' },
      { user_id: manager1, service_id: s1, role: 'manager' },
    ])
    .execute();
  const parentId = `r2-parent-${suffix}`;
  const categoryId = `r2-leaf-${suffix}`;
  await core.db
    .insertInto('report_category')
    .values([
      { id: parentId, parent_id: null, label: 'Propreté', extra_questions: '[]', target_days: 5 },
      {
        id: categoryId,
        parent_id: parentId,
        label: 'Dépôt sauvage',
        default_service_id: s1,
        extra_questions: '[]',
      },
    ])
    .execute();
  return { directorateId: d1.id, s1, s2, s3, agent1, agent2, manager1, admin, categoryId };
}

let sequence = 0;

export async function createReport(
  core: CoreServices,
  world: World,
  options: {
    serviceId?: string | null;
    state?: string;
    ageDays?: number;
    reporterUserId?: string | null;
    reporterEmail?: string;
    closedDaysAgo?: number;
  } = {},
): Promise<{ id: string; reference: string }> {
  sequence += 1;
  const reference = `DMR-2026-${String(sequence).padStart(6, '0')}${randomUUID().slice(0, 4).toUpperCase()}`;
  const now = Date.now();
  const row = await core.db
    .insertInto('report_report')
    .values({
      reference,
      category_id: world.categoryId,
      service_id: options.serviceId === undefined ? world.s1 : options.serviceId,
      state: options.state ?? 'new',
      description: 'Un tas de gravats devant le 12',
      address: '12 rue Mouffetard',
      location: '(2.3499,48.8432)',
      arrondissement_code: '75105',
      arrondissement_name: '5e',
      routing: '{}',
      channel: 'web',
      reporter_user_id: options.reporterUserId ?? null,
      reporter_email: options.reporterEmail ?? '',
      attributes: '{}',
      created_at: new Date(now - (options.ageDays ?? 0) * DAY_MS),
      closed_at: options.closedDaysAgo === undefined ? null : new Date(now - options.closedDaysAgo * DAY_MS),
    })
    .returning(['id', 'reference'])
    .executeTakeFirstOrThrow();
  return row;
}

export async function follow(core: CoreServices, reportId: string, userId: string): Promise<void> {
  await core.db.insertInto('report_follower').values({ report_id: reportId, user_id: userId }).execute();
}

/** Mails handed to the job queue since `from` (an index into ImmediateJobQueue.sent). */
export function sentMails(core: CoreServices, from = 0): MailMessage[] {
  return (core.jobs as ImmediateJobQueue).sent
    .slice(from)
    .filter((job) => job.name === 'mail.send')
    .map((job) => job.data as MailMessage);
}

export function mailMark(core: CoreServices): number {
  return (core.jobs as ImmediateJobQueue).sent.length;
}

export async function events(core: CoreServices, reportId: string) {
  return core.db
    .selectFrom('report_event')
    .selectAll()
    .where('report_id', '=', reportId)
    .orderBy('id')
    .execute();
}

export async function stateOf(core: CoreServices, reportId: string) {
  return core.db.selectFrom('report_report').selectAll().where('id', '=', reportId).executeTakeFirstOrThrow();
}
