import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Answer } from 'dns-packet';
import type { KubeObject } from '../../apiserver/objects.ts';
import { Store } from '../../client/index.ts';
import { StoreRecords } from './cluster-records.ts';
import { ClusterResolver, type ResolverOptions } from './resolver.ts';

function cluster(objects: { services?: KubeObject[]; slices?: KubeObject[]; pods?: KubeObject[]; namespaces?: string[] }, options: Partial<ResolverOptions> = {}): ClusterResolver {
  const stores = { services: new Store(), endpointSlices: new Store(), pods: new Store(), namespaces: new Store() };
  for (const s of objects.services ?? []) stores.services.upsert(s);
  for (const s of objects.slices ?? []) stores.endpointSlices.upsert(s);
  for (const p of objects.pods ?? []) stores.pods.upsert(p);
  for (const name of objects.namespaces ?? ['default', 'kube-system', 'apps']) stores.namespaces.upsert({ metadata: { name } });
  return new ClusterResolver(new StoreRecords(stores), { zone: 'cluster.local', nameservers: ['10.43.0.10'], ...options });
}

const service = (namespace: string, name: string, spec: Record<string, unknown>): KubeObject =>
  ({ metadata: { namespace, name }, spec: { type: 'ClusterIP', ...spec } }) as KubeObject;

const slice = (namespace: string, serviceName: string, name: string, body: Record<string, unknown>): KubeObject =>
  ({ metadata: { namespace, name, labels: { 'kubernetes.io/service-name': serviceName } }, addressType: 'IPv4', ...body }) as KubeObject;

const pod = (namespace: string, name: string, ip: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({ metadata: { namespace, name }, spec: { containers: [] , ...extra }, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] } }) as KubeObject;

