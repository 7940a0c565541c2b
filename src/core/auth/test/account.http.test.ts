import { describe, expect, it } from 'vitest';
import { Browser } from '../../../../test/helpers/test-app.js';
import { createUser } from '../accounts.service.js';
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

async function userByEmail(email: string) {
  return state.test.core.db
    .selectFrom('account_user')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
}

describe('the account page', () => {
  it('sends an anonymous visitor to sign in, then back', async () => {
    const browser = new Browser(state.test.app);
    for (const path of ['/compte', '/compte/supprimer', '/compte/donnees.json']) {
      const response = await browser.get(path);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/connexion?retour=${encodeURIComponent(path)}`);
    }
  });

  it('saves name, language and notification preferences', async () => {
    const { browser, email } = await signUpAndConfirm(state);
    const page = await browser.get('/compte');
    expect(page.body).toContain('autocomplete="name"');
    const saved = await browser.post('/compte', {
      display_name: '  Dominique  ',
      locale: 'en',
      notify_digest: '1',
    });
    expect(saved.statusCode).toBe(303);
    const user = await userByEmail(email);
    expect(user.display_name).toBe('Dominique');
    expect(user.locale).toBe('en');
    expect(user.notify_by_email).toBe(false);
    expect(user.notify_digest).toBe(true);
    const english = await browser.get('/compte');
    expect(english.body).toContain('<html lang="en"');
    expect(english.body).toContain('My account');
    const audit = await state.test.core.db
      .selectFrom('audit_event')
      .select('action')
      .where('actor_id', '=', user.id)
      .where('action', '=', 'account.updated')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('refuses an unknown language code and a 10,000-character name (422), changing nothing', async () => {
    const { browser, email } = await signUpAndConfirm(state, { name: 'Before' });
    const response = await browser.post('/compte', {
      display_name: 'y'.repeat(10_000),
      locale: 'xx',
      notify_by_email: '1',
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('href="#field-display_name"');
    expect(response.body).toContain('href="#field-locale"');
    expect(response.body).toContain('id="field-locale"');
    expect(response.body).toContain('Choisissez une langue dans la liste.');
    expect(response.body).toContain('100 caractères au plus');
    const user = await userByEmail(email);
    expect(user.display_name).toBe('Before');
    expect(user.locale).toBe('fr');
  });

  it('renders HTML in the name as text on the account page', async () => {
    const { browser } = await signUpAndConfirm(state);
    await browser.post('/compte', { display_name: '<b onmouseover="x()">bold</b>', locale: 'fr' });
    const page = await browser.get('/compte');
    expect(page.body).not.toContain('<b onmouseover');
    expect(page.body).toContain('&lt;b onmouseover=');
  });

  it('changes the address only once the new one is confirmed, and tells the old one', async () => {
    const { browser, email } = await signUpAndConfirm(state);
    const newEmail = uniqueEmail('moved');
    const asked = await browser.post('/compte/email', { email: newEmail.toUpperCase() });
    expect(asked.statusCode).toBe(303);
    expect((await userByEmail(email)).email).toBe(email);
    const link = linkIn(lastMailTo(state.jobs, newEmail), '/inscription/confirmer');
    await browser.get(link);
    const confirmed = await browser.post(link, {});
    expect(confirmed.statusCode).toBe(303);
    const user = await userByEmail(newEmail);
    expect(user.email_verified_at).not.toBeNull();
    expect(lastMailTo(state.jobs, email).subject).toContain('changée');
  });

  it('does not reveal that a new address is taken; its owner is told instead', async () => {
    const { email: taken } = await signUpAndConfirm(state);
    const { browser, email } = await signUpAndConfirm(state);
    const before = mailsTo(state.jobs, taken).length;
    const asked = await browser.post('/compte/email', { email: taken });
    expect(asked.statusCode).toBe(303);
    expect(mailsTo(state.jobs, taken)).toHaveLength(before + 1);
    expect(mailsTo(state.jobs, taken).at(-1)!.text).not.toContain('/inscription/confirmer');
    expect((await userByEmail(email)).email).toBe(email);
  });

  it('changes the password with the current one and closes the other sessions', async () => {
    const { browser, email } = await signUpAndConfirm(state);
    const other = new Browser(state.test.app);
    await other.post('/connexion', { email, password: PASSWORD });
    expect((await other.get('/compte')).statusCode).toBe(200);

    const wrong = await browser.post('/compte/mot-de-passe', {
      current_password: 'not the password',
      new_password: 'a brand new password',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('href="#field-current_password"');
    expect(wrong.body).not.toContain('a brand new password');

    const changed = await browser.post('/compte/mot-de-passe', {
      current_password: PASSWORD,
      new_password: 'a brand new password',
    });
    expect(changed.statusCode).toBe(303);
    expect((await browser.get('/compte')).statusCode).toBe(200);
    expect((await other.get('/compte')).statusCode).toBe(303);
    const fresh = new Browser(state.test.app);
    expect((await fresh.post('/connexion', { email, password: PASSWORD })).statusCode).toBe(422);
    expect((await fresh.post('/connexion', { email, password: 'a brand new password' })).statusCode).toBe(
      303,
    );
  });
});

describe('password reset', () => {
  it('answers the same for an unknown address, then resets once with a 1-hour link', async () => {
    const { email } = await signUpAndConfirm(state);
    const other = new Browser(state.test.app);
    await other.post('/connexion', { email, password: PASSWORD });

    const browser = new Browser(state.test.app);
    const known = await browser.post('/mot-de-passe-oublie', { email });
    const unknownEmail = uniqueEmail('ghost');
    const unknown = await browser.post('/mot-de-passe-oublie', { email: unknownEmail });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    const main = (body: string) => /<main[\s\S]*<\/main>/.exec(body)![0];
    expect(main(unknown.body)).toBe(main(known.body));
    expect(mailsTo(state.jobs, unknownEmail)).toHaveLength(0);

    const link = linkIn(lastMailTo(state.jobs, email), '/mot-de-passe-oublie');
    const ttl = await state.test.core.db
      .selectFrom('account_token')
      .select(['expires_at', 'created_at', 'purpose'])
      .where('token_hash', '=', hashToken(tokenOf(link)))
      .executeTakeFirstOrThrow();
    expect(ttl.purpose).toBe('reset_password');
    expect(ttl.expires_at.getTime() - ttl.created_at.getTime()).toBe(3600_000);

    const form = await browser.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('autocomplete="new-password"');
    const short = await browser.post(link, { password: 'short' });
    expect(short.statusCode).toBe(422);
    const done = await browser.post(link, { password: 'my new long password' });
    expect(done.statusCode).toBe(303);
    expect(browser.cookie('vo_session')).toBeTruthy();
    // Every other session is closed.
    expect((await other.get('/compte')).statusCode).toBe(303);
    // Single use.
    expect((await browser.get(link)).statusCode).toBe(410);
    const replay = await browser.post(link, { password: 'another long password' }, { csrfFrom: '/compte' });
    expect(replay.statusCode).toBe(410);
    const fresh = new Browser(state.test.app);
    expect((await fresh.post('/connexion', { email, password: 'my new long password' })).statusCode).toBe(
      303,
    );
  });

  it('refuses an expired reset link', async () => {
    const { email } = await signUpAndConfirm(state);
    const browser = new Browser(state.test.app);
    await browser.post('/mot-de-passe-oublie', { email });
    const link = linkIn(lastMailTo(state.jobs, email), '/mot-de-passe-oublie');
    await state.test.core.db
      .updateTable('account_token')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', hashToken(tokenOf(link)))
      .execute();
    expect((await browser.get(link)).statusCode).toBe(410);
    const post = await browser.post(link, { password: 'my new long password' }, { csrfFrom: '/connexion' });
    expect(post.statusCode).toBe(410);
  });
});

describe('download my data', () => {
  it('gives a JSON attachment with the account, sessions, memberships, audit and modules, never a hash or token', async () => {
    const { browser, email } = await signUpAndConfirm(state, { name: 'Data Person' });
    const user = await userByEmail(email);
    await state.test.core.db.transaction().execute(async (tx) => {
      const dir = await tx
        .insertInto('org_directorate')
        .values({ code: `D${Date.now()}`, name: 'Direction test' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const service = await tx
        .insertInto('org_service')
        .values({ directorate_id: dir.id, code: `S${Date.now()}`, name: 'Service test' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('org_membership')
        .values({ user_id: user.id, service_id: service.id, role: 'agent' })
        .execute();
    });
    state.test.core.modules.push({
      name: 'fake-module',
      personalData: async (_core, userId) => ({ things: [`owned by ${userId}`] }),
    });
    try {
      const response = await browser.get('/compte/donnees.json');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="mes-donnees-/);
      const data = JSON.parse(response.body);
      expect(data.account.email).toBe(email);
      expect(data.account.display_name).toBe('Data Person');
      expect(data.account.has_password).toBe(true);
      expect(data.sessions.length).toBeGreaterThan(0);
      expect(data.memberships).toEqual([
        expect.objectContaining({ service_name: 'Service test', role: 'agent' }),
      ]);
      expect(data.auditEvents.map((e: { action: string }) => e.action)).toContain('account.signed_in');
      expect(data.modules['fake-module']).toEqual({ things: [`owned by ${user.id}`] });

      const body = response.body;
      expect(body).not.toContain('password_hash');
      expect(body).not.toContain('scrypt$');
      expect(body).not.toContain(user.password_hash!);
      expect(body).not.toMatch(/id_hash|token_hash/);
      const sessionToken = browser.cookie('vo_session')!;
      expect(body).not.toContain(sessionToken);
      expect(body).not.toContain(hashToken(sessionToken));
    } finally {
      state.test.core.modules.pop();
    }
  });
});

describe('delete my account', () => {
  it('asks for the password, then erases personal data, keeps the audit anonymised and signs out', async () => {
    const { browser, email } = await signUpAndConfirm(state, { name: 'Leaving Soon' });
    const user = await userByEmail(email);
    const anonymised: string[] = [];
    state.test.core.modules.push({
      name: 'fake-module',
      anonymiseUser: async (_core, userId) => {
        anonymised.push(userId);
      },
    });
    try {
      const page = await browser.get('/compte/supprimer');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('autocomplete="current-password"');

      const wrong = await browser.post('/compte/supprimer', { password: 'not my password' });
      expect(wrong.statusCode).toBe(422);
      expect((await userByEmail(email)).deleted_at).toBeNull();
      expect(anonymised).toEqual([]);

      const forged = await browser.post('/compte/supprimer', { password: PASSWORD }, { csrf: false });
      expect(forged.statusCode).toBe(403);
      expect((await userByEmail(email)).deleted_at).toBeNull();

      const deleted = await browser.post('/compte/supprimer', { password: PASSWORD });
      expect(deleted.statusCode).toBe(303);
      expect(deleted.headers.location).toBe('/');
      expect(browser.cookie('vo_session')).toBeUndefined();
      expect(anonymised).toEqual([user.id]);
    } finally {
      state.test.core.modules.pop();
    }

    const row = await state.test.core.db
      .selectFrom('account_user')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.email).toBeNull();
    expect(row.display_name).toBe('');
    expect(row.password_hash).toBeNull();
    expect(row.deleted_at).not.toBeNull();
    for (const table of ['account_session', 'account_token', 'org_membership'] as const) {
      const rows = await state.test.core.db
        .selectFrom(table)
        .select('user_id')
        .where('user_id', '=', user.id)
        .execute();
      expect(rows, table).toHaveLength(0);
    }
    const audit = await state.test.core.db
      .selectFrom('audit_event')
      .select(['actor_id', 'actor_label', 'action'])
      .where('actor_id', '=', user.id)
      .execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.map((a) => a.action)).toContain('account.deleted');
    expect(JSON.stringify(audit)).not.toContain(email);
    expect(new Set(audit.map((a) => a.actor_label))).toEqual(new Set(['deleted-user']));

    // The address is free again; the old password opens nothing.
    const fresh = new Browser(state.test.app);
    expect((await fresh.post('/connexion', { email, password: PASSWORD })).statusCode).toBe(422);
    await signUpAndConfirm(state, { email });
  });

  it('asks an account without a password to type the confirmation word', async () => {
    const email = uniqueEmail('nopass');
    await createUser(
      state.test.core.db,
      { email, displayName: 'No Pass', emailVerified: true },
      {
        userId: null,
        label: 'cli',
      },
    );
    const browser = new Browser(state.test.app);
    await browser.post('/connexion/lien', { email });
    const link = linkIn(lastMailTo(state.jobs, email), '/connexion/lien');
    await browser.get(link);
    await browser.post(link, {});
    const page = await browser.get('/compte/supprimer');
    expect(page.body).toContain('name="confirmation"');
    const wrong = await browser.post('/compte/supprimer', { confirmation: 'non' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('href="#field-confirmation"');
    const ok = await browser.post('/compte/supprimer', { confirmation: 'supprimer' });
    expect(ok.statusCode).toBe(303);
  });
});

describe('createUser (CLI and demo seed)', () => {
  it('creates a verified admin, normalises the address and refuses a taken one', async () => {
    const email = uniqueEmail('admin');
    const actor = { userId: null, label: 'cli' };
    const { id } = await createUser(
      state.test.core.db,
      {
        email: ` ${email.toUpperCase()} `,
        password: PASSWORD,
        displayName: 'Admin',
        isAdmin: true,
        emailVerified: true,
        locale: 'en',
      },
      actor,
    );
    const row = await userByEmail(email);
    expect(row.id).toBe(id);
    expect(row.is_admin).toBe(true);
    expect(row.locale).toBe('en');
    expect(row.email_verified_at).not.toBeNull();
    await expect(
      createUser(state.test.core.db, { email, displayName: 'Again' }, actor),
    ).rejects.toMatchObject({
      code: 'core.account.errors.email_taken',
    });
    await expect(
      createUser(state.test.core.db, { email: 'bad', displayName: '', password: 'short' }, actor),
    ).rejects.toMatchObject({
      fields: {
        email: 'core.account.errors.email_invalid',
        display_name: 'core.account.errors.name_required',
        password: 'core.account.errors.password_too_short',
      },
    });
    const fresh = new Browser(state.test.app);
    expect((await fresh.post('/connexion', { email, password: PASSWORD })).statusCode).toBe(303);
  });
});
