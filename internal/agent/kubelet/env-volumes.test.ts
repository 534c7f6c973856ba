import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '../../apiserver/objects.ts';
import { containerConfig } from './container-config.ts';
import { SourceCache } from './env.ts';
import { expand } from './expand.ts';
import { podPhase } from './pod-status.ts';
import type { Mounter } from './host-mounts.ts';
import { checkHostPath, prepareVolumes, VolumeError } from './volumes.ts';

const dir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-vol-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const objects = new Map<string, KubeObject>([
  ['cm', { metadata: { name: 'cm' }, data: { A: 'from-cm', B: 'b', 'bad key': 'skipped' } }],
  ['sec', { metadata: { name: 'sec' }, data: { token: Buffer.from('t0k').toString('base64') } }],
]);
/** Records the tmpfs asked for instead of mounting (host-mounts.test.ts mounts for real). */
const tmpfs: string[] = [];
const mounter: Mounter = {
  ensureTmpfs: async (path, options) => void tmpfs.push(`${path.slice(dir.length)} mode=${options.mode.toString(8)} size=${options.sizeBytes ?? '-'}`),
  unmountBelow: async () => undefined,
};
const sources = () => new SourceCache({
  configMap: async (_ns, name) => (name === 'cm' ? objects.get('cm') ?? null : null),
  secret: async (_ns, name) => (name === 'sec' ? objects.get('sec') ?? null : null),
}, 'ns');
const pod = (spec: Record<string, unknown>): KubeObject => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'u1', labels: { b: '2', a: '1' } },
  spec: { nodeName: 'n1', serviceAccountName: 'sa', ...spec } as KubeObject['spec'],
});

describe('$(VAR) expansion', () => {
  it('replaces known variables, keeps unknown ones and unescapes $$', () => {
    const vars = new Map([['A', 'x'], ['B', 'y']]);
    assert.equal(expand('$(A)-$(B)-$(C)-$$(A)-$A-$', (n) => vars.get(n)), 'x-y-$(C)-$(A)-$A-$');
  });
});

describe('container config', () => {
  it('builds env from envFrom with a prefix, then env with refs and expansion, and expands command and args', async () => {
    const container = {
      name: 'c', image: 'img', command: ['run', '$(GREETING)'], args: ['--node=$(NODE)'],
      envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }, { configMapRef: { name: 'none', optional: true } }],
      env: [
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'GREETING', value: 'hi-$(CM_A)' },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'sec', key: 'token' } } },
        { name: 'OPT', valueFrom: { secretKeyRef: { name: 'sec', key: 'absent', optional: true } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      ],
      resources: { limits: { memory: '64Mi', cpu: '250m' } },
      securityContext: { runAsUser: 1000, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
    };
    const p = pod({ containers: [container], securityContext: { runAsGroup: 3000 } });
    const spec = await containerConfig(p, container, new Map(), { podIP: '10.42.0.5' }, sources(), 2);
    assert.deepEqual(spec.env, [
      { name: 'CM_A', value: 'from-cm' }, { name: 'CM_B', value: 'b' }, { name: 'NODE', value: 'n1' },
      { name: 'GREETING', value: 'hi-from-cm' }, { name: 'TOKEN', value: 't0k' }, { name: 'MEM', value: '64' },
      { name: 'IP', value: '10.42.0.5' }, { name: 'SA', value: 'sa' },
    ]);
    assert.deepEqual(spec.command, ['run', 'hi-from-cm']);
    assert.deepEqual(spec.args, ['--node=n1']);
    assert.deepEqual([spec.user, spec.group, spec.memoryLimitBytes, spec.nanoCpus, spec.restartCount], [1000, 3000, 64 * 2 ** 20, 250_000_000, 2]);
    assert.deepEqual([spec.capAdd, spec.capDrop, spec.readOnlyRootfs], [['CAP_NET_ADMIN'], ['ALL'], true]);
  });
});

