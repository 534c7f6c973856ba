/** What a `docker save` tarball holds, read from its manifest.json before loading it. */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

export class ImageArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageArchiveError';
  }
}

export interface ImageArchive {
  /** Tags of the images in the archive ("<untagged>" for an image without one). */
  images: Array<{ tags: string[]; layers: number }>;
  sizeBytes: number;
}

/** Reads the archive's manifest; a file that is no `docker save` tarball is an ImageArchiveError. */
export async function readImageArchive(path: string): Promise<ImageArchive> {
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(path)).size;
  } catch (error) {
    throw new ImageArchiveError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const gzipped = await startsWithGzipMagic(path);
  const manifest = await new Promise<string | null>((resolve, reject) => {
    const tar = extract();
    let found: string | null = null;
    tar.on('entry', (header, stream, next) => {
      if (header.name === 'manifest.json' || header.name === './manifest.json') {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: unknown) => chunks.push(Buffer.from(chunk as Uint8Array)));
        stream.on('end', () => {
          found = Buffer.concat(chunks).toString('utf8');
          next();
        });
      } else {
        stream.on('end', () => next());
        stream.resume();
      }
    });
    tar.on('finish', () => resolve(found));
    tar.on('error', (error: Error) => reject(new ImageArchiveError(`Cannot import ${path} as it is not a tar archive: ${error.message}`)));
    const file = createReadStream(path).on('error', reject);
    // `docker save | gzip` archives are read as they are loaded: through gunzip.
    (gzipped ? file.pipe(createGunzip()).on('error', reject) : file).pipe(tar);
  });
  if (manifest === null) throw new ImageArchiveError(`Cannot import ${path} as it has no manifest.json: make it with 'docker save IMAGE -o FILE.tar'`);
  let entries: unknown;
  try {
    entries = JSON.parse(manifest);
  } catch {
    throw new ImageArchiveError(`Cannot import ${path} as its manifest.json is not JSON`);
  }
  if (!Array.isArray(entries)) throw new ImageArchiveError(`Cannot import ${path} as its manifest.json is not a list of images`);
  const images = entries.map((entry: { RepoTags?: unknown; Layers?: unknown }) => ({
    tags: Array.isArray(entry.RepoTags) && entry.RepoTags.length > 0 ? entry.RepoTags.map(String) : ['<untagged>'],
    layers: Array.isArray(entry.Layers) ? entry.Layers.length : 0,
  }));
  return { images, sizeBytes };
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
