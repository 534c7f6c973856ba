/**
 * `kubectl exec` / `attach` over WebSocket with the Kubernetes channel subprotocols: every
 * binary message starts with a channel byte (0 stdin, 1 stdout, 2 stderr, 3 status,
 * 4 resize, 255 close); the process outcome is a Status JSON on channel 3.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable, Writable } from 'node:stream';
import { badRequest } from '../apiserver/status.ts';
import { rejectUpgrade, unsupportedUpgrade } from './reject.ts';
import { isWebSocketUpgrade, offeredSubprotocols, WebSocketConnection } from './websocket.ts';

/** Protocols served, best first: v5 adds the close channel so stdin can end without closing the connection. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

const CHANNEL_STDIN = 0;
const CHANNEL_STDOUT = 1;
const CHANNEL_STDERR = 2;
const CHANNEL_STATUS = 3;
const CHANNEL_RESIZE = 4;
const CHANNEL_CLOSE = 255;

/** What the client asked for, from the exec/attach query string. */
export interface ExecOptions {
  /** Empty for attach. */
  command: string[];
  /** Empty when the client named none (the pod's only container is meant). */
  container: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** A running process as the streaming layer sees it. */
export interface ExecSession {
  /** Receives the client's stdin; ended when the client closes stdin. */
  stdin?: Writable;
  stdout: Readable;
  /** Absent with a TTY, where stderr is merged into stdout. */
  stderr?: Readable;
  /** The client's terminal changed size. */
  resize?(cols: number, rows: number): void;
  /** Settles when the process exited. Output streams are drained before the status is sent. */
  done: Promise<{ exitCode: number }>;
  /** The client went away before the process ended; release what the session holds. */
  close?(): void;
}

/** Starts the process for `options`; a rejection is reported to the client as a Failure status. */
export type OpenExecSession = (options: ExecOptions) => Promise<ExecSession> | ExecSession;

/** Reads the exec/attach query (`command` repeated, `container`, `stdin`, `stdout`, `stderr`, `tty`). */
export function parseExecOptions(url: URL): ExecOptions {
  const flag = (name: string) => {
    const value = url.searchParams.get(name);
    return value === 'true' || value === '1';
  };
  return {
    command: url.searchParams.getAll('command'),
    container: url.searchParams.get('container') ?? '',
    stdin: flag('stdin'),
    stdout: flag('stdout'),
    stderr: flag('stderr'),
    tty: flag('tty'),
  };
}

/** The channel-3 Status for a finished process; non-zero codes carry the code as kubectl expects. */
export function exitStatus(exitCode: number, command: readonly string[]): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The channel-3 Status for a session that could not run. */
function failureStatus(error: unknown): object {
  const message = error instanceof Error ? error.message : String(error);
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

/**
 * Serves one exec/attach upgrade: refuses bad requests with an HTTP Status, otherwise
 * completes the WebSocket handshake, opens the session and relays channels until it ends.
 */
export function serveExecWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, open: OpenExecSession, requireCommand = true): void {
  const offered = offeredSubprotocols(req);
  const protocol = EXEC_PROTOCOLS.find((p) => offered.includes(p));
  if (!isWebSocketUpgrade(req) || protocol === undefined) return rejectUpgrade(socket, unsupportedUpgrade('exec', offered));
  const options = parseExecOptions(new URL(req.url ?? '/', 'https://localhost'));
  if (!options.stdin && !options.stdout && !options.stderr) {
    return rejectUpgrade(socket, badRequest('you must specify at least 1 of stdin, stdout, stderr'));
  }
  if (requireCommand && options.command.length === 0) return rejectUpgrade(socket, badRequest('you must specify at least one command for the container'));

  let session: ExecSession | undefined;
  let finished = false;
  // Clients send stdin (and a resize) at once; what arrives while the process starts waits here.
  let early: Buffer[] | undefined = [];
  const deliver = (data: Buffer) => {
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === CHANNEL_STDIN) session?.stdin?.write(payload);
    else if (channel === CHANNEL_CLOSE && payload[0] === CHANNEL_STDIN) session?.stdin?.end();
    else if (channel === CHANNEL_RESIZE) resize(session, payload);
  };
  const ws = new WebSocketConnection(req, socket, head, protocol, {
    message: (data) => {
      if (early !== undefined) early.push(Buffer.from(data));
      else deliver(data);
    },
    closed: () => {
      if (finished) return;
      finished = true;
      session?.stdin?.end();
      session?.close?.();
    },
  });
  const send = (channel: number, chunk: Uint8Array) => ws.send(Buffer.concat([Buffer.from([channel]), chunk]));
  const finish = (status: object) => {
    if (finished) return;
    finished = true;
    send(CHANNEL_STATUS, Buffer.from(JSON.stringify(status)));
    ws.close(1000);
  };

  void (async () => {
    try {
      session = await open(options);
      // A client that disconnected while the process was starting still needs it released.
      if (finished) return session.close?.();
      for (const data of early ?? []) deliver(data);
      early = undefined;
      const drained = [relay(session.stdout, CHANNEL_STDOUT, send)];
      if (session.stderr !== undefined) drained.push(relay(session.stderr, CHANNEL_STDERR, send));
      const { exitCode } = await session.done;
      await Promise.all(drained);
      finish(exitStatus(exitCode, options.command));
    } catch (error) {
      finish(failureStatus(error));
    }
  })();
}

/** Copies `stream` onto `channel`; resolves once it ended or failed. */
function relay(stream: Readable, channel: number, send: (channel: number, chunk: Uint8Array) => void): Promise<void> {
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer | string) => send(channel, typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

/** Applies a `{"Width":..,"Height":..}` resize message; malformed ones are ignored as the kubelet does. */
function resize(session: ExecSession | undefined, payload: Buffer): void {
  if (session?.resize === undefined) return;
  try {
    const size: unknown = JSON.parse(payload.toString('utf8'));
    if (typeof size !== 'object' || size === null) return;
    const { Width: width, Height: height } = size as { Width?: unknown; Height?: unknown };
    if (typeof width === 'number' && typeof height === 'number') session.resize(width, height);
  } catch {
    // A bad resize message must not end the session.
  }
}
