/**
 * The control-plane components of this folder, for internal/server/components.ts. Each
 * runs only while it holds its own kube-system Lease, so in an HA control plane one
 * server writes endpoints and load-balancer status at a time.
 */
import type { ApiClient } from '../../client/index.ts';
import type { ControlPlaneComponent } from '../../server/components.ts';
import type { Logger } from '../../util/log.ts';
import { leaderElectedComponent } from '../leader-elected/index.ts';
import { runEndpointsController } from './endpoints-controller.ts';
import { runServiceLbController } from './service-lb-controller.ts';
import { runEndpointSliceMirroring } from './mirroring.ts';

type Loop = (api: ApiClient, log: Logger, signal: AbortSignal) => Promise<void>;

const leaderElected = (name: string, loop: Loop): ControlPlaneComponent =>
  leaderElectedComponent(name, (context, signal) => loop(context.api, context.log, signal));

/** Endpoints and EndpointSlices of Services with selectors. */
export const endpointsComponent = leaderElected('endpoint-controller', (api, log, signal) => runEndpointsController({ api, log }, signal));

/** Load-balancer ingress of LoadBalancer Services from the addresses of the nodes that serve them. */
export const serviceLbComponent = leaderElected('service-lb-controller', runServiceLbController);

/** EndpointSlices mirrored from hand-written Endpoints of Services without selectors. */
export const mirroringComponent = leaderElected('endpointslice-mirroring-controller', runEndpointSliceMirroring);
