/**
 * Cluster IPs and node ports of Services. Each allocation is a key in the datastore
 * (`/registry/ranges/...`) created in the same transaction as the Service, so two
 * Services can never hold the same IP or port, even when created at the same moment.
 */
import { randomInt } from 'node:crypto';
import type { Backend, Compare, Op } from '../../datastore/types.ts';
import { cidrContains, formatIpv4, parseIpv4, type Ipv4Cidr } from '../../util/ip.ts';
import type { TxnExtras } from '../lifecycle.ts';
import { isPlainObject, type JsonObject, type KubeObject } from '../objects.ts';
import { invalid, type StatusCause } from '../status.ts';

export const serviceIpPrefix = '/registry/ranges/serviceips/';
export const nodePortPrefix = '/registry/ranges/servicenodeports/';

export interface ServiceNetwork {
  serviceCidr: Ipv4Cidr;
  /** Kept out of automatic allocation (the DNS service asks for it by address). */
  reservedIps: readonly string[];
  nodePortMin: number;
  nodePortMax: number;
}

const encoder = new TextEncoder();

/** Fills spec.clusterIP(s) and node ports, and returns the transaction's allocation keys. */
export async function allocateService(service: KubeObject, previous: KubeObject | null, network: ServiceNetwork, store: Backend): Promise<TxnExtras> {
  const spec = specOf(service);
  const oldSpec = previous === null ? null : specOf(previous);
  const owner = `${service.metadata.namespace ?? ''}/${service.metadata.name ?? ''}`;
  const name = service.metadata.name ?? '';
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const causes: StatusCause[] = [];
  let retryable = false;

  // Cluster IP.
  const wantedKeys = new Set<string>();
  if (type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    let ip = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
    if (ip === '' && oldSpec !== null && typeof oldSpec.clusterIP === 'string' && oldSpec.clusterIP !== '') ip = oldSpec.clusterIP;
    if (ip === '') {
      ip = await pickIp(network, store);
      retryable = true;
    } else if (ip !== 'None') {
      const value = parseIpv4(ip);
      if (value === null) causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: `Invalid value: "${ip}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)` });
      else if (!cidrContains(network.serviceCidr, value)) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is not in the valid range. The range of valid IPs is ${formatIpv4(network.serviceCidr.base)}/${network.serviceCidr.prefix}` });
      } else if (!(await ownedBy(store, serviceIpPrefix + ip, owner))) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is already allocated` });
      }
    }
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    if (ip !== 'None') wantedKeys.add(serviceIpPrefix + ip);
  }

  // Node ports.
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isPlainObject) : [];
  const needsNodePorts = type === 'NodePort' || type === 'LoadBalancer';
  const oldPorts = oldSpec !== null && Array.isArray(oldSpec.ports) ? oldSpec.ports.filter(isPlainObject) : [];
  const taken = new Set<number>();
  for (const [index, port] of ports.entries()) {
    let nodePort = typeof port.nodePort === 'number' ? port.nodePort : 0;
    if (!needsNodePorts) {
      // A type change away from NodePort drops the ports the Service held, unless the client set new ones.
      const held = oldPorts.some((p) => p.nodePort === nodePort);
      if (nodePort !== 0 && !held) {
        causes.push({ reason: 'FieldValueForbidden', field: `spec.ports[${index}].nodePort`, message: `Forbidden: may not be used when \`type\` is '${type}'` });
      }
      delete port.nodePort;
      continue;
    }
    if (nodePort === 0) {
      const old = oldPorts.find((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
      if (old !== undefined && typeof old.nodePort === 'number' && old.nodePort !== 0) nodePort = old.nodePort;
    }
    if (nodePort === 0) {
      nodePort = await pickNodePort(network, store, taken);
      retryable = true;
    } else if (nodePort < network.nodePortMin || nodePort > network.nodePortMax) {
      causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${index}].nodePort`, message: `Invalid value: ${nodePort}: provided port is not in the valid range. The range of valid ports is ${network.nodePortMin}-${network.nodePortMax}` });
    } else if (!(await ownedBy(store, nodePortPrefix + nodePort, owner))) {
      causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${index}].nodePort`, message: `Invalid value: ${nodePort}: provided port is already allocated` });
    }
    taken.add(nodePort);
    port.nodePort = nodePort;
    wantedKeys.add(nodePortPrefix + nodePort);
  }
  if (causes.length > 0) throw invalid('Service', '', name, causes);

  const heldKeys = previous === null ? new Set<string>() : new Set(serviceKeys(previous));
  const compare: Compare[] = [];
  const ops: Op[] = [];
  for (const key of wantedKeys) {
    if (heldKeys.has(key)) continue;
    compare.push({ key, target: 'create', result: '=', value: 0 });
    ops.push({ type: 'put', key, value: encoder.encode(owner) });
  }
  for (const key of heldKeys) if (!wantedKeys.has(key)) ops.push({ type: 'delete', key });
  return { compare, ops, retryable };
}

