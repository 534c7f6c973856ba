/**
 * The agent's service proxy: informers on Services, EndpointSlices and Nodes feed the
 * rule builder; changes are written at once as incremental syncs, and everything is
 * rewritten by a full sync at start and every minute (repairing rules someone else
 * changed). Runs until stopped; with `cleanupOnStop` it removes its rules on the way out.
 */
import { InformerFactory, realClock, sleep, type ApiClient, type Informer } from '../../client/index.ts';
import type { Logger } from '../../util/log.ts';
import { hostIpv4Addresses } from '../../util/ip.ts';
import { checkChainPrefix, nodeChainPrefix, skiffChainMark } from './chain-names.ts';
import { hostRunner, type CommandRunner } from './command-runner.ts';
import { IptablesApplier, removeOrphanedRules, removeRules } from './iptables-applier.ts';
import { buildIptablesRules } from './iptables-rules.ts';
import { checkIpvsSupport, IpvsApplier, removeIpvsServices } from './ipvs-applier.ts';
import { buildIpvsServices } from './ipvs-rules.ts';
import { nodeServesLoadBalancers } from './load-balancer-nodes.ts';
import { sliceServiceKey } from './model.ts';
import { ServicePortsCache } from './service-ports-cache.ts';
import type { NodeContext, ServicePort } from './types.ts';

export type ProxyMode = 'iptables' | 'ipvs';

export interface ProxyOptions {
  api: ApiClient;
  nodeName: string;
  /** This node's pod subnet; traffic to cluster IPs from elsewhere is masqueraded. */
  podCidr: string | null;
  mode: ProxyMode;
  log: Logger;
  /** Default: commands on this machine. */
  runner?: CommandRunner;
  /** Default: nodeChainPrefix(nodeName, podCidr). */
  chainPrefix?: string;
  /** Addresses node ports are served on (default 127.0.0.1 and this machine's IPv4 addresses), read before each sync. */
  nodeAddresses?: () => string[];
  /** Default 60 s. */
  fullSyncIntervalMs?: number;
  /** Remove every rule of this node when stopped. */
  cleanupOnStop?: boolean;
  /** Service ports served on this node without a Service object (the cluster DNS address). */
  nodeLocalServices?: readonly ServicePort[];
}

export interface RunningProxy {
  stop(): Promise<void>;
}

/** How often node addresses are compared with the last sync's. */
const addressCheckMs = 5_000;
/** Changes arriving within this window are written together. */
const coalesceMs = 10;

