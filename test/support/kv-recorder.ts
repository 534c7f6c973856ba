/**
 * Concurrent clients issuing ConfigMap operations over HTTPS against random servers, each
 * recorded as an Operation for `kvModel`: value = data.v, version = metadata.resourceVersion.
 *
 * Outcomes: an answer the API gives only after deciding (2xx, 404, 409) is definite; 503 is a
 * refusal before anything was proposed (no leader), as is a refused connection, so it is kept
 * apart from the history; a timeout, a cut connection, a 504 or any other 5xx is unknown
 * (`return: null`). Anything else is a mapping the recorder does not understand and is
 * reported as unexpected rather than guessed at.
 */
import type { RawRequest, RawResponse } from './raw-https.ts';
import { jsonBody } from './raw-https.ts';
import type { KvInput, KvOutput, Operation } from './linearizability.ts';
import { mulberry32 } from '../../internal/util/seeded-random.ts';

/** Sends one request to a named server (e.g. HaCluster.send). */
export type SendRequest = (server: string, req: RawRequest, timeoutMs: number) => Promise<RawResponse>;

/** How one operation ended. */
export type KvOutcome =
  | { kind: 'answered'; output: KvOutput }
  | { kind: 'refused'; why: string }
  | { kind: 'unknown'; why: string }
  | { kind: 'unexpected'; why: string };

export type KvOperation = Operation<KvInput, KvOutput>;

/** A recorded operation: which server it went to, and why it ended unknown or refused. */
export type RecordedOperation = KvOperation & { server: string; cause?: string };

export interface KvRecorderOptions {
  send: SendRequest;
  /** Servers to pick from at random for each request. */
  servers: readonly string[];
  namespace?: string;
  /** ConfigMaps are named `<prefix>-<n>`. Default 'lin'. */
  prefix?: string;
  /** Number of ConfigMaps (keys) the clients share. Default 6. */
  keys?: number;
  /** Concurrent clients, each issuing one operation at a time. Default 5. */
  clients?: number;
  /** Per-request timeout; past it the outcome is unknown. Default 5000 ms. */
  timeoutMs?: number;
  /** Seed of the operation mix, for repeating a run. */
  seed?: number;
}

export interface KvRecording {
  /** Operations with a definite answer or an unknown outcome: the history to check. */
  history: RecordedOperation[];
  /** Operations refused before taking effect (503, connection refused): not part of the history. */
  refused: RecordedOperation[];
  /** Answers the mapping does not cover, with the operation; a test should fail on any. */
  unexpected: string[];
  /** How many operations ended unknown or refused, by cause (e.g. "504 Timeout", "ECONNRESET"). */
  causes: Record<string, number>;
}

/** A running recorder: `recording` grows as operations end; `stop()` resolves once all have ended. */
export interface KvRecorder {
  readonly recording: KvRecording;
  /** Issues no new operations and resolves once every running one has ended. */
  stop(): Promise<KvRecording>;
}

/** Starts the clients; they run until `stop()`. */
export function startKvRecorder(options: KvRecorderOptions): KvRecorder {
  const recording: KvRecording = { history: [], refused: [], unexpected: [], causes: {} };
  const stopping = new AbortController();
  const random = mulberry32(options.seed ?? 1);
  const keys = Array.from({ length: options.keys ?? 6 }, (_, i) => `${options.prefix ?? 'lin'}-${i}`);
  const namespace = options.namespace ?? 'default';
  const timeoutMs = options.timeoutMs ?? 5000;
  const client = async (index: number): Promise<void> => {
    // A client whose operation's outcome is unknown continues as a new process, as in Knossos.
    let id = index * 1000;
    let sequence = 0;
    const seen = new Map<string, string>();
    while (!stopping.signal.aborted) {
      const key = pick(random, keys);
      const input = nextInput(random, key, `c${index}-${sequence++}`, seen.get(key));
      const server = pick(random, options.servers);
      const call = performance.now();
      const outcome = await performKv(options.send, server, namespace, input, timeoutMs);
      const at = performance.now();
      const op: RecordedOperation = { client: id, input, call, return: null, output: null, server };
      if (outcome.kind === 'answered') {
        recording.history.push({ ...op, return: at, output: outcome.output });
        const version = 'version' in outcome.output ? outcome.output.version : undefined;
        if (version !== undefined) seen.set(key, version);
        if (outcome.output.result === 'not-found' || (input.op === 'delete' && outcome.output.result === 'ok')) seen.delete(key);
      } else if (outcome.kind === 'refused') {
        recording.refused.push({ ...op, return: at, cause: outcome.why });
        recording.causes[outcome.why] = (recording.causes[outcome.why] ?? 0) + 1;
      } else if (outcome.kind === 'unknown') {
        recording.history.push({ ...op, cause: outcome.why });
        recording.causes[outcome.why] = (recording.causes[outcome.why] ?? 0) + 1;
        id++;
      } else {
        recording.unexpected.push(`${server} ${JSON.stringify(input)}: ${outcome.why}`);
      }
    }
  };
  const running = Promise.all(Array.from({ length: options.clients ?? 5 }, (_, i) => client(i)));
  return {
    recording,
    async stop() {
      stopping.abort();
      await running;
      return recording;
    },
  };
}

