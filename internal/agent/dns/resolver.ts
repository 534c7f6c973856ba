/**
 * The cluster zone's answers: questions in, DNS records out, as CoreDNS's kubernetes plugin
 * gives them. A name the cluster has no record of is NXDOMAIN; a name that exists without
 * records of the asked type (AAAA of an IPv4 service, TXT of a service) is NOERROR with an
 * empty answer; both carry the zone's SOA so clients can cache the denial. Pure, no IO.
 */
import { isIP } from 'node:net';
import type { Answer, RecordType, SoaAnswer } from 'dns-packet';
import type { ClusterRecordSource } from './cluster-records.ts';
import { endpointLabel, lookup, parseRequest, type Entry, type LookupContext, type PodRecordMode } from './lookup.ts';
import { canonical, dashed, isReverseName, labelsUnder, reverseAddress } from './names.ts';

export interface ResolverOptions {
  /** The cluster domain, e.g. cluster.local. */
  zone: string;
  /** TTL of every answer, in seconds; default 5 (CoreDNS's default). */
  ttl?: number;
  /** Pod address records; default 'insecure', as the Corefiles of k3s and kubeadm set. */
  podRecords?: PodRecordMode;
  /** Addresses of the cluster DNS service, the answer for ns.dns.<zone>. */
  nameservers?: readonly string[];
  /** The SOA serial; should change when the records may have. Default 1. */
  serial?: () => number;
}

export interface Resolution {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  /** A CNAME target outside the cluster: the caller resolves it upstream and appends what it gets. */
  chase?: { name: string; type: RecordType };
}

/** Version of the Kubernetes DNS specification served, answered for TXT dns-version.<zone>. */
const schemaVersion = '1.1.0';
/** A CNAME chain inside the zone longer than this is cut, as CoreDNS cuts it. */
const maxAliases = 8;

interface Addresses {
  answers: Answer[];
  chase?: { name: string; type: RecordType };
}

/** Answers questions about names under the cluster zone and the reverse names of cluster addresses. */
export class ClusterResolver {
  readonly #source: ClusterRecordSource;
  readonly #zone: string;
  readonly #ttl: number;
  readonly #nameservers: readonly string[];
  readonly #serial: () => number;
  readonly #context: LookupContext;

  constructor(source: ClusterRecordSource, options: ResolverOptions) {
    this.#source = source;
    this.#zone = canonical(options.zone);
    this.#ttl = options.ttl ?? 5;
    this.#nameservers = options.nameservers ?? [];
    this.#serial = options.serial ?? (() => 1);
    this.#context = { source, zone: this.#zone, podRecords: options.podRecords ?? 'insecure' };
  }

