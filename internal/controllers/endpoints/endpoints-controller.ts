/**
 * The Endpoints and EndpointSlice controllers of kube-controller-manager, run as one
 * loop: a Service (with a selector) is queued whenever it, one of its pods, its
 * Endpoints or one of its slices changes; syncing it writes the Endpoints object and
 * the slices that differ from what its pods say. Services without a selector are left
 * alone; slices of a deleted Service go with it (owner references), its Endpoints are
 * deleted here.
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import { ApiStatusError, InformerFactory, objectKey, WorkQueue, type ApiClient, type Informer } from '../../client/index.ts';
import type { Logger } from '../../util/log.ts';
import { desiredEndpoints, endpointsNeedUpdate, endpointsObject } from './endpoints-object.ts';
import { selectorMatches, serviceSelector } from './pods.ts';
import { controllerName, managedByLabel, planSlices, serviceNameLabel } from './slice-plan.ts';
import { SliceTracker } from './slice-tracker.ts';

export interface EndpointsControllerOptions {
  api: ApiClient;
  log: Logger;
  /** Parallel syncs (default 2). */
  workers?: number;
}

const fieldManager = 'endpoint-controller';
/** Endpoints with this annotation are leader-election records, not a Service's. */
const leaderAnnotation = 'control-plane.alpha.kubernetes.io/leader';

const isStatus = (error: unknown, code: number): boolean => error instanceof ApiStatusError && error.code === code;

/** Runs both controllers until `signal` aborts. */
export async function runEndpointsController(options: EndpointsControllerOptions, signal: AbortSignal): Promise<void> {
  const { api, log } = options;
  const factory = new InformerFactory(api, { onError: (error) => log.debug('watch retrying', { error }) });
  const services = factory.informer('Service');
  const pods = factory.informer('Pod');
  const endpoints = factory.informer('Endpoints');
  const slices = factory.informer('EndpointSlice', { labelSelector: `${managedByLabel}=${controllerName}` });
  slices.store.addIndexer('service', (slice) => {
    const name = slice.metadata.labels?.[serviceNameLabel];
    return name === undefined ? [] : [`${slice.metadata.namespace ?? ''}/${name}`];
  });
  const queue = new WorkQueue<string>();
  const tracker = new SliceTracker();
  const enqueueForPod = (pod: KubeObject): void => {
    for (const service of services.store.byIndex('namespace', pod.metadata.namespace ?? '')) {
      const selector = serviceSelector(service);
      if (selector !== null && selectorMatches(selector, pod.metadata.labels)) queue.add(objectKey(service));
    }
  };
  services.addHandlers({ onAdd: (s) => queue.add(objectKey(s)), onUpdate: (_, s) => queue.add(objectKey(s)), onDelete: (s) => queue.add(objectKey(s)) });
  pods.addHandlers({
    onAdd: enqueueForPod,
    onUpdate: (before, after) => {
      enqueueForPod(after);
      if (!sameLabels(before, after)) enqueueForPod(before);
    },
    onDelete: enqueueForPod,
  });
  endpoints.addHandlers({ onDelete: (e) => queue.add(objectKey(e)) });
  const sliceChanged = (slice: KubeObject): void => {
    tracker.observe(slice);
    const name = slice.metadata.labels?.[serviceNameLabel];
    if (name !== undefined) queue.add(`${slice.metadata.namespace ?? ''}/${name}`);
  };
  slices.addHandlers({ onAdd: sliceChanged, onUpdate: (_, s) => sliceChanged(s), onDelete: (s) => (tracker.observeDeleted(s), sliceChanged(s)) });

  factory.start(signal);
  signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  if (!(await factory.waitForSync(signal))) return;
  // Endpoints left behind by Services deleted while no controller ran.
  for (const object of endpoints.store.list()) if (services.store.get(objectKey(object)) === undefined) queue.add(objectKey(object));

  const sync = async (key: string): Promise<void> => {
    const [namespace = '', name = ''] = key.split('/');
    const service = services.store.get(key);
    if (service === undefined) {
      tracker.forget(key);
      const existing = endpoints.store.get(key);
      if (existing === undefined || existing.metadata.annotations?.[leaderAnnotation] !== undefined) return;
      await api.resource('Endpoints', 'v1').delete(namespace, name).catch((error: unknown) => {
        if (!isStatus(error, 404)) throw error;
      });
      return;
    }
    const selector = serviceSelector(service);
    if (selector === null) return;
    const matching = pods.store.byIndex('namespace', namespace).filter((pod) => selectorMatches(selector, pod.metadata.labels));
    await syncEndpoints(api, service, matching, endpoints.store.get(key));
    await syncSlices(api, service, matching, slices, tracker, key);
  };

  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await sync(key);
        queue.forget(key);
      } catch (error) {
        if (error instanceof StaleCache) queue.addAfter(key, 100);
        else {
          log.warn('service endpoints not synced; retrying', { service: key, error });
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers ?? 2 }, () => worker()));
  await factory.stopped();
}

/** The slice cache has not yet caught up with this controller's own writes. */
class StaleCache extends Error {}

async function syncEndpoints(api: ApiClient, service: KubeObject, pods: KubeObject[], existing: KubeObject | undefined): Promise<void> {
  const desired = desiredEndpoints(service, pods);
  const resource = api.resource('Endpoints', 'v1');
  const namespace = service.metadata.namespace ?? null;
  if (existing === undefined) {
    await resource.create(namespace, endpointsObject(service, desired), { fieldManager }).catch((error: unknown) => {
      // Created meanwhile (the cache is behind): the next event brings it here again.
      if (!isStatus(error, 409)) throw error;
    });
    return;
  }
  if (!endpointsNeedUpdate(existing, desired)) return;
  await resource.update(namespace, endpointsObject(service, desired, existing), { fieldManager });
}

async function syncSlices(api: ApiClient, service: KubeObject, pods: KubeObject[], slices: Informer, tracker: SliceTracker, key: string): Promise<void> {
  if (tracker.stale(key, slices.store)) throw new StaleCache(`the slices of ${key} are not yet in the cache`);
  const plan = planSlices(service, pods, slices.store.byIndex('service', key));
  const resource = api.resource('EndpointSlice', 'discovery.k8s.io/v1');
  const namespace = service.metadata.namespace ?? null;
  for (const slice of plan.remove) {
    await resource.delete(namespace, slice.metadata.name ?? '').catch((error: unknown) => {
      if (!isStatus(error, 404)) throw error;
    });
    tracker.expectDeleted(key, slice);
  }
  for (const slice of plan.update) tracker.expect(key, await resource.update(namespace, slice, { fieldManager }));
  for (const slice of plan.create) tracker.expect(key, await resource.create(namespace, slice, { fieldManager }));
}

function sameLabels(a: KubeObject, b: KubeObject): boolean {
  const left = a.metadata.labels ?? {};
  const right = b.metadata.labels ?? {};
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((k) => left[k] === right[k]);
}