/** Starts the proxy; rejects (ProxyModeError) only when the mode cannot work on this machine. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const runner = options.runner ?? hostRunner();
  if (options.mode === 'ipvs') await checkIpvsSupport(runner);
  const prefix = options.chainPrefix ?? nodeChainPrefix(options.nodeName, options.podCidr ?? '');
  checkChainPrefix(prefix);
  const stop = new AbortController();
  const factory = new InformerFactory(options.api, { onError: (error) => options.log.debug('proxy watch retrying', { error }) });
  const services = factory.informer('Service');
  const slices = factory.informer('EndpointSlice');
  slices.store.addIndexer('service', (slice) => {
    const key = sliceServiceKey(slice);
    return key === null ? [] : [key];
  });
  const nodes = factory.informer('Node');
  const loop = new SyncLoop(options, runner, prefix, services, slices, nodes);
  for (const informer of [services, slices, nodes]) {
    informer.addHandlers({ onAdd: () => loop.poke(), onUpdate: () => loop.poke(), onDelete: () => loop.poke() });
  }
  factory.start(stop.signal);
  const running = loop.run(factory, stop.signal).catch((error: unknown) => options.log.error('service proxy stopped', { error }));
  options.log.info('service proxy starting', { mode: options.mode, chains: prefix });
  return {
    async stop() {
      stop.abort();
      await Promise.allSettled([running, factory.stopped()]);
      if (options.cleanupOnStop) await loop.cleanup();
    },
  };
}

class SyncLoop {
  readonly #options: ProxyOptions;
  readonly #iptables: IptablesApplier;
  readonly #ipvs: IpvsApplier;
  readonly #services: Informer;
  readonly #slices: Informer;
  readonly #nodes: Informer;
  readonly #prefix: string;
  readonly #runner: CommandRunner;
  readonly #cache = new ServicePortsCache();
  /** Chains of stopped agents are collected once, after this agent's first write. */
  #orphansChecked = false;
  #dirty = true;
  #wake: (() => void) | null = null;
  #lastNode: NodeContext | null = null;

  constructor(options: ProxyOptions, runner: CommandRunner, prefix: string, services: Informer, slices: Informer, nodes: Informer) {
    this.#options = options;
    this.#prefix = prefix;
    this.#runner = runner;
    this.#iptables = new IptablesApplier(runner, prefix, `pid=${process.pid} node=${options.nodeName}`);
    this.#ipvs = new IpvsApplier(runner, prefix);
    this.#services = services;
    this.#slices = slices;
    this.#nodes = nodes;
  }

  /** Something changed: sync soon. */
  poke(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  async run(factory: InformerFactory, signal: AbortSignal): Promise<void> {
    if (!(await factory.waitForSync(signal))) return;
    const interval = this.#options.fullSyncIntervalMs ?? 60_000;
    let nextFull = 0;
    let failures = 0;
    while (!signal.aborted) {
      const now = Date.now();
      if (this.#dirty || now >= nextFull || this.#addressesChanged()) {
        if (!(await sleep(realClock, coalesceMs, signal))) break;
        const full = Date.now() >= nextFull;
        this.#dirty = false;
        try {
          await this.#sync(full);
          if (full) nextFull = Date.now() + interval;
          failures = 0;
        } catch (error) {
          failures++;
          this.#dirty = true;
          nextFull = 0;
          this.#options.log.error('service rules not applied; retrying', { error, attempt: failures });
          await sleep(realClock, Math.min(30_000, 500 * 2 ** Math.min(failures, 6)), signal);
        }
        continue;
      }
      await this.#idle(Math.min(addressCheckMs, Math.max(0, nextFull - now)), signal);
    }
  }

  async cleanup(): Promise<void> {
    try {
      if (this.#options.mode === 'ipvs') await this.#ipvs.cleanup(this.#lastNode ?? this.#nodeContext());
      const removed = await this.#iptables.cleanup();
      this.#options.log.info('service rules removed', { chains: removed });
    } catch (error) {
      this.#options.log.error('service rules not removed', { error });
    }
  }

  async #sync(full: boolean): Promise<void> {
    const started = performance.now();
    const node = this.#nodeContext();
    const ports = [
      ...this.#cache.ports(this.#services.store.list(), (key) => this.#slices.store.byIndex('service', key)),
      ...(this.#options.nodeLocalServices ?? []),
    ];
    if (this.#options.mode === 'ipvs') {
      await this.#ipvs.sync(buildIpvsServices(ports, node), node);
      this.#lastNode = node;
      return;
    }
    const rules = buildIptablesRules(ports, node, this.#prefix);
    const result = full ? await this.#iptables.fullSync(rules) : await this.#iptables.incrementalSync(rules);
    this.#lastNode = node;
    if (!this.#orphansChecked) {
      this.#orphansChecked = true;
      const removed = await removeOrphanedRules(this.#runner, this.#prefix);
      if (removed.length > 0) this.#options.log.info('removed the service rules of stopped agents', { prefixes: removed.join(',') });
    }
    if (result.kind !== 'unchanged') {
      this.#options.log.debug('service rules synced', { kind: result.kind, ports: ports.length, bytes: result.bytes, ms: Math.round(performance.now() - started) });
    }
  }

  #nodeContext(): NodeContext {
    const addresses = this.#options.nodeAddresses?.() ?? ['127.0.0.1', ...hostIpv4Addresses()];
    return {
      nodeName: this.#options.nodeName,
      addresses: [...new Set(addresses)],
      localPodCidr: this.#options.podCidr,
      servesLoadBalancers: nodeServesLoadBalancers(this.#options.nodeName, this.#nodes.store.list()),
    };
  }

  #addressesChanged(): boolean {
    if (this.#lastNode === null) return false;
    const now = this.#nodeContext();
    return now.addresses.join(',') !== this.#lastNode.addresses.join(',') || now.servesLoadBalancers !== this.#lastNode.servesLoadBalancers;
  }

  #idle(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }
}

/**
 * One-shot cleanup: removes every rule any skiff agent made on this machine (chains
 * starting with SKIFF- and the jumps into them, IPVS services on skiff's interface or on
 * `nodeAddresses`); resolves to the number of chains removed.
 */
export async function cleanupAllProxyRules(runner: CommandRunner = hostRunner(), nodeAddresses: readonly string[] = ['127.0.0.1', ...hostIpv4Addresses()]): Promise<number> {
  await removeIpvsServices(runner, nodeAddresses);
  return removeRules(runner, (chain) => chain.startsWith(skiffChainMark));
}
