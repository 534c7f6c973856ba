/**
 * The case suite every datastore Backend must pass: the single-node store runs it
 * in mvcc/store.test.ts, the Raft-replicated store runs the very same cases.
 * Importing this file declares no tests by itself.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { eventually } from '../../test/support/poll.ts';
import { tempDir } from '../../test/support/tmp.ts';
import { CompactedError, FutureRevisionError, KeyExistsError, LeaseNotFoundError } from './errors.ts';
import type { Backend, WatchEvent, Watcher } from './types.ts';

export interface BackendFactoryOptions {
  /** Directory for the backend's files; the same directory reopens the same data. */
  dir: string;
  /** The wall clock the backend must use for leases. */
  now: () => number;
}

/** Opens a backend; it must check for expired leases often (every few ms). */
export type BackendFactory = (options: BackendFactoryOptions) => Promise<Backend>;

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const str = (value: Uint8Array | undefined): string => new TextDecoder().decode(value);

/** Reads from a watcher until `count` events arrived (or fails after a deadline). */
async function take(watcher: Watcher, count: number, timeoutMs = 5000): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const iterator = watcher[Symbol.asyncIterator]();
  const deadline = setTimeout(() => watcher.cancel(), timeoutMs);
  try {
    while (events.length < count) {
      const next = await iterator.next();
      if (next.done) break;
      events.push(...next.value);
    }
  } finally {
    clearTimeout(deadline);
  }
  assert.equal(events.length, count, `expected ${count} events, got ${events.length}`);
  return events;
}

