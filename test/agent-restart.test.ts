/**
 * A joined agent's pods survive the agent and the server going away: an agent killed with
 * SIGKILL adopts its running containers on restart (and cleans up after pods deleted
 * meanwhile); while the server is stopped for two minutes the agent keeps its pods running,
 * restarts a crashing one, stays within a memory bound and logs little, and once the server
 * is back the restart counts it missed show up in kubectl.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDocker, testImage } from './support/docker.ts';
import { eventually } from './support/poll.ts';
import { skiffBinary, skiffEnv, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';

const run = Math.random().toString(36).slice(2, 8);
const node = `ar-${run}`;
const clusterCidr = `10.${100 + Math.floor(Math.random() * 150)}.0.0/16`;
const outageMs = 120_000;

interface Container { id: string; pod: string; container: string; restartCount: number; running: boolean }

function docker(args: string[]): string {
  const result = spawnSync('docker', args, { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** This node's pod containers (not sandboxes), from their io.skiff labels. */
function containers(pod?: string): Container[] {
  const filters = ['--filter', `label=io.skiff.node=${node}`, '--filter', 'label=io.skiff.type=container', ...(pod ? ['--filter', `label=io.skiff.pod-name=${pod}`] : [])];
  const format = '{{.ID}}|{{.Label "io.skiff.pod-name"}}|{{.Label "io.skiff.container-name"}}|{{.Label "io.skiff.restart-count"}}|{{.State}}';
  return docker(['ps', '-a', '--no-trunc', ...filters, '--format', format]).split('\n').filter(Boolean).map((line) => {
    const [id = '', podName = '', container = '', restarts = '', state = ''] = line.split('|');
    return { id, pod: podName, container, restartCount: Number(restarts), running: state === 'running' };
  }).sort((a, b) => `${a.pod}/${a.container}/${a.id}`.localeCompare(`${b.pod}/${b.container}/${b.id}`));
}

