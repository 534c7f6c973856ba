/** Builders of Deployments, ReplicaSets and pods for the controllers' unit tests. */
import type { Condition, Deployment, Pod, ReplicaSet, RollingUpdate } from './workload-types.ts';

let serial = 0;

/** A timestamp `seconds` after a fixed epoch (2025-01-01T00:00:00Z). */
export function at(seconds: number): string {
  return new Date(Date.UTC(2025, 0, 1) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** ms of `at(seconds)`. */
export function atMs(seconds: number): number {
  return Date.UTC(2025, 0, 1) + seconds * 1000;
}

export interface DeploymentOptions {
  replicas?: number;
  rolling?: RollingUpdate;
  recreate?: boolean;
  generation?: number;
  progressDeadlineSeconds?: number;
  status?: Deployment['status'];
  image?: string;
}

export function deployment(name: string, options: DeploymentOptions = {}): Deployment {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: options.generation ?? 1 },
    spec: {
      replicas: options.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: options.image ?? 'img:1' }] } },
      strategy: options.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: options.rolling ?? { maxSurge: '25%', maxUnavailable: '25%' } },
      progressDeadlineSeconds: options.progressDeadlineSeconds ?? 600,
      revisionHistoryLimit: 10,
    },
    status: options.status,
  };
}

export interface SetOptions {
  replicas: number;
  available?: number;
  ready?: number;
  current?: number;
  created?: number;
  revision?: number;
  annotations?: Record<string, string>;
  conditions?: Condition[];
}

export function replicaSet(name: string, options: SetOptions): ReplicaSet {
  const annotations: Record<string, string> = { ...(options.annotations ?? {}) };
  if (options.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(options.revision);
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}-${serial++}`, creationTimestamp: at(options.created ?? 0), annotations, generation: 1 },
    spec: { replicas: options.replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } } } },
    status: {
      replicas: options.current ?? options.replicas,
      readyReplicas: options.ready ?? options.available ?? 0,
      availableReplicas: options.available ?? 0,
      observedGeneration: 1,
      conditions: options.conditions,
    },
  };
}

export interface PodOptions {
  node?: string;
  phase?: string;
  readySince?: number;
  created?: number;
  restarts?: number;
  labels?: Record<string, string>;
  deleting?: boolean;
  cost?: number;
}

export function pod(name: string, options: PodOptions = {}): Pod {
  const conditions: Condition[] = options.readySince === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: at(options.readySince) }];
  const metadata: Pod['metadata'] = { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: at(options.created ?? 0), labels: options.labels ?? { app: 'web' } };
  if (options.deleting) metadata.deletionTimestamp = at(1000);
  if (options.cost !== undefined) metadata.annotations = { 'controller.kubernetes.io/pod-deletion-cost': String(options.cost) };
  return {
    metadata,
    spec: options.node === undefined ? {} : { nodeName: options.node },
    status: { phase: options.phase ?? (options.readySince === undefined ? 'Pending' : 'Running'), conditions, containerStatuses: [{ name: 'c', restartCount: options.restarts ?? 0 }] },
  };
}
