/** Graceful stop: the preStop hook, then SIGTERM, then SIGKILL when the grace period ends. */
import type { Clock } from '../../client/clock.ts';
import type { ContainerStatus } from '../runtime/types.ts';
import { runHandler, type HandlerTarget } from './handlers.ts';
import { noEvents, type EventSink } from './pod-events.ts';
import type { ContainerSpecV1 } from './pod-types.ts';

/** Kubernetes leaves a container this long after a preStop hook that used up the grace period. */
const minGraceAfterHookSeconds = 2;

/** Stops a running instance within `graceSeconds` (preStop time included). */
export async function stopGracefully(
  spec: ContainerSpecV1 | undefined,
  instance: ContainerStatus,
  target: HandlerTarget,
  clock: Clock,
  graceSeconds: number,
  events: EventSink = noEvents,
): Promise<void> {
  if (instance.state !== 'running') return;
  const started = clock.now();
  const preStop = spec?.lifecycle?.preStop;
  let grace = graceSeconds;
  if (preStop && graceSeconds > 0) {
    // A failing hook does not keep the container alive; Kubernetes only records an event.
    const result = await runHandler(preStop, target, graceSeconds * 1000);
    if (!result.ok) events.emit('Warning', 'FailedPreStopHook', `PreStopHook failed: ${result.message}`);
    grace = Math.max(minGraceAfterHookSeconds, graceSeconds - (clock.now() - started) / 1000);
  }
  await target.runtime.stopContainer(instance.id, grace);
}
