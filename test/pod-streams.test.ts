/**
 * `kubectl logs`, `exec` and `port-forward` against `skiff server` with its embedded agent:
 * the API server finds the pod's node and forwards to that node's agent API over mutual
 * TLS, and the agent reads Docker. Also: the agent API admits only the API server.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { adminCredentials, freePort, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const NODE = 'stream-node';

describe('pod streams through the API server', () => {
  let server: SkiffServer;
  before(async () => {
    await ensureDocker();
    const image = await testImage();
    server = await startSkiffServer(undefined, ['--node-name', NODE], undefined, { agent: true });
    const manifest = `apiVersion: v1
kind: Pod
metadata: {name: streams, namespace: default}
spec:
  nodeName: ${NODE}
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: ${image}
    imagePullPolicy: Never
    command: ["sh", "-c", "mkdir -p /www; echo hello-through-the-tunnel > /www/index.html; httpd -p 127.0.0.1:8081 -h /www; httpd -f -p 8080 -h /www & i=0; while :; do echo line $i; i=$((i+1)); sleep 0.2; done"]
  - name: crash
    image: ${image}
    imagePullPolicy: Never
    command: ["sh", "-c", "echo attempt $(cat /proc/sys/kernel/random/uuid); sleep 1; exit 2"]
  - name: talk
    image: ${image}
    imagePullPolicy: Never
    stdin: true
    stdinOnce: true
    command: ["sh", "-c", "while read line; do echo heard:$line; done; echo stdin closed"]
---
apiVersion: v1
kind: Pod
metadata: {name: unscheduled, namespace: default}
spec:
  # No scheduler by this name exists, so the pod never gets a node.
  schedulerName: nobody
  containers:
  - {name: main, image: ${image}}
`;
    const applied = server.kubectl(['apply', '-f', '-'], { input: manifest });
    assert.equal(applied.code, 0, applied.stderr);
    await eventually('the web container to run and log', () => /line 3/.test(server.kubectl(['logs', 'streams', '-c', 'web']).stdout), 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${server.kubectl(['get', 'pod', 'streams', '-o', 'yaml']).stdout}\n${server.log().slice(-3000)}`);
    });
  });
  after(async () => {
    server?.kubectl(['delete', 'pod', 'streams', 'unscheduled', '--grace-period', '0', '--wait=false']);
    if (server !== undefined) {
      await eventually('the pod containers to be gone', () => dockerIds('streams').length === 0, 30_000).catch(() => undefined);
      spawnSync('docker', ['rm', '-f', ...dockerIds('streams')]);
    }
    await server?.close();
  });

  it('logs --tail returns exactly the last lines of the named container', () => {
    const result = server.kubectl(['logs', 'streams', '-c', 'web', '--tail', '2']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.match(line, /^line \d+$/);
    assert.equal(Number(lines[1]?.slice(5)), Number(lines[0]?.slice(5)) + 1);
  });

  it('logs -f keeps streaming lines written after it started', async () => {
    const follower = spawn('kubectl', ['logs', '-f', 'streams', '-c', 'web', '--tail', '1'], { env: { ...process.env, KUBECONFIG: server.kubeconfig, HOME: server.dir } });
    let output = '';
    follower.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      const first = await eventually('the first followed line', () => Number(/line (\d+)/.exec(output)?.[1] ?? Number.NaN) >= 0 && Number(/line (\d+)/.exec(output)?.[1]), 10_000);
      await eventually('lines written later', () => output.includes(`line ${Number(first) + 5}\n`), 10_000);
      assert.equal(follower.exitCode, null, 'a followed log stays open');
    } finally {
      follower.kill();
    }
  });

  it('logs --previous shows the container instance before the last restart', async () => {
    await eventually('the crash container to have restarted', () => {
      const pod = JSON.parse(server.kubectl(['get', 'pod', 'streams', '-o', 'json']).stdout);
      const crash = pod.status.containerStatuses.find((c: { name: string }) => c.name === 'crash');
      return crash?.restartCount >= 1;
    }, 60_000);
    const previous = server.kubectl(['logs', 'streams', '-c', 'crash', '--previous']);
    assert.equal(previous.code, 0, previous.stderr);
    assert.match(previous.stdout, /^attempt [0-9a-f-]{36}\n$/);
    const current = server.kubectl(['logs', 'streams', '-c', 'crash']);
    assert.equal(current.code, 0, current.stderr);
    assert.match(current.stdout, /^attempt [0-9a-f-]{36}\n$/);
    assert.notEqual(current.stdout, previous.stdout, 'each run of the container logs a new id');
  });

  it('logs refuses an unknown container, a pod without a node, and bad options with clear messages', () => {
    const unknown = server.kubectl(['logs', 'streams', '-c', 'nope']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /container nope is not valid for pod streams/);
    const unscheduled = server.kubectl(['logs', 'unscheduled']);
    assert.notEqual(unscheduled.code, 0);
    assert.match(unscheduled.stderr, /pod unscheduled does not have a host assigned/);
    const both = server.kubectl(['logs', 'streams', '-c', 'web']);
    assert.equal(both.code, 0);
    const raw = server.kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/streams/log?container=web&tailLines=-2&limitBytes=0']);
    assert.notEqual(raw.code, 0);
    assert.match(raw.stderr, /tailLines: Invalid value: -2: must be greater than or equal to 0/);
    assert.match(raw.stderr, /limitBytes: Invalid value: 0: must be greater than 0/);
    const missing = server.kubectl(['logs', 'no-such-pod']);
    assert.match(missing.stderr, /pods "no-such-pod" not found/);
  });

  it('exec separates stdout from stderr and propagates the exit code', () => {
    const result = server.kubectl(['exec', 'streams', '-c', 'web', '--', 'sh', '-c', 'echo to-out; echo to-err >&2; exit 3']);
    assert.equal(result.code, 3);
    assert.equal(result.stdout, 'to-out\n');
    assert.match(result.stderr, /^to-err\n/);
    assert.match(result.stderr, /command terminated with exit code 3/);
    const ok = server.kubectl(['exec', 'streams', '-c', 'web', '--', 'cat', '/www/index.html']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'hello-through-the-tunnel\n');
  });

  it('exec -i passes stdin to the process and ends it at end of input', () => {
    const result = server.kubectl(['exec', '-i', 'streams', '-c', 'web', '--', 'sh', '-c', 'read first; wc -l; echo "first=$first"; exit 5'], { input: 'one\ntwo\nthree\n' });
    assert.equal(result.code, 5, result.stderr);
    assert.equal(result.stdout.replace(/ +/g, ''), '2\nfirst=one\n');
  });

  it('exec -it gives the process a terminal', () => {
    // `script` gives kubectl a terminal of its own, as an interactive shell would.
    const result = spawnSync('script', ['-qec', "kubectl exec -it streams -c web -- sh -c 'tty; exit 6'", '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: server.kubeconfig, HOME: server.dir },
      input: '',
      timeout: 30_000,
    });
    assert.match(result.stdout, /\/dev\/pts\/\d+/);
    assert.match(result.stdout, /command terminated with exit code 6/);
  });

  it('attach -i talks to the main process of a container started with stdin', async () => {
    await eventually('the talk container to run', () => {
      const pod = JSON.parse(server.kubectl(['get', 'pod', 'streams', '-o', 'json']).stdout);
      return pod.status.containerStatuses.find((c: { name: string }) => c.name === 'talk')?.state?.running !== undefined;
    }, 30_000);
    const result = server.kubectl(['attach', '-i', 'streams', '-c', 'talk'], { input: 'one\ntwo\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /heard:one\nheard:two\n/);
    assert.match(result.stdout, /stdin closed/);
  });

  it('exec into a container that is not there, or a pod that is not there, is refused', () => {
    const container = server.kubectl(['exec', 'streams', '-c', 'nope', '--', 'true']);
    assert.notEqual(container.code, 0);
    assert.match(container.stderr, /container nope is not valid for pod streams/);
    const pod = server.kubectl(['exec', 'no-such-pod', '--', 'true']);
    assert.notEqual(pod.code, 0);
    assert.match(pod.stderr, /pods "no-such-pod" not found/);
  });

  it('port-forward carries HTTP requests to the pod, several connections in turn, also to a port only the pod loopback listens on', async () => {
    const local = await freePort();
    const loopbackOnly = await freePort();
    const forwarder = spawn('kubectl', ['port-forward', 'pod/streams', `${local}:8080`, `${loopbackOnly}:8081`], { env: { ...process.env, KUBECONFIG: server.kubeconfig, HOME: server.dir } });
    let output = '';
    forwarder.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    forwarder.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      await eventually('port-forward to listen', () => output.includes(`Forwarding from 127.0.0.1:${local}`), 15_000);
      for (let i = 0; i < 3; i++) {
        const body = await fetchText(`http://127.0.0.1:${local}/index.html`).catch((error: unknown) => {
          throw new Error(`${String(error)}; port-forward said:\n${output}\n${server.log().slice(-2000)}`);
        });
        assert.equal(body, 'hello-through-the-tunnel\n');
      }
      assert.equal(await fetchText(`http://127.0.0.1:${loopbackOnly}/index.html`), 'hello-through-the-tunnel\n');
    } finally {
      forwarder.kill();
    }
  });

  it('nodes/proxy/stats/summary reports the node and its running pods with CPU and memory use', () => {
    const raw = server.kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/stats/summary`]);
    assert.equal(raw.code, 0, raw.stderr);
    const summary = JSON.parse(raw.stdout);
    assert.equal(summary.node.nodeName, NODE);
    assert.ok(summary.node.memory.workingSetBytes > 0 && summary.node.fs.capacityBytes > 0 && summary.node.cpu.usageCoreNanoSeconds > 0);
    const pod = summary.pods.find((p: { podRef: { name: string } }) => p.podRef.name === 'streams');
    assert.equal(pod?.podRef.namespace, 'default');
    const web = pod.containers.find((c: { name: string }) => c.name === 'web');
    assert.ok(web.memory.workingSetBytes > 0, JSON.stringify(web));
    assert.ok(web.cpu.usageCoreNanoSeconds > 0, JSON.stringify(web));
    const unknown = server.kubectl(['get', '--raw', '/api/v1/nodes/no-such-node/proxy/stats/summary']);
    assert.match(unknown.stderr, /nodes "no-such-node" not found/);
  });

  it("the node agent's API refuses callers other than the API server", async () => {
    const node = JSON.parse(server.kubectl(['get', 'node', NODE, '-o', 'json']).stdout);
    const port = node.status.daemonEndpoints.kubeletEndpoint.Port;
    assert.ok(port > 0);
    const path = '/api/v1/namespaces/default/pods/streams/log?container=web';
    const credentials = adminCredentials(server.kubeconfig);
    const anonymous = await agentGet(port, path, { ca: credentials.ca });
    assert.equal(anonymous.status, 401);
    // The admin certificate is valid for the API, but the agent only takes the API server's own.
    const admin = await agentGet(port, path, { ca: credentials.ca, cert: credentials.cert, key: credentials.key });
    assert.equal(admin.status, 403);
    assert.match(admin.body, /may not use the node agent API/);
  });
});

function dockerIds(pod: string): string[] {
  const listed = spawnSync('docker', ['ps', '-aq', '--filter', `label=io.skiff.pod-name=${pod}`, '--filter', `label=io.skiff.node=${NODE}`], { encoding: 'utf8' });
  return listed.stdout.split('\n').filter((id) => id !== '');
}

function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
  });
}

function agentGet(port: number, path: string, tls: { ca: string; cert?: string; key?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // The agent listens on every interface; its certificate names this machine's loopback address.
    const req = httpsRequest({ host: '127.0.0.1', port, path, ...tls, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
