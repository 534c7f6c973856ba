import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/tmp.ts';
import { StorageRegistry } from '../apiserver/registry.ts';
import { TestCluster, until } from '../datastore/replicated/test-cluster.ts';
import { createLogger } from '../util/log.ts';
import { memberNodeName, removeDeletedServers } from './server-removal.ts';

describe('removing deleted servers from the datastore', () => {
  it('reads the node name out of a member id', () => {
    assert.equal(memberNodeName('pi-3-cd34ef56'), 'pi-3');
    assert.equal(memberNodeName('server'), '');
  });

  it('deleting the Node of a server removes that server from the members, and only it', async (t) => {
    const cluster = await TestCluster.start({ dir: tempDir(t), size: 1 });
    t.after(() => cluster.close());
    await cluster.add('pi-2-ab12');
    await cluster.add('pi-3-cd34');
    const leader = await cluster.waitForLeader();
    const registry = new StorageRegistry({ store: leader.store, now: Date.now });
    const controller = new AbortController();
    const running = removeDeletedServers({ registry, store: leader.store, node: leader.node, log: createLogger('error'), signal: controller.signal });
    t.after(async () => {
      controller.abort();
      await running;
    });
    const nodes = registry.get('', 'v1', 'nodes');
    await nodes.create(null, { metadata: { name: 'pi-3' } });
    await nodes.create(null, { metadata: { name: 'worker' } });
    await nodes.delete(null, 'worker');
    await nodes.delete(null, 'pi-3');
    await until(() => !leader.node.status().conf.voters.includes('pi-3-cd34'), 'pi-3 to be removed from the voters');
    assert.deepEqual([...leader.node.status().conf.voters].sort(), ['m0', 'pi-2-ab12']);
  });
});
