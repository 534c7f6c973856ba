/**
 * Air-gapped images: every `docker save` tarball dropped in `<data-dir>/agent/images/`
 * is loaded at agent start, so pods can use images no registry serves.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../util/log.ts';
import { readImageArchive } from './image-archive.ts';
import type { ContainerRuntime } from './runtime/types.ts';

/**
 * Loads each *.tar / *.tar.gz in `dir` whose images Docker does not have yet (so a restart
 * does not load them all again); a bad file is logged and skipped, the rest still load.
 */
export async function importImageDirectory(runtime: ContainerRuntime, dir: string, log: Logger): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const loaded: string[] = [];
  for (const file of (await readdir(dir)).sort()) {
    if (!/\.tar(\.gz)?$/.test(file)) continue;
    try {
      const archive = await readImageArchive(join(dir, file));
      const wanted = archive.images.flatMap((i) => i.tags).filter((t) => t !== '<untagged>');
      const present = await Promise.all(wanted.map((tag) => runtime.imagePresent(tag)));
      if (wanted.length > 0 && present.every(Boolean)) continue;
      const tags = await runtime.importImageTar(join(dir, file));
      loaded.push(...tags);
      log.info('imported images', { file, images: tags.join(',') });
    } catch (error) {
      log.warn('image import failed', { file, error });
    }
  }
  return loaded;
}
