import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { learnerToPromote } from './node.ts';

type Progress = { match: number; next: number; state: 'probe' | 'replicate' | 'snapshot'; recentActive: boolean };

const status = (progress: Record<string, Partial<Progress>>) => ({
  conf: { voters: ['a'], learners: Object.keys(progress) },
  progress: new Map(Object.entries(progress).map(([id, p]) => [id, { match: 0, next: 1, state: 'replicate' as const, recentActive: true, ...p }])),
});

describe('which learner becomes a voter', () => {
  it('one that answers, takes entries as they come and holds what was committed an election timeout ago, though behind the commit index now', () => {
    assert.equal(learnerToPromote(status({ b: { match: 980 } }), 950, () => 1), 'b');
  });

  it('not one that stopped answering, however caught up', () => {
    assert.equal(learnerToPromote(status({ b: { match: 1000 } }), 1000, () => 4), undefined);
    assert.equal(learnerToPromote(status({ b: { match: 1000 } }), 1000, () => Number.POSITIVE_INFINITY), undefined);
  });

  it('not one still catching up: behind what was committed before, or still probed or sent a snapshot', () => {
    assert.equal(learnerToPromote(status({ b: { match: 900 } }), 950, () => 0), undefined);
    assert.equal(learnerToPromote(status({ b: { match: 1000, state: 'probe' } }), 950, () => 0), undefined);
    assert.equal(learnerToPromote(status({ b: { match: 1000, state: 'snapshot' } }), 950, () => 0), undefined);
  });

  it('the first of several that keep up', () => {
    assert.equal(learnerToPromote(status({ b: { match: 10 }, c: { match: 1000 }, d: { match: 1000 } }), 950, () => 0), 'c');
  });
});
