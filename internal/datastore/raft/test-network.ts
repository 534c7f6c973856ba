import { MemoryStorage } from './memory-storage.ts';
import { RawNode } from './raw-node.ts';
import { decodeConfChange } from './types.ts';
import type { ConfState, Entry, Message, NodeId, RaftConfig, ReadState } from './types.ts';

/** One member of a TestNetwork: its node, storage, and what its driver applied. */
export interface TestMember {
  id: NodeId;
  storage: MemoryStorage;
  node: RawNode;
  /** Normal entries with data, in applied order (the state machine of the tests). */
  applied: Entry[];
  readStates: ReadState[];
  conf: ConfState;
  options: Partial<RaftConfig>;
}

/**
 * Test support: members driven synchronously by a minimal driver that follows the Ready
 * contract on MemoryStorage, joined by a network that can drop messages and partition.
 */
export class TestNetwork {
  readonly members = new Map<NodeId, TestMember>();
  /** Messages for which this returns true are lost. */
  drop: (message: Message) => boolean = () => false;
  /** Whether the transport reports each snapshot's delivery or loss to its sender. */
  reportSnapshots = true;
  /** Every message delivered, for assertions about the traffic. */
  delivered: Message[] = [];
  #queue: Message[] = [];
  #cut = new Set<string>();

  /** A cluster whose storages all start with `voters` as the membership. */
  constructor(voters: NodeId[], options: Partial<RaftConfig> = {}) {
    for (const id of voters) this.add(id, { voters, learners: [] }, options);
  }

  /** Adds a member with empty storage knowing `conf` (empty for a server that joins). */
  add(id: NodeId, conf: ConfState = { voters: [], learners: [] }, options: Partial<RaftConfig> = {}): TestMember {
    const storage = new MemoryStorage(conf);
    const member: TestMember = {
      id,
      storage,
      node: new RawNode({ electionTicks: 10, heartbeatTicks: 1, ...options, id, storage }),
      applied: [],
      readStates: [],
      conf,
      options,
    };
    this.members.set(id, member);
    return member;
  }

  get(id: NodeId): TestMember {
    const member = this.members.get(id);
    if (member === undefined) throw new Error(`Cannot find member ${id}`);
    return member;
  }

  /** Loses everything not persisted and starts the member again from its storage. */
  restart(id: NodeId): void {
    const member = this.get(id);
    const snapshot = member.storage.snapshot();
    member.applied = member.applied.filter((entry) => entry.index <= snapshot.index);
    member.node = new RawNode({
      electionTicks: 10,
      heartbeatTicks: 1,
      ...member.options,
      id,
      storage: member.storage,
      applied: snapshot.index,
    });
    this.#queue = this.#queue.filter((message) => message.to !== id && message.from !== id);
  }

  /** Cuts both directions between `a` and every member in `others`. */
  cut(a: NodeId, ...others: NodeId[]): void {
    for (const b of others) {
      this.#cut.add(`${a}>${b}`);
      this.#cut.add(`${b}>${a}`);
    }
  }

  isolate(id: NodeId): void {
    this.cut(id, ...[...this.members.keys()].filter((other) => other !== id));
  }

  heal(): void {
    this.#cut.clear();
    this.drop = () => false;
  }

  /** Runs the driver loop of one member until it has nothing ready. */
  process(id: NodeId): void {
    const member = this.get(id);
    while (member.node.hasReady()) {
      const rd = member.node.ready();
      if (rd.snapshot !== undefined) {
        member.storage.applySnapshot(rd.snapshot);
        member.applied = this.#stateAt(rd.snapshot.index);
        member.conf = rd.snapshot.conf;
      }
      member.storage.append(rd.entries);
      if (rd.hardState !== undefined) member.storage.setHardState(rd.hardState);
      this.#queue.push(...rd.messages);
      for (const entry of rd.committedEntries) {
        if (entry.type === 'conf-change') member.conf = member.node.applyConfChange(decodeConfChange(entry.data));
        else if (entry.data.byteLength > 0) member.applied.push(entry);
      }
      member.readStates.push(...rd.readStates);
      member.node.advance();
    }
  }

  /** Processes every member, then delivers the queued messages; false when nothing happened. */
  round(): boolean {
    for (const id of this.members.keys()) this.process(id);
    if (this.#queue.length === 0) return false;
    const messages = this.#queue;
    this.#queue = [];
    for (const message of messages) this.#deliver(message);
    return true;
  }

  /** Runs rounds until the cluster is quiet. */
  stabilize(maxRounds = 10_000): void {
    for (let i = 0; i < maxRounds; i++) if (!this.round()) return;
    throw new Error(`Cannot stabilize the test network within ${maxRounds} rounds`);
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) this.get(id).node.tick();
  }

  /** Ticks every member `times` times, letting messages flow after each tick. */
  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const member of this.members.values()) member.node.tick();
      this.stabilize();
    }
  }

  leaders(): NodeId[] {
    return [...this.members.values()].filter((m) => m.node.status().role === 'leader').map((m) => m.id);
  }

  #deliver(message: Message): void {
    const target = this.members.get(message.to);
    const lost = target === undefined || this.#cut.has(`${message.from}>${message.to}`) || this.drop(message);
    // A real transport knows whether a snapshot stream went through and tells the sender.
    const report = (ok: boolean): void => {
      if (message.type === 'snap' && this.reportSnapshots) this.members.get(message.from)?.node.reportSnapshot(message.to, ok);
    };
    if (lost) {
      report(false);
      return;
    }
    this.delivered.push(message);
    target.node.step(message);
    report(true);
  }

  /** The state machine as of `index`, taken from a member that applied that far. */
  #stateAt(index: number): Entry[] {
    for (const member of this.members.values()) {
      if (member.node.status().applied >= index) return member.applied.filter((entry) => entry.index <= index);
    }
    throw new Error(`Cannot find a member that applied index ${index}`);
  }
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function text(entry: Entry): string {
  return new TextDecoder().decode(entry.data);
}
