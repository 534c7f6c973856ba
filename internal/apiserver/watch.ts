/**
 * Watch responses: a stream of `{"type":…,"object":…}` lines. At resourceVersion 0
 * (or none) it starts with ADDED events for the current state; otherwise it starts
 * after the given version; 410 Expired (as an ERROR event) when that was compacted.
 * Headers go out at once, bookmarks carry the current revision, timeoutSeconds ends it.
 */
import { apiVersionOf } from '../api/resources.ts';
import type { Backend } from '../datastore/types.ts';
import type { KubeObject } from './objects.ts';
import { parseResourceVersion, type ResourceStorage } from './rest.ts';
import { toStatus } from './status.ts';

export interface WatchRequest {
  namespace: string | null;
  resourceVersion: string | undefined;
  labelSelector: (labels: Record<string, string>) => boolean;
  fieldSelector: (object: KubeObject) => boolean;
  allowBookmarks: boolean;
  timeoutSeconds: number;
  /** How each event's object is sent (a one-row Table for kubectl get -w). */
  encode: (object: KubeObject) => object;
}

const bookmarkIntervalMs = 60_000;

export function serveWatch(storage: ResourceStorage, store: Backend, request: WatchRequest): Response {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  const matches = (object: KubeObject): boolean =>
    request.labelSelector(object.metadata.labels ?? {}) && request.fieldSelector(object);
  const line = (event: object): Uint8Array => encoder.encode(`${JSON.stringify(event)}\n`);

  const body = new ReadableStream<Uint8Array>({
    start: async (controller) => {
      const timers: NodeJS.Timeout[] = [];
      const finish = (): void => {
        for (const timer of timers) clearTimeout(timer);
        abort.abort();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      if (request.timeoutSeconds > 0) timers.push(setTimeout(finish, request.timeoutSeconds * 1000));
      try {
        let start: number;
        const rv = request.resourceVersion;
        if (rv === undefined || rv === '' || rv === '0') {
          const list = await storage.list({ namespace: request.namespace, labelSelector: request.labelSelector, fieldSelector: request.fieldSelector });
          for (const item of list.items) controller.enqueue(line({ type: 'ADDED', object: request.encode(item) }));
          start = Number(list.metadata.resourceVersion) + 1;
        } else {
          start = parseResourceVersion(rv) + 1;
        }
        if (request.allowBookmarks) {
          const bookmark = async (): Promise<void> => {
            const revision = await store.currentRevision();
            controller.enqueue(line({ type: 'BOOKMARK', object: { kind: storage.type.kind, apiVersion: apiVersionOf(storage.type), metadata: { resourceVersion: String(revision) } } }));
          };
          const interval = setInterval(() => void bookmark().catch(finish), bookmarkIntervalMs);
          timers.push(interval);
        }
        const watcher = store.watch({ key: storage.watchPrefix(request.namespace), prefix: true, startRevision: start, signal: abort.signal });
        for await (const events of watcher) {
          for (const event of events) {
            const converted = storage.watchEvent(event);
            if (matches(converted.object)) controller.enqueue(line({ type: converted.type, object: request.encode(converted.object) }));
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) {
          // A compacted start revision becomes 410 Expired here, as kubectl expects.
          controller.enqueue(line({ type: 'ERROR', object: toStatus(error) }));
        }
      }
      finish();
    },
    cancel: () => abort.abort(),
  });

  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' },
  });
}
