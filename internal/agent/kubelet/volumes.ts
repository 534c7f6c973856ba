/**
 * Pod volumes on the host, under <dataDir>/agent/pods/<uid>/volumes/<plugin>/<name>, and the
 * bind mounts a container gets from its volumeMounts. ConfigMap, Secret, downward API and
 * projected volumes are rewritten on every sync, so updates reach running pods. Secret and
 * projected volumes, and emptyDir with medium Memory, live on a tmpfs mounted at their
 * directory, as with the kubelet: their files never reach the disk (which on an SD card also
 * spares it the writes).
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Mount } from '../runtime/types.ts';
import { parseQuantity } from '../../api/validation/quantity.ts';
import { writeAtomically, type VolumeFile } from './atomic-writer.ts';
import type { Mounter } from './host-mounts.ts';
import { SourceCache } from './env.ts';
import { ConfigError, fieldValue, resourceValue, type PodAddresses } from './field-ref.ts';
import type { DownwardApiFile, KeyToPath, ProjectionSource, VolumeMountSpec, VolumeSpec } from './pod-types.ts';
import { podSpec } from './pod-types.ts';

/** A volume that cannot be set up (the pod stays in ContainerCreating with this message). */
export class VolumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolumeError';
  }
}

/** A set-up volume: where it is on the host, and whether every mount of it is read-only. */
export interface PreparedVolume {
  hostPath: string;
  forceReadOnly: boolean;
}

/**
 * Size of the tmpfs of a Secret volume, and per source of a projected one: an API object is at
 * most about 1.5 MiB and an update briefly holds two copies. A tmpfs only uses what it holds.
 */
const perSourceTmpfsBytes = 4 * 2 ** 20;

/** The pod's directory on the host. */
export function podDir(dataDir: string, uid: string): string {
  return join(dataDir, 'agent', 'pods', uid);
}

/**
 * Creates or refreshes every volume of the pod, mounting tmpfs through `mounter` where the
 * files must stay in memory; VolumeError names the first that failed.
 */
export async function prepareVolumes(
  pod: KubeObject,
  dataDir: string,
  sources: SourceCache,
  addresses: PodAddresses,
  mounter: Mounter,
): Promise<Map<string, PreparedVolume>> {
  const root = join(podDir(dataDir, pod.metadata.uid ?? ''), 'volumes');
  const prepared = new Map<string, PreparedVolume>();
  for (const volume of podSpec(pod).volumes ?? []) {
    try {
      prepared.set(volume.name, await prepareOne(pod, root, volume, sources, addresses, mounter));
    } catch (error) {
      if (error instanceof VolumeError) throw error;
      throw new VolumeError(`MountVolume.SetUp failed for volume "${volume.name}": ${(error as Error).message}`);
    }
  }
  return prepared;
}

async function prepareOne(
  pod: KubeObject, root: string, volume: VolumeSpec, sources: SourceCache, addresses: PodAddresses, mounter: Mounter,
): Promise<PreparedVolume> {
  const at = (plugin: string, mode = 0o755) => {
    const parent = join(root, plugin);
    mkdirSync(parent, { recursive: true, mode });
    chmodSync(parent, mode);
    return join(parent, volume.name);
  };
  if (volume.emptyDir) {
    const dir = at('kubernetes.io~empty-dir');
    mkdirSync(dir, { recursive: true });
    if (volume.emptyDir.medium === 'Memory') await mounter.ensureTmpfs(dir, { mode: 0o777, sizeBytes: sizeLimit(volume) });
    else chmodSync(dir, 0o777);
    return { hostPath: dir, forceReadOnly: false };
  }
  if (volume.hostPath) {
    checkHostPath(volume.hostPath.path, volume.hostPath.type ?? '');
    return { hostPath: volume.hostPath.path, forceReadOnly: false };
  }
  let files: VolumeFile[];
  let plugin: string;
  let dirMode = 0o755;
  let tmpfsBytes: number | undefined;
  if (volume.configMap) {
    plugin = 'kubernetes.io~configmap';
    files = await keyFiles(sources, 'configMap', volume.configMap.name ?? '', volume.configMap.items, volume.configMap.optional, volume.configMap.defaultMode);
  } else if (volume.secret) {
    plugin = 'kubernetes.io~secret';
    // Secrets stay out of reach of other users on the host; the container sees only the volume root.
    dirMode = 0o700;
    tmpfsBytes = perSourceTmpfsBytes;
    files = await keyFiles(sources, 'secret', volume.secret.secretName ?? '', volume.secret.items, volume.secret.optional, volume.secret.defaultMode);
  } else if (volume.downwardAPI) {
    plugin = 'kubernetes.io~downward-api';
    files = downwardFiles(pod, volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode, addresses);
  } else if (volume.projected) {
    plugin = 'kubernetes.io~projected';
    dirMode = 0o700;
    tmpfsBytes = perSourceTmpfsBytes * Math.max(1, volume.projected.sources?.length ?? 0);
    files = [];
    for (const source of volume.projected.sources ?? []) files.push(...await projectedFiles(pod, source, volume.projected.defaultMode, sources, addresses));
  } else {
    throw new VolumeError(`Cannot set up volume "${volume.name}": its volume type is not supported on this node`);
  }
  const dir = at(plugin, dirMode);
  if (tmpfsBytes !== undefined) {
    mkdirSync(dir, { recursive: true });
    await mounter.ensureTmpfs(dir, { mode: 0o755, sizeBytes: tmpfsBytes });
  }
  writeAtomically(dir, files);
  chmodSync(dir, 0o755);
  return { hostPath: dir, forceReadOnly: true };
}

