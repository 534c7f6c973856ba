import type { Message, NodeId } from '../types.ts';
import type { SnapshotData } from './durable-store.ts';
import type { Random } from './random.ts';

/** One message on the wire; a 'snap' message carries its snapshot's data beside it. */
export interface Envelope {
  msg: Message;
  snapshot?: SnapshotData;
  /** Which incarnation of the sender sent it (a restarted node is a new incarnation). */
  senderIncarnation: number;
  deliverAt: number;
}

/** How unreliable the network is; delays are in network steps (several per tick). */
export interface NetworkFaults {
  /** Chance that a message is lost. */
  loss: number;
  /** Chance that a message is delivered twice. */
  duplicate: number;
  /** Ordinary delay is uniform in [1, maxDelay] steps. */
  maxDelay: number;
  /** Chance that a message is held back for up to `slowDelay` steps (overtaken by later ones). */
  slow: number;
  slowDelay: number;
  /** Messages due in the same step come out in a random order (else in sending order, as over one stream). */
  shuffle: boolean;
}

/** A network with no faults, as after healing. */
export const calmNetwork: NetworkFaults = { loss: 0, duplicate: 0, maxDelay: 1, slow: 0, slowDelay: 1, shuffle: false };

/** Why a message was not delivered. */
export type DropReason = 'lost' | 'partitioned';

/**
 * The simulated network: messages wait in per-step buckets and come out in a random order
 * within a step, so delay, reordering, loss and duplication all come from the run's PRNG.
 * Links can be cut one way or both; a cut link also drops what is in flight over it.
 */
export class Network {
  private readonly random: Random;
  faults: NetworkFaults;
  private readonly buckets = new Map<number, Envelope[]>();
  private readonly cut = new Set<string>();
  private inFlight = 0;

  constructor(random: Random, faults: NetworkFaults) {
    this.random = random;
    this.faults = faults;
  }

  /** Messages waiting for delivery. */
  get pending(): number {
    return this.inFlight;
  }

  /** Number of one-way links currently cut. */
  get cutLinks(): number {
    return this.cut.size;
  }

  /** Puts a message on the wire at step `now`; returns why it was dropped, if it was. */
  send(envelope: Omit<Envelope, 'deliverAt'>, now: number): DropReason | undefined {
    if (this.isCut(envelope.msg.from, envelope.msg.to)) return 'partitioned';
    if (this.random.chance(this.faults.loss)) return 'lost';
    this.enqueue({ ...envelope, deliverAt: now + this.delay() });
    if (this.random.chance(this.faults.duplicate)) {
      // A duplicate often comes much later, like a retransmission of a message thought lost.
      const late = this.random.chance(0.5) ? this.random.int(1, Math.max(1, this.faults.slowDelay)) : this.delay();
      this.enqueue({ ...envelope, deliverAt: now + late });
    }
    return undefined;
  }

  private delay(): number {
    const f = this.faults;
    if (this.random.chance(f.slow)) return this.random.int(1, Math.max(1, f.slowDelay));
    return this.random.int(1, Math.max(1, f.maxDelay));
  }

  private enqueue(envelope: Envelope): void {
    const bucket = this.buckets.get(envelope.deliverAt);
    if (bucket === undefined) this.buckets.set(envelope.deliverAt, [envelope]);
    else bucket.push(envelope);
    this.inFlight++;
  }

  /**
   * Takes the messages due at step `now` (shuffled when the faults say so); those whose
   * link was cut meanwhile are handed to `dropped` instead.
   */
  due(now: number, dropped: (envelope: Envelope, reason: DropReason) => void): Envelope[] {
    const bucket = this.buckets.get(now);
    if (bucket === undefined) return [];
    this.buckets.delete(now);
    this.inFlight -= bucket.length;
    for (let i = this.faults.shuffle ? bucket.length - 1 : 0; i > 0; i--) {
      const j = this.random.int(0, i);
      const a = bucket[i];
      const b = bucket[j];
      if (a !== undefined && b !== undefined) {
        bucket[i] = b;
        bucket[j] = a;
      }
    }
    const out: Envelope[] = [];
    for (const envelope of bucket) {
      if (this.isCut(envelope.msg.from, envelope.msg.to)) dropped(envelope, 'partitioned');
      else out.push(envelope);
    }
    return out;
  }

  /** Whether messages from `from` to `to` are currently dropped. */
  isCut(from: NodeId, to: NodeId): boolean {
    return this.cut.size > 0 && this.cut.has(`${from}>${to}`);
  }

  /** Cuts the one-way link from `from` to `to`. */
  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }

  /** Cuts every link between `group` and the rest of `all`, both ways. */
  isolate(group: readonly NodeId[], all: readonly NodeId[]): void {
    for (const a of group) {
      for (const b of all) {
        if (group.includes(b)) continue;
        this.cutLink(a, b);
        this.cutLink(b, a);
      }
    }
  }

  /** Restores every link. */
  heal(): void {
    this.cut.clear();
  }
}
