/**
 * The data of a normal Raft entry: one datastore command and the id of the request that
 * proposed it, so the member that proposed it can hand the outcome of applying it back to
 * its caller. JSON, with byte values as text when they are UTF-8 (`{"$t": "..."}`) and
 * base64 otherwise (`{"$b": "..."}`): a log that outlives upgrades should be readable
 * without the program that wrote it.
 */
import type { Command } from '../command.ts';

export interface ProposedCommand {
  /** Unique per proposal across restarts and members ('' for none). */
  id: string;
  command: Command;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const strictText = new TextDecoder('utf-8', { fatal: true });

/** Bytes as `{"$t": text}` when they are UTF-8 (object values: JSON), else `{"$b": base64}`. */
function bytesValue(value: Uint8Array): { $t: string } | { $b: string } {
  try {
    return { $t: strictText.decode(value) };
  } catch {
    return { $b: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
}

export function encodeCommand(proposal: ProposedCommand): Uint8Array {
  return encoder.encode(JSON.stringify(proposal, (_key, value: unknown) => (value instanceof Uint8Array ? bytesValue(value) : value)));
}

export function decodeCommand(data: Uint8Array): ProposedCommand {
  const value = JSON.parse(decoder.decode(data), (_key, item: unknown) => {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      if (Object.keys(item).length === 1) {
        const { $b, $t } = item as { $b?: unknown; $t?: unknown };
        if (typeof $t === 'string') return encoder.encode($t);
        if (typeof $b === 'string') return new Uint8Array(Buffer.from($b, 'base64'));
      }
    }
    return item;
  }) as ProposedCommand;
  if (typeof value !== 'object' || value === null || typeof value.id !== 'string' || typeof value.command?.type !== 'string') {
    throw new Error(`Cannot decode a Raft entry as a datastore command: ${decoder.decode(data.subarray(0, 80))}`);
  }
  return value;
}

const idPrefix = '{"id":"';

/** The proposal id of encoded entry data, read without decoding the rest ('' for none). */
export function peekCommandId(data: Uint8Array): string {
  const head = decoder.decode(data.subarray(0, 160));
  if (!head.startsWith(idPrefix)) return '';
  const end = head.indexOf('"', idPrefix.length);
  return end < 0 ? '' : head.slice(idPrefix.length, end);
}
