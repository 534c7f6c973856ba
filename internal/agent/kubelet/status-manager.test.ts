import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../client/fake-clock.ts';
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Logger } from '../../util/log.ts';
import { CachedLookup } from './object-cache.ts';
import { StatusManager } from './status-manager.ts';
import type { PodStatus } from './types.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));
const pod = (uid: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${uid}`, namespace: 'default', uid } });
const status = (restartCount: number): PodStatus => ({
  phase: 'Running', conditions: [], containerStatuses: [{ name: 'c', state: {}, lastState: {}, ready: true, restartCount, image: 'i', imageID: '' }],
});

function logger(lines: string[]): Logger {
  const log: Logger = {
    error: (m) => void lines.push(`error ${m}`), warn: (m) => void lines.push(`warn ${m}`), info: (m) => void lines.push(`info ${m}`), debug: () => undefined, with: () => log,
  };
  return log;
}

describe('status manager', () => {
  it('writes only the newest status of a pod', async () => {
    const written: number[] = [];
    const manager = new StatusManager({ write: async (_pod, s) => (written.push(s.containerStatuses[0]?.restartCount ?? -1), 'written') });
    manager.set(pod('a'), status(1));
    manager.set(pod('a'), status(2));
    const stop = new AbortController();
    const running = manager.run(stop.signal);
    await settle();
    assert.deepEqual(written, [2]);
    assert.equal(manager.pending, 0);
    manager.set(pod('a'), status(3));
    await settle();
    assert.deepEqual(written, [2, 3]);
    stop.abort();
    await running;
  });

  it('keeps a status the server did not take and retries it with a growing, capped delay, logging once', async () => {
    const clock = new FakeClock(0);
    const lines: string[] = [];
    let up = false;
    const attempts: number[] = [];
    const manager = new StatusManager({
      clock, log: logger(lines), initialRetryMs: 1000, maxRetryMs: 4000,
      write: async () => {
        attempts.push(clock.now());
        if (!up) throw new Error('connect ECONNREFUSED');
        return 'written';
      },
    });
    const stop = new AbortController();
    const running = manager.run(stop.signal);
    manager.set(pod('a'), status(1));
    for (let ms = 0; ms < 15_000; ms += 500) {
      await settle();
      clock.advance(500);
    }
    await settle();
    assert.deepEqual(attempts, [0, 1000, 3000, 7000, 11_000, 15_000]);
    assert.equal(manager.pending, 1);
    manager.set(pod('a'), status(4));
    up = true;
    for (let ms = 0; ms < 5_000; ms += 500) {
      await settle();
      clock.advance(500);
    }
    await settle();
    assert.equal(manager.pending, 0);
    assert.deepEqual(lines, ['warn pod status update failed; retrying', 'info pod status updates resumed']);
    stop.abort();
    await running;
  });

  it('drops a pod that is gone, and forgets one on request', async () => {
    let calls = 0;
    const manager = new StatusManager({ write: async () => (calls++, 'gone') });
    const stop = new AbortController();
    const running = manager.run(stop.signal);
    manager.set(pod('a'), status(1));
    await settle();
    assert.equal(manager.pending, 0);
    assert.equal(calls, 1);
    stop.abort();
    await running;
    manager.set(pod('b'), status(1));
    manager.forget('b');
    assert.equal(manager.pending, 0);
  });
});

describe('cached object lookup', () => {
  it('asks the server again only after the TTL, and answers with the last copy while it cannot be reached', async () => {
    const clock = new FakeClock(0);
    let reads = 0;
    let down = false;
    const lookup = new CachedLookup({
      clock, ttlMs: 5000,
      fetch: async (kind, namespace, name) => {
        reads++;
        if (down) throw new Error('connect ECONNREFUSED');
        return { apiVersion: 'v1', kind, metadata: { namespace, name }, data: { n: String(reads) } };
      },
    });
    assert.deepEqual((await lookup.configMap('ns', 'cfg'))?.data, { n: '1' });
    clock.advance(4000);
    assert.deepEqual((await lookup.configMap('ns', 'cfg'))?.data, { n: '1' });
    assert.equal(reads, 1);
    clock.advance(2000);
    assert.deepEqual((await lookup.configMap('ns', 'cfg'))?.data, { n: '2' });
    down = true;
    clock.advance(60_000);
    assert.deepEqual((await lookup.configMap('ns', 'cfg'))?.data, { n: '2' }, 'the last copy');
    await assert.rejects(lookup.secret('ns', 'never-read'), /ECONNREFUSED/);
  });

  it('drops entries unused for keepMs', async () => {
    const clock = new FakeClock(0);
    const lookup = new CachedLookup({ clock, keepMs: 10_000, fetch: async () => null });
    for (let n = 0; n < 20; n++) await lookup.secret('ns', `s${n}`);
    clock.advance(11_000);
    await lookup.secret('ns', 'fresh');
    assert.equal(lookup.size, 1);
  });
});
