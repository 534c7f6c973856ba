/** Test helpers: polling with a deadline instead of sleeping. */

/**
 * Calls `check` until it returns a value other than undefined/false, or fails after
 * `timeoutMs`, also when a check itself never settles (a request nobody answers).
 */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (true) {
    try {
      const value = await settlesBy(check(), deadline, what);
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof StuckCheckError) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

class StuckCheckError extends Error {}

/** How long past the deadline a check may still take: a slow answer counts, one that never comes fails. */
const stuckAfterMs = 30_000;

/** `value`, or a StuckCheckError if it has not settled `stuckAfterMs` after `deadline` (ms since epoch). */
async function settlesBy<T>(value: T | Promise<T>, deadline: number, what: string): Promise<T> {
  if (!(value instanceof Promise)) return value;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StuckCheckError(`a check for ${what} did not settle within ${stuckAfterMs / 1000} s of its deadline`)), Math.max(0, deadline - Date.now()) + stuckAfterMs);
  });
  try {
    return await Promise.race([value, late]);
  } finally {
    clearTimeout(timer);
  }
}
