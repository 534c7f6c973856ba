/**
 * The image every pod sandbox runs: it only holds the pod's network namespace. With no
 * registry in reach (the usual edge case), it is built locally from the host's static
 * busybox (Debian's busybox-static, which setup installs); otherwise the upstream pause
 * image is pulled.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import type { ContainerRuntime } from './runtime/types.ts';
import Docker from 'dockerode';

export const localPauseImage = 'skiff/pause:1';
export const upstreamPauseImage = 'registry.k8s.io/pause:3.10';
const busybox = '/bin/busybox';

/** Sleeps until told to stop, and stops at once on SIGTERM. */
export const localPauseCommand = ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'];

export interface PauseImage {
  image: string;
  command?: string[];
}

/** Makes sure a pause image is present and says how to run it. */
export async function ensurePauseImage(runtime: ContainerRuntime, socketPath: string): Promise<PauseImage> {
  if (await runtime.imagePresent(localPauseImage)) return { image: localPauseImage, command: localPauseCommand };
  if (existsSync(busybox)) {
    const docker = new Docker({ socketPath });
    const [repo, tag] = localPauseImage.split(':');
    const progress = await docker.importImage(rootfs(), { repo, tag, changes: [`CMD ${JSON.stringify(localPauseCommand)}`] });
    const output = (await progress.toArray()).map(String).join('');
    const failed = output.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { error?: string }).find((e) => e.error);
    if (failed?.error !== undefined) throw new Error(`Cannot build the pause image from ${busybox}: ${failed.error}`);
    return { image: localPauseImage, command: localPauseCommand };
  }
  if (!(await runtime.imagePresent(upstreamPauseImage))) await runtime.pullImage(upstreamPauseImage);
  return { image: upstreamPauseImage };
}

function rootfs(): Readable {
  const tar = pack();
  for (const dir of ['bin', 'tmp', 'etc']) tar.entry({ name: dir, type: 'directory', mode: dir === 'tmp' ? 0o1777 : 0o755 });
  tar.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync(busybox));
  for (const applet of ['sh', 'sleep']) tar.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox' });
  tar.finalize();
  return tar as unknown as Readable;
}
