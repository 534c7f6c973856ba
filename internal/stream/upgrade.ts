/**
 * Routing of HTTP upgrade requests (the server's `upgrade` event) to the pod streaming
 * subresources: `exec`, `attach` and `portforward`. Anything else, or a subresource with
 * no backend, is answered with an HTTP Status instead of a protocol switch.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from '../apiserver/status.ts';
import { serveExecWebSocket, type ExecOptions, type ExecSession } from './exec.ts';
import { servePortForward } from './port-forward.ts';
import { rejectUpgrade } from './reject.ts';

export type PodSubresource = 'exec' | 'attach' | 'portforward';

export interface PodTarget {
  namespace: string;
  name: string;
}

export interface UpgradeBackends {
  /** Runs first; throw (ideally an ApiError) to refuse: unauthenticated, forbidden, pod missing or not running. */
  admit?(req: IncomingMessage, pod: PodTarget, subresource: PodSubresource): Promise<void> | void;
  /** Starts a process in the pod for `exec`. */
  exec?(pod: PodTarget, options: ExecOptions, req: IncomingMessage): Promise<ExecSession> | ExecSession;
  /** Attaches to the container's main process for `attach` (`options.command` is empty). */
  attach?(pod: PodTarget, options: ExecOptions, req: IncomingMessage): Promise<ExecSession> | ExecSession;
  /** Opens a connection to `port` in the pod for `portforward`. */
  portForward?(pod: PodTarget, port: number, req: IncomingMessage): Promise<Duplex>;
}

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

const POD_STREAM_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

/** Parses a pod streaming path; null for any other path. */
export function podStreamRoute(url: string): { pod: PodTarget; subresource: PodSubresource } | null {
  const path = new URL(url, 'https://localhost').pathname;
  const match = POD_STREAM_PATH.exec(path);
  if (match === null) return null;
  const [, namespace = '', name = '', subresource = ''] = match;
  try {
    return { pod: { namespace: decodeURIComponent(namespace), name: decodeURIComponent(name) }, subresource: subresource as PodSubresource };
  } catch {
    return null;
  }
}

/** A listener for `server.on('upgrade', …)` serving the pod streaming subresources through `backends`. */
export function createUpgradeHandler(backends: UpgradeBackends): UpgradeListener {
  return (req, socket, head) => {
    // A client vanishing mid-stream must not take the process down.
    socket.on('error', () => socket.destroy());
    const route = podStreamRoute(req.url ?? '/');
    if (route === null) return rejectUpgrade(socket, new ApiError(404, 'NotFound', `Cannot upgrade ${req.url ?? ''} as it is not a pod streaming endpoint`));
    const { pod, subresource } = route;
    const unavailable = () =>
      new ApiError(503, 'ServiceUnavailable', `Cannot ${subresource} pod ${pod.namespace}/${pod.name} as no node agent serves it`);
    void (async () => {
      try {
        await backends.admit?.(req, pod, subresource);
      } catch (error) {
        return rejectUpgrade(socket, error);
      }
      if (subresource === 'portforward') {
        const dial = backends.portForward;
        if (dial === undefined) return rejectUpgrade(socket, unavailable());
        return servePortForward(req, socket, head, (port) => dial(pod, port, req));
      }
      const open = subresource === 'exec' ? backends.exec : backends.attach;
      if (open === undefined) return rejectUpgrade(socket, unavailable());
      serveExecWebSocket(req, socket, head, (options) => open(pod, options, req), subresource === 'exec');
    })();
  };
}
