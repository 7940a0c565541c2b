import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/core/db/database.js';
import { migrateToLatest } from '../../src/core/db/migrate.js';

/** PostgreSQL when TEST_DATABASE_URL is set (CI), PGlite in memory otherwise. */
export const testEngine = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * An isolated, migrated database for one test file. On PostgreSQL, a new database is
 * created for it and dropped by `close`; on PGlite, a fresh in-memory instance.
 */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const database = await openDatabase({ dataDir: 'memory' });
    await migrateToLatest(database.db);
    return database;
  }
  const name = `vo_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = withDatabase(base, name);
  const database = await openDatabase({ databaseUrl: url, poolSize: 5 });
  await migrateToLatest(database.db);
  return {
    ...database,
    url,
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
