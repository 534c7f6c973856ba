/**
 * A pod's life as kubectl shows it, with the built binary running its embedded agent on real
 * Docker: init container, two containers sharing localhost and an emptyDir, env from a
 * ConfigMap, a Secret and the downward API, probes, CrashLoopBackOff timing, an unready
 * container, kubelet Events in `kubectl describe`, and a graceful delete (preStop, SIGTERM).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const run = Math.random().toString(36).slice(2, 8);
const node = `lc-${run}`;
// A cluster CIDR of its own, so the node's Docker network overlaps no other test's.
const clusterCidr = `10.${100 + Math.floor(Math.random() * 150)}.0.0/16`;

interface Row { name: string; ready: string; status: string; restarts: number }
interface Terminated { exitCode: number; startedAt?: string; finishedAt?: string }
interface ContainerState { waiting?: { reason: string }; running?: { startedAt: string }; terminated?: Terminated }
interface ContainerStatus { name: string; ready: boolean; restartCount: number; state: ContainerState; lastState: ContainerState; containerID?: string }
interface Pod {
  metadata: { name: string; uid: string };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: ContainerStatus[] };
}

function docker(args: string[]): string {
  const result = spawnSync('docker', args, { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Every row and object `kubectl get pods -w` printed, to check what was seen along the way. */
class PodWatch {
  readonly rows: Row[] = [];
  readonly objects: Pod[] = [];
  readonly #children: ChildProcess[] = [];

  constructor(server: SkiffServer) {
    const env = { ...process.env, KUBECONFIG: server.kubeconfig, HOME: server.dir };
    const table = spawn('kubectl', ['get', 'pods', '-w', '--no-headers'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let tableText = '';
    table.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      tableText += chunk;
      const lines = tableText.split('\n');
      tableText = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^(\S+)\s+(\d+\/\d+)\s+(\S+)\s+(\d+)/.exec(line);
        if (match) this.rows.push({ name: match[1] ?? '', ready: match[2] ?? '', status: match[3] ?? '', restarts: Number(match[4]) });
      }
    });
    const json = spawn('kubectl', ['get', 'pods', '-w', '-o', 'json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let jsonText = '';
    json.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      jsonText += chunk;
      // Objects are printed indented, one after another: a top-level one ends with "}" alone on a line.
      let end: number;
      while ((end = jsonText.indexOf('\n}\n')) >= 0) {
        this.objects.push(JSON.parse(jsonText.slice(0, end + 2)) as Pod);
        jsonText = jsonText.slice(end + 3);
      }
    });
    this.#children.push(table, json);
  }

  rowsOf(name: string): Row[] {
    return this.rows.filter((r) => r.name === name);
  }

  statusesOf(pod: string, container: string): ContainerStatus[] {
    return this.objects.filter((o) => o.metadata.name === pod)
      .flatMap((o) => o.status?.containerStatuses ?? []).filter((s) => s.name === container);
  }

  stop(): void {
    for (const child of this.#children) child.kill();
  }
}

