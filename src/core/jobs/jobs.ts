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

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}
