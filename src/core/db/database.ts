import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-lock.js';
import { normaliseRow, pgTypes } from './normalise.js';
import { PGliteDialect, SessionQueue } from './pglite-dialect.js';
import type { Tables } from './schema.js';

export type Db = Kysely<Tables>;
export type Engine = 'pglite' | 'postgres';

/** Plain SQL for libraries that bring their own queries (pg-boss). */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface Database {
  db: Db;
  engine: Engine;
  executor: SqlExecutor;
  /** Where the embedded data lives, or the server URL without its password. */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  /** Folder for the embedded database; `memory` for a throw-away one. */
  dataDir?: string | 'memory';
  poolSize?: number;
  pglite?: PGlite;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPGlite(options);
}

function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes() });
  pool.on('error', () => {
    // A dropped idle client is replaced on next use; the query that needs it reports the error.
  });
  pool.on('connect', prepareMarkedStatements);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: 'postgres',
    location: url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@'),
    executor: {
      async executeSql(text, values) {
        const result = await pool.query(text, values as unknown[]);
        return { rows: Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows };
      },
    },
    async close() {
      await db.destroy();
    },
  };
}

const PREPARED_MARK = /\/\* prepared: ([\w.-]+) \*\//;

/**
 * Marks a hot statement to be prepared once per connection and then only executed: PostgreSQL
 * then skips parsing and, after a few runs, planning (a third of its work on a vote cast,
 * measured). Only for a statement whose text never changes (values as parameters): the name
 * stands for the text on every connection. On PGlite it is a plain comment. PostgreSQL
 * re-plans a prepared statement after a migration, but refuses one whose result columns
 * changed type: instances still running through such a migration must be restarted.
 */
export function prepared(name: string) {
  return sql.raw(`/* prepared: ${name} */`);
}

/** Sends the statements marked by `prepared` as named statements (node-pg prepares a name once per connection). */
function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, ...rest: unknown[]) => {
    const name = typeof text === 'string' ? PREPARED_MARK.exec(text)?.[1] : undefined;
    if (name === undefined) return query(text, ...rest);
    const [values, callback] = rest;
    return query({ name, text, values }, callback);
  }) as typeof client.query;
}

async function openPGlite(options: DatabaseOptions): Promise<Database> {
  const inMemory = !options.dataDir || options.dataDir === 'memory';
  const folder = inMemory ? undefined : path.join(options.dataDir as string, 'db');
  const releaseLock = folder ? lockDataDir(folder) : () => {};
  let pglite: PGlite;
  try {
    // Loaded only when used: the module alone holds about 40 MB (measured), which a server on
    // PostgreSQL never needs.
    pglite = options.pglite ?? new (await import('@electric-sql/pglite')).PGlite(folder);
    await pglite.waitReady;
  } catch (error) {
    releaseLock();
    throw error;
  }
  const queue = new SessionQueue();
  const db = new Kysely<Tables>({ dialect: new PGliteDialect(pglite, queue) });
  return {
    db,
    engine: 'pglite',
    location: folder ?? 'memory',
    executor: {
      executeSql(text, values) {
        return queue.run(async () => {
          if (values && values.length > 0) {
            const result = await pglite.query<Record<string, unknown>>(text, values);
            return { rows: result.rows.map(normaliseRow) };
          }
          try {
            const results = await pglite.exec(text);
            return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
          } catch (error) {
            // A failed script (pg-boss runs BEGIN; …; COMMIT) must not leave the one session
            // in an aborted transaction; no one else holds it while we do.
            await pglite.exec('rollback').catch(() => {});
            throw error;
          }
        });
      },
    },
    async close() {
      await db.destroy();
      await queue.run(() => pglite.close());
      releaseLock();
    },
  };
}

export async function isReachable(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
