import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOperations, kvModel } from './linearizability.ts';
import { cas, casValue, conflict, create, del, exists, found, get, kvHistory, missing, ok, put, update, type Row } from './linearizability-rows.ts';

const verdict = (...rows: Row[]) => checkOperations(kvModel, kvHistory(...rows)).ok;

describe('key-value register model', () => {
  it('the version of an unknown write is fixed by the first read that reports it', () => {
    const base: Row[] = [
      [1, 0, 1, put('a'), ok('1')],
      [2, 2, null, put('b'), null],
      [3, 3, 4, get(), found('b', '7')],
    ];
    assert.equal(verdict(...base, [3, 5, 6, get(), found('b', '7')]), true);
    assert.equal(verdict(...base, [3, 5, 6, get(), found('b', '8')]), false);
    assert.equal(verdict(...base, [3, 5, 6, cas('c', '8'), ok('9')]), false);
  });

  it('a refused compare rules its version out while the version is unknown', () => {
    const base: Row[] = [
      [1, 0, 1, put('a'), ok('1')],
      [2, 2, null, put('b'), null],
      [3, 3, 4, get(), found('b')],
    ];
    assert.equal(verdict(...base, [3, 5, 6, get(), found('b', '7')]), true);
    assert.equal(verdict(...base, [3, 5, 6, cas('c', '7'), conflict()], [3, 7, 8, get(), found('b', '7')]), false);
    assert.equal(verdict(...base, [3, 5, 6, cas('c', '7'), conflict()], [3, 7, 8, get(), found('b', '6')]), true);
    // A conflict that reports the current version must agree with it.
    assert.equal(verdict(...base, [3, 5, 6, cas('c', '7'), conflict('b', '7')]), false);
    assert.equal(verdict(...base, [3, 5, 6, cas('c', '7'), conflict('b', '6')], [3, 7, 8, get(), found('b', '6')]), true);
  });

  it('an unknown compare may have applied or not, but not undone', () => {
    const base: Row[] = [
      [1, 0, 1, create('a'), ok('1')],
      [2, 2, null, cas('b', '1'), null],
    ];
    assert.equal(verdict(...base, [3, 3, 4, get(), found('a', '1')]), true);
    assert.equal(verdict(...base, [3, 3, 4, get(), found('b', '5')]), true);
    assert.equal(verdict(...base, [3, 3, 4, get(), found('a', '1')], [3, 5, 6, get(), found('b', '5')]), true);
    assert.equal(verdict(...base, [3, 3, 4, get(), found('b', '5')], [3, 5, 6, get(), found('a', '1')]), false);
    // Once the version moved on, the compare can no longer apply.
    assert.equal(verdict(...base, [1, 3, 4, put('c'), ok('2')], [3, 5, 6, get(), found('b', '5')]), false);
  });

  it('an acknowledged delete hides the value from later reads', () => {
    const base: Row[] = [
      [1, 0, 1, create('a'), ok('1')],
      [1, 2, 3, del(), ok()],
    ];
    assert.equal(verdict(...base, [2, 4, 5, get(), missing]), true);
    assert.equal(verdict(...base, [2, 4, 5, get(), found('a', '1')]), false);
    assert.equal(verdict(...base, [2, 4, 5, del(), ok()]), false);
    assert.equal(verdict(...base, [2, 4, 5, create('b'), ok('2')]), true);
  });

  it('a delete with a stale precondition that succeeds fails', () => {
    const base: Row[] = [
      [1, 0, 1, create('a'), ok('1')],
      [1, 2, 3, update('b'), ok('2')],
    ];
    assert.equal(verdict(...base, [2, 4, 5, del('1'), ok()]), false);
    assert.equal(verdict(...base, [2, 4, 5, del('1'), conflict()]), true);
    assert.equal(verdict(...base, [2, 4, 5, del('2'), ok()]), true);
  });

  it('updates and compares of a missing key answer not found', () => {
    assert.equal(verdict([1, 0, 1, update('a'), missing], [1, 2, 3, cas('a', '1'), missing]), true);
    assert.equal(verdict([1, 0, 1, update('a'), ok('1')]), false);
    assert.equal(verdict([1, 0, 1, cas('a', '1'), conflict()]), false);
    assert.equal(verdict([1, 0, 1, create('a'), ok('1')], [1, 2, 3, update('b'), missing]), false);
  });

  it('a compare by value succeeds only on that value', () => {
    const base: Row[] = [[1, 0, 1, create('a'), ok('1')]];
    assert.equal(verdict(...base, [1, 2, 3, casValue('b', 'a'), ok('2')], [1, 4, 5, get(), found('b', '2')]), true);
    assert.equal(verdict(...base, [1, 2, 3, casValue('b', 'x'), ok('2')]), false);
    assert.equal(verdict(...base, [1, 2, 3, casValue('b', 'a'), conflict()]), false);
  });

  it('an unknown create racing an acknowledged one may have won', () => {
    const base: Row[] = [
      [1, 0, null, create('a'), null],
      [2, 1, 2, create('b'), exists],
    ];
    assert.equal(verdict(...base, [2, 3, 4, get(), found('a', '5')]), true);
    assert.equal(verdict(...base, [2, 3, 4, get(), missing]), false);
  });

  it('a version seen with two different values fails: the store reused a resourceVersion', () => {
    const result = checkOperations(
      kvModel,
      kvHistory([1, 0, 1, put('a'), ok('5')], [1, 2, 3, put('b'), ok('5')], [2, 4, 5, cas('c', '5'), ok('6')]),
    );
    assert.equal(result.ok, false);
    assert.match(result.ok === false ? result.explanation : '', /version 5 was seen with value "a" .* and with value "b"/);
  });

  it('an unknown window rules out a write taking effect after it', () => {
    const rows: Row[] = [
      [1, 0, 1, put('a'), ok('1')],
      [2, 2, null, put('b'), null],
      [3, 60, 61, get(), found('a', '1')],
      [3, 100, 101, get(), found('b', '7')],
    ];
    assert.equal(checkOperations(kvModel, kvHistory(...rows)).ok, true);
    assert.equal(checkOperations(kvModel, kvHistory(...rows), { unknownWindowMs: 50 }).ok, false);
    assert.equal(checkOperations(kvModel, kvHistory(...rows.slice(0, 3)), { unknownWindowMs: 50 }).ok, true);
  });

  it('keys are checked independently and the failing key is named', () => {
    const result = checkOperations(
      kvModel,
      kvHistory(
        [1, 0, 10, put('a', 'x'), ok('1')],
        [2, 1, 11, put('b', 'y'), ok('2')],
        [1, 12, 13, get('y'), found('b', '2')],
        [2, 12, 13, get('x'), missing],
      ),
    );
    assert.equal(result.ok, false);
    assert.equal(result.ok === false && result.partition, 'x');
  });
});
