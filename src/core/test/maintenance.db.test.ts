import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { cliActor } from '../audit/audit.js';
import { createUser } from '../auth/accounts.service.js';
import { hashToken } from '../auth/tokens.js';
import { PURGE_EXPIRED_JOB, purgeExpired } from '../maintenance.js';

describe('purge of expired rows', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(async () => {
    await test.close();
  });

  it('deletes expired sessions, tokens and rate-limit windows, and keeps live ones', async () => {
    const { db } = test.core;
    const { id } = await createUser(
      db,
      { email: 'purge@example.org', displayName: 'P', password: 'correct horse battery' },
      cliActor,
    );
    const live = await test.core.sessions.create(id);
    const expired = await test.core.sessions.create(id);
    await db
      .updateTable('account_session')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id_hash', '=', hashToken(expired))
      .execute();
    await db
      .insertInto('account_token')
      .values({
        token_hash: 'old',
        purpose: 'magic_link',
        user_id: id,
        email: 'purge@example.org',
        expires_at: new Date(Date.now() - 1000),
        used_at: null,
      })
      .execute();
    await db
      .insertInto('http_rate_limit')
      .values({ key: 'old', hits: 3, window_ends_at: new Date(Date.now() - 1000) })
      .execute();
    await db
      .insertInto('http_rate_limit')
      .values({ key: 'live', hits: 3, window_ends_at: new Date(Date.now() + 60_000) })
      .execute();

    const summary = await purgeExpired(test.core);
    expect(summary.sessions).toBe(1);
    expect(summary.tokens).toBeGreaterThanOrEqual(1);
    expect(summary.rateLimits).toBe(1);
    expect(await test.core.sessions.find(live)).not.toBeNull();
    const keys = await db.selectFrom('http_rate_limit').select('key').execute();
    expect(keys.map((k) => k.key)).toEqual(['live']);
  });

  it('is registered as a job', async () => {
    // The immediate queue refuses a job that has no handler.
    await expect(test.core.jobs.send(PURGE_EXPIRED_JOB, {})).resolves.toBeUndefined();
  });
});
