import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { SESSION_COOKIE } from '../../auth/sessions.js';
import { translator } from '../../i18n/i18n.js';
import { composeMail } from '../compose.js';

async function signedIn(t: TestApp, email: string, isAdmin: boolean): Promise<Record<string, string>> {
  const user = await t.core.db
    .insertInto('account_user')
    .values({ email, display_name: email, is_admin: isAdmin })
    .returning('id')
    .executeTakeFirstOrThrow();
  const token = await t.core.sessions.create(user.id);
  return { cookie: `${SESSION_COOKIE}=${token}` };
}

describe('outbox pages (demo off)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let citizen: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ DEMO: 'false' });
    admin = await signedIn(t, 'admin@example.org', true);
    citizen = await signedIn(t, 'citizen@example.org', false);
    await t.core.mailer.deliver(
      composeMail(t.config.city, translator('fr'), {
        to: 'destinataire@example.org',
        subject: 'Lien de connexion à votre compte',
        paragraphs: ['Bonjour <script>alert(1)</script>'],
      }),
    );
  });
  afterAll(() => t.close());

  it('lists the messages for an administrator, then shows one safely', async () => {
    const list = await t.app.inject({ url: '/admin/courriels', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('destinataire@example.org');
    expect(list.body).toContain('Lien de connexion à votre compte');
    const href = /href="(\/admin\/courriels\/[^"]+\.eml)"/.exec(list.body)?.[1];
    expect(href).toBeDefined();

    const page = await t.app.inject({ url: href as string, headers: admin });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Bonjour &lt;script>alert(1)&lt;/script>');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toMatch(/<iframe[^>]*\ssandbox[\s>]/);

    const html = await t.app.inject({ url: `${href}/html`, headers: admin });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-security-policy']).toMatch(/^sandbox;/);
    expect(html.body).toContain('<html lang="fr">');
  });

  it('refuses a citizen and an anonymous visitor', async () => {
    expect((await t.app.inject({ url: '/admin/courriels', headers: citizen })).statusCode).toBe(403);
    const anonymous = await t.app.inject({ url: '/admin/courriels' });
    expect([401, 403, 303]).toContain(anonymous.statusCode);
  });

  it('refuses names that leave the outbox with a 404', async () => {
    for (const url of [
      '/admin/courriels/..%2F..%2Fetc%2Fpasswd',
      '/admin/courriels/..%2Fdb%2Fville-ouverte.lock',
      '/admin/courriels/%2E%2E.eml',
      '/admin/courriels/nope.eml',
      '/admin/courriels/nope.eml/html',
    ]) {
      const response = await t.app.inject({ url, headers: admin });
      expect(response.statusCode, url).toBe(404);
    }
  });
});

describe('outbox pages (demo on)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ DEMO: 'true' });
  });
  afterAll(() => t.close());

  it('is open to everyone in demo mode, for developers', async () => {
    const response = await t.app.inject({ url: '/admin/courriels' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Aucun courriel pour le moment.');
  });
});
