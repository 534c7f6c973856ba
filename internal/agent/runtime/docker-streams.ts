/** Exec and logs over Docker's attach protocol, demultiplexed into plain streams. */
import { PassThrough, Writable, type Duplex, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { RuntimeError, fromEngine } from './errors.ts';
import type { AttachOptions, ExecOptions, ExecSession, LogOptions } from './types.ts';

/** Starts `options.cmd` in a running container with hijacked stdin/stdout/stderr. */
export async function startExec(docker: Docker, containerId: string, options: ExecOptions): Promise<ExecSession> {
  if (options.cmd.length === 0) throw new RuntimeError('InvalidArgument', 'Cannot exec an empty command');
  const tty = options.tty ?? false;
  const wantStdin = options.stdin ?? false;
  let exec: Docker.Exec;
  let socket: Duplex;
  try {
    exec = await docker.getContainer(containerId).exec({
      Cmd: options.cmd, AttachStdin: wantStdin, AttachStdout: true, AttachStderr: true, Tty: tty,
    });
    socket = await exec.start({ hijack: true, stdin: wantStdin, Tty: tty, abortSignal: options.signal });
  } catch (error) {
    throw fromEngine(error, `exec ${JSON.stringify(options.cmd)} in container ${containerId}`);
  }
  const ended = new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
  });
  let exit: Promise<number> | undefined;
  return {
    ...hijackedStreams(docker, socket, tty, wantStdin, options.signal),
    resize: async (cols, rows) => {
      try {
        await exec.resize({ w: cols, h: rows });
      } catch (error) {
        throw fromEngine(error, `resize exec ${exec.id} to ${cols}x${rows}`);
      }
    },
    exitCode: () => (exit ??= ended.then(() => waitExit(exec))),
  };
}

/**
 * The process's streams over a hijacked connection: stdout and stderr demultiplexed (one
 * stream with a tty), and stdin whose end half-closes the connection, so the process sees
 * end of input while its output keeps flowing back. Aborting `signal` drops the connection.
 */
function hijackedStreams(docker: Docker, socket: Duplex, tty: boolean, withStdin: boolean, signal: AbortSignal | undefined): Pick<ExecSession, 'stdin' | 'stdout' | 'stderr'> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  pipeAttach(docker, socket, tty, stdout, stderr);
  signal?.addEventListener('abort', () => socket.destroy(), { once: true });
  const stdin = withStdin
    ? new Writable({
        write: (chunk: Buffer, _encoding, callback) => socket.write(chunk, (error) => callback(error ?? null)),
        final: (callback) => {
          socket.end();
          callback();
        },
      })
    : undefined;
  return { stdin, stdout, stderr };
}

/** Attaches to the main process of a running container, as `docker attach` does. */
export async function attachContainer(docker: Docker, containerId: string, options: AttachOptions): Promise<ExecSession> {
  const container = docker.getContainer(containerId);
  let tty: boolean;
  let socket: Duplex;
  try {
    const { Config } = await container.inspect();
    tty = Config.Tty;
    socket = await container.attach({ stream: true, stdin: options.stdin ?? false, stdout: true, stderr: true, hijack: true, abortSignal: options.signal });
  } catch (error) {
    throw fromEngine(error, `attach to container ${containerId}`);
  }
  let exit: Promise<number> | undefined;
  return {
    ...hijackedStreams(docker, socket, tty, options.stdin ?? false, options.signal),
    resize: async (cols, rows) => {
      try {
        await container.resize({ w: cols, h: rows });
      } catch (error) {
        throw fromEngine(error, `resize container ${containerId} to ${cols}x${rows}`);
      }
    },
    exitCode: () =>
      (exit ??= container.wait({ abortSignal: options.signal }).then(
        (result) => result.StatusCode,
        (error: unknown) => {
          throw fromEngine(error, `wait for container ${containerId}`);
        },
      )),
  };
}

/** The exit code is recorded a moment after the streams close; poll briefly for it. */
async function waitExit(exec: Docker.Exec): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (true) {
    let info: Docker.ExecInspect;
    try {
      info = await exec.inspect();
    } catch (error) {
      throw fromEngine(error, `inspect exec ${exec.id}`);
    }
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    if (Date.now() > deadline) throw new RuntimeError('Internal', `Cannot get the exit code of exec ${exec.id}: still running after its streams closed`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Stdout and stderr of a container, interleaved as plain text. */
export async function containerLogs(docker: Docker, containerId: string, options: LogOptions): Promise<Readable> {
  const container = docker.getContainer(containerId);
  const what = `read the logs of container ${containerId}`;
  try {
    const { Config } = await container.inspect();
    const query = {
      stdout: true,
      stderr: true,
      timestamps: options.timestamps ?? false,
      tail: options.tail === undefined ? 'all' : String(options.tail),
      since: options.since ? unixTimestamp(options.since) : '0',
    };
    if (!options.follow) {
      const body = await container.logs({ ...query, follow: false, abortSignal: options.signal });
      const out = new PassThrough();
      out.end(Config.Tty ? body : demuxBuffer(body));
      return out;
    }
    const source = await container.logs({ ...query, follow: true, abortSignal: options.signal });
    const out = new PassThrough();
    pipeAttach(docker, source, Config.Tty, out, out);
    // Closing the reader (or aborting) must release the daemon's connection.
    out.once('close', () => source.destroy());
    options.signal?.addEventListener('abort', () => {
      source.destroy();
      out.end();
    }, { once: true });
    return out;
  } catch (error) {
    throw fromEngine(error, what);
  }
}

/** Copies an attach stream to stdout/stderr (demultiplexing unless tty) and ends both with it. */
function pipeAttach(docker: Docker, source: Readable, tty: boolean, stdout: PassThrough, stderr: PassThrough): void {
  if (tty) source.on('data', (chunk: Buffer) => stdout.write(chunk));
  else docker.modem.demuxStream(source, stdout, stderr);
  const finish = () => {
    if (!stdout.writableEnded) stdout.end();
    if (!stderr.writableEnded) stderr.end();
  };
  source.once('end', finish);
  source.once('close', finish);
  source.once('error', finish);
}

/** Docker's multiplexed frames (8-byte header: stream, 3 zero bytes, big-endian length) to payloads. */
export function demuxBuffer(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= body.length) {
    const length = body.readUInt32BE(offset + 4);
    parts.push(body.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts);
}

/** Docker parses "seconds.fraction" with the fraction as nanoseconds, so pad it to nine digits. */
function unixTimestamp(date: Date): string {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return `${seconds}.${String((ms - seconds * 1000) * 1_000_000).padStart(9, '0')}`;
}
