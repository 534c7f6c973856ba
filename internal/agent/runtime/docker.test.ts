import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { it } from 'node:test';
import { ensureDocker, testImage } from '../../../test/support/docker.ts';
import { DockerRuntime } from './docker.ts';
import { isRuntimeError } from './errors.ts';
import { runRuntimeCases } from './runtime.case.test.ts';
import type { ContainerRuntime, NetworkConfig } from './types.ts';

runRuntimeCases('docker', async () => {
  const { socketPath } = await ensureDocker();
  const image = await testImage();
  const open = () => new DockerRuntime({
    socketPath, pauseImage: image, pauseCommand: ['/bin/sleep', '2147483647'], pullStallTimeoutMs: 5_000,
  });
  return {
    runtime: open(),
    reopen: open,
    image,
    // Port 1 on loopback refuses at once: a registry that cannot be reached.
    unreachableImage: '127.0.0.1:1/skiff/absent:1',
    network: freeNetwork,
  };
});

/** Another run (or another suite) may hold a subnet; pick random /24s until one is free. */
async function freeNetwork(runtime: ContainerRuntime): Promise<NetworkConfig> {
  for (let tries = 0; ; tries++) {
    const second = 100 + Math.floor(Math.random() * 100);
    const third = Math.floor(Math.random() * 256);
    const config = {
      name: `skiff-test-${process.pid}-${second}-${third}`,
      subnet: `10.${second}.${third}.0/24`,
      gateway: `10.${second}.${third}.1`,
    };
    try {
      await runtime.ensureNetwork(config);
      return config;
    } catch (error) {
      if (!isRuntimeError(error, 'Conflict') || tries >= 5) throw error;
    }
  }
}

it('a pod network with another subnet is replaced while nothing is attached, and a Conflict while a container is', async () => {
  const { socketPath } = await ensureDocker();
  const image = await testImage();
  const runtime = new DockerRuntime({ socketPath, pauseImage: image });
  const config = await freeNetwork(runtime);
  const moved = { ...config, subnet: config.subnet.replace(/\.0\/24$/, '.0/25').replace(/^10\.(\d+)\.(\d+)\./, (_, a: string, b: string) => `10.${a}.${(Number(b) + 1) % 256}.`) };
  moved.gateway = moved.subnet.replace(/\.0\/25$/, '.1');
  const attached = `skiff-test-attached-${process.pid}`;
  try {
    assert.equal(await runtime.ensureNetwork(config), await runtime.ensureNetwork(config));
    const run = spawnSync('docker', ['run', '-d', '--name', attached, '--network', config.name, image, 'sleep', '60'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    await assert.rejects(runtime.ensureNetwork(moved), (e) => isRuntimeError(e, 'Conflict') && /containers are still attached/.test((e as Error).message));
    spawnSync('docker', ['rm', '-f', attached]);
    const replaced = await runtime.ensureNetwork(moved);
    assert.equal(await runtime.ensureNetwork(moved), replaced, 'the replacement is kept');
  } finally {
    spawnSync('docker', ['rm', '-f', attached]);
    await runtime.removeNetwork(config.name);
  }
});

it('a pull from a registry that accepts connections but never answers fails after the stall timeout', async (t) => {
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => silent.close());
  const sockets = new Set<Socket>();
  silent.on('connection', (socket) => sockets.add(socket));
  t.after(() => { for (const socket of sockets) socket.destroy(); });
  const port = (silent.address() as AddressInfo).port;
  const { socketPath } = await ensureDocker();
  const runtime = new DockerRuntime({ socketPath, pauseImage: await testImage(), pullStallTimeoutMs: 1_000 });
  const started = Date.now();
  await assert.rejects(runtime.pullImage(`127.0.0.1:${port}/skiff/silent:1`),
    (e) => isRuntimeError(e, 'PullFailed') && /no response from the registry within 1000 ms/.test(e.message));
  assert.ok(Date.now() - started < 5_000);
});

it('imports a docker save tarball and names the images it held', async (t) => {
  const { socketPath } = await ensureDocker();
  const image = await testImage();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tarball = join(dir, 'image.tar');
  execFileSync('docker', ['-H', `unix://${socketPath}`, 'save', '-o', tarball, image]);
  const runtime = new DockerRuntime({ socketPath, pauseImage: image });
  assert.deepEqual(await runtime.importImageTar(tarball), [image]);
  await assert.rejects(runtime.importImageTar(join(dir, 'absent.tar')), (e) => isRuntimeError(e, 'NotFound'));
});