function summary(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}=${str(e.kv.value)} prev=${e.prevKv ? str(e.prevKv.value) : '-'}`);
}

export function runBackendCases(name: string, factory: BackendFactory): void {
  describe(`${name} backend`, () => {
    let clock = 1_700_000_000_000;
    async function open(t: TestContext, dir = tempDir(t)): Promise<Backend> {
      const backend = await factory({ dir, now: () => clock });
      t.after(() => backend.close());
      return backend;
    }

    it('creates a key and reads it back with its revisions and version', async (t) => {
      const store = await open(t);
      const before = await store.currentRevision();
      const revision = await store.create('/registry/pods/a', text('one'));
      assert.equal(revision, before + 1);
      const { kv } = await store.get('/registry/pods/a');
      assert.ok(kv);
      assert.equal(str(kv.value), 'one');
      assert.equal(kv.createRevision, revision);
      assert.equal(kv.modRevision, revision);
      assert.equal(kv.version, 1);
      assert.equal(await store.currentRevision(), revision);
    });

    it('refuses to create a key that exists, without using a revision', async (t) => {
      const store = await open(t);
      await store.create('/k', text('1'));
      const head = await store.currentRevision();
      await assert.rejects(store.create('/k', text('2')), KeyExistsError);
      assert.equal(await store.currentRevision(), head);
      assert.equal(str((await store.get('/k')).kv?.value), '1');
    });

    it('updates only when the expected mod revision matches (compare-and-swap)', async (t) => {
      const store = await open(t);
      const created = await store.create('/k', text('1'));
      const updated = await store.update('/k', text('2'), created);
      assert.equal(updated.succeeded, true);
      assert.equal(updated.kv?.version, 2);
      assert.equal(updated.kv?.createRevision, created);
      assert.equal(updated.kv?.modRevision, updated.revision);
      const stale = await store.update('/k', text('3'), created);
      assert.equal(stale.succeeded, false);
      assert.equal(str(stale.kv?.value), '2');
      assert.equal(stale.kv?.modRevision, updated.revision);
      assert.equal(str((await store.get('/k')).kv?.value), '2');
    });

    it('an update of a missing key fails and reports it missing', async (t) => {
      const store = await open(t);
      const result = await store.update('/missing', text('x'), 5);
      assert.equal(result.succeeded, false);
      assert.equal(result.kv, null);
    });

    it('deletes with compare-and-swap and keeps the old value readable at its revision', async (t) => {
      const store = await open(t);
      const created = await store.create('/k', text('v'));
      const stale = await store.delete('/k', created + 100);
      assert.equal(stale.succeeded, false);
      assert.equal(str(stale.kv?.value), 'v');
      const deleted = await store.delete('/k', created);
      assert.equal(deleted.succeeded, true);
      assert.equal(str(deleted.kv?.value), 'v');
      assert.equal(deleted.revision, created + 1);
      assert.equal((await store.get('/k')).kv, null);
      assert.equal(str((await store.get('/k', { revision: created })).kv?.value), 'v');
      const again = await store.delete('/k');
      assert.equal(again.succeeded, false);
      assert.equal(again.kv, null);
    });

    it('a key created again after a delete starts a new incarnation', async (t) => {
      const store = await open(t);
      await store.create('/k', text('a'));
      await store.delete('/k');
      const recreated = await store.create('/k', text('b'));
      const { kv } = await store.get('/k');
      assert.equal(kv?.createRevision, recreated);
      assert.equal(kv?.version, 1);
    });

    it('reads at a past revision and refuses a future one', async (t) => {
      const store = await open(t);
      await store.create('/first', text('0'));
      const r1 = await store.create('/k', text('1'));
      const r2 = (await store.update('/k', text('2'), r1)).revision;
      await store.update('/k', text('3'), r2);
      assert.equal(str((await store.get('/k', { revision: r1 })).kv?.value), '1');
      assert.equal(str((await store.get('/k', { revision: r2 })).kv?.value), '2');
      assert.equal((await store.get('/k', { revision: r1 - 1 })).kv, null);
      const head = await store.currentRevision();
      await assert.rejects(store.get('/k', { revision: head + 1 }), FutureRevisionError);
    });

    it('ranges over a prefix in key order, with limit, pagination and count', async (t) => {
      const store = await open(t);
      for (const name of ['c', 'a', 'e', 'b', 'd']) await store.create(`/pods/ns/${name}`, text(name));
      await store.create('/pods/nsx/z', text('other namespace'));
      await store.create('/pods0', text('not under the prefix'));
      const all = await store.range({ prefix: '/pods/ns/' });
      assert.deepEqual(all.kvs.map((kv) => kv.key), ['a', 'b', 'c', 'd', 'e'].map((n) => `/pods/ns/${n}`));
      assert.equal(all.more, false);
      assert.equal(all.count, 5);
      const page1 = await store.range({ prefix: '/pods/ns/', limit: 2 });
      assert.deepEqual(page1.kvs.map((kv) => str(kv.value)), ['a', 'b']);
      assert.equal(page1.more, true);
      assert.equal(page1.count, 5);
      const page2 = await store.range({ prefix: '/pods/ns/', limit: 2, startAfter: '/pods/ns/b', revision: page1.revision });
      assert.deepEqual(page2.kvs.map((kv) => str(kv.value)), ['c', 'd']);
      assert.equal(page2.count, 3);
      const page3 = await store.range({ prefix: '/pods/ns/', limit: 2, startAfter: '/pods/ns/d', revision: page1.revision });
      assert.deepEqual(page3.kvs.map((kv) => str(kv.value)), ['e']);
      assert.equal(page3.more, false);
      const counted = await store.range({ prefix: '/pods/', countOnly: true });
      assert.equal(counted.count, 6);
      assert.equal(counted.kvs.length, 0);
      const everything = await store.range({ prefix: '' });
      assert.equal(everything.count, 7);
    });

    it('ranges at a past revision see the keys as they were', async (t) => {
      const store = await open(t);
      const r1 = await store.create('/x/1', text('1'));
      await store.create('/x/2', text('2'));
      await store.delete('/x/1');
      await store.update('/x/2', text('2b'), r1 + 1);
      const then = await store.range({ prefix: '/x/', revision: r1 + 1 });
      assert.deepEqual(then.kvs.map((kv) => `${kv.key}=${str(kv.value)}`), ['/x/1=1', '/x/2=2']);
      const now = await store.range({ prefix: '/x/' });
      assert.deepEqual(now.kvs.map((kv) => `${kv.key}=${str(kv.value)}`), ['/x/2=2b']);
    });

    it('handles keys beyond ASCII and prefixes ending in 0xff-like characters', async (t) => {
      const store = await open(t);
      await store.create('/ü/1', text('u'));
      await store.create('/ü/2', text('u'));
      await store.create('/üx', text('not in /ü/'));
      const result = await store.range({ prefix: '/ü/' });
      assert.deepEqual(result.kvs.map((kv) => kv.key), ['/ü/1', '/ü/2']);
    });

    it('a txn applies then-ops when every compare holds and else-ops otherwise', async (t) => {
      const store = await open(t);
      const r = await store.create('/a', text('A'));
      const yes = await store.txn({
        compare: [
          { key: '/a', target: 'value', result: '=', value: text('A') },
          { key: '/a', target: 'version', result: '=', value: 1 },
          { key: '/a', target: 'create', result: '=', value: r },
          { key: '/b', target: 'mod', result: '=', value: 0 },
        ],
        success: [
          { type: 'put', key: '/b', value: text('B') },
          { type: 'put', key: '/c', value: text('C') },
          { type: 'get', key: '/a' },
        ],
        failure: [],
      });
      assert.equal(yes.succeeded, true);
      assert.deepEqual(
        yes.results.map((res) => (res.type === 'put' ? res.revision : res.type)),
        [r + 1, r + 2, 'get'],
      );
      assert.equal(yes.revision, r + 2);
      const no = await store.txn({
        compare: [{ key: '/a', target: 'value', result: '!=', value: text('A') }],
        success: [{ type: 'delete', key: '/a' }],
        failure: [{ type: 'get', key: '/b' }],
      });
      assert.equal(no.succeeded, false);
      const got = no.results[0];
      assert.equal(got?.type === 'get' ? str(got.kv?.value) : null, 'B');
      assert.equal(no.revision, r + 2);
      const greater = await store.txn({
        compare: [{ key: '/a', target: 'mod', result: '<', value: r + 1 }, { key: '/c', target: 'mod', result: '>', value: r }],
        success: [{ type: 'delete', key: '/', prefix: true }],
        failure: [],
      });
      assert.equal(greater.succeeded, true);
      const del = greater.results[0];
      assert.deepEqual(del?.type === 'delete' ? del.deleted.map((kv) => kv.key) : null, ['/a', '/b', '/c']);
      assert.equal((await store.range({ prefix: '/' })).count, 0);
    });

    it('each op of a txn on one key sees the writes of the ops before it', async (t) => {
      const store = await open(t);
      const r = await store.create('/k', text('a'));
      const response = await store.txn({
        compare: [
          { key: '/k', target: 'mod', result: '=', value: r },
          { key: '/k', target: 'version', result: '=', value: 1 },
        ],
        success: [
          { type: 'put', key: '/k', value: text('b') },
          { type: 'get', key: '/k' },
          { type: 'put', key: '/k', value: text('c') },
          { type: 'delete', key: '/k' },
          { type: 'get', key: '/k' },
          { type: 'put', key: '/k', value: text('d') },
        ],
        failure: [],
      });
      assert.equal(response.succeeded, true);
      const seen = response.results.map((res) => {
        if (res.type === 'put') return `put@${res.revision} prev=${res.prevKv ? `${str(res.prevKv.value)}@${res.prevKv.modRevision} v${res.prevKv.version}` : '-'}`;
        if (res.type === 'get') return `get ${res.kv ? `${str(res.kv.value)}@${res.kv.modRevision} v${res.kv.version}` : '-'}`;
        return `delete ${res.deleted.map((kv) => `${str(kv.value)}@${kv.modRevision} v${kv.version}`).join(',')}`;
      });
      assert.deepEqual(seen, [
        `put@${r + 1} prev=a@${r} v1`,
        `get b@${r + 1} v2`,
        `put@${r + 2} prev=b@${r + 1} v2`,
        `delete c@${r + 2} v3`,
        'get -',
        `put@${r + 4} prev=-`,
      ]);
      const { kv } = await store.get('/k');
      assert.deepEqual([str(kv?.value), kv?.createRevision, kv?.version], ['d', r + 4, 1]);
    });

    it('a txn that fails part-way writes nothing', async (t) => {
      const store = await open(t);
      await store.create('/a', text('1'));
      const head = await store.currentRevision();
      await assert.rejects(
        store.txn({
          compare: [],
          success: [
            { type: 'put', key: '/b', value: text('2') },
            { type: 'put', key: '/c', value: text('3'), lease: 999_999 },
          ],
          failure: [],
        }),
        LeaseNotFoundError,
      );
      assert.equal(await store.currentRevision(), head);
      assert.equal((await store.get('/b')).kv, null);
      // The next write still gets the next revision.
      assert.equal(await store.create('/d', text('4')), head + 1);
    });

    it('concurrent writers get distinct, contiguous revisions', async (t) => {
      const store = await open(t);
      const start = await store.currentRevision();
      const writers = Array.from({ length: 16 }, async (_, w) => {
        const revisions: number[] = [];
        for (let i = 0; i < 25; i++) revisions.push(await store.create(`/w/${w}/${i}`, text(`${w}-${i}`)));
        return revisions;
      });
      const revisions = (await Promise.all(writers)).flat().sort((a, b) => a - b);
      assert.equal(revisions.length, 400);
      revisions.forEach((revision, i) => assert.equal(revision, start + 1 + i));
      assert.equal((await store.range({ prefix: '/w/', countOnly: true })).count, 400);
    });

    it('a watch replays history from its start revision, then streams live events in order', async (t) => {
      const store = await open(t);
      const r1 = await store.create('/w/a', text('1'));
      const r2 = (await store.update('/w/a', text('2'), r1)).revision;
      await store.create('/other', text('x'));
      const r4 = await store.create('/w/b', text('b'));
      const watcher = store.watch({ key: '/w/', prefix: true, startRevision: r1 });
      const history = await take(watcher, 3);
      assert.deepEqual(summary(history), [
        `create /w/a@${r1}=1 prev=-`,
        `update /w/a@${r2}=2 prev=1`,
        `create /w/b@${r4}=b prev=-`,
      ]);
      const liveWrites = (async () => {
        await store.delete('/w/a');
        await store.create('/elsewhere', text('ignored'));
        await store.update('/w/b', text('b2'), r4);
      })();
      const live = await take(watcher, 2);
      await liveWrites;
      assert.deepEqual(summary(live), [`delete /w/a@${r4 + 1}= prev=2`, `update /w/b@${r4 + 3}=b2 prev=b`]);
      watcher.cancel();
    });

    it('a watch on one key ignores keys that only share its prefix', async (t) => {
      const store = await open(t);
      const watcher = store.watch({ key: '/k' });
      await store.create('/k2', text('no'));
      await store.create('/k', text('yes'));
      const [event] = await take(watcher, 1);
      assert.equal(event?.kv.key, '/k');
      watcher.cancel();
    });

    it('a watch started without a revision sees only later writes', async (t) => {
      const store = await open(t);
      await store.create('/k/old', text('old'));
      const watcher = store.watch({ key: '/k/', prefix: true });
      await store.create('/k/new', text('new'));
      const [event] = await take(watcher, 1);
      assert.equal(event?.kv.key, '/k/new');
      watcher.cancel();
    });

    it('many watchers each get every event exactly once while writes continue', async (t) => {
      const store = await open(t);
      const start = (await store.currentRevision()) + 1;
      const writes = (async () => {
        for (let i = 0; i < 200; i++) await store.create(`/m/${String(i).padStart(3, '0')}`, text(String(i)));
      })();
      // Watchers join at different moments: some replay history, some only see live events.
      const watchers: Watcher[] = [];
      for (let i = 0; i < 20; i++) {
        watchers.push(store.watch({ key: '/m/', prefix: true, startRevision: start }));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const results = await Promise.all(watchers.map((watcher) => take(watcher, 200)));
      await writes;
      for (const events of results) {
        assert.deepEqual(
          events.map((e) => e.kv.modRevision),
          Array.from({ length: 200 }, (_, i) => start + i),
        );
      }
      for (const watcher of watchers) watcher.cancel();
    });

    it('a watcher that stops reading is cut off and never holds up writers or other watchers', async (t) => {
      const store = await open(t);
      const slow = store.watch({ key: '/s/', prefix: true });
      const fast = store.watch({ key: '/s/', prefix: true });
      const fastEvents = take(fast, 12_000, 60_000);
      for (let i = 0; i < 120; i++) {
        await store.txn({
          compare: [],
          success: Array.from({ length: 100 }, (_, j) => ({ type: 'put' as const, key: `/s/${i}-${j}`, value: text('x') })),
          failure: [],
        });
      }
      assert.equal((await fastEvents).length, 12_000);
      await assert.rejects(
        (async () => {
          for await (const _ of slow) {
            // draining what was queued before the cut-off is allowed; the error must follow
          }
        })(),
        (error: unknown) => (error as { code?: string }).code === 'WatcherTooSlow',
      );
      fast.cancel();
    });

    it('compaction forgets old revisions: reads and watches below it fail with the compact revision', async (t) => {
      const store = await open(t);
      const r1 = await store.create('/c', text('1'));
      let revision = r1;
      for (let i = 2; i <= 10; i++) revision = (await store.update('/c', text(String(i)), revision)).revision;
      await store.create('/gone', text('x'));
      await store.delete('/gone');
      const compactAt = r1 + 5;
      await store.compact(compactAt);
      assert.equal(await store.compactRevision(), compactAt);
      await assert.rejects(store.get('/c', { revision: compactAt - 1 }), (error: unknown) => {
        assert.ok(error instanceof CompactedError);
        assert.equal(error.compactRevision, compactAt);
        return true;
      });
      assert.equal(str((await store.get('/c', { revision: compactAt })).kv?.value), '6');
      assert.equal(str((await store.get('/c')).kv?.value), '10');
      const failing = store.watch({ key: '/c', startRevision: compactAt - 1 });
      await assert.rejects(
        (async () => {
          for await (const _ of failing) assert.fail('no event may precede the error');
        })(),
        (error: unknown) => error instanceof CompactedError && error.compactRevision === compactAt,
      );
      const ok = store.watch({ key: '/c', startRevision: compactAt });
      const events = await take(ok, 5);
      assert.deepEqual(events.map((e) => str(e.prevKv?.value)), ['5', '6', '7', '8', '9']);
      ok.cancel();
      await assert.rejects(store.compact(compactAt - 1), CompactedError);
      await assert.rejects(store.compact((await store.currentRevision()) + 1), FutureRevisionError);
    });

    it('revisions are never reused, also after compacting everything and reopening', async (t) => {
      const dir = tempDir(t);
      const first = await factory({ dir, now: () => clock });
      await first.create('/a', text('1'));
      await first.create('/b', text('2'));
      await first.delete('/a');
      await first.delete('/b');
      const head = await first.currentRevision();
      await first.compact(head);
      await first.close();
      const second = await factory({ dir, now: () => clock });
      t.after(() => second.close());
      assert.equal(await second.currentRevision(), head);
      assert.equal(await second.compactRevision(), head);
      assert.equal(await second.create('/c', text('3')), head + 1);
      assert.equal((await second.get('/a')).kv, null);
    });

    it('keeps every write across a close and reopen', async (t) => {
      const dir = tempDir(t);
      const first = await factory({ dir, now: () => clock });
      for (let i = 0; i < 50; i++) await first.create(`/p/${i}`, text(String(i)));
      const head = await first.currentRevision();
      await first.close();
      const second = await factory({ dir, now: () => clock });
      t.after(() => second.close());
      assert.equal(await second.currentRevision(), head);
      assert.equal((await second.range({ prefix: '/p/', countOnly: true })).count, 50);
      const history = second.watch({ key: '/p/', prefix: true, startRevision: head - 9 });
      assert.equal((await take(history, 10)).length, 10);
      history.cancel();
    });

    it('keys attached to a lease are deleted, with DELETED events, when the lease expires', async (t) => {
      const store = await open(t);
      const lease = await store.grantLease(60);
      assert.equal(lease.expiresAt, clock + 60_000);
      await store.create('/events/e1', text('1'), { lease: lease.id });
      await store.create('/events/e2', text('2'), { lease: lease.id });
      await store.create('/events/keep', text('3'));
      const watcher = store.watch({ key: '/events/', prefix: true });
      clock += 59_000;
      await store.keepAliveLease(lease.id);
      clock += 59_000;
      assert.equal((await store.range({ prefix: '/events/' })).count, 3, 'a kept-alive lease must not expire');
      clock += 2_000;
      const events = await take(watcher, 2);
      assert.deepEqual(events.map((e) => `${e.type} ${e.kv.key} prev=${str(e.prevKv?.value)}`), [
        'delete /events/e1 prev=1',
        'delete /events/e2 prev=2',
      ]);
      assert.deepEqual((await store.range({ prefix: '/events/' })).kvs.map((kv) => kv.key), ['/events/keep']);
      await assert.rejects(store.keepAliveLease(lease.id), LeaseNotFoundError);
      await assert.rejects(store.create('/events/late', text('x'), { lease: lease.id }), LeaseNotFoundError);
      watcher.cancel();
    });

    it('revoking a lease deletes its keys at once; a key rewritten without the lease survives', async (t) => {
      const store = await open(t);
      const lease = await store.grantLease(3600);
      await store.create('/l/a', text('a'), { lease: lease.id });
      const b = await store.create('/l/b', text('b'), { lease: lease.id });
      await store.update('/l/b', text('b2'), b);
      await store.revokeLease(lease.id);
      assert.deepEqual((await store.range({ prefix: '/l/' })).kvs.map((kv) => kv.key), ['/l/b']);
      await assert.rejects(store.revokeLease(lease.id), LeaseNotFoundError);
      const next = await store.grantLease(3600);
      assert.notEqual(next.id, lease.id, 'a revoked lease id must not be handed out again');
    });

    it('leases survive a restart and still expire', async (t) => {
      const dir = tempDir(t);
      const first = await factory({ dir, now: () => clock });
      const lease = await first.grantLease(10);
      await first.create('/t/a', text('a'), { lease: lease.id });
      await first.close();
      const second = await factory({ dir, now: () => clock });
      t.after(() => second.close());
      assert.equal((await second.get('/t/a')).kv?.lease, lease.id);
      clock += 11_000;
      await eventually('the leased key to expire', async () => (await second.get('/t/a')).kv === null);
    });
  });
}
