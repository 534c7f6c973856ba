/**
 * The service proxy of a real agent with real Docker pods: the host reaches pods through
 * a ClusterIP and a NodePort (on 127.0.0.1 and the node address), a pod reaches another
 * through the ClusterIP, connections spread evenly, a Service without endpoints is refused,
 * and `skiff agent --cleanup` removes its rules when it stops. Only addresses this test made
 * (its own service range, its pods) and loopback get traffic; the rules it leaves in the
 * host's iptables (chains of its own nodes only) are removed at the end.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { JsonObject, KubeObject } from '../internal/apiserver/objects.ts';
import { nodeChainPrefix } from '../internal/agent/proxy/chain-names.ts';
import { hostRunner } from '../internal/agent/proxy/command-runner.ts';
import { removeRules } from '../internal/agent/proxy/iptables-applier.ts';
import { ApiClient, loadKubeconfig } from '../internal/client/index.ts';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { skiffBinary, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const node = `svc-proxy-${process.pid % 100000}`;
const serviceRange = `10.${60 + (process.pid % 30)}`;

type Reply = { ok: true; body: string } | { ok: false; error: string; ms: number };

/** One HTTP GET on a fresh connection. */
function get(host: string, port: number, timeoutMs = 3000): Promise<Reply> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ ok: true, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: error.code ?? error.message, ms: Date.now() - started }));
    req.end();
  });
}

async function chainsWithPrefix(prefix: string): Promise<string[]> {
  const saved = await hostRunner().run('iptables-save', []);
  return saved.stdout.split('\n').filter((line) => line.startsWith(`:${prefix}-`));
}

