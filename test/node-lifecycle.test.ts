/**
 * The controller manager's node and disruption loops end to end with the built binary and
 * the real kubectl: `skiff server` with its embedded agent (node a) and a joined agent
 * (node b) on a real Docker daemon. A Deployment spread over both is moved off b by
 * cordon and drain; a PodDisruptionBudget refuses an eviction with 429; a SIGKILLed agent's
 * node goes Unknown with the unreachable taint and its pods are replaced on a once their
 * (shortened) toleration runs out, the taints going when the agent is back; deleting a
 * namespace removes what is in it and then the namespace; new namespaces get a default
 * ServiceAccount.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { skiffBinary, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const run = Math.random().toString(36).slice(2, 7);
const nodeA = `nl-a-${run}`;
const nodeB = `nl-b-${run}`;
const ns = 'shop';

interface PodRow { name: string; node: string; ready: boolean; deleting: boolean }
interface NodeJson { spec?: { unschedulable?: boolean; taints?: Array<{ key: string; effect: string }> }; status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } }

describe('node lifecycle, eviction and namespace controllers', () => {
  let server: SkiffServer;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  let token = '';
  let image = '';
  const agentDir = mkdtempSync(join(tmpdir(), 'skiff-nl-agent-'));

  const kubectl = (args: string[], input?: string): string => {
    const result = server.kubectl(args, { input, timeoutMs: 150_000 });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const explain = (): string =>
    `\n${server.kubectl(['get', 'nodes', '-o', 'wide']).stdout}\n${server.kubectl(['get', 'pods', '-A', '-o', 'wide']).stdout}\nserver log:\n${server.log().slice(-3000)}\nagent log:\n${agentLog.slice(-2000)}`;
  const waitFor = <T>(what: string, check: () => T | undefined | false, timeoutMs: number): Promise<T> =>
    eventually(what, check, timeoutMs, 500).catch((error: unknown) => {
      throw new Error(`${String(error)}${explain()}`);
    });
  const startAgent = (): void => {
    agent = spawn(skiffBinary(), ['agent', 'join', token, '--server', server.url, '--node-name', nodeB, '--kubelet-port', '0', '--data-dir', agentDir, '--config', join(server.dir, 'config.yaml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: agentDir, SKIFF_CACHE_DIR: join(agentDir, 'cache') },
    });
    agent.stdout?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
    agent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (agentLog += chunk));
  };
  const stopAgent = async (signal: NodeJS.Signals): Promise<void> => {
    const child = agent;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  const node = (name: string): NodeJson => JSON.parse(kubectl(['get', 'node', name, '-o', 'json'])) as NodeJson;
  const ready = (name: string): string | undefined => node(name).status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const taints = (name: string): string[] => (node(name).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
  const pods = (namespace = ns, selector = 'app=web'): PodRow[] => {
    const list = JSON.parse(kubectl(['get', 'pods', '-n', namespace, '-l', selector, '-o', 'json'])) as {
      items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status?: { conditions?: Array<{ type: string; status: string }> } }>;
    };
    return list.items.map((p) => ({
      name: p.metadata.name,
      node: p.spec.nodeName ?? '',
      ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      deleting: p.metadata.deletionTimestamp !== undefined,
    }));
  };
  const live = (): PodRow[] => pods().filter((p) => !p.deleting);

  before(async () => {
    await ensureDocker();
    image = await testImage();
    server = await startSkiffServer(undefined, [
      '--node-name', nodeA,
      '--node-monitor-grace-period', '20s',
      '--default-unreachable-toleration-seconds', '5',
      '--default-not-ready-toleration-seconds', '5',
    ], undefined, { agent: true });
    const created = spawnSync(skiffBinary(), ['token', 'create', '--data-dir', join(server.dir, 'data')], { encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    token = created.stdout.trim();
    startAgent();
    await waitFor('both nodes to be Ready', () => ready(nodeA) === 'True' && ready(nodeB) === 'True', 60_000);
  });

  after(async () => {
    await stopAgent('SIGTERM');
    await server?.close();
    for (const name of [nodeA, nodeB]) {
      const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=io.skiff.node=${name}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids]);
      spawnSync('docker', ['network', 'rm', `skiff-${name}`]);
    }
    rmSync(agentDir, { recursive: true, force: true });
  });

  it('a Deployment spreads over both nodes', async () => {
    kubectl(['create', 'namespace', ns]);
    kubectl(['apply', '-f', '-'], `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 2
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
      containers:
      - name: main
        image: ${image}
        imagePullPolicy: Never
        command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 1; done"]
        volumeMounts: [{name: scratch, mountPath: /scratch}]
      volumes: [{name: scratch, emptyDir: {}}]
`);
    await waitFor('4 ready pods on both nodes', () => {
      const now = live();
      return now.length === 4 && now.every((p) => p.ready) && new Set(now.map((p) => p.node)).size === 2;
    }, 90_000);
  });

  it('cordon taints the node unschedulable; drain evicts its pods, which come back on the other node; uncordon undoes it', async () => {
    assert.match(kubectl(['cordon', nodeB]), /cordoned/);
    await waitFor('the unschedulable taint', () => taints(nodeB).includes('node.kubernetes.io/unschedulable:NoSchedule'), 20_000);
    const drained = kubectl(['drain', nodeB, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s']);
    assert.match(drained, /evicting pod/);
    assert.match(drained, new RegExp(`node/${nodeB} drained`));
    await waitFor('all 4 pods ready on the other node', () => {
      const now = live();
      return now.length === 4 && now.every((p) => p.ready && p.node === nodeA);
    }, 90_000);
    assert.deepEqual(pods().filter((p) => p.node === nodeB), [], 'the drained pods are gone, not left terminating');
    kubectl(['uncordon', nodeB]);
    await waitFor('the taint to go with the cordon', () => !taints(nodeB).includes('node.kubernetes.io/unschedulable:NoSchedule') && node(nodeB).spec?.unschedulable !== true, 20_000);
  });

  it('a PodDisruptionBudget refuses an eviction with 429 until it allows one', async () => {
    kubectl(['apply', '-f', '-'], `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: ${ns}}
spec:
  minAvailable: 4
  selector: {matchLabels: {app: web}}
`);
    const status = (): Record<string, number> => (JSON.parse(kubectl(['get', 'pdb', 'web', '-n', ns, '-o', 'json'])) as { status?: Record<string, number> }).status ?? {};
    await waitFor('the budget status', () => status().currentHealthy === 4 && status().expectedPods === 4, 30_000);
    assert.equal(status().disruptionsAllowed, 0);
    const victim = live()[0]?.name ?? '';
    const body = join(server.dir, 'eviction.json');
    writeFileSync(body, JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: victim, namespace: ns } }));
    const refused = server.kubectl(['create', '--raw', `/api/v1/namespaces/${ns}/pods/${victim}/eviction`, '-f', body]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /TooManyRequests|Too Many Requests|429/);
    assert.match(refused.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
    assert.equal(pods().find((p) => p.name === victim)?.deleting, false);

    kubectl(['patch', 'pdb', 'web', '-n', ns, '--type', 'merge', '-p', '{"spec":{"minAvailable":3}}']);
    await waitFor('the budget to allow one disruption', () => status().disruptionsAllowed === 1, 30_000);
    kubectl(['create', '--raw', `/api/v1/namespaces/${ns}/pods/${victim}/eviction`, '-f', body]);
    await waitFor('the evicted pod to be replaced', () => {
      const now = live();
      return now.length === 4 && now.every((p) => p.ready) && !now.some((p) => p.name === victim);
    }, 60_000);
    kubectl(['delete', 'pdb', 'web', '-n', ns]);
  });

  it('a SIGKILLed agent\'s node goes Unknown with the unreachable taint, its pods are replaced after their toleration, and the taints go when it is back', async () => {
    kubectl(['scale', 'deployment', 'web', '-n', ns, '--replicas=8']);
    await waitFor('8 ready pods, some on the joined node', () => {
      const now = live();
      return now.length === 8 && now.every((p) => p.ready) && now.some((p) => p.node === nodeB);
    }, 90_000);
    const onB = live().filter((p) => p.node === nodeB).map((p) => p.name);
    const killedAt = Date.now();
    await stopAgent('SIGKILL');

    await waitFor('the node to be Unknown with the unreachable taints', () => ready(nodeB) === 'Unknown' && taints(nodeB).includes('node.kubernetes.io/unreachable:NoExecute'), 60_000);
    assert.ok(Date.now() - killedAt >= 10_000, 'not before the grace period');
    const condition = node(nodeB).status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(condition?.reason, 'NodeStatusUnknown');
    assert.equal(condition?.message, 'Kubelet stopped posting node status.');
    assert.deepEqual(taints(nodeB), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    assert.match(kubectl(['get', 'nodes']), new RegExp(`${nodeB}\\s+NotReady`));

    await waitFor('the dead node\'s pods to be replaced on the other node', () => {
      const now = pods();
      const running = now.filter((p) => !p.deleting);
      return running.length === 8 && running.every((p) => p.ready && p.node === nodeA) && onB.every((name) => now.find((p) => p.name === name)?.deleting !== false);
    }, 90_000);
    assert.match(kubectl(['get', 'events', '-n', ns, '--field-selector', 'reason=TaintManagerEviction']), /Marking for deletion Pod/);

    startAgent();
    await waitFor('the node Ready again without the taints', () => ready(nodeB) === 'True' && taints(nodeB).length === 0, 60_000);
    await waitFor('the evicted pods to be gone once their agent finished them', () => pods().every((p) => p.node !== nodeB), 60_000);
  });

  it('deleting a namespace removes its Deployment, pods, Services and ConfigMaps, then the namespace', async () => {
    kubectl(['create', 'namespace', 'doomed']);
    kubectl(['create', 'deployment', 'app', '-n', 'doomed', `--image=${image}`, '--replicas=2', '--', 'sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1; done"]);
    kubectl(['patch', 'deployment', 'app', '-n', 'doomed', '--type', 'json', '-p', '[{"op":"add","path":"/spec/template/spec/containers/0/imagePullPolicy","value":"Never"},{"op":"add","path":"/spec/template/spec/terminationGracePeriodSeconds","value":2}]']);
    kubectl(['expose', 'deployment', 'app', '-n', 'doomed', '--port=80']);
    kubectl(['create', 'configmap', 'settings', '-n', 'doomed', '--from-literal=a=b']);
    await waitFor('the doomed pods to run', () => {
      const now = pods('doomed', 'app=app').filter((p) => !p.deleting);
      return now.length === 2 && now.every((p) => p.ready);
    }, 90_000);
    kubectl(['delete', 'namespace', 'doomed', '--timeout=120s']);
    const gone = server.kubectl(['get', 'namespace', 'doomed']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NotFound|not found/);
    const left = server.kubectl(['get', 'deployments,replicasets,pods,services,configmaps', '-n', 'doomed', '-o', 'name']);
    assert.equal(left.stdout.trim(), '');
  });

  it('every new namespace gets a default ServiceAccount, made again when deleted', async () => {
    kubectl(['create', 'namespace', 'fresh']);
    const uid = (): string => server.kubectl(['get', 'serviceaccount', 'default', '-n', 'fresh', '-o', 'jsonpath={.metadata.uid}']).stdout;
    const first = await waitFor('the default ServiceAccount', () => uid() || false, 20_000);
    kubectl(['delete', 'serviceaccount', 'default', '-n', 'fresh']);
    await waitFor('a new default ServiceAccount', () => uid() !== '' && uid() !== first, 20_000);
  });
});
