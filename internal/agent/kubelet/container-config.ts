/** The runtime ContainerSpec for a pod container: env, expanded command, mounts, security, limits. */
import type { KubeObject } from '../../apiserver/objects.ts';
import { parseQuantity } from '../../api/validation/quantity.ts';
import type { ContainerSpec } from '../runtime/types.ts';
import { containerEnv, type SourceCache } from './env.ts';
import { expand } from './expand.ts';
import type { PodAddresses } from './field-ref.ts';
import { podSpec, type ContainerSpecV1 } from './pod-types.ts';
import { containerMounts, type PreparedVolume } from './volumes.ts';

/** Everything the runtime needs to create `container`; ConfigError when a reference cannot be met. */
export async function containerConfig(
  pod: KubeObject,
  container: ContainerSpecV1,
  volumes: ReadonlyMap<string, PreparedVolume>,
  addresses: PodAddresses,
  sources: SourceCache,
  restartCount: number,
): Promise<ContainerSpec> {
  const spec = podSpec(pod);
  const env = await containerEnv(pod, container, addresses, sources);
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const expandAll = (input: string) => expand(input, (name) => vars.get(name));
  const security = container.securityContext ?? {};
  const podSecurity = spec.securityContext ?? {};
  const out: ContainerSpec = {
    name: container.name,
    image: container.image,
    env,
    mounts: containerMounts(container.volumeMounts, volumes, expandAll),
    restartCount,
    sharePid: spec.shareProcessNamespace ?? false,
    tty: container.tty ?? false,
    stdin: container.stdin ?? false,
    stdinOnce: container.stdinOnce ?? false,
    privileged: security.privileged ?? false,
    readOnlyRootfs: security.readOnlyRootFilesystem ?? false,
  };
  if (container.command) out.command = container.command.map(expandAll);
  if (container.args) out.args = container.args.map(expandAll);
  if (container.workingDir) out.workingDir = container.workingDir;
  const user = security.runAsUser ?? podSecurity.runAsUser;
  const group = security.runAsGroup ?? podSecurity.runAsGroup;
  if (user !== undefined) out.user = user;
  // Docker needs a user to set a group; the image's default user is root in that case.
  if (group !== undefined) {
    out.group = group;
    out.user ??= 0;
  }
  const groups = [...(podSecurity.supplementalGroups ?? []), ...(podSecurity.fsGroup !== undefined ? [podSecurity.fsGroup] : [])];
  if (groups.length > 0) out.supplementalGroups = groups;
  if (security.capabilities?.add) out.capAdd = security.capabilities.add.map(capability);
  if (security.capabilities?.drop) out.capDrop = security.capabilities.drop.map(capability);
  const limits = container.resources?.limits ?? {};
  const memory = parseQuantity(limits.memory);
  if (memory !== undefined && memory > 0) out.memoryLimitBytes = Math.round(memory);
  const cpu = parseQuantity(limits.cpu);
  if (cpu !== undefined && cpu > 0) out.nanoCpus = Math.round(cpu * 1e9);
  return out;
}

/** Docker accepts both NET_ADMIN and CAP_NET_ADMIN; "ALL" must stay as is. */
function capability(name: string): string {
  return name === 'ALL' || name.startsWith('CAP_') ? name : `CAP_${name}`;
}
