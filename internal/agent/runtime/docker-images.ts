/** Image pull, load and listing against the Docker daemon. */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { RuntimeError, fromEngine } from './errors.ts';
import type { ImageInfo, RegistryAuth } from './types.ts';

interface ProgressEvent {
  status?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** True when the daemon has `ref` locally. */
export async function imagePresent(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw fromEngine(error, `inspect image ${ref}`);
  }
}

/**
 * Pulls `ref`. A registry that sends nothing for `stallMs` fails the pull, so an unreachable
 * registry costs at most that long whatever the daemon's own (minutes-long) timeouts are.
 */
export async function pullImage(
  docker: Docker, ref: string, auth: RegistryAuth | undefined, stallMs: number, signal?: AbortSignal,
): Promise<void> {
  const stall = new AbortController();
  let timer = setTimeout(() => stall.abort(), stallMs);
  const bump = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), stallMs);
  };
  const abort = signal ? AbortSignal.any([signal, stall.signal]) : stall.signal;
  const what = `pull image ${ref}`;
  try {
    const stream = await docker.createImage(registryAuth(auth), { fromImage: withTag(ref), abortSignal: abort });
    abort.addEventListener('abort', () => stream.destroy(new Error('aborted')), { once: true });
    const events = await readProgress(stream, bump);
    const failed = events.find((e) => e.error);
    if (failed) throw new RuntimeError('PullFailed', `Cannot ${what}: ${failed.error}`);
  } catch (error) {
    if (signal?.aborted) throw new RuntimeError('Aborted', `Cannot ${what}: aborted`, { cause: error });
    if (stall.signal.aborted) {
      throw new RuntimeError('PullFailed', `Cannot ${what}: no response from the registry within ${stallMs} ms`, { cause: error });
    }
    if (error instanceof RuntimeError) throw error;
    const engine = fromEngine(error, what);
    throw new RuntimeError(engine.code === 'Unavailable' ? 'Unavailable' : 'PullFailed', engine.message, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Loads a `docker save` tarball and returns the references (or ids) it brought. */
export async function loadImageTar(docker: Docker, path: string, signal?: AbortSignal): Promise<string[]> {
  const what = `load images from ${path}`;
  try {
    const file = createReadStream(path);
    const opened = new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', reject);
    });
    await opened;
    const stream = await docker.loadImage(file, { quiet: true, abortSignal: signal });
    const events = await readProgress(stream, () => {});
    const failed = events.find((e) => e.error);
    if (failed) throw new RuntimeError('InvalidArgument', `Cannot ${what}: ${failed.error}`);
    return events.flatMap((e) => {
      const match = /^Loaded image(?: ID)?: (\S+)/.exec(e.stream ?? '');
      return match?.[1] ? [match[1]] : [];
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new RuntimeError('NotFound', `Cannot ${what}: no such file`, { cause: error });
    }
    throw fromEngine(error, what);
  }
}

/** Every image the daemon holds. */
export async function listImages(docker: Docker): Promise<ImageInfo[]> {
  try {
    const images = await docker.listImages();
    return images.map((i) => ({ id: i.Id, tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), sizeBytes: i.Size }));
  } catch (error) {
    throw fromEngine(error, 'list images');
  }
}

/** Without a tag or digest the daemon would pull every tag of the repository. */
export function withTag(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? ref : `${ref}:latest`;
}

function registryAuth(auth: RegistryAuth | undefined): Record<string, string> | undefined {
  if (!auth) return undefined;
  const out: Record<string, string> = {};
  if (auth.username !== undefined) out.username = auth.username;
  if (auth.password !== undefined) out.password = auth.password;
  if (auth.serverAddress !== undefined) out.serveraddress = auth.serverAddress;
  if (auth.identityToken !== undefined) out.identitytoken = auth.identityToken;
  return out;
}

/** Reads a newline-delimited JSON progress stream to its end. */
async function readProgress(stream: Readable, onEvent: (event: ProgressEvent) => void): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = [];
  let pending = '';
  const take = (line: string) => {
    if (!line.trim()) return;
    const event = JSON.parse(line) as ProgressEvent;
    events.push(event);
    onEvent(event);
  };
  for await (const chunk of stream) {
    pending += String(chunk);
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      take(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  }
  take(pending);
  return events;
}
