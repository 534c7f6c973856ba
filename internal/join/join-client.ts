/**
 * The joining side's HTTPS calls, shared by agents and servers: first the cluster CA from
 * `/cacerts` (fetched unverified, then trusted only if it hashes to the token's CA hash),
 * then a POST checked against that CA. Failures are JoinErrors: one line for the CLI.
 */
import { request } from 'node:https';
import { caHash } from '../pki/index.ts';

export class JoinError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JoinError';
  }
}

/** The server's CA, once it matches `expectedHash` (hex sha256 from the join token). */
export async function fetchTrustedCa(server: string, expectedHash: string, timeoutMs: number): Promise<string> {
  const caPem = (await call(server, 'GET', '/cacerts', { rejectUnauthorized: false, timeoutMs })).body;
  let presented: string;
  try {
    presented = caHash(caPem);
  } catch {
    throw new JoinError(`Cannot join as ${server}/cacerts did not return a certificate: is this a skiff server?`);
  }
  if (presented !== expectedHash) {
    throw new JoinError(`Cannot join as the server's CA (sha256 ${presented}) is not the one the token names (${expectedHash}): the token is for another cluster, or something is intercepting the connection`);
  }
  return caPem;
}

/** POSTs `body` (JSON) to `path`, trusting only `caPem`; the answer's JSON on 200, else a JoinError with the server's reason. */
export async function postJoin<T>(server: string, path: string, body: unknown, caPem: string, timeoutMs: number): Promise<T> {
  const answer = await call(server, 'POST', path, { ca: caPem, body: JSON.stringify(body), timeoutMs });
  if (answer.status !== 200) throw new JoinError(`Cannot join: the server answered ${answer.status}: ${statusMessage(answer.body)}`);
  return JSON.parse(answer.body) as T;
}

function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // not a Status: show the text
  }
  return body.slice(0, 200);
}

function call(server: string, method: string, path: string, options: { ca?: string; rejectUnauthorized?: boolean; body?: string; timeoutMs: number }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server);
    const req = request(url, {
      method,
      ca: options.ca,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      headers: options.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) },
      timeout: options.timeoutMs,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new JoinError(`Cannot join as ${server} did not answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => reject(error instanceof JoinError ? error : new JoinError(`Cannot reach ${server}: ${error.message}`)));
    req.end(options.body);
  });
}
