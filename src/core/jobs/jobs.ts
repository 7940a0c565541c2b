export interface JobOptions {
  /** How many times a failing job is tried again (default 3). */
  retryLimit?: number;
  /** Seconds before the first retry (default 30). */
  retryDelaySeconds?: number;
  /** Doubles the delay after each failure (default true). */
  retryBackoff?: boolean;
  /** Run no earlier than this. */
  startAfter?: Date;
  /** At most one queued job with this key at a time. */
  singletonKey?: string;
}

export type JobHandler<T = unknown> = (data: T) => Promise<void>;

/** Background work. The pg-boss implementation is used on both engines. */
export interface JobQueue {
  register<T>(name: string, handler: JobHandler<T>): void;
  send<T extends object>(name: string, data: T, options?: JobOptions): Promise<void>;
  /**
   * Asks for one run of a job without data within `withinMs`: the calls of a process in that
   * time make one job, and none is queued while one is waiting. For a sweep that many
   * requests need (the summaries of a thousand ballots confirmed in a second).
   */
  sendSoon(name: string, withinMs: number): Promise<void>;
  /** Starts working the registered queues (in the web process, or in `ville worker`). */
  start(options: { work: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** Runs each job at once, in process; for unit and http tests that do not test the queue itself. */
export class ImmediateJobQueue implements JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  readonly sent: { name: string; data: unknown }[] = [];

  register<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler);
  }

  async send<T extends object>(name: string, data: T): Promise<void> {
    this.sent.push({ name, data });
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`No handler for job ${name}`);
    await handler(data);
  }

  /** At once: a test reads the result of the sweep right after the request. */
  async sendSoon(name: string): Promise<void> {
    await this.send(name, {});
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}
