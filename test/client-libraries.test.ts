/**
 * Official Kubernetes client libraries against dist/skiff with the admin kubeconfig: the
 * JavaScript client's typed API and informer (list, then watch from the list's
 * resourceVersion), and the Python client (Debian's python3-kubernetes).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { startSkiffServer, type SkiffServer } from './support/skiff-server.ts';
import { eventually } from './support/poll.ts';

/** Debian's interpreter, where python3-kubernetes is installed (not whatever python3 is first on PATH). */
const systemPython = '/usr/bin/python3';

const pod = (namespace: string, name: string, labels: Record<string, string> = {}): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  // No scheduler acts on these, so the only changes the informer sees are the test's own.
  spec: { schedulerName: 'unscheduled-by-test', containers: [{ name: 'main', image: 'registry.example/app:1' }] },
});

describe('client libraries against skiff server', () => {
  let server: SkiffServer;
  let kc: KubeConfig;
  let core: CoreV1Api;
  before(async () => {
    server = await startSkiffServer(undefined);
    kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(() => server?.close());

  it('the JavaScript client creates a namespace and pods and reads them back', async () => {
    const ns = await core.createNamespace({ body: { metadata: { name: 'js-client' } } });
    assert.equal(ns.metadata?.name, 'js-client');
    assert.ok(ns.metadata?.uid, 'the created namespace has a uid');
    for (const name of ['alpha', 'beta']) {
      const created = await core.createNamespacedPod({ namespace: 'js-client', body: pod('js-client', name, { tier: 'web' }) });
      assert.equal(created.metadata?.name, name);
      assert.equal(created.spec?.containers[0]?.image, 'registry.example/app:1');
    }
    const list = await core.listNamespacedPod({ namespace: 'js-client', labelSelector: 'tier=web' });
    assert.deepEqual(list.items.map((p) => p.metadata?.name).sort(), ['alpha', 'beta']);
    assert.match(list.metadata?.resourceVersion ?? '', /^\d+$/);
    const read = await core.readNamespacedPod({ namespace: 'js-client', name: 'alpha' });
    assert.equal(read.metadata?.labels?.tier, 'web');
  });

  it('the JavaScript client reports a missing object as a 404 ApiException', async () => {
    await assert.rejects(core.readNamespacedPod({ namespace: 'js-client', name: 'missing' }), (error: unknown) => {
      assert.equal((error as { code?: number }).code, 404);
      return true;
    });
  });

  it('an informer lists existing pods, then sees pods added, updated and deleted, and stops', async () => {
    const namespace = 'informed';
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedPod({ namespace, body: pod(namespace, 'existing-1') });
    await core.createNamespacedPod({ namespace, body: pod(namespace, 'existing-2') });

    const informer = makeInformer<V1Pod>(kc, `/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace }));
    const events: Array<{ verb: string; name: string; rv: string; version: string }> = [];
    const errors: unknown[] = [];
    const record = (verb: string) => (obj: V1Pod) =>
      events.push({ verb, name: obj.metadata?.name ?? '', rv: obj.metadata?.resourceVersion ?? '', version: obj.metadata?.labels?.version ?? '' });
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    informer.on('error', (error) => errors.push(error));
    try {
      await informer.start();
      await eventually('the informer to list the existing pods', () => events.filter((e) => e.verb === 'add').length === 2, 10_000);
      assert.deepEqual(events.map((e) => `${e.verb} ${e.name}`).sort(), ['add existing-1', 'add existing-2']);
      assert.deepEqual(informer.list(namespace).map((p) => p.metadata?.name).sort(), ['existing-1', 'existing-2']);

      const created = await core.createNamespacedPod({ namespace, body: pod(namespace, 'watched', { version: '1' }) });
      await eventually('an add event for the new pod', () => events.some((e) => e.verb === 'add' && e.name === 'watched'), 10_000);

      const current = await core.readNamespacedPod({ namespace, name: 'watched' });
      assert.equal(current.metadata?.resourceVersion, created.metadata?.resourceVersion);
      const replaced = await core.replaceNamespacedPod({
        namespace,
        name: 'watched',
        body: { ...current, metadata: { ...current.metadata, labels: { version: '2' } } },
      });
      assert.notEqual(replaced.metadata?.resourceVersion, created.metadata?.resourceVersion);
      const update = await eventually('an update event carrying the new label', () => events.find((e) => e.verb === 'update' && e.name === 'watched'), 10_000);
      assert.equal(update.version, '2');
      assert.equal(update.rv, replaced.metadata?.resourceVersion);
      assert.equal(informer.get('watched', namespace)?.metadata?.labels?.version, '2');

      await core.deleteNamespacedPod({ namespace, name: 'watched' });
      await eventually('a delete event for the pod', () => events.some((e) => e.verb === 'delete' && e.name === 'watched'), 10_000);
      assert.equal(informer.get('watched', namespace), undefined);
      assert.deepEqual(informer.list(namespace).map((p) => p.metadata?.name).sort(), ['existing-1', 'existing-2']);
      assert.deepEqual(events.map((e) => `${e.verb} ${e.name}`).slice(2), ['add watched', 'update watched', 'delete watched']);
      assert.deepEqual(errors, []);
    } finally {
      // Aborts the watch request; the suite's process must still exit on its own.
      await informer.stop();
    }
  });

  it('the Python client lists namespaces and writes and reads a ConfigMap', async () => {
    await core.createNamespace({ body: { metadata: { name: 'py-client' } } });
    const script = [
      'import json, sys',
      'from kubernetes import client, config',
      'config.load_kube_config(config_file=sys.argv[1])',
      'v1 = client.CoreV1Api()',
      'names = sorted(ns.metadata.name for ns in v1.list_namespace().items)',
      "body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name='from-python', labels={'lang': 'python'}), data={'greeting': 'hello', 'n': '42'})",
      "created = v1.create_namespaced_config_map('py-client', body)",
      "read = v1.read_namespaced_config_map('from-python', 'py-client')",
      "listed = v1.list_namespaced_config_map('py-client', label_selector='lang=python')",
      'print(json.dumps({"namespaces": names, "createdRv": created.metadata.resource_version, "readRv": read.metadata.resource_version,',
      '  "data": read.data, "uid": read.metadata.uid, "listed": [c.metadata.name for c in listed.items]}))',
    ].join('\n');
    const result = spawnSync(systemPython, ['-c', script, server.kubeconfig], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, `python failed:\n${result.stderr}`);
    const out = JSON.parse(result.stdout) as { namespaces: string[]; createdRv: string; readRv: string; data: Record<string, string>; uid: string; listed: string[] };
    for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'py-client']) {
      assert.ok(out.namespaces.includes(name), `${name} in ${out.namespaces.join(', ')}`);
    }
    assert.deepEqual(out.data, { greeting: 'hello', n: '42' });
    assert.equal(out.readRv, out.createdRv);
    assert.deepEqual(out.listed, ['from-python']);
    const seen = await core.readNamespacedConfigMap({ namespace: 'py-client', name: 'from-python' });
    assert.equal(seen.metadata?.uid, out.uid);
  });
});
