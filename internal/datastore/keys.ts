/** Key encoding: keys are strings stored as UTF-8 bytes, so ranges compare like etcd's. */

const decoder = new TextDecoder();

export function encodeKey(key: string): Buffer {
  // The same bytes as TextEncoder (lone surrogates become U+FFFD), about four times faster.
  return Buffer.from(key, 'utf8');
}

export function decodeKey(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * The smallest byte string greater than every key with this prefix, or null when
 * there is none (an empty prefix, or one of all 0xff bytes): the range is unbounded.
 */
export function prefixEnd(prefix: Uint8Array): Buffer | null {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] !== 0xff) {
      end[i] = (end[i] ?? 0) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return null;
}

/** The [start, end) byte range of a prefix (end null: unbounded). */
export function prefixRange(prefix: string): { start: Buffer; end: Buffer | null } {
  const start = encodeKey(prefix);
  return { start, end: prefixEnd(start) };
}
