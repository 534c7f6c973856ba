import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../test/support/poll.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import { ApiStatusError } from './errors.ts';
import { FakeClock } from './fake-clock.ts';
import { Informer } from './informer.ts';
import type { KubeList, ResourceClient, WatchOptions } from './resource.ts';
import type { WatchEvent } from './watch-stream.ts';

/** A scripted server: each list and watch call takes the next answer from its script. */
function scripted(lists: Array<KubeList | Error>, watches: Array<Array<WatchEvent> | Error>) {
  const calls: string[] = [];
  const resource = {
    spec: { group: '', version: 'v1', plural: 'pods', namespaced: true },
    list: async () => {
      calls.push('list');
      const next = lists.shift() ?? new Error('no more lists scripted');
      if (next instanceof Error) throw next;
      return next;
    },
    watch: async function* (_ns: string | null, options: WatchOptions) {
      calls.push(`watch@${options.resourceVersion}`);
      const next = watches.shift();
      if (next === undefined) {
        // Park like an idle watch until the informer stops.
        await new Promise((resolve) => options.signal?.addEventListener('abort', resolve, { once: true }));
        return;
      }
      if (next instanceof Error) throw next;
      yield* next;
    },
  };
  return { calls, resource: resource as unknown as ResourceClient };
}

const pod = (name: string, rv: string): KubeObject => ({ metadata: { namespace: 'ns', name, resourceVersion: rv } });
const list = (rv: string, ...items: KubeObject[]): KubeList => ({ metadata: { resourceVersion: rv }, items });
const status = (code: number, reason: string) => ({ kind: 'Status', code, reason, message: reason });
const errorEvent = (code: number, reason: string): WatchEvent => ({ type: 'ERROR', object: status(code, reason), error: new ApiStatusError(status(code, reason)) });

describe('Informer retries', () => {
  it('backs off after a failed list and a non-410 watch error, then rewatches from the same revision', async () => {
    const clock = new FakeClock();
    const { calls, resource } = scripted(
      [new Error('connection refused'), list('5', pod('a', '5'))],
      [
        [{ type: 'ADDED', object: pod('b', '7') }, errorEvent(500, 'InternalError')],
        [{ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } }],
        [],
      ],
    );
    const errors: unknown[] = [];
    const informer = new Informer(resource, { clock, onError: (e) => errors.push(e), backoff: { jitter: 0 } });
    const abort = new AbortController();
    const running = informer.run(abort.signal);
    await eventually('the first backoff', () => clock.pendingTimers() === 1);
    clock.advance(799);
    assert.deepEqual(calls, ['list']);
    clock.advance(1);
    await eventually('the watch error backoff', () => clock.pendingTimers() === 1 && calls.length === 3);
    assert.deepEqual(calls, ['list', 'list', 'watch@5']);
    assert.equal(informer.lastSyncResourceVersion(), '7');
    assert.equal((errors[1] as ApiStatusError).code, 500);
    clock.advance(800);
    await eventually('the rewatches', () => calls.length === 5 && clock.pendingTimers() === 1);
    assert.deepEqual(calls.slice(3), ['watch@7', 'watch@9'], 'a bookmark moves the resume point');
    clock.advance(799);
    assert.equal(calls.length, 5, 'a watch that ends at once with no event is retried only after a backoff');
    clock.advance(1);
    await eventually('the watch after the backoff', () => calls.length === 6);
    assert.deepEqual(informer.store.keys().sort(), ['ns/a', 'ns/b']);
    abort.abort();
    await running;
  });

  it('relists on a 410 error event at once and synthesizes the difference; a throwing handler does not stop it', async () => {
    const clock = new FakeClock();
    const { calls, resource } = scripted(
      [list('5', pod('keep', '3'), pod('change', '4'), pod('gone', '5')), list('20', pod('keep', '3'), pod('change', '12'), pod('new', '15'))],
      [[errorEvent(410, 'Expired')]],
    );
    const errors: unknown[] = [];
    const informer = new Informer(resource, { clock, onError: (e) => errors.push(e) });
    const seen: string[] = [];
    informer.addHandlers({
      onAdd: (o) => {
        seen.push(`add ${o.metadata.name}`);
        if (o.metadata.name === 'keep') throw new Error('handler bug');
      },
      onUpdate: (old, o) => seen.push(`update ${o.metadata.name} ${old.metadata.resourceVersion}>${o.metadata.resourceVersion}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    const abort = new AbortController();
    const running = informer.run(abort.signal);
    await eventually('the relist', () => informer.listCount === 2 && informer.lastSyncResourceVersion() === '20');
    assert.deepEqual(calls.slice(0, 3), ['list', 'watch@5', 'list']);
    assert.deepEqual(seen.slice(3), ['update change 4>12', 'add new', 'delete gone']);
    assert.deepEqual(informer.store.keys().sort(), ['ns/change', 'ns/keep', 'ns/new']);
    assert.match(String(errors[0]), /handler bug/);
    assert.equal(clock.pendingTimers(), 0, 'no backoff before the relist');
    abort.abort();
    await running;
  });
});
