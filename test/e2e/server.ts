/**
 * The real server as a child process (`node --import tsx src/main.ts`) on a fresh data folder
 * and database: PostgreSQL when TEST_DATABASE_URL is set (a new database, dropped after), the
 * embedded PGlite otherwise. Used by the browser tier and the cross-cutting tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const projectRoot = path.resolve(import.meta.dirname, '../..');

// ---------------------------------------------------------------------------------------
// Ports and databases

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1' }, () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port: the first free one of E2E_PORTS (a range like `3205-3215`) when set,
 * otherwise one the system picks.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.E2E_PORTS ?? '');
  if (range) {
    for (let port = Number(range[1]); port <= Number(range[2]); port++) {
      if (await portIsFree(port)) return port;
    }
  }
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new, empty PostgreSQL database on the TEST_DATABASE_URL server, and how to drop it. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `vo_e2e_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(base, name),
    async drop() {
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

// ---------------------------------------------------------------------------------------
// The server as a child process

export interface ServerProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, wait for the exit, then remove the data folder and the database. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** Seed and show the Paris demo (default true). */
  demo?: boolean;
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /** Reuse a data folder (e.g. to test the lock); otherwise a fresh temporary one. */
  dataDir?: string;
  /** Do not wait for /ready (for processes expected to stop at once). */
  waitReady?: boolean;
  readyTimeoutMs?: number;
  /** Use PostgreSQL when TEST_DATABASE_URL is set (default true). */
  postgres?: boolean;
}

/** Servers still running when the test process ends are killed, never left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Environment for a child server, without what the parent's test run may have set. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'PORT',
    'HOST',
    'PUBLIC_URL',
    'DATABASE_URL',
    'DATA_DIR',
    'SESSION_SECRET',
    'SMTP_URL',
    'MAIL_FROM',
    'DEMO',
    'TRUST_PROXY',
    'JOBS_IN',
    'LOG_LEVEL',
    'MODULES',
    'CITY_FILE',
    'ALLOW_UNSAFE_PRODUCTION',
    'VITEST',
    'VITEST_POOL_ID',
    'VITEST_WORKER_ID',
  ]) {
    delete env[name];
  }
  env.NODE_ENV = 'development';
  return env;
}

/** Starts `node --import tsx src/main.ts` and waits until /ready answers 200. */
export async function startServer(options: StartOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'vo-e2e-'));
  const ownDataDir = !options.dataDir;
  const database =
    options.postgres !== false && process.env.TEST_DATABASE_URL ? await createEmptyPostgresDatabase() : null;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    DEMO: options.demo === false ? 'false' : 'true',
    LOG_LEVEL: 'info',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let exitSignal: string | null = null;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitSignal = signal;
      resolve(code);
    });
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });

  const url = `http://127.0.0.1:${port}`;
  const cleanup = async () => {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  };
  const server: ServerProcess = {
    url,
    port,
    dataDir,
    child,
    output: () => output,
    exited,
    async stop() {
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      await cleanup();
      return exitCode ?? null;
    },
  };
  if (options.waitReady === false) return server;

  // Below Vitest's hook timeout, so that a server that never gets ready is stopped here
  // and its output shown, rather than left running by a timed-out beforeAll.
  const deadline = Date.now() + (options.readyTimeoutMs ?? 50_000);
  let lastAnswer = 'no answer';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      await cleanup();
      throw new Error(
        `The server stopped (exit ${exitCode}${exitSignal ? `, signal ${exitSignal}` : ''}) before it was ready:\n${output}`,
      );
    }
    try {
      const response = await fetch(`${url}/ready`);
      if (response.status === 200) return server;
      lastAnswer = `${response.status} ${(await response.text()).slice(0, 300)}`;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`The server was not ready in time (last /ready: ${lastAnswer}):\n${output.slice(-4000)}`);
}
