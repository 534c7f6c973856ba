/** The shared runtime cache: what a relist reads, and the races between relists and pod workers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../client/fake-clock.ts';
import type { ContainerStatus, ListedObject, ListFilter } from '../runtime/types.ts';
import { FakeRuntime } from './fake-runtime.ts';
import { RuntimeCache } from './runtime-cache.ts';

const image = 'busybox:1';
const scope = { 'io.skiff.node': 'n1' };

/** A FakeRuntime whose listings and inspections read at once but answer only when released. */
class GatedRuntime extends FakeRuntime {
  #held: 'list' | 'inspect' | undefined;
  #gate: Promise<void> | undefined;
  #open = () => {};

  hold(what: 'list' | 'inspect'): void {
    this.#held = what;
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }

  release(): void {
    this.#held = undefined;
    this.#gate = undefined;
    this.#open();
  }

  override async listObjects(filter?: ListFilter): Promise<ListedObject[]> {
    const listed = await super.listObjects(filter);
    if (this.#held === 'list') await this.#gate;
    return listed;
  }

  override async inspectContainer(id: string): Promise<ContainerStatus> {
    const status = await super.inspectContainer(id);
    if (this.#held === 'inspect') await this.#gate;
    return status;
  }
}

async function podWithContainer(runtime: FakeRuntime, uid: string): Promise<{ sandbox: string; container: string }> {
  const sandbox = await runtime.createSandbox({ podUid: uid, namespace: 'ns', name: uid, hostname: uid, network: 'pods', dns: { servers: [], searches: [], options: [] }, labels: scope, hostNetwork: false });
  const container = await runtime.createContainer(sandbox, { name: 'app', image, labels: scope });
  await runtime.startContainer(container);
  return { sandbox, container };
}

describe('runtime cache', () => {
  it('reads every object on the first relist, then inspects only those whose state changed', async () => {
    const runtime = new FakeRuntime(new FakeClock());
    runtime.images.add(image);
    const a = await podWithContainer(runtime, 'a');
    await podWithContainer(runtime, 'b');
    runtime.reads.clear();
    const cache = new RuntimeCache(runtime, scope);
    assert.deepEqual([...await cache.relist()].sort(), ['a', 'b']);
    assert.equal(runtime.reads.get('inspectContainer'), 2);
    assert.equal(runtime.reads.get('sandboxStatus'), 2);
    runtime.reads.clear();
    assert.deepEqual([...await cache.relist()], [], 'nothing changed');
    assert.deepEqual([...runtime.reads], [['listObjects', 1]]);
    runtime.exit(a.container, 3);
    assert.deepEqual([...await cache.relist()], ['a']);
    assert.equal(runtime.reads.get('inspectContainer'), 1);
    assert.equal(cache.pod('a').containers[0]?.exitCode, 3);
  });

  it('drops objects that are no longer listed, and reports their pod as changed', async () => {
    const runtime = new FakeRuntime(new FakeClock());
    runtime.images.add(image);
    const a = await podWithContainer(runtime, 'a');
    const cache = new RuntimeCache(runtime, scope);
    await cache.relist();
    await runtime.removeSandbox(a.sandbox);
    assert.deepEqual([...await cache.relist()], ['a']);
    assert.equal(cache.has('a'), false);
  });

  it('costs no call to refresh a pod it has never seen once it has relisted', async () => {
    const runtime = new FakeRuntime(new FakeClock());
    const cache = new RuntimeCache(runtime, scope);
    await cache.refreshPod('new');
    assert.deepEqual([...runtime.reads], [['listObjects', 1]], 'the first refresh relists the node');
    runtime.reads.clear();
    await cache.refreshPod('new');
    assert.deepEqual([...runtime.reads], []);
  });

  it('keeps a container a worker recorded after a relist began that did not list it', async () => {
    const runtime = new GatedRuntime(new FakeClock());
    runtime.images.add(image);
    const cache = new RuntimeCache(runtime, scope);
    await cache.relist();
    runtime.hold('list');
    const relist = cache.relist();
    await new Promise((resolve) => setImmediate(resolve));
    const { sandbox, container } = await podWithContainer(runtime, 'a');
    await cache.refreshSandbox(sandbox);
    await cache.refreshContainer(container);
    runtime.release();
    await relist;
    assert.deepEqual(cache.pod('a').containers.map((c) => c.id), [container]);
    assert.equal(cache.pod('a').sandboxes.length, 1);
  });

  it('does not bring back a container removed while a relist was reading it', async () => {
    const runtime = new GatedRuntime(new FakeClock());
    runtime.images.add(image);
    const { container } = await podWithContainer(runtime, 'a');
    const cache = new RuntimeCache(runtime, scope);
    await cache.relist();
    runtime.exit(container, 1);
    runtime.hold('inspect');
    const relist = cache.relist();
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(runtime.reads.get('inspectContainer'), 2, 'the relist is reading the exited container');
    await runtime.removeContainer(container);
    cache.forget(container);
    runtime.release();
    await relist;
    assert.deepEqual(cache.pod('a').containers, []);
  });

  it('leaves a pod whose worker is in a pass to that worker', async () => {
    const runtime = new FakeRuntime(new FakeClock());
    runtime.images.add(image);
    const cache = new RuntimeCache(runtime, scope);
    await cache.relist();
    await cache.working('a', async () => {
      await podWithContainer(runtime, 'a');
      await cache.relist();
      assert.equal(runtime.reads.get('inspectContainer'), undefined, 'nothing of the busy pod was read');
    });
    assert.deepEqual([...await cache.relist()], ['a'], 'the next relist reads what the worker did not record');
  });
});
