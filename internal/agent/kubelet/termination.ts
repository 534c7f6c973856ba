/** Graceful stop: the preStop hook, then SIGTERM, then SIGKILL when the grace period ends. */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Clock } from '../../client/clock.ts';
import type { ContainerRuntime, ContainerStatus, SandboxStatus } from '../runtime/types.ts';
import { runHandler, type HandlerTarget } from './handlers.ts';
import { noEvents, type EventSink, type PodEvents } from './pod-events.ts';
import { podKey, podSpec, type ContainerSpecV1 } from './pod-types.ts';
import type { RuntimeCache } from './runtime-cache.ts';

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

/** What stopping a whole pod needs. */
export interface StopPodContext {
  runtime: ContainerRuntime;
  cache: RuntimeCache;
  clock: Clock;
  events: PodEvents;
}

/**
 * Stops every running container of the pod at once (each with its preStop and a Killing event),
 * then its sandboxes; resolves with the pod's containers as they are afterwards.
 */
export async function stopPod(
  pod: KubeObject,
  graceSeconds: number,
  context: StopPodContext,
  target: (sandbox: SandboxStatus | undefined, spec: ContainerSpecV1 | undefined, id: string) => HandlerTarget,
): Promise<ContainerStatus[]> {
  const { cache } = context;
  const { uid } = podKey(pod);
  const spec = podSpec(pod);
  await cache.refreshPod(uid);
  const { containers, sandboxes } = cache.pod(uid);
  const all = [...(spec.initContainers ?? []), ...spec.containers];
  await Promise.all(containers.filter((c) => c.state === 'running').map((c) => {
    const containerSpec = all.find((s) => s.name === c.name);
    const sandbox = sandboxes.find((s) => s.id === c.sandboxId);
    const events = context.events.about(pod, c.name);
    events.emit('Normal', 'Killing', `Stopping container ${c.name}`);
    return stopGracefully(containerSpec, c, target(sandbox, containerSpec, c.id), context.clock, graceSeconds, events);
  }));
  for (const sandbox of sandboxes) await context.runtime.stopSandbox(sandbox.id);
  await cache.refreshPod(uid);
  return cache.pod(uid).containers;
}
