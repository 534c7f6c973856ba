/** The Docker daemon's event stream, narrowed to the lifecycle of skiff's sandboxes and containers. */
import type Docker from 'dockerode';
import { fromEngine } from './errors.ts';
import { labelFilterValues, podUidLabel, typeLabel } from './labels.ts';
import type { RuntimeEvent } from './types.ts';

const actions: ReadonlyArray<RuntimeEvent['action']> = ['start', 'die', 'oom', 'destroy'];

/**
 * Yields start/die/oom/destroy of containers carrying every one of `labels` (and skiff's type
 * label) until `signal` aborts; ends when the daemon closes the stream, throws a RuntimeError
 * when it cannot be opened or breaks.
 */
export async function* engineEvents(docker: Docker, labels: Record<string, string>, signal: AbortSignal): AsyncGenerator<RuntimeEvent> {
  const filters = JSON.stringify({ type: ['container'], event: actions, label: labelFilterValues(labels, [typeLabel]) });
  let stream;
  try {
    stream = await docker.getEvents({ filters, abortSignal: signal });
  } catch (error) {
    if (signal.aborted) return;
    throw fromEngine(error, 'watch container events');
  }
  const close = () => stream.destroy();
  signal.addEventListener('abort', close, { once: true });
  let pending = '';
  try {
    for await (const chunk of stream) {
      pending += String(chunk);
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        const event = line ? toRuntimeEvent(JSON.parse(line) as Docker.EngineEvent) : undefined;
        if (event) yield event;
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    throw fromEngine(error, 'watch container events');
  } finally {
    signal.removeEventListener('abort', close);
    stream.destroy();
  }
}

/** The runtime's view of one engine event; undefined for events of other objects or actions. */
export function toRuntimeEvent(event: Docker.EngineEvent): RuntimeEvent | undefined {
  const attributes = event.Actor?.Attributes ?? {};
  const type = attributes[typeLabel];
  const action = actions.find((a) => a === event.Action);
  const id = event.Actor?.ID;
  if (event.Type !== 'container' || !action || !id || (type !== 'sandbox' && type !== 'container')) return undefined;
  return { id, type, podUid: attributes[podUidLabel] ?? '', action };
}