const kubernetes = service('default', 'kubernetes', { clusterIP: '10.43.0.1', clusterIPs: ['10.43.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] });
const web = service('apps', 'web', { clusterIP: '10.43.12.7', clusterIPs: ['10.43.12.7'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }] });
const db = service('apps', 'db', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] });
const dbSlice = slice('apps', 'db', 'db-abc', {
  endpoints: [
    { addresses: ['10.42.0.5'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.42.1.9'], conditions: { ready: true } },
    { addresses: ['10.42.1.10'], hostname: 'db-2', conditions: { ready: false } },
    { addresses: ['10.42.1.11'], conditions: {} },
  ],
  ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
});
const external = service('apps', 'search', { type: 'ExternalName', externalName: 'search.example.com' });
const alias = service('apps', 'alias', { type: 'ExternalName', externalName: 'web.apps.svc.cluster.local' });
const everything = { services: [kubernetes, web, db, external, alias], slices: [dbSlice], pods: [pod('apps', 'client', '10.42.0.20')] };

const data = (answers: Answer[]): unknown[] => answers.map((a) => ('data' in a ? a.data : undefined));

describe('cluster DNS resolver', () => {
  it('answers A for a ClusterIP service with its cluster IP and a 5 second TTL', () => {
    const r = cluster(everything).resolve('web.apps.svc.cluster.local', 'A');
    assert.equal(r?.rcode, 'NOERROR');
    assert.deepEqual(r?.answers, [{ type: 'A', name: 'web.apps.svc.cluster.local', ttl: 5, data: '10.43.12.7' }]);
    assert.deepEqual(r?.authorities, []);
  });

  it('answers kubernetes.default.svc.cluster.local with the API service address', () => {
    assert.deepEqual(data(cluster(everything).resolve('kubernetes.default.svc.cluster.local.', 'A')?.answers ?? []), ['10.43.0.1']);
  });

  it('matches names without regard to case and answers in the case asked', () => {
    const r = cluster(everything).resolve('Web.APPS.svc.Cluster.Local', 'A');
    assert.equal(r?.answers[0]?.name, 'Web.APPS.svc.Cluster.Local');
    assert.deepEqual(data(r?.answers ?? []), ['10.43.12.7']);
  });

  it('answers AAAA for an IPv4-only service with NOERROR, no records and the SOA', () => {
    const r = cluster(everything).resolve('web.apps.svc.cluster.local', 'AAAA');
    assert.equal(r?.rcode, 'NOERROR');
    assert.deepEqual(r?.answers, []);
    assert.equal(r?.authorities[0]?.type, 'SOA');
  });

  it('answers NXDOMAIN with the SOA for a service that does not exist', () => {
    const r = cluster(everything).resolve('nothere.apps.svc.cluster.local', 'A');
    assert.equal(r?.rcode, 'NXDOMAIN');
    assert.deepEqual(r?.answers, []);
    const soa = r?.authorities[0];
    assert.equal(soa?.type, 'SOA');
    assert.equal(soa?.name, 'cluster.local');
    assert.equal(soa?.type === 'SOA' ? soa.data.minimum : undefined, 5);
    assert.equal(soa?.type === 'SOA' ? soa.data.mname : undefined, 'ns.dns.cluster.local');
  });

  it('answers NXDOMAIN for the expanded search names a client tries first', () => {
    const r = cluster(everything);
    assert.equal(r.resolve('kubernetes.default.apps.svc.cluster.local', 'A')?.rcode, 'NXDOMAIN');
    assert.equal(r.resolve('web.apps.svc.cluster.local.cluster.local', 'A')?.rcode, 'NXDOMAIN');
    assert.equal(r.resolve('example.com.cluster.local', 'A')?.rcode, 'NXDOMAIN');
    assert.equal(r.resolve('a.b.c.web.apps.svc.cluster.local', 'A')?.rcode, 'NXDOMAIN');
  });

  it('answers NODATA for a namespace that exists and NXDOMAIN for one that does not', () => {
    const r = cluster(everything);
    const existing = r.resolve('apps.svc.cluster.local', 'A');
    assert.equal(existing?.rcode, 'NOERROR');
    assert.deepEqual(existing?.answers, []);
    assert.equal(r.resolve('nope.svc.cluster.local', 'A')?.rcode, 'NXDOMAIN');
    assert.equal(r.resolve('web.nope.svc.cluster.local', 'A')?.rcode, 'NXDOMAIN');
    assert.equal(r.resolve('svc.cluster.local', 'A')?.rcode, 'NOERROR');
  });

  it('answers other types for an existing name with NODATA and for a missing one with NXDOMAIN', () => {
    const r = cluster(everything);
    for (const type of ['MX', 'TXT', 'PTR', 'SOA'] as const) {
      assert.equal(r.resolve('web.apps.svc.cluster.local', type)?.rcode, 'NOERROR', type);
      assert.deepEqual(r.resolve('web.apps.svc.cluster.local', type)?.answers, [], type);
      assert.equal(r.resolve('gone.apps.svc.cluster.local', type)?.rcode, 'NXDOMAIN', type);
    }
  });

  it('answers a headless service with the ready endpoint addresses only', () => {
    const r = cluster(everything).resolve('db.apps.svc.cluster.local', 'A');
    assert.deepEqual(data(r?.answers ?? []).sort(), ['10.42.0.5', '10.42.1.11', '10.42.1.9']);
  });

  it('answers a headless endpoint by its hostname and, without one, by its dashed address', () => {
    const r = cluster(everything);
    assert.deepEqual(data(r.resolve('db-0.db.apps.svc.cluster.local', 'A')?.answers ?? []), ['10.42.0.5']);
    assert.deepEqual(data(r.resolve('10-42-1-9.db.apps.svc.cluster.local', 'A')?.answers ?? []), ['10.42.1.9']);
    assert.equal(r.resolve('db-2.db.apps.svc.cluster.local', 'A')?.rcode, 'NXDOMAIN', 'not ready');
  });

  it('answers a headless service with no ready endpoints with NXDOMAIN', () => {
    const r = cluster({ services: [db], slices: [] });
    assert.equal(r.resolve('db.apps.svc.cluster.local', 'A')?.rcode, 'NXDOMAIN');
  });

  it('gives a headless service without ports A records but no SRV records', () => {
    const bare = service('apps', 'bare', { clusterIP: 'None' });
    const r = cluster({ services: [bare], slices: [slice('apps', 'bare', 'bare-1', { endpoints: [{ addresses: ['10.42.0.8'] }] })] });
    assert.deepEqual(data(r.resolve('bare.apps.svc.cluster.local', 'A')?.answers ?? []), ['10.42.0.8']);
    const srv = r.resolve('bare.apps.svc.cluster.local', 'SRV');
    assert.equal(srv?.rcode, 'NOERROR');
    assert.deepEqual(srv?.answers, []);
  });

  it('answers SRV for a named port of a ClusterIP service pointing at the service name, with its address as extra', () => {
    const r = cluster(everything).resolve('_http._tcp.web.apps.svc.cluster.local', 'SRV');
    assert.deepEqual(r?.answers, [{ type: 'SRV', name: '_http._tcp.web.apps.svc.cluster.local', ttl: 5, data: { priority: 0, weight: 100, port: 80, target: 'web.apps.svc.cluster.local' } }]);
    assert.deepEqual(r?.additionals, [{ type: 'A', name: 'web.apps.svc.cluster.local', ttl: 5, data: '10.43.12.7' }]);
  });

  it('answers SRV for a service name without a port part with one record per port, sharing the weight', () => {
    const r = cluster(everything).resolve('web.apps.svc.cluster.local', 'SRV');
    assert.deepEqual(r?.answers.map((a) => (a.type === 'SRV' ? [a.data.port, a.data.weight] : [])), [[80, 50], [9090, 50]]);
    assert.equal(r?.additionals.length, 1);
  });

  it('answers SRV for a headless service with one record per ready endpoint named by hostname or dashed address', () => {
    const r = cluster(everything).resolve('_pg._tcp.db.apps.svc.cluster.local', 'SRV');
    const targets = r?.answers.map((a) => (a.type === 'SRV' ? `${a.data.port} ${a.data.weight} ${a.data.target}` : '')).sort();
    assert.deepEqual(targets, ['5432 33 10-42-1-11.db.apps.svc.cluster.local', '5432 33 10-42-1-9.db.apps.svc.cluster.local', '5432 33 db-0.db.apps.svc.cluster.local']);
    assert.deepEqual(r?.additionals.map((a) => `${a.name} ${String('data' in a ? a.data : '')}`).sort(), [
      '10-42-1-11.db.apps.svc.cluster.local 10.42.1.11',
      '10-42-1-9.db.apps.svc.cluster.local 10.42.1.9',
      'db-0.db.apps.svc.cluster.local 10.42.0.5',
    ]);
  });

  it('answers SRV for a port name or protocol the service lacks with NXDOMAIN', () => {
    const r = cluster(everything);
    assert.equal(r.resolve('_grpc._tcp.web.apps.svc.cluster.local', 'SRV')?.rcode, 'NXDOMAIN');
    assert.equal(r.resolve('_http._udp.web.apps.svc.cluster.local', 'SRV')?.rcode, 'NXDOMAIN');
  });

  it('answers an ExternalName service with a CNAME and asks for the outside target to be resolved upstream', () => {
    const r = cluster(everything).resolve('search.apps.svc.cluster.local', 'A');
    assert.equal(r?.rcode, 'NOERROR');
    assert.deepEqual(r?.answers, [{ type: 'CNAME', name: 'search.apps.svc.cluster.local', ttl: 5, data: 'search.example.com' }]);
    assert.deepEqual(r?.chase, { name: 'search.example.com', type: 'A' });
    const cname = cluster(everything).resolve('search.apps.svc.cluster.local', 'CNAME');
    assert.deepEqual(data(cname?.answers ?? []), ['search.example.com']);
    assert.equal(cname?.chase, undefined);
  });

  it('follows an ExternalName pointing inside the cluster to its addresses', () => {
    const r = cluster(everything).resolve('alias.apps.svc.cluster.local', 'A');
    assert.deepEqual(r?.answers.map((a) => a.type), ['CNAME', 'A']);
    assert.deepEqual(data(r?.answers ?? []), ['web.apps.svc.cluster.local', '10.43.12.7']);
    assert.equal(r?.chase, undefined);
  });

  it('answers SRV for an ExternalName service with no records', () => {
    const r = cluster(everything).resolve('search.apps.svc.cluster.local', 'SRV');
    assert.equal(r?.rcode, 'NOERROR');
    assert.deepEqual(r?.answers, []);
  });

  it('answers pod names with the address they spell while the namespace exists', () => {
    const r = cluster(everything);
    assert.deepEqual(data(r.resolve('10-42-0-99.apps.pod.cluster.local', 'A')?.answers ?? []), ['10.42.0.99']);
    assert.equal(r.resolve('10-42-0-99.nope.pod.cluster.local', 'A')?.rcode, 'NXDOMAIN');
    assert.equal(r.resolve('not-an-ip.apps.pod.cluster.local', 'A')?.rcode, 'NXDOMAIN');
    assert.equal(r.resolve('10-42-0-99.apps.pod.cluster.local', 'AAAA')?.rcode, 'NOERROR');
  });

  it('answers pod names only for running pods when pod records are verified', () => {
    const r = cluster(everything, { podRecords: 'verified' });
    assert.deepEqual(data(r.resolve('10-42-0-20.apps.pod.cluster.local', 'A')?.answers ?? []), ['10.42.0.20']);
    assert.equal(r.resolve('10-42-0-20.default.pod.cluster.local', 'A')?.rcode, 'NXDOMAIN');
    assert.equal(r.resolve('10-42-0-99.apps.pod.cluster.local', 'A')?.rcode, 'NXDOMAIN');
  });

  it('answers PTR for a cluster IP with the service name', () => {
    const r = cluster(everything).resolve('7.12.43.10.in-addr.arpa', 'PTR');
    assert.deepEqual(r?.answers, [{ type: 'PTR', name: '7.12.43.10.in-addr.arpa', ttl: 5, data: 'web.apps.svc.cluster.local' }]);
  });

  it('answers PTR for an endpoint address with its name under the service', () => {
    const r = cluster(everything);
    assert.deepEqual(data(r.resolve('5.0.42.10.in-addr.arpa', 'PTR')?.answers ?? []), ['db-0.db.apps.svc.cluster.local']);
    assert.deepEqual(data(r.resolve('9.1.42.10.in-addr.arpa', 'PTR')?.answers ?? []), ['10-42-1-9.db.apps.svc.cluster.local']);
  });

  it('answers PTR for a pod address that is no endpoint with its pod name', () => {
    assert.deepEqual(data(cluster(everything).resolve('20.0.42.10.in-addr.arpa', 'PTR')?.answers ?? []), ['10-42-0-20.apps.pod.cluster.local']);
  });

  it('leaves reverse names of unknown addresses, and names outside the zone, to be forwarded', () => {
    const r = cluster(everything);
    assert.equal(r.resolve('8.8.8.8.in-addr.arpa', 'PTR'), null);
    assert.equal(r.resolve('7.12.43.10.in-addr.arpa', 'A'), null);
    assert.equal(r.resolve('example.com', 'A'), null);
    assert.equal(r.resolve('local', 'A'), null);
  });

  it('answers SOA and NS at the zone apex and the DNS service address for ns.dns', () => {
    const r = cluster(everything, { serial: () => 1234 });
    const soa = r.resolve('cluster.local', 'SOA')?.answers[0];
    assert.equal(soa?.type === 'SOA' ? soa.data.serial : undefined, 1234);
    const ns = r.resolve('cluster.local', 'NS');
    assert.deepEqual(data(ns?.answers ?? []), ['ns.dns.cluster.local']);
    assert.deepEqual(data(ns?.additionals ?? []), ['10.43.0.10']);
    assert.deepEqual(data(r.resolve('ns.dns.cluster.local', 'A')?.answers ?? []), ['10.43.0.10']);
    assert.deepEqual(data(r.resolve('dns-version.cluster.local', 'TXT')?.answers ?? []), ['1.1.0']);
  });
});
