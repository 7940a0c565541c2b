/**
 * What every benchmark shares: a closed-loop load with its percentiles, the server as a child
 * process (production mode, no job worker), and its memory read from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function log(message: string) {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** A bounded closed-loop load: `concurrency` workers, at most `count` operations and `seconds`. */
export async function load(options: {
  concurrency: number;
  count: number;
  seconds: number;
  run: (i: number) => Promise<string | number>;
  /** Log the rate every 15 s (long phases). */
  progress?: boolean;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let issued = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let lastReport = started;
  const worker = async () => {
    while (issued < options.count && performance.now() < deadline) {
      const i = issued++;
      const t0 = performance.now();
      let status: string;
      try {
        status = String(await options.run(i));
      } catch (error) {
        status = `error:${(error as Error).message.slice(0, 60)}`;
      }
      const t1 = performance.now();
      latencies.push(t1 - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (options.progress && t1 - lastReport > 15_000) {
        lastReport = t1;
        log(
          `  … ${latencies.length.toLocaleString('en')} done, ${round(latencies.length / ((t1 - started) / 1000))}/s`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds: round(seconds, 2),
    perSecond: round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? Number.NaN),
    statuses,
  };
}

/**
 * The server as a child process in production mode, without a job worker (the server under
 * test only answers requests), ready when /ready says so. `env` adds to or overrides the
 * defaults. BENCH_SERVER_ARGS: extra node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
export async function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const extra = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ALLOW_UNSAFE_PRODUCTION: 'true',
      DEMO: 'false',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      JOBS_IN: 'none',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output = (output + d).slice(-4000);
  });
  child.stderr?.on('data', (d) => {
    output = (output + d).slice(-4000);
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready after 180 s:\n${output}`);
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Peak (VmHWM) and current (VmRSS) resident memory of a process, in MiB. */
export function memoryOf(pid: number): { peakMiB: number; currentMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peakMiB: round(kb('VmHWM') / 1024), currentMiB: round(kb('VmRSS') / 1024) };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** CPU seconds used so far (user + system, from /proc) by the server, PostgreSQL and this process. */
export interface CpuSample {
  server: number;
  database: number;
  client: number;
}

const TICKS_PER_SECOND = 100;

function cpuSecondsOfStat(stat: string): number {
  // Fields after the command name (which may hold spaces): utime is the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** PostgreSQL's processes on this machine (the benchmark's database server is local). */
function databaseCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) total += cpuSecondsOfStat(stat);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** `serverPid` undefined: no server in this phase (a raw baseline). */
export function cpuSample(serverPid?: number): CpuSample {
  const own = process.cpuUsage();
  return {
    server: serverPid === undefined ? 0 : cpuSecondsOfStat(readFileSync(`/proc/${serverPid}/stat`, 'utf8')),
    database: databaseCpuSeconds(),
    client: (own.user + own.system) / 1e6,
  };
}

/**
 * Milliseconds of CPU each operation cost, per party, between two samples, and the rate the
 * machine's cores could reach if nothing else ran on them.
 */
export function cpuPerOperation(before: CpuSample, after: CpuSample, operations: number) {
  const ms = (k: keyof CpuSample) => round(((after[k] - before[k]) * 1000) / Math.max(1, operations), 2);
  const server = ms('server');
  const database = ms('database');
  const client = ms('client');
  const total = round(server + database + client, 2);
  return { server, database, client, total, ceilingPerSecond: Math.round((os.cpus().length * 1000) / total) };
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * One HTTP request over kept-alive connections, the body read whole. Lighter than fetch
 * (no WHATWG streams): the load generator shares the machine with the server it measures.
 */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const request = http.request(
      url,
      { method: options.method ?? 'GET', headers, agent: keepAlive },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
