import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngine } from '../../../../test/helpers/test-database.js';
import { type Database, prepared } from '../database.js';
import { pendingMigrations } from '../migrate.js';

describe(`database on ${testEngine}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('is migrated to the latest version', async () => {
    expect(await pendingMigrations(database.db)).toEqual([]);
  });

  it('prepares a marked statement once per connection and answers it like any other', async () => {
    const seen = await database.db.transaction().execute(async (tx) => {
      const answers = [];
      for (const n of [1, 2, 3]) {
        const { rows } = await sql<{
          n: number;
        }>`${prepared('test-marked')} select ${n}::int + 1 as n`.execute(tx);
        answers.push(rows[0]?.n);
      }
      const statements =
        testEngine === 'postgres'
          ? (
              await sql<{
                name: string;
              }>`select name from pg_prepared_statements where name = 'test-marked'`.execute(tx)
            ).rows.map((r) => r.name)
          : ['test-marked'];
      return { answers, statements };
    });
    expect(seen).toEqual({ answers: [2, 3, 4], statements: ['test-marked'] });
  });

  it('returns int8 as a number on both engines', async () => {
    const { rows } = await sql<{
      n: number;
      big: number;
    }>`select (select count(*) from account_user) as n, 9007199254740991::int8 as big`.execute(database.db);
    expect(rows[0]).toEqual({ n: 0, big: 9007199254740991 });
  });

  it('returns a point as {x, y} on both engines', async () => {
    const { rows } = await sql<{ p: { x: number; y: number } }>`select point(2.3522, 48.8566) as p`.execute(
      database.db,
    );
    expect(rows[0]?.p).toEqual({ x: 2.3522, y: 48.8566 });
  });

  it('keeps two concurrent transactions apart', async () => {
    await database.db.insertInto('core_setting').values({ key: 'counter', value: '0' }).execute();
    const increment = () =>
      database.db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('core_setting')
          .select('value')
          .where('key', '=', 'counter')
          .forUpdate()
          .executeTakeFirstOrThrow();
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx
          .updateTable('core_setting')
          .set({ value: JSON.stringify(Number(row.value) + 1) })
          .where('key', '=', 'counter')
          .execute();
      });
    await Promise.all(Array.from({ length: 10 }, increment));
    const row = await database.db
      .selectFrom('core_setting')
      .select('value')
      .where('key', '=', 'counter')
      .executeTakeFirstOrThrow();
    expect(row.value).toBe(10);
  });

  it('rolls back a failed transaction without touching queries outside it', async () => {
    const failing = database.db.transaction().execute(async (tx) => {
      await tx.insertInto('core_setting').values({ key: 'rolled-back', value: '1' }).execute();
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error('boom');
    });
    const outside = database.db.insertInto('core_setting').values({ key: 'outside', value: '1' }).execute();
    await expect(failing).rejects.toThrow('boom');
    await outside;
    const keys = await database.db.selectFrom('core_setting').select('key').execute();
    expect(keys.map((k) => k.key)).toContain('outside');
    expect(keys.map((k) => k.key)).not.toContain('rolled-back');
  });
});
