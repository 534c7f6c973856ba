/**
 * Response bodies of the REST verbs: plain JSON, or a meta.k8s.io Table when the
 * client's Accept asks for one (kubectl get), also for each watch event.
 */
import type { Context } from 'hono';
import type { ResourceType } from '../api/resources.ts';
import type { KubeObject } from './objects.ts';
import type { ObjectList } from './rest.ts';
import { includeObjectPolicy, parseTableAccept, tableRowForWatch, toTable } from './table/index.ts';

export interface Responder {
  object(object: KubeObject, code?: 200 | 201 | 202): Response;
  list(list: ObjectList): Response;
  /** A body that is never turned into a Table (Scale, Binding results). */
  plain(body: object, code?: 200 | 201): Response;
  status(details: { name: string; kind: string }, code: 200 | 201): Response;
  success(details: { name: string; group: string; kind: string; uid: string }): Response;
  /** The object of a watch event as this client wants it. */
  watchObject(object: KubeObject): object;
}

const plainJson: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json' });

export function respond(c: Context, type: ResourceType, now: () => number, warnings: readonly string[] = []): Responder {
  const table = parseTableAccept(c.req.header('accept'));
  const includeObject = includeObjectPolicy(c.req.query('includeObject'));
  let firstEvent = true;
  const json = (body: object, code: number): Response => {
    // A plain header record is written as it is by the HTTP adapter; a Headers object is copied first.
    if (warnings.length === 0) return new Response(JSON.stringify(body), { status: code, headers: plainJson });
    const headers = new Headers(plainJson);
    // Warning headers as RFC 7234 and Kubernetes send them: code 299, agent "-".
    for (const warning of warnings.slice(0, 20)) headers.append('warning', `299 - ${JSON.stringify(warning.replace(/[^\x20-\x7e]/g, '?'))}`);
    return new Response(JSON.stringify(body), { status: code, headers });
  };
  return {
    object: (object, code = 200) => json(table ? toTable(type, [object], { now: now(), includeObject }) : object, code),
    list: (list) =>
      json(table ? toTable(type, list.items, { now: now(), includeObject, listMeta: list.metadata }) : list, 200),
    plain: (body, code = 200) => json(body, code),
    status: (details, code) => json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code }, code),
    success: (details) => json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details }, 200),
    watchObject: (object) => {
      if (!table) return object;
      const row = tableRowForWatch(type, object, { now: now(), includeObject, includeColumns: firstEvent });
      firstEvent = false;
      return row;
    },
  };
}
