/** core/v1 probes, lifecycle hooks and security contexts of containers. */
import { bool, field, int32, int64, intOrString, listOf, str, struct } from '../model.ts';
import type { TypeDef } from '../model.ts';
import { coreName, coreRef, inlined, required } from './core-shared.ts';

export const probeHandler = struct(coreName('ProbeHandler'), 'The action a probe performs; exactly one is set.', {
  exec: field(1, coreRef('ExecAction'), 'Run a command in the container.'),
  httpGet: field(2, coreRef('HTTPGetAction'), 'Send an HTTP GET request.'),
  tcpSocket: field(3, coreRef('TCPSocketAction'), 'Open a TCP connection.'),
  grpc: field(4, coreRef('GRPCAction'), 'Call the gRPC health service.'),
});

export const probe = struct(coreName('Probe'), 'A periodic health check of a container.', {
  ...inlined(probeHandler),
  initialDelaySeconds: field(2, int32, 'Seconds after start before the first probe.'),
  timeoutSeconds: field(3, int32, 'Seconds before a probe attempt times out; defaults to 1.'),
  periodSeconds: field(4, int32, 'Seconds between probes; defaults to 10.'),
  successThreshold: field(5, int32, 'Consecutive successes needed after a failure; defaults to 1.'),
  failureThreshold: field(6, int32, 'Consecutive failures that count as failed; defaults to 3.'),
  terminationGracePeriodSeconds: field(7, int64, 'Grace period used when the probe failure kills the container.'),
});

export const execAction = struct(coreName('ExecAction'), 'Runs a command inside the container.', {
  command: field(1, listOf(str, { listType: 'atomic' }), 'Command line, run without a shell; exit 0 is success.'),
});

export const httpGetAction = struct(coreName('HTTPGetAction'), 'An HTTP GET request against the container.', {
  path: field(1, str, 'Request path.'),
  port: field(2, intOrString, 'Port number or name to connect to.', required),
  host: field(3, str, 'Host to connect to; defaults to the pod IP.'),
  scheme: field(4, str, 'HTTP or HTTPS; defaults to HTTP.'),
  httpHeaders: field(5, listOf(coreRef('HTTPHeader'), { listType: 'atomic' }), 'Extra request headers.'),
});

export const httpHeader = struct(coreName('HTTPHeader'), 'One HTTP header of a probe request.', {
  name: field(1, str, 'Header name.', required),
  value: field(2, str, 'Header value.', required),
});

export const tcpSocketAction = struct(coreName('TCPSocketAction'), 'Opens a TCP connection to the container.', {
  port: field(1, intOrString, 'Port number or name to connect to.', required),
  host: field(2, str, 'Host to connect to; defaults to the pod IP.'),
});

export const grpcAction = struct(coreName('GRPCAction'), 'Calls the standard gRPC health check.', {
  port: field(1, int32, 'Port of the gRPC service.', required),
  service: field(2, str, 'Service name sent in the health check request.', { default: '' }),
});

export const lifecycle = struct(coreName('Lifecycle'), 'Hooks run around the container lifetime.', {
  postStart: field(1, coreRef('LifecycleHandler'), 'Runs right after the container is created.'),
  preStop: field(2, coreRef('LifecycleHandler'), 'Runs before the container is stopped.'),
});

export const lifecycleHandler = struct(coreName('LifecycleHandler'), 'The action of a lifecycle hook.', {
  exec: field(1, coreRef('ExecAction'), 'Run a command in the container.'),
  httpGet: field(2, coreRef('HTTPGetAction'), 'Send an HTTP GET request.'),
  tcpSocket: field(3, coreRef('TCPSocketAction'), 'Deprecated and unsupported as a hook; kept for compatibility.'),
  sleep: field(4, coreRef('SleepAction'), 'Sleep for a while.'),
});

export const sleepAction = struct(coreName('SleepAction'), 'Waits for a number of seconds.', {
  seconds: field(1, int64, 'Seconds to sleep.', required),
});

export const securityContext = struct(coreName('SecurityContext'), 'Security options of one container; they override the pod ones.', {
  capabilities: field(1, coreRef('Capabilities'), 'Linux capabilities to add or drop.'),
  privileged: field(2, bool, 'Run as a privileged container.'),
  seLinuxOptions: field(3, coreRef('SELinuxOptions'), 'SELinux labels of the container.'),
  windowsOptions: field(10, coreRef('WindowsSecurityContextOptions'), 'Windows specific options.'),
  runAsUser: field(4, int64, 'UID the process runs as.'),
  runAsGroup: field(8, int64, 'GID the process runs as.'),
  runAsNonRoot: field(5, bool, 'Refuse to start when the process would run as UID 0.'),
  readOnlyRootFilesystem: field(6, bool, 'Mount the root filesystem read-only.'),
  allowPrivilegeEscalation: field(7, bool, 'Whether a process may gain more privileges than its parent.'),
  procMount: field(9, str, 'Kind of /proc mount: Default or Unmasked.'),
  seccompProfile: field(11, coreRef('SeccompProfile'), 'Seccomp profile of the container.'),
  appArmorProfile: field(12, coreRef('AppArmorProfile'), 'AppArmor profile of the container.'),
});

export const capabilities = struct(coreName('Capabilities'), 'Linux capabilities added to or removed from a container.', {
  add: field(1, listOf(str, { listType: 'atomic' }), 'Capabilities to add.'),
  drop: field(2, listOf(str, { listType: 'atomic' }), 'Capabilities to remove.'),
});

export const seLinuxOptions = struct(coreName('SELinuxOptions'), 'SELinux labels applied to a container.', {
  user: field(1, str, 'SELinux user label.'),
  role: field(2, str, 'SELinux role label.'),
  type: field(3, str, 'SELinux type label.'),
  level: field(4, str, 'SELinux level label.'),
});

export const seccompProfile = struct(coreName('SeccompProfile'), 'Which seccomp profile applies.', {
  type: field(1, str, 'Localhost, RuntimeDefault or Unconfined.', required),
  localhostProfile: field(2, str, 'Profile file on the node, for type Localhost.'),
});

export const appArmorProfile = struct(coreName('AppArmorProfile'), 'Which AppArmor profile applies.', {
  type: field(1, str, 'Localhost, RuntimeDefault or Unconfined.', required),
  localhostProfile: field(2, str, 'Profile loaded on the node, for type Localhost.'),
});

export const windowsSecurityContextOptions = struct(
  coreName('WindowsSecurityContextOptions'),
  'Windows specific security options.',
  {
    gmsaCredentialSpecName: field(1, str, 'Name of the GMSA credential spec to use.'),
    gmsaCredentialSpec: field(2, str, 'Contents of the GMSA credential spec.'),
    runAsUserName: field(3, str, 'Windows user the process runs as.'),
    hostProcess: field(4, bool, 'Run as a Windows host process container.'),
  },
);

export const coreProbeDefinitions: TypeDef[] = [
  probeHandler,
  probe,
  execAction,
  httpGetAction,
  httpHeader,
  tcpSocketAction,
  grpcAction,
  lifecycle,
  lifecycleHandler,
  sleepAction,
  securityContext,
  capabilities,
  seLinuxOptions,
  seccompProfile,
  appArmorProfile,
  windowsSecurityContextOptions,
];
