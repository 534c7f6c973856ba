/**
 * Runs a probe or lifecycle hook action (exec, httpGet, tcpSocket, sleep) against a container.
 * HTTP and TCP go from the agent's own network namespace to the pod IP, which the node can
 * reach because pods sit on a local bridge.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { sleep, type Clock } from '../../client/clock.ts';
import type { ContainerRuntime } from '../runtime/types.ts';
import type { ContainerPort, Handler } from './pod-types.ts';

export interface HandlerTarget {
  runtime: ContainerRuntime;
  containerId: string;
  podIP: string | undefined;
  ports: ContainerPort[] | undefined;
  clock: Clock;
}

/** Outcome of one run: ok, and on failure what went wrong. */
export interface HandlerResult {
  ok: boolean;
  message: string;
}

/** Runs the action, failing it when it takes longer than `timeoutMs`. Never rejects. */
export async function runHandler(handler: Handler, target: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
  const abort = new AbortController();
  const timedOut = sleep(target.clock, timeoutMs, abort.signal).then((elapsed): HandlerResult => {
    if (elapsed) abort.abort();
    return { ok: false, message: `timed out after ${timeoutMs / 1000}s` };
  });
  try {
    return await Promise.race([attempt(handler, target, abort.signal), timedOut]);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  } finally {
    abort.abort();
  }
}

async function attempt(handler: Handler, target: HandlerTarget, signal: AbortSignal): Promise<HandlerResult> {
  if (handler.exec) {
    const session = await target.runtime.exec(target.containerId, { cmd: handler.exec.command ?? [], signal });
    const output: string[] = [];
    session.stdout.on('data', (chunk: Buffer) => output.push(String(chunk)));
    session.stderr.on('data', (chunk: Buffer) => output.push(String(chunk)));
    const code = await session.exitCode();
    const text = output.join('').slice(0, 1024);
    return code === 0 ? { ok: true, message: text } : { ok: false, message: `command exited with ${code}: ${text}`.trim() };
  }
  if (handler.httpGet) {
    const get = handler.httpGet;
    const host = get.host || target.podIP;
    if (!host) return { ok: false, message: 'the pod has no IP yet' };
    const port = resolvePort(get.port, target.ports);
    const send = get.scheme === 'HTTPS' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const header of get.httpHeaders ?? []) headers[header.name] = header.value;
    const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
    return await new Promise<HandlerResult>((resolve, reject) => {
      const req = send({ host, port, path, headers, signal, rejectUnauthorized: false }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 400
          ? { ok: true, message: `HTTP ${status}` }
          : { ok: false, message: `HTTP probe failed with statuscode: ${status}` });
      });
      req.on('error', reject);
      req.end();
    });
  }
  if (handler.tcpSocket) {
    const host = handler.tcpSocket.host || target.podIP;
    if (!host) return { ok: false, message: 'the pod has no IP yet' };
    const port = resolvePort(handler.tcpSocket.port, target.ports);
    return await new Promise<HandlerResult>((resolve, reject) => {
      const socket = connect({ host, port, signal });
      socket.on('connect', () => {
        socket.destroy();
        resolve({ ok: true, message: '' });
      });
      socket.on('error', reject);
    });
  }
  if (handler.sleep) {
    await sleep(target.clock, handler.sleep.seconds * 1000, signal);
    return { ok: true, message: '' };
  }
  return { ok: false, message: 'the action names no exec, httpGet, tcpSocket or sleep' };
}

/** A port number, or the number of the container port with that name. */
export function resolvePort(port: number | string, ports: ContainerPort[] | undefined): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = ports?.find((p) => p.name === port);
  if (!named) throw new Error(`Cannot resolve port ${JSON.stringify(port)}: the container has no port with that name`);
  return named.containerPort;
}
