/**
 * The scheduler end to end with the built binary: `skiff server` with its embedded agent
 * and a joined agent as two real nodes, plus Node objects without agents (created with
 * kubectl, status patched Ready) for placements that need no running containers. Pods
 * without spec.nodeName are placed by nodeSelector, node affinity and taints; a pod that
 * fits nowhere shows kube-scheduler's message in `kubectl describe` and is placed once a
 * node with room appears, or once another pod is deleted; a higher-priority pod preempts.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { skiffBinary, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const run = Math.random().toString(36).slice(2, 7);
const serverNode = `sch-server-${run}`;
const workerNode = `sch-worker-${run}`;
/** Nodes without agents carry this taint; only pods meant for them tolerate it. */
const fakeTaint = { key: 'skiff.test/no-agent', effect: 'NoSchedule' };
const toleratesFake = `tolerations: [{key: ${fakeTaint.key}, operator: Exists, effect: NoSchedule}]`;

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string; nominatedNodeName?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

describe('scheduler', () => {
  let server: SkiffServer;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  const agentDir = mkdtempSync(join(tmpdir(), 'skiff-sched-agent-'));
  let image = '';

  const kubectl = (args: string[], input?: string): string => {
    const result = server.kubectl(args, input === undefined ? {} : { input });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const pod = (name: string): PodJson => JSON.parse(kubectl(['get', 'pod', name, '-o', 'json'])) as PodJson;
  const nodeOf = (name: string): string | undefined => pod(name).spec.nodeName;
  const sleeper = (name: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${image}
    imagePullPolicy: Never
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
${extra}`;
  /** A pod for the nodes without agents: it tolerates their taint and asks for cpu. */
  const requester = (name: string, cpu: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  ${toleratesFake}
  containers:
  - {name: main, image: ${image}, imagePullPolicy: Never, resources: {requests: {cpu: "${cpu}"}}}
${extra}`;
  /** A Node object with no agent behind it, Ready, with `cpu` allocatable and the test taint. */
  const fakeNode = (name: string, cpu: string): void => {
    kubectl(['apply', '-f', '-'], `apiVersion: v1
kind: Node
metadata: {name: ${name}, labels: {kubernetes.io/hostname: ${name}}}
spec:
  taints: [{key: ${fakeTaint.key}, effect: ${fakeTaint.effect}}]
`);
    const status = { status: { allocatable: { cpu, memory: '8Gi', pods: '110' }, capacity: { cpu, memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node' }] } };
    kubectl(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  };
  /** The FailedScheduling line of `kubectl describe pod`, as kubectl prints it. */
  const failedScheduling = (message: string): RegExp =>
    new RegExp(`Warning\\s+FailedScheduling\\s+\\S+(?: \\(x\\d+ over \\S+\\))?\\s+default-scheduler\\s+${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n`);

  before(async () => {
    await ensureDocker();
    image = await testImage();
    server = await startSkiffServer(undefined, ['--node-name', serverNode], undefined, { agent: true });
    await eventually('the server node to be Ready', () => new RegExp(`\\n${serverNode}\\s+Ready`).test(server.kubectl(['get', 'nodes']).stdout), 30_000);
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

  it('kubectl run without a node is scheduled onto the Ready node, runs, and says so in its events', async () => {
    kubectl(['run', 'web', `--image=${image}`, '--image-pull-policy=Never', '--command', '--', 'sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1; done"]);
    await eventually('web to be Running', () => /\nweb\s+1\/1\s+Running/.test(server.kubectl(['get', 'pods']).stdout), 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${server.kubectl(['describe', 'pod', 'web']).stdout}\n${server.log().slice(-3000)}`);
    });
    assert.equal(nodeOf('web'), serverNode);
    const described = kubectl(['describe', 'pod', 'web']);
    assert.match(described, new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/web to ${serverNode}\\n`));
    assert.match(described, new RegExp(`Node:\\s+${serverNode}/`));
  });

  it('with a joined agent, nodeSelector and required node affinity choose the node', async () => {
    const created = spawnSync(skiffBinary(), ['token', 'create', '--data-dir', join(server.dir, 'data')], { encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    agent = spawn(skiffBinary(), ['agent', 'join', created.stdout.trim(), '--server', server.url, '--node-name', workerNode, '--kubelet-port', '0', '--data-dir', agentDir, '--config', join(server.dir, 'config.yaml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: agentDir, SKIFF_CACHE_DIR: join(agentDir, 'cache') },
    });
    agent.stdout?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    agent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    await eventually('the worker to be Ready', () => new RegExp(`\\n${workerNode}\\s+Ready`).test(server.kubectl(['get', 'nodes']).stdout), 30_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nagent log:\n${agentLog}`);
    });
    kubectl(['label', 'node', workerNode, 'disk=ssd']);
    kubectl(['apply', '-f', '-'], sleeper('on-ssd', '  nodeSelector: {disk: ssd}'));
    kubectl(['apply', '-f', '-'], sleeper('on-server', `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [${serverNode}]}]`));
    await eventually('both pods to be Running', () => {
      const out = server.kubectl(['get', 'pods']).stdout;
      return /\non-ssd\s+1\/1\s+Running/.test(out) && /\non-server\s+1\/1\s+Running/.test(out);
    }, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${server.kubectl(['describe', 'pods']).stdout}\nagent log:\n${agentLog.slice(-3000)}`);
    });
    assert.equal(nodeOf('on-ssd'), workerNode);
    assert.equal(nodeOf('on-server'), serverNode);
  });

  it('a NoSchedule taint keeps pods off a node unless they tolerate it', async () => {
    kubectl(['taint', 'node', serverNode, 'dedicated=infra:NoSchedule']);
    for (const name of ['spread-1', 'spread-2', 'spread-3']) kubectl(['apply', '-f', '-'], sleeper(name));
    kubectl(['apply', '-f', '-'], sleeper('infra', `  tolerations: [{key: dedicated, operator: Equal, value: infra, effect: NoSchedule}]
  nodeSelector: {kubernetes.io/hostname: ${serverNode}}`));
    await eventually('the pods to be bound', () => ['spread-1', 'spread-2', 'spread-3', 'infra'].every((name) => nodeOf(name) !== undefined), 30_000);
    for (const name of ['spread-1', 'spread-2', 'spread-3']) assert.equal(nodeOf(name), workerNode, name);
    assert.equal(nodeOf('infra'), serverNode);
    kubectl(['taint', 'node', serverNode, 'dedicated=infra:NoSchedule-']);
    kubectl(['delete', 'pod', 'spread-1', 'spread-2', 'spread-3', 'infra', 'on-ssd', 'on-server', '--wait=false']);
  });

  it('a pod asking for more cpu than any node has stays Pending with the reason, until a node with room appears', async () => {
    kubectl(['apply', '-f', '-'], requester('huge', '500'));
    const message = '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
    await eventually('the FailedScheduling event', () => failedScheduling(message).test(server.kubectl(['describe', 'pod', 'huge']).stdout), 20_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${server.kubectl(['describe', 'pod', 'huge']).stdout}`);
    });
    const pending = pod('huge');
    assert.equal(pending.status.phase, 'Pending');
    assert.deepEqual(
      pending.status.conditions?.filter((c) => c.type === 'PodScheduled').map(({ status, reason, message: text }) => ({ status, reason, message: text })),
      [{ status: 'False', reason: 'Unschedulable', message }],
    );
    assert.match(kubectl(['get', 'pod', 'huge']), /\nhuge\s+0\/1\s+Pending\s+0\s+/);
    fakeNode(`sch-big-${run}`, '1000');
    await eventually('huge to be bound to the big node', () => nodeOf('huge') === `sch-big-${run}`, 20_000);
    assert.match(kubectl(['describe', 'pod', 'huge']), new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/huge to sch-big-${run}\\n`));
    kubectl(['delete', 'pod', 'huge', '--grace-period=0', '--force']);
    kubectl(['delete', 'node', `sch-big-${run}`]);
  });

  it('a pod that does not fit is scheduled once another pod on the node is deleted', async () => {
    const small = `sch-small-${run}`;
    fakeNode(small, '2');
    const onSmall = `  nodeSelector: {kubernetes.io/hostname: ${small}}`;
    kubectl(['apply', '-f', '-'], requester('first', '1500m', onSmall));
    await eventually('first to be bound', () => nodeOf('first') === small, 20_000);
    kubectl(['apply', '-f', '-'], requester('second', '1', onSmall));
    const message = `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.`;
    await eventually('the FailedScheduling event', () => failedScheduling(message).test(server.kubectl(['describe', 'pod', 'second']).stdout), 20_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${server.kubectl(['describe', 'pod', 'second']).stdout}`);
    });
    assert.equal(nodeOf('second'), undefined);
    kubectl(['delete', 'pod', 'first', '--grace-period=0', '--force']);
    await eventually('second to be bound', () => nodeOf('second') === small, 20_000);
    kubectl(['delete', 'pod', 'second', '--grace-period=0', '--force']);
  });

  it('a pod of a higher PriorityClass preempts a lower-priority pod and is nominated to its node', async () => {
    const node = `sch-small-${run}`;
    const onNode = `  nodeSelector: {kubernetes.io/hostname: ${node}}`;
    kubectl(['apply', '-f', '-'], `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: sch-high-${run}}
value: 1000
description: test class
`);
    kubectl(['apply', '-f', '-'], requester('victim', '1500m', onNode));
    await eventually('victim to be bound', () => nodeOf('victim') === node, 20_000);
    kubectl(['apply', '-f', '-'], requester('vip', '1', `${onNode}\n  priorityClassName: sch-high-${run}`));
    // Nothing runs the victim's containers, so it stays terminating until it is removed by force.
    await eventually('the victim to be terminating and vip nominated', () => pod('victim').metadata.deletionTimestamp !== undefined && pod('vip').status.nominatedNodeName === node, 20_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${server.kubectl(['describe', 'pod', 'vip', 'victim']).stdout}`);
    });
    const victim = pod('victim');
    assert.ok(victim.status.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'PreemptionByScheduler'), JSON.stringify(victim.status));
    assert.match(kubectl(['describe', 'pod', 'victim']), /Normal\s+Preempted\s+\S+\s+default-scheduler\s+Preempted by pod \S+ on node /);
    assert.match(kubectl(['get', 'pod', 'vip', '-o', 'wide']), new RegExp(`\\nvip\\s+0/1\\s+Pending\\s+0\\s+\\S+\\s+<none>\\s+<none>\\s+${node}\\s`));
    assert.equal(nodeOf('vip'), undefined);
    kubectl(['delete', 'pod', 'victim', '--grace-period=0', '--force']);
    await eventually('vip to be bound to the node made room on', () => nodeOf('vip') === node, 20_000);
    kubectl(['delete', 'pod', 'vip', '--grace-period=0', '--force']);
  });
});
