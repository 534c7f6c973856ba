/**
 * EndpointSlice mirroring, as kube-controller-manager's: a Service without a selector whose
 * Endpoints a user writes by hand gets EndpointSlices copied from them (one per subset), so
 * the service proxy and DNS, which read slices, serve it. Slices are owned by the Endpoints
 * object, so the garbage collector removes them with it.
 */
import { ApiStatusError, InformerFactory, objectKey, WorkQueue, type ApiClient } from '../../client/index.ts';
import { isPlainObject, type JsonObject, type KubeObject } from '../../apiserver/objects.ts';
import { jsonEqual } from '../../api/validation/field.ts';
import type { Logger } from '../../util/log.ts';
import { runWorkers } from '../queue-workers.ts';

export const mirroringManager = 'endpointslicemirroring-controller.k8s.io';
const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
const serviceNameLabel = 'kubernetes.io/service-name';
const skipMirrorLabel = 'endpointslice.kubernetes.io/skip-mirror';

const list = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);

/** The slices `endpoints` should be mirrored into, by name; empty when it must not be mirrored. */
export function mirroredSlices(endpoints: KubeObject, service: KubeObject | undefined): Map<string, KubeObject> {
  const slices = new Map<string, KubeObject>();
  const name = endpoints.metadata.name ?? '';
  const spec = isPlainObject(service?.spec) ? service.spec : undefined;
  const selector = isPlainObject(spec?.selector) ? spec.selector : {};
  if (service === undefined || Object.keys(selector).length > 0 || endpoints.metadata.labels?.[skipMirrorLabel] === 'true') return slices;
  list(endpoints.subsets).forEach((subset, index) => {
    const endpoint = (address: JsonObject, ready: boolean): JsonObject => {
      const out: JsonObject = { addresses: [String(address.ip ?? '')], conditions: { ready } };
      if (typeof address.hostname === 'string') out.hostname = address.hostname;
      if (typeof address.nodeName === 'string') out.nodeName = address.nodeName;
      if (isPlainObject(address.targetRef)) out.targetRef = address.targetRef;
      return out;
    };
    const sliceName = `${name}-mirror-${index}`;
    slices.set(sliceName, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceName,
        namespace: endpoints.metadata.namespace,
        labels: { [serviceNameLabel]: name, [managedByLabel]: mirroringManager },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name, uid: endpoints.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: [...list(subset.addresses).map((a) => endpoint(a, true)), ...list(subset.notReadyAddresses).map((a) => endpoint(a, false))],
      ports: list(subset.ports).map((port) => ({ name: port.name ?? '', port: port.port ?? 0, protocol: port.protocol ?? 'TCP' })),
    });
  });
  return slices;
}

/** Whether a stored slice already says what `want` says. */
function same(stored: KubeObject, want: KubeObject): boolean {
  return jsonEqual(stored.endpoints, want.endpoints) && jsonEqual(stored.ports, want.ports) && jsonEqual(stored.metadata.labels, want.metadata.labels);
}

/** Runs until `signal` aborts. */
export async function runEndpointSliceMirroring(api: ApiClient, log: Logger, signal: AbortSignal): Promise<void> {
  const factory = new InformerFactory(api, { onError: (error) => log.debug('watch retrying', { error }) });
  const services = factory.informer('Service');
  const endpoints = factory.informer('Endpoints');
  const slices = factory.informer('EndpointSlice', { labelSelector: `${managedByLabel}=${mirroringManager}` });
  const queue = new WorkQueue<string>();
  const enqueue = (object: KubeObject): void => queue.add(objectKey(object));
  for (const informer of [services, endpoints]) informer.addHandlers({ onAdd: enqueue, onUpdate: (_, o) => enqueue(o), onDelete: enqueue });
  slices.addHandlers({
    onDelete: (slice) => queue.add(`${slice.metadata.namespace ?? ''}/${slice.metadata.labels?.[serviceNameLabel] ?? ''}`),
  });
  factory.start(signal);
  signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  if (!(await factory.waitForSync(signal))) return;
  for (const object of endpoints.store.list()) enqueue(object);
  const resource = api.resource('EndpointSlice', 'discovery.k8s.io/v1');
  const sync = async (key: string): Promise<void> => {
    const [namespace = '', name = ''] = key.split('/');
    const current = endpoints.store.get(key);
    const want = current === undefined ? new Map<string, KubeObject>() : mirroredSlices(current, services.store.get(key));
    const have = slices.store.list().filter((s) => s.metadata.namespace === namespace && s.metadata.labels?.[serviceNameLabel] === name);
    for (const [sliceName, slice] of want) {
      const stored = have.find((s) => s.metadata.name === sliceName);
      if (stored === undefined) await resource.create(namespace, slice, { fieldManager: mirroringManager });
      else if (!same(stored, slice)) await resource.update(namespace, { ...slice, metadata: { ...slice.metadata, resourceVersion: stored.metadata.resourceVersion } }, { fieldManager: mirroringManager });
    }
    for (const stale of have.filter((s) => !want.has(s.metadata.name ?? ''))) {
      await resource.delete(namespace, stale.metadata.name ?? '').catch((error: unknown) => {
        if (!(error instanceof ApiStatusError && error.code === 404)) throw error;
      });
    }
  };
  await runWorkers({ queue, workers: 1, sync, log });
  await factory.stopped();
}