function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/** Checks `check` holds every 500 ms for `ms`; the bounded window in which a wrong action would show. */
async function consistently(what: string, check: () => void, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      check();
    } catch (error) {
      throw new Error(`${what} stopped holding: ${(error as Error).message}`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  check();
}

class Agent {
  readonly child: ChildProcess;
  #log = '';
  readonly exited: Promise<void>;

  constructor(args: string[], home: string) {
    this.child = spawn(skiffBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'], env: skiffEnv(home) });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.#log += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.#log += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  log(): string {
    return this.#log;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

describe('an agent and a server that go away and come back', () => {
  let server: SkiffServer;
  let agent: Agent | undefined;
  let token = '';
  let image = '';
  const agentDir = mkdtempSync(join(tmpdir(), 'skiff-agent-restart-'));
  const kubectl = (args: string[], input?: string) => {
    const result = server.kubectl(args, { input });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const explain = () => `\n${server.kubectl(['get', 'pods', '-o', 'wide']).stdout}\n${JSON.stringify(containers(), null, 1)}\nagent log:\n${agent?.log().slice(-4000)}`;
  const waitFor = <T>(what: string, check: () => T | undefined | false, timeoutMs: number): Promise<T> =>
    eventually(what, check, timeoutMs, 500).catch((error: unknown) => {
      throw new Error(`${String(error)}${explain()}`);
    });
  const startAgent = () => {
    // The agent API port flag is there once nodes serve logs and exec; 0 keeps parallel agents apart.
    const portFlag = spawnSync(skiffBinary(), ['agent', '--help'], { encoding: 'utf8' }).stdout.includes('--kubelet-port') ? ['--kubelet-port', '0'] : [];
    agent = new Agent(['agent', 'join', token, '--server', server.url, '--node-name', node, '--data-dir', agentDir, ...portFlag, '--config', join(server.dir, 'config.yaml')], agentDir);
    return agent;
  };
  const rows = () => new Map(server.kubectl(['get', 'pods', '--no-headers']).stdout.split('\n').filter(Boolean).map((line) => {
    const [name = '', ready = '', status = '', restarts = ''] = line.split(/\s+/);
    return [name, { ready, status, restarts: Number(restarts) }] as const;
  }));

  before(async () => {
    await ensureDocker();
    image = await testImage();
    server = await startSkiffServer(undefined, ['--cluster-cidr', clusterCidr]);
    const created = spawnSync(skiffBinary(), ['token', 'create', '--data-dir', join(server.dir, 'data')], { encoding: 'utf8' });
    assert.equal(created.status, 0, created.stderr);
    token = created.stdout.trim();
    startAgent();
    await waitFor('the node to be Ready', () => new RegExp(`\\n${node}\\s+Ready\\s`).test(server.kubectl(['get', 'nodes']).stdout), 30_000);
  });

  after(async () => {
    await agent?.kill('SIGTERM');
    await server?.close();
    const ids = docker(['ps', '-aq', '--filter', `label=io.skiff.node=${node}`]).split('\n').filter(Boolean);
    if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids]);
    spawnSync('docker', ['network', 'rm', `skiff-${node}`]);
    rmSync(agentDir, { recursive: true, force: true });
  });

  const pod = (name: string, script: string, extra = '') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 2
${extra}  containers:
  - {name: main, image: ${image}, imagePullPolicy: Never, command: [sh, -c, "${script}"]}
`;
  const forever = "trap 'exit 0' TERM; while :; do sleep 1; done";

  it('an agent killed with SIGKILL adopts its containers on restart, and removes those of pods deleted meanwhile', async () => {
    const steady = pod('steady', forever).replace(/\n$/, `\n  - {name: sidecar, image: ${image}, imagePullPolicy: Never, command: [sh, -c, "${forever}"]}\n`);
    kubectl(['apply', '-f', '-'], [steady, pod('doomed-graceful', forever), pod('doomed-forced', forever)].join('---'));
    await waitFor('the pods to run', () => {
      const now = rows();
      return now.get('steady')?.ready === '2/2' && now.get('doomed-graceful')?.ready === '1/1' && now.get('doomed-forced')?.ready === '1/1';
    }, 60_000);
    const steadyBefore = containers('steady');
    assert.equal(steadyBefore.length, 2);

    await agent?.kill('SIGKILL');
    assert.deepEqual(containers('steady'), steadyBefore, 'the containers outlive the agent');
    assert.ok(containers('doomed-forced').every((c) => c.running));
    kubectl(['delete', 'pod', 'doomed-graceful', '--wait=false']);
    kubectl(['delete', 'pod', 'doomed-forced', '--grace-period=0', '--force']);

    startAgent();
    await waitFor('the containers of the deleted pods to be removed', () => containers('doomed-graceful').length === 0 && containers('doomed-forced').length === 0, 30_000);
    await waitFor('the gracefully deleted pod to be gone', () => server.kubectl(['get', 'pod', 'doomed-graceful']).code !== 0, 15_000);
    await consistently('steady keeps its containers', () => {
      assert.deepEqual(containers('steady'), steadyBefore, 'same container IDs, none added, restart counts unchanged');
    }, 5_000);
    const status = JSON.parse(kubectl(['get', 'pod', 'steady', '-o', 'json'])) as { status: { containerStatuses: { containerID: string; restartCount: number; ready: boolean }[] } };
    assert.deepEqual(status.status.containerStatuses.map((s) => [s.containerID, s.restartCount, s.ready]).sort(),
      steadyBefore.map((c) => [`docker://${c.id}`, 0, true]).sort());
    assert.deepEqual(rows().get('steady'), { ready: '2/2', status: 'Running', restarts: 0 });
  });

  it('while the server is down for two minutes, pods keep running, a crashing one is restarted, memory and logs stay bounded, and kubectl catches up after', { timeout: 240_000 }, async (t) => {
    // Runs of 10 s, each followed by a back-off of 10, 20, 40, 80 s, start at about 0, 10, 30,
    // 60, 110 and 200 s: the outage (from about 12 s to 132 s) sees three restarts, and none
    // falls in the half minute after it in which kubectl must catch up, so only statuses kept
    // through the outage can show them.
    kubectl(['apply', '-f', '-'], pod('crashy', 'sleep 10; exit 1'));
    await waitFor('crashy to have restarted once', () => (rows().get('crashy')?.restarts ?? 0) >= 1, 40_000);
    const steady = containers('steady');
    const pid = agent?.pid ?? 0;
    const rssBefore = rssKiB(pid);
    const restartsBefore = Math.max(...containers('crashy').map((c) => c.restartCount));
    const logBefore = agent?.log().length ?? 0;

    await server.stop();
    const outageEnd = Date.now() + outageMs;
    let rssMax = rssBefore;
    while (Date.now() < outageEnd) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      rssMax = Math.max(rssMax, rssKiB(pid));
      assert.deepEqual(containers('steady'), steady, 'steady keeps running untouched');
    }
    const crashy = containers('crashy');
    const restartsAfter = Math.max(...crashy.map((c) => c.restartCount));
    const outageLog = (agent?.log() ?? '').slice(logBefore).split('\n').filter(Boolean);
    t.diagnostic(`agent RSS ${rssBefore} KiB before the outage, at most ${rssMax} KiB during it; ${outageLog.length} log lines: ${outageLog.map((l) => l.slice(25, 90)).join(' | ')}`);
    assert.ok(restartsAfter >= restartsBefore + 2, `crashy was restarted during the outage: ${restartsBefore} → ${restartsAfter}`);
    assert.ok(crashy.length <= 2, 'only the current and the previous instance are kept');
    assert.ok(rssMax - rssBefore < 30 * 1024, `RSS grew by ${rssMax - rssBefore} KiB (from ${rssBefore} KiB)`);
    assert.ok(outageLog.length <= 10, `the agent logged ${outageLog.length} lines while the server was away:\n${outageLog.join('\n')}`);
    assert.equal(agent?.child.exitCode, null, 'the agent is still running');

    server = await startSkiffServer(undefined, ['--cluster-cidr', clusterCidr], undefined, { dir: server.dir, port: server.port });
    const caughtUp = Date.now();
    await waitFor('kubectl to show the restarts made during the outage', () => (rows().get('crashy')?.restarts ?? -1) >= restartsAfter, 30_000);
    assert.ok(Date.now() - caughtUp < 30_000);
    assert.equal(Math.max(...containers('crashy').map((c) => c.restartCount)), restartsAfter, 'no restart since the outage: the count shown is the one kept through it');
    assert.deepEqual(rows().get('steady'), { ready: '2/2', status: 'Running', restarts: 0 });
    assert.deepEqual(containers('steady'), steady);
    await waitFor('the node to be Ready again', () => new RegExp(`\\n${node}\\s+Ready\\s`).test(server.kubectl(['get', 'nodes']).stdout), 30_000);
  });
});
