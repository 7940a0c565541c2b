/**
 * Several app instances on one PostgreSQL: whatever one instance knows about a visitor (the
 * session, the rate-limit counters) the others know too, because it lives in the database.
 *
 * PGlite serves one process from one folder, so on the embedded engine this is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/core/auth/sessions.js';
import { type Database, openDatabase } from '../../src/core/db/database.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { buildProbeApp, insertUser, PROBE_LIMIT, type ProbeApp } from './probe-app.js';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const reason = onPostgres
  ? ''
  : ' [SKIPPED: needs PostgreSQL — set TEST_DATABASE_URL; one PGlite folder serves one process]';

describe.skipIf(!onPostgres)(`two app instances on one PostgreSQL${reason}`, () => {
  let first: Database & { url?: string };
  let second: Database;
  let one: ProbeApp;
  let two: ProbeApp;

  beforeAll(async () => {
    first = await createTestDatabase();
    if (!first.url) throw new Error('createTestDatabase gave no url on PostgreSQL');
    // A second, separately opened pool on the same database: what a second process has.
    second = await openDatabase({ databaseUrl: first.url, poolSize: 3 });
    one = await buildProbeApp(first);
    two = await buildProbeApp(second);
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await second?.close();
    await first?.close();
  });

  it('a session opened on one instance is valid on the other, and closed on both', async () => {
    const userId = await insertUser(one.core, `two-instances-${Date.now()}@example.org`);
    const token = await one.core.sessions.create(userId, { userAgent: 'test', ip: '127.0.0.1' });
    const cookie = `${SESSION_COOKIE}=${token}`;

    const onTwo = await two.app.inject({ method: 'GET', url: '/_probe/whoami', headers: { cookie } });
    expect(onTwo.json()).toEqual({ userId });
    const anonymous = await two.app.inject({ method: 'GET', url: '/_probe/whoami' });
    expect(anonymous.json()).toEqual({ userId: null });

    // A signed-in page of the accounts pages, served by the other instance.
    const account = await two.app.inject({ method: 'GET', url: '/compte', headers: { cookie } });
    expect(account.statusCode).toBe(200);
    const signedOut = await two.app.inject({ method: 'GET', url: '/compte' });
    expect(signedOut.statusCode).not.toBe(200);

    // Signing out on instance two ends the session on instance one.
    await two.core.sessions.destroy(token);
    const afterSignOut = await one.app.inject({ method: 'GET', url: '/_probe/whoami', headers: { cookie } });
    expect(afterSignOut.json()).toEqual({ userId: null });
  });

  it('a rate limit counts the requests of both instances together', async () => {
    await one.core.rateLimiter.reset(PROBE_LIMIT, 'everyone');
    const statuses: number[] = [];
    for (let i = 0; i < PROBE_LIMIT.max + 1; i++) {
      const instance = i % 2 === 0 ? one : two;
      const response = await instance.app.inject({ method: 'GET', url: '/_probe/limited' });
      statuses.push(response.statusCode);
    }
    // Each instance alone saw at most 2 requests, under the limit of 3: only a shared count refuses.
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('the rate limiter service agrees across instances, even for concurrent hits', async () => {
    const rule = { name: 'two-instances', max: 10, windowSeconds: 60 };
    const subject = `subject-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).core.rateLimiter.hit(rule, subject)),
    );
    const hits = results.map((r) => r.hits).sort((a, b) => a - b);
    expect(hits).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    await expect(two.core.rateLimiter.consume(rule, subject)).rejects.toMatchObject({ status: 429 });
  });
});
