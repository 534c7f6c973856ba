/**
 * The control-plane components of this folder, for internal/server/components.ts. Each
 * runs only while it holds its own kube-system Lease, so in an HA control plane one
 * server writes endpoints and load-balancer status at a time.
 */
import { randomUUID } from 'node:crypto';
import type { ApiClient } from '../../client/index.ts';
import { resourceSpecOfKind } from '../../client/index.ts';
import type { ComponentContext, ControlPlaneComponent } from '../../server/components.ts';
import type { Logger } from '../../util/log.ts';
import { LeaderElector } from '../leader-election.ts';
import { runEndpointsController } from './endpoints-controller.ts';
import { runServiceLbController } from './service-lb-controller.ts';
import { runEndpointSliceMirroring } from './mirroring.ts';

type Loop = (api: ApiClient, log: Logger, signal: AbortSignal) => Promise<void>;

function leaderElected(name: string, loop: Loop): ControlPlaneComponent {
  return {
    name,
    identity: 'kube-controller-manager',
    async run(context: ComponentContext): Promise<void> {
      // An earlier run of this server (same node name) holds no lease we must wait out.
      const prefix = `${context.nodeName}_`;
      const elector = new LeaderElector({
        leases: context.api.resource(resourceSpecOfKind('Lease', 'coordination.k8s.io/v1')),
        namespace: 'kube-system',
        name,
        identity: `${prefix}${randomUUID()}`,
        predecessor: (holder) => holder.startsWith(prefix),
        log: context.log,
      });
      await elector.run(context.signal, (signal) => loop(context.api, context.log, signal));
    },
  };
}

/** Endpoints and EndpointSlices of Services with selectors. */
export const endpointsComponent = leaderElected('endpoint-controller', (api, log, signal) => runEndpointsController({ api, log }, signal));

/** Load-balancer ingress of LoadBalancer Services from the addresses of the nodes that serve them. */
export const serviceLbComponent = leaderElected('service-lb-controller', runServiceLbController);

/** EndpointSlices mirrored from hand-written Endpoints of Services without selectors. */
export const mirroringComponent = leaderElected('endpointslice-mirroring-controller', runEndpointSliceMirroring);
