/**
 * The parts of the core/v1 Pod the kubelet reads, as types. Pods reach the agent after the API
 * server validated and defaulted them, so a view is a cast, not a parse.
 */
import type { KubeObject } from '../../apiserver/objects.ts';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface KeySelector { name?: string; key: string; optional?: boolean }
export interface ObjectFieldSelector { fieldPath: string; apiVersion?: string }
export interface ResourceFieldSelector { resource: string; containerName?: string; divisor?: string | number }

export interface EnvVarSource {
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: ResourceFieldSelector;
  configMapKeyRef?: KeySelector;
  secretKeyRef?: KeySelector;
}

export interface EnvVarSpec { name: string; value?: string; valueFrom?: EnvVarSource }

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

export interface ExecAction { command?: string[] }
export interface HttpGetAction {
  path?: string;
  port: number | string;
  host?: string;
  scheme?: 'HTTP' | 'HTTPS';
  httpHeaders?: { name: string; value: string }[];
}
export interface TcpSocketAction { port: number | string; host?: string }

/** A probe or lifecycle hook action: exactly one of these is set. */
export interface Handler {
  exec?: ExecAction;
  httpGet?: HttpGetAction;
  tcpSocket?: TcpSocketAction;
  sleep?: { seconds: number };
}

export interface Probe extends Handler {
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface ContainerPort { name?: string; containerPort: number; protocol?: string }

export interface VolumeMountSpec {
  name: string;
  mountPath: string;
  subPath?: string;
  subPathExpr?: string;
  readOnly?: boolean;
}

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
}

export interface ResourceRequirements {
  limits?: Record<string, string | number>;
  requests?: Record<string, string | number>;
}

export interface ContainerSpecV1 {
  name: string;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVarSpec[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  volumeMounts?: VolumeMountSpec[];
  securityContext?: SecurityContext;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { postStart?: Handler; preStop?: Handler };
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
}

export interface KeyToPath { key: string; path: string; mode?: number }
export interface DownwardApiFile {
  path: string;
  fieldRef?: ObjectFieldSelector;
  resourceFieldRef?: ResourceFieldSelector;
  mode?: number;
}

export interface ProjectionSource {
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  downwardAPI?: { items?: DownwardApiFile[] };
  serviceAccountToken?: { path: string; audience?: string; expirationSeconds?: number };
}

export interface VolumeSpec {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string };
  hostPath?: { path: string; type?: string };
  configMap?: { name?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  secret?: { secretName?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean };
  downwardAPI?: { items?: DownwardApiFile[]; defaultMode?: number };
  projected?: { sources?: ProjectionSource[]; defaultMode?: number };
}

export interface PodSpecV1 {
  containers: ContainerSpecV1[];
  initContainers?: ContainerSpecV1[];
  volumes?: VolumeSpec[];
  restartPolicy?: RestartPolicy;
  terminationGracePeriodSeconds?: number;
  nodeName?: string;
  serviceAccountName?: string;
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  shareProcessNamespace?: boolean;
  dnsPolicy?: string;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  securityContext?: { runAsUser?: number; runAsGroup?: number; supplementalGroups?: number[]; fsGroup?: number };
}

/** The pod's spec as types (the API server has validated it). */
export function podSpec(pod: KubeObject): PodSpecV1 {
  const spec = (pod.spec ?? {}) as unknown as Partial<PodSpecV1>;
  return { ...spec, containers: spec.containers ?? [] };
}

/** The pod's uid, namespace and name, which every pod the agent runs has. */
export function podKey(pod: KubeObject): { uid: string; namespace: string; name: string } {
  return { uid: pod.metadata.uid ?? '', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '' };
}

export function restartPolicy(spec: PodSpecV1): RestartPolicy {
  return spec.restartPolicy ?? 'Always';
}
