/**
 * The default random source for election timeouts: seeded from the member id, so members
 * get different sequences and runs stay reproducible without reading global entropy.
 */
import { mulberry32, seedOf } from '../../util/seeded-random.ts';

export function seededRandom(seed: string): () => number {
  return mulberry32(seedOf(seed));
}
