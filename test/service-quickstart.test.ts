/**
 * The single-node quick start, as a user does it with kubectl against `skiff server` and its
 * embedded agent: create a deployment, expose it as a NodePort and as a LoadBalancer, and
 * reach it from the host (127.0.0.1 and the node address) and from inside a pod. Traffic goes
 * only to loopback, this machine's own address and the pods this test made.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const NODE = `quick-${process.pid % 100000}`;

function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, timeout: 3_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${host}:${port}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('single-node quick start: deployment, NodePort and LoadBalancer', () => {
  let server: SkiffServer;
  let nodeIp = '';
  before(async () => {
    await ensureDocker();
    const image = await testImage();
    server = await startSkiffServer(undefined, ['--node-name', NODE], undefined, { agent: true });
    await eventually('the node to be Ready', () => new RegExp(`\\n${NODE}\\s+Ready\\s`).test(server.kubectl(['get', 'nodes']).stdout), 30_000);
    nodeIp = server.kubectl(['get', 'node', NODE, '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}']).stdout;
    assert.match(nodeIp, /^\d+\.\d+\.\d+\.\d+$/);
    const created = server.kubectl(['create', 'deployment', 'web', `--image=${image}`, '--replicas=2', '--port=80', '--', 'sh', '-c', 'mkdir -p /www; hostname > /www/index.html; exec httpd -f -p 80 -h /www']);
    assert.equal(created.code, 0, created.stderr);
    const rolled = server.kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    assert.equal(rolled.code, 0, `${rolled.stderr}\n${server.kubectl(['describe', 'pods']).stdout}`);
  });
  after(async () => {
    server?.kubectl(['delete', 'deployment', 'web', '--wait=false']);
    await eventually('the pods to be gone', () => server.kubectl(['get', 'pods', '-o', 'name']).stdout.trim() === '', 60_000).catch(() => undefined);
    await server?.close();
  });

  const podNames = (): string[] => server.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}']).stdout.split(' ').filter(Boolean);

  it('kubectl expose --type=NodePort answers on 127.0.0.1 and the node address within seconds, from both pods', async () => {
    const exposed = server.kubectl(['expose', 'deployment', 'web', '--port=80', '--type=NodePort']);
    assert.equal(exposed.code, 0, exposed.stderr);
    const nodePort = Number(server.kubectl(['get', 'service', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}']).stdout);
    assert.ok(nodePort >= 30000 && nodePort <= 32767);
    const first = await eventually('the NodePort to answer on 127.0.0.1', () => get('127.0.0.1', nodePort).catch(() => undefined), 15_000);
    assert.ok(podNames().includes(first), `${first} is one of the pods`);
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) seen.add(await get(nodeIp, nodePort));
    assert.deepEqual([...seen].sort(), podNames().sort(), 'both pods answer through the node address');
  });

  it('a pod reaches the NodePort on the node address', () => {
    const nodePort = server.kubectl(['get', 'service', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}']).stdout;
    const [pod = ''] = podNames();
    const fetched = server.kubectl(['exec', pod, '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc ${nodeIp} ${nodePort}`]);
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.match(fetched.stdout, /^HTTP\/1\.[01] 200 OK/);
    assert.ok(podNames().some((name) => fetched.stdout.trimEnd().endsWith(name)), fetched.stdout);
  });

  it('a LoadBalancer service gets the node address as its ingress and serves on it', async () => {
    const exposed = server.kubectl(['expose', 'deployment', 'web', '--name=web-lb', '--port=8080', '--target-port=80', '--type=LoadBalancer']);
    assert.equal(exposed.code, 0, exposed.stderr);
    const ingress = await eventually('an ingress address', () => server.kubectl(['get', 'service', 'web-lb', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).stdout || undefined, 20_000);
    assert.equal(ingress, nodeIp);
    assert.match(server.kubectl(['get', 'service', 'web-lb']).stdout, new RegExp(`LoadBalancer\\s+\\S+\\s+${nodeIp.replaceAll('.', '\\.')}\\s+8080:3\\d{4}/TCP`));
    const answer = await eventually('the load balancer port to answer', () => get(ingress, 8080).catch(() => undefined), 15_000);
    assert.ok(podNames().includes(answer));
  });

  it('a service without a selector reaches what its hand-written Endpoints name (mirrored into EndpointSlices)', async () => {
    const pod = JSON.parse(server.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json']).stdout).items[0] as { status: { podIP: string }; metadata: { name: string } };
    const manifest = `apiVersion: v1
kind: Service
metadata: {name: manual, namespace: default}
spec: {ports: [{port: 9090, targetPort: 80}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: manual, namespace: default}
subsets: [{addresses: [{ip: ${pod.status.podIP}}], ports: [{port: 80}]}]
`;
    const applied = server.kubectl(['apply', '-f', '-'], { input: manifest });
    assert.equal(applied.code, 0, applied.stderr);
    await eventually('the mirrored slice', () => /manual-mirror-0\s+IPv4\s+80\s/.test(server.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=manual']).stdout), 15_000);
    const clusterIp = server.kubectl(['get', 'service', 'manual', '-o', 'jsonpath={.spec.clusterIP}']).stdout;
    assert.equal(await eventually('the service to answer', () => get(clusterIp, 9090).catch(() => undefined), 15_000), pod.metadata.name);
    // The endpoints controller may already have removed the Endpoints with their Service.
    assert.equal(server.kubectl(['delete', 'service,endpoints', 'manual', '--ignore-not-found']).code, 0);
  });

  it('deleting the services removes their rules: the ports stop answering', async () => {
    const nodePort = Number(server.kubectl(['get', 'service', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}']).stdout);
    assert.equal(server.kubectl(['delete', 'service', 'web', 'web-lb']).code, 0);
    await eventually('the NodePort to stop answering', () => get('127.0.0.1', nodePort).then(() => false, () => true), 15_000);
    const rules = spawnSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(rules, new RegExp(`--dport ${nodePort}\\b`));
  });
});
