import { sql } from 'kysely';
import type { Db, SqlExecutor } from '../db/database.js';
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

/** A string as an SQL literal (standard_conforming_strings, on by default: only quotes double). */
function literal(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL cannot be stored in text
  return `'${text.replace(/\u0000/g, '').replace(/'/g, "''")}'`;
}

/**
 * Fixed-window counters in PostgreSQL, so that every app instance counts the same hits.
 * One upsert per check: a new window starts when the old one has ended.
 *
 * Given the database's plain-SQL executor, a check is one simple-protocol query whose commit does
 * not wait for the disk (`synchronous_commit off`): the counter row of a busy key (an Open311
 * application posting from many clients) is then locked for the statement only, not for a disk
 * flush, and a request does not wait for a flush of its own before its real work (seen at 32
 * clients: as many backends waiting on this row's flush as on the reports' own commits). A crash
 * may forget the last few hits of a window.
 */
export class RateLimiter {
  constructor(
    private readonly db: Db,
    private readonly executor?: SqlExecutor,
  ) {}

  async hit(rule: RateLimitRule, subject: string): Promise<RateLimitResult> {
    const key = `${rule.name}:${subject}`;
    const seconds = Number(rule.windowSeconds);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new Error(`bad rate-limit window ${rule.windowSeconds}`);
    let row: { hits: number; retry: number };
    if (this.executor) {
      const { rows } = await this.executor.executeSql(`set local synchronous_commit = off;
        insert into http_rate_limit as r (key, hits, window_ends_at)
        values (${literal(key)}, 1, now() + make_interval(secs => ${seconds}))
        on conflict (key) do update set
          hits = case when r.window_ends_at <= now() then 1 else r.hits + 1 end,
          window_ends_at = case when r.window_ends_at <= now()
            then now() + make_interval(secs => ${seconds}) else r.window_ends_at end
        returning hits, ceil(extract(epoch from (window_ends_at - now())))::int as retry`);
      row = { hits: Number(rows[0]!.hits), retry: Number(rows[0]!.retry) };
    } else {
      const result = await sql<{ hits: number; retry: number }>`
        insert into http_rate_limit as r (key, hits, window_ends_at)
        values (${key}, 1, now() + make_interval(secs => ${seconds}))
        on conflict (key) do update set
          hits = case when r.window_ends_at <= now() then 1 else r.hits + 1 end,
          window_ends_at = case when r.window_ends_at <= now()
            then now() + make_interval(secs => ${seconds}) else r.window_ends_at end
        returning hits, ceil(extract(epoch from (window_ends_at - now())))::int as retry`.execute(this.db);
      row = result.rows[0]!;
    }
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
