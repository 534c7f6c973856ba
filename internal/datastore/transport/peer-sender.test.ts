import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../raft/types.ts';
import { decodeMessages, encodeFrame } from './codec.ts';
import { PeerSender, type PeerSenderOptions } from './peer-sender.ts';

function heartbeat(commit: number, data = 0): Buffer {
  const message: Message = {
    type: data > 0 ? 'app' : 'heartbeat', from: 'a', to: 'b', term: 1, logTerm: 0, index: 0, commit,
    entries: data > 0 ? [{ index: commit, term: 1, type: 'normal', data: new Uint8Array(data) }] : [],
    reject: false, rejectHint: 0,
  };
  return encodeFrame(message);
}

/** A sender whose posts wait until the test settles them. */
function harness(overrides: Partial<PeerSenderOptions> = {}) {
  const posts: { commits: number[]; settle(error?: Error): void }[] = [];
  const failures: number[] = [];
  const drops: number[] = [];
  const sender = new PeerSender({
    post: (body) =>
      new Promise<void>((resolve, reject) => {
        posts.push({
          commits: decodeMessages(body).map((m) => m.commit),
          settle: (error) => (error === undefined ? resolve() : reject(error)),
        });
      }),
    onFailure: (_error, messages) => failures.push(messages),
    onDrop: (messages) => drops.push(messages),
    maxQueuedMessages: 100,
    maxQueuedBytes: 1 << 30,
    maxBatchBytes: 1 << 30,
    minBackoffMs: 1,
    maxBackoffMs: 1,
    ...overrides,
  });
  return { sender, posts, failures, drops };
}

const turn = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await turn(1);
  }
}

test('one batch is in flight at a time and what queues meanwhile goes out together, in order', async () => {
  const { sender, posts } = harness();
  sender.enqueue([heartbeat(1), heartbeat(2)]);
  sender.enqueue([heartbeat(3)]);
  sender.enqueue([heartbeat(4), heartbeat(5)]);
  assert.equal(posts.length, 1);
  assert.deepEqual(posts[0]?.commits, [1, 2]);
  posts[0]?.settle();
  await until(() => posts.length === 2, 'the second batch');
  assert.deepEqual(posts[1]?.commits, [3, 4, 5]);
  assert.equal(sender.queued, 0);
});

test('a full queue drops its oldest messages first', async () => {
  const { sender, posts, drops } = harness({ maxQueuedMessages: 3 });
  sender.enqueue([heartbeat(1)]);
  sender.enqueue([2, 3, 4, 5, 6].map((n) => heartbeat(n)));
  assert.deepEqual(drops, [2]);
  posts[0]?.settle();
  await until(() => posts.length === 2, 'the second batch');
  assert.deepEqual(posts[1]?.commits, [4, 5, 6]);
});

test('the queue is also bounded in bytes', () => {
  const frame = heartbeat(1, 1000);
  const { sender, drops } = harness({ maxQueuedBytes: frame.byteLength * 2 });
  sender.enqueue([heartbeat(1)]);
  sender.enqueue([heartbeat(2, 1000), heartbeat(3, 1000), heartbeat(4, 1000)]);
  assert.deepEqual(drops, [1]);
  assert.equal(sender.queued, 2);
});

test('a batch is cut to fit the largest body, but one oversized message still goes alone', async () => {
  const limit = 4 + heartbeat(3, 5000).byteLength + heartbeat(4).byteLength;
  const { sender, posts } = harness({ maxBatchBytes: limit });
  sender.enqueue([heartbeat(1)]);
  sender.enqueue([heartbeat(2, 10_000), heartbeat(3, 5000), heartbeat(4), heartbeat(5)]);
  posts[0]?.settle();
  await until(() => posts.length === 2, 'the second batch');
  assert.deepEqual(posts[1]?.commits, [2]);
  posts[1]?.settle();
  await until(() => posts.length === 3, 'the third batch');
  assert.deepEqual(posts[2]?.commits, [3, 4]);
  posts[2]?.settle();
  await until(() => posts.length === 4, 'the fourth batch');
  assert.deepEqual(posts[3]?.commits, [5]);
});

test('a failed batch is reported and dropped, and the next batch follows after a pause', async () => {
  const { sender, posts, failures } = harness({ minBackoffMs: 30, maxBackoffMs: 30 });
  sender.enqueue([heartbeat(1), heartbeat(2)]);
  posts[0]?.settle(new Error('connection refused'));
  await until(() => failures.length === 1, 'the failure');
  assert.deepEqual(failures, [2]);
  sender.enqueue([heartbeat(3)]);
  await turn(5);
  assert.equal(posts.length, 1, 'no batch during the pause');
  await until(() => posts.length === 2, 'the batch after the pause');
  assert.deepEqual(posts[1]?.commits, [3]);
});

test('a stopped sender drops its queue and reports nothing more', async () => {
  const { sender, posts, failures } = harness();
  sender.enqueue([heartbeat(1)]);
  sender.enqueue([heartbeat(2)]);
  sender.stop();
  posts[0]?.settle(new Error('aborted'));
  sender.enqueue([heartbeat(3)]);
  await turn(5);
  assert.equal(posts.length, 1);
  assert.deepEqual(failures, []);
  assert.equal(sender.queued, 0);
});
