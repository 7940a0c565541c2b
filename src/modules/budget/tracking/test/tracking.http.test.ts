/**
 * The tracking pages as a browser without JavaScript uses them: the project page (follow,
 * comments), the list of winners, "projects I follow", the unsubscribe link, and the back
 * office forms (303 on success, 422 with the values kept, 403 for the wrong agent). Text typed
 * by people is shown inert.
 */
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../../../test/helpers/test-app.js';
import { systemActor } from '../../../../core/audit/audit.js';
import type { App } from '../../../../core/http/types.js';
import type { CoreServices } from '../../../../core/services.js';
import { signedInBrowser } from '../../../backoffice/test/helpers.js';
import { unsubscribeToken } from '../notifications.js';
import { addMilestone } from '../tracking.service.js';
import {
  addProposal,
  auditActions,
  createWorld,
  follow,
  mailMark,
  projectRow,
  sentMails,
  viewerOf,
  type World,
} from './fixtures.js';

let t: TestApp;
let core: CoreServices;
let app: App;
let w: World;
let projectUrl: string;
let adminUrl: string;

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

async function agentBrowser(serviceId: string) {
  const signed = await signedInBrowser(app, core, { displayName: 'Agent' });
  await core.db
    .insertInto('org_membership')
    .values({ user_id: signed.userId, service_id: serviceId, role: 'agent' })
    .execute();
  return signed;
}

