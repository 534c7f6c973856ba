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
 * Makes the image present as the policy asks; a Waiting when it is not (and must not be)
 * there. Reports Pulled/Pulling, or the failure, as the kubelet's events word them.
 */
export async function ensureImage(
  runtime: ContainerRuntime,
  container: ContainerSpecV1,
  backoff: RestartBackoff,
  key: string,
  nowMs: number,
  events: EventSink = noEvents,
): Promise<Waiting | undefined> {
  const policy = pullPolicy(container);
  const image = container.image;
  if (policy !== 'Always' && await runtime.imagePresent(image)) {
    events.emit('Normal', 'Pulled', `Container image "${image}" already present on machine`);
    return undefined;
  }
  const fail = (waiting: Waiting): Waiting => {
    events.repeat('Warning', 'Failed', `Error: ${waiting.reason}`);
    return waiting;
  };
  if (policy === 'Never') {
    const message = `Container image "${image}" is not present with pull policy of Never`;
    events.repeat('Warning', 'ErrImageNeverPull', message);
    return fail({ reason: 'ErrImageNeverPull', message });
  }
  const blocked = backoff.blockedUntil(key, nowMs, nowMs);
  if (blocked) {
    const message = `Back-off pulling image "${image}"`;
    events.repeat('Normal', 'BackOff', message);
    return fail({ reason: 'ImagePullBackOff', message, retryAtMs: blocked.untilMs });
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
    return fail({ reason: 'ErrImagePull', message, retryAtMs: nowMs + backoff.delay(key) });
  }
}
