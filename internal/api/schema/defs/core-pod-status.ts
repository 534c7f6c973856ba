/** core/v1 PodStatus and the container statuses it reports. */
import { bool, field, int32, int64, listOf, str, struct, time } from '../model.ts';
import type { TypeDef } from '../model.ts';
import { coreName, coreRef, required, resourceList } from './core-shared.ts';

export const podStatus = struct(coreName('PodStatus'), 'Observed state of a pod.', {
  phase: field(1, str, 'Pending, Running, Succeeded, Failed or Unknown.'),
  conditions: field(
    2,
    listOf(coreRef('PodCondition'), { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    'Current conditions of the pod.',
  ),
  message: field(3, str, 'Human-readable detail on the pod state.'),
  reason: field(4, str, 'Short CamelCase reason for the pod state, e.g. Evicted.'),
  nominatedNodeName: field(11, str, 'Node chosen by preemption, before binding.'),
  hostIP: field(5, str, 'Primary IP of the node the pod runs on.'),
  hostIPs: field(
    16,
    listOf(coreRef('HostIP'), { listType: 'atomic', mergeKey: 'ip', strategy: 'merge' }),
    'IPs of the node the pod runs on.',
  ),
  podIP: field(6, str, 'Primary IP of the pod.'),
  podIPs: field(
    12,
    listOf(coreRef('PodIP'), { listType: 'map', mapKeys: ['ip'], mergeKey: 'ip', strategy: 'merge' }),
    'IPs of the pod, at most one per family.',
  ),
  startTime: field(7, time, 'When the kubelet accepted the pod.'),
  initContainerStatuses: field(10, listOf(coreRef('ContainerStatus'), { listType: 'atomic' }), 'Statuses of the init containers.'),
  containerStatuses: field(8, listOf(coreRef('ContainerStatus'), { listType: 'atomic' }), 'Statuses of the app containers.'),
  qosClass: field(9, str, 'Quality of service class: Guaranteed, Burstable or BestEffort.'),
  ephemeralContainerStatuses: field(
    13,
    listOf(coreRef('ContainerStatus'), { listType: 'atomic' }),
    'Statuses of the ephemeral containers.',
  ),
  resize: field(14, str, 'Deprecated state of a pending in-place resize.'),
  resourceClaimStatuses: field(
    15,
    listOf(coreRef('PodResourceClaimStatus'), {
      listType: 'map',
      mapKeys: ['name'],
      mergeKey: 'name',
      strategy: 'merge,retainKeys',
    }),
    'Names of the ResourceClaims generated for the pod.',
  ),
});

export const podCondition = struct(coreName('PodCondition'), 'One condition of a pod.', {
  type: field(1, str, 'Condition type, e.g. Ready.', required),
  status: field(2, str, 'True, False or Unknown.', required),
  lastProbeTime: field(3, time, 'When the condition was last probed.'),
  lastTransitionTime: field(4, time, 'When the status last changed.'),
  reason: field(5, str, 'Machine-readable reason for the last change.'),
  message: field(6, str, 'Human-readable detail on the last change.'),
});

export const hostIP = struct(coreName('HostIP'), 'One IP of the node.', {
  ip: field(1, str, 'The address.', required),
});

export const podIP = struct(coreName('PodIP'), 'One IP of the pod.', {
  ip: field(1, str, 'The address.', required),
});

export const podResourceClaimStatus = struct(coreName('PodResourceClaimStatus'), 'The ResourceClaim generated for a pod claim.', {
  name: field(1, str, 'Name of the entry in spec.resourceClaims.', required),
  resourceClaimName: field(2, str, 'Name of the generated ResourceClaim, if one was needed.'),
});

export const containerStatus = struct(coreName('ContainerStatus'), 'Observed state of one container.', {
  name: field(1, str, 'Name of the container.', required),
  state: field(2, coreRef('ContainerState'), 'Current state.'),
  lastState: field(3, coreRef('ContainerState'), 'State of the previous run.'),
  ready: field(4, bool, 'Whether the container passes its readiness check.', required),
  restartCount: field(5, int32, 'Number of restarts.', required),
  image: field(6, str, 'Image the container runs.', required),
  imageID: field(7, str, 'ID of the image the container runs.', required),
  containerID: field(8, str, 'Runtime ID of the container, as <type>://<id>.'),
  started: field(9, bool, 'Whether the container has started and passed its startup probe.'),
  allocatedResources: field(10, resourceList, 'Resources the node allocated to the container.'),
  resources: field(11, coreRef('ResourceRequirements'), 'Resources actually applied to the running container.'),
  volumeMounts: field(
    12,
    listOf(coreRef('VolumeMountStatus'), {
      listType: 'map',
      mapKeys: ['mountPath'],
      mergeKey: 'mountPath',
      strategy: 'merge',
    }),
    'Status of the volume mounts.',
  ),
  user: field(13, coreRef('ContainerUser'), 'Identity of the first process of the container.'),
  allocatedResourcesStatus: field(
    14,
    listOf(coreRef('ResourceStatus'), { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
    'Health of the resources allocated to the container.',
  ),
});

export const containerState = struct(coreName('ContainerState'), 'State of a container; at most one member is set.', {
  waiting: field(1, coreRef('ContainerStateWaiting'), 'The container is not running yet.'),
  running: field(2, coreRef('ContainerStateRunning'), 'The container is running.'),
  terminated: field(3, coreRef('ContainerStateTerminated'), 'The container has exited.'),
});

export const containerStateWaiting = struct(coreName('ContainerStateWaiting'), 'A container that is not yet running.', {
  reason: field(1, str, 'Why the container is waiting.'),
  message: field(2, str, 'Detail on why the container is waiting.'),
});

export const containerStateRunning = struct(coreName('ContainerStateRunning'), 'A running container.', {
  startedAt: field(1, time, 'When the container last started.'),
});

export const containerStateTerminated = struct(coreName('ContainerStateTerminated'), 'A container that has exited.', {
  exitCode: field(1, int32, 'Exit code of the last run.', required),
  signal: field(2, int32, 'Signal that ended the last run.'),
  reason: field(3, str, 'Short reason for the exit.'),
  message: field(4, str, 'Detail on the exit.'),
  startedAt: field(5, time, 'When the last run started.'),
  finishedAt: field(6, time, 'When the last run ended.'),
  containerID: field(7, str, 'Runtime ID of the exited container.'),
});

export const volumeMountStatus = struct(coreName('VolumeMountStatus'), 'Status of one volume mount.', {
  name: field(1, str, 'Name of the mount.', required),
  mountPath: field(2, str, 'Path of the mount.', required),
  readOnly: field(3, bool, 'Whether the mount is read-only.'),
  recursiveReadOnly: field(4, str, 'Disabled or Enabled, as actually applied.'),
});

export const containerUser = struct(coreName('ContainerUser'), 'Identity of the first process of a container.', {
  linux: field(1, coreRef('LinuxContainerUser'), 'Linux identity.'),
});

export const linuxContainerUser = struct(coreName('LinuxContainerUser'), 'Linux user and groups of a process.', {
  uid: field(1, int64, 'Primary UID.', required),
  gid: field(2, int64, 'Primary GID.', required),
  supplementalGroups: field(3, listOf(int64, { listType: 'atomic' }), 'Supplemental groups.'),
});

export const resourceStatus = struct(coreName('ResourceStatus'), 'Health of one resource allocated to a container.', {
  name: field(1, str, 'Resource name, or claim:<claim>/<request> for dynamic resources.', required),
  resources: field(
    2,
    listOf(coreRef('ResourceHealth'), { listType: 'map', mapKeys: ['resourceID'] }),
    'Health of each device behind the resource.',
  ),
});

export const resourceHealth = struct(coreName('ResourceHealth'), 'Health of one device.', {
  resourceID: field(1, str, 'Identifier of the device.', required),
  health: field(2, str, 'Healthy, Unhealthy or Unknown.'),
});

export const corePodStatusDefinitions: TypeDef[] = [
  podStatus,
  podCondition,
  hostIP,
  podIP,
  podResourceClaimStatus,
  containerStatus,
  containerState,
  containerStateWaiting,
  containerStateRunning,
  containerStateTerminated,
  volumeMountStatus,
  containerUser,
  linuxContainerUser,
  resourceStatus,
  resourceHealth,
];
