/**
 * Watch responses are newline-delimited JSON events sent in arbitrary chunks;
 * this turns a byte stream into typed events, carrying partial lines (and
 * partial UTF-8 sequences) over to the next chunk.
 */
import type { KubeObject } from '../apiserver/objects.ts';
import { ApiStatusError, type KubeStatus } from './errors.ts';

/** One event of a watch; ERROR carries the server's Status and the matching error. */
export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: KubeStatus; error: ApiStatusError };

const objectTypes = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

/** Yields the lines of `chunks` without their line ends; a last line without "\n" is yielded too. */
export async function* splitLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let end = pending.indexOf('\n');
    while (end !== -1) {
      yield pending.slice(0, end).replace(/\r$/, '');
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  if (pending !== '') yield pending;
}

/** Parses one event line; throws a descriptive Error for a line that is not an event. */
export function parseWatchLine<T extends KubeObject = KubeObject>(line: string): WatchEvent<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new Error(`Cannot parse a watch event as JSON: ${(error as Error).message}: ${line.slice(0, 200)}`);
  }
  const event = parsed as { type?: unknown; object?: unknown };
  if (typeof event !== 'object' || event === null || typeof event.object !== 'object' || event.object === null) {
    throw new Error(`Cannot use a watch event without an object: ${line.slice(0, 200)}`);
  }
  if (event.type === 'ERROR') {
    const status = event.object as KubeStatus;
    return { type: 'ERROR', object: status, error: new ApiStatusError(status) };
  }
  if (typeof event.type !== 'string' || !objectTypes.has(event.type)) {
    throw new Error(`Cannot use a watch event of type ${JSON.stringify(event.type)}`);
  }
  const object = event.object as T;
  if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
  return { type: event.type as 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', object };
}

/** The events of a watch response body, in order; blank lines are skipped. */
export async function* watchEvents<T extends KubeObject = KubeObject>(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<WatchEvent<T>> {
  for await (const line of splitLines(chunks)) {
    if (line.trim() === '') continue;
    yield parseWatchLine<T>(line);
  }
}
