/**
 * Cluster DNS end to end: `skiff server` with its embedded agent serves DNS on the node's pod
 * gateway, and a pod's busybox `nslookup` resolves short service names through its search
 * path, FQDNs, `kubernetes.default`, a headless service's endpoints (an EndpointSlice made
 * by hand), SRV records, an ExternalName service and a name outside the cluster (both
 * forwarded to a stand-in upstream on a loopback address named by SKIFF_RESOLV_CONF, never
 * a real resolver), and NXDOMAIN. The pod also gets the service environment variables.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeUpstream, fakeSoa } from '../internal/agent/dns/fake-upstream.ts';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const NODE = 'dns-node';
const OUTSIDE = 'outside.skiff-dns-test.example';

describe('cluster DNS from inside a pod', () => {
  let server: SkiffServer;
  let upstream: FakeUpstream;
  let dir: string;
  const ips: Record<string, string> = {};

  before(async () => {
    await ensureDocker();
    const image = await testImage();
    dir = mkdtempSync(join(tmpdir(), 'skiff-dns-'));
    // Port 53 on an address of its own: resolv.conf has no port, and no real resolver is near.
    upstream = await FakeUpstream.start({
      address: `127.53.${randomInt(1, 255)}.${randomInt(1, 255)}`,
      port: 53,
      answer: (q) => {
        if (q.name.toLowerCase() !== OUTSIDE) return { rcode: 3, authorities: [fakeSoa] };
        return q.type === 'A' ? { answers: [{ type: 'A', name: q.name, ttl: 30, data: '192.0.2.44' }] } : { authorities: [fakeSoa] };
      },
    });
    writeFileSync(join(dir, 'resolv.conf'), `nameserver ${upstream.address}\n`);
    process.env.SKIFF_RESOLV_CONF = join(dir, 'resolv.conf');
    server = await startSkiffServer(undefined, ['--node-name', NODE], undefined, { agent: true });
    const pod = (name: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  nodeName: ${NODE}
  terminationGracePeriodSeconds: 0
  containers:
  - {name: main, image: ${image}, imagePullPolicy: Never, command: ["sleep", "3600"]}
`;
    const manifest = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec:
  clusterIP: None
  ports: [{name: pg, port: 5432, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: default}
spec: {type: ExternalName, externalName: ${OUTSIDE}}
${pod('client')}${pod('db-0')}${pod('db-1')}`;
    const applied = server.kubectl(['apply', '-f', '-'], { input: manifest });
    assert.equal(applied.code, 0, applied.stderr);
    for (const name of ['client', 'db-0', 'db-1']) {
      ips[name] = await eventually(`pod ${name} to run with an address`, () => {
        const got = server.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase} {.status.podIP}']).stdout.split(' ');
        return got[0] === 'Running' && got[1] ? got[1] : undefined;
      }, 60_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${server.kubectl(['describe', 'pod', name]).stdout}\n${server.log().slice(-3000)}`);
      });
    }
    // Made by hand: whether an endpoints controller runs does not matter to what DNS serves.
    const slice = {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: 'db-manual', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: [ips['db-0']], hostname: 'db-0', conditions: { ready: true } },
        { addresses: [ips['db-1']], conditions: { ready: true } },
        { addresses: ['10.99.99.99'], conditions: { ready: false } },
      ],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    };
    const created = server.kubectl(['apply', '-f', '-'], { input: JSON.stringify(slice) });
    assert.equal(created.code, 0, created.stderr);
  });

  after(async () => {
    await server?.close();
    await upstream?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a command in the client pod; asynchronously, so the stand-in upstream in this process can answer meanwhile. */
  const exec = (command: string[]): Promise<{ code: number; out: string }> => new Promise((resolve) => {
    execFile('kubectl', ['exec', 'client', '--', ...command], { env: { ...process.env, KUBECONFIG: server.kubeconfig, HOME: server.dir }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, out: stdout + stderr });
    });
  });
  const nslookup = (...args: string[]) => exec(['nslookup', ...args]);
  /**
   * The "name address" pairs an nslookup printed. Busybox asks for every search-path expansion
   * of a short name and reports each NXDOMAIN too, so the exit code says little for those.
   */
  const answers = (out: string): string[] => [...out.matchAll(/^Name:\s*(\S+)\s*\nAddress:\s*([0-9.]+)\s*$/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
  const serviceIP = (name: string) => server.kubectl(['get', 'service', name, '-o', 'jsonpath={.spec.clusterIP}']).stdout;

  it('resolves a service by its short name through the search path, and by its FQDN', async () => {
    const expected = [`web.default.svc.cluster.local ${serviceIP('web')}`];
    const short = await eventually('the short name to resolve', async () => {
      const r = await nslookup('web');
      return answers(r.out).length > 0 && r;
    }, 30_000).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${(await nslookup('web')).out}\n${server.log().slice(-3000)}`);
    });
    assert.deepEqual(answers(short.out), expected, short.out);
    const fqdn = await nslookup('web.default.svc.cluster.local');
    assert.equal(fqdn.code, 0, fqdn.out);
    assert.deepEqual(answers(fqdn.out), expected, fqdn.out);
  });

  it('resolves kubernetes.default through the search path', async () => {
    // Busybox nslookup applies the search path only to names without dots, so the names the
    // C library's resolver tries for ndots:5 are asked one by one, then through the resolver (nc).
    const first = await nslookup('kubernetes.default.default.svc.cluster.local');
    assert.match(first.out, /NXDOMAIN/);
    const second = await nslookup('kubernetes.default.svc.cluster.local');
    assert.equal(second.code, 0, second.out);
    assert.deepEqual(answers(second.out), [`kubernetes.default.svc.cluster.local ${serviceIP('kubernetes')}`], second.out);
    const found = await exec(['nc', '-w', '1', 'kubernetes.default', '443']);
    assert.doesNotMatch(found.out, /bad address/);
    const missing = await exec(['nc', '-w', '1', 'kubernetes.nowhere', '443']);
    assert.match(missing.out, /bad address 'kubernetes\.nowhere'/);
    // The search path answered kubernetes.default; only the missing name was tried as written, upstream.
    const forwarded = upstream.questions.map((q) => q.name.toLowerCase());
    assert.ok(!forwarded.includes('kubernetes.default'), forwarded.join(' '));
    assert.ok(forwarded.includes('kubernetes.nowhere'), forwarded.join(' '));
  });

  it('resolves a headless service to its ready pod addresses, and an endpoint by hostname', async () => {
    const all = await nslookup('db.default.svc.cluster.local');
    assert.equal(all.code, 0, all.out);
    assert.deepEqual(answers(all.out), [ips['db-0'], ips['db-1']].map((ip) => `db.default.svc.cluster.local ${ip}`).sort(), all.out);
    const one = await nslookup('db-0.db.default.svc.cluster.local');
    assert.equal(one.code, 0, one.out);
    assert.deepEqual(answers(one.out), [`db-0.db.default.svc.cluster.local ${ips['db-0']}`], one.out);
  });

  it('answers SRV for a named port with the service name as target', async () => {
    const r = await nslookup('-type=SRV', '_http._tcp.web.default.svc.cluster.local');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /0 100 80 web\.default\.svc\.cluster\.local/);
  });

  it('forwards a name outside the cluster to the upstream resolver, and follows an ExternalName service there', async () => {
    const outside = await nslookup(`${OUTSIDE}.`);
    assert.equal(outside.code, 0, outside.out);
    assert.deepEqual(answers(outside.out), [`${OUTSIDE} 192.0.2.44`], outside.out);
    assert.ok(upstream.questions.some((q) => q.name.toLowerCase() === OUTSIDE));
    const ext = await nslookup('ext.default.svc.cluster.local');
    assert.equal(ext.code, 0, ext.out);
    assert.match(ext.out, new RegExp(`canonical name = ${OUTSIDE.replaceAll('.', '\\.')}`));
    assert.deepEqual(answers(ext.out), [`${OUTSIDE} 192.0.2.44`], ext.out);
  });

  it('answers NXDOMAIN for a service that does not exist', async () => {
    const r = await nslookup('nothere.default.svc.cluster.local');
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /can't find nothere\.default\.svc\.cluster\.local: NXDOMAIN/);
  });

  it('gives the pod the service environment variables of its namespace', () => {
    const r = server.kubectl(['exec', 'client', '--', 'env']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^WEB_SERVICE_HOST=${serviceIP('web').replaceAll('.', '\\.')}$`, 'm'));
    assert.match(r.stdout, /^WEB_SERVICE_PORT_HTTP=80$/m);
    assert.match(r.stdout, /^KUBERNETES_PORT_443_TCP_PROTO=tcp$/m);
    assert.doesNotMatch(r.stdout, /^DB_SERVICE_HOST=/m);
  });

  it("names the cluster DNS address in the pod's resolv.conf setup with the cluster search path, and the proxy sends it to the node", () => {
    const inspect = spawnSync('docker', ['ps', '-q', '--filter', 'label=io.skiff.pod-name=client', '--filter', `label=io.skiff.node=${NODE}`], { encoding: 'utf8' });
    const ids = inspect.stdout.split('\n').filter(Boolean);
    assert.ok(ids.length > 0);
    const dns = spawnSync('docker', ['inspect', '--format', '{{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}}', ...ids], { encoding: 'utf8' }).stdout;
    assert.match(dns, /\["10\.43\.0\.10"\]/);
    assert.match(dns, /default\.svc\.cluster\.local/);
    const rules = spawnSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).stdout;
    assert.match(rules, /-d 10\.43\.0\.10\/32 -p udp .*--dport 53/);
    assert.match(rules, /-d 10\.43\.0\.10\/32 -p tcp .*--dport 53/);
  });
});
