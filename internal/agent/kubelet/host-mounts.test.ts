/** In-memory volumes on real tmpfs mounts (the tests run as root, as the agent does). */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { FakeClock } from '../../client/fake-clock.ts';
import { SourceCache } from './env.ts';
import { FakeRuntime } from './fake-runtime.ts';
import { HostMounter, mountsBelow, parseMountInfo, type Mounter } from './host-mounts.ts';
import { Kubelet } from './kubelet.ts';
import type { PodStatus } from './types.ts';
import { podDir, prepareVolumes, VolumeError } from './volumes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'skiff-tmpfs-'));
const mountTable = () => parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
after(async () => {
  await new HostMounter().unmountBelow(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

const secret: KubeObject = { metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } };
const sources = () => new SourceCache({ secret: async () => secret, configMap: async () => ({ metadata: { name: 'cm' }, data: { a: '1' } }) }, 'ns');
const pod = (uid: string): KubeObject => ({
  metadata: { name: 'web', namespace: 'ns', uid },
  spec: {
    containers: [{ name: 'app', image: 'busybox:1' }],
    volumes: [
      { name: 'sec', secret: { secretName: 'creds' } },
      { name: 'proj', projected: { sources: [{ secret: { name: 'creds' } }, { configMap: { name: 'cm' } }] } },
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
      { name: 'disk', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'cm' } },
    ],
  } as KubeObject['spec'],
});
const fsType = (path: string) => execFileSync('stat', ['-f', '-c', '%T', path], { encoding: 'utf8' }).trim();

describe('tmpfs volumes', () => {
  it('keeps Secret, projected and medium: Memory emptyDir files on tmpfs, the emptyDir sized by its sizeLimit', async () => {
    const volumes = await prepareVolumes(pod('u1'), dataDir, sources(), {}, new HostMounter());
    const path = (name: string) => volumes.get(name)?.hostPath ?? '';
    assert.equal(readFileSync(join(path('sec'), 'password'), 'utf8'), 's3cret');
    assert.equal(fsType(join(path('sec'), 'password')), 'tmpfs');
    assert.equal(fsType(join(path('proj'), 'password')), 'tmpfs');
    assert.equal(fsType(path('scratch')), 'tmpfs');
    assert.notEqual(fsType(path('disk')), 'tmpfs');
    assert.notEqual(fsType(join(path('cfg'), 'a')), 'tmpfs');
    const scratch = readFileSync('/proc/mounts', 'utf8').split('\n').find((line) => line.split(' ')[1] === path('scratch'));
    assert.match(scratch ?? '', /^tmpfs \S+ tmpfs rw,.*size=8192k.*mode=777/);
    assert.deepEqual(mountsBelow(podDir(dataDir, 'u1'), mountTable()).length, 3);
  });

  it('reuses the tmpfs it finds after a restart instead of mounting another over it', async () => {
    await prepareVolumes(pod('u1'), dataDir, sources(), {}, new HostMounter());
    assert.equal(mountsBelow(podDir(dataDir, 'u1'), mountTable()).length, 3);
    assert.equal(mountTable().filter((e) => e.mountPoint.startsWith(podDir(dataDir, 'u1'))).length, 3, 'no mount stacked on another');
  });

  it('unmounts everything below a pod directory, after which it can be removed', async () => {
    await new HostMounter().unmountBelow(podDir(dataDir, 'u1'));
    assert.deepEqual(mountsBelow(podDir(dataDir, 'u1'), mountTable()), []);
    rmSync(podDir(dataDir, 'u1'), { recursive: true });
  });

  it('turns a failed mount into a VolumeError naming the volume', async () => {
    const file = join(dataDir, 'not-a-dir');
    writeFileSync(file, '');
    await assert.rejects(new HostMounter().ensureTmpfs(file, { mode: 0o755 }), /^Error: Cannot mount a tmpfs \(mode=0755\) at .*not-a-dir: /);
    const failing: Mounter = { ensureTmpfs: async () => { throw new Error('Cannot mount a tmpfs: no memory'); }, unmountBelow: async () => undefined };
    await assert.rejects(prepareVolumes(pod('u2'), dataDir, sources(), {}, failing),
      (e) => e instanceof VolumeError && e.message === 'MountVolume.SetUp failed for volume "sec": Cannot mount a tmpfs: no memory');
  });

  it('reports a failed mount as a FailedMount event and keeps the containers from starting on disk', async () => {
    const clock = new FakeClock(Date.parse('2025-01-01T00:00:00Z'));
    const runtime = new FakeRuntime(clock);
    runtime.images.add('busybox:1');
    const events: string[] = [];
    let status: PodStatus | undefined;
    const kubelet = new Kubelet({
      runtime, clock, nodeName: 'n1', podNetwork: { name: 'pods' }, dataDir,
      lookup: { secret: async () => secret, configMap: async () => null },
      mounter: { ensureTmpfs: async () => { throw new Error('Cannot mount a tmpfs: no memory'); }, unmountBelow: async () => undefined },
      onStatus: (_pod, s) => void (status = s),
      onEvent: (e) => void events.push(`${e.type} ${e.reason}: ${e.message}`),
    });
    try {
      await kubelet.syncPod(pod('u3'));
    } finally {
      kubelet.stop();
    }
    const message = 'MountVolume.SetUp failed for volume "sec": Cannot mount a tmpfs: no memory';
    assert.deepEqual(events, [`Warning FailedMount: ${message}`]);
    assert.deepEqual(status?.containerStatuses[0]?.state.waiting, { reason: 'ContainerCreating', message });
    assert.equal(runtime.containers.size, 0);
    assert.equal(existsSync(join(podDir(dataDir, 'u3'), 'volumes', 'kubernetes.io~secret', 'sec', 'password')), false, 'nothing was written to disk');
  });
});
