/**
 * Nodes: the server's embedded agent registers its machine as a control-plane Node, and an
 * agent on another "machine" joins with a token; both report status and renew their Lease.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { skiffBinary, skiffEnv, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

describe('nodes', () => {
  let server: SkiffServer;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  const agentDir = mkdtempSync(join(tmpdir(), 'skiff-agent-'));
  let image = '';
  before(async () => {
    await ensureDocker();
    image = await testImage();
    server = await startSkiffServer(undefined, ['--node-name', 'edge-server'], undefined, { agent: true });
  });
  after(async () => {
    if (agent !== undefined && agent.exitCode === null) {
      const exited = new Promise((resolve) => agent?.once('exit', resolve));
      agent.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    rmSync(agentDir, { recursive: true, force: true });
  });
  const json = (args: string[]) => JSON.parse(server.kubectl([...args, '-o', 'json']).stdout);

  it('the embedded agent registers a Ready control-plane node with capacity, nodeInfo and a Lease', async () => {
    await eventually('the node to be Ready', () => /\nedge-server\s+Ready\s+control-plane,master\s+\d+s\s+v1\.32\.0\+skiff/.test(server.kubectl(['get', 'nodes']).stdout), 20_000);
    const node = json(['get', 'node', 'edge-server']);
    assert.match(node.status.capacity.cpu, /^\d+$/);
    assert.match(node.status.capacity.memory, /^\d+Ki$/);
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^docker:\/\//);
    assert.equal(node.metadata.labels['kubernetes.io/hostname'], 'edge-server');
    const lease = json(['get', 'lease', 'edge-server', '-n', 'kube-node-lease']);
    assert.equal(lease.spec.holderIdentity, 'edge-server');
    assert.equal(lease.spec.leaseDurationSeconds, 40);
  });

  it('an agent joins with a token and becomes a worker node', async () => {
    const created = spawnSync(skiffBinary(), ['token', 'create', '--data-dir', join(server.dir, 'data')], { encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    agent = spawn(skiffBinary(), ['agent', 'join', created.stdout.trim(), '--server', server.url, '--node-name', 'edge-worker', '--kubelet-port', '0', '--data-dir', agentDir, '--config', join(server.dir, 'config.yaml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: skiffEnv(agentDir),
    });
    agent.stdout?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    agent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    await eventually('the worker to be Ready', () => /\nedge-worker\s+Ready\s+<none>\s+\d+s/.test(server.kubectl(['get', 'nodes']).stdout), 20_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nagent log:\n${agentLog}`);
    });
    // Output arrives between polls (kubectl runs synchronously), so wait for it too.
    await eventually('the agent to log its join', () => /joined the cluster/.test(agentLog), 5_000);
    // The server hands the second /24 of the cluster CIDR to the first machine that joins.
    const server24 = json(['get', 'node', 'edge-server']).spec.podCIDR as string;
    assert.equal(json(['get', 'node', 'edge-worker']).spec.podCIDR, server24.replace(/\.0\.0\/24$/, '.1.0/24'));
  });

  it('a pod bound to the node runs in Docker, reports Running 1/1, and goes away when deleted', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata: {name: hello, namespace: default}
spec:
  nodeName: edge-server
  terminationGracePeriodSeconds: 2
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: Never
    command: ["sh", "-c", "echo started; trap 'exit 0' TERM; while :; do sleep 1; done"]
`;
    assert.equal(server.kubectl(['apply', '-f', '-'], { input: manifest }).code, 0);
    await eventually('the pod to be Running and ready', () => /\nhello\s+1\/1\s+Running\s+0\s+/.test(server.kubectl(['get', 'pods']).stdout), 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${server.kubectl(['get', 'pod', 'hello', '-o', 'yaml']).stdout}\n${server.log().slice(-3000)}`);
    });
    const pod = json(['get', 'pod', 'hello']);
    // The pod's address comes from its node's subnet, the first /24 of the cluster CIDR.
    const subnet: string = json(['get', 'node', 'edge-server']).spec.podCIDR;
    assert.match(subnet, /^10\.\d+\.0\.0\/24$/);
    assert.equal(pod.status.podIP.split('.').slice(0, 3).join('.'), subnet.split('.').slice(0, 3).join('.'));
    assert.match(pod.status.containerStatuses[0].containerID, /^docker:\/\//);
    assert.match(server.kubectl(['delete', 'pod', 'hello', '--timeout=60s']).stdout, /pod "hello" deleted/);
    assert.notEqual(server.kubectl(['get', 'pod', 'hello']).code, 0);
  });
});
