import { describe, expect, it } from 'vitest';
import { Batcher, fulfilled } from '../batcher.js';

/** A batch runner the test finishes by hand, recording what each batch held. */
function gatedRunner() {
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  const run = async (items: string[]) => {
    batches.push(items);
    await new Promise<void>((open) => gates.push(open));
    return items.map((item) =>
      item.startsWith('bad')
        ? ({ status: 'rejected', reason: new Error(`refused ${item}`) } as const)
        : fulfilled(item.toUpperCase()),
    );
  };
  const openNext = async () => {
    while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
    gates.shift()!();
  };
  return { batches, run, openNext };
}

describe('Batcher', () => {
  it('sends the items of one turn together, and those that arrive while busy in the next batch', async () => {
    const runner = gatedRunner();
    const batcher = new Batcher(runner.run, { inFlight: 1, maxBatch: 10 });
    const first = ['a', 'b'].map((x) => batcher.submit(x));
    await new Promise((r) => setTimeout(r, 5));
    const later = ['c', 'd', 'e'].map((x) => batcher.submit(x));
    await runner.openNext();
    expect(await Promise.all(first)).toEqual(['A', 'B']);
    await runner.openNext();
    expect(await Promise.all(later)).toEqual(['C', 'D', 'E']);
    expect(runner.batches).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    expect(batcher.batches).toBe(2);
  });

  it('keeps to its batches in flight and its batch size', async () => {
    const runner = gatedRunner();
    const batcher = new Batcher(runner.run, { inFlight: 2, maxBatch: 2 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((x) => batcher.submit(x));
    await new Promise((r) => setTimeout(r, 5));
    expect(runner.batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    for (let i = 0; i < 3; i++) await runner.openNext();
    expect(await Promise.all(all)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(runner.batches.at(-1)).toEqual(['e']);
  });

  it('never puts two items with the same key in one batch or side by side', async () => {
    const runner = gatedRunner();
    const batcher = new Batcher(runner.run, { inFlight: 2, maxBatch: 10, exclusiveKey: (x) => x[0]! });
    const all = ['a1', 'b1', 'a2', 'c1'].map((x) => batcher.submit(x));
    await new Promise((r) => setTimeout(r, 5));
    // a2 waits for a1's batch to end, though a second batch could run.
    expect(runner.batches).toEqual([['a1', 'b1', 'c1']]);
    await runner.openNext();
    await runner.openNext();
    expect(await Promise.all(all)).toEqual(['A1', 'B1', 'A2', 'C1']);
    expect(runner.batches).toEqual([['a1', 'b1', 'c1'], ['a2']]);
  });

  it('gives each item its own refusal, and a failed batch to each of its items', async () => {
    const runner = gatedRunner();
    const batcher = new Batcher(runner.run, { inFlight: 1, maxBatch: 10 });
    const results = Promise.allSettled(['ok', 'bad'].map((x) => batcher.submit(x)));
    await runner.openNext();
    const [ok, bad] = await results;
    expect(ok).toEqual({ status: 'fulfilled', value: 'OK' });
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/refused bad/);

    let calls = 0;
    const failing = new Batcher<string, string>(
      async (items) => {
        if (calls++ === 0) throw new Error('connection lost');
        return items.map((i) => fulfilled(i));
      },
      { inFlight: 1, maxBatch: 10 },
    );
    const both = await Promise.allSettled(['x', 'y'].map((x) => failing.submit(x)));
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    // It goes on after a failure.
    expect(await failing.submit('z')).toBe('z');
  });
});
