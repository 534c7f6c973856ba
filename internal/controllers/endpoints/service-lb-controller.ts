/**
 * The ServiceLB controller: keeps status.loadBalancer.ingress of LoadBalancer Services
 * equal to the addresses of the nodes that serve load balancers (the proxy on those
 * nodes answers on every node address at the Service's port).
 */
import { InformerFactory, objectKey, WorkQueue, type ApiClient } from '../../client/index.ts';
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Logger } from '../../util/log.ts';
import { runWorkers } from '../queue-workers.ts';
import { desiredIngress, ingressNeedsUpdate } from './lb-ingress.ts';


/** Runs until `signal` aborts. */
export async function runServiceLbController(api: ApiClient, log: Logger, signal: AbortSignal): Promise<void> {
  const factory = new InformerFactory(api, { onError: (error) => log.debug('watch retrying', { error }) });
  const services = factory.informer('Service');
  const nodes = factory.informer('Node');
  const queue = new WorkQueue<string>();
  const enqueue = (service: KubeObject): void => queue.add(objectKey(service));
  services.addHandlers({ onAdd: enqueue, onUpdate: (_, s) => enqueue(s) });
  const allServices = (): void => {
    for (const service of services.store.list()) enqueue(service);
  };
  nodes.addHandlers({ onAdd: allServices, onUpdate: allServices, onDelete: allServices });
  factory.start(signal);
  signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  if (!(await factory.waitForSync(signal))) return;
  allServices();
  const resource = api.resource('Service', 'v1');
  const sync = async (key: string): Promise<void> => {
    const service = services.store.get(key);
    const desired = service === undefined ? null : desiredIngress(service, nodes.store.list());
    if (service !== undefined && desired !== null && ingressNeedsUpdate(service, desired)) {
      await resource.patch(service.metadata.namespace ?? null, service.metadata.name ?? '', { status: { loadBalancer: { ingress: desired } } }, 'merge', { subresource: 'status', fieldManager: 'service-lb-controller' });
    }
  };
  await runWorkers({ queue, workers: 1, sync, log });
  await factory.stopped();
}
