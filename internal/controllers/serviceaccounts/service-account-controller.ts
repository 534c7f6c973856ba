/**
 * The service account controller of kube-controller-manager: every active namespace has a
 * ServiceAccount named `default`, created when the namespace appears and again whenever it
 * is deleted. Terminating namespaces are left alone (their content is being removed).
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import { ApiStatusError, InformerFactory, WorkQueue, type ApiClient } from '../../client/index.ts';
import type { Logger } from '../../util/log.ts';
import { runWorkers } from '../queue-workers.ts';

export interface ServiceAccountControllerOptions {
  api: ApiClient;
  log: Logger;
  /** The accounts every namespace gets (default ["default"]). */
  names?: readonly string[];
}

/** Whether the namespace takes new content: not being deleted, phase Active (or not yet set). */
export function namespaceActive(namespace: KubeObject): boolean {
  if (namespace.metadata.deletionTimestamp !== undefined) return false;
  const phase = (namespace.status as { phase?: unknown } | undefined)?.phase;
  return phase === undefined || phase === 'Active';
}

/** The accounts among `names` that the namespace lacks, given the names it has. */
export function missingAccounts(names: readonly string[], existing: (name: string) => boolean): string[] {
  return names.filter((name) => !existing(name));
}

/** Runs the controller until `signal` aborts. */
export async function runServiceAccountController(options: ServiceAccountControllerOptions, signal: AbortSignal): Promise<void> {
  const { api, log } = options;
  const names = options.names ?? ['default'];
  const factory = new InformerFactory(api, { onError: (error) => log.debug('watch retrying', { error }) });
  const namespaces = factory.informer<KubeObject>('Namespace');
  const accounts = factory.informer<KubeObject>('ServiceAccount', names.length === 1 ? { fieldSelector: `metadata.name=${names[0] ?? ''}` } : {});
  const queue = new WorkQueue<string>();
  namespaces.addHandlers({ onAdd: (ns) => queue.add(ns.metadata.name ?? ''), onUpdate: (_, ns) => queue.add(ns.metadata.name ?? '') });
  accounts.addHandlers({ onDelete: (sa) => queue.add(sa.metadata.namespace ?? '') });
  const resource = api.resource('ServiceAccount', 'v1');

  const sync = async (namespace: string): Promise<void> => {
    const object = namespaces.store.get(namespace);
    if (object === undefined || !namespaceActive(object)) return;
    for (const name of missingAccounts(names, (n) => accounts.store.get(`${namespace}/${n}`) !== undefined)) {
      try {
        await resource.create(namespace, { metadata: { name } }, { fieldManager: 'service-account-controller' });
        log.debug('service account created', { namespace, name });
      } catch (error) {
        // 409: created meanwhile; 403/404: the namespace began terminating or went away.
        if (error instanceof ApiStatusError && [403, 404, 409].includes(error.code)) continue;
        throw error;
      }
    }
  };

  factory.start(signal);
  signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  try {
    if (!(await factory.waitForSync(signal))) return;
    log.info('service account controller started');
    await runWorkers({ queue, workers: 1, sync, log });
  } finally {
    queue.shutDown();
    await factory.stopped();
  }
}
