/**
 * The IPVS rule builder: Service ports and this node → IPVS virtual services with their
 * real servers, written as `ipvsadm-restore` input, the way kube-proxy's IPVS mode
 * lays them out (cluster IPs, node ports on each node address, external and
 * load-balancer addresses; round robin; ClientIP affinity as persistence; NAT
 * forwarding). Pure, like the iptables builder.
 */
import { categorizeEndpoints } from './endpoint-categories.ts';
import { externallyAccessible, type NodeContext, type Protocol, type ServicePort } from './types.ts';

export interface IpvsRealServer {
  address: string;
  port: number;
  weight: number;
}

export interface IpvsService {
  protocol: Protocol;
  address: string;
  port: number;
  scheduler: string;
  /** Persistence timeout in seconds (ClientIP affinity); 0 for none. */
  persistence: number;
  realServers: IpvsRealServer[];
}

const scheduler = 'rr';

/** The virtual services of `ports` on `node`, sorted by address, port and protocol. */
export function buildIpvsServices(ports: readonly ServicePort[], node: NodeContext): IpvsService[] {
  const byKey = new Map<string, IpvsService>();
  for (const port of ports) {
    const { cluster, local } = categorizeEndpoints(port, node);
    const internal = port.internalPolicyLocal ? local : cluster;
    const external = port.externalPolicyLocal ? local : cluster;
    const add = (address: string, number: number, endpoints: typeof cluster): void => {
      const service: IpvsService = {
        protocol: port.protocol,
        address,
        port: number,
        scheduler,
        persistence: port.affinitySeconds,
        realServers: endpoints.map((e) => ({ address: e.ip, port: e.port, weight: 1 })),
      };
      byKey.set(serviceKey(service), service);
    };
    add(port.clusterIp, port.port, internal);
    if (!externallyAccessible(port, node)) continue;
    for (const ip of [...port.externalIps, ...port.loadBalancerIps]) add(ip, port.port, external);
    for (const address of node.addresses) {
      if (port.nodePort !== 0) add(address, port.nodePort, external);
      if (port.loadBalancer && node.servesLoadBalancers) add(address, port.port, external);
    }
  }
  return [...byKey.values()].sort(compareServices);
}

/** The addresses virtual services listen on that must be bound to a local dummy interface (not the node's own). */
export function ipvsBoundAddresses(services: readonly IpvsService[], node: NodeContext): string[] {
  const own = new Set(node.addresses);
  return [...new Set(services.map((s) => s.address).filter((address) => !own.has(address)))].sort();
}

/** ipvsadm-restore input that turns `current` (from ipvsadm-save, already limited to skiff's) into `desired`. */
export function ipvsUpdateText(current: readonly IpvsService[], desired: readonly IpvsService[]): string {
  const out: string[] = [];
  const before = new Map(current.map((s) => [serviceKey(s), s]));
  const wanted = new Set(desired.map(serviceKey));
  for (const service of current) if (!wanted.has(serviceKey(service))) out.push(`-D ${virtual(service)}`);
  for (const service of desired) {
    const previous = before.get(serviceKey(service));
    if (previous === undefined) {
      out.push(`-A ${virtual(service)}${options(service)}`);
      for (const real of service.realServers) out.push(`-a ${virtual(service)} ${realServer(real)}`);
      continue;
    }
    if (previous.scheduler !== service.scheduler || previous.persistence !== service.persistence) out.push(`-E ${virtual(service)}${options(service)}`);
    const had = new Map(previous.realServers.map((r) => [`${r.address}:${r.port}`, r]));
    const keep = new Set(service.realServers.map((r) => `${r.address}:${r.port}`));
    for (const real of previous.realServers) if (!keep.has(`${real.address}:${real.port}`)) out.push(`-d ${virtual(service)} -r ${real.address}:${real.port}`);
    for (const real of service.realServers) {
      const old = had.get(`${real.address}:${real.port}`);
      if (old === undefined) out.push(`-a ${virtual(service)} ${realServer(real)}`);
      else if (old.weight !== real.weight) out.push(`-e ${virtual(service)} ${realServer(real)}`);
    }
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

/** Parses `ipvsadm-save -n` output (numeric addresses). Lines it does not know are skipped. */
export function parseIpvsadmSave(text: string): IpvsService[] {
  const services = new Map<string, IpvsService>();
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    const [command, flag, target] = words;
    const protocol = flag === '-t' ? 'TCP' : flag === '-u' ? 'UDP' : flag === '--sctp-service' ? 'SCTP' : null;
    if (protocol === null || target === undefined) continue;
    const [address, port] = splitHostPort(target);
    const key = `${protocol} ${address}:${port}`;
    if (command === '-A') {
      services.set(key, { protocol, address, port, scheduler: valueAfter(words, '-s') ?? 'wlc', persistence: words.includes('-p') ? Number(valueAfter(words, '-p') ?? 300) : 0, realServers: [] });
    } else if (command === '-a') {
      const real = valueAfter(words, '-r');
      if (real === undefined) continue;
      const [realAddress, realPort] = splitHostPort(real);
      services.get(key)?.realServers.push({ address: realAddress, port: realPort, weight: Number(valueAfter(words, '-w') ?? 1) });
    }
  }
  return [...services.values()];
}

function virtual(service: IpvsService): string {
  const flag = service.protocol === 'TCP' ? '-t' : service.protocol === 'UDP' ? '-u' : '--sctp-service';
  return `${flag} ${service.address}:${service.port}`;
}

function options(service: IpvsService): string {
  return ` -s ${service.scheduler}${service.persistence > 0 ? ` -p ${service.persistence}` : ''}`;
}

function realServer(real: IpvsRealServer): string {
  return `-r ${real.address}:${real.port} -m -w ${real.weight}`;
}

function serviceKey(service: IpvsService): string {
  return `${service.protocol} ${service.address}:${service.port}`;
}

function splitHostPort(text: string): [string, number] {
  const colon = text.lastIndexOf(':');
  return [text.slice(0, colon), Number(text.slice(colon + 1))];
}

function valueAfter(words: readonly string[], flag: string): string | undefined {
  const index = words.indexOf(flag);
  return index < 0 ? undefined : words[index + 1];
}

function compareServices(a: IpvsService, b: IpvsService): number {
  return a.address.localeCompare(b.address, 'en', { numeric: true }) || a.port - b.port || a.protocol.localeCompare(b.protocol);
}
