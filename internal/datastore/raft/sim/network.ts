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
  /** Chance that a message is delivered twice (the copy travels on its own schedule). */
  duplicate: number;
  /** Ordinary delay is uniform in [1, maxDelay] steps. */
  maxDelay: number;
  /**
   * Chance that a message leaves its link's order: it gets a delay of its own and may
   * overtake or be overtaken. Other messages of a link arrive in sending order, as over
   * one stream.
   */
  reorder: number;
  /** Chance that a message is held back for up to `slowDelay` steps (out of order too). */
  slow: number;
  slowDelay: number;
}

/** A network with no faults, as after healing. */
export const calmNetwork: NetworkFaults = { loss: 0, duplicate: 0, maxDelay: 1, reorder: 0, slow: 0, slowDelay: 1 };

/** Why a message was not delivered. */
export type DropReason = 'lost' | 'partitioned';

interface Queued extends Envelope {
  /** Sending order, kept among the in-order messages of one link. */
  seq: number;
  inOrder: boolean;
}

/**
 * The simulated network: messages wait in per-step buckets, links deliver in order except
 * for messages picked for reordering, and different links interleave at random; delay,
 * reordering, loss and duplication all come from the run's PRNG. Links can be cut one way
 * or both; a cut link also drops what is in flight over it.
 */
export class Network {
  private readonly random: Random;
  faults: NetworkFaults;
  private readonly buckets = new Map<number, Queued[]>();
  /** Per link: the step its last in-order message arrives at. */
  private readonly linkTail = new Map<string, number>();
  private readonly cut = new Set<string>();
  private seq = 0;

  constructor(random: Random, faults: NetworkFaults) {
    this.random = random;
    this.faults = faults;
  }

  /** Puts a message on the wire at step `now`; returns why it was dropped, if it was. */
  send(envelope: Omit<Envelope, 'deliverAt'>, now: number): DropReason | undefined {
    const { msg } = envelope;
    if (this.isCut(msg.from, msg.to)) return 'partitioned';
    const f = this.faults;
    if (this.random.chance(f.loss)) return 'lost';
    const link = `${msg.from}>${msg.to}`;
    if (this.random.chance(f.slow)) {
      this.enqueue(envelope, now + this.random.int(1, Math.max(1, f.slowDelay)), false);
    } else if (this.random.chance(f.reorder)) {
      this.enqueue(envelope, now + this.random.int(1, Math.max(1, f.maxDelay)), false);
    } else {
      const at = Math.max(now + this.random.int(1, Math.max(1, f.maxDelay)), this.linkTail.get(link) ?? 0);
      this.linkTail.set(link, at);
      this.enqueue(envelope, at, true);
    }
    if (this.random.chance(f.duplicate)) {
      // A duplicate often comes much later, like a retransmission of a message thought lost.
      const late = this.random.chance(0.5) ? f.slowDelay : f.maxDelay;
      this.enqueue(envelope, now + this.random.int(1, Math.max(1, late)), false);
    }
    return undefined;
  }

  private enqueue(envelope: Omit<Envelope, 'deliverAt'>, deliverAt: number, inOrder: boolean): void {
    const queued: Queued = { ...envelope, deliverAt, seq: this.seq++, inOrder };
    const bucket = this.buckets.get(deliverAt);
    if (bucket === undefined) this.buckets.set(deliverAt, [queued]);
    else bucket.push(queued);
  }

  /**
   * Takes the messages due at step `now`, links interleaved at random; those whose link was
   * cut meanwhile are handed to `dropped` instead.
   */
  due(now: number, dropped: (envelope: Envelope, reason: DropReason) => void): Envelope[] {
    const bucket = this.buckets.get(now);
    if (bucket === undefined) return [];
    this.buckets.delete(now);
    this.shuffleKeepingLinkOrder(bucket);
    const out: Envelope[] = [];
    for (const { seq: _seq, inOrder: _inOrder, ...envelope } of bucket) {
      if (this.isCut(envelope.msg.from, envelope.msg.to)) dropped(envelope, 'partitioned');
      else out.push(envelope);
    }
    return out;
  }

  private shuffleKeepingLinkOrder(bucket: Queued[]): void {
    if (bucket.length < 2) return;
    for (let i = bucket.length - 1; i > 0; i--) {
      const j = this.random.int(0, i);
      const a = bucket[i];
      const b = bucket[j];
      if (a !== undefined && b !== undefined) {
        bucket[i] = b;
        bucket[j] = a;
      }
    }
    // Put the in-order messages of each link back in sending order, in the slots they drew.
    const slots = new Map<string, number[]>();
    bucket.forEach((q, i) => {
      if (!q.inOrder) return;
      const link = `${q.msg.from}>${q.msg.to}`;
      const list = slots.get(link);
      if (list === undefined) slots.set(link, [i]);
      else list.push(i);
    });
    for (const positions of slots.values()) {
      if (positions.length < 2) continue;
      const sorted = positions.map((i) => bucket[i]).filter((q) => q !== undefined).sort((x, y) => x.seq - y.seq);
      positions.forEach((p, k) => {
        const q = sorted[k];
        if (q !== undefined) bucket[p] = q;
      });
    }
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