describe('a pod through its life, as kubectl shows it', () => {
  let server: SkiffServer;
  let watch: PodWatch;
  let image = '';
  const hostDir = mkdtempSync(join(tmpdir(), 'skiff-lifecycle-'));
  const kubectl = (args: string[], input?: string) => {
    const result = server.kubectl(args, { input });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const getPod = (name: string): Pod => JSON.parse(kubectl(['get', 'pod', name, '-o', 'json'])) as Pod;
  const explain = (name: string) => `\n${server.kubectl(['get', 'pods']).stdout}\n${server.kubectl(['describe', 'pod', name]).stdout}\n${server.log().slice(-4000)}`;
  const waitFor = async <T>(what: string, pod: string, check: () => T | undefined | false, timeoutMs = 60_000): Promise<T> =>
    eventually(what, check, timeoutMs, 250).catch((error: unknown) => {
      throw new Error(`${String(error)}${explain(pod)}`);
    });

  before(async () => {
    await ensureDocker();
    image = await testImage();
    server = await startSkiffServer(undefined, ['--node-name', node, '--cluster-cidr', clusterCidr], undefined, { agent: true });
    await eventually('the node to be Ready', () => new RegExp(`\\n${node}\\s+Ready\\s`).test(server.kubectl(['get', 'nodes']).stdout), 30_000);
    watch = new PodWatch(server);
  });

  after(async () => {
    watch?.stop();
    await server?.close();
    const ids = docker(['ps', '-aq', '--filter', `label=io.skiff.node=${node}`]).split('\n').filter(Boolean);
    if (ids.length > 0) docker(['rm', '-f', ...ids]);
    spawnSync('docker', ['network', 'rm', `skiff-${node}`]);
    rmSync(hostDir, { recursive: true, force: true });
  });

  it('creates the pods: a web pod, a crashing one, a half-ready one and one whose image is missing', () => {
    const manifest = `
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {GREETING: hello-from-configmap}
---
apiVersion: v1
kind: Secret
metadata: {name: web-secret}
stringData: {PASSWORD: s3cret-value}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 10
  volumes:
  - {name: shared, emptyDir: {}}
  - {name: host, hostPath: {path: ${hostDir}, type: Directory}}
  initContainers:
  - name: setup
    image: ${image}
    imagePullPolicy: Never
    command: [sh, -c, "sleep 4; echo setup-done > /shared/init.txt"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: server
    image: ${image}
    imagePullPolicy: Never
    command: [sh, -c, "mkdir -p /www; echo hello-over-localhost > /www/index.html; trap 'echo sigterm >> /host/server.log; exit 0' TERM; httpd -f -p 8080 -h /www & while :; do sleep 1; done"]
    ports: [{name: http, containerPort: 8080}]
    readinessProbe: {httpGet: {path: /index.html, port: http}, initialDelaySeconds: 2, periodSeconds: 1}
    livenessProbe: {tcpSocket: {port: 8080}, initialDelaySeconds: 2, periodSeconds: 2}
    lifecycle:
      preStop: {exec: {command: [sh, -c, "echo prestop >> /host/server.log; sleep 1"]}}
    volumeMounts: [{name: host, mountPath: /host}]
  - name: client
    image: ${image}
    imagePullPolicy: Never
    command: [sh, -c, "trap 'echo sigterm >> /host/client.log; exit 0' TERM; env | sort > /shared/env.txt; echo GREETING=$GREETING; while :; do printf 'GET /index.html HTTP/1.0\\\\r\\\\n\\\\r\\\\n' | nc 127.0.0.1 8080 > /shared/fetched.tmp && mv /shared/fetched.tmp /shared/fetched.txt; sleep 1; done"]
    env:
    - {name: GREETING, valueFrom: {configMapKeyRef: {name: web-config, key: GREETING}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: web-secret, key: PASSWORD}}}
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    readinessProbe: {exec: {command: [grep, -q, hello-over-localhost, /shared/fetched.txt]}, periodSeconds: 1}
    volumeMounts: [{name: shared, mountPath: /shared}, {name: host, mountPath: /host}]
---
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: crash
    image: ${image}
    imagePullPolicy: Never
    command: [sh, -c, "sleep 1; exit 3"]
---
apiVersion: v1
kind: Pod
metadata: {name: half-ready}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: ok
    image: ${image}
    imagePullPolicy: Never
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 1; done"]
  - name: never-ready
    image: ${image}
    imagePullPolicy: Never
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 1; done"]
    readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: no-image}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: missing
    image: skiff-test/not-here-${run}:1
    imagePullPolicy: Never
`;
    const out = kubectl(['apply', '-f', '-'], manifest);
    assert.match(out, /pod\/web created/);
    assert.match(out, /pod\/crasher created/);
  });

  it('kubectl get pods shows Init:0/1, then 0/2 while the app containers start, then 2/2 Running with no restarts', async () => {
    await waitFor('web to be 2/2 Running', 'web', () => watch.rowsOf('web').find((r) => r.ready === '2/2' && r.status === 'Running'));
    const rows = watch.rowsOf('web');
    const initializing = rows.findIndex((r) => r.ready === '0/2' && r.status === 'Init:0/1');
    const starting = rows.findIndex((r) => /^[01]\/2$/.test(r.ready) && (r.status === 'PodInitializing' || r.status === 'Running'));
    const ready = rows.findIndex((r) => r.ready === '2/2' && r.status === 'Running');
    const seen = rows.map((r) => `${r.ready} ${r.status} ${r.restarts}`).join(', ');
    assert.ok(initializing >= 0, `Init:0/1 was shown: ${seen}`);
    assert.ok(initializing < starting && starting < ready, `the order was init, starting, ready: ${seen}`);
    assert.deepEqual(rows.filter((r) => r.restarts !== 0), [], 'nothing restarted');
    assert.equal(existsSync(join(hostDir, 'server.log')), false, 'no preStop or SIGTERM yet');
    const pod = getPod('web');
    assert.equal(pod.status?.phase, 'Running');
    assert.deepEqual(pod.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort(), ['ContainersReady=True', 'Initialized=True', 'PodScheduled=True', 'Ready=True']);
  });

  it('the client reaches the server on localhost, and sees env from the ConfigMap, the Secret and the pod', async () => {
    const pod = getPod('web');
    const uid = pod.metadata.uid;
    const shared = join(server.dir, 'data', 'agent', 'pods', uid, 'volumes', 'kubernetes.io~empty-dir', 'shared');
    assert.match(readFileSync(join(shared, 'fetched.txt'), 'utf8'), /200 OK[\s\S]*hello-over-localhost/);
    assert.equal(readFileSync(join(shared, 'init.txt'), 'utf8'), 'setup-done\n');
    const env = new Map(readFileSync(join(shared, 'env.txt'), 'utf8').split('\n').filter(Boolean).map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    }));
    assert.equal(env.get('GREETING'), 'hello-from-configmap');
    assert.equal(env.get('PASSWORD'), 's3cret-value');
    assert.equal(env.get('POD_NAME'), 'web');
    assert.equal(env.get('NODE_NAME'), node);
    assert.ok(pod.status?.podIP, 'the pod has an IP');
    assert.equal(env.get('POD_IP'), pod.status?.podIP);
    const client = pod.status?.containerStatuses?.find((s) => s.name === 'client')?.containerID?.replace('docker://', '') ?? '';
    assert.match(docker(['exec', client, 'cat', '/shared/env.txt']), /^PASSWORD=s3cret-value$/m);
    assert.match(spawnSync('docker', ['logs', client], { encoding: 'utf8' }).stdout, /^GREETING=hello-from-configmap$/m);
  });

  it('a crashing container goes to CrashLoopBackOff and waits 10 s, then 20 s, after an exit before restarting it', async (t) => {
    const ended = () => {
      const byStart = new Map<string, Terminated>();
      for (const s of watch.statusesOf('crasher', 'crash')) {
        for (const t of [s.state.terminated, s.lastState.terminated]) if (t?.startedAt && t.finishedAt) byStart.set(t.startedAt, t);
      }
      return [...byStart.values()].sort((a, b) => Date.parse(a.startedAt ?? '') - Date.parse(b.startedAt ?? ''));
    };
    const runs = await waitFor('four runs of the crashing container to have ended', 'crasher', () => {
      const list = ended();
      return list.length >= 4 ? list : undefined;
    }, 75_000);
    assert.ok(runs.every((r) => r.exitCode === 3), 'every run exited with 3');
    const gaps = runs.slice(1).map((r, i) => (Date.parse(r.startedAt ?? '') - Date.parse(runs[i]?.finishedAt ?? '')) / 1000);
    assert.ok(gaps[0] !== undefined && gaps[0] <= 3, `the first restart is immediate: ${gaps.join(', ')}`);
    t.diagnostic(`seconds from each exit to the next start: ${gaps.join(', ')}`);
    // Times are in whole seconds, and a restart follows the end of its back-off within a second or two.
    assert.ok(gaps[1] !== undefined && gaps[1] >= 9 && gaps[1] <= 13, `then 10 s after it exited: ${gaps.join(', ')}`);
    assert.ok(gaps[2] !== undefined && gaps[2] >= 19 && gaps[2] <= 23, `then 20 s after it exited: ${gaps.join(', ')}`);
    const rows = watch.rowsOf('crasher');
    assert.ok(rows.some((r) => r.status === 'CrashLoopBackOff' && r.ready === '0/1' && r.restarts >= 2), rows.map((r) => `${r.status} ${r.restarts}`).join(', '));
    const restarts = rows.map((r) => r.restarts);
    assert.deepEqual(restarts, [...restarts].sort((a, b) => a - b), 'RESTARTS never goes down');
    const describe = kubectl(['describe', 'pod', 'crasher']);
    assert.match(describe, /Warning\s+BackOff\s+.*\(x\d+ over .*\)\s+kubelet\s+Back-off restarting failed container crash in pod crasher_default\(/);
    assert.match(describe, /Normal\s+Started\s+.*\(x[34] over .*\)\s+kubelet\s+Started container crash/);
  });

  it('a container whose readiness probe fails keeps the pod Running but not Ready (1/2)', async () => {
    await waitFor('half-ready to show 1/2 Running', 'half-ready', () => watch.rowsOf('half-ready').find((r) => r.ready === '1/2' && r.status === 'Running'));
    const pod = getPod('half-ready');
    const conditions = Object.fromEntries(pod.status?.conditions?.map((c) => [c.type, c.status]) ?? []);
    assert.deepEqual(conditions, { PodScheduled: 'True', Initialized: 'True', ContainersReady: 'False', Ready: 'False' });
    assert.deepEqual(pod.status?.containerStatuses?.map((s) => `${s.name}:${s.ready}`), ['ok:true', 'never-ready:false']);
    assert.equal(watch.rowsOf('half-ready').some((r) => r.ready === '2/2'), false, 'never 2/2');
    const describe = await waitFor('the probe failures to be counted', 'half-ready', () => {
      const text = kubectl(['describe', 'pod', 'half-ready']);
      return /Warning\s+Unhealthy\s+\S+ \(x\d+ over \S+\)\s+kubelet\s+Readiness probe failed: /.test(text) ? text : undefined;
    }, 20_000);
    assert.match(describe, /Readiness probe failed: .*\/tmp\/ready/);
  });

  it('an image that is not present with pull policy Never shows ErrImageNeverPull and a Failed event', async () => {
    await waitFor('no-image to show ErrImageNeverPull', 'no-image', () => watch.rowsOf('no-image').find((r) => r.status === 'ErrImageNeverPull'));
    const describe = kubectl(['describe', 'pod', 'no-image']);
    assert.match(describe, new RegExp(`Warning\\s+ErrImageNeverPull\\s+.*kubelet\\s+Container image "skiff-test/not-here-${run}:1" is not present with pull policy of Never`));
    assert.match(describe, /Warning\s+Failed\s+.*kubelet\s+Error: ErrImageNeverPull/);
  });

  it('kubectl describe shows the kubelet events of a healthy start: Pulled, Created and Started for each container', () => {
    const describe = kubectl(['describe', 'pod', 'web']);
    for (const name of ['setup', 'server', 'client']) {
      assert.match(describe, new RegExp(`Normal\\s+Pulled\\s+\\S+\\s+kubelet\\s+Container image "${image}" already present on machine`));
      assert.match(describe, new RegExp(`Normal\\s+Created\\s+\\S+\\s+kubelet\\s+Created container ${name}\\n`));
      assert.match(describe, new RegExp(`Normal\\s+Started\\s+\\S+\\s+kubelet\\s+Started container ${name}\\n`));
    }
    const events = JSON.parse(kubectl(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'json'])) as { items: { source?: { component?: string; host?: string }; reportingComponent?: string; involvedObject: { fieldPath?: string } }[] };
    assert.ok(events.items.length >= 9);
    for (const event of events.items) {
      assert.deepEqual(event.source, { component: 'kubelet', host: node });
      assert.equal(event.reportingComponent, 'kubelet');
      assert.match(event.involvedObject.fieldPath ?? '', /^spec\.(initContainers|containers)\{(setup|server|client)\}$/);
    }
  });

  it('deleting the pod runs preStop before SIGTERM and removes its containers within the grace period', async () => {
    const uid = getPod('web').metadata.uid;
    const containers = () => docker(['ps', '-aq', '--filter', `label=io.skiff.pod-uid=${uid}`]).split('\n').filter(Boolean);
    assert.equal(containers().length, 4, 'a sandbox, the init container and two app containers');
    const started = Date.now();
    kubectl(['delete', 'pod', 'web', '--wait=false']);
    await waitFor('the containers to be gone', 'web', () => containers().length === 0, 12_000);
    assert.ok(Date.now() - started < 10_000, `gone within the 10 s grace period: ${Date.now() - started} ms`);
    assert.equal(readFileSync(join(hostDir, 'server.log'), 'utf8'), 'prestop\nsigterm\n');
    assert.equal(readFileSync(join(hostDir, 'client.log'), 'utf8'), 'sigterm\n');
    await waitFor('the pod object to be gone', 'web', () => server.kubectl(['get', 'pod', 'web']).code !== 0, 10_000);
    const events = kubectl(['get', 'events', '--field-selector', 'involvedObject.name=web,reason=Killing', '-o', 'custom-columns=MSG:.message', '--no-headers']);
    assert.deepEqual(events.trim().split('\n').sort(), ['Stopping container client', 'Stopping container server']);
    assert.equal(existsSync(join(server.dir, 'data', 'agent', 'pods', uid)), false, 'the pod directory is removed');
  });
});
