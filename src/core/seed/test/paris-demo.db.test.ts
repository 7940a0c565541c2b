import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-database.js';
import { verifyPassword } from '../../auth/passwords.js';
import { loadViewer } from '../../auth/viewer.js';
import type { Database } from '../../db/database.js';
import {
  demoAccounts,
  formatDemoAccounts,
  isDemoSeeded,
  type SeedSummary,
  seedParisDemo,
} from '../paris-demo.js';

async function count(
  database: Database,
  table: 'org_directorate' | 'org_service' | 'account_user' | 'org_membership',
) {
  const row = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('Paris demo seed', () => {
  let database: Database;
  let first: SeedSummary;
  const messages: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await seedParisDemo(database.db, { onProgress: (m) => messages.push(m) });
  }, 60_000);
  afterAll(() => database.close());

  it('imports the 20 arrondissements and the 80 quartiers', async () => {
    expect(first.skipped).toBe(false);
    expect(first.areas).toEqual({ arrondissements: 20, quartiers: 80 });
    const pantheon = await database.db
      .selectFrom('area_feature')
      .select('name')
      .where('layer_id', '=', 'arrondissements')
      .where('code', '=', '5')
      .executeTakeFirstOrThrow();
    expect(pantheon.name).toBe('Panthéon');
  });

  it('creates real directorates with services covering their arrondissements', async () => {
    expect(await count(database, 'org_directorate')).toBeGreaterThanOrEqual(6);
    expect(first.directorates).toBe(await count(database, 'org_directorate'));
    expect(await count(database, 'org_service')).toBeGreaterThanOrEqual(12);
    const dpe = await database.db
      .selectFrom('org_directorate')
      .select('name')
      .where('code', '=', 'DPE')
      .executeTakeFirstOrThrow();
    expect(dpe.name).toBe("Direction de la Propreté et de l'Eau");
    const division = await database.db
      .selectFrom('org_service as s')
      .innerJoin('area_feature as a', (join) =>
        join.on(({ eb, ref }) => eb(ref('a.id'), '=', eb.fn.any(ref('s.area_ids')))),
      )
      .select(['s.name', 'a.code', 'a.layer_id'])
      .where('s.code', '=', 'DPE-PROP-05')
      .execute();
    expect(division).toEqual([
      { name: 'Division propreté du 5e arrondissement', code: '5', layer_id: 'arrondissements' },
    ]);
  });

  it('creates the four demo accounts with working passwords, agents in two directorates', async () => {
    expect(first.accounts.map((a) => a.email)).toEqual([
      'admin@demo.ville-ouverte.fr',
      'agent.proprete@demo.ville-ouverte.fr',
      'agent.voirie@demo.ville-ouverte.fr',
      'citoyen@demo.ville-ouverte.fr',
    ]);
    expect(await count(database, 'account_user')).toBe(4);
    for (const account of first.accounts) {
      const user = await database.db
        .selectFrom('account_user')
        .select(['id', 'password_hash', 'email_verified_at', 'is_admin'])
        .where('email', '=', account.email)
        .executeTakeFirstOrThrow();
      expect(await verifyPassword(account.password, user.password_hash as string)).toBe(true);
      expect(user.email_verified_at).not.toBeNull();
      expect(user.is_admin).toBe(account.key === 'admin');
    }
    const viewerOf = async (email: string) => {
      const user = await database.db
        .selectFrom('account_user')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      return loadViewer(database.db, user.id);
    };
    const proprete = await viewerOf('agent.proprete@demo.ville-ouverte.fr');
    const voirie = await viewerOf('agent.voirie@demo.ville-ouverte.fr');
    const citizen = await viewerOf('citoyen@demo.ville-ouverte.fr');
    expect(proprete?.memberships).toEqual([
      expect.objectContaining({ role: 'manager', serviceName: 'Division propreté du 5e arrondissement' }),
    ]);
    expect(voirie?.memberships).toEqual([expect.objectContaining({ role: 'agent' })]);
    expect(proprete?.memberships[0]?.directorateId).not.toBe(voirie?.memberships[0]?.directorateId);
    expect(citizen?.memberships).toEqual([]);
    expect(citizen?.isAdmin).toBe(false);
  });

  it('keeps the passwords for the console and prints them in a box', async () => {
    expect(await isDemoSeeded(database.db)).toBe(true);
    const stored = await demoAccounts(database.db);
    expect(stored).toEqual(first.accounts);
    const box = formatDemoAccounts(stored, 'http://localhost:3000');
    for (const account of stored) expect(box).toContain(`${account.email}   password: ${account.password}`);
    expect(messages.some((m) => m.includes('80 quartiers'))).toBe(true);
  });

  it('does nothing the second time', async () => {
    const before = await Promise.all(
      (['org_directorate', 'org_service', 'account_user', 'org_membership'] as const).map((t) =>
        count(database, t),
      ),
    );
    const again = await seedParisDemo(database.db);
    expect(again.skipped).toBe(true);
    expect(again.accounts).toEqual(first.accounts);
    const after = await Promise.all(
      (['org_directorate', 'org_service', 'account_user', 'org_membership'] as const).map((t) =>
        count(database, t),
      ),
    );
    expect(after).toEqual(before);
  });

  it('completes an interrupted seed without duplicating what exists', async () => {
    await database.db.deleteFrom('core_setting').where('key', '=', 'demo.paris.seeded_at').execute();
    const again = await seedParisDemo(database.db);
    expect(again.skipped).toBe(false);
    expect(again.created).toEqual({ layers: 0, directorates: 0, services: 0, accounts: 0, memberships: 0 });
    expect(again.accounts).toEqual(first.accounts);
    expect(await count(database, 'account_user')).toBe(4);
  });
});
