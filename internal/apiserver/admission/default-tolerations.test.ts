import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../../test/support/tmp.ts';
import { MvccStore } from '../../datastore/mvcc/store.ts';
import { parseIpv4Cidr } from '../../util/ip.ts';
import type { KubeObject } from '../objects.ts';
import { StorageRegistry } from '../registry.ts';
import { withDefaultTolerationSeconds } from './default-tolerations.ts';
import { createLifecycle } from './lifecycle.ts';

function pods(t: TestContext, seconds: { notReady: number; unreachable: number }) {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
  t.after(() => store.close());
  const serviceCidr = parseIpv4Cidr('10.43.0.0/16');
  assert.ok(serviceCidr);
  const lifecycle = withDefaultTolerationSeconds(createLifecycle({ network: { serviceCidr, reservedIps: [], nodePortMin: 30000, nodePortMax: 32767 }, registry: () => registry }), seconds);
  const registry: StorageRegistry = new StorageRegistry({ store, now: Date.now, lifecycle });
  return registry.get('', 'v1', 'pods');
}

const container = { name: 'c', image: 'busybox:1' };
const secondsOf = (pod: KubeObject): Record<string, unknown> =>
  Object.fromEntries(((pod.spec as { tolerations?: Array<{ key: string; tolerationSeconds?: number }> }).tolerations ?? []).map((t) => [t.key, t.tolerationSeconds]));

describe('default toleration seconds', () => {
  it('new pods tolerate not-ready and unreachable for the configured seconds', async (t) => {
    const created = await pods(t, { notReady: 20, unreachable: 5 }).create('default', { metadata: { name: 'p' }, spec: { containers: [container] } });
    assert.deepEqual(secondsOf(created), { 'node.kubernetes.io/not-ready': 20, 'node.kubernetes.io/unreachable': 5 });
  });

  it('a toleration the pod brings is kept as written', async (t) => {
    const own = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }];
    const created = await pods(t, { notReady: 20, unreachable: 5 }).create('default', { metadata: { name: 'p' }, spec: { containers: [container], tolerations: own } });
    assert.deepEqual(secondsOf(created), { 'node.kubernetes.io/unreachable': 300, 'node.kubernetes.io/not-ready': 20 });
  });

  it('the upstream default of 300 s stays without settings', async (t) => {
    const created = await pods(t, { notReady: 300, unreachable: 300 }).create('default', { metadata: { name: 'p' }, spec: { containers: [container] } });
    assert.deepEqual(secondsOf(created), { 'node.kubernetes.io/not-ready': 300, 'node.kubernetes.io/unreachable': 300 });
  });

  it('a toleration with an empty effect covers NoExecute: no default is added beside it', async (t) => {
    const own = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: '' }];
    const created = await pods(t, { notReady: 20, unreachable: 5 }).create('default', { metadata: { name: 'p' }, spec: { containers: [container], tolerations: own } });
    const unreachable = (created.spec as { tolerations: Array<{ key: string }> }).tolerations.filter((t) => t.key === 'node.kubernetes.io/unreachable');
    assert.equal(unreachable.length, 1);
    assert.deepEqual(secondsOf(created), { 'node.kubernetes.io/unreachable': undefined, 'node.kubernetes.io/not-ready': 20 });
  });
});
