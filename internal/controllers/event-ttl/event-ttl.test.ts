import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiClient, FakeClock } from '../../client/index.ts';
import { startTestApiServer } from '../../client/test-api-server.ts';
import { createLogger } from '../../util/log.ts';
import { eventExpired, eventLastSeenMs } from './event-expiry.ts';
import { sweepExpiredEvents } from './event-ttl-controller.ts';

const hour = 3_600_000;

describe('event expiry', () => {
  it('the latest of lastTimestamp, eventTime, series.lastObservedTime and creationTimestamp counts', () => {
    const event = {
      metadata: { name: 'e', creationTimestamp: '2025-01-01T00:00:00Z' },
      lastTimestamp: '2025-01-01T00:10:00Z',
      eventTime: '2025-01-01T00:05:00.000000Z',
      series: { count: 3, lastObservedTime: '2025-01-01T00:20:00.123456Z' },
    };
    assert.equal(eventLastSeenMs(event), Date.parse('2025-01-01T00:20:00.123Z'));
    assert.equal(eventExpired(event, Date.parse('2025-01-01T01:20:00Z')), false);
    assert.equal(eventExpired(event, Date.parse('2025-01-01T01:20:01Z')), true);
  });

  it('an Event with no time at all never expires here', () => {
    assert.equal(eventExpired({ metadata: { name: 'e' } }, Date.parse('2030-01-01T00:00:00Z')), false);
  });

  it('a sweep deletes the expired Events of both API groups, page by page, and keeps the recurring one', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    await api.resource('Namespace', 'v1').create(null, { metadata: { name: 'default' } });
    const created = Date.now();
    const core = api.resource('Event', 'v1');
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const involved = { kind: 'Pod', name: 'p', namespace: 'default' };
    for (let i = 0; i < 7; i++) await core.create('default', { metadata: { name: `old-${i}` }, involvedObject: involved, reason: 'R', message: 'm', lastTimestamp: iso(created - 2 * hour) });
    // Seen again half an hour after it was first written (as a count bump would record).
    await core.create('default', { metadata: { name: 'recurring' }, involvedObject: involved, reason: 'R', message: 'm', lastTimestamp: iso(created + 30 * 60_000) });
    await api.resource('Event', 'events.k8s.io/v1').create('default', {
      metadata: { name: 'new-api' },
      eventTime: new Date(created - 3 * hour).toISOString().replace('Z', '000Z'),
      regarding: involved,
      reason: 'R',
      note: 'n',
      action: 'A',
      reportingController: 'c',
      reportingInstance: 'i',
      type: 'Normal',
    });
    const clock = new FakeClock(created + 59 * 60_000);
    const sweep = (): Promise<number> => sweepExpiredEvents({ api, log: createLogger('error'), clock, pageSize: 3 });
    assert.equal(await sweep(), 0, 'nothing is an hour past its creation yet');
    clock.advance(3 * 60_000);
    assert.equal(await sweep(), 8);
    assert.deepEqual((await core.list('default')).items.map((e) => e.metadata.name), ['recurring']);
    clock.advance(30 * 60_000);
    assert.equal(await sweep(), 1);
  });
});