/** A multipart form with several files, with the CSRF token of `csrfFrom`, as a browser posts it. */
async function postMultipart(
  browser: Browser,
  url: string,
  fields: Record<string, string>,
  files: { filename: string; type: string; content: Buffer }[],
  csrfFrom: string,
): Promise<LightMyRequestResponse> {
  const page = await browser.get(csrfFrom);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const boundary = `----tr${randomUUID().replace(/-/g, '')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: token, ...fields })) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  if (files.length === 0) {
    // An empty file input still sends its part.
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n`,
      ),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const jar = (browser as unknown as { cookies: Map<string, string> }).cookies;
  return app.inject({
    method: 'POST',
    url,
    headers: {
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: Buffer.concat(parts),
  });
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

beforeAll(async () => {
  t = await createTestApp();
  core = t.core;
  app = t.app;
  w = await createWorld(core);
  await core.db
    .updateTable('budget_project')
    .set({ summary: `Un projet ${HOSTILE}` })
    .where('id', '=', w.winner)
    .execute();
  projectUrl = `/budget/${w.slug}/projets/1`;
  adminUrl = `/admin/budget/realisations/${w.slug}/1`;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the project page', () => {
  it('shows the project with its credited authors by public name only, hostile text inert', async () => {
    const author = await signedInBrowser(app, core, {
      email: 'hidden-author@example.test',
      displayName: 'Compte',
    });
    await addProposal(core, w, w.winner, [{ userId: author.userId, name: `Collectif ${HOSTILE}` }]);
    const response = await new Browser(app).get(projectUrl);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Une rue Mouffetard apaisée');
    expect(response.body).toContain('Collectif &lt;script>');
    expect(response.body).not.toContain('<script>alert("x")</script>');
    expect(response.body).not.toContain('<img src=x');
    expect(response.body).not.toContain('hidden-author@example.test');
    expect(response.body).toContain('Lauréat');
    expect(response.body).toContain('data-markers');
    expect((await new Browser(app).get(`/budget/${w.slug}/projets/999`)).statusCode).toBe(404);
    expect((await new Browser(app).get(`/budget/nope/projets/1`)).statusCode).toBe(404);
  });

  it('shows the grades received as a chart with its data table once the count is published', async () => {
    await core.db
      .insertInto('budget_result')
      .values({
        campaign_id: w.campaignId,
        envelope_id: w.arrEnvelope,
        campaign_ballots: 10,
        ballots: 10,
        method: 'majority_judgment',
        rule: 'majority_judgment',
        data: JSON.stringify({
          ballots: 10,
          projects: [
            { id: w.winner, votes: 7, rank: 1, selected: true, profile: [1, 2, 3, 4], majorityGrade: 2 },
          ],
        }),
        published_at: new Date(),
      })
      .execute();
    const page = await new Browser(app).get(projectUrl);
    expect(page.body).toMatch(/Mention majoritaire : J(&#39;|')aime bien\./);
    expect(page.body).toContain('role="img"');
    expect(page.body).toMatch(/<caption[^>]*>Mentions reçues par ce projet \(10 bulletins\)<\/caption>/);
    expect(page.body).toContain('40 %');
  });

  it('sends a signed-out visitor to sign in, and lets a signed-in one follow and unfollow', async () => {
    const anonymous = new Browser(app);
    const page = await anonymous.get(projectUrl);
    expect(page.body).toContain('/connexion?retour=');
    const { browser, userId } = await signedInBrowser(app, core);
    const followed = await browser.post(`${projectUrl}/suivre`, { follow: '1' }, { csrfFrom: projectUrl });
    expect(followed.statusCode).toBe(303);
    expect(followed.headers.location).toBe(projectUrl);
    const after = await browser.get(projectUrl);
    expect(after.body).toContain('Ne plus suivre ce projet');
    expect(after.body).toContain('Vous suivez ce projet');
    const mine = await browser.get('/compte/budget/suivis');
    expect(mine.body).toContain('Une rue Mouffetard apaisée');
    await browser.post(`${projectUrl}/suivre`, { follow: '0' }, { csrfFrom: projectUrl });
    const rows = await core.db
      .selectFrom('budget_project_follower')
      .select('user_id')
      .where('user_id', '=', userId)
      .execute();
    expect(rows).toHaveLength(0);
    // A project not selected cannot be followed.
    const refused = await browser.post(
      `/budget/${w.slug}/projets/3/suivre`,
      { follow: '1' },
      { csrfFrom: projectUrl },
    );
    expect(refused.statusCode).toBe(303);
    expect((await browser.get(`/budget/${w.slug}/projets/3`)).body).toContain('Seuls les projets lauréats');
    expect((await new Browser(app).get('/compte/budget/suivis')).statusCode).toBe(303);
  });

  it('posts a comment without JavaScript; an empty one comes back 422, a hostile one is shown inert', async () => {
    const { browser } = await signedInBrowser(app, core, { displayName: 'Habitante du 5e' });
    const empty = await browser.post(`${projectUrl}/commentaires`, { body: '   ' }, { csrfFrom: projectUrl });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('href="#field-body"');
    const long = 'x'.repeat(2001);
    const tooLong = await browser.post(
      `${projectUrl}/commentaires`,
      { body: long },
      { csrfFrom: projectUrl },
    );
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.body).toContain(long);
    const posted = await browser.post(
      `${projectUrl}/commentaires`,
      { body: `Bravo ${HOSTILE}` },
      { csrfFrom: projectUrl },
    );
    expect(posted.statusCode).toBe(303);
    const page = await new Browser(app).get(projectUrl);
    expect(page.body).toContain('Habitante du 5e');
    expect(page.body).toContain('Bravo &lt;script>');
    expect(page.body).not.toContain('<script>alert("x")</script>');
    // A hidden comment is not shown.
    await core.db
      .updateTable('budget_comment')
      .set({ status: 'hidden' })
      .where('project_id', '=', w.winner)
      .execute();
    expect((await new Browser(app).get(projectUrl)).body).not.toContain('Bravo');
    const anonymous = await new Browser(app).post(
      `${projectUrl}/commentaires`,
      { body: 'Anonyme' },
      { csrfFrom: '/connexion' },
    );
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toContain('/connexion');
  });
});

describe('the list of winners', () => {
  it('filters, paginates and works without JavaScript; bad filter values give an empty list, not an error', async () => {
    const list = await new Browser(app).get(`/budget/realisations?campagne=${w.slug}`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Une rue Mouffetard apaisée');
    expect(list.body).toContain('Cent arbres pour le 5e');
    expect(list.body).not.toContain('Un kiosque à musique');
    const filtered = await new Browser(app).get(`/budget/realisations?campagne=${w.slug}&statut=delivered`);
    expect(filtered.body).not.toContain('Une rue Mouffetard apaisée');
    const odd = await new Browser(app).get(
      `/budget/realisations?campagne=${encodeURIComponent(HOSTILE)}&statut=%3Cb%3E&page=-3&theme=${'x'.repeat(500)}`,
    );
    expect(odd.statusCode).toBe(200);
    expect(odd.body).not.toContain('<script>alert("x")</script>');
  });
});

describe('the back office', () => {
  it('refuses citizens and agents of another directorate (403), and signed-out people go to sign in', async () => {
    expect((await new Browser(app).get(adminUrl)).statusCode).toBe(303);
    const citizen = await signedInBrowser(app, core);
    expect((await citizen.browser.get('/admin/budget/realisations')).statusCode).toBe(403);
    const other = await agentBrowser(w.deveService);
    expect((await other.browser.get(adminUrl)).statusCode).toBe(403);
    const list = await other.browser.get('/admin/budget/realisations');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Cent arbres pour le 5e');
    expect(list.body).not.toContain('Une rue Mouffetard apaisée');
    const posted = await other.browser.post(
      `${adminUrl}/statut`,
      { status: 'works', progress: '10' },
      {
        csrfFrom: '/admin/budget/realisations',
      },
    );
    expect(posted.statusCode).toBe(403);
    expect(await projectRow(core, w.winner)).toMatchObject({ implementation_status: null });
  });

  it('changes the status by a form: 422 with the values kept, then 303', async () => {
    const { browser } = await agentBrowser(w.dvdService);
    const page = await browser.get(adminUrl);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ajouter une étape');
    // The back office's side navigation leads here.
    expect(page.body).toMatch(
      /<a href="\/admin\/budget\/realisations" aria-current="page">Suivi des réalisations<\/a>/,
    );
    const bad = await browser.post(
      `${adminUrl}/statut`,
      { status: 'delivered', progress: '12abc' },
      { csrfFrom: adminUrl },
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-status"');
    expect(bad.body).toContain('href="#field-progress"');
    expect(bad.body).toContain('value="12abc"');
    const ok = await browser.post(
      `${adminUrl}/statut`,
      { status: 'works', progress: '30' },
      { csrfFrom: adminUrl },
    );
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(adminUrl);
    expect(await projectRow(core, w.winner)).toMatchObject({
      implementation_status: 'works',
      progress_percent: 30,
    });
    const noCsrf = await browser.post(
      `${adminUrl}/statut`,
      { status: 'delivered', progress: '' },
      { csrf: false },
    );
    expect(noCsrf.statusCode).toBe(403);
  });

  it('adds a milestone with photos by a multipart form; a bad photo comes back 422 with what was typed', async () => {
    const { browser } = await agentBrowser(w.dvdService);
    const follower = await signedInBrowser(app, core, {
      email: `suit-${w.suffix.toLowerCase()}@example.test`,
    });
    await follow(core, w.winner, follower.userId);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const refused = await postMultipart(
      browser,
      `${adminUrl}/etapes`,
      {
        kind: 'reached',
        date: today(),
        title: `Chantier ${HOSTILE}`,
        description: 'Texte gardé',
        milestoneStatus: '',
        milestoneProgress: '45',
      },
      [{ filename: 'photo.jpg', type: 'image/jpeg', content: svg }],
      adminUrl,
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('href="#field-photos"');
    expect(refused.body).toContain('Texte gardé');
    expect(refused.body).toContain('value="45"');
    expect(refused.body).toContain('Chantier &lt;script>');

    const badFields = await postMultipart(
      browser,
      `${adminUrl}/etapes`,
      {
        kind: 'planned',
        date: '2020-01-01',
        title: '',
        description: '',
        milestoneStatus: 'delivered',
        milestoneProgress: '',
      },
      [],
      adminUrl,
    );
    expect(badFields.statusCode).toBe(422);
    expect(badFields.body).toContain('href="#field-date"');
    expect(badFields.body).toContain('href="#field-title"');
    expect(badFields.body).toContain('href="#field-milestoneStatus"');

    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#e9c46a' } })
      .jpeg()
      .toBuffer();
    const mark = mailMark(core);
    const ok = await postMultipart(
      browser,
      `${adminUrl}/etapes`,
      {
        kind: 'reached',
        date: today(),
        title: 'Début des plantations',
        description: 'Vingt arbres plantés.',
        milestoneStatus: '',
        milestoneProgress: '45',
      },
      [
        { filename: 'a.jpg', type: 'image/jpeg', content: photo },
        { filename: 'b.jpg', type: 'image/jpeg', content: photo },
      ],
      adminUrl,
    );
    expect(ok.statusCode).toBe(303);
    expect(await projectRow(core, w.winner)).toMatchObject({ progress_percent: 45 });
    expect(sentMails(core, mark).map((m) => m.to)).toContain(`suit-${w.suffix.toLowerCase()}@example.test`);
    const publicPage = await new Browser(app).get(projectUrl);
    expect(publicPage.body).toContain('Début des plantations');
    const src = /src="(\/budget\/realisations\/photos\/[0-9a-f-]+)"/.exec(publicPage.body)?.[1];
    expect(src).toBeDefined();
    const image = await new Browser(app).get(src as string);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect((await new Browser(app).get('/budget/realisations/photos/not-a-uuid')).statusCode).toBe(404);
  });

  it('marks a planned milestone reached, and abandons only with a reason', async () => {
    const { browser } = await agentBrowser(w.dvdService);
    const later = new Date(Date.now() + 40 * 24 * 3600 * 1000);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(later);
    const planned = await postMultipart(
      browser,
      `${adminUrl}/etapes`,
      {
        kind: 'planned',
        date: day,
        title: 'Livraison prévue',
        description: '',
        milestoneStatus: '',
        milestoneProgress: '',
      },
      [],
      adminUrl,
    );
    expect(planned.statusCode).toBe(303);
    const milestone = await core.db
      .selectFrom('budget_milestone')
      .select('id')
      .where('project_id', '=', w.winner)
      .where('reached', '=', false)
      .executeTakeFirstOrThrow();
    const field = `reachedOn-${milestone.id}`;
    const future = await browser.post(
      `${adminUrl}/etapes/${milestone.id}/atteinte`,
      { [field]: day },
      { csrfFrom: adminUrl },
    );
    expect(future.statusCode).toBe(422);
    expect(future.body).toContain(`href="#field-${field}"`);
    const reached = await browser.post(
      `${adminUrl}/etapes/${milestone.id}/atteinte`,
      { [field]: today() },
      { csrfFrom: adminUrl },
    );
    expect(reached.statusCode).toBe(303);

    const empty = await browser.post(`${adminUrl}/abandon`, { reason: '  ' }, { csrfFrom: adminUrl });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('href="#field-reason"');
    expect(await projectRow(core, w.winner)).toMatchObject({ implementation_status: 'works' });
    const done = await browser.post(
      `${adminUrl}/abandon`,
      { reason: `Terrain indisponible ${HOSTILE}` },
      { csrfFrom: adminUrl },
    );
    expect(done.statusCode).toBe(303);
    const publicPage = await new Browser(app).get(projectUrl);
    expect(publicPage.body).toContain('Terrain indisponible &lt;script>');
    expect(publicPage.body).not.toContain('<script>alert("x")</script>');
  });
});

describe('correcting and deleting a milestone in the back office', () => {
  let x: World;
  let base: string;
  let publicUrl: string;

  /** A reached milestone of x's DVD winner with two photos, added as its agent would. */
  async function milestoneWithPhotos(title: string) {
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#264653' } })
      .jpeg()
      .toBuffer();
    const id = await addMilestone(
      core,
      await viewerOf(core, x.dvdAgent),
      x.winner,
      {
        kind: 'reached',
        date: today(),
        title,
        description: 'Première version.',
        status: 'works',
        progress: '20',
        photos: [
          { filename: 'a.jpg', data: photo },
          { filename: 'b.jpg', data: photo },
        ],
      },
      systemActor,
    );
    const photos = await core.db
      .selectFrom('budget_milestone_photo')
      .select(['id', 'storage_key'])
      .where('milestone_id', '=', id)
      .orderBy('position')
      .execute();
    return { id, photos };
  }

  const milestoneRow = (id: string) =>
    core.db
      .selectFrom('budget_milestone')
      .select(['title', 'description', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirst();
  const photoFiles = () => readdir(path.join(core.config.dataDir, 'files', 'budget-milestones'));

  beforeAll(async () => {
    x = await createWorld(core);
    base = `/admin/budget/realisations/${x.slug}/1`;
    publicUrl = `/budget/${x.slug}/projets/1`;
  });

  it('edits a milestone by a multipart form: 422 with what was typed and nothing changed, then 303; a removed photo is gone', async () => {
    const { browser } = await agentBrowser(x.dvdService);
    const { id, photos } = await milestoneWithPhotos('Pose des bordures');
    const editUrl = `${base}/etapes/${id}/modifier`;
    const project = await browser.get(base);
    expect(project.body).toContain(`href="${editUrl}"`);
    expect(project.body).toContain(`href="${base}/etapes/${id}/supprimer"`);
    const form = await browser.get(editUrl);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Pose des bordures"');
    expect(form.body).toContain('Première version.');
    expect(form.body).toContain(`name="removePhotos" value="${photos[0]!.id}"`);
    expect(form.body).toContain('enctype="multipart/form-data"');

    const before = await milestoneRow(id);
    const filesBefore = (await photoFiles()).length;
    const refused = await postMultipart(
      browser,
      editUrl,
      {
        date: '32/13/2026',
        title: '   ',
        description: `Texte gardé ${HOSTILE}`,
        removePhotos: photos[0]!.id,
      },
      [],
      editUrl,
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('href="#field-date"');
    expect(refused.body).toContain('href="#field-title"');
    expect(refused.body).toContain('value="32/13/2026"');
    expect(refused.body).toContain('Texte gardé &lt;script>');
    expect(refused.body).not.toContain('<script>alert("x")</script>');
    expect(refused.body).toMatch(new RegExp(`name="removePhotos" value="${photos[0]!.id}" checked`));
    const bad = await postMultipart(
      browser,
      editUrl,
      { date: today(), title: 'Trop de photos', description: '' },
      [
        {
          filename: 'c.jpg',
          type: 'image/jpeg',
          content: await sharp({ create: { width: 20, height: 20, channels: 3, background: '#000' } })
            .jpeg()
            .toBuffer(),
        },
        {
          filename: 'd.jpg',
          type: 'image/jpeg',
          content: await sharp({ create: { width: 20, height: 20, channels: 3, background: '#fff' } })
            .jpeg()
            .toBuffer(),
        },
      ],
      editUrl,
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('href="#field-photos"');
    expect(await milestoneRow(id)).toEqual(before);
    expect((await photoFiles()).length).toBe(filesBefore);

    const mark = mailMark(core);
    const ok = await postMultipart(
      browser,
      editUrl,
      {
        date: today(),
        title: `Bordures posées ${HOSTILE}`,
        description: 'Corrigée.',
        removePhotos: photos[0]!.id,
      },
      [],
      editUrl,
    );
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(base);
    expect(sentMails(core, mark)).toEqual([]);
    expect(await milestoneRow(id)).toMatchObject({
      title: `Bordures posées ${HOSTILE}`,
      description: 'Corrigée.',
    });
    const left = await core.db
      .selectFrom('budget_milestone_photo')
      .select('id')
      .where('milestone_id', '=', id)
      .execute();
    expect(left.map((p) => p.id)).toEqual([photos[1]!.id]);
    expect(await photoFiles()).not.toContain(photos[0]!.storage_key);
    expect((await new Browser(app).get(`/budget/realisations/photos/${photos[0]!.id}`)).statusCode).toBe(404);
    const page = await new Browser(app).get(publicUrl);
    expect(page.body).toContain('Bordures posées &lt;script>');
    expect(page.body).not.toContain('<script>alert("x")</script>');
    expect(page.body).not.toContain(photos[0]!.id);
    expect(page.body).toContain(photos[1]!.id);
    expect(await auditActions(core, x.winner)).toContain('budget.tracking.milestone_edited');
  });

  it('deletes a milestone after a confirmation page; without the CSRF token nothing happens', async () => {
    const { browser } = await agentBrowser(x.dvdService);
    const { id, photos } = await milestoneWithPhotos('Étape à effacer');
    const deleteUrl = `${base}/etapes/${id}/supprimer`;
    const confirm = await browser.get(deleteUrl);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Supprimer l’étape « Étape à effacer » ?');
    expect(confirm.body).toContain(`action="${deleteUrl}"`);
    expect(confirm.body).toContain('button--danger');
    expect(confirm.body).toContain(`href="${base}"`);
    expect((await browser.post(deleteUrl, {}, { csrf: false })).statusCode).toBe(403);
    expect(await milestoneRow(id)).toBeDefined();
    const mark = mailMark(core);
    const done = await browser.post(deleteUrl, {}, { csrfFrom: deleteUrl });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(base);
    expect((await browser.get(base)).body).toContain('L’étape est supprimée.');
    expect(sentMails(core, mark)).toEqual([]);
    expect(await milestoneRow(id)).toBeUndefined();
    const files = await photoFiles();
    for (const photo of photos) expect(files).not.toContain(photo.storage_key);
    expect((await new Browser(app).get(publicUrl)).body).not.toContain('Étape à effacer');
    expect(await auditActions(core, x.winner)).toContain('budget.tracking.milestone_deleted');
    expect((await browser.get(deleteUrl)).statusCode).toBe(404);
    expect((await browser.post(deleteUrl, {}, { csrfFrom: base })).statusCode).toBe(404);
  });

  it('refuses agents of another directorate (403) and a milestone under another project’s address (404), changing nothing', async () => {
    const { id } = await milestoneWithPhotos('Étape protégée');
    const before = await milestoneRow(id);
    const other = await agentBrowser(x.deveService);
    const editUrl = `${base}/etapes/${id}/modifier`;
    const deleteUrl = `${base}/etapes/${id}/supprimer`;
    expect((await other.browser.get(editUrl)).statusCode).toBe(403);
    expect((await other.browser.get(deleteUrl)).statusCode).toBe(403);
    const list = '/admin/budget/realisations';
    expect(
      (
        await postMultipart(
          other.browser,
          editUrl,
          { date: today(), title: 'Piraté', description: '' },
          [],
          list,
        )
      ).statusCode,
    ).toBe(403);
    expect((await other.browser.post(deleteUrl, {}, { csrfFrom: list })).statusCode).toBe(403);
    const citizen = await signedInBrowser(app, core);
    expect((await citizen.browser.post(deleteUrl, {}, { csrfFrom: publicUrl })).statusCode).toBe(403);
    expect((await new Browser(app).get(editUrl)).statusCode).toBe(303);
    // The DEVE agent's own project, with the DVD milestone's id: not found.
    const wrong = `/admin/budget/realisations/${x.slug}/2/etapes/${id}/supprimer`;
    expect((await other.browser.get(wrong)).statusCode).toBe(404);
    expect((await other.browser.post(wrong, {}, { csrfFrom: list })).statusCode).toBe(404);
    expect(await milestoneRow(id)).toEqual(before);
  });
});

describe('unsubscribe', () => {
  it('asks to confirm, then stops the mail and the follow; a forged token is 404', async () => {
    const { userId, email } = await signedInBrowser(app, core);
    await follow(core, w.winner2, userId);
    const token = unsubscribeToken(core.config.sessionSecret, w.winner2, email);
    const browser = new Browser(app);
    const url = `/budget/realisations/desabonnement/${token}`;
    const confirm = await browser.get(url);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Cent arbres pour le 5e');
    const done = await browser.post(url, {});
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/budget/${w.slug}/projets/2`);
    const optouts = await core.db
      .selectFrom('budget_project_optout')
      .select('email')
      .where('project_id', '=', w.winner2)
      .execute();
    expect(optouts.map((o) => o.email)).toEqual([email]);
    const follows = await core.db
      .selectFrom('budget_project_follower')
      .select('user_id')
      .where('user_id', '=', userId)
      .execute();
    expect(follows).toHaveLength(0);
    expect((await browser.get(`/budget/realisations/desabonnement/${token.slice(0, -2)}xx`)).statusCode).toBe(
      404,
    );
  });
});
