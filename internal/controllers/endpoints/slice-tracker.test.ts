/** The tracker that keeps the slice controller from planning on a cache behind its own writes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { Store } from '../../client/index.ts';
import { SliceTracker } from './slice-tracker.ts';

const slice = (name: string, resourceVersion: string): KubeObject => ({ metadata: { name, namespace: 'default', resourceVersion } });

test('a write is stale until the cache holds that version, a delete until the cache drops the slice', () => {
  let now = 0;
  const tracker = new SliceTracker(() => now);
  const store = new Store();
  tracker.expect('default/web', slice('web-a', '10'));
  assert.equal(tracker.stale('default/web', store), true);
  store.upsert(slice('web-a', '9'));
  assert.equal(tracker.stale('default/web', store), true);
  store.upsert(slice('web-a', '10'));
  assert.equal(tracker.stale('default/web', store), false);

  tracker.expectDeleted('default/web', slice('web-a', '10'));
  assert.equal(tracker.stale('default/web', store), true);
  store.remove(slice('web-a', '10'));
  assert.equal(tracker.stale('default/web', store), false);
  assert.equal(tracker.stale('default/other', store), false);
});

test('an expectation the cache never meets is given up after ten seconds', () => {
  let now = 0;
  const tracker = new SliceTracker(() => now);
  tracker.expect('default/web', slice('web-a', '10'));
  assert.equal(tracker.stale('default/web', new Store()), true);
  now = 10_001;
  assert.equal(tracker.stale('default/web', new Store()), false);
});
