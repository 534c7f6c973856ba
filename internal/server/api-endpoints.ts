/**
 * The endpoints of the `kubernetes` Service: every running server, as kube-apiserver's
 * lease endpoint reconciler keeps them. On a server of an HA control plane each server
 * keeps `/registry/masterleases/<ip>` alive under a datastore lease (15 s, renewed every
 * 5 s) and rewrites the Endpoints and EndpointSlices to the addresses with a live key: a
 * server that stops deletes its key, a killed one's key expires with its lease. A lone
 * server lists itself and writes nothing periodically (an SD card is spared the renewals).
 */
import type { StorageRegistry } from '../apiserver/registry.ts';
import { ApiError } from '../apiserver/status.ts';
import { sleep, realClock } from '../client/index.ts';
import { LeaseNotFoundError } from '../datastore/errors.ts';
import type { Backend } from '../datastore/types.ts';
import { parseIpv4 } from '../util/ip.ts';
import type { Logger } from '../util/log.ts';
import { upsert } from './bootstrap.ts';

export interface ApiAddress {
  ip: string;
  port: number;
}

export const masterLeasePrefix = '/registry/masterleases/';
const leaseTtlSeconds = 15;
const renewEveryMs = 5_000;
const serviceName = 'kubernetes';

interface EndpointsContent {
  subsets: Array<{ addresses: Array<{ ip: string }>; ports: Array<{ name: string; port: number; protocol: string }> }>;
}

interface SliceContent {
  name: string;
  addressType: 'IPv4';
  endpoints: Array<{ addresses: string[]; conditions: { ready: boolean } }>;
  ports: Array<{ name: string; port: number; protocol: string }>;
}

const ipOrder = (a: string, b: string): number => (parseIpv4(a) ?? 0) - (parseIpv4(b) ?? 0);

/**
 * The Endpoints subsets and EndpointSlices that list `addresses`: servers normally share
 * one port; any that differ get a subset and a slice (`kubernetes-<port>`) of their own.
 */
export function apiEndpointObjects(addresses: readonly ApiAddress[]): { endpoints: EndpointsContent; slices: SliceContent[] } {
  const byPort = new Map<number, string[]>();
  for (const { ip, port } of addresses) byPort.set(port, [...(byPort.get(port) ?? []), ip]);
  const groups = [...byPort].sort(([a], [b]) => a - b).map(([port, ips]) => ({ port, ips: [...new Set(ips)].sort(ipOrder) }));
  const ports = (port: number) => [{ name: 'https', port, protocol: 'TCP' }];
  return {
    endpoints: { subsets: groups.map(({ port, ips }) => ({ addresses: ips.map((ip) => ({ ip })), ports: ports(port) })) },
    slices: groups.map(({ port, ips }, i) => ({
      name: i === 0 ? serviceName : `${serviceName}-${port}`,
      addressType: 'IPv4',
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
      ports: ports(port),
    })),
  };
}

export interface ApiEndpointsOptions {
  registry: StorageRegistry;
  store: Backend;
  /** Where this server's API is reached. */
  self: ApiAddress;
  /** Whether other servers share the datastore (an HA control plane). */
  shared: boolean;
  log: Logger;
}

export class ApiEndpoints {
  readonly #options: ApiEndpointsOptions;
  readonly #key: string;
  #lease = 0;
  /** Set once this server withdraws: no update may announce it again. */
  #withdrawn = false;
  /** Updates run one after another, so a late periodic one cannot undo the withdrawal. */
  #last: Promise<void> = Promise.resolve();

  constructor(options: ApiEndpointsOptions) {
    this.#options = options;
    this.#key = `${masterLeasePrefix}${options.self.ip}`;
  }

  /** Announces this server and lists it (at start-up, before agents rely on the Service). */
  async register(): Promise<void> {
    await this.#serially(async () => {
      if (this.#options.shared) await this.#renew();
      await this.reconcile();
    });
  }

  /** Renews the announcement and rewrites the endpoints every 5 s until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (await sleep(realClock, renewEveryMs, signal)) {
      try {
        await this.#serially(async () => {
          if (this.#withdrawn) return;
          if (this.#options.shared) await this.#renew();
          await this.reconcile();
        });
      } catch (error) {
        if (signal.aborted) return;
        // A conflict with another server's rewrite, or no datastore leader for now: next round.
        this.#options.log.debug('updating the kubernetes Service endpoints failed; trying again', { error: String(error) });
      }
    }
  }

  /** Withdraws this server (it is stopping) and rewrites the endpoints without it. */
  async unregister(): Promise<void> {
    this.#withdrawn = true;
    if (!this.#options.shared) return;
    await this.#serially(async () => {
      await this.#options.store.delete(this.#key);
      // A lease that already expired has nothing left to revoke.
      if (this.#lease !== 0) {
        await this.#options.store.revokeLease(this.#lease).catch((error: unknown) => {
          if (!(error instanceof LeaseNotFoundError)) throw error;
        });
      }
      this.#lease = 0;
      await this.reconcile();
    });
  }

  #serially(update: () => Promise<void>): Promise<void> {
    const next = this.#last.catch(() => undefined).then(update);
    this.#last = next;
    return next;
  }

  /** The announced servers (this one included unless it has withdrawn). */
  async addresses(): Promise<ApiAddress[]> {
    if (!this.#options.shared) return [this.#options.self];
    const { kvs } = await this.#options.store.range({ prefix: masterLeasePrefix });
    return kvs.flatMap((kv) => {
      try {
        const value = JSON.parse(new TextDecoder().decode(kv.value)) as Partial<ApiAddress>;
        return typeof value.ip === 'string' && typeof value.port === 'number' ? [{ ip: value.ip, port: value.port }] : [];
      } catch {
        this.#options.log.warn('ignoring an unreadable API server announcement', { key: kv.key });
        return [];
      }
    });
  }

  /** Rewrites the Endpoints and EndpointSlices where they differ from the announced servers. */
  async reconcile(): Promise<void> {
    const { registry } = this.#options;
    const wanted = apiEndpointObjects(await this.addresses());
    await upsert(registry.get('', 'v1', 'endpoints'), serviceName, {
      metadata: { name: serviceName, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      ...wanted.endpoints,
    });
    const slices = registry.get('discovery.k8s.io', 'v1', 'endpointslices');
    for (const { name, ...content } of wanted.slices) {
      await upsert(slices, name, { metadata: { name, labels: { 'kubernetes.io/service-name': serviceName } }, ...content });
    }
    const names = new Set(wanted.slices.map((slice) => slice.name));
    const existing = await slices.list({ namespace: 'default', labelSelector: (labels) => labels['kubernetes.io/service-name'] === serviceName });
    for (const slice of existing.items) {
      const name = slice.metadata.name ?? '';
      if (names.has(name) || !/^kubernetes(-\d+)?$/.test(name)) continue;
      await slices.delete('default', name).catch((error: unknown) => {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      });
    }
  }

  /** Keeps the lease alive, or takes a new one (and writes the key again) once it expired. */
  async #renew(): Promise<void> {
    const { store, self } = this.#options;
    if (this.#lease !== 0) {
      try {
        await store.keepAliveLease(this.#lease);
        return;
      } catch (error) {
        if (!(error instanceof LeaseNotFoundError)) throw error;
      }
    }
    const lease = await store.grantLease(leaseTtlSeconds);
    this.#lease = lease.id;
    const value = new TextEncoder().encode(JSON.stringify(self));
    await store.txn({ compare: [], success: [{ type: 'put', key: this.#key, value, lease: lease.id }], failure: [] });
  }
}
