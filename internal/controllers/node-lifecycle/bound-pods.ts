/**
 * A cache of the pods bound to nodes, indexed by node, that runs only while it is needed:
 * the taint eviction loop looks at pods only while some node has a NoExecute taint, which
 * in a healthy cluster is never, so most of the time no copy of every pod is held and no
 * pod watch is served for it.
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import { InformerFactory, type ApiClient, type Informer } from '../../client/index.ts';
import type { Logger } from '../../util/log.ts';

const nodeIndex = 'node';

export class BoundPods {
  readonly #api: ApiClient;
  readonly #log: Logger;
  readonly #onAdd: (pod: KubeObject) => void;
  #running: { informer: Informer<KubeObject>; stop: AbortController; factory: InformerFactory } | undefined;

  /** `onAdd` hears of pods that appear while the cache runs. */
  constructor(api: ApiClient, log: Logger, onAdd: (pod: KubeObject) => void) {
    this.#api = api;
    this.#log = log;
    this.#onAdd = onAdd;
  }

  /** Starts the cache if it is not running; resolves once it is synced (false if `signal` aborted first). */
  async start(signal: AbortSignal): Promise<boolean> {
    if (this.#running === undefined) {
      const stop = new AbortController();
      const factory = new InformerFactory(this.#api, { onError: (error) => this.#log.debug('pod watch retrying', { error }) });
      const informer = factory.informer<KubeObject>('Pod', { fieldSelector: 'spec.nodeName!=' });
      informer.store.addIndexer(nodeIndex, (pod) => {
        const spec = pod.spec as { nodeName?: string } | undefined;
        return spec?.nodeName ? [spec.nodeName] : [];
      });
      informer.addHandlers({ onAdd: (pod) => this.#onAdd(pod) });
      factory.start(AbortSignal.any([signal, stop.signal]));
      this.#running = { informer, stop, factory };
    }
    return this.#running.informer.waitForSync(signal);
  }

  /** The pods bound to `node` (none while stopped). */
  onNode(node: string): KubeObject[] {
    return this.#running?.informer.store.byIndex(nodeIndex, node) ?? [];
  }

  /** Stops the cache and drops what it held. */
  async stop(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    this.#running = undefined;
    running.stop.abort();
    await running.factory.stopped();
  }
}
