import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { systemActor } from '../../../../core/audit/audit.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../../../core/http/errors.js';
import type { CoreServices } from '../../../../core/services.js';
import { unsubscribeToken, verifyUnsubscribeToken } from '../notifications.js';
import { trackingPart } from '../part.js';
import { seedTrackingDemo } from '../seed/tracking-demo.js';
import { cityToday } from '../tracking.domain.js';
import {
  abandonProject,
  addMilestone,
  agentWinners,
  deleteMilestone,
  editMilestone,
  followProject,
  getPublicProject,
  listRealisations,
  markMilestoneReached,
  milestonePhotoFile,
  unfollowProject,
  updateProjectStatus,
} from '../tracking.service.js';
import { optOut } from '../tracking.store.js';
import {
  addProposal,
  auditActions,
  createUser,
  createWorld,
  follow,
  mailMark,
  projectRow,
  sentMails,
  viewerOf,
} from './fixtures.js';

let t: TestApp;
let core: CoreServices;
const actor = systemActor;

beforeAll(async () => {
  t = await createTestApp();
  core = t.core;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

/** The field errors of a refused call (fails the test if it was not a ValidationError). */
async function fieldsOf(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ValidationError) return error.fields;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

async function historyCount(projectId: string): Promise<number> {
  const row = await core.db
    .selectFrom('budget_project_status_change')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const status = (s: string, progress = '') => ({ status: s, progress });

describe('status transitions', () => {
  it('moves a winner studies → works → delivered, records the history and audits each change', async () => {
    const w = await createWorld(core);
    const agent = await viewerOf(core, w.dvdAgent);
    expect(await updateProjectStatus(core, agent, w.winner, status('studies', '10'), actor)).toBe(true);
    expect(await updateProjectStatus(core, agent, w.winner, status('works', '35'), actor)).toBe(true);
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'works',
      progress_percent: 35,
    });
    expect(await updateProjectStatus(core, agent, w.winner, status('delivered', '80'), actor)).toBe(true);
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'delivered',
      progress_percent: 100,
    });
    const history = await core.db
      .selectFrom('budget_project_status_change')
      .select(['from_status', 'to_status', 'progress_percent', 'actor_user_id'])
      .where('project_id', '=', w.winner)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(history.map((h) => [h.from_status, h.to_status, h.progress_percent])).toEqual([
      [null, 'studies', 10],
      ['studies', 'works', 35],
      ['works', 'delivered', 100],
    ]);
    expect(history.every((h) => h.actor_user_id === w.dvdAgent)).toBe(true);
    expect(await auditActions(core, w.winner)).toEqual([
      'budget.tracking.status_changed',
      'budget.tracking.status_changed',
      'budget.tracking.status_changed',
    ]);
  });

  it('refuses a skipped or backward step and any change after delivery, changing nothing', async () => {
    const w = await createWorld(core);
    const agent = await viewerOf(core, w.dvdAgent);
    expect(await fieldsOf(updateProjectStatus(core, agent, w.winner, status('delivered'), actor))).toEqual({
      status: 'budget.tracking.errors.transition',
    });
    await updateProjectStatus(core, agent, w.winner, status('works', '50'), actor);
    expect(await fieldsOf(updateProjectStatus(core, agent, w.winner, status('studies'), actor))).toEqual({
      status: 'budget.tracking.errors.transition',
    });
    expect(await fieldsOf(updateProjectStatus(core, agent, w.winner, status('works', '101'), actor))).toEqual(
      {
        progress: 'budget.tracking.errors.progress_range',
      },
    );
    await updateProjectStatus(core, agent, w.winner, status('delivered'), actor);
    const before = await historyCount(w.winner);
    expect(await fieldsOf(updateProjectStatus(core, agent, w.winner, status('works', '10'), actor))).toEqual({
      status: 'budget.tracking.errors.final',
    });
    expect(await fieldsOf(abandonProject(core, agent, w.winner, 'Trop tard', actor))).toEqual({
      status: 'budget.tracking.errors.final',
    });
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'delivered',
      progress_percent: 100,
    });
    expect(await historyCount(w.winner)).toBe(before);
  });

  it('says when a form changes nothing, and records nothing', async () => {
    const w = await createWorld(core);
    const agent = await viewerOf(core, w.dvdAgent);
    await updateProjectStatus(core, agent, w.winner, status('works', '40'), actor);
    const before = await historyCount(w.winner);
    expect(await updateProjectStatus(core, agent, w.winner, status('works', '40'), actor)).toBe(false);
    expect(await historyCount(w.winner)).toBe(before);
  });

  it('needs a public reason to abandon; with one, keeps the progress and tells the followers', async () => {
    const w = await createWorld(core);
    const agent = await viewerOf(core, w.dvdAgent);
    await updateProjectStatus(core, agent, w.winner, status('works', '30'), actor);
    const audits = (await auditActions(core, w.winner)).length;
    for (const empty of ['', '   ', '\n\t']) {
      expect(await fieldsOf(abandonProject(core, agent, w.winner, empty, actor))).toEqual({
        reason: 'budget.tracking.errors.reason_required',
      });
    }
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'works',
      abandoned_reason: '',
    });
    expect((await auditActions(core, w.winner)).length).toBe(audits);

    const follower = await createUser(core, { email: 'abandon-follower@example.test' });
    await follow(core, w.winner, follower);
    const mark = mailMark(core);
    await abandonProject(core, agent, w.winner, '  Le terrain est réservé à une école.  ', actor);
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'abandoned',
      progress_percent: 30,
      abandoned_reason: 'Le terrain est réservé à une école.',
    });
    expect((await auditActions(core, w.winner)).at(-1)).toBe('budget.tracking.abandoned');
    const mails = sentMails(core, mark);
    expect(mails.map((m) => m.to)).toEqual(['abandon-follower@example.test']);
    expect(mails[0]?.text).toContain('Le terrain est réservé à une école.');
  });

  it('keeps the rules in the database too, whoever writes the row', async () => {
    const w = await createWorld(core);
    const set = (values: {
      implementation_status?: 'studies' | 'works' | 'delivered' | 'abandoned';
      progress_percent?: number;
    }) => core.db.updateTable('budget_project').set(values).where('id', '=', w.winner).execute();
    await expect(set({ implementation_status: 'delivered', progress_percent: 100 })).rejects.toThrow(
      /budget.tracking.errors.transition/,
    );
    await set({ implementation_status: 'works', progress_percent: 20 });
    await expect(set({ implementation_status: 'studies' })).rejects.toThrow(
      /budget.tracking.errors.transition/,
    );
    await set({ implementation_status: 'delivered', progress_percent: 100 });
    await expect(set({ progress_percent: 90 })).rejects.toThrow(/budget.tracking.errors.final/);
    await expect(
      core.db
        .updateTable('budget_project')
        .set({ implementation_status: null })
        .where('id', '=', w.winner)
        .execute(),
    ).rejects.toThrow();
    await set({ implementation_status: 'delivered' }).catch(() => undefined);
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'delivered',
      progress_percent: 100,
    });
    // The checks of the columns themselves, on the other winner.
    await expect(
      core.db
        .updateTable('budget_project')
        .set({ implementation_status: 'works', progress_percent: 50 })
        .where('id', '=', w.winner2)
        .execute(),
    ).resolves.toBeDefined();
    await expect(
      core.db
        .updateTable('budget_project')
        .set({ implementation_status: 'delivered', progress_percent: 50 })
        .where('id', '=', w.winner2)
        .execute(),
    ).rejects.toThrow();
    await expect(
      core.db
        .updateTable('budget_project')
        .set({ implementation_status: 'abandoned', abandoned_reason: ' ' })
        .where('id', '=', w.winner2)
        .execute(),
    ).rejects.toThrow();
  });

  it('lets only one of two agents acting at once win: delivered and abandoned cannot both happen', async () => {
    const w = await createWorld(core);
    const admin = await viewerOf(core, w.admin);
    const agent = await viewerOf(core, w.dvdAgent);
    // Several projects in works, each asked to be delivered and abandoned at the same moment.
    const ids: string[] = [];
    for (let number = 10; number < 16; number++) {
      const row = await core.db
        .insertInto('budget_project')
        .values({
          campaign_id: w.campaignId,
          envelope_id: w.cityEnvelope,
          number,
          title: `Projet ${number}`,
          summary: '',
          theme: 'mobilite',
          cost_cents: 100_00,
          directorate_id: w.dvd,
          selected: true,
          implementation_status: 'works',
          progress_percent: 90,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    const results = await Promise.allSettled(
      ids.flatMap((id) => [
        updateProjectStatus(core, agent, id, status('delivered'), actor),
        abandonProject(core, admin, id, 'Abandon concurrent', actor),
      ]),
    );
    for (const [i, id] of ids.entries()) {
      const pair = results.slice(i * 2, i * 2 + 2);
      expect(pair.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = pair.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((refused.reason as ValidationError).fields).toEqual({ status: 'budget.tracking.errors.final' });
      expect(await historyCount(id)).toBe(1);
      const row = await projectRow(core, id);
      expect(['delivered', 'abandoned']).toContain(row.implementation_status);
    }
  });
});

describe('who may track what', () => {
  it('lets agents of the project’s directorate and admins act; others get 403 and change nothing', async () => {
    const w = await createWorld(core);
    const deveAgent = await viewerOf(core, w.deveAgent);
    const citizen = await viewerOf(core, w.citizen);
    for (const viewer of [deveAgent, citizen, null]) {
      await expect(
        updateProjectStatus(core, viewer, w.winner, status('works'), actor),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        addMilestone(
          core,
          viewer,
          w.winner,
          {
            kind: 'reached',
            date: cityToday(),
            title: 'X',
            description: '',
            status: '',
            progress: '',
            photos: [],
          },
          actor,
        ),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await projectRow(core, w.winner)).toMatchObject({ implementation_status: null });
    // The DEVE agent acts on the DEVE winner; the admin on anything.
    expect(await updateProjectStatus(core, deveAgent, w.winner2, status('works'), actor)).toBe(true);
    expect(
      await updateProjectStatus(core, await viewerOf(core, w.admin), w.winner, status('works'), actor),
    ).toBe(true);
  });

  it('lists for an agent only the winners of their directorates, with late planned milestones', async () => {
    const w = await createWorld(core);
    const now = new Date();
    await core.db
      .insertInto('budget_milestone')
      .values({
        project_id: w.winner,
        occurred_on: '2026-01-10',
        reached: false,
        title: 'Livraison prévue',
        created_by: null,
      })
      .execute();
    const mine = await agentWinners(
      core,
      await viewerOf(core, w.dvdAgent),
      { campaign: w.slug },
      { page: 1, pageSize: 50 },
      now,
    );
    expect(mine.items.map((i) => i.number)).toEqual([w.winnerNumber]);
    expect(mine.items[0]?.lateMilestones).toBe(1);
    const late = await agentWinners(
      core,
      await viewerOf(core, w.deveAgent),
      { campaign: w.slug, late: true },
      { page: 1, pageSize: 50 },
      now,
    );
    expect(late.items).toEqual([]);
    const all = await agentWinners(
      core,
      await viewerOf(core, w.admin),
      { campaign: w.slug },
      { page: 1, pageSize: 50 },
      now,
    );
    expect(all.items.map((i) => i.number)).toEqual([1, 2]);
    await expect(
      agentWinners(core, await viewerOf(core, w.citizen), {}, { page: 1, pageSize: 50 }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('tracks winners only: a project not selected (or before the results) is refused', async () => {
    const w = await createWorld(core);
    const admin = await viewerOf(core, w.admin);
    for (const projectId of [w.loser]) {
      await expect(updateProjectStatus(core, admin, projectId, status('works'), actor)).rejects.toMatchObject(
        {
          code: 'budget.tracking.errors.not_winner',
        },
      );
      await expect(
        addMilestone(
          core,
          admin,
          projectId,
          {
            kind: 'reached',
            date: cityToday(),
            title: 'X',
            description: '',
            status: '',
            progress: '',
            photos: [],
          },
          actor,
        ),
      ).rejects.toMatchObject({ code: 'budget.tracking.errors.not_winner' });
      await expect(
        followProject(core, await viewerOf(core, w.citizen), projectId, actor),
      ).rejects.toMatchObject({
        code: 'budget.tracking.follow.not_winner',
      });
    }
    await core.db.updateTable('budget_project').set({ selected: null }).where('id', '=', w.winner).execute();
    await expect(updateProjectStatus(core, admin, w.winner, status('works'), actor)).rejects.toBeInstanceOf(
      DomainError,
    );
    expect(await projectRow(core, w.loser)).toMatchObject({ implementation_status: null });
  });
});

async function png(colour = '#2a9d8f'): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

describe('milestones', () => {
  it('records a reached milestone with photos (re-encoded, EXIF gone), moves the project on and mails followers and authors', async () => {
    const w = await createWorld(core);
    const agent = await viewerOf(core, w.dvdAgent);
    const followerFr = await createUser(core, { email: 'suiveuse@example.test' });
    const followerEn = await createUser(core, { email: 'follower@example.test', locale: 'en' });
    const quiet = await createUser(core, { email: 'quiet@example.test', notify: false });
    const author = await createUser(core, { email: 'autrice@example.test' });
    const leaving = await createUser(core, { email: 'leaving@example.test' });
    for (const id of [followerFr, followerEn, quiet, leaving, w.dvdAgent]) await follow(core, w.winner, id);
    await addProposal(core, w, w.winner, [
      { userId: author, name: 'Collectif Mouffetard' },
      { userId: null, name: 'Une voisine' },
    ]);
    await optOut(core.db, w.winner, 'leaving@example.test');

    const jpeg = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#808080' } })
      .jpeg()
      .withExif({
        IFD0: { Make: 'TestPhone' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 50/1 4632/100' },
      })
      .toBuffer();
    const mark = mailMark(core);
    const id = await addMilestone(
      core,
      agent,
      w.winner,
      {
        kind: 'reached',
        date: cityToday(),
        title: 'Début des travaux',
        description: 'Le chantier commence <script>alert(1)</script>',
        status: 'works',
        progress: '25',
        photos: [
          { filename: 'IMG_1.JPG', data: jpeg },
          { filename: 'plan.png', data: await png() },
        ],
      },
      actor,
    );
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'works',
      progress_percent: 25,
    });
    const milestone = await core.db
      .selectFrom('budget_milestone')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(milestone).toMatchObject({
      reached: true,
      status_to: 'works',
      progress_after: 25,
      created_by: w.dvdAgent,
    });
    const photos = await core.db
      .selectFrom('budget_milestone_photo')
      .selectAll()
      .where('milestone_id', '=', id)
      .orderBy('position')
      .execute();
    expect(photos.map((p) => [p.width, p.height])).toEqual([
      [1600, 800],
      [300, 200],
    ]);
    const dir = path.join(core.config.dataDir, 'files', 'budget-milestones');
    expect(await readdir(dir)).toContain(photos[0]?.storage_key);
    const bytes = await readFile(path.join(dir, photos[0]!.storage_key));
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    expect(bytes.includes(Buffer.from('TestPhone'))).toBe(false);
    expect((await milestonePhotoFile(core, photos[0]!.id, null))?.isPublic).toBe(true);

    const mails = sentMails(core, mark);
    expect(mails.map((m) => m.to).sort()).toEqual(
      ['autrice@example.test', 'follower@example.test', 'suiveuse@example.test'].sort(),
    );
    const fr = mails.find((m) => m.to === 'suiveuse@example.test')!;
    expect(fr.subject).toContain('Début des travaux');
    expect(fr.text).toContain('Une nouvelle étape');
    expect(fr.text).toContain(`/budget/${w.slug}/projets/1`);
    expect(fr.headers?.['List-Unsubscribe']).toContain('/budget/realisations/desabonnement/');
    expect(fr.html).not.toContain('<script>alert(1)</script>');
    expect(fr.html).toContain('&lt;script>');
    const en = mails.find((m) => m.to === 'follower@example.test')!;
    expect(en.text).toContain('A new milestone');
    expect(await auditActions(core, w.winner)).toContain('budget.tracking.milestone_added');
  });

  it('refuses bad photos and too many, and a date in the future, storing nothing', async () => {
    const w = await createWorld(core);
    const agent = await viewerOf(core, w.dvdAgent);
    const base = {
      kind: 'reached',
      date: cityToday(),
      title: 'Étape',
      description: '',
      status: '',
      progress: '',
    };
    const count = async () =>
      Number(
        (
          await core.db
            .selectFrom('budget_milestone')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('project_id', '=', w.winner)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect(
      await fieldsOf(
        addMilestone(core, agent, w.winner, { ...base, photos: [{ filename: 'a.jpg', data: svg }] }, actor),
      ),
    ).toEqual({ photos: 'budget.tracking.errors.photo_not_image' });
    expect(
      await fieldsOf(
        addMilestone(
          core,
          agent,
          w.winner,
          { ...base, photos: [{ filename: 'x.html', data: Buffer.from('<html><body>hi</body></html>') }] },
          actor,
        ),
      ),
    ).toEqual({ photos: 'budget.tracking.errors.photo_not_image' });
    const good = { filename: 'a.png', data: await png() };
    expect(
      await fieldsOf(
        addMilestone(core, agent, w.winner, { ...base, photos: [good, good, good, good] }, actor),
      ),
    ).toEqual({ photos: 'budget.tracking.errors.too_many_photos' });
    expect(
      await fieldsOf(addMilestone(core, agent, w.winner, { ...base, date: '2099-01-01', photos: [] }, actor)),
    ).toEqual({ date: 'budget.tracking.errors.reached_in_future' });
    expect(await count()).toBe(0);
  });

  it('announces a planned milestone, then marks it reached; a late one shows in the back office', async () => {
    const w = await createWorld(core);
    const agent = await viewerOf(core, w.dvdAgent);
    const follower = await createUser(core, { email: `planned-${w.suffix}@example.test` });
    await follow(core, w.winner, follower);
    const today = new Date('2026-11-26T10:00:00Z');
    const mark = mailMark(core);
    const id = await addMilestone(
      core,
      agent,
      w.winner,
      {
        kind: 'planned',
        date: '2026-12-15',
        title: 'Livraison prévue',
        description: '',
        status: '',
        progress: '',
        photos: [],
      },
      actor,
      today,
    );
    expect(sentMails(core, mark)[0]?.text).toContain('Une étape est prévue');
    // Later, the day has passed: the milestone is late.
    const later = new Date('2027-01-05T10:00:00Z');
    const listed = await agentWinners(
      core,
      agent,
      { campaign: w.slug, late: true },
      { page: 1, pageSize: 10 },
      later,
    );
    expect(listed.items.map((i) => [i.number, i.lateMilestones])).toEqual([[1, 1]]);
    expect(await fieldsOf(markMilestoneReached(core, agent, id, '2027-02-01', actor, later))).toEqual({
      reachedOn: 'budget.tracking.errors.reached_in_future',
    });
    await markMilestoneReached(core, agent, id, '2027-01-04', actor, later);
    const row = await core.db
      .selectFrom('budget_milestone')
      .select(['reached'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.reached).toBe(true);
    const after = await agentWinners(
      core,
      agent,
      { campaign: w.slug, late: true },
      { page: 1, pageSize: 10 },
      later,
    );
    expect(after.items).toEqual([]);
    const other = await viewerOf(core, w.deveAgent);
    await expect(markMilestoneReached(core, other, id, '2027-01-04', actor, later)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe('correcting and deleting milestones', () => {
  const photosDir = () => path.join(core.config.dataDir, 'files', 'budget-milestones');
  const fileCount = async () => (await readdir(photosDir()).catch(() => [])).length;
  const milestoneRow = (id: string) =>
    core.db
      .selectFrom('budget_milestone')
      .select([
        'title',
        'description',
        'reached',
        'status_to',
        'progress_after',
        sql<string>`to_char(occurred_on, 'YYYY-MM-DD')`.as('day'),
      ])
      .where('id', '=', id)
      .executeTakeFirst();
  const photoRows = (id: string) =>
    core.db
      .selectFrom('budget_milestone_photo')
      .select(['id', 'storage_key', 'position'])
      .where('milestone_id', '=', id)
      .orderBy('position')
      .execute();
  const auditOf = async (projectId: string, action: string) =>
    core.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('object_id', '=', projectId)
      .where('action', '=', action)
      .execute();
  const yesterday = () => cityToday(new Date(Date.now() - 24 * 3600 * 1000));
  const edit = { date: cityToday(), title: 'Étape', description: '', removePhotoIds: [], photos: [] };

  async function reachedMilestone(w: Awaited<ReturnType<typeof createWorld>>, photos = 2) {
    const agent = await viewerOf(core, w.dvdAgent);
    const uploads = [];
    for (let i = 0; i < photos; i++) uploads.push({ filename: `p${i}.png`, data: await png() });
    const id = await addMilestone(
      core,
      agent,
      w.winner,
      {
        kind: 'reached',
        date: cityToday(),
        title: 'Début des travaux',
        description: 'Le chantier commence.',
        status: 'works',
        progress: '25',
        photos: uploads,
      },
      actor,
    );
    return { agent, id };
  }

  it('edits the date, text and photos (a removed photo loses its row and its file), audits it, mails no one, and the public page shows it', async () => {
    const w = await createWorld(core);
    const follower = await createUser(core, { email: `edit-${w.suffix}@example.test` });
    await follow(core, w.winner, follower);
    const { agent, id } = await reachedMilestone(w);
    const [first, second] = await photoRows(id);
    const mark = mailMark(core);
    const changed = await editMilestone(
      core,
      agent,
      id,
      {
        date: yesterday(),
        title: '  Travaux   commencés <b>vite</b> ',
        description: 'Corrigé <script>alert(1)</script>',
        removePhotoIds: [first!.id, randomUUID()],
        photos: [{ filename: 'new.png', data: await png('#e76f51') }],
      },
      actor,
    );
    expect(changed).toBe(true);
    expect(await milestoneRow(id)).toEqual({
      title: 'Travaux commencés <b>vite</b>',
      description: 'Corrigé <script>alert(1)</script>',
      reached: true,
      status_to: 'works',
      progress_after: 25,
      day: yesterday(),
    });
    const photos = await photoRows(id);
    expect(photos.map((p) => p.position)).toEqual([0, 1]);
    expect(photos[0]?.id).toBe(second!.id);
    expect(photos.map((p) => p.id)).not.toContain(first!.id);
    const files = await readdir(photosDir());
    expect(files).not.toContain(first!.storage_key);
    expect(files).toContain(second!.storage_key);
    expect(files).toContain(photos[1]!.storage_key);
    expect(await milestonePhotoFile(core, first!.id, null)).toBeNull();
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'works',
      progress_percent: 25,
    });

    // Followers are not mailed about a correction.
    expect(sentMails(core, mark)).toEqual([]);
    const audits = await auditOf(w.winner, 'budget.tracking.milestone_edited');
    expect(audits).toHaveLength(1);
    expect(audits[0]?.details).toMatchObject({
      milestoneId: id,
      changed: ['date', 'title', 'description'],
      date: yesterday(),
      titleFrom: 'Début des travaux',
      photosRemoved: 1,
      photosAdded: 1,
    });

    const page = await getPublicProject(core, w.slug, '1', null);
    const shown = page?.tracking?.milestones.find((m) => m.id === id);
    expect(shown?.title).toBe('Travaux commencés <b>vite</b>');
    expect(shown?.photos.map((p) => p.id)).toEqual(photos.map((p) => p.id));

    // The same values again change nothing, and are not audited.
    expect(
      await editMilestone(
        core,
        agent,
        id,
        {
          ...edit,
          date: yesterday(),
          title: 'Travaux commencés <b>vite</b>',
          description: 'Corrigé <script>alert(1)</script>',
        },
        actor,
      ),
    ).toBe(false);
    expect(await auditOf(w.winner, 'budget.tracking.milestone_edited')).toHaveLength(1);
  });

  it('refuses a bad edit with its field errors, changing nothing and storing no file', async () => {
    const w = await createWorld(core);
    const { agent, id } = await reachedMilestone(w);
    const before = await milestoneRow(id);
    const photosBefore = await photoRows(id);
    const files = await fileCount();
    expect(
      await fieldsOf(editMilestone(core, agent, id, { ...edit, date: '31/02/2026', title: '  ' }, actor)),
    ).toEqual({
      date: 'budget.tracking.errors.date_invalid',
      title: 'budget.tracking.errors.title_required',
    });
    expect(await fieldsOf(editMilestone(core, agent, id, { ...edit, date: '2099-01-01' }, actor))).toEqual({
      date: 'budget.tracking.errors.reached_in_future',
    });
    expect(
      await fieldsOf(
        editMilestone(
          core,
          agent,
          id,
          { ...edit, description: 'x'.repeat(5001), title: 'y'.repeat(151) },
          actor,
        ),
      ),
    ).toEqual({
      title: 'budget.tracking.errors.title_too_long',
      description: 'budget.tracking.errors.description_too_long',
    });
    const good = { filename: 'a.png', data: await png() };
    // Two kept and two new: one too many. Removing one makes room.
    expect(await fieldsOf(editMilestone(core, agent, id, { ...edit, photos: [good, good] }, actor))).toEqual({
      photos: 'budget.tracking.errors.too_many_photos',
    });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect(
      await fieldsOf(
        editMilestone(
          core,
          agent,
          id,
          {
            ...edit,
            removePhotoIds: [photosBefore[0]!.id],
            photos: [good, { filename: 'b.jpg', data: svg }],
          },
          actor,
        ),
      ),
    ).toEqual({ photos: 'budget.tracking.errors.photo_not_image' });
    expect(await milestoneRow(id)).toEqual(before);
    expect(await photoRows(id)).toEqual(photosBefore);
    expect(await fileCount()).toBe(files);
    expect(await auditOf(w.winner, 'budget.tracking.milestone_edited')).toEqual([]);
    expect(
      await editMilestone(
        core,
        agent,
        id,
        { ...edit, removePhotoIds: [photosBefore[0]!.id], photos: [good, good] },
        actor,
      ),
    ).toBe(true);
    expect(await photoRows(id)).toHaveLength(3);
  });

  it('lets a late planned milestone keep its day while its text is corrected, but not move to another past day', async () => {
    const w = await createWorld(core);
    const agent = await viewerOf(core, w.dvdAgent);
    const id = await addMilestone(
      core,
      agent,
      w.winner,
      {
        kind: 'planned',
        date: '2026-12-15',
        title: 'Livraison',
        description: '',
        status: '',
        progress: '',
        photos: [],
      },
      actor,
      new Date('2026-11-26T10:00:00Z'),
    );
    const later = new Date('2027-01-05T10:00:00Z');
    const base = { ...edit, date: '15/12/2026', title: 'Livraison des bancs' };
    expect(
      await fieldsOf(editMilestone(core, agent, id, { ...base, date: '2026-12-20' }, actor, later)),
    ).toEqual({
      date: 'budget.tracking.errors.planned_in_past',
    });
    expect(await editMilestone(core, agent, id, base, actor, later)).toBe(true);
    expect(await milestoneRow(id)).toMatchObject({
      title: 'Livraison des bancs',
      reached: false,
      day: '2026-12-15',
    });
    expect(await editMilestone(core, agent, id, { ...base, date: '2027-02-01' }, actor, later)).toBe(true);
    expect(await milestoneRow(id)).toMatchObject({ day: '2027-02-01' });
  });

  it('deletes a milestone with its photos (rows and files); the status change it carried stays in the history; audited, no mail', async () => {
    const w = await createWorld(core);
    const follower = await createUser(core, { email: `delete-${w.suffix}@example.test` });
    await follow(core, w.winner, follower);
    const { agent, id } = await reachedMilestone(w);
    const photos = await photoRows(id);
    const mark = mailMark(core);
    await deleteMilestone(core, agent, id, actor);
    expect(await milestoneRow(id)).toBeUndefined();
    expect(await photoRows(id)).toEqual([]);
    const files = await readdir(photosDir());
    for (const photo of photos) expect(files).not.toContain(photo.storage_key);
    expect(sentMails(core, mark)).toEqual([]);
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'works',
      progress_percent: 25,
    });
    const history = await core.db
      .selectFrom('budget_project_status_change')
      .select(['to_status', 'milestone_id'])
      .where('project_id', '=', w.winner)
      .execute();
    expect(history).toEqual([{ to_status: 'works', milestone_id: null }]);
    const audits = await auditOf(w.winner, 'budget.tracking.milestone_deleted');
    expect(audits.map((a) => a.details)).toEqual([
      expect.objectContaining({ milestoneId: id, title: 'Début des travaux', reached: true, photos: 2 }),
    ]);
    const page = await getPublicProject(core, w.slug, '1', null);
    expect(page?.tracking?.milestones).toEqual([]);
    await expect(deleteMilestone(core, agent, id, actor)).rejects.toBeInstanceOf(NotFoundError);
    await expect(editMilestone(core, agent, id, edit, actor)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteMilestone(core, agent, 'not-a-uuid', actor)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lets only agents of the project’s directorate and admins edit or delete; others get 403 and change nothing', async () => {
    const w = await createWorld(core);
    const { id } = await reachedMilestone(w, 1);
    const before = await milestoneRow(id);
    const deveAgent = await viewerOf(core, w.deveAgent);
    const citizen = await viewerOf(core, w.citizen);
    for (const viewer of [deveAgent, citizen, null]) {
      await expect(
        editMilestone(core, viewer, id, { ...edit, title: 'Piraté' }, actor),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(deleteMilestone(core, viewer, id, actor)).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await milestoneRow(id)).toEqual(before);
    expect(await photoRows(id)).toHaveLength(1);
    const admin = await viewerOf(core, w.admin);
    expect(await editMilestone(core, admin, id, { ...edit, title: 'Par l’admin' }, actor)).toBe(true);
    await deleteMilestone(core, admin, id, actor);
    expect(await milestoneRow(id)).toBeUndefined();
  });
});

describe('following and the public page', () => {
  it('follows and unfollows a winner, and an unsubscribe token is bound to its project and address', async () => {
    const w = await createWorld(core);
    const citizen = await viewerOf(core, w.citizen);
    await followProject(core, citizen, w.winner, actor);
    await followProject(core, citizen, w.winner, actor);
    let page = await getPublicProject(core, w.slug, '1', citizen);
    expect(page).toMatchObject({ following: true, followerCount: 1 });
    await unfollowProject(core, citizen, w.winner, actor);
    page = await getPublicProject(core, w.slug, '1', citizen);
    expect(page).toMatchObject({ following: false, followerCount: 0 });
    await expect(followProject(core, null, w.winner, actor)).rejects.toMatchObject({ status: 401 });
    const token = unsubscribeToken(core.config.sessionSecret, w.winner, 'Someone@Example.test');
    expect(verifyUnsubscribeToken(core.config.sessionSecret, token)).toEqual({
      projectId: w.winner,
      email: 'someone@example.test',
    });
    const [, mac] = token.split('.');
    const forged = `${Buffer.from(`${w.winner}other@example.test`).toString('base64url')}.${mac}`;
    expect(verifyUnsubscribeToken(core.config.sessionSecret, forged)).toBeNull();
  });

  it('shows credited authors by their public names only, the merged proposals, tracking for winners only', async () => {
    const w = await createWorld(core);
    const author = await createUser(core, { email: 'secret-author@example.test', name: 'Nom de compte' });
    await addProposal(core, w, w.winner, [
      { userId: author, name: 'Collectif Mouffetard' },
      { userId: null, name: 'Une voisine', role: 'coauthor' },
    ]);
    await addProposal(core, w, w.winner, [{ userId: null, name: 'Collectif Mouffetard' }]);
    const page = await getPublicProject(core, w.slug, '1', null);
    expect(page?.authors).toEqual(['Collectif Mouffetard', 'Une voisine']);
    expect(page?.mergedProposals).toHaveLength(2);
    expect(JSON.stringify(page)).not.toContain('secret-author@example.test');
    expect(page?.tracking?.status).toBe('studies');
    expect(page?.envelope.label).toBe('5e arrondissement');
    expect((await getPublicProject(core, w.slug, '3', null))?.tracking).toBeNull();
    expect(await getPublicProject(core, w.slug, '99', null)).toBeNull();
    expect(await getPublicProject(core, w.slug, '1abc', null)).toBeNull();
  });

  it('shows the votes or the grades received once the vote part has published the count', async () => {
    const w = await createWorld(core);
    const count = (method: string, published: boolean) =>
      core.db
        .insertInto('budget_result')
        .values({
          campaign_id: w.campaignId,
          envelope_id: w.arrEnvelope,
          campaign_ballots: 120,
          ballots: 100,
          method,
          rule: 'greedy',
          data: JSON.stringify({
            ballots: 100,
            projects: [
              {
                id: w.winner,
                votes: 80,
                rank: 1,
                selected: true,
                profile: [20, 10, 30, 40],
                majorityGrade: 2,
              },
              {
                id: w.winner2,
                votes: 60,
                rank: 2,
                selected: true,
                profile: [40, 10, 30, 20],
                majorityGrade: 1,
              },
            ],
          }),
          published_at: published ? new Date() : null,
        })
        .onConflict((oc) =>
          oc
            .columns(['campaign_id', 'envelope_id'])
            .doUpdateSet({ method, published_at: published ? new Date() : null }),
        )
        .execute();
    await count('approval', false);
    expect((await getPublicProject(core, w.slug, '1', null))?.voteResult).toBeNull();
    await count('approval', true);
    expect((await getPublicProject(core, w.slug, '1', null))?.voteResult).toMatchObject({
      method: 'approval',
      votes: 80,
      ballots: 100,
      rank: 1,
      projectCount: 2,
      profile: null,
    });
    await count('majority_judgment', true);
    expect((await getPublicProject(core, w.slug, '2', null))?.voteResult).toMatchObject({
      method: 'majority_judgment',
      rank: 2,
      profile: [40, 10, 30, 20],
      majorityGrade: 1,
    });
    // The city-wide envelope has no published count: nothing shown for its project.
    expect((await getPublicProject(core, w.slug, '3', null))?.voteResult).toBeNull();
  });

  it('hides an unpublished campaign from everyone but admins, on the page and in the list', async () => {
    const w = await createWorld(core, { published: false });
    expect(await getPublicProject(core, w.slug, '1', await viewerOf(core, w.citizen))).toBeNull();
    expect(await getPublicProject(core, w.slug, '1', await viewerOf(core, w.admin))).not.toBeNull();
    const list = await listRealisations(core, { campaign: w.slug }, { page: 1, pageSize: 20 });
    expect(list.total).toBe(0);
  });

  it('lists winners with filters (campaign, status, theme, arrondissement) and their map points', async () => {
    const w = await createWorld(core);
    await updateProjectStatus(core, await viewerOf(core, w.admin), w.winner, status('works'), actor);
    const all = await listRealisations(core, { campaign: w.slug }, { page: 1, pageSize: 20 });
    expect(all.items.map((i) => i.number)).toEqual([1, 2]);
    expect(all.points.map((p) => p.number)).toEqual([1]);
    expect(all.facets.campaigns.map((c) => c.slug)).toContain(w.slug);
    const works = await listRealisations(
      core,
      { campaign: w.slug, status: 'works' },
      { page: 1, pageSize: 20 },
    );
    expect(works.items.map((i) => i.number)).toEqual([1]);
    const studies = await listRealisations(
      core,
      { campaign: w.slug, status: 'studies' },
      { page: 1, pageSize: 20 },
    );
    expect(studies.items.map((i) => i.number)).toEqual([2]);
    const none = await listRealisations(
      core,
      { campaign: w.slug, theme: 'sport', arrondissement: '5' },
      { page: 1, pageSize: 20 },
    );
    expect(none.total).toBe(0);
    const paged = await listRealisations(core, { campaign: w.slug }, { page: 2, pageSize: 1 });
    expect(paged.items.map((i) => i.number)).toEqual([2]);
    expect(paged.total).toBe(2);
  });
});

describe('personal data', () => {
  it('exports the follows of a person, and anonymisation drops them and the agent’s name on milestones', async () => {
    const w = await createWorld(core);
    const agent = await viewerOf(core, w.dvdAgent);
    await followProject(core, await viewerOf(core, w.citizen), w.winner, actor);
    await addMilestone(
      core,
      agent,
      w.winner,
      {
        kind: 'reached',
        date: cityToday(),
        title: 'Étape',
        description: '',
        status: 'works',
        progress: '',
        photos: [],
      },
      actor,
    );
    const data = await trackingPart.personalData?.(core, w.citizen);
    expect(data?.budgetFollows).toEqual([
      expect.objectContaining({ campaign: w.slug, number: 1, title: 'Une rue Mouffetard apaisée' }),
    ]);
    await trackingPart.anonymiseUser?.(core, w.citizen);
    await trackingPart.anonymiseUser?.(core, w.dvdAgent);
    expect((await trackingPart.personalData?.(core, w.citizen))?.budgetFollows).toEqual([]);
    const milestone = await core.db
      .selectFrom('budget_milestone')
      .select('created_by')
      .where('project_id', '=', w.winner)
      .executeTakeFirstOrThrow();
    expect(milestone.created_by).toBeNull();
    // The public record stays.
    expect((await getPublicProject(core, w.slug, '1', null))?.tracking?.milestones).toHaveLength(1);
  });
});

describe('demo seed', () => {
  it('does nothing without the 2025 campaign or its winners, then tracks the winners once', async () => {
    expect((await seedTrackingDemo(core)).skipped).toBe('no_campaign');
    const w = await createWorld(core);
    await core.db
      .updateTable('budget_campaign')
      .set({ slug: '2025' })
      .where('id', '=', w.campaignId)
      .execute();
    await core.db
      .updateTable('budget_project')
      .set({ selected: null })
      .where('campaign_id', '=', w.campaignId)
      .execute();
    expect((await seedTrackingDemo(core)).skipped).toBe('no_winners');
    await core.db
      .updateTable('budget_project')
      .set({ selected: true })
      .where('campaign_id', '=', w.campaignId)
      .execute();
    const first = await seedTrackingDemo(core);
    expect(first.skipped).toBeNull();
    expect(first.projects).toBe(3);
    const statuses = await core.db
      .selectFrom('budget_project')
      .select(['number', 'implementation_status', 'progress_percent'])
      .where('campaign_id', '=', w.campaignId)
      .orderBy('number')
      .execute();
    expect(statuses.every((s) => s.implementation_status !== null)).toBe(true);
    const milestones = await core.db
      .selectFrom('budget_milestone as m')
      .innerJoin('budget_project as p', 'p.id', 'm.project_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.campaign_id', '=', w.campaignId)
      .executeTakeFirstOrThrow();
    expect(Number(milestones.n)).toBe(first.milestones);
    expect((await seedTrackingDemo(core)).skipped).toBe('done');
    const again = await core.db
      .selectFrom('budget_milestone as m')
      .innerJoin('budget_project as p', 'p.id', 'm.project_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.campaign_id', '=', w.campaignId)
      .executeTakeFirstOrThrow();
    expect(Number(again.n)).toBe(first.milestones);
  });
});
