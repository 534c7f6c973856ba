/** core/v1 containers: the container spec, its ports, environment, mounts and resize policy. */
import { bool, field, int32, listOf, str, struct } from '../model.ts';
import type { FieldDef, TypeDef } from '../model.ts';
import { coreName, coreRef, inlined, localObjectReference, required } from './core-shared.ts';

/** Fields shared by Container and EphemeralContainerCommon (same numbers in both messages). */
function containerFields(nameDescription: string): Record<string, FieldDef> {
  return {
    name: field(1, str, nameDescription, required),
    image: field(2, str, 'Container image reference.'),
    command: field(3, listOf(str, { listType: 'atomic' }), 'Entrypoint, run without a shell; replaces the image ENTRYPOINT.'),
    args: field(4, listOf(str, { listType: 'atomic' }), 'Arguments to the entrypoint; replace the image CMD.'),
    workingDir: field(5, str, 'Working directory of the process.'),
    ports: field(
      6,
      listOf(coreRef('ContainerPort'), {
        listType: 'map',
        mapKeys: ['containerPort', 'protocol'],
        mergeKey: 'containerPort',
        strategy: 'merge',
      }),
      'Ports the container exposes, mostly informational.',
    ),
    envFrom: field(19, listOf(coreRef('EnvFromSource'), { listType: 'atomic' }), 'Sources whose keys all become environment variables.'),
    env: field(
      7,
      listOf(coreRef('EnvVar'), { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' }),
      'Environment variables set in the container.',
    ),
    resources: field(8, coreRef('ResourceRequirements'), 'Compute resources the container needs.'),
    resizePolicy: field(
      23,
      listOf(coreRef('ContainerResizePolicy'), { listType: 'atomic' }),
      'How each resource may be resized in place.',
    ),
    restartPolicy: field(24, str, 'Per-container restart policy; Always makes an init container a sidecar.'),
    volumeMounts: field(
      9,
      listOf(coreRef('VolumeMount'), {
        listType: 'map',
        mapKeys: ['mountPath'],
        mergeKey: 'mountPath',
        strategy: 'merge',
      }),
      'Pod volumes mounted into the container filesystem.',
    ),
    volumeDevices: field(
      21,
      listOf(coreRef('VolumeDevice'), {
        listType: 'map',
        mapKeys: ['devicePath'],
        mergeKey: 'devicePath',
        strategy: 'merge',
      }),
      'Raw block devices mapped into the container.',
    ),
    livenessProbe: field(10, coreRef('Probe'), 'Check whose failure restarts the container.'),
    readinessProbe: field(11, coreRef('Probe'), 'Check whose failure removes the pod from service endpoints.'),
    startupProbe: field(22, coreRef('Probe'), 'Check that must pass before the other probes start.'),
    lifecycle: field(12, coreRef('Lifecycle'), 'Hooks run after start and before stop.'),
    terminationMessagePath: field(13, str, 'File the termination message is read from; defaults to /dev/termination-log.'),
    terminationMessagePolicy: field(20, str, 'Where the termination message comes from: File or FallbackToLogsOnError.'),
    imagePullPolicy: field(14, str, 'When to pull the image: Always, Never or IfNotPresent.'),
    securityContext: field(15, coreRef('SecurityContext'), 'Security options of the container.'),
    stdin: field(16, bool, 'Whether the container keeps a stdin buffer.'),
    stdinOnce: field(17, bool, 'Whether stdin closes after the first attach ends.'),
    tty: field(18, bool, 'Whether the container gets a TTY; needs stdin.'),
  };
}

export const container = struct(
  coreName('Container'),
  'One application container of a pod.',
  containerFields('Name of the container, a DNS label unique within the pod.'),
);

export const ephemeralContainerCommon = struct(
  coreName('EphemeralContainerCommon'),
  'The Container fields an ephemeral container embeds inline.',
  containerFields('Name of the ephemeral container, unique among all containers of the pod.'),
);

export const ephemeralContainer = struct(coreName('EphemeralContainer'), 'A temporary container added to a running pod, e.g. for debugging.', {
  ...inlined(ephemeralContainerCommon),
  targetContainerName: field(2, str, 'Container whose namespaces the ephemeral container joins.'),
});

export const containerPort = struct(coreName('ContainerPort'), 'A network port of a container.', {
  name: field(1, str, 'IANA service name of the port, unique within the pod.'),
  hostPort: field(2, int32, 'Port opened on the host for this container port.'),
  containerPort: field(3, int32, 'Port number on the pod IP.', required),
  protocol: field(4, str, 'TCP, UDP or SCTP; defaults to TCP.', { default: 'TCP' }),
  hostIP: field(5, str, 'Host address the host port binds to.'),
});

export const containerResizePolicy = struct(coreName('ContainerResizePolicy'), 'How one resource of a container is resized.', {
  resourceName: field(1, str, 'Resource the policy applies to: cpu or memory.', required),
  restartPolicy: field(2, str, 'NotRequired or RestartContainer.', required),
});

export const envFromSource = struct(coreName('EnvFromSource'), 'A ConfigMap or Secret whose keys become variables.', {
  prefix: field(1, str, 'Text put before every variable name.'),
  configMapRef: field(2, coreRef('ConfigMapEnvSource'), 'ConfigMap to read.'),
  secretRef: field(3, coreRef('SecretEnvSource'), 'Secret to read.'),
});

export const configMapEnvSource = struct(coreName('ConfigMapEnvSource'), 'A ConfigMap used as a set of variables.', {
  ...inlined(localObjectReference),
  optional: field(2, bool, 'Whether the ConfigMap may be missing.'),
});

export const secretEnvSource = struct(coreName('SecretEnvSource'), 'A Secret used as a set of variables.', {
  ...inlined(localObjectReference),
  optional: field(2, bool, 'Whether the Secret may be missing.'),
});

export const envVar = struct(coreName('EnvVar'), 'One environment variable.', {
  name: field(1, str, 'Variable name.', required),
  value: field(2, str, 'Literal value; $(VAR) references are expanded.'),
  valueFrom: field(3, coreRef('EnvVarSource'), 'Where to read the value from instead.'),
});

export const envVarSource = struct(coreName('EnvVarSource'), 'Source of an environment variable value.', {
  fieldRef: field(1, coreRef('ObjectFieldSelector'), 'A field of the pod.'),
  resourceFieldRef: field(2, coreRef('ResourceFieldSelector'), 'A resource request or limit of the container.'),
  configMapKeyRef: field(3, coreRef('ConfigMapKeySelector'), 'A key of a ConfigMap.'),
  secretKeyRef: field(4, coreRef('SecretKeySelector'), 'A key of a Secret in the pod namespace.'),
});

export const configMapKeySelector = struct(
  coreName('ConfigMapKeySelector'),
  'One key of a ConfigMap.',
  {
    ...inlined(localObjectReference),
    key: field(2, str, 'Key to read.', required),
    optional: field(3, bool, 'Whether the ConfigMap or key may be missing.'),
  },
  { mapType: 'atomic' },
);

export const secretKeySelector = struct(
  coreName('SecretKeySelector'),
  'One key of a Secret.',
  {
    ...inlined(localObjectReference),
    key: field(2, str, 'Key to read.', required),
    optional: field(3, bool, 'Whether the Secret or key may be missing.'),
  },
  { mapType: 'atomic' },
);

export const volumeMount = struct(coreName('VolumeMount'), 'Mounts a pod volume into a container.', {
  name: field(1, str, 'Name of the pod volume.', required),
  readOnly: field(2, bool, 'Mount read-only when true.'),
  recursiveReadOnly: field(7, str, 'Whether a read-only mount is read-only recursively: Disabled, IfPossible or Enabled.'),
  mountPath: field(3, str, 'Path in the container where the volume appears.', required),
  subPath: field(4, str, 'Path inside the volume to mount instead of its root.'),
  mountPropagation: field(5, str, 'Mount propagation between host and container: None, HostToContainer or Bidirectional.'),
  subPathExpr: field(6, str, 'Like subPath, with $(VAR) references expanded.'),
});

export const volumeDevice = struct(coreName('VolumeDevice'), 'Maps a raw block volume into a container.', {
  name: field(1, str, 'Name of a persistentVolumeClaim volume of the pod.', required),
  devicePath: field(2, str, 'Device path inside the container.', required),
});

export const coreContainerDefinitions: TypeDef[] = [
  container,
  ephemeralContainerCommon,
  ephemeralContainer,
  containerPort,
  containerResizePolicy,
  envFromSource,
  configMapEnvSource,
  secretEnvSource,
  envVar,
  envVarSource,
  configMapKeySelector,
  secretKeySelector,
  volumeMount,
  volumeDevice,
];
