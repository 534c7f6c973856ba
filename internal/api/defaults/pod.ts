/**
 * Pod spec defaults: what the API server fills in so a pod or pod template reads
 * back as it does from an upstream cluster. Pods additionally get what upstream
 * admission adds to every pod (service account, priority, default tolerations).
 */
import type { Json, JsonObject } from '../../apiserver/objects.ts';
import { arrayOf, objectAt, setDefault } from './util.ts';

const notReadyTolerations: JsonObject[] = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({
  key,
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: 300,
}));

/**
 * Keys whose NoExecute taint the tolerations already cover (no effect, or an empty one,
 * tolerates every effect): defaulting adds the not-ready/unreachable tolerations only for
 * the others, as kube-apiserver's DefaultTolerationSeconds does.
 */
export function toleratedNoExecuteKeys(tolerations: readonly Json[]): Set<string> {
  const keys = new Set<string>();
  for (const t of tolerations) {
    if (t === null || typeof t !== 'object' || Array.isArray(t) || typeof t.key !== 'string') continue;
    if (t.effect === undefined || t.effect === null || t.effect === '' || t.effect === 'NoExecute') keys.add(t.key);
  }
  return keys;
}

/** Always for `:latest` or untagged images, IfNotPresent for other tags and digests. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0 || last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHandler(handler: JsonObject | undefined): void {
  const http = objectAt(handler, 'httpGet');
  if (http !== undefined) {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
}

function defaultProbe(probe: JsonObject | undefined): void {
  if (probe === undefined) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

function defaultContainer(c: JsonObject, hostNetwork: boolean): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  if (typeof c.image === 'string') setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setDefault(c, 'resources', {});
  for (const port of arrayOf(c.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (hostNetwork) setDefault(port, 'hostPort', port.containerPort ?? null);
  }
  for (const env of arrayOf(c.env)) {
    const fieldRef = objectAt(objectAt(env, 'valueFrom'), 'fieldRef');
    if (fieldRef !== undefined) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(objectAt(c, key));
  const lifecycle = objectAt(c, 'lifecycle');
  defaultHandler(objectAt(lifecycle, 'postStart'));
  defaultHandler(objectAt(lifecycle, 'preStop'));
}

const volumeSources = [
  'hostPath', 'emptyDir', 'secret', 'configMap', 'persistentVolumeClaim', 'downwardAPI', 'projected', 'nfs', 'csi',
  'ephemeral', 'image', 'iscsi', 'rbd', 'cephfs', 'fc', 'azureFile', 'azureDisk', 'gcePersistentDisk',
  'awsElasticBlockStore', 'gitRepo', 'glusterfs', 'flexVolume', 'cinder', 'flocker', 'vsphereVolume', 'quobyte',
  'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

function defaultVolume(volume: JsonObject): void {
  // A volume with no source is an emptyDir, as upstream defaults it.
  if (!volumeSources.some((s) => objectAt(volume, s) !== undefined)) volume.emptyDir = {};
  for (const key of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    const source = objectAt(volume, key);
    if (source !== undefined) setDefault(source, 'defaultMode', 420);
  }
  const hostPath = objectAt(volume, 'hostPath');
  if (hostPath !== undefined) setDefault(hostPath, 'type', '');
  for (const item of arrayOf(objectAt(volume, 'downwardAPI')?.items)) {
    const fieldRef = objectAt(item, 'fieldRef');
    if (fieldRef !== undefined) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  for (const source of arrayOf(objectAt(volume, 'projected')?.sources)) {
    const token = objectAt(source, 'serviceAccountToken');
    if (token !== undefined) setDefault(token, 'expirationSeconds', 3600);
    for (const item of arrayOf(objectAt(source, 'downwardAPI')?.items)) {
      const fieldRef = objectAt(item, 'fieldRef');
      if (fieldRef !== undefined) setDefault(fieldRef, 'apiVersion', 'v1');
    }
  }
}

/** Defaults of a PodSpec wherever it appears. */
export function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  const hostNetwork = spec.hostNetwork === true;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of arrayOf(spec[list])) defaultContainer(c, hostNetwork);
  }
  for (const v of arrayOf(spec.volumes)) defaultVolume(v);
}

/** Defaults of a pod template (`template` of workloads and PodTemplate). */
export function defaultPodTemplate(template: Json | undefined): void {
  const spec = objectAt(template, 'spec');
  if (spec !== undefined) defaultPodSpec(spec);
}

/** Defaults of a Pod: the spec defaults plus what upstream admission adds. */
export function defaultPod(pod: JsonObject): void {
  const spec = objectAt(pod, 'spec');
  if (spec === undefined) return;
  defaultPodSpec(spec);
  setDefault(spec, 'enableServiceLinks', true);
  setDefault(spec, 'serviceAccountName', 'default');
  setDefault(spec, 'serviceAccount', spec.serviceAccountName ?? 'default');
  if (spec.priorityClassName === undefined) setDefault(spec, 'priority', 0);
  if (typeof spec.priority === 'number') setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = arrayOf(spec.tolerations);
  const covered = toleratedNoExecuteKeys(tolerations);
  const extra = notReadyTolerations.filter((t) => typeof t.key === 'string' && !covered.has(t.key));
  if (extra.length > 0) spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...extra.map((t) => ({ ...t }))];
  // Requests default to limits for each resource with a limit and no request.
  for (const list of ['initContainers', 'containers']) {
    for (const c of arrayOf(spec[list])) {
      const resources = objectAt(c, 'resources');
      const limits = objectAt(resources, 'limits');
      if (resources === undefined || limits === undefined) continue;
      const requests = objectAt(resources, 'requests') ?? {};
      for (const [name, value] of Object.entries(limits)) if (requests[name] === undefined) requests[name] = value;
      resources.requests = requests;
    }
  }
}
