import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { Browser } from '../../../../test/helpers/test-app.js';
import { purgeExpiredTokens } from '../accounts.service.js';
import { hashToken } from '../tokens.js';
import {
  lastMailTo,
  linkIn,
  mailsTo,
  signUpAndConfirm,
  tokenOf,
  uniqueEmail,
  useAccountsApp,
} from './helpers.js';

const state = useAccountsApp();

async function askForLink(email: string) {
  const browser = new Browser(state.test.app);
  const response = await browser.post('/connexion/lien', { email });
  return { browser, response };
}

describe('magic-link sign-in', () => {
  it('mails a 15-minute link, stored only as a hash; GET shows a button and uses nothing; POST signs in', async () => {
    const { email } = await signUpAndConfirm(state);
    const { response } = await askForLink(`  ${email.toUpperCase()}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Consultez votre messagerie');

    const mail = lastMailTo(state.jobs, email);
    expect(mail.subject).toContain('lien de connexion');
    const link = linkIn(mail, '/connexion/lien');
    const token = tokenOf(link);
    const row = await state.test.core.db
      .selectFrom('account_token')
      .select(['purpose', 'used_at', sql<number>`extract(epoch from (expires_at - created_at))`.as('ttl')])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirstOrThrow();
    expect(row.purpose).toBe('magic_link');
    expect(row.used_at).toBeNull();
    expect(Number(row.ttl)).toBe(900);
    const raw = await state.test.core.db
      .selectFrom('account_token')
      .select('token_hash')
      .where('token_hash', '=', token)
      .execute();
    expect(raw).toHaveLength(0);

    // A mail scanner (or the person) opens the link, twice: nothing is used up.
    const browser = new Browser(state.test.app);
    for (let i = 0; i < 2; i++) {
      const page = await browser.get(link);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`action="${link}"`);
      expect(browser.cookie('vo_session')).toBeUndefined();
    }
    const unused = await state.test.core.db
      .selectFrom('account_token')
      .select('used_at')
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirstOrThrow();
    expect(unused.used_at).toBeNull();

    const signIn = await browser.post(link, {});
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe('/compte');
    const session = browser.cookie('vo_session');
    expect(session).toBeTruthy();
    expect((await browser.get('/compte')).statusCode).toBe(200);

    // Replay: refused, and the session of whoever replays is not touched.
    const replayer = new Browser(state.test.app);
    expect((await replayer.get(link)).statusCode).toBe(410);
    const replay = await replayer.post(link, {}, { csrfFrom: '/connexion' });
    expect(replay.statusCode).toBe(410);
    expect(replay.body).toContain('href="/connexion/lien"');
    expect(replayer.cookie('vo_session')).toBeUndefined();

    const audit = await state.test.core.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('action', 'in', ['account.magic_link_requested', 'account.signed_in'])
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['account.magic_link_requested', 'account.signed_in']);
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(JSON.stringify(audit)).not.toContain(hashToken(token));
  });

  it('refuses an expired link (410) and offers a new one', async () => {
    const { email } = await signUpAndConfirm(state);
    await askForLink(email);
    const link = linkIn(lastMailTo(state.jobs, email), '/connexion/lien');
    await state.test.core.db
      .updateTable('account_token')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', hashToken(tokenOf(link)))
      .execute();
    const browser = new Browser(state.test.app);
    const page = await browser.get(link);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('Ce lien ne fonctionne plus');
    const post = await browser.post(link, {}, { csrfFrom: '/connexion' });
    expect(post.statusCode).toBe(410);
    expect(browser.cookie('vo_session')).toBeUndefined();

    // The clean-up removes it.
    expect(await purgeExpiredTokens(state.test.core)).toBeGreaterThan(0);
    const left = await state.test.core.db
      .selectFrom('account_token')
      .select('token_hash')
      .where('token_hash', '=', hashToken(tokenOf(link)))
      .execute();
    expect(left).toHaveLength(0);
  });

  it('refuses a made-up or malformed token', async () => {
    const browser = new Browser(state.test.app);
    expect((await browser.get(`/connexion/lien/${'A'.repeat(43)}`)).statusCode).toBe(410);
    expect((await browser.get('/connexion/lien/not..a..token')).statusCode).toBe(410);
    const post = await browser.post(`/connexion/lien/${'B'.repeat(43)}`, {}, { csrfFrom: '/connexion' });
    expect(post.statusCode).toBe(410);
  });

  it('answers the same for an unknown address, and sends nothing', async () => {
    const { email } = await signUpAndConfirm(state);
    const unknown = uniqueEmail('unknown');
    const known = await askForLink(email);
    const other = await askForLink(unknown);
    expect(other.response.statusCode).toBe(known.response.statusCode);
    const main = (body: string) => /<main[\s\S]*<\/main>/.exec(body)![0];
    expect(main(other.response.body)).toBe(main(known.response.body));
    expect(mailsTo(state.jobs, unknown)).toHaveLength(0);
    const accounts = await state.test.core.db
      .selectFrom('account_user')
      .select('id')
      .where('email', '=', unknown)
      .execute();
    expect(accounts).toHaveLength(0);
  });

  it('rate-limits requests per address (429), for known and unknown addresses alike', async () => {
    for (const email of [(await signUpAndConfirm(state)).email, uniqueEmail('limited')]) {
      for (let i = 0; i < 5; i++) expect((await askForLink(email)).response.statusCode).toBe(200);
      expect((await askForLink(email)).response.statusCode).toBe(429);
    }
  });

  it('rate-limits requests per IP (429)', async () => {
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await askForLink(uniqueEmail('ip'))).response.statusCode;
    expect(last).toBe(429);
  });

  it('answers an invalid address with a 422 on the form, without CSRF a 403', async () => {
    const { response } = await askForLink('not an address');
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('href="#field-email"');
    const browser = new Browser(state.test.app);
    const forged = await browser.post('/connexion/lien', { email: uniqueEmail() }, { csrf: false });
    expect(forged.statusCode).toBe(403);
  });

  it('confirms an unconfirmed account and drops the password nobody had proved to own', async () => {
    const email = uniqueEmail('squatted');
    const squatter = new Browser(state.test.app);
    await squatter.post('/inscription', { display_name: 'Squatter', email, password: 'squatter password' });
    await askForLink(email);
    const link = linkIn(lastMailTo(state.jobs, email), '/connexion/lien');
    const owner = new Browser(state.test.app);
    await owner.get(link);
    expect((await owner.post(link, {})).statusCode).toBe(303);
    const user = await state.test.core.db
      .selectFrom('account_user')
      .select(['email_verified_at', 'password_hash'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user.email_verified_at).not.toBeNull();
    expect(user.password_hash).toBeNull();
    const attempt = await squatter.post('/connexion', { email, password: 'squatter password' });
    expect(attempt.statusCode).toBe(422);
  });

  it('uses a link only once even when two requests race', async () => {
    const { email } = await signUpAndConfirm(state);
    await askForLink(email);
    const link = linkIn(lastMailTo(state.jobs, email), '/connexion/lien');
    const a = new Browser(state.test.app);
    const b = new Browser(state.test.app);
    // Take the CSRF tokens first, then fire both posts together.
    const tokenOfPage = async (browser: Browser) =>
      /name="_csrf" value="([^"]+)"/.exec((await browser.get(link)).body)![1]!;
    const [ta, tb] = [await tokenOfPage(a), await tokenOfPage(b)];
    const post = (csrf: string, cookies: string) =>
      state.test.app.inject({
        method: 'POST',
        url: link,
        headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(csrf)}`,
      });
    const [ra, rb] = await Promise.all([
      post(ta, `vo_csrf=${a.cookie('vo_csrf')}`),
      post(tb, `vo_csrf=${b.cookie('vo_csrf')}`),
    ]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([303, 410]);
  });
});
