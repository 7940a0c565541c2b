import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/core/db/database.js';
import { verifyApiKey } from '../../src/modules/reports/api-keys.js';
import { createTestApp } from '../helpers/test-app.js';
import { createTestDatabase } from '../helpers/test-database.js';

// `ville create-api-key NAME` as an operator runs it (a child process), on PostgreSQL when
// TEST_DATABASE_URL is set, else on an embedded database in a temporary DATA_DIR.
const root = path.resolve(import.meta.dirname, '../..');

function ville(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'vo-r4-cli-'));
let pgDatabase: (Database & { url?: string }) | null = null;

async function cliEnv(): Promise<Record<string, string>> {
  if (!process.env.TEST_DATABASE_URL) return { DATA_DIR: dataDir };
  pgDatabase ??= await createTestDatabase();
  return { DATA_DIR: dataDir, DATABASE_URL: pgDatabase.url! };
}

/** The same database the CLI wrote to, opened once the CLI has exited (and released its lock). */
async function openSame(): Promise<{ database: Database; owned: boolean }> {
  if (pgDatabase) return { database: pgDatabase, owned: false };
  return { database: await openDatabase({ dataDir }), owned: true };
}

afterAll(async () => {
  await pgDatabase?.close();
});

describe('ville create-api-key', () => {
  it('prints the new key alone on its last line, and the key works on the Open311 API', {
    timeout: 90_000,
  }, async () => {
    const env = await cliEnv();
    const run = await ville(['create-api-key', 'Appli mobile'], env);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    const key = lines.at(-1)!;
    expect(key).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(lines.slice(0, -1).join('\n')).toContain('Appli mobile');
    expect(lines.slice(0, -1).join('\n')).not.toContain(key);

    const unknownOwner = await ville(['create-api-key', 'Autre', '--owner', 'nobody@example.test'], env);
    expect(unknownOwner.code).not.toBe(0);
    expect(unknownOwner.stderr).toContain('nobody@example.test');
    const noName = await ville(['create-api-key', '   '], env);
    expect(noName.code).not.toBe(0);

    const { database, owned } = await openSame();
    const test = await createTestApp(
      { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vo-r4-app-')) },
      { database },
    );
    try {
      expect(await verifyApiKey(test.core, key)).toMatchObject({ name: 'Appli mobile' });
      const keys = await test.core.db.selectFrom('report_api_key').select(['name', 'created_by']).execute();
      expect(keys).toEqual([{ name: 'Appli mobile', created_by: null }]);
      const withKey = await test.app.inject({
        method: 'GET',
        url: `/open311/v2/servicerequestupdates.json?api_key=${key}`,
      });
      expect(withKey.statusCode).toBe(200);
      expect(JSON.parse(withKey.body)).toEqual([]);
      const withoutKey = await test.app.inject({
        method: 'GET',
        url: '/open311/v2/servicerequestupdates.json?api_key=x',
      });
      expect(withoutKey.statusCode).toBe(403);
    } finally {
      await test.close();
      if (owned) await database.close();
    }
  });
});
