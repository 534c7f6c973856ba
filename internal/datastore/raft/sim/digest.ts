import type { Entry } from '../types.ts';

/**
 * Hashes for the simulation's bookkeeping: a chained hash over a log (two logs with the same
 * chain value at an index hold the same entries up to it) and a running digest of a run's
 * events (two runs of one seed must end with the same value).
 */

const decoder = new TextDecoder();

/** The entry's payload as the state machine records it: kind and text. */
export function entryKey(entry: Entry): string {
  const body = decoder.decode(entry.data);
  return entry.type === 'conf-change' ? `cc:${body}` : body === '' ? '(empty)' : body;
}

function mix(h: number, text: string, seed: number): number {
  let x = (h ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    x = Math.imul(x ^ text.charCodeAt(i), 0x01000193);
  }
  return x >>> 0;
}

/** The chain value after `entry`, given the chain value of the log just before it. */
export function chainNext(previous: string, entry: Entry): string {
  const text = `${previous}|${entry.index}/${entry.term}/${entryKey(entry)}`;
  const a = mix(0x811c9dc5, text, 0);
  const b = mix(0x01234567, text, 0x5bd1e995);
  return a.toString(36) + '.' + b.toString(36);
}

/** The chain value of an empty log. */
export const chainStart = '0';

/** A running digest of strings, cheap enough to feed every event of a run. */
export class RunningDigest {
  private a = 0x811c9dc5;
  private b = 0x12345678;

  add(text: string): void {
    this.a = mix(this.a, text, 0);
    this.b = mix(this.b, text, 0x5bd1e995);
  }

  value(): string {
    return this.a.toString(16).padStart(8, '0') + this.b.toString(16).padStart(8, '0');
  }
}