describe('volumes', () => {
  it('writes ConfigMap items and Secret files with their modes and rewrites them when the source changes', async () => {
    const p = pod({ volumes: [
      { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'A', path: 'sub/a.txt', mode: 0o600 }] } },
      { name: 'sec', secret: { secretName: 'sec', defaultMode: 0o400 } },
      { name: 'meta', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    ] });
    const volumes = await prepareVolumes(p, dir, sources(), {}, mounter);
    const cfg = volumes.get('cfg')?.hostPath ?? '';
    assert.equal(readFileSync(join(cfg, 'sub/a.txt'), 'utf8'), 'from-cm');
    assert.equal(statSync(join(cfg, 'sub/a.txt')).mode & 0o777, 0o600);
    assert.equal(readlinkSync(join(cfg, 'sub')), '..data/sub');
    const sec = volumes.get('sec')?.hostPath ?? '';
    assert.equal(readFileSync(join(sec, 'token'), 'utf8'), 't0k');
    assert.equal(statSync(join(sec, 'token')).mode & 0o777, 0o400);
    assert.equal(statSync(join(sec, '..')).mode & 0o777, 0o700, 'the secret plugin directory is private to root');
    assert.equal(readFileSync(join(volumes.get('meta')?.hostPath ?? '', 'labels'), 'utf8'), 'a="1"\nb="2"');
    assert.equal(volumes.get('sec')?.forceReadOnly, true);
    assert.deepEqual(tmpfs, ['/agent/pods/u1/volumes/kubernetes.io~secret/sec mode=755 size=4194304'], 'only the Secret is kept in memory');
    objects.set('cm', { metadata: { name: 'cm' }, data: { A: 'changed' } });
    await prepareVolumes(p, dir, sources(), {}, mounter);
    assert.equal(readFileSync(join(cfg, 'sub/a.txt'), 'utf8'), 'changed');
  });

  it('refuses a missing ConfigMap unless optional', async () => {
    await assert.rejects(prepareVolumes(pod({ volumes: [{ name: 'x', configMap: { name: 'absent' } }] }), dir, sources(), {}, mounter),
      (e) => e instanceof VolumeError && /configmap "absent" not found/.test(e.message));
    await prepareVolumes(pod({ volumes: [{ name: 'x', configMap: { name: 'absent', optional: true } }] }), dir, sources(), {}, mounter);
  });

  it('checks hostPath types, creating only for the OrCreate types', () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    checkHostPath(file, 'File');
    assert.throws(() => checkHostPath(file, 'Directory'), /hostPath type check failed: .* is not a directory/);
    assert.throws(() => checkHostPath(join(dir, 'nope'), 'File'), /is not a file/);
    checkHostPath(join(dir, 'made/deep'), 'DirectoryOrCreate');
    assert.ok(statSync(join(dir, 'made/deep')).isDirectory());
    checkHostPath(join(dir, 'new-file'), 'FileOrCreate');
    assert.ok(statSync(join(dir, 'new-file')).isFile());
    assert.throws(() => checkHostPath(file, 'Socket'), /is not a socket file/);
  });
});

describe('pod phase', () => {
  const running = { name: 'a', state: { running: { startedAt: '' } }, lastState: {}, ready: true, restartCount: 0, image: '', imageID: '' };
  const exited = (code: number) => ({ ...running, state: { terminated: { exitCode: code, reason: '' } } });
  const waiting = { ...running, state: { waiting: { reason: 'ContainerCreating' } } };
  it('follows the kubelet rules for each restart policy', () => {
    assert.equal(podPhase([], [running, waiting], 'Always'), 'Pending');
    assert.equal(podPhase([], [running, exited(1)], 'Never'), 'Running');
    assert.equal(podPhase([], [exited(0), exited(1)], 'Always'), 'Running');
    assert.equal(podPhase([], [exited(0), exited(1)], 'Never'), 'Failed');
    assert.equal(podPhase([], [exited(0), exited(1)], 'OnFailure'), 'Running');
    assert.equal(podPhase([], [exited(0), exited(0)], 'OnFailure'), 'Succeeded');
    assert.equal(podPhase([exited(1)], [waiting], 'Never'), 'Failed');
    assert.equal(podPhase([running], [waiting], 'Always'), 'Pending');
  });
});
