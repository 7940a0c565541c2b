import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { cliActor } from '../../audit/audit.js';
import { createUser } from '../accounts.service.js';
import { hashToken } from '../tokens.js';

describe('the viewer of a session token, read in one statement', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(async () => {
    await test.close();
  });

  async function account(email: string) {
    return createUser(
      test.core.db,
      { email, displayName: 'Léa Martin', password: 'correct horse battery' },
      cliActor,
    );
  }

  it('gives the account of a live session, with its memberships', async () => {
    const { db } = test.core;
    const { id } = await account('viewer-live@example.org');
    const directorate = await db
      .insertInto('org_directorate')
      .values({ code: 'DPE-V', name: 'Propreté et eau' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const service = await db
      .insertInto('org_service')
      .values({ directorate_id: directorate.id, code: 'NET-V', name: 'Nettoiement' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('org_membership')
      .values({ user_id: id, service_id: service.id, role: 'agent' })
      .execute();
    const token = await test.core.sessions.create(id);

    const viewer = await test.core.sessions.viewer(token);
    expect(viewer?.id).toBe(id);
    expect(viewer?.email).toBe('viewer-live@example.org');
    expect(viewer?.memberships).toEqual([
      { serviceId: service.id, serviceName: 'Nettoiement', directorateId: directorate.id, role: 'agent' },
    ]);
  });

  it('gives nobody for an expired session, an unknown token, a huge token or a deleted account', async () => {
    const { db } = test.core;
    const { id } = await account('viewer-gone@example.org');
    const expired = await test.core.sessions.create(id);
    await db
      .updateTable('account_session')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id_hash', '=', hashToken(expired))
      .execute();
    expect(await test.core.sessions.viewer(expired)).toBeNull();
    expect(await test.core.sessions.viewer('not-a-token')).toBeNull();
    expect(await test.core.sessions.viewer('x'.repeat(10_000))).toBeNull();

    const live = await test.core.sessions.create(id);
    expect(await test.core.sessions.viewer(live)).not.toBeNull();
    await db.updateTable('account_user').set({ deleted_at: new Date() }).where('id', '=', id).execute();
    expect(await test.core.sessions.viewer(live)).toBeNull();
  });

  it('reads the sessions of requests arriving together (one batch), each its own viewer', async () => {
    const people = await Promise.all(['a', 'b', 'c'].map((n) => account(`viewer-batch-${n}@example.org`)));
    const tokens = await Promise.all(people.map((p) => test.core.sessions.create(p.id)));
    const expired = await test.core.sessions.create(people[0]!.id);
    await test.core.db
      .updateTable('account_session')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id_hash', '=', hashToken(expired))
      .execute();
    const viewers = await Promise.all(
      [...tokens, expired, 'unknown-token', tokens[1]!].map((t) => test.core.sessions.viewer(t)),
    );
    expect(viewers.map((v) => v?.id ?? null)).toEqual([
      people[0]!.id,
      people[1]!.id,
      people[2]!.id,
      null,
      null,
      people[1]!.id,
    ]);
  });

  it('moves the expiry of a session last seen long ago, not of one seen a minute ago', async () => {
    const { db } = test.core;
    const { id } = await account('viewer-touch@example.org');
    const old = await test.core.sessions.create(id);
    const recent = await test.core.sessions.create(id);
    const longAgo = new Date(Date.now() - 3600_000);
    const minuteAgo = new Date(Date.now() - 60_000);
    await db
      .updateTable('account_session')
      .set({ last_seen_at: longAgo })
      .where('id_hash', '=', hashToken(old))
      .execute();
    await db
      .updateTable('account_session')
      .set({ last_seen_at: minuteAgo })
      .where('id_hash', '=', hashToken(recent))
      .execute();

    expect(await test.core.sessions.viewer(old)).not.toBeNull();
    expect(await test.core.sessions.viewer(recent)).not.toBeNull();
    const seen = async (token: string) =>
      (
        await db
          .selectFrom('account_session')
          .select('last_seen_at')
          .where('id_hash', '=', hashToken(token))
          .executeTakeFirstOrThrow()
      ).last_seen_at.getTime();
    expect(await seen(old)).toBeGreaterThan(Date.now() - 60_000);
    expect(await seen(recent)).toBe(minuteAgo.getTime());
  });
});
