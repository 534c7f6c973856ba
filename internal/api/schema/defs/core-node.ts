/** core/v1 Node: spec, taints and the status the kubelet reports. */
import { bool, field, int32, int64, listOf, str, struct, time } from '../model.ts';
import type { TypeDef } from '../model.ts';
import { coreKind, coreName, coreRef, required, resourceList } from './core-shared.ts';

const byType = { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' } as const;

export const node = coreKind('Node', 'A machine that runs pods.', {
  spec: field(2, coreRef('NodeSpec'), 'Desired properties of the node.'),
  status: field(3, coreRef('NodeStatus'), 'Observed state of the node.'),
});

export const nodeSpec = struct(coreName('NodeSpec'), 'Desired properties of a node.', {
  podCIDR: field(1, str, 'Pod IP range assigned to the node.'),
  podCIDRs: field(7, listOf(str, { listType: 'set', strategy: 'merge' }), 'Pod IP ranges, at most one per family.'),
  providerID: field(3, str, 'Cloud provider ID, <provider>://<id>.'),
  unschedulable: field(4, bool, 'Keep new pods off the node.'),
  taints: field(5, listOf(coreRef('Taint'), { listType: 'atomic' }), 'Taints of the node.'),
  configSource: field(6, coreRef('NodeConfigSource'), 'Deprecated dynamic kubelet configuration source.'),
  externalID: field(2, str, 'Deprecated external ID of the node.'),
});

export const taint = struct(coreName('Taint'), 'Repels pods that do not tolerate it.', {
  key: field(1, str, 'Taint key.', required),
  value: field(2, str, 'Taint value.'),
  effect: field(3, str, 'NoSchedule, PreferNoSchedule or NoExecute.', required),
  timeAdded: field(4, time, 'When the taint was added.'),
});

export const nodeConfigSource = struct(coreName('NodeConfigSource'), 'Deprecated source of node configuration.', {
  configMap: field(2, coreRef('ConfigMapNodeConfigSource'), 'ConfigMap holding the configuration.'),
});

export const configMapNodeConfigSource = struct(
  coreName('ConfigMapNodeConfigSource'),
  'A ConfigMap used as node configuration.',
  {
    namespace: field(1, str, 'Namespace of the ConfigMap.', required),
    name: field(2, str, 'Name of the ConfigMap.', required),
    uid: field(3, str, 'UID of the ConfigMap.'),
    resourceVersion: field(4, str, 'Resource version of the ConfigMap.'),
    kubeletConfigKey: field(5, str, 'Key holding the kubelet configuration.', required),
  },
);

export const nodeStatus = struct(coreName('NodeStatus'), 'Observed state of a node.', {
  capacity: field(1, resourceList, 'Total resources of the node.'),
  allocatable: field(2, resourceList, 'Resources available to pods.'),
  phase: field(3, str, 'Deprecated lifecycle phase, never set.'),
  conditions: field(4, listOf(coreRef('NodeCondition'), byType), 'Current conditions of the node.'),
  addresses: field(5, listOf(coreRef('NodeAddress'), byType), 'Addresses of the node.'),
  daemonEndpoints: field(6, coreRef('NodeDaemonEndpoints'), 'Ports of daemons on the node.'),
  nodeInfo: field(7, coreRef('NodeSystemInfo'), 'Identifiers and versions of the node.'),
  images: field(8, listOf(coreRef('ContainerImage'), { listType: 'atomic' }), 'Images present on the node.'),
  volumesInUse: field(9, listOf(str, { listType: 'atomic' }), 'Attachable volumes mounted on the node.'),
  volumesAttached: field(10, listOf(coreRef('AttachedVolume'), { listType: 'atomic' }), 'Volumes attached to the node.'),
  config: field(11, coreRef('NodeConfigStatus'), 'Deprecated state of dynamic configuration.'),
  runtimeHandlers: field(12, listOf(coreRef('NodeRuntimeHandler'), { listType: 'atomic' }), 'Runtime handlers available.'),
  features: field(13, coreRef('NodeFeatures'), 'Features of the container runtime.'),
});

export const nodeCondition = struct(coreName('NodeCondition'), 'One condition of a node.', {
  type: field(1, str, 'Condition type, e.g. Ready.', required),
  status: field(2, str, 'True, False or Unknown.', required),
  lastHeartbeatTime: field(3, time, 'When the condition was last refreshed.'),
  lastTransitionTime: field(4, time, 'When the status last changed.'),
  reason: field(5, str, 'Machine-readable reason for the last change.'),
  message: field(6, str, 'Human-readable detail on the last change.'),
});

export const nodeAddress = struct(coreName('NodeAddress'), 'One address of a node.', {
  type: field(1, str, 'Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.', required),
  address: field(2, str, 'The address.', required),
});

export const nodeDaemonEndpoints = struct(coreName('NodeDaemonEndpoints'), 'Ports opened by daemons on a node.', {
  kubeletEndpoint: field(1, coreRef('DaemonEndpoint'), 'Port the kubelet listens on.'),
});

export const daemonEndpoint = struct(coreName('DaemonEndpoint'), 'The port of a daemon.', {
  Port: field(1, int32, 'Port number.', required),
});

export const nodeSystemInfo = struct(coreName('NodeSystemInfo'), 'Identifiers and versions reported by a node.', {
  machineID: field(1, str, 'Machine ID of the node.', required),
  systemUUID: field(2, str, 'System UUID of the node.', required),
  bootID: field(3, str, 'Boot ID of the node.', required),
  kernelVersion: field(4, str, 'Kernel version.', required),
  osImage: field(5, str, 'Operating system image name.', required),
  containerRuntimeVersion: field(6, str, 'Container runtime and version.', required),
  kubeletVersion: field(7, str, 'Kubelet version.', required),
  kubeProxyVersion: field(8, str, 'Deprecated kube-proxy version.', required),
  operatingSystem: field(9, str, 'Operating system, e.g. linux.', required),
  architecture: field(10, str, 'CPU architecture, e.g. amd64.', required),
  swap: field(11, coreRef('NodeSwapStatus'), 'Swap memory of the node.'),
});

export const nodeSwapStatus = struct(coreName('NodeSwapStatus'), 'Swap memory of a node.', {
  capacity: field(1, int64, 'Total swap in bytes.'),
});

export const containerImage = struct(coreName('ContainerImage'), 'An image present on a node.', {
  names: field(1, listOf(str, { listType: 'atomic' }), 'Names the image is known by.'),
  sizeBytes: field(2, int64, 'Size of the image in bytes.'),
});

export const attachedVolume = struct(coreName('AttachedVolume'), 'A volume attached to a node.', {
  name: field(1, str, 'Name of the volume.', required),
  devicePath: field(2, str, 'Device path where the volume is available.', required),
});

export const nodeConfigStatus = struct(coreName('NodeConfigStatus'), 'Deprecated state of dynamic node configuration.', {
  assigned: field(1, coreRef('NodeConfigSource'), 'Configuration the node will try to use.'),
  active: field(2, coreRef('NodeConfigSource'), 'Configuration the node uses.'),
  lastKnownGood: field(3, coreRef('NodeConfigSource'), 'Configuration the node falls back to.'),
  error: field(4, str, 'Problem applying the configuration.'),
});

export const nodeRuntimeHandler = struct(coreName('NodeRuntimeHandler'), 'A runtime handler of the node.', {
  name: field(1, str, 'Handler name; empty for the default.'),
  features: field(2, coreRef('NodeRuntimeHandlerFeatures'), 'Features of the handler.'),
});

export const nodeRuntimeHandlerFeatures = struct(coreName('NodeRuntimeHandlerFeatures'), 'Features of a runtime handler.', {
  recursiveReadOnlyMounts: field(1, bool, 'Supports recursive read-only mounts.'),
  userNamespaces: field(2, bool, 'Supports user namespaces.'),
});

export const nodeFeatures = struct(coreName('NodeFeatures'), 'Features of the container runtime of a node.', {
  supplementalGroupsPolicy: field(1, bool, 'Supports supplementalGroupsPolicy and container user reporting.'),
});

export const coreNodeDefinitions: TypeDef[] = [
  node,
  nodeSpec,
  taint,
  nodeConfigSource,
  configMapNodeConfigSource,
  nodeStatus,
  nodeCondition,
  nodeAddress,
  nodeDaemonEndpoints,
  daemonEndpoint,
  nodeSystemInfo,
  nodeSwapStatus,
  containerImage,
  attachedVolume,
  nodeConfigStatus,
  nodeRuntimeHandler,
  nodeRuntimeHandlerFeatures,
  nodeFeatures,
];
