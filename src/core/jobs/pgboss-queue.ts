import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { JobHandler, JobOptions, JobQueue } from './jobs.js';

export interface PgBossQueueOptions {
  /** How often an idle worker asks for new jobs (pg-boss allows 0.5 s at least). */
  pollingIntervalSeconds?: number;
  /** Called when a job fails or pg-boss reports an error; the web process logs it. */
  onError?: (error: unknown) => void;
}

/**
 * Background jobs in PostgreSQL through pg-boss 10, on both engines: pg-boss runs its SQL
 * through `database.executor`, so on PGlite it takes turns with Kysely on the one session,
 * and on PostgreSQL it shares our pool. Its tables live in the `pgboss` schema, which it
 * creates and upgrades itself on start.
 *
 * Settings: maintenance (`supervise`: expiring, archiving and deleting old jobs) runs only
 * in a process that works jobs (the web process by default, or `ville worker`), so N web
 * instances with JOBS_IN=none do not all do it. Cron scheduling (`schedule`) is off: we
 * schedule nothing yet, and its clock-skew monitor would poll for nothing (on PGlite each
 * poll blocks the event loop). Queue state monitoring is off for the same reason.
 */
export class PgBossJobQueue implements JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly createdQueues = new Set<string>();
  private starting: Promise<PgBoss> | null = null;
  private working = false;
  /** Jobs asked for with sendSoon, sent when their timer fires. */
  private readonly soon = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly database: Database,
    private readonly options: PgBossQueueOptions = {},
  ) {}

  register<T>(name: string, handler: JobHandler<T>): void {
    if (this.handlers.has(name)) throw new Error(`Job ${name} is registered twice`);
    this.handlers.set(name, handler as JobHandler);
  }

  async send<T extends object>(name: string, data: T, options: JobOptions = {}): Promise<void> {
    // A process that only sends (a web instance with JOBS_IN=none, the CLI) starts the
    // boss on first use, without workers.
    const boss = await this.ensureStarted(false);
    await this.ensureQueue(boss, name);
    // pg-boss 10 honours singletonKey only for special queue policies; for our standard
    // queues we skip the send while a job with that key is still waiting or running.
    if (options.singletonKey && (await this.hasPending(name, options.singletonKey))) return;
    await boss.send(name, data, {
      retryLimit: options.retryLimit ?? 3,
      retryDelay: options.retryDelaySeconds ?? 30,
      retryBackoff: options.retryBackoff ?? true,
      startAfter: options.startAfter,
      singletonKey: options.singletonKey,
    });
  }

  sendSoon(name: string, withinMs: number): Promise<void> {
    if (this.soon.has(name)) return Promise.resolve();
    const timer = setTimeout(() => {
      this.soon.delete(name);
      this.send(name, {}, { singletonKey: name, retryLimit: 1 }).catch((error) =>
        this.options.onError?.(error),
      );
    }, withinMs);
    timer.unref();
    this.soon.set(name, timer);
    return Promise.resolve();
  }

  async start(options: { work: boolean }): Promise<void> {
    const boss = await this.ensureStarted(options.work);
    for (const name of this.handlers.keys()) await this.ensureQueue(boss, name);
    if (!options.work || this.working) return;
    this.working = true;
    for (const [name, handler] of this.handlers) {
      await boss.work<object>(
        name,
        { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
        async ([job]) => {
          if (job) await handler(job.data);
        },
      );
    }
  }

  /** Lets running jobs finish (up to 10 s), then stops polling. The database stays open. */
  async stop(): Promise<void> {
    // Requests not sent yet are dropped: their sweeps also run on a schedule.
    for (const timer of this.soon.values()) clearTimeout(timer);
    this.soon.clear();
    const starting = this.starting;
    if (!starting) return;
    const boss = await starting.catch(() => null);
    this.starting = null;
    this.working = false;
    this.createdQueues.clear();
    if (boss) await boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
  }

  private ensureStarted(work: boolean): Promise<PgBoss> {
    if (this.starting) return this.starting;
    const boss = new PgBoss({
      db: this.database.executor,
      supervise: work,
      schedule: false,
      migrate: true,
    });
    boss.on('error', (error) => this.options.onError?.(error));
    this.starting = boss.start().then(
      () => boss,
      (error) => {
        this.starting = null;
        throw error;
      },
    );
    return this.starting;
  }

  private async hasPending(name: string, singletonKey: string): Promise<boolean> {
    const { rows } = await this.database.executor.executeSql(
      "select 1 from pgboss.job where name = $1 and singleton_key = $2 and state in ('created', 'retry', 'active') limit 1",
      [name, singletonKey],
    );
    return rows.length > 0;
  }

  private async ensureQueue(boss: PgBoss, name: string): Promise<void> {
    if (this.createdQueues.has(name)) return;
    // pg-boss 10 stores each queue in its own partition, created once; idempotent.
    await boss.createQueue(name);
    this.createdQueues.add(name);
  }
}

export function isPgBossQueue(queue: JobQueue): queue is PgBossJobQueue {
  return queue instanceof PgBossJobQueue;
}
