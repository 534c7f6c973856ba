/**
 * Upstream answers kept for as long as their records say (positive answers: the smallest TTL
 * in the answer; NXDOMAIN and empty answers: the SOA's negative TTL, RFC 2308), capped, in
 * a bounded least-recently-used map. Served copies carry the TTLs that remain.
 */
import type { Answer } from 'dns-packet';
import { realClock, type Clock } from '../../client/index.ts';

/** An upstream answer as the forwarder hands it on: rcode plus the three record sections. */
export interface UpstreamAnswer {
  rcode: number;
  /** The upstream's authenticated-data bit. */
  authenticData: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export interface ResponseCacheOptions {
  /** Entries kept; the least recently used goes first. Default 10 000. */
  maxEntries?: number;
  /** Cap on a positive answer's lifetime, seconds; default 3600. */
  maxTtl?: number;
  /** Cap on a denial's lifetime, seconds; default 1800. */
  maxNegativeTtl?: number;
  clock?: Clock;
}

interface Entry {
  answer: UpstreamAnswer;
  storedMs: number;
  expiresMs: number;
}

const NOERROR = 0;
const NXDOMAIN = 3;

const ttlOf = (record: Answer): number => ('ttl' in record && typeof record.ttl === 'number' ? record.ttl : 0);

/** Seconds an upstream answer may be reused, 0 when it must not be. */
export function cacheSeconds(answer: UpstreamAnswer, maxTtl: number, maxNegativeTtl: number): number {
  if (answer.rcode === NOERROR && answer.answers.length > 0) {
    return Math.min(maxTtl, ...answer.answers.map(ttlOf));
  }
  if (answer.rcode !== NXDOMAIN && answer.rcode !== NOERROR) return 0;
  const soa = answer.authorities.find((r) => r.type === 'SOA');
  if (soa === undefined || soa.type !== 'SOA') return 0;
  return Math.min(maxNegativeTtl, ttlOf(soa), soa.data.minimum ?? 0);
}

/** Bounded TTL-respecting cache of upstream answers, keyed by the caller (name, type, class, DNSSEC bit). */
export class ResponseCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxTtl: number;
  readonly #maxNegativeTtl: number;
  readonly #clock: Clock;

  constructor(options: ResponseCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxTtl = options.maxTtl ?? 3600;
    this.#maxNegativeTtl = options.maxNegativeTtl ?? 1800;
    this.#clock = options.clock ?? realClock;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** A fresh copy with the TTLs that remain, or undefined when absent or expired. */
  get(key: string): UpstreamAnswer | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const now = this.#clock.now();
    this.#entries.delete(key);
    if (now >= entry.expiresMs) return undefined;
    this.#entries.set(key, entry);
    const age = Math.floor((now - entry.storedMs) / 1000);
    const aged = (records: Answer[]): Answer[] => records.map((r) => ('ttl' in r ? { ...r, ttl: Math.max(0, ttlOf(r) - age) } : r) as Answer);
    const { answer } = entry;
    return { ...answer, answers: aged(answer.answers), authorities: aged(answer.authorities), additionals: aged(answer.additionals) };
  }

  /** Keeps `answer` if it may be cached at all. */
  put(key: string, answer: UpstreamAnswer): void {
    const seconds = cacheSeconds(answer, this.#maxTtl, this.#maxNegativeTtl);
    if (seconds <= 0) return;
    const now = this.#clock.now();
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { answer, storedMs: now, expiresMs: now + seconds * 1000 });
  }
}
