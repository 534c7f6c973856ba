/**
 * The data of a normal Raft entry: one datastore command and the id of the request that
 * proposed it, so the member that proposed it can hand the outcome of applying it back to
 * its caller. JSON, with byte values as base64 (`{"$b": "..."}`): a log that outlives
 * upgrades should be readable without the program that wrote it.
 */
import type { Command } from '../command.ts';

export interface ProposedCommand {
  /** Unique per proposal across restarts and members ('' for none). */
  id: string;
  command: Command;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCommand(proposal: ProposedCommand): Uint8Array {
  return encoder.encode(
    JSON.stringify(proposal, (_key, value: unknown) =>
      value instanceof Uint8Array ? { $b: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') } : value,
    ),
  );
}

export function decodeCommand(data: Uint8Array): ProposedCommand {
  const value = JSON.parse(decoder.decode(data), (_key, item: unknown) => {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const bytes = (item as { $b?: unknown }).$b;
      if (typeof bytes === 'string' && Object.keys(item).length === 1) return new Uint8Array(Buffer.from(bytes, 'base64'));
    }
    return item;
  }) as ProposedCommand;
  if (typeof value !== 'object' || value === null || typeof value.id !== 'string' || typeof value.command?.type !== 'string') {
    throw new Error(`Cannot decode a Raft entry as a datastore command: ${decoder.decode(data.subarray(0, 80))}`);
  }
  return value;
}
