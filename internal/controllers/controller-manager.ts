/**
 * The controller manager component of `skiff server`: competes for the
 * kube-system/kube-controller-manager Lease and, only while it holds it, runs the
 * workload controllers (Deployments and ReplicaSets) over one set of shared informers.
 * Losing the Lease stops them; in an HA control plane another server's manager takes over.
 */
import { InformerFactory, resourceSpecOfKind, type ApiClient } from '../client/index.ts';
import { controllerEventRecorder } from './leader-elected/index.ts';
import type { ControlPlaneComponent } from '../server/components.ts';
import type { Logger } from '../util/log.ts';
import { DeploymentController } from './deployment-controller.ts';
import { leaderElectedComponent } from './leader-elected/index.ts';
import { ReplicaSetController } from './replica-set-controller.ts';

/** Runs the workload controllers until `signal` aborts; resolves once everything stopped. */
export async function runWorkloadControllers(api: ApiClient, log: Logger, signal: AbortSignal): Promise<void> {
  const factory = new InformerFactory(api, { onError: (error) => log.debug('informer retrying', { error }) });
  const deployments = factory.informer(resourceSpecOfKind('Deployment', 'apps/v1'));
  const replicaSets = factory.informer(resourceSpecOfKind('ReplicaSet', 'apps/v1'));
  const pods = factory.informer(resourceSpecOfKind('Pod', 'v1'));
  const rsEvents = controllerEventRecorder(api, 'replicaset-controller', log);
  const deploymentEvents = controllerEventRecorder(api, 'deployment-controller', log);
  const replicaSetController = new ReplicaSetController({ api, replicaSets, pods, events: rsEvents, log: log.with({ controller: 'replicaset' }) });
  const deploymentController = new DeploymentController({ api, deployments, replicaSets, pods, events: deploymentEvents, log: log.with({ controller: 'deployment' }) });
  factory.start(signal);
  try {
    if (!(await factory.waitForSync(signal))) return;
    log.info('workload controllers started');
    await Promise.all([replicaSetController.run(signal), deploymentController.run(signal)]);
  } finally {
    rsEvents.stop();
    deploymentEvents.stop();
    await factory.stopped();
  }
}

/** The leader-elected controller manager as a control-plane component (Lease kube-system/kube-controller-manager). */
export const controllerManager: ControlPlaneComponent = leaderElectedComponent(
  'controller-manager',
  (context, signal) => runWorkloadControllers(context.api, context.log, signal),
  'kube-controller-manager',
);
