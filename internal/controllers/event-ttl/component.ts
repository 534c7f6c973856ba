/** The event TTL controller as a leader-elected control-plane component. */
import { leaderElectedComponent } from '../leader-elected/index.ts';
import { runEventTtlController } from './event-ttl-controller.ts';

/** Deletes Events an hour after their last occurrence. */
export const eventTtlComponent = leaderElectedComponent('event-ttl-controller', (context, signal) =>
  runEventTtlController({ api: context.api, log: context.log.with({ controller: 'event-ttl' }) }, signal),
);
