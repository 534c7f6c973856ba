/**
 * The parts of apps/v1 Deployments and ReplicaSets and of core/v1 Pods that the workload
 * controllers read and write, as types. Objects reach the controllers after the API server
 * validated and defaulted them, so a view is a cast at the informer boundary, not a parse.
 */
import type { Json, KubeObject } from '../apiserver/objects.ts';

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: Json | undefined };
  spec?: { [key: string]: Json };
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** A status condition; lastUpdateTime exists on Deployment conditions only. */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The ObjectMeta fields the controllers use, owner references typed. */
export interface Meta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface ReplicaSet {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: { replicas?: number; minReadySeconds?: number; selector?: LabelSelector; template?: PodTemplate };
  status?: ReplicaSetStatus;
}

export interface RollingUpdate {
  maxSurge?: number | string;
  maxUnavailable?: number | string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface Deployment {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplate;
    strategy?: { type?: 'RollingUpdate' | 'Recreate'; rollingUpdate?: RollingUpdate };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: DeploymentStatus;
}

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: { nodeName?: string; [key: string]: Json | undefined };
  status?: {
    phase?: string;
    conditions?: Condition[];
    containerStatuses?: { name: string; ready?: boolean; restartCount?: number }[];
  };
}

/** Views a stored object as one of the types above (no copy, no checks). */
export function view<T extends ReplicaSet | Deployment | Pod>(object: KubeObject): T {
  return object as unknown as T;
}

/** The plain object to send to the API server. */
export function plain(object: ReplicaSet | Deployment | Pod): KubeObject {
  return object as unknown as KubeObject;
}

/** spec.replicas with the API default of 1. */
export function replicasOf(object: ReplicaSet | Deployment): number {
  return object.spec.replicas ?? 1;
}

/** namespace/name, the work queue key of an object. */
export function keyOf(object: { metadata: { namespace?: string; name?: string } }): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

/** Splits a namespace/name key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** creationTimestamp in ms (0 when missing, so such objects sort as oldest). */
export function createdMs(object: { metadata: { creationTimestamp?: string } }): number {
  const value = object.metadata.creationTimestamp;
  return value === undefined ? 0 : Date.parse(value) || 0;
}
