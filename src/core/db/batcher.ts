/**
 * Hands work to the database in batches, like a database's group commit: the items that arrive
 * while earlier batches are in flight go out together, in one statement. Alone, an item goes
 * out at once (after the current turn of the event loop, so that items handed over in the same
 * turn share a batch). On a busy day one statement, one round trip and one commit serve many
 * requests, which is most of the cost of small statements.
 */
export interface BatcherOptions<T> {
  /** Batches in flight at once. */
  inFlight: number;
  /** Items in one batch at most. */
  maxBatch: number;
  /**
   * Items with the same key never share a batch, nor run beside each other: the second waits
   * for the batch of the first (two saves of the same ballot, one after the other).
   */
  exclusiveKey?: (item: T) => string;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class Batcher<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  private readonly inFlightKeys = new Set<string>();
  private running = 0;
  private pumpQueued = false;
  /** Batches run so far. */
  batches = 0;

  /**
   * `run` answers each item of a batch, in order: a value, or an error for that item alone.
   * When it throws, every item of the batch gets that error.
   */
  constructor(
    private readonly run: (items: T[]) => Promise<PromiseSettledResult<R>[]>,
    private readonly options: BatcherOptions<T>,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.pumpQueued) {
        this.pumpQueued = true;
        queueMicrotask(() => {
          this.pumpQueued = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.running < this.options.inFlight) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.running++;
      this.batches++;
      void this.settle(batch).finally(() => {
        this.running--;
        if (this.options.exclusiveKey)
          for (const w of batch) this.inFlightKeys.delete(this.options.exclusiveKey(w.item));
        this.pump();
      });
    }
  }

  /** The oldest waiting items, none of whose keys is in this batch or in flight. */
  private take(): Waiting<T, R>[] {
    const keyOf = this.options.exclusiveKey;
    if (!keyOf) return this.waiting.splice(0, this.options.maxBatch);
    const batch: Waiting<T, R>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.waiting.length && batch.length < this.options.maxBatch; ) {
      const waiting = this.waiting[i]!;
      const key = keyOf(waiting.item);
      if (this.inFlightKeys.has(key) || keys.has(key)) {
        i++;
        continue;
      }
      keys.add(key);
      batch.push(waiting);
      this.waiting.splice(i, 1);
    }
    for (const key of keys) this.inFlightKeys.add(key);
    return batch;
  }

  private async settle(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const result = results[i];
        if (result?.status === 'fulfilled') w.resolve(result.value);
        else w.reject(result ? result.reason : new Error('batcher: no result for an item'));
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}

export function fulfilled<R>(value: R): PromiseFulfilledResult<R> {
  return { status: 'fulfilled', value };
}