/** Mix: 30% get, 15% create, 30% compare-and-swap, 10% update, 15% delete (half conditional). */
function nextInput(random: () => number, key: string, value: string, version: string | undefined): KvInput {
  const roll = random();
  if (roll < 0.3) return { op: 'get', key };
  if (roll < 0.45) return { op: 'create', key, value };
  if (roll < 0.75) return version === undefined ? { op: 'get', key } : { op: 'cas', key, value, expected: { version } };
  if (roll < 0.85) return { op: 'update', key, value };
  return version !== undefined && random() < 0.5 ? { op: 'delete', key, expectedVersion: version } : { op: 'delete', key };
}

/** Performs one operation as the Kubernetes API call it stands for and maps the answer. */
export async function performKv(send: SendRequest, server: string, namespace: string, input: KvInput, timeoutMs: number): Promise<KvOutcome> {
  const collection = `/api/v1/namespaces/${namespace}/configmaps`;
  const item = `${collection}/${input.key}`;
  const json = (method: string, path: string, body: unknown): RawRequest => ({ method, path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const object = (value: string, resourceVersion?: string): unknown => ({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: input.key, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) }, data: { v: value },
  });
  let req: RawRequest;
  switch (input.op) {
    case 'get': req = { method: 'GET', path: item }; break;
    case 'create': req = json('POST', collection, object(input.value)); break;
    case 'update': req = json('PUT', item, object(input.value)); break;
    case 'cas':
      if (!('version' in input.expected)) return { kind: 'unexpected', why: 'a compare on the value has no Kubernetes request' };
      req = json('PUT', item, object(input.value, input.expected.version));
      break;
    case 'delete':
      req = input.expectedVersion === undefined
        ? { method: 'DELETE', path: item }
        : json('DELETE', item, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: input.expectedVersion } });
      break;
    case 'put': return { kind: 'unexpected', why: 'put has no single Kubernetes request' };
  }
  let response: RawResponse;
  try {
    response = await send(server, req, timeoutMs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Nothing was sent over a connection that was never made.
    if (code === 'ECONNREFUSED') return { kind: 'refused', why: code };
    return { kind: 'unknown', why: code ?? `no answer within ${timeoutMs} ms` };
  }
  if (response.cutOff) return { kind: 'unknown', why: 'the response was cut off' };
  return mapResponse(input, response);
}

function mapResponse(input: KvInput, response: RawResponse): KvOutcome {
  const body = jsonBody(response);
  const reason = statusReason(body);
  const { status } = response;
  const unexpected = (): KvOutcome => ({ kind: 'unexpected', why: `${status} ${reason ?? ''} ${response.body.toString('utf8').slice(0, 300)}` });
  if (status === 503) return { kind: 'refused', why: `503 ${reason ?? ''}`.trim() };
  if (status >= 500) return { kind: 'unknown', why: `${status} ${reason ?? ''}`.trim() };
  if (status === 404) return reason === 'NotFound' ? { kind: 'answered', output: { result: 'not-found' } } : unexpected();
  if (status === 409) {
    if (input.op === 'create' && reason === 'AlreadyExists') return { kind: 'answered', output: { result: 'exists' } };
    if ((input.op === 'cas' || input.op === 'delete') && reason === 'Conflict') return { kind: 'answered', output: { result: 'conflict' } };
    return unexpected();
  }
  if (status < 200 || status >= 300) return unexpected();
  if (input.op === 'delete') return { kind: 'answered', output: { result: 'ok' } };
  const content = configMapContent(body);
  if (content === null) return unexpected();
  if (input.op === 'get') return { kind: 'answered', output: { result: 'found', value: content.value, version: content.version } };
  // A write answers with the object as stored: it must carry what was written.
  if ('value' in input && content.value !== input.value) return unexpected();
  return { kind: 'answered', output: { result: 'ok', version: content.version } };
}

function statusReason(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const o = body as { kind?: unknown; reason?: unknown };
  return o.kind === 'Status' && typeof o.reason === 'string' ? o.reason : undefined;
}

function configMapContent(body: unknown): { value: string; version: string } | null {
  if (typeof body !== 'object' || body === null) return null;
  const o = body as { metadata?: { resourceVersion?: unknown }; data?: { v?: unknown } };
  const version = o.metadata?.resourceVersion;
  const value = o.data?.v;
  return typeof version === 'string' && typeof value === 'string' ? { value, version } : null;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('Cannot pick from an empty list');
  return item;
}
