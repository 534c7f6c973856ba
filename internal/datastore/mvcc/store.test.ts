import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventually } from '../../../test/support/poll.ts';
import { tempDir } from '../../../test/support/tmp.ts';
import { openSqlite } from '../../util/sqlite.ts';
import { runBackendCases } from '../backend.case.test.ts';
import { CompactedError, DataFileError } from '../errors.ts';
import { MvccStore } from './store.ts';

const str = (value: Uint8Array | undefined): string => new TextDecoder().decode(value);

runBackendCases('single-node SQLite', async ({ dir, now }) =>
  MvccStore.open({ file: join(dir, 'state.db'), now, leaseCheckIntervalMs: 5, compactIntervalMs: 0 }),
);

describe('single-node store', () => {
  const text = (value: string): Uint8Array => new TextEncoder().encode(value);
  const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

  it('refuses a file that is not a SQLite database, naming it, and leaves it untouched', (t) => {
    const file = join(tempDir(t), 'state.db');
    writeFileSync(file, 'this is not a database\n'.repeat(100));
    const before = sha(file);
    assert.throws(
      () => MvccStore.open({ file }),
      (error: unknown) => error instanceof DataFileError && error.message.includes(file) && /not a SQLite database/.test(error.message),
    );
    assert.equal(sha(file), before);
  });

  it('refuses the SQLite database of another application', (t) => {
    const file = join(tempDir(t), 'state.db');
    const foreign = openSqlite(file);
    foreign.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES (\'x\')');
    foreign.close();
    const before = sha(file);
    assert.throws(() => MvccStore.open({ file }), /another application.*not a skiff datastore/);
    assert.equal(sha(file), before);
  });

  it('refuses a corrupt datastore with a message that names the file and the way out', async (t) => {
    const file = join(tempDir(t), 'state.db');
    const store = MvccStore.open({ file, compactIntervalMs: 0 });
    for (let i = 0; i < 2000; i++) await store.create(`/registry/k/${i}`, text('v'.repeat(200)));
    await store.close();
    // Scribble over a page in the middle of the file (page 1 holds the header, which stays valid).
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 8 * 4096);
    closeSync(fd);
    const before = sha(file);
    assert.throws(
      () => MvccStore.open({ file }),
      (error: unknown) => error instanceof DataFileError && error.message.includes(file) && /corrupt/.test(error.message),
    );
    assert.equal(sha(file), before);
  });

  it('refuses a file written by a newer schema', async (t) => {
    const file = join(tempDir(t), 'state.db');
    await MvccStore.open({ file }).close();
    const db = openSqlite(file);
    db.pragma('user_version = 99');
    db.close();
    assert.throws(() => MvccStore.open({ file }), /newer skiff/);
  });

  it('refuses to open a file another store holds', async (t) => {
    const file = join(tempDir(t), 'state.db');
    const first = MvccStore.open({ file });
    t.after(() => first.close());
    await first.create('/a', text('1'));
    assert.throws(() => MvccStore.open({ file }), /in use by another process/);
    assert.equal(str((await first.get('/a')).kv?.value), '1');
  });

  it('concurrent writers share transactions (group commit)', async (t) => {
    const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
    t.after(() => store.close());
    const before = store.commitStats;
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.create(`/g/${i}`, text('x'))));
    const after = store.commitStats;
    assert.equal(after.commands - before.commands, 200);
    assert.ok(after.batches - before.batches < 20, `200 concurrent writes took ${after.batches - before.batches} transactions`);
  });

  it('compacts automatically, keeping the configured window of revisions', async (t) => {
    const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 10, compactWindow: 50 });
    t.after(() => store.close());
    let revision = await store.create('/auto', text('0'));
    for (let i = 1; i < 300; i++) revision = (await store.update('/auto', text(String(i)), revision)).revision;
    const head = await store.currentRevision();
    await eventually('automatic compaction', async () => (await store.compactRevision()) === head - 50);
    assert.equal(str((await store.get('/auto', { revision: head - 50 })).kv?.value), String(299 - 50));
    await assert.rejects(store.get('/auto', { revision: head - 51 }), CompactedError);
  });

  it('keeps the file from growing under steady churn once compaction reclaims space', async (t) => {
    const file = join(tempDir(t), 'state.db');
    const store = MvccStore.open({ file, compactIntervalMs: 0, sweepBatch: 200 });
    t.after(() => store.close());
    const value = text('x'.repeat(1024));
    const revisions = new Map<string, number>();
    const size = (): number => statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    const sizes: number[] = [];
    for (let round = 0; round < 12; round++) {
      await Promise.all(
        Array.from({ length: 200 }, async (_, k) => {
          const key = `/churn/${k}`;
          const current = revisions.get(key);
          const revision = current === undefined ? await store.create(key, value) : (await store.update(key, value, current)).revision;
          revisions.set(key, revision);
        }),
      );
      for (let i = 0; i < 4; i++) {
        // more updates per round than keys, so most rows become garbage
        await Promise.all(
          [...revisions].map(async ([key, revision]) => revisions.set(key, (await store.update(key, value, revision)).revision)),
        );
      }
      await store.compact((await store.currentRevision()) - 100);
      await store.maintain();
      sizes.push(size());
    }
    const [early, late] = [sizes[3] ?? 0, sizes[11] ?? 0];
    assert.ok(late <= early * 1.25, `file grew from ${early} to ${late} bytes under steady churn (${sizes.join(', ')})`);
    assert.equal((await store.range({ prefix: '/churn/', countOnly: true })).count, 200);
  });
});
