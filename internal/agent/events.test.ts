import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiStatusError, FakeClock } from '../client/index.ts';
import type { JsonObject, KubeObject } from '../apiserver/objects.ts';
import type { Logger } from '../util/log.ts';
import { EventCorrelator } from './event-correlator.ts';
import { EventRecorder, type EventInput, type EventSink } from './events.ts';

type Mode = 'ok' | 'refuse' | 'hang' | 'gone';

class FakeSink implements EventSink {
  readonly created: KubeObject[] = [];
  readonly patched: { name: string; patch: JsonObject }[] = [];
  mode: Mode = 'ok';
  calls = 0;

  async create(_namespace: string, event: KubeObject, signal: AbortSignal): Promise<unknown> {
    await this.#answer(signal, false);
    this.created.push(event);
    return event;
  }

  async patch(_namespace: string, name: string, patch: JsonObject, signal: AbortSignal): Promise<unknown> {
    await this.#answer(signal, true);
    this.patched.push({ name, patch });
    return patch;
  }

  async #answer(signal: AbortSignal, patch: boolean): Promise<void> {
    this.calls++;
    if (this.mode === 'refuse') throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
    if (this.mode === 'gone' && patch) throw new ApiStatusError({ code: 404, reason: 'NotFound', message: 'events "x" not found' });
    if (this.mode === 'hang') {
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    }
  }
}

const pod = { kind: 'Pod', apiVersion: 'v1', namespace: 'shop', name: 'web', uid: 'u-1' };
const started = (container = 'app'): EventInput => ({
  object: { ...pod, fieldPath: `spec.containers{${container}}` }, type: 'Normal', reason: 'Started', message: `Started container ${container}`,
});

function recorder(sink: FakeSink, clock = new FakeClock(Date.parse('2026-01-02T03:04:05Z')), extra: { maxPending?: number; log?: Logger; writeTimeoutMs?: number } = {}) {
  return { clock, events: new EventRecorder({ sink, component: 'kubelet', host: 'node-1', clock, ...extra }) };
}

function logger(lines: string[]): Logger {
  const log: Logger = {
    error: (m) => void lines.push(m), warn: (m) => void lines.push(m), info: (m) => void lines.push(m), debug: () => undefined, with: () => log,
  };
  return log;
}