/** An emptyDir's sizeLimit in bytes; none (the kernel's default) when unset or zero. */
function sizeLimit(volume: VolumeSpec): number | undefined {
  const limit = volume.emptyDir?.sizeLimit;
  if (limit === undefined) return undefined;
  const bytes = parseQuantity(limit);
  if (bytes === undefined || bytes < 0) throw new VolumeError(`MountVolume.SetUp failed for volume "${volume.name}": sizeLimit ${limit} is not a quantity of bytes`);
  return bytes > 0 ? bytes : undefined;
}

async function keyFiles(
  sources: SourceCache, kind: 'configMap' | 'secret', name: string,
  items: KeyToPath[] | undefined, optional: boolean | undefined, defaultMode: number | undefined,
): Promise<VolumeFile[]> {
  const data = await sources.data(kind, name);
  const mode = defaultMode ?? 0o644;
  if (data === null) {
    if (optional) return [];
    throw new VolumeError(`MountVolume.SetUp failed: ${kind === 'secret' ? 'secret' : 'configmap'} "${name}" not found`);
  }
  if (!items || items.length === 0) return [...data].map(([key, content]) => ({ path: key, content, mode }));
  return items.flatMap((item) => {
    const content = data.get(item.key);
    if (content === undefined) {
      if (optional) return [];
      throw new VolumeError(`MountVolume.SetUp failed: configuration key ${item.key} of ${kind} "${name}" not found`);
    }
    return [{ path: item.path, content, mode: item.mode ?? mode }];
  });
}

function downwardFiles(pod: KubeObject, items: DownwardApiFile[], defaultMode: number | undefined, addresses: PodAddresses): VolumeFile[] {
  return items.map((item) => {
    let value = '';
    if (item.fieldRef) value = fieldValue(pod, item.fieldRef.fieldPath, addresses);
    else if (item.resourceFieldRef) value = resourceValue(pod, item.resourceFieldRef.containerName ?? '', item.resourceFieldRef);
    return { path: item.path, content: Buffer.from(value), mode: item.mode ?? defaultMode ?? 0o644 };
  });
}

async function projectedFiles(
  pod: KubeObject, source: ProjectionSource, defaultMode: number | undefined, sources: SourceCache, addresses: PodAddresses,
): Promise<VolumeFile[]> {
  const mode = defaultMode ?? 0o644;
  if (source.configMap) return keyFiles(sources, 'configMap', source.configMap.name ?? '', source.configMap.items, source.configMap.optional, mode);
  if (source.secret) return keyFiles(sources, 'secret', source.secret.name ?? '', source.secret.items, source.secret.optional, mode);
  if (source.downwardAPI) return downwardFiles(pod, source.downwardAPI.items ?? [], mode, addresses);
  // Service account tokens need the TokenRequest API; the projection stays empty until then.
  return [];
}

/** hostPath type checks as Kubernetes makes them; the *OrCreate types create what is missing. */
export function checkHostPath(path: string, type: string): void {
  const stat = () => (existsSync(path) ? statSync(path) : undefined);
  const fail = (what: string) => {
    throw new VolumeError(`MountVolume.SetUp failed: hostPath type check failed: ${path} is not ${what}`);
  };
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!existsSync(path)) mkdirSync(path, { recursive: true, mode: 0o755 });
      if (!stat()?.isDirectory()) fail('a directory');
      return;
    case 'Directory':
      if (!stat()?.isDirectory()) fail('a directory');
      return;
    case 'FileOrCreate':
      if (!existsSync(path)) writeFileSync(path, '', { mode: 0o644 });
      if (!stat()?.isFile()) fail('a file');
      return;
    case 'File':
      if (!stat()?.isFile()) fail('a file');
      return;
    case 'Socket':
      if (!stat()?.isSocket()) fail('a socket file');
      return;
    case 'CharDevice':
      if (!stat()?.isCharacterDevice()) fail('a character device');
      return;
    case 'BlockDevice':
      if (!stat()?.isBlockDevice()) fail('a block device');
      return;
  }
  throw new VolumeError(`MountVolume.SetUp failed: hostPath type ${type} is not supported`);
}

/** The bind mounts for a container's volumeMounts; subPath directories are created on the way. */
export function containerMounts(
  mounts: VolumeMountSpec[] | undefined,
  volumes: ReadonlyMap<string, PreparedVolume>,
  expandPath: (path: string) => string,
): Mount[] {
  return (mounts ?? []).map((mount) => {
    const volume = volumes.get(mount.name);
    if (!volume) throw new ConfigError(`Cannot mount volume "${mount.name}" at ${mount.mountPath}: the pod has no such volume`);
    const sub = mount.subPathExpr ? expandPath(mount.subPathExpr) : mount.subPath ?? '';
    let hostPath = volume.hostPath;
    if (sub) {
      const clean = normalize(sub);
      if (clean.startsWith('/') || clean === '..' || clean.startsWith('../')) {
        throw new ConfigError(`Cannot use subPath ${JSON.stringify(sub)} of volume "${mount.name}": it must stay inside the volume`);
      }
      hostPath = join(volume.hostPath, clean);
      if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true, mode: 0o755 });
    }
    return { hostPath, containerPath: mount.mountPath, readOnly: (mount.readOnly ?? false) || volume.forceReadOnly };
  });
}
