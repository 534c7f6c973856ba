/** What `skiff image import` and `skiff image ls` do, against this machine's Docker. */
import { readImageArchive } from '../../agent/image-archive.ts';
import { localPauseImage } from '../../agent/pause-image.ts';
import { DockerRuntime } from '../../agent/runtime/docker.ts';
import { alignCells } from '../../kubectl/table.ts';
import type { Invocation } from '../command.ts';
import type { imageFlags } from './image.ts';

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export async function importImagesAction({ args, io }: Invocation<typeof imageFlags>): Promise<number> {
  const runtime = new DockerRuntime({ pauseImage: localPauseImage });
  for (const [index, file] of args.entries()) {
    const archive = await readImageArchive(file);
    const tags = archive.images.flatMap((i) => i.tags);
    io.stdout(`[${index + 1}/${args.length}] ${file}: ${archive.images.length} image(s), ${mib(archive.sizeBytes)}: ${tags.join(', ')}\n`);
    const started = Date.now();
    const loaded = await runtime.importImageTar(file);
    io.stdout(`[${index + 1}/${args.length}] loaded ${loaded.join(', ') || tags.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return 0;
}

export async function listImagesAction({ io }: Invocation<typeof imageFlags>): Promise<number> {
  const runtime = new DockerRuntime({ pauseImage: localPauseImage });
  const images = await runtime.listImages();
  const rows = [['IMAGE', 'ID', 'SIZE'], ...images.flatMap((i) => (i.tags.length > 0 ? i.tags : ['<none>']).map((tag) => [tag, i.id.replace(/^sha256:/, '').slice(0, 12), mib(i.sizeBytes)]))];
  io.stdout(alignCells(rows));
  return 0;
}
