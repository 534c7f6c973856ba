/**
 * The doubly linked list of call and return entries the linearizability search walks
 * (Wing & Gong): placing an operation lifts its two entries out, backtracking puts them back.
 */
import type { Operation } from './linearizability-model.ts';

/** A call or return event of one operation. */
export interface Entry {
  op: number;
  call: boolean;
  time: number;
  /** For a call entry, its return entry. */
  match: Entry | null;
  prev: Entry | null;
  next: Entry | null;
}

/**
 * The entries of `ops` sorted by time behind a head entry; `returnTime` gives each operation's
 * return (Infinity for one that may take effect at any later time). At equal times calls come
 * first, so operations that touch in time count as concurrent.
 */
export function buildList<I, O>(ops: readonly Operation<I, O>[], returnTime: (op: number) => number): Entry {
  const entries: Entry[] = [];
  ops.forEach((op, i) => {
    const ret: Entry = { op: i, call: false, time: returnTime(i), match: null, prev: null, next: null };
    entries.push({ op: i, call: true, time: op.call, match: ret, prev: null, next: null }, ret);
  });
  entries.sort((a, b) => {
    if (a.time !== b.time) return a.time < b.time ? -1 : 1;
    if (a.call !== b.call) return a.call ? -1 : 1;
    return a.op - b.op;
  });
  const head: Entry = { op: -1, call: false, time: -Infinity, match: null, prev: null, next: null };
  let last = head;
  for (const entry of entries) {
    last.next = entry;
    entry.prev = last;
    last = entry;
  }
  return head;
}

/** Removes a call entry and its return entry (they keep their own links, for `unlift`). */
export function lift(call: Entry): void {
  const ret = call.match;
  if (call.prev !== null) call.prev.next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  if (ret === null) return;
  if (ret.prev !== null) ret.prev.next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

/** Undoes the latest `lift`, in reverse order. */
export function unlift(call: Entry): void {
  const ret = call.match;
  if (ret !== null) {
    if (ret.prev !== null) ret.prev.next = ret;
    if (ret.next !== null) ret.next.prev = ret;
  }
  if (call.prev !== null) call.prev.next = call;
  if (call.next !== null) call.next.prev = call;
}

/** The operations whose calls come before `until`: the candidates to be placed next. */
export function pendingCalls(head: Entry, until: Entry): number[] {
  const ops: number[] = [];
  for (let e = head.next; e !== null && e !== until; e = e.next) if (e.call) ops.push(e.op);
  return ops;
}
