import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-database.js';
import type { Database } from '../../db/database.js';
import { createMailer } from '../../mail/mailer.js';
import { queueMail, registerMailJobs } from '../../mail/send.js';
import { PgBossJobQueue } from '../pgboss-queue.js';

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('pg-boss job queue', () => {
  let database: Database;
  let queue: PgBossJobQueue;
  const worked: unknown[] = [];
  let attempts = 0;
  let sweeps = 0;
  const outboxDir = mkdtempSync(path.join(tmpdir(), 'vo-jobs-outbox-'));

  beforeAll(async () => {
    database = await createTestDatabase();
    queue = new PgBossJobQueue(database, { pollingIntervalSeconds: 0.5 });
    queue.register<{ n: number }>('test.echo', async (data) => {
      worked.push(data);
    });
    queue.register('test.sweep', async () => {
      sweeps += 1;
    });
    queue.register<{ n: number }>('test.flaky', async () => {
      attempts += 1;
      if (attempts < 3) throw new Error(`failure ${attempts}`);
    });
    registerMailJobs({
      jobs: queue,
      mailer: createMailer({ outboxDir, from: 'Ville <no-reply@example.org>' }),
    });
    await queue.start({ work: true });
  });

  afterAll(async () => {
    await queue.stop();
    await database.close();
  });

  it('works a job that was sent', async () => {
    await queue.send('test.echo', { n: 42 });
    await waitFor(() => worked.length === 1);
    expect(worked).toEqual([{ n: 42 }]);
    await waitFor(() => false, 600).catch(() => {});
    const jobs = await database.executor.executeSql(
      "select state from pgboss.job where name = 'test.echo'",
      [],
    );
    expect(jobs.rows).toEqual([{ state: 'completed' }]);
  });

  it('makes one job of the sendSoon calls of a moment, and another of a later one', async () => {
    for (let i = 0; i < 50; i++) await queue.sendSoon('test.sweep', 300);
    await waitFor(() => sweeps === 1);
    const created = async () =>
      (
        await database.executor.executeSql(
          "select count(*)::int as n from pgboss.job where name = 'test.sweep'",
          [],
        )
      ).rows[0] as { n: number };
    expect(await created()).toEqual({ n: 1 });
    await queue.sendSoon('test.sweep', 100);
    await waitFor(() => sweeps === 2);
    expect(await created()).toEqual({ n: 2 });
  });

  it('retries a failing job until it succeeds', async () => {
    await queue.send('test.flaky', { n: 1 }, { retryLimit: 5, retryDelaySeconds: 0, retryBackoff: false });
    await waitFor(() => attempts >= 3);
    await waitFor(() => false, 1000).catch(() => {});
    expect(attempts).toBe(3);
    const { rows } = await database.executor.executeSql(
      "select state, retry_count from pgboss.job where name = 'test.flaky'",
      [],
    );
    expect(rows).toEqual([{ state: 'completed', retry_count: 2 }]);
  });

  it('delivers a queued mail as an .eml in the outbox', async () => {
    await queueMail(
      { jobs: queue },
      { to: 'someone@example.org', subject: 'Bonjour', text: 'Texte', html: '<p>Texte</p>' },
    );
    await waitFor(() => readdirSync(outboxDir).length === 1);
    const [file] = readdirSync(outboxDir);
    const eml = readFileSync(path.join(outboxDir, file as string), 'utf8');
    expect(eml).toContain('To: someone@example.org');
    expect(eml).toContain('Subject: Bonjour');
  });

  it('does not send a job twice with the same singleton key while one is queued', async () => {
    const later = new Date(Date.now() + 3600_000);
    await queue.send('test.echo', { n: 1 }, { singletonKey: 'k', startAfter: later });
    await queue.send('test.echo', { n: 2 }, { singletonKey: 'k', startAfter: later });
    const { rows } = await database.executor.executeSql(
      "select data from pgboss.job where name = 'test.echo' and singleton_key = 'k'",
      [],
    );
    expect(rows).toHaveLength(1);
  });
});
