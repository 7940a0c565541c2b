import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The `ville` command, run as a user runs it: a child process, on an embedded database
// in a temporary DATA_DIR (the CLI's own behaviour does not depend on the engine).
const root = path.resolve(import.meta.dirname, '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development' };
  return { ...env, ...extra };
}

function start(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: root,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function ville(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = start(args, env);
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

const newDataDir = () => mkdtempSync(path.join(tmpdir(), 'vo-cli-'));

describe('ville CLI', () => {
  it('has --help for the program and each command', { timeout: 60_000 }, async () => {
    const runs = await Promise.all(
      [[], ['migrate'], ['seed'], ['import-areas'], ['create-user'], ['worker']].map((c) =>
        ville([...c, '--help']),
      ),
    );
    const [main, ...commands] = runs;
    expect(main?.code).toBe(0);
    for (const name of ['migrate', 'seed', 'import-areas', 'create-user', 'worker']) {
      expect(main?.stdout).toContain(name);
    }
    for (const run of commands) {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: ville /);
    }
    expect(commands[2]?.stdout).toContain('--code-property <property>');
    expect(commands[3]?.stdout).toContain('--admin');
  });

  it('stops with one clear line and a non-zero code on a bad configuration', async () => {
    const run = await ville(['migrate'], { DATA_DIR: newDataDir(), PORT: 'eighty' });
    expect(run.code).toBe(78);
    expect(run.stderr.trim().split('\n')).toEqual([
      'Configuration error — PORT: expected an integer between 0 and 65535, got "eighty"',
    ]);
  });

  it('migrates, then creates a user with a generated password, and refuses bad input', async () => {
    const dataDir = newDataDir();
    const migrate = await ville(['migrate'], { DATA_DIR: dataDir });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('applied 202611250001_core_foundation');
    const again = await ville(['migrate'], { DATA_DIR: dataDir });
    expect(again.stdout).toContain('up to date');

    const created = await ville(
      ['create-user', '--email', 'Premiere@Example.org', '--name', 'Première', '--admin'],
      {
        DATA_DIR: dataDir,
      },
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created administrator premiere@example.org');
    expect(created.stdout).toMatch(/Password: \S{12,}/);

    const imported = await ville(
      [
        'import-areas',
        'resources/areas/paris_arrondissements.geojson',
        '--layer',
        'arrondissements',
        '--name',
        'Arrondissements',
        '--code-property',
        'c_ar',
        '--name-property',
        'l_aroff',
      ],
      { DATA_DIR: dataDir },
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('layer "arrondissements" has 20 area(s)');

    const bad = await ville(['create-user', '--email', 'nope', '--name', 'X', '--password', 'short'], {
      DATA_DIR: dataDir,
      LANG: 'en_GB.UTF-8',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('email: Enter a valid email address');
    expect(bad.stderr).toContain('password: The password must be at least 10 characters long.');
  }, 180_000);

  it('refuses to run on a data folder another process is using, with the lock message; the worker stops on SIGTERM', async () => {
    const dataDir = newDataDir();
    const worker = start(['worker'], { DATA_DIR: dataDir });
    let workerOut = '';
    worker.stdout?.on('data', (d) => {
      workerOut += d;
    });
    const exited = new Promise<number | null>((resolve) => worker.on('close', (code) => resolve(code)));
    const started = Date.now();
    while (!workerOut.includes('Worker started')) {
      if (Date.now() - started > 120_000) throw new Error(`worker did not start: ${workerOut}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const blocked = await ville(['create-user', '--email', 'a@example.org', '--name', 'A'], {
      DATA_DIR: dataDir,
    });
    expect(blocked.code).toBe(75);
    expect(blocked.stderr).toContain('is already used by another Ville Ouverte process');

    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(workerOut).toContain('Worker stopped.');
  }, 240_000);
});
