/** imagePullPolicy with pull back-off: ErrImagePull, then ImagePullBackOff until the next try. */
import type { ContainerRuntime } from '../runtime/types.ts';
import { noEvents, type EventSink } from './pod-events.ts';
import type { ContainerSpecV1 } from './pod-types.ts';
import type { RestartBackoff } from './restart-backoff.ts';

/** Why a container cannot start yet, as status.containerStatuses[].state.waiting says it. */
export interface Waiting {
  reason: string;
  message: string;
  /** When the kubelet should look again; undefined: at the next resync. */
  retryAtMs?: number;
}

/** The policy Kubernetes defaults to: Always for :latest or no tag, else IfNotPresent. */
export function pullPolicy(container: ContainerSpecV1): 'Always' | 'IfNotPresent' | 'Never' {
  if (container.imagePullPolicy) return container.imagePullPolicy;
  const image = container.image;
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/**
 * The image step before creating a container: under pull policy Always the image is pulled
 * (with back-off); under IfNotPresent and Never nothing is asked of the runtime, as creating
 * the container finds out whether the image is there (see `missingImage`). A Waiting when the
 * container cannot be created now.
 */
export async function prepareImage(
  runtime: ContainerRuntime,
  container: ContainerSpecV1,
  backoff: RestartBackoff,
  key: string,
  nowMs: number,
  events: EventSink = noEvents,
): Promise<Waiting | undefined> {
  if (pullPolicy(container) !== 'Always') return undefined;
  return pull(runtime, container.image, backoff, key, nowMs, events);
}

/**
 * What to do once creating the container found its image missing: under Never the container
 * waits in ErrImageNeverPull; otherwise the image is pulled (with back-off) and undefined
 * means the create can be tried again.
 */
export async function missingImage(
  runtime: ContainerRuntime,
  container: ContainerSpecV1,
  backoff: RestartBackoff,
  key: string,
  nowMs: number,
  events: EventSink = noEvents,
): Promise<Waiting | undefined> {
  const image = container.image;
  if (pullPolicy(container) === 'Never') {
    const message = `Container image "${image}" is not present with pull policy of Never`;
    events.repeat('Warning', 'ErrImageNeverPull', message);
    return failed(events, { reason: 'ErrImageNeverPull', message });
  }
  return pull(runtime, image, backoff, key, nowMs, events);
}

/** Reports that an IfNotPresent or Never image was there, as the kubelet does before each create. */
export function imagePresent(container: ContainerSpecV1, events: EventSink = noEvents): void {
  events.emit('Normal', 'Pulled', `Container image "${container.image}" already present on machine`);
}

function failed(events: EventSink, waiting: Waiting): Waiting {
  events.repeat('Warning', 'Failed', `Error: ${waiting.reason}`);
  return waiting;
}

/** Pulls unless the back-off still blocks it; reports Pulling/Pulled or the failure as the kubelet words them. */
async function pull(
  runtime: ContainerRuntime,
  image: string,
  backoff: RestartBackoff,
  key: string,
  nowMs: number,
  events: EventSink,
): Promise<Waiting | undefined> {
  const blocked = backoff.blockedUntil(key, nowMs, nowMs);
  if (blocked) {
    const message = `Back-off pulling image "${image}"`;
    events.repeat('Normal', 'BackOff', message);
    return failed(events, { reason: 'ImagePullBackOff', message, retryAtMs: blocked.untilMs });
  }
  events.emit('Normal', 'Pulling', `Pulling image "${image}"`);
  const started = performance.now();
  try {
    await runtime.pullImage(image);
    backoff.forget(key);
    events.emit('Normal', 'Pulled', `Successfully pulled image "${image}" in ${((performance.now() - started) / 1000).toFixed(3)}s`);
    return undefined;
  } catch (error) {
    backoff.retried(key, nowMs);
    const message = `Failed to pull image "${image}": ${(error as Error).message}`;
    events.emit('Warning', 'Failed', message);
    return failed(events, { reason: 'ErrImagePull', message, retryAtMs: nowMs + backoff.delay(key) });
  }
}
