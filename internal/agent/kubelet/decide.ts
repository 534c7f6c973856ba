/** What to do with one container on a sync, from its newest instance. Pure. */
import type { ContainerStatus } from '../runtime/types.ts';
import type { RestartPolicy } from './pod-types.ts';
import type { RestartBackoff } from './restart-backoff.ts';

export type Decision =
  /** Running, or finished and not to be restarted. */
  | { action: 'none' }
  /** Create and start an instance with this restart count; `replace` is a never-started instance to remove first. */
  | { action: 'start'; restartCount: number; restart: boolean; replace?: string }
  /** Restart later: CrashLoopBackOff until `untilMs`. */
  | { action: 'backoff'; untilMs: number; delayMs: number };

/**
 * Init containers are restarted only after a failure (never with restartPolicy Never); app
 * containers as the restart policy says. A container left from an older sandbox runs again.
 */
export function decide(
  policy: RestartPolicy,
  latest: ContainerStatus | undefined,
  sandboxId: string,
  init: boolean,
  backoff: RestartBackoff,
  key: string,
  nowMs: number,
): Decision {
  if (!latest) return { action: 'start', restartCount: 0, restart: false };
  if (latest.state === 'created' || latest.state === 'unknown') {
    return { action: 'start', restartCount: latest.restartCount, restart: false, replace: latest.id };
  }
  const oldSandbox = latest.sandboxId !== sandboxId;
  if (latest.state === 'running' && !oldSandbox) return { action: 'none' };
  const failed = latest.exitCode !== 0;
  const restart = oldSandbox
    ? policy !== 'Never' || init
    : init ? failed && policy !== 'Never' : policy === 'Always' || (policy === 'OnFailure' && failed);
  if (!restart) return { action: 'none' };
  const finishedMs = latest.finishedAt?.getTime() ?? nowMs;
  const blocked = backoff.blockedUntil(key, finishedMs, nowMs, finishedMs);
  if (blocked) return { action: 'backoff', ...blocked };
  return { action: 'start', restartCount: latest.restartCount + 1, restart: true };
}