/** Deletes of every allocation key `service` holds. */
export function releaseService(service: KubeObject): Op[] {
  return serviceKeys(service).map((key) => ({ type: 'delete', key }));
}

function serviceKeys(service: KubeObject): string[] {
  const spec = specOf(service);
  const keys: string[] = [];
  if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && spec.clusterIP !== 'None') keys.push(serviceIpPrefix + spec.clusterIP);
  for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
    if (isPlainObject(port) && typeof port.nodePort === 'number' && port.nodePort > 0) keys.push(nodePortPrefix + port.nodePort);
  }
  return [...new Set(keys)];
}

function specOf(service: KubeObject): JsonObject {
  if (!isPlainObject(service.spec)) service.spec = {};
  return service.spec as JsonObject;
}

async function ownedBy(store: Backend, key: string, owner: string): Promise<boolean> {
  const { kv } = await store.get(key);
  return kv === null || new TextDecoder().decode(kv.value) === owner;
}

/**
 * A random free address. Like upstream, automatic allocation prefers the upper part of
 * the range so the lower addresses stay free for Services that ask for one by address.
 */
async function pickIp(network: ServiceNetwork, store: Backend): Promise<string> {
  const used = new Set((await store.range({ prefix: serviceIpPrefix })).kvs.map((kv) => kv.key.slice(serviceIpPrefix.length)));
  for (const reserved of network.reservedIps) used.add(reserved);
  const size = network.serviceCidr.size;
  const lowBand = Math.min(Math.max(16, Math.floor(size / 16)), 256);
  // First address is the network, last the broadcast, .1 the API service.
  const first = size > 4 ? 2 : 1;
  const last = size > 4 ? size - 2 : size - 1;
  for (const [from, to] of [[Math.min(lowBand, last), last], [first, last]] as const) {
    const span = to - from + 1;
    if (span <= 0) continue;
    const offset = randomInt(span);
    for (let i = 0; i < span; i++) {
      const ip = formatIpv4(network.serviceCidr.base + from + ((offset + i) % span));
      if (!used.has(ip)) return ip;
    }
  }
  throw invalid('Service', '', '', [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: 'Internal error: no cluster IP is free in the service range' }]);
}

async function pickNodePort(network: ServiceNetwork, store: Backend, taken: ReadonlySet<number>): Promise<number> {
  const used = new Set((await store.range({ prefix: nodePortPrefix })).kvs.map((kv) => Number(kv.key.slice(nodePortPrefix.length))));
  const span = network.nodePortMax - network.nodePortMin + 1;
  const offset = randomInt(span);
  for (let i = 0; i < span; i++) {
    const port = network.nodePortMin + ((offset + i) % span);
    if (!used.has(port) && !taken.has(port)) return port;
  }
  throw invalid('Service', '', '', [{ reason: 'FieldValueInvalid', field: 'spec.ports', message: 'Internal error: no node port is free in the range' }]);
}