describe('event recorder', () => {
  it('writes a first occurrence as a core/v1 Event from the kubelet on the node about the container', async () => {
    const sink = new FakeSink();
    const { events } = recorder(sink);
    events.record(started());
    await events.flush();
    assert.equal(sink.created.length, 1);
    const event = sink.created[0] as KubeObject & Record<string, unknown>;
    assert.match(event.metadata.name ?? '', /^web\.[0-9a-f]+$/);
    assert.equal(event.metadata.namespace, 'shop');
    assert.deepEqual(event.involvedObject, { ...pod, fieldPath: 'spec.containers{app}' });
    assert.deepEqual(event.source, { component: 'kubelet', host: 'node-1' });
    assert.equal(event.reportingComponent, 'kubelet');
    assert.equal(event.reportingInstance, 'node-1');
    assert.equal(event.count, 1);
    assert.equal(event.type, 'Normal');
    assert.equal(event.firstTimestamp, '2026-01-02T03:04:05Z');
    assert.equal(event.lastTimestamp, '2026-01-02T03:04:05Z');
  });

  it('bumps count and lastTimestamp of the same object for an identical occurrence', async () => {
    const sink = new FakeSink();
    const { events, clock } = recorder(sink);
    events.record(started());
    await events.flush();
    clock.advance(30_000);
    events.record(started());
    events.record(started());
    await events.flush();
    assert.equal(sink.created.length, 1);
    assert.deepEqual(sink.patched.map((p) => [p.name, p.patch.count, p.patch.lastTimestamp]), [
      [sink.created[0]?.metadata.name, 2, '2026-01-02T03:04:35Z'],
      [sink.created[0]?.metadata.name, 3, '2026-01-02T03:04:35Z'],
    ]);
  });

  it('writes a new object for another container or another message', async () => {
    const sink = new FakeSink();
    const { events } = recorder(sink);
    events.record(started('app'));
    events.record(started('sidecar'));
    events.record({ ...started('app'), reason: 'Killing', message: 'Stopping container app' });
    await events.flush();
    assert.equal(sink.created.length, 3);
    assert.equal(new Set(sink.created.map((e) => e.metadata.name)).size, 3);
  });

  it('combines the tenth differently worded event of one reason, and bumps the combined one after that', async () => {
    const sink = new FakeSink();
    const { events } = recorder(sink);
    const unhealthy = (n: number): EventInput => ({ object: pod, type: 'Warning', reason: 'Unhealthy', message: `Readiness probe failed: attempt ${n}` });
    for (let n = 1; n <= 12; n++) events.record(unhealthy(n));
    await events.flush();
    assert.equal(sink.created.length, 10);
    assert.equal(sink.created[9]?.message, '(combined from similar events): Readiness probe failed: attempt 10');
    assert.deepEqual(sink.patched.map((p) => [p.name, p.patch.count, p.patch.message]), [
      [sink.created[9]?.metadata.name, 2, '(combined from similar events): Readiness probe failed: attempt 11'],
      [sink.created[9]?.metadata.name, 3, '(combined from similar events): Readiness probe failed: attempt 12'],
    ]);
  });

  it('lets one object write 25 events at once, then one more every five minutes', async () => {
    const sink = new FakeSink();
    const { events, clock } = recorder(sink);
    for (let n = 0; n < 40; n++) events.record(started(`c${n}`));
    await events.flush();
    assert.equal(sink.created.length, 25);
    assert.equal(events.stats.written, 25);
    clock.advance(299_000);
    events.record(started('late'));
    await events.flush();
    assert.equal(sink.created.length, 25);
    clock.advance(2_000);
    events.record(started('later'));
    events.record(started('too-soon'));
    await events.flush();
    assert.deepEqual(sink.created.slice(25).map((e) => e.message), ['Started container later']);
    const other = { ...started(), object: { ...pod, name: 'other', uid: 'u-2' } };
    events.record(other);
    await events.flush();
    assert.equal(sink.created.length, 27, 'another object has its own budget');
  });

  it('keeps at most maxPending writes waiting while the server does not answer, and drops the rest', async () => {
    const sink = new FakeSink();
    sink.mode = 'hang';
    const lines: string[] = [];
    const { events } = recorder(sink, undefined, { maxPending: 3, writeTimeoutMs: 20, log: logger(lines) });
    for (let n = 0; n < 20; n++) events.record({ ...started(`c${n}`), object: { ...pod, name: `pod-${n}`, uid: `u-${n}` } });
    assert.equal(events.stats.pending, 3, 'one write in flight, three waiting');
    assert.equal(events.stats.dropped, 16);
    await events.flush();
    assert.equal(events.stats.dropped, 20);
    assert.equal(events.stats.pending, 0);
    assert.equal(sink.calls, 4, 'dropped writes are not retried');
    assert.equal(lines.length, 1, 'the drops are logged once');
  });

  it('writes the count so far once the server answers again after dropped occurrences', async () => {
    const sink = new FakeSink();
    sink.mode = 'refuse';
    const { events } = recorder(sink);
    events.record(started());
    events.record(started());
    await events.flush();
    assert.equal(events.stats.dropped, 2);
    sink.mode = 'gone';
    events.record(started());
    await events.flush();
    assert.equal(sink.created.length, 1, 'the bump of an object never written creates it');
    assert.equal(sink.created[0]?.count, 3);
  });

  it('stops writing once stopped', async () => {
    const sink = new FakeSink();
    const { events } = recorder(sink);
    events.stop();
    events.record(started());
    await events.flush();
    assert.equal(sink.calls, 0);
  });
});

describe('event correlator', () => {
  it('remembers a bounded number of events', () => {
    const clock = new FakeClock(0);
    const correlator = new EventCorrelator({ clock, cacheSize: 50 });
    for (let n = 0; n < 1_000; n++) correlator.correlate({ ...started(), object: { ...pod, name: `pod-${n}` } }, () => `e${n}`);
    assert.equal(correlator.size, 50);
  });
});
