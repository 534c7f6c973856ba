import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOperations, kvModel, type CheckResult, type KvInput, type KvOutput, type Operation } from './linearizability.ts';
import { mutateToStaleRead, randomKvHistory, type RandomHistoryOptions } from './linearizability-random.ts';
import { mulberry32 } from '../../internal/util/seeded-random.ts';
import { cas, create, conflict, exists, found, get, kvHistory, ok, put } from './linearizability-rows.ts';

type KvResult = CheckResult<KvInput, KvOutput>;

function assertViolation(result: KvResult): asserts result is Extract<KvResult, { ok: false }> {
  assert.equal(result.ok, false, 'expected a violation');
}

describe('linearizability checker', () => {
  it('linearizable concurrent histories pass', () => {
    // Two overlapping writes may take effect in either order; reads overlapping them may see either.
    const history = kvHistory(
      [1, 0, 10, put('a'), ok('1')],
      [2, 1, 11, put('b'), ok('2')],
      [3, 2, 5, get(), found('b', '2')],
      [4, 3, 12, get(), found('a', '1')],
      [3, 13, 14, get(), found('a', '1')],
      [5, 15, 20, cas('c', '1'), ok('3')],
      [1, 16, 17, get(), found('a', '1')],
      [2, 18, 19, get(), found('c', '3')],
    );
    assert.deepEqual(checkOperations(kvModel, history), { ok: true });
  });

  it('a stale read after an acknowledged write fails, naming the read', () => {
    const history = kvHistory(
      [1, 0, 1, put('a'), ok('1')],
      [1, 2, 3, put('b'), ok('2')],
      [2, 4, 5, get(), found('a', '1')],
    );
    const result = checkOperations(kvModel, history);
    assertViolation(result);
    assert.equal(result.partition, 'k');
    assert.equal(result.culprit, history[2]);
    assert.deepEqual(result.longestPrefix, history.slice(0, 2));
    assert.match(result.explanation, /the first answer that no order explains: #2 client 2 \[\+4, \+5\] get -> found "a" @1/);
    assert.match(result.explanation, /2\. #1 client 1 \[\+2, \+3\] put "b" -> ok @2 {2}=> "b" @2/);
  });

  it('a lost acknowledged write fails: a later read returns the older value', () => {
    const history = kvHistory(
      [1, 0, 1, put('a'), ok('1')],
      [2, 2, 3, put('b'), ok('2')],
      [3, 4, 5, get(), found('b', '2')],
      [1, 6, 7, get(), found('a', '1')],
    );
    const result = checkOperations(kvModel, history);
    assertViolation(result);
    assert.equal(result.culprit, history[3]);
  });

  it('two creates of the same key that both succeed fail, even when concurrent', () => {
    const both = kvHistory([1, 0, 10, create('a'), ok('1')], [2, 1, 11, create('b'), ok('2')]);
    assert.equal(checkOperations(kvModel, both).ok, false);
    const one = kvHistory([1, 0, 10, create('a'), ok('1')], [2, 1, 11, create('b'), exists]);
    assert.equal(checkOperations(kvModel, one).ok, true);
  });

  it('a compare-and-swap with a stale version that succeeds fails', () => {
    const stale = kvHistory(
      [1, 0, 1, create('a'), ok('1')],
      [1, 2, 3, cas('b', '1'), ok('2')],
      [2, 4, 5, cas('c', '1'), ok('3')],
    );
    assert.equal(checkOperations(kvModel, stale).ok, false);
    const refused = kvHistory(
      [1, 0, 1, create('a'), ok('1')],
      [1, 2, 3, cas('b', '1'), ok('2')],
      [2, 4, 5, cas('c', '1'), conflict()],
    );
    assert.equal(checkOperations(kvModel, refused).ok, true);
  });

  it('unknown-outcome writes that may or may not have applied pass in both cases', () => {
    const write = (...reads: [number, number, KvOutput][]) =>
      kvHistory(
        [1, 0, 1, put('a'), ok('1')],
        [2, 2, null, put('b'), null],
        ...reads.map(([call, ret, output]): [number, number, number, KvInput, KvOutput] => [3, call, ret, get(), output]),
      );
    assert.equal(checkOperations(kvModel, write([3, 4, found('a', '1')])).ok, true);
    assert.equal(checkOperations(kvModel, write([3, 4, found('b', '7')])).ok, true);
    assert.equal(checkOperations(kvModel, write([3, 4, found('a', '1')], [5, 6, found('b', '7')])).ok, true);
    // Once seen applied, it cannot be undone.
    assert.equal(checkOperations(kvModel, write([3, 4, found('b', '7')], [5, 6, found('a', '1')])).ok, false);
  });

  it('an unknown write that is observed later passes, and its version is then known', () => {
    const history = kvHistory(
      [1, 0, 1, put('a'), ok('1')],
      [2, 2, null, put('b'), null],
      [1, 100, 101, get(), found('b', '7')],
      [3, 102, 103, cas('c', '7'), ok('8')],
      [1, 104, 105, get(), found('c', '8')],
    );
    assert.equal(checkOperations(kvModel, history).ok, true);
  });

  it('a read observing a value never written fails', () => {
    const history = kvHistory([1, 0, 1, put('a'), ok('1')], [2, 0, null, put('b'), null], [3, 2, 3, get(), found('z', '9')]);
    const result = checkOperations(kvModel, history);
    assertViolation(result);
    assert.equal(result.culprit, history[2]);
  });

  it('a search that runs out of time answers unknown instead of hanging', () => {
    // Twenty concurrent writes and a read of a value none wrote: every order must be tried.
    const writes = Array.from({ length: 20 }, (_, i): Operation<KvInput, KvOutput> => ({
      client: i,
      input: put(`v${i}`),
      call: 0,
      return: 100,
      output: ok(String(i + 1)),
    }));
    const history = [...writes, ...kvHistory([99, 101, 102, get(), found('never', '99')])];
    let clock = 0;
    const fake = checkOperations(kvModel, history, { timeoutMs: 5_000, now: () => (clock += 1_000) });
    assert.equal(fake.ok, 'unknown');
    assert.equal(checkOperations(kvModel, history, { timeoutMs: 100 }).ok, 'unknown');
  });

  it('a history with a return before its call is rejected', () => {
    assert.throws(() => checkOperations(kvModel, kvHistory([1, 5, 4, get(), found('a')])), /returning before its call/);
  });
});

describe('linearizability checker on random register histories', () => {
  // Each history is recorded from one sequential register, so it is linearizable; making one
  // read return a value overwritten before the read began makes it certainly not.
  const configs: Omit<RandomHistoryOptions, 'seed'>[] = [
    { clients: 5, operations: 3_000, keys: 1, lostRate: 0 },
    { clients: 5, operations: 5_000, keys: 8, lostRate: 0.005 },
    { clients: 5, operations: 20_000, keys: 16, lostRate: 0.05, lostWindow: 50 },
  ];
  const cases = configs.flatMap((config) => [1, 2, 3].map((seed) => ({ ...config, seed })));
  const check = (c: RandomHistoryOptions, history: Operation<KvInput, KvOutput>[]) =>
    checkOperations(kvModel, history, { timeoutMs: 5_000, unknownWindowMs: c.lostWindow });

  it('large random histories from a sequential register pass within the time limit', () => {
    for (const c of cases) assert.deepEqual(check(c, randomKvHistory(c)), { ok: true }, JSON.stringify(c));
  });

  it('the same histories with one read made stale fail, naming that read', () => {
    for (const c of cases) {
      const mutated = mutateToStaleRead(randomKvHistory(c), mulberry32(c.seed));
      assert.ok(mutated !== null, JSON.stringify(c));
      const result = check(c, mutated.history);
      assertViolation(result);
      assert.equal(result.partition, mutated.read.input.key, JSON.stringify(c));
      assert.equal(result.culprit, mutated.read, JSON.stringify(c));
    }
  });
});
