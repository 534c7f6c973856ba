import type { NodeId } from './types.ts';

/** One linearizable read waiting for the leader to confirm it still leads. */
export interface PendingRead {
  /** The leader's commit index when the read arrived: the read may be served once applied. */
  index: number;
  /** Who asked: the leader itself or the follower to answer with a read-index-resp. */
  from: NodeId;
  context: string;
  acks: Set<NodeId>;
}

/**
 * ReadIndex bookkeeping (thesis §6.4): each read remembers the commit index, and the
 * leader sends a heartbeat round carrying the newest read's context. Once a quorum answers
 * a context, that read and every read queued before it are confirmed, since those
 * heartbeats went out after they were queued.
 */
export class ReadOnly {
  #pending = new Map<string, PendingRead>();
  #queue: string[] = [];

  /** Queues a read; a context already queued is ignored (contexts must be unique). */
  add(index: number, from: NodeId, context: string): void {
    if (this.#pending.has(context)) return;
    this.#pending.set(context, { index, from, context, acks: new Set() });
    this.#queue.push(context);
  }

  /** Records that `id` answered the heartbeat carrying `context`; the acks so far, if queued. */
  recvAck(id: NodeId, context: string): Set<NodeId> | undefined {
    const read = this.#pending.get(context);
    if (read === undefined) return undefined;
    read.acks.add(id);
    return read.acks;
  }

  /** Removes and returns, in order, the reads up to and including `context`. */
  advance(context: string): PendingRead[] {
    const at = this.#queue.indexOf(context);
    if (at < 0) return [];
    const done = this.#queue.slice(0, at + 1);
    this.#queue = this.#queue.slice(at + 1);
    const out: PendingRead[] = [];
    for (const key of done) {
      const read = this.#pending.get(key);
      this.#pending.delete(key);
      if (read !== undefined) out.push(read);
    }
    return out;
  }

  /** The newest queued read's context, which heartbeats carry. */
  lastPendingContext(): string | undefined {
    return this.#queue.at(-1);
  }

  reset(): void {
    this.#pending.clear();
    this.#queue = [];
  }
}
