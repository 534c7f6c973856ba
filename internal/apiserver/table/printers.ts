/** Which printer serves each kind; kinds without one get the generic Name and Created At columns. */
import type { ResourceType } from '../../api/resources.ts';
import type { Json } from '../objects.ts';
import { horizontalPodAutoscalerPrinter } from './autoscaling.ts';
import {
  endpointSlicePrinter,
  ingressClassPrinter,
  ingressPrinter,
  leasePrinter,
  networkPolicyPrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  storageClassPrinter,
} from './cluster.ts';
import {
  configMapPrinter,
  endpointsPrinter,
  limitRangePrinter,
  namespacePrinter,
  nodePrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core.ts';
import { createdAt } from './duration.ts';
import { eventPrinter } from './events.ts';
import { podPrinter } from './pod.ts';
import { bindingPrinter, rolePrinter } from './rbac.ts';
import { persistentVolumeClaimPrinter, persistentVolumePrinter } from './volumes.ts';
import { column, nameColumn, nameOf, type Printer } from './printer.ts';
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workloads.ts';

const printers = new Map<string, Printer>([
  ['/Pod', podPrinter],
  ['/Node', nodePrinter],
  ['/Namespace', namespacePrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/Event', eventPrinter],
  ['events.k8s.io/Event', eventPrinter],
  ['/PersistentVolume', persistentVolumePrinter],
  ['/PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['/ResourceQuota', resourceQuotaPrinter],
  ['/LimitRange', limitRangePrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['discovery.k8s.io/EndpointSlice', endpointSlicePrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['networking.k8s.io/Ingress', ingressPrinter],
  ['networking.k8s.io/IngressClass', ingressClassPrinter],
  ['networking.k8s.io/NetworkPolicy', networkPolicyPrinter],
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerPrinter],
  ['storage.k8s.io/StorageClass', storageClassPrinter],
  ['rbac.authorization.k8s.io/Role', rolePrinter],
  ['rbac.authorization.k8s.io/ClusterRole', rolePrinter],
  ['rbac.authorization.k8s.io/RoleBinding', bindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', bindingPrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
  ['scheduling.k8s.io/PriorityClass', priorityClassPrinter],
]);

/** The API server's fallback for kinds without a printer of their own. */
export const defaultPrinter: Printer = {
  columns: [nameColumn, column('Created At', 'date', 'When the object was created.')],
  cells(object): Json[] {
    return [nameOf(object), createdAt(object.metadata.creationTimestamp)];
  },
};

/** The printer for a resource type (by group and kind, so every served version shares it). */
export function printerFor(type: Pick<ResourceType, 'group' | 'kind'>): Printer {
  return printers.get(`${type.group}/${type.kind}`) ?? defaultPrinter;
}
