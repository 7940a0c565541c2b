import { describe, expect, it } from 'vitest';
import { Browser } from '../../../../test/helpers/test-app.js';
import { hashToken } from '../tokens.js';
import {
  lastMailTo,
  linkIn,
  mailsTo,
  PASSWORD,
  signUpAndConfirm,
  tokenOf,
  uniqueEmail,
  useAccountsApp,
} from './helpers.js';

const state = useAccountsApp();

describe('sign-up, confirmation, sign-in, sign-out', () => {
  it('goes through the whole flow without JavaScript', async () => {
    const browser = new Browser(state.test.app);
    const form = await browser.get('/inscription');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('autocomplete="name"');
    expect(form.body).toContain('autocomplete="email"');
    expect(form.body).toContain('autocomplete="new-password"');
    expect(form.body).toContain('10 caractères au moins');

    const email = uniqueEmail('camille');
    const signUp = await browser.post('/inscription', {
      display_name: '  Camille Martin ',
      email: `  ${email.toUpperCase()} `,
      password: PASSWORD,
    });
    expect(signUp.statusCode).toBe(200);
    expect(signUp.body).toContain('Consultez votre messagerie');

    const user = await state.test.core.db
      .selectFrom('account_user')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user.display_name).toBe('Camille Martin');
    expect(user.email_verified_at).toBeNull();
    expect(user.password_hash).toMatch(/^scrypt\$/);

    const mail = lastMailTo(state.jobs, email);
    expect(mail.subject).toContain('Confirmez votre adresse');
    const link = linkIn(mail, '/inscription/confirmer');
    // Only the hash of the token is stored.
    const token = tokenOf(link);
    const stored = await state.test.core.db
      .selectFrom('account_token')
      .select(['token_hash', 'purpose'])
      .where('user_id', '=', user.id)
      .execute();
    expect(stored).toEqual([{ token_hash: hashToken(token), purpose: 'confirm_email' }]);

    // Before confirming, the password does not open the account.
    const early = await browser.post('/connexion', { email, password: PASSWORD });
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain('pas encore confirmée');
    expect(browser.cookie('vo_session')).toBeUndefined();

    // Opening the link (GET) changes nothing; the button (POST) confirms and signs in.
    const page = await browser.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Confirmer mon adresse');
    const stillUnverified = await state.test.core.db
      .selectFrom('account_user')
      .select('email_verified_at')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(stillUnverified.email_verified_at).toBeNull();

    const confirmed = await browser.post(link, {});
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/compte');
    expect(browser.cookie('vo_session')).toBeTruthy();

    const account = await browser.get('/compte');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Mon compte');
    expect(account.body).toContain('Camille Martin');
    expect(account.body).toContain('Votre adresse est confirmée');

    // Replaying the confirmation link does nothing.
    const again = await browser.post(link, {}, { csrfFrom: '/compte' });
    expect(again.statusCode).toBe(410);

    const signOut = await browser.post('/deconnexion', {}, { csrfFrom: '/compte' });
    expect(signOut.statusCode).toBe(303);
    expect(browser.cookie('vo_session')).toBeUndefined();
    const sessions = await state.test.core.db
      .selectFrom('account_session')
      .select('id_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(sessions).toHaveLength(0);
    const after = await browser.get('/compte');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/connexion?retour=%2Fcompte');

    // Sign in again with the password, back to where we were going.
    const signIn = await browser.post('/connexion', { email, password: PASSWORD, retour: '/compte' });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe('/compte');

    const actions = await state.test.core.db
      .selectFrom('audit_event')
      .select('action')
      .where('object_id', '=', user.id)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'account.created',
      'account.email_confirmed',
      'account.signed_in',
      'account.signed_out',
      'account.signed_in',
    ]);
  });

  it('writes the confirmation mail to the outbox as an .eml file', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const email = uniqueEmail('outbox');
    const browser = new Browser(state.test.app);
    await browser.post('/inscription', { display_name: 'Outbox', email, password: PASSWORD });
    const dir = path.join(state.test.config.dataDir, 'outbox');
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml') && f.includes('outbox.'));
    expect(files).toHaveLength(1);
    const eml = readFileSync(path.join(dir, files[0]!), 'utf8');
    expect(eml).toContain(`To: ${email}`);
    // Undo quoted-printable soft line breaks before looking for the link.
    const unfolded = eml.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(unfolded).toContain(linkIn(lastMailTo(state.jobs, email), '/inscription/confirmer'));
  });

  it('never says that an address is taken, and tells its owner instead', async () => {
    const { email } = await signUpAndConfirm(state, { name: 'Owner' });
    const before = mailsTo(state.jobs, email).length;
    const intruder = new Browser(state.test.app);
    const response = await intruder.post('/inscription', {
      display_name: 'Intruder',
      email,
      password: 'another password 1',
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Consultez votre messagerie');
    expect(response.body).not.toMatch(/déjà|already|existe/i);

    const owners = await state.test.core.db
      .selectFrom('account_user')
      .select(['display_name'])
      .where('email', '=', email)
      .execute();
    expect(owners).toEqual([{ display_name: 'Owner' }]);
    const mails = mailsTo(state.jobs, email);
    expect(mails).toHaveLength(before + 1);
    expect(mails.at(-1)!.subject).toContain('déjà un compte');
    expect(mails.at(-1)!.text).toContain('/mot-de-passe-oublie');
    expect(mails.at(-1)!.text).not.toMatch(/inscription\/confirmer/);
  });

  it('refuses a form without its CSRF token (403), changing nothing', async () => {
    const browser = new Browser(state.test.app);
    const email = uniqueEmail('csrf');
    const response = await browser.post(
      '/inscription',
      { display_name: 'No token', email, password: PASSWORD },
      { csrf: false },
    );
    expect(response.statusCode).toBe(403);
    const found = await state.test.core.db
      .selectFrom('account_user')
      .select('id')
      .where('email', '=', email)
      .execute();
    expect(found).toHaveLength(0);
  });

  it('answers a 10,000-character name with a clear 422, the form filled, nothing saved', async () => {
    const browser = new Browser(state.test.app);
    const email = uniqueEmail('long');
    const response = await browser.post('/inscription', {
      display_name: 'x'.repeat(10_000),
      email,
      password: PASSWORD,
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('100 caractères au plus');
    expect(response.body).toContain('href="#field-display_name"');
    expect(response.body).toContain(`value="${email}"`);
    expect(response.body).not.toContain(PASSWORD);
    const found = await state.test.core.db
      .selectFrom('account_user')
      .select('id')
      .where('email', '=', email)
      .execute();
    expect(found).toHaveLength(0);
  });

  it('lists every problem of a bad sign-up and keeps what was typed, never the password', async () => {
    const browser = new Browser(state.test.app);
    const response = await browser.post('/inscription', {
      display_name: '',
      email: 'not-an-address',
      password: 'short',
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('href="#field-display_name"');
    expect(response.body).toContain('href="#field-email"');
    expect(response.body).toContain('href="#field-password"');
    expect(response.body).toContain('value="not-an-address"');
    expect(response.body).not.toContain('value="short"');
  });

  it('renders HTML typed in text fields as inert text', async () => {
    const name = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const bad = new Browser(state.test.app);
    const rejected = await bad.post('/inscription', {
      display_name: name,
      email: '"><script>alert(3)</script>',
      password: PASSWORD,
    });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.body).not.toContain('<script>alert');
    expect(rejected.body).not.toContain('<img src=x');
    expect(rejected.body).toContain('&lt;script>alert(1)&lt;/script>');

    const { browser } = await signUpAndConfirm(state, { name });
    const account = await browser.get('/compte');
    expect(account.body).not.toContain('<script>alert');
    expect(account.body).not.toContain('<img src=x');
    expect(account.body).toContain('&lt;script>');
  });

  it('gives one message for an unknown address and a wrong password', async () => {
    const { email } = await signUpAndConfirm(state);
    const browser = new Browser(state.test.app);
    const wrong = await browser.post('/connexion', { email, password: 'wrong password!' });
    const unknown = await browser.post('/connexion', { email: uniqueEmail('nobody'), password: PASSWORD });
    expect(wrong.statusCode).toBe(422);
    expect(unknown.statusCode).toBe(422);
    const message = 'L’adresse électronique ou le mot de passe est incorrect.';
    expect(wrong.body).toContain(message);
    expect(unknown.body).toContain(message);
    expect(wrong.body).toContain(`value="${email}"`);
    expect(wrong.body).not.toContain('wrong password!');
  });

  it('stops password guesses past the limit for one address (429), even with the right password', async () => {
    const { email } = await signUpAndConfirm(state);
    const browser = new Browser(state.test.app);
    for (let i = 0; i < 10; i++) {
      const response = await browser.post('/connexion', { email, password: `wrong password ${i}` });
      expect(response.statusCode).toBe(422);
    }
    const blocked = await browser.post('/connexion', { email, password: PASSWORD });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeTruthy();
    expect(browser.cookie('vo_session')).toBeUndefined();
  });

  it('stops sign-in attempts past the limit for one IP (429)', async () => {
    const browser = new Browser(state.test.app);
    let last = 0;
    for (let i = 0; i < 31; i++) {
      const response = await browser.post('/connexion', {
        email: uniqueEmail('ip'),
        password: 'whatever 123',
      });
      last = response.statusCode;
      if (i < 30) expect(response.statusCode).toBe(422);
    }
    expect(last).toBe(429);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, path /, not Secure over plain HTTP', async () => {
    const { email } = await signUpAndConfirm(state);
    const browser = new Browser(state.test.app);
    const response = await browser.post('/connexion', { email, password: PASSWORD });
    const cookie = String(response.headers['set-cookie'])
      .split(/,(?=\s*\w+=)/)
      .find((c) => c.includes('vo_session='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=2592000/);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('gives a new session id at every sign-in and ends the browser’s previous one', async () => {
    const { browser, email } = await signUpAndConfirm(state);
    const first = browser.cookie('vo_session')!;
    expect(first).toBeTruthy();
    const again = await browser.post('/connexion', { email, password: PASSWORD });
    expect(again.statusCode).toBe(303);
    const second = browser.cookie('vo_session')!;
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    const old = await state.test.core.sessions.find(first);
    expect(old).toBeNull();
    const current = await state.test.core.sessions.find(second);
    expect(current).not.toBeNull();
  });

  it('returns after sign-in only to local paths', async () => {
    const { email } = await signUpAndConfirm(state);
    const browser = new Browser(state.test.app);
    const page = await browser.get('/connexion?retour=//evil.example/x');
    expect(page.body).not.toContain('name="retour"');
    const local = await browser.get('/connexion?retour=/compte/supprimer');
    expect(local.body).toContain('name="retour" value="/compte/supprimer"');
    const response = await browser.post(
      '/connexion',
      { email, password: PASSWORD, retour: 'https://evil.example/' },
      { csrfFrom: '/connexion' },
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/compte');
  });
});

describe('behind an HTTPS proxy', () => {
  const proxied = useAccountsApp({ TRUST_PROXY: 'true' });

  it('marks the session cookie Secure when the request came over HTTPS', async () => {
    const { email } = await signUpAndConfirm(proxied);
    const browser = new Browser(proxied.test.app);
    const form = await browser.get('/connexion');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookies = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const response = await proxied.test.app.inject({
      method: 'POST',
      url: '/connexion',
      headers: {
        cookie: cookies,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-proto': 'https',
      },
      payload: new URLSearchParams({ _csrf: csrf, email, password: PASSWORD }).toString(),
    });
    expect(response.statusCode).toBe(303);
    const session = response.cookies.find((c) => c.name === 'vo_session');
    expect(session?.secure).toBe(true);
    expect(session?.httpOnly).toBe(true);
    expect(String(session?.sameSite).toLowerCase()).toBe('lax');
  });
});
