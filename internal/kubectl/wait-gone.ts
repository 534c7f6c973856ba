/** Waiting for a deleted object to disappear (finalizers, foreground cascades) by polling its name. */
import type { ResourceType } from '../api/resources.ts';
import { ApiStatusError, realClock, sleep } from '../client/index.ts';
import type { KubectlContext } from './context.ts';
import { specOf } from './resolve.ts';

const firstPollMs = 50;
const maxPollMs = 1000;

/**
 * Resolves once `name` is not found, or is an object with another uid (a re-creation);
 * waits as long as it takes unless the context's signal aborts.
 */
export async function waitUntilGone(ctx: KubectlContext, type: ResourceType, namespace: string | null, name: string, uid: string | undefined): Promise<void> {
  const client = ctx.api.resource(specOf(type));
  let delay = firstPollMs;
  for (;;) {
    try {
      const object = await client.get(namespace, name, { signal: ctx.signal });
      if (uid !== undefined && object.metadata.uid !== uid) return;
    } catch (error) {
      if (error instanceof ApiStatusError && error.code === 404) return;
      throw error;
    }
    if (!(await sleep(realClock, delay, ctx.signal))) ctx.signal.throwIfAborted();
    delay = Math.min(delay * 2, maxPollMs);
  }
}
