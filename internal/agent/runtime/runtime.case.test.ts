/**
 * The behaviour every ContainerRuntime must show. An implementation's test file calls
 * runRuntimeCases with a factory; the cases need an image with busybox applets in /bin.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Readable } from 'node:stream';
import { eventually } from '../../../test/support/poll.ts';
import { isRuntimeError } from './errors.ts';
import type { ContainerRuntime, ContainerSpec, NetworkConfig, SandboxConfig } from './types.ts';

export interface RuntimeFixture {
  runtime: ContainerRuntime;
  /** A second, fresh runtime on the same engine, as after an agent restart. */
  reopen(): ContainerRuntime;
  /** Image with busybox at /bin (sh, sleep, nc, cat, trap-capable sh, id, tail). */
  image: string;
  /** An image whose registry cannot be reached. */
  unreachableImage: string;
  /** Creates the pod network for this run (a free subnet). */
  network(runtime: ContainerRuntime): Promise<NetworkConfig>;
}

/** Registers the shared runtime cases under `name`. */
export function runRuntimeCases(name: string, factory: () => Promise<RuntimeFixture>): void {
  describe(`container runtime: ${name}`, () => {
    const run = `r${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const runLabel = { 'test.skiff.run': run };
    const dirs: string[] = [];
    let fx: RuntimeFixture;
    let rt: ContainerRuntime;
    let net: NetworkConfig;
    let pods = 0;

    before(async () => {
      fx = await factory();
      rt = fx.runtime;
      net = await fx.network(rt);
    });

    after(async () => {
      for (const sandbox of await rt.listSandboxes({ labels: runLabel })) await rt.removeSandbox(sandbox.id);
      for (const c of await rt.listContainers({ labels: runLabel })) await rt.removeContainer(c.id);
      await rt.removeNetwork(net.name);
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    const sandboxConfig = (overrides: Partial<SandboxConfig> = {}): SandboxConfig => {
      pods += 1;
      return {
        podUid: `${run}-uid-${pods}`, namespace: 'default', name: `pod${pods}`, hostname: `pod${pods}`,
        network: net.name, dns: { servers: ['10.43.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] },
        labels: runLabel, hostNetwork: false, ...overrides,
      };
    };
    const spec = (name: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec => ({
      name, image: fx.image, labels: runLabel, ...overrides,
    });
    /** Creates a sandbox with one started container running `script` under sh. */
    const runScript = async (script: string, overrides: Partial<ContainerSpec> = {}) => {
      const sandboxId = await rt.createSandbox(sandboxConfig());
      const id = await rt.createContainer(sandboxId, spec('main', { command: ['/bin/sh', '-c', script], ...overrides }));
      await rt.startContainer(id);
      return { sandboxId, id };
    };
    const exited = (id: string, timeoutMs = 10_000) => eventually(`container ${id} to exit`, async () => {
      const status = await rt.inspectContainer(id);
      return status.state === 'exited' && status;
    }, timeoutMs, 50);
    const text = async (stream: Readable) => (await stream.toArray()).map(String).join('');
    const tempDir = () => {
      const dir = mkdtempSync(join(tmpdir(), 'skiff-runtime-'));
      dirs.push(dir);
      return dir;
    };

    it('gives a sandbox an IP from the pod network subnet and reports it ready', async () => {
      const id = await rt.createSandbox(sandboxConfig());
      const status = await rt.sandboxStatus(id);
      assert.equal(status.state, 'ready');
      const prefix = net.subnet.split('.').slice(0, 3).join('.') + '.';
      assert.ok(status.ip?.startsWith(prefix), `ip ${status.ip} is not in ${net.subnet}`);
    });

    it('gives a sandbox the fixed IP it asks for', async () => {
      const ip = net.subnet.split('.').slice(0, 3).join('.') + '.77';
      const id = await rt.createSandbox(sandboxConfig({ ip }));
      assert.equal((await rt.sandboxStatus(id)).ip, ip);
    });

    it('lets two containers of one sandbox talk over localhost', async () => {
      const sandboxId = await rt.createSandbox(sandboxConfig());
      const server = await rt.createContainer(sandboxId, spec('server', {
        command: ['/bin/sh', '-c', 'echo hello-from-server | nc -l -p 8080'],
      }));
      await rt.startContainer(server);
      const client = await rt.createContainer(sandboxId, spec('client', {
        command: ['/bin/sh', '-c', 'until nc 127.0.0.1 8080; do sleep 0.1; done'],
      }));
      await rt.startContainer(client);
      await exited(client);
      assert.match(await text(await rt.logs(client)), /hello-from-server/);
    });

    it('applies env, command, args, working directory and user', async () => {
      const { id } = await runScript('echo "$GREETING $0 $1 $(pwd) $(id -u):$(id -g)"', {
        args: ['first', 'second'], env: [{ name: 'GREETING', value: 'hi there' }], workingDir: '/tmp', user: 1234, group: 5678,
      });
      const status = await exited(id);
      assert.equal(status.exitCode, 0);
      assert.equal((await text(await rt.logs(id))).trim(), 'hi there first second /tmp 1234:5678');
    });

    it('applies memory and CPU limits', async () => {
      const { id } = await runScript('sleep 300', { memoryLimitBytes: 64 * 1024 * 1024, nanoCpus: 250_000_000 });
      const status = await rt.inspectContainer(id);
      assert.equal(status.memoryLimitBytes, 64 * 1024 * 1024);
      assert.equal(status.nanoCpus, 250_000_000);
    });

    it('reports exit codes and the container labels', async () => {
      const { id, sandboxId } = await runScript('exit 3');
      const status = await exited(id);
      assert.equal(status.exitCode, 3);
      assert.equal(status.oomKilled, false);
      assert.equal(status.sandboxId, sandboxId);
      assert.equal(status.name, 'main');
      assert.ok(status.startedAt && status.finishedAt && status.finishedAt >= status.startedAt);
    });

    it('reports a container killed for exceeding its memory limit as OOMKilled', async () => {
      const { id } = await runScript('tail /dev/zero', { memoryLimitBytes: 16 * 1024 * 1024 });
      const status = await exited(id, 20_000);
      assert.equal(status.oomKilled, true);
      assert.equal(status.exitCode, 137);
    });

    it('stops with SIGTERM first, letting a trap run', async () => {
      const dir = tempDir();
      const { id } = await runScript('trap "echo term > /out/marker; exit 0" TERM; while true; do sleep 0.1; done', {
        mounts: [{ hostPath: dir, containerPath: '/out', readOnly: false }],
      });
      await eventually('the trap to be installed', async () => (await rt.inspectContainer(id)).state === 'running');
      await rt.stopContainer(id, 10);
      assert.equal(readFileSync(join(dir, 'marker'), 'utf8').trim(), 'term');
      assert.equal((await rt.inspectContainer(id)).exitCode, 0);
    });

    it('kills a container that ignores SIGTERM once the grace period ends', async () => {
      const dir = tempDir();
      const { id } = await runScript('trap "touch /out/term" TERM; touch /out/ready; while true; do sleep 0.1; done', {
        mounts: [{ hostPath: dir, containerPath: '/out', readOnly: false }],
      });
      await eventually('the trap to be installed', () => existsSync(join(dir, 'ready')));
      const started = Date.now();
      await rt.stopContainer(id, 1);
      assert.ok(Date.now() - started >= 900, 'stop returned before the grace period ended');
      assert.ok(existsSync(join(dir, 'term')), 'SIGTERM was not delivered first');
      assert.equal((await rt.inspectContainer(id)).exitCode, 137);
    });

    it('mounts read-only host paths read-only', async () => {
      const dir = tempDir();
      const { id } = await runScript('touch /ro/file', { mounts: [{ hostPath: dir, containerPath: '/ro', readOnly: true }] });
      assert.notEqual((await exited(id)).exitCode, 0);
      assert.equal(existsSync(join(dir, 'file')), false);
    });

    it('execs with stdin and reports the exit code', async () => {
      const { id } = await runScript('sleep 300');
      const session = await rt.exec(id, { cmd: ['/bin/sh', '-c', 'cat; echo err >&2; exit 7'], stdin: true });
      assert.ok(session.stdin);
      session.stdin.end('piped input\n');
      const [out, err, code] = await Promise.all([text(session.stdout), text(session.stderr), session.exitCode()]);
      assert.equal(out, 'piped input\n');
      assert.equal(err, 'err\n');
      assert.equal(code, 7);
    });

    it('execs with a tty, merging output onto stdout', async () => {
      const { id } = await runScript('sleep 300');
      const session = await rt.exec(id, { cmd: ['/bin/sh', '-c', 'read x; echo out; echo err >&2'], tty: true, stdin: true });
      // The process waits for input, so it is still there to be resized.
      await session.resize(100, 40);
      let out = '';
      session.stdout.on('data', (chunk: Buffer) => { out += String(chunk); });
      const err = text(session.stderr);
      session.stdin?.write('go\n');
      await eventually('the output', () => out.includes('err'));
      // With a tty, closing stdin closes the session, so only now.
      session.stdin?.end();
      assert.equal(await session.exitCode(), 0);
      assert.equal(out, 'go\r\nout\r\nerr\r\n');
      assert.equal(await err, '');
    });

    it('returns the tail of the logs and follows new lines', async () => {
      const { id } = await runScript('for i in 1 2 3 4 5; do echo line$i; done; sleep 0.2; echo oops >&2; sleep 300');
      await eventually('the first lines', async () => (await text(await rt.logs(id))).includes('oops'));
      assert.equal(await text(await rt.logs(id, { tail: 2 })), 'line5\noops\n');
      const controller = new AbortController();
      const follow = await rt.logs(id, { follow: true, tail: 1, signal: controller.signal });
      let seen = '';
      follow.on('data', (chunk: Buffer) => { seen += String(chunk); });
      await eventually('the tail line', () => seen === 'oops\n');
      // A line written only now, so it can only arrive by following.
      const writer = await rt.exec(id, { cmd: ['/bin/sh', '-c', 'echo late > /proc/1/fd/1'] });
      assert.equal(await writer.exitCode(), 0);
      await eventually('the followed line', () => seen.includes('late'));
      controller.abort();
      assert.equal(seen, 'oops\nlate\n');
    });

    it('finds sandboxes and containers by label from a new runtime instance', async () => {
      const { id, sandboxId } = await runScript('sleep 300', { restartCount: 4, labels: { ...runLabel, app: 'adopt' } });
      const fresh = fx.reopen();
      const containers = await fresh.listContainers({ labels: { ...runLabel, app: 'adopt' } });
      assert.deepEqual(containers.map((c) => [c.id, c.state, c.restartCount]), [[id, 'running', 4]]);
      const sandboxes = await fresh.listSandboxes({ labels: { 'io.skiff.pod-uid': containers[0]?.podUid ?? '' } });
      assert.deepEqual(sandboxes.map((s) => s.id), [sandboxId]);
    });

    it('lists sandboxes and containers with their pods and states in one listing', async () => {
      const { id, sandboxId } = await runScript('exit 4', { labels: { ...runLabel, app: 'listed' } });
      await exited(id);
      const pod = (await rt.sandboxStatus(sandboxId)).podUid;
      const listed = await rt.listObjects({ labels: { ...runLabel, 'io.skiff.pod-uid': pod } });
      assert.deepEqual(listed.map((o) => [o.id, o.type, o.podUid, o.state]).sort(), [
        [id, 'container', pod, 'exited'],
        [sandboxId, 'sandbox', pod, 'running'],
      ].sort());
    });

    it('creates a container from a sandbox status as from its id', async () => {
      const sandboxId = await rt.createSandbox(sandboxConfig());
      const sandbox = await rt.sandboxStatus(sandboxId);
      const id = await rt.createContainer(sandbox, spec('by-status', { command: ['/bin/sh', '-c', 'exit 0'] }));
      const status = await rt.inspectContainer(id);
      assert.deepEqual([status.sandboxId, status.podUid, status.name], [sandboxId, sandbox.podUid, 'by-status']);
    });

    it('streams the start, death and removal of the containers carrying the given labels', async (t) => {
      const events = rt.events?.bind(rt);
      if (!events) return t.skip('this runtime has no event stream');
      const label = { ...runLabel, app: `events-${pods}` };
      const stop = new AbortController();
      const seen: string[] = [];
      const following = (async () => {
        for await (const event of events({ labels: label }, stop.signal)) seen.push(`${event.type} ${event.action} ${event.id}`);
      })();
      // Containers started before the daemon opened the stream are not reported: start markers until one is.
      const markers: string[] = [];
      await eventually('the event stream to open', async () => {
        markers.push((await runScript('sleep 300', { labels: label })).id);
        return seen.some((e) => markers.some((m) => e.endsWith(m)));
      });
      const other = await runScript('exit 0');
      const { id } = await runScript('exit 1', { labels: label });
      await exited(id);
      await rt.removeContainer(id);
      await eventually('the removal event', () => seen.includes(`container destroy ${id}`));
      stop.abort();
      await following;
      const rest = seen.filter((e) => !markers.some((m) => e.endsWith(m)));
      assert.deepEqual(rest, [`container start ${id}`, `container die ${id}`, `container destroy ${id}`], 'only the labelled container, in order');
      assert.ok(!seen.some((e) => e.endsWith(other.id)));
    });

    it('removes a sandbox with its containers and forgets them', async () => {
      const { id, sandboxId } = await runScript('sleep 300');
      await rt.removeSandbox(sandboxId);
      await assert.rejects(rt.inspectContainer(id), (e) => isRuntimeError(e, 'NotFound'));
      await assert.rejects(rt.sandboxStatus(sandboxId), (e) => isRuntimeError(e, 'NotFound'));
      await rt.removeSandbox(sandboxId);
    });

    it('fails fast with PullFailed when the registry is unreachable', async () => {
      const started = Date.now();
      await assert.rejects(rt.pullImage(fx.unreachableImage), (e) => isRuntimeError(e, 'PullFailed'));
      assert.ok(Date.now() - started < 20_000);
      assert.equal(await rt.imagePresent(fx.unreachableImage), false);
    });

    it('reports a missing image when creating a container from it', async () => {
      const sandboxId = await rt.createSandbox(sandboxConfig());
      await assert.rejects(rt.createContainer(sandboxId, spec('x', { image: `${fx.image}-missing` })),
        (e) => isRuntimeError(e, 'ImageNotFound'));
    });
  });
}
