/**
 * Random key-value histories that are linearizable by construction, and a mutation that makes
 * one of them certainly not: the evidence that the checker accepts what it must and can fail.
 */
import type { KvInput, KvOutput } from './linearizability-kv.ts';
import type { Operation } from './linearizability-model.ts';
import { mulberry32 } from '../../internal/util/seeded-random.ts';

type KvOperation = Operation<KvInput, KvOutput>;

/** Shape of a generated history. */
export interface RandomHistoryOptions {
  seed: number;
  clients: number;
  operations: number;
  keys: number;
  /** Probability that an answer is lost: the operation applies now, later or never, and has no return. */
  lostRate: number;
  /** Ticks after its call within which a lost operation applies, if it ever does; default unbounded. */
  lostWindow?: number;
}

/**
 * Clients take turns at random on a simulated clock; each operation is called, applied to one
 * real sequential register at a later tick, and returned at a still later tick, so the apply
 * ticks are a linearization. Versions and values are unique per write.
 */
export function randomKvHistory(o: RandomHistoryOptions): KvOperation[] {
  const rand = mulberry32(o.seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const store = new Map<string, { value: string; version: string }>();
  let versions = 0;
  let values = 0;
  const apply = (input: KvInput): KvOutput => {
    const current = store.get(input.key);
    const write = (value: string): KvOutput => {
      const version = String(++versions);
      store.set(input.key, { value, version });
      return { result: 'ok', version };
    };
    if (input.op === 'put') return write(input.value);
    if (input.op === 'create') return current === undefined ? write(input.value) : { result: 'exists' };
    if (current === undefined) return { result: 'not-found' };
    const conflict = (): KvOutput => (rand() < 0.3 ? { result: 'conflict', ...current } : { result: 'conflict' });
    switch (input.op) {
      case 'get':
        return { result: 'found', ...current };
      case 'update':
        return write(input.value);
      case 'cas': {
        const e = input.expected;
        const matches = 'version' in e ? e.version === current.version : e.value === current.value;
        return matches ? write(input.value) : conflict();
      }
      case 'delete':
        if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) return conflict();
        store.delete(input.key);
        return { result: 'ok' };
    }
  };

  interface Client {
    op: KvOperation | null;
    applied: boolean;
    seen: Map<string, { value: string; version: string }>;
  }
  const clients: Client[] = Array.from({ length: o.clients }, () => ({ op: null, applied: false, seen: new Map() }));
  const nextInput = (c: Client): KvInput => {
    const key = `k${pick(o.keys)}`;
    const seen = c.seen.get(key);
    const value = `v${++values}`;
    const version = seen?.version ?? String(1 + pick(versions + 1));
    const r = rand();
    if (r < 0.35) return { op: 'get', key };
    if (r < 0.45) return { op: 'put', key, value };
    if (r < 0.55) return { op: 'create', key, value };
    if (r < 0.62) return { op: 'update', key, value };
    if (r < 0.8) return { op: 'cas', key, value, expected: { version } };
    if (r < 0.85) return { op: 'cas', key, value, expected: { value: seen?.value ?? 'v0' } };
    return rand() < 0.5 ? { op: 'delete', key } : { op: 'delete', key, expectedVersion: version };
  };

  const history: KvOperation[] = [];
  const limbo: KvOperation[] = [];
  for (let time = 1; history.length < o.operations || clients.some((c) => c.op !== null); time++) {
    if (limbo.length > 0 && rand() < 0.05) {
      const [late] = limbo.splice(pick(limbo.length), 1);
      if (late !== undefined && rand() < 0.5) apply(late.input);
    }
    while (limbo.length > 0 && (limbo[0]?.call ?? time) + (o.lostWindow ?? Infinity) <= time + 1) limbo.shift();
    const c = clients[pick(clients.length)];
    if (c === undefined) continue;
    if (c.op === null) {
      if (history.length >= o.operations) continue;
      c.op = { client: clients.indexOf(c), input: nextInput(c), call: time, return: null, output: null };
      c.applied = false;
      history.push(c.op);
    } else if (!c.applied) {
      if (rand() < o.lostRate) {
        if (rand() < 0.5) apply(c.op.input);
        else limbo.push(c.op);
        c.op = null;
        continue;
      }
      c.op.output = apply(c.op.input);
      c.applied = true;
      const out = c.op.output;
      const input = c.op.input;
      if (out.result === 'found') c.seen.set(input.key, { value: out.value, version: out.version ?? '' });
      if (out.result === 'not-found') c.seen.delete(input.key);
      if (out.result === 'ok' && 'value' in input && out.version !== undefined) {
        c.seen.set(input.key, { value: input.value, version: out.version });
      }
    } else {
      c.op.return = time;
      c.op = null;
    }
  }
  return history;
}

/**
 * Replaces the answer of one read with a value and version that were certainly overwritten
 * before the read was called: a write W1 returned before a successful write W2 was called,
 * and W2 returned before the read was called. Versions and values are unique per write, so
 * no order can explain it. Returns the new history and the mutated read, or null.
 */
export function mutateToStaleRead(
  history: readonly KvOperation[],
  rand: () => number,
): { history: KvOperation[]; read: KvOperation } | null {
  const answered = history.filter((op) => op.return !== null && op.output !== null);
  const changes = answered.filter((op) => op.output?.result === 'ok');
  const reads = answered.filter((op) => op.input.op === 'get');
  for (let tries = 0; tries < 100 && reads.length > 0; tries++) {
    const read = reads[Math.floor(rand() * reads.length)];
    if (read === undefined) continue;
    const key = read.input.key;
    const before = (t: number) => changes.filter((op) => op.input.key === key && (op.return ?? Infinity) < t);
    const w2 = before(read.call).reduce<KvOperation | null>((a, b) => (a === null || b.call > a.call ? b : a), null);
    if (w2 === null) continue;
    const w1 = before(w2.call)
      .filter((op) => 'value' in op.input)
      .reduce<KvOperation | null>((a, b) => (a === null || (b.return ?? 0) > (a.return ?? 0) ? b : a), null);
    if (w1 === null || w1.output?.result !== 'ok' || !('value' in w1.input)) continue;
    const mutated: KvOperation = { ...read, output: { result: 'found', value: w1.input.value, version: w1.output.version } };
    return { history: history.map((op) => (op === read ? mutated : op)), read: mutated };
  }
  return null;
}
