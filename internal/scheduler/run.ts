/**
 * The scheduler as a control-plane component of `skiff server`: like kube-scheduler it
 * competes for the kube-system/kube-scheduler Lease and schedules only while it holds
 * it, so in an HA control plane one server's scheduler binds pods at a time.
 */
import { randomUUID } from 'node:crypto';
import { resourceSpecOfKind } from '../client/index.ts';
import { LeaderElector } from '../controllers/leader-election.ts';
import type { ComponentContext, ControlPlaneComponent } from '../server/components.ts';
import { Scheduler } from './scheduler.ts';

/** Registered in internal/server/components.ts; acts as system:kube-scheduler. */
export const scheduler: ControlPlaneComponent = {
  name: 'scheduler',
  identity: 'kube-scheduler',
  async run(context: ComponentContext): Promise<void> {
    const elector = new LeaderElector({
      leases: context.api.resource(resourceSpecOfKind('Lease', 'coordination.k8s.io/v1')),
      namespace: 'kube-system',
      name: 'kube-scheduler',
      // Unique per process, so a restarted server does not mistake its predecessor's Lease for its own.
      identity: `${context.nodeName}_${randomUUID()}`,
      log: context.log,
    });
    await elector.run(context.signal, (signal) => new Scheduler({ api: context.api, log: context.log }).run(signal));
  },
};
