/**
 * SPDY/3 header compression: one zlib context per direction for the whole connection,
 * primed with the SPDY dictionary; each header block ends with a sync flush so the peer
 * can decode it without waiting for later blocks. Calls must not overlap: the session
 * serialises them, since both contexts carry state from block to block.
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY_DICTIONARY } from './spdy-dictionary.ts';

/** Runs `input` through a long-lived zlib stream and returns what one sync flush yields. */
function flushThrough(stream: Deflate | Inflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const onData = (chunk: Buffer) => out.push(chunk);
    const onError = (error: Error) => {
      stream.off('data', onData);
      reject(error);
    };
    stream.on('data', onData);
    stream.once('error', onError);
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      stream.off('error', onError);
      resolve(Buffer.concat(out));
    });
  });
}

/** Compresses outgoing header blocks. */
export class HeaderCompressor {
  readonly #deflate = createDeflate({ dictionary: SPDY_DICTIONARY });
  compress(block: Buffer): Promise<Buffer> {
    return flushThrough(this.#deflate, block);
  }
  close(): void {
    this.#deflate.destroy();
  }
}

/** Decompresses incoming header blocks. */
export class HeaderDecompressor {
  readonly #inflate = createInflate({ dictionary: SPDY_DICTIONARY });
  decompress(block: Buffer): Promise<Buffer> {
    return flushThrough(this.#inflate, block);
  }
  close(): void {
    this.#inflate.destroy();
  }
}
