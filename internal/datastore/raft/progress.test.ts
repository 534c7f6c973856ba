import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inflights } from './inflights.ts';
import { Progress } from './progress.ts';
import { ProgressTracker } from './progress-tracker.ts';

test('a probing follower gets one append at a time until it answers', () => {
  const p = new Progress(5, 4);
  assert.equal(p.isPaused(), false);
  p.sentEntries(7);
  assert.equal(p.isPaused(), true);
  assert.equal(p.maybeUpdate(7), true);
  assert.equal(p.isPaused(), false);
  assert.equal(p.next, 8);
});

test('a replicating follower is paused once the inflight window is full and freed by acknowledgements', () => {
  const p = new Progress(1, 2);
  p.becomeReplicate();
  p.sentEntries(3);
  p.sentEntries(6);
  assert.equal(p.next, 7);
  assert.equal(p.isPaused(), true);
  p.inflights.freeLE(3);
  assert.equal(p.isPaused(), false);
});

test('a rejection moves next back to the hint, and a stale one is ignored', () => {
  const p = new Progress(100, 4);
  assert.equal(p.maybeDecrTo(50, 10), false, 'not the append just sent');
  assert.equal(p.maybeDecrTo(99, 10), true);
  assert.equal(p.next, 11);
  const r = new Progress(1, 4);
  r.maybeUpdate(20);
  r.becomeReplicate();
  assert.equal(r.maybeDecrTo(15, 0), false);
  assert.equal(r.maybeDecrTo(30, 0), true);
  assert.equal(r.next, 21);
});

test('after a snapshot the follower is probed right after the snapshot index', () => {
  const p = new Progress(3, 4);
  p.becomeSnapshot(40);
  assert.equal(p.isPaused(), true);
  p.becomeProbe();
  assert.equal(p.next, 41);
});

test('inflights free everything up to an index in order', () => {
  const inflights = new Inflights(3);
  inflights.add(2);
  inflights.add(5);
  inflights.add(9);
  assert.equal(inflights.full(), true);
  inflights.freeLE(5);
  assert.equal(inflights.count(), 1);
  inflights.freeFirstOne();
  assert.equal(inflights.count(), 0);
});

test('the committed index is the highest one a majority of voters holds, learners aside', () => {
  const t = new ProgressTracker(4);
  t.setConf({ voters: ['a', 'b', 'c'], learners: ['d'] }, 1);
  const match = (id: string, m: number): void => {
    const p = t.progress.get(id);
    if (p !== undefined) p.match = m;
  };
  match('a', 9);
  match('b', 5);
  match('c', 2);
  match('d', 9);
  assert.equal(t.committed(), 5);
});

test('an election is won by a majority of voters and lost once a majority refused', () => {
  const t = new ProgressTracker(4);
  t.setConf({ voters: ['a', 'b', 'c', 'd', 'e'], learners: ['f'] }, 1);
  t.recordVote('a', true);
  t.recordVote('f', true);
  t.recordVote('b', true);
  assert.equal(t.tallyVotes(), 'pending');
  t.recordVote('c', false);
  t.recordVote('d', false);
  assert.equal(t.tallyVotes(), 'pending');
  t.recordVote('e', false);
  assert.equal(t.tallyVotes(), 'lost');
  t.resetVotes();
  for (const id of ['a', 'b', 'c']) t.recordVote(id, true);
  assert.equal(t.tallyVotes(), 'won');
});
