/**
 * Raw HTTPS requests for end-to-end tests that must send what no client library would:
 * any method, an unnormalised path, any headers and body bytes, and no credentials at all.
 */
import { Agent, request, type AgentOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

/** Trust and (optionally) a client identity for the connection. */
export interface TlsIdentity {
  ca: string;
  cert?: string;
  key?: string;
}

export interface RawRequest {
  method: string;
  /** Sent as is (node refuses only spaces and control characters). */
  path: string;
  /** A `transfer-encoding` header sends the body chunked, without a length. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The response had not ended after the wait (a stream) and was cut off. */
  cutOff: boolean;
}

/** A keep-alive agent for many requests with one identity; destroy it when done. */
export function rawAgent(identity: TlsIdentity, options: AgentOptions = {}): Agent {
  return new Agent({ keepAlive: true, maxSockets: 16, ...identity, ...options });
}

/**
 * Sends one request and collects the response. A response still open after `waitMs` (a
 * watch) is cut off and returned with what arrived so far, so a bounded test never hangs.
 */
export function rawRequest(baseUrl: string, agent: Agent, req: RawRequest, waitMs = 10_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    const chunked = headers['transfer-encoding'] !== undefined;
    if (req.body !== undefined && !chunked && headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const outgoing = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent });
    const timer = setTimeout(() => outgoing.destroy(new Error(`no response to ${req.method} ${req.path} within ${waitMs} ms`)), waitMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      let done = false;
      const finish = (cutOff: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), cutOff });
      };
      // Once headers are in, a stream that stays open is cut off instead of failing.
      clearTimeout(timer);
      const streamTimer = setTimeout(() => {
        finish(true);
        response.destroy();
      }, waitMs);
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(streamTimer);
        finish(false);
      });
      response.on('error', () => {
        clearTimeout(streamTimer);
        finish(true);
      });
    });
    // A chunked body goes out in pieces, so the server cannot know its size up front.
    if (chunked && req.body !== undefined) {
      const bytes = Buffer.from(req.body);
      for (let at = 0; at < bytes.length; at += 256 * 1024) outgoing.write(bytes.subarray(at, at + 256 * 1024));
      outgoing.end();
    } else outgoing.end(req.body);
  });
}

/** The body parsed as JSON, or undefined when it is not JSON. */
export function jsonBody(response: RawResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
