import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { containerEnv, SourceCache } from './env.ts';
import { ConfigError } from './field-ref.ts';
import { serviceEnvironment } from './service-env.ts';
import type { ObjectLookup } from './types.ts';

const service = (namespace: string, name: string, spec: Record<string, unknown>): KubeObject =>
  ({ metadata: { namespace, name }, spec: { type: 'ClusterIP', ...spec } }) as KubeObject;

const kubernetes = service('default', 'kubernetes', { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] });
const redis = service('apps', 'redis-primary', {
  clusterIP: '10.43.7.9',
  ports: [{ port: 6379, protocol: 'TCP' }, { name: 'metrics', port: 9121, protocol: 'TCP' }, { name: 'dns-udp', port: 53, protocol: 'UDP' }],
});
const headless = service('apps', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] });
const external = service('apps', 'search', { type: 'ExternalName', externalName: 'search.example.com' });
const elsewhere = service('other', 'web', { clusterIP: '10.43.8.8', ports: [{ port: 80 }] });

describe('service environment variables', () => {
  it('gives the Docker-link and service variables of every port, as the kubelet names them', () => {
    const vars = serviceEnvironment('apps', true, [redis]);
    assert.deepEqual(Object.fromEntries(vars), {
      REDIS_PRIMARY_SERVICE_HOST: '10.43.7.9',
      REDIS_PRIMARY_SERVICE_PORT: '6379',
      REDIS_PRIMARY_SERVICE_PORT_METRICS: '9121',
      REDIS_PRIMARY_SERVICE_PORT_DNS_UDP: '53',
      REDIS_PRIMARY_PORT: 'tcp://10.43.7.9:6379',
      REDIS_PRIMARY_PORT_6379_TCP: 'tcp://10.43.7.9:6379',
      REDIS_PRIMARY_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_6379_TCP_PORT: '6379',
      REDIS_PRIMARY_PORT_6379_TCP_ADDR: '10.43.7.9',
      REDIS_PRIMARY_PORT_9121_TCP: 'tcp://10.43.7.9:9121',
      REDIS_PRIMARY_PORT_9121_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_9121_TCP_PORT: '9121',
      REDIS_PRIMARY_PORT_9121_TCP_ADDR: '10.43.7.9',
      REDIS_PRIMARY_PORT_53_UDP: 'udp://10.43.7.9:53',
      REDIS_PRIMARY_PORT_53_UDP_PROTO: 'udp',
      REDIS_PRIMARY_PORT_53_UDP_PORT: '53',
      REDIS_PRIMARY_PORT_53_UDP_ADDR: '10.43.7.9',
    });
  });

  it("includes the pod namespace's services and the kubernetes service, but not other namespaces'", () => {
    const names = [...serviceEnvironment('apps', true, [kubernetes, redis, elsewhere]).keys()];
    assert.ok(names.includes('KUBERNETES_SERVICE_HOST'));
    assert.ok(names.includes('KUBERNETES_PORT_443_TCP_ADDR'));
    assert.ok(names.includes('REDIS_PRIMARY_SERVICE_HOST'));
    assert.ok(!names.some((n) => n.startsWith('WEB_')));
  });

  it('gives only the kubernetes service when enableServiceLinks is false', () => {
    const vars = serviceEnvironment('apps', false, [kubernetes, redis]);
    assert.equal(vars.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
    assert.equal(vars.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
    assert.ok(![...vars.keys()].some((n) => n.startsWith('REDIS')));
  });

  it('skips headless and ExternalName services', () => {
    assert.deepEqual([...serviceEnvironment('apps', true, [headless, external]).keys()], []);
  });

  it("lets a service named kubernetes in the pod's namespace win over the API's", () => {
    const own = service('apps', 'kubernetes', { clusterIP: '10.43.9.9', ports: [{ port: 8080 }] });
    for (const order of [[kubernetes, own], [own, kubernetes]]) {
      assert.equal(serviceEnvironment('apps', true, order).get('KUBERNETES_SERVICE_HOST'), '10.43.9.9');
    }
    assert.equal(serviceEnvironment('apps', false, [kubernetes, own]).get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
  });

  it('brackets an IPv6 cluster IP in the URL forms only', () => {
    const v6 = service('apps', 'v6', { clusterIP: 'fd00::10', ports: [{ port: 80, protocol: 'TCP' }] });
    const vars = serviceEnvironment('apps', true, [v6]);
    assert.equal(vars.get('V6_PORT'), 'tcp://[fd00::10]:80');
    assert.equal(vars.get('V6_PORT_80_TCP_ADDR'), 'fd00::10');
    assert.equal(vars.get('V6_SERVICE_HOST'), 'fd00::10');
  });
});

describe('service variables in a container environment', () => {
  const lookup = (services: KubeObject[] | null): ObjectLookup => ({
    secret: async () => null,
    configMap: async () => null,
    services: (namespace) => services?.filter((s) => s.metadata.namespace === namespace) ?? null,
  });
  const pod = (spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { namespace: 'apps', name: 'p' }, spec: { containers: [], ...spec } }) as KubeObject;
  const env = (services: KubeObject[] | null, container: Record<string, unknown>, spec?: Record<string, unknown>) =>
    containerEnv(pod(spec), { name: 'main', ...container } as Parameters<typeof containerEnv>[1], {}, new SourceCache(lookup(services), 'apps'));

  it("come after the container's own variables, which they never replace, and serve $(VAR) references", async () => {
    const vars = await env([kubernetes, redis], { env: [{ name: 'REDIS_PRIMARY_SERVICE_PORT', value: 'mine' }, { name: 'URL', value: 'redis://$(REDIS_PRIMARY_SERVICE_HOST):6379' }] });
    const names = vars.map((v) => v.name);
    assert.deepEqual(names.slice(0, 2), ['REDIS_PRIMARY_SERVICE_PORT', 'URL']);
    assert.equal(vars.find((v) => v.name === 'URL')?.value, 'redis://10.43.7.9:6379');
    assert.equal(vars.filter((v) => v.name === 'REDIS_PRIMARY_SERVICE_PORT').length, 1);
    assert.equal(vars[0]?.value, 'mine');
    assert.ok(names.includes('KUBERNETES_SERVICE_HOST'));
  });

  it('follow spec.enableServiceLinks', async () => {
    const names = (await env([kubernetes, redis], {}, { enableServiceLinks: false })).map((v) => v.name);
    assert.ok(names.includes('KUBERNETES_SERVICE_HOST'));
    assert.ok(!names.includes('REDIS_PRIMARY_SERVICE_HOST'));
  });

  it('hold the container back while the Service cache has never been filled', async () => {
    await assert.rejects(env(null, {}), (error: unknown) => error instanceof ConfigError && /services have not yet been read/.test(error.message));
  });
});
