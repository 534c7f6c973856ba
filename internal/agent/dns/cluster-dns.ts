/**
 * The node's cluster DNS server: Services, EndpointSlices, Pods and Namespaces cached by
 * informers, answered by the resolver, everything else forwarded to the host's resolvers;
 * served on UDP and TCP at this node's pod network gateway, which every pod on the node
 * reaches. The gateway address exists once the pod network does, so binding is retried.
 */
import { realClock, sleep, type InformerFactory } from '../../client/index.ts';
import type { Logger } from '../../util/log.ts';
import { StoreRecords } from './cluster-records.ts';
import { Forwarder } from './forwarder.ts';
import { handleQuery } from './handler.ts';
import { listenDns, type DnsListener } from './listener.ts';
import type { PodRecordMode } from './lookup.ts';
import { ResolvConfUpstreams } from './resolv-conf.ts';
import { ClusterResolver } from './resolver.ts';

export interface ClusterDnsOptions {
  /** Shared informers of the agent; the Service cache is also what pods' service variables come from. */
  informers: InformerFactory;
  /** Address to serve on: this node's pod network gateway. */
  address: string;
  /** Default 53. */
  port?: number;
  /** Cluster domain, e.g. cluster.local. */
  domain: string;
  /** Cluster IP of the DNS service, the answer for ns.dns.<domain>; default 10.43.0.10. */
  serviceAddress?: string;
  /** resolv.conf naming the upstream resolvers; default /etc/resolv.conf (see resolv-conf.ts). */
  resolvConf?: string;
  podRecords?: PodRecordMode;
  log: Logger;
  signal: AbortSignal;
  /** Called with the port once serving (tests bind port 0). */
  onListening?(port: number): void;
}

/** Serves cluster DNS until `signal` aborts. */
export async function runClusterDns(options: ClusterDnsOptions): Promise<void> {
  const { informers, log, signal } = options;
  const resources = {
    services: informers.informer('Service'),
    endpointSlices: informers.informer('EndpointSlice'),
    pods: informers.informer('Pod'),
    namespaces: informers.informer('Namespace'),
  };
  // The SOA serial is the time of the last change seen, as CoreDNS's.
  let serial = Math.floor(Date.now() / 1000);
  const touch = (): void => void (serial = Math.floor(Date.now() / 1000));
  for (const informer of Object.values(resources)) informer.addHandlers({ onAdd: touch, onUpdate: touch, onDelete: touch });
  const records = new StoreRecords({
    services: resources.services.store,
    endpointSlices: resources.endpointSlices.store,
    pods: resources.pods.store,
    namespaces: resources.namespaces.store,
  });
  const resolver = new ClusterResolver(records, {
    zone: options.domain,
    nameservers: [options.serviceAddress ?? '10.43.0.10'],
    serial: () => serial,
    ...(options.podRecords ? { podRecords: options.podRecords } : {}),
  });
  const upstreams = new ResolvConfUpstreams(options.resolvConf);
  const forwarder = new Forwarder({ upstreams: () => upstreams.current() });
  const ready = (): boolean => Object.values(resources).every((informer) => informer.hasSynced());
  const port = options.port ?? 53;

  let listener: DnsListener | undefined;
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      listener = await listenDns({
        address: options.address,
        port,
        handle: (message, transport) => handleQuery(message, transport, {
          resolver,
          forwarder,
          ready,
          onError: (error, question) => log.debug('cluster DNS could not answer', { name: question.name, type: question.type, error }),
        }),
        onError: (error) => log.debug('cluster DNS exchange failed', { error }),
      });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The gateway address appears once the pod network is created; anything else is worth a warning.
      if (attempt === 0 || (code !== 'EADDRNOTAVAIL' && attempt % 10 === 0)) {
        const fields = { address: `${options.address}:${port}`, error };
        if (code === 'EADDRNOTAVAIL') log.info('cluster DNS waits for the pod network address', fields);
        else log.warn('cluster DNS cannot listen yet; retrying', fields);
      }
      await sleep(realClock, Math.min(5000, 250 * 2 ** Math.min(attempt, 5)), signal);
    }
  }
  if (listener === undefined) return;
  log.info('cluster DNS serving', { address: `${options.address}:${listener.port}`, domain: options.domain, upstreams: upstreams.current().map((u) => u.address) });
  options.onListening?.(listener.port);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await listener.close();
}
