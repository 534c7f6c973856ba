/**
 * A control-plane component that runs its loop only while it holds a Lease of its own in
 * kube-system, so in an HA control plane exactly one server runs each controller.
 */
import { randomUUID } from 'node:crypto';
import { resourceSpecOfKind } from '../../client/index.ts';
import type { ComponentContext, ControlPlaneComponent } from '../../server/components.ts';
import { LeaderElector } from '../leader-election.ts';

/** The work a component does while leading; it must return once `signal` aborts. */
export type LeaderLoop = (context: ComponentContext, signal: AbortSignal) => Promise<void>;

/** A component named `name` acting as kube-controller-manager, leading through the Lease `leaseName` (default `name`). */
export function leaderElectedComponent(name: string, loop: LeaderLoop, leaseName = name): ControlPlaneComponent {
  return {
    name,
    identity: 'kube-controller-manager',
    async run(context: ComponentContext): Promise<void> {
      // A Lease left by an earlier run of this server (same node name) is taken over at once.
      const prefix = `${context.nodeName}_`;
      const elector = new LeaderElector({
        leases: context.api.resource(resourceSpecOfKind('Lease', 'coordination.k8s.io/v1')),
        namespace: 'kube-system',
        name: leaseName,
        identity: `${prefix}${randomUUID()}`,
        predecessor: (holder) => holder.startsWith(prefix),
        log: context.log,
      });
      await elector.run(context.signal, (signal) => loop(context, signal));
    },
  };
}
