/** The client side of the peer port: one POST to another member over mutual TLS. */
import type { OutgoingHttpHeaders } from 'node:http';
import { type Agent, request } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MESSAGES_PATH, SNAPSHOT_MESSAGE_HEADER, SNAPSHOT_PATH } from './protocol.ts';

/** A peer answered with an error status, or the request failed on the way. */
export class PeerRequestError extends Error {
  /** The HTTP status, or 0 when no answer came. */
  readonly status: number;
  constructor(message: string, status: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PeerRequestError';
    this.status = status;
  }
}

export interface PeerRequestOptions {
  agent: Agent;
  /** The peer's base URL, e.g. https://10.0.0.2:6444. */
  url: URL;
  /** The request fails after this long without any socket activity. */
  idleTimeoutMs: number;
  signal: AbortSignal;
}

/** Posts one message batch body; resolves once the peer accepted it (2xx). */
export async function postMessages(options: PeerRequestOptions, body: Buffer): Promise<void> {
  const headers = { 'content-type': 'application/octet-stream', 'content-length': body.byteLength };
  try {
    return await post(options, MESSAGES_PATH, headers, (req) => req.end(body));
  } catch (error) {
    // A kept-alive socket the peer closed just as it was reused: the body never arrived,
    // so one retry on a fresh connection is safe and saves a spurious "unreachable".
    if (error instanceof ReusedSocketReset) return post(options, MESSAGES_PATH, headers, (req) => req.end(body));
    throw error;
  }
}

/** Streams `data` as a snapshot body after `header`; resolves once the peer saved it (2xx). */
export async function postSnapshot(options: PeerRequestOptions, header: string, data: Readable): Promise<void> {
  const headers = { 'content-type': 'application/octet-stream', [SNAPSHOT_MESSAGE_HEADER]: header };
  try {
    await post(options, SNAPSHOT_PATH, headers, (req) => {
      // On a failure of the source the request is destroyed, so the peer sees a cut
      // connection rather than a complete, shorter body.
      pipeline(data, req).catch((error: unknown) => req.destroy(error instanceof Error ? error : new Error(String(error))));
    });
  } finally {
    data.destroy();
  }
}

class ReusedSocketReset extends PeerRequestError {}

function post(
  options: PeerRequestOptions,
  path: string,
  headers: OutgoingHttpHeaders,
  write: (req: ReturnType<typeof request>) => void,
): Promise<void> {
  const { url } = options;
  const target = `${url.origin}${path}`;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      if (error === undefined) resolve();
      else reject(error);
    };
    const req = request({
      agent: options.agent,
      protocol: 'https:',
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? 443 : Number(url.port),
      method: 'POST',
      path,
      headers,
      signal: options.signal,
    });
    req.setTimeout(options.idleTimeoutMs, () => {
      req.destroy(new PeerRequestError(`POST ${target}: no progress for ${options.idleTimeoutMs} ms`, 0));
    });
    req.once('error', (error: NodeJS.ErrnoException) => {
      const message = `POST ${target} failed: ${error.message}`;
      if (error.code === 'ECONNRESET' && req.reusedSocket) settle(new ReusedSocketReset(message, 0, { cause: error }));
      else settle(error instanceof PeerRequestError ? error : new PeerRequestError(message, 0, { cause: error }));
    });
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      // Keep the start of a refusal for the error: the peer's text says why.
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (!ok && text.length < 1024) text += chunk;
      });
      res.once('end', () => {
        if (ok) return settle();
        settle(new PeerRequestError(`POST ${target} answered ${status}: ${text.slice(0, 1024).trim()}`, status));
        // A refused snapshot may still be uploading; there is no point in finishing it.
        req.destroy();
      });
      res.once('close', () => settle(new PeerRequestError(`POST ${target}: the connection closed before the answer ended`, 0)));
    });
    write(req);
  });
}
