/**
 * Writes the baskets of the fast path (forms that carry their revision) in batches
 * (`core/db/batcher.ts`): the baskets that arrive while earlier ones are being written go out
 * in one statement (`saveBaskets`). With a cast's lines, checks, register and audit rows, one
 * statement for many voters halves the database's work per ballot (measured with pgbench: 8
 * ballots a statement took 1.0 ms of CPU each, one alone 2.2 ms). Each basket keeps its own
 * answer: its new revision, or nothing when its ballot did not move (stale form, arrondissement
 * missing). When a statement fails (a basket broke a database rule, a deadlock between two
 * instances), nothing of it was written, and each of its baskets is written again on its own,
 * so that an error reaches only the basket that caused it.
 */
import { Batcher, fulfilled } from '../../../core/db/batcher.js';
import type { Db } from '../../../core/db/database.js';
import { type BasketWrite, saveBaskets } from './vote.store.js';

/**
 * Two statements in flight: batches grow while the database is busy (one in flight measured
 * as fast, but a statement waiting on a lock would then hold up every cast of the instance).
 */
const STATEMENTS_AT_ONCE = 2;
/** Baskets in one statement at most (20 lines each for a 20-project envelope). */
const BASKETS_PER_STATEMENT = 50;

export class BasketWriter {
  private readonly batcher: Batcher<BasketWrite, number | undefined>;
  /** Statements written so far (each batch, and each basket written again alone). */
  statements = 0;

  constructor(private readonly db: Db) {
    this.batcher = new Batcher((writes) => this.write(writes), {
      inFlight: STATEMENTS_AT_ONCE,
      maxBatch: BASKETS_PER_STATEMENT,
      exclusiveKey: (write) => write.ballotKey,
    });
  }

  /** The ballot's new revision, or undefined when it did not move. */
  save(write: BasketWrite): Promise<number | undefined> {
    return this.batcher.submit(write);
  }

  private async write(writes: BasketWrite[]): Promise<PromiseSettledResult<number | undefined>[]> {
    try {
      this.statements++;
      const saved = await saveBaskets(this.db, writes);
      return writes.map((w) => fulfilled(saved.get(w.ballotKey)));
    } catch (error) {
      if (writes.length === 1) throw error;
      const alone: PromiseSettledResult<number | undefined>[] = [];
      for (const write of writes) {
        try {
          this.statements++;
          alone.push(fulfilled((await saveBaskets(this.db, [write])).get(write.ballotKey)));
        } catch (reason) {
          alone.push({ status: 'rejected', reason });
        }
      }
      return alone;
    }
  }
}

const writers = new WeakMap<Db, BasketWriter>();

/** The writer of a database (one per connection pool: each app instance has its own). */
export function basketWriter(db: Db): BasketWriter {
  let writer = writers.get(db);
  if (!writer) {
    writer = new BasketWriter(db);
    writers.set(db, writer);
  }
  return writer;
}
