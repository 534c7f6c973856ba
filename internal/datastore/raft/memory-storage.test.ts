import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from './memory-storage.ts';
import { CompactedIndexError, UnavailableIndexError } from './types.ts';
import type { Entry } from './types.ts';

const conf = { voters: ['a'], learners: [] };

function entry(index: number, term: number, size = 0): Entry {
  return { index, term, type: 'normal', data: new Uint8Array(size) };
}

test('an empty storage has first index 1, last index 0 and term 0 at index 0', () => {
  const storage = new MemoryStorage(conf);
  assert.equal(storage.firstIndex(), 1);
  assert.equal(storage.lastIndex(), 0);
  assert.equal(storage.term(0), 0);
  assert.deepEqual(storage.initialState(), { hardState: { term: 0, vote: '', commit: 0 }, conf });
});

test('appending from an earlier index replaces the conflicting suffix', () => {
  const storage = new MemoryStorage(conf);
  storage.append([entry(1, 1), entry(2, 1), entry(3, 1)]);
  storage.append([entry(2, 2)]);
  assert.equal(storage.lastIndex(), 2);
  assert.equal(storage.term(2), 2);
  assert.throws(() => storage.append([entry(5, 2)]), /ends at index 2/);
});

test('compaction keeps the index, term and membership of the last dropped entry as the snapshot', () => {
  const storage = new MemoryStorage(conf);
  storage.append([entry(1, 1), entry(2, 2), entry(3, 2)]);
  const later = { voters: ['a', 'b'], learners: [] };
  storage.compact(2, later);
  assert.deepEqual(storage.snapshot(), { index: 2, term: 2, conf: later });
  assert.equal(storage.firstIndex(), 3);
  assert.equal(storage.term(2), 2);
  assert.throws(() => storage.term(1), CompactedIndexError);
  assert.throws(() => storage.entries(2, 4), CompactedIndexError);
  assert.throws(() => storage.term(4), UnavailableIndexError);
  assert.deepEqual(storage.entries(3, 4), [entry(3, 2)]);
  assert.deepEqual(storage.initialState().conf, later);
  // Entries already compacted are skipped when appended again.
  storage.append([entry(2, 2), entry(3, 2), entry(4, 3)]);
  assert.equal(storage.lastIndex(), 4);
});

test('entries are limited by size but always include at least one', () => {
  const storage = new MemoryStorage(conf);
  storage.append([entry(1, 1, 10), entry(2, 1, 10), entry(3, 1, 10)]);
  assert.equal(storage.entries(1, 4, 5).length, 1);
  assert.equal(storage.entries(1, 4, 20).length, 2);
  assert.equal(storage.entries(1, 4).length, 3);
  assert.throws(() => storage.entries(1, 5), UnavailableIndexError);
});

test('a snapshot replaces the whole log and an older one is ignored', () => {
  const storage = new MemoryStorage(conf);
  storage.append([entry(1, 1), entry(2, 1)]);
  storage.applySnapshot({ index: 10, term: 3, conf });
  assert.equal(storage.firstIndex(), 11);
  assert.equal(storage.lastIndex(), 10);
  assert.equal(storage.term(10), 3);
  storage.applySnapshot({ index: 5, term: 2, conf });
  assert.equal(storage.snapshot().index, 10);
});
