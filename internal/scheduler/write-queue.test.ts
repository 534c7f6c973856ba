import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteQueue } from './write-queue.ts';

/** A write that records its start and finishes when told. */
function gate(log: string[], name: string): { write: () => Promise<void>; finish: () => void } {
  let finish = (): void => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    write: async () => {
      log.push(name);
      await done;
    },
    finish: () => finish(),
  };
}

describe('write queue', () => {
  it('runs at most the given number of writes at once', async () => {
    const log: string[] = [];
    const queue = new WriteQueue(2, () => {});
    const writes = ['a', 'b', 'c'].map((name) => gate(log, name));
    writes.forEach((w, i) => queue.enqueue(`k${i}`, w.write));
    assert.deepEqual(log, ['a', 'b']);
    writes[0]?.finish();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ['a', 'b', 'c']);
    writes.forEach((w) => w.finish());
    await queue.idle();
    assert.equal(queue.size, 0);
  });

  it('keeps only the newest waiting write per key and never runs two of a key at once', async () => {
    const log: string[] = [];
    const queue = new WriteQueue(4, () => {});
    const first = gate(log, 'first');
    queue.enqueue('pod', first.write);
    queue.enqueue('pod', gate(log, 'stale').write);
    const newest = gate(log, 'newest');
    queue.enqueue('pod', newest.write);
    assert.deepEqual(log, ['first']);
    first.finish();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ['first', 'newest']);
    newest.finish();
    await queue.idle();
  });

  it('reports failures with their key and carries on', async () => {
    const failures: string[] = [];
    const queue = new WriteQueue(1, (key, error) => failures.push(`${key}: ${(error as Error).message}`));
    queue.enqueue('a', async () => {
      throw new Error('refused');
    });
    let ran = false;
    queue.enqueue('b', async () => {
      ran = true;
    });
    await queue.idle();
    assert.deepEqual(failures, ['a: refused']);
    assert.equal(ran, true);
  });
});
