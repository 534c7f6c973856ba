import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../test/support/tmp.ts';
import { FakeClock } from '../../client/fake-clock.ts';
import { MvccStore } from '../../datastore/mvcc/store.ts';
import { createLogger } from '../../util/log.ts';
import type { SnapshotSource } from './snapshot-file.ts';
import { SnapshotService } from './snapshot-service.ts';

const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

const settle = async (): Promise<void> => {
  // The copy itself runs on real event-loop turns (SQLite's backup steps), so let those finish.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

function setup(t: { after(fn: () => unknown): unknown }, wrap: (store: MvccStore) => SnapshotSource = (store) => store) {
  const dir = tempDir(t);
  const store = MvccStore.open({ file: join(dir, 'state.db'), compactIntervalMs: 0, leaseCheckIntervalMs: 0 });
  t.after(() => store.close());
  const lines: string[] = [];
  const clock = new FakeClock(Date.parse('2024-03-01T00:00:00Z'));
  const service = new SnapshotService({ source: wrap(store), dir: join(dir, 'snapshots'), nodeName: 'pi-01', clock, log: createLogger('info', (line) => lines.push(line)) });
  return { dir: join(dir, 'snapshots'), store, clock, service, lines };
}

async function minutes(clock: FakeClock, count: number, until: () => boolean): Promise<void> {
  for (let i = 0; i < count; i++) {
    await settle();
    clock.advance(60_000);
    for (let wait = 0; wait < 100 && !until(); wait++) await settle();
  }
}

describe('snapshot service', () => {
  it('names an on-demand snapshot after the node and the injected clock', async (t) => {
    const { service } = setup(t);
    const saved = await service.save('before-upgrade');
    assert.equal(saved.name, `before-upgrade-pi-01-${Date.parse('2024-03-01T00:00:00Z') / 1000}`);
    assert.deepEqual(service.list().map((s) => s.name), [saved.name]);
  });

  it('scheduled saves keep only the newest of their own, never touching on-demand snapshots', async (t) => {
    const { dir, clock, service, store } = setup(t);
    await store.create('/registry/k', new TextEncoder().encode('v'));
    const manual = await service.save();
    const controller = new AbortController();
    const loop = service.runSchedule({ cron: '* * * * *', retention: 2, timeZone: 'UTC' }, controller.signal);
    let runs = 0;
    for (let i = 1; i <= 4; i++) {
      await minutes(clock, 1, () => files(dir).filter((f) => f.startsWith('skiff-scheduled-')).length === Math.min(i, 2) && files(dir).includes(`skiff-scheduled-pi-01-${clock.now() / 1000}`));
      runs = i;
    }
    controller.abort();
    await loop;
    assert.equal(runs, 4);
    const start = Date.parse('2024-03-01T00:00:00Z') / 1000;
    assert.deepEqual(readdirSync(dir).sort(), [manual.name, `skiff-scheduled-pi-01-${start + 180}`, `skiff-scheduled-pi-01-${start + 240}`].sort());
  });

  it('a scheduled save that fails is logged and the next one still runs', async (t) => {
    let calls = 0;
    const { dir, clock, service, lines } = setup(t, (store) => ({
      backupTo: async (file: string) => {
        calls += 1;
        if (calls === 1) throw new Error('disk full');
        await store.backupTo(file);
      },
    }));
    const controller = new AbortController();
    const loop = service.runSchedule({ cron: '* * * * *', retention: 5, timeZone: 'UTC' }, controller.signal);
    await minutes(clock, 2, () => files(dir).length > 0 && calls >= 2);
    controller.abort();
    await loop;
    assert.equal(calls, 2);
    assert.equal(readdirSync(dir).length, 1);
    assert.ok(lines.some((line) => /ERROR scheduled snapshot failed.*disk full/.test(line)), lines.join(''));
  });

  it('an empty schedule saves nothing and returns at once', async (t) => {
    const { service } = setup(t);
    await service.runSchedule({ cron: '', retention: 5 }, new AbortController().signal);
    assert.deepEqual(service.list(), []);
  });
});
