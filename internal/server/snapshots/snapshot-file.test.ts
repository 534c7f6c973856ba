import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../../test/support/tmp.ts';
import { MvccStore } from '../../datastore/mvcc/store.ts';
import { SnapshotError } from './errors.ts';
import { verifySnapshotFile, writeSnapshotFile } from './snapshot-file.ts';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const openStore = (file: string): MvccStore => MvccStore.open({ file, compactIntervalMs: 0, leaseCheckIntervalMs: 0 });

describe('snapshot file', () => {
  it('is a mode 0600 single-file copy of the datastore that the store opens with the same keys', async (t) => {
    const dir = tempDir(t);
    const store = openStore(join(dir, 'state.db'));
    t.after(() => store.close());
    for (let i = 0; i < 50; i++) await store.create(`/registry/configmaps/default/cm-${i}`, text(`value ${i}`));
    const head = await store.currentRevision();

    const saved = await writeSnapshotFile(store, join(dir, 'snapshots'), 'skiff-snapshot-n-1712345678', 1_712_345_678_000);
    assert.equal(saved.path, join(dir, 'snapshots', 'skiff-snapshot-n-1712345678'));
    assert.equal(saved.revision, head);
    assert.equal(saved.sizeBytes, statSync(saved.path).size);
    assert.equal(statSync(saved.path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(dir, 'snapshots')), ['skiff-snapshot-n-1712345678']);
    assert.equal(verifySnapshotFile(saved.path), head);
    assert.deepEqual(readdirSync(join(dir, 'snapshots')), ['skiff-snapshot-n-1712345678'], 'checking it creates no -wal or -shm');

    const copy = openStore(saved.path);
    t.after(() => copy.close());
    const listed = await copy.range({ prefix: '/registry/configmaps/' });
    assert.equal(listed.count, 50);
    assert.equal(listed.revision, head);
  });

  it('holds one consistent revision while writes continue during the copy', async (t) => {
    const dir = tempDir(t);
    const store = openStore(join(dir, 'state.db'));
    t.after(() => store.close());
    const big = text('x'.repeat(4000));
    for (let i = 0; i < 300; i++) await store.create(`/registry/a/${i}`, big);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) await store.create(`/registry/b/${written++}`, text('y'));
    })();
    const saved = await writeSnapshotFile(store, dir, 'during-writes-n-1712345678', 0);
    writing = false;
    await writer;
    assert.ok(written > 0, 'writes happened during the copy');
    const copy = openStore(saved.path);
    t.after(() => copy.close());
    // Revision r holds exactly the 300 first keys plus (r - 300) later ones: no torn state.
    const b = await copy.range({ prefix: '/registry/b/' });
    assert.equal((await copy.range({ prefix: '/registry/a/' })).count, 300);
    assert.equal(b.count, b.revision - 300);
  });

  it('refuses to replace a snapshot that already exists, and leaves no partial file', async (t) => {
    const dir = tempDir(t);
    const store = openStore(join(dir, 'state.db'));
    t.after(() => store.close());
    writeFileSync(join(dir, 'taken-n-1712345678'), 'older');
    await assert.rejects(writeSnapshotFile(store, dir, 'taken-n-1712345678', 0), (error: unknown) => error instanceof SnapshotError && error.code === 'Exists');
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), []);
  });

  it('a failed copy leaves nothing behind', async (t) => {
    const dir = tempDir(t);
    const failing = { backupTo: async (file: string) => { writeFileSync(file, 'half'); throw new Error('disk full'); } };
    await assert.rejects(writeSnapshotFile(failing, join(dir, 's'), 'x-n-1712345678', 0), /disk full/);
    assert.deepEqual(readdirSync(join(dir, 's')), []);
  });

  it('verification refuses a file that is not a skiff datastore', (t) => {
    const file = join(tempDir(t), 'notes.txt');
    writeFileSync(file, 'hello\n'.repeat(1000));
    assert.throws(() => verifySnapshotFile(file), (error: unknown) => error instanceof SnapshotError && error.code === 'NotADatastore');
  });
});
