import { Batcher, fulfilled } from '../db/batcher.js';
import type { Db } from '../db/database.js';
import '../db/core-tables.js';
import { hashToken, newToken } from './tokens.js';
import { loadSessionViewers, type Viewer } from './viewer.js';

export const SESSION_COOKIE = 'vo_session';
export const SESSION_DAYS = 30;
/** last_seen_at is written at most this often, to keep reads cheap. */
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export interface SessionRecord {
  userId: string;
  idHash: string;
  lastSeenAt: Date;
}

/** Sessions live in the database so that any app instance can read them. */
export class SessionStore {
  /** The signed-in requests of a moment read their sessions in one statement. */
  private readonly viewers: Batcher<string, { viewer: Viewer; lastSeenAt: Date } | null>;

  constructor(private readonly db: Db) {
    this.viewers = new Batcher(
      async (hashes) => {
        const found = await loadSessionViewers(db, hashes);
        return hashes.map((hash) => fulfilled(found.get(hash) ?? null));
      },
      { inFlight: 2, maxBatch: 100 },
    );
  }

  /** A new random id every time: signing in never reuses an old session id. */
  async create(userId: string, meta: { userAgent?: string; ip?: string } = {}): Promise<string> {
    const token = newToken();
    await this.db
      .insertInto('account_session')
      .values({
        id_hash: hashToken(token),
        user_id: userId,
        expires_at: new Date(Date.now() + SESSION_DAYS * 86400_000),
        user_agent: (meta.userAgent ?? '').slice(0, 300),
        ip: meta.ip ?? '',
      })
      .execute();
    return token;
  }

  async find(token: string): Promise<SessionRecord | null> {
    if (!token || token.length > 100) return null;
    const idHash = hashToken(token);
    const row = await this.db
      .selectFrom('account_session')
      .select(['user_id', 'last_seen_at'])
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', new Date())
      .executeTakeFirst();
    if (!row) return null;
    await this.touchIfStale(idHash, row.last_seen_at);
    return { userId: row.user_id, idHash, lastSeenAt: row.last_seen_at };
  }

  /** The signed-in person of a request: session, account and memberships in one read. */
  async viewer(token: string): Promise<Viewer | null> {
    if (!token || token.length > 100) return null;
    const idHash = hashToken(token);
    const found = await this.viewers.submit(idHash);
    if (!found) return null;
    await this.touchIfStale(idHash, found.lastSeenAt);
    return found.viewer;
  }

  /** A used session lives on: its expiry moves, at most every few minutes. */
  private async touchIfStale(idHash: string, lastSeenAt: Date): Promise<void> {
    if (Date.now() - lastSeenAt.getTime() <= TOUCH_EVERY_MS) return;
    await this.db
      .updateTable('account_session')
      .set({ last_seen_at: new Date(), expires_at: new Date(Date.now() + SESSION_DAYS * 86400_000) })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async destroy(token: string): Promise<void> {
    await this.db.deleteFrom('account_session').where('id_hash', '=', hashToken(token)).execute();
  }

  async destroyAllFor(userId: string): Promise<void> {
    await this.db.deleteFrom('account_session').where('user_id', '=', userId).execute();
  }

  async purgeExpired(): Promise<number> {
    const result = await this.db
      .deleteFrom('account_session')
      .where('expires_at', '<', new Date())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
