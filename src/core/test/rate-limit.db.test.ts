/**
 * The rate limiter through the database's plain-SQL executor (one query, commit without waiting
 * for the disk): the same counts as the query-builder path, any subject text stored as given,
 * concurrent hits counted once each.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/helpers/test-database.js';
import type { Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { RateLimiter } from '../http/rate-limit.js';

let database: Database;
let fast: RateLimiter;
let plain: RateLimiter;

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateToLatest(database.db);
  fast = new RateLimiter(database.db, database.executor);
  plain = new RateLimiter(database.db);
}, 120_000);

afterAll(async () => {
  await database?.close();
});

describe('rate limiter with the executor', () => {
  it('counts hits in a window, refuses past the limit, and says when to retry', async () => {
    const rule = { name: 'probe', max: 2, windowSeconds: 60 };
    expect(await fast.hit(rule, 'a')).toEqual({ allowed: true, hits: 1, retryAfterSeconds: 60 });
    expect((await plain.hit(rule, 'a')).hits).toBe(2); // both paths share the row
    const third = await fast.hit(rule, 'a');
    expect(third).toMatchObject({ allowed: false, hits: 3 });
    expect(third.retryAfterSeconds).toBeGreaterThan(50);
    await expect(fast.consume(rule, 'a')).rejects.toMatchObject({ status: 429 });
    await fast.reset(rule, 'a');
    expect((await fast.hit(rule, 'a')).hits).toBe(1);
  });

  it('starts a new window once the old one has ended', async () => {
    const rule = { name: 'window', max: 1, windowSeconds: 60 };
    await fast.hit(rule, 'b');
    await sql`update http_rate_limit set window_ends_at = now() - interval '1 second' where key = 'window:b'`.execute(
      database.db,
    );
    expect(await fast.hit(rule, 'b')).toMatchObject({ allowed: true, hits: 1 });
  });

  it('stores any subject as given, quotes and backslashes included, nothing else touched', async () => {
    const rule = { name: 'text', max: 5, windowSeconds: 60 };
    const hostile = `x'); delete from http_rate_limit; --\\' "é"`;
    await fast.hit({ name: 'other', max: 5, windowSeconds: 60 }, 'kept');
    expect((await fast.hit(rule, hostile)).hits).toBe(1);
    expect((await fast.hit(rule, hostile)).hits).toBe(2);
    const keys = (await database.db.selectFrom('http_rate_limit').select('key').execute()).map((r) => r.key);
    expect(keys).toContain(`text:${hostile}`);
    expect(keys).toContain('other:kept');
  });

  it('counts twenty concurrent hits once each', async () => {
    const rule = { name: 'burst', max: 10, windowSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 20 }, () => fast.hit(rule, 'c')));
    expect(results.map((r) => r.hits).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });
});