describe('service proxy with Docker pods', () => {
  let server: SkiffServer;
  let api: ApiClient;
  let prefixes: string[] = [];
  let nodeIp = '';
  let clusterIp = '';
  let nodePort = 0;
  let agent: ChildProcess | undefined;
  const agentDir = mkdtempSync(join(tmpdir(), 'skiff-svc-agent-'));
  let image = '';

  before(async () => {
    await ensureDocker();
    image = await testImage();
    server = await startSkiffServer(undefined, ['--node-name', node, '--service-cidr', `${serviceRange}.0.0/16`, '--cluster-dns', `${serviceRange}.0.10`], undefined, { agent: true });
    api = new ApiClient(loadKubeconfig({ path: server.kubeconfig }));
    const ready = await eventually('the node to be Ready with a pod range', async () => {
      const object = await api.resource('Node', 'v1').get(null, node);
      const conditions = ((object.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined) ?? [];
      return conditions.some((c) => c.type === 'Ready' && c.status === 'True') && object;
    }, 30_000);
    prefixes.push(nodeChainPrefix(node, String((ready.spec as JsonObject).podCIDR)));
    nodeIp = String((((ready.status as JsonObject).addresses as JsonObject[]).find((a) => a.type === 'InternalIP') ?? {}).address);
  });

  after(async () => {
    if (agent !== undefined && agent.exitCode === null) {
      const exited = new Promise((resolve) => agent?.once('exit', resolve));
      agent.kill('SIGTERM');
      await exited;
    }
    api?.close();
    await server?.close();
    for (const prefix of prefixes) await removeRules(hostRunner(), (chain) => chain.startsWith(`${prefix}-`));
    rmSync(agentDir, { recursive: true, force: true });
  });

  const pod = (name: string, labels: Record<string, string>, command: string, restartPolicy = 'Always'): KubeObject => ({
    metadata: { name, labels },
    spec: {
      nodeName: node,
      restartPolicy,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image, imagePullPolicy: 'Never', command: ['sh', '-c', command], ports: [{ name: 'http', containerPort: 8080 }] }],
    },
  });

  test('the host reaches three pods through the ClusterIP, and through the NodePort on 127.0.0.1 and the node address', async () => {
    const pods = api.resource('Pod', 'v1');
    for (const name of ['web-0', 'web-1', 'web-2']) {
      await pods.create('default', pod(name, { app: 'web' }, 'mkdir -p /www && echo $(hostname) > /www/index.html && exec httpd -f -p 8080 -h /www'));
    }
    const created = await api.resource('Service', 'v1').create('default', {
      metadata: { name: 'web' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const spec = created.spec as JsonObject;
    clusterIp = String(spec.clusterIP);
    nodePort = Number((spec.ports as JsonObject[])[0]?.nodePort);
    assert.ok(clusterIp.startsWith(`${serviceRange}.`), clusterIp);
    await eventually('three ready endpoints', async () => {
      const slices = await api.resource('EndpointSlice', 'discovery.k8s.io/v1').list('default', { labelSelector: 'kubernetes.io/service-name=web' });
      return slices.items.flatMap((s) => (s.endpoints as JsonObject[] | null) ?? []).filter((e) => (e.conditions as JsonObject).ready === true).length === 3;
    }, 60_000);
    const seen = new Set<string>();
    await eventually('the ClusterIP to reach all three pods', async () => {
      const reply = await get(clusterIp, 80);
      if (reply.ok) seen.add(reply.body);
      return seen.size === 3;
    }, 30_000);
    for (const host of ['127.0.0.1', nodeIp]) {
      const reply = await eventually(`the NodePort on ${host}`, async () => {
        const r = await get(host, nodePort);
        return r.ok && r;
      }, 10_000);
      assert.ok(seen.has(reply.body), `${host}:${nodePort} answered ${reply.body}`);
    }
  });

  test('connections spread evenly: each of three endpoints gets its third within 15 %', async () => {
    // Each round adds 300 connections; the shares are checked on all so far, so chance
    // deviations shrink while a skewed rule set stays skewed.
    const counts = new Map<string, number>();
    let total = 0;
    let even = false;
    for (let round = 0; round < 5 && !even; round++) {
      for (let i = 0; i < 300; i++) {
        const reply = await get(clusterIp, 80);
        assert.ok(reply.ok, JSON.stringify(reply));
        counts.set(reply.body, (counts.get(reply.body) ?? 0) + 1);
        total++;
      }
      even = counts.size === 3 && [...counts.values()].every((n) => Math.abs(n - total / 3) <= 0.15 * (total / 3));
    }
    assert.ok(even, `shares after ${total} connections: ${JSON.stringify([...counts])}`);
  });

  test('a pod reaches the other pods through the ClusterIP', async () => {
    const pods = api.resource('Pod', 'v1');
    await pods.create('default', pod('client', { app: 'client' }, `for i in 1 2 3 4 5; do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${clusterIp} 80 && exit 0; sleep 1; done; exit 1`, 'Never'));
    const phase = await eventually('the client pod to finish', async () => {
      const status = (await pods.get('default', 'client')).status as JsonObject | undefined;
      return (status?.phase === 'Succeeded' || status?.phase === 'Failed') && status.phase;
    }, 60_000);
    const logs = await eventually('the client logs', () => {
      const result = server.kubectl(['logs', 'client']);
      return result.code === 0 && result.stdout;
    });
    assert.equal(phase, 'Succeeded', logs);
    assert.match(logs, /HTTP\/1\.[01] 200/);
    assert.match(logs, /\nweb-[012]\s*$/);
  });

  test('a service without endpoints is refused at once', async () => {
    const created = await api.resource('Service', 'v1').create('default', { metadata: { name: 'nobody' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] } });
    const ip = String((created.spec as JsonObject).clusterIP);
    const reply = await eventually('the REJECT rule', async () => {
      const r = await get(ip, 80, 2000);
      return !r.ok && r.error === 'ECONNREFUSED' && r;
    }, 10_000);
    assert.ok(reply.ms < 1000, `refused after ${reply.ms} ms`);
  });

  test('an agent started with --cleanup removes every rule of its node when it stops, leaving the server node\'s', async () => {
    const created = spawnSync(skiffBinary(), ['token', 'create', '--data-dir', join(server.dir, 'data')], { encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    const worker = `${node}-w`;
    let log = '';
    agent = spawn(skiffBinary(), ['agent', 'join', created.stdout.trim(), '--server', server.url, '--node-name', worker, '--kubelet-port', '0', '--cleanup', '--data-dir', agentDir, '--config', join(server.dir, 'config.yaml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: agentDir, SKIFF_CACHE_DIR: join(agentDir, 'cache') },
    });
    agent.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    agent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    const joined = await eventually('the worker node with a pod range', async () => {
      const found = await api.resource('Node', 'v1').get(null, worker).catch(() => null);
      return found !== null && typeof (found.spec as JsonObject | undefined)?.podCIDR === 'string' && found;
    }, 30_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nagent log:\n${log}`);
    });
    const prefix = nodeChainPrefix(worker, String((joined.spec as JsonObject).podCIDR));
    prefixes.push(prefix);
    await eventually('the worker to program its rules', async () => (await chainsWithPrefix(prefix)).some((line) => line.includes(`${prefix}-SVC-`)), 30_000);
    const exited = new Promise<number | null>((resolve) => agent?.once('exit', (code) => resolve(code)));
    agent.kill('SIGTERM');
    assert.equal(await exited, 0, log);
    assert.deepEqual(await chainsWithPrefix(prefix), []);
    const saved = (await hostRunner().run('iptables-save', [])).stdout;
    assert.doesNotMatch(saved, new RegExp(`-j ${prefix}-`));
    assert.ok((await chainsWithPrefix(prefixes[0] ?? '')).length > 0, 'the server node keeps its rules');
    await api.resource('Node', 'v1').delete(null, worker);
  });
});
