import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { DomainError } from './errors.js';

export interface RateLimitRule {
  /** Name of the limit, part of the key: e.g. `signin-ip`. */
  name: string;
  max: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  hits: number;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters in PostgreSQL, so that every app instance counts the same hits.
 * One upsert per check: a new window starts when the old one has ended.
 */
export class RateLimiter {
  constructor(private readonly db: Db) {}

  async hit(rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
    const key = `${rule.name}:${subject}`;
    const result = await sql<{ hits: number; retry: number }>`
      insert into http_rate_limit as r (key, hits, window_ends_at)
      values (${key}, 1, now() + make_interval(secs => ${rule.windowSeconds}))
      on conflict (key) do update set
        hits = case when r.window_ends_at <= now() then 1 else r.hits + 1 end,
        window_ends_at = case when r.window_ends_at <= now()
          then now() + make_interval(secs => ${rule.windowSeconds}) else r.window_ends_at end
      returning hits, ceil(extract(epoch from (window_ends_at - now())))::int as retry`.execute(this.db);
    const row = result.rows[0]!;
    return { allowed: row.hits <= rule.max, hits: row.hits, retryAfterSeconds: Math.max(1, row.retry) };
  }

  /** Throws `core.errors.rate_limited` (429) past the limit. */
  async consume(rule: RateLimitRule, subject: string): Promise<void> {
    const result = await this.hit(rule, subject);
    if (!result.allowed) {
      throw new DomainError('core.errors.rate_limited', 429, { seconds: result.retryAfterSeconds });
    }
  }

  async reset(rule: RateLimitRule, subject: string): Promise<void> {
    await this.db.deleteFrom('http_rate_limit').where('key', '=', `${rule.name}:${subject}`).execute();
  }

  async purgeExpired(): Promise<number> {
    const result = await this.db
      .deleteFrom('http_rate_limit')
      .where('window_ends_at', '<', new Date())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

declare module '../db/schema.js' {
  interface Tables {
    http_rate_limit: { key: string; hits: number; window_ends_at: Date };
  }
}
