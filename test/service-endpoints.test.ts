/**
 * The Endpoints, EndpointSlice and ServiceLB controllers inside `skiff server` (no agent):
 * pods are created bound to a made-up node and their status (address, readiness) is
 * patched by the test, as a kubelet would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JsonObject, KubeObject } from '../internal/apiserver/objects.ts';
import { ApiClient, ApiStatusError, loadKubeconfig } from '../internal/client/index.ts';
import { eventually } from './support/poll.ts';
import { startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const ns = 'default';

describe('endpoint controllers in skiff server', () => {
  let server: SkiffServer;
  let api: ApiClient;
  const pods = () => api.resource('Pod', 'v1');
  const services = () => api.resource('Service', 'v1');
  const endpoints = () => api.resource('Endpoints', 'v1');
  const slices = () => api.resource('EndpointSlice', 'discovery.k8s.io/v1');

  before(async () => {
    server = await startSkiffServer(undefined);
    api = new ApiClient(loadKubeconfig({ path: server.kubeconfig }));
  });
  after(async () => {
    api?.close();
    await server?.close();
  });

  const createPod = async (name: string, labels: Record<string, string>, ip: string, ready: boolean, port = 8080): Promise<void> => {
    await pods().create(ns, {
      metadata: { name, labels },
      spec: { nodeName: 'made-up-node', containers: [{ name: 'app', image: 'example/app', ports: [{ name: 'http', containerPort: port }] }] },
    });
    await setStatus(name, ip, ready);
  };
  const setStatus = async (name: string, ip: string, ready: boolean): Promise<void> => {
    const status = { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
    await pods().patch(ns, name, { status }, 'merge', { subresource: 'status' });
  };
  const slicesOf = async (service: string): Promise<KubeObject[]> => (await slices().list(ns, { labelSelector: `kubernetes.io/service-name=${service}` })).items;
  const sliceEndpoints = async (service: string): Promise<Array<{ ip: string; ready: boolean; serving: boolean; node: string; pod: string }>> =>
    (await slicesOf(service)).flatMap((slice) => ((slice.endpoints as JsonObject[] | null) ?? []).map((e) => {
      const conditions = e.conditions as { ready: boolean; serving: boolean };
      return { ip: (e.addresses as string[])[0] ?? '', ready: conditions.ready, serving: conditions.serving, node: String(e.nodeName), pod: String((e.targetRef as JsonObject).name) };
    })).sort((a, b) => a.ip.localeCompare(b.ip));
  const addressesOf = async (service: string): Promise<{ ready: string[]; notReady: string[]; ports: unknown[] }> => {
    const object = await endpoints().get(ns, service);
    const subsets = (object.subsets as JsonObject[] | undefined) ?? [];
    const ips = (key: string) => subsets.flatMap((s) => ((s[key] as JsonObject[] | undefined) ?? []).map((a) => String(a.ip))).sort();
    return { ready: ips('addresses'), notReady: ips('notReadyAddresses'), ports: subsets.flatMap((s) => (s.ports as unknown[] | undefined) ?? []) };
  };

  test('a service with a selector gets Endpoints and an EndpointSlice of its pods, following readiness and deletion', async () => {
    await services().create(ns, { metadata: { name: 'web', labels: { team: 'a' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    await createPod('web-1', { app: 'web' }, '10.42.7.11', true);
    await createPod('web-2', { app: 'web' }, '10.42.7.12', false, 9090);
    await createPod('other', { app: 'other' }, '10.42.7.13', true);

    await eventually('Endpoints of web', async () => {
      const got = await addressesOf('web');
      return got.ready.join() === '10.42.7.11' && got.notReady.join() === '10.42.7.12' && got;
    });
    await eventually('slices of web listing both pods', async () => (await sliceEndpoints('web')).length === 2);
    const [slice] = await slicesOf('web');
    assert.equal(slice?.addressType, 'IPv4');
    assert.equal(slice?.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slice?.metadata.labels?.team, 'a');
    assert.equal((slice?.metadata.ownerReferences as JsonObject[] | undefined)?.[0]?.kind, 'Service');
    // Named target ports resolve per pod: the two pods give two port lists.
    const ports = (await slicesOf('web')).map((s) => (s.ports as JsonObject[])[0]?.port).sort();
    assert.deepEqual(ports, [8080, 9090]);
    assert.deepEqual(await sliceEndpoints('web'), [
      { ip: '10.42.7.11', ready: true, serving: true, node: 'made-up-node', pod: 'web-1' },
      { ip: '10.42.7.12', ready: false, serving: false, node: 'made-up-node', pod: 'web-2' },
    ]);

    await setStatus('web-2', '10.42.7.12', true);
    await eventually('web-2 ready in both', async () => (await addressesOf('web')).ready.length === 2 && (await sliceEndpoints('web')).every((e) => e.ready));
    await pods().delete(ns, 'web-1', { gracePeriodSeconds: 0 });
    await eventually('web-1 gone from both', async () => (await addressesOf('web')).ready.join() === '10.42.7.12' && (await sliceEndpoints('web')).length === 1);
  });

  test('a headless service gets endpoints; a service without selector keeps the Endpoints written by hand, mirrored into slices only by the mirroring controller', async () => {
    await services().create(ns, { metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] } });
    await createPod('db-0', { app: 'db' }, '10.42.7.21', true);
    await eventually('headless endpoints', async () => (await addressesOf('db')).ready.join() === '10.42.7.21');
    assert.equal((await endpoints().get(ns, 'db')).metadata.labels?.['service.kubernetes.io/headless'], '');
    await eventually('headless slice', async () => (await sliceEndpoints('db')).map((e) => e.ip).join() === '10.42.7.21');

    await services().create(ns, { metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
    await endpoints().create(ns, { metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.0.2.50' }], ports: [{ port: 80 }] }] });
    // Give the controller a sync it could have got wrong: a labelled pod change and a relabel of the service.
    await services().patch(ns, 'manual', { metadata: { labels: { touched: 'yes' } } }, 'merge');
    await eventually('the web service still synced after the manual one', async () => (await addressesOf('web')).ready.length === 1);
    assert.deepEqual((await addressesOf('manual')).ready, ['192.0.2.50']);
    // The endpoints controller writes no slice of its own for it; the mirroring controller copies the Endpoints.
    const mirrored = await eventually('the mirrored slice', async () => {
      const found = await slicesOf('manual');
      return found.length === 1 && found;
    });
    assert.equal(mirrored[0]?.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.deepEqual(mirrored[0]?.endpoints, [{ addresses: ['192.0.2.50'], conditions: { ready: true } }]);
  });

  test('a service with no matching pods gets an empty placeholder slice, and deleting a service deletes its Endpoints and slices', async () => {
    await services().create(ns, { metadata: { name: 'lonely' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] } });
    const [placeholder] = await eventually('a placeholder slice', async () => {
      const found = await slicesOf('lonely');
      return found.length === 1 && found;
    });
    assert.deepEqual(placeholder?.endpoints ?? [], []);
    await eventually('Endpoints without addresses', async () => ((await endpoints().get(ns, 'lonely')).subsets as unknown[] | undefined ?? []).length === 0);

    await services().delete(ns, 'lonely');
    await eventually('Endpoints of the deleted service gone', async () => {
      try {
        await endpoints().get(ns, 'lonely');
        return false;
      } catch (error) {
        return error instanceof ApiStatusError && error.code === 404;
      }
    });
    await eventually('slices of the deleted service gone', async () => (await slicesOf('lonely')).length === 0);
  });

  test('a LoadBalancer service is published at the address of each ready node', async () => {
    await services().create(ns, { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 8443, targetPort: 8080 }] } });
    const ingress = async () => ((((await services().get(ns, 'lb')).status as JsonObject | undefined)?.loadBalancer as JsonObject | undefined)?.ingress as JsonObject[] | undefined) ?? [];
    const nodes = api.resource('Node', 'v1');
    await nodes.create(null, { metadata: { name: 'lb-node' }, status: {} });
    await nodes.patch(null, 'lb-node', { status: { addresses: [{ type: 'InternalIP', address: '192.0.2.77' }], conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: new Date().toISOString() }] } }, 'merge', { subresource: 'status' });
    await eventually('ingress at the node address', async () => (await ingress()).map((i) => i.ip).join() === '192.0.2.77', 10_000);
    await nodes.delete(null, 'lb-node');
    await eventually('ingress cleared when the node is gone', async () => (await ingress()).length === 0, 10_000);
  });
});
