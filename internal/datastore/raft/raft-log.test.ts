import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from './memory-storage.ts';
import { RaftLog } from './raft-log.ts';
import type { Entry } from './types.ts';

function entry(index: number, term: number): Entry {
  return { index, term, type: 'normal', data: new Uint8Array() };
}

function log(stable: Entry[], unstable: Entry[] = []): RaftLog {
  const storage = new MemoryStorage({ voters: ['a'], learners: [] });
  storage.append(stable);
  const raftLog = new RaftLog(storage);
  raftLog.append(unstable);
  return raftLog;
}

test('terms and entries are read across stable storage and the unstable tail', () => {
  const l = log([entry(1, 1), entry(2, 1)], [entry(3, 2), entry(4, 2)]);
  assert.equal(l.lastIndex(), 4);
  assert.equal(l.term(2), 1);
  assert.equal(l.term(4), 2);
  assert.equal(l.term(5), undefined);
  assert.deepEqual(l.slice(2, 5)?.map((e) => e.index), [2, 3, 4]);
});

test('an unstable suffix that replaces stored entries hides them from reads', () => {
  const l = log([entry(1, 1), entry(2, 1), entry(3, 1)], [entry(2, 2)]);
  assert.equal(l.lastIndex(), 2);
  assert.equal(l.term(2), 2);
  assert.equal(l.term(3), undefined);
  assert.deepEqual(l.slice(1, 4)?.map((e) => e.term), [1, 2]);
  // Only index 1 is known durable and part of this log.
  assert.equal(l.stableLastIndex(), 1);
});

test('the log up to date check compares last terms, then last indexes (§5.4.1)', () => {
  const l = log([entry(1, 1), entry(2, 2)]);
  assert.equal(l.isUpToDate(1, 3), true);
  assert.equal(l.isUpToDate(2, 2), true);
  assert.equal(l.isUpToDate(5, 1), false);
  assert.equal(l.isUpToDate(1, 2), false);
});

test('findConflictByTerm walks back to the last index whose term is at most the given one', () => {
  const l = log([entry(1, 1), entry(2, 1), entry(3, 3), entry(4, 3), entry(5, 5)]);
  assert.deepEqual(l.findConflictByTerm(5, 4), [4, 3]);
  assert.deepEqual(l.findConflictByTerm(5, 2), [2, 1]);
  assert.deepEqual(l.findConflictByTerm(9, 9), [5, 5]);
  assert.deepEqual(l.findConflictByTerm(5, 0), [0, 0]);
});

test('maybeAppend refuses a mismatching previous entry and never moves commit past the new entries', () => {
  const l = log([entry(1, 1), entry(2, 1)]);
  assert.equal(l.maybeAppend(2, 2, 5, [entry(3, 2)]), undefined);
  assert.equal(l.maybeAppend(2, 1, 5, [entry(3, 2)]), 3);
  assert.equal(l.committed, 3);
  // A stale, shorter append leaves later entries alone.
  assert.equal(l.maybeAppend(1, 1, 3, [entry(2, 1)]), 2);
  assert.equal(l.lastIndex(), 3);
});

test('committed entries come out once and only up to the last index', () => {
  const l = log([entry(1, 1), entry(2, 1)], [entry(3, 1)]);
  l.commitTo(3);
  assert.deepEqual(l.nextCommittedEntries().map((e) => e.index), [1, 2, 3]);
  l.acceptApplying(3);
  assert.equal(l.hasNextCommittedEntries(), false);
  assert.throws(() => l.commitTo(4), /log ends at index 3/);
});

test('a restored snapshot becomes the start of the log', () => {
  const l = log([entry(1, 1), entry(2, 1)]);
  l.restore({ index: 10, term: 4, conf: { voters: ['a'], learners: [] } });
  assert.equal(l.firstIndex(), 11);
  assert.equal(l.lastIndex(), 10);
  assert.equal(l.term(10), 4);
  assert.equal(l.committed, 10);
  assert.equal(l.slice(5, 11), undefined);
  assert.deepEqual(l.nextCommittedEntries(), []);
});
