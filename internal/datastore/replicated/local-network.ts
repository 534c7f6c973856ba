/**
 * An in-process transport between members of one process: messages are delivered on a
 * later turn of the event loop, snapshots are streamed through the same handler the
 * peer transport calls. Links can be cut to make partitions. For tests and benchmarks.
 */
import type { Readable } from 'node:stream';
import type { Message, NodeId } from '../raft/types.ts';
import type { RaftTransport, ReplicatedNode } from './node.ts';

export class LocalNetwork {
  readonly #nodes = new Map<NodeId, ReplicatedNode>();
  readonly #cut = new Set<string>();
  /** Why snapshot transfers failed, for tests to look at. */
  readonly snapshotErrors: unknown[] = [];
  /** Snapshots received and handed to their member. */
  snapshotsDelivered = 0;

  /** The transport of member `id`; register the member with `attach` once built. */
  transport(id: NodeId): RaftTransport {
    return {
      setPeer: () => {},
      removePeer: () => {},
      send: (messages) => {
        for (const message of messages) this.#deliver(id, message);
      },
      sendSnapshot: (message, open) => {
        void this.#snapshot(id, message, open);
      },
    };
  }

  attach(node: ReplicatedNode): void {
    this.#nodes.set(node.id, node);
  }

  detach(id: NodeId): void {
    this.#nodes.delete(id);
  }

  /** Cuts traffic both ways between `a` and every other member, until heal(). */
  isolate(a: NodeId): void {
    for (const b of this.#nodes.keys()) {
      if (b !== a) this.#cut.add(`${a}>${b}`).add(`${b}>${a}`);
    }
  }

  heal(): void {
    this.#cut.clear();
  }

  #deliver(from: NodeId, message: Message): void {
    setImmediate(() => {
      const to = this.#nodes.get(message.to);
      if (to === undefined || this.#cut.has(`${from}>${message.to}`)) {
        this.#nodes.get(from)?.reportUnreachable(message.to);
        return;
      }
      to.receive([message]);
    });
  }

  async #snapshot(from: NodeId, message: Message, open: () => Promise<Readable>): Promise<void> {
    const sender = this.#nodes.get(from);
    const to = this.#nodes.get(message.to);
    if (to === undefined || this.#cut.has(`${from}>${message.to}`)) {
      sender?.reportSnapshot(message.to, false);
      return;
    }
    try {
      await to.receiveSnapshot(message, await open());
      this.snapshotsDelivered += 1;
      sender?.reportSnapshot(message.to, true);
    } catch (error) {
      this.snapshotErrors.push(error);
      sender?.reportSnapshot(message.to, false);
    }
  }
}
