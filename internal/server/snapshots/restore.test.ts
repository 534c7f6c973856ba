import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../test/support/tmp.ts';
import { MvccStore } from '../../datastore/mvcc/store.ts';
import { openSqlite } from '../../util/sqlite.ts';
import { SnapshotError } from './errors.ts';
import { restoreSnapshot } from './restore.ts';
import { writeSnapshotFile } from './snapshot-file.ts';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const openStore = (file: string): MvccStore => MvccStore.open({ file, compactIntervalMs: 0, leaseCheckIntervalMs: 0 });
const now = 1_712_345_678_000;

/** A closed datastore with keys a and b, and a snapshot taken when it held only a. */
async function datastoreAndSnapshot(dir: string): Promise<{ target: string; snapshot: string; snapshotRevision: number }> {
  const target = join(dir, 'db', 'state.db');
  mkdirSync(join(dir, 'db'));
  const store = openStore(target);
  await store.create('/registry/a', text('1'));
  const saved = await writeSnapshotFile(store, join(dir, 'snapshots'), 'skiff-snapshot-n-1712345000', 0);
  await store.create('/registry/b', text('2'));
  await store.close();
  return { target, snapshot: saved.path, snapshotRevision: saved.revision };
}

describe('snapshot restore', () => {
  it('moves the datastore aside, puts the snapshot in its place and resets the membership', async (t) => {
    const dir = tempDir(t);
    const { target, snapshot, snapshotRevision } = await datastoreAndSnapshot(dir);
    const before = sha(target);
    const reset: string[] = [];
    const result = restoreSnapshot({ source: snapshot, target, now, resetMembership: (file) => reset.push(file) });

    assert.equal(result.movedAside, `${target}.before-restore-1712345678`);
    assert.equal(sha(result.movedAside), before);
    assert.deepEqual(result, { movedAside: `${target}.before-restore-1712345678`, movedSidecars: [], revision: snapshotRevision, keys: 1 });
    assert.deepEqual(reset, [target]);
    assert.equal(statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(dir, 'db')).sort(), ['state.db', 'state.db.before-restore-1712345678']);

    const restored = openStore(target);
    t.after(() => restored.close());
    assert.deepEqual((await restored.range({ prefix: '/registry/' })).kvs.map((kv) => kv.key), ['/registry/a']);
    assert.equal(await restored.currentRevision(), snapshotRevision);
    const old = openStore(`${target}.before-restore-1712345678`);
    t.after(() => old.close());
    assert.equal((await old.range({ prefix: '/registry/' })).count, 2, 'the replaced data is kept');
  });

  it('restores into a data directory that has no datastore yet', async (t) => {
    const { snapshot } = await datastoreAndSnapshot(tempDir(t));
    const target = join(tempDir(t), 'server', 'db', 'state.db');
    const result = restoreSnapshot({ source: snapshot, target, now });
    assert.equal(result.movedAside, null);
    assert.equal(result.keys, 1);
    assert.ok(existsSync(target));
  });

  it('refuses while a server holds the datastore, with one line saying to stop it first', async (t) => {
    const dir = tempDir(t);
    const { target, snapshot } = await datastoreAndSnapshot(dir);
    const running = openStore(target);
    t.after(() => running.close());
    assert.throws(
      () => restoreSnapshot({ source: snapshot, target, now }),
      (error: unknown) => error instanceof SnapshotError && error.code === 'InUse' && /stop it first/.test(error.message) && !error.message.includes('\n'),
    );
    assert.equal((await running.range({ prefix: '/registry/' })).count, 2);
    assert.deepEqual(readdirSync(join(dir, 'db')).filter((f) => f !== 'state.db' && f !== 'state.db-wal'), []);
  });

  it('refuses files that are not skiff snapshots without touching the datastore', async (t) => {
    const dir = tempDir(t);
    const { target } = await datastoreAndSnapshot(dir);
    const before = sha(target);
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'not a database\n'.repeat(200));
    const foreign = join(dir, 'other.sqlite');
    const db = openSqlite(foreign);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    db.close();
    const empty = join(dir, 'empty.sqlite');
    openSqlite(empty).close();
    writeFileSync(empty, '');
    const cases: Array<[string, RegExp]> = [
      [notes, /not a SQLite database/],
      [foreign, /another application \(application_id 0\)/],
      [empty, /not a SQLite database/],
      [join(dir, 'missing'), /is not a file/],
    ];
    for (const [source, message] of cases) {
      assert.throws(() => restoreSnapshot({ source, target, now }), (error: unknown) => error instanceof SnapshotError && message.test(error.message), source);
    }
    assert.equal(sha(target), before);
    assert.deepEqual(readdirSync(join(dir, 'db')), ['state.db']);
  });

  it('refuses a corrupt snapshot after checking its copy, leaving the datastore in place', async (t) => {
    const dir = tempDir(t);
    const { target, snapshot } = await datastoreAndSnapshot(dir);
    const before = sha(target);
    const bytes = readFileSync(snapshot);
    // Garble the second page (the kv table's root) but keep the header, so only SQLite's own check can tell.
    bytes.fill(0xab, 4096, 8192);
    writeFileSync(snapshot, bytes);
    assert.throws(() => restoreSnapshot({ source: snapshot, target, now }), (error: unknown) => error instanceof SnapshotError && error.code === 'NotADatastore' && error.message.startsWith(`Cannot restore from ${snapshot} as`));
    assert.equal(sha(target), before);
    assert.deepEqual(readdirSync(join(dir, 'db')), ['state.db']);
  });
});
