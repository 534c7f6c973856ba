import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decode, encode, RECURSION_DESIRED, type DecodedPacket, type Question } from 'dns-packet';
import type { KubeObject } from '../../apiserver/objects.ts';
import { Store } from '../../client/index.ts';
import { StoreRecords } from './cluster-records.ts';
import { FakeUpstream, fakeSoa } from './fake-upstream.ts';
import { Forwarder } from './forwarder.ts';
import { handleQuery } from './handler.ts';
import { listenDns, type DnsListener } from './listener.ts';
import { ClusterResolver } from './resolver.ts';
import { tcpExchange, udpExchange } from './upstream-exchange.ts';

const AA = 1 << 10;
const TC = 1 << 9;
const RA = 1 << 7;

function stores(): ClusterResolver {
  const s = { services: new Store(), endpointSlices: new Store(), pods: new Store(), namespaces: new Store() };
  s.namespaces.upsert({ metadata: { name: 'default' } });
  s.services.upsert({ metadata: { namespace: 'default', name: 'web' }, spec: { type: 'ClusterIP', clusterIP: '10.43.5.5', clusterIPs: ['10.43.5.5'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } } as KubeObject);
  s.services.upsert({ metadata: { namespace: 'default', name: 'ext' }, spec: { type: 'ExternalName', externalName: 'www.example.test' } } as KubeObject);
  s.services.upsert({ metadata: { namespace: 'default', name: 'many' }, spec: { clusterIP: 'None', clusterIPs: ['None'] } } as KubeObject);
  s.endpointSlices.upsert({
    metadata: { namespace: 'default', name: 'many-1', labels: { 'kubernetes.io/service-name': 'many' } },
    addressType: 'IPv4',
    endpoints: Array.from({ length: 100 }, (_, i) => ({ addresses: [`10.42.0.${i + 2}`] })),
  } as KubeObject);
  return new ClusterResolver(new StoreRecords(s), { zone: 'cluster.local' });
}

describe('DNS server', () => {
  let upstream: FakeUpstream;
  let silent: FakeUpstream;
  let server: DnsListener;
  let ready = true;
  let useSilent = false;
  before(async () => {
    upstream = await FakeUpstream.start({
      answer: (q: Question) => (q.name === 'www.example.test' && q.type === 'A' ? { answers: [{ type: 'A', name: q.name, ttl: 60, data: '192.0.2.80' }] } : { rcode: 3, authorities: [fakeSoa] }),
    });
    silent = await FakeUpstream.start({ answer: () => 'silent' });
    const resolver = stores();
    const forwarder = new Forwarder({ upstreams: () => [useSilent ? silent : upstream].map((f) => ({ address: f.address, port: f.port })), attemptTimeoutMs: 200 });
    server = await listenDns({ address: '127.0.0.1', port: 0, handle: (message, transport) => handleQuery(message, transport, { resolver, forwarder, ready: () => ready }) });
  });
  after(async () => {
    await server.close();
    await upstream.close();
    await silent.close();
  });

  let nextId = 1;
  const ask = async (name: string, type: Question['type'], transport: 'udp' | 'tcp' = 'udp', edns = false): Promise<DecodedPacket> => {
    const query = encode({
      type: 'query', id: nextId++, flags: RECURSION_DESIRED, questions: [{ name, type }],
      additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
    });
    const target = { address: '127.0.0.1', port: server.port };
    return decode(transport === 'udp' ? await udpExchange(query, target, 2000) : await tcpExchange(query, target, 2000));
  };
  const rcodeOf = (p: DecodedPacket): number => (p.flags ?? 0) & 0xf;

  it('answers a service name authoritatively over UDP and over TCP', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const reply = await ask('web.default.svc.cluster.local', 'A', transport);
      assert.equal(rcodeOf(reply), 0);
      assert.ok((reply.flags ?? 0) & AA, transport);
      assert.ok((reply.flags ?? 0) & RA, transport);
      assert.deepEqual(reply.answers?.map((r) => ('data' in r ? r.data : null)), ['10.43.5.5']);
    }
  });

  it('answers a missing cluster name with NXDOMAIN and the SOA', async () => {
    const reply = await ask('nope.default.svc.cluster.local', 'A');
    assert.equal(rcodeOf(reply), 3);
    assert.equal(reply.authorities?.[0]?.type, 'SOA');
  });

  it('answers with SERVFAIL rather than NXDOMAIN before the cluster caches are read', async () => {
    ready = false;
    try {
      assert.equal(rcodeOf(await ask('nope.default.svc.cluster.local', 'A')), 2);
      assert.equal(rcodeOf(await ask('web.default.svc.cluster.local', 'A')), 0);
    } finally {
      ready = true;
    }
  });

  it('forwards other names upstream and relays the answer without the authoritative bit', async () => {
    const reply = await ask('www.example.test', 'A');
    assert.equal(rcodeOf(reply), 0);
    assert.equal((reply.flags ?? 0) & AA, 0);
    assert.deepEqual(reply.answers?.map((r) => ('data' in r ? r.data : null)), ['192.0.2.80']);
    const missing = await ask('nothing.example.test', 'A');
    assert.equal(rcodeOf(missing), 3);
  });

  it('answers an ExternalName service with its CNAME followed by the upstream addresses', async () => {
    const reply = await ask('ext.default.svc.cluster.local', 'A');
    assert.deepEqual(reply.answers?.map((r) => `${r.type} ${'data' in r ? String(r.data) : ''}`), ['CNAME www.example.test', 'A 192.0.2.80']);
  });

  it('answers SERVFAIL when no upstream answers', async () => {
    useSilent = true;
    try {
      assert.equal(rcodeOf(await ask('elsewhere.example.test', 'A')), 2);
    } finally {
      useSilent = false;
    }
  });

  it('truncates a UDP answer too large for the client, and gives it whole over TCP', async () => {
    const udp = await ask('many.default.svc.cluster.local', 'A');
    assert.ok((udp.flags ?? 0) & TC);
    assert.equal(udp.answers?.length, 0);
    const withEdns = await ask('many.default.svc.cluster.local', 'A', 'udp', true);
    assert.ok((withEdns.flags ?? 0) & TC, 'still larger than 1232 bytes');
    assert.equal(withEdns.additionals?.[0]?.type, 'OPT');
    const tcp = await ask('many.default.svc.cluster.local', 'A', 'tcp');
    assert.equal((tcp.flags ?? 0) & TC, 0);
    assert.equal(tcp.answers?.length, 100);
  });

  it('answers a message it cannot decode with FORMERR', async () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f]);
    const reply = decode(await udpExchange(garbage, { address: '127.0.0.1', port: server.port }, 2000));
    assert.equal(reply.id, 0x1234);
    assert.equal(rcodeOf(reply), 1);
  });
});