  /** The answer to a question, or null when the name is not the cluster's to answer (forward it). */
  resolve(name: string, type: RecordType): Resolution | null {
    const labels = labelsUnder(name, this.#zone);
    if (labels === null) return isReverseName(name) && type === 'PTR' ? this.#reverse(name) : null;
    const qname = name.replace(/\.$/, '');
    if (labels.length === 0 && type === 'SOA') return this.#answer([this.#soa()]);
    if (labels.length === 0 && type === 'NS') {
      const ns = `ns.dns.${this.#zone}`;
      return { ...this.#answer([{ type: 'NS', name: qname, ttl: this.#ttl, data: ns }]), additionals: this.#nameserverAddresses(ns, 'A') };
    }
    if (labels.length === 1 && labels[0] === 'dns-version' && type === 'TXT') {
      return this.#answer([{ type: 'TXT', name: qname, ttl: 28800, data: schemaVersion }]);
    }
    if (labels.length === 2 && labels[0] === 'ns' && labels[1] === 'dns') {
      return this.#answer(type === 'A' || type === 'AAAA' ? this.#nameserverAddresses(qname, type) : []);
    }
    const request = parseRequest(labels);
    const entries = request === null ? null : lookup(request, this.#context);
    if (entries === null) return this.#nxdomain();
    switch (type) {
      case 'A':
      case 'AAAA': {
        const { answers, chase } = this.#addresses(qname, type, entries, []);
        return { ...this.#answer(answers), ...(chase ? { chase } : {}) };
      }
      case 'CNAME': {
        const alias = entries.find((e) => isIP(e.host) === 0);
        return this.#answer(alias ? [{ type: 'CNAME', name: qname, ttl: this.#ttl, data: alias.host }] : []);
      }
      case 'SRV':
        return this.#srv(qname, entries);
      default:
        return this.#answer([]);
    }
  }

  #addresses(qname: string, type: 'A' | 'AAAA', entries: Entry[], aliases: string[]): Addresses {
    const answers: Answer[] = [];
    const seen = new Set<string>();
    let chase: Addresses['chase'];
    for (const entry of entries) {
      const family = isIP(entry.host);
      if (family === 0) {
        const target = canonical(entry.host);
        if (target === canonical(qname) || aliases.includes(target) || aliases.length >= maxAliases) continue;
        const cname: Answer = { type: 'CNAME', name: qname, ttl: this.#ttl, data: entry.host };
        const inside = labelsUnder(target, this.#zone);
        if (inside === null) {
          answers.push(cname);
          chase = { name: entry.host, type };
          continue;
        }
        const request = parseRequest(inside);
        const next = request === null ? null : lookup(request, this.#context);
        if (next === null) continue;
        const followed = this.#addresses(entry.host, type, next, [...aliases, canonical(qname)]);
        if (followed.answers.length === 0) continue;
        answers.push(cname, ...followed.answers);
        chase = followed.chase ?? chase;
        continue;
      }
      if ((family === 4) !== (type === 'A') || seen.has(entry.host)) continue;
      seen.add(entry.host);
      answers.push({ type, name: qname, ttl: this.#ttl, data: entry.host });
    }
    return chase === undefined ? { answers } : { answers, chase };
  }

  /** SRV records point at the names the addresses are published under, with those addresses as extras. */
  #srv(qname: string, entries: Entry[]): Resolution {
    const addresses = entries.filter((e) => isIP(e.host) !== 0);
    // Every record has priority 0; the weight shares 100 among them, at least 1 each.
    const weight = Math.max(1, Math.floor(100 / Math.max(1, addresses.length)));
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    const seen = new Set<string>();
    for (const entry of addresses) {
      if (entry.port === -1) continue;
      const record = `${entry.owner}|${entry.port}`;
      if (!seen.has(record)) {
        seen.add(record);
        answers.push({ type: 'SRV', name: qname, ttl: this.#ttl, data: { priority: 0, weight, port: entry.port, target: entry.owner } });
      }
      const address = `${entry.owner}|${entry.host}`;
      if (!seen.has(address)) {
        seen.add(address);
        additionals.push({ type: isIP(entry.host) === 4 ? 'A' : 'AAAA', name: entry.owner, ttl: this.#ttl, data: entry.host });
      }
    }
    return { ...this.#answer(answers), additionals };
  }

  /** PTR for a service's cluster IP, else for endpoint addresses, else for pod addresses; null to forward. */
  #reverse(name: string): Resolution | null {
    const ip = reverseAddress(name);
    if (ip === null) return null;
    const qname = name.replace(/\.$/, '');
    const ptr = (target: string): Answer => ({ type: 'PTR', name: qname, ttl: this.#ttl, data: target });
    const service = this.#source.serviceByClusterIP(ip);
    if (service !== undefined) return this.#answer([ptr(`${service.name}.${service.namespace}.svc.${this.#zone}`)]);
    const targets = new Set<string>();
    for (const owner of this.#source.endpointsByIP(ip)) {
      targets.add(`${endpointLabel(owner.endpoint)}.${owner.service}.${owner.namespace}.svc.${this.#zone}`);
    }
    if (targets.size === 0 && this.#context.podRecords !== 'disabled') {
      for (const namespace of this.#source.podNamespacesByIP(ip)) targets.add(`${dashed(ip)}.${namespace}.pod.${this.#zone}`);
    }
    return targets.size === 0 ? null : this.#answer([...targets].map(ptr));
  }

  #nameserverAddresses(owner: string, type: 'A' | 'AAAA'): Answer[] {
    return this.#nameservers
      .filter((ip) => (isIP(ip) === 4) === (type === 'A'))
      .map((ip) => ({ type, name: owner, ttl: this.#ttl, data: ip }));
  }

  #answer(answers: Answer[]): Resolution {
    return { rcode: 'NOERROR', answers, authorities: answers.length === 0 ? [this.#soa()] : [], additionals: [] };
  }

  #nxdomain(): Resolution {
    return { rcode: 'NXDOMAIN', answers: [], authorities: [this.#soa()], additionals: [] };
  }

  #soa(): SoaAnswer {
    return {
      type: 'SOA',
      name: this.#zone,
      ttl: Math.min(this.#ttl, 300),
      data: {
        mname: `ns.dns.${this.#zone}`,
        rname: `hostmaster.${this.#zone}`,
        serial: this.#serial() >>> 0,
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: this.#ttl,
      },
    };
  }
}
